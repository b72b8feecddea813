// One message as the list shows it: the quote of the message it answers, its
// text with mentions highlighted, its files and "edited"; a deleted one shows
// only "This message was deleted". Under it the reactions, beside it its
// actions (and the reaction picker, while open).
import './lifecycle.css';
import { attachmentElement } from './attachments.js';
import { h } from './dom.js';
import { messageActions } from './message-actions.js';
import { withMentions } from './mentions.js';
import { pickerOf, reactionChips } from './reactions.js';
import { state, type Conversation, type Message } from './state.js';

export const DELETED_TEXT = 'This message was deleted';

/** The quote of the message `replyTo` names: the copy held in the list when there is one (its newest state), else the server's. */
function quote(replyTo: NonNullable<Message['replyTo']>): HTMLElement {
  const quoted = state.messages.get(replyTo.id) ?? replyTo;
  const deleted = Boolean(quoted.deletedAt);
  return h(
    'blockquote',
    { class: `quote${deleted ? ' deleted' : ''}`, 'data-reply-to': replyTo.id },
    h('span', { class: 'quote-author' }, replyTo.sender.displayName),
    h('span', { class: 'quote-text' }, deleted ? DELETED_TEXT : quoted.content || 'Attachment'),
  );
}

export interface MessageOptions {
  /** Delivery state, on the viewer's last message only. */
  receipt?: string;
  /** Its buttons are in the Tab order (the message the keyboard is on). */
  tabbable: boolean;
}

export function messageItem(message: Message, conversation: Conversation, { receipt, tabbable }: MessageOptions): HTMLElement {
  const mine = message.sender.id === state.me?.id;
  const bubbleId = `bubble-${message.id}`;
  const bubble = message.deletedAt
    ? h('div', { class: 'bubble deleted', id: bubbleId }, DELETED_TEXT)
    : h(
        'div',
        { class: 'bubble', id: bubbleId },
        message.replyTo && quote(message.replyTo),
        ...withMentions(message.content, message.mentions.map((user) => user.id), conversation.participants),
        message.attachments.length > 0 && h('div', { class: 'attachments' }, ...message.attachments.map(attachmentElement)),
        message.editedAt && h('small', { class: 'edited' }, ' edited'),
      );
  const element = h(
    'div',
    {
      class: `message ${mine ? 'mine' : 'theirs'}${message.deletedAt ? ' deleted' : ''}`,
      'data-id': message.id,
      'data-version': String(message.version),
      'data-receipt': receipt,
      // Focusable by the list's arrow keys.
      tabindex: '-1',
    },
    h('div', { class: 'body' }, bubble, reactionChips(message)),
    messageActions(message, conversation, bubbleId),
    pickerOf(message),
  );
  for (const button of element.querySelectorAll('button')) button.tabIndex = tabbable ? 0 : -1;
  return element;
}
