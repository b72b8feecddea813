// The attachments and search part of docs/clients.md, run against a real
// server: uploads with Apollo Client (apollo-upload-client) and urql (its own
// multipart fetch), what a message view shows of each attachment, and search
// highlights rendered as text.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  attachmentView,
  createApolloUploadClient,
  createUrqlUploadClient,
  highlightPieces,
  searchWithUrql,
  sendFileWithApollo,
  sendFileWithUrql,
} from '../examples/clients/files.js';
import { direct } from './helpers/seed.js';
import { startServer, type TestServer } from './helpers/server.js';
import { png } from './helpers/uploads.js';
import { createUser, type TestUser } from './helpers/users.js';
import { ok } from './helpers/clients.js';
import { SendMessageDocument } from '../examples/generated/graphql.js';

let server: TestServer;
let alice: TestUser;
let bob: TestUser;
let conversationId: string;

beforeAll(async () => {
  server = await startServer();
  [alice, bob] = await Promise.all([createUser(server, 'alice'), createUser(server, 'bob')]);
  conversationId = await direct(server, alice, bob);
});

const absolute = (url: string) => (url.startsWith('http') ? url : `http://127.0.0.1:${server.port}${url}`);

describe('docs/clients.md: attachments and search', () => {
  it('uploads an image with Apollo Client and sends it; the view shows it inline', async () => {
    const client = createApolloUploadClient(server.url, async () => alice.token);
    const file = new File([new Uint8Array(png(12, 8))], 'photo.png', { type: 'image/png' });
    const message = await sendFileWithApollo(client, conversationId, file);
    expect(message.content).toBe('');
    const [attachment] = message.attachments;
    expect(attachmentView(attachment!)).toEqual({ kind: 'image', src: attachment!.url, alt: 'photo.png', width: 12, height: 8 });
    const served = await fetch(absolute(attachment!.url));
    expect(served.headers.get('content-type')).toBe('image/png');
  });

  it('uploads a file with urql and sends it with a caption; the view offers a download link', async () => {
    const client = createUrqlUploadClient(server.url, async () => bob.token);
    const file = new File(['%PDF-1.4\nreport\n'], 'report.pdf', { type: 'application/pdf' });
    const message = await sendFileWithUrql(client, conversationId, file, 'the report');
    const [attachment] = message.attachments;
    expect(attachmentView(attachment!)).toEqual({ kind: 'file', href: attachment!.url, download: 'report.pdf', label: 'report.pdf (16 B)' });
  });

  it('searches and renders highlights as text, never as HTML', async () => {
    await ok(server.url, alice.token, SendMessageDocument, { input: { conversationId, content: 'try <img src=x onerror=alert(1)> tricks' } });
    const client = createUrqlUploadClient(server.url, async () => bob.token);
    const [hit] = await searchWithUrql(client, 'tri');
    expect(hit!.conversationId).toBe(conversationId);
    expect(hit!.pieces).toEqual([
      { text: 'try <img src=x onerror=alert(1)> ', marked: false },
      { text: 'tricks', marked: true },
    ]);
    expect(highlightPieces('a &amp;lt; <mark>b</mark>')).toEqual([
      { text: 'a &lt; ', marked: false },
      { text: 'b', marked: true },
    ]);
  });
});
