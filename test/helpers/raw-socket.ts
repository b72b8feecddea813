// A bare WebSocket speaking graphql-transport-ws by hand: for tests that need
// to control the TCP socket under it (stop reading) or send frames no client would.
import WebSocket from 'ws';

export interface Frame {
  id?: string;
  type: string;
  payload?: unknown;
}

export function rawSocket(url: string, options: WebSocket.ClientOptions = {}) {
  const socket = new WebSocket(url, 'graphql-transport-ws', options);
  const closed = new Promise<{ code: number; at: number }>((resolve) => socket.on('close', (code) => resolve({ code, at: Date.now() })));
  const opened = new Promise((resolve) => socket.on('open', resolve));
  /** Every frame received, parsed. */
  const frames: Frame[] = [];
  socket.on('message', (data) => frames.push(JSON.parse(String(data)) as Frame));
  return { socket, closed, opened, frames };
}
