import { describe, expect, it } from 'vitest';
import { graphql } from './generated/gql.js';
import { ok, subscribe, wsClient } from './helpers/clients.js';
import { startServer, waitForLiveSubscribers } from './helpers/server.js';
import { createUser } from './helpers/users.js';

const Start = graphql(`
  mutation SmokeStart($userId: ID!) {
    startConversation(userId: $userId) { id kind }
  }
`);
const Send = graphql(`
  mutation SmokeSend($conversationId: ID!, $content: String!) {
    sendMessage(input: { conversationId: $conversationId, content: $content }) { id seq content status }
  }
`);
const Events = graphql(`
  subscription SmokeEvents($conversationId: ID!) {
    messageEvents(conversationId: $conversationId) {
      __typename
      ... on MessageCreated { message { seq content sender { username } } }
    }
  }
`);

describe('smoke', () => {
  it('sends a message that a subscriber receives', async () => {
    const server = await startServer();
    const alice = await createUser(server, 'alice');
    const bob = await createUser(server, 'bob');
    const { startConversation } = await ok(server.url, alice.token, Start, { userId: bob.id });
    const ws = wsClient(server.wsUrl, { authorization: `Bearer ${bob.token}` });
    await ws.connected;
    const sub = subscribe(ws, Events, { conversationId: startConversation.id });
    await waitForLiveSubscribers(server, startConversation.id);
    const sent = await ok(server.url, alice.token, Send, { conversationId: startConversation.id, content: ' hi ' });
    expect(sent.sendMessage).toMatchObject({ seq: 1, content: 'hi', status: 'SENT' });
    const [event] = await sub.waitForCount(1);
    expect(event?.data?.messageEvents).toEqual({ __typename: 'MessageCreated', message: { seq: 1, content: 'hi', sender: { username: 'alice' } } });
  });
});
