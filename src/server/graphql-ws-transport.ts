// graphql-ws's protocol (makeServer) on `ws` sockets, with our frame writer
// instead of ws.send. graphql-ws/use/ws waits for each frame's write callback
// before the next, so a mutation's `next` and `complete` leave in two system
// calls; here every frame of an event-loop turn leaves in one (FrameWriter),
// and an operation waits only when its socket's buffer is already full.
import { CloseCode, handleProtocols, makeServer, type ServerOptions } from 'graphql-ws';
import type { Extra } from 'graphql-ws/use/ws';
import type { WebSocket, WebSocketServer } from 'ws';
import type { FrameWriter } from './direct-delivery.js';

/** Bytes waiting in a socket's buffer past which its operations wait for a drain. */
const HIGH_WATER_BYTES = 1024 * 1024;

export interface GraphqlWsTransport {
  dispose(): Promise<void>;
}

export function serveGraphqlWs<P extends Record<string, unknown> | undefined>(
  options: ServerOptions<P, Extra>,
  wss: WebSocketServer,
  writer: FrameWriter,
  logError: (message: string, error: unknown) => void,
  /** Sees each frame graphql-ws sends (results included) before it is written. */
  onFrame: (socket: WebSocket, frame: string) => void = () => undefined,
): GraphqlWsTransport {
  // The connection_init wait is ours: graphql-ws's timer stays referenced by its socket's closures for
  // the socket's whole life (~300 bytes an idle socket); ours is released once connection_init comes.
  const initWaits = new WeakMap<object, NodeJS.Timeout>();
  const server = makeServer<P, Extra>({
    ...options,
    connectionInitWaitTimeout: 0,
    onConnect: (ctx) => {
      clearTimeout(initWaits.get(ctx.extra.socket));
      initWaits.delete(ctx.extra.socket);
      return options.onConnect?.(ctx);
    },
  });
  const initWaitMs = options.connectionInitWaitTimeout ?? 3_000;
  wss.options.handleProtocols = handleProtocols;
  const closeAll = (code: number, reason: string) => {
    for (const client of wss.clients) client.close(code, reason);
  };
  wss.once('error', (error) => {
    logError('WebSocket server error', error);
    closeAll(CloseCode.InternalServerError, 'Internal server error');
  });

  wss.on('connection', (socket, request) => {
    const initWait = setTimeout(() => {
      initWaits.delete(socket);
      socket.close(CloseCode.ConnectionInitialisationTimeout, 'Connection initialisation timeout');
    }, initWaitMs);
    initWaits.set(socket, initWait);
    // `on`, not `once`: a socket errs and closes at most once, and each `once` wrapper costs an idle socket ~250 bytes.
    socket.on('error', (error) => {
      logError('WebSocket error', error);
      socket.close(CloseCode.InternalServerError, 'Internal server error');
    });
    const closed = server.opened(
      {
        protocol: socket.protocol,
        send: (data) => {
          onFrame(socket, data);
          writer.write(socket, data);
          return writer.bufferedBytes(socket) > HIGH_WATER_BYTES ? drained(socket) : undefined;
        },
        close: (code, reason) => socket.close(code, reason),
        // Not an async listener: graphql-ws's handling of a subscribe message lasts as long as the
        // subscription, and an awaiting frame here would keep the message's buffer that long.
        onMessage: (handle) =>
          socket.on('message', (data) => {
            handle(String(data)).catch((error: unknown) => {
              logError('graphql-ws message handling failed', error);
              socket.close(CloseCode.InternalServerError, 'Internal server error');
            });
          }),
      },
      { socket, request },
    );
    socket.on('close', (code, reason) => {
      clearTimeout(initWaits.get(socket));
      // A failing close hook (say, presence with Redis away) is logged, not left unhandled.
      closed(code, String(reason)).catch((error) => logError('closing a graphql-ws socket failed', error));
    });
  });

  return {
    /** Stops serving; closing the open sockets (with which code and reason) is the caller's. */
    async dispose() {
      wss.removeAllListeners();
      await new Promise<void>((resolve, reject) => wss.close((error) => (error ? reject(error) : resolve())));
    },
  };
}

/** Resolves when the socket's buffer has drained, or the socket closed. */
function drained(socket: WebSocket): Promise<void> {
  const raw = (socket as unknown as { _socket?: import('node:net').Socket | null })._socket;
  if (!raw || raw.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      raw.off('drain', done);
      raw.off('close', done);
      resolve();
    };
    raw.on('drain', done);
    raw.on('close', done);
  });
}
