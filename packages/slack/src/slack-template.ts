import type { Signal, State } from '@fluxgate/core';
import type { SlackMessage } from './slack-message.js';

/**
 * What a {@link SlackTemplate} gets to build one message from: the signal, and the texts the
 * built-in message is made of. Texts here are plain: escape them with `escapeMrkdwn` before
 * putting them in a message (the built-in `message` already is escaped).
 *
 * @example
 * ```ts
 * import { escapeMrkdwn, type SlackTemplateContext } from '@fluxgate/slack';
 *
 * const line = (ctx: SlackTemplateContext) =>
 *   `${escapeMrkdwn(ctx.circuitName)}: ${ctx.transition} at ${ctx.time} (${escapeMrkdwn(ctx.why)})`;
 * ```
 */
export interface SlackTemplateContext {
  /** The signal being announced, as the breaker sent it. */
  readonly signal: Signal;
  /** The circuit's name, not escaped. */
  readonly circuitName: string;
  /** The state the circuit left. */
  readonly oldState: State;
  /** The state it entered. */
  readonly newState: State;
  /** The transition as shown in messages: `closed → open`. */
  readonly transition: string;
  /** When it happened, in ISO 8601 UTC: `2025-01-31T12:00:00.000Z`. */
  readonly time: string;
  /**
   * Why it happened, read from the signal's metric: `failure rate 62% over 100 calls`,
   * `5 failures in a row`, `probe failed`, `retry time reached after 30 s open`, `manual`...
   * Not escaped.
   */
  readonly why: string;
  /** The built-in message for this transition, escaped: extend it or replace it. */
  readonly message: SlackMessage;
}

/**
 * Builds the Slack message for one transition.
 *
 * @example
 * ```ts
 * import { escapeMrkdwn, type SlackTemplate } from '@fluxgate/slack';
 *
 * const paging: SlackTemplate = (ctx) => ({
 *   ...ctx.message,
 *   text: `<!here> ${escapeMrkdwn(ctx.circuitName)} is failing: ${escapeMrkdwn(ctx.why)}`,
 * });
 * ```
 */
export type SlackTemplate = (context: SlackTemplateContext) => SlackMessage;

/**
 * Which transition a template is for: `'closed->open'`, with `*` for any state on either side
 * (`'*->closed'`, `'half_open->*'`, and `'*->*'` as the fallback).
 *
 * @example
 * ```ts
 * import type { SlackTransitionKey } from '@fluxgate/slack';
 *
 * const key: SlackTransitionKey = 'half_open->open';
 * ```
 */
export type SlackTransitionKey = `${State | '*'}->${State | '*'}`;

/**
 * Templates by transition. For each signal the listener uses the first it has of
 * `'old->new'`, `'*->new'`, `'old->*'` and `'*->*'`, and the built-in message otherwise.
 *
 * @example
 * ```ts
 * import type { SlackTemplates } from '@fluxgate/slack';
 *
 * const templates: SlackTemplates = {
 *   'closed->open': (ctx) => ({ ...ctx.message, text: `:rotating_light: ${ctx.message.text}` }),
 *   '*->*': (ctx) => ctx.message,
 * };
 * ```
 */
export type SlackTemplates = { readonly [K in SlackTransitionKey]?: SlackTemplate };
