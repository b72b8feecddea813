// A local Redis Cluster of 3 masters and 3 replicas, started by the tests
// themselves: six `redis-server --cluster-enabled yes` on free ports in a
// temporary folder, joined by `redis-cli --cluster create … --cluster-replicas 1`.
// Used by the tests (test/helpers/redis-cluster.ts stops it after the file)
// and by `npm run bench -- --redis-cluster`; it needs no vitest.
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import calculateSlot from 'cluster-key-slot';

/** Polls `condition` until it holds; fails with `what` after `timeoutMs`. */
async function waitFor(
  condition: () => boolean | Promise<boolean>,
  { timeoutMs = 10_000, intervalMs = 10, what = 'condition' }: { timeoutMs?: number; intervalMs?: number; what?: string } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await condition()) return;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

const run = promisify(execFile);

export interface ClusterNode {
  port: number;
  id: string;
  role: 'master' | 'replica';
  /** Slot ranges a master owns. */
  slots: [number, number][];
  alive: boolean;
}

export interface RedisCluster {
  /** `127.0.0.1:port,…` for REDIS_CLUSTER_NODES. */
  nodesEnv: string;
  ports: number[];
  /** The cluster as a live node sees it. */
  topology(): Promise<ClusterNode[]>;
  /** The port of the master that owns the slot of `key`. */
  masterOf(key: string): Promise<number>;
  /** Runs a command on one node. */
  command(port: number, ...args: (string | number)[]): Promise<unknown>;
  /** Moves one slot (and its keys) to the master on `toPort`, as a resharding does. */
  moveSlot(slot: number, toPort: number): Promise<void>;
  /** SIGSTOP (`silent: true`) or SIGCONT of one node: connected, but answering nothing. */
  pause(port: number, silent: boolean): void;
  /** kill -9 of one node. */
  kill(port: number): Promise<void>;
  /** Resolves when every slot is served by a live master and every live node says cluster_state:ok. */
  healthy(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

/** A free port whose cluster bus port (+10,000) is free too. */
async function freePortPair(taken: Set<number>): Promise<number> {
  for (;;) {
    const port = await listenOnce(0);
    if (port + 10_000 > 65_535 || taken.has(port)) continue;
    const bus = await listenOnce(port + 10_000).catch(() => undefined);
    if (bus === undefined) continue;
    taken.add(port);
    return port;
  }
}

function listenOnce(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const { port: got } = server.address() as { port: number };
      server.close(() => resolve(got));
    });
  });
}

export async function startLocalRedisCluster({ nodeTimeoutMs = 1_500 }: { nodeTimeoutMs?: number } = {}): Promise<RedisCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'chat-redis-cluster-'));
  const taken = new Set<number>();
  const ports: number[] = [];
  for (let i = 0; i < 6; i++) ports.push(await freePortPair(taken));
  const children = new Map<number, ChildProcess>();
  const admins = new Map<number, Redis>();
  let output = '';
  for (const port of ports) {
    const child = spawn(
      'redis-server',
      [
        '--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--cluster-enabled', 'yes',
        '--cluster-config-file', `nodes-${port}.conf`, '--cluster-node-timeout', String(nodeTimeoutMs),
        '--save', '', '--appendonly', 'no', '--protected-mode', 'no',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child.stdout?.on('data', (chunk) => (output = (output + chunk).slice(-20_000)));
    child.stderr?.on('data', (chunk) => (output = (output + chunk).slice(-20_000)));
    children.set(port, child);
  }
  const admin = (port: number) => {
    let client = admins.get(port);
    // A client that found its node not listening yet (a slow start on a busy machine) has ended for good
    // (no retries): the next command gets a new one, or the wait for six answering nodes never ends.
    if (!client || client.status === 'end') {
      client = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: true });
      client.on('error', () => undefined);
      admins.set(port, client);
    }
    return client;
  };
  const alive = (port: number) => {
    const child = children.get(port);
    return !!child && child.exitCode === null && child.signalCode === null;
  };
  const command = async (port: number, ...args: (string | number)[]) => admin(port).call(String(args[0]), ...args.slice(1).map(String));

  const cluster: RedisCluster = {
    nodesEnv: ports.map((port) => `127.0.0.1:${port}`).join(','),
    ports,
    command,
    async topology() {
      const from = ports.find(alive)!;
      const text = String(await command(from, 'CLUSTER', 'NODES'));
      return text
        .trim()
        .split('\n')
        .map((line) => {
          const [id, address, flags, , , , , , ...slots] = line.split(' ');
          return {
            id: id!,
            port: Number(address!.split('@')[0]!.split(':')[1]),
            role: flags!.includes('master') ? 'master' : 'replica',
            alive: !flags!.includes('fail'),
            slots: slots
              .filter((s) => !s.startsWith('['))
              .map((s) => (s.includes('-') ? (s.split('-').map(Number) as [number, number]) : [Number(s), Number(s)])),
          } satisfies ClusterNode;
        });
    },
    async masterOf(key) {
      const slot = calculateSlot(key);
      const nodes = await cluster.topology();
      const owner = nodes.find((n) => n.role === 'master' && n.slots.some(([a, b]) => slot >= a && slot <= b));
      if (!owner) throw new Error(`no master owns slot ${slot}`);
      return owner.port;
    },
    async moveSlot(slot, toPort) {
      const nodes = await cluster.topology();
      const source = nodes.find((n) => n.role === 'master' && n.alive && n.slots.some(([a, b]) => slot >= a && slot <= b));
      const target = nodes.find((n) => n.port === toPort);
      if (!source || !target || target.role !== 'master') throw new Error(`cannot move slot ${slot} to ${toPort}`);
      if (source.port === toPort) return;
      await command(toPort, 'CLUSTER', 'SETSLOT', slot, 'IMPORTING', source.id);
      await command(source.port, 'CLUSTER', 'SETSLOT', slot, 'MIGRATING', target.id);
      for (;;) {
        const keys = (await command(source.port, 'CLUSTER', 'GETKEYSINSLOT', slot, 100)) as string[];
        if (keys.length === 0) break;
        await command(source.port, 'MIGRATE', '127.0.0.1', toPort, '', 0, 5_000, 'KEYS', ...keys);
      }
      for (const node of [target, source, ...nodes.filter((n) => n.role === 'master' && n.alive && n !== target && n !== source)]) {
        await command(node.port, 'CLUSTER', 'SETSLOT', slot, 'NODE', target.id);
      }
    },
    pause(port, silent) {
      children.get(port)?.kill(silent ? 'SIGSTOP' : 'SIGCONT');
    },
    async kill(port) {
      const child = children.get(port);
      if (!child || !alive(port)) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGCONT');
      child.kill('SIGKILL');
      await exited;
      admins.get(port)?.disconnect();
      admins.delete(port);
    },
    async healthy(timeoutMs = 20_000) {
      await waitFor(
        async () => {
          try {
            const live = ports.filter(alive);
            for (const port of live) {
              if (!/cluster_state:ok/.test(String(await command(port, 'CLUSTER', 'INFO')))) return false;
            }
            const nodes = await cluster.topology();
            let covered = 0;
            for (const node of nodes) {
              if (node.role !== 'master' || !live.includes(node.port)) continue;
              for (const [a, b] of node.slots) covered += b - a + 1;
            }
            return covered === 16_384;
          } catch {
            return false;
          }
        },
        { timeoutMs, intervalMs: 100, what: `a healthy Redis Cluster\n${output.slice(-3000)}` },
      );
    },
    async stop() {
      for (const client of admins.values()) client.disconnect();
      await Promise.all(ports.map((port) => cluster.kill(port)));
      rmSync(dir, { recursive: true, force: true });
    },
  };

  await waitFor(
    async () => {
      for (const port of ports) if ((await command(port, 'PING').catch(() => '')) !== 'PONG') return false;
      return true;
    },
    { timeoutMs: 10_000, intervalMs: 50, what: `six redis-server processes answering\n${output}` },
  );
  await run('redis-cli', ['--cluster', 'create', ...ports.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', '1', '--cluster-yes'], {
    timeout: 30_000,
  });
  await cluster.healthy();
  // Every replica attached to its master, so that a master's death is followed by a failover.
  await waitFor(async () => (await cluster.topology()).filter((n) => n.role === 'replica').length === 3, {
    what: 'three replicas',
  });
  return cluster;
}
