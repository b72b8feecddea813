// Uploads as browsers send them (graphql-multipart-request-spec over fetch
// and FormData), and small files of known types.
import { deflateSync, crc32 } from 'node:zlib';

export const UPLOAD_DOCUMENT = `mutation Upload($file: File!) {
  uploadAttachment(file: $file) { id filename contentType size width height url }
}`;

export interface UploadedAttachment {
  id: string;
  filename: string;
  contentType: string;
  size: number;
  width: number | null;
  height: number | null;
  url: string;
}

export interface UploadResponse {
  status: number;
  body: { data?: { uploadAttachment: UploadedAttachment } | null; errors?: { message: string; extensions?: Record<string, unknown> }[] };
}

/** POSTs one file as a multipart request; by default with the `apollo-require-preflight` header that CSRF prevention asks for. */
export async function upload(
  graphqlUrl: string,
  token: string | null,
  bytes: Uint8Array,
  { filename = 'file.bin', type = 'application/octet-stream', headers = { 'apollo-require-preflight': 'true' } as Record<string, string> } = {},
): Promise<UploadResponse> {
  // Written by hand, not with FormData: its filename goes out byte for byte (FormData escapes quotes and line breaks); as RFC 5987 filename*, so any name arrives exactly.
  const boundary = `----chat-test-${Math.random().toString(16).slice(2)}`;
  const field = (name: string, value: string) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
  const payload = Buffer.concat([
    Buffer.from(field('operations', JSON.stringify({ query: UPLOAD_DOCUMENT, variables: { file: null } }))),
    Buffer.from(field('map', JSON.stringify({ 0: ['variables.file'] }))),
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="0"; filename*=UTF-8''${encodeURIComponent(filename)}\r\nContent-Type: ${type}\r\n\r\n`),
    bytes,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  const response = await fetch(graphqlUrl, {
    method: 'POST',
    headers: {
      'content-type': `multipart/form-data; boundary=${boundary}`,
      ...(token === null ? {} : { authorization: `Bearer ${token}` }),
      ...headers,
    },
    body: payload,
  });
  const text = await response.text();
  let body: UploadResponse['body'];
  try {
    body = JSON.parse(text);
  } catch {
    body = { errors: [{ message: text }] };
  }
  return { status: response.status, body };
}

/** Uploads and returns the attachment, failing the test on any error. */
export async function uploaded(graphqlUrl: string, token: string, bytes: Uint8Array, options?: Parameters<typeof upload>[3]): Promise<UploadedAttachment> {
  const response = await upload(graphqlUrl, token, bytes, options);
  if (!response.body.data?.uploadAttachment) throw new Error(`upload failed: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body.data.uploadAttachment;
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A valid PNG of `width` x `height` grey pixels. */
export function png(width: number, height: number): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.writeUInt8(8, 8); // bit depth
  header.writeUInt8(0, 9); // greyscale
  const rows = Buffer.alloc((width + 1) * height, 0x80);
  for (let y = 0; y < height; y++) rows[y * (width + 1)] = 0; // filter: none
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** The GIF89a header of a `width` x `height` image (enough for type and size detection). */
export function gif(width: number, height: number): Buffer {
  const head = Buffer.from('GIF89a', 'latin1');
  const size = Buffer.alloc(4);
  size.writeUInt16LE(width, 0);
  size.writeUInt16LE(height, 2);
  return Buffer.concat([head, size, Buffer.from([0, 0, 0]), Buffer.from([0x3b])]);
}
