// Open connections per user (contract, "Hardening details"): WebSockets and
// SSE streams together, at most MAX_CONNECTIONS_PER_USER in this process. One
// account must not be able to hold the process's memory through many idle or
// non-reading connections; a process is what one user can exhaust.
export class ConnectionLimits {
  private readonly open = new Map<string, number>();

  constructor(private readonly maxPerUser: number) {}

  /** Takes a slot for the user; false when they hold the maximum already. Each taken slot is released once. */
  acquire(userId: string): boolean {
    const count = this.open.get(userId) ?? 0;
    if (count >= this.maxPerUser) return false;
    this.open.set(userId, count + 1);
    return true;
  }

  release(userId: string): void {
    const count = (this.open.get(userId) ?? 0) - 1;
    if (count > 0) this.open.set(userId, count);
    else this.open.delete(userId);
  }
}
