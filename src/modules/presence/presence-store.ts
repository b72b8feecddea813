// Where presence lives: which users have at least one open WebSocket on some
// server process. In-process it is a count per user. With Redis each process
// holds a lease per connected user (`presence:u:<userId>`, member = process
// id, score = lease expiry), renewed by a heartbeat; the leases of a process
// that died run out and a reaper on the surviving processes turns those users
// OFFLINE. Lua scripts make every transition atomic, so exactly one process
// reports each ONLINE/OFFLINE change.
import { randomUUID } from 'node:crypto';
import type { RedisClient } from '../../infra/redis.js';
import { bucketOf, spreadTags } from '../../infra/slots.js';

export interface PresenceStore {
  /** Records a socket; true when the user just came online (first socket anywhere). */
  connect(userId: string): Promise<boolean>;
  /** Forgets a socket; true when the user just went offline (last socket anywhere). */
  disconnect(userId: string): Promise<boolean>;
  onlineUsers(userIds: readonly string[]): Promise<Set<string>>;
  /** Sockets of the user open in this process. */
  localSockets(userId: string): number;
  /** Called with the users whose every lease ran out (their process died). */
  onExpired(handler: (userIds: string[]) => void): void;
  close(): Promise<void>;
}

export class InProcessPresenceStore implements PresenceStore {
  private readonly sockets = new Map<string, number>();

  async connect(userId: string) {
    const before = this.sockets.get(userId) ?? 0;
    this.sockets.set(userId, before + 1);
    return before === 0;
  }

  async disconnect(userId: string) {
    const left = (this.sockets.get(userId) ?? 0) - 1;
    if (left > 0) this.sockets.set(userId, left);
    else this.sockets.delete(userId);
    return left === 0;
  }

  async onlineUsers(userIds: readonly string[]) {
    return new Set(userIds.filter((id) => this.sockets.has(id)));
  }

  localSockets(userId: string) {
    return this.sockets.get(userId) ?? 0;
  }

  onExpired() {}

  async close() {}
}

export interface RedisPresenceOptions {
  /** Prefix of the keys. Default `chat:`. */
  prefix?: string;
  /** How long a lease lives without a heartbeat. Default 45 s (a dead process's users are offline within 60 s). */
  leaseMs?: number;
  /** How often leases are renewed and expired ones reaped. Default 10 s. */
  heartbeatMs?: number;
}


// KEYS[1] user set, KEYS[2] its bucket's leases (one hash tag: one slot on a cluster); ARGV: process id, lease member, expiry, now
const CONNECT = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[4])
local before = redis.call('ZCARD', KEYS[1])
redis.call('ZADD', KEYS[1], ARGV[3], ARGV[1])
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[2])
return before`;

// KEYS as above; ARGV: process id, lease member, now
const DISCONNECT = `
local removed = redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('ZREM', KEYS[2], ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[3])
if removed == 1 and redis.call('ZCARD', KEYS[1]) == 0 then return 1 end
return 0`;

// KEYS[1] a bucket's leases; ARGV: now, limit, the bucket's user key prefix (same tag). Returns users left with no live lease.
const REAP = `
local expired = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
local offline = {}
for _, member in ipairs(expired) do
  redis.call('ZREM', KEYS[1], member)
  local sep = string.find(member, '\\n', 1, true)
  local user = string.sub(member, 1, sep - 1)
  local proc = string.sub(member, sep + 1)
  local key = ARGV[3] .. user
  local removed = redis.call('ZREM', key, proc)
  redis.call('ZREMRANGEBYSCORE', key, '-inf', ARGV[1])
  if removed == 1 and redis.call('ZCARD', key) == 0 then table.insert(offline, user) end
end
return offline`;

// KEYS[1] a bucket's leases; ARGV: expiry, process id, the bucket's user key prefix (same tag), then user ids: renews their leases
const RENEW = `
local expiry, proc, prefix = ARGV[1], ARGV[2], ARGV[3]
for i = 4, #ARGV do
  redis.call('ZADD', prefix .. ARGV[i], expiry, proc)
  redis.call('ZADD', KEYS[1], expiry, ARGV[i] .. '\\n' .. proc)
end
return 0`;

/** Users one LIVE_LEASES call looks at, at most (a script blocks Redis while it runs). */
const LIVE_LEASES_BATCH = 500;
/** Users whose leases one RENEW call renews at most (a script blocks Redis while it runs). */
const RENEW_BATCH = 500;

// KEYS: users' keys (one slot on a cluster); ARGV[1]: now. Returns each user's live leases.
const LIVE_LEASES = `
local counts = {}
for i, key in ipairs(KEYS) do counts[i] = redis.call('ZCOUNT', key, '(' .. ARGV[1], '+inf') end
return counts`;

/** Presence buckets: each is one hash tag (a user's key and the bucket's leases share a slot), spread over the slots. */
export const PRESENCE_BUCKETS = 128;

export class RedisPresenceStore implements PresenceStore {
  private readonly processId = randomUUID();
  private readonly local = new Map<string, number>();
  private readonly leaseMs: number;
  private readonly timer: NodeJS.Timeout;
  private expiredHandler: (userIds: string[]) => void = () => undefined;
  /** Per bucket: the prefix of its users' keys (`…presence:{tag}:u:`) and its leases key. */
  private readonly buckets: { userPrefix: string; leases: string }[];

  constructor(
    private readonly redis: RedisClient,
    private readonly onError: (error: unknown) => void,
    { leaseMs = 45_000, heartbeatMs = 10_000, prefix = 'chat:' }: RedisPresenceOptions = {},
  ) {
    this.leaseMs = leaseMs;
    this.buckets = spreadTags(PRESENCE_BUCKETS, 'p').map((tag) => ({
      userPrefix: `${prefix}presence:${tag}:u:`,
      leases: `${prefix}presence:${tag}:leases`,
    }));
    this.timer = setInterval(() => void this.heartbeat(), heartbeatMs);
    this.timer.unref();
  }

  private bucket(userId: string) {
    return this.buckets[bucketOf(userId, PRESENCE_BUCKETS)]!;
  }

  private userKey(userId: string) {
    return `${this.bucket(userId).userPrefix}${userId}`;
  }

  private member(userId: string) {
    return `${userId}\n${this.processId}`;
  }

  async connect(userId: string) {
    const count = this.local.get(userId) ?? 0;
    this.local.set(userId, count + 1);
    if (count > 0) return false;
    const now = Date.now();
    const { leases } = this.bucket(userId);
    const before = (await this.redis.eval(CONNECT, 2, this.userKey(userId), leases, this.processId, this.member(userId), now + this.leaseMs, now)) as number;
    return before === 0;
  }

  async disconnect(userId: string) {
    const left = (this.local.get(userId) ?? 0) - 1;
    if (left > 0) {
      this.local.set(userId, left);
      return false;
    }
    this.local.delete(userId);
    const { leases } = this.bucket(userId);
    const wentOffline = (await this.redis.eval(DISCONNECT, 2, this.userKey(userId), leases, this.processId, this.member(userId), Date.now())) as number;
    return wentOffline === 1;
  }

  async onlineUsers(userIds: readonly string[]) {
    if (userIds.length === 0) return new Set<string>();
    const now = Date.now();
    const online = new Set<string>();
    // One script call for all the users on a single Redis (a push planning
    // batch asks for up to hundreds: a command each cost the client more than
    // the script costs Redis); one per bucket on a cluster, where a script's keys share a slot.
    const groups = this.redis.isCluster ? [...this.byBucket(userIds).values()] : [userIds];
    const calls: string[][] = [];
    for (const ids of groups) for (let i = 0; i < ids.length; i += LIVE_LEASES_BATCH) calls.push(ids.slice(i, i + LIVE_LEASES_BATCH));
    await Promise.all(
      calls.map(async (ids) => {
        const counts = (await this.redis.eval(LIVE_LEASES, ids.length, ...ids.map((id) => this.userKey(id)), now)) as number[];
        ids.forEach((id, i) => counts[i]! > 0 && online.add(id));
      }),
    );
    return online;
  }

  private byBucket(userIds: Iterable<string>): Map<number, string[]> {
    const groups = new Map<number, string[]>();
    for (const id of userIds) {
      const bucket = bucketOf(id, PRESENCE_BUCKETS);
      const group = groups.get(bucket);
      if (group) group.push(id);
      else groups.set(bucket, [id]);
    }
    return groups;
  }

  onExpired(handler: (userIds: string[]) => void) {
    this.expiredHandler = handler;
  }

  localSockets(userId: string) {
    return this.local.get(userId) ?? 0;
  }

  /** Renews this process's leases, then reaps the leases of processes that stopped renewing theirs, bucket by bucket. */
  async heartbeat(): Promise<void> {
    try {
      const now = Date.now();
      const expiry = now + this.leaseMs;
      // One script call per bucket (and 500 users), not two commands per user: with thousands of users
      // a pipeline's commands, all alive until it answers, outlived young collections every heartbeat.
      const calls: Promise<unknown>[] = [];
      for (const [bucket, ids] of this.byBucket(this.local.keys())) {
        const { leases, userPrefix } = this.buckets[bucket]!;
        for (let i = 0; i < ids.length; i += RENEW_BATCH) {
          calls.push(this.redis.eval(RENEW, 1, leases, expiry, this.processId, userPrefix, ...ids.slice(i, i + RENEW_BATCH)));
        }
      }
      await Promise.all(calls);
      await Promise.all(
        this.buckets.map(async ({ leases, userPrefix }) => {
          for (;;) {
            const offline = (await this.redis.eval(REAP, 1, leases, now, 500, userPrefix)) as string[];
            if (offline.length > 0) this.expiredHandler(offline);
            if (offline.length < 500) break;
          }
        }),
      );
    } catch (error) {
      this.onError(error);
    }
  }

  async close() {
    clearInterval(this.timer);
    // Leaving cleanly: give up this process's leases now rather than at expiry.
    for (const userId of [...this.local.keys()]) {
      this.local.set(userId, 1);
      await this.disconnect(userId).catch(() => false);
    }
  }
}
