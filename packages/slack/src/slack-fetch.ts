/**
 * The request the listener makes: always a `POST` of a JSON body.
 *
 * @example
 * ```ts
 * import type { SlackRequest } from '@fluxgate/slack';
 *
 * const request: SlackRequest = {
 *   method: 'POST',
 *   headers: { 'content-type': 'application/json; charset=utf-8' },
 *   body: '{"text":"hello"}',
 *   signal: new AbortController().signal,
 * };
 * ```
 */
export interface SlackRequest {
  /** Always `POST`. */
  readonly method: 'POST';
  /** `content-type`, and in token mode `authorization`: never log them. */
  readonly headers: Readonly<Record<string, string>>;
  /** The JSON payload. */
  readonly body: string;
  /** Aborted when the request times out or the listener is closed. */
  readonly signal: AbortSignal;
}

/**
 * The part of a `fetch` response the listener reads.
 *
 * @example
 * ```ts
 * import type { SlackResponse } from '@fluxgate/slack';
 *
 * const ok: SlackResponse = {
 *   status: 200,
 *   headers: { get: () => null },
 *   text: async () => '{"ok":true,"ts":"1700000000.000100"}',
 * };
 * ```
 */
export interface SlackResponse {
  /** The HTTP status. */
  readonly status: number;
  /** The response headers (`retry-after` and `date` are read on a 429). */
  readonly headers: { get(name: string): string | null };
  /** The body, as text. */
  text(): Promise<string>;
}

/**
 * A `fetch`-like function: the global `fetch` fits, and so does one from undici or a test double.
 *
 * @example
 * ```ts
 * import type { SlackFetch } from '@fluxgate/slack';
 *
 * const logged: SlackFetch = async (url, request) => {
 *   const response = await fetch(url, request);
 *   console.log('slack answered', response.status);
 *   return response;
 * };
 * ```
 */
export type SlackFetch = (url: string, request: SlackRequest) => Promise<SlackResponse>;
