// The uploads scenario (issue 21, Performance): 10 concurrent 10 MiB uploads
// (GraphQL multipart requests to uploadAttachment, each uploader starting its
// next file when the last is answered) while the pairs scenario runs. run.ts
// measures pairs twice on one server, first alone and then beside this load;
// this module is the load and what it reads of the server: its resident memory
// (the process tree's VmRSS, sampled every 50 ms) before and at its peak.
import { randomFillSync } from 'node:crypto';
import { now, procRssBytes, sleep, type BenchUser } from './harness.js';
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
}

const UPLOAD = 'mutation BenchUpload($file: File!) { uploadAttachment(file: $file) { id size } }';
const RSS_SAMPLE_MS = 50;

/**
 * Runs `load` against the server at `httpUrl` (its /graphql) until `stop()`
 * resolves, reading the RSS of process `pid` all along. Files are random
 * bytes (no type detected: stored as application/octet-stream), one buffer
 * shared by every request.
 */
export async function uploadsDuring(httpUrl: string, users: BenchUser[], load: UploadLoad, pid: number, stop: Promise<unknown>): Promise<UploadFigures> {
  const file = new Blob([randomFillSync(Buffer.alloc(load.bytes))], { type: 'application/octet-stream' });
  const rssBefore = procRssBytes(pid);
  let rssPeak = rssBefore;
  const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, procRssBytes(pid))), RSS_SAMPLE_MS);
  let stopped = false;
  void stop.finally(() => (stopped = true));
  const durations: number[] = [];
  const errors: string[] = [];
  let completed = 0;
  let failed = 0;
  let bytes = 0;
  const t0 = now();
  try {
    await Promise.all(
      users.slice(0, load.concurrent).map(async (user, i) => {
        while (!stopped) {
          const body = new FormData();
          body.set('operations', JSON.stringify({ query: UPLOAD, variables: { file: null } }));
          body.set('map', JSON.stringify({ 0: ['variables.file'] }));
          body.set('0', file, `bench-${i}.bin`);
          const started = now();
          try {
            const response = await fetch(httpUrl, { method: 'POST', body, headers: { authorization: `Bearer ${user.token}`, 'graphql-preflight': '1' } });
            const answer = (await response.json()) as { data?: { uploadAttachment?: { size: number } }; errors?: { message: string }[] };
            if (!answer.data?.uploadAttachment) throw new Error(`HTTP ${response.status}: ${answer.errors?.[0]?.message ?? 'no data'}`);
            durations.push(now() - started);
            completed++;
            bytes += answer.data.uploadAttachment.size;
          } catch (error) {
            failed++;
            if (errors.length < 5) errors.push(error instanceof Error ? error.message : String(error));
            await sleep(100);
          }
        }
      }),
    );
  } finally {
    clearInterval(sampler);
  }
  rssPeak = Math.max(rssPeak, procRssBytes(pid));
  const seconds = (now() - t0) / 1000;
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
