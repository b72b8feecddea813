// The search box over the viewer's conversations: results as the server
// highlights them (HTML-escaped content with <mark> around matched words),
// rendered as text nodes and <mark> elements only, never as HTML. A result
// opens its conversation at that message.
import { SearchMessagesDocument, type SearchMessagesQuery } from '../../generated/graphql.js';
import * as chat from './chat.js';
import { h } from './dom.js';
import { shortWhen } from './format.js';
import { onSubmit } from './forms.js';
import { state, titleOf } from './state.js';

/** Wait this long after the last keystroke before searching. */
const DEBOUNCE_MS = 250;
const RESULTS = 20;

/**
 * Splits a highlight into text pieces (entities decoded) and marked pieces.
 * Nothing of it becomes markup: anything but <mark> stays text.
 */
export function highlightPieces(highlight: string): { text: string; marked: boolean }[] {
  const decode = (html: string) =>
    html.replace(/&(lt|gt|quot|#39|amp);/g, (_, name: string) => ({ lt: '<', gt: '>', quot: '"', '#39': "'", amp: '&' })[name]!);
  return highlight
    .split(/(<mark>[^<]*<\/mark>)/)
    .filter((piece) => piece !== '')
    .map((piece) => {
      const marked = piece.startsWith('<mark>');
      return { text: decode(marked ? piece.slice(6, -7) : piece), marked };
    });
}

function highlighted(highlight: string): Node[] {
  return highlightPieces(highlight).map(({ text, marked }) => (marked ? h('mark', {}, text) : document.createTextNode(text)));
}

type Edge = SearchMessagesQuery['searchMessages']['edges'][number];

export interface SearchBox {
  element: HTMLElement;
}

export function createSearchBox(): SearchBox {
  const input = h('input', { type: 'search', id: 'search', name: 'search', placeholder: 'Search messages…', autocomplete: 'off', maxlength: '200' });
  const form = h('form', { class: 'search', role: 'search' }, h('label', { for: 'search', class: 'sr-only' }, 'Search messages'), input);
  const status = h('p', { class: 'search-status', role: 'status', 'aria-live': 'polite' });
  const results = h('ul', { class: 'search-results', 'aria-label': 'Search results', hidden: '' });
  const element = h('div', { class: 'search-box' }, form, status, results);

  let timer: ReturnType<typeof setTimeout> | undefined;
  /** Only the answer to the latest query is shown. */
  let latest = 0;

  const clear = () => {
    results.replaceChildren();
    results.hidden = true;
    status.textContent = '';
  };
  async function search(query: string): Promise<void> {
    const ticket = ++latest;
    if (!query) return clear();
    const { searchMessages } = await chat.query(SearchMessagesDocument, { query, first: RESULTS });
    if (ticket !== latest) return;
    results.replaceChildren(...searchMessages.edges.map((edge) => resultItem(edge, clear)));
    results.hidden = searchMessages.edges.length === 0;
    status.textContent = searchMessages.edges.length === 0 ? 'No messages found.' : `${searchMessages.edges.length}${searchMessages.pageInfo.hasNextPage ? '+' : ''} found`;
  }

  input.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(() => chat.attempt(() => search(input.value.trim())), DEBOUNCE_MS);
  });
  input.addEventListener('keydown', (event) => {
    if (event.key !== 'Escape') return;
    input.value = '';
    latest++;
    clear();
  });
  onSubmit(form, () => {
    clearTimeout(timer);
    return search(input.value.trim());
  });
  return { element };
}

function resultItem(edge: Edge, done: () => void): HTMLLIElement {
  const { node } = edge;
  const conversation = state.conversations.get(node.conversationId);
  const button = h(
    'button',
    { type: 'button', class: 'search-result', 'data-message-id': node.id, 'data-conversation-id': node.conversationId },
    h(
      'span',
      { class: 'line' },
      h('span', { class: 'name' }, conversation ? titleOf(conversation) : node.sender.displayName),
      h('span', { class: 'when' }, shortWhen(node.createdAt)),
    ),
    h('span', { class: 'snippet' }, `${node.sender.id === state.me?.id ? 'You' : node.sender.displayName}: `, ...highlighted(edge.highlight)),
  );
  button.addEventListener('click', () =>
    chat.attempt(async () => {
      await chat.openAt(node.conversationId, node.id);
      done();
      // After the list has drawn it: scroll to the message, mark it, and move the focus there.
      await new Promise(requestAnimationFrame);
      const found = document.querySelector<HTMLElement>(`.messages .message[data-id="${CSS.escape(node.id)}"]`);
      if (!found) return;
      document.querySelectorAll('.message.found').forEach((other) => other.classList.remove('found'));
      found.classList.add('found');
      found.tabIndex = -1;
      found.scrollIntoView({ block: 'center' });
      found.focus({ preventScroll: true });
    }),
  );
  return h('li', {}, button);
}
