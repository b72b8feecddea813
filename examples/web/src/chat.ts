// The chat session: what the views can ask for (sign in, open, send, …) and
// how live events change the state.
import type { AnyVariables, TypedDocumentNode } from '@urql/core';
import { apiOrigin, connect, devLogin, type Api } from './api.js';
import {
  AddParticipantsDocument,
  AddReactionDocument,
  BlockUserDocument,
  ConversationDocument,
  ConversationEventCursorDocument,
  ConversationMembersDocument,
  ConversationsDocument,
  DeleteMessageDocument,
  EditMessageDocument,
  LeaveConversationDocument,
  RemoveParticipantDocument,
  RenameConversationDocument,
  SearchUsersDocument,
  UnblockUserDocument,
  UpdateConversationSettingsDocument,
  type ConversationSettingsInput,
  HistoryWithStateDocument,
  MarkReadDocument,
  MeDocument,
  MessageFeedDocument,
  NotificationsDocument,
  PresenceDocument,
  RemoveReactionDocument,
  SendMessageWithStateDocument,
  SetTypingDocument,
  StartConversationDocument,
  UploadAttachmentDocument,
  TypingDocument,
  type MessageFeedSubscription,
  type MessageItemFragment,
  type MessageStateFragment,
  type NotificationsSubscription,
} from '../../generated/graphql.js';
import { enablePush } from './push.js';
import { addConversation, applyMarks, changed, resetState, setOpenConversation, state, upsertMessage } from './state.js';

/** Repeat setTyping(true) this often while the user keeps typing (the server forgets it after 6 s). */
const TYPING_REFRESH_MS = 3_000;
const SESSION_KEY = 'chat-demo-session';
/** Messages per history page: the first screenful and each step of scrolling up. */
const PAGE_SIZE = 30;
/** The page URL's parameter that names the open conversation, so that a reload (or a shared link) opens it again. */
const CONVERSATION_PARAM = 'conversation';

export const origin = apiOrigin();
let api: Api | null = null;
/** Ends the open conversation's subscriptions. */
let closeConversation: (() => void) | null = null;
let typingSentAt = 0;

function session(): Api {
  if (!api) throw new Error('Not signed in.');
  return api;
}

/** Shows an error on the page (and in the console, where the end-to-end test looks). */
export function report(error: unknown): void {
  state.error = error instanceof Error ? error.message : String(error);
  console.error(error);
  changed();
}

/** Runs an action; any failure is reported. */
export function attempt(action: () => Promise<unknown>): void {
  action().catch(report);
}

export async function signIn(username: string): Promise<void> {
  const token = await devLogin(origin, username);
  await startSession(token);
  sessionStorage.setItem(SESSION_KEY, JSON.stringify({ origin, token }));
}

/** Signs in again with the token of an earlier visit in this tab, if it still works. */
export async function resumeSession(): Promise<void> {
  const saved = JSON.parse(sessionStorage.getItem(SESSION_KEY) ?? 'null') as { origin: string; token: string } | null;
  if (saved?.origin !== origin) return;
  await startSession(saved.token).catch(() => undefined);
}

async function startSession(token: string): Promise<void> {
  api = connect(origin, token);
  try {
    const { me } = await api.query(MeDocument, {});
    const { conversations } = await api.query(ConversationsDocument, { first: 50 });
    const { conversations: archived } = await api.query(ConversationsDocument, { first: 50, archived: true });
    state.me = me;
    for (const { node } of [...conversations.edges, ...archived.edges]) addConversation(node);
  } catch (error) {
    signOut();
    throw error;
  }
  api.subscribe(NotificationsDocument, {}, onNotification, report);
  api.subscribe(PresenceDocument, {}, ({ presence }) => {
    state.online.set(presence.user.id, presence.status === 'ONLINE');
    state.lastSeen.set(presence.user.id, presence.lastSeenAt);
    changed();
  }, report);
  changed();
  // After sign-in, not on page load: the permission prompt comes when the user has just acted.
  void enablePush(api);
  const inUrl = new URLSearchParams(location.search).get(CONVERSATION_PARAM);
  if (inUrl && state.conversations.has(inUrl)) await open(inUrl);
}

/** Puts the open conversation in the page URL (replacing the entry: the back button leaves the page, as before). */
function keepInUrl(conversationId: string | null): void {
  const url = new URL(location.href);
  if (conversationId) url.searchParams.set(CONVERSATION_PARAM, conversationId);
  else url.searchParams.delete(CONVERSATION_PARAM);
  history.replaceState(null, '', url);
}

export function signOut(): void {
  closeConversation?.();
  closeConversation = null;
  keepInUrl(null);
  api?.close();
  api = null;
  sessionStorage.removeItem(SESSION_KEY);
  resetState();
  changed();
}

export async function startConversation(username: string): Promise<void> {
  const { startConversation } = await session().mutate(StartConversationDocument, { userId: username });
  addConversation(startConversation);
  await open(startConversation.id);
}

/** Back to the conversation list (on a phone, the list and the chat are two screens). */
export async function close(): Promise<void> {
  await stopTyping();
  closeConversation?.();
  closeConversation = null;
  setOpenConversation(null);
  keepInUrl(null);
  changed();
}

/**
 * Opens a conversation: where its change feed stands, its newest page of
 * history, then the feed's events from that point on (what changed while the
 * history was read comes again: the newer version wins).
 */
export async function open(conversationId: string): Promise<void> {
  if (state.openId === conversationId) return;
  await stopTyping();
  closeConversation?.();
  const unread = state.conversations.get(conversationId)?.unreadCount ?? 0;
  setOpenConversation(conversationId);
  keepInUrl(conversationId);
  changed();

  const { conversation } = await session().query(ConversationEventCursorDocument, { id: conversationId });
  const { messages } = await session().query(HistoryWithStateDocument, { conversationId, last: PAGE_SIZE });
  if (state.openId !== conversationId) return;
  for (const { node } of messages.edges) upsertMessage(node);
  state.olderCursor = messages.pageInfo.hasPreviousPage ? (messages.pageInfo.startCursor ?? null) : null;
  state.unreadAtOpen = { count: unread, upToSeq: messages.edges.at(-1)?.node.seq ?? 0 };
  // Removed from it (or left on another device): its subscriptions end with NOT_FOUND, often before
  // RemovedFromConversationNotification comes. Either one takes it off the screen.
  const ended = (error: Error) => {
    if (notInIt(error)) attempt(() => dropConversation(conversationId));
    else report(error);
  };
  const stops = [
    follow(conversationId, conversation.eventCursor ?? null, ended),
    session().subscribe(TypingDocument, { conversationId }, ({ typing }) => {
      if (typing.user.id === state.me?.id) return;
      if (typing.isTyping) state.typing.set(typing.user.id, typing.user.displayName);
      else state.typing.delete(typing.user.id);
      changed();
    }, ended),
  ];
  closeConversation = () => stops.forEach((stop) => stop());
  changed();
  await Promise.all([markReadIfShown(), loadMembers()]);
}

// ---- groups, settings, blocking ----

/** The open conversation's members and roles (the info panel), and its title and role as they are now. */
export async function loadMembers(): Promise<void> {
  const conversationId = state.openId;
  if (!conversationId) return;
  const answer = await inConversation(conversationId, () => session().query(ConversationMembersDocument, { id: conversationId }));
  if (!answer) return;
  const { conversation } = answer;
  const held = state.conversations.get(conversationId);
  if (state.openId !== conversationId || !held) return;
  Object.assign(held, { title: conversation.title, viewerRole: conversation.viewerRole, participants: conversation.members.map((member) => member.user) });
  state.members = conversation.members;
  applyMarks(conversation.members);
  changed();
}

/** Adds a user to the open group by username (found with `users(search:)`). */
export async function addMember(username: string): Promise<void> {
  const conversationId = state.openId;
  if (!conversationId || !username) return;
  const { users } = await session().query(SearchUsersDocument, { search: username, first: 20 });
  const user = users.edges.map((edge) => edge.node).find((found) => found.username.toLowerCase() === username.toLowerCase());
  if (!user) throw new Error(`Nobody is called ${username}.`);
  await session().mutate(AddParticipantsDocument, { conversationId, userIds: [user.id] });
  await loadMembers();
}

export async function removeMember(userId: string): Promise<void> {
  if (!state.openId) return;
  await session().mutate(RemoveParticipantDocument, { conversationId: state.openId, userId });
  await loadMembers();
}

export async function rename(title: string): Promise<void> {
  if (!state.openId || !title) return;
  const { updateConversation } = await session().mutate(RenameConversationDocument, { conversationId: state.openId, title });
  const held = state.conversations.get(updateConversation.id);
  if (held) Object.assign(held, updateConversation);
  changed();
}

export async function leave(): Promise<void> {
  const conversationId = state.openId;
  if (!conversationId) return;
  await session().mutate(LeaveConversationDocument, { conversationId });
  await dropConversation(conversationId);
}

/** Mute, archive or pin, for the viewer only. */
export async function updateSettings(conversationId: string, input: ConversationSettingsInput): Promise<void> {
  const { updateConversationSettings } = await session().mutate(UpdateConversationSettingsDocument, { conversationId, input });
  const held = state.conversations.get(conversationId);
  if (held) Object.assign(held, updateConversationSettings);
  changed();
}

export function showArchived(shown: boolean): void {
  state.showArchived = shown;
  changed();
}

export async function setBlocked(userId: string, blocked: boolean): Promise<void> {
  if (blocked) await session().mutate(BlockUserDocument, { userId });
  else await session().mutate(UnblockUserDocument, { userId });
  await loadMembers();
}

/** Whether a request failed because the viewer is no longer in the conversation (NOT_FOUND: left or removed, here or on another device). */
function notInIt(error: unknown): boolean {
  return error instanceof Error && /not found/i.test(error.message);
}

/**
 * A request about one conversation. Leaving or being removed can overtake a
 * request already sent (the info panel's members, a read mark): its NOT_FOUND
 * takes the conversation off the screen, with no error shown.
 */
async function inConversation<T>(conversationId: string, request: () => Promise<T>): Promise<T | undefined> {
  try {
    return await request();
  } catch (error) {
    if (!notInIt(error)) throw error;
    await dropConversation(conversationId);
    return undefined;
  }
}

/** The viewer is no longer in it (removed, or left here or on another device): off the list, and closed if open. */
async function dropConversation(conversationId: string): Promise<void> {
  if (state.openId === conversationId) {
    closeConversation?.();
    closeConversation = null;
    typingSentAt = 0;
    setOpenConversation(null);
    keepInUrl(null);
  }
  state.conversations.delete(conversationId);
  changed();
}

/** Loads the page of history before the oldest loaded message (Relay's `last` + `before`). */
export async function loadOlder(): Promise<void> {
  const { openId: conversationId, olderCursor: before } = state;
  if (!conversationId || !before || state.loadingOlder) return;
  state.loadingOlder = true;
  changed();
  try {
    const { messages } = await session().query(HistoryWithStateDocument, { conversationId, last: PAGE_SIZE, before });
    if (state.openId !== conversationId) return;
    for (const { node } of messages.edges) upsertMessage(node);
    state.olderCursor = messages.pageInfo.hasPreviousPage ? (messages.pageInfo.startCursor ?? null) : null;
  } finally {
    state.loadingOlder = false;
    changed();
  }
}

/** Sends a message: perhaps a reply (quoting `replyToId`) that mentions some members. */
export async function send(content: string, { replyToId, mentionedUserIds }: { replyToId?: string; mentionedUserIds?: string[] } = {}): Promise<void> {
  const conversationId = state.openId;
  if (!conversationId || !content.trim()) return;
  const clientMessageId = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
  await stopTyping();
  const input = { conversationId, content, clientMessageId, replyToId, mentionedUserIds };
  const { sendMessage } = await session().mutate(SendMessageWithStateDocument, { input });
  showMessage(sendMessage);
}

/** Uploads each file (a multipart request), then sends them as one message of their own. */
export async function sendFiles(files: File[], content = ''): Promise<void> {
  const conversationId = state.openId;
  if (!conversationId || files.length === 0) return;
  const attachmentIds: string[] = [];
  for (const file of files) attachmentIds.push((await session().mutate(UploadAttachmentDocument, { file })).uploadAttachment.id);
  const clientMessageId = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
  const { sendMessage } = await session().mutate(SendMessageWithStateDocument, { input: { conversationId, content, clientMessageId, attachmentIds } });
  showMessage(sendMessage);
}

// ---- editing, deleting, reacting, replying ----

/** The composer quotes this message (null: no longer) and sends the next message as a reply to it. */
export function replyTo(messageId: string | null): void {
  Object.assign(state, { replyingTo: messageId, editingId: messageId ? null : state.editingId });
  changed();
}

/** The composer edits this message (null: back to writing new ones). */
export function startEditing(messageId: string | null): void {
  Object.assign(state, { editingId: messageId, replyingTo: messageId ? null : state.replyingTo });
  changed();
}

export async function edit(messageId: string, content: string): Promise<void> {
  showMessage((await session().mutate(EditMessageDocument, { messageId, content })).editMessage);
}

/** Leaves a tombstone, for everyone: "This message was deleted". */
export async function remove(messageId: string): Promise<void> {
  showMessage((await session().mutate(DeleteMessageDocument, { messageId })).deleteMessage);
}

/** Adds the viewer's `emoji` to a message, or takes it back if they reacted with it already. */
export async function toggleReaction(messageId: string, emoji: string): Promise<void> {
  const variables = { messageId, emoji };
  const reacted = state.messages.get(messageId)?.reactions.some((reaction) => reaction.emoji === emoji && reaction.reactedByMe);
  if (reacted) {
    showMessage((await session().mutate(RemoveReactionDocument, variables)).removeReaction);
  } else {
    showMessage((await session().mutate(AddReactionDocument, variables)).addReaction);
  }
}

/** Opens a conversation with `messageId` loaded (paging back to it), for a search result. */
export async function openAt(conversationId: string, messageId: string): Promise<void> {
  if (!state.conversations.has(conversationId)) addConversation((await session().query(ConversationDocument, { id: conversationId })).conversation);
  await open(conversationId);
  while (state.openId === conversationId && !state.messages.has(messageId) && state.olderCursor) await loadOlder();
}

/** A query of the signed-in session (search asks through this). */
export function query<D, V extends AnyVariables>(document: TypedDocumentNode<D, V>, variables: V): Promise<D> {
  return session().query(document, variables);
}

/** Called on every edit of the composer: typing while there is text, not typing once it is empty. */
export async function draftChanged(text: string): Promise<void> {
  if (!text.trim()) return stopTyping();
  if (!state.openId || Date.now() - typingSentAt < TYPING_REFRESH_MS) return;
  typingSentAt = Date.now();
  await session().mutate(SetTypingDocument, { conversationId: state.openId, isTyping: true });
}

async function stopTyping(): Promise<void> {
  if (!typingSentAt || !state.openId) return;
  typingSentAt = 0;
  await session().mutate(SetTypingDocument, { conversationId: state.openId, isTyping: false });
}

/**
 * Marks the open conversation read up to its newest message while the page is
 * visible: when it has unread messages, or (`newMessage`) one just arrived.
 */
export async function markReadIfShown(newMessage = false): Promise<void> {
  const conversation = state.openId ? state.conversations.get(state.openId) : undefined;
  if (!conversation || document.visibilityState !== 'visible') return;
  if (!newMessage && conversation.unreadCount === 0) return;
  const answer = await inConversation(conversation.id, () => session().mutate(MarkReadDocument, { conversationId: conversation.id }));
  if (!answer) return;
  conversation.unreadCount = answer.markRead.unreadCount;
  changed();
}

// ---- live events ----

/** The list's preview: a newer message, or a new state of the one it shows. */
function showInList(message: MessageItemFragment): void {
  const conversation = state.conversations.get(message.conversationId);
  if (conversation && (!conversation.lastMessage || conversation.lastMessage.seq <= message.seq)) {
    conversation.lastMessage = message;
  }
}

/** A message new or changed (a mutation's answer or an event), as the open conversation and the list show it. */
function showMessage(message: MessageStateFragment): void {
  const shown = state.openId === message.conversationId ? upsertMessage(message) : message;
  showInList(shown);
  // A deleted message can be neither answered nor edited any more.
  if (shown.deletedAt && state.replyingTo === shown.id) state.replyingTo = null;
  if (shown.deletedAt && state.editingId === shown.id) state.editingId = null;
  changed();
}

/**
 * Follows the open conversation's change feed from `since` (null: from now).
 * graphql-ws would resubscribe with these first variables after a reconnect:
 * instead it starts again from the last cursor it got, for one event per
 * message that changed meanwhile. Returns the function that stops.
 */
function follow(conversationId: string, since: string | null, onError: (error: Error) => void): () => void {
  let cursor = since;
  let stopCurrent: (() => void) | undefined;
  const start = () => {
    const stopPrevious = stopCurrent;
    stopCurrent = session().subscribe(
      MessageFeedDocument,
      { conversationId, since: cursor },
      (data) => {
        if ('cursor' in data.messageEvents) cursor = data.messageEvents.cursor;
        onMessageEvent(data);
      },
      onError,
    );
    stopPrevious?.();
  };
  start();
  const stopListening = session().onReconnected(() => {
    start();
    // Receipts and membership changes come live only: what they are now.
    attempt(loadMembers);
  });
  return () => {
    stopListening();
    stopCurrent?.();
  };
}

function onMessageEvent({ messageEvents: event }: MessageFeedSubscription): void {
  switch (event.__typename) {
    case 'MessageCreated':
      showMessage(event.message);
      if (event.message.sender.id !== state.me?.id) {
        state.announcement = `${event.message.sender.displayName}: ${event.message.content || `sent ${event.message.attachments.map((file) => file.filename).join(', ')}`}`;
        attempt(() => markReadIfShown(true));
      }
      break;
    case 'MessageEdited':
    case 'MessageDeleted':
    case 'ReactionsChanged':
      showMessage(event.message);
      break;
    case 'MessagesRead':
      for (const id of event.messageIds) {
        state.messages.get(id)?.readers.add(event.user.id);
        state.messages.get(id)?.receivers.add(event.user.id);
      }
      break;
    case 'MessagesDelivered':
      for (const id of event.messageIds) state.messages.get(id)?.receivers.add(event.user.id);
      break;
    case 'ParticipantsChanged':
      // Who joined or went (and the roles that may have moved with them): the panel asks again.
      attempt(loadMembers);
      break;
  }
  changed();
}

function onNotification({ notifications: event }: NotificationsSubscription): void {
  switch (event.__typename) {
    case 'ConversationCreatedNotification':
      addConversation(event.conversation);
      break;
    case 'NewMessageNotification': {
      const conversation = state.conversations.get(event.conversation.id);
      if (!conversation) {
        attempt(async () => {
          addConversation((await session().query(ConversationDocument, { id: event.conversation.id })).conversation);
          changed();
        });
        return;
      }
      conversation.unreadCount = event.conversationUnreadCount;
      // The open conversation's messages come from its feed.
      showInList(event.message);
      // The count is as of that message; in the open conversation it is read already (or now).
      if (conversation.id === state.openId) attempt(() => markReadIfShown());
      break;
    }
    case 'AddedToConversationNotification':
      addConversation(event.conversation);
      state.announcement = `${event.addedBy.displayName} added you to ${event.conversation.title ?? 'a group'}`;
      break;
    case 'RemovedFromConversationNotification': {
      const title = state.conversations.get(event.conversationId)?.title ?? 'a group';
      state.announcement = event.removedBy ? `${event.removedBy.displayName} removed you from ${title}` : `You left ${title}`;
      attempt(() => dropConversation(event.conversationId));
      break;
    }
    case 'UnreadCountChangedNotification': {
      const conversation = state.conversations.get(event.conversationId);
      if (conversation) conversation.unreadCount = event.conversationUnreadCount;
      break;
    }
  }
  changed();
}

document.addEventListener('visibilitychange', () => attempt(() => markReadIfShown()));
