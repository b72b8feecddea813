// Pub/sub payloads cross process boundaries as JSON, which loses Date. Dates
// are written as {"$date": "<ISO>"} and revived on the way back, deliberately,
// so that a payload looks the same whichever engine carried it.
//
// Both directions walk the value themselves instead of handing JSON a
// replacer or reviver: a callback per value takes JSON.stringify and
// JSON.parse off their fast paths (2-3 times slower for our events).

export function encode(value: unknown): string {
  if (value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Date)) {
    for (const key in value) {
      const item = (value as Record<string, unknown>)[key];
      if (item !== null && typeof item === 'object' && shared.has(item)) return encodeWithShared(value as Record<string, unknown>);
    }
  }
  return JSON.stringify(withTaggedDates(value));
}

/** Objects encoded once for every payload that carries them as a property (their JSON, as encode writes it). */
const shared = new WeakMap<object, string>();

/**
 * Encodes `value` now and reuses that text wherever a payload carries it as
 * one of its own properties: a send publishes its message twice, in the event
 * and in the notice, and encoding it was most of the codec's time per send.
 * `value` must not change afterwards.
 */
export function encodeShared<T extends object>(value: T): T {
  if (!shared.has(value)) shared.set(value, encode(value));
  return value;
}

/** JSON.stringify of an object some of whose properties are encoded already (same keys, order and omissions). */
function encodeWithShared(value: Record<string, unknown>): string {
  let json = '';
  for (const key in value) {
    const item = value[key];
    const text = item !== null && typeof item === 'object' ? (shared.get(item) ?? JSON.stringify(withTaggedDates(item))) : JSON.stringify(item);
    if (text === undefined) continue; // undefined and functions: left out, as JSON.stringify does
    json += `${json === '' ? '{' : ','}${JSON.stringify(key)}:${text}`;
  }
  return json === '' ? '{}' : `${json}}`;
}

export function decode<T = unknown>(text: string): T {
  return revive(JSON.parse(text)) as T;
}

/** `value` with every Date replaced by `{ $date }`; objects without dates are reused, not copied. */
function withTaggedDates(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Date) return { $date: value.toISOString() };
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const tagged = withTaggedDates(value[i]);
      if (tagged !== value[i]) (copy ??= value.slice())[i] = tagged;
    }
    return copy ?? value;
  }
  let copy: Record<string, unknown> | undefined;
  for (const key in value) {
    const item = (value as Record<string, unknown>)[key];
    if (item === null || typeof item !== 'object') continue;
    const tagged = withTaggedDates(item);
    if (tagged !== item) (copy ??= { ...value })[key] = tagged;
  }
  return copy ?? value;
}

/** Turns every `{ $date }` (with no other key) back into a Date, in place. */
function revive(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  const record = value as Record<string, unknown>;
  if (!Array.isArray(value) && typeof record.$date === 'string' && isDateOnly(record)) return new Date(record.$date);
  for (const key in record) {
    const item = record[key];
    if (item !== null && typeof item === 'object') record[key] = revive(item);
  }
  return value;
}

/** `{ $date }` and nothing else (without building a key array for every object decoded). */
function isDateOnly(value: object): boolean {
  let keys = 0;
  for (const _ in value) if (++keys > 1) return false;
  return true;
}
