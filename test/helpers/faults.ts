// Faults on demand: a Redis server of the test's own, and a TCP proxy that can
// cut and restore the way to PostgreSQL.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, connect, type AddressInfo, type Server, type Socket } from 'node:net';
import { waitFor } from './deferred.js';
import { cleanup } from './cleanup.js';

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export interface OwnRedis {
  url: string;
  stop(): Promise<void>;
  start(): Promise<void>;
}

/** A redis-server on a free port that the test may kill and restart. */
export async function ownRedis(): Promise<OwnRedis> {
  const port = await freePort();
  let child: ChildProcess | undefined;
  const handle: OwnRedis = {
    url: `redis://127.0.0.1:${port}`,
    async start() {
      child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
      await waitFor(() => canConnect(port), { what: `redis-server on ${port}` });
    },
    async stop() {
      if (!child) return;
      const exited = new Promise((resolve) => child!.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
      child = undefined;
    },
  };
  await handle.start();
  cleanup(() => handle.stop());
  return handle;
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export interface TcpProxy {
  port: number;
  /** Drops every open connection and refuses new ones. */
  cut(): void;
  /** Keeps every connection open and accepts new ones, but passes no byte either way: a network gone silent. */
  blackHole(): void;
  restore(): void;
}

/** A TCP proxy in front of `target` that the test can cut, black-hole and restore. */
export async function tcpProxy(targetHost: string, targetPort: number): Promise<TcpProxy> {
  const open = new Set<Socket>();
  let state: 'up' | 'cut' | 'silent' = 'up';
  const server: Server = createServer((client) => {
    if (state === 'cut') {
      client.destroy();
      return;
    }
    const upstream = connect(targetPort, targetHost);
    open.add(client);
    open.add(upstream);
    // Bytes are passed on only while the proxy is up; a silent network swallows them.
    client.on('data', (chunk) => state === 'up' && upstream.write(chunk));
    upstream.on('data', (chunk) => state === 'up' && client.write(chunk));
    const drop = () => {
      client.destroy();
      upstream.destroy();
      open.delete(client);
      open.delete(upstream);
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const dropAll = () => {
    for (const socket of open) socket.destroy();
    open.clear();
  };
  cleanup(() => new Promise<void>((resolve) => {
    dropAll();
    server.close(() => resolve());
  }));
  return {
    port: (server.address() as AddressInfo).port,
    cut() {
      state = 'cut';
      dropAll();
    },
    blackHole() {
      state = 'silent';
    },
    restore() {
      // Connections that lost bytes while silent cannot carry on: they end, as timed-out ones would.
      if (state === 'silent') dropAll();
      state = 'up';
    },
  };
}
