// The durable queue of pushes to send. With Redis: BullMQ (jobs in Redis,
// retried with our backoff, stalled jobs of a process that died taken over by
// another). Without Redis: the "PushJob" table, claimed with FOR UPDATE SKIP
// LOCKED, so that several processes on one PostgreSQL send each push once
// (PGlite, one process, uses the same table). Either survives a restart: a
// push waiting for its next try is tried at most 60 s later (MAX_RETRY_MS), a
// push being sent when its process died is claimed again after CLAIM_MS.
import { randomUUID } from 'node:crypto';
import { Queue, UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { RawQuery } from '../../infra/db.js';
import type { Logger } from '../../infra/logger.js';
import { retryDelayMs, type Outcome, type PushJobData, type StoredSubscription } from './push-delivery.js';

export interface PushQueue {
  add(jobs: PushJobData[]): Promise<void>;
  /** Pushes not yet sent, given up or dropped (waiting, being sent, or waiting for a retry). */
  pending(): Promise<number>;
  close(): Promise<void>;
}

/** Sends one job and reports what to do with it; removing a gone subscription is the handler's. */
export type DeliverJob = (job: PushJobData, attempt: number, subscription?: StoredSubscription) => Promise<Outcome>;

/** How long a claimed job stays claimed: a process that died holding it lets it go after this. */
export const CLAIM_MS = 30_000;
/** Pushes sent at once by one process. */
const CONCURRENCY = 16;

class RetryLater extends Error {
  constructor(readonly afterMs: number) {
    super(`retry in ${afterMs} ms`);
  }
}

export class BullPushQueue implements PushQueue {
  private readonly queue: Queue<PushJobData>;
  private readonly worker: Worker<PushJobData>;

  constructor(connection: Redis, workerConnection: Redis, prefix: string, deliver: DeliverJob, log: Logger) {
    const options = { prefix: `${prefix}bull` };
    this.queue = new Queue<PushJobData>('push', { ...options, connection });
    this.worker = new Worker<PushJobData>(
      'push',
      async (job: Job<PushJobData>) => {
        const outcome = await deliver(job.data, job.attemptsMade + 1);
        if (outcome.kind === 'retry') throw new RetryLater(outcome.afterMs);
        if (outcome.kind === 'failed') throw new UnrecoverableError(outcome.reason);
      },
      {
        ...options,
        connection: workerConnection,
        concurrency: CONCURRENCY,
        lockDuration: CLAIM_MS,
        stalledInterval: CLAIM_MS,
        // Our delay for a push service's answer; the same schedule when the worker itself failed (the database away, say).
        settings: { backoffStrategy: (attempts, _type, error) => (error instanceof RetryLater ? error.afterMs : retryDelayMs(attempts)) },
      },
    );
    this.worker.on('error', (error) => log.error('push worker failed', error));
    this.queue.on('error', (error) => log.error('push queue failed', error));
  }

  async add(jobs: PushJobData[]): Promise<void> {
    await this.queue.addBulk(
      jobs.map((data) => ({
        name: 'push',
        data,
        // Bounded by time, not count (push-delivery.ts gives up after RETRY_FOR_MS).
        opts: { attempts: 1_000, backoff: { type: 'push' }, removeOnComplete: true, removeOnFail: { count: 1_000 } },
      })),
    );
  }

  async pending(): Promise<number> {
    const counts = await this.queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
    return Object.values(counts).reduce((sum, n) => sum + n, 0);
  }

  async close(): Promise<void> {
    await this.worker.close();
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
    private readonly deliver: DeliverJob,
    private readonly log: Logger,
    /** How often other processes' jobs and due retries are looked for. */
    private readonly pollMs = 1_000,
  ) {
    this.loop = this.run();
  }

  async add(jobs: PushJobData[]): Promise<void> {
    if (jobs.length === 0) return;
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

  private async run(): Promise<void> {
    while (!this.closed) {
      let claimed: ClaimedRow[] = [];
      let failed = false;
      try {
        claimed = await this.claim();
        await Promise.all(claimed.map((row) => this.handle(row)));
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
      [CONCURRENCY, CLAIM_MS],
    );
  }

  private async handle(row: ClaimedRow): Promise<void> {
    // The subscription moved to another user since: not theirs to receive.
    if (row.ownerId !== row.userId) return this.done(row.id);
    const job: PushJobData = {
      subscriptionId: row.subscriptionId,
      userId: row.userId,
      payload: row.payload,
      topic: row.topic,
      queuedAt: new Date(row.createdAt).getTime(),
    };
    const subscription = { id: row.subscriptionId, userId: row.ownerId, endpoint: row.endpoint, p256dh: row.p256dh, auth: row.auth };
    const outcome = await this.deliver(job, row.attempts, subscription).catch((error): Outcome => {
      this.log.error('push delivery failed', error);
      return { kind: 'retry', afterMs: 5_000 };
    });
    if (outcome.kind === 'retry') {
      await this.query(`UPDATE "PushJob" SET "runAt" = now() + make_interval(secs => $2::int / 1000.0) WHERE id = $1`, [row.id, outcome.afterMs]);
    } else {
      await this.done(row.id);
    }
  }

  private async done(id: string): Promise<void> {
    await this.query(`DELETE FROM "PushJob" WHERE id = $1`, [id]);
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
