import { builder } from '../../builder.js';
import { viewerOf } from '../../context.js';
import { UserRef } from '../users/users.schema.js';
import type { PresenceEventPayload } from './presence.service.js';
import { onDelivery } from '../../realtime/field-rules.js';

const PresenceStatus = builder.enumType('PresenceStatus', { values: ['ONLINE', 'OFFLINE'] as const });

const PresenceEventRef = builder.objectRef<PresenceEventPayload>('PresenceEvent').implement({
  fields: (t) => ({
    user: t.field({ type: UserRef, resolve: (event) => event.user }),
    status: t.field({ type: PresenceStatus, resolve: (event) => event.status }),
    lastSeenAt: t.field({ type: 'DateTime', nullable: true, resolve: (event) => event.lastSeenAt }),
  }),
});

builder.subscriptionFields((t) => ({
  presence: t.field({
    type: PresenceEventRef,
    description:
      'Online/offline changes of the given users; when omitted, of everyone who shares a conversation with the viewer. Online means at least one open WebSocket, on any server process.',
    args: { userIds: t.arg.idList() },
    subscribe: (_root, args, ctx) =>
      ctx.services.presence.subscribe(viewerOf(ctx).id, args.userIds?.map(String) ?? null),
    resolve: (event: PresenceEventPayload) => event,
    extensions: onDelivery((_event, ctx) => ctx.services.metrics.countDelivery('presence')),
  }),
}));
