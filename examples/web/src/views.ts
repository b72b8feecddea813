// The page: a sign-in form, then a conversation list and the open conversation
// (side by side on a wide screen, two screens on a phone). The shell is built
// once per sign-in; render() refreshes the parts that change.
import * as chat from './chat.js';
import { createComposer, type Composer } from './composer.js';
import { avatar, h, icon, ICONS, replaceChildrenKeepingEqual } from './dom.js';
import { shortWhen, time } from './format.js';
import { onSubmit } from './forms.js';
import { DELETED_TEXT } from './message-item.js';
import { createMessageList, type MessageList } from './message-list.js';
import { createSearchBox } from './search.js';
import { archivedCount, openConversation, others, peerOf, sortedConversations, state, titleOf, type Conversation } from './state.js';
import { groupPanel } from './group-panel.js';

function presenceOf(userId: string | undefined): 'online' | 'offline' {
  return userId !== undefined && state.online.get(userId) === true ? 'online' : 'offline';
}

/** A conversation's picture: the peer's avatar with an online dot, or a group's first letters. */
function conversationAvatar(conversation: Conversation): HTMLElement {
  const peer = peerOf(conversation);
  if (peer) return avatar(peer, presenceOf(peer.id));
  return avatar({ id: conversation.id, displayName: titleOf(conversation) });
}

// ---- sign-in ----

function loginView(): HTMLElement {
  const username = h('input', { id: 'username', name: 'username', placeholder: 'alice', autocomplete: 'username', required: '', pattern: '[A-Za-z0-9_.\\-]{1,32}' });
  const form = h(
    'form',
    { class: 'login' },
    h('h1', {}, 'Chat demo'),
    h('label', { for: 'username' }, 'Username'),
    username,
    h('button', { type: 'submit' }, 'Sign in'),
    h('p', { class: 'hint' }, `Development sign-in at ${chat.origin}: any username works while the server runs without JWT_SECRET.`),
  );
  onSubmit(form, () => chat.signIn(username.value.trim()));
  queueMicrotask(() => username.focus());
  return h('main', { class: 'login-page' }, form);
}

// ---- signed in ----

interface Shell {
  root: HTMLElement;
  list: HTMLUListElement;
  folder: HTMLButtonElement;
  info: HTMLElement;
  chatHeader: HTMLElement;
  chatTitle: HTMLElement;
  empty: HTMLElement;
  messages: MessageList;
  typing: HTMLElement;
  composer: Composer;
}

function buildShell(): Shell {
  const peer = h('input', { id: 'peer', name: 'peer', placeholder: 'Chat with username…', required: '', autocomplete: 'off' });
  const start = h('form', { class: 'start' }, h('label', { for: 'peer', class: 'sr-only' }, 'Start a chat with a username'), peer, h('button', { type: 'submit' }, 'Start'));
  onSubmit(start, async () => {
    await chat.startConversation(peer.value.trim());
    peer.value = '';
  });

  const signOut = h('button', { type: 'button', class: 'link' }, 'Sign out');
  signOut.addEventListener('click', () => chat.signOut());

  const me = state.me!;
  const list = h('ul', { class: 'conversations' });
  // The "Archived" folder: the same list, showing the archived conversations instead.
  const folder = h('button', { type: 'button', class: 'folder link', 'aria-pressed': 'false' });
  folder.addEventListener('click', () => chat.showArchived(!state.showArchived));
  const info = h('div', { class: 'info' });
  const back = h('button', { type: 'button', class: 'back', 'aria-label': 'Back to conversations' }, '‹');
  back.addEventListener('click', () => chat.attempt(chat.close));
  const chatTitle = h('div', { class: 'chat-title' });
  const chatHeader = h('header', { class: 'chat-header' }, back, chatTitle);
  const empty = h(
    'div',
    { class: 'empty' },
    icon(ICONS.chat),
    h('h2', {}, 'Your messages'),
    h('p', {}, 'Pick a conversation, or start one with a username.'),
  );
  const messages = createMessageList();
  const typing = h('div', { class: 'typing', 'aria-live': 'polite' });
  const composer = createComposer();
  const chatSection = h('main', { class: 'chat', 'aria-label': 'Conversation' }, chatHeader, info, empty, messages.element, typing, composer.element);
  const root = h(
    'div',
    { class: 'app' },
    h(
      'header',
      { class: 'topbar' },
      h('h1', {}, 'Chat'),
      h('span', { class: 'me' }, avatar(me, 'online'), h('span', { class: 'sr-only' }, 'Signed in as '), h('b', {}, me.username)),
      signOut,
    ),
    h('nav', { class: 'sidebar', 'aria-label': 'Conversations' }, createSearchBox().element, start, folder, list),
    chatSection,
  );
  return { root, list, folder, info, chatHeader, chatTitle, empty, messages, typing, composer };
}

/** A message in a line: its text, else its files; neither is left of a deleted one. */
function previewOf(message: NonNullable<Conversation['lastMessage']>): string {
  if (message.content) return message.content;
  if (message.attachments.length > 0) return `Attachment: ${message.attachments.map((file) => file.filename).join(', ')}`;
  return DELETED_TEXT;
}

function conversationItem(conversation: Conversation): HTMLLIElement {
  const peer = peerOf(conversation);
  const last = conversation.lastMessage;
  const active = conversation.id === state.openId;
  const button = h(
    'button',
    {
      type: 'button',
      class: `conversation${active ? ' active' : ''}${conversation.unreadCount > 0 ? ' unread' : ''}`,
      'data-id': conversation.id,
      'data-peer': peer?.username,
      'aria-current': active ? 'true' : undefined,
    },
    conversationAvatar(conversation),
    h(
      'span',
      { class: 'summary' },
      h(
        'span',
        { class: 'line' },
        h('span', { class: 'name' }, titleOf(conversation)),
        conversation.pinned && h('span', { class: 'mark pinned' }, icon(ICONS.pin), h('span', { class: 'sr-only' }, ' pinned')),
        conversation.muted && h('span', { class: 'mark muted' }, icon(ICONS.muted), h('span', { class: 'sr-only' }, ' muted')),
        last && h('span', { class: 'when' }, shortWhen(last.createdAt)),
      ),
      h(
        'span',
        { class: 'line' },
        h('span', { class: 'preview' }, last ? `${last.sender.id === state.me?.id ? 'You: ' : ''}${previewOf(last)}` : 'No messages yet'),
        conversation.unreadCount > 0 && h('span', { class: 'badge' }, String(conversation.unreadCount), h('span', { class: 'sr-only' }, ' unread')),
      ),
    ),
  );
  button.addEventListener('click', () => chat.attempt(() => chat.open(conversation.id)));
  const name = titleOf(conversation);
  const setting = (label: string, pressed: boolean, input: Parameters<typeof chat.updateSettings>[1]) => {
    const control = h('button', { type: 'button', class: 'setting link', 'aria-label': `${label} ${name}`, 'aria-pressed': String(pressed) }, label);
    control.addEventListener('click', () => chat.attempt(() => chat.updateSettings(conversation.id, input)));
    return control;
  };
  const settings = h(
    'span',
    { class: 'settings' },
    setting('Mute', conversation.muted, { muted: !conversation.muted }),
    setting('Pin', conversation.pinned, { pinned: !conversation.pinned }),
    setting('Archive', conversation.archived, { archived: !conversation.archived }),
  );
  return h('li', {}, button, settings);
}

function statusOf(conversation: Conversation): string {
  const peer = peerOf(conversation);
  if (!peer) return `${others(conversation).length + 1} members`;
  if (state.online.get(peer.id)) return 'online';
  const lastSeen = state.lastSeen.get(peer.id);
  return lastSeen ? `last seen ${time(lastSeen)}` : 'offline';
}

function renderChat(shell: Shell): void {
  const conversation = openConversation();
  for (const part of [shell.chatHeader, shell.info, shell.messages.element, shell.typing, shell.composer.element]) part.hidden = !conversation;
  shell.empty.hidden = Boolean(conversation);
  if (!conversation) return;
  shell.chatTitle.replaceChildren(
    conversationAvatar(conversation),
    h('span', { class: 'title' }, h('h2', { class: 'name' }, titleOf(conversation)), h('small', { class: 'status' }, statusOf(conversation))),
  );
  // Rebuilt only when what it shows changed: its inputs keep what is being typed.
  const panelKey = JSON.stringify([conversation.id, conversation.kind, conversation.title, conversation.viewerRole, state.members]);
  if (shell.info.dataset.key !== panelKey) {
    shell.info.dataset.key = panelKey;
    shell.info.replaceChildren(groupPanel(conversation, shell.info.querySelector('details')));
  }
  shell.composer.render(conversation);
  shell.messages.render(conversation);
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

  let screen: string | undefined;
  let lastOpenId: string | null = null;

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
    // On a phone the list and the chat are two screens: which one shows.
    const previousScreen = screen;
    screen = shell.root.dataset.screen = state.openId ? 'chat' : 'list';
    // The list is drawn anew on every change (unchanged items are kept): the focused conversation keeps the focus.
    const focused = document.activeElement?.closest<HTMLElement>('.conversation')?.dataset.id;
    replaceChildrenKeepingEqual(shell.list, sortedConversations().map(conversationItem));
    shell.folder.textContent = state.showArchived ? '‹ All chats' : `Archived (${archivedCount()})`;
    shell.folder.setAttribute('aria-pressed', String(state.showArchived));
    if (focused) shell.list.querySelector<HTMLElement>(`.conversation[data-id="${CSS.escape(focused)}"]`)?.focus();
    renderChat(shell);
    // A control hidden with its screen drops the focus (to the body): it goes to the screen that shows,
    // on the list to the conversation just left.
    const active = document.activeElement;
    const lost = !(active instanceof HTMLElement) || active === document.body || !active.checkVisibility();
    if (screen !== previousScreen && previousScreen && lost) {
      if (screen === 'chat') shell.messages.focus();
      else (shell.list.querySelector<HTMLElement>(`.conversation[data-id="${CSS.escape(lastOpenId ?? '')}"]`) ?? shell.list.querySelector<HTMLElement>('.conversation'))?.focus();
    }
    lastOpenId = state.openId ?? lastOpenId;
  };
}
