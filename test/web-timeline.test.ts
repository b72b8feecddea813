// The demo page's timeline (examples/web/src/timeline.ts): which rows a
// conversation becomes. The browser test sees one day; this covers the rest.
import { describe, expect, it } from 'vitest';
import { dayLabel } from '../examples/web/src/format.js';
import type { Message } from '../examples/web/src/state.js';
import { timeline, type Row } from '../examples/web/src/timeline.js';

let seq = 0;
function message(sender: string, createdAt: string): Message {
  seq += 1;
  const user = { id: sender, username: sender, displayName: sender, avatarUrl: null, online: false, lastSeenAt: null };
  return {
    id: `m${seq}`, seq, conversationId: 'c', content: `message ${seq}`, clientMessageId: null, createdAt,
    status: 'SENT', sender: user, readBy: [], attachments: [], readers: new Set(), receivers: new Set(),
    editedAt: null, deletedAt: null, version: 1, replyTo: null, reactions: [], mentions: [],
  };
}

/** Rows as short strings: "day", "unread", or the group's sender and message count. */
const shape = (rows: Row[]) => rows.map((row) => (row.kind === 'group' ? `${row.senderId}×${row.messages.length}` : row.kind));

describe('demo page timeline', () => {
  it('groups consecutive messages of one sender, and starts a group on another sender, a 5-minute gap, a new day or the unread divider', () => {
    const messages = [
      message('leo', '2026-03-02T09:00:00'),
      message('leo', '2026-03-02T09:04:00'),
      message('leo', '2026-03-02T09:10:00'), // 6 minutes later
      message('maya', '2026-03-02T09:11:00'),
      message('maya', '2026-03-03T08:00:00'), // the next day
      message('leo', '2026-03-03T08:01:00'),
      message('leo', '2026-03-03T08:02:00'), // unread from here
      message('leo', '2026-03-03T08:03:00'),
    ];
    const rows = timeline(messages, messages[6]!.id);
    expect(shape(rows)).toEqual(['day', 'leo×2', 'leo×1', 'maya×1', 'day', 'maya×1', 'leo×1', 'unread', 'leo×2']);
    expect(timeline([], undefined)).toEqual([]);
  });

  it('labels days as today, yesterday, a weekday within the week, else the date', () => {
    const now = new Date('2026-03-05T12:00:00');
    expect(dayLabel('2026-03-05T00:10:00', now)).toBe('Today');
    expect(dayLabel('2026-03-04T23:50:00', now)).toBe('Yesterday');
    expect(dayLabel('2026-03-02T10:00:00', now)).toBe(new Date('2026-03-02T10:00:00').toLocaleDateString([], { weekday: 'long' }));
    expect(dayLabel('2026-02-20T10:00:00', now)).toBe(new Date('2026-02-20T10:00:00').toLocaleDateString([], { day: 'numeric', month: 'long' }));
    expect(dayLabel('2025-12-24T10:00:00', now)).toContain('2025');
  });
});
