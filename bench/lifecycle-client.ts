// The resume scenario's subscriber, inside a subscriber worker thread: a chat
// screen coming back after a long absence. It connects (connection_ack), then
// subscribes to messageEvents(since: <its old cursor>) with the screen's full
// selection and records every change-feed event with the time it arrived,
// until the event carrying the cursor the main thread names (the feed's end
// after the changes made during the replay) has arrived.
import type { Client } from 'graphql-ws';
import { MESSAGE_EVENTS, type ScreenEvent } from './operations.js';
import type { ResumeCollect, WorkerRequest } from './protocol.js';
import { describe, FeedRecorder, graphqlClient, now, Samples } from './worker-common.js';

type ResumeRequest = Extract<WorkerRequest, { cmd: 'resumeStart' | 'resumeFinish' }>;

export const isResumeCommand = (request: WorkerRequest): request is ResumeRequest => request.cmd.startsWith('resume');

let client: Client | undefined;
let connectedAt = 0;
let subscribedAt = 0;
let otherEvents = 0;
let feed = new FeedRecorder();
let errors = new Samples();
/** Resolves the pending resumeFinish once its cursor arrives. */
let waitingFor: { cursor: string; resolve: () => void } | undefined;
let ended = false;
/** Which screen is current: callbacks of a closed one are ignored. */
let generation = 0;

/** A new resuming screen (the previous one, if any, closed first). */
async function start(request: Extract<ResumeRequest, { cmd: 'resumeStart' }>) {
  if (client) {
    ended = true;
    await client.dispose();
  }
  ended = false;
  const mine = ++generation;
  const current = () => !ended && generation === mine;
  feed = new FeedRecorder();
  errors = new Samples();
  otherEvents = 0;
  // Connected first (connection_ack), so that the replay's time is the subscription's alone.
  const opened = graphqlClient(
    request.url,
    request.token,
    request.timeoutMs,
    'resume subscriber',
    (code, reason) => {
      if (current()) errors.add(`socket closed ${code ?? ''} ${reason}`);
    },
    true,
  );
  client = opened.client;
  await opened.connected;
  connectedAt = now();
  subscribedAt = now();
  opened.client.subscribe<{ messageEvents: ScreenEvent }>(
    { query: MESSAGE_EVENTS, variables: { conversationId: request.conversationId, since: request.since } },
    {
      next: (result) => {
        const t = now();
        if (result.errors?.length) {
          errors.add(`subscription error: ${result.errors.map((e) => e.message).join('; ')}`);
          return;
        }
        const event = result.data?.messageEvents;
        if (!event || !('cursor' in event)) {
          otherEvents++;
          return;
        }
        feed.record(0, event.__typename, event, t);
        if (waitingFor && event.cursor === waitingFor.cursor) waitingFor.resolve();
      },
      error: (error) => {
        if (current()) errors.add(`subscription errored: ${describe(error)}`);
      },
      complete: () => {
        if (current()) errors.add('subscription completed by the server');
      },
    },
  );
  return { subscribedAt };
}

async function finish(request: Extract<ResumeRequest, { cmd: 'resumeFinish' }>): Promise<ResumeCollect> {
  let reached = feed.cursorOf(request.untilCursor) !== undefined;
  if (!reached) {
    let timer: NodeJS.Timeout | undefined;
    reached = await Promise.race([
      new Promise<boolean>((resolve) => (waitingFor = { cursor: request.untilCursor, resolve: () => resolve(true) })),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), request.timeoutMs))),
    ]);
    clearTimeout(timer);
    waitingFor = undefined;
  }
  return { connectedAt, subscribedAt, reached, feed: feed.collect(), errors: errors.list, otherEvents };
}

export async function closeResume() {
  ended = true;
  await client?.dispose();
}

export async function handleResume(request: ResumeRequest): Promise<unknown> {
  switch (request.cmd) {
    case 'resumeStart':
      return start(request);
    case 'resumeFinish':
      return finish(request);
  }
}
