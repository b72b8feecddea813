// The composer: a textarea that grows with its text, Enter sends and
// Shift+Enter starts a new line, and a draft kept per conversation (in this
// tab's sessionStorage, so a reload keeps it too).
import { attachButton } from './attachments.js';
import * as chat from './chat.js';
import { h, icon, ICONS } from './dom.js';

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
  element: HTMLFormElement;
  /** Shows the draft of `conversationId` when it is not the one shown already. */
  showFor(conversationId: string): void;
}

export function createComposer(): Composer {
  const text = h('textarea', {
    name: 'message',
    rows: '1',
    placeholder: 'Write a message…',
    'aria-label': 'Message',
    'aria-describedby': 'composer-hint',
    maxlength: '4000',
    enterkeyhint: 'send',
  });
  const hint = h('span', { id: 'composer-hint', class: 'sr-only' }, 'Enter sends, Shift+Enter starts a new line.');
  const element = h('form', { class: 'composer' }, attachButton(), text, hint, h('button', { type: 'submit', 'aria-label': 'Send' }, icon(ICONS.send)));
  let conversationId: string | null = null;

  const fit = () => {
    text.style.height = 'auto';
    text.style.height = `${Math.min(text.scrollHeight, MAX_HEIGHT_PX)}px`;
  };
  text.addEventListener('keydown', (event) => {
    if (event.key !== 'Enter' || event.shiftKey || event.isComposing) return;
    event.preventDefault();
    element.requestSubmit();
  });
  text.addEventListener('input', () => {
    if (conversationId) saveDraft(conversationId, text.value);
    fit();
    chat.attempt(() => chat.draftChanged(text.value));
  });
  // The textarea stays usable while a message is on its way: the next one can be typed at once.
  element.addEventListener('submit', (event) => {
    event.preventDefault();
    const [content, id] = [text.value, conversationId];
    if (!content.trim() || !id) return;
    text.value = '';
    saveDraft(id, '');
    fit();
    chat.attempt(() =>
      chat.send(content).catch((error: unknown) => {
        // Back in the composer unless the user moved on; kept as the draft either way.
        if (!text.value && conversationId === id) {
          text.value = content;
          fit();
        }
        saveDraft(id, content);
        throw error;
      }),
    );
  });

  return {
    element,
    showFor(id) {
      if (id === conversationId) return;
      conversationId = id;
      text.value = drafts.get(id) ?? '';
      fit();
    },
  };
}
