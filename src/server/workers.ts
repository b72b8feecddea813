// WORKERS=N: a primary process that serves nothing forks N workers
// (node:cluster) that share one port; the kernel hands each new connection to
// a worker in turn (the primary accepts and passes them round-robin on
// Linux). A WebSocket is one TCP connection, so no sticky sessions are
// needed: the workers act as one service through Redis, like separate machines.
//
// The primary replaces a worker that dies, answers the workers' requests for
// the metrics of all of them (prom-client's AggregatorRegistry), and on
// SIGTERM/SIGINT drains every worker and exits 0 (forced after 9.5 s, so that
// the whole stop stays within 10 s).
import cluster, { type Worker } from 'node:cluster';
import { AggregatorRegistry, type Registry } from 'prom-client';
import type { Config } from '../infra/env.js';
import type { Logger } from '../infra/logger.js';

const METRICS_REQUEST = 'chat:metrics-request';
const METRICS_RESPONSE = 'chat:metrics-response';
/** Workers that die before listening, in a row, after which the primary gives up (a bad configuration, not a crash). */
const MAX_FAILED_STARTS = 5;
const STOP_TIMEOUT_MS = 9_500;

export const isWorker = cluster.isWorker;

export function runPrimary(config: Config, log: Logger): void {
  const aggregator = new AggregatorRegistry();
  let stopping = false;
  let announced = false;
  let failedStarts = 0;
  const listening = new WeakSet<Worker>();

  const fork = () => cluster.fork();
  for (let i = 0; i < config.workers; i++) fork();

  cluster.on('listening', (worker, address) => {
    listening.add(worker);
    failedStarts = 0;
    log.info('worker listening', { worker: worker.id, workerPid: worker.process.pid, port: address.port });
    if (!announced) {
      announced = true;
      console.log(
        `Chat API on http://localhost:${address.port}/graphql (WebSocket on the same path; listening on ${config.host}), ${config.workers} workers`,
      );
    }
  });

  cluster.on('exit', (worker, code, signal) => {
    if (stopping) {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
      return;
    }
    log.error('worker died; starting another', undefined, { worker: worker.id, workerPid: worker.process.pid, code, signal });
    if (!listening.has(worker) && ++failedStarts >= MAX_FAILED_STARTS) {
      console.error(`${MAX_FAILED_STARTS} workers in a row died before listening: giving up (see the log above).`);
      process.exit(1);
    }
    fork();
  });

  cluster.on('message', (worker, message: { type?: string; id?: number }) => {
    if (message?.type !== METRICS_REQUEST) return;
    aggregator.clusterMetrics().then(
      (text) => worker.send({ type: METRICS_RESPONSE, id: message.id, text }),
      (error: Error) => worker.send({ type: METRICS_RESPONSE, id: message.id, error: error.message }),
    );
  });

  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: draining ${Object.keys(cluster.workers ?? {}).length} workers`);
    const workers = Object.values(cluster.workers ?? {}).filter((w): w is Worker => !!w);
    if (workers.length === 0) process.exit(0);
    // Each worker closes its sockets with 1001, finishes what is under way and exits 0 (main.ts).
    for (const worker of workers) worker.process.kill('SIGTERM');
    setTimeout(() => {
      console.error('workers still running after 9.5 s: killing them');
      for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGKILL');
      process.exit(1);
    }, STOP_TIMEOUT_MS).unref();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

/**
 * In a worker: lets the primary collect this worker's registry, and returns
 * what `/metrics` serves: the metrics of every worker, summed by the primary
 * (gauges such as open sockets add up; process metrics are per process).
 */
export function workerMetrics(registry: Registry): () => Promise<string> {
  new AggregatorRegistry(); // installs the listener that answers the primary
  AggregatorRegistry.setRegistries([registry]);
  const pending = new Map<number, { resolve(text: string): void; reject(error: Error): void }>();
  let next = 0;
  process.on('message', (message: { type?: string; id?: number; text?: string; error?: string }) => {
    if (message?.type !== METRICS_RESPONSE || message.id === undefined) return;
    const request = pending.get(message.id);
    pending.delete(message.id);
    if (message.error !== undefined) request?.reject(new Error(message.error));
    else request?.resolve(message.text ?? '');
  });
  return () =>
    new Promise((resolve, reject) => {
      const id = next++;
      pending.set(id, { resolve, reject });
      process.send?.({ type: METRICS_REQUEST, id });
    });
}
