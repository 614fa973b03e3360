import type { Signal } from '@fluxgate/core';
import type { SlackDeliveryError } from './slack-delivery-error.js';
import type { SlackFetch } from './slack-fetch.js';
import type { SlackListener } from './slack-listener.js';
import type { SlackTemplates } from './slack-template.js';

/**
 * The `onError` option: receives each message that did not reach Slack, as soon as the listener
 * gives up on it, instead of the breaker's `onListenerError`: the error (which names the
 * circuit, the transition and what went wrong, never the secret), the listener, and the signal
 * the message was about.
 *
 * Its parameters are those of the breaker's `onListenerError` (`ListenerErrorHandler` from
 * `@fluxgate/core`), narrowed: a breaker's handler fits as it is.
 *
 * @example
 * ```ts
 * import type { ListenerErrorHandler } from '@fluxgate/core';
 * import type { SlackErrorHandler } from '@fluxgate/slack';
 *
 * const onListenerError: ListenerErrorHandler = (error, _listener, cause) => {
 *   console.warn('listener failed', error, cause);
 * };
 * const onError: SlackErrorHandler = onListenerError; // one handler for both
 * const counting: SlackErrorHandler = (error, _listener, signal) => {
 *   console.warn(`slack ${error.failure} for ${signal.circuitName}`);
 * };
 * ```
 */
export type SlackErrorHandler = (
  error: SlackDeliveryError,
  listener: SlackListener,
  signal: Signal,
) => void;

/**
 * Options shared by both ways of reaching Slack.
 *
 * @example
 * ```ts
 * import type { SlackCommonOptions } from '@fluxgate/slack';
 *
 * const common: SlackCommonOptions = { timeout: 3_000, retries: 2, queueSize: 50 };
 * ```
 */
export interface SlackCommonOptions {
  /**
   * Templates by transition, over the built-in message.
   *
   * @defaultValue none: every transition gets the built-in message
   */
  templates?: SlackTemplates;
  /**
   * The `fetch` to send with.
   *
   * @defaultValue the global `fetch`
   */
  fetch?: SlackFetch;
  /**
   * How long one request may take, answer body included, in milliseconds; past it the request is
   * aborted and counts as a failed attempt.
   *
   * @defaultValue `5_000`
   */
  timeout?: number;
  /**
   * How many times a failed send is tried again: after a 429 (waiting its `Retry-After`), a 5xx,
   * a network error or a timeout. Other answers are not retried.
   *
   * @defaultValue `3`
   */
  retries?: number;
  /**
   * How many messages may wait to be sent per circuit, besides the one being sent. When one
   * more arrives, the circuit's oldest waiting message is dropped and reported, like any
   * delivery failure, as a `SlackDeliveryError` with `failure: 'queue_full'`. Each circuit has its own queue, so one
   * circuit that flaps never pushes another circuit's messages out.
   *
   * @defaultValue `100`
   */
  queueSize?: number;
  /**
   * Overrides where a message that did not reach Slack is reported, at once: dropped from a full
   * queue, refused by Slack (`ok: false`, a 4xx), or still failing after `retries`. Given, it
   * gets every such failure, and the breakers' `onListenerError` gets none. Called off the call
   * path; an error it throws is ignored. (A template that throws still goes to the breaker's
   * `onListenerError`: it throws from `onTransition`.)
   *
   * @defaultValue none: each failure goes, with the listener and the signal, to the
   *   `onListenerError` of the breaker whose signal it was about (of each breaker of that name
   *   attached when the signal arrived and still attached). When they have all been detached
   *   meanwhile, to one `console.error` line naming the circuit and the listener, the way the
   *   breaker's default `onListenerError` writes:
   *   `fluxgate: listener SlackListener of circuit breaker 'payment_api' failed: SlackDeliveryError: ...`
   */
  onError?: SlackErrorHandler;
  /**
   * Waits between attempts: `ms` milliseconds, or until `signal` aborts (the listener closed).
   * A rejection only ends the wait early. Tests replace it to skip the waits.
   *
   * @defaultValue a `setTimeout` that does not keep the process alive
   */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

/**
 * Posting with a bot token to `chat.postMessage`: messages of one incident share a thread.
 *
 * @example
 * ```ts
 * import { SlackListener } from '@fluxgate/slack';
 *
 * const slack = new SlackListener({ token: process.env.SLACK_BOT_TOKEN ?? '', channel: '#alerts' });
 * ```
 */
export interface SlackTokenOptions extends SlackCommonOptions {
  /** A bot token (`xoxb-...`) with the `chat:write` scope. Kept private; never logged. */
  token: string;
  /** The channel to post in: an ID such as `C0123456789`, or a name such as `#alerts`. */
  channel: string;
  /**
   * The endpoint to post to, for tests and proxies.
   *
   * @defaultValue `https://slack.com/api/chat.postMessage`
   */
  url?: string;
  /** Not with a token: see {@link SlackWebhookOptions}. */
  webhookUrl?: never;
}

/**
 * Posting to an incoming webhook: the webhook decides the channel, and there are no threads
 * (a webhook does not say where its message went).
 *
 * @example
 * ```ts
 * import { SlackListener } from '@fluxgate/slack';
 *
 * const slack = new SlackListener({ webhookUrl: process.env.SLACK_WEBHOOK_URL ?? '' });
 * ```
 */
export interface SlackWebhookOptions extends SlackCommonOptions {
  /**
   * The webhook's URL (`https://hooks.slack.com/services/...`), which is also where requests go
   * (point it at your proxy, if you use one). It is a secret: kept private, never logged.
   */
  webhookUrl: string;
  /** Not with a webhook. */
  token?: never;
  /** Not with a webhook: the webhook decides the channel. */
  channel?: never;
  /** Not with a webhook: `webhookUrl` is the endpoint. */
  url?: never;
}

/**
 * Options of `SlackListener`: a token and a channel, or an incoming webhook.
 *
 * @example
 * ```ts
 * import type { SlackListenerOptions } from '@fluxgate/slack';
 *
 * const options: SlackListenerOptions = process.env.SLACK_BOT_TOKEN
 *   ? { token: process.env.SLACK_BOT_TOKEN, channel: '#alerts' }
 *   : { webhookUrl: process.env.SLACK_WEBHOOK_URL ?? '' };
 * ```
 */
export type SlackListenerOptions = SlackTokenOptions | SlackWebhookOptions;
