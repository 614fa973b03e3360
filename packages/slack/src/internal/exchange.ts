import type { SlackFetch } from '../slack-fetch.js';
import { CLOSED, unref } from './sleep.js';

/** How one request went: an answer (body read), no answer in time, or an error from `fetch`. */
export type Exchange =
  | {
      readonly kind: 'answer';
      readonly status: number;
      readonly retryAfter: string | null;
      /** The answer's `Date`: what an HTTP-date `Retry-After` is counted from. */
      readonly date: string | null;
      readonly body: string;
    }
  | { readonly kind: 'timeout' }
  | { readonly kind: 'error'; readonly error: unknown };

/** Where and what to post. */
export interface Post {
  readonly fetch: SlackFetch;
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  /** Milliseconds the whole exchange (answer body included) may take. */
  readonly timeout: number;
  /** The listener's: aborted by `close()`. */
  readonly stop: AbortSignal;
}

/**
 * Makes one request. The timeout is raced rather than only signalled, so a `fetch` that ignores
 * its signal cannot hold the queue; either way the request is aborted. Rejects with `CLOSED`
 * when the listener closes meanwhile.
 */
export async function exchange(post: Post): Promise<Exchange> {
  if (post.stop.aborted) throw CLOSED;
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let onStop = (): void => undefined;
  const cut = new Promise<'timeout' | 'closed'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), post.timeout);
    unref(timer);
    onStop = () => resolve('closed');
    post.stop.addEventListener('abort', onStop, { once: true });
  });
  const request = (async (): Promise<Exchange> => {
    const response = await post.fetch(post.url, {
      method: 'POST',
      headers: post.headers,
      body: post.body,
      signal: controller.signal,
    });
    const body = await response.text();
    return {
      kind: 'answer',
      status: response.status,
      retryAfter: response.headers.get('retry-after'),
      date: response.headers.get('date'),
      body,
    };
  })().catch((error: unknown): Exchange => ({ kind: 'error', error }));
  let settled = false;
  try {
    const first = await Promise.race([request, cut]);
    if (first === 'closed') throw CLOSED;
    if (first === 'timeout') return { kind: 'timeout' };
    settled = true;
    if (first.kind === 'error' && post.stop.aborted) throw CLOSED;
    return first;
  } finally {
    clearTimeout(timer);
    post.stop.removeEventListener('abort', onStop);
    if (!settled) controller.abort();
  }
}
