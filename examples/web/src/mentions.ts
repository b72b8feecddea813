// Mentions are `@username` in a message's text. The composer offers the
// conversation's other members after an `@` (arrows choose, Enter or Tab
// takes, Escape closes); a message goes out with the ids of the members its
// text names (`mentionedUserIds`), and shows the mentions it was sent with
// highlighted, the viewer's own the most.
import { avatar, h } from './dom.js';
import { state, type Conversation } from './state.js';

type Member = Conversation['participants'][number];

/** Members offered at once. */
const MAX_OFFERED = 6;

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** `@name` of one of `usernames`, whole: not followed by more of a username (a full stop ending the sentence may follow). */
function mentionPattern(usernames: string[]): RegExp | null {
  if (usernames.length === 0) return null;
  const names = [...usernames].sort((a, b) => b.length - a.length).map(escapeRegExp).join('|');
  return new RegExp(`@(${names})(?![\\w-]|\\.[\\w-])`, 'gi');
}

/** The ids of the `members` whose `@username` the text holds. */
export function mentionedIn(content: string, members: Member[]): string[] {
  const pattern = mentionPattern(members.map((member) => member.username));
  if (!pattern) return [];
  const named = new Set([...content.matchAll(pattern)].map((match) => match[1]!.toLowerCase()));
  return members.filter((member) => named.has(member.username.toLowerCase())).map((member) => member.id);
}

/** A message's text as nodes: the mentions it was sent with (`mentionIds`) as highlighted spans, the rest as text. */
export function withMentions(content: string, mentionIds: string[], members: Member[]): Node[] {
  const mentioned = members.filter((member) => mentionIds.includes(member.id));
  const pattern = mentionPattern(mentioned.map((member) => member.username));
  if (!pattern) return [document.createTextNode(content)];
  const me = mentioned.find((member) => member.id === state.me?.id)?.username.toLowerCase();
  const nodes: Node[] = [];
  let at = 0;
  for (const match of content.matchAll(pattern)) {
    nodes.push(document.createTextNode(content.slice(at, match.index)));
    nodes.push(h('span', { class: `mention${match[1]!.toLowerCase() === me ? ' me' : ''}` }, match[0]));
    at = match.index + match[0].length;
  }
  nodes.push(document.createTextNode(content.slice(at)));
  return nodes;
}

export interface MentionPicker {
  /** The list of members offered (a listbox the textarea points to). */
  element: HTMLElement;
  /** Looks at the text before the caret: offers members after an `@`, else closes. */
  update(): void;
  /** A key pressed in the textarea; true when the open list took it. */
  onKeydown(event: KeyboardEvent): boolean;
  close(): void;
}

/** The `@` list of a textarea: `members()` are the ones it may offer; `picked` runs after a name went into the text. */
export function mentionPicker(text: HTMLTextAreaElement, members: () => Member[], picked: () => void): MentionPicker {
  const element = h('ul', { id: 'mention-options', class: 'mention-options', role: 'listbox', 'aria-label': 'Members to mention', hidden: '' });
  let offered: Member[] = [];
  let active = 0;
  let query: string | null = null;
  /** Where the `@` is in the text. */
  let start = 0;

  const close = () => {
    offered = [];
    query = null;
    element.hidden = true;
    element.replaceChildren();
    text.removeAttribute('aria-activedescendant');
  };

  const draw = () => {
    element.replaceChildren(
      ...offered.map((member, index) => {
        const option = h(
          'li',
          { id: `mention-option-${index}`, role: 'option', 'aria-selected': String(index === active), 'data-username': member.username },
          avatar(member),
          h('span', { class: 'mention-name' }, member.displayName),
          ' ',
          h('span', { class: 'mention-username' }, `@${member.username}`),
        );
        // Keeps the focus (and the caret) in the textarea.
        option.addEventListener('mousedown', (event) => event.preventDefault());
        option.addEventListener('click', () => pick(member));
        return option;
      }),
    );
    element.hidden = false;
    text.setAttribute('aria-activedescendant', `mention-option-${active}`);
  };

  const pick = (member: Member) => {
    const end = text.selectionStart;
    const inserted = `@${member.username} `;
    text.setRangeText(inserted, start, end, 'end');
    close();
    text.focus();
    picked();
  };

  const update = () => {
    const caret = text.selectionStart;
    const typed = text.selectionEnd === caret ? /(?:^|\s)@([\w.-]*)$/.exec(text.value.slice(0, caret)) : null;
    if (!typed) return close();
    const word = typed[1]!.toLowerCase();
    const matching = members()
      .filter((member) => member.username.toLowerCase().startsWith(word) || member.displayName.toLowerCase().startsWith(word))
      .slice(0, MAX_OFFERED);
    if (matching.length === 0) return close();
    if (word !== query) active = 0;
    [offered, query, start] = [matching, word, caret - word.length - 1];
    active = Math.min(active, offered.length - 1);
    draw();
  };

  const onKeydown = (event: KeyboardEvent): boolean => {
    if (offered.length === 0 || event.isComposing) return false;
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      active = (active + (event.key === 'ArrowDown' ? 1 : offered.length - 1)) % offered.length;
      draw();
    } else if (event.key === 'Enter' || event.key === 'Tab') pick(offered[active]!);
    else if (event.key === 'Escape') close();
    else return false;
    event.preventDefault();
    return true;
  };

  return { element, update, onKeydown, close };
}
