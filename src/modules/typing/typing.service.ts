// Typing indicators, never stored. Publishers send every setTyping; each
// subscription keeps who is typing with a deadline, so that a repeated `true`
// only refreshes the deadline, and `false` comes on setTyping(false), on the
// deadline (6 s after the last `true`), or when the typist's socket closes.
// The deadline is kept where events are consumed, so it holds across processes.
import { Repeater } from '@repeaterjs/repeater';
import type { User } from '../../generated/prisma/client.js';
import type { AppPubSub } from '../../topics.js';
import type { MembershipCache } from '../conversations/membership.js';
import type { UserHints } from '../users/users.schema.js';

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
    private readonly membership: MembershipCache,
    private readonly log: (message: string, error: unknown) => void,
  ) {}

  async setTyping(user: User, conversationId: string, isTyping: boolean, socket?: TypingSockets): Promise<boolean> {
    await this.membership.assertMember(conversationId, user.id);
    if (socket) {
      if (isTyping) socket.add(conversationId);
      else socket.delete(conversationId);
    }
    await this.pubsub.publish('typing', conversationId, { conversationId, user: { ...user, visible: true }, isTyping }).catch((error) => {
      this.log('publishing typing failed', error);
    });
    return true;
  }

  /** The socket that sent setTyping(true) closed: its typist stopped. */
  async socketClosed(user: User, socket: TypingSockets): Promise<void> {
    for (const conversationId of socket) {
      await this.pubsub
        .publish('typing', conversationId, { conversationId, user: { ...user, visible: true }, isTyping: false })
        .catch((error) => this.log('publishing typing failed', error));
    }
    socket.clear();
  }

  /** Other participants starting and stopping typing, deduplicated, with the 6 s deadline applied here. */
  subscribe(conversationId: string, viewerId: string): AsyncIterableIterator<TypingEventPayload> {
    return new Repeater<TypingEventPayload>(async (push, stop) => {
      const typing = new Map<string, NodeJS.Timeout>();
      const stopped = (event: TypingEventPayload) => {
        clearTimeout(typing.get(event.user.id));
        typing.delete(event.user.id);
        void push({ ...event, isTyping: false });
      };
      const unsubscribe = await this.pubsub.subscribe('typing', conversationId, (event) => {
        if (event.user.id === viewerId) return;
        if (!this.membership.cached(conversationId)?.has(viewerId)) {
          stop();
          return;
        }
        const wasTyping = typing.has(event.user.id);
        if (!event.isTyping) {
          if (wasTyping) stopped(event);
          return;
        }
        clearTimeout(typing.get(event.user.id));
        typing.set(event.user.id, setTimeout(() => stopped(event), TYPING_TIMEOUT_MS));
        if (!wasTyping) void push(event);
      });
      await stop;
      for (const timer of typing.values()) clearTimeout(timer);
      await unsubscribe();
    });
  }
}
