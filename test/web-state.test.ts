// The demo page's state (examples/web/src/state.ts): how copies of one message
// merge. The browser test sees copies in the order one server sends them;
// here an older copy comes after a newer one, as a mutation's answer
// overtaken by an event does, and receipts come from the members' marks.
import { beforeEach, describe, expect, it } from 'vitest';
import type { ConversationMemberItemFragment, MessageStateFragment } from '../examples/generated/graphql.js';
import { applyMarks, resetState, state, upsertMessage } from '../examples/web/src/state.js';

const user = (id: string) => ({ id, username: id, displayName: id, avatarUrl: null, online: false, lastSeenAt: null });

function copy(id: string, seq: number, version: number, changes: Partial<MessageStateFragment> = {}): MessageStateFragment {
  return {
    id, seq, version, conversationId: 'c', content: `version ${version}`, clientMessageId: null, createdAt: '2026-03-02T09:00:00.000Z',
    status: 'SENT', sender: user('ana'), readBy: [], attachments: [], editedAt: null, deletedAt: null, replyTo: null, reactions: [], mentions: [],
    ...changes,
  };
}

function member(id: string, lastReadMessageId: string | null, lastDeliveredMessageId: string | null): ConversationMemberItemFragment {
  return { user: { ...user(id), blockedByViewer: false }, role: 'MEMBER', joinedAt: '2026-03-02T08:00:00.000Z', lastReadMessageId, lastDeliveredMessageId };
}

describe('demo page state', () => {
  beforeEach(() => {
    resetState();
    state.me = user('ana');
  });

  it('keeps the copy with the highest version when an older one comes after it, and still takes the older copy’s receipts', () => {
    upsertMessage(copy('m1', 1, 3, { reactions: [{ emoji: '👍', count: 1, reactedByMe: true }] }));
    upsertMessage(copy('m1', 1, 2, { readBy: [{ id: 'ben' }] }));
    const held = state.messages.get('m1')!;
    expect([held.version, held.content, held.reactions]).toEqual([3, 'version 3', [{ emoji: '👍', count: 1, reactedByMe: true }]]);
    expect([...held.readers]).toEqual(['ben']);

    // A newer copy (a tombstone) replaces it, and keeps the receipts.
    upsertMessage(copy('m1', 1, 4, { content: '', deletedAt: '2026-03-02T09:05:00.000Z' }));
    expect(state.messages.get('m1')).toMatchObject({ version: 4, content: '', deletedAt: '2026-03-02T09:05:00.000Z' });
    expect([...state.messages.get('m1')!.readers]).toEqual(['ben']);
  });

  it('counts each message up to another member’s marks as read or received by them, and nothing after', () => {
    for (const seq of [1, 2, 3, 4]) upsertMessage(copy(`m${seq}`, seq, 1));
    applyMarks([member('ana', 'm4', 'm4'), member('ben', 'm2', 'm3'), member('cleo', null, null)]);
    const marks = (id: string) => [[...state.messages.get(id)!.readers], [...state.messages.get(id)!.receivers]];
    expect(marks('m2')).toEqual([['ben'], ['ben']]);
    expect(marks('m3')).toEqual([[], ['ben']]);
    expect(marks('m4')).toEqual([[], []]);
  });
});
