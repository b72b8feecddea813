// The uploads scenario (issue 21, Performance): 10 concurrent 10 MiB uploads
// (GraphQL multipart requests to uploadAttachment, each uploader starting its
// next file when the last is answered) while the pairs scenario runs. run.ts
// measures pairs twice on one server, first alone and then beside this load;
// this module is the load and what it reads of the server: its resident memory
// (the process tree's VmRSS, sampled every 50 ms) before and at its peak, and
// the peak of the phase without uploads.
import { randomFillSync } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import { TSX_API_URL, now, procRssBytes, sleep, type BenchUser } from './harness.js';
import { percentiles, round0, round1, type Percentiles } from './stats.js';

export interface UploadLoad {
  /** Uploads in flight at once (one loop each, its own user). */
  concurrent: number;
  /** Bytes of each file. */
  bytes: number;
}

export const UPLOADS_FULL: UploadLoad = { concurrent: 10, bytes: 10 * 1024 * 1024 };

export interface UploadFigures {
  concurrent: number;
  mibPerFile: number;
  uploadsCompleted: number;
  uploadErrors: number;
  uploadErrorSamples: string[];
  /** MiB stored per second over the phase. */
  mibPerSecond: number;
  /** From the start of the request to its answer (ms). */
  uploadMs: Percentiles | null;
  /** Server RSS just before the uploads started, its peak while they ran, and the difference (MB = 10^6 bytes). */
  rssBeforeMB: number;
  rssPeakMB: number;
  rssGrowthMB: number;
  /**
   * The peak of the same pairs load measured alone just before (run.ts), and the
   * uploads' own growth: peak with them − peak without. A single reading before
   * the uploads falls anywhere in the GC's sawtooth, a peak at its top, so
   * before → peak also counts the pairs load's own garbage.
   */
  rssPeakAloneMB?: number;
  rssGrowthOverAloneMB?: number;
}

/** Samples the RSS of process `pid` every 50 ms from now until `stop()`, which returns the peak (bytes). */
export function rssPeakSampler(pid: number): { stop: () => number } {
  let peak = procRssBytes(pid);
  const sampler = setInterval(() => (peak = Math.max(peak, procRssBytes(pid))), RSS_SAMPLE_MS);
  return {
    stop: () => {
      clearInterval(sampler);
      return Math.max(peak, procRssBytes(pid));
    },
  };
}

const UPLOAD = 'mutation BenchUpload($file: File!) { uploadAttachment(file: $file) { id size } }';
const RSS_SAMPLE_MS = 50;

/** What the upload loops did (uploads-worker.ts posts it back). */
export interface UploadLoopResult {
  durations: number[];
  errors: string[];
  completed: number;
  failed: number;
  bytes: number;
  seconds: number;
}

/**
 * The upload loops: `load.concurrent` users each post one file after the
 * other to `httpUrl` (its /graphql) until `stopped()`. Files are random bytes
 * (no type detected: stored as application/octet-stream), one buffer shared
 * by every request.
 */
export async function uploadLoops(httpUrl: string, tokens: string[], load: UploadLoad, stopped: () => boolean): Promise<UploadLoopResult> {
  const file = new Blob([randomFillSync(Buffer.alloc(load.bytes))], { type: 'application/octet-stream' });
  const result: UploadLoopResult = { durations: [], errors: [], completed: 0, failed: 0, bytes: 0, seconds: 0 };
  const t0 = now();
  await Promise.all(
    tokens.slice(0, load.concurrent).map(async (token, i) => {
      while (!stopped()) {
        const body = new FormData();
        body.set('operations', JSON.stringify({ query: UPLOAD, variables: { file: null } }));
        body.set('map', JSON.stringify({ 0: ['variables.file'] }));
        body.set('0', file, `bench-${i}.bin`);
        const started = now();
        try {
          const response = await fetch(httpUrl, { method: 'POST', body, headers: { authorization: `Bearer ${token}`, 'graphql-preflight': '1' } });
          const answer = (await response.json()) as { data?: { uploadAttachment?: { size: number } }; errors?: { message: string }[] };
          if (!answer.data?.uploadAttachment) throw new Error(`HTTP ${response.status}: ${answer.errors?.[0]?.message ?? 'no data'}`);
          result.durations.push(now() - started);
          result.completed++;
          result.bytes += answer.data.uploadAttachment.size;
        } catch (error) {
          result.failed++;
          if (result.errors.length < 5) result.errors.push(error instanceof Error ? error.message : String(error));
          await sleep(100);
        }
      }
    }),
  );
  result.seconds = (now() - t0) / 1000;
  return result;
}

const WORKER_URL = new URL('./uploads-worker.ts', import.meta.url).href;

/**
 * Runs `load` against the server at `httpUrl` until `stop` resolves, reading
 * the RSS of process `pid` all along. The loops run in a worker thread: on
 * the load generator's own event loop, 10 uploads' worth of request bodies
 * delayed the pairs' senders and subscribers being measured beside them.
 */
export async function uploadsDuring(httpUrl: string, users: BenchUser[], load: UploadLoad, pid: number, stop: Promise<unknown>): Promise<UploadFigures> {
  const rssBefore = procRssBytes(pid);
  const sampler = rssPeakSampler(pid);
  // Workers do not inherit tsx's loader: register it, then import the TypeScript worker (as harness.ts's ClientPool does).
  const bootstrap = `import(${JSON.stringify(TSX_API_URL)}).then((api) => { api.register(); return import(${JSON.stringify(WORKER_URL)}); });`;
  const worker = new Worker(bootstrap, { eval: true, workerData: { httpUrl, tokens: users.map((user) => user.token), load } });
  let rssPeak = rssBefore;
  let loops: UploadLoopResult;
  try {
    const done = new Promise<UploadLoopResult>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    void stop.finally(() => worker.postMessage('stop'));
    loops = await done;
  } finally {
    rssPeak = sampler.stop();
    await worker.terminate();
  }
  const { durations, errors, completed, failed, bytes, seconds } = loops;
  return {
    concurrent: load.concurrent,
    mibPerFile: round1(load.bytes / 1024 / 1024),
    uploadsCompleted: completed,
    uploadErrors: failed,
    uploadErrorSamples: errors,
    mibPerSecond: round1(bytes / 1024 / 1024 / seconds),
    uploadMs: percentiles(Float64Array.from(durations)),
    rssBeforeMB: round0(rssBefore / 1e6),
    rssPeakMB: round0(rssPeak / 1e6),
    rssGrowthMB: round0((rssPeak - rssBefore) / 1e6),
  };
}
