// What uploads cost the server, without the pairs load: the uploads
// scenario's 10 concurrent 10 MiB uploads (bench/uploads.ts) against a fresh
// project server for a few seconds, and the server's CPU time (user and
// system, from /proc) per uploaded MiB. CPU time per byte moves far less with
// the machine's load than latencies do, and the closed upload loops turn any
// saving into more MiB/s rather than less CPU: compare ms per MiB.
//
//   npm run build && npx tsx bench/upload-cost.ts [--seconds 6] [--runs 1]
//   npx tsx bench/upload-cost.ts --tree ../other-checkout   that checkout's server (built) and harness
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { pathToFileURL } from 'node:url';

const args = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? args[at + 1]! : fallback;
};
const seconds = Number(option('seconds', '6'));
const runs = Number(option('runs', '1'));
const tree = resolve(option('tree', '.'));

type Harness = typeof import('./harness.js');
type Uploads = typeof import('./uploads.js');

/** User and system CPU seconds of one process (its threads included). */
function cpuSeconds(pid: number): { user: number; system: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { user: Number(fields[11]) / 100, system: Number(fields[12]) / 100 };
}

async function once(h: Harness, u: Uploads) {
  await h.resetDatabase();
  const secret = randomBytes(32).toString('hex');
  const dir = mkdtempSync(join(tmpdir(), 'chat-upload-cost-'));
  // As in the uploads scenario: a folder of its own, and no per-user byte budget in the way.
  const env = { UPLOADS_DIR: dir, UPLOAD_BYTES_PER_HOUR: String(1024 ** 4) };
  const server = await h.startServer('project', { secret, redisPrefix: `upload-cost-${Date.now()}:`, env });
  try {
    const users = await h.makeUsers(secret, Array.from({ length: u.UPLOADS_FULL.concurrent }, (_, i) => `uploader-${i}`));
    await h.projectTarget(server.port).registerUsers(users);
    const pid = server.child.pid!;
    const load = loadavg()[0]!;
    const before = cpuSeconds(pid);
    const figures = await u.uploadsDuring(`http://127.0.0.1:${server.port}/graphql`, users, u.UPLOADS_FULL, pid, h.sleep(seconds * 1000));
    const after = cpuSeconds(pid);
    const mib = (figures.uploadsCompleted * u.UPLOADS_FULL.bytes) / 1024 / 1024;
    const perMiB = (s: number) => Math.round(((s * 1000) / mib) * 100) / 100;
    return {
      load: Math.round(load * 10) / 10,
      mibPerSecond: figures.mibPerSecond,
      userMsPerMiB: perMiB(after.user - before.user),
      systemMsPerMiB: perMiB(after.system - before.system),
      rssGrowthMB: figures.rssGrowthMB,
      uploadErrors: figures.uploadErrors,
    };
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main() {
  const h = (await import(pathToFileURL(join(tree, 'bench/harness.ts')).href)) as Harness;
  const u = (await import(pathToFileURL(join(tree, 'bench/uploads.ts')).href)) as Uploads;
  for (let i = 0; i < runs; i++) console.log(JSON.stringify({ tree, ...(await once(h, u)) }));
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
