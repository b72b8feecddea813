// The demo page's service worker: shows a Web Push from the chat API as a
// notification, and opens its conversation when the notification is clicked.
// Plain JavaScript in public/, so that Vite serves it as it is at /sw.js (a
// service worker controls the pages under its own path: the whole site here).

// #region show
self.addEventListener('push', (event) => {
  // The API's payload (contract, "Push notifications"): type, conversationId,
  // messageId, sender { id, displayName }, preview, mentionsViewer, unread counts.
  const push = event.data ? event.data.json() : null;
  if (!push || push.type !== 'message') return;
  const title = push.mentionsViewer ? `${push.sender.displayName} mentioned you` : push.sender.displayName;
  event.waitUntil(
    self.registration.showNotification(title, {
      body: push.preview,
      // One notification per conversation: a newer message replaces the older one (as the push's Topic does on the way).
      tag: `conversation:${push.conversationId}`,
      renotify: true,
      data: { conversationId: push.conversationId, messageId: push.messageId, unread: push.totalUnreadCount },
    }),
  );
});
// #endregion

// #region open-on-click
self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const { conversationId } = event.notification.data ?? {};
  if (!conversationId) return;
  event.waitUntil(
    (async () => {
      const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
      // A tab of the page is open: it opens the conversation itself (it keeps its session and its ?api=).
      const tab = windows.find((client) => new URL(client.url).origin === self.location.origin);
      if (tab) {
        tab.postMessage({ type: 'open-conversation', conversationId });
        return tab.focus();
      }
      return self.clients.openWindow(`${self.registration.scope}?conversation=${encodeURIComponent(conversationId)}`);
    })(),
  );
});
// #endregion
