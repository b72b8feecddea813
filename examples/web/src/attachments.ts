// Files in messages: the composer's attach button (each picked file is
// uploaded, then sent as a message of its own), and how a message shows its
// attachments: images inline at their size, everything else as a download link.
import './files.css';
import type { AttachmentItemFragment } from '../../generated/graphql.js';
import * as chat from './chat.js';
import { h, icon, ICONS } from './dom.js';

/** Shown inline; SVG never is (the server serves it as a download). */
const INLINE_IMAGE = /^image\/(png|jpeg|gif|webp|avif|bmp)$/;

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** `url` may be a path on the API server (folder storage) or absolute (a bucket's presigned URL). */
const absolute = (url: string) => new URL(url, chat.origin).href;

/**
 * Elements by URL: the message list is redrawn on every change, and an image
 * should not load again each time. By URL rather than id, so that a fresh
 * signed URL (history read again after the old one expired) is the one used.
 */
const drawn = new Map<string, HTMLElement>();

/** One attachment in a message bubble. The filename goes in as text (h() appends strings as text nodes). */
export function attachmentElement(attachment: AttachmentItemFragment): HTMLElement {
  let element = drawn.get(attachment.url);
  if (!element) drawn.set(attachment.url, (element = drawAttachment(attachment)));
  return element;
}

function drawAttachment(attachment: AttachmentItemFragment): HTMLElement {
  if (INLINE_IMAGE.test(attachment.contentType)) {
    const image = h('img', {
      src: absolute(attachment.url),
      alt: attachment.filename,
      width: attachment.width?.toString(),
      height: attachment.height?.toString(),
      decoding: 'async',
    });
    return h('a', { class: 'attachment image', href: absolute(attachment.url), target: '_blank', rel: 'noopener noreferrer' }, image);
  }
  return h(
    'a',
    { class: 'attachment file', href: absolute(attachment.url), download: attachment.filename, rel: 'noopener noreferrer' },
    h('span', { class: 'filename' }, attachment.filename),
    h('span', { class: 'size' }, ` (${formatBytes(attachment.size)})`),
  );
}

/** The composer's attach button: a labelled file input; each file picked goes up and out as a message. */
export function attachButton(): HTMLElement {
  const input = h('input', { type: 'file', id: 'attach', name: 'attach', class: 'sr-only', multiple: '' });
  const label = h('label', { for: 'attach', class: 'attach', title: 'Attach a file or image' }, icon(ICONS.attach), h('span', { class: 'sr-only' }, 'Attach a file or image'));
  input.addEventListener('change', () => {
    const files = [...(input.files ?? [])];
    input.value = '';
    if (files.length === 0) return;
    label.classList.add('busy');
    chat.attempt(() => chat.sendFiles(files).finally(() => label.classList.remove('busy')));
  });
  // Keyboard users reach the visually hidden input; its focus shows on the label.
  input.addEventListener('focus', () => label.classList.add('focused'));
  input.addEventListener('blur', () => label.classList.remove('focused'));
  return h('span', { class: 'attach-control' }, input, label);
}
