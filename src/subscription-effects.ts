// What must happen for each subscriber on each event of a subscription field
// (delivery marks, metrics), kept apart from the field's resolver because one
// execution of the resolver may serve many subscribers (server/shared-execution.ts).
import type { Context } from './context.js';

type Effect = (event: unknown, ctx: Context) => void;
const effects = new Map<string, Effect>();

export function onSubscriptionEvent(field: string, effect: Effect): void {
  effects.set(field, effect);
}

export function subscriptionEffect(field: string): Effect | undefined {
  return effects.get(field);
}
