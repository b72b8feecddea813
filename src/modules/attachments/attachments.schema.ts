import { builder } from '../../builder.js';
import { viewerOf } from '../../context.js';
import { badUserInput } from '../../errors.js';
import type { MessageRecord } from '../messages/message-events.js';
import type { AttachmentRecord } from './attachments.service.js';
import { UploadedFile } from './uploaded-file.js';

builder.scalarType('File', {
  description: 'A file of a GraphQL multipart request (graphql-multipart-request-spec).',
  serialize: () => {
    throw new Error('File is an input only.');
  },
  // Only the multipart parser makes these (server/multipart-uploads.ts): a string or object sent as JSON is no file.
  parseValue: (value) => {
    if (!(value instanceof UploadedFile)) throw badUserInput('File must be a file of a multipart request (graphql-multipart-request-spec).');
    return value;
  },
  parseLiteral: () => {
    throw badUserInput('File must be a file of a multipart request, passed as a variable.');
  },
});

export const AttachmentRef = builder.objectRef<AttachmentRecord>('Attachment').implement({
  fields: (t) => ({
    id: t.exposeID('id'),
    filename: t.exposeString('filename'),
    contentType: t.exposeString('contentType', {
      description: 'Detected from the file\'s bytes, e.g. image/png; application/octet-stream when unknown.',
    }),
    size: t.exposeInt('size', { description: 'Bytes.' }),
    width: t.exposeInt('width', { nullable: true, description: 'Pixels, for images; null otherwise.' }),
    height: t.exposeInt('height', { nullable: true }),
    url: t.string({
      description: 'Serves the file for one hour from when it was read.',
      resolve: (attachment, _args, ctx) => ctx.services.attachments.url(attachment),
    }),
  }),
});

builder.prismaObjectFields('Message', (t) => ({
  attachments: t.field({
    type: [AttachmentRef],
    description: 'In the order of attachmentIds; none for a tombstone.',
    resolve: (message, _args, ctx) => {
      const record = message as MessageRecord;
      if (record.deletedAt) return [];
      return record.attachments ?? ctx.loaders.attachments.load(record.id);
    },
  }),
}));

builder.mutationFields((t) => ({
  uploadAttachment: t.field({
    type: AttachmentRef,
    description: 'Upload a file to attach to a message the viewer sends later (multipart request over HTTP).',
    args: { file: t.arg({ type: 'File', required: true }) },
    resolve: async (_root, { file }, ctx) => {
      await ctx.services.rateLimits.consume('uploadAttachment', viewerOf(ctx).id);
      return ctx.services.attachments.upload(viewerOf(ctx).id, file);
    },
  }),
}));
