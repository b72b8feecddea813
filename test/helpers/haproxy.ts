// HAProxy (Debian's `haproxy`) in front of server processes, configured with
// the configuration docs/deploy.md gives, so that the documented one is the
// tested one: only the listening address, the server addresses and maxconn change.
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cleanup } from './cleanup.js';
import { waitFor } from './deferred.js';
import { tmpDir } from './tmp.js';

const deployGuide = fileURLToPath(new URL('../../docs/deploy.md', import.meta.url));

/** The first ```haproxy block of docs/deploy.md. */
export function documentedHaproxyConfig(): string {
  const match = /```haproxy\n([\s\S]*?)```/.exec(readFileSync(deployGuide, 'utf8'));
  if (!match) throw new Error('docs/deploy.md has no ```haproxy block');
  return match[1]!;
}

export interface Haproxy {
  port: number;
  url: string;
  wsUrl: string;
  output(): string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export async function startHaproxy(serverPorts: number[]): Promise<Haproxy> {
  const port = await freePort();
  const documented = documentedHaproxyConfig();
  const servers = serverPorts.map((p, i) => `    server app${i + 1} 127.0.0.1:${p} check`).join('\n');
  const config = documented
    .replace(/^\s*bind .*$/m, `    bind 127.0.0.1:${port}`)
    // Two file descriptors per connection: a test user may not raise its limit as HAProxy (started as root) does.
    .replace(/^(\s*)maxconn \d+/m, '$1maxconn 4000')
    .replace(/(^\s*server app\d+ .*\n?)+/m, `${servers}\n`);
  if (!config.includes(`127.0.0.1:${serverPorts[0]}`)) throw new Error('could not point the documented configuration at the test servers');
  const dir = tmpDir('haproxy-');
  const file = join(dir, 'haproxy.cfg');
  writeFileSync(file, config);
  const child = spawn('haproxy', ['-db', '-f', file], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk) => (output = (output + chunk).slice(-50_000)));
  child.stderr?.on('data', (chunk) => (output = (output + chunk).slice(-50_000)));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await exited;
    }
  };
  cleanup(stop);
  await waitFor(async () => {
    if (child.exitCode !== null) throw new Error(`haproxy exited:\n${output}`);
    return fetch(`http://127.0.0.1:${port}/ready`).then((r) => r.ok, () => false);
  }, { what: `haproxy on ${port}\n${output}` });
  return { port, url: `http://127.0.0.1:${port}/graphql`, wsUrl: `ws://127.0.0.1:${port}/graphql`, output: () => output, stop };
}
