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

/** A serialized `ExecutionResult` (UTF-8 JSON), or its promise when the execution is asynchronous. */
export type Payload = Buffer | Promise<Buffer>;

/** net.Socket's default writableHighWaterMark. */
const HIGH_WATER_MARK = 16 * 1024;

/** When a socket last handed its corked frames to the kernel (performance.now()). */
const LAST_FLUSH = Symbol('lastFlush');
type RawSocket = Socket & { [LAST_FLUSH]?: number };

/**
 * Writes text frames: subscriptions' `next` frames and graphql-ws's own
 * (graphql-ws-transport.ts). Each frame is one buffer (WebSocket header and UTF-8
 * text) written straight onto the socket, where ws.send would build an options
 * object, a header buffer and two writes. That is safe because this server's
 * sockets negotiate no extension (no permessage-deflate), so ws's sender never
 * queues a frame it could interleave with; otherwise ws.send is used.
 *
 * Frames leave a socket together: it stays corked until the end of the turn of
 * the event loop, or, when its last system call was less than
 * `flushIntervalMs` ago, until that interval has passed (or its frames reach
 * the high-water mark). A socket that gets a frame now and then is written at
 * once; one that gets hundreds a second (a member of a busy group) is written
 * a few dozen times a second, several frames per call: each system call on a
 * TCP socket costs as much as the whole per-subscriber pass, on the server and
 * again in the client that reads it.
 */
export class FrameWriter {
  private frames = 0;
  private bytes = 0;
  /** Corked sockets written at the end of this turn. */
  private readonly endOfTurn: RawSocket[] = [];
  /** Corked sockets written when their interval has passed. */
  private readonly delayed: RawSocket[] = [];
  private timer: NodeJS.Timeout | undefined;
  private timerDue = 0;

  constructor(private readonly flushIntervalMs: number) {}

  private readonly flushEndOfTurn = () => {
    const now = performance.now();
    for (const socket of this.endOfTurn) flush(socket, now);
    this.endOfTurn.length = 0;
  };

  private readonly flushDelayed = () => {
    this.timer = undefined;
    const now = performance.now();
    let next = Number.POSITIVE_INFINITY;
    let kept = 0;
    for (const socket of this.delayed) {
      const due = (socket[LAST_FLUSH] ?? 0) + this.flushIntervalMs;
      // A millisecond early rather than a timer turn late.
      if (due <= now + 1 || socket.writableCorked === 0) flush(socket, now);
      else {
        this.delayed[kept++] = socket;
        next = Math.min(next, due);
      }
    }
    this.delayed.length = kept;
    if (kept > 0) this.schedule(next, now);
  };

  /**
   * Returns false when the socket holds more than its high-water mark (16 KiB)
   * not yet handed to the kernel: then, and only then, is its backlog worth
   * reading (a read of the socket's state per subscriber and event is not free).
   */
  write(socket: WebSocket, frame: string): boolean {
    const raw = this.rawSocket(socket);
    if (raw === undefined) return true;
    if (raw === null) {
      socket.send(frame);
      return this.bounded(socket, socket.bufferedAmount < HIGH_WATER_MARK);
    }
    return this.bounded(socket, this.writeRaw(raw, textFrame(frame)));
  }

  /**
   * A subscription's `next` frame, `head` + `payload` + `}`, from bytes: the
   * payload is shared by every subscriber of the event and only copied, not
   * encoded again for each (see write for the return value).
   */
  writeNext(socket: WebSocket, head: Buffer, payload: Buffer): boolean {
    const raw = this.rawSocket(socket);
    if (raw === undefined) return true;
    const length = head.length + payload.length + 1;
    const { frame, offset } = frameWithHeader(length);
    head.copy(frame, offset);
    payload.copy(frame, offset + head.length);
    frame[offset + length - 1] = 0x7d; // }
    if (raw === null) {
      socket.send(frame.subarray(offset), { binary: false });
      return this.bounded(socket, socket.bufferedAmount < HIGH_WATER_MARK);
    }
    return this.bounded(socket, this.writeRaw(raw, frame));
  }

  /**
   * Bounds what one socket may hold for its peer, results and events alike:
   * past `maxBufferedBytes` not taken, `onOverflow` runs for it (ws.ts closes
   * it). Checked only past the high-water mark, so a reading socket costs nothing.
   */
  bound(maxBufferedBytes: number, onOverflow: (socket: WebSocket) => void): void {
    this.maxBufferedBytes = maxBufferedBytes;
    this.onOverflow = onOverflow;
  }

  private maxBufferedBytes = Number.POSITIVE_INFINITY;
  private onOverflow: (socket: WebSocket) => void = () => undefined;

  private bounded(socket: WebSocket, underHighWaterMark: boolean): boolean {
    if (!underHighWaterMark && this.bufferedBytes(socket) > this.maxBufferedBytes) this.onOverflow(socket);
    return underHighWaterMark;
  }

  /** The TCP socket to write frames to; null: use ws.send; undefined: closing (graphql-ws completes its subscriptions). */
  private rawSocket(socket: WebSocket): Socket | null | undefined {
    if (socket.readyState !== 1) return undefined;
    const raw = (socket as unknown as { _socket?: Socket | null })._socket;
    return !raw || hasExtension(socket) ? null : raw;
  }

  private writeRaw(raw: RawSocket, frame: Buffer): boolean {
    if (raw.writableCorked === 0) {
      raw.cork();
      const now = performance.now();
      const due = (raw[LAST_FLUSH] ?? Number.NEGATIVE_INFINITY) + this.flushIntervalMs;
      if (due <= now) {
        if (this.endOfTurn.push(raw) === 1) setImmediate(this.flushEndOfTurn);
      } else {
        this.delayed.push(raw);
        this.schedule(due, now);
      }
    }
    this.frames++;
    this.bytes += frame.length;
    if (raw.write(frame)) return true;
    // Past the high-water mark: hand the frames over now, so that what stays
    // buffered is what the peer has not taken, not what waited for the interval.
    flush(raw, performance.now());
    return raw.writableLength < HIGH_WATER_MARK;
  }

  private schedule(due: number, now: number): void {
    if (this.timer !== undefined && this.timerDue <= due) return;
    clearTimeout(this.timer);
    this.timerDue = due;
    this.timer = setTimeout(this.flushDelayed, Math.max(0, due - now));
  }

  /** Frames written to `socket` and still in its buffer, estimated from the average frame size. */
  backlog(socket: WebSocket): number {
    const buffered = this.bufferedBytes(socket);
    return buffered === 0 ? 0 : Math.ceil(buffered / (this.bytes / this.frames || 1));
  }

  /** Bytes written to `socket` and not yet handed to the kernel. */
  bufferedBytes(socket: WebSocket): number {
    const raw = (socket as unknown as { _socket?: Socket | null })._socket;
    return raw ? raw.writableLength : socket.bufferedAmount;
  }
}

/** Hands a socket's corked frames to the kernel (a socket flushed earlier, e.g. at its high-water mark, is left as it is). */
function flush(socket: RawSocket, now: number): void {
  if (socket.writableCorked === 0) return;
  socket[LAST_FLUSH] = now;
  socket.uncork();
}

/** Whether the socket negotiated an extension (ws's `extensions` getter builds a string on every call). */
function hasExtension(socket: WebSocket): boolean {
  for (const _ in (socket as unknown as { _extensions: object })._extensions) return true;
  return false;
}

/** An unmasked, final text frame (RFC 6455 §5.2), as a server sends it. */
export function textFrame(text: string): Buffer {
  const { frame, offset } = frameWithHeader(Buffer.byteLength(text));
  frame.write(text, offset, 'utf8');
  return frame;
}

/** A buffer for a text frame of `length` payload bytes, its header written; the payload goes at `offset`. */
function frameWithHeader(length: number): { frame: Buffer; offset: number } {
  const offset = length < 126 ? 2 : length < 65_536 ? 4 : 10;
  const frame = Buffer.allocUnsafe(offset + length);
  frame[0] = 0x81; // FIN, opcode 1 (text)
  if (offset === 2) {
    frame[1] = length;
  } else if (offset === 4) {
    frame[1] = 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 127;
    frame.writeUInt16BE(0, 2); // a 64-bit length; ours fit in the low 48 bits
    frame.writeUIntBE(length, 4, 6);
  }
  return { frame, offset };
}
