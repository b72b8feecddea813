import { queryFromInfo } from '@pothos/plugin-prisma';
import { isPromise } from 'graphql-yoga';
import { builder } from '../../builder.js';
import { viewerOf, type Context } from '../../context.js';
import { notFound } from '../../errors.js';
import { UserRef } from '../users/users.schema.js';
import type { User } from '../../generated/prisma/client.js';
import {
  readStateOf,
  type FeedEvent,
  type MessageChangedEvent,
  type MessageCreatedEvent,
  type MessageEvent,
  type MessageRecord,
  type MessagesDeliveredEvent,
  type MessagesReadEvent,
  type ReactionGroupRecord,
} from './message-events.js';
import { SEND_DEADLINE_MS, type ReadReceipt } from './messages.service.js';
import { feedCursor, feedPosition } from './message-state.js';
import { badUserInput } from '../../errors.js';
import type { Resume } from './message-feed.js';
import { isStorableId } from '../input.js';
import { selectedTypeNames } from '../selected-types.js';
import { onDelivery, viewerClasses, viewerDependent } from '../../realtime/field-rules.js';
import { unlessRevoked } from '../../realtime/event-queue.js';
import { ParticipantsChangedRef } from '../conversations/members.schema.js';

export const MessageStatus = builder.enumType('MessageStatus', { values: ['SENT', 'DELIVERED', 'READ'] as const });

type ReadStateAnswer = { readers: User[]; status: 'SENT' | 'DELIVERED' | 'READ' };

/**
 * The read state of a message: from the event payload when it carries one
 * (synchronously: an event's whole execution then stays synchronous, with no
 * promise per event and subscriber), else from the marks (one query per
 * conversation per operation).
 */
function readState(message: MessageRecord, ctx: Context): ReadStateAnswer | Promise<ReadStateAnswer> {
  if (message.readState) {
    const { readers, readByAll, deliveredToAll } = message.readState;
    return { readers, status: readByAll ? 'READ' : deliveredToAll ? 'DELIVERED' : 'SENT' };
  }
  return ctx.loaders.participants.load(message.conversationId).then((participants) => {
    const { readers, status } = readStateOf(message, participants);
    return { readers: readers.map((participant) => participant.user), status };
  });
}

/** `read` of a value or of its promise, without a promise when there is none. */
function mapMaybe<T, U>(value: T | Promise<T>, read: (value: T) => U): U | Promise<U> {
  return isPromise(value) ? value.then(read) : read(value);
}

export const ReactionGroupRef = builder.objectRef<ReactionGroupRecord>('ReactionGroup').implement({
  fields: (t) => ({
    emoji: t.exposeString('emoji'),
    count: t.exposeInt('count'),
    reactedByMe: t.boolean({
      description: 'Whether the viewer is among those who reacted with it.',
      // From the reactors' ids the event carries: one event, each subscriber its own answer, no query.
      extensions: viewerDependent,
      resolve: (group, _args, ctx) => group.userIds.includes(viewerOf(ctx).id),
    }),
    users: t.field({
      type: [UserRef],
      description: 'The first 10 users who reacted with it, earliest first.',
      resolve: (group) => group.users,
    }),
  }),
});

export const MessageRef = builder.prismaObject('Message', {
  fields: (t) => ({
    id: t.exposeID('id'),
    seq: t.exposeInt('seq', {
      description: 'Position in its conversation: 1, 2, 3, … with no gaps. Clients use it to order and to detect a missed message.',
    }),
    conversationId: t.exposeID('conversationId'),
    conversation: t.relation('conversation'),
    // Not t.relation: Pothos loads a relation again unless its own planned query
    // loaded the parent, and every record we build (events, pages, sends) carries its sender.
    sender: t.field({
      type: UserRef,
      resolve: (message, _args, ctx) =>
        (message as Partial<MessageRecord>).sender ??
        ctx.loaders.user.load(message.senderId).then((user) => {
          if (!user) throw notFound('User');
          return user;
        }),
    }),
    content: t.exposeString('content'),
    clientMessageId: t.exposeString('clientMessageId', { nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    status: t.field({
      type: MessageStatus,
      description:
        "From the other participants' side: READ when all of them have read it, DELIVERED when all of them have received it, else SENT.",
      resolve: (message, _args, ctx) => mapMaybe(readState(message as MessageRecord, ctx), (state) => state.status),
    }),
    readBy: t.field({
      type: [UserRef],
      description: 'Other participants who have read it.',
      resolve: (message, _args, ctx) => mapMaybe(readState(message as MessageRecord, ctx), (state) => state.readers),
    }),
    // A tombstone's content, mentions, reply and reactions are erased from its row (lifecycle.service.ts).
    editedAt: t.expose('editedAt', { type: 'DateTime', nullable: true, description: 'When the content was last edited; null if never.' }),
    deletedAt: t.expose('deletedAt', { type: 'DateTime', nullable: true, description: 'When the message was deleted; null unless it is a tombstone.' }),
    reactions: t.field({
      type: [ReactionGroupRef],
      description: 'Reactions by emoji, in the order each emoji was first used on this message.',
      resolve: (message, _args, ctx) => (message as MessageRecord).reactions ?? ctx.loaders.reactionGroups.load(message.id),
    }),
    mentions: t.field({
      type: [UserRef],
      resolve: (message, _args, ctx) => {
        const record = message as MessageRecord;
        if (record.mentions) return record.mentions;
        return ctx.loaders.user.loadMany(record.mentionedUserIds).then((users) => users.filter((user): user is User => user !== null && !(user instanceof Error)));
      },
    }),
    version: t.exposeInt('version', {
      description:
        'Grows with every change of the message (created, edited, deleted, reacted to). Of two copies of one message, the higher version is current.',
    }),
  }),
});

builder.prismaObjectFields('Message', (t) => ({
  replyTo: t.field({
    type: MessageRef,
    nullable: true,
    description: 'The message this one answers (a tombstone once that one is deleted); null if none.',
    resolve: (message, _args, ctx) => {
      const record = message as MessageRecord;
      if (record.replyTo !== undefined) return record.replyTo;
      return record.replyToId === null ? null : ctx.loaders.messageById.load(record.replyToId);
    },
  }),
}));

export const MessageConnection = builder.connectionObject({ type: MessageRef, name: 'MessageConnection' });

builder.prismaObjectFields('Conversation', (t) => ({
  eventCursor: t.string({
    description: "The position of the conversation's latest message change: messageEvents(since: eventCursor) delivers every later change.",
    resolve: (conversation) => feedCursor(conversation.id, conversation.lastEventPos),
  }),
  lastMessage: t.field({
    type: MessageRef,
    nullable: true,
    resolve: (conversation, _args, ctx) =>
      conversation.lastSeq === 0 ? null : ctx.loaders.messageBySeq.load(`${conversation.id}:${conversation.lastSeq}`),
  }),
  unreadCount: t.int({
    extensions: viewerDependent,
    description: "The viewer's unread messages here.",
    resolve: async (conversation, _args, ctx) => {
      const membership = await ctx.loaders.viewerMembership.load(conversation.id);
      return membership ? Math.max(0, conversation.lastSeq - membership.lastReadSeq) : 0;
    },
  }),
  messages: t.field({
    type: MessageConnection,
    // A page counts as delivered to its viewer (and pages are authorized per viewer).
    extensions: viewerDependent,
    args: { first: t.arg.int(), after: t.arg.string(), last: t.arg.int(), before: t.arg.string() },
    resolve: (conversation, args, ctx, info) =>
      ctx.services.messages.page(viewerOf(ctx).id, conversation.id, args, queryFromInfo({ context: ctx, info, typeName: 'Message', path: ['edges', 'node'] })),
  }),
}));

const SendMessageInput = builder.inputType('SendMessageInput', {
  fields: (t) => ({
    conversationId: t.id({ description: 'Exactly one of conversationId and recipientId.' }),
    recipientId: t.id({ description: 'Send to a user directly: gets or creates the one-to-one conversation.' }),
    content: t.string({ required: true, description: '1 to 4000 characters after trimming; BAD_USER_INPUT otherwise.' }),
    clientMessageId: t.string({
      description:
        'Idempotency key chosen by the client: a retry with the same key from the same sender returns the first message and stores nothing new.',
    }),
    replyToId: t.id({ description: 'A message of the same conversation that this one answers.' }),
    attachmentIds: t.idList({ description: "Up to 10 of the viewer's uploads not sent yet. With at least one, content may be empty." }),
    mentionedUserIds: t.idList({ description: 'Participants this message mentions (ids that are not participants are ignored).' }),
  }),
});

const ReadReceiptRef = builder.objectRef<ReadReceipt>('ReadReceipt').implement({
  fields: (t) => ({
    conversationId: t.exposeID('conversationId'),
    upToMessageId: t.exposeID('upToMessageId', { nullable: true }),
    messageIds: t.exposeIDList('messageIds'),
    readAt: t.expose('readAt', { type: 'DateTime' }),
    unreadCount: t.exposeInt('unreadCount', { description: "The viewer's unread messages left in this conversation." }),
  }),
});

const MessageCreatedRef = builder.objectRef<MessageCreatedEvent>('MessageCreated').implement({
  fields: (t) => ({
    message: t.field({ type: MessageRef, resolve: (event) => event.message }),
    cursor: t.string({
      description: "Position of this change in the conversation's change feed; resume with messageEvents(since: cursor).",
      resolve: (event) => feedCursor(event.message.conversationId, event.pos),
    }),
  }),
});

/** A change of an existing message: its full current state and its feed position. */
function changeEvent(name: MessageChangedEvent['type']) {
  return builder.objectRef<MessageChangedEvent>(name).implement({
    fields: (t) => ({
      message: t.field({ type: MessageRef, resolve: (event) => event.message }),
      cursor: t.string({ resolve: (event) => feedCursor(event.message.conversationId, event.pos) }),
    }),
  });
}

const MessageEditedRef = changeEvent('MessageEdited');
const MessageDeletedRef = changeEvent('MessageDeleted');
const ReactionsChangedRef = changeEvent('ReactionsChanged');

const MessagesReadRef = builder.objectRef<MessagesReadEvent>('MessagesRead').implement({
  fields: (t) => ({
    conversationId: t.exposeID('conversationId'),
    user: t.field({ type: UserRef, resolve: (event) => event.user }),
    upToMessageId: t.exposeID('upToMessageId', { description: 'The new read mark.' }),
    messageIds: t.exposeIDList('messageIds', { description: 'The messages this receipt newly marked read.' }),
    readAt: t.expose('readAt', { type: 'DateTime' }),
  }),
});

const MessagesDeliveredRef = builder.objectRef<MessagesDeliveredEvent>('MessagesDelivered').implement({
  description: "A participant's client received messages (pushed on one of its subscriptions, or fetched).",
  fields: (t) => ({
    conversationId: t.exposeID('conversationId'),
    user: t.field({ type: UserRef, resolve: (event) => event.user }),
    messageIds: t.exposeIDList('messageIds'),
    deliveredAt: t.expose('deliveredAt', { type: 'DateTime' }),
  }),
});

const MessageEventRef = builder.unionType('MessageEvent', {
  types: [MessageCreatedRef, MessagesReadRef, MessagesDeliveredRef, MessageEditedRef, MessageDeletedRef, ReactionsChangedRef, ParticipantsChangedRef],
  resolveType: (event: MessageEvent) => event.type,
});

builder.queryFields((t) => ({
  messages: t.field({
    type: MessageConnection,
    description:
      'History of one conversation, oldest to newest inside a page. With no paging arguments: the last 50. Page backwards with last/before, forwards with first/after. At most 100 per page.',
    args: { conversationId: t.arg.id({ required: true }), first: t.arg.int(), after: t.arg.string(), last: t.arg.int(), before: t.arg.string() },
    resolve: (_root, args, ctx, info) =>
      ctx.services.messages.page(
        viewerOf(ctx).id,
        String(args.conversationId),
        args,
        queryFromInfo({ context: ctx, info, typeName: 'Message', path: ['edges', 'node'] }),
      ),
  }),
  unreadCount: t.int({
    description: "Unread messages over all the viewer's conversations.",
    resolve: (_root, _args, ctx) => ctx.services.messages.totalUnread(viewerOf(ctx).id),
  }),
}));

builder.mutationFields((t) => ({
  sendMessage: t.field({
    type: MessageRef,
    description: 'Persist a message, then deliver it to every subscriber. Returns only after it is stored.',
    args: { input: t.arg({ type: SendMessageInput, required: true }) },
    resolve: async (_root, { input }, ctx) => {
      await ctx.services.rateLimits.consume('sendMessage', viewerOf(ctx).id);
      const message = {
        conversationId: input.conversationId == null ? null : String(input.conversationId),
        recipientId: input.recipientId == null ? null : String(input.recipientId),
        content: input.content,
        clientMessageId: input.clientMessageId,
        replyToId: input.replyToId == null ? null : String(input.replyToId),
        mentionedUserIds: input.mentionedUserIds?.map(String) ?? null,
        attachmentIds: input.attachmentIds?.map(String) ?? null,
      };
      // The deadline counts from the request's arrival, not from its turn to execute.
      return ctx.services.messages.send(viewerOf(ctx).id, message, ctx.receivedAt + SEND_DEADLINE_MS);
    },
  }),
  editMessage: t.field({
    type: MessageRef,
    description:
      "Replace the content of one of the viewer's own messages. It keeps its id, seq, createdAt and read state; editedAt and version change.",
    args: { messageId: t.arg.id({ required: true }), content: t.arg.string({ required: true }) },
    resolve: async (_root, args, ctx) => {
      await ctx.services.rateLimits.consume('editMessage', viewerOf(ctx).id);
      return ctx.services.lifecycle.edit(viewerOf(ctx).id, String(args.messageId), args.content);
    },
  }),
  deleteMessage: t.field({
    type: MessageRef,
    description:
      "Delete a message: the viewer's own, or any message of a group where the viewer is OWNER or ADMIN. It stays in the timeline as a tombstone. Deleting a tombstone returns it unchanged.",
    args: { messageId: t.arg.id({ required: true }) },
    resolve: async (_root, args, ctx) => {
      await ctx.services.rateLimits.consume('deleteMessage', viewerOf(ctx).id);
      return ctx.services.lifecycle.delete(viewerOf(ctx).id, String(args.messageId));
    },
  }),
  addReaction: t.field({
    type: MessageRef,
    description: "Add the viewer's reaction to a message. Adding one that exists changes nothing.",
    args: { messageId: t.arg.id({ required: true }), emoji: t.arg.string({ required: true }) },
    resolve: async (_root, args, ctx) => {
      await ctx.services.rateLimits.consume('reaction', viewerOf(ctx).id);
      return ctx.services.lifecycle.addReaction(viewerOf(ctx).id, String(args.messageId), args.emoji);
    },
  }),
  removeReaction: t.field({
    type: MessageRef,
    description: "Take the viewer's reaction back. Removing one that does not exist changes nothing.",
    args: { messageId: t.arg.id({ required: true }), emoji: t.arg.string({ required: true }) },
    resolve: async (_root, args, ctx) => {
      await ctx.services.rateLimits.consume('reaction', viewerOf(ctx).id);
      return ctx.services.lifecycle.removeReaction(viewerOf(ctx).id, String(args.messageId), args.emoji);
    },
  }),
  markRead: t.field({
    type: ReadReceiptRef,
    description:
      'Mark every message of the conversation up to and including `upToMessageId` (default: the newest) as read by the viewer. Never moves the read mark backwards.',
    args: { conversationId: t.arg.id({ required: true }), upToMessageId: t.arg.id() },
    resolve: async (_root, args, ctx) => {
      await ctx.services.rateLimits.consume('markRead', viewerOf(ctx).id);
      return ctx.services.messages.markRead(
        viewerOf(ctx).id,
        String(args.conversationId),
        args.upToMessageId == null ? null : String(args.upToMessageId),
      );
    },
  }),
}));

builder.subscriptionFields((t) => ({
  messageEvents: t.field({
    type: MessageEventRef,
    description:
      "Everything that happens to the messages of one conversation: new messages (the sender's own included), read receipts, deliveries, edits, deletions and reactions. With `after` (a message id), first every message created after it, in order, then live events, with no gap and no duplicate. With `since` (a cursor), first the current state of every message that changed after it, one event per message, then live events.",
    args: { conversationId: t.arg.id({ required: true }), after: t.arg.id(), since: t.arg.string() },
    subscribe: async (_root, args, ctx, info) => {
      const viewer = viewerOf(ctx);
      const conversationId = String(args.conversationId);
      const { membership, db, feed } = ctx.services;
      await membership.assertMember(conversationId, viewer.id);
      let resume: Resume | undefined;
      if (args.after != null && args.since != null) throw badUserInput('Pass after or since, not both.');
      if (args.after != null) {
        if (!isStorableId(String(args.after))) throw notFound('Message');
        const after = await db.message.findUnique({ where: { id: String(args.after) }, select: { conversationId: true, seq: true } });
        if (!after || after.conversationId !== conversationId) throw notFound('Message');
        resume = { afterSeq: after.seq };
      } else if (args.since != null) {
        const sincePos = feedPosition(conversationId, args.since);
        // A position the feed has not reached is no cursor of ours.
        if (sincePos > (await ctx.services.messages.lastEventPos(conversationId))) throw badUserInput('Invalid cursor.');
        resume = { sincePos };
      }
      const events = feed.subscribe(
        conversationId,
        viewer.id,
        resume,
        () => membership.cached(conversationId)?.has(viewer.id) ?? true,
        selectedTypeNames(info),
      );
      // Removed or departed: one NOT_FOUND, then complete (conversations/membership.ts).
      return membership.guard(events, conversationId, viewer.id);
    },
    resolve: (event: MessageEvent) => unlessRevoked(event),
    extensions: {
      // Everyone who did not react reads the same reactedByMe: they share one execution, reactors get their own.
      ...viewerClasses({ 'ReactionGroup.reactedByMe': reactedWith }),
      // A message that reaches a subscriber of someone else's is delivered to them.
      ...onDelivery((event, ctx) => {
      const { deliveries, metrics } = ctx.services;
      const e = event as MessageEvent;
      metrics.countDelivery('messageEvents');
      if (e.type !== 'MessageCreated') return;
      metrics.deliveryLatency.observe((Date.now() - e.message.createdAt.getTime()) / 1000);
      const viewerId = viewerOf(ctx).id;
      if (e.message.senderId !== viewerId) deliveries.received(viewerId, e.message.conversationId, e.message.seq);
      }),
    },
  }),
}));

/** The emojis `viewerId` reacted with on the event's message and the message it answers (the class for reactedByMe). */
function reactedWith(event: unknown, viewerId: string): string {
  const message = (event as { message?: MessageRecord }).message;
  let emojis = '';
  for (const m of [message, message?.replyTo]) {
    for (const group of m?.reactions ?? []) if (group.userIds.includes(viewerId)) emojis += `${group.emoji} `;
    emojis += '/';
  }
  return emojis;
}
