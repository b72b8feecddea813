// Typing indicators, never stored. Publishers send every setTyping; each
// subscription keeps who is typing with a deadline, so that a repeated `true`
// only refreshes the deadline, and `false` comes on setTyping(false), on the
// deadline (6 s after the last `true`), or when the typist's socket closes.
// The deadline is kept where events are consumed, so it holds across processes.
import type { User } from '../../generated/prisma/client.js';
import { EventQueue } from '../../realtime/event-queue.js';
import type { AppHub, AppPubSub } from '../../topics.js';
import type { MembershipCache } from '../conversations/membership.js';
import { withVisible, type UserHints } from '../users/user-hints.js';
import type { PrivacyService } from '../privacy/privacy.service.js';
import { notFound } from '../../errors.js';

/** How long a typing indicator lasts without a fresh setTyping(true). */
export const TYPING_TIMEOUT_MS = 6_000;

export interface TypingEventPayload {
  conversationId: string;
  user: User & UserHints;
  isTyping: boolean;
}

/** The conversations a socket has said it is typing in, so that closing it can stop them. */
export type TypingSockets = Set<string>;

export class TypingService {
  constructor(
    private readonly pubsub: AppPubSub,
    private readonly hub: AppHub,
    private readonly membership: MembershipCache,
    private readonly privacy: PrivacyService,
    private readonly log: (message: string, error: unknown) => void,
    /** Events waiting for one slow subscriber before its subscription ends. */
    private readonly maxQueue: number,
  ) {}

  async setTyping(user: User, conversationId: string, isTyping: boolean, socket?: TypingSockets): Promise<boolean> {
    await this.membership.assertMember(conversationId, user.id);
    if (socket) {
      if (isTyping) socket.add(conversationId);
      else socket.delete(conversationId);
    }
    await this.pubsub.publish('typing', conversationId, { conversationId, user: withVisible(user), isTyping }).catch((error) => {
      this.log('publishing typing failed', error);
    });
    return true;
  }

  /** The socket that sent setTyping(true) closed: its typist stopped. */
  async socketClosed(user: User, socket: TypingSockets): Promise<void> {
    for (const conversationId of socket) {
      await this.pubsub
        .publish('typing', conversationId, { conversationId, user: withVisible(user), isTyping: false })
        .catch((error) => this.log('publishing typing failed', error));
    }
    socket.clear();
  }

  /** Other participants starting and stopping typing, deduplicated, with the 6 s deadline applied here. */
  subscribe(conversationId: string, viewerId: string): EventQueue<TypingEventPayload> {
    /** Typists with the timer of their deadline. */
    const typing = new Map<string, NodeJS.Timeout>();
    const queue = new EventQueue<TypingEventPayload>(
      () => {
        listening.stop();
        for (const timer of typing.values()) clearTimeout(timer);
        typing.clear();
      },
      { maxSize: this.maxQueue, resubscribe: 'resubscribe' },
    );
    const stopped = (event: TypingEventPayload) => {
      clearTimeout(typing.get(event.user.id));
      typing.delete(event.user.id);
      queue.offer({ ...event, isTyping: false });
    };
    const listening = this.hub.listen('typing', conversationId, (event) => {
      if (event.user.id === viewerId) return;
      if (!this.membership.cached(conversationId)?.has(viewerId)) {
        queue.revoke(notFound('Conversation'));
        return;
      }
      // Blocked either way: none of the other's typing (the blocks are cached, loaded when this subscription started).
      if (this.privacy.blockedEitherCached(viewerId, event.user.id)) return;
      const wasTyping = typing.has(event.user.id);
      if (!event.isTyping) {
        if (wasTyping) stopped(event);
        return;
      }
      clearTimeout(typing.get(event.user.id));
      typing.set(event.user.id, setTimeout(() => stopped(event), TYPING_TIMEOUT_MS));
      if (!wasTyping) queue.offer(event);
    });
    listening.ready.catch((error: unknown) => queue.end(error));
    void this.privacy.preload(viewerId).catch((error) => this.log('loading blocks failed', error));
    // Removed or departed: one NOT_FOUND, then complete.
    return this.membership.guard(queue, conversationId, viewerId);
  }
}
