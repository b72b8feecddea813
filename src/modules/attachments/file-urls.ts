// File URLs that serve a file to whoever holds them for one hour: an HMAC
// over the attachment's id and the expiry, keyed with the upload URL secret
// (UPLOAD_URL_SECRET, else one generated once and kept in the database so that
// every process signs and checks alike). JWT_SECRET is never that key: a leak
// of one must not forge the other. Filenames and the headers they go into.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { RawQuery } from '../../infra/db.js';

/** How long a URL serves its file from when it was read. */
export const URL_TTL_SECONDS = 3600;
const SETTING_KEY = 'uploadUrlSecret';

/** The configured secret, else the one every process shares through the ServerSetting table. */
export async function loadUrlSecret(configured: string | undefined, query: RawQuery): Promise<Buffer> {
  if (configured) return Buffer.from(configured, 'utf8');
  await query(`INSERT INTO "ServerSetting" (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING`, [
    SETTING_KEY,
    randomBytes(32).toString('base64url'),
  ]);
  const [row] = await query<{ value: string }>(`SELECT value FROM "ServerSetting" WHERE key = $1`, [SETTING_KEY]);
  return Buffer.from(row!.value, 'base64url');
}

export class FileUrlSigner {
  constructor(private readonly secret: Buffer) {}

  private mac(id: string, expires: number): string {
    return createHmac('sha256', this.secret).update(`file:${id}:${expires}`).digest('base64url');
  }

  /** The path and query that serve attachment `id` until `now` + 1 hour. */
  sign(id: string, now = Date.now()): string {
    const expires = Math.floor(now / 1000) + URL_TTL_SECONDS;
    return `/files/${encodeURIComponent(id)}?expires=${expires}&signature=${this.mac(id, expires)}`;
  }

  /** 'ok', 'expired' or 'invalid' (tampered, or not one of ours). */
  check(id: string, expiresParam: string | null, signature: string | null, now = Date.now()): 'ok' | 'expired' | 'invalid' {
    if (!expiresParam || !/^\d{1,12}$/.test(expiresParam) || !signature) return 'invalid';
    const expires = Number(expiresParam);
    const expected = Buffer.from(this.mac(id, expires));
    const sent = Buffer.from(signature);
    if (sent.length !== expected.length || !timingSafeEqual(sent, expected)) return 'invalid';
    return expires * 1000 <= now ? 'expired' : 'ok';
  }
}

/** Longest filename kept, in code points. */
export const FILENAME_MAX_LENGTH = 255;

/**
 * The name a file is known by: the last part of what the client sent (no
 * folders), without control or format characters (no header injection, no
 * right-to-left tricks) and lone surrogates, at most 255 code points; "file" when nothing is left.
 */
export function sanitizeFilename(raw: string | undefined): string {
  const base = (raw ?? '').split(/[/\\]/).pop() ?? '';
  const cleaned = base
    .replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu, '')
    .replace(/\p{Cs}/gu, '')
    .trim();
  const cut = [...cleaned].slice(0, FILENAME_MAX_LENGTH).join('').trim();
  return cut === '' || cut === '.' || cut === '..' ? 'file' : cut;
}

/** Shown in the page (images other than SVG, audio, video); everything else is downloaded. */
export function servedInline(contentType: string): boolean {
  if (contentType === 'image/svg+xml') return false;
  return /^(image|audio|video)\//.test(contentType);
}

/**
 * Content-Disposition for a file: `inline` for images, audio and video, else
 * `attachment` with the filename, as an ASCII fallback and RFC 5987 `filename*`.
 */
export function contentDisposition(contentType: string, filename: string): string {
  const type = servedInline(contentType) ? 'inline' : 'attachment';
  const ascii = filename.replace(/[^\x20-\x7e]/g, '_').replace(/["\\%]/g, '_');
  const encoded = encodeURIComponent(filename).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${type}; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}
