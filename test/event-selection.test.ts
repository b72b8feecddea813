// messageEvents sends only the event types a subscription's selection asks
// for: an event whose type is not selected would execute to `{}`, which tells
// the client nothing. `__typename` (or a fragment on the union) asks for all.
import { describe, expect, it } from 'vitest';
import { graphql } from './generated/gql.js';
import { ok, subscribe, wsClient } from './helpers/clients.js';
import { waitFor } from './helpers/deferred.js';
import { direct } from './helpers/seed.js';
import { startServer, waitForLiveSubscribers } from './helpers/server.js';
import { createUser } from './helpers/users.js';

const Send = graphql(`
  mutation SelSend($conversationId: ID!, $content: String!) {
    sendMessage(input: { conversationId: $conversationId, content: $content }) { id seq }
  }
`);
const Mark = graphql(`
  mutation SelMark($conversationId: ID!) {
    markRead(conversationId: $conversationId) { messageIds }
  }
`);
const OnlyCreated = graphql(`
  subscription SelOnlyCreated($conversationId: ID!) {
    messageEvents(conversationId: $conversationId) { ... on MessageCreated { message { seq } } }
  }
`);
const Everything = graphql(`
  subscription SelEverything($conversationId: ID!) {
    messageEvents(conversationId: $conversationId) { __typename }
  }
`);
graphql(`
  fragment SelReads on MessagesRead { messageIds }
`);
const ReadsByFragment = graphql(`
  subscription SelReadsByFragment($conversationId: ID!) {
    messageEvents(conversationId: $conversationId) { ...SelReads }
  }
`);
graphql(`
  fragment SelAny on MessageEvent { ... on MessageCreated { message { seq } } ... on MessagesDelivered { messageIds } }
`);
const UnionFragment = graphql(`
  subscription SelUnionFragment($conversationId: ID!) {
    messageEvents(conversationId: $conversationId) { ...SelAny }
  }
`);

describe('messageEvents and the selected event types', () => {
  it('passes on exactly the event types each selection mentions, in order, without empty results', async () => {
    const server = await startServer();
    const alice = await createUser(server, 'alice');
    const bob = await createUser(server, 'bob');
    const conversationId = await direct(server, alice, bob);
    const ws = wsClient(server.wsUrl, { authorization: `Bearer ${alice.token}` });
    await ws.connected;
    const onlyCreated = subscribe(ws, OnlyCreated, { conversationId });
    const everything = subscribe(ws, Everything, { conversationId });
    const reads = subscribe(ws, ReadsByFragment, { conversationId });
    const unionFragment = subscribe(ws, UnionFragment, { conversationId });
    const bobWs = wsClient(server.wsUrl, { authorization: `Bearer ${bob.token}` });
    await bobWs.connected;
    // Bob's subscription receives Alice's message: that is a delivery (MessagesDelivered).
    const bobSub = subscribe(bobWs, Everything, { conversationId });
    await waitForLiveSubscribers(server, conversationId, 5);

    await ok(server.url, alice.token, Send, { conversationId, content: 'one' });
    await waitFor(() => everything.results.some((r) => r.data?.messageEvents.__typename === 'MessagesDelivered'), {
      what: 'MessagesDelivered for Bob',
    });
    await ok(server.url, bob.token, Mark, { conversationId });
    await waitFor(() => everything.results.some((r) => r.data?.messageEvents.__typename === 'MessagesRead'), { what: 'MessagesRead' });
    // A last message: every subscription has seen everything before it once it arrives.
    await ok(server.url, alice.token, Send, { conversationId, content: 'two' });
    await waitFor(() => onlyCreated.results.length >= 2 && unionFragment.results.length >= 3 && bobSub.results.length >= 3, {
      what: 'the second message everywhere',
    });
    await waitFor(() => everything.results.filter((r) => r.data?.messageEvents.__typename === 'MessageCreated').length === 2, {
      what: 'the second message on the __typename subscription',
    });

    expect(onlyCreated.results.map((r) => r.data?.messageEvents)).toEqual([{ message: { seq: 1 } }, { message: { seq: 2 } }]);
    // (Bob's delivery of the second message may follow; it is not part of this check.)
    expect(everything.results.slice(0, 4).map((r) => r.data?.messageEvents.__typename)).toEqual([
      'MessageCreated',
      'MessagesDelivered',
      'MessagesRead',
      'MessageCreated',
    ]);
    expect(reads.results.map((r) => r.data?.messageEvents)).toEqual([{ messageIds: [expect.any(String)] }]);
    // Bob gets his own MessagesRead (his other devices) but no delivery receipt about Alice's messages.
    expect(bobSub.results.slice(0, 3).map((r) => r.data?.messageEvents.__typename)).toEqual(['MessageCreated', 'MessagesRead', 'MessageCreated']);
    expect(unionFragment.results.slice(0, 3).map((r) => Object.keys(r.data?.messageEvents ?? {}))).toEqual([['message'], ['messageIds'], ['message']]);
    for (const sub of [onlyCreated, everything, reads, unionFragment]) {
      expect(sub.results.every((r) => r.errors === undefined && Object.keys(r.data?.messageEvents ?? {}).length > 0)).toBe(true);
    }
  });
});

describe('selectedTypeNames', async () => {
  const { selectedTypeNames } = await import('../src/modules/selected-types.js');
  const { parse, Kind, GraphQLUnionType, GraphQLNonNull } = await import('graphql');
  type Info = Parameters<typeof selectedTypeNames>[0];
  const union = new GraphQLUnionType({ name: 'MessageEvent', types: [] });
  const infoFor = (source: string): Info => {
    const document = parse(source);
    const operation = document.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION)!;
    const fragments = Object.fromEntries(
      document.definitions.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d]] : [])),
    );
    const field = operation.selectionSet.selections[0]!;
    return { returnType: new GraphQLNonNull(union), fieldNodes: [field], fragments } as unknown as Info;
  };
  const names = (source: string) => {
    const selected = selectedTypeNames(infoFor(source));
    return selected === null ? null : [...selected].sort();
  };

  it('collects inline fragments and spreads on member types', () => {
    expect(names('subscription { e { ... on A { x } ...F } } fragment F on B { y }')).toEqual(['A', 'B']);
  });
  it('looks into fragments on the union and untyped inline fragments', () => {
    expect(names('subscription { e { ...U ... { ... on C { z } } } } fragment U on MessageEvent { ... on A { x } }')).toEqual(['A', 'C']);
  });
  it('answers "every type" when __typename is selected anywhere on the union', () => {
    expect(names('subscription { e { ... on A { x } __typename } }')).toBeNull();
    expect(names('subscription { e { ...U } } fragment U on MessageEvent { __typename }')).toBeNull();
  });
  it('survives a fragment that spreads itself', () => {
    expect(names('subscription { e { ...U } } fragment U on MessageEvent { ...U ... on A { x } }')).toEqual(['A']);
  });
});
