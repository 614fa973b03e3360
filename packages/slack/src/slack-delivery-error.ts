import type { State } from '@fluxgate/core';

const BRAND = Symbol.for('@fluxgate/slack/SlackDeliveryError');

/**
 * Why a message did not reach Slack:
 * - `queue_full`: dropped unsent, the oldest waiting message of its circuit when that circuit's
 *   queue was full;
 * - `rejected`: Slack answered with an error (`ok: false`, or a 4xx), not retried;
 * - `rate_limited`: still answered 429 after every retry;
 * - `server_error`: still a 5xx (or a transient Slack error) after every retry;
 * - `network`: no connection, after every retry;
 * - `timeout`: no answer within `timeout`, after every retry;
 * - `bad_response`: an answer that is not Slack's.
 *
 * @example
 * ```ts
 * import type { SlackDeliveryFailure } from '@fluxgate/slack';
 *
 * const retriedInVain: SlackDeliveryFailure[] = ['rate_limited', 'server_error', 'network', 'timeout'];
 * ```
 */
export type SlackDeliveryFailure =
  | 'queue_full'
  | 'rejected'
  | 'rate_limited'
  | 'server_error'
  | 'network'
  | 'timeout'
  | 'bad_response';

/**
 * What a `SlackDeliveryError` is made from.
 *
 * @example
 * ```ts
 * import type { SlackDeliveryErrorInit } from '@fluxgate/slack';
 *
 * const init: SlackDeliveryErrorInit = {
 *   failure: 'rejected',
 *   circuitName: 'payment_api',
 *   oldState: 'closed',
 *   newState: 'open',
 *   attempts: 1,
 *   detail: 'channel_not_found',
 *   slackError: 'channel_not_found',
 * };
 * ```
 */
export interface SlackDeliveryErrorInit {
  /** Why the message did not reach Slack. */
  failure: SlackDeliveryFailure;
  /** The circuit the message was about. */
  circuitName: string;
  /** The transition's old state. */
  oldState: State;
  /** The transition's new state. */
  newState: State;
  /** Requests made (0 when dropped unsent). */
  attempts: number;
  /** What went wrong last, for the message; must hold no secret. */
  detail: string;
  /** The last HTTP status, when there was an answer. */
  status?: number;
  /** Slack's error code (`channel_not_found`...), when it gave one. */
  slackError?: string;
}

/**
 * A transition message that did not reach Slack. The listener reports it (with the listener and
 * the signal) as soon as it gives up on the message: to the `onListenerError` of the breaker
 * whose signal it was about, or to the listener's `onError` option when given. Its message names
 * the circuit, the transition and what went wrong, and never the token or the webhook URL.
 *
 * Recognise it with {@link SlackDeliveryError.is} (or `instanceof`), which works across two
 * copies of the package, such as its ESM and CommonJS builds.
 *
 * @example
 * ```ts
 * import { AsyncCircuitBreaker } from '@fluxgate/core';
 * import { SlackDeliveryError, SlackListener } from '@fluxgate/slack';
 *
 * const slack = new SlackListener({ token: process.env.SLACK_BOT_TOKEN ?? '', channel: '#alerts' });
 * new AsyncCircuitBreaker({
 *   name: 'payment_api',
 *   listeners: [slack],
 *   // The error is `unknown` here: the handler gets every listener's errors.
 *   onListenerError: (error) => {
 *     if (SlackDeliveryError.is(error) && error.failure === 'rejected') {
 *       console.error(`check the Slack app: ${error.slackError ?? error.message}`);
 *     } else {
 *       console.error('listener failed', error);
 *     }
 *   },
 * });
 * ```
 */
export class SlackDeliveryError extends Error {
  /** Why the message did not reach Slack. */
  readonly failure: SlackDeliveryFailure;
  /** The circuit the message was about. */
  readonly circuitName: string;
  /** The transition's old state. */
  readonly oldState: State;
  /** The transition's new state. */
  readonly newState: State;
  /** Requests made (0 when dropped unsent). */
  readonly attempts: number;
  /** The last HTTP status, when there was an answer. */
  readonly status: number | undefined;
  /** Slack's error code (`channel_not_found`, `not_in_channel`...), when it gave one. */
  readonly slackError: string | undefined;

  /** @param init - what went wrong, and with which message */
  constructor(init: SlackDeliveryErrorInit) {
    super(message(init));
    this.failure = init.failure;
    this.circuitName = init.circuitName;
    this.oldState = init.oldState;
    this.newState = init.newState;
    this.attempts = init.attempts;
    this.status = init.status;
    this.slackError = init.slackError;
  }

  /** Whether `error` is a `SlackDeliveryError`, from this copy of the package or another. */
  static is(error: unknown): error is SlackDeliveryError {
    return (
      typeof error === 'object' &&
      error !== null &&
      (error as { [BRAND]?: unknown })[BRAND] === true
    );
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return SlackDeliveryError.is(value);
  }

  static {
    Object.defineProperty(this.prototype, 'name', {
      value: 'SlackDeliveryError',
      enumerable: false,
      configurable: true,
      writable: true,
    });
    Object.defineProperty(this.prototype, BRAND, { value: true });
  }
}

function message(init: SlackDeliveryErrorInit): string {
  const about = `Slack message for circuit '${init.circuitName}' (${init.oldState} → ${init.newState})`;
  switch (init.failure) {
    case 'queue_full':
      return `${about} dropped unsent: ${init.detail}`;
    case 'rejected':
      return `${about} rejected by Slack: ${init.detail}`;
    default: {
      const tries = init.attempts === 1 ? '1 attempt' : `${init.attempts} attempts`;
      return `${about} not delivered after ${tries}: ${init.detail}`;
    }
  }
}
