// Receipts go to those they concern (the contract's revised rule). In a group
// every member's marks move with every message: sent to everyone, receipts
// grow with the square of the group. A subscriber gets a MessagesRead or
// MessagesDelivered only when it covers messages its own user sent, with
// `messageIds` narrowed to those; the reader's own MessagesRead reaches the
// reader's other subscriptions unnarrowed (their other devices clear unread).
//
// One narrowed event per sender, built once per receipt and shared by every
// subscription of that sender: shared execution keys its results by the event
// object, so narrowing costs no execution per subscriber.
import type { MessageEvent, ReceiptEvent } from './message-events.js';

export function isReceipt(event: MessageEvent): event is ReceiptEvent {
  return event.type === 'MessagesRead' || event.type === 'MessagesDelivered';
}

const narrowed = new WeakMap<ReceiptEvent, Map<string, ReceiptEvent>>();

/** What a subscription of `viewerId` receives of a receipt: the narrowed event, or nothing. */
export function receiptFor(event: ReceiptEvent, viewerId: string): ReceiptEvent | undefined {
  if (event.user.id === viewerId) return event.type === 'MessagesRead' ? event : undefined;
  let bySender = narrowed.get(event);
  if (!bySender) narrowed.set(event, (bySender = narrowBySender(event)));
  return bySender.get(viewerId);
}

/** The viewers whose subscriptions receive something of a receipt (receiptFor answers undefined for every other). */
export function receiptViewers(event: ReceiptEvent): Iterable<string> {
  let bySender = narrowed.get(event);
  if (!bySender) narrowed.set(event, (bySender = narrowBySender(event)));
  if (event.type !== 'MessagesRead' || bySender.has(event.user.id)) return bySender.keys();
  return [event.user.id, ...bySender.keys()];
}

/** Message ids by sender, per messageIds array: receipts of one delivery flush often share theirs (message-feed.ts). */
const groupings = new WeakMap<readonly string[], Map<string, string[]>>();

function idsBySenderOf(event: ReceiptEvent): Map<string, string[]> {
  let idsBySender = groupings.get(event.messageIds);
  if (idsBySender) return idsBySender;
  idsBySender = new Map();
  for (let i = 0; i < event.messageIds.length; i++) {
    const sender = event.senderIds[i]!;
    const ids = idsBySender.get(sender);
    if (ids) ids.push(event.messageIds[i]!);
    else idsBySender.set(sender, [event.messageIds[i]!]);
  }
  groupings.set(event.messageIds, idsBySender);
  return idsBySender;
}

function narrowBySender(event: ReceiptEvent): Map<string, ReceiptEvent> {
  const bySender = new Map<string, ReceiptEvent>();
  for (const [sender, messageIds] of idsBySenderOf(event)) {
    const whole = messageIds.length === event.messageIds.length;
    bySender.set(sender, whole ? event : { ...event, messageIds, senderIds: messageIds.map(() => sender) });
  }
  return bySender;
}
