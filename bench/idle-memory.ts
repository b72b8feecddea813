// Where an idle socket's memory goes: the idle scenario's sockets (a distinct
// user each, one `notifications` subscription) opened in steps, with the
// server's memory read at every step (RSS from /proc, anonymous and file
// pages apart; process.memoryUsage() and V8's heap spaces through the GC
// hook's SIGWINCH, no collection forced), and optionally heap snapshots after
// a forced collection at chosen socket counts, to compare by constructor
// (bench/heap-diff.mjs). A tool to investigate with, not a benchmark figure:
// snapshots and forced collections change what the process holds after them.
//
//   npx tsx bench/idle-memory.ts [--sockets 5000] [--step 500] [--snapshots 0,2500,5000] [--out dir] [--node-args '--trace-gc']
//     [--allocations: sample allocations from 0 sockets to the first snapshot] [--hold <s>: readings every 5 s after the last socket]
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { ClientPool, makeUsers, projectTarget, resetDatabase, sleep, startServer } from './harness.js';

const args = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1]! : fallback;
};
const sockets = Number(option('sockets', '5000'));
const step = Number(option('step', '500'));
const snapshotAt = new Set(
  option('snapshots', '')
    .split(',')
    .filter(Boolean)
    .map(Number),
);
const outDir = path.resolve(option('out', `/tmp/idle-memory-${process.pid}`));
mkdirSync(outDir, { recursive: true });
const reportFile = path.join(outDir, 'memory.jsonl');
const SETTLE_MS = Number(option('settle', '2000'));
const holdSeconds = Number(option('hold', '0'));
/** More node arguments for the server, e.g. "--trace-gc" (its output goes to <out>/server.out). */
const nodeArgs = option('node-args', '').split(' ').filter(Boolean);

const procStatus = (pid: number) => {
  const text = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? 0) * 1024;
  return { rss: kb('VmRSS'), anon: kb('RssAnon'), file: kb('RssFile') };
};

interface Reading {
  label: string;
  rss: number;
  heapTotal: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
  spaces: Record<string, { size: number; used: number }>;
}

const readings = (): Reading[] =>
  existsSync(reportFile)
    ? readFileSync(reportFile, 'utf8')
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Reading)
    : [];

async function nextReading(pid: number, signal: 'SIGWINCH' | 'SIGUSR2'): Promise<Reading> {
  const before = readings().length;
  process.kill(pid, signal);
  for (let i = 0; i < 600; i++) {
    await sleep(100);
    const all = readings();
    if (all.length > before) return all[all.length - 1]!;
  }
  throw new Error('the server wrote no memory reading (is bench/gc-hook.mjs loaded?)');
}

const MB = (bytes: number) => (bytes / 1024 / 1024).toFixed(1).padStart(7);

async function main() {
  await resetDatabase();
  const secret = randomBytes(32).toString('hex');
  const server = await startServer('project', {
    secret,
    redisPrefix: `bench-mem-${process.pid}:`,
    gcHook: true,
    nodeArgs,
    env: {
      BENCH_MEMORY_REPORT: reportFile,
      ...(snapshotAt.size > 0 ? { BENCH_HEAP_SNAPSHOT_DIR: outDir } : {}),
      // Allocations sampled from the first reading to the first snapshot.
      ...(args.includes('--allocations') ? { BENCH_ALLOCATION_PROFILE: path.join(outDir, 'allocations.heapprofile') } : {}),
    },
  });
  const pid = server.child.pid!;
  const serverOut = createWriteStream(path.join(outDir, 'server.out'));
  server.child.stdout!.on('data', (chunk: Buffer) => serverOut.write(chunk));
  const target = projectTarget(server.port);
  const pool = await ClientPool.start(1);
  try {
    const users = await makeUsers(secret, Array.from({ length: sockets }, (_, i) => `idle-${i}`));
    await sleep(3_000);
    console.log('sockets   RSS   anon   file | heapTot heapUsd  newSp  oldSp   code  large extern  arrBuf  (MB; no GC)');
    const row = async (count: number, label = String(count), snapshot = snapshotAt.has(count)) => {
      const proc = procStatus(pid);
      const r = await nextReading(pid, 'SIGWINCH');
      const space = (name: string, key: 'size' | 'used') => r.spaces[name]?.[key] ?? 0;
      console.log(
        `${label.padStart(7)} ${MB(proc.rss)}${MB(proc.anon)}${MB(proc.file)} |${MB(r.heapTotal)} ${MB(r.heapUsed)}${MB(space('new_space', 'size'))}${MB(space('old_space', 'used'))}${MB(space('code_space', 'used'))}${MB(space('large_object_space', 'used'))}${MB(r.external)} ${MB(r.arrayBuffers)}`,
      );
      if (snapshot) {
        const after = await nextReading(pid, 'SIGUSR2');
        console.log(`          after GC + snapshot: heapUsed ${MB(after.heapUsed)} MB, RSS ${MB(procStatus(pid).rss)} MB`);
      }
    };
    await row(0);
    for (let opened = 0; opened < sockets; ) {
      const to = Math.min(sockets, opened + step);
      const specs = users.slice(opened, to).map((u, i) => ({ index: opened + i, token: u.token, userId: u.id }));
      const result = await pool.open('graphql', target.wsUrl, specs, 100);
      if (result.failed) console.log(`  ${result.failed} failed: ${result.errors.join('; ')}`);
      opened = to;
      for (let i = 0; i < 480 && (await target.feedSubscriptions()) < opened; i++) await sleep(250);
      await sleep(SETTLE_MS);
      await row(opened);
    }
    // Then the sockets stay open and idle: what the process does with them meanwhile (heartbeats, keep-alive).
    for (let held = 0; held < holdSeconds; held += 5) {
      await sleep(5_000);
      await row(sockets, `+${held + 5}s`, false);
    }
    console.log(`readings: ${reportFile}; snapshots: ${readdirSync(outDir).filter((f) => f.endsWith('.heapsnapshot')).join(', ') || 'none'}`);
  } finally {
    await pool.close();
    await pool.terminate();
    await server.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
