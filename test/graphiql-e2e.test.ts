// GraphiQL as a newcomer meets it, on a machine without internet: the page,
// its script and its editors come from our process; the starter document is
// ours; a token typed into the Headers pane authenticates queries and a
// messageEvents subscription, which shows a message another user sends.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserSkipReason, checkedRun, launchChromium, offlineContext, screenshot } from './helpers/browser.js';
import { graphql } from './generated/gql.js';
import { ok } from './helpers/clients.js';
import { startServer, waitForLiveSubscribers } from './helpers/server.js';
import { createUser } from './helpers/users.js';

const skip = browserSkipReason();

const Start = graphql(`mutation GraphiqlStart($userId: ID!) { startConversation(userId: $userId) { id } }`);
const Send = graphql(`
  mutation GraphiqlSend($conversationId: ID!, $content: String!) {
    sendMessage(input: { conversationId: $conversationId, content: $content }) { id }
  }
`);

/** One of GraphiQL's Monaco editors, by the end of its model's URI: operation.graphql, variables.json, headers.json, response.json. */
const editor = (page: Page, model: string) => page.locator(`.monaco-editor[data-uri$="${model}"]`);

/** Replaces an editor's text as if typed (insertText: Monaco's auto-closing brackets do not double ours). */
async function typeInto(page: Page, model: string, text: string): Promise<void> {
  await editor(page, model).locator('.view-lines').click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(text);
}

/** Puts the cursor on `text` in the operation editor (with Monaco's Find: lines out of view are not in the DOM) and runs the operation around it. */
async function runOperationAt(page: Page, text: string): Promise<void> {
  await editor(page, 'operation.graphql').locator('.view-lines').click();
  await page.keyboard.press('ControlOrMeta+F');
  await page.keyboard.insertText(text);
  await page.keyboard.press('Enter');
  await page.keyboard.press('Escape');
  await page.keyboard.press('ControlOrMeta+Enter');
}

const response = (page: Page) => editor(page, 'response.json').locator('.view-lines');

describe.skipIf(skip)(`GraphiQL in Chromium, offline${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  }, 60_000);
  afterAll(() => browser?.close());

  it('shows our starter document and runs a query and a live subscription with the token from its Headers pane', async () => {
    const server = await startServer();
    const [alice, bob] = [await createUser(server, 'alice'), await createUser(server, 'bob')];
    const { startConversation } = await ok(server.url, bob.token, Start, { userId: alice.id });
    const offline = await offlineContext(browser, { viewport: { width: 1280, height: 800 } });
    await checkedRun([offline], async () => {
      const page = await offline.newPage('graphiql');

      // The guard itself: a request to the internet is refused and recorded.
      await page.evaluate(() => fetch('https://unpkg.com/graphiql').catch(() => 'refused'));
      expect(offline.outside).toEqual(['https://unpkg.com/graphiql']);
      offline.outside.length = 0;
      offline.errors.length = 0; // its "Failed to load resource"

      await page.goto(server.url);
      await editor(page, 'operation.graphql').getByText('Get a token with').waitFor();
      expect(await page.title()).toBe('Chat API');
      expect(await page.locator('body').innerText()).not.toContain('Welcome to');

      // Alice's token in the Headers pane; `Me` answers as alice.
      await page.getByRole('button', { name: 'Headers' }).click();
      await typeInto(page, 'headers.json', JSON.stringify({ Authorization: `Bearer ${alice.token}` }));
      await runOperationAt(page, 'me { id username displayName }');
      await response(page).getByText(`"${alice.id}"`).waitFor();

      // The subscription, with the conversation in Variables: live once the server has its subscriber.
      await page.getByRole('button', { name: 'Variables' }).click();
      await typeInto(page, 'variables.json', JSON.stringify({ conversationId: startConversation.id }));
      await runOperationAt(page, 'subscription Events');
      await waitForLiveSubscribers(server, startConversation.id);

      await ok(server.url, bob.token, Send, { conversationId: startConversation.id, content: 'Hello from bob over HTTP' });
      await response(page).getByText('"Hello from bob over HTTP"').waitFor();
      await response(page).getByText('"bob"').waitFor();
      await screenshot(page, 'graphiql-subscription');
    });
  }, 60_000);
});
