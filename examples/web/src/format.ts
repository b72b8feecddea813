// Dates as a chat shows them: a time under a group of messages, a day between them.
const DAY_MS = 24 * 60 * 60 * 1000;

export const time = (iso: string): string => new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });

/** When a conversation was last active, in its list item: the time today, else the date. */
export const shortWhen = (iso: string, now = new Date()): string =>
  dayKey(iso) === now.toDateString() ? time(iso) : new Date(iso).toLocaleDateString([], { day: 'numeric', month: 'short' });

/** Local calendar day, for comparing two dates. */
export const dayKey = (iso: string): string => new Date(iso).toDateString();

/** "Today", "Yesterday", a weekday within the week, else the date. */
export function dayLabel(iso: string, now = new Date()): string {
  const date = new Date(iso);
  const days = Math.round((startOfDay(now) - startOfDay(date)) / DAY_MS);
  if (days === 0) return 'Today';
  if (days === 1) return 'Yesterday';
  if (days > 1 && days < 7) return date.toLocaleDateString([], { weekday: 'long' });
  return date.toLocaleDateString([], { day: 'numeric', month: 'long', year: date.getFullYear() === now.getFullYear() ? undefined : 'numeric' });
}

function startOfDay(date: Date): number {
  return new Date(date.getFullYear(), date.getMonth(), date.getDate()).getTime();
}
