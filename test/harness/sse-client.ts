/** One server-sent event as received; a comment line (": ...") comes as event "comment". */
export interface ReceivedEvent {
  event: string;
  id: string | undefined;
  data: string;
}

export interface SseClient {
  status: number;
  /** The next event (or comment); rejects when the stream ends first. */
  next(): Promise<ReceivedEvent>;
  /** Resolves when the server ends the stream. */
  ended: Promise<void>;
  close(): void;
}

/** Opens an event stream with fetch and parses it block by block (the event stream format). */
export async function openEvents(url: string, headers: Record<string, string> = {}): Promise<SseClient> {
  const abort = new AbortController();
  const res = await fetch(url, { headers: { accept: 'text/event-stream', ...headers }, signal: abort.signal });
  const queue: ReceivedEvent[] = [];
  const waiting: { resolve(e: ReceivedEvent): void; reject(error: Error): void }[] = [];
  let done = false;
  const deliver = (event: ReceivedEvent): void => {
    const waiter = waiting.shift();
    if (waiter) waiter.resolve(event);
    else queue.push(event);
  };
  const parse = (block: string): void => {
    if (block.startsWith(':')) return deliver({ event: 'comment', id: undefined, data: block.slice(1).trim() });
    const fields: Record<string, string> = {};
    for (const line of block.split('\n')) {
      const colon = line.indexOf(':');
      fields[line.slice(0, colon)] = line.slice(colon + 1).replace(/^ /, '');
    }
    if (fields.data === undefined) return;
    deliver({ event: fields.event ?? 'message', id: fields.id, data: fields.data });
  };
  const ended = (async () => {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          parse(buffer.slice(0, end));
          buffer = buffer.slice(end + 2);
        }
      }
    } catch {
      // aborted by close()
    }
    done = true;
    for (const waiter of waiting.splice(0)) waiter.reject(new Error('the event stream ended'));
  })();
  return {
    status: res.status,
    next: () => {
      const queued = queue.shift();
      if (queued) return Promise.resolve(queued);
      if (done) return Promise.reject(new Error('the event stream ended'));
      return new Promise((resolve, reject) => waiting.push({ resolve, reject }));
    },
    ended,
    close: () => abort.abort(),
  };
}
