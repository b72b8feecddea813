// Subscriptions over SSE (Yoga's HTTP transport) under the rules of sockets:
// each stream takes one of its user's connection slots (429 when none is
// left), is counted in /metrics, and ends at its token's exp with an error
// event naming the expiry, as a socket closes with 4403 then.
import { Repeater } from '@repeaterjs/repeater';
import type { ExecutionResult } from 'graphql';
import { isAsyncIterable, type Plugin } from 'graphql-yoga';
import type { Context } from '../context.js';
import { tooManyConnections, unauthenticated } from '../errors.js';
import type { Metrics } from '../infra/metrics.js';
import type { ConnectionLimits } from '../infra/connection-limits.js';

/** setTimeout cannot wait longer than this; longer waits are re-armed. */
const MAX_TIMER_MS = 2_147_483_647;

export function useSseStreams(connections: ConnectionLimits, metrics: Metrics): Plugin<Context> {
  return {
    // WebSocket subscriptions do not pass here (ws.ts subscribes directly): every stream here is an HTTP one.
    onSubscribe: () => ({
      onSubscribeResult({ args, result, setResult }) {
        const userId = args.contextValue.viewer?.id;
        if (!isAsyncIterable(result) || !userId) return;
        if (!connections.acquire(userId)) {
          void (result as AsyncIterator<unknown>).return?.();
          setResult({ errors: [tooManyConnections()] });
          return;
        }
        metrics.openSseStreams.inc();
        const expired = (): ExecutionResult => ({ errors: [unauthenticated('Token expired: the subscription ended at its exp.')] });
        setResult(
          endingAt(result as AsyncIterable<ExecutionResult>, args.contextValue.tokenExpiresAt ?? Number.POSITIVE_INFINITY, expired, () => {
            connections.release(userId);
            metrics.openSseStreams.dec();
          }),
        );
      },
    }),
  };
}

/** The source's values until `expiresAt`, then `expired()` as the last one; `onEnd` runs once, however it ends. */
function endingAt<T>(source: AsyncIterable<T>, expiresAt: number, expired: () => T, onEnd: () => void): Repeater<T> {
  return new Repeater<T>(async (push, stop) => {
    const iterator = source[Symbol.asyncIterator]();
    let timer: NodeJS.Timeout | undefined;
    const arm = () => {
      const delay = expiresAt - Date.now();
      if (delay === Number.POSITIVE_INFINITY) return;
      timer = setTimeout(() => (delay > MAX_TIMER_MS ? arm() : void push(expired()).then(() => stop())), Math.max(0, Math.min(delay, MAX_TIMER_MS)));
    };
    arm();
    let ended = false;
    void stop.then(() => {
      clearTimeout(timer);
      ended = true;
      void iterator.return?.();
      onEnd();
    });
    try {
      while (!ended) {
        const next = await Promise.race([iterator.next(), stop.then(() => ({ done: true, value: undefined }) as IteratorResult<T>)]);
        if (next.done) break;
        await push(next.value);
      }
      stop();
    } catch (error) {
      stop(error);
    }
  });
}
