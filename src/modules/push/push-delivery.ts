// Sends a push with web-push (RFC 8291 aes128gcm payload, RFC 8292 VAPID
// JWT) and says what the queue should do next: done, drop the subscription
// (404/410), try again later (429, 5xx, the push service unreachable), or give up.
// PushSending does it, in the sender thread (push-sender.ts); PushDelivery,
// on the main thread, hands it pushes and counts what became of them.
import webpush, { WebPushError } from 'web-push';
import type { Logger } from '../../infra/logger.js';
import type { Metrics } from '../../infra/metrics.js';
import { EndpointRefusedError, type EndpointGuard } from './endpoint-guard.js';
import type { VapidKeys } from './vapid.js';

/** What a queue keeps of a push until it is sent. */
export interface PushJobData {
  subscriptionId: string;
  /** Whose push it is: a subscription moved to someone else since is not sent it. */
  userId: string;
  /** The contract's JSON payload, as sent. */
  payload: string;
  topic: string;
  /** When the push was queued (ms since the epoch): it is retried for RETRY_FOR_MS from then. */
  queuedAt: number;
  /** Attempts already made (a push queued again to be retried); absent: none. */
  tries?: number;
}

export interface StoredSubscription {
  id: string;
  userId: string;
  endpoint: string;
  p256dh: string;
  auth: string;
}

export type Outcome =
  | { kind: 'sent' }
  /** Nothing to send: the subscription was unregistered, or moved to another user, since the push was queued. */
  | { kind: 'dropped' }
  | { kind: 'gone' }
  | { kind: 'retry'; afterMs: number }
  | { kind: 'failed'; reason: string };

/** How long a push waits at a push service at most (the contract asks for at most a day). */
export const PUSH_TTL_SECONDS = 24 * 60 * 60;
/** A push that still fails this long after it was queued is given up (the contract asks for at least 10 minutes). */
export const RETRY_FOR_MS = 15 * 60_000;
/** First retry after 1 s, doubling, at most 60 s apart. */
export const FIRST_RETRY_MS = 1_000;
export const MAX_RETRY_MS = 60_000;
/** One request to a push service takes this long at most. */
const REQUEST_TIMEOUT_MS = 10_000;

/** Network failures worth another try (the push service restarting, a connection lost). */
const TRANSIENT_NETWORK_ERRORS = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'ENOTFOUND',
  'ECONNABORTED',
  'UND_ERR_SOCKET',
]);

/** VAPID JWTs live 12 hours (RFC 8292 allows 24) and are renewed when less than an hour is left. */
const VAPID_JWT_SECONDS = 12 * 3600;
const VAPID_RENEW_BEFORE_SECONDS = 3600;

/** A push to send now: `attempt` counts from 1. */
export interface PushToSend {
  subscription: StoredSubscription;
  job: PushJobData;
  attempt: number;
}

/** Where pushes are sent (the sender thread); one outcome per push, in order. */
export interface PushSender {
  sendAll(pushes: PushToSend[]): Promise<Outcome[]>;
  close(): Promise<void>;
}

export class PushDelivery {
  constructor(
    private readonly sender: PushSender,
    private readonly metrics: Metrics,
    private readonly log: Logger,
  ) {}

  /** Sends the pushes and counts their outcomes. */
  async deliverAll(pushes: PushToSend[]): Promise<Outcome[]> {
    if (pushes.length === 0) return [];
    const outcomes = await this.sender.sendAll(pushes);
    outcomes.forEach((outcome, i) => {
      if (outcome.kind === 'sent') this.metrics.pushesSent.inc();
      else if (outcome.kind === 'retry') this.metrics.pushesRetried.inc();
      else if (outcome.kind === 'failed') {
        this.metrics.pushesFailed.inc();
        this.log.warn('push given up', { reason: outcome.reason, attempt: pushes[i]!.attempt });
      }
    });
    return outcomes;
  }

  close(): Promise<void> {
    return this.sender.close();
  }
}

export class PushSending {
  /** Authorization header per push service origin. */
  private readonly vapidHeaders = new Map<string, { authorization: string; expiresAt: number }>();

  constructor(
    private readonly keys: VapidKeys,
    private readonly guard: EndpointGuard,
  ) {}

  /** Sends the job's payload to the subscription; `attempt` counts from 1. */
  async send(subscription: StoredSubscription, job: PushJobData, attempt: number): Promise<Outcome> {
    let endpoint: URL;
    try {
      endpoint = new URL(subscription.endpoint);
    } catch {
      return { kind: 'failed', reason: 'endpoint is not a URL' };
    }
    const refused = this.guard.refuseUrl(endpoint);
    if (refused) return { kind: 'failed', reason: refused };
    try {
      await webpush.sendNotification(
        { endpoint: subscription.endpoint, keys: { p256dh: subscription.p256dh, auth: subscription.auth } },
        job.payload,
        {
          headers: { Authorization: this.vapidAuthorization(endpoint) },
          TTL: PUSH_TTL_SECONDS,
          urgency: 'high',
          topic: job.topic,
          contentEncoding: 'aes128gcm',
          agent: this.guard.agentFor(endpoint),
          timeout: REQUEST_TIMEOUT_MS,
        },
      );
      return { kind: 'sent' };
    } catch (error) {
      return this.classify(error, job, attempt);
    }
  }

  /**
   * The VAPID Authorization header for the endpoint's push service, made by
   * web-push (an ES256 JWT, aud = the origin) and kept until an hour before
   * it expires: signing one per push cost more CPU than encrypting the payload.
   */
  private vapidAuthorization(endpoint: URL): string {
    const audience = endpoint.origin;
    const now = Math.floor(Date.now() / 1000);
    let cached = this.vapidHeaders.get(audience);
    if (!cached || cached.expiresAt - now < VAPID_RENEW_BEFORE_SECONDS) {
      const expiresAt = now + VAPID_JWT_SECONDS;
      const headers = webpush.getVapidHeaders(audience, this.keys.subject, this.keys.publicKey, this.keys.privateKey, 'aes128gcm', expiresAt);
      cached = { authorization: headers.Authorization, expiresAt };
      if (this.vapidHeaders.size > 1_000) this.vapidHeaders.clear();
      this.vapidHeaders.set(audience, cached);
    }
    return cached.authorization;
  }

  private classify(error: unknown, job: PushJobData, attempt: number): Outcome {
    if (error instanceof WebPushError) {
      const status = error.statusCode;
      if (status === 404 || status === 410) return { kind: 'gone' };
      if (status === 429 || status >= 500) return this.retry(job, attempt, `push service answered ${status}`, retryAfterMs(error.headers));
      return { kind: 'failed', reason: `push service answered ${status}` };
    }
    if (error instanceof EndpointRefusedError) return { kind: 'failed', reason: error.message };
    const code = (error as { code?: string }).code;
    if ((code && TRANSIENT_NETWORK_ERRORS.has(code)) || /timeout|socket hang up/i.test(String((error as Error)?.message))) {
      return this.retry(job, attempt, `push service unreachable (${code ?? (error as Error).message})`);
    }
    return { kind: 'failed', reason: String((error as Error)?.message ?? error) };
  }

  private retry(job: PushJobData, attempt: number, reason: string, retryAfter?: number): Outcome {
    const afterMs = retryDelayMs(attempt, retryAfter);
    if (Date.now() + afterMs - job.queuedAt > RETRY_FOR_MS) return { kind: 'failed', reason: `${reason}; retried for ${RETRY_FOR_MS / 60_000} minutes` };
    return { kind: 'retry', afterMs };
  }
}

/**
 * When to try again after failed attempt number `attempt` (from 1): 1 s, 2 s,
 * 4 s … at most 60 s, never sooner than the push service's Retry-After (itself
 * capped at 60 s).
 */
export function retryDelayMs(attempt: number, retryAfterMs?: number): number {
  const backoff = Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** Math.max(0, attempt - 1));
  return Math.min(MAX_RETRY_MS, Math.max(backoff, retryAfterMs ?? 0));
}

/** Retry-After as delay-seconds or an HTTP date. */
export function retryAfterMs(headers: Record<string, string | string[] | undefined> | undefined): number | undefined {
  const raw = headers?.['retry-after'];
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}
