// The per-process message feed: order and gap repair, seen from a real subscriber.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { graphql } from './generated/gql.js';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import type { FeedChangesSubscription } from './generated/graphql.js';
import { ok, subscribe, wsClient, type Subscription } from './helpers/clients.js';
import { startServer, waitForLiveSubscribers } from './helpers/server.js';
import { createUser } from './helpers/users.js';
import { waitFor } from './helpers/deferred.js';

const Start = graphql(`mutation FeedStart($userId: ID!) { startConversation(userId: $userId) { id } }`);
const Send = graphql(`
  mutation FeedSend($conversationId: ID!, $content: String!) {
    sendMessage(input: { conversationId: $conversationId, content: $content }) { id seq }
  }
`);
const Events = graphql(`
  subscription FeedEvents($conversationId: ID!) {
    messageEvents(conversationId: $conversationId) { ... on MessageCreated { message { seq content sender { id } } } }
  }
`);

const Changes = graphql(`
  subscription FeedChanges($conversationId: ID!) {
    messageEvents(conversationId: $conversationId) {
      __typename
      ... on MessageCreated { cursor message { content version } }
      ... on MessageEdited { cursor message { content version } }
    }
  }
`);

/** Alice and Bob in a one-to-one conversation, Bob's screen live on `document`, and Alice's first message ("one"). */
async function afterOneMessage<R>(document: TypedDocumentNode<R, { conversationId: string }>) {
  const server = await startServer();
  const [alice, bob] = await Promise.all([createUser(server, 'alice'), createUser(server, 'bob')]);
  const { startConversation } = await ok(server.url, alice.token, Start, { userId: bob.id });
  const conversationId = startConversation.id;
  const events = subscribe(wsClient(server.wsUrl, { token: bob.token }), document, { conversationId });
  await waitForLiveSubscribers(server, conversationId);
  const one = (await ok(server.url, alice.token, Send, { conversationId, content: 'one' })).sendMessage;
  return { server, alice, conversationId, events, one };
}

type Change = Extract<NonNullable<FeedChangesSubscription['messageEvents']>, { cursor: string }>;

/** The change-feed events (those with a cursor) a FeedChanges subscription received so far. */
function changesOf(events: Subscription<FeedChangesSubscription>): Change[] {
  return events.results.map((r) => r.data?.messageEvents).filter((e): e is Change => !!e && 'cursor' in e);
}

describe('the message feed', () => {
  it('backfills from the database a message whose live event never came, and keeps seq order', async () => {
    const { server, alice, conversationId, events } = await afterOneMessage(Events);

    // A message stored without its publish (as when Redis drops it): seq 2 exists only in the database,
    // stored as a send stores it (its creation's position is the message's createdPos; no MessageChange row).
    const id = randomUUID();
    await server.app.services.db.$executeRaw`
      WITH conv AS (
        UPDATE "Conversation" SET "lastSeq" = "lastSeq" + 1, "lastEventPos" = "lastEventPos" + 1 WHERE id = ${conversationId}
        RETURNING "lastSeq", "lastEventPos"
      )
      INSERT INTO "Message" (id, "conversationId", seq, "senderId", content, "createdAt", "createdPos", "eventPos")
      SELECT ${id}, ${conversationId}, conv."lastSeq", ${alice.id}, 'two (never published)', now(), conv."lastEventPos", conv."lastEventPos" FROM conv`;
    await ok(server.url, alice.token, Send, { conversationId, content: 'three' });

    const created = () => events.results.map((r) => r.data?.messageEvents).filter((e) => e && 'message' in e);
    await waitFor(() => created().length >= 3, { what: 'three MessageCreated' });
    expect(created()).toEqual([
      { message: { seq: 1, content: 'one', sender: { id: alice.id } } },
      { message: { seq: 2, content: 'two (never published)', sender: { id: alice.id } } },
      { message: { seq: 3, content: 'three', sender: { id: alice.id } } },
    ]);
  });

  it('backfills from the database a change whose live event never came, in feed order, with the message as it is now', async () => {
    const { server, alice, conversationId, events, one } = await afterOneMessage(Changes);

    // An edit stored without its publish (as when Redis drops it): position 2 exists only in the database.
    await server.app.services.db.$executeRaw`
      WITH conv AS (UPDATE "Conversation" SET "lastEventPos" = "lastEventPos" + 1 WHERE id = ${conversationId} RETURNING "lastEventPos"),
      msg AS (
        UPDATE "Message" SET content = 'edited (never published)', version = version + 1, "editedAt" = now(),
               "editedPos" = conv."lastEventPos", "eventPos" = conv."lastEventPos"
        FROM conv WHERE id = ${one.id}
      )
      INSERT INTO "MessageChange" ("conversationId", pos, "messageId", kind) SELECT ${conversationId}, conv."lastEventPos", ${one.id}, 2 FROM conv`;
    await ok(server.url, alice.token, Send, { conversationId, content: 'two' });

    const changes = () => changesOf(events);
    await waitFor(() => changes().length >= 3, { what: 'three changes' });
    expect(changes().map((e) => [e.__typename, e.message.content, e.message.version])).toEqual([
      ['MessageCreated', 'one', 1],
      ['MessageEdited', 'edited (never published)', 2],
      ['MessageCreated', 'two', 1],
    ]);
    expect(new Set(changes().map((e) => e.cursor)).size).toBe(3);
  });

  it('backfills a missed creation and a missed edit of one range in feed order; sends write no MessageChange row', async () => {
    const { server, alice, conversationId, events, one } = await afterOneMessage(Changes);

    // Position 2 a creation, position 3 an edit of `one`, both stored without their publish.
    const id = randomUUID();
    await server.app.services.db.$executeRaw`
      WITH conv AS (
        UPDATE "Conversation" SET "lastSeq" = "lastSeq" + 1, "lastEventPos" = "lastEventPos" + 2 WHERE id = ${conversationId}
        RETURNING "lastSeq", "lastEventPos"
      ), msg AS (
        INSERT INTO "Message" (id, "conversationId", seq, "senderId", content, "createdAt", "createdPos", "eventPos")
        SELECT ${id}, ${conversationId}, conv."lastSeq", ${alice.id}, 'two (never published)', now(), conv."lastEventPos" - 1, conv."lastEventPos" - 1 FROM conv
      ), edit AS (
        UPDATE "Message" SET content = 'one edited (never published)', version = version + 1, "editedAt" = now(),
               "editedPos" = conv."lastEventPos", "eventPos" = conv."lastEventPos"
        FROM conv WHERE id = ${one.id}
      )
      INSERT INTO "MessageChange" ("conversationId", pos, "messageId", kind) SELECT ${conversationId}, conv."lastEventPos", ${one.id}, 2 FROM conv`;
    await ok(server.url, alice.token, Send, { conversationId, content: 'three' });

    const changes = () => changesOf(events);
    await waitFor(() => changes().length >= 4, { what: 'four changes' });
    expect(changes().map((e) => [e.__typename, e.message.content, e.message.version])).toEqual([
      ['MessageCreated', 'one', 1],
      ['MessageCreated', 'two (never published)', 1],
      ['MessageEdited', 'one edited (never published)', 2],
      ['MessageCreated', 'three', 1],
    ]);
    const rows = await server.app.services.db.$queryRaw<{ pos: number; kind: number }[]>`
      SELECT pos, kind::int FROM "MessageChange" WHERE "conversationId" = ${conversationId} ORDER BY pos`;
    expect(rows).toEqual([{ pos: 3, kind: 2 }]);
  });
});
