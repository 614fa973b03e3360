import type { SlackFetch } from './slack-fetch.js';
import type { SlackTemplates } from './slack-template.js';

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
   * How many messages may wait to be sent, across every circuit; when one more arrives, the
   * oldest waiting message is dropped and reported as a `SlackDeliveryError` with
   * `failure: 'queue_full'`.
   *
   * @defaultValue `100`
   */
  queueSize?: number;
  /**
   * Waits between attempts: `ms` milliseconds, or until `signal` aborts (the listener closed),
   * when it should reject. Tests replace it to skip the waits.
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
