// The presence scenario's users, inside a subscriber worker thread. Each user
// is one socket, as a chat app's: typing(conversationId) for each of its
// conversations, presence for its contacts, and its own setTyping sent over
// the same socket. The main thread plans what each user does and when
// (PresenceAction); the worker does it on time and records when each action
// started and was done, and every typing and presence event received.
import { PRESENCE, SET_TYPING, TYPING } from './operations.js';
import type { ClientKind, PresenceAction, PresenceCollect, PresenceUserSpec, WorkerRequest } from './protocol.js';
import { bytesRead, Columns, CountingWebSocket, describe, graphqlClient, loopDelayFigures, now, opening, operation, ReferenceRequests, resetLoopDelay, Samples } from './worker-common.js';

type PresenceRequest = Extract<WorkerRequest, { cmd: 'presenceOpen' | 'presenceRun' | 'presenceCollect' }>;

export const isPresenceCommand = (request: WorkerRequest): request is PresenceRequest => request.cmd.startsWith('presence');

interface Connection {
  setTyping(conversationId: string, isTyping: boolean): Promise<unknown>;
  close(): Promise<void>;
}

interface User {
  spec: PresenceUserSpec;
  connection: Connection | undefined;
}

let kind: ClientKind = 'graphql';
let url = '';
let conversationIds: string[] = [];
const userIndex = new Map<string, number>();
const conversationIndex = new Map<string, number>();
const users = new Map<number, User>();
let ending = false;

const typing = new Columns(['recipient', 'typist', 'conversation', 'isTyping', 't'] as const);
const presence = new Columns(['recipient', 'subject', 'online', 't'] as const);
const actions = new Columns(['id', 'start', 'done'] as const);
let errorCount = 0;
let dropped = 0;
const errors = new Samples();
let bytesAtStart = 0;

function fault(message: string) {
  errorCount++;
  errors.add(message);
}

function onTyping(user: User, event: { conversationId: string; isTyping: boolean; user: { id: string } }) {
  typing.push({
    recipient: user.spec.index,
    typist: userIndex.get(event.user.id) ?? -1,
    conversation: conversationIndex.get(event.conversationId) ?? -1,
    isTyping: event.isTyping ? 1 : 0,
    t: now(),
  });
}

function onPresence(user: User, event: { status: string; user: { id: string } }) {
  presence.push({ recipient: user.spec.index, subject: userIndex.get(event.user.id) ?? -1, online: event.status === 'ONLINE' ? 1 : 0, t: now() });
}

/** A socket closed by the server or the network (each connection knows whether we closed it). */
function onUnexpectedClose(code: number | undefined) {
  if (ending) return;
  dropped++;
  fault(`socket closed ${code ?? 'unknown'}`);
}

/** graphql-ws: connected once connection_ack arrived; the subscriptions go out with the connection. */
async function connectGraphql(user: User, timeoutMs: number): Promise<Connection> {
  let closingByUs = false;
  let resolveClosed!: () => void;
  const closed = new Promise<void>((r) => (resolveClosed = r));
  const { client, connected } = graphqlClient(url, user.spec.token, timeoutMs, `user ${user.spec.index}`, (code) => {
    resolveClosed();
    if (!closingByUs) onUnexpectedClose(code);
  });
  const sink = <T>(onData: (data: T) => void) => ({
    next: (result: { data?: T | null; errors?: readonly { message: string }[] }) => {
      if (result.errors?.length) fault(`subscription error: ${result.errors.map((e) => e.message).join('; ')}`);
      else if (result.data) onData(result.data);
    },
    error: (error: unknown) => {
      if (!closingByUs && !ending) fault(`subscription errored: ${describe(error)}`);
    },
    complete: () => undefined,
  });
  for (const c of user.spec.conversations) {
    client.subscribe<{ typing: Parameters<typeof onTyping>[1] }>(
      { query: TYPING, variables: { conversationId: conversationIds[c] } },
      sink((data) => onTyping(user, data.typing)),
    );
  }
  client.subscribe<{ presence: Parameters<typeof onPresence>[1] }>({ query: PRESENCE }, sink((data) => onPresence(user, data.presence)));
  await connected;
  return {
    setTyping: (conversationId, isTyping) => operation(client, SET_TYPING, { conversationId, isTyping }),
    close: async () => {
      closingByUs = true;
      await client.dispose();
      await Promise.race([closed, new Promise((r) => setTimeout(r, 5_000))]);
    },
  };
}

/** Reference: connected once every subscription answered `subscribed`. */
function connectReference(user: User, timeoutMs: number): Promise<Connection> {
  return new Promise((resolve, reject) => {
    let waiting = user.spec.conversations.length + 1;
    let closingByUs = false;
    const ws = new CountingWebSocket(`${url}?token=${encodeURIComponent(user.spec.token)}`, { perMessageDeflate: false });
    const requests = new ReferenceRequests();
    const closed = new Promise<void>((r) => ws.once('close', () => r()));
    const start = opening(ws, timeoutMs, `user ${user.spec.index}`, reject);
    ws.on('open', () => {
      for (const c of user.spec.conversations) ws.send(JSON.stringify({ type: 'subscribeTyping', conversationId: conversationIds[c] }));
      ws.send(JSON.stringify({ type: 'subscribePresence' }));
    });
    ws.on('message', (data) => {
      const frame = JSON.parse(String(data)) as { type: string; requestId?: number; error?: string } & Record<string, unknown>;
      if (requests.answer(frame)) return;
      if (frame.type === 'TypingEvent') onTyping(user, frame as unknown as Parameters<typeof onTyping>[1]);
      else if (frame.type === 'PresenceEvent') onPresence(user, frame as unknown as Parameters<typeof onPresence>[1]);
      else if (frame.type === 'subscribed') {
        if (--waiting > 0 || !start.done()) return;
        resolve({
          setTyping: (conversationId, isTyping) => requests.request(ws, { type: 'setTyping', conversationId, isTyping }),
          close: async () => {
            closingByUs = true;
            ws.close(1000);
            await closed;
          },
        });
      } else if (frame.type === 'error') {
        if (!start.settled) start.fail(frame.error ?? 'error');
        else fault(`reference error: ${frame.error}`);
      }
    });
    ws.on('error', (error) => start.fail(describe(error)));
    ws.on('close', (code) => {
      requests.failAll(`socket closed (${code})`);
      if (!start.settled) start.fail(`closed ${code} before subscribed`);
      else if (!closingByUs) onUnexpectedClose(code);
    });
  });
}

const TIMEOUT_MS = 30_000;

async function connect(user: User, timeoutMs = TIMEOUT_MS) {
  user.connection = await (kind === 'graphql' ? connectGraphql(user, timeoutMs) : connectReference(user, timeoutMs));
}

async function open(request: Extract<PresenceRequest, { cmd: 'presenceOpen' }>) {
  kind = request.kind;
  url = request.url;
  conversationIds = request.conversationIds;
  request.conversationIds.forEach((id, i) => conversationIndex.set(id, i));
  request.userIds.forEach((id, i) => userIndex.set(id, i));
  let next = 0;
  let opened = 0;
  const failedIndexes: number[] = [];
  const openErrors: string[] = [];
  const lane = async () => {
    while (next < request.users.length) {
      const spec = request.users[next++]!;
      const user: User = { spec, connection: undefined };
      users.set(spec.index, user);
      try {
        await connect(user, request.timeoutMs);
        opened++;
      } catch (error) {
        failedIndexes.push(spec.index);
        if (openErrors.length < 5) openErrors.push(describe(error));
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(request.concurrency, request.users.length)) }, lane));
  return { opened, failed: failedIndexes.length, failedIndexes, errors: openErrors };
}

/**
 * Does each action at its time, a user's actions one after another (a late
 * answer or a slow reconnection delays that user's next action, never
 * overlaps it: a user never types on a socket being closed, nor holds two);
 * answers when all are done (the reply carries nothing: presenceCollect does).
 */
async function run(list: PresenceAction[]) {
  typing.reset();
  presence.reset();
  actions.reset();
  errorCount = 0;
  dropped = 0;
  bytesAtStart = bytesRead();
  resetLoopDelay();
  const last = new Map<number, Promise<void>>();
  for (const action of list) {
    const wait = action.t - now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    const previous = last.get(action.user);
    last.set(action.user, previous ? previous.then(() => perform(action)) : perform(action));
  }
  await Promise.all(last.values());
  return null;
}

async function perform(action: PresenceAction) {
  const user = users.get(action.user);
  const start = now();
  let done = Number.NaN;
  try {
    if (!user) throw new Error(`no user ${action.user} in this worker`);
    if (action.kind === 'typing') {
      if (!user.connection) throw new Error(`user ${action.user} not connected for setTyping`);
      await user.connection.setTyping(conversationIds[action.conversation]!, action.isTyping);
    } else if (action.kind === 'disconnect') {
      const connection = user.connection;
      user.connection = undefined;
      await connection?.close();
    } else await connect(user);
    done = now();
  } catch (error) {
    fault(`${action.kind}: ${describe(error)}`);
  }
  actions.push({ id: action.id, start, done });
}

function collect(): PresenceCollect {
  const t = typing.slice();
  const p = presence.slice();
  const a = actions.slice();
  return {
    typing: { recipient: t.recipient, typist: t.typist, conversation: t.conversation, isTyping: t.isTyping, t: t.t },
    presence: { recipient: p.recipient, subject: p.subject, online: p.online, t: p.t },
    actions: { id: a.id, start: a.start, done: a.done },
    errors: errorCount,
    errorSamples: errors.list,
    dropped,
    bytesReceived: bytesRead() - bytesAtStart,
    loopDelay: loopDelayFigures(),
  };
}

export async function closePresenceUsers() {
  ending = true;
  await Promise.all([...users.values()].map((user) => user.connection?.close().catch(() => undefined)));
}

export async function handlePresence(request: PresenceRequest): Promise<unknown> {
  switch (request.cmd) {
    case 'presenceOpen':
      return open(request);
    case 'presenceRun':
      return run(request.actions);
    case 'presenceCollect':
      return collect();
  }
}
