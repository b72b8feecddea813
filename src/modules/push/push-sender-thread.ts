// The sender thread (push-sender.ts): lowers its own OS priority, then sends
// each request's pushes, SENDS_AT_ONCE at a time, and answers their outcomes.
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { EndpointGuard } from './endpoint-guard.js';
import { PushSending, type Outcome } from './push-delivery.js';
import type { SenderAnswer, SenderRequest, SenderThreadData } from './push-sender.js';

/** Pushes of one request sent at once (the agent keeps 16 connections per push service port). */
const SENDS_AT_ONCE = 16;

const data = workerData as SenderThreadData;
lowerPriority(data.nice);
let ownPort: number | undefined;
const sending = new PushSending(data.keys, new EndpointGuard({ allowPrivateHosts: data.allowPrivateHosts, ownPort: () => ownPort, extraCa: data.extraCa }));

parentPort!.on('message', async (request: SenderRequest) => {
  ownPort = request.ownPort;
  const errors: string[] = [];
  const outcomes = await inLanes(request.pushes, SENDS_AT_ONCE, ({ subscription, job, attempt }) =>
    sending.send(subscription, job, attempt).catch((error): Outcome => {
      errors.push(String((error as Error)?.stack ?? error));
      return { kind: 'retry', afterMs: 5_000 };
    }),
  );
  parentPort!.postMessage({ id: request.id, outcomes, errors } satisfies SenderAnswer);
});

/**
 * Renices this thread only: on Linux a thread has its own id (/proc/thread-self
 * is "<pid>/task/<tid>") and setpriority() takes it. Elsewhere the thread keeps
 * the process's priority.
 */
function lowerPriority(nice: number): void {
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (Number.isInteger(tid) && tid > 0) setPriority(tid, nice);
  } catch {
    // Not Linux, or not allowed: the same priority as the requests.
  }
}

/** `fn` over `items`, at most `lanes` at a time; the results in the items' order. */
async function inLanes<T, R>(items: readonly T[], lanes: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(lanes, items.length) }, lane));
  return results;
}
