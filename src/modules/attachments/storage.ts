// Where uploaded files are kept: a folder (UPLOADS_DIR) or an S3-compatible
// bucket (S3_BUCKET), behind one interface. Files are kept as uploaded, byte
// for byte; nothing here ever holds a whole file in memory.
import { createReadStream } from 'node:fs';
import { mkdir, rename, rm, stat, copyFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { Config } from '../../infra/env.js';

/** Bytes `start` to `end`, both included (as in a Range header). */
export interface ByteRange {
  start: number;
  end: number;
}

/** How a presigned URL makes the bucket answer (S3's response-* overrides). */
export interface PresignOptions {
  contentType: string;
  contentDisposition: string;
  expiresInSeconds: number;
}

export interface FileStorage {
  /** Where incoming uploads are written before they are kept: a folder on the same disk as the files, when there is one. */
  readonly incomingDir: string;
  /** Keeps the file at `localPath` (which it may move away) under `key`. */
  put(key: string, localPath: string, size: number, contentType: string): Promise<void>;
  /** The file's bytes (or a range of them); null when there is no such file. */
  read(key: string, range?: ByteRange): Promise<Readable | null>;
  /** Whether a file is kept under `key`. */
  exists(key: string): Promise<boolean>;
  /** Removes the file; removing a missing one is no error. */
  delete(key: string): Promise<void>;
  /** A URL of the store itself that serves the file (S3: presigned GET); undefined when files are served by this server. */
  presign?(key: string, options: PresignOptions): Promise<string>;
}

export function createStorage(config: Config['uploads'], options: { presign?: boolean } = {}): FileStorage {
  return config.s3 ? new S3Storage(config.s3, resolve(config.dir, '.incoming'), options.presign ?? false) : new FolderStorage(config.dir);
}

/** Keys are our own ids (UUIDs), never user input: no path can leave the folder. */
export class FolderStorage implements FileStorage {
  readonly root: string;
  readonly incomingDir: string;

  constructor(dir: string) {
    this.root = resolve(dir);
    this.incomingDir = join(this.root, '.incoming');
  }

  private path(key: string): string {
    if (!/^[\w-]+$/.test(key)) throw new Error(`invalid storage key ${key}`);
    // Two levels of folders keep any one folder small.
    return join(this.root, key.slice(0, 2), key);
  }

  async put(key: string, localPath: string): Promise<void> {
    const target = this.path(key);
    await mkdir(dirname(target), { recursive: true });
    try {
      await rename(localPath, target);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
      await copyFile(localPath, target);
      await rm(localPath, { force: true });
    }
  }

  async read(key: string, range?: ByteRange): Promise<Readable | null> {
    const path = this.path(key);
    if (!(await this.exists(key))) return null;
    return createReadStream(path, range ? { start: range.start, end: range.end } : undefined);
  }

  async exists(key: string): Promise<boolean> {
    return stat(this.path(key)).then(
      (s) => s.isFile(),
      () => false,
    );
  }

  async delete(key: string): Promise<void> {
    await rm(this.path(key), { force: true });
  }
}

export class S3Storage implements FileStorage {
  readonly client: S3Client;

  constructor(
    private readonly s3: NonNullable<Config['uploads']['s3']>,
    readonly incomingDir: string,
    /** Whether `url` hands out presigned URLs of the bucket (else this server serves the files). */
    private readonly presignUrls: boolean,
  ) {
    this.client = new S3Client({
      region: s3.region,
      endpoint: s3.endpoint,
      forcePathStyle: s3.forcePathStyle,
      // Plain bodies with a Content-Length: some S3-compatible servers store aws-chunked bodies verbatim.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
    if (presignUrls) this.presign = (key, options) => this.presignGet(key, options);
  }

  presign?: (key: string, options: PresignOptions) => Promise<string>;

  async put(key: string, localPath: string, size: number, contentType: string): Promise<void> {
    try {
      await this.client.send(
        new PutObjectCommand({ Bucket: this.s3.bucket, Key: key, Body: createReadStream(localPath), ContentLength: size, ContentType: contentType }),
      );
    } finally {
      await rm(localPath, { force: true });
    }
  }

  async read(key: string, range?: ByteRange): Promise<Readable | null> {
    try {
      const answer = await this.client.send(
        new GetObjectCommand({ Bucket: this.s3.bucket, Key: key, Range: range ? `bytes=${range.start}-${range.end}` : undefined }),
      );
      return answer.Body as Readable;
    } catch (error) {
      if (isMissing(error)) return null;
      throw error;
    }
  }

  async exists(key: string): Promise<boolean> {
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: this.s3.bucket, Key: key }));
      return true;
    } catch (error) {
      if (isMissing(error)) return false;
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.s3.bucket, Key: key }));
  }

  private presignGet(key: string, options: PresignOptions): Promise<string> {
    return getSignedUrl(
      this.client,
      new GetObjectCommand({
        Bucket: this.s3.bucket,
        Key: key,
        ResponseContentType: options.contentType,
        ResponseContentDisposition: options.contentDisposition,
      }),
      { expiresIn: options.expiresInSeconds },
    );
  }
}

function isMissing(error: unknown): boolean {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e.name === 'NoSuchKey' || e.name === 'NotFound' || e.$metadata?.httpStatusCode === 404;
}
