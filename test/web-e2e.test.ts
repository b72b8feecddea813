// The demo chat page (examples/web) in a real browser: Vite builds it, Chromium
// (Debian's, driven by playwright-core) opens it twice, as alice and as bob,
// against a server that signs development users in. Everything the page shows
// live is checked: messages, typing, read receipts, unread badges, presence.
// Runs once per `npm test` (in the postgres project); on CI it never skips.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabase } from './helpers/database.js';
import { startServer, waitForListeners } from './helpers/server.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CI = Boolean(process.env.CI) && process.env.CI !== 'false';
const SCREENSHOT = join(root, 'test-results', 'web-e2e.png');

function skipReason(): string | null {
  if (testDatabase() !== 'postgres') return 'runs once per npm test, in the postgres project';
  if (!existsSync(CHROMIUM) && !CI) return `no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH); on CI this fails`;
  return null;
}
const skip = skipReason();

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

describe.skipIf(skip)(`demo chat page in Chromium${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let outDir: string;
  let site: { server: Server; url: string };
  let browser: Browser;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`No Chromium at ${CHROMIUM}: install it (apt-get install chromium; .ci/run does) or set CHROMIUM_PATH.`);
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
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking'],
    });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    if (site) await new Promise((resolve) => site.server.close(resolve));
    if (outDir) rmSync(outDir, { recursive: true, force: true });
  });

  it('signs two users in; they chat live with typing, read receipts, unread badges and presence', async () => {
    const server = await startServer({ JWT_SECRET: '' });
    const api = server.url.replace(/\/graphql$/, '');
    const errors: string[] = [];
    const contexts: BrowserContext[] = [];

    async function signIn(username: string): Promise<Page> {
      const context = await browser.newContext({ viewport: { width: 960, height: 600 } });
      context.setDefaultTimeout(10_000);
      contexts.push(context);
      const page = await context.newPage();
      page.on('console', (message) => {
        if (message.type() === 'error') errors.push(`${username}: ${message.text()}`);
      });
      page.on('pageerror', (error) => errors.push(`${username}: ${error.message}`));
      await page.goto(`${site.url}/?api=${encodeURIComponent(api)}`);
      await page.fill('input[name=username]', username);
      await page.click('form.login button[type=submit]');
      await page.locator('.topbar .me b', { hasText: username }).waitFor();
      // Signed in once its live feed is subscribed, so its WebSocket is open (online).
      await waitForListeners(server, 'notifications', username);
      return page;
    }
    const message = (page: Page, side: 'mine' | 'theirs', text: string, receipt?: 'seen') =>
      page.locator(`.messages .message.${side}${receipt ? `[data-receipt=${receipt}]` : ''}`, { hasText: text });

    try {
      const [alice, bob] = await Promise.all([signIn('alice'), signIn('bob')]);

      // alice starts a conversation with bob (a development user's id is their username) and writes.
      await alice.fill('input[name=peer]', 'bob');
      await alice.press('input[name=peer]', 'Enter');
      await alice.locator('.conversation.active[data-peer=bob] .dot.online').waitFor();
      await alice.locator('.chat-header', { hasText: 'online' }).waitFor();
      await alice.fill('input[name=message]', 'Hi Bob!');
      await alice.press('input[name=message]', 'Enter');
      await message(alice, 'mine', 'Hi Bob!').waitFor();

      // bob's list gets the conversation live, with alice online, the preview and one unread.
      const bobsItem = bob.locator('.conversation[data-peer=alice]');
      await bobsItem.locator('.dot.online').waitFor();
      await bobsItem.locator('.preview', { hasText: 'Hi Bob!' }).waitFor();
      await bobsItem.locator('.badge', { hasText: '1' }).waitFor();

      // bob opens it: history shows the message, it is marked read, alice sees "Seen".
      await bobsItem.click();
      await message(bob, 'theirs', 'Hi Bob!').waitFor();
      await message(alice, 'mine', 'Hi Bob!', 'seen').waitFor();
      await bobsItem.locator('.badge').waitFor({ state: 'detached' });

      // bob types: alice sees it; bob sends: the indicator goes, the reply arrives, bob sees "Seen".
      await bob.fill('input[name=message]', 'Hello Alice, how are you?');
      await alice.locator('.typing', { hasText: 'bob is typing…' }).waitFor();
      await bob.press('input[name=message]', 'Enter');
      await message(alice, 'theirs', 'Hello Alice, how are you?').waitFor();
      await alice.waitForFunction(() => document.querySelector('.typing')?.textContent === '');
      await message(bob, 'mine', 'Hello Alice, how are you?', 'seen').waitFor();

      // With both in the conversation, a message shows up live on the other side and is seen.
      await alice.fill('input[name=message]', 'Great, thanks! See you at 3?');
      await alice.press('input[name=message]', 'Enter');
      await message(bob, 'theirs', 'Great, thanks! See you at 3?').waitFor();
      await message(alice, 'mine', 'Great, thanks! See you at 3?', 'seen').waitFor();
      await alice.locator('.conversation[data-peer=bob] .preview', { hasText: 'You: Great, thanks! See you' }).waitFor();

      expect(await alice.locator('.messages .message').allInnerTexts()).toHaveLength(3);
      expect(await alice.locator('.error').isVisible()).toBe(false);
      expect(await bob.locator('.error').isVisible()).toBe(false);
      mkdirSync(join(root, 'test-results'), { recursive: true });
      await alice.screenshot({ path: SCREENSHOT });

      // bob leaves: his socket closes, alice sees him offline.
      await contexts[1]!.close();
      await alice.locator('.conversation[data-peer=bob] .dot.offline').waitFor();
      await alice.locator('.chat-header', { hasText: 'last seen' }).waitFor();

      expect(errors).toEqual([]);
    } catch (error) {
      // What the pages logged usually explains a wait that timed out.
      if (error instanceof Error && errors.length) error.message += `\nThe pages logged:\n${errors.join('\n')}`;
      throw error;
    } finally {
      for (const context of contexts) await context.close();
    }
  }, 60_000);
});
