// Who is online: a user with at least one open WebSocket. This registry counts
// sockets in this process; `lastSeenAt` is stored when a user's last socket closes.
import type { PrismaClient } from '../../generated/prisma/client.js';

export class PresenceService {
  private readonly sockets = new Map<string, number>();

  constructor(
    private readonly db: PrismaClient,
    private readonly log: (message: string, error: unknown) => void,
  ) {}

  async isOnline(userId: string): Promise<boolean> {
    return (this.sockets.get(userId) ?? 0) > 0;
  }

  connected(userId: string): void {
    this.sockets.set(userId, (this.sockets.get(userId) ?? 0) + 1);
  }

  async disconnected(userId: string): Promise<void> {
    const left = (this.sockets.get(userId) ?? 1) - 1;
    if (left > 0) {
      this.sockets.set(userId, left);
      return;
    }
    this.sockets.delete(userId);
    await this.db.user
      .update({ where: { id: userId }, data: { lastSeenAt: new Date() } })
      .catch((error) => this.log('storing lastSeenAt failed', error));
  }
}
