// The churn scenario's side of a subscriber worker (bench/churn.ts): records
// the NOT_FOUND that ends a removed member's messageEvents subscription and
// every ParticipantsChanged a screen receives, and subscribes a member's
// screen again (on the same socket) once they are added back, as an app does
// when AddedToConversationNotification comes.
import type { ChurnCollect, WorkerRequest } from './protocol.js';
import { Columns, now } from './worker-common.js';

type ChurnRequest = Extract<WorkerRequest, { cmd: 'churnReset' | 'churnResubscribe' | 'churnCollect' }>;

/** A screen that can subscribe again on its socket. */
export interface Resubscribable {
  spec: { index: number };
  resubscribe?: () => void;
}

const revocations = new Columns(['sub', 't'] as const);
const completions = new Columns(['sub', 't'] as const);
const changes = new Columns(['sub', 'subject', 'added', 't'] as const);
let resubscribed = 0;

/** The churn scenario's users are `churn-<index>`; other ids count as -1. */
const subjectIndex = (userId: string) => (userId.startsWith('churn-') ? Number(userId.slice(6)) : -1);

export function recordRevocation(sub: number) {
  revocations.push({ sub, t: now() });
}

/** A churn screen's subscription completed (after its NOT_FOUND, or without one). */
export function recordCompletion(sub: number) {
  completions.push({ sub, t: now() });
}

export function recordParticipantsChanged(sub: number, event: { added?: { id: string }[]; removed?: { id: string }[] }) {
  const t = now();
  for (const user of event.added ?? []) changes.push({ sub, subject: subjectIndex(user.id), added: 1, t });
  for (const user of event.removed ?? []) changes.push({ sub, subject: subjectIndex(user.id), added: 0, t });
}

export function isChurnCommand(request: WorkerRequest): request is ChurnRequest {
  return request.cmd === 'churnReset' || request.cmd === 'churnResubscribe' || request.cmd === 'churnCollect';
}

export function handleChurn(request: ChurnRequest, subs: readonly Resubscribable[]): unknown {
  switch (request.cmd) {
    case 'churnReset':
      revocations.reset();
      completions.reset();
      changes.reset();
      resubscribed = 0;
      return null;
    case 'churnResubscribe': {
      const wanted = new Set(request.indexes);
      for (const sub of subs) {
        if (!wanted.has(sub.spec.index) || !sub.resubscribe) continue;
        sub.resubscribe();
        resubscribed++;
      }
      return null;
    }
    case 'churnCollect':
      return { revocations: revocations.slice(), completions: completions.slice(), changes: changes.slice(), resubscribed } satisfies ChurnCollect;
  }
}
