import type { BreakerView, Listener, Signal, State } from '@fluxgate/core';
import { defaultMessage } from './internal/default-message.js';
import { exchange } from './internal/exchange.js';
import { readApiAnswer, readWebhookAnswer, type Verdict } from './internal/read-answer.js';
import { redactor } from './internal/redact.js';
import { CLOSED, sleep as defaultSleep } from './internal/sleep.js';
import {
  finitePositive,
  httpUrl,
  integerAtLeast,
  optionalFunction,
  record,
  secret,
  show,
  text,
} from './internal/validate.js';
import { describeWhy } from './internal/why.js';
import { SlackDeliveryError } from './slack-delivery-error.js';
import type { SlackFetch } from './slack-fetch.js';
import type { SlackListenerOptions } from './slack-listener-options.js';
import type { SlackMessage } from './slack-message.js';
import type { SlackTemplate, SlackTemplates, SlackTransitionKey } from './slack-template.js';

const API_URL = 'https://slack.com/api/chat.postMessage';
const INSPECT = Symbol.for('nodejs.util.inspect.custom');
const STATES: readonly string[] = [
  'closed',
  'open',
  'half_open',
  'metrics_only',
  'disabled',
  'forced_open',
];
/** States whose entry ends a circuit's thread, and which, as an old state, mean none is open. */
const ENDS_THREAD: ReadonlySet<State> = new Set<State>(['closed', 'disabled', 'metrics_only']);
/** The longest wait between two attempts after a 5xx, a network error or a timeout. */
const MAX_BACKOFF = 30_000;

/** One message waiting to be sent, and the promise `onTransition` returned for it. */
interface Job {
  readonly signal: Signal;
  readonly message: SlackMessage;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Posts one Slack message per circuit-breaker transition: a one-line `text` and a coloured
 * attachment with the circuit, the transition (`closed → open`), the time (ISO 8601 UTC) and
 * why it happened, read from the signal's metric (`failure rate 62% over 100 calls`,
 * `5 failures in a row`, `probe failed`, `manual`...).
 *
 * With a bot token (`{ token, channel }`, posting to `chat.postMessage`) each incident gets a
 * thread: a transition to open starts one when none is open, later messages reply in it, the
 * recovery (to closed) replies with `reply_broadcast: true` and ends it; disabled and
 * metrics_only end it too, forced_open keeps it. Threads are per circuit, so one listener can
 * serve any number of breakers. With an incoming webhook (`{ webhookUrl }`) messages are not
 * threaded.
 *
 * Sending never blocks or breaks a call. `onTransition` only renders the message and queues it
 * (a bounded queue, shared by every circuit, sent one message at a time in order); a full queue
 * drops its oldest message. A 429 is retried after its `Retry-After`; a 5xx, a network error or a
 * timeout is retried `retries` times with backoff (1 s, 2 s, 4 s... up to 30 s). The promise
 * `onTransition` returns settles when its message is sent, and rejects with a
 * {@link SlackDeliveryError} when it is dropped or fails for good: the breaker hands that to its
 * `onListenerError`, and `breaker.flush()` waits for it. The breaker also holds that breaker's
 * next signal for this listener until then: a breaker's messages go out in order, and the
 * queue holds at most one message per breaker (`queueSize` bounds the total across breakers).
 *
 * The token and the webhook URL stay in private fields: they never appear in an error, in
 * `JSON.stringify(listener)` or in `util.inspect(listener)`.
 *
 * @example
 * ```ts
 * import { AsyncCircuitBreaker } from '@fluxgate/core';
 * import { SlackListener } from '@fluxgate/slack';
 *
 * const slack = new SlackListener({ token: process.env.SLACK_BOT_TOKEN ?? '', channel: '#alerts' });
 * const breaker = new AsyncCircuitBreaker({ name: 'payment_api', listeners: [slack] });
 *
 * // On shutdown: let queued messages go out, then stop.
 * await breaker.flush();
 * slack.close();
 * ```
 */
export class SlackListener implements Listener {
  readonly #mode: 'token' | 'webhook';
  readonly #channel: string | undefined;
  readonly #endpoint: string;
  readonly #headers: Readonly<Record<string, string>>;
  readonly #redact: (text: string) => string;
  readonly #templates: SlackTemplates;
  readonly #fetch: SlackFetch;
  readonly #sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  readonly #timeout: number;
  readonly #retries: number;
  readonly #queueSize: number;
  readonly #queue: Job[] = [];
  /** The open thread's `ts` per circuit name. */
  readonly #threads = new Map<string, string>();
  /** When each open circuit opened, for "retry time reached after 30 s open". */
  readonly #openedAt = new Map<string, number>();
  /** The breakers attached, by name, to read a failure streak at the transition. */
  readonly #breakers = new Map<string, BreakerView>();
  readonly #stop = new AbortController();
  #sending = false;

  /**
   * @param options - `{ token, channel }` for `chat.postMessage`, or `{ webhookUrl }` for an
   *   incoming webhook, and the shared options
   * @throws TypeError or RangeError naming the option when an option is invalid (never showing
   *   the token or the webhook URL), or when there is no global `fetch` and none is given
   */
  constructor(options: SlackListenerOptions) {
    const o = record('options', options);
    const hasToken = o.token !== undefined || o.channel !== undefined;
    if (hasToken && o.webhookUrl !== undefined) {
      throw new TypeError('options must have either token and channel, or webhookUrl, not both');
    }
    if (!hasToken && o.webhookUrl === undefined) {
      throw new TypeError('options must have token and channel (chat.postMessage), or webhookUrl');
    }
    if (hasToken) {
      const token = secret('token', o.token);
      this.#mode = 'token';
      this.#channel = text('channel', o.channel);
      const url = o.url === undefined ? new URL(API_URL) : httpUrl('url', o.url, false);
      this.#endpoint = url.href;
      this.#headers = {
        'content-type': 'application/json; charset=utf-8',
        authorization: `Bearer ${token}`,
      };
      this.#redact = redactor([token, url.password || undefined]);
    } else {
      if (o.url !== undefined) {
        throw new TypeError(
          'url applies to token mode only: with a webhook, webhookUrl is the endpoint',
        );
      }
      const url = httpUrl('webhookUrl', o.webhookUrl, false);
      const raw = o.webhookUrl as string;
      const lastSegment = url.pathname.split('/').pop();
      this.#mode = 'webhook';
      this.#channel = undefined;
      this.#endpoint = url.href;
      this.#headers = { 'content-type': 'application/json; charset=utf-8' };
      this.#redact = redactor([
        raw,
        url.href,
        url.pathname + url.search,
        url.password || undefined,
        lastSegment !== undefined && lastSegment.length >= 8 ? lastSegment : undefined,
      ]);
    }
    this.#templates = templates(o.templates);
    const fetch = optionalFunction<SlackFetch>('fetch', o.fetch);
    if (fetch === undefined && typeof globalThis.fetch !== 'function') {
      throw new TypeError('fetch must be given: this runtime has no global fetch');
    }
    this.#fetch = fetch ?? ((url, request) => globalThis.fetch(url, request));
    this.#sleep =
      optionalFunction<(ms: number, signal: AbortSignal) => Promise<void>>('sleep', o.sleep) ??
      defaultSleep;
    this.#timeout = finitePositive('timeout', o.timeout, 5_000);
    this.#retries = integerAtLeast('retries', o.retries, 0, 3);
    this.#queueSize = integerAtLeast('queueSize', o.queueSize, 1, 100);
  }

  /** Remembers the breaker, to read its failure streak when it trips. */
  onAttach(breaker: BreakerView): void {
    this.#breakers.set(breaker.name, breaker);
  }

  /** Forgets the breaker. */
  onDetach(breaker: BreakerView): void {
    if (this.#breakers.get(breaker.name) === breaker) this.#breakers.delete(breaker.name);
  }

  /**
   * Renders the message for `signal` and queues it; sending starts after the current call
   * returns.
   *
   * @returns a promise that resolves once the message is sent (or the listener closed), and
   *   rejects with a {@link SlackDeliveryError} when it is dropped from a full queue or cannot
   *   be delivered
   * @throws what a custom template throws, or TypeError when it returns no message
   */
  onTransition(signal: Signal): Promise<void> {
    if (this.#stop.signal.aborted) return Promise.resolve();
    const message = this.#render(signal);
    return new Promise<void>((resolve, reject) => {
      this.#queue.push({ signal, message, resolve, reject });
      if (this.#queue.length > this.#queueSize) this.#drop(this.#queue.shift()!);
      this.#wake();
    });
  }

  /**
   * Stops the listener: aborts the request under way, cancels every wait and discards the
   * queued messages (their promises resolve: closing is not a delivery failure). Later
   * transitions are ignored. To let queued messages go out first, `await breaker.flush()` before.
   */
  close(): void {
    if (this.#stop.signal.aborted) return;
    this.#stop.abort();
    for (const job of this.#queue.splice(0)) job.resolve();
    this.#threads.clear();
    this.#openedAt.clear();
    this.#breakers.clear();
  }

  /** A description without secrets: the mode, the channel, how many messages wait. */
  toJSON(): Record<string, string | number | boolean> {
    const json: Record<string, string | number | boolean> = { mode: this.#mode };
    if (this.#channel !== undefined) json.channel = this.#channel;
    json[this.#mode === 'token' ? 'token' : 'webhookUrl'] = '[redacted]';
    json.queued = this.#queue.length;
    json.closed = this.#stop.signal.aborted;
    return json;
  }

  static {
    // `util.inspect` (and so console.log) shows this instead of the object: no secret in logs.
    Object.defineProperty(this.prototype, INSPECT, {
      value(this: SlackListener): string {
        const fields = Object.entries(this.toJSON()).map(
          ([key, value]) => `${key}: ${typeof value === 'string' ? `'${value}'` : String(value)}`,
        );
        return `SlackListener { ${fields.join(', ')} }`;
      },
      enumerable: false,
      configurable: true,
      writable: true,
    });
  }

  #render(signal: Signal): SlackMessage {
    const { circuitName, oldState, newState } = signal;
    const streak =
      newState === 'open' && oldState !== 'half_open' ? this.#streak(signal) : undefined;
    const why = describeWhy(signal, { streak, openedAt: this.#openedAt.get(circuitName) });
    if (newState === 'open') this.#openedAt.set(circuitName, signal.timestamp);
    else this.#openedAt.delete(circuitName);
    const transition = `${oldState} → ${newState}`;
    const time = new Date(signal.timestamp).toISOString();
    const message = defaultMessage({ circuitName, newState, transition, time, why });
    const found = this.#template(oldState, newState);
    if (found === undefined) return message;
    const custom: unknown = found.template({
      signal,
      circuitName,
      oldState,
      newState,
      transition,
      time,
      why,
      message,
    });
    if (
      typeof custom !== 'object' ||
      custom === null ||
      typeof (custom as SlackMessage).text !== 'string'
    ) {
      throw new TypeError(
        `templates['${found.key}'] must return a message with a string text, got ${show(custom)}`,
      );
    }
    JSON.stringify(custom); // a message that cannot be sent fails here, on its own signal
    return custom as SlackMessage;
  }

  #template(
    oldState: State,
    newState: State,
  ): { key: SlackTransitionKey; template: SlackTemplate } | undefined {
    const keys: SlackTransitionKey[] = [
      `${oldState}->${newState}`,
      `*->${newState}`,
      `${oldState}->*`,
      '*->*',
    ];
    for (const key of keys) {
      const template = this.#templates[key];
      if (template !== undefined) return { key, template };
    }
    return undefined;
  }

  /** The breaker's failure streak, if the breaker is still where this signal put it. */
  #streak(signal: Signal): number | undefined {
    const breaker = this.#breakers.get(signal.circuitName);
    if (breaker === undefined || breaker.state !== signal.newState) return undefined;
    const info = breaker.info();
    return info.changedAt === signal.timestamp ? info.consecutiveFailures : undefined;
  }

  #drop(job: Job): void {
    const { circuitName, oldState, newState } = job.signal;
    job.reject(
      new SlackDeliveryError({
        failure: 'queue_full',
        circuitName,
        oldState,
        newState,
        attempts: 0,
        detail: `the queue was full (queueSize ${this.#queueSize})`,
      }),
    );
  }

  /** Starts the sender, after the current call returns, unless it is running. */
  #wake(): void {
    if (this.#sending) return;
    this.#sending = true;
    void Promise.resolve().then(() => this.#send());
  }

  async #send(): Promise<void> {
    try {
      for (let job = this.#queue.shift(); job !== undefined; job = this.#queue.shift()) {
        try {
          await this.#deliver(job);
          job.resolve();
        } catch (error) {
          if (error === CLOSED || this.#stop.signal.aborted) job.resolve();
          else job.reject(error);
        }
      }
    } finally {
      this.#sending = false;
    }
  }

  async #deliver(job: Job): Promise<void> {
    const { signal, message } = job;
    if (this.#mode === 'webhook') {
      await this.#post(JSON.stringify(message), signal);
      return;
    }
    const name = signal.circuitName;
    // Leaving closed, disabled or metrics_only: any thread left over (its ending message was
    // dropped, say) belongs to an earlier incident.
    if (ENDS_THREAD.has(signal.oldState)) this.#threads.delete(name);
    const thread = this.#threads.get(name);
    if (ENDS_THREAD.has(signal.newState)) this.#threads.delete(name);
    const payload: Record<string, unknown> = { ...message, channel: this.#channel };
    delete payload.thread_ts;
    delete payload.reply_broadcast;
    if (thread !== undefined) {
      payload.thread_ts = thread;
      if (signal.newState === 'closed') payload.reply_broadcast = true;
    }
    const ts = await this.#post(JSON.stringify(payload), signal);
    if (
      signal.newState === 'open' &&
      thread === undefined &&
      ts !== undefined &&
      !this.#stop.signal.aborted
    ) {
      this.#threads.set(name, ts);
    }
  }

  /** Sends one payload, retrying as the answers allow; resolves to the message's `ts`. */
  async #post(body: string, signal: Signal): Promise<string | undefined> {
    const read = this.#mode === 'token' ? readApiAnswer : readWebhookAnswer;
    for (let attempt = 1; ; attempt++) {
      const verdict: Verdict = read(
        await exchange({
          fetch: this.#fetch,
          url: this.#endpoint,
          headers: this.#headers,
          body,
          timeout: this.#timeout,
          stop: this.#stop.signal,
        }),
        this.#timeout,
      );
      if (verdict.kind === 'ok') return verdict.ts;
      if (verdict.kind === 'fail' || attempt > this.#retries) {
        throw new SlackDeliveryError({
          failure: verdict.failure,
          circuitName: signal.circuitName,
          oldState: signal.oldState,
          newState: signal.newState,
          attempts: attempt,
          detail: this.#redact(verdict.detail),
          ...(verdict.status === undefined ? {} : { status: verdict.status }),
          ...(verdict.slackError === undefined
            ? {}
            : { slackError: this.#redact(verdict.slackError) }),
        });
      }
      const wait = verdict.retryAfter ?? Math.min(1_000 * 2 ** (attempt - 1), MAX_BACKOFF);
      await this.#sleep(wait, this.#stop.signal);
      if (this.#stop.signal.aborted) throw CLOSED;
    }
  }
}

/** Checks the templates option: known keys only, functions only. */
function templates(value: unknown): SlackTemplates {
  if (value === undefined) return {};
  const checked = record('templates', value);
  const valid = [...STATES, '*'];
  for (const [key, template] of Object.entries(checked)) {
    const [from, to, extra] = key.split('->');
    if (
      from === undefined ||
      to === undefined ||
      extra !== undefined ||
      !valid.includes(from) ||
      !valid.includes(to)
    ) {
      throw new RangeError(
        `templates has an unknown key ${show(key)}: use 'old->new' with state names or '*', such as 'closed->open' or '*->*'`,
      );
    }
    if (typeof template !== 'function') {
      throw new TypeError(`templates['${key}'] must be a function, got ${show(template)}`);
    }
  }
  return { ...checked } as SlackTemplates;
}
