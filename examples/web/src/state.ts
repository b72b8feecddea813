// What the page knows, in one place. Whoever changes it calls `changed()`;
// the views re-render once per batch of changes.
import type {
  ConversationListItemFragment,
  ConversationMemberItemFragment,
  MessageStateFragment,
  UserSummaryFragment,
} from '../../generated/graphql.js';
import { isNewer } from '../../clients/versions.js';

export type Conversation = ConversationListItemFragment;

/** A message as it is now (edits, deletion, reactions: the copy with the highest `version`). */
export interface Message extends MessageStateFragment {
  /** Other participants who read it / whose client received it. */
  readers: Set<string>;
  receivers: Set<string>;
}

export interface State {
  me: UserSummaryFragment | null;
  conversations: Map<string, Conversation>;
  /** Live presence, by user id (from `User.online`, then PresenceEvents). */
  online: Map<string, boolean>;
  lastSeen: Map<string, string | null>;
  openId: string | null;
  /** Messages of the open conversation, by id. */
  messages: Map<string, Message>;
  /** Older history of the open conversation: the cursor before its oldest loaded message, if there is more. */
  olderCursor: string | null;
  loadingOlder: boolean;
  /** Where the unread divider goes: the open conversation's unread count when it was opened, and its newest seq then. */
  unreadAtOpen: { count: number; upToSeq: number } | null;
  /** Who is typing in the open conversation: user id → display name. */
  typing: Map<string, string>;
  /** The latest message of someone else in the open conversation, read out by screen readers. */
  announcement: string;
  /** The message the composer replies to (quoted above it), and the one it edits instead of sending. */
  replyingTo: string | null;
  editingId: string | null;
  /** The open conversation's members with their roles (the group info panel), once loaded. */
  members: ConversationMemberItemFragment[] | null;
  /** The list shows the "Archived" folder instead of the other conversations. */
  showArchived: boolean;
  error: string | null;
}

function initialState(): State {
  return {
    me: null,
    conversations: new Map(),
    online: new Map(),
    lastSeen: new Map(),
    openId: null,
    messages: new Map(),
    olderCursor: null,
    loadingOlder: false,
    unreadAtOpen: null,
    typing: new Map(),
    announcement: '',
    replyingTo: null,
    editingId: null,
    members: null,
    showArchived: false,
    error: null,
  };
}

export const state: State = initialState();

export function resetState(): void {
  Object.assign(state, initialState());
}

const listeners = new Set<() => void>();
let scheduled = false;

export function onChange(listener: () => void): void {
  listeners.add(listener);
}

export function changed(): void {
  if (scheduled) return;
  scheduled = true;
  queueMicrotask(() => {
    scheduled = false;
    for (const listener of listeners) listener();
  });
}

// ---- derived values and small updates ----

export function others(conversation: Conversation): Conversation['participants'] {
  return conversation.participants.filter((user) => user.id !== state.me?.id);
}

/** The other member of a direct conversation. */
export function peerOf(conversation: Conversation): Conversation['participants'][number] | undefined {
  return conversation.kind === 'DIRECT' ? others(conversation)[0] : undefined;
}

export function titleOf(conversation: Conversation): string {
  if (conversation.kind === 'GROUP') return conversation.title ?? 'Group';
  return peerOf(conversation)?.displayName ?? 'Just you';
}

function activity(conversation: Conversation): string {
  const last = conversation.lastMessage?.createdAt ?? '';
  return last > conversation.updatedAt ? last : conversation.updatedAt;
}

/** The folder shown (archived or not): pinned first, then most recently active first. */
export function sortedConversations(): Conversation[] {
  return [...state.conversations.values()]
    .filter((conversation) => conversation.archived === state.showArchived)
    .sort((a, b) => Number(b.pinned) - Number(a.pinned) || activity(b).localeCompare(activity(a)));
}

export function archivedCount(): number {
  return [...state.conversations.values()].filter((conversation) => conversation.archived).length;
}

export function addConversation(conversation: Conversation): void {
  state.conversations.set(conversation.id, conversation);
  for (const user of conversation.participants) {
    if (!state.online.has(user.id)) state.online.set(user.id, user.online);
    if (!state.lastSeen.has(user.id)) state.lastSeen.set(user.id, user.lastSeenAt);
  }
}

/** Switches the open conversation (or to none), forgetting what was loaded of the previous one. */
export function setOpenConversation(openId: string | null): void {
  Object.assign(state, { openId, messages: new Map(), typing: new Map(), olderCursor: null, loadingOlder: false, unreadAtOpen: null, announcement: '', replyingTo: null, editingId: null, members: null });
}

export function openConversation(): Conversation | undefined {
  return state.openId ? state.conversations.get(state.openId) : undefined;
}

/**
 * Adds or merges a message of the open conversation. The mutation's answer and
 * the events may come in any order: an older version than the one held changes
 * nothing but the receipts.
 */
export function upsertMessage(item: MessageStateFragment): Message {
  const existing = state.messages.get(item.id);
  const conversation = state.conversations.get(item.conversationId);
  const readers = new Set([...(existing?.readers ?? []), ...item.readBy.map((user) => user.id)]);
  const receivers = new Set([...(existing?.receivers ?? []), ...readers]);
  if (conversation && item.status !== 'SENT') {
    for (const user of others(conversation)) if (user.id !== item.sender.id) receivers.add(user.id);
  }
  const current = existing && !isNewer(item, existing) ? existing : item;
  const message: Message = { ...current, readers, receivers };
  state.messages.set(item.id, message);
  return message;
}

export function sortedMessages(): Message[] {
  return [...state.messages.values()].sort((a, b) => a.seq - b.seq);
}

/** The viewer's newest message in the open conversation: the only one that shows a receipt. */
export function lastOwnMessage(messages: Message[]): Message | undefined {
  return messages.findLast((message) => message.sender.id === state.me?.id);
}

export interface Receipt {
  state: 'sent' | 'delivered' | 'seen';
  /** "Seen", "Delivered", "Sent"; in a group, "Seen by 3". */
  text: string;
}

/** Delivery state of one of the viewer's own messages, as the other members see it. */
export function receiptOf(message: Message): Receipt {
  const conversation = state.conversations.get(message.conversationId);
  const recipients = conversation ? others(conversation).map((user) => user.id) : [];
  const seenBy = recipients.filter((id) => message.readers.has(id)).length;
  if (conversation?.kind === 'GROUP' && seenBy > 0) return { state: 'seen', text: `Seen by ${seenBy}` };
  if (recipients.length > 0 && seenBy === recipients.length) return { state: 'seen', text: 'Seen' };
  if (recipients.length > 0 && recipients.every((id) => message.receivers.has(id))) return { state: 'delivered', text: 'Delivered' };
  return { state: 'sent', text: 'Sent' };
}

/**
 * The first unread message of the open conversation, where the user left off:
 * counting back `unreadAtOpen.count` messages of others from the newest one at
 * opening. Undefined while that part of the history is not loaded.
 */
export function firstUnread(messages: Message[]): Message | undefined {
  const mark = state.unreadAtOpen;
  if (!mark || mark.count === 0) return undefined;
  let remaining = mark.count;
  for (let i = messages.length - 1; i >= 0; i--) {
    const message = messages[i]!;
    if (message.seq > mark.upToSeq || message.sender.id === state.me?.id) continue;
    if (--remaining === 0) return message;
  }
  return undefined;
}

/**
 * Read and delivery marks of the other members (`Conversation.members`): each
 * message up to a member's mark counts as read or received by them. Receipts
 * come live only, so after a reconnect this is how the page catches up.
 */
export function applyMarks(members: ConversationMemberItemFragment[]): void {
  const seqOf = (id: string | null) => (id ? (state.messages.get(id)?.seq ?? -1) : -1);
  for (const { user, lastReadMessageId, lastDeliveredMessageId } of members) {
    if (user.id === state.me?.id) continue;
    const read = seqOf(lastReadMessageId);
    const received = Math.max(read, seqOf(lastDeliveredMessageId));
    for (const message of state.messages.values()) {
      if (message.seq <= read) message.readers.add(user.id);
      if (message.seq <= received) message.receivers.add(user.id);
    }
  }
}
