// Rules that the realtime executor (server/shared-execution.ts) reads off the
// schema's fields, declared on the fields they govern as Pothos `extensions`:
// which fields depend on the viewer, and what each subscriber's delivery of an
// event must do. Nothing about a field is kept in a list of its own elsewhere.
import type { GraphQLField, GraphQLSchema } from 'graphql';
import type { Context } from '../context.js';

/** Runs for every subscriber on every event, also when one execution served many of them. */
export type DeliveryEffect = (event: unknown, ctx: Context) => void;

type RealtimeExtensions = {
  viewerDependent?: boolean;
  onDelivery?: DeliveryEffect;
};

/**
 * For a field whose value differs between viewers: one event's execution is
 * shared only by subscribers of the same viewer when their selection reads it.
 */
export const viewerDependent = { viewerDependent: true } satisfies RealtimeExtensions;

/** For a subscription field: what each subscriber's delivery of an event does (delivery marks, metrics). */
export function onDelivery(effect: DeliveryEffect): RealtimeExtensions {
  return { onDelivery: effect };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyField = GraphQLField<any, any>;

export function isViewerDependent(field: AnyField | null | undefined): boolean {
  return (field?.extensions as RealtimeExtensions | undefined)?.viewerDependent === true;
}

export function deliveryEffect(schema: GraphQLSchema, subscriptionField: string): DeliveryEffect | undefined {
  const field = schema.getSubscriptionType()?.getFields()[subscriptionField];
  return (field?.extensions as RealtimeExtensions | undefined)?.onDelivery;
}
