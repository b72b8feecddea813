// What both caches need for messages that change (edits, deletions,
// reactions): which of two copies is current, and the reactions after the
// viewer toggles one, for an optimistic answer. Shown in docs/clients.md,
// run by test/clients-lifecycle.test.ts.
import type { MessageStateFragment, ReactionGroupItemFragment } from '../generated/graphql.js';

// #region newer
/**
 * Of two copies of one message, the current one: the higher `version`. A copy
 * without a version (selected without it) never replaces one that has it.
 */
export function isNewer(incoming: { version?: number | null }, existing: { version?: number | null } | undefined): boolean {
  if (existing?.version == null) return true;
  return incoming.version != null && incoming.version >= existing.version;
}

/**
 * Caches write each result as it comes (Apollo's merge functions see a
 * field's old value, not the entity's), so remember the newest copy of each
 * message seen and, when an older one arrives after it (a mutation's answer
 * overtaken by an event), write the newer one back. One per cache.
 */
export function keepNewestMessages<Cache>(writeBack: (cache: Cache, newer: MessageStateFragment) => void) {
  const newest = new Map<string, MessageStateFragment>();
  return (cache: Cache, message: Partial<MessageStateFragment> & { id: string }): void => {
    if (message.version == null) return; // selected without a version: says nothing
    const held = newest.get(message.id);
    if (held && !isNewer(message, held)) writeBack(cache, held);
    else newest.set(message.id, message as MessageStateFragment);
  };
}
// #endregion

// #region toggle-reaction
/** A reaction group as the caches hold it (they add __typename to every selection). */
export type Reactions = (ReactionGroupItemFragment & { __typename?: 'ReactionGroup' })[];

/** The message's reactions once the viewer's `emoji` is added (or taken back if `reactedByMe`). */
export function toggledReactions(
  message: Pick<MessageStateFragment, 'reactions'>,
  emoji: string,
): Reactions {
  const group = message.reactions.find((reaction) => reaction.emoji === emoji);
  if (!group) return [...message.reactions, { __typename: 'ReactionGroup', emoji, count: 1, reactedByMe: true }];
  const toggled = { ...group, count: group.count + (group.reactedByMe ? -1 : 1), reactedByMe: !group.reactedByMe };
  return message.reactions.flatMap((reaction) => (reaction !== group ? [reaction] : toggled.count > 0 ? [toggled] : []));
}
// #endregion
