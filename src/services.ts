// Wires the services of one server instance together.
import { createTokenVerifier, type TokenVerifier } from './auth/jwt.js';
import type { PrismaClient } from './generated/prisma/client.js';
import type { Config } from './infra/env.js';
import type { AppPubSub } from './topics.js';
import { ConversationsService } from './modules/conversations/conversations.service.js';
import { MembershipCache } from './modules/conversations/membership.js';
import { MessageFeed } from './modules/messages/message-feed.js';
import { MessagesService } from './modules/messages/messages.service.js';
import { PresenceService } from './modules/presence/presence.service.js';
import { UsersService } from './modules/users/users.service.js';

export interface Logger {
  info(message: string): void;
  error(message: string, error?: unknown): void;
}

export interface Services {
  config: Config;
  db: PrismaClient;
  pubsub: AppPubSub;
  log: Logger;
  verifyToken: TokenVerifier;
  users: UsersService;
  membership: MembershipCache;
  conversations: ConversationsService;
  messages: MessagesService;
  feed: MessageFeed;
  presence: PresenceService;
}

export function createServices(config: Config, db: PrismaClient, pubsub: AppPubSub, log: Logger): Services {
  const logError = (message: string, error: unknown) => log.error(message, error);
  const membership = new MembershipCache(db);
  const conversations = new ConversationsService(db, membership);
  const messages = new MessagesService(db, pubsub, membership, conversations, logError);
  return {
    config,
    db,
    pubsub,
    log,
    verifyToken: createTokenVerifier(config.jwt),
    users: new UsersService(db),
    membership,
    conversations,
    messages,
    feed: new MessageFeed(pubsub, messages, (error) => logError('message feed backfill failed', error)),
    presence: new PresenceService(db, logError),
  };
}
