// The open conversation's messages: grouped rows, kept at the bottom while the
// reader is there, a "new messages" pill instead of yanking one who scrolled
// up, older history loaded when the top comes near, and new messages of
// others read out by screen readers. Up and down arrows move between
// messages; Tab reaches the buttons of the message the keyboard is on.
import * as chat from './chat.js';
import { avatar, h, replaceChildrenKeepingEqual } from './dom.js';
import { time } from './format.js';
import { messageItem } from './message-item.js';
import { firstUnread, lastOwnMessage, receiptOf, sortedMessages, state, type Conversation, type Message } from './state.js';
import { timeline, type Row } from './timeline.js';

/** Within this many pixels of an edge counts as at it. */
const EDGE_PX = 48;
/** Start loading older history this far from the top, so that it is there before the reader is. */
const LOAD_OLDER_PX = 400;

export interface MessageList {
  element: HTMLElement;
  render(conversation: Conversation): void;
  focus(): void;
}

export function createMessageList(): MessageList {
  // Focusable, so that keyboard users can scroll it.
  const list = h('ol', { class: 'messages', tabindex: '0', 'aria-label': 'Messages', 'aria-describedby': 'messages-hint' });
  const hint = h('span', { id: 'messages-hint', class: 'sr-only' }, 'Up and down arrows move between messages; Tab reaches the actions of the one you are on.');
  const pill = h('button', { type: 'button', class: 'pill', hidden: '' });
  const live = h('div', { class: 'sr-only', 'aria-live': 'polite', role: 'status' });
  const element = h('div', { class: 'timeline' }, list, hint, pill, live);

  let shownId: string | null = null;
  let firstId: string | undefined;
  let lastId: string | undefined;
  let unseen = 0;
  /** The message whose buttons are in the Tab order: the last one the focus was in (by default the newest). */
  let keyboardOn: string | null = null;

  const atBottom = () => list.scrollHeight - list.scrollTop - list.clientHeight < EDGE_PX;
  const toBottom = () => {
    list.scrollTop = list.scrollHeight;
    unseen = 0;
    pill.hidden = true;
  };
  const loadOlderIfNear = () => {
    if (state.olderCursor && !state.loadingOlder && list.scrollTop < LOAD_OLDER_PX) chat.attempt(chat.loadOlder);
  };
  list.addEventListener('scroll', () => {
    if (atBottom() && !pill.hidden) toBottom();
    loadOlderIfNear();
  });
  pill.addEventListener('click', () => {
    toBottom();
    list.focus();
  });

  const messageElements = () => [...list.querySelectorAll<HTMLElement>('.message')];
  const tabStopsOn = (id: string | undefined) => {
    keyboardOn = id ?? null;
    for (const message of messageElements()) {
      for (const button of message.querySelectorAll('button')) button.tabIndex = message.dataset.id === id ? 0 : -1;
    }
  };
  list.addEventListener('focusin', (event) => {
    const message = (event.target as HTMLElement).closest<HTMLElement>('.message');
    if (message && message.dataset.id !== keyboardOn) tabStopsOn(message.dataset.id);
  });
  list.addEventListener('keydown', (event) => {
    if (event.key !== 'ArrowUp' && event.key !== 'ArrowDown') return;
    const messages = messageElements();
    const from = (event.target as HTMLElement).closest<HTMLElement>('.message');
    const at = from ? messages.indexOf(from) + (event.key === 'ArrowUp' ? -1 : 1) : messages.length - 1;
    const to = messages[Math.max(0, Math.min(messages.length - 1, at))];
    if (!to) return;
    event.preventDefault();
    to.focus();
  });

  function render(conversation: Conversation): void {
    const messages = sortedMessages();
    if (shownId !== conversation.id) {
      [shownId, firstId, lastId, unseen] = [conversation.id, undefined, undefined, 0];
      pill.hidden = true;
    }
    const wasAtBottom = atBottom();
    const [oldHeight, oldTop] = [list.scrollHeight, list.scrollTop];
    const divider = firstUnread(messages);
    // Drawn anew, unchanged rows kept: if a changed one had it, the focus goes back to the same control of the same message (or to that message, or the list).
    const focused = document.activeElement !== list && list.contains(document.activeElement) ? (document.activeElement as HTMLElement) : null;
    const focusedId = focused?.closest<HTMLElement>('.message')?.dataset.id;
    const tabbableId = messages.some((message) => message.id === keyboardOn) ? keyboardOn : messages.at(-1)?.id;
    replaceChildrenKeepingEqual(list, timeline(messages, divider?.id).map((row) => renderRow(row, conversation, lastOwnMessage(messages), tabbableId)));
    if (state.loadingOlder) list.prepend(h('li', { class: 'loading' }, 'Loading earlier messages…'));
    if (focused && document.activeElement !== focused) {
      const message = focusedId ? list.querySelector<HTMLElement>(`.message[data-id="${CSS.escape(focusedId)}"]`) : null;
      const control = focused.dataset.action ? message?.querySelector<HTMLElement>(`[data-action="${CSS.escape(focused.dataset.action)}"]`) : null;
      (focused.isConnected ? focused : (control ?? message ?? list)).focus({ preventScroll: true });
    }

    const [oldest, newest] = [messages[0], messages.at(-1)];
    if (!lastId && newest) {
      // Just opened: at the unread divider, else at the bottom.
      const mark = list.querySelector<HTMLElement>('.unread-divider');
      if (mark) list.scrollTop = mark.offsetTop - EDGE_PX;
      else toBottom();
    } else if (oldest && firstId && oldest.id !== firstId && newest?.id === lastId) {
      // Older history went in above: keep what the reader was looking at in place.
      list.scrollTop = oldTop + (list.scrollHeight - oldHeight);
    } else if (newest && newest.id !== lastId) {
      const added = messages.length - 1 - messages.findIndex((message) => message.id === lastId);
      if (wasAtBottom || newest.sender.id === state.me?.id) toBottom();
      else {
        unseen += added;
        pill.textContent = `${unseen} new message${unseen === 1 ? '' : 's'} ↓`;
        pill.hidden = false;
      }
    } else if (wasAtBottom) toBottom();
    [firstId, lastId] = [oldest?.id, newest?.id];

    if (live.textContent !== state.announcement) live.textContent = state.announcement;
    // A first page shorter than the screen gives nothing to scroll: load on.
    if (newest) loadOlderIfNear();
  }

  return { element, render, focus: () => list.focus() };
}

function renderRow(row: Row, conversation: Conversation, lastOwn: Message | undefined, tabbableId: string | null | undefined): HTMLLIElement {
  if (row.kind === 'day') return h('li', { class: 'day' }, h('span', {}, row.label));
  if (row.kind === 'unread') return h('li', { class: 'unread-divider' }, h('span', {}, 'Unread messages'));
  const sender = row.messages[0]!.sender;
  const mine = sender.id === state.me?.id;
  const last = row.messages.at(-1)!;
  const receipt = lastOwn && row.messages.includes(lastOwn) ? receiptOf(lastOwn) : undefined;
  return h(
    'li',
    { class: `group ${mine ? 'mine' : 'theirs'}`, 'data-sender': sender.username },
    !mine && avatar(sender),
    h(
      'div',
      { class: 'stack' },
      !mine && conversation.kind === 'GROUP' && h('span', { class: 'author' }, sender.displayName),
      ...row.messages.map((message) =>
        messageItem(message, conversation, { receipt: message === lastOwn ? receipt?.state : undefined, tabbable: message.id === tabbableId }),
      ),
      h(
        'div',
        { class: 'meta' },
        h('time', { datetime: last.createdAt }, time(last.createdAt)),
        receipt && h('span', { class: `receipt ${receipt.state}` }, ` · ${receipt.text}`),
      ),
    ),
  );
}
