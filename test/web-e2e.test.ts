// The demo chat page (examples/web) in a real browser: Vite builds it, Chromium
// (Debian's, driven by playwright-core, with no way to the internet) opens it
// against a server that signs development users in. Checked: what the page
// shows live (messages, typing, receipts, unread badges, presence), how it
// shows a conversation (groups, day separators, the unread divider, history
// paged upwards, the new-messages pill, the composer and its drafts, the URL),
// the phone layout, running a group (its info panel, mute/pin/archive, block,
// a removal reaching the removed user's screen live), messages that change
// (edits, deletions, reactions, replies with quotes, mentions, and the change
// feed resumed with `since` after a dropped connection), and axe-core's scan.
// Screenshots go to test-results/.
// Runs once per `npm test` (in the postgres project); on CI it never skips.
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Locator, Page, Request, WebSocketRoute } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql } from './generated/gql.js';
import { browserSkipReason, checkedRun, launchChromium, offlineContext, screenshot, type OfflineContext } from './helpers/browser.js';
import { ok } from './helpers/clients.js';
import { waitFor } from './helpers/deferred.js';
import { startPushService } from './helpers/push-service.js';
import { png } from './helpers/uploads.js';
import { startServer, waitForListeners, type TestServer } from './helpers/server.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const skip = browserSkipReason();
/** axe-core's script, injected into the page for the accessibility scan. */
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
};

/** Serves the built page from `dir` on a free port. */
async function serveStatic(dir: string): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    // An absolute path, normalized, cannot climb out of `dir`.
    let file = join(dir, normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)));
    if (!existsSync(file) || statSync(file).isDirectory()) file = join(dir, 'index.html');
    res.writeHead(200, { 'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

const Me = graphql(`query DemoMe { me { id } }`);
const Start = graphql(`mutation DemoStart($userId: ID!) { startConversation(userId: $userId) { id } }`);
const Group = graphql(`mutation DemoGroup($title: String!, $userIds: [ID!]!) { createGroupConversation(title: $title, userIds: $userIds) { id } }`);
const Send = graphql(`
  mutation DemoSend($conversationId: ID!, $content: String!) {
    sendMessage(input: { conversationId: $conversationId, content: $content }) { id }
  }
`);
const Read = graphql(`mutation DemoRead($conversationId: ID!) { markRead(conversationId: $conversationId) { unreadCount } }`);
const Typing = graphql(`mutation DemoTyping($conversationId: ID!) { setTyping(conversationId: $conversationId, isTyping: true) }`);

/** A development user over HTTP (POST /dev/token, then a first request, which creates them): seeds what the pages show. */
async function devUser(server: TestServer, username: string) {
  const response = await fetch(server.url.replace(/\/graphql$/, '/dev/token'), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username }),
  });
  const { token } = (await response.json()) as { token: string };
  await ok(server.url, token, Me);
  const run = <R, V>(document: Parameters<typeof ok<R, V>>[2], variables: V) => ok(server.url, token, document, variables);
  return {
    id: username,
    start: async (userId: string) => (await run(Start, { userId })).startConversation.id,
    group: async (title: string, userIds: string[]) => (await run(Group, { title, userIds })).createGroupConversation.id,
    send: (conversationId: string, content: string) => run(Send, { conversationId, content }),
    read: (conversationId: string) => run(Read, { conversationId }),
    type: (conversationId: string) => run(Typing, { conversationId }),
  };
}

/** Runs axe-core on the page; returns its serious and critical violations (rule, and the elements). */
async function seriousViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ content: AXE_SOURCE });
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(): Promise<{ violations: { id: string; impact: string; nodes: { target: unknown[] }[] }[] }> } }).axe;
    return (await axe.run()).violations;
  });
  return violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => `${violation.id}: ${violation.nodes.map((node) => JSON.stringify(node.target)).join(', ')}`);
}

/** A graphql-ws frame (JSON text). */
interface Frame {
  id?: string;
  type: string;
  payload?: { query?: string; variables?: Record<string, unknown>; data?: { messageEvents?: { cursor?: string } } };
}

/**
 * Puts the page's WebSockets to /graphql through the test (Playwright's
 * routeWebSocket): it reads the frames both ways, can drop the connection as
 * a network would, and holds the page's next connection until released.
 */
async function proxyWebSockets(page: Page) {
  const sent: Frame[] = [];
  const received: Frame[] = [];
  let sockets: { page: WebSocketRoute; server: WebSocketRoute } | undefined;
  let held: Promise<void> = Promise.resolve();
  let release = () => {};
  await page.routeWebSocket(/\/graphql$/, async (ws) => {
    let server: WebSocketRoute | undefined;
    const waiting: (string | Buffer)[] = [];
    ws.onMessage((message) => {
      sent.push(JSON.parse(String(message)) as Frame);
      if (server) server.send(message);
      else waiting.push(message);
    });
    await held;
    server = ws.connectToServer();
    server.onMessage((message) => {
      received.push(JSON.parse(String(message)) as Frame);
      ws.send(message);
    });
    for (const message of waiting.splice(0)) server.send(message);
    sockets = { page: ws, server };
  });
  return {
    sent,
    received,
    /** Closes both ends (graphql-ws on the page reconnects); the next connection waits for `release()`. */
    async drop() {
      held = new Promise((resolve) => (release = resolve));
      // Each end closes the other too; whichever is closed already answers with an error.
      await sockets?.server.close({ code: 4000, reason: 'dropped by the test' }).catch(() => undefined);
      await sockets?.page.close({ code: 4000, reason: 'dropped by the test' }).catch(() => undefined);
    },
    release: () => release(),
  };
}

// urql sends queries as GET (operationName in the URL), mutations as POST.
const GRAPHQL_URL = /\/graphql(\?|$)/;

/** Holds `page`'s `name` queries until `release()`, which resolves once one of them has its answer. */
async function holdQuery(page: Page, name: string) {
  const matches = (request: Request) => new URL(request.url()).searchParams.get('operationName') === name;
  let letGo!: () => void;
  const released = new Promise<void>((resolve) => (letGo = resolve));
  let held = 0;
  await page.route(GRAPHQL_URL, async (route) => {
    if (matches(route.request())) {
      held++;
      await released;
    }
    await route.continue();
  });
  return {
    held: () => held,
    async release() {
      const answered = page.waitForResponse((response) => matches(response.request()));
      letGo();
      await answered;
      await page.unroute(GRAPHQL_URL);
    },
  };
}

/** Scroll position of the message list: how far from its top and from its bottom. */
const scrollOf = (page: Page) =>
  page.locator('.messages').evaluate((list) => ({ top: list.scrollTop, fromBottom: list.scrollHeight - list.scrollTop - list.clientHeight }));

describe.skipIf(skip)(`demo chat page in Chromium${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let outDir: string;
  let site: { server: Server; url: string };
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchChromium();
    outDir = mkdtempSync(join(tmpdir(), 'chat-demo-web-'));
    // What `npm run build -w examples/web` makes: Vite takes production from NODE_ENV, which vitest sets to "test".
    const { build } = await import('vite');
    const nodeEnv = process.env.NODE_ENV;
    process.env.NODE_ENV = 'production';
    try {
      await build({ root: join(root, 'examples/web'), mode: 'production', logLevel: 'silent', build: { outDir, emptyOutDir: true } });
    } finally {
      if (nodeEnv === undefined) delete process.env.NODE_ENV;
      else process.env.NODE_ENV = nodeEnv;
    }
    site = await serveStatic(outDir);
  }, 120_000);

  /** Signs `username` in through the page (development sign-in) in a context of its own, offline; `prepare` runs on the page before it loads. */
  async function signIn(
    server: TestServer,
    username: string,
    viewport = { width: 960, height: 600 },
    prepare?: (page: Page) => Promise<unknown>,
  ): Promise<{ page: Page; offline: OfflineContext }> {
    const offline = await offlineContext(browser, { viewport });
    const page = await offline.newPage(username);
    await prepare?.(page);
    await page.goto(`${site.url}/?api=${encodeURIComponent(server.url.replace(/\/graphql$/, ''))}`);
    await page.getByLabel('Username').fill(username);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('.topbar .me b', { hasText: username }).waitFor();
    // Signed in once its live feed is subscribed, so its WebSocket is open (online).
    await waitForListeners(server, 'notifications', username);
    return { page, offline };
  }

  afterAll(async () => {
    await browser?.close();
    if (site) await new Promise((resolve) => site.server.close(resolve));
    if (outDir) rmSync(outDir, { recursive: true, force: true });
  });

  it('signs two users in; they chat live with typing, read receipts, unread badges and presence', async () => {
    const server = await startServer({ JWT_SECRET: '' });
    const sessions: OfflineContext[] = [];
    const message = (page: Page, side: 'mine' | 'theirs', text: string, receipt?: 'seen') =>
      page.locator(`.messages .message.${side}${receipt ? `[data-receipt=${receipt}]` : ''}`, { hasText: text });

    await checkedRun(sessions, async () => {
      const [alice, bob] = (await Promise.all([signIn(server, 'alice'), signIn(server, 'bob')])).map((session) => {
        sessions.push(session.offline);
        return session.page;
      }) as [Page, Page];

      // alice starts a conversation with bob (a development user's id is their username) and writes.
      await alice.fill('input[name=peer]', 'bob');
      await alice.press('input[name=peer]', 'Enter');
      await alice.locator('.conversation.active[data-peer=bob] .dot.online').waitFor();
      await alice.locator('.chat-header', { hasText: 'online' }).waitFor();
      await alice.fill('textarea[name=message]', 'Hi Bob!');
      await alice.press('textarea[name=message]', 'Enter');
      await message(alice, 'mine', 'Hi Bob!').waitFor();

      // bob's list gets the conversation live, with alice online, the preview and one unread.
      const bobsItem = bob.locator('.conversation[data-peer=alice]');
      await bobsItem.locator('.dot.online').waitFor();
      await bobsItem.locator('.preview', { hasText: 'Hi Bob!' }).waitFor();
      await bobsItem.locator('.badge', { hasText: '1' }).waitFor();
      await screenshot(bob, 'web-e2e-none-open');

      // bob opens it: history shows the message, it is marked read, alice sees "Seen".
      await bobsItem.click();
      await message(bob, 'theirs', 'Hi Bob!').waitFor();
      await message(alice, 'mine', 'Hi Bob!', 'seen').waitFor();
      await bobsItem.locator('.badge').waitFor({ state: 'detached' });

      // bob types: alice sees it; bob sends: the indicator goes, the reply arrives, bob sees "Seen".
      await bob.fill('textarea[name=message]', 'Hello Alice, how are you?');
      await alice.locator('.typing', { hasText: 'bob is typing…' }).waitFor();
      await bob.press('textarea[name=message]', 'Enter');
      await message(alice, 'theirs', 'Hello Alice, how are you?').waitFor();
      await alice.waitForFunction(() => document.querySelector('.typing')?.textContent === '');
      await message(bob, 'mine', 'Hello Alice, how are you?', 'seen').waitFor();

      // With both in the conversation, a message shows up live on the other side and is seen.
      await alice.fill('textarea[name=message]', 'Great, thanks! See you at 3?');
      await alice.press('textarea[name=message]', 'Enter');
      await message(bob, 'theirs', 'Great, thanks! See you at 3?').waitFor();
      await message(alice, 'mine', 'Great, thanks! See you at 3?', 'seen').waitFor();
      await alice.locator('.conversation[data-peer=bob] .preview', { hasText: 'You: Great, thanks! See you' }).waitFor();

      expect(await alice.locator('.messages .message').allInnerTexts()).toHaveLength(3);
      // Only the last own message carries a receipt.
      expect(await alice.locator('.messages [data-receipt]').count()).toBe(1);
      expect(await alice.locator('.error').isVisible()).toBe(false);
      expect(await bob.locator('.error').isVisible()).toBe(false);
      await screenshot(alice, 'web-e2e');

      // bob leaves: his socket closes, alice sees him offline.
      await sessions[1]!.context.close();
      await alice.locator('.conversation[data-peer=bob] .dot.offline').waitFor();
      await alice.locator('.chat-header', { hasText: 'last seen' }).waitFor();
    });
  }, 60_000);

  it('keeps what the reader is doing across updates: a click whose press and release straddle one, a text selection, the focus while a conversation opens', async () => {
    const server = await startServer({ JWT_SECRET: '' });
    const sessions: OfflineContext[] = [];
    await checkedRun(sessions, async () => {
      await devUser(server, 'eve');
      const dan = await devUser(server, 'dan');
      const conversationId = await dan.start('eve');
      await dan.send(conversationId, 'First');
      const frames: string[] = [];
      const { page: eve, offline } = await signIn(server, 'eve', undefined, async (page) =>
        page.on('websocket', (socket) => socket.on('framereceived', ({ payload }) => frames.push(String(payload)))),
      );
      sessions.push(offline);
      const item = eve.locator('.conversation[data-peer=dan]');
      await item.locator('.preview', { hasText: 'First' }).waitFor();

      // eve presses on dan's conversation; a message comes before she releases: the list had to show it.
      const box = (await item.boundingBox())!;
      await eve.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
      await eve.mouse.down();
      await dan.send(conversationId, 'Second');
      await waitFor(() => frames.some((frame) => frame.includes('Second')), { what: "eve's page getting the message" });
      await eve.evaluate(() => new Promise((resolve) => setTimeout(resolve, 100))); // time for the page to handle it
      await eve.mouse.up();

      // The click opened the conversation, and the list shows the new message.
      await eve.locator('.messages .message', { hasText: 'Second' }).waitFor();
      await eve.locator('.conversation.active[data-peer=dan] .preview', { hasText: 'Second' }).waitFor();

      // eve selects the first message's text; dan starts typing: the page shows it, and the selection stays.
      await eve.locator('.messages .message .bubble', { hasText: 'First' }).evaluate((bubble) => getSelection()!.selectAllChildren(bubble));
      expect(await eve.evaluate(() => getSelection()!.toString())).toContain('First');
      await dan.type(conversationId);
      await eve.locator('.typing', { hasText: 'dan is typing' }).waitFor();
      expect(await eve.evaluate(() => getSelection()!.toString())).toContain('First');

      // A press whose release the page never hears of (as on a scrollbar) holds the drawing back only until the pointer moves.
      await eve.evaluate(() => document.dispatchEvent(new PointerEvent('pointerdown', { bubbles: true })));
      await dan.send(conversationId, 'Third');
      await waitFor(() => frames.some((frame) => frame.includes('Third')), { what: "eve's page getting the third message" });
      await eve.mouse.move(5, 5);
      await eve.locator('.messages .message', { hasText: 'Third' }).waitFor();

      // eve starts a chat with fay and writes at once, while it is still being opened (its members
      // come late): the end of the opening leaves the focus where she put it, not in the field she
      // started from, so her Enter sends the message.
      await devUser(server, 'fay');
      const members = await holdQuery(eve, 'ConversationMembers');
      await eve.fill('input[name=peer]', 'fay');
      await eve.press('input[name=peer]', 'Enter');
      await waitFor(() => members.held() > 0, { what: "eve's members request" });
      await eve.fill('textarea[name=message]', 'Hi Fay');
      await members.release();
      await eve.locator('input[name=peer]:enabled').waitFor();
      expect(await eve.evaluate(() => document.activeElement?.getAttribute('name'))).toBe('message');
      await eve.keyboard.press('Enter');
      await eve.locator('.messages .message.mine', { hasText: 'Hi Fay' }).waitFor();
    });
  }, 60_000);

  it('groups messages, pages history upwards, marks where the reader left off, shows a pill instead of scrolling, keeps drafts and the open conversation across a reload, and passes axe', async () => {
    const server = await startServer({ JWT_SECRET: '' });
    const [leo, maya, sam] = [await devUser(server, 'leo'), await devUser(server, 'maya'), await devUser(server, 'sam')];
    const direct = await leo.start('maya');
    // 40 older messages in runs of two, then small talk maya has read, then three she has not.
    for (let i = 1; i <= 40; i++) await (i % 4 < 2 ? leo : maya).send(direct, `History ${i}`);
    await leo.send(direct, 'Did you see the new design review notes?');
    await maya.send(direct, 'Yes! The grouping looks much calmer now.');
    await maya.send(direct, 'And the dark corners of the composer are gone');
    await maya.read(direct);
    for (const text of ['Are you free later today?', 'I have news about the launch', 'Call me when you can']) await leo.send(direct, text);
    const group = await sam.group('Launch crew', ['leo', 'maya']);
    await sam.send(group, 'Kick-off at 10, room 4');

    const { page, offline } = await signIn(server, 'maya', { width: 1280, height: 800 });
    const list = page.locator('.messages');
    /** A message whose text is exactly `text`. */
    const bubble = (text: string) => page.locator('.message', { has: page.locator('.bubble', { hasText: new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) }) });
    await checkedRun([offline], async () => {
      await page.locator(`.conversation[data-id="${direct}"]`).click();
      await bubble('Call me when you can').waitFor();
      expect(new URL(page.url()).searchParams.get('conversation')).toBe(direct);

      // Grouping: leo's three unread messages are one group under the unread divider, with one avatar and one time.
      const unreadGroup = page.locator('.unread-divider + .group');
      expect(await unreadGroup.locator('.message').allInnerTexts()).toEqual(['Are you free later today?', 'I have news about the launch', 'Call me when you can']);
      expect(await unreadGroup.locator('.avatar').count()).toBe(1);
      expect(await unreadGroup.locator('time').count()).toBe(1);
      expect(await list.locator('.unread-divider').count()).toBe(1);
      expect(await list.locator('.day').allInnerTexts()).toEqual(['Today']);
      // maya's two messages: one group, and no receipt (her last message is older than leo's).
      expect(await list.locator('.group.mine', { hasText: 'Yes! The grouping' }).locator('.message').count()).toBe(2);
      expect(await list.locator('[data-receipt]').count()).toBe(1);

      // The first page holds the newest 30 messages; scrolling up loads the rest, keeping the reader's place.
      expect(await bubble('History 1').count()).toBe(0);
      await list.evaluate((element) => element.scrollTo({ top: 0 }));
      await bubble('History 1').waitFor();
      expect(await list.locator('.message').count()).toBe(46);
      expect((await scrollOf(page)).top).toBeGreaterThan(0);
      expect(await list.locator('.group', { has: bubble('History 2') }).locator('.message').allInnerTexts()).toEqual(['History 2', 'History 3']);

      // Scrolled up, a new message does not move the list: a pill says so, and takes the reader down.
      const before = await scrollOf(page);
      await leo.send(direct, 'Are you still there?');
      const pill = page.getByRole('button', { name: '1 new message' });
      await pill.waitFor();
      expect((await scrollOf(page)).top).toBe(before.top);
      await page.locator('[aria-live=polite][role=status]', { hasText: 'leo: Are you still there?' }).waitFor({ state: 'attached' });
      await pill.click();
      await pill.waitFor({ state: 'hidden' });
      expect((await scrollOf(page)).fromBottom).toBeLessThan(2);

      // The composer: Shift+Enter is a new line, Enter sends.
      const composer = page.getByRole('textbox', { name: 'Message' });
      await composer.fill('On my way');
      await composer.press('Shift+Enter');
      await composer.pressSequentially('be there in 5');
      await composer.press('Enter');
      await bubble('On my way\nbe there in 5').waitFor();
      expect(await composer.inputValue()).toBe('');
      await screenshot(page, 'web-demo-1280');
      expect(await seriousViolations(page)).toEqual([]);

      // A draft stays with its conversation, and the group's receipt counts its readers.
      await composer.fill('Half-written thought');
      await page.locator(`.conversation[data-id="${group}"]`).click();
      await bubble('Kick-off at 10, room 4').waitFor();
      expect(await composer.inputValue()).toBe('');
      await composer.fill('Count me in');
      await composer.press('Enter');
      await list.locator('[data-receipt=sent]', { hasText: 'Count me in' }).waitFor();
      await Promise.all([leo.read(group), sam.read(group)]);
      await list.locator('.meta', { hasText: 'Seen by 2' }).waitFor();
      await page.locator(`.conversation[data-id="${direct}"]`).click();
      await bubble('Are you still there?').waitFor();
      expect(await composer.inputValue()).toBe('Half-written thought');

      // A reload opens the same conversation, with its draft.
      await page.reload();
      await bubble('Are you still there?').waitFor();
      expect(await composer.inputValue()).toBe('Half-written thought');
    });
  }, 90_000);

  it('is two screens on a phone: the list, then the chat with a way back; nothing overflows at 360 px', async () => {
    const server = await startServer({ JWT_SECRET: '' });
    const [nora, omar] = [await devUser(server, 'nora'), await devUser(server, 'omar')];
    const direct = await omar.start('nora');
    for (const text of ['Morning! Coffee at the corner place?', 'I can be there at 9:30']) await omar.send(direct, text);
    await nora.send(direct, 'Sounds perfect, see you there ☕');
    await omar.send(direct, 'Great, I will grab a table by the window');

    const { page, offline } = await signIn(server, 'nora', { width: 390, height: 844 });
    await checkedRun([offline], async () => {
      const sidebar = page.getByRole('navigation', { name: 'Conversations' });
      const chatScreen = page.getByRole('main', { name: 'Conversation' });
      expect(await chatScreen.isVisible()).toBe(false);
      await sidebar.locator(`.conversation[data-id="${direct}"]`).click();
      await chatScreen.locator('.bubble', { hasText: 'grab a table' }).waitFor();
      expect(await sidebar.isVisible()).toBe(false);
      // The focus went with the screen: to the messages, and back to the conversation after.
      await page.getByRole('list', { name: 'Messages' }).and(page.locator(':focus')).waitFor();
      // The composer is on the screen, whole.
      const composer = await page.getByRole('textbox', { name: 'Message' }).boundingBox();
      expect(composer!.y + composer!.height).toBeLessThanOrEqual(844);
      expect(composer!.x + composer!.width).toBeLessThanOrEqual(390);
      await screenshot(page, 'web-demo-390');
      expect(await seriousViolations(page)).toEqual([]);

      await page.getByRole('button', { name: 'Back to conversations' }).click();
      await sidebar.waitFor();
      await sidebar.locator(`.conversation[data-id="${direct}"]:focus`).waitFor();
      expect(await chatScreen.isVisible()).toBe(false);
      expect(new URL(page.url()).searchParams.get('conversation')).toBeNull();
      await screenshot(page, 'web-demo-390-list');

      await page.setViewportSize({ width: 360, height: 740 });
      await sidebar.locator(`.conversation[data-id="${direct}"]`).click();
      await chatScreen.locator('.bubble', { hasText: 'grab a table' }).waitFor();
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    });
  }, 60_000);

  it('sends an image the other user sees load, a file as a download link, and finds a message by search: highlighted (as text), opening its conversation at it', async () => {
    const server = await startServer({ JWT_SECRET: '' });
    const sessions: OfflineContext[] = [];
    await checkedRun(sessions, async () => {
      const [ines, jon] = (await Promise.all([signIn(server, 'ines'), signIn(server, 'jon')])).map((session) => {
        sessions.push(session.offline);
        return session.page;
      }) as [Page, Page];
      await ines.fill('input[name=peer]', 'jon');
      await ines.press('input[name=peer]', 'Enter');
      await jon.locator('.conversation[data-peer=ines]').click();

      // ines attaches an image (uploaded as a multipart request, then sent): jon sees it inline, loaded.
      await ines.getByLabel('Attach a file or image').setInputFiles({ name: 'sunset.png', mimeType: 'image/png', buffer: png(64, 48) });
      const image = jon.locator('.message.theirs img[alt="sunset.png"]');
      await image.waitFor();
      await jon.waitForFunction((element) => (element as HTMLImageElement).complete && (element as HTMLImageElement).naturalWidth > 0, await image.elementHandle());
      expect(await image.evaluate((element: HTMLImageElement) => [element.naturalWidth, element.naturalHeight])).toEqual([64, 48]);
      await ines.locator('.message.mine img[alt="sunset.png"]').waitFor();
      // A file that is not an image is a download link with its name.
      await ines.getByLabel('Attach a file or image').setInputFiles({ name: 'notes <b>.txt', mimeType: 'text/plain', buffer: Buffer.from('agenda\n') });
      const link = jon.locator('.message.theirs a.attachment.file');
      await link.waitFor();
      expect(await link.getAttribute('download')).toBe('notes <b>.txt');
      expect(await link.locator('.filename').innerText()).toBe('notes <b>.txt');
      await jon.locator('.conversation[data-peer=ines] .preview', { hasText: 'Attachment: notes <b>.txt' }).waitFor();
      await screenshot(jon, 'web-e2e-attachments');

      // Search: words of older messages, one holding markup; the result shows <mark>ed words as text, and opens the conversation at it.
      const other = await devUser(server, 'kai');
      const elsewhere = await other.start('jon');
      await other.send(elsewhere, 'Unrelated chatter');
      const direct = new URL(ines.url()).searchParams.get('conversation')!;
      const inesApi = await devUser(server, 'ines');
      await inesApi.send(direct, 'The <script>alert(1)</script> tag goes in the lighthouse report');
      for (let i = 0; i < 40; i++) await inesApi.send(direct, `Filler ${i}`);
      await jon.locator('.conversation[data-peer=kai]').click();
      await jon.getByRole('searchbox', { name: 'Search messages' }).fill('lighthouse rep');
      const result = jon.locator('.search-result');
      await result.first().waitFor();
      expect(await result.count()).toBe(1);
      expect(await result.locator('mark').allInnerTexts()).toContain('lighthouse');
      expect(await result.locator('.snippet').innerText()).toContain('The <script>alert(1)</script> tag');
      expect(await result.locator('script').count()).toBe(0);
      expect(await seriousViolations(jon)).toEqual([]);
      await screenshot(jon, 'web-e2e-search');
      await result.click();
      const found = jon.locator('.messages .message.found', { hasText: 'lighthouse report' });
      await found.waitFor();
      expect(new URL(jon.url()).searchParams.get('conversation')).toBe(direct);
      expect(await found.evaluate((element) => element === document.activeElement)).toBe(true);
      await expect.poll(() => found.isVisible()).toBe(true);
      expect(await jon.locator('.search-result').count()).toBe(0);
    });
  }, 90_000);

  it('asks for notification permission after sign-in, registers a push subscription, and its service worker shows a push as a notification', async () => {
    const push = await startPushService();
    const server = await startServer({ JWT_SECRET: '' });
    const alice = await devUser(server, 'alice');
    const subscription = push.subscription();
    const offline = await offlineContext(browser, { viewport: { width: 960, height: 600 } });
    await offline.context.grantPermissions(['notifications'], { origin: site.url });
    // This browser reaches no push service (no internet): PushManager.subscribe
    // answers with a subscription of the local test push service instead.
    await offline.context.addInitScript((local) => {
      const fake = {
        endpoint: local.endpoint,
        expirationTime: null,
        options: { applicationServerKey: null, userVisibleOnly: true },
        toJSON: () => ({ endpoint: local.endpoint, expirationTime: null, keys: { p256dh: local.p256dh, auth: local.auth } }),
        unsubscribe: async () => true,
      };
      if (typeof PushManager === 'undefined') return;
      PushManager.prototype.subscribe = async () => fake as unknown as PushSubscription;
      PushManager.prototype.getSubscription = async () => null;
    }, subscription);
    const api = encodeURIComponent(server.url.replace(/\/graphql$/, ''));

    await checkedRun([offline], async () => {
      const page = await offline.newPage('bob');
      await page.goto(`${site.url}/?api=${api}`);
      await page.getByLabel('Username').fill('bob');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.locator('.topbar .me b', { hasText: 'bob' }).waitFor();
      await waitFor(async () => (await server.app.services.db.pushSubscription.count({ where: { userId: 'bob', endpoint: subscription.endpoint } })) === 1, {
        what: "bob's push subscription",
      });
      // bob closes the tab: no WebSocket left, so a message reaches him by push.
      await page.close();
      await waitFor(async () => !(await server.app.services.presence.onlineUsers(['bob'])).has('bob'), { what: 'bob offline' });
      const conversationId = await alice.start('bob');
      const sent = await alice.send(conversationId, 'Are you coming tonight?');
      const [received] = await push.waitForPushes(subscription.id, 1);
      expect(received!.payload).toMatchObject({ conversationId, messageId: sent.sendMessage.id, preview: 'Are you coming tonight?' });

      // The browser's push service hands the decrypted payload to the service worker (DevTools protocol).
      const viewer = await offline.newPage('viewer');
      await viewer.goto(`${site.url}/?api=${api}`);
      const cdp = await offline.context.newCDPSession(viewer);
      const registrations = new Promise<{ registrationId: string; scopeURL: string }[]>((resolve) => {
        cdp.on('ServiceWorker.workerRegistrationUpdated', ({ registrations }) => {
          if (registrations.length > 0) resolve(registrations);
        });
      });
      await cdp.send('ServiceWorker.enable');
      const [registration] = await registrations;
      expect(registration!.scopeURL).toBe(`${site.url}/`);
      await cdp.send('ServiceWorker.deliverPushMessage', {
        origin: site.url,
        registrationId: registration!.registrationId,
        data: JSON.stringify(received!.payload),
      });
      // Polled here: Playwright's waitForFunction takes an async predicate's promise itself as truthy,
      // so it answered before the worker had shown anything, whenever the first look came too early.
      let shown: unknown = null;
      await waitFor(
        async () =>
          (shown = await viewer.evaluate(async () => {
            const worker = await navigator.serviceWorker.getRegistration();
            const notifications = (await worker?.getNotifications()) ?? [];
            return notifications.length > 0 ? notifications.map(({ title, body, tag, data }) => ({ title, body, tag, data })) : null;
          })) !== null,
        { what: 'the notification the service worker shows', intervalMs: 50 },
      );
      expect(shown).toEqual([
        {
          title: 'alice',
          body: 'Are you coming tonight?',
          tag: `conversation:${conversationId}`,
          data: { conversationId, messageId: sent.sendMessage.id, unread: 1 },
        },
      ]);
    });
  }, 60_000);
  it('runs a group from its info panel: pin first, add by username (the added user sees it live), controls by role, mute, archive folder, block; removing takes it off the removed user\'s screen live; rename, leave; passes axe', async () => {
    const server = await startServer({ JWT_SECRET: '' });
    const sessions: OfflineContext[] = [];
    // gwen's group, made before she signs in (a creator is not notified of her own group: her page lists it on load).
    const iris = await devUser(server, 'iris');
    const gwenApi = await devUser(server, 'gwen');
    const trip = await gwenApi.group('Trip', [iris.id]);
    const withIris = await gwenApi.start(iris.id); // newer: first until Trip is pinned
    await checkedRun(sessions, async () => {
      const [gwen, hank] = (await Promise.all([signIn(server, 'gwen'), signIn(server, 'hank')])).map((session) => {
        sessions.push(session.offline);
        return session.page;
      }) as [Page, Page];
      const item = (page: Page) => page.locator(`.conversation[data-id="${trip}"]`);

      // gwen pins Trip: it goes first.
      const order = () => gwen.locator('.conversations .conversation').evaluateAll((items) => items.map((item) => (item as HTMLElement).dataset.id));
      expect(await order()).toEqual([withIris, trip]);
      await gwen.getByRole('button', { name: 'Pin Trip' }).click();
      await item(gwen).locator('.mark.pinned').waitFor();
      expect(await order()).toEqual([trip, withIris]);

      // gwen (OWNER) opens the group and its panel: members with roles, and the controls an owner has.
      await item(gwen).click();
      await gwen.getByText('Group info').click();
      await gwen.locator('.group-info .member[data-username=iris]').waitFor();
      expect(await gwen.locator('.group-info .member .role').allInnerTexts()).toEqual(['Owner', 'Member']);
      expect(await gwen.locator('.group-info .member[data-username=gwen] button').count()).toBe(0);
      await gwen.getByRole('button', { name: 'Remove iris' }).waitFor();
      await gwen.getByLabel('Add a member').fill('hank');
      await gwen.getByRole('button', { name: 'Add', exact: true }).click();
      await gwen.locator('.group-info .member[data-username=hank]', { hasText: 'Member' }).waitFor();

      // hank's list gets the group live; as a MEMBER his panel has no add, rename or remove, only leave and block.
      await item(hank).click();
      await hank.getByText('Group info').click();
      await hank.locator('.group-info .member[data-username=gwen]', { hasText: 'Owner' }).waitFor();
      expect(await hank.getByLabel('Add a member').count()).toBe(0);
      expect(await hank.getByLabel('Group name').count()).toBe(0);
      expect(await hank.getByRole('button', { name: /^Remove / }).count()).toBe(0);
      await hank.getByRole('button', { name: 'Leave group' }).waitFor();

      // hank mutes it: the icon shows; archiving moves it to the Archived folder and back.
      await hank.getByRole('button', { name: 'Mute Trip' }).click();
      await item(hank).locator('.mark.muted').waitFor();
      expect(await hank.getByRole('button', { name: 'Mute Trip' }).getAttribute('aria-pressed')).toBe('true');
      await hank.getByRole('button', { name: 'Archive Trip' }).click();
      await item(hank).waitFor({ state: 'detached' });
      await hank.getByRole('button', { name: 'Archived (1)' }).click();
      await hank.getByRole('button', { name: 'Archive Trip' }).click();
      await item(hank).waitFor({ state: 'detached' });
      await hank.getByRole('button', { name: '‹ All chats' }).click();
      await item(hank).locator('.mark.muted').waitFor();

      // gwen blocks iris and unblocks her.
      await gwen.getByRole('button', { name: 'Block iris' }).click();
      await gwen.getByRole('button', { name: 'Unblock iris' }).click();
      await gwen.getByRole('button', { name: 'Block iris' }).waitFor();
      expect(await seriousViolations(gwen)).toEqual([]);
      await screenshot(gwen, 'web-e2e-group-info');

      // gwen removes hank: his screen loses the conversation live, without an error.
      await gwen.getByRole('button', { name: 'Remove hank' }).click();
      await item(hank).waitFor({ state: 'detached' });
      await hank.locator('.empty').waitFor();
      await gwen.locator('.group-info .member[data-username=hank]').waitFor({ state: 'detached' });

      // gwen renames it; she adds hank again and he leaves by himself: gone from his screen and her panel.
      await gwen.getByLabel('Group name').fill('Trip 2027');
      await gwen.getByRole('button', { name: 'Rename' }).click();
      await gwen.locator('.chat-header .name', { hasText: 'Trip 2027' }).waitFor();
      await gwen.getByLabel('Add a member').fill('hank');
      await gwen.getByRole('button', { name: 'Add', exact: true }).click();
      // His leaving overtakes the info panel's members request sent as he opens it (held here until he
      // has left): its NOT_FOUND is no error to show.
      const members = await holdQuery(hank, 'ConversationMembers');
      await item(hank).click();
      await waitFor(() => members.held() > 0, { what: "hank's members request" });
      await hank.getByRole('button', { name: 'Leave group' }).click();
      await item(hank).waitFor({ state: 'detached' });
      await gwen.locator('.group-info .member[data-username=hank]').waitFor({ state: 'detached' });
      await members.release();
      await new Promise((resolve) => setTimeout(resolve, 300)); // time for the page to show an error, if it would
      expect(await hank.locator('.error').isVisible()).toBe(false);
      expect(await gwen.locator('.error').isVisible()).toBe(false);
    });
  }, 90_000);

  it('lets users edit, delete, react, reply with a quote and mention, live on both screens, and resumes the change feed with since after a dropped connection', async () => {
    const server = await startServer({ JWT_SECRET: '' });
    const sessions: OfflineContext[] = [];
    let socket: Awaited<ReturnType<typeof proxyWebSockets>> | undefined;
    await checkedRun(sessions, async () => {
      const [ana, ben] = (
        await Promise.all([
          signIn(server, 'ana'),
          signIn(server, 'ben', undefined, async (page) => (socket = await proxyWebSockets(page))),
        ])
      ).map((session) => {
        sessions.push(session.offline);
        return session.page;
      }) as [Page, Page];
      /** The message (in the list of `page`) whose own text contains `text` (not a reply quoting it). */
      const message = (page: Page, text: string) =>
        page.locator('.messages .message', { has: page.locator('.bubble', { hasText: text }), hasNot: page.locator('.quote', { hasText: text }) });
      /** Clicks one of a message's action buttons, with the pointer on the message (they show on hover). */
      const act = async (page: Page, text: string, action: string) => {
        await message(page, text).hover();
        await message(page, text).getByRole('button', { name: action, exact: true }).click();
      };
      const chip = (page: Page, text: string, emoji: string) => message(page, text).locator('.reaction', { hasText: emoji });

      await ana.fill('input[name=peer]', 'ben');
      await ana.press('input[name=peer]', 'Enter');
      await ana.fill('textarea[name=message]', 'Lunch at noon?');
      await ana.press('textarea[name=message]', 'Enter');
      await ben.locator('.conversation[data-peer=ana]').click();
      await message(ben, 'Lunch at noon?').waitFor();

      // ana edits her message in the composer: ben sees the new text and "edited".
      await act(ana, 'Lunch at noon?', 'Edit');
      await ana.locator('.composer-context', { hasText: 'Editing your message' }).waitFor();
      expect(await ana.locator('textarea[name=message]').inputValue()).toBe('Lunch at noon?');
      await ana.fill('textarea[name=message]', 'Lunch at 12:30?');
      await ana.press('textarea[name=message]', 'Enter');
      await message(ben, 'Lunch at 12:30?').locator('.edited').waitFor();
      await message(ana, 'Lunch at 12:30?').locator('.edited').waitFor();
      expect(await ana.locator('.composer-context').isVisible()).toBe(false);
      expect(await ana.locator('textarea[name=message]').inputValue()).toBe('');
      expect(await message(ben, 'Lunch at 12:30?').getAttribute('data-version')).toBe('2');

      // ana reacts 👍 from the picker: ben sees 1, ana sees hers pressed; ben adds his: 2 for both; ana takes hers back: 1.
      await act(ana, 'Lunch at 12:30?', 'Add a reaction');
      await ana.getByRole('button', { name: 'React with 👍' }).click();
      await chip(ben, 'Lunch at 12:30?', '👍').and(ben.locator('[aria-pressed=false]', { hasText: '1' })).waitFor();
      await chip(ana, 'Lunch at 12:30?', '👍').and(ana.locator('[aria-pressed=true]', { hasText: '1' })).waitFor();
      await chip(ben, 'Lunch at 12:30?', '👍').click();
      await chip(ana, 'Lunch at 12:30?', '👍').and(ana.locator('[aria-pressed=true]', { hasText: '2' })).waitFor();
      await chip(ben, 'Lunch at 12:30?', '👍').and(ben.locator('[aria-pressed=true]', { hasText: '2' })).waitFor();
      await chip(ana, 'Lunch at 12:30?', '👍').click();
      await chip(ana, 'Lunch at 12:30?', '👍').and(ana.locator('[aria-pressed=false]', { hasText: '1' })).waitFor();
      await chip(ben, 'Lunch at 12:30?', '👍').and(ben.locator('[aria-pressed=true]', { hasText: '1' })).waitFor();

      // ben replies by keyboard: arrows to the message, Tab to its Reply button; ana sees the quote.
      await ben.getByRole('list', { name: 'Messages' }).focus();
      await ben.keyboard.press('ArrowUp');
      expect(await message(ben, 'Lunch at 12:30?').evaluate((element) => element === document.activeElement)).toBe(true);
      for (const name of ['👍 1', 'Add a reaction', 'Reply']) {
        await ben.keyboard.press('Tab');
        expect(await ben.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe(name);
      }
      await ben.keyboard.press('Enter');
      await ben.locator('.composer-context', { hasText: 'Replying to ana' }).locator('.quoted', { hasText: 'Lunch at 12:30?' }).waitFor();
      await ben.locator('textarea[name=message]:focus').waitFor();
      await ben.keyboard.type('Sounds good, see you there');
      await ben.keyboard.press('Enter');
      const replyAtAna = message(ana, 'Sounds good');
      await replyAtAna.locator('.quote', { hasText: 'Lunch at 12:30?' }).waitFor();
      expect(await replyAtAna.locator('.quote-author').innerText()).toBe('ana');
      expect(await ben.locator('.composer-context').isVisible()).toBe(false);

      // ana mentions ben: typing @ offers him, Enter takes him; ben sees the mention highlighted as his.
      const composer = ana.locator('textarea[name=message]');
      await composer.pressSequentially('@b');
      await ana.getByRole('listbox', { name: 'Members to mention' }).getByRole('option', { name: /ben/ }).waitFor();
      await composer.press('Enter');
      expect(await composer.inputValue()).toBe('@ben ');
      await composer.pressSequentially('can you bring the slides?');
      await composer.press('Enter');
      await message(ben, 'can you bring the slides?').locator('.mention.me', { hasText: '@ben' }).waitFor();
      await message(ana, 'can you bring the slides?').locator('.mention:not(.me)', { hasText: '@ben' }).waitFor();
      expect(await seriousViolations(ana)).toEqual([]);
      await screenshot(ben, 'web-e2e-lifecycle');

      // ana deletes the edited message: a tombstone on both screens, and ben's reply quotes it as deleted.
      ana.once('dialog', (dialog) => void dialog.accept());
      await act(ana, 'Lunch at 12:30?', 'Delete');
      const tombstone = (page: Page) => page.locator('.messages .message.deleted .bubble', { hasText: 'This message was deleted' });
      await tombstone(ben).waitFor();
      await tombstone(ana).waitFor();
      await message(ben, 'Sounds good').locator('.quote.deleted', { hasText: 'This message was deleted' }).waitFor();
      await replyAtAna.locator('.quote.deleted', { hasText: 'This message was deleted' }).waitFor();
      expect(await ben.locator('.message.deleted .reaction').count()).toBe(0);
      expect(await ben.getByText('Lunch at 12:30?').count()).toBe(0);

      // ben's connection drops; meanwhile ana edits and reacts. Back, his page resumes from the last cursor it got and shows both.
      const lastCursor = socket!.received.map((frame) => frame.payload?.data?.messageEvents?.cursor).filter(Boolean).at(-1);
      expect(lastCursor).toBeTruthy();
      const sentBefore = socket!.sent.length;
      await socket!.drop();
      await act(ana, 'can you bring the slides?', 'Edit');
      await composer.fill('@ben can you bring the slides and the demo?');
      await composer.press('Enter');
      await message(ana, 'and the demo?').locator('.edited').waitFor();
      await act(ana, 'Sounds good', 'Add a reaction');
      await ana.getByRole('button', { name: 'React with 🎉' }).click();
      await chip(ana, 'Sounds good', '🎉').waitFor();
      socket!.release();
      await message(ben, 'and the demo?').locator('.edited').waitFor();
      await message(ben, 'and the demo?').locator('.mention.me').waitFor();
      await chip(ben, 'Sounds good', '🎉').and(ben.locator('[aria-pressed=false]', { hasText: '1' })).waitFor();
      // One change feed is open again, from that cursor.
      const resent = socket!.sent.slice(sentBefore);
      const feeds = resent.filter((frame) => frame.type === 'subscribe' && frame.payload?.query?.includes('subscription MessageFeed'));
      const open = feeds.filter((feed) => !resent.some((frame) => frame.type === 'complete' && frame.id === feed.id));
      expect(open.map((feed) => feed.payload?.variables?.since)).toEqual([lastCursor]);
      expect(await ben.locator('.error').isVisible()).toBe(false);
      expect(await ana.locator('.error').isVisible()).toBe(false);
    });
  }, 90_000);
});
