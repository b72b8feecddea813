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
  const server = makeServer<P, Extra>(options);
  wss.options.handleProtocols = handleProtocols;
  const closeAll = (code: number, reason: string) => {
    for (const client of wss.clients) client.close(code, reason);
  };
  wss.once('error', (error) => {
    logError('WebSocket server error', error);
    closeAll(CloseCode.InternalServerError, 'Internal server error');
  });

  wss.on('connection', (socket, request) => {
    socket.once('error', (error) => {
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
        onMessage: (handle) =>
          socket.on('message', async (data) => {
            try {
              await handle(String(data));
            } catch (error) {
              logError('graphql-ws message handling failed', error);
              socket.close(CloseCode.InternalServerError, 'Internal server error');
            }
          }),
      },
      { socket, request },
    );
    // A failing close hook (say, presence with Redis away) is logged, not left unhandled.
    socket.once('close', (code, reason) => void closed(code, String(reason)).catch((error) => logError('closing a graphql-ws socket failed', error)));
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
