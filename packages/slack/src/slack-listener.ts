import type { BreakerView, Listener, ListenerLink, Signal, State } from '@fluxgate/core';
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
import type { SlackErrorHandler, SlackListenerOptions } from './slack-listener-options.js';
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

/**
 * Where a failure goes when no `onError` is given and no breaker it concerns is attached any
 * more: one `console.error` line naming the circuit and the listener, as the breaker's default
 * `onListenerError` writes it. The error's message holds no secret.
 */
const logError: SlackErrorHandler = (error) => {
  console.error(
    `fluxgate: listener SlackListener of circuit breaker '${error.circuitName}' failed: ${error.name}: ${error.message}`,
  );
};

/** A breaker this listener is attached to, and its way back to the breaker's `onListenerError`. */
interface Attachment {
  readonly breaker: BreakerView;
  /** What `onAttach` was given; `undefined` when it was called without a link (by hand). */
  readonly link: ListenerLink | undefined;
  /** Cleared by `onDetach`: a job that still holds this attachment no longer reports to it. */
  attached: boolean;
}

/** One message waiting to be sent: its signal, and the message as rendered at the transition. */
interface Job {
  readonly signal: Signal;
  /** The message, serialised once at the transition (what a template returned, frozen). */
  readonly json: string;
  /**
   * The breakers named like the signal's circuit that were attached when the signal arrived
   * (the one that sent it among them): a failure is reported to those still attached.
   */
  readonly to: readonly Attachment[];
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
 * Sending never blocks or breaks a call. `onTransition` renders the message, puts it in its
 * circuit's queue and returns (nothing: the breaker has nothing to wait for). Each circuit has
 * its own queue, sent one message at a time in order; circuits send side by side, so a message
 * stuck on one circuit never holds another's. At most `queueSize` messages wait per circuit,
 * besides the one being sent: one more drops the oldest waiting one. A 429 is retried after its
 * `Retry-After`; a 5xx, a network error or a timeout is retried `retries` times with backoff
 * (1 s, 2 s, 4 s... up to 30 s).
 *
 * A message that is dropped or fails for good is reported at once, as a
 * {@link SlackDeliveryError}, through the `onListenerError` of the breaker whose signal it was
 * about, with the listener and the signal: the same handler that gets a template that throws
 * (from `onTransition`). A signal names its circuit, not its breaker, so when several breakers
 * attached to this listener share a name, each of them that was attached when the signal
 * arrived, and still is, gets the failure. The `onError` option, when given, gets every failure
 * instead. A failure whose breakers have all been detached meanwhile goes to `onError` if given,
 * else to one `console.error` line that names the circuit and the listener (never the secret).
 * `breaker.flush()` waits for {@link SlackListener.flush}: until every queued message is sent
 * or given up.
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
  readonly #onError: SlackErrorHandler | undefined;
  readonly #timeout: number;
  readonly #retries: number;
  readonly #queueSize: number;
  /**
   * One lane per circuit with messages to send: the messages waiting, oldest first (the one
   * being sent is no longer in it). A lane exists from its first message until its sender has
   * nothing left; `flush()` waits until there is none.
   */
  readonly #lanes = new Map<string, Job[]>();
  /** Messages waiting in every lane. */
  #queued = 0;
  /** `flush()` calls waiting for the lanes to empty. */
  #idle: Array<() => void> = [];
  /** The open thread's `ts` per circuit name. */
  readonly #threads = new Map<string, string>();
  /** When each open circuit opened, for "retry time reached after 30 s open". */
  readonly #openedAt = new Map<string, number>();
  /**
   * The breakers attached, by circuit name: to read a failure streak at the transition, and to
   * report failures to. Each array is replaced, never changed, so a job keeps the one it saw.
   */
  readonly #attached = new Map<string, readonly Attachment[]>();
  readonly #stop = new AbortController();

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
    this.#onError = optionalFunction<SlackErrorHandler>('onError', o.onError);
    this.#timeout = finitePositive('timeout', o.timeout, 5_000);
    this.#retries = integerAtLeast('retries', o.retries, 0, 3);
    this.#queueSize = integerAtLeast('queueSize', o.queueSize, 1, 100);
  }

  /**
   * Remembers the breaker under its name: to read its failure streak when it trips, and to
   * report the delivery failures of its circuit's messages through `link` to the breaker's
   * `onListenerError`. The breaker calls it; one listener may be attached to many breakers.
   *
   * @param breaker - the breaker attached
   * @param link - from the breaker: reports to its `onListenerError`. Without one (a call by
   *   hand), nothing is reported to this breaker: its circuit's failures go to another breaker
   *   of that name, else to `onError`, else to the console
   */
  onAttach(breaker: BreakerView, link?: ListenerLink): void {
    const name = breaker.name;
    const others = (this.#attached.get(name) ?? []).filter((a) => {
      if (a.breaker !== breaker) return true;
      a.attached = false; // attached again: the new link replaces the old one
      return false;
    });
    const usable = typeof link?.report === 'function' ? link : undefined;
    this.#attached.set(name, [...others, { breaker, link: usable, attached: true }]);
  }

  /**
   * Forgets the breaker. Its circuit's messages already queued are still sent, but their
   * failures no longer go to this breaker: to another breaker of that name that was attached when
   * the signal arrived, else to `onError`, else to the console.
   */
  onDetach(breaker: BreakerView): void {
    const attachments = this.#attached.get(breaker.name);
    if (attachments === undefined) return;
    const rest = attachments.filter((a) => {
      if (a.breaker !== breaker) return true;
      a.attached = false;
      return false;
    });
    if (rest.length === attachments.length) return;
    if (rest.length === 0) this.#attached.delete(breaker.name);
    else this.#attached.set(breaker.name, rest);
  }

  /**
   * Renders the message for `signal` and puts it in its circuit's queue, then returns: sending
   * starts after the current call returns. When the circuit already has `queueSize` messages
   * waiting, the oldest of them is dropped and reported (`failure: 'queue_full'`), like any
   * delivery failure. Ignored once the listener is closed.
   *
   * @throws what a custom template throws, or TypeError when it returns no message: the breaker
   *   reports it through its `onListenerError`, with the signal, and nothing is sent
   */
  onTransition(signal: Signal): void {
    if (this.#stop.signal.aborted) return;
    const name = signal.circuitName;
    const job: Job = { signal, json: this.#render(signal), to: this.#attached.get(name) ?? [] };
    let lane = this.#lanes.get(name);
    if (lane === undefined) {
      const created: Job[] = [];
      lane = created;
      this.#lanes.set(name, created);
      void Promise.resolve().then(() => this.#run(name, created));
    }
    lane.push(job);
    this.#queued++;
    if (lane.length > this.#queueSize) {
      const dropped = lane.shift()!;
      this.#queued--;
      // Reported off the call path, like every other failure.
      queueMicrotask(() => this.#report(this.#dropError(dropped.signal), dropped));
    }
  }

  /**
   * Settles when every message queued so far, and every message queued meanwhile, has been sent
   * or given up (and reported); at once when nothing waits or the listener is closed. Never
   * rejects. `breaker.flush()` calls it, so awaiting the breaker's flush is enough.
   */
  flush(): Promise<void> {
    if (this.#lanes.size === 0) return Promise.resolve();
    return new Promise<void>((resolve) => this.#idle.push(resolve));
  }

  /**
   * Stops the listener: aborts the requests under way, cancels every wait and timer, and
   * discards the queued messages without reporting them (closing is not a delivery failure);
   * pending `flush()` calls resolve. Later transitions are ignored. To let queued messages go
   * out first, `await breaker.flush()` (or `listener.flush()`) before.
   */
  close(): void {
    if (this.#stop.signal.aborted) return;
    this.#stop.abort();
    for (const lane of this.#lanes.values()) lane.length = 0;
    this.#lanes.clear();
    this.#queued = 0;
    this.#threads.clear();
    this.#openedAt.clear();
    this.#settle();
  }

  /** A description without secrets: the mode, the channel, how many messages wait. */
  toJSON(): Record<string, string | number | boolean> {
    const json: Record<string, string | number | boolean> = { mode: this.#mode };
    if (this.#channel !== undefined) json.channel = this.#channel;
    json[this.#mode === 'token' ? 'token' : 'webhookUrl'] = '[redacted]';
    json.queued = this.#queued;
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

  /** The message for `signal`, serialised: what will be sent, whatever the template does later. */
  #render(signal: Signal): string {
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
    if (found === undefined) return JSON.stringify(message);
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
    // A message that cannot be sent fails here, on its own signal: checked as it will be sent.
    const json = typeof custom === 'object' && custom !== null ? JSON.stringify(custom) : undefined;
    const data: unknown = json === undefined ? undefined : JSON.parse(json);
    if (
      typeof data !== 'object' ||
      data === null ||
      Array.isArray(data) ||
      typeof (data as { text?: unknown }).text !== 'string'
    ) {
      throw new TypeError(
        `templates['${found.key}'] must return a message with a string text, got ${show(custom)}`,
      );
    }
    return json!;
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

  /**
   * The failure streak of a breaker of the signal's circuit that is still where this signal put
   * it (the one that sent it, unless it moved on); `undefined` when there is none.
   */
  #streak(signal: Signal): number | undefined {
    for (const { breaker } of this.#attached.get(signal.circuitName) ?? []) {
      if (breaker.state !== signal.newState) continue;
      const info = breaker.info();
      if (info.changedAt === signal.timestamp) return info.consecutiveFailures;
    }
    return undefined;
  }

  #dropError(signal: Signal): SlackDeliveryError {
    const { circuitName, oldState, newState } = signal;
    return new SlackDeliveryError({
      failure: 'queue_full',
      circuitName,
      oldState,
      newState,
      attempts: 0,
      detail: `the queue was full (queueSize ${this.#queueSize})`,
    });
  }

  /**
   * Hands a failure to `onError` when given; else, with the signal as the cause, to the
   * `onListenerError` of each breaker of the job's circuit that was attached when its signal
   * arrived and still is; else, when none is left, to one `console.error` line. A handler that
   * throws has nowhere left to report to.
   */
  #report(error: SlackDeliveryError, job: Job): void {
    const { signal } = job;
    if (this.#onError === undefined) {
      let reported = false;
      for (const { link, attached } of job.to) {
        if (!attached || link === undefined) continue;
        reported = true;
        try {
          link.report(error, signal); // never throws, by contract: guarded all the same
        } catch {
          // Nowhere left to report to; sending goes on.
        }
      }
      if (reported) return;
    }
    try {
      (this.#onError ?? logError)(error, this, signal);
    } catch {
      // Nowhere left to report to; sending goes on.
    }
  }

  /** Resolves the waiting `flush()` calls once no lane is left. */
  #settle(): void {
    if (this.#lanes.size > 0) return;
    for (const resolve of this.#idle.splice(0)) resolve();
  }

  /** Sends one circuit's messages, one at a time, oldest first, until its lane is empty. */
  async #run(name: string, lane: Job[]): Promise<void> {
    try {
      for (let job = lane.shift(); job !== undefined; job = lane.shift()) {
        this.#queued--;
        try {
          await this.#deliver(job);
        } catch (error) {
          // `#post` throws a SlackDeliveryError, or CLOSED when the listener closed meanwhile.
          if (error !== CLOSED && !this.#stop.signal.aborted) {
            this.#report(error as SlackDeliveryError, job);
          }
        }
      }
    } finally {
      if (this.#lanes.get(name) === lane) this.#lanes.delete(name);
      this.#settle();
    }
  }

  async #deliver(job: Job): Promise<void> {
    const { signal, json } = job;
    if (this.#mode === 'webhook') {
      await this.#post(json, signal);
      return;
    }
    const name = signal.circuitName;
    // Leaving closed, disabled or metrics_only: any thread left over (its ending message was
    // dropped, say) belongs to an earlier incident.
    if (ENDS_THREAD.has(signal.oldState)) this.#threads.delete(name);
    const thread = this.#threads.get(name);
    if (ENDS_THREAD.has(signal.newState)) this.#threads.delete(name);
    const payload = {
      ...(JSON.parse(json) as Record<string, unknown>),
      channel: this.#channel,
    } as Record<string, unknown>;
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

  /**
   * Sends one payload, retrying as the answers allow; resolves to the message's `ts`. Throws a
   * SlackDeliveryError when it gives up, or CLOSED when the listener closes meanwhile.
   */
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
      try {
        await this.#sleep(wait, this.#stop.signal);
      } catch {
        // The wait was cut short: by close() (checked below), or by a custom sleep that failed,
        // which only ends the wait early.
      }
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
