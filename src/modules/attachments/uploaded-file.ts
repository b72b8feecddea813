/**
 * A file of a multipart request, already written to the storage's incoming
 * folder (server/multipart-uploads.ts): the value of a `File` argument.
 */
export class UploadedFile {
  constructor(
    /** Sanitized: no folders, control or format characters. */
    readonly filename: string,
    /** Where its bytes are, until it is kept or the request ends. */
    readonly path: string,
    readonly size: number,
    /** Detected from its bytes; application/octet-stream when unknown. */
    readonly contentType: string,
    readonly width: number | null,
    readonly height: number | null,
  ) {}
}
