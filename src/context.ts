// The per-operation context, built the same way for HTTP and WebSocket
// operations (server/app.ts passes both through yoga.getEnveloped).
import type { Profile } from './auth/claims.js';
import type { PrismaClient } from './generated/prisma/client.js';
import { createLoaders, type Loaders } from './loaders.js';
import type { Services } from './services.js';
import { unauthenticated } from './errors.js';

export interface Context {
  db: PrismaClient;
  services: Services;
  /** The authenticated user; null only for introspection requests without a token. */
  viewer: Profile | null;
  loaders: Loaders;
}

export function createContext(services: Services, viewer: Profile | null): Context {
  return { db: services.db, services, viewer, loaders: createLoaders(services.db, viewer) };
}

export function viewerOf(ctx: Context): Profile {
  if (!ctx.viewer) throw unauthenticated();
  return ctx.viewer;
}
