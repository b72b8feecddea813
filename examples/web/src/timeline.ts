// The open conversation as rows: day separators, the unread divider, and runs
// of consecutive messages of one sender (one avatar, one time per run).
import { dayKey, dayLabel } from './format.js';
import type { Message } from './state.js';

/** Messages of one sender further apart than this start a new group. */
const GROUP_GAP_MS = 5 * 60 * 1000;

export type Row =
  | { kind: 'day'; label: string }
  | { kind: 'unread' }
  | { kind: 'group'; senderId: string; messages: Message[] };

export function timeline(messages: Message[], firstUnreadId: string | undefined): Row[] {
  const rows: Row[] = [];
  let group: Extract<Row, { kind: 'group' }> | undefined;
  let previous: Message | undefined;
  for (const message of messages) {
    const newDay = !previous || dayKey(previous.createdAt) !== dayKey(message.createdAt);
    const unread = message.id === firstUnreadId;
    if (newDay) rows.push({ kind: 'day', label: dayLabel(message.createdAt) });
    if (unread) rows.push({ kind: 'unread' });
    const apart = previous ? Date.parse(message.createdAt) - Date.parse(previous.createdAt) > GROUP_GAP_MS : true;
    if (!group || newDay || unread || apart || group.senderId !== message.sender.id) {
      group = { kind: 'group', senderId: message.sender.id, messages: [] };
      rows.push(group);
    }
    group.messages.push(message);
    previous = message;
  }
  return rows;
}
