// Hints carried by users inside event payloads so that resolving them costs no
// query per subscriber: `visible` when the viewer shares a conversation with
// them by construction (a sender, a reader, a typist), `online` when the event
// itself says it (presence events). users.schema.ts reads them.
import type { User } from '../../generated/prisma/client.js';

export interface UserHints {
  visible?: boolean;
  online?: boolean;
}

/** A user in an event shares a conversation with its subscribers: their presence needs no check. */
export function withVisible(user: User): User & UserHints {
  return { ...user, visible: true };
}
