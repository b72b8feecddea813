// Attachments and search from a client: uploading with Apollo Client
// (apollo-upload-client's UploadHttpLink) and with urql (its fetchExchange
// sends a multipart request by itself when variables hold a File), showing an
// attachment, and rendering a search highlight safely. Every region is shown
// in docs/clients.md and run by test/clients-files.test.ts against a real server.

// #region files-imports
import { ApolloClient, ApolloLink, InMemoryCache } from '@apollo/client';
import { SetContextLink } from '@apollo/client/link/context';
import { Client as UrqlClient, fetchExchange } from '@urql/core';
import UploadHttpLink from 'apollo-upload-client/UploadHttpLink.mjs';
import {
  SearchMessagesDocument,
  SendMessageWithAttachmentsDocument,
  UploadAttachmentDocument,
  type AttachmentItemFragment,
} from '../generated/graphql.js';
// #endregion

// #region apollo-upload
/**
 * An Apollo Client whose HTTP link sends a multipart request when the
 * variables hold a File or Blob. The server refuses multipart requests
 * without a preflight header (CSRF prevention): `apollo-require-preflight`.
 */
export function createApolloUploadClient(httpUrl: string, getToken: () => Promise<string>): ApolloClient {
  const auth = new SetContextLink(async ({ headers }) => ({
    headers: { ...headers, authorization: `Bearer ${await getToken()}`, 'apollo-require-preflight': 'true' },
  }));
  return new ApolloClient({ link: ApolloLink.from([auth, new UploadHttpLink({ uri: httpUrl })]), cache: new InMemoryCache() });
}

/** Uploads a file (an <input type="file">'s File), then sends it with a caption (which may be empty). */
export async function sendFileWithApollo(client: ApolloClient, conversationId: string, file: File, caption = '') {
  const uploaded = await client.mutate({ mutation: UploadAttachmentDocument, variables: { file } });
  const attachment = uploaded.data!.uploadAttachment;
  const sent = await client.mutate({
    mutation: SendMessageWithAttachmentsDocument,
    variables: { input: { conversationId, content: caption, attachmentIds: [attachment.id] } },
  });
  return sent.data!.sendMessage;
}
// #endregion

// #region urql-upload
/** urql's fetchExchange sends a File variable as a multipart request by itself; it only needs the preflight header. */
export function createUrqlUploadClient(httpUrl: string, getToken: () => Promise<string>): UrqlClient {
  return new UrqlClient({
    url: httpUrl,
    exchanges: [fetchExchange],
    fetchOptions: () => ({ headers: { 'graphql-preflight': '1' } }),
    fetch: async (input, init) => {
      const headers = new Headers(init?.headers);
      headers.set('authorization', `Bearer ${await getToken()}`);
      return fetch(input, { ...init, headers });
    },
  });
}

export async function sendFileWithUrql(client: UrqlClient, conversationId: string, file: File, caption = '') {
  const uploaded = await client.mutation(UploadAttachmentDocument, { file }).toPromise();
  if (uploaded.error) throw uploaded.error;
  const sent = await client
    .mutation(SendMessageWithAttachmentsDocument, {
      input: { conversationId, content: caption, attachmentIds: [uploaded.data!.uploadAttachment.id] },
    })
    .toPromise();
  if (sent.error) throw sent.error;
  return sent.data!.sendMessage;
}
// #endregion

// #region show-attachment
/** What a message view shows for an attachment: images inline at their size, everything else as a download link. */
export type AttachmentView =
  | { kind: 'image'; src: string; alt: string; width: number | null; height: number | null }
  | { kind: 'file'; href: string; download: string; label: string };

export function attachmentView(attachment: AttachmentItemFragment): AttachmentView {
  // SVG is never shown inline: the server serves it as a download.
  if (/^image\/(png|jpeg|gif|webp|avif|bmp)$/.test(attachment.contentType)) {
    return { kind: 'image', src: attachment.url, alt: attachment.filename, width: attachment.width ?? null, height: attachment.height ?? null };
  }
  return { kind: 'file', href: attachment.url, download: attachment.filename, label: `${attachment.filename} (${formatBytes(attachment.size)})` };
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
// #endregion

// #region search-highlight
/**
 * `highlight` is the content HTML-escaped with <mark> around matched words.
 * Rather than trusting any HTML, split it into text pieces (entities decoded)
 * and marked pieces, and render each as a text node (React: <mark>{text}</mark>).
 */
export function highlightPieces(highlight: string): { text: string; marked: boolean }[] {
  const decode = (html: string) =>
    html.replace(/&(lt|gt|quot|#39|amp);/g, (_, name: string) => ({ lt: '<', gt: '>', quot: '"', '#39': "'", amp: '&' })[name]!);
  return highlight
    .split(/(<mark>[^<]*<\/mark>)/)
    .filter((piece) => piece !== '')
    .map((piece) => {
      const marked = piece.startsWith('<mark>');
      return { text: decode(marked ? piece.slice(6, -7) : piece), marked };
    });
}

/** In the DOM, with text nodes only. */
export function renderHighlight(document: Document, highlight: string): DocumentFragment {
  const fragment = document.createDocumentFragment();
  for (const { text, marked } of highlightPieces(highlight)) {
    if (!marked) fragment.append(document.createTextNode(text));
    else fragment.append(Object.assign(document.createElement('mark'), { textContent: text }));
  }
  return fragment;
}

export async function searchWithUrql(client: UrqlClient, query: string) {
  const result = await client.query(SearchMessagesDocument, { query, first: 20 }, { requestPolicy: 'network-only' }).toPromise();
  if (result.error) throw result.error;
  return result.data!.searchMessages.edges.map((edge) => ({ messageId: edge.node.id, conversationId: edge.node.conversationId, pieces: highlightPieces(edge.highlight) }));
}
// #endregion
