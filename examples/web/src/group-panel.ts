// The open conversation's info panel: its members with their roles, and the
// controls the viewer's role allows (the contract's "Conversations"):
//   add by username, rename   OWNER, ADMIN
//   remove a MEMBER           OWNER, ADMIN;  remove an ADMIN: OWNER
//   leave                     anyone in a group
//   block / unblock           anyone, on anyone else
// The server refuses the rest with FORBIDDEN anyway; the page only hides
// what would be refused.
import * as chat from './chat.js';
import { avatar, h } from './dom.js';
import { onSubmit } from './forms.js';
import { state, type Conversation } from './state.js';
import type { ConversationMemberItemFragment } from '../../generated/graphql.js';

const ROLE_NAMES = { OWNER: 'Owner', ADMIN: 'Admin', MEMBER: 'Member' } as const;

function mayRemove(viewerRole: Conversation['viewerRole'], member: ConversationMemberItemFragment): boolean {
  if (member.user.id === state.me?.id) return false;
  return viewerRole === 'OWNER' || (viewerRole === 'ADMIN' && member.role === 'MEMBER');
}

function memberItem(conversation: Conversation, member: ConversationMemberItemFragment): HTMLLIElement {
  const { user } = member;
  const self = user.id === state.me?.id;
  const controls: HTMLElement[] = [];
  if (conversation.kind === 'GROUP' && mayRemove(conversation.viewerRole, member)) {
    const remove = h('button', { type: 'button', class: 'link', 'aria-label': `Remove ${user.displayName}` }, 'Remove');
    remove.addEventListener('click', () => chat.attempt(() => chat.removeMember(user.id)));
    controls.push(remove);
  }
  if (!self) {
    const blocked = user.blockedByViewer === true;
    const block = h('button', { type: 'button', class: 'link', 'aria-label': `${blocked ? 'Unblock' : 'Block'} ${user.displayName}` }, blocked ? 'Unblock' : 'Block');
    block.addEventListener('click', () => chat.attempt(() => chat.setBlocked(user.id, !blocked)));
    controls.push(block);
  }
  return h(
    'li',
    { class: 'member', 'data-username': user.username },
    avatar(user),
    h('span', { class: 'member-name' }, user.displayName, self && ' (you)'),
    h('span', { class: 'role' }, ROLE_NAMES[member.role]),
    user.blockedByViewer && h('span', { class: 'role' }, 'Blocked'),
    ...controls,
  );
}

/** The open conversation's info panel; `replacing` is the one it takes the place of, if any. */
export function groupPanel(conversation: Conversation, replacing: HTMLDetailsElement | null): HTMLElement {
  // A click opens or closes a panel at once but tells it (toggle) only in a later task: read the shown one's state.
  if (replacing?.dataset.id) keepOpen(replacing.dataset.id, replacing.open);
  const panel = h('details', { class: 'group-info', 'data-id': conversation.id }, h('summary', {}, conversation.kind === 'GROUP' ? 'Group info' : 'Info'));
  // Re-rendered when what it shows changes: keep it open once the user opened it.
  panel.open = openPanels.has(conversation.id);
  panel.addEventListener('toggle', () => keepOpen(conversation.id, panel.open));
  const members = state.members ?? [];
  panel.append(h('ul', { class: 'members', 'aria-label': 'Members' }, ...members.map((member) => memberItem(conversation, member))));
  if (conversation.kind !== 'GROUP') return panel;

  const manages = conversation.viewerRole === 'OWNER' || conversation.viewerRole === 'ADMIN';
  if (manages) {
    const username = h('input', { id: 'add-member', name: 'username', placeholder: 'username', required: '', autocomplete: 'off' });
    const add = h('form', { class: 'inline' }, h('label', { for: 'add-member' }, 'Add a member'), username, h('button', { type: 'submit' }, 'Add'));
    onSubmit(add, async () => {
      await chat.addMember(username.value.trim());
      username.value = '';
    });
    const title = h('input', { id: 'rename', name: 'title', value: conversation.title ?? '', required: '', maxlength: '200' });
    const rename = h('form', { class: 'inline' }, h('label', { for: 'rename' }, 'Group name'), title, h('button', { type: 'submit' }, 'Rename'));
    onSubmit(rename, () => chat.rename(title.value.trim()));
    panel.append(add, rename);
  }
  const leave = h('button', { type: 'button', class: 'danger' }, 'Leave group');
  leave.addEventListener('click', () => chat.attempt(chat.leave));
  panel.append(leave);
  return panel;
}

/** Conversations whose panel the user opened. */
const openPanels = new Set<string>();

function keepOpen(conversationId: string, open: boolean): void {
  if (open) openPanels.add(conversationId);
  else openPanels.delete(conversationId);
}
