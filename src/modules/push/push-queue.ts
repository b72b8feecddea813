// The durable queue of pushes to send. With Redis: BullMQ (jobs in Redis,
// retried with our backoff, stalled jobs of a process that died taken over by
// another). Without Redis: the "PushJob" table, claimed with FOR UPDATE SKIP
// LOCKED, so that several processes on one PostgreSQL send each push once
// (PGlite, one process, uses the same table). BullMQ keeps a planning
// batch's pushes in one job (one job's Redis scripts for many pushes); a push
// of it that must be tried again becomes a delayed job of its own, queued
// before the batch job completes, so retries stay per push and durable.
// Either survives a restart: a
// push waiting for its next try is tried at most 60 s later (MAX_RETRY_MS), a
// push being sent when its process died is claimed again after CLAIM_MS.
// A process with PUSH_SENDING=false only adds to the queue (no consumer);
// the processes that send take from it.
import { randomUUID } from 'node:crypto';
import { Queue, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { RawQuery } from '../../infra/db.js';
import type { Logger } from '../../infra/logger.js';
import { retryDelayMs, type Outcome, type PushJobData, type StoredSubscription } from './push-delivery.js';

export interface PushQueue {
  add(pushes: PushJobData[]): Promise<void>;
  /** Pushes not yet sent, given up or dropped (waiting, being sent, or waiting for a retry). */
  pending(): Promise<number>;
  close(): Promise<void>;
}

/** A push taken from the queue: `attempt` counts from 1; the table queue passes its subscription. */
export interface QueuedPush {
  job: PushJobData;
  attempt: number;
  subscription?: StoredSubscription;
}

/** Sends pushes and reports, for each, what to do with it; removing a gone subscription is the handler's. */
export type DeliverPushes = (pushes: readonly QueuedPush[]) => Promise<Outcome[]>;

/** How long a claimed job stays claimed: a process that died holding it lets it go after this. */
export const CLAIM_MS = 30_000;
/** Pushes in one BullMQ job at most (one planning batch of a big group is split). */
export const JOB_PUSHES = 200;
/** BullMQ jobs one process works on at once (each sends its pushes 16 at a time). */
const JOBS_AT_ONCE = 2;
/**
 * Table rows one process claims at once: 32 sent 16 at a time take at most
 * two request timeouts (20 s), well inside CLAIM_MS.
 */
const CLAIM_ROWS = 32;

/** A BullMQ job: the pushes of one planning batch, or one push tried again. */
export interface PushBatchData {
  pushes: PushJobData[];
}

const JOB_OPTIONS = {
  // Only when the worker fails as a whole (the database away, say): a push's own retries are jobs of their own.
  attempts: 1_000,
  backoff: { type: 'push' },
  removeOnComplete: true,
  removeOnFail: { count: 1_000 },
} as const;

export class BullPushQueue implements PushQueue {
  private readonly queue: Queue<PushBatchData | PushJobData>;
  private readonly worker: Worker<PushBatchData | PushJobData> | undefined;

  /** `consumer` absent (PUSH_SENDING=false): this process only queues. BullMQ's worker blocks on a connection of its own. */
  constructor(connection: Redis, prefix: string, log: Logger, consumer: { deliver: DeliverPushes; connection: Redis } | undefined) {
    // Nothing reads the events stream: keep it short.
    const options = { prefix: `${prefix}bull`, streams: { events: { maxLen: 100 } } };
    this.queue = new Queue<PushBatchData | PushJobData>('push', { ...options, connection });
    this.queue.on('error', (error) => log.error('push queue failed', error));
    if (!consumer) return;
    const { deliver, connection: workerConnection } = consumer;
    this.worker = new Worker<PushBatchData | PushJobData>(
      'push',
      async (job: Job<PushBatchData | PushJobData>) => {
        // A job of an earlier version holds one push.
        const pushes = 'pushes' in job.data ? job.data.pushes : [job.data];
        // attemptsMade > 0 only when this job failed as a whole before: its pushes were not tried.
        const attempts = pushes.map((push) => (push.tries ?? 0) + job.attemptsMade + 1);
        const outcomes = await deliver(pushes.map((push, i) => ({ job: push, attempt: attempts[i]! })));
        const retries = pushes.flatMap((push, i) => {
          const outcome = outcomes[i]!;
          return outcome.kind === 'retry' ? [{ push: { ...push, tries: attempts[i]! }, afterMs: outcome.afterMs, jobId: `${job.id}-${i}` }] : [];
        });
        // Before this job completes: a process dying in between runs it again, and the ids keep those retries single.
        if (retries.length > 0) {
          await this.queue.addBulk(
            retries.map(({ push, afterMs, jobId }) => ({ name: 'push', data: { pushes: [push] }, opts: { ...JOB_OPTIONS, delay: afterMs, jobId } })),
          );
        }
      },
      {
        ...options,
        connection: workerConnection,
        concurrency: JOBS_AT_ONCE,
        lockDuration: CLAIM_MS,
        stalledInterval: CLAIM_MS,
        settings: { backoffStrategy: (attempts) => retryDelayMs(attempts) },
      },
    );
    this.worker.on('error', (error) => log.error('push worker failed', error));
  }

  async add(pushes: PushJobData[]): Promise<void> {
    const jobs = [];
    for (let i = 0; i < pushes.length; i += JOB_PUSHES) {
      jobs.push({ name: 'push', data: { pushes: pushes.slice(i, i + JOB_PUSHES) }, opts: JOB_OPTIONS });
    }
    await this.queue.addBulk(jobs);
  }

  /** Pushes not yet sent (a waiting job's pushes are counted as one: tests wait for none). */
  async pending(): Promise<number> {
    const counts = await this.queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
    return Object.values(counts).reduce((sum, n) => sum + n, 0);
  }

  async close(): Promise<void> {
    await this.worker?.close();
    await this.queue.close();
  }
}

interface ClaimedRow {
  id: string;
  subscriptionId: string;
  userId: string;
  payload: string;
  topic: string;
  attempts: number;
  createdAt: Date | string;
  ownerId: string;
  endpoint: string;
  p256dh: string;
  auth: string;
}

export class TablePushQueue implements PushQueue {
  private closed = false;
  private wake: (() => void) | undefined;
  private readonly loop: Promise<void>;

  constructor(
    private readonly query: RawQuery,
    private readonly log: Logger,
    /** Absent (PUSH_SENDING=false): this process only queues. */
    deliver: DeliverPushes | undefined,
    /** How often other processes' jobs and due retries are looked for. */
    private readonly pollMs = 1_000,
  ) {
    this.loop = deliver ? this.run(deliver) : Promise.resolve();
  }

  async add(jobs: PushJobData[]): Promise<void> {
    if (jobs.length === 0) return;
    // One row per push: each is claimed, retried and deleted on its own.
    await this.query(
      `INSERT INTO "PushJob" (id, "subscriptionId", "userId", payload, topic, "createdAt")
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[])`,
      [
        jobs.map(() => randomUUID()),
        jobs.map((j) => j.subscriptionId),
        jobs.map((j) => j.userId),
        jobs.map((j) => j.payload),
        jobs.map((j) => j.topic),
        jobs.map((j) => new Date(j.queuedAt).toISOString()),
      ],
    );
    this.wake?.();
  }

  private async run(deliver: DeliverPushes): Promise<void> {
    while (!this.closed) {
      let claimed: ClaimedRow[] = [];
      let failed = false;
      try {
        claimed = await this.claim();
        if (claimed.length > 0) await this.handle(claimed, deliver);
      } catch (error) {
        failed = true;
        if (!this.closed) this.log.error('push queue poll failed', error);
      }
      if (claimed.length === 0 && !this.closed) {
        await new Promise<void>((resolve) => {
          // The database is away: ask it less often (a claim already taken is taken again after CLAIM_MS anyway).
          const timer = setTimeout(resolve, failed ? this.pollMs * 5 : this.pollMs);
          this.wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        this.wake = undefined;
      }
    }
  }

  /** Takes due jobs no other process holds, and holds them for CLAIM_MS. */
  private claim(): Promise<ClaimedRow[]> {
    return this.query<ClaimedRow>(
      `WITH claimed AS (
         UPDATE "PushJob" j SET "runAt" = now() + make_interval(secs => $2::int / 1000.0), attempts = j.attempts + 1
         WHERE j.id IN (SELECT id FROM "PushJob" WHERE "runAt" <= now() ORDER BY "runAt" LIMIT $1 FOR UPDATE SKIP LOCKED)
         RETURNING j.*
       )
       SELECT c.id, c."subscriptionId", c."userId", c.payload, c.topic, c.attempts, c."createdAt", s."userId" AS "ownerId",
              s.endpoint, s.p256dh, s.auth
       FROM claimed c JOIN "PushSubscription" s ON s.id = c."subscriptionId"`,
      [CLAIM_ROWS, CLAIM_MS],
    );
  }

  /** Sends the claimed pushes; one statement deletes those done, one reschedules those to try again. */
  private async handle(rows: ClaimedRow[], deliver: DeliverPushes): Promise<void> {
    const outcomes = await deliver(
      rows.map((row) => ({
        job: { subscriptionId: row.subscriptionId, userId: row.userId, payload: row.payload, topic: row.topic, queuedAt: new Date(row.createdAt).getTime() },
        attempt: row.attempts,
        // ownerId: whose the subscription is now (moved to another user since: dropped).
        subscription: { id: row.subscriptionId, userId: row.ownerId, endpoint: row.endpoint, p256dh: row.p256dh, auth: row.auth },
      })),
    );
    const retries = rows.flatMap((row, i) => {
      const outcome = outcomes[i]!;
      return outcome.kind === 'retry' ? [{ id: row.id, afterMs: outcome.afterMs }] : [];
    });
    const done = rows.filter((_, i) => outcomes[i]!.kind !== 'retry').map((row) => row.id);
    if (retries.length > 0) {
      await this.query(
        `UPDATE "PushJob" j SET "runAt" = now() + make_interval(secs => r.after / 1000.0)
         FROM unnest($1::text[], $2::int[]) AS r(id, after) WHERE j.id = r.id`,
        [retries.map((r) => r.id), retries.map((r) => r.afterMs)],
      );
    }
    if (done.length > 0) await this.query(`DELETE FROM "PushJob" WHERE id = ANY($1::text[])`, [done]);
  }

  async pending(): Promise<number> {
    const [row] = await this.query<{ n: number }>(`SELECT count(*)::int AS n FROM "PushJob"`, []);
    return row?.n ?? 0;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.wake?.();
    await this.loop;
  }
}
