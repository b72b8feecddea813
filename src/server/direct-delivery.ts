// Fan-out without a per-subscriber iterator. graphql-ws pulls a subscription's
// results one at a time, serializes each whole message for its socket and
// waits for the write before taking the next: per subscriber and event a chain
// of promises, a JSON.stringify of the payload and a system call. A
// subscription that arrives over our WebSocket and whose source can be
// diverted (EventQueue) is written through here instead: the payload is
// serialized once per event and distinct selection (shared-execution.ts), and
// each subscriber costs a string concatenation and a buffered write.
// graphql-ws keeps the bookkeeping: subscribe, complete, and an error that
// ends it.
import type { Socket } from 'node:net';
import type { WebSocket } from 'ws';

/** A WebSocket operation: its graphql-ws id and the socket it came on. */
export interface OperationChannel {
  id: string;
  socket: WebSocket;
}

/** A serialized `ExecutionResult`, or its promise when the execution is asynchronous. */
export type Payload = string | Promise<string>;

/**
 * Writes `next` frames. The frames written in one turn of the event loop to
 * one socket leave it in one system call (the socket is corked until the turn
 * ends), which matters when the process is behind and many events arrive at once.
 */
export class FrameWriter {
  private frames = 0;
  private bytes = 0;
  private readonly corked: Socket[] = [];
  private readonly uncork = () => {
    for (const socket of this.corked) socket.uncork();
    this.corked.length = 0;
  };

  write(socket: WebSocket, frame: string): void {
    if (socket.readyState !== 1) return; // closing: graphql-ws completes its subscriptions
    const raw = (socket as unknown as { _socket?: Socket | null })._socket;
    if (raw && raw.writableCorked === 0) {
      raw.cork();
      if (this.corked.push(raw) === 1) setImmediate(this.uncork);
    }
    this.frames++;
    this.bytes += frame.length;
    socket.send(frame);
  }

  /** Frames written to `socket` and still in its buffer, estimated from the average frame size. */
  backlog(socket: WebSocket): number {
    const buffered = socket.bufferedAmount;
    return buffered === 0 ? 0 : Math.ceil(buffered / (this.bytes / this.frames || 1));
  }
}
