// Web Push (contract v2, "Push notifications"), black-box: real servers send
// to a local HTTPS push service (test/helpers/push-service.ts) that checks
// every VAPID JWT and decrypts every payload as a browser would. Both queue
// paths run: the PostgreSQL table (no Redis; PGlite or PostgreSQL) and BullMQ (Redis).
import { randomUUID } from 'node:crypto';
import { lookup } from 'node:dns/promises';
import { hostname } from 'node:os';
import pg from 'pg';
import webpush from 'web-push';
import { beforeAll, describe, expect, it } from 'vitest';
import { graphql } from './generated/gql.js';
import { errorCodes, http, ok, wsClient } from './helpers/clients.js';
import { freshPgliteDir, testDatabase } from './helpers/database.js';
import { waitFor } from './helpers/deferred.js';
import { spawnServer } from './helpers/processes.js';
import { startPushService, type BrowserSubscription, type PushService } from './helpers/push-service.js';
import { startServer, type TestServer } from './helpers/server.js';
import { cleanup } from './helpers/cleanup.js';
import { MAX_RETRY_MS, RETRY_FOR_MS, retryAfterMs, retryDelayMs } from '../src/modules/push/push-delivery.js';
import { topicOf } from '../src/modules/push/push.service.js';
import { createUser, type TestUser } from './helpers/users.js';

const Register = graphql(`
  mutation PushRegister($input: PushSubscriptionInput!) {
    registerPushSubscription(input: $input)
  }
`);
const Unregister = graphql(`
  mutation PushUnregister($endpoint: String!) {
    unregisterPushSubscription(endpoint: $endpoint)
  }
`);
const PublicKey = graphql(`
  query PushPublicKey {
    pushPublicKey
  }
`);
const Start = graphql(`
  mutation PushStart($userId: ID!) {
    startConversation(userId: $userId) { id }
  }
`);
const Group = graphql(`
  mutation PushGroup($title: String!, $userIds: [ID!]!) {
    createGroupConversation(title: $title, userIds: $userIds) { id }
  }
`);
const Send = graphql(`
  mutation PushSend($input: SendMessageInput!) {
    sendMessage(input: $input) { id conversationId sender { id displayName } }
  }
`);

const Delete = graphql(`
  mutation PushDelete($messageId: ID!) { deleteMessage(messageId: $messageId) { id deletedAt } }
`);

const Mute = graphql(`
  mutation PushMute($conversationId: ID!) {
    updateConversationSettings(conversationId: $conversationId, input: { muted: true }) { id muted }
  }
`);
const Block = graphql(`
  mutation PushBlock($userId: ID!) {
    blockUser(userId: $userId) { id blockedByViewer }
  }
`);

const register = (server: { url: string }, user: TestUser, subscription: BrowserSubscription) =>
  ok(server.url, user.token, Register, { input: { endpoint: subscription.endpoint, p256dh: subscription.p256dh, auth: subscription.auth } });

const send = async (server: { url: string }, user: TestUser, conversationId: string, content: string) =>
  (await ok(server.url, user.token, Send, { input: { conversationId, content } })).sendMessage;

async function metric(baseUrl: string, name: string): Promise<number> {
  const text = await (await fetch(`${baseUrl}/metrics`)).text();
  return Number(new RegExp(`^${name} (\\d+)`, 'm').exec(text)?.[1] ?? 0);
}

/** Resolves when the server has no push being planned or waiting in its queue. */
async function settled(server: TestServer): Promise<void> {
  await waitFor(async () => (await server.app.services.push.pending()) === 0, { what: 'no pending push', timeoutMs: 20_000 });
}

describe('the push retry schedule', () => {
  it('waits 1 s, then doubles up to 60 s, never less than Retry-After (capped at 60 s), and keeps trying for at least 10 minutes', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 20].map((attempt) => retryDelayMs(attempt))).toEqual([
      1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000, 60_000,
    ]);
    expect(retryDelayMs(1, 5_000)).toBe(5_000);
    expect(retryDelayMs(1, 3_600_000)).toBe(MAX_RETRY_MS);
    expect(retryAfterMs({ 'retry-after': '7' })).toBe(7_000);
    const inTenSeconds = new Date(Date.now() + 10_000).toUTCString();
    expect(retryAfterMs({ 'retry-after': inTenSeconds })).toBeGreaterThan(8_000);
    expect(retryAfterMs({ 'retry-after': 'soon' })).toBeUndefined();
    expect(RETRY_FOR_MS).toBeGreaterThanOrEqual(10 * 60_000);
  });

  it('gives each conversation a Topic of 32 URL-safe characters', () => {
    expect(topicOf('c1')).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(topicOf('c1')).toBe(topicOf('c1'));
    expect(topicOf('c2')).not.toBe(topicOf('c1'));
  });
});

/**
 * A database and a Redis namespace of their own: on PostgreSQL every server
 * of a test run shares one database, and so one push queue, and a push of
 * ours taken by another file's server would be counted in its metrics, not ours.
 */
async function isolatedEnv(): Promise<Record<string, string>> {
  const prefix = { REDIS_KEY_PREFIX: `test-push-${randomUUID()}:` };
  if (testDatabase() === 'pglite') return { ...prefix, PGLITE_DATA_DIR: freshPgliteDir() };
  const adminUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const name = `chat_test_push_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  cleanup(async () => {
    const drop = new pg.Client({ connectionString: adminUrl });
    await drop.connect();
    await drop.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await drop.end();
  });
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return { ...prefix, DATABASE_URL: url.toString() };
}

const queues = [
  { queue: 'PostgreSQL table', redis: false },
  { queue: 'BullMQ', redis: true },
];

describe.each(queues)('Web Push through the $queue queue', ({ redis }) => {
  let push: PushService;
  let server: TestServer;
  let base: string;
  let alice: TestUser;
  let bob: TestUser;
  let carol: TestUser;
  beforeAll(async () => {
    push = await startPushService();
    server = await startServer(await isolatedEnv(), { redis });
    base = `http://127.0.0.1:${server.port}`;
    [alice, bob, carol] = await Promise.all([createUser(server, 'alice'), createUser(server, 'bob'), createUser(server, 'carol')]);
  });

  it('an offline recipient gets the contract payload, encrypted for its keys, with TTL, Urgency high, a Topic and a VAPID JWT for the push service', async () => {
    const sub = push.subscription();
    expect(await register(server, bob, sub)).toEqual({ registerPushSubscription: true });
    const { startConversation } = await ok(server.url, alice.token, Start, { userId: bob.id });
    const sent = await send(server, alice, startConversation.id, `hello bob ${'x'.repeat(150)}`);

    const [received] = await push.waitForPushes(sub.id, 1);
    expect(received!.payload).toEqual({
      type: 'message',
      conversationId: startConversation.id,
      messageId: sent.id,
      sender: { id: alice.id, displayName: sent.sender.displayName },
      preview: `hello bob ${'x'.repeat(90)}`,
      mentionsViewer: false,
      conversationUnreadCount: 1,
      totalUnreadCount: 1,
    });
    expect(received!.ttl).toBeGreaterThan(0);
    expect(received!.ttl).toBeLessThanOrEqual(86_400);
    expect(received!.urgency).toBe('high');
    expect(received!.topic).toMatch(/^[A-Za-z0-9_-]{1,32}$/);
    // The JWT was checked against the origin and signed with the key the API hands out.
    expect(received!.claims.aud).toBe(push.origin);
    expect(received!.claims.sub).toBe('mailto:chat@localhost');
    const { pushPublicKey } = await ok(server.url, bob.token, PublicKey);
    expect(received!.vapidKey).toBe(pushPublicKey);
    expect(Buffer.from(pushPublicKey!, 'base64url')).toHaveLength(65);
    expect(push.rejected).toEqual([]);
    // Counted once the push service's answer is back (the push service has the push before that).
    await settled(server);
    expect(await metric(base, 'chat_push_sent_total')).toBeGreaterThanOrEqual(1);
  });

  it('nobody with an open WebSocket gets a push, nor the sender; each offline one with a subscription does', async () => {
    const [aliceSub, bobSub, carolSub] = [push.subscription(), push.subscription(), push.subscription()];
    const dave = await createUser(server, 'dave'); // offline, no subscription
    await Promise.all([register(server, alice, aliceSub), register(server, bob, bobSub), register(server, carol, carolSub)]);
    const { createGroupConversation } = await ok(server.url, alice.token, Group, { title: 'g', userIds: [bob.id, carol.id, dave.id] });
    const online = wsClient(server.wsUrl, { authorization: `Bearer ${bob.token}` });
    await online.connected;
    await waitFor(async () => (await server.app.services.presence.onlineUsers([bob.id])).has(bob.id), { what: 'bob online' });

    const sent = await send(server, alice, createGroupConversation.id, 'hi all');
    const [toCarol] = await push.waitForPushes(carolSub.id, 1);
    expect(toCarol!.payload.messageId).toBe(sent.id);
    await settled(server);
    expect(push.receivedBy(bobSub.id)).toEqual([]);
    expect(push.receivedBy(aliceSub.id)).toEqual([]);

    // Once bob's socket is closed he is away, and the next message reaches him.
    await online.dispose();
    await waitFor(async () => !(await server.app.services.presence.onlineUsers([bob.id])).has(bob.id), { what: 'bob offline' });
    const next = await send(server, alice, createGroupConversation.id, 'still there?');
    const [toBob] = await push.waitForPushes(bobSub.id, 1);
    expect(toBob!.payload).toMatchObject({ messageId: next.id, conversationUnreadCount: 2 });
  });

  it('nobody gets a push from someone they blocked, nor for a conversation they muted unless the message mentions them', async () => {
    const [muter, blocker, other] = await Promise.all([createUser(server, 'muter'), createUser(server, 'blocker'), createUser(server, 'other')]);
    const [muterSub, blockerSub, otherSub] = [push.subscription(), push.subscription(), push.subscription()];
    await Promise.all([register(server, muter, muterSub), register(server, blocker, blockerSub), register(server, other, otherSub)]);
    const { createGroupConversation } = await ok(server.url, alice.token, Group, { title: 'rules', userIds: [muter.id, blocker.id, other.id] });
    expect((await ok(server.url, muter.token, Mute, { conversationId: createGroupConversation.id })).updateConversationSettings.muted).toBe(true);
    expect((await ok(server.url, blocker.token, Block, { userId: alice.id })).blockUser.blockedByViewer).toBe(true);

    const sent = await send(server, alice, createGroupConversation.id, 'anyone?');
    const [toOther] = await push.waitForPushes(otherSub.id, 1);
    expect(toOther!.payload.messageId).toBe(sent.id);
    await settled(server);
    expect(push.receivedBy(muterSub.id)).toEqual([]);
    expect(push.receivedBy(blockerSub.id)).toEqual([]);

    // The blocker still gets pushes from the others of the group; the muted conversation stays silent.
    const fromOther = await send(server, other, createGroupConversation.id, 'me too');
    const [toBlocker] = await push.waitForPushes(blockerSub.id, 1);
    expect(toBlocker!.payload.messageId).toBe(fromOther.id);
    await settled(server);
    expect(push.receivedBy(muterSub.id)).toEqual([]);

    // Unless it mentions them: then the muter gets it, saying so; the others' payloads say they are not.
    const mention = (
      await ok(server.url, alice.token, Send, { input: { conversationId: createGroupConversation.id, content: '@muter look', mentionedUserIds: [muter.id] } })
    ).sendMessage;
    const [toMuter] = await push.waitForPushes(muterSub.id, 1);
    expect(toMuter!.payload).toMatchObject({ messageId: mention.id, mentionsViewer: true });
    const [, toOtherAgain] = await push.waitForPushes(otherSub.id, 2);
    expect(toOtherAgain!.payload).toMatchObject({ messageId: mention.id, mentionsViewer: false });
  });

  it('pushes of one conversation share a Topic; another conversation has another', async () => {
    const sub = push.subscription();
    const erin = await createUser(server, 'erin');
    await register(server, erin, sub);
    const one = (await ok(server.url, alice.token, Start, { userId: erin.id })).startConversation.id;
    const two = (await ok(server.url, carol.token, Start, { userId: erin.id })).startConversation.id;
    await send(server, alice, one, 'a');
    await push.waitForPushes(sub.id, 1);
    await send(server, alice, one, 'b');
    await push.waitForPushes(sub.id, 2);
    await send(server, carol, two, 'c');
    const [a, b, c] = await push.waitForPushes(sub.id, 3);
    expect(a!.topic).toBe(b!.topic);
    expect(c!.topic).not.toBe(a!.topic);
    expect(c!.topic).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(c!.payload).toMatchObject({ conversationId: two, conversationUnreadCount: 1, totalUnreadCount: 3 });
  });

  it('a subscription whose push service answers 410 or 404 is removed', async () => {
    const frank = await createUser(server, 'frank');
    const [gone, missing] = [push.subscription(), push.subscription()];
    await register(server, frank, gone);
    await register(server, frank, missing);
    push.answer(gone.id, { status: 410 });
    push.answer(missing.id, { status: 404 });
    const removedBefore = await metric(base, 'chat_push_subscriptions_removed_total');
    const { startConversation } = await ok(server.url, alice.token, Start, { userId: frank.id });
    await send(server, alice, startConversation.id, 'are you there?');
    await waitFor(() => push.attempts.filter((a) => a.subscriptionId === gone.id || a.subscriptionId === missing.id).length === 2, {
      what: 'both tried',
    });
    await settled(server);
    expect(await metric(base, 'chat_push_subscriptions_removed_total')).toBe(removedBefore + 2);
    expect(await ok(server.url, frank.token, Unregister, { endpoint: gone.endpoint })).toEqual({ unregisterPushSubscription: false });
    // Nothing more is sent to them.
    await send(server, alice, startConversation.id, 'hello?');
    await settled(server);
    expect(push.attempts.filter((a) => a.subscriptionId === gone.id || a.subscriptionId === missing.id)).toHaveLength(2);
  });

  it('500 and 429 are retried with backoff (first retry after 1 s or more, Retry-After honoured) until the push is sent', async () => {
    const gina = await createUser(server, 'gina');
    const sub = push.subscription();
    await register(server, gina, sub);
    push.answer(sub.id, { status: 500 }, { status: 429, retryAfter: '3' }, { status: 503 });
    const retriedBefore = await metric(base, 'chat_push_retried_total');
    const { startConversation } = await ok(server.url, alice.token, Start, { userId: gina.id });
    const sent = await send(server, alice, startConversation.id, 'persistent');
    const [received] = await push.waitForPushes(sub.id, 1, 30_000);
    expect(received!.payload.messageId).toBe(sent.id);
    const tries = push.attempts.filter((a) => a.subscriptionId === sub.id);
    expect(tries.map((t) => t.status)).toEqual([500, 429, 503, 201]);
    const gaps = tries.slice(1).map((t, i) => t.at - tries[i]!.at);
    expect(gaps[0]).toBeGreaterThanOrEqual(950); // first retry ≥ 1 s
    expect(gaps[1]).toBeGreaterThanOrEqual(2_950); // Retry-After: 3
    expect(gaps[2]).toBeGreaterThanOrEqual(3_950); // backoff keeps growing: 4 s after the third failure
    expect(await metric(base, 'chat_push_retried_total')).toBe(retriedBefore + 3);
  }, 60_000);

  it('pushes sent together (one message to a group, several messages at once) are retried one by one: only the one that failed is sent again', async () => {
    const [kim, lee, max, ned] = await Promise.all([createUser(server, 'kim'), createUser(server, 'lee'), createUser(server, 'max'), createUser(server, 'ned')]);
    const [kimSub, leeSub, maxSub, nedSub] = [push.subscription(), push.subscription(), push.subscription(), push.subscription()];
    await Promise.all([register(server, kim, kimSub), register(server, lee, leeSub), register(server, max, maxSub), register(server, ned, nedSub)]);
    push.answer(leeSub.id, { status: 500 }, { status: 503 });
    const [{ createGroupConversation }, { startConversation }] = await Promise.all([
      ok(server.url, alice.token, Group, { title: 'batch', userIds: [kim.id, lee.id, max.id] }),
      ok(server.url, alice.token, Start, { userId: ned.id }),
    ]);
    // Sent together, planned together: the group's three pushes and ned's share a batch.
    const [toGroup, toNed] = await Promise.all([
      send(server, alice, createGroupConversation.id, 'batched'),
      send(server, alice, startConversation.id, 'batched too'),
    ]);
    const [toLee] = await push.waitForPushes(leeSub.id, 1, 30_000);
    expect(toLee!.payload.messageId).toBe(toGroup.id);
    await settled(server);
    const statuses = (id: string) => push.attempts.filter((a) => a.subscriptionId === id).map((a) => a.status);
    expect(statuses(leeSub.id)).toEqual([500, 503, 201]);
    for (const sub of [kimSub, maxSub, nedSub]) expect(statuses(sub.id)).toEqual([201]);
    expect(push.receivedBy(nedSub.id).map((p) => p.payload.messageId)).toEqual([toNed.id]);
    // Its retries kept their own schedule: 1 s, then 2 s.
    const leeTries = push.attempts.filter((a) => a.subscriptionId === leeSub.id);
    expect(leeTries[1]!.at - leeTries[0]!.at).toBeGreaterThanOrEqual(950);
    expect(leeTries[2]!.at - leeTries[1]!.at).toBeGreaterThanOrEqual(1_950);
  }, 60_000);

  it('a push waiting for its retry is dropped once its message is deleted: the old preview never goes out', async () => {
    const hana = await createUser(server, 'hana');
    const sub = push.subscription();
    await register(server, hana, sub);
    push.answer(sub.id, { status: 500 });
    const { startConversation } = await ok(server.url, alice.token, Start, { userId: hana.id });
    const sent = await send(server, alice, startConversation.id, 'regretted');
    await waitFor(() => push.attempts.some((a) => a.subscriptionId === sub.id), { what: 'the first try (500)', timeoutMs: 20_000 });
    await ok(server.url, alice.token, Delete, { messageId: sent.id });
    // The retry comes 1 s or more after the first try: by then the message is a tombstone.
    await settled(server);
    expect(push.attempts.filter((a) => a.subscriptionId === sub.id).map((a) => a.status)).toEqual([500]);
    // A later message still reaches her: only the deleted one was dropped.
    const later = await send(server, alice, startConversation.id, 'kept');
    const [received] = await push.waitForPushes(sub.id, 1, 30_000);
    expect(received!.payload).toMatchObject({ messageId: later.id, preview: 'kept' });
  }, 60_000);

  it('registering an endpoint another user had moves it to the viewer', async () => {
    const [hank, ivy] = await Promise.all([createUser(server, 'hank'), createUser(server, 'ivy')]);
    const sub = push.subscription();
    await register(server, hank, sub);
    await register(server, ivy, sub);
    expect(await ok(server.url, hank.token, Unregister, { endpoint: sub.endpoint })).toEqual({ unregisterPushSubscription: false });
    const toHank = (await ok(server.url, alice.token, Start, { userId: hank.id })).startConversation.id;
    const toIvy = (await ok(server.url, alice.token, Start, { userId: ivy.id })).startConversation.id;
    await send(server, alice, toHank, 'for hank');
    const sent = await send(server, alice, toIvy, 'for ivy');
    await push.waitForPushes(sub.id, 1);
    await settled(server);
    expect(push.receivedBy(sub.id).map((p) => p.payload.messageId)).toEqual([sent.id]);
    expect(await ok(server.url, ivy.token, Unregister, { endpoint: sub.endpoint })).toEqual({ unregisterPushSubscription: true });
  });

  it('a malformed subscription is refused with BAD_USER_INPUT and stores nothing', async () => {
    const sub = push.subscription();
    const p256dh = Buffer.from(sub.p256dh, 'base64url');
    const cases = [
      { ...sub, endpoint: sub.endpoint.replace('https:', 'http:') },
      { ...sub, endpoint: 'not a url' },
      { ...sub, endpoint: `https://127.0.0.1:${server.port}/graphql` }, // this server itself
      { ...sub, endpoint: `https://localhost:${server.port}/push` },
      { ...sub, p256dh: p256dh.subarray(0, 64).toString('base64url') },
      { ...sub, p256dh: Buffer.concat([Buffer.from([3]), p256dh.subarray(1)]).toString('base64url') },
      { ...sub, p256dh: Buffer.concat([Buffer.from([4]), Buffer.alloc(64, 1)]).toString('base64url') }, // not on the curve
      { ...sub, auth: Buffer.alloc(15).toString('base64url') },
      { ...sub, auth: '!!!' },
    ];
    for (const input of cases) {
      const response = await http(server.url, carol.token, Register, {
        input: { endpoint: input.endpoint, p256dh: input.p256dh, auth: input.auth },
      });
      expect(errorCodes(response), JSON.stringify(input)).toEqual(['BAD_USER_INPUT']);
    }
    expect(await server.app.services.db.pushSubscription.count({ where: { endpoint: { in: cases.map((c) => c.endpoint) } } })).toBe(0);
  });

  it('keeps the 20 most recently registered subscriptions of a user', async () => {
    const lena = await createUser(server, 'lena');
    const subs = Array.from({ length: 21 }, () => push.subscription());
    for (const sub of subs) await register(server, lena, sub);
    const kept = await server.app.services.db.pushSubscription.findMany({ where: { userId: lena.id }, select: { endpoint: true } });
    expect(kept.map((k) => k.endpoint).sort()).toEqual(subs.slice(1).map((s) => s.endpoint).sort());
  });

  // Last: it stops the file's server, so that the pushes it leaves are the next server's to send.
  it('pending pushes survive a restart: the push service down, the server stopped, and the next server sends them once it is back', async () => {
    await server.stop();
    const env = await isolatedEnv();
    const first = await startServer(env, { redis });
    const [jack, kim] = await Promise.all([createUser(first, 'jack'), createUser(first, 'kim')]);
    const sub = push.subscription();
    await register(first, kim, sub);
    const { pushPublicKey } = await ok(first.url, kim.token, PublicKey);
    const { startConversation } = await ok(first.url, jack.token, Start, { userId: kim.id });
    await push.down();
    const sent = await send(first, jack, startConversation.id, 'while you were away');
    await waitFor(async () => (await metric(`http://127.0.0.1:${first.port}`, 'chat_push_retried_total')) >= 1, { what: 'a failed try' });
    await first.stop();

    await push.up();
    const second = await startServer(env, { redis });
    const started = Date.now();
    const [received] = await push.waitForPushes(sub.id, 1, 70_000);
    expect(Date.now() - started).toBeLessThan(60_000);
    expect(received!.payload.messageId).toBe(sent.id);
    // The key pair was kept: the restarted server signs with the same one.
    expect(received!.vapidKey).toBe(pushPublicKey);
    expect((await ok(second.url, kim.token, PublicKey)).pushPublicKey).toBe(pushPublicKey);
    await settled(second);
    expect(push.receivedBy(sub.id)).toHaveLength(1);
  }, 120_000);
});

describe('Web Push in production', () => {
  const keys = webpush.generateVAPIDKeys();

  it('is off without VAPID keys: pushPublicKey is null', async () => {
    const server = await startServer({ NODE_ENV: 'production' });
    const user = await createUser(server, 'prod');
    expect(await ok(server.url, user.token, PublicKey)).toEqual({ pushPublicKey: null });
  }, 90_000);

  it('refuses loopback and private endpoints unless PUSH_ALLOW_PRIVATE_HOSTS=true', async () => {
    const push = await startPushService();
    const strict = await startServer({ NODE_ENV: 'production', VAPID_PUBLIC_KEY: keys.publicKey, VAPID_PRIVATE_KEY: keys.privateKey });
    const user = await createUser(strict, 'prod');
    expect(await ok(strict.url, user.token, PublicKey)).toEqual({ pushPublicKey: keys.publicKey });
    for (const endpoint of [`${push.origin}/push/x`, 'https://10.1.2.3/push/x', 'https://[::1]/push/x', 'https://169.254.169.254/latest', 'https://[::ffff:127.0.0.1]/x', 'https://127.1/x', `https://localhost.:${push.origin.split(':').pop()}/x`]) {
      const response = await http(strict.url, user.token, Register, { input: { ...push.subscription(), endpoint } });
      expect(errorCodes(response), endpoint).toEqual(['BAD_USER_INPUT']);
    }
    const relaxed = await startServer({
      NODE_ENV: 'production',
      VAPID_PUBLIC_KEY: keys.publicKey,
      VAPID_PRIVATE_KEY: keys.privateKey,
      PUSH_ALLOW_PRIVATE_HOSTS: 'true',
    });
    const other = await createUser(relaxed, 'prod');
    const { id: _id, ...sub } = push.subscription();
    expect(await ok(relaxed.url, other.token, Register, { input: sub })).toEqual({ registerPushSubscription: true });
  }, 90_000);

  it('refuses at send time a name that resolves to a private address (registration cannot know what it will resolve to)', async () => {
    // This machine's own name resolves to a loopback address through /etc/hosts (Debian: 127.0.1.1).
    const [address] = await lookup(hostname(), { all: true });
    expect(address?.address, `${hostname()} should resolve to a loopback address here`).toMatch(/^127\./);
    const push = await startPushService();
    const server = await startServer({ ...(await isolatedEnv()), NODE_ENV: 'production', VAPID_PUBLIC_KEY: keys.publicKey, VAPID_PRIVATE_KEY: keys.privateKey });
    const [sender, away] = [await createUser(server, 'prod'), await createUser(server, 'away')];
    const sub = push.subscription();
    const endpoint = sub.endpoint.replace('127.0.0.1', hostname());
    expect(await ok(server.url, away.token, Register, { input: { endpoint, p256dh: sub.p256dh, auth: sub.auth } })).toEqual({
      registerPushSubscription: true,
    });
    const { startConversation } = await ok(server.url, sender.token, Start, { userId: away.id });
    await send(server, sender, startConversation.id, 'to a name inside');
    // Production: /metrics is closed without METRICS_TOKEN; read the counter in the process.
    const failed = async () => (await server.app.services.metrics.pushesFailed.get()).values[0]?.value ?? 0;
    await waitFor(async () => (await failed()) === 1, { what: 'the push refused' });
    await settled(server);
    expect(push.attempts).toEqual([]);
  }, 90_000);
});

describe.runIf(testDatabase() === 'postgres')('Web Push across server processes', () => {
  let push: PushService;
  beforeAll(async () => {
    push = await startPushService();
  });

  it('says at start-up that push is off in production without VAPID keys', async () => {
    const server = await spawnServer({ NODE_ENV: 'production' });
    await waitFor(() => server.output().includes('Web Push is off'), { what: 'the start-up warning' });
  }, 60_000);

  for (const { queue, redisUrl } of [
    { queue: 'BullMQ', redisUrl: undefined },
    { queue: 'PostgreSQL table', redisUrl: '' },
  ]) {
    it(`two server processes send each push once (${queue})`, async () => {
      const env: Record<string, string> = { ...(await isolatedEnv()), ...(redisUrl === undefined ? {} : { REDIS_URL: redisUrl }) };
      const [a, b] = await Promise.all([spawnServer(env), spawnServer(env)]);
      const [sender, away] = [await createUser(a as never, 'sender'), await createUser(a as never, 'away')];
      const sub = push.subscription();
      await register(b, away, sub);
      const { startConversation } = await ok(a.url, sender.token, Start, { userId: away.id });
      const ids: string[] = [];
      for (let i = 0; i < 10; i++) ids.push((await send(i % 2 ? a : b, sender, startConversation.id, `m${i}`)).id);
      await push.waitForPushes(sub.id, 10, 30_000);
      // A last one: any duplicate of the first ten would have come before it.
      const last = await send(a, sender, startConversation.id, 'last');
      await waitFor(() => push.receivedBy(sub.id).some((p) => p.payload.messageId === last.id), { what: 'the last push' });
      const received = push.receivedBy(sub.id).map((p) => p.payload.messageId as string);
      expect(received.sort()).toEqual([...ids, last.id].sort());
    }, 90_000);

    it(`a process with PUSH_SENDING=false queues pushes and sends none; a sending process sends them once (${queue})`, async () => {
      const env: Record<string, string> = { ...(await isolatedEnv()), ...(redisUrl === undefined ? {} : { REDIS_URL: redisUrl }) };
      const api = await spawnServer({ ...env, PUSH_SENDING: 'false' });
      const [sender, away] = [await createUser(api as never, 'sender'), await createUser(api as never, 'away')];
      const sub = push.subscription();
      await register(api, away, sub);
      const { startConversation } = await ok(api.url, sender.token, Start, { userId: away.id });
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) ids.push((await send(api, sender, startConversation.id, `queued ${i}`)).id);
      // Nobody sends them yet: the table queue is polled every second, BullMQ's jobs are taken at once.
      await new Promise((resolve) => setTimeout(resolve, 2_500));
      expect(push.receivedBy(sub.id)).toEqual([]);

      const pushSender = await spawnServer(env);
      await push.waitForPushes(sub.id, 3, 30_000);
      ids.push((await send(api, sender, startConversation.id, 'after')).id);
      await waitFor(() => push.receivedBy(sub.id).length >= 4, { what: 'the fourth push' });
      const metricsOf = (server: { url: string }) => server.url.replace(/\/graphql$/, '');
      expect(await metric(metricsOf(api), 'chat_push_sent_total')).toBe(0);
      expect(await metric(metricsOf(pushSender), 'chat_push_sent_total')).toBe(4);
      expect(push.receivedBy(sub.id).map((p) => p.payload.messageId as string).sort()).toEqual([...ids].sort());
    }, 90_000);
  }
});
