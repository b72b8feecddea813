// The README's "Try it in GraphiQL", as a newcomer follows it on a fresh
// clone: the token script prints the token alone, each user runs `me` first,
// alice starts the conversation and subscribes (the starter document's
// `Events`, over SSE as GraphiQL sends it), bob sends, the history reads back.
// The commands and operations are taken from the README itself.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { DEFAULT_GRAPHIQL_DOCUMENT } from '../src/server/graphiql.js';
import { ok } from './helpers/clients.js';
import { testDatabase } from './helpers/database.js';
import { startServer, waitForLiveSubscribers } from './helpers/server.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const sectionStart = readme.indexOf('### Try it in GraphiQL');
const section = readme.slice(sectionStart, readme.indexOf('\n## ', sectionStart));

/** The section's shell commands (its sh block). */
const commands = /```sh\n([\s\S]*?)```/.exec(section)?.[1]?.trim().split('\n').map((line) => line.trim()) ?? [];

/** The section's inline operation that starts with `start`, with `<that id>` filled in. */
function operation(start: string, conversationId = ''): string {
  const prose = section.replace(/```[\s\S]*?```/g, '');
  const found = [...prose.matchAll(/`([^`]+)`/g)].map((match) => match[1]!).find((code) => code.startsWith(start));
  if (!found) throw new Error(`The README's Try-it section has no operation starting with ${start}`);
  return found.replaceAll('<that id>', conversationId);
}

/** The token script as the README runs it, with the development secret (no JWT_SECRET), as on a fresh clone. */
async function run(command: string): Promise<string> {
  const env = { ...process.env };
  for (const name of ['JWT_SECRET', 'JWT_JWKS_URL', 'JWT_ISSUER', 'JWT_AUDIENCE']) delete env[name];
  const { stdout } = await promisify(execFile)('sh', ['-c', command], { cwd: root, env });
  return stdout;
}

// `npm start` on a fresh clone keeps its data in a new PGlite folder, as the pglite project does (and
// alice and bob, fixed ids, would meet the demo page's test users in the shared PostgreSQL database).
describe.skipIf(testDatabase() !== 'pglite')("README's Try it in GraphiQL", () => {
  it('works as written: tokens, me for each user, start, subscribe, send, read', async () => {
    expect(commands).toEqual(['npm run -s token -- alice', 'npm run -s token -- bob']);
    const outputs = await Promise.all(commands.map(run));
    // Only the token: a JWT and its newline, no npm banner.
    for (const output of outputs) expect(output).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
    const [alice, bob] = outputs.map((output) => output.trim()) as [string, string];

    const server = await startServer({ JWT_SECRET: '' }); // the development secret, as `npm start` without one
    expect(await ok(server.url, alice, operation('{ me {'))).toEqual({ me: { id: 'alice' } });
    expect(await ok(server.url, bob, operation('{ me {'))).toEqual({ me: { id: 'bob' } });

    const { startConversation } = await ok<{ startConversation: { id: string } }, unknown>(
      server.url,
      alice,
      operation('mutation { startConversation'),
    );
    const conversationId = startConversation.id;

    // alice's Events subscription, sent as GraphiQL sends it: the whole document, an operation name, SSE.
    const abort = new AbortController();
    const stream = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${alice}` },
      body: JSON.stringify({ query: DEFAULT_GRAPHIQL_DOCUMENT, operationName: 'Events', variables: { conversationId } }),
      signal: abort.signal,
    });
    expect(stream.headers.get('content-type')).toContain('text/event-stream');
    await waitForLiveSubscribers(server, conversationId);

    await ok(server.url, bob, operation('mutation { sendMessage', conversationId));
    const reader = stream.body!.pipeThrough(new TextDecoderStream()).getReader();
    let received = '';
    while (!received.includes('"Hi Alice!"')) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`The subscription ended without the message: ${received}`);
      received += value;
    }
    expect(received).toContain('"sender":{"username":"bob"}');
    abort.abort();

    const history = await ok<{ messages: { edges: { node: unknown }[] } }, unknown>(server.url, bob, operation('{ messages(', conversationId));
    expect(history.messages.edges.map((edge) => edge.node)).toEqual([{ seq: 1, content: 'Hi Alice!', sender: { username: 'bob' } }]);
  }, 60_000);
});
