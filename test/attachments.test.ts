// Attachments (contract, version 2, "Attachments"): multipart uploads with
// CSRF prevention and size limits, types from the bytes, sanitized names,
// signed URLs with the listed headers and Range, sending (once, in order, at
// most 10, only one's own), tombstones and expiry removing files, the sweep
// that runs once across processes, the byte budget; and the S3 backend
// against s3rver.
import { createHash, randomUUID } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import S3rver from 's3rver';
import { beforeAll, describe, expect, it } from 'vitest';
import { graphql } from './generated/gql.js';
import { errorCodes, http, ok, subscribe, wsClient } from './helpers/clients.js';
import { waitFor } from './helpers/deferred.js';
import { waitForPayload } from './helpers/events.js';
import { cleanup } from './helpers/cleanup.js';
import { direct, group } from './helpers/seed.js';
import { startServer, waitForLiveSubscribers, type TestServer } from './helpers/server.js';
import { createUser, type TestUser } from './helpers/users.js';
import { gif, png, upload, uploaded } from './helpers/uploads.js';
import { claimRun } from '../src/infra/scheduled-jobs.js';
import { tmpDir } from './helpers/tmp.js';

const Send = graphql(`
  mutation AttSend($input: SendMessageInput!) {
    sendMessage(input: $input) { id content attachments { id filename contentType size width height url } }
  }
`);
const Delete = graphql(`
  mutation AttDelete($messageId: ID!) { deleteMessage(messageId: $messageId) { id deletedAt attachments { id } } }
`);
const History = graphql(`
  query AttHistory($conversationId: ID!) {
    messages(conversationId: $conversationId, last: 20) { edges { node { id content attachments { id filename url } } } }
  }
`);
const Events = graphql(`
  subscription AttEvents($conversationId: ID!) {
    messageEvents(conversationId: $conversationId) {
      __typename
      ... on MessageCreated { message { id attachments { id contentType width height url } } }
    }
  }
`);

function origin(server: TestServer): string {
  return `http://127.0.0.1:${server.port}`;
}

async function fetchFile(server: TestServer, url: string, headers: Record<string, string> = {}) {
  const response = await fetch(url.startsWith('http') ? url : `${origin(server)}${url}`, { headers });
  return { response, bytes: Buffer.from(await response.arrayBuffer()) };
}

async function attachmentRows(server: TestServer, uploaderId: string): Promise<number> {
  const rows = await server.app.services.db.$queryRawUnsafe<{ n: number }[]>(
    'SELECT count(*)::int AS n FROM "Attachment" WHERE "uploaderId" = $1',
    uploaderId,
  );
  return rows[0]!.n;
}

function filesIn(dir: string): string[] {
  const walk = (at: string): string[] =>
    readdirSync(at, { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() ? walk(join(at, entry.name)) : [join(at, entry.name)]));
  try {
    return walk(dir);
  } catch {
    return [];
  }
}

const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

describe('attachments (folder storage)', () => {
  let server: TestServer;
  let uploadsDir: string;
  let alice: TestUser;
  let bob: TestUser;
  let carol: TestUser;
  let conversationId: string;

  beforeAll(async () => {
    uploadsDir = tmpDir('uploads-');
    server = await startServer({ UPLOADS_DIR: uploadsDir });
    [alice, bob, carol] = await Promise.all([createUser(server, 'alice'), createUser(server, 'bob'), createUser(server, 'carol')]);
    conversationId = await direct(server, alice, bob);
  });

  it('takes a multipart upload and tells its type and size from the bytes, not from the name or the client', async () => {
    const bytes = png(37, 21);
    const attachment = await uploaded(server.url, alice.token, bytes, { filename: 'notes.txt', type: 'text/plain' });
    expect(attachment).toMatchObject({ filename: 'notes.txt', contentType: 'image/png', size: bytes.length, width: 37, height: 21 });
    const gifAttachment = await uploaded(server.url, alice.token, gif(5, 9), { filename: 'a.png', type: 'image/png' });
    expect(gifAttachment).toMatchObject({ contentType: 'image/gif', width: 5, height: 9 });
    const unknown = await uploaded(server.url, alice.token, Buffer.from('just some text'), { filename: 'a.jpg', type: 'image/jpeg' });
    expect(unknown).toMatchObject({ contentType: 'application/octet-stream', width: null, height: null, size: 14 });
  });

  it('serves the same bytes with Content-Type, Content-Length, nosniff and inline Content-Disposition for images', async () => {
    const bytes = png(8, 8);
    const attachment = await uploaded(server.url, alice.token, bytes, { filename: 'photo.png' });
    const { response, bytes: served } = await fetchFile(server, attachment.url);
    expect(response.status).toBe(200);
    expect(sha(served)).toBe(sha(bytes));
    expect(response.headers.get('content-type')).toBe('image/png');
    expect(response.headers.get('content-length')).toBe(String(bytes.length));
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('content-disposition')).toMatch(/^inline; filename="photo.png"; filename\*=UTF-8''photo.png$/);
  });

  it('answers Range requests with 206 and the asked bytes', async () => {
    const bytes = png(30, 30);
    const attachment = await uploaded(server.url, alice.token, bytes);
    const first = await fetchFile(server, attachment.url, { range: 'bytes=0-9' });
    expect(first.response.status).toBe(206);
    expect(first.response.headers.get('content-range')).toBe(`bytes 0-9/${bytes.length}`);
    expect(first.response.headers.get('content-length')).toBe('10');
    expect(first.bytes.equals(bytes.subarray(0, 10))).toBe(true);
    const tail = await fetchFile(server, attachment.url, { range: 'bytes=-5' });
    expect(tail.response.status).toBe(206);
    expect(tail.bytes.equals(bytes.subarray(bytes.length - 5))).toBe(true);
    const beyond = await fetchFile(server, attachment.url, { range: `bytes=${bytes.length + 10}-` });
    expect(beyond.response.status).toBe(416);
  });

  it('answers 403 for a tampered URL and for one past its hour', async () => {
    const attachment = await uploaded(server.url, alice.token, png(4, 4));
    const url = new URL(attachment.url, origin(server));
    const badSignature = new URL(url);
    badSignature.searchParams.set('signature', `${url.searchParams.get('signature')!.slice(0, -2)}AA`);
    expect((await fetchFile(server, badSignature.toString())).response.status).toBe(403);
    const laterExpiry = new URL(url);
    laterExpiry.searchParams.set('expires', String(Number(url.searchParams.get('expires')) + 3600));
    expect((await fetchFile(server, laterExpiry.toString())).response.status).toBe(403);
    const otherId = await uploaded(server.url, alice.token, png(4, 4));
    const swapped = `/files/${otherId.id}${url.search}`;
    expect((await fetchFile(server, swapped)).response.status).toBe(403);
    expect((await fetchFile(server, `/files/${attachment.id}`)).response.status).toBe(403);
    // Signed two hours ago: expired an hour ago.
    const signer = await server.app.services.attachments.urlSigner();
    const expired = signer.sign(attachment.id, Date.now() - 2 * 3600 * 1000);
    expect((await fetchFile(server, expired)).response.status).toBe(403);
    expect(signer.check(attachment.id, new URL(expired, origin(server)).searchParams.get('expires'), new URL(expired, origin(server)).searchParams.get('signature'))).toBe('expired');
  });

  it('never serves SVG or HTML inline, and keeps names free of folders, control characters and quotes', async () => {
    const svg = await uploaded(server.url, alice.token, Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'), {
      filename: 'logo.svg',
      type: 'image/svg+xml',
    });
    expect(svg.contentType).not.toBe('image/svg+xml');
    const svgServed = await fetchFile(server, svg.url);
    expect(svgServed.response.headers.get('content-disposition')).toMatch(/^attachment; /);
    expect(svgServed.response.headers.get('x-content-type-options')).toBe('nosniff');

    const html = await uploaded(server.url, alice.token, Buffer.from('<html><script>alert(1)</script></html>'), {
      filename: '../../evil"\r\nSet-Cookie: a=b<script>.html',
      type: 'text/html',
    });
    expect(html.contentType).toBe('application/octet-stream');
    expect(html.filename).toBe('evil"Set-Cookie: a=b<script>.html');
    const served = await fetchFile(server, html.url);
    expect(served.response.status).toBe(200);
    expect(served.response.headers.get('set-cookie')).toBeNull();
    expect(served.response.headers.get('content-type')).toBe('application/octet-stream');
    const disposition = served.response.headers.get('content-disposition')!;
    expect(disposition).toBe(
      `attachment; filename="evil_Set-Cookie: a=b<script>.html"; filename*=UTF-8''evil%22Set-Cookie%3A%20a%3Db%3Cscript%3E.html`,
    );

    const accented = await uploaded(server.url, alice.token, Buffer.from('x'), { filename: 'C:\\Users\\me\\résumé 2026.pdf' });
    expect(accented.filename).toBe('résumé 2026.pdf');
    const accentedServed = await fetchFile(server, accented.url);
    expect(accentedServed.response.headers.get('content-disposition')).toBe(
      `attachment; filename="r_sum_ 2026.pdf"; filename*=UTF-8''r%C3%A9sum%C3%A9%202026.pdf`,
    );
  });

  it('refuses a multipart request without a preflight header (400), and stores nothing', async () => {
    const before = await attachmentRows(server, carol.id);
    const response = await upload(server.url, carol.token, png(2, 2), { headers: {} });
    expect(response.status).toBe(400);
    expect(await attachmentRows(server, carol.id)).toBe(before);
    for (const header of ['x-apollo-operation-name', 'graphql-preflight']) {
      const accepted = await upload(server.url, carol.token, png(2, 2), { headers: { [header]: 'Upload' } });
      expect(accepted.status, header).toBe(200);
    }
  });

  it('refuses an upload without a valid token before reading it', async () => {
    const response = await upload(server.url, null, png(2, 2));
    expect(response.status).toBe(401);
    expect(filesIn(join(uploadsDir, '.incoming'))).toEqual([]);
  });

  it('keeps the 100 KB body limit for every other request', async () => {
    const big = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${alice.token}` },
      body: JSON.stringify({ query: '{ me { id } }', variables: { pad: 'x'.repeat(150_000) } }),
    });
    expect(big.status).toBe(413);
    // A multipart upload larger than that passes.
    const bytes = Buffer.concat([png(10, 10), Buffer.alloc(300_000, 7)]);
    expect((await uploaded(server.url, alice.token, bytes)).size).toBe(bytes.length);
  });

  it('takes a 10 MiB upload streamed, without blocking the event loop', async () => {
    const bytes = Buffer.alloc(10 * 1024 * 1024);
    for (let i = 0; i < bytes.length; i += 4096) bytes[i] = i % 251;
    const delay = monitorEventLoopDelay({ resolution: 10 });
    delay.enable();
    const attachment = await uploaded(server.url, alice.token, bytes, { filename: 'big.bin' });
    delay.disable();
    expect(attachment.size).toBe(bytes.length);
    // The test's own client shares this event loop; a whole-file parse would stall it far longer.
    expect(delay.max / 1e6).toBeLessThan(250);
    const { bytes: served } = await fetchFile(server, attachment.url);
    expect(sha(served)).toBe(sha(bytes));
  });

  it('refuses a File sent as JSON', async () => {
    const response = await http(server.url, alice.token, 'mutation($file: File!) { uploadAttachment(file: $file) { id } }', { file: 'x' });
    expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
  });

  it('sends attachments in the order of attachmentIds, to the other participant live and in history', async () => {
    const ws = wsClient(server.wsUrl, { token: bob.token });
    const events = subscribe(ws, Events, { conversationId });
    await waitForLiveSubscribers(server, conversationId);
    const first = await uploaded(server.url, alice.token, png(3, 2), { filename: 'one.png' });
    const second = await uploaded(server.url, alice.token, Buffer.from('%PDF-1.4\n%âãÏÓ\n'), { filename: 'two.pdf' });
    const sent = await ok(server.url, alice.token, Send, { input: { conversationId, content: '', attachmentIds: [second.id, first.id] } });
    expect(sent.sendMessage.content).toBe('');
    expect(sent.sendMessage.attachments.map((a) => a.id)).toEqual([second.id, first.id]);
    expect(sent.sendMessage.attachments[0]).toMatchObject({ filename: 'two.pdf', contentType: 'application/pdf' });

    const event = await waitForPayload(
      events,
      'messageEvents',
      (e): e is Extract<typeof e, { __typename: 'MessageCreated' }> => e.__typename === 'MessageCreated' && e.message.id === sent.sendMessage.id,
    );
    expect(event.message.attachments.map((a) => a.id)).toEqual([second.id, first.id]);
    expect(event.message.attachments[1]).toMatchObject({ contentType: 'image/png', width: 3, height: 2 });
    // Bob can open what he received.
    expect((await fetchFile(server, event.message.attachments[1]!.url)).response.status).toBe(200);

    const history = await ok(server.url, bob.token, History, { conversationId });
    const node = history.messages.edges.find((edge) => edge.node.id === sent.sendMessage.id)!.node;
    expect(node.attachments.map((a) => a.filename)).toEqual(['two.pdf', 'one.png']);
  });

  it('still refuses empty content without attachments', async () => {
    const response = await http(server.url, alice.token, Send, { input: { conversationId, content: '  ', attachmentIds: [] } });
    expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
  });

  it("answers BAD_USER_INPUT, the same whatever the reason, for someone else's, sent, unknown, malformed, repeated or more than 10 uploads, and changes nothing", async () => {
    const mine = await uploaded(server.url, alice.token, png(2, 2));
    const bobs = await uploaded(server.url, bob.token, png(2, 2));
    const sentOne = await uploaded(server.url, alice.token, png(2, 2));
    await ok(server.url, alice.token, Send, { input: { conversationId, content: 'once', attachmentIds: [sentOne.id] } });
    const cases: [string, string[]][] = [
      ["another user's upload", [mine.id, bobs.id]],
      ['a sent upload', [mine.id, sentOne.id]],
      ['an unknown id', [mine.id, randomUUID()]],
      ['a malformed id', [mine.id, 'x'.repeat(5000)]],
      ['a repeated id', [mine.id, mine.id]],
      ['more than 10', Array.from({ length: 11 }, () => mine.id)],
    ];
    const messages = new Set<string>();
    for (const [what, attachmentIds] of cases) {
      const response = await http(server.url, alice.token, Send, { input: { conversationId, content: 'x', attachmentIds } });
      expect(errorCodes(response), what).toEqual(['BAD_USER_INPUT']);
      messages.add(response.errors![0]!.message);
    }
    expect(messages.size).toBe(1);
    // Bob cannot send Alice's upload in a conversation of his either.
    const bobAndCarol = await direct(server, bob, carol);
    expect(errorCodes(await http(server.url, bob.token, Send, { input: { conversationId: bobAndCarol, content: 'x', attachmentIds: [mine.id] } }))).toEqual([
      'BAD_USER_INPUT',
    ]);
    // None of the refused sends took the upload: it is still Alice's to send.
    const later = await ok(server.url, alice.token, Send, { input: { conversationId, content: 'now', attachmentIds: [mine.id] } });
    expect(later.sendMessage.attachments.map((a) => a.id)).toEqual([mine.id]);
  });

  it('accepts 10 attachments on one message', async () => {
    const ten = await Promise.all(Array.from({ length: 10 }, (_, i) => uploaded(server.url, alice.token, png(i + 1, 1))));
    const sent = await ok(server.url, alice.token, Send, { input: { conversationId, content: 'ten', attachmentIds: ten.map((a) => a.id) } });
    expect(sent.sendMessage.attachments.map((a) => a.width)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('sends an upload at most once, also when two sends race for it', async () => {
    const contested = await uploaded(server.url, alice.token, png(2, 2));
    const groupId = await group(server, alice, [bob, carol]);
    const results = await Promise.all(
      [conversationId, groupId, conversationId].map((id) => http(server.url, alice.token, Send, { input: { conversationId: id, content: 'race', attachmentIds: [contested.id] } })),
    );
    const succeeded = results.filter((r) => r.data?.sendMessage);
    expect(succeeded).toHaveLength(1);
    expect(results.filter((r) => errorCodes(r)[0] === 'BAD_USER_INPUT')).toHaveLength(2);
  });

  it('a retried send with its clientMessageId answers the first message', async () => {
    const file = await uploaded(server.url, alice.token, png(2, 2));
    const input = { conversationId, content: 'retry', clientMessageId: randomUUID(), attachmentIds: [file.id] };
    const first = await ok(server.url, alice.token, Send, { input });
    const again = await ok(server.url, alice.token, Send, { input });
    expect(again.sendMessage.id).toBe(first.sendMessage.id);
  });

  it("removes a tombstone's files: no attachments in any answer, its URL answers 404 and the file leaves storage", async () => {
    const file = await uploaded(server.url, alice.token, png(6, 6));
    const sent = await ok(server.url, alice.token, Send, { input: { conversationId, content: 'to delete', attachmentIds: [file.id] } });
    const url = sent.sendMessage.attachments[0]!.url;
    expect((await fetchFile(server, url)).response.status).toBe(200);
    const storage = server.app.services.attachments.storage;
    expect(await storage.exists(file.id)).toBe(true);
    const deleted = await ok(server.url, alice.token, Delete, { messageId: sent.sendMessage.id });
    expect(deleted.deleteMessage.attachments).toEqual([]);
    expect((await fetchFile(server, url)).response.status).toBe(404);
    const history = await ok(server.url, bob.token, History, { conversationId });
    expect(history.messages.edges.find((edge) => edge.node.id === sent.sendMessage.id)!.node.attachments).toEqual([]);
    await waitFor(async () => !(await storage.exists(file.id)), { what: "the tombstone's file removed" });
    // Its upload cannot be sent again either.
    expect(errorCodes(await http(server.url, alice.token, Send, { input: { conversationId, content: 'x', attachmentIds: [file.id] } }))).toEqual([
      'BAD_USER_INPUT',
    ]);
  });

  it('removes uploads never sent after 24 hours, and keeps sent ones', async () => {
    const unsent = await uploaded(server.url, carol.token, png(2, 2));
    const fresh = await uploaded(server.url, carol.token, png(2, 2));
    const carolAndBob = await direct(server, carol, bob);
    const kept = await uploaded(server.url, carol.token, png(2, 2));
    await ok(server.url, carol.token, Send, { input: { conversationId: carolAndBob, content: 'kept', attachmentIds: [kept.id] } });
    await server.app.services.db.$executeRawUnsafe(
      `UPDATE "Attachment" SET "createdAt" = now() - interval '25 hours' WHERE id = ANY($1::text[])`,
      [unsent.id, kept.id],
    );
    await server.app.services.attachments.sweep();
    const storage = server.app.services.attachments.storage;
    expect(await storage.exists(unsent.id)).toBe(false);
    expect((await fetchFile(server, unsent.url)).response.status).toBe(404);
    expect(await storage.exists(fresh.id)).toBe(true);
    expect(await storage.exists(kept.id)).toBe(true);
    expect((await fetchFile(server, kept.url)).response.status).toBe(200);
    expect(errorCodes(await http(server.url, carol.token, Send, { input: { conversationId: carolAndBob, content: 'x', attachmentIds: [unsent.id] } }))).toEqual([
      'BAD_USER_INPUT',
    ]);
  });

  it('runs the sweep once across processes: of concurrent claims of a due run, one wins', async () => {
    const name = `test-job-${randomUUID()}`;
    // Two processes' worth of servers on PostgreSQL; PGlite is one process's own database.
    const other = server.env.DATABASE_URL ? await startServer({ UPLOADS_DIR: uploadsDir }) : server;
    const queries = [server, other, server, other].map((s) => (sql: string, values: unknown[]) => s.app.services.db.$queryRawUnsafe(sql, ...values));
    const claims = await Promise.all(queries.map((query) => claimRun(query as never, name, 60_000)));
    expect(claims.filter(Boolean)).toHaveLength(1);
    // Not due again until its interval has passed.
    expect(await claimRun(queries[0] as never, name, 60_000)).toBe(false);
  });

  it('nothing leaves the incoming folder behind', async () => {
    await waitFor(() => filesIn(join(uploadsDir, '.incoming')).length === 0, { what: 'an empty incoming folder' });
  });
});

describe('attachment limits', () => {
  let server: TestServer;
  let uploadsDir: string;
  let dave: TestUser;

  beforeAll(async () => {
    uploadsDir = tmpDir('uploads-');
    server = await startServer({ UPLOADS_DIR: uploadsDir, UPLOAD_MAX_BYTES: '4096', RATE_LIMITS: 'on', UPLOAD_BYTES_PER_HOUR: '6000' });
    dave = await createUser(server, 'dave');
  });

  it('refuses a file over UPLOAD_MAX_BYTES (413) and keeps nothing of it', async () => {
    const response = await upload(server.url, dave.token, Buffer.alloc(4097, 1));
    expect(response.status).toBe(413);
    expect(errorCodes(response.body)).toEqual(['BAD_USER_INPUT']);
    expect(await attachmentRows(server, dave.id)).toBe(0);
    await waitFor(() => filesIn(uploadsDir).length === 0, { what: 'no file kept' });
    expect((await uploaded(server.url, dave.token, Buffer.alloc(4096, 1))).size).toBe(4096);
  });

  it('limits the bytes a user uploads per hour (RATE_LIMITED), keeping nothing past it', async () => {
    const erin = await createUser(server, 'erin');
    await uploaded(server.url, erin.token, Buffer.alloc(4000, 1));
    const refused = await upload(server.url, erin.token, Buffer.alloc(4000, 1));
    expect(errorCodes(refused.body)).toEqual(['RATE_LIMITED']);
    expect(await attachmentRows(server, erin.id)).toBe(1);
    // Another user's budget is their own.
    const frank = await createUser(server, 'frank');
    expect((await uploaded(server.url, frank.token, Buffer.alloc(4000, 1))).size).toBe(4000);
  });
});

describe('attachments in an S3-compatible bucket (s3rver)', () => {
  let s3: S3rver;
  let s3Url: string;
  let server: TestServer;
  let presigning: TestServer;
  let alice: TestUser;
  let bob: TestUser;
  let conversationId: string;

  beforeAll(async () => {
    s3 = new S3rver({
      address: '127.0.0.1',
      port: 0,
      silent: true,
      directory: tmpDir('s3rver-'),
      configureBuckets: [{ name: 'chat-uploads', configs: [] }],
    });
    const address = await s3.run();
    s3Url = `http://127.0.0.1:${address.port}`;
    cleanup(() => s3.close());
    const env = {
      UPLOADS_DIR: tmpDir('uploads-'),
      S3_BUCKET: 'chat-uploads',
      S3_ENDPOINT: s3Url,
      S3_REGION: 'us-east-1',
      S3_FORCE_PATH_STYLE: 'true',
      AWS_ACCESS_KEY_ID: 'S3RVER',
      AWS_SECRET_ACCESS_KEY: 'S3RVER',
    };
    for (const [key, value] of Object.entries(env)) if (key.startsWith('AWS_')) process.env[key] = value;
    server = await startServer(env);
    presigning = await startServer({ ...env, S3_PRESIGNED_URLS: 'true', UPLOADS_DIR: tmpDir('uploads-') });
    [alice, bob] = await Promise.all([createUser(server, 'alice'), createUser(server, 'bob')]);
    conversationId = await direct(server, alice, bob);
  });

  it('keeps the file in the bucket byte for byte and serves it with the same rules', async () => {
    const bytes = Buffer.concat([png(9, 7), Buffer.alloc(200_000, 3)]);
    const attachment = await uploaded(server.url, alice.token, bytes, { filename: 'photo.png' });
    expect(attachment).toMatchObject({ contentType: 'image/png', width: 9, height: 7, size: bytes.length });
    const stored = await fetch(`${s3Url}/chat-uploads/${attachment.id}`);
    // s3rver answers unsigned GETs of a private bucket too; what matters is the bytes it holds.
    if (stored.status === 200) expect(sha(Buffer.from(await stored.arrayBuffer()))).toBe(sha(bytes));
    expect(await server.app.services.attachments.storage.exists(attachment.id)).toBe(true);
    const { response, bytes: served } = await fetchFile(server, attachment.url);
    expect(response.status).toBe(200);
    expect(sha(served)).toBe(sha(bytes));
    expect(response.headers.get('content-type')).toBe('image/png');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('content-disposition')).toMatch(/^inline; /);
    const range = await fetchFile(server, attachment.url, { range: 'bytes=8-15' });
    expect(range.response.status).toBe(206);
    expect(range.bytes.equals(bytes.subarray(8, 16))).toBe(true);
    const tampered = attachment.url.replace(/signature=.{4}/, 'signature=AAAA');
    expect((await fetchFile(server, tampered)).response.status).toBe(403);
  });

  it("removes a tombstone's file from the bucket", async () => {
    const attachment = await uploaded(server.url, alice.token, png(2, 2));
    const sent = await ok(server.url, alice.token, Send, { input: { conversationId, content: '', attachmentIds: [attachment.id] } });
    await ok(server.url, alice.token, Delete, { messageId: sent.sendMessage.id });
    expect((await fetchFile(server, sent.sendMessage.attachments[0]!.url)).response.status).toBe(404);
    const storage = server.app.services.attachments.storage;
    await waitFor(async () => !(await storage.exists(attachment.id)), { what: 'the file removed from the bucket' });
  });

  it('hands out presigned URLs of the bucket with S3_PRESIGNED_URLS', async () => {
    const carol = await createUser(presigning, 'carol');
    const bytes = Buffer.from('%PDF-1.4\nhello\n');
    const attachment = await uploaded(presigning.url, carol.token, bytes, { filename: 'doc.pdf' });
    expect(attachment.url.startsWith(`${s3Url}/chat-uploads/${attachment.id}?`)).toBe(true);
    expect(attachment.url).toContain('X-Amz-Signature=');
    expect(attachment.url).toContain('X-Amz-Expires=3600');
    const response = await fetch(attachment.url);
    expect(response.status).toBe(200);
    expect(Buffer.from(await response.arrayBuffer()).equals(bytes)).toBe(true);
    expect(response.headers.get('content-disposition')).toMatch(/^attachment; filename="doc.pdf"/);
  });
});
