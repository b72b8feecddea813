// Users are created and refreshed from token claims; the cache spares a write
// on every request when the claims have not changed.
import { LRUCache } from 'lru-cache';
import type { Profile } from '../../auth/claims.js';
import type { RawQuery } from '../../infra/db.js';
import type { PrismaClient, User } from '../../generated/prisma/client.js';
import { buildPage, decodeCursor, encodeCursor, validatePageSizes, type Page } from '../paging.js';

const UPSERT_USER = `
  INSERT INTO "User" (id, username, "displayName", "avatarUrl", "createdAt", "updatedAt")
  VALUES ($1, $2, $3, $4, now(), now())
  ON CONFLICT (id) DO UPDATE
    SET username = EXCLUDED.username, "displayName" = EXCLUDED."displayName",
        "avatarUrl" = EXCLUDED."avatarUrl", "updatedAt" = now()
    WHERE ("User".username, "User"."displayName", "User"."avatarUrl")
      IS DISTINCT FROM (EXCLUDED.username, EXCLUDED."displayName", EXCLUDED."avatarUrl")`;

export class UsersService {
  /** id → the profile last written for it by this process. */
  private readonly written = new LRUCache<string, string>({ max: 50_000, ttl: 60_000 });

  constructor(
    private readonly db: PrismaClient,
    private readonly query: RawQuery,
  ) {}

  /** Creates the user on their first request, updates changed claims later. */
  async ensureUser(profile: Profile): Promise<void> {
    const fingerprint = JSON.stringify(profile);
    if (this.written.get(profile.id) === fingerprint) return;
    // Raw, not through Prisma: it runs on every socket's connection_init, and
    // Prisma's runtime made ~25 KB of garbage per call, which a burst of
    // connections promotes into old space (idle memory, issue 16).
    await this.query(UPSERT_USER, [profile.id, profile.username, profile.displayName, profile.avatarUrl]);
    this.written.set(profile.id, fingerprint);
  }

  /** Users whose username or display name starts with `search`, case-insensitively, by username. */
  async search(
    args: { search?: string | null; first?: number | null; after?: string | null },
    include: object,
  ): Promise<Page<User>> {
    validatePageSizes(args);
    const size = args.first ?? 20;
    const after = args.after != null ? decodeCursor('user', args.after, ['string', 'string']) : undefined;
    // Prisma's startsWith becomes LIKE without escaping: match the text as typed.
    const search = args.search
      ?.trim()
      .replaceAll('\u0000', '')
      .replace(/[\\%_]/g, (c) => `\\${c}`);
    const rows = await this.db.user.findMany({
      ...include,
      where: {
        AND: [
          search
            ? {
                OR: [
                  { username: { startsWith: search, mode: 'insensitive' } },
                  { displayName: { startsWith: search, mode: 'insensitive' } },
                ],
              }
            : {},
          after
            ? {
                OR: [
                  { username: { gt: String(after[0]) } },
                  { username: String(after[0]), id: { gt: String(after[1]) } },
                ],
              }
            : {},
        ],
      },
      orderBy: [{ username: 'asc' }, { id: 'asc' }],
      take: size + 1,
    });
    return buildPage(rows, size, false, (u) => encodeCursor('user', [u.username, u.id]), { hasMoreBehind: !!after });
  }
}
