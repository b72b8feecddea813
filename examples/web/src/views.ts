// The page: a sign-in form, then a conversation list and the open conversation.
// The shell is built once per sign-in; render() refreshes the parts that change.
// Text from the server only ever goes in through textContent.
import * as chat from './chat.js';
import {
  openConversation,
  peerOf,
  receiptOf,
  sortedConversations,
  sortedMessages,
  state,
  titleOf,
  type Conversation,
} from './state.js';

type Child = Node | string | null | undefined | false;

function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string | undefined> = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) if (value !== undefined) element.setAttribute(name, value);
  for (const child of children) if (child) element.append(child);
  return element;
}

const time = (iso: string): string => new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });

function dot(userId: string | undefined): HTMLElement {
  const online = userId !== undefined && state.online.get(userId) === true;
  return h('span', { class: `dot ${online ? 'online' : 'offline'}`, title: online ? 'online' : 'offline' });
}

/** Runs a form's action with its controls disabled; failures show in the error bar. */
function onSubmit(form: HTMLFormElement, action: () => Promise<unknown>): void {
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    state.error = null;
    const focused = document.activeElement;
    const controls = [...form.elements] as HTMLInputElement[];
    controls.forEach((control) => (control.disabled = true));
    action()
      .catch(chat.report)
      .finally(() => {
        controls.forEach((control) => (control.disabled = false));
        if (focused instanceof HTMLElement && form.contains(focused)) focused.focus();
      });
  });
}

// ---- sign-in ----

function loginView(): HTMLElement {
  const username = h('input', { name: 'username', placeholder: 'alice', autocomplete: 'username', required: '', pattern: '[A-Za-z0-9_.\\-]{1,32}' });
  const form = h(
    'form',
    { class: 'login' },
    h('h1', {}, 'Chat demo'),
    h('label', {}, 'Username', username),
    h('button', { type: 'submit' }, 'Sign in'),
    h('p', { class: 'hint' }, `Development sign-in at ${chat.origin}: any username works while the server runs without JWT_SECRET.`),
  );
  onSubmit(form, () => chat.signIn(username.value.trim()));
  queueMicrotask(() => username.focus());
  return form;
}

// ---- signed in ----

interface Shell {
  root: HTMLElement;
  list: HTMLUListElement;
  chatHeader: HTMLElement;
  messages: HTMLOListElement;
  typing: HTMLElement;
  composer: HTMLFormElement;
  draft: HTMLInputElement;
}

function buildShell(): Shell {
  const peer = h('input', { name: 'peer', placeholder: 'Chat with username…', title: 'The username of someone to chat with', required: '' });
  const start = h('form', { class: 'start' }, peer, h('button', { type: 'submit' }, 'Start'));
  onSubmit(start, async () => {
    await chat.startConversation(peer.value.trim());
    peer.value = '';
  });

  const draft = h('input', { name: 'message', placeholder: 'Write a message', autocomplete: 'off', maxlength: '4000' });
  const composer = h('form', { class: 'composer' }, draft, h('button', { type: 'submit' }, 'Send'));
  draft.addEventListener('input', () => chat.attempt(() => chat.draftChanged(draft.value)));
  onSubmit(composer, async () => {
    const content = draft.value;
    draft.value = '';
    await chat.send(content).catch((error: unknown) => {
      draft.value = content;
      throw error;
    });
  });

  const signOut = h('button', { type: 'button', class: 'link' }, 'Sign out');
  signOut.addEventListener('click', () => chat.signOut());

  const list = h('ul', { class: 'conversations' });
  const chatHeader = h('header', { class: 'chat-header' });
  const messages = h('ol', { class: 'messages' });
  const typing = h('div', { class: 'typing', 'aria-live': 'polite' });
  const root = h(
    'div',
    { class: 'app' },
    h('header', { class: 'topbar' }, h('strong', {}, 'Chat demo'), h('span', { class: 'me' }, 'Signed in as ', h('b', {}, state.me?.username)), signOut),
    h('aside', { class: 'sidebar' }, start, list),
    h('section', { class: 'chat' }, chatHeader, messages, typing, composer),
  );
  return { root, list, chatHeader, messages, typing, composer, draft };
}

function conversationItem(conversation: Conversation): HTMLLIElement {
  const peer = peerOf(conversation);
  const last = conversation.lastMessage;
  const item = h(
    'li',
    {
      class: `conversation${conversation.id === state.openId ? ' active' : ''}`,
      'data-id': conversation.id,
      'data-peer': peer?.username,
    },
    conversation.kind === 'DIRECT' ? dot(peer?.id) : h('span', { class: 'dot group' }),
    h(
      'div',
      { class: 'summary' },
      h('span', { class: 'name' }, titleOf(conversation)),
      h('span', { class: 'preview' }, last ? `${last.sender.id === state.me?.id ? 'You: ' : ''}${last.content}` : 'No messages yet'),
    ),
    conversation.unreadCount > 0 && h('span', { class: 'badge', title: 'unread' }, String(conversation.unreadCount)),
  );
  item.addEventListener('click', () => chat.attempt(() => chat.open(conversation.id)));
  return item;
}

function renderChat(shell: Shell): void {
  const conversation = openConversation();
  shell.composer.hidden = !conversation;
  if (!conversation) {
    shell.chatHeader.replaceChildren(h('span', { class: 'placeholder' }, 'Pick a conversation, or start one with a username.'));
    shell.messages.replaceChildren();
    shell.typing.replaceChildren();
    return;
  }
  const peer = peerOf(conversation);
  const online = peer ? state.online.get(peer.id) === true : false;
  const lastSeen = peer ? state.lastSeen.get(peer.id) : null;
  shell.chatHeader.replaceChildren(
    conversation.kind === 'DIRECT' ? dot(peer?.id) : h('span', { class: 'dot group' }),
    h('span', { class: 'name' }, titleOf(conversation)),
    peer ? h('small', { class: 'status' }, online ? 'online' : lastSeen ? `last seen ${time(lastSeen)}` : 'offline') : '',
  );

  const atBottom = shell.messages.scrollHeight - shell.messages.scrollTop - shell.messages.clientHeight < 40;
  const before = shell.messages.childElementCount;
  shell.messages.replaceChildren(
    ...sortedMessages().map((message) => {
      const mine = message.sender.id === state.me?.id;
      const receipt = mine ? receiptOf(message) : undefined;
      return h(
        'li',
        { class: `message ${mine ? 'mine' : 'theirs'}`, 'data-id': message.id, 'data-receipt': receipt?.toLowerCase() },
        !mine && conversation.kind === 'GROUP' && h('span', { class: 'author' }, message.sender.displayName),
        h('div', { class: 'bubble' }, message.content),
        h('span', { class: 'meta' }, time(message.createdAt), receipt && h('span', { class: 'receipt' }, ` · ${receipt}`)),
      );
    }),
  );
  if (atBottom || shell.messages.childElementCount !== before) shell.messages.scrollTop = shell.messages.scrollHeight;

  const typists = [...state.typing.values()];
  shell.typing.textContent = typists.length ? `${typists.join(', ')} ${typists.length === 1 ? 'is' : 'are'} typing…` : '';
}

// ---- the page ----

export function mount(root: HTMLElement): () => void {
  let shell: Shell | null = null;
  let login: HTMLElement | null = null;
  const errorBar = h('div', { class: 'error', role: 'alert' });
  errorBar.addEventListener('click', () => {
    state.error = null;
    errorBar.hidden = true;
  });

  return function render(): void {
    errorBar.hidden = !state.error;
    errorBar.textContent = state.error ?? '';
    if (!state.me) {
      shell = null;
      if (!login) root.replaceChildren((login = loginView()), errorBar);
      return;
    }
    if (!shell) {
      login = null;
      shell = buildShell();
      root.replaceChildren(shell.root, errorBar);
    }
    shell.list.replaceChildren(...sortedConversations().map(conversationItem));
    renderChat(shell);
  };
}
