// Operation texts that arrive over WebSocket are parsed and validated through
// yoga.getEnveloped the first time, so WebSocket and HTTP share the parser
// cache and the operation limits, and are remembered once they passed.
import { GraphQLError, type DocumentNode, type GraphQLSchema } from 'graphql';
import type { YogaServerInstance } from 'graphql-yoga';
import { LRUCache } from 'lru-cache';

/** Distinct operation texts remembered as valid (a client sends the same few again and again). */
const VALID_DOCUMENTS = 1_000;

export interface ValidDocument {
  document: DocumentNode;
  schema: GraphQLSchema;
}

export type YogaInstance = YogaServerInstance<Record<string, unknown>, Record<string, unknown>>;

/**
 * What envelop's parse and validate hooks decide (Yoga's caches, the operation
 * limits, the introspection rule) depends on the text alone, so a text that
 * passed once passes again; going through the hooks for every operation
 * allocated about 5 KB each. Failures are not remembered.
 */
export class WsDocuments {
  private readonly valid = new LRUCache<string, ValidDocument>({ max: VALID_DOCUMENTS });

  constructor(private readonly yoga: YogaInstance) {}

  /** The parsed, validated document of `payload.query`, or the errors that answer the operation. */
  prepare(ctx: object, payload: { query: string }): ValidDocument | readonly GraphQLError[] {
    const remembered = this.valid.get(payload.query);
    if (remembered) return remembered;
    // For parsing and validation only: the context is built by the socket, not by envelop.
    const enveloped = this.yoga.getEnveloped({ ...ctx, params: payload });
    try {
      // Syntax errors and operation limits (graphql-armor) throw: they
      // answer this operation, they must not close the socket (4500).
      const document = enveloped.parse(payload.query);
      const errors = enveloped.validate(enveloped.schema, document);
      if (errors.length > 0) return errors;
      const valid = { document, schema: enveloped.schema };
      this.valid.set(payload.query, valid);
      return valid;
    } catch (error) {
      if (error instanceof GraphQLError) return [error];
      throw error;
    }
  }
}
