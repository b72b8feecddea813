// For the client-guide tests (docs/clients.md): the guide's graphql-ws client
// with a log of what crossed the socket, and seeding through the example
// operations, as another user's app would send.
import type { Client as GraphQLWsClient } from 'graphql-ws';
import WebSocket from 'ws';
import { createWsClient } from '../../examples/clients/ws.js';
import { SendMessageDocument, type MessageItemFragment } from '../../examples/generated/graphql.js';
import { ok } from './clients.js';
import { cleanup } from './cleanup.js';
import type { TestServer } from './server.js';
import type { TestUser } from './users.js';

export interface SocketLog {
  /** Ids of the MessageCreated messages received, in arrival order, repeats included. */
  created: string[];
  closes: { code: number; reason: string }[];
  /** One entry per connection acknowledged: graphql-ws's `wasRetry`. */
  connections: boolean[];
}

/** createWsClient from the guide (with `ws` as Node's WebSocket), logged, disposed after the test. */
export function guideSocket(url: string, getToken: () => Promise<string>): { ws: GraphQLWsClient; log: SocketLog } {
  const ws = createWsClient({ url, getToken, webSocketImpl: WebSocket });
  const log: SocketLog = { created: [], closes: [], connections: [] };
  ws.on('connected', (_socket, _payload, wasRetry) => void log.connections.push(wasRetry));
  ws.on('closed', (event) => {
    const { code, reason } = event as { code: number; reason: unknown };
    log.closes.push({ code, reason: String(reason) });
  });
  ws.on('message', (message) => {
    if (message.type !== 'next') return;
    const event = (message.payload.data as { messageEvents?: { __typename: string; message?: { id: string } } } | null)?.messageEvents;
    if (event?.__typename === 'MessageCreated' && event.message) log.created.push(event.message.id);
  });
  cleanup(() => ws.dispose());
  return { ws, log };
}

/** How many times `id` arrived as MessageCreated. */
export function timesReceived(log: SocketLog, id: string): number {
  return log.created.filter((received) => received === id).length;
}

/** `user` sends `content` to the conversation over plain HTTP. */
export async function send(server: TestServer, user: TestUser, conversationId: string, content: string): Promise<MessageItemFragment> {
  return (await ok(server.url, user.token, SendMessageDocument, { input: { conversationId, content } })).sendMessage;
}

/** Sends `count` messages one after another ("<prefix> 1", "<prefix> 2", …). */
export async function sendMany(server: TestServer, user: TestUser, conversationId: string, count: number, prefix = 'm'): Promise<MessageItemFragment[]> {
  const sent: MessageItemFragment[] = [];
  for (let i = 1; i <= count; i++) sent.push(await send(server, user, conversationId, `${prefix} ${i}`));
  return sent;
}
