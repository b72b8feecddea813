// Per-user rate limits (rate-limiter-flexible): counters in Redis when it is
// configured, so that a limit holds across processes, else in memory. When
// Redis is unreachable the in-memory limiter takes over (insurance), so a
// Redis outage never blocks sending.
import type { RedisClient } from '../../infra/redis.js';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { rateLimited } from '../../errors.js';

/** What is limited, with its default budget: `points` actions per `durationSeconds`, per user. */
export const RATE_LIMITS = {
  sendMessage: { points: 30, durationSeconds: 10 },
  setTyping: { points: 30, durationSeconds: 10 },
  markRead: { points: 60, durationSeconds: 10 },
  editMessage: { points: 20, durationSeconds: 10 },
  deleteMessage: { points: 20, durationSeconds: 10 },
  /** addReaction and removeReaction, one budget. */
  reaction: { points: 60, durationSeconds: 10 },
  createConversation: { points: 20, durationSeconds: 60 },
  uploadAttachment: { points: 30, durationSeconds: 60 },
  /** Bytes uploaded per hour (UPLOAD_BYTES_PER_HOUR sets the points). */
  uploadBytes: { points: 200 * 1024 * 1024, durationSeconds: 3600 },
  searchMessages: { points: 60, durationSeconds: 10 },
  connection: { points: 30, durationSeconds: 60 },
  /** registerPushSubscription and unregisterPushSubscription, one budget. */
  pushSubscription: { points: 10, durationSeconds: 60 },
  /** addParticipants, removeParticipant, leaveConversation, setParticipantRole: one budget. */
  manageMembers: { points: 30, durationSeconds: 60 },
  updateConversation: { points: 10, durationSeconds: 60 },
  conversationSettings: { points: 60, durationSeconds: 60 },
  /** blockUser and unblockUser: one budget. */
  block: { points: 20, durationSeconds: 60 },
  privacySettings: { points: 10, durationSeconds: 60 },
} as const;

export type RateLimitedAction = keyof typeof RATE_LIMITS;

export class RateLimits {
  private readonly limiters = new Map<RateLimitedAction, RateLimiterAbstract>();

  constructor(
    private readonly enabled: boolean,
    redis?: RedisClient,
    prefix = 'chat:',
    private readonly onRejected: (action: RateLimitedAction) => void = () => undefined,
    /** Budgets that differ from RATE_LIMITS' points (configured ones). */
    points: Partial<Record<RateLimitedAction, number>> = {},
  ) {
    for (const [action, { points: defaultPoints, durationSeconds }] of Object.entries(RATE_LIMITS) as [RateLimitedAction, (typeof RATE_LIMITS)[RateLimitedAction]][]) {
      const options = { points: points[action] ?? defaultPoints, duration: durationSeconds, keyPrefix: `${prefix}rl:${action}` };
      const memory = new RateLimiterMemory(options);
      this.limiters.set(
        action,
        redis ? new RateLimiterRedis({ ...options, storeClient: redis, insuranceLimiter: memory, useRedisPackage: false }) : memory,
      );
    }
  }

  /** Takes one action (or `points` of them: bytes) from the user's budget; RATE_LIMITED with retryAfterMs when it is spent. */
  async consume(action: RateLimitedAction, userId: string, points = 1): Promise<void> {
    if (!this.enabled) return;
    try {
      await this.limiters.get(action)!.consume(userId, points);
    } catch (error) {
      if (error instanceof RateLimiterRes) {
        this.onRejected(action);
        throw rateLimited(error.msBeforeNext);
      }
      throw error;
    }
  }
}
