// Debian's Chromium driven by playwright-core (no browser download): when the
// browser tests run, how they launch it, and a context that may not reach
// anything but this machine.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page, type Request } from 'playwright-core';
import { expect } from 'vitest';
import { testDatabase } from './database.js';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CI = Boolean(process.env.CI) && process.env.CI !== 'false';

/** Where screenshots go (kept by CI as artifacts; ignored by git). */
export const RESULTS_DIR = join(fileURLToPath(new URL('../..', import.meta.url)), 'test-results');

/** Why a browser test file does not run here, or null. Browser tests run once per `npm test`, in the postgres project; on CI they never skip. */
export function browserSkipReason(): string | null {
  if (testDatabase() !== 'postgres') return 'runs once per npm test, in the postgres project';
  if (!existsSync(CHROMIUM) && !CI) return `no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH); on CI this fails`;
  return null;
}

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`No Chromium at ${CHROMIUM}: install it (apt-get install chromium; .ci/run does) or set CHROMIUM_PATH.`);
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking'],
  });
}

export interface OfflineContext {
  context: BrowserContext;
  /** Every request or WebSocket the pages tried to open to a host other than 127.0.0.1 (each was refused). */
  outside: string[];
  /** Console errors and uncaught exceptions of the context's pages, prefixed with `label`. */
  errors: string[];
  /** What each page shows (its error, the end of its text) and still waits for (requests without an answer, closed WebSockets), for a failure's message. */
  describe(): Promise<string[]>;
  newPage(label?: string): Promise<Page>;
}

/** A browser context as on a machine without internet: only 127.0.0.1 answers. */
export async function offlineContext(browser: Browser, options: BrowserContextOptions = {}): Promise<OfflineContext> {
  const context = await browser.newContext(options);
  context.setDefaultTimeout(10_000);
  const outside: string[] = [];
  const errors: string[] = [];
  const outsideOnly = (url: URL) => /^(https?|wss?):$/.test(url.protocol) && url.hostname !== '127.0.0.1';
  await context.route(outsideOnly, (route) => {
    outside.push(route.request().url());
    return route.abort('internetdisconnected');
  });
  await context.routeWebSocket(outsideOnly, (socket) => {
    outside.push(socket.url());
    return socket.close();
  });
  const pages: { label: string; page: Page; pending: Map<Request, number>; sockets: string[] }[] = [];
  return {
    context,
    outside,
    errors,
    async newPage(label = 'page') {
      const page = await context.newPage();
      const watched = { label, page, pending: new Map<Request, number>(), sockets: [] as string[] };
      pages.push(watched);
      page.on('console', (message) => {
        if (message.type() === 'error') errors.push(`${label}: ${message.text()}`);
      });
      page.on('pageerror', (error) => errors.push(`${label}: ${error.message}`));
      page.on('request', (request) => watched.pending.set(request, Date.now()));
      page.on('requestfinished', (request) => watched.pending.delete(request));
      page.on('requestfailed', (request) => watched.pending.delete(request));
      page.on('websocket', (socket) => socket.on('close', () => watched.sockets.push(`${new Date().toISOString()} ${socket.url()}`)));
      return page;
    },
    async describe() {
      const lines: string[] = [];
      for (const { label, page, pending, sockets } of pages) {
        if (page.isClosed()) continue;
        const shown = await Promise.race([
          page
            .evaluate(() => ({ alert: document.querySelector<HTMLElement>('[role=alert]')?.innerText ?? '', text: document.body.innerText.replace(/\s+/g, ' ') }))
            .catch((error: unknown) => ({ alert: '', text: String(error) })),
          // A page whose main thread is stuck does not answer at all.
          sleep(2_000, { alert: '', text: '(the page did not answer within 2 s)' }),
        ]);
        lines.push(`${label}: ${page.url()}${shown.alert ? `; shows the error "${shown.alert}"` : ''}`);
        lines.push(`  ${label} reads: ${shown.text.length > 600 ? `…${shown.text.slice(-600)}` : shown.text}`);
        for (const [request, since] of pending) {
          lines.push(`  ${label} waits ${Date.now() - since} ms for ${request.method()} ${request.url()} ${request.postData()?.slice(0, 160) ?? ''}`);
        }
        for (const closed of sockets) lines.push(`  ${label}'s WebSocket closed: ${closed}`);
      }
      return lines;
    },
  };
}

/** Saves a screenshot of `page` as test-results/<name>.png; returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const path = join(RESULTS_DIR, `${name}.png`);
  await page.screenshot({ path });
  return path;
}

/**
 * Runs a test's browser steps; then its pages must have logged no error and
 * tried no other host. A failure carries what the pages logged and what they
 * still waited for (it usually explains a wait that timed out). The contexts
 * are closed either way.
 */
export async function checkedRun(contexts: OfflineContext[], steps: () => Promise<void>): Promise<void> {
  const errors = () => contexts.flatMap((offline) => offline.errors);
  try {
    await steps();
    expect(errors()).toEqual([]);
    expect(contexts.flatMap((offline) => offline.outside)).toEqual([]);
  } catch (error) {
    if (error instanceof Error) {
      if (errors().length) error.message += `\nThe pages logged:\n${errors().join('\n')}`;
      const state = (await Promise.all(contexts.map((offline) => offline.describe()))).flat();
      error.message += `\nThe pages at the failure:\n${state.join('\n')}`;
    }
    throw error;
  } finally {
    for (const offline of contexts) await offline.context.close();
  }
}
