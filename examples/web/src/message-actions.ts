// What a message offers, under the pointer or on the message the keyboard is
// on: a reaction (the picker), a reply (quoted above the composer), and for
// its sender an edit (in the composer) and a delete. In a group the OWNER and
// ADMINs delete anyone's message, as the server allows; the page hides only
// what the server would refuse.
import * as chat from './chat.js';
import { h, icon, ICONS } from './dom.js';
import { pickerOf, togglePicker } from './reactions.js';
import { state, type Conversation, type Message } from './state.js';

function mayDelete(message: Message, conversation: Conversation): boolean {
  if (message.sender.id === state.me?.id) return true;
  return conversation.kind === 'GROUP' && (conversation.viewerRole === 'OWNER' || conversation.viewerRole === 'ADMIN');
}

/** The message's buttons; none on a deleted one. `describedBy` is the id of its bubble (what a button acts on). */
export function messageActions(message: Message, conversation: Conversation, describedBy: string): HTMLElement | null {
  if (message.deletedAt) return null;
  const button = (action: string, label: string, path: string, run: (button: HTMLButtonElement) => void) => {
    const control = h('button', { type: 'button', class: 'action', 'data-action': action, 'aria-label': label, 'aria-describedby': describedBy, title: label }, icon(path));
    control.addEventListener('click', () => run(control));
    return control;
  };
  const react = button('react', 'Add a reaction', ICONS.react, (control) => togglePicker(message, control.closest<HTMLElement>('.message')!));
  react.setAttribute('aria-expanded', String(pickerOf(message) !== null));
  const mine = message.sender.id === state.me?.id;
  return h(
    'div',
    { class: 'actions', role: 'group', 'aria-label': 'Message actions' },
    react,
    button('reply', 'Reply', ICONS.reply, () => chat.replyTo(message.id)),
    // A message of files only has no text to edit.
    mine && message.content !== '' && button('edit', 'Edit', ICONS.edit, () => chat.startEditing(message.id)),
    mayDelete(message, conversation) &&
      button('delete', 'Delete', ICONS.delete, () => {
        if (confirm('Delete this message for everyone?')) chat.attempt(() => chat.remove(message.id));
      }),
  );
}
