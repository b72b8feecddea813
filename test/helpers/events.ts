// Reading subscription results in tests: the payloads of one root field, and
// waiting (without sleeps) for the first payload that matches.
import { waitFor } from './deferred.js';
import type { Subscription } from './clients.js';

/** The payloads of `field` received so far; fails on any result that carries errors. */
export function payloads<R, K extends keyof R>(sub: Subscription<R>, field: K): NonNullable<R[K]>[] {
  return sub.results.map((result, index) => {
    if (result.errors?.length) throw new Error(`subscription result ${index} has errors: ${JSON.stringify(result.errors)}`);
    const value = result.data?.[field];
    if (value == null) throw new Error(`subscription result ${index} has no ${String(field)}: ${JSON.stringify(result)}`);
    return value as NonNullable<R[K]>;
  });
}

/** Waits until a payload of `field` satisfies `match`, and returns it. */
export async function waitForPayload<R, K extends keyof R, P extends NonNullable<R[K]>>(
  sub: Subscription<R>,
  field: K,
  match: (payload: NonNullable<R[K]>) => payload is P,
  { timeoutMs = 10_000, what = 'a matching subscription payload' }: { timeoutMs?: number; what?: string } = {},
): Promise<P> {
  let found: P | undefined;
  await waitFor(
    () => {
      found = payloads(sub, field).find(match);
      return found !== undefined;
    },
    { timeoutMs, what },
  );
  return found as P;
}

/** ISO-8601 UTC with milliseconds, as the DateTime scalar promises. */
export const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
