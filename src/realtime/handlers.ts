// The listeners of one key: the one function, or a Set of several. Most keys
// of an idle server (a user's own topics, their notifications) have one
// listener, and a Set would cost each idle socket ~150 bytes.
export type Handlers<P> = ((payload: P) => void) | Set<(payload: P) => void> | undefined;

export function withHandler<P>(handlers: Handlers<P>, handler: (payload: P) => void): Handlers<P> {
  if (!handlers) return handler;
  if (handlers instanceof Set) return handlers.add(handler);
  return new Set([handlers, handler]);
}

/** `removed` is false when the handler was not there (stopped twice, say). */
export function withoutHandler<P>(handlers: Handlers<P>, handler: (payload: P) => void): { left: Handlers<P>; removed: boolean } {
  if (handlers === handler) return { left: undefined, removed: true };
  if (!(handlers instanceof Set) || !handlers.delete(handler)) return { left: handlers, removed: false };
  return { left: handlers.size > 0 ? handlers : undefined, removed: true };
}

export function callHandlers<P>(handlers: Handlers<P>, payload: P): void {
  if (typeof handlers === 'function') handlers(payload);
  else if (handlers) for (const handler of handlers) handler(payload);
}

export function handlerCount(handlers: Handlers<unknown>): number {
  return handlers instanceof Set ? handlers.size : handlers ? 1 : 0;
}
