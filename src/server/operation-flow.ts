// Queries and mutations over WebSockets wait here before they execute, so
// that what one user makes this process hold stays bounded however many
// operations they pipeline (contract, "Hardening details"; issue 17, finding
// 1: 150 big queries on one socket that stopped reading held 670 MB):
// - a user's operations executing at once, over all their sockets, are
//   bounded by the size of the results they are expected to build (a result
//   is built whole in memory before it is written): `maxRunningBytesPerUser`,
//   each counted at its socket's recent result size, one always admitted. A
//   sender with hundreds of sendMessage in flight (results of a few hundred
//   bytes) keeps many executing, so that they share statements; big queries
//   run one or a few at a time;
// - a socket admits an operation only while the bytes it was sent and has
//   not confirmed reading, plus the expected results of the operations it has
//   admitted, stay within `windowBytes`. Reading is confirmed by a pong: the
//   server pings once a socket has been sent `pingAfterBytes`, and the pong
//   comes back only after the peer has read everything before the ping. The
//   kernel's buffers (several MB on a fast link) no longer hide a peer that
//   does not read: it gets one window and one result, then its operations wait;
// - a socket with more than `maxWaitingPerSocket` operations waiting is not
//   read until they fall to half (its client's TCP buffers hold the rest),
//   except while it owes a pong, which must get through: then it is read, and
//   closed when what waits passes `maxWaitingBytes`.
// Nothing is refused: a client pipelining hundreds of sendMessage gets every answer.
import type { WebSocket } from 'ws';

export interface OperationFlowOptions {
  /** Expected result bytes of a user's operations executing at once, over all their sockets (one always runs). Default 1 MiB. */
  maxRunningBytesPerUser?: number;
  /** Operations waiting on one socket before it is no longer read. Default 64. */
  maxWaitingPerSocket?: number;
  /** Bytes of operations waiting on a socket that is read because it owes a pong; past them it is closed. Default 4 MiB. */
  maxWaitingBytes?: number;
  /** Bytes a socket may have been sent without confirming them, expected results included. Default 256 KiB. */
  windowBytes?: number;
  /** Unconfirmed bytes after which the socket is pinged. Default 64 KiB. */
  pingAfterBytes?: number;
  /** Called for a socket whose waiting operations passed `maxWaitingBytes`. */
  onOverflow?: (socket: WebSocket) => void;
}

const MIN_RESULT_ESTIMATE_BYTES = 1024;
/** The payload of the pings that confirm reading (keep-alive pings carry none). */
const FLOW_PING = Buffer.from('flow');

/** An admitted operation: `executed` when its result is built, `completed` when it is written (or abandoned). Each counts once. */
export interface Admission {
  executed(): void;
  completed(): void;
}

interface Waiter {
  socket: WebSocket;
  bytes: number;
  /** With the result bytes it was admitted at; undefined when its socket closed first. */
  admit: (admittedAt: number | undefined) => void;
}

interface UserFlow {
  running: number;
  /** The expected result bytes of the running operations. */
  runningBytes: number;
  waiting: Waiter[];
}

interface SocketFlow {
  userId: string;
  waiting: number;
  waitingBytes: number;
  /** Admitted, result not yet written. */
  inProgress: number;
  /** A result of this socket's as recently seen: the largest, halved by each smaller one. */
  resultEstimate: number;
  /** Bytes sent and not confirmed by a pong. */
  unconfirmed: number;
  /** The unconfirmed bytes the outstanding ping covers; undefined when no ping is out. */
  pinged?: number;
}

export class OperationFlow {
  private readonly users = new Map<string, UserFlow>();
  private readonly sockets = new WeakMap<WebSocket, SocketFlow>();
  private readonly options: Required<OperationFlowOptions>;

  constructor(options: OperationFlowOptions = {}) {
    this.options = {
      maxRunningBytesPerUser: 1024 * 1024,
      maxWaitingPerSocket: 64,
      maxWaitingBytes: 4 * 1024 * 1024,
      windowBytes: 256 * 1024,
      pingAfterBytes: 64 * 1024,
      onOverflow: (socket) => socket.terminate(),
      ...options,
    };
  }

  /** Resolves once the operation may execute, or with undefined when its socket closed first. `bytes`: the operation's size. */
  async enter(userId: string, socket: WebSocket, bytes: number): Promise<Admission | undefined> {
    let user = this.users.get(userId);
    if (!user) this.users.set(userId, (user = { running: 0, runningBytes: 0, waiting: [] }));
    const flow = this.socketFlow(socket, userId);
    const admitted = await new Promise<number | undefined>((admit) => {
      user.waiting.push({ socket, bytes, admit });
      this.countWaiting(socket, flow, 1, bytes);
      this.admit(userId);
    });
    if (admitted === undefined) return undefined;
    let executed = false;
    let completed = false;
    return {
      executed: () => {
        if (executed) return;
        executed = true;
        user.running--;
        user.runningBytes -= admitted;
        this.admit(userId);
      },
      completed: () => {
        if (completed) return;
        completed = true;
        flow.inProgress--;
        this.admit(userId);
      },
    };
  }

  /** A frame of `bytes` sent to the socket (`result`: an operation's result, whose size predicts the next ones'). */
  sent(socket: WebSocket, bytes: number, result: boolean): void {
    const flow = this.sockets.get(socket);
    if (!flow) return;
    if (result) flow.resultEstimate = Math.max(bytes, flow.resultEstimate / 2, MIN_RESULT_ESTIMATE_BYTES);
    flow.unconfirmed += bytes;
    this.pingIfDue(socket, flow);
  }

  private pingIfDue(socket: WebSocket, flow: SocketFlow): void {
    if (flow.pinged !== undefined || flow.unconfirmed < this.options.pingAfterBytes || socket.readyState !== 1) return;
    flow.pinged = flow.unconfirmed;
    socket.ping(FLOW_PING);
    if (socket.isPaused) socket.resume(); // the pong must get through
  }

  private socketFlow(socket: WebSocket, userId: string): SocketFlow {
    let flow = this.sockets.get(socket);
    if (!flow) {
      // Until its results show otherwise, one operation at a time: the first result may be big.
      const created: SocketFlow = { userId, waiting: 0, waitingBytes: 0, inProgress: 0, resultEstimate: this.options.windowBytes, unconfirmed: 0 };
      this.sockets.set(socket, (flow = created));
      socket.on('pong', (data) => {
        if (created.pinged === undefined || !FLOW_PING.equals(data)) return; // a keep-alive pong
        created.unconfirmed -= created.pinged;
        created.pinged = undefined;
        this.pingIfDue(socket, created);
        this.countWaiting(socket, created, 0, 0);
        this.admit(userId);
      });
      socket.once('close', () => this.admit(userId));
    }
    return flow;
  }

  private admit(userId: string): void {
    const user = this.users.get(userId);
    if (!user) return;
    let kept = 0;
    for (const waiter of user.waiting) {
      const open = waiter.socket.readyState === 1;
      const flow = this.socketFlow(waiter.socket, userId);
      const busy = user.running > 0 && user.runningBytes + flow.resultEstimate > this.options.maxRunningBytesPerUser;
      if (open && (busy || !this.hasRoom(flow))) {
        user.waiting[kept++] = waiter;
        continue;
      }
      this.countWaiting(waiter.socket, flow, -1, -waiter.bytes);
      if (!open) {
        waiter.admit(undefined);
        continue;
      }
      user.running++;
      user.runningBytes += flow.resultEstimate;
      flow.inProgress++;
      waiter.admit(flow.resultEstimate);
    }
    user.waiting.length = kept;
    if (user.running === 0 && kept === 0) this.users.delete(userId);
  }

  /** A completion or a pong admits what waits here again. */
  private hasRoom(flow: SocketFlow): boolean {
    return flow.unconfirmed + flow.inProgress * flow.resultEstimate <= this.options.windowBytes;
  }

  /** Reads a socket with too many operations waiting no more, unless it owes a pong; then bounds their bytes. */
  private countWaiting(socket: WebSocket, flow: SocketFlow, change: number, bytes: number): void {
    flow.waiting += change;
    flow.waitingBytes += bytes;
    if (socket.readyState !== 1) return;
    if (flow.pinged !== undefined) {
      if (socket.isPaused) socket.resume();
      if (flow.waitingBytes > this.options.maxWaitingBytes) this.options.onOverflow(socket);
    } else if (!socket.isPaused && flow.waiting > this.options.maxWaitingPerSocket) socket.pause();
    else if (socket.isPaused && flow.waiting <= this.options.maxWaitingPerSocket / 2) socket.resume();
  }
}
