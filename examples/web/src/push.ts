// Web Push for the demo page: after sign-in it asks for permission to show
// notifications, registers the service worker (public/sw.js) and a push
// subscription for the server's VAPID key, and hands the subscription to the
// API. Where push is not available (no key on the server, permission
// refused, a browser without a push service) the page works as before.
import type { Api } from './api.js';
import { PushPublicKeyDocument, RegisterPushSubscriptionDocument } from '../../generated/graphql.js';

// #region enable-push
/** Asks, subscribes and registers; resolves with what happened (logged, never thrown). */
export async function enablePush(api: Api): Promise<'registered' | 'unsupported' | 'off' | 'denied' | 'failed'> {
  try {
    if (!('serviceWorker' in navigator) || !('PushManager' in window) || !('Notification' in window)) return 'unsupported';
    const { pushPublicKey } = await api.query(PushPublicKeyDocument, {});
    if (!pushPublicKey) return 'off';
    if ((await Notification.requestPermission()) !== 'granted') return 'denied';
    const registration = await navigator.serviceWorker.register('/sw.js');
    await navigator.serviceWorker.ready;
    const key = base64urlToBytes(pushPublicKey);
    let subscription = await registration.pushManager.getSubscription();
    // A subscription made for another server's key cannot be reused.
    if (subscription && !sameKey(subscription.options.applicationServerKey, key)) {
      await subscription.unsubscribe();
      subscription = null;
    }
    subscription ??= await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key });
    const { endpoint, keys } = subscription.toJSON();
    if (!endpoint || !keys?.p256dh || !keys.auth) return 'failed';
    await api.mutate(RegisterPushSubscriptionDocument, { input: { endpoint, p256dh: keys.p256dh, auth: keys.auth } });
    return 'registered';
  } catch (error) {
    // Not an error of the page: browsers without a reachable push service refuse to subscribe.
    console.info('Push notifications are not available:', error);
    return 'failed';
  }
}

function base64urlToBytes(value: string): Uint8Array<ArrayBuffer> {
  const base64 = value.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(value.length / 4) * 4, '=');
  return Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
}

function sameKey(current: ArrayBuffer | null, wanted: Uint8Array): boolean {
  if (!current) return false;
  const bytes = new Uint8Array(current);
  return bytes.length === wanted.length && bytes.every((b, i) => b === wanted[i]);
}
// #endregion

// #region notification-click
/** Calls `open` with the conversation of a notification clicked while this tab is open (sent by sw.js). */
export function onNotificationClick(open: (conversationId: string) => void): void {
  navigator.serviceWorker?.addEventListener('message', (event: MessageEvent<{ type?: string; conversationId?: string }>) => {
    if (event.data?.type === 'open-conversation' && event.data.conversationId) open(event.data.conversationId);
  });
}
// #endregion
