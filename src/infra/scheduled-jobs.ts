// Periodic jobs that run once across all processes sharing the database: a
// run is claimed by moving the job's row to its next time in one UPDATE that
// only a due row passes, so of several processes checking at once exactly one
// wins (the others wait on the row's lock, then find it no longer due). No
// connection is held while the job works; a process that dies mid-run leaves
// the work to the next run.
import type { RawQuery } from './db.js';

/** Claims the job's run if it is due; answers whether this process is to run it now. */
export async function claimRun(query: RawQuery, name: string, intervalMs: number): Promise<boolean> {
  await query(`INSERT INTO "ScheduledJob" (name) VALUES ($1) ON CONFLICT (name) DO NOTHING`, [name]);
  const claimed = await query(
    `UPDATE "ScheduledJob" SET "nextRunAt" = now() + make_interval(secs => $2::double precision / 1000), "lastRunAt" = now()
     WHERE name = $1 AND "nextRunAt" <= now() RETURNING name`,
    [name, intervalMs],
  );
  return claimed.length === 1;
}

/**
 * Checks every `checkMs` whether the job is due and runs it when this process
 * claims it. Returns a stop function that waits for a run under way.
 */
export function schedule(
  query: RawQuery,
  name: string,
  { intervalMs, checkMs = Math.min(intervalMs, 5_000) }: { intervalMs: number; checkMs?: number },
  run: () => Promise<void>,
  onError: (error: unknown) => void,
): () => Promise<void> {
  let running: Promise<void> | undefined;
  const timer = setInterval(() => {
    if (running) return;
    running = claimRun(query, name, intervalMs)
      .then((mine) => (mine ? run() : undefined))
      .catch(onError)
      .finally(() => {
        running = undefined;
      });
  }, checkMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
