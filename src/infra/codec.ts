// Pub/sub payloads cross process boundaries as JSON, which loses Date. Dates
// are written as {"$date": "<ISO>"} and revived on the way back, deliberately,
// so that a payload looks the same whichever engine carried it.

export function encode(value: unknown): string {
  return JSON.stringify(value, function (this: Record<string, unknown>, key, v) {
    const raw = this[key];
    return raw instanceof Date ? { $date: raw.toISOString() } : v;
  });
}

export function decode<T = unknown>(text: string): T {
  return JSON.parse(text, (_key, v) => (typeof v === 'object' && v !== null && typeof v.$date === 'string' && isDateOnly(v) ? new Date(v.$date) : v)) as T;
}

/** `{ $date }` and nothing else (without building a key array for every object decoded). */
function isDateOnly(value: object): boolean {
  let keys = 0;
  for (const _ in value) if (++keys > 1) return false;
  return true;
}
