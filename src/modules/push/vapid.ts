// The server's VAPID key pair (RFC 8292): from VAPID_PUBLIC_KEY and
// VAPID_PRIVATE_KEY; outside production without them, a pair generated once
// and kept in the database, so that every process (and every restart) signs
// with the same key and browsers' subscriptions stay valid. In production
// without keys push is off.
import webpush from 'web-push';
import type { PrismaClient } from '../../generated/prisma/client.js';
import { ConfigError, type Config } from '../../infra/env.js';

export interface VapidKeys {
  publicKey: string;
  privateKey: string;
  subject: string;
}

const SETTING_KEY = 'vapidKeys';

/** The keys to sign with, or undefined when push is off (production without keys). */
export async function loadVapidKeys(config: Config, db: PrismaClient): Promise<VapidKeys | undefined> {
  const { subject } = config.push;
  if (config.push.vapidKeys) {
    const { publicKey, privateKey } = config.push.vapidKeys;
    if (Buffer.from(publicKey, 'base64url').length !== 65 || Buffer.from(privateKey, 'base64url').length !== 32) {
      throw new ConfigError('VAPID_PUBLIC_KEY must be 65 bytes and VAPID_PRIVATE_KEY 32 bytes, base64url (npx web-push generate-vapid-keys).');
    }
    return { publicKey, privateKey, subject };
  }
  if (config.production) return undefined;
  // Processes starting together may each generate a pair: the first one stored wins, and all read it back.
  const generated = webpush.generateVAPIDKeys();
  await db.$executeRaw`INSERT INTO "ServerSetting" (key, value) VALUES (${SETTING_KEY}, ${JSON.stringify(generated)}) ON CONFLICT (key) DO NOTHING`;
  const stored = await db.serverSetting.findUniqueOrThrow({ where: { key: SETTING_KEY } });
  const keys = JSON.parse(stored.value) as { publicKey: string; privateKey: string };
  return { ...keys, subject };
}
