// CPU of one delivery flush in a conversation hub of 500 subscribers (one per member): 200 messages
// from one sender, then one DeliveredRanges notice with the other 499 members' marks over them.
// Usage: npm run build && node bench/receipts-flush.mjs [tree with dist/, default .] [flushes, default 10]
const tree = new URL(`${process.argv[2] ?? '.'}/`, `file://${process.cwd()}/`).href.replace(/\/$/, '');
const { MessageFeed } = await import(`${tree}/dist/modules/messages/message-feed.js`);
const { TopicHub } = await import(`${tree}/dist/realtime/topic-hub.js`);
const { createTypedPubSub, inProcessEngine } = await import(`${tree}/dist/infra/pubsub.js`);
const hub = new TopicHub(createTypedPubSub(inProcessEngine()));
const source = { lastEventPos: async () => 0, range: async () => [], changes: async () => [], changedSince: async () => ({ events: [], lastEventPos: 0 }), othersMessages: async () => ({ messageIds: [], senderIds: [] }) };
const feed = new MessageFeed(hub, source, (e) => console.error(e), { maxQueue: 1e9 });
const members = Array.from({ length: 500 }, (_, i) => `user-${i}`);
const queues = members.map((viewerId) => feed.subscribe('conv', viewerId, undefined, () => true, null));
await new Promise((r) => setTimeout(r, 50));
let pos = 0;
const user = (id) => ({ id, username: id, displayName: id, avatarUrl: null, lastSeenAt: null, createdAt: new Date(), updatedAt: new Date(), visible: true });
const rounds = Number(process.argv[3] ?? 20);
let cpu = 0;
for (let r = 0; r < rounds; r++) {
  const fromSeq = pos;
  for (let i = 0; i < 200; i++) {
    pos++;
    feed.stored({ type: 'MessageCreated', pos, message: { id: `m${pos}`, conversationId: 'conv', seq: pos, senderId: 'user-0', sender: user('user-0'), createdPos: pos, eventPos: pos } });
  }
  const notice = { type: 'DeliveredRanges', conversationId: 'conv', deliveredAt: new Date(), marks: members.slice(1).map((id) => ({ user: user(id), fromSeq, toSeq: pos })) };
  const t = process.cpuUsage();
  feed.hubs.get('conv').receive(notice);
  const u = process.cpuUsage(t);
  cpu += u.user + u.system;
}
const sizes = queues.map((q) => q.size);
console.log(`${tree}: ${(cpu / rounds / 1000).toFixed(2)} ms CPU per flush of 499 receipts; events queued at the sender ${sizes[0]}, at another member ${sizes[1]}`);
process.exit(0);
