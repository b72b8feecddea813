// GraphQL multipart requests (graphql-multipart-request-spec) streamed to
// disk. Yoga's own parser (Request.formData()) holds every file in memory, so
// it is off (`multipart: false`) and this parser reads the Node request with
// busboy instead: each file goes chunk by chunk into a file of the storage's
// incoming folder (written with backpressure: a 10 MiB upload never blocks the
// event loop nor sits in memory), counted against UPLOAD_MAX_BYTES, and its
// type and image size are read from its first bytes. The resolver that takes
// the File keeps it (attachments.service.ts); whatever is left of a request's
// incoming files is removed once its response is sent.
import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, open, rm } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import busboy from 'busboy';
import { fileTypeFromBuffer } from 'file-type';
import { imageSize } from 'image-size';
import { createGraphQLError, type Plugin } from 'graphql-yoga';
import { sanitizeFilename } from '../modules/attachments/file-urls.js';
import { UploadedFile } from '../modules/attachments/uploaded-file.js';

/** Files one multipart request may carry. */
export const MAX_FILES_PER_REQUEST = 10;
/** The operations and map fields together, at most (the body limit of every other request). */
const MAX_FIELD_BYTES = 100_000;
/** Bytes read to detect a file's type and an image's size (a JPEG's size may follow a long EXIF block). */
const HEAD_BYTES = 256 * 1024;
/** Image types whose width and height we read. */
const SIZED_IMAGES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);

export interface MultipartOptions {
  maxFileBytes: number;
  /** The folder incoming files are written to (created when missing). */
  incomingDir: string;
  /** Checked before any byte of the body is read: a request without a valid token is refused unread. */
  authorized(request: Request): Promise<boolean>;
}

export function isMultipart(contentType: string | null | undefined): boolean {
  return contentType?.split(';')[0]?.trim().toLowerCase() === 'multipart/form-data';
}

/** The largest multipart body accepted (checked on Content-Length before reading): every file at its maximum, plus the fields. */
export function maxMultipartBytes(maxFileBytes: number): number {
  return MAX_FILES_PER_REQUEST * (maxFileBytes + 16 * 1024) + MAX_FIELD_BYTES;
}

function tooLarge(message: string) {
  return createGraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', http: { status: 413 } } });
}

function badRequest(message: string) {
  return createGraphQLError(message, { extensions: { code: 'BAD_REQUEST', http: { status: 400 } } });
}

export function useStreamedUploads(options: MultipartOptions): Plugin {
  const incoming = new WeakMap<Request, string[]>();
  return {
    onRequestParse({ request, setRequestParser }) {
      // request.body is read once, in the parser: each read of the property may open another stream over the socket.
      if (request.method !== 'POST' || !isMultipart(request.headers.get('content-type'))) return;
      const paths: string[] = [];
      incoming.set(request, paths);
      // Parse the request handed to the parser: plugins may wrap the original (its body is another stream then).
      setRequestParser(async (request) => {
        if (!(await options.authorized(request))) {
          throw createGraphQLError('Authentication required: send a valid bearer token.', {
            extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } },
          });
        }
        await mkdir(options.incomingDir, { recursive: true });
        // The body as it arrives (the Request's stream reads the socket as we read it: backpressure holds).
        const stream = request.body;
        if (!stream) throw badRequest('A multipart request needs a body.');
        // One chunk read ahead, not Readable.from's default 16 (a MiB per upload held while the disk catches up).
        const body = Readable.from(stream as unknown as AsyncIterable<Uint8Array>, { highWaterMark: 1 });
        return parseMultipart(body, request.headers.get('content-type')!, options, paths);
      });
    },
    onResponse({ request }) {
      const paths = incoming.get(request);
      if (paths?.length) void Promise.all(paths.map((path) => rm(path, { force: true }))).catch(() => undefined);
    },
  };
}

function parseMultipart(req: Readable, contentType: string, options: MultipartOptions, paths: string[]): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    let failed = false;
    let operations: string | undefined;
    let map: Record<string, string[]> | undefined;
    const files = new Map<string, Promise<UploadedFile>>();
    const fail = (error: unknown) => {
      if (failed) return;
      failed = true;
      req.unpipe(parser);
      // The rest of the body is left unread: Node reads and drops it once the answer is sent.
      req.destroy();
      reject(error);
    };
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: { 'content-type': contentType },
        defParamCharset: 'utf8',
        limits: {
          // One byte past the maximum tells a file of exactly the maximum from a bigger one.
          fileSize: options.maxFileBytes + 1,
          files: MAX_FILES_PER_REQUEST,
          fields: 2,
          fieldSize: MAX_FIELD_BYTES,
          parts: MAX_FILES_PER_REQUEST + 2,
        },
      });
    } catch (error) {
      return reject(badRequest(`Invalid multipart request: ${(error as Error).message}`));
    }
    parser.on('field', (name, value, info) => {
      if (info.valueTruncated) return fail(tooLarge(`The multipart field "${name}" is too large.`));
      if (name === 'operations') operations = value;
      else if (name === 'map') {
        try {
          map = validMap(JSON.parse(value));
        } catch {
          fail(badRequest('Multipart form field "map" must be a JSON object of string arrays.'));
        }
      }
    });
    parser.on('file', (name, stream, info) => {
      if (failed || !map || !operations || !(name in map) || files.has(name)) {
        // The spec sends operations and map before the files; anything else is skipped.
        stream.resume();
        if (!failed && (!map || !operations)) fail(badRequest('Send the "operations" and "map" fields before the files.'));
        return;
      }
      const path = join(options.incomingDir, randomUUID());
      paths.push(path);
      const stored = receiveFile(stream, path, info.filename, options.maxFileBytes);
      stored.catch(fail);
      files.set(name, stored);
    });
    parser.on('filesLimit', () => fail(tooLarge(`At most ${MAX_FILES_PER_REQUEST} files per request.`)));
    parser.on('partsLimit', () => fail(badRequest('Too many parts in the multipart request.')));
    parser.on('fieldsLimit', () => fail(badRequest('Too many fields in the multipart request.')));
    parser.on('error', (error) => fail(badRequest(`Invalid multipart request: ${(error as Error).message}`)));
    req.on('error', fail);
    parser.on('close', () => {
      if (failed) return;
      void (async () => {
        if (!operations) throw badRequest('Missing multipart form field "operations".');
        let parsed: Record<string, unknown>;
        try {
          parsed = JSON.parse(operations);
        } catch {
          throw badRequest('Multipart form field "operations" must be a valid JSON string.');
        }
        if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
          throw badRequest('Multipart form field "operations" must be a JSON object (batching is not supported).');
        }
        for (const [fileField, keys] of Object.entries(map ?? {})) {
          const file = files.get(fileField);
          if (!file) throw badRequest(`The multipart file "${fileField}" named in "map" is missing.`);
          const uploaded = await file;
          for (const key of keys) setPath(parsed, key, uploaded);
        }
        return parsed;
      })().then(resolve, fail);
    });
    req.pipe(parser);
  });
}

function validMap(value: unknown): Record<string, string[]> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('not an object');
  for (const keys of Object.values(value)) {
    if (!Array.isArray(keys) || !keys.every((key) => typeof key === 'string')) throw new Error('not string arrays');
  }
  return value as Record<string, string[]>;
}

/** Sets `operations.<path>` (dots between keys) to the file; prototype keys are never followed. */
function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let current: Record<string, unknown> = target;
  for (const [i, key] of keys.entries()) {
    if (key === '__proto__' || key === 'constructor' || key === 'prototype') return;
    if (i === keys.length - 1) {
      current[key] = value;
      return;
    }
    const next = current[key];
    if (typeof next !== 'object' || next === null) return; // the spec names existing null placeholders
    current = next as Record<string, unknown>;
  }
}

/** Writes one file part to `path`; past `maxBytes` it is removed and the request refused (413). */
async function receiveFile(stream: NodeJS.ReadableStream & { truncated?: boolean }, path: string, name: string | undefined, maxBytes: number) {
  let size = 0;
  stream.on('data', (chunk: Buffer) => {
    size += chunk.length;
  });
  await pipeline(stream, createWriteStream(path, { flags: 'wx' }));
  if (stream.truncated || size > maxBytes) {
    await rm(path, { force: true });
    throw tooLarge(`The file is larger than UPLOAD_MAX_BYTES (${maxBytes} bytes).`);
  }
  const head = await readHead(path, Math.min(size, HEAD_BYTES));
  const detected = size === 0 ? undefined : await fileTypeFromBuffer(head);
  const contentType = detected?.mime ?? 'application/octet-stream';
  let width: number | null = null;
  let height: number | null = null;
  if (SIZED_IMAGES.has(contentType)) {
    try {
      const dimensions = imageSize(head);
      // EXIF orientations 5 to 8 turn the picture a quarter: the shown width is the stored height.
      const turned = (dimensions.orientation ?? 1) >= 5;
      width = (turned ? dimensions.height : dimensions.width) ?? null;
      height = (turned ? dimensions.width : dimensions.height) ?? null;
    } catch {
      // Not readable from its first bytes: kept without a size.
    }
  }
  return new UploadedFile(sanitizeFilename(name), path, size, contentType, width, height);
}

async function readHead(path: string, bytes: number): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(bytes);
    const { bytesRead } = await handle.read(buffer, 0, bytes, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}
