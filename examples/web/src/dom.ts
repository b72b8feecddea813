// A tiny element builder, and the avatar every list and message group uses.
// Text from the server only ever goes in through text nodes (append of a string).
import type { UserSummaryFragment } from '../../generated/graphql.js';

export type Child = Node | string | null | undefined | false;

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string | undefined> = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) if (value !== undefined) element.setAttribute(name, value);
  for (const child of children) if (child) element.append(child);
  return element;
}

/** Hues for avatars: picked from the user id, so that one person keeps one colour everywhere. */
const AVATAR_HUES = [211, 262, 330, 14, 145, 188, 38, 290];

function hueOf(id: string): number {
  let hash = 0;
  for (const char of id) hash = (hash * 31 + char.charCodeAt(0)) | 0;
  return AVATAR_HUES[Math.abs(hash) % AVATAR_HUES.length]!;
}

export function initials(name: string): string {
  const words = name.trim().split(/[\s._-]+/).filter(Boolean);
  return ((words[0]?.[0] ?? '?') + (words.length > 1 ? (words.at(-1)?.[0] ?? '') : '')).toUpperCase();
}

/** Initials on a colour of the user's own (decorative: the name is always written next to it). */
export function avatar(user: Pick<UserSummaryFragment, 'id' | 'displayName'>, presence?: 'online' | 'offline'): HTMLElement {
  return h(
    'span',
    { class: 'avatar', style: `--hue: ${hueOf(user.id)}`, 'aria-hidden': 'true' },
    initials(user.displayName),
    presence && h('span', { class: `dot ${presence}` }),
  );
}

/** A one-path icon on a 24×24 grid, in the text's colour; decorative (its button or text says what it is). */
export function icon(path: string): SVGSVGElement {
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('aria-hidden', 'true');
  const shape = document.createElementNS('http://www.w3.org/2000/svg', 'path');
  shape.setAttribute('d', path);
  svg.append(shape);
  return svg;
}

export const ICONS = {
  send: 'M3.4 20.4 21 12 3.4 3.6 3.4 10l12.6 2-12.6 2z',
  attach: 'M16.5 6v11.5a4 4 0 0 1-8 0V5a2.5 2.5 0 0 1 5 0v10.5a1 1 0 0 1-2 0V6H10v9.5a2.5 2.5 0 0 0 5 0V5a4 4 0 0 0-8 0v12.5a5.5 5.5 0 0 0 11 0V6z',
  chat: 'M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H8l-4 4V6a2 2 0 0 1 2-2z',
  muted: 'M16.5 12A4.5 4.5 0 0 0 14 8v2.2l2.4 2.4.1-.6zM19 12c0 .9-.2 1.8-.5 2.6l1.5 1.5A8.8 8.8 0 0 0 21 12a9 9 0 0 0-7-8.8v2.1a7 7 0 0 1 5 6.7zM4.3 3 3 4.3 7.7 9H3v6h4l5 5v-6.7l4.3 4.3c-.7.5-1.4.9-2.3 1.2v2a9 9 0 0 0 3.7-1.8l2 2 1.3-1.3-9-9zM12 4 9.9 6.1 12 8.2z',
  pin: 'M16 3v2h-1v6l2 3v2h-4v6l-1 1-1-1v-6H7v-2l2-3V5H8V3z',
  react: 'M12 2a10 10 0 1 0 0 20 10 10 0 0 0 0-20zm0 18a8 8 0 1 1 0-16 8 8 0 0 1 0 16zm3.5-9a1.5 1.5 0 1 0 0-3 1.5 1.5 0 0 0 0 3zm-7 0a1.5 1.5 0 1 0 0-3 1.5 1.5 0 0 0 0 3zm3.5 6.5a5.5 5.5 0 0 0 5.1-3.5H6.9a5.5 5.5 0 0 0 5.1 3.5z',
  reply: 'M10 9V5l-7 7 7 7v-4.1c5 0 8.5 1.6 11 5.1-1-5-4-10-11-11z',
  edit: 'M3 17.25V21h3.75L17.81 9.94l-3.75-3.75zM20.71 7.04a1 1 0 0 0 0-1.41l-2.34-2.34a1 1 0 0 0-1.41 0l-1.83 1.83 3.75 3.75z',
  delete: 'M6 19a2 2 0 0 0 2 2h8a2 2 0 0 0 2-2V7H6zM19 4h-3.5l-1-1h-5l-1 1H5v2h14z',
  close: 'M19 6.41 17.59 5 12 10.59 6.41 5 5 6.41 10.59 12 5 17.59 6.41 19 12 13.41 17.59 19 19 17.59 13.41 12z',
};

/**
 * `render`, held back while a pointer is pressed: a click is a press and a
 * release on one element, and a redraw between the two (a message arriving,
 * someone typing) replaces the element under the pointer, so the click would
 * be lost. What changed meanwhile is drawn once the pointer is released,
 * after the click has run. It also keeps a text selection being dragged.
 */
export function notWhilePressed(render: () => void): () => void {
  let pressed = false;
  let missed = false;
  const release = () => {
    pressed = false;
    if (!missed) return;
    missed = false;
    // The click event comes after pointerup, in the same task: draw after it.
    setTimeout(render);
  };
  document.addEventListener('pointerdown', () => (pressed = true), true);
  document.addEventListener('pointerup', release, true);
  document.addEventListener('pointercancel', release, true);
  // A release the page never heard of (on a scrollbar, outside the window): the pointer moves with no button down.
  document.addEventListener('pointermove', (event) => pressed && event.buttons === 0 && release(), true);
  window.addEventListener('blur', release);
  return () => {
    if (pressed) missed = true;
    else render();
  };
}

/**
 * Gives `parent` the children `next`, keeping in place each present child
 * that is equal to one of them (the same markup): the lists are drawn anew on
 * every change, and a replaced element loses what the reader is doing in it
 * (a text selection, an image already loaded). Equal markup is drawn from
 * the same data, so a kept element's listeners act as the new one's would.
 */
export function replaceChildrenKeepingEqual(parent: Element, next: Element[]): void {
  const present = new Map<string, Element[]>();
  for (const child of parent.children) {
    const same = present.get(child.outerHTML);
    if (same) same.push(child);
    else present.set(child.outerHTML, [child]);
  }
  let at: Element | null = parent.firstElementChild;
  for (const wanted of next) {
    const element = present.get(wanted.outerHTML)?.shift() ?? wanted;
    if (element === at) at = at.nextElementSibling;
    else parent.insertBefore(element, at);
  }
  while (at) {
    const after: Element | null = at.nextElementSibling;
    at.remove();
    at = after;
  }
}
