// Reactions under a message: one chip per emoji with its count, pressed when
// the viewer reacted with it (a click adds theirs, or takes it back), and the
// small picker that a message's "Add a reaction" button opens.
import * as chat from './chat.js';
import { h } from './dom.js';
import type { Message } from './state.js';

/** What the picker offers (the server takes any emoji). */
export const EMOJIS = ['👍', '❤️', '😂', '🎉', '😮'];

export function reactionChips(message: Message): HTMLElement | null {
  if (message.reactions.length === 0) return null;
  return h(
    'div',
    { class: 'reactions' },
    ...message.reactions.map(({ emoji, count, reactedByMe }) => {
      const chip = h(
        'button',
        {
          type: 'button',
          class: 'reaction',
          'data-action': `reaction:${emoji}`,
          'aria-pressed': String(reactedByMe),
          'aria-label': `${emoji} ${count}`,
          title: reactedByMe ? `Take back your ${emoji}` : `React with ${emoji}`,
        },
        h('span', { class: 'emoji' }, emoji),
        ` ${count}`,
      );
      chip.addEventListener('click', () => chat.attempt(() => chat.toggleReaction(message.id, emoji)));
      return chip;
    }),
  );
}

/**
 * The open picker (one at a time). The list is drawn again on every change;
 * it puts this same element back, so the picker and its focus survive.
 */
let picker: { messageId: string; element: HTMLElement } | null = null;

export function pickerOf(message: Message): HTMLElement | null {
  if (picker?.messageId !== message.id) return null;
  if (!message.deletedAt) return picker.element;
  picker = null;
  return null;
}

/** Opens the picker in the message element `within` (or closes it, when it is open there). */
export function togglePicker(message: Message, within: HTMLElement): void {
  const wasOpen = picker?.messageId === message.id;
  closePicker(wasOpen);
  if (wasOpen) return;
  const element = h(
    'div',
    { class: 'picker', role: 'group', 'aria-label': 'Pick a reaction' },
    ...EMOJIS.map((emoji) => {
      const button = h('button', { type: 'button', 'data-action': `pick:${emoji}`, 'aria-label': `React with ${emoji}` }, emoji);
      button.addEventListener('click', () => {
        closePicker(true);
        chat.attempt(() => chat.toggleReaction(message.id, emoji));
      });
      return button;
    }),
  );
  element.addEventListener('keydown', (event) => {
    const buttons = [...element.querySelectorAll('button')];
    const at = buttons.indexOf(document.activeElement as HTMLButtonElement);
    if (event.key === 'Escape') closePicker(true);
    else if (event.key === 'ArrowRight' || event.key === 'ArrowLeft') buttons.at((at + (event.key === 'ArrowRight' ? 1 : -1)) % buttons.length)?.focus();
    else return;
    event.preventDefault();
    event.stopPropagation();
  });
  picker = { messageId: message.id, element };
  within.append(element);
  within.querySelector('[data-action=react]')?.setAttribute('aria-expanded', 'true');
  element.querySelector('button')?.focus();
}

/** Closes the open picker; `refocus` puts the focus back on its message's "Add a reaction" button. */
function closePicker(refocus: boolean): void {
  if (!picker) return;
  const { element } = picker;
  picker = null;
  const react = element.closest('.message')?.querySelector<HTMLElement>('[data-action=react]');
  element.remove();
  react?.setAttribute('aria-expanded', 'false');
  if (refocus) react?.focus();
}

// A press anywhere but the picker and its button closes it.
document.addEventListener('pointerdown', (event) => {
  const target = event.target as Element;
  if (!picker || picker.element.contains(target)) return;
  if (target.closest(`.message[data-id="${CSS.escape(picker.messageId)}"] [data-action=react]`)) return;
  closePicker(false);
});
