import type { SlackDeliveryFailure } from '../slack-delivery-error.js';
import type { Exchange } from './exchange.js';

/** What to do after one request. */
export type Verdict =
  | { readonly kind: 'ok'; readonly ts: string | undefined }
  | {
      readonly kind: 'retry' | 'fail';
      readonly failure: SlackDeliveryFailure;
      /** What went wrong, for the error message (redacted by the caller). */
      readonly detail: string;
      readonly status?: number;
      readonly slackError?: string;
      /** Milliseconds to wait before the next attempt, from a 429's `Retry-After`. */
      readonly retryAfter?: number;
    };

/** Slack API errors that mean "try again later" rather than "this message is wrong". */
const TRANSIENT: ReadonlySet<string> = new Set([
  'internal_error',
  'fatal_error',
  'service_unavailable',
  'request_timeout',
]);

/** The longest `Retry-After` honoured, in milliseconds: a longer one is cut to it. */
export const MAX_RETRY_AFTER = 300_000;

/**
 * The three forms of an HTTP-date (RFC 9110, 5.6.7): IMF-fixdate, which senders use, and the
 * obsolete RFC 850 and asctime forms, which recipients still accept.
 */
const HTTP_DATE = [
  /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/,
  /^(Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day, \d{2}-[A-Z][a-z]{2}-\d{2} \d{2}:\d{2}:\d{2} GMT$/,
  /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun) [A-Z][a-z]{2} [ \d]\d \d{2}:\d{2}:\d{2} \d{4}$/,
];

/** An HTTP-date as milliseconds since the epoch; NaN when it is not one. */
function httpDate(value: string): number {
  const text = value.trim();
  if (!HTTP_DATE.some((form) => form.test(text))) return NaN;
  // asctime carries no zone, and is UTC.
  return Date.parse(/GMT$/.test(text) ? text : `${text} GMT`);
}

/**
 * A `Retry-After` as milliseconds to wait, at most {@link MAX_RETRY_AFTER}: either seconds, or an
 * HTTP-date counted from the answer's own `Date` (so that the two clocks need not agree), or from
 * this machine's clock when the answer has none; a date already past means no wait. `undefined`
 * when absent or neither form.
 */
export function parseRetryAfter(value: string | null, date: string | null): number | undefined {
  if (value === null) return undefined;
  if (/^\s*\d+(\.\d+)?\s*$/.test(value)) return Math.min(Number(value) * 1_000, MAX_RETRY_AFTER);
  const at = httpDate(value);
  if (Number.isNaN(at)) return undefined;
  const sent = date === null ? NaN : httpDate(date);
  const wait = at - (Number.isNaN(sent) ? Date.now() : sent);
  return Math.min(Math.max(wait, 0), MAX_RETRY_AFTER);
}

/** Reads an exchange with `chat.postMessage`: a JSON body with `ok`, `ts` and `error`. */
export function readApiAnswer(exchange: Exchange, timeout: number): Verdict {
  if (exchange.kind !== 'answer') return readFailure(exchange, timeout);
  const { status } = exchange;
  const shared = common(exchange);
  if (shared !== undefined) return shared;
  const data = parse(exchange.body);
  const error = typeof data?.error === 'string' ? data.error : undefined;
  if (status < 200 || status >= 300) {
    return {
      kind: 'fail',
      failure: 'rejected',
      detail: `HTTP ${status}${error ? ` ${error}` : ''}`,
      status,
      slackError: error,
    };
  }
  if (data === undefined || typeof data.ok !== 'boolean') {
    return {
      kind: 'fail',
      failure: 'bad_response',
      detail: `HTTP ${status} with a body that is not Slack's answer`,
      status,
    };
  }
  if (data.ok) return { kind: 'ok', ts: typeof data.ts === 'string' ? data.ts : undefined };
  if (error === 'ratelimited') {
    return { kind: 'retry', failure: 'rate_limited', detail: error, status, slackError: error };
  }
  if (error !== undefined && TRANSIENT.has(error)) {
    return { kind: 'retry', failure: 'server_error', detail: error, status, slackError: error };
  }
  return {
    kind: 'fail',
    failure: 'rejected',
    detail: error ?? 'ok: false',
    status,
    slackError: error,
  };
}

/** Reads an exchange with an incoming webhook: `ok` as text, or an error code such as `no_service`. */
export function readWebhookAnswer(exchange: Exchange, timeout: number): Verdict {
  if (exchange.kind !== 'answer') return readFailure(exchange, timeout);
  const { status } = exchange;
  const shared = common(exchange);
  if (shared !== undefined) return shared;
  if (status >= 200 && status < 300) return { kind: 'ok', ts: undefined };
  const text = exchange.body.trim().slice(0, 200);
  const code = /^[a-z_]+$/.test(text) ? text : undefined;
  return {
    kind: 'fail',
    failure: 'rejected',
    detail: `HTTP ${status}${text ? ` ${text}` : ''}`,
    status,
    slackError: code,
  };
}

/** 429 and 5xx read the same from both endpoints. */
function common(answer: Extract<Exchange, { kind: 'answer' }>): Verdict | undefined {
  const { status } = answer;
  if (status === 429) {
    const wait = parseRetryAfter(answer.retryAfter, answer.date);
    return {
      kind: 'retry',
      failure: 'rate_limited',
      detail: 'HTTP 429',
      status,
      ...(wait === undefined ? {} : { retryAfter: wait }),
    };
  }
  if (status >= 500)
    return { kind: 'retry', failure: 'server_error', detail: `HTTP ${status}`, status };
  return undefined;
}

function readFailure(exchange: Exclude<Exchange, { kind: 'answer' }>, timeout: number): Verdict {
  if (exchange.kind === 'timeout') {
    return { kind: 'retry', failure: 'timeout', detail: `no answer within ${timeout} ms` };
  }
  return { kind: 'retry', failure: 'network', detail: describeError(exchange.error) };
}

/**
 * An error and its cause in one line (undici's "fetch failed" says why only in its cause).
 * Duck-typed: errors from another realm (Node's own fetch seen from a vm context) are no
 * `instanceof Error` here.
 */
function describeError(error: unknown): string {
  let text = oneLine(error);
  const cause =
    typeof error === 'object' && error !== null ? (error as { cause?: unknown }).cause : undefined;
  if (cause !== undefined) text += ` (${oneLine(cause)})`;
  return text.length > 300 ? `${text.slice(0, 297)}...` : text;
}

function oneLine(error: unknown): string {
  try {
    if (typeof error === 'object' && error !== null) {
      const { name, message } = error as { name?: unknown; message?: unknown };
      if (typeof message === 'string')
        return typeof name === 'string' && name !== '' ? `${name}: ${message}` : message;
    }
    return String(error);
  } catch {
    return Object.prototype.toString.call(error);
  }
}

function parse(body: string): Record<string, unknown> | undefined {
  try {
    const data: unknown = JSON.parse(body);
    return typeof data === 'object' && data !== null && !Array.isArray(data)
      ? (data as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
