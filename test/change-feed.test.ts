// The change feed over graphql-ws: MessageCreated, MessageEdited,
// MessageDeleted and ReactionsChanged in feed order with the message's full
// state and a cursor; `since` replays one event per changed message by the
// contract's precedence, from any cursor, then goes live with no gap and no
// duplicate; bad cursors are BAD_USER_INPUT; two processes agree on the order.
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { graphql } from './generated/gql.js';
import type { ChangeFeedSubscription } from './generated/graphql.js';
import { ChangeFeed as Events, expectedReplay, expectWholeAndOnce, feed, versions } from './helpers/change-feed.js';
import { errorCodes, ok, subscribe, wsClient, type Subscription, type WsClient } from './helpers/clients.js';
import { testDatabase } from './helpers/database.js';
import { waitFor } from './helpers/deferred.js';
import { spawnServer, type ServerProcess } from './helpers/processes.js';
import { direct, group } from './helpers/seed.js';
import { rawSocket } from './helpers/raw-socket.js';
import { startServer, waitForLiveSubscribers, type TestServer } from './helpers/server.js';
import { print } from 'graphql';
import type { Socket } from 'node:net';
import { createUsers, tokenFor, type TestUser } from './helpers/users.js';

const Send = graphql(`
  mutation CfSend($conversationId: ID!, $content: String!) {
    sendMessage(input: { conversationId: $conversationId, content: $content }) { id seq version }
  }
`);
const Edit = graphql(`mutation CfEdit($messageId: ID!, $content: String!) { editMessage(messageId: $messageId, content: $content) { version } }`);
const Delete = graphql(`mutation CfDelete($messageId: ID!) { deleteMessage(messageId: $messageId) { version } }`);
const React = graphql(`mutation CfReact($messageId: ID!, $emoji: String!) { addReaction(messageId: $messageId, emoji: $emoji) { version } }`);
const Unreact = graphql(`mutation CfUnreact($messageId: ID!, $emoji: String!) { removeReaction(messageId: $messageId, emoji: $emoji) { version } }`);
const Cursor = graphql(`query CfCursor($id: ID!) { conversation(id: $id) { eventCursor } }`);
const History = graphql(`
  query CfHistory($conversationId: ID!) {
    messages(conversationId: $conversationId, last: 100) { edges { node { id version content } } }
  }
`);

type FeedEvent = Extract<ChangeFeedSubscription['messageEvents'], { cursor: string }>;

let server: TestServer;

beforeAll(async () => {
  server = await startServer();
});

async function connect(user: TestUser, url = server.wsUrl): Promise<WsClient> {
  const ws = wsClient(url, { token: user.token });
  await ws.connected;
  return ws;
}

/** A conversation's changes, driven as a client would. */
function actions(url: string, user: TestUser) {
  return {
    send: async (conversationId: string, content: string) => (await ok(url, user.token, Send, { conversationId, content })).sendMessage,
    edit: (messageId: string, content: string) => ok(url, user.token, Edit, { messageId, content }),
    del: (messageId: string) => ok(url, user.token, Delete, { messageId }),
    react: (messageId: string, emoji: string) => ok(url, user.token, React, { messageId, emoji }),
    unreact: (messageId: string, emoji: string) => ok(url, user.token, Unreact, { messageId, emoji }),
  };
}

describe('live change events', () => {
  it('reach subscribers in feed order with the full current state and a cursor each; eventCursor is the latest', async () => {
    const [alice, bob] = await createUsers(server, 2, 'live');
    const conversationId = await direct(server, alice!, bob!);
    const a = actions(server.url, alice!);
    const sub = subscribe(await connect(bob!), Events, { conversationId });
    await waitForLiveSubscribers(server, conversationId);
    const m1 = await a.send(conversationId, 'one');
    await a.edit(m1.id, 'one, edited');
    await actions(server.url, bob!).react(m1.id, '👍');
    const m2 = await a.send(conversationId, 'two');
    await a.del(m1.id);
    await waitFor(() => feed(sub).length >= 5, { what: 'five changes' });
    expect(feed(sub).map((e) => [e.__typename, e.message.id, e.message.version, e.message.content])).toEqual([
      ['MessageCreated', m1.id, 1, 'one'],
      ['MessageEdited', m1.id, 2, 'one, edited'],
      ['ReactionsChanged', m1.id, 3, 'one, edited'],
      ['MessageCreated', m2.id, 1, 'two'],
      ['MessageDeleted', m1.id, 4, ''],
    ]);
    expect(feed(sub)[2]!.message.reactions).toEqual([{ emoji: '👍', count: 1 }]);
    const cursors = feed(sub).map((e) => e.cursor);
    expect(new Set(cursors).size).toBe(5);
    expect((await ok(server.url, alice!.token, Cursor, { id: conversationId })).conversation.eventCursor).toBe(cursors.at(-1));
  });
});

describe('resuming with since', () => {
  it('replays the current state of every message changed after the cursor, one event each by precedence, in the order of their latest change', async () => {
    const [alice, bob] = await createUsers(server, 2, 'since');
    const conversationId = await direct(server, alice!, bob!);
    const a = actions(server.url, alice!);
    const b = actions(server.url, bob!);
    const { eventCursor: empty } = (await ok(server.url, alice!.token, Cursor, { id: conversationId })).conversation;
    const edited = await a.send(conversationId, 'will be edited');
    const reacted = await a.send(conversationId, 'will get a reaction');
    const doomed = await a.send(conversationId, 'will be edited, then deleted');
    const editedAndReacted = await a.send(conversationId, 'edited, then reacted to');
    const untouched = await a.send(conversationId, 'untouched');
    const { eventCursor: cursor } = (await ok(server.url, alice!.token, Cursor, { id: conversationId })).conversation;

    await a.edit(edited.id, 'edited');
    await a.edit(editedAndReacted.id, 'edited once');
    await b.react(reacted.id, '❤️');
    const fresh = await a.send(conversationId, 'new');
    await a.edit(doomed.id, 'edited before the end');
    await a.del(doomed.id);
    await a.edit(fresh.id, 'new, edited');
    const freshGone = await a.send(conversationId, 'new and deleted');
    await a.del(freshGone.id);
    await b.react(editedAndReacted.id, '🎉');

    const { eventCursor: latest } = (await ok(server.url, alice!.token, Cursor, { id: conversationId })).conversation;
    const sub = subscribe(await connect(bob!), Events, { conversationId, since: cursor });
    await waitFor(() => feed(sub).length >= 6, { what: 'six replayed events' });
    expect(feed(sub).map((e) => [e.__typename, e.message.id, e.message.content])).toEqual([
      ['MessageEdited', edited.id, 'edited'],
      ['ReactionsChanged', reacted.id, 'will get a reaction'],
      ['MessageDeleted', doomed.id, ''],
      ['MessageCreated', fresh.id, 'new, edited'],
      ['MessageCreated', freshGone.id, ''],
      ['MessageEdited', editedAndReacted.id, 'edited once'],
    ]);
    expect(feed(sub).at(-1)!.cursor).toBe(latest);
    expect(feed(sub).some((e) => e.message.id === untouched.id)).toBe(false);

    // Then live, continuing from there.
    await waitForLiveSubscribers(server, conversationId);
    await b.react(untouched.id, '👀');
    await waitFor(() => feed(sub).length >= 7, { what: 'the live change' });
    expect(feed(sub).at(-1)).toMatchObject({ __typename: 'ReactionsChanged', message: { id: untouched.id } });
    expect(feed(sub)).toHaveLength(7);

    // From the conversation's first cursor: every message, created as it is now, in the order of its latest change.
    const all = subscribe(await connect(bob!), Events, { conversationId, since: empty });
    await waitFor(() => feed(all).length >= 7, { what: 'the whole conversation' });
    expect(feed(all).every((e) => e.__typename === 'MessageCreated')).toBe(true);
    expect(feed(all).map((e) => e.message.id)).toEqual([edited.id, reacted.id, doomed.id, fresh.id, freshGone.id, editedAndReacted.id, untouched.id]);
  });

  it('works from a cursor taken at any point of the conversation', async () => {
    const [alice, bob] = await createUsers(server, 2, 'anyc');
    const conversationId = await direct(server, alice!, bob!);
    const a = actions(server.url, alice!);
    const b = actions(server.url, bob!);
    const full = subscribe(await connect(bob!), Events, { conversationId });
    await waitForLiveSubscribers(server, conversationId);
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) ids.push((await a.send(conversationId, `m${i}`)).id);
    const script = [
      () => a.edit(ids[0]!, 'e0'), () => b.react(ids[1]!, '👍'), () => a.del(ids[2]!), () => b.react(ids[0]!, '🎉'),
      () => a.edit(ids[3]!, 'e3'), () => b.unreact(ids[1]!, '👍'), () => a.send(conversationId, 'm6'), () => a.edit(ids[0]!, 'e0 again'),
      () => a.del(ids[4]!), () => b.react(ids[5]!, '🔥'),
    ];
    for (const step of script) await step();
    const total = 6 + script.length;
    await waitFor(() => feed(full).length >= total, { what: `${total} changes` });
    const log = feed(full);
    for (const i of [0, 3, 6, 9, 12, total - 1]) {
      const sub = subscribe(await connect(bob!), Events, { conversationId, since: log[i]!.cursor });
      const expected = expectedReplay(log, i);
      if (expected.length > 0) await waitFor(() => feed(sub).length >= expected.length, { what: `replay from ${i}` });
      else await waitForLiveSubscribers(server, conversationId, 2);
      expect(feed(sub).map((e) => ({ type: e.__typename, id: e.message.id })), `since log[${i}]`).toEqual(expected);
      // Each carries the message as it is now.
      for (const e of feed(sub)) expect(e.message.version).toBe(log.filter((l) => l.message.id === e.message.id).at(-1)!.message.version);
      sub.unsubscribe();
    }
  });

  it('goes live after the replay with no gap and no duplicate while changes keep coming during it', async () => {
    const [alice, bob, carol] = await createUsers(server, 3, 'race');
    const conversationId = await group(server, alice!, [bob!, carol!]);
    const a = actions(server.url, alice!);
    const c = actions(server.url, carol!);
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) ids.push((await a.send(conversationId, `seed ${i}`)).id);
    const { eventCursor: start } = (await ok(server.url, alice!.token, Cursor, { id: conversationId })).conversation;
    for (let i = 0; i < 20; i++) await c.react(ids[i]!, '👍');

    let writing = true;
    const writer = (async () => {
      for (let i = 0; writing || i < 30; i++) {
        const id = ids[i % ids.length]!;
        await Promise.all([a.edit(id, `edit ${i}`), c.react(id, `:r${i % 7}:`), i % 5 === 0 ? a.send(conversationId, `live ${i}`).then((m) => void ids.push(m.id)) : null]);
      }
    })();
    const subs = [];
    for (let i = 0; i < 3; i++) subs.push(subscribe(await connect(bob!), Events, { conversationId, since: start }));
    await waitForLiveSubscribers(server, conversationId, 3);
    writing = false;
    await writer;
    // A live tail that every subscriber must have whole.
    for (let i = 0; i < 5; i++) {
      await a.edit(ids[i]!, `tail ${i}`);
      await c.react(ids[i]!, '🏁');
    }

    const current = new Map(
      (await ok(server.url, bob!.token, History, { conversationId })).messages.edges.map(({ node }) => [node.id, node.version]),
    );
    for (const sub of subs) {
      await waitFor(() => [...current].every(([id, version]) => feed(sub).some((e) => e.message.id === id && e.message.version === version)), {
        what: 'every message at its current version',
      });
      const events = feed(sub);
      expect(new Set(events.map((e) => e.cursor)).size).toBe(events.length);
      // Per message, versions strictly grow: nothing repeated, nothing out of order.
      const seen = new Map<string, number>();
      for (const e of events) {
        expect(e.message.version).toBeGreaterThan(seen.get(e.message.id) ?? 0);
        seen.set(e.message.id, e.message.version);
      }
    }
    // All three saw the same live tail.
    const tail = (sub: Subscription<ChangeFeedSubscription>) => feed(sub).slice(-10).map((e) => e.cursor);
    expect(tail(subs[1]!)).toEqual(tail(subs[0]!));
    expect(tail(subs[2]!)).toEqual(tail(subs[0]!));
  });

  it('serves a slow subscriber a replay longer than one batch, with changes during it, then live, whole and once', async () => {
    const [alice, bob] = await createUsers(server, 2, 'slow');
    const conversationId = await direct(server, alice!, bob!);
    const a = actions(server.url, alice!);
    const { eventCursor: start } = (await ok(server.url, alice!.token, Cursor, { id: conversationId })).conversation;
    const ids: string[] = [];
    for (let i = 0; i < 11; i++) ids.push(...(await Promise.all(Array.from({ length: 50 }, (_, j) => a.send(conversationId, `m${i * 50 + j}`)))).map((m) => m.id));

    const slow = rawSocket(server.wsUrl);
    await slow.opened;
    slow.socket.send(JSON.stringify({ type: 'connection_init', payload: { token: bob!.token } }));
    await waitFor(() => slow.frames.some((f) => f.type === 'connection_ack'), { what: 'connection_ack' });
    const tcp = (slow.socket as unknown as { _socket: Socket })._socket;
    tcp.pause(); // reads nothing while the replay runs and changes keep coming
    slow.socket.send(JSON.stringify({ id: 's', type: 'subscribe', payload: { query: print(Events), variables: { conversationId, since: start } } }));
    for (let i = 0; i < 30; i++) await Promise.all([a.edit(ids[(i * 19) % ids.length]!, `edit ${i}`), actions(server.url, bob!).react(ids[(i * 7) % ids.length]!, '👍')]);
    tcp.resume();
    await waitForLiveSubscribers(server, conversationId);
    for (let i = 0; i < 5; i++) await a.edit(ids[i]!, `live ${i}`);

    const events = () =>
      slow.frames.filter((f) => f.id === 's' && f.type === 'next').map((f) => (f.payload as { data: ChangeFeedSubscription }).data.messageEvents as FeedEvent);
    await expectWholeAndOnce(events, await versions(server.url, alice!, conversationId));
    expect(slow.frames.filter((f) => f.id === 's' && f.type !== 'next')).toEqual([]);
  });

  it('refuses a malformed cursor, a cursor of another conversation, one the feed has not reached, and after with since: one BAD_USER_INPUT result, and the socket goes on', async () => {
    const [alice, bob, carol] = await createUsers(server, 3, 'badc');
    const conversationId = await direct(server, alice!, bob!);
    const other = await direct(server, alice!, carol!);
    const sent = await actions(server.url, alice!).send(conversationId, 'hi');
    await actions(server.url, alice!).send(other, 'other');
    const { eventCursor: otherCursor } = (await ok(server.url, alice!.token, Cursor, { id: other })).conversation;
    const { eventCursor: cursor } = (await ok(server.url, alice!.token, Cursor, { id: conversationId })).conversation;
    const future = Buffer.from(`feed:${JSON.stringify([conversationId, 999])}`).toString('base64url');
    const ws = await connect(alice!);
    const variants = [
      { since: 'not a cursor' },
      { since: '' },
      { since: Buffer.from('msg:[1]').toString('base64url') },
      { since: otherCursor },
      { since: future },
      { since: cursor, after: sent.id },
    ];
    for (const variables of variants) {
      const sub = subscribe(ws, Events, { conversationId, ...variables });
      await sub.completed;
      expect(sub.results.map((r) => errorCodes(r as never)), JSON.stringify(variables)).toEqual([['BAD_USER_INPUT']]);
    }
    expect(ws.closes).toEqual([]);
    const good = subscribe(ws, Events, { conversationId, since: cursor });
    await waitForLiveSubscribers(server, conversationId);
    await actions(server.url, alice!).edit(sent.id, 'still open');
    await good.waitForCount(1);
    expect(feed(good)[0]).toMatchObject({ __typename: 'MessageEdited', message: { content: 'still open' } });
  });
});

describe.runIf(testDatabase() === 'postgres')('the change feed across processes', () => {
  it('has one order on both processes for changes made on both', async () => {
    const [p, q] = await Promise.all([spawnServer(), spawnServer()]);
    const user = async (process: ServerProcess, name: string): Promise<TestUser> => {
      const id = `${name}-${randomUUID()}`;
      const token = await tokenFor(id, { preferred_username: name });
      await ok(process.url, token, '{ me { id } }');
      return { id, username: name, token };
    };
    const [alice, bob] = await Promise.all([user(p, 'alice'), user(q, 'bob')]);
    const conversationId = (await ok(p.url, alice.token, graphql(`mutation CfStart($userId: ID!) { startConversation(userId: $userId) { id } }`), { userId: bob.id })).startConversation.id;
    const a = actions(p.url, alice);
    const b = actions(q.url, bob);
    const onP = subscribe(await connect(bob, p.wsUrl), Events, { conversationId });
    const onQ = subscribe(await connect(alice, q.wsUrl), Events, { conversationId });
    let probes = 0;
    await waitFor(async () => {
      await a.send(conversationId, `probe ${++probes}`);
      return feed(onP).length > 0 && feed(onQ).length > 0;
    }, { intervalMs: 100, what: 'both subscribers live' });
    const [mine, theirs] = [await a.send(conversationId, 'alice'), await b.send(conversationId, 'bob')];
    await Promise.all([
      ...Array.from({ length: 15 }, (_, i) => a.edit(mine.id, `a${i}`)),
      ...Array.from({ length: 15 }, (_, i) => b.edit(theirs.id, `b${i}`)),
      ...Array.from({ length: 10 }, (_, i) => a.react(theirs.id, `:a${i}:`)),
      ...Array.from({ length: 10 }, (_, i) => b.react(mine.id, `:b${i}:`)),
      ...Array.from({ length: 10 }, (_, i) => a.send(conversationId, `sa${i}`)),
      ...Array.from({ length: 10 }, (_, i) => b.send(conversationId, `sb${i}`)),
    ]);
    const { eventCursor } = (await ok(q.url, bob.token, Cursor, { id: conversationId })).conversation;
    for (const sub of [onP, onQ]) await waitFor(() => feed(sub).at(-1)?.cursor === eventCursor, { what: 'the last change', timeoutMs: 15_000 });
    const fromFirstProbe = (sub: Subscription<ChangeFeedSubscription>) => {
      const events = feed(sub);
      return events.slice(events.findIndex((e) => e.message.content === `probe ${probes}`));
    };
    // The same positions, in the same order, with the same event and message on both processes.
    const order = (sub: Subscription<ChangeFeedSubscription>) => fromFirstProbe(sub).map((e) => `${e.__typename}:${e.message.id}:${e.cursor}`);
    expect(order(onP)).toEqual(order(onQ));
    expect(order(onP)).toHaveLength(1 + 2 + 70);
    // Each event carries the message's current state (the contract): a position that came late from
    // the other process is read from the database, and may show a newer version than its change
    // made. Per message, versions never go back, and the last one shown is the message's version now.
    const now = await versions(q.url, bob, conversationId);
    for (const sub of [onP, onQ]) {
      const seen = new Map<string, number[]>();
      for (const { message } of fromFirstProbe(sub)) seen.set(message.id, [...(seen.get(message.id) ?? []), message.version]);
      for (const [id, shown] of seen) {
        expect(shown, id).toEqual([...shown].sort((x, y) => x - y));
        expect(shown.at(-1), id).toBe(now.get(id));
      }
    }

    // Resuming on one process while the other keeps changing the conversation.
    const { eventCursor: resumeFrom } = (await ok(q.url, bob.token, Cursor, { id: conversationId })).conversation;
    let writing = true;
    const writer = (async () => {
      for (let i = 0; writing || i < 20; i++) await Promise.all([a.edit(mine.id, `w${i}`), a.react(theirs.id, `:w${i % 40}:`), a.send(conversationId, `ws${i}`)]);
    })();
    const cursors = [resumeFrom, feed(onQ)[5]!.cursor, resumeFrom];
    const resumed: Subscription<ChangeFeedSubscription>[] = [];
    for (const since of cursors) resumed.push(subscribe(await connect(bob, q.wsUrl), Events, { conversationId, since }));
    await waitFor(() => resumed.every((sub) => feed(sub).length > 0), { what: 'the resumed subscriptions' });
    writing = false;
    await writer;
    const { eventCursor: end } = (await ok(q.url, bob.token, Cursor, { id: conversationId })).conversation;
    await waitFor(() => feed(onQ).at(-1)?.cursor === end, { what: 'the complete log', timeoutMs: 15_000 });
    const all = await versions(q.url, bob, conversationId);
    for (const [i, sub] of resumed.entries()) {
      // The messages changed after the cursor, at their current versions.
      const log = feed(onQ);
      const changed = new Set(log.slice(log.findIndex((e) => e.cursor === cursors[i]) + 1).map((e) => e.message.id));
      await expectWholeAndOnce(() => feed(sub), new Map([...all].filter(([id]) => changed.has(id))));
    }
  }, 90_000);
});
