// The open conversation's messages: grouped rows, kept at the bottom while the
// reader is there, a "new messages" pill instead of yanking one who scrolled
// up, older history loaded when the top comes near, and new messages of
// others read out by screen readers.
import { attachmentElement } from './attachments.js';
import * as chat from './chat.js';
import { avatar, h } from './dom.js';
import { time } from './format.js';
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
  const list = h('ol', { class: 'messages', tabindex: '0', 'aria-label': 'Messages' });
  const pill = h('button', { type: 'button', class: 'pill', hidden: '' });
  const live = h('div', { class: 'sr-only', 'aria-live': 'polite', role: 'status' });
  const element = h('div', { class: 'timeline' }, list, pill, live);

  let shownId: string | null = null;
  let firstId: string | undefined;
  let lastId: string | undefined;
  let unseen = 0;

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

  function render(conversation: Conversation): void {
    const messages = sortedMessages();
    if (shownId !== conversation.id) {
      [shownId, firstId, lastId, unseen] = [conversation.id, undefined, undefined, 0];
      pill.hidden = true;
    }
    const wasAtBottom = atBottom();
    const [oldHeight, oldTop] = [list.scrollHeight, list.scrollTop];
    const divider = firstUnread(messages);
    list.replaceChildren(...timeline(messages, divider?.id).map((row) => renderRow(row, conversation, lastOwnMessage(messages))));
    if (state.loadingOlder) list.prepend(h('li', { class: 'loading' }, 'Loading earlier messages…'));

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

function renderRow(row: Row, conversation: Conversation, lastOwn: Message | undefined): HTMLLIElement {
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
        h(
          'div',
          { class: `message ${mine ? 'mine' : 'theirs'}`, 'data-id': message.id, 'data-receipt': message === lastOwn ? receipt?.state : undefined },
          h('div', { class: 'bubble' }, message.content, message.attachments.length > 0 && h('div', { class: 'attachments' }, ...message.attachments.map(attachmentElement))),
        ),
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
