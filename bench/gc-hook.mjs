// Preloaded into both benchmarked servers for the idle scenario only
// (`node --expose-gc --import bench/gc-hook.mjs …`; plain JavaScript, as the project server runs without tsx): SIGUSR2 runs a
// full garbage collection. The idle scenario sends it only after its
// whole-RSS readings (which are taken without any forced collection, as an
// operator sees them), to show how much of the growth was garbage. The
// servers' own code is unchanged.
//
// For bench/idle-memory.ts only (off unless its environment is set):
// BENCH_MEMORY_REPORT=<file> appends a JSON line of the process's memory
// (process.memoryUsage(), V8's heap spaces) on SIGWINCH, without collecting,
// and after each SIGUSR2 collection; BENCH_HEAP_SNAPSHOT_DIR=<dir> also writes
// a heap snapshot there after each SIGUSR2 collection;
// BENCH_ALLOCATION_PROFILE=<file> samples allocations (those collected since
// included) from the first SIGWINCH to the first SIGUSR2 and writes the
// profile there (.heapprofile, for Chrome's DevTools or bench/allocation-sites.mjs).
import { appendFileSync } from 'node:fs';
import path from 'node:path';
import inspector from 'node:inspector';
import v8 from 'node:v8';

const gc = globalThis.gc;
const report = process.env.BENCH_MEMORY_REPORT;
const snapshots = process.env.BENCH_HEAP_SNAPSHOT_DIR;
const allocationProfile = process.env.BENCH_ALLOCATION_PROFILE;
let snapshotCount = 0;
let profiler;

function appendReading(label) {
  const spaces = Object.fromEntries(v8.getHeapSpaceStatistics().map((s) => [s.space_name, { size: s.space_size, used: s.space_used_size }]));
  appendFileSync(report, `${JSON.stringify({ label, at: Date.now(), ...process.memoryUsage(), spaces })}\n`);
}

if (gc) {
  process.on('SIGUSR2', () => {
    if (profiler) {
      const session = profiler;
      profiler = undefined;
      session.post('HeapProfiler.stopSampling', (error, result) => {
        if (!error) appendFileSync(allocationProfile, JSON.stringify(result.profile));
        session.disconnect();
      });
    }
    gc();
    if (report) appendReading('after gc');
    if (snapshots) v8.writeHeapSnapshot(path.join(snapshots, `${String(++snapshotCount).padStart(2, '0')}.heapsnapshot`));
  });
}
let sampled = false;
if (report) {
  process.on('SIGWINCH', () => {
    appendReading('no gc');
    if (allocationProfile && !sampled) {
      sampled = true;
      profiler = new inspector.Session();
      profiler.connect();
      profiler.post('HeapProfiler.startSampling', {
        samplingInterval: 4096,
        includeObjectsCollectedByMajorGC: true,
        includeObjectsCollectedByMinorGC: true,
      });
    }
  });
}
