// GET /files/<id>?expires=…&signature=…: serves an attachment's bytes to
// whoever holds a URL this server signed, for one hour (403 after, and for
// any URL we did not sign), 404 once its message is a tombstone or the upload
// expired. The type is the detected one, never sniffed (nosniff); only images
// other than SVG, audio and video are shown inline, everything else is a
// download with its filename. Range requests get 206.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import type { AttachmentsService } from '../modules/attachments/attachments.service.js';
import { contentDisposition } from '../modules/attachments/file-urls.js';
import type { ByteRange } from '../modules/attachments/storage.js';

export function isFilePath(path: string): boolean {
  return path.startsWith('/files/');
}

export async function serveFile(attachments: AttachmentsService, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' }).end('Method not allowed.');
    return;
  }
  const url = new URL(req.url ?? '/', 'http://localhost');
  let id: string;
  try {
    id = decodeURIComponent(url.pathname.slice('/files/'.length));
  } catch {
    return plain(res, 403, 'Forbidden.');
  }
  const signer = await attachments.urlSigner();
  const check = signer.check(id, url.searchParams.get('expires'), url.searchParams.get('signature'));
  if (check === 'invalid') return plain(res, 403, 'Forbidden.');
  if (check === 'expired') return plain(res, 403, 'This link has expired.');
  const attachment = await attachments.find(id);
  if (!attachment) return plain(res, 404, 'Not found.');

  const headers: Record<string, string> = {
    'content-type': attachment.contentType,
    'x-content-type-options': 'nosniff',
    'content-disposition': contentDisposition(attachment.contentType, attachment.filename),
    'accept-ranges': 'bytes',
    // The URL is a bearer of access for an hour: private caches only, never shared ones.
    'cache-control': 'private, max-age=3600',
    // Even opened directly, nothing in it runs or frames.
    'content-security-policy': "default-src 'none'; img-src 'self'; media-src 'self'; style-src 'unsafe-inline'; sandbox",
  };
  const size = attachment.size;
  let range: ByteRange | undefined;
  const rangeHeader = req.headers.range;
  if (rangeHeader && size > 0) {
    const parsed = parseRange(rangeHeader, size);
    range = parsed ?? undefined;
    if (parsed === null) {
      res.writeHead(416, { 'content-range': `bytes */${size}`, 'x-content-type-options': 'nosniff' }).end();
      return;
    }
  }
  const stream = await attachments.storage.read(attachment.storageKey, range);
  if (!stream) return plain(res, 404, 'Not found.');
  if (range) {
    headers['content-range'] = `bytes ${range.start}-${range.end}/${size}`;
    headers['content-length'] = String(range.end - range.start + 1);
    res.writeHead(206, headers);
  } else {
    headers['content-length'] = String(size);
    res.writeHead(200, headers);
  }
  if (req.method === 'HEAD') {
    stream.destroy();
    res.end();
    return;
  }
  await pipeline(stream, res).catch(() => res.destroy());
}

/** One range of `bytes=a-b`, `bytes=a-` or `bytes=-n`; undefined to ignore the header (several ranges, another unit); null when it cannot be satisfied. */
function parseRange(header: string, size: number): ByteRange | undefined | null {
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match) return undefined;
  const [, from, to] = match;
  if (from === '' && to === '') return undefined;
  if (from === '') {
    const suffix = Number(to);
    if (suffix === 0) return null;
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(from);
  const end = to === '' ? size - 1 : Math.min(Number(to), size - 1);
  if (start >= size || end < start) return null;
  return { start, end };
}

function plain(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff' }).end(text);
}
