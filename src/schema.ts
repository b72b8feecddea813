// Assembles the schema: each module registers its types on the builder when imported.
import { lexicographicSortSchema, printSchema } from 'graphql';
import { builder } from './builder.js';
import { refuseMalformedText } from './modules/input.js';
import './modules/users/users.schema.js';
import './modules/conversations/conversations.schema.js';
import './modules/conversations/members.schema.js';
import './modules/privacy/privacy.schema.js';
import './modules/messages/messages.schema.js';
import './modules/typing/typing.schema.js';
import './modules/presence/presence.schema.js';
import './modules/notifications/notifications.schema.js';
import './modules/attachments/attachments.schema.js';
import './modules/search/search.schema.js';
import './modules/push/push.schema.js';

/** Every String argument refuses NUL and lone surrogates before a resolver sees it (modules/input.ts). */
export const schema = refuseMalformedText(builder.toSchema());

/** The SDL checked in as schema.graphql. */
export function printedSchema(): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}
