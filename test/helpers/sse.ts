// GraphQL over SSE as a browser's fetch does it: a POST with Accept:
// text/event-stream, read event by event.
import type { TestServer } from './server.js';

export interface SseEvent {
  event: string;
  data: { data?: unknown; errors?: { message: string; extensions?: { code?: string } }[] } | null;
}

export interface SseStream {
  /** The answer's status (200 for a stream, 429 past the connection limit). */
  status: Promise<number>;
  events: SseEvent[];
  /** Resolves when the stream ends (from either side). */
  done: Promise<void>;
  close(): void;
}

export function sse(server: Pick<TestServer, 'url'>, token: string | null, query: string, variables: Record<string, unknown> = {}): SseStream {
  const abort = new AbortController();
  const events: SseEvent[] = [];
  let setStatus!: (status: number) => void;
  const status = new Promise<number>((resolve) => (setStatus = resolve));
  const done = (async () => {
    const res = await fetch(server.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'text/event-stream',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: JSON.stringify({ query, variables }),
      signal: abort.signal,
    });
    setStatus(res.status);
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    let buffered = '';
    for (;;) {
      const { value, done: ended } = await reader.read();
      if (ended) return;
      buffered += value;
      let end: number;
      while ((end = buffered.indexOf('\n\n')) >= 0) {
        const block = buffered.slice(0, end);
        buffered = buffered.slice(end + 2);
        const event = /^event: ?(.*)$/m.exec(block)?.[1];
        const data = /^data: ?(.*)$/m.exec(block)?.[1];
        if (event) events.push({ event, data: data ? JSON.parse(data) : null });
      }
    }
  })().catch((error: unknown) => {
    if (!abort.signal.aborted) throw error;
  });
  return { status, events, done, close: () => abort.abort() };
}
