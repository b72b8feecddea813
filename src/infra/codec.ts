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
  return JSON.parse(text, (_key, v) => {
    if (v && typeof v === 'object' && typeof v.$date === 'string' && Object.keys(v).length === 1) {
      return new Date(v.$date);
    }
    return v;
  }) as T;
}
