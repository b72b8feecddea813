// WebSocket keep-alive that drops dead peers but not healthy ones whose pong
// is merely late because this process was busy. graphql-ws's own keep-alive
// terminates a socket whose pong has not been handled by the next ping, which
// under load kills healthy sockets; here a socket must miss several pings in a
// row, and a round in which the event loop itself ran late does not count
// against anyone. Only a pong counts as an answer: a peer that stopped reading
// can still send (graphql-ws pings, operations), and must not be kept alive by
// it while what we write for it piles up (issue 17).
import type { WebSocket, WebSocketServer } from 'ws';

export interface KeepAliveOptions {
  /** Time between pings. Default 12 s. */
  intervalMs?: number;
  /** Consecutive unanswered pings before a socket is terminated. Default 3. */
  maxMissed?: number;
}

export function keepAlive(wss: WebSocketServer, { intervalMs = 12_000, maxMissed = 3 }: KeepAliveOptions = {}): () => void {
  const missed = new WeakMap<WebSocket, number>();
  // One listener for every socket (ws calls it with the socket as `this`), not a closure per socket.
  function alive(this: WebSocket) {
    missed.set(this, 0);
  }
  wss.on('connection', (socket) => {
    missed.set(socket, 0);
    socket.on('pong', alive);
  });
  let lastTick = performance.now();
  const timer = setInterval(() => {
    const now = performance.now();
    const lag = now - lastTick - intervalMs;
    lastTick = now;
    if (lag > intervalMs / 2) return; // we were late, not them
    for (const socket of wss.clients) {
      const count = missed.get(socket) ?? 0;
      if (count >= maxMissed) {
        socket.terminate();
        continue;
      }
      missed.set(socket, count + 1);
      socket.ping();
    }
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
