// Uploads and their life: an upload is its uploader's until one message of
// theirs carries it (claimed once, in the order of attachmentIds); files of
// tombstones and of uploads never sent (24 h) are removed by a sweep that runs
// once across all processes (and right after a deletion, in its process).
import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { badUserInput } from '../../errors.js';
import type { RawQuery } from '../../infra/db.js';
import { withDates } from '../../infra/json-rows.js';
import { schedule } from '../../infra/scheduled-jobs.js';
import { isStorableId } from '../input.js';
import type { RateLimits } from '../rate-limits/rate-limits.service.js';
import { contentDisposition, FileUrlSigner, loadUrlSecret, URL_TTL_SECONDS } from './file-urls.js';
import type { FileStorage } from './storage.js';
import type { UploadedFile } from './uploaded-file.js';

/** Attachments one message carries at most. */
export const MAX_ATTACHMENTS_PER_MESSAGE = 10;
/** How long an upload waits for a message before it is removed. */
export const UNSENT_TTL_MS = 24 * 3600 * 1000;
/** How often the sweep runs (once across all processes): a tombstone's files are gone within a minute. */
export const SWEEP_INTERVAL_MS = 30_000;
const SWEEP_BATCH = 500;

export interface AttachmentRecord {
  id: string;
  uploaderId: string;
  messageId: string | null;
  position: number | null;
  storageKey: string;
  filename: string;
  contentType: string;
  size: number;
  width: number | null;
  height: number | null;
  createdAt: Date;
  deletedAt: Date | null;
}

/** The Attachment columns as JSON, ordered by position, for message `m` (none for a tombstone). */
export const ATTACHMENTS_COLUMN = `(SELECT json_agg(to_jsonb(a.*) ORDER BY a.position) FROM "Attachment" a
     WHERE a."messageId" = m.id AND a."deletedAt" IS NULL AND m."deletedAt" IS NULL) AS attachments`;

export function attachmentOf(json: AttachmentRecord): AttachmentRecord {
  return withDates(json, ['createdAt', 'deletedAt']);
}

const INVALID_IDS = `attachmentIds must name at most ${MAX_ATTACHMENTS_PER_MESSAGE} of your own uploads, none sent yet.`;

export class AttachmentsService {
  private signer?: Promise<FileUrlSigner>;
  private stopSweeps?: () => Promise<void>;

  constructor(
    private readonly query: RawQuery,
    readonly storage: FileStorage,
    private readonly rateLimits: RateLimits,
    private readonly options: { urlSecret?: string; publicUrl?: string },
    private readonly log: (message: string, error: unknown) => void,
    /** Connections of background work (Database.background): a sweep stuck on a silent database holds none of the requests'. */
    private readonly background: RawQuery = query,
  ) {}

  /** Starts the periodic sweep (once across processes). */
  start(): void {
    this.stopSweeps ??= schedule(this.background, 'attachments.sweep', { intervalMs: SWEEP_INTERVAL_MS }, () => this.sweep().then(() => undefined), (error) =>
      this.log('attachment sweep failed', error),
    );
  }

  async close(): Promise<void> {
    await this.stopSweeps?.();
  }

  /** Keeps an uploaded file as the viewer's, not sent yet. Counts its bytes against the viewer's hourly budget. */
  async upload(viewerId: string, file: UploadedFile): Promise<AttachmentRecord> {
    await this.rateLimits.consume('uploadBytes', viewerId, Math.max(1, file.size));
    const id = randomUUID();
    await this.storage.put(id, file.path, file.size, file.contentType);
    try {
      const [row] = await this.query<AttachmentRecord>(
        `INSERT INTO "Attachment" (id, "uploaderId", "storageKey", filename, "contentType", size, width, height)
         VALUES ($1, $2, $1, $3, $4, $5, $6, $7) RETURNING *`,
        [id, viewerId, file.filename, file.contentType, file.size, file.width, file.height],
      );
      return row!;
    } catch (error) {
      await this.storage.delete(id).catch(() => undefined);
      throw error;
    } finally {
      await rm(file.path, { force: true }).catch(() => undefined);
    }
  }

  /** BAD_USER_INPUT, the same whatever the reason, unless `ids` could be sent (before any query: shape and count). */
  checkIds(ids: readonly string[]): string[] {
    const unique = [...new Set(ids)];
    if (ids.length > MAX_ATTACHMENTS_PER_MESSAGE || unique.length !== ids.length || !ids.every(isStorableId)) throw badUserInput(INVALID_IDS);
    return unique;
  }

  /**
   * Claims the viewer's unsent uploads `ids` for message `messageId` (not
   * stored yet), in their order, all or none: concurrent claims of one upload
   * are decided by its row lock, the loser releases what it took.
   */
  async claim(viewerId: string, messageId: string, ids: readonly string[]): Promise<AttachmentRecord[]> {
    const claimed = await this.query<AttachmentRecord>(
      `UPDATE "Attachment" a SET "messageId" = $1, position = x.ord
       FROM unnest($2::text[]) WITH ORDINALITY AS x(id, ord)
       WHERE a.id = x.id AND a."uploaderId" = $3 AND a."messageId" IS NULL AND a."deletedAt" IS NULL
       RETURNING a.*`,
      [messageId, ids, viewerId],
    );
    if (claimed.length !== ids.length) {
      await this.release(messageId);
      throw badUserInput(INVALID_IDS);
    }
    return claimed.sort((a, b) => a.position! - b.position!);
  }

  /** Gives back uploads claimed for a message that was not stored. */
  async release(messageId: string): Promise<void> {
    await this.query(`UPDATE "Attachment" SET "messageId" = NULL, position = NULL WHERE "messageId" = $1`, [messageId]);
  }

  /** A live attachment by id (for serving); undefined once deleted. */
  async find(id: string): Promise<AttachmentRecord | undefined> {
    if (!isStorableId(id)) return undefined;
    const [row] = await this.query<AttachmentRecord>(`SELECT * FROM "Attachment" WHERE id = $1 AND "deletedAt" IS NULL`, [id]);
    return row;
  }

  urlSigner(): Promise<FileUrlSigner> {
    this.signer ??= loadUrlSecret(this.options.urlSecret, this.query).then((secret) => new FileUrlSigner(secret));
    return this.signer;
  }

  /** A URL that serves the file for an hour from now: presigned by the bucket when it does, else this server's /files path. */
  async url(attachment: AttachmentRecord): Promise<string> {
    if (this.storage.presign) {
      return this.storage.presign(attachment.storageKey, {
        contentType: attachment.contentType,
        contentDisposition: contentDisposition(attachment.contentType, attachment.filename),
        expiresInSeconds: URL_TTL_SECONDS,
      });
    }
    return `${this.options.publicUrl ?? ''}${(await this.urlSigner()).sign(attachment.id)}`;
  }

  /**
   * Marks uploads never sent within 24 h as deleted, then removes the files of
   * every deleted attachment (tombstones' included) and their rows. Answers how many it removed.
   */
  async sweep(): Promise<number> {
    await this.background(
      `UPDATE "Attachment" a SET "deletedAt" = now()
       WHERE a."deletedAt" IS NULL AND a."createdAt" < now() - make_interval(secs => $1::double precision / 1000)
         AND (a."messageId" IS NULL OR NOT EXISTS (SELECT 1 FROM "Message" m WHERE m.id = a."messageId"))`,
      [UNSENT_TTL_MS],
    );
    return this.removeDeleted(this.background);
  }

  /** Removes the files and rows of deleted attachments (also right after a message is deleted). */
  async removeDeleted(query: RawQuery = this.query): Promise<number> {
    let removed = 0;
    for (;;) {
      const rows = await query<{ id: string; storageKey: string }>(
        `SELECT id, "storageKey" FROM "Attachment" WHERE "deletedAt" IS NOT NULL ORDER BY "deletedAt" LIMIT ${SWEEP_BATCH}`,
        [],
      );
      if (rows.length === 0) return removed;
      for (const row of rows) await this.storage.delete(row.storageKey);
      await query(`DELETE FROM "Attachment" WHERE id = ANY($1::text[])`, [rows.map((row) => row.id)]);
      removed += rows.length;
      if (rows.length < SWEEP_BATCH) return removed;
    }
  }
}
