// WebSocket keep-alive that drops dead peers but not healthy ones whose pong
// is merely late because this process was busy. graphql-ws's own keep-alive
// terminates a socket whose pong has not been handled by the next ping, which
// under load kills healthy sockets; here a socket must miss several pings in a
// row, and a round in which the event loop itself ran late does not count
// against anyone. A round is spread over the interval (a slice of the
// sockets per tick), so that no tick writes to every socket at once. Only a
// pong counts as an answer: a peer that stopped reading can still send
// (graphql-ws pings, operations), and must not be kept alive by it while what
// we write for it piles up (issue 17).
import type { WebSocket, WebSocketServer } from 'ws';

export interface KeepAliveOptions {
  /** Time between pings. Default 12 s. */
  intervalMs?: number;
  /** Consecutive unanswered pings before a socket is terminated. Default 3. */
  maxMissed?: number;
}

/** About how often a slice of the sockets is pinged: each tick pings one slice, so a round is spread over the interval. */
const TICK_MS = 100;

export function keepAlive(wss: WebSocketServer, { intervalMs = 12_000, maxMissed = 3 }: KeepAliveOptions = {}): () => void {
  const missed = new WeakMap<WebSocket, number>();
  // Pinging every socket in one tick blocks the event loop for tens of
  // milliseconds per thousand sockets (and their pongs come back together),
  // which is what decides the delivery latencies' tail. Sockets are dealt
  // into slices instead, and each tick pings one: every socket is still
  // pinged once per interval.
  const slices: Set<WebSocket>[] = Array.from({ length: Math.max(1, Math.round(intervalMs / TICK_MS)) }, () => new Set());
  const tickMs = intervalMs / slices.length;
  const sliceOf = new WeakMap<WebSocket, Set<WebSocket>>();
  let dealt = 0;
  // Listeners shared by every socket (ws calls them with the socket as `this`), not closures per socket.
  function alive(this: WebSocket) {
    missed.set(this, 0);
  }
  function gone(this: WebSocket) {
    sliceOf.get(this)?.delete(this);
  }
  wss.on('connection', (socket) => {
    missed.set(socket, 0);
    socket.on('pong', alive);
    const slice = slices[dealt++ % slices.length]!;
    slice.add(socket);
    sliceOf.set(socket, slice);
    socket.once('close', gone);
  });
  let tick = 0;
  let lastTick = performance.now();
  /** Until when misses do not count: the event loop ran late, so pongs may be waiting unread. */
  let forgivenUntil = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    if (now - lastTick - tickMs > intervalMs / 2) forgivenUntil = now + intervalMs; // we were late, not them
    lastTick = now;
    const forgiven = now < forgivenUntil;
    for (const socket of slices[tick++ % slices.length]!) {
      const count = missed.get(socket) ?? 0;
      if (count >= maxMissed && !forgiven) {
        socket.terminate();
        continue;
      }
      if (!forgiven) missed.set(socket, count + 1);
      socket.ping();
    }
  }, tickMs);
  timer.unref();
  return () => clearInterval(timer);
}
