// Reading and checking a conversation's change feed (`messageEvents` with
// cursors) in tests: the events of a subscription, what a resume with `since`
// must replay, and whether a subscriber has every message whole and once.
import { expect } from 'vitest';
import { graphql } from '../generated/gql.js';
import { ok, type Subscription } from './clients.js';
import { waitFor } from './deferred.js';
import { payloads } from './events.js';

/** A conversation's change feed: every change of a message, with its state as of the change and its cursor. */
export const ChangeFeed = graphql(`
  subscription ChangeFeed($conversationId: ID!, $after: ID, $since: String) {
    messageEvents(conversationId: $conversationId, after: $after, since: $since) {
      __typename
      ... on MessageCreated { cursor message { id seq content version deletedAt reactions { emoji count } } }
      ... on MessageEdited { cursor message { id seq content version deletedAt reactions { emoji count } } }
      ... on MessageDeleted { cursor message { id seq content version deletedAt reactions { emoji count } } }
      ... on ReactionsChanged { cursor message { id seq content version deletedAt reactions { emoji count } } }
    }
  }
`);

/** What every change of the feed carries, whatever else a document selects. */
export interface FeedEventShape {
  __typename?: string;
  cursor: string;
  message: { id: string; version: number; deletedAt?: string | null };
}

type FeedEventOf<R extends { messageEvents: unknown }> = Extract<R['messageEvents'], { cursor: string }>;

/** The subscription's changes so far (the events with a cursor; ParticipantsChanged and receipts left out). */
export function feed<R extends { messageEvents: unknown }>(sub: Subscription<R>): FeedEventOf<R>[] {
  return (payloads(sub, 'messageEvents') as unknown[]).filter((e): e is FeedEventOf<R> => typeof e === 'object' && e !== null && 'cursor' in e);
}

const Page = graphql(`
  query FeedPage($conversationId: ID!, $before: String) {
    messages(conversationId: $conversationId, last: 100, before: $before) {
      edges { node { id version } }
      pageInfo { hasPreviousPage startCursor }
    }
  }
`);

/** Every message of the conversation with its current version, read page by page. */
export async function versions(url: string, user: { token: string }, conversationId: string): Promise<Map<string, number>> {
  const current = new Map<string, number>();
  let before: string | null | undefined;
  for (;;) {
    const page = (await ok(url, user.token, Page, { conversationId, before })).messages;
    for (const { node } of page.edges) current.set(node.id, node.version);
    if (!page.pageInfo.hasPreviousPage) return current;
    before = page.pageInfo.startCursor;
  }
}

/**
 * Checks a subscriber's events against the conversation as it is now: no
 * cursor twice, per message versions that only grow, and every message at its
 * current version (nothing lost).
 */
export async function expectWholeAndOnce(events: () => FeedEventShape[], current: Map<string, number>) {
  await waitFor(() => [...current].every(([id, version]) => events().some((e) => e.message.id === id && e.message.version === version)), {
    what: 'every message at its current version',
    timeoutMs: 20_000,
  });
  const seen = new Map<string, number>();
  for (const e of events()) {
    expect(e.message.version, `${e.__typename} ${e.message.id}`).toBeGreaterThan(seen.get(e.message.id) ?? 0);
    seen.set(e.message.id, e.message.version);
  }
  expect(new Set(events().map((e) => e.cursor)).size).toBe(events().length);
}

/** What `since: <cursor of log[i]>` must replay, from a complete log of the feed: one event per message, by precedence. */
export function expectedReplay(log: FeedEventShape[], i: number): { type: string; id: string }[] {
  const later = log.slice(i + 1);
  const lastIndex = new Map<string, number>();
  later.forEach((e, index) => lastIndex.set(e.message.id, index));
  return [...lastIndex.entries()]
    .sort((a, b) => a[1] - b[1])
    .map(([id]) => {
      const changes = later.filter((e) => e.message.id === id);
      const type = changes.some((e) => e.__typename === 'MessageCreated')
        ? 'MessageCreated'
        : changes.at(-1)!.message.deletedAt
          ? 'MessageDeleted'
          : changes.some((e) => e.__typename === 'MessageEdited')
            ? 'MessageEdited'
            : 'ReactionsChanged';
      return { type, id };
    });
}
