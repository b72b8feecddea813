// Rules that the realtime executor (server/shared-execution.ts) reads off the
// schema's fields, declared on the fields they govern as Pothos `extensions`:
// which fields depend on the viewer, and what each subscriber's delivery of an
// event must do. Nothing about a field is kept in a list of its own elsewhere.
import type { GraphQLField, GraphQLSchema } from 'graphql';
import type { Context } from '../context.js';

/** Runs for every subscriber on every event, also when one execution served many of them. */
export type DeliveryEffect = (event: unknown, ctx: Context) => void;

/**
 * For a subscription field: which class of viewer an event puts `viewerId` in,
 * for one viewer-dependent field (by coordinate, e.g. `ReactionGroup.reactedByMe`):
 * viewers of one class get the same value of that field from that event.
 */
export type ViewerClassifier = (event: unknown, viewerId: string) => string;

type RealtimeExtensions = {
  viewerDependent?: boolean;
  onDelivery?: DeliveryEffect;
  viewerClasses?: Record<string, ViewerClassifier>;
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

/**
 * For a subscription field: how its events sort viewers into classes for
 * viewer-dependent fields they can reach, so that subscribers of one class
 * share one execution. Say a message's reactions: everyone who did not react
 * reads `reactedByMe: false` everywhere, so one execution serves them all and
 * only the reactors get their own. A selection that reads a viewer-dependent
 * field without a classifier here is executed per viewer.
 */
export function viewerClasses(classifiers: Record<string, ViewerClassifier>): RealtimeExtensions {
  return { viewerClasses: classifiers };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyField = GraphQLField<any, any>;

export function isViewerDependent(field: AnyField | null | undefined): boolean {
  return (field?.extensions as RealtimeExtensions | undefined)?.viewerDependent === true;
}

export function viewerClassifiers(schema: GraphQLSchema, subscriptionField: string): Record<string, ViewerClassifier> {
  const field = schema.getSubscriptionType()?.getFields()[subscriptionField];
  return (field?.extensions as RealtimeExtensions | undefined)?.viewerClasses ?? {};
}

export function deliveryEffect(schema: GraphQLSchema, subscriptionField: string): DeliveryEffect | undefined {
  const field = schema.getSubscriptionType()?.getFields()[subscriptionField];
  return (field?.extensions as RealtimeExtensions | undefined)?.onDelivery;
}
