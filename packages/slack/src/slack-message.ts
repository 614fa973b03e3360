/**
 * One field of a {@link SlackAttachment}: a labelled value.
 *
 * @example
 * ```ts
 * import type { SlackAttachmentField } from '@fluxgate/slack';
 *
 * const field: SlackAttachmentField = { title: 'Circuit', value: 'payment_api', short: true };
 * ```
 */
export interface SlackAttachmentField {
  /** The label, shown in bold above the value. */
  readonly title: string;
  /** The value (mrkdwn: escape circuit texts with `escapeMrkdwn`). */
  readonly value: string;
  /** Whether it may sit side by side with another short field. */
  readonly short?: boolean;
}

/**
 * A Slack message attachment: the coloured bar with a title and fields. Any other attachment
 * field Slack accepts may be added.
 *
 * @example
 * ```ts
 * import type { SlackAttachment } from '@fluxgate/slack';
 *
 * const attachment: SlackAttachment = {
 *   color: '#E01E5A',
 *   title: 'Circuit breaker opened',
 *   fields: [{ title: 'Circuit', value: 'payment_api', short: true }],
 * };
 * ```
 */
export interface SlackAttachment {
  /** The bar's colour: a hex code such as `#E01E5A`, or `good`, `warning`, `danger`. */
  readonly color?: string;
  /** The attachment's title. */
  readonly title?: string;
  /** Text shown under the title. */
  readonly text?: string;
  /** Labelled values, shown as a table. */
  readonly fields?: readonly SlackAttachmentField[];
  /** Any other attachment field. */
  readonly [field: string]: unknown;
}

/**
 * A Slack message as a template returns it: a top-level `text` (the notification and fallback
 * text) and, optionally, attachments, blocks or any other `chat.postMessage` argument. The
 * listener adds `channel`, `thread_ts` and `reply_broadcast` itself, over any the template sets.
 *
 * @example
 * ```ts
 * import type { SlackMessage } from '@fluxgate/slack';
 *
 * const message: SlackMessage = {
 *   text: 'payment_api opened',
 *   attachments: [{ color: '#E01E5A', title: 'Circuit breaker opened' }],
 *   unfurl_links: false,
 * };
 * ```
 */
export interface SlackMessage {
  /** The message text: shown in notifications, and as the fallback for attachments and blocks. */
  readonly text: string;
  /** Coloured attachments. */
  readonly attachments?: readonly SlackAttachment[];
  /** Block Kit blocks, passed through as given. */
  readonly blocks?: readonly object[];
  /** Any other `chat.postMessage` or webhook argument (`icon_emoji`, `unfurl_links`...). */
  readonly [field: string]: unknown;
}
