// Spreading keys and channels over a Redis Cluster's 16,384 hash slots.
//
// Keys that a Lua script touches together must share a slot, so they carry
// a hash tag (`{…}`) per bucket. A handful of tags such as `{0}`…`{31}` hash
// to slots that fall unevenly over the masters (centrifugal/centrifuge#554):
// instead each bucket gets a tag found to hash to evenly spaced slots, so
// buckets split over the masters in proportion to the slots each one owns
// (masters own contiguous slot ranges after `redis-cli --cluster create` and
// after rebalancing). The tags are found by a deterministic search, the same
// in every process.
import calculateSlot from 'cluster-key-slot';

export const SLOTS = 16_384;

const cache = new Map<string, string[]>();

/** `count` hash tags (with braces) whose slots are evenly spaced; `namespace` keeps families apart. */
export function spreadTags(count: number, namespace: string): string[] {
  const cacheKey = `${namespace}\n${count}`;
  const known = cache.get(cacheKey);
  if (known) return known;
  const wanted = new Map<number, number>(); // slot → bucket
  for (let bucket = 0; bucket < count; bucket++) wanted.set(Math.floor(((bucket + 0.5) * SLOTS) / count), bucket);
  const tags: string[] = new Array(count);
  let found = 0;
  // ~16,384 × ln(count) candidates on average: a few milliseconds for a few hundred buckets.
  for (let n = 0; found < count; n++) {
    const tag = `${namespace}${n.toString(36)}`;
    const bucket = wanted.get(calculateSlot(tag));
    if (bucket !== undefined && tags[bucket] === undefined) {
      tags[bucket] = `{${tag}}`;
      found++;
    }
  }
  cache.set(cacheKey, tags);
  return tags;
}

/** A stable bucket in [0, count) for an id (uniform when count divides 16,384). */
export function bucketOf(id: string, count: number): number {
  return calculateSlot(id) % count;
}

export { calculateSlot };
