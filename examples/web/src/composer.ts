// The composer: a textarea that grows with its text, Enter sends and
// Shift+Enter starts a new line, and a draft kept per conversation (in this
// tab's sessionStorage, so a reload keeps it too). Above it, the message it
// replies to (quoted) or edits, with a way out (Escape, or the × button);
// `@` offers the members to mention.
import { attachButton } from './attachments.js';
import * as chat from './chat.js';
import { h, icon, ICONS } from './dom.js';
import { mentionedIn, mentionPicker } from './mentions.js';
import { openConversation, others, state, type Conversation } from './state.js';

const DRAFTS_KEY = 'chat-demo-drafts';
/** The textarea grows up to this many pixels, then scrolls. */
const MAX_HEIGHT_PX = 160;

const drafts = new Map<string, string>(Object.entries(JSON.parse(sessionStorage.getItem(DRAFTS_KEY) ?? '{}') as Record<string, string>));

function saveDraft(conversationId: string, text: string): void {
  if (text) drafts.set(conversationId, text);
  else drafts.delete(conversationId);
  sessionStorage.setItem(DRAFTS_KEY, JSON.stringify(Object.fromEntries(drafts)));
}

export interface Composer {
  element: HTMLElement;
  /** Shows the draft of `conversation` when it is not the one shown already, and the message it replies to or edits. */
  render(conversation: Conversation): void;
}

/** The members the composer may mention: the open conversation's, but the viewer. */
const mentionable = () => {
  const conversation = openConversation();
  return conversation ? others(conversation) : [];
};

export function createComposer(): Composer {
  const text = h('textarea', {
    name: 'message',
    rows: '1',
    placeholder: 'Write a message…',
    'aria-label': 'Message',
    'aria-describedby': 'composer-hint composer-context',
    'aria-autocomplete': 'list',
    'aria-controls': 'mention-options',
    maxlength: '4000',
    enterkeyhint: 'send',
  });
  const hint = h('span', { id: 'composer-hint', class: 'sr-only' }, 'Enter sends, Shift+Enter starts a new line, @ mentions a member.');
  const form = h('form', { class: 'composer' }, attachButton(), text, hint, h('button', { type: 'submit', 'aria-label': 'Send' }, icon(ICONS.send)));
  const context = h('div', { id: 'composer-context', class: 'composer-context', hidden: '' });
  const mentions = mentionPicker(text, mentionable, () => textChanged());
  const element = h('div', { class: 'composer-area' }, context, mentions.element, form);
  let conversationId: string | null = null;
  /** The message edited (its text is in the textarea instead of the draft) and the one replied to, as last drawn. */
  let shownEditId: string | null = null;
  let shownTarget: string | undefined;
  let contextKey = '';

  const fit = () => {
    text.style.height = 'auto';
    text.style.height = `${Math.min(text.scrollHeight, MAX_HEIGHT_PX)}px`;
  };
  /** Leaves the reply or the edit. */
  const leave = () => (state.editingId ? chat.startEditing(null) : chat.replyTo(null));
  text.addEventListener('keydown', (event) => {
    if (mentions.onKeydown(event)) return;
    if (event.key === 'Escape' && (state.editingId || state.replyingTo)) {
      event.preventDefault();
      leave();
    }
    if (event.key !== 'Enter' || event.shiftKey || event.isComposing) return;
    event.preventDefault();
    form.requestSubmit();
  });
  const textChanged = () => {
    fit();
    mentions.update();
    // An edit is not a draft, and not typing.
    if (state.editingId) return;
    if (conversationId) saveDraft(conversationId, text.value);
    chat.attempt(() => chat.draftChanged(text.value));
  };
  text.addEventListener('input', textChanged);
  // The caret moved: the `@` list follows it.
  text.addEventListener('click', () => mentions.update());
  text.addEventListener('keyup', (event) => {
    if (event.key.startsWith('Arrow') || event.key === 'Home' || event.key === 'End') mentions.update();
  });
  text.addEventListener('blur', () => mentions.close());

  // The textarea stays usable while a message is on its way: the next one can be typed at once.
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const [content, id] = [text.value, conversationId];
    if (!content.trim() || !id) return;
    mentions.close();
    const editing = state.editingId;
    if (editing) {
      chat.attempt(async () => {
        if (content !== state.messages.get(editing)?.content) await chat.edit(editing, content);
        if (state.editingId === editing) chat.startEditing(null);
      });
      return;
    }
    const replyToId = state.replyingTo ?? undefined;
    const mentionedUserIds = mentionedIn(content, mentionable());
    text.value = '';
    saveDraft(id, '');
    fit();
    if (replyToId) chat.replyTo(null);
    chat.attempt(() =>
      chat.send(content, { replyToId, mentionedUserIds }).catch((error: unknown) => {
        // Back in the composer unless the user moved on; kept as the draft either way.
        if (!text.value && conversationId === id) {
          text.value = content;
          fit();
          if (replyToId && !state.replyingTo && !state.editingId) chat.replyTo(replyToId);
        }
        saveDraft(id, content);
        throw error;
      }),
    );
  });

  const cancel = h('button', { type: 'button', class: 'cancel' }, icon(ICONS.close));
  cancel.addEventListener('click', () => {
    leave();
    text.focus();
  });

  return {
    element,
    render(conversation) {
      if (conversation.id !== conversationId) {
        conversationId = conversation.id;
        shownEditId = null;
        text.value = drafts.get(conversation.id) ?? '';
        mentions.close();
        fit();
      }
      const editing = state.editingId ? state.messages.get(state.editingId) : undefined;
      const replying = state.replyingTo ? state.messages.get(state.replyingTo) : undefined;
      if ((editing?.id ?? null) !== shownEditId) {
        // Into an edit: its text replaces the draft; out of it: the draft comes back.
        shownEditId = editing?.id ?? null;
        text.value = editing ? editing.content : (drafts.get(conversation.id) ?? '');
        fit();
      }
      const shown = editing ?? replying;
      if (shown && shown.id !== shownTarget) {
        // Straight on to writing the reply or the new text.
        text.focus();
        text.setSelectionRange(text.value.length, text.value.length);
      }
      shownTarget = shown?.id;
      const key = JSON.stringify([editing?.id, replying?.id, shown?.content]);
      if (key === contextKey) return;
      contextKey = key;
      context.hidden = !shown;
      if (!shown) return context.replaceChildren();
      const label = editing ? 'Editing your message' : `Replying to ${shown.sender.displayName}`;
      cancel.setAttribute('aria-label', editing ? 'Cancel editing' : 'Cancel reply');
      context.replaceChildren(
        h('span', { class: 'context-text' }, h('b', {}, label), h('span', { class: 'sr-only' }, ': '), h('span', { class: 'quoted' }, shown.content || 'Attachment')),
        cancel,
      );
    },
  };
}
