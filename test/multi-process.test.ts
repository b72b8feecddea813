// Two real server processes on one PostgreSQL database and one Redis act as
// one service. PGlite cannot be shared between processes, so this file runs
// in the postgres project only.
import { describe, expect, it } from 'vitest';
import { graphql } from './generated/gql.js';
import { ok, subscribe, wsClient } from './helpers/clients.js';
import { testDatabase } from './helpers/database.js';
import { waitFor } from './helpers/deferred.js';
import { spawnServer, type ServerProcess } from './helpers/processes.js';
import { tokenFor } from './helpers/users.js';
import { randomUUID } from 'node:crypto';

const Me = graphql(`query MpMe { me { id } }`);
const Group = graphql(`
  mutation MpGroup($title: String!, $userIds: [ID!]!) { createGroupConversation(title: $title, userIds: $userIds) { id } }
`);
const Start = graphql(`mutation MpStart($userId: ID!) { startConversation(userId: $userId) { id } }`);
const Send = graphql(`
  mutation MpSend($conversationId: ID!, $content: String!) {
    sendMessage(input: { conversationId: $conversationId, content: $content }) { id seq }
  }
`);
const Events = graphql(`
  subscription MpEvents($conversationId: ID!) {
    messageEvents(conversationId: $conversationId) { ... on MessageCreated { message { seq content } } }
  }
`);
const Typing = graphql(`subscription MpTyping($conversationId: ID!) { typing(conversationId: $conversationId) { user { id } isTyping } }`);
const SetTyping = graphql(`mutation MpSetTyping($conversationId: ID!, $isTyping: Boolean!) { setTyping(conversationId: $conversationId, isTyping: $isTyping) }`);
const Presence = graphql(`subscription MpPresence { presence { user { id } status lastSeenAt } }`);
const Notifications = graphql(`
  subscription MpNotifications {
    notifications {
      __typename
      ... on NewMessageNotification { conversationUnreadCount totalUnreadCount message { id seq } }
    }
  }
`);
const MarkRead = graphql(`mutation MpMarkRead($conversationId: ID!) { markRead(conversationId: $conversationId) { unreadCount } }`);
const Unread = graphql(`query MpUnread { unreadCount }`);
const Online = graphql(`query MpOnline($id: ID!) { user(id: $id) { online lastSeenAt } }`);

async function user(server: ServerProcess, name: string) {
  const id = `${name}-${randomUUID()}`;
  const token = await tokenFor(id, { preferred_username: name });
  await ok(server.url, token, Me);
  return { id, token };
}

describe.runIf(testDatabase() === 'postgres')('several server processes', () => {
  it('deliver every message of concurrent senders on both processes to subscribers on both, in seq order', async () => {
    const [a, b] = await Promise.all([spawnServer(), spawnServer()]);
    const [alice, bob, carol] = await Promise.all([user(a, 'alice'), user(b, 'bob'), user(a, 'carol')]);
    const { createGroupConversation } = await ok(a.url, alice.token, Group, { title: 'mp', userIds: [bob.id, carol.id] });
    const conversationId = createGroupConversation.id;
    const onA = subscribe(wsClient(a.wsUrl, { token: carol.token }), Events, { conversationId });
    const onB = subscribe(wsClient(b.wsUrl, { token: bob.token }), Events, { conversationId });
    // Nothing tells a client that a subscription is live: send probes until both have seen one.
    let probes = 0;
    await waitFor(async () => {
      await ok(a.url, alice.token, Send, { conversationId, content: `probe ${++probes}` });
      return onA.results.length > 0 && onB.results.length > 0;
    }, { intervalMs: 100, what: 'both subscribers live' });

    const perSender = 40;
    await Promise.all([
      ...Array.from({ length: perSender }, (_, i) => ok(a.url, alice.token, Send, { conversationId, content: `a${i}` })),
      ...Array.from({ length: perSender }, (_, i) => ok(b.url, bob.token, Send, { conversationId, content: `b${i}` })),
    ]);
    const last = probes + 2 * perSender;
    for (const sub of [onA, onB]) {
      await waitFor(() => seqs(sub).at(-1) === last, { what: `seq ${last}, have ${JSON.stringify(seqs(sub))}`, timeoutMs: 15_000 });
      const got = seqs(sub);
      expect(got).toEqual(Array.from({ length: got.length }, (_, i) => got[0]! + i));
    }
  });

  it('carry typing from one process to the other', async () => {
    const [a, b] = await Promise.all([spawnServer(), spawnServer()]);
    const [alice, bob] = await Promise.all([user(a, 'alice'), user(b, 'bob')]);
    const { startConversation } = await ok(a.url, alice.token, Start, { userId: bob.id });
    const watcher = subscribe(wsClient(b.wsUrl, { token: bob.token }), Typing, { conversationId: startConversation.id });
    await waitFor(async () => {
      await ok(a.url, alice.token, SetTyping, { conversationId: startConversation.id, isTyping: true });
      return watcher.results.length > 0;
    }, { intervalMs: 200, what: 'typing across processes' });
    expect(watcher.results[0]?.data?.typing).toEqual({ user: { id: alice.id }, isTyping: true });
    await ok(a.url, alice.token, SetTyping, { conversationId: startConversation.id, isTyping: false });
    await watcher.waitForCount(2);
    expect(watcher.results[1]?.data?.typing).toEqual({ user: { id: alice.id }, isTyping: false });
  });

  it('show a user online on every process, and offline on the others within 60 s after their process is killed', async () => {
    // Short leases so the test is quick; the defaults (45 s lease, 10 s reaper) keep the 60 s bound too.
    const leases = { PRESENCE_HEARTBEAT_MS: '1000', PRESENCE_LEASE_MS: '3000' };
    const [a, b] = await Promise.all([spawnServer(leases), spawnServer(leases)]);
    const [alice, bob] = await Promise.all([user(a, 'alice'), user(b, 'bob')]);
    await ok(a.url, alice.token, Start, { userId: bob.id });
    const watch = subscribe(wsClient(b.wsUrl, { token: bob.token }), Presence);
    // Alice connects on process A (which will die); Bob watches on process B.
    let aliceSocket = wsClient(a.wsUrl, { token: alice.token });
    await aliceSocket.connected;
    const aliceOnline = async () => (await ok(b.url, bob.token, Online, { id: alice.id })).user?.online;
    await waitFor(async () => {
      if (watch.results.some((r) => r.data?.presence.status === 'ONLINE')) return true;
      // The watcher may have subscribed after Alice came online: take her
      // offline (as process B sees it), then online again, until it sees ONLINE.
      await aliceSocket.dispose();
      await waitFor(async () => (await aliceOnline()) === false, { what: 'Alice offline before she reconnects' });
      aliceSocket = wsClient(a.wsUrl, { token: alice.token });
      await aliceSocket.connected;
      await waitFor(async () => (await aliceOnline()) === true, { what: 'Alice online again' });
      return false;
    }, { intervalMs: 500, timeoutMs: 30_000, what: 'ONLINE seen on the other process' });
    expect((await ok(b.url, bob.token, Online, { id: alice.id })).user?.online).toBe(true);

    const killedAt = Date.now();
    const seenBefore = watch.results.length;
    const offlineAfterKill = () => watch.results.slice(seenBefore).find((r) => r.data?.presence.status === 'OFFLINE');
    a.kill('SIGKILL');
    await a.exited;
    await waitFor(() => offlineAfterKill() !== undefined, { timeoutMs: 60_000, what: 'OFFLINE after kill -9' }).catch((e) => {
      throw new Error(`${e.message}\nevents: ${JSON.stringify(watch.results)}\nprocess B said:\n${b.output().slice(-3000)}`);
    });
    expect(Date.now() - killedAt).toBeLessThan(60_000);
    expect(offlineAfterKill()?.data?.presence).toMatchObject({ user: { id: alice.id }, status: 'OFFLINE' });
    expect((await ok(b.url, bob.token, Online, { id: alice.id })).user).toMatchObject({ online: false, lastSeenAt: expect.any(String) });
  }, 90_000);
});

describe.runIf(testDatabase() === 'postgres')('notifications across processes', () => {
  it('keep unread counts consistent while senders on both processes race the reader’s marks', async () => {
    const [a, b] = await Promise.all([spawnServer(), spawnServer()]);
    const [bob, alice, carol] = await Promise.all([user(a, 'bob'), user(a, 'alice'), user(b, 'carol')]);
    const withAlice = (await ok(a.url, alice.token, Start, { userId: bob.id })).startConversation.id;
    const withCarol = (await ok(b.url, carol.token, Start, { userId: bob.id })).startConversation.id;
    const feed = subscribe(wsClient(a.wsUrl, { token: bob.token }), Notifications);
    await waitFor(async () => {
      await ok(b.url, carol.token, Send, { conversationId: withCarol, content: 'probe' });
      return feed.results.some((r) => r.data?.notifications.__typename === 'NewMessageNotification');
    }, { intervalMs: 200, what: 'notifications live across processes' });

    const perSender = 15;
    let reading = true;
    const reader = (async () => {
      for (let i = 0; reading; i++) await ok(b.url, bob.token, MarkRead, { conversationId: i % 2 ? withAlice : withCarol });
    })();
    await Promise.all([
      ...Array.from({ length: perSender }, (_, i) => ok(a.url, alice.token, Send, { conversationId: withAlice, content: `a${i}` })),
      ...Array.from({ length: perSender }, (_, i) => ok(b.url, carol.token, Send, { conversationId: withCarol, content: `c${i}` })),
    ]);
    reading = false;
    await reader;

    const news = () => feed.results.map((r) => r.data?.notifications).filter((n) => n?.__typename === 'NewMessageNotification');
    await waitFor(() => news().length >= 1 + 2 * perSender, { what: 'every new-message notification', timeoutMs: 15_000 });
    for (const n of news()) {
      if (n?.__typename !== 'NewMessageNotification') continue;
      expect(n.conversationUnreadCount).toBeGreaterThanOrEqual(1);
      expect(n.conversationUnreadCount).toBeLessThanOrEqual(n.message.seq);
      expect(n.totalUnreadCount).toBeGreaterThanOrEqual(n.conversationUnreadCount);
    }
    // Once the dust settles, the next notification agrees with a fresh query on the other process.
    const settled = (await ok(b.url, bob.token, Unread)).unreadCount;
    const { sendMessage: sent } = await ok(b.url, carol.token, Send, { conversationId: withCarol, content: 'last' });
    // Its own notification: one of a probe sent while waiting for the feed may still be on its way.
    const lastOf = () => news().find((n) => n?.__typename === 'NewMessageNotification' && n.message.id === sent.id);
    await waitFor(() => lastOf() !== undefined, { what: 'the last notification' });
    const last = lastOf();
    expect(last?.__typename === 'NewMessageNotification' && last.totalUnreadCount).toBe(settled + 1);
  });
});

function seqs(sub: { results: { data?: { messageEvents: { message?: { seq: number } } } | null }[] }): number[] {
  return sub.results.map((r) => r.data?.messageEvents.message?.seq).filter((s): s is number => s !== undefined);
}
