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

function narrowBySender(event: ReceiptEvent): Map<string, ReceiptEvent> {
  const idsBySender = new Map<string, string[]>();
  event.messageIds.forEach((id, i) => {
    const sender = event.senderIds[i]!;
    const ids = idsBySender.get(sender);
    if (ids) ids.push(id);
    else idsBySender.set(sender, [id]);
  });
  const bySender = new Map<string, ReceiptEvent>();
  for (const [sender, messageIds] of idsBySender) {
    const whole = messageIds.length === event.messageIds.length;
    bySender.set(sender, whole ? event : { ...event, messageIds, senderIds: messageIds.map(() => sender) });
  }
  return bySender;
}
