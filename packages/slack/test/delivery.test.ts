import { AsyncCircuitBreaker, type ListenerErrorHandler, type Signal } from '@fluxgate/core';
import { FailureStreak } from '@fluxgate/core/trippers';
import { SlackDeliveryError, SlackListener, type SlackListenerOptions } from '@fluxgate/slack';
import { breaker, fail, recorder, slackRecorder, succeed } from './support/breakers';
import { gate } from './support/deferred';
import { FakeClock } from './support/fake-clock';
import { closedPort, FakeSlack } from './support/fake-slack';

let fake: FakeSlack;
let listener: SlackListener | undefined;
let clock: FakeClock;
/**
 * The listener's onError, unless a test gives its own. onError overrides where failures go; most
 * tests read them through it, typed. 'where failures go' checks the default route, through the
 * breaker's onListenerError, and the fallbacks.
 */
let reported: ReturnType<typeof slackRecorder>;
/** The waits the listener asked for, in milliseconds: the injected sleep returns at once. */
let waits: number[];
const instantSleep = (ms: number): Promise<void> => {
  waits.push(ms);
  return Promise.resolve();
};

beforeEach(async () => {
  fake = await FakeSlack.start();
  clock = new FakeClock();
  reported = slackRecorder();
  waits = [];
});

afterEach(async () => {
  jest.restoreAllMocks();
  listener?.close();
  listener = undefined;
  await fake.close();
});

function slack(options: Partial<SlackListenerOptions> = {}): SlackListener {
  listener = new SlackListener({
    token: 'xoxb-test-token',
    channel: '#alerts',
    url: fake.url(),
    sleep: instantSleep,
    onError: reported,
    ...options,
  } as SlackListenerOptions);
  return listener;
}

/** The transitions the fake Slack was told about, in order. */
function transitions(): string[] {
  return fake.requests.map((r) => {
    const attachments = r.body.attachments as { fields: { title: string; value: string }[] }[];
    const field = (title: string) => attachments[0]!.fields.find((f) => f.title === title)!.value;
    return `${field('Circuit')}: ${field('Transition')}`;
  });
}

/** What was reported: `circuit: old → new: failure`. */
function failures(): string[] {
  return reported.reports.map(
    ({ error, signal }) =>
      `${signal.circuitName}: ${signal.oldState} → ${signal.newState}: ${error.failure}`,
  );
}

function trip(cb: ReturnType<typeof breaker>): void {
  fail(cb);
  fail(cb);
}

/** Lets pending I/O and timers of a few milliseconds run. */
function pause(ms = 20): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

describe('answers from Slack', () => {
  it('reports an ok: false answer to onError, with the listener and the signal, without retrying', async () => {
    const breakerErrors = recorder();
    const l = slack();
    const cb = breaker('payment_api', clock, { listeners: [l], onListenerError: breakerErrors });
    fake.reply({ json: { ok: false, error: 'channel_not_found' } });
    trip(cb);
    await cb.flush();

    expect(fake.requests).toHaveLength(1);
    expect(breakerErrors.reports).toEqual([]);
    expect(reported.reports).toHaveLength(1);
    const { error, listener: reportedListener, signal } = reported.reports[0]!;
    expect(reportedListener).toBe(l);
    expect(signal).toMatchObject({ circuitName: 'payment_api', newState: 'open' });
    expect(SlackDeliveryError.is(error)).toBe(true);
    expect(error).toBeInstanceOf(SlackDeliveryError);
    expect(error).toMatchObject({
      name: 'SlackDeliveryError',
      failure: 'rejected',
      circuitName: 'payment_api',
      oldState: 'closed',
      newState: 'open',
      attempts: 1,
      status: 200,
      slackError: 'channel_not_found',
      message:
        "Slack message for circuit 'payment_api' (closed → open) rejected by Slack: channel_not_found",
    });
  });

  it('does not retry a 4xx, and says what the webhook answered', async () => {
    listener = new SlackListener({
      webhookUrl: fake.url('/services/T0/B0/abcdefghijkl'),
      sleep: instantSleep,
      onError: reported,
    });
    const cb = breaker('payment_api', clock, { listeners: [listener] });
    fake.reply({ status: 404, text: 'no_service' });
    trip(cb);
    await cb.flush();
    expect(fake.requests).toHaveLength(1);
    expect(reported.reports[0]!.error).toMatchObject({
      failure: 'rejected',
      status: 404,
      slackError: 'no_service',
      message:
        "Slack message for circuit 'payment_api' (closed → open) rejected by Slack: HTTP 404 no_service",
    });
  });

  it('retries a 429 after its Retry-After, then succeeds', async () => {
    const cb = breaker('payment_api', clock, { listeners: [slack()] });
    fake.reply({
      status: 429,
      headers: { 'retry-after': '3' },
      json: { ok: false, error: 'ratelimited' },
    });
    trip(cb);
    await cb.flush();
    expect(reported.reports).toEqual([]);
    expect(waits).toEqual([3_000]);
    expect(fake.requests).toHaveLength(2);
    expect(fake.requests[1]!.raw).toBe(fake.requests[0]!.raw);
  });

  describe('a Retry-After given as an HTTP-date', () => {
    const SENT = 'Wed, 21 Oct 2026 07:28:00 GMT';

    it.each([
      ['IMF-fixdate', 'Wed, 21 Oct 2026 07:28:05 GMT', 5_000],
      ['RFC 850', 'Wednesday, 21-Oct-26 07:28:07 GMT', 7_000],
      ['asctime', 'Wed Oct 21 07:28:09 2026', 9_000],
      ['already past: no wait', 'Wed, 21 Oct 2026 07:27:00 GMT', 0],
      ['an hour ahead: cut to 5 minutes', 'Wed, 21 Oct 2026 08:28:00 GMT', 300_000],
    ])("%s: counted from the answer's Date", async (_form, retryAfter, wait) => {
      const cb = breaker('payment_api', clock, { listeners: [slack()] });
      fake.reply({ status: 429, headers: { 'retry-after': retryAfter, date: SENT }, text: '' });
      trip(cb);
      await cb.flush();
      expect(reported.reports).toEqual([]);
      expect(waits).toEqual([wait]);
      expect(fake.requests).toHaveLength(2);
    });

    it("counted from this machine's clock when the answer has no Date", async () => {
      jest.spyOn(Date, 'now').mockReturnValue(Date.parse(SENT) - 2_000);
      const cb = breaker('payment_api', clock, { listeners: [slack()] });
      fake.reply({ status: 429, headers: { 'retry-after': SENT }, noDate: true, text: '' });
      trip(cb);
      await cb.flush();
      expect(waits).toEqual([2_000]);
    });

    it('neither seconds nor a date: the usual backoff', async () => {
      const cb = breaker('payment_api', clock, { listeners: [slack()] });
      fake.reply({ status: 429, headers: { 'retry-after': 'soon', date: SENT }, text: '' });
      trip(cb);
      await cb.flush();
      expect(waits).toEqual([1_000]);
    });
  });

  it('waits for real with the default sleep (Retry-After: 0)', async () => {
    const cb = breaker('payment_api', clock, { listeners: [slack({ sleep: undefined })] });
    fake.reply({ status: 429, headers: { 'retry-after': '0' }, text: '' });
    trip(cb);
    await cb.flush();
    expect(reported.reports).toEqual([]);
    expect(fake.requests).toHaveLength(2);
  });

  it('retries a 500 with backoff, then succeeds', async () => {
    const cb = breaker('payment_api', clock, { listeners: [slack()] });
    fake.reply({ status: 500, text: 'oops' }, { status: 503, text: 'busy' });
    trip(cb);
    await cb.flush();
    expect(reported.reports).toEqual([]);
    expect(waits).toEqual([1_000, 2_000]);
    expect(fake.requests).toHaveLength(3);
  });

  it('retries a transient Slack error (ok: false, internal_error) like a 5xx', async () => {
    const cb = breaker('payment_api', clock, { listeners: [slack()] });
    fake.reply({ json: { ok: false, error: 'internal_error' } });
    trip(cb);
    await cb.flush();
    expect(reported.reports).toEqual([]);
    expect(fake.requests).toHaveLength(2);
  });

  it('reports a 5xx that lasts past the retries, after retries + 1 attempts', async () => {
    const cb = breaker('payment_api', clock, { listeners: [slack({ retries: 2 })] });
    fake.reply({ status: 500 }, { status: 502 }, { status: 500 });
    trip(cb);
    await cb.flush();
    expect(fake.requests).toHaveLength(3);
    expect(waits).toEqual([1_000, 2_000]);
    expect(reported.reports.map((r) => r.error)).toEqual([
      expect.objectContaining({
        failure: 'server_error',
        attempts: 3,
        status: 500,
        message:
          "Slack message for circuit 'payment_api' (closed → open) not delivered after 3 attempts: HTTP 500",
      }),
    ]);
  });

  it('reports an answer that is not Slack’s', async () => {
    const cb = breaker('payment_api', clock, { listeners: [slack()] });
    fake.reply({ status: 200, text: '<html>proxy login</html>' });
    trip(cb);
    await cb.flush();
    expect(reported.reports[0]!.error).toMatchObject({ failure: 'bad_response', attempts: 1 });
  });

  it('tries again at once when a custom sleep rejects: a failed wait only ends early', async () => {
    const cb = breaker('payment_api', clock, {
      listeners: [slack({ sleep: () => Promise.reject(new Error('no timers here')) })],
    });
    fake.reply({ status: 500 });
    trip(cb);
    await cb.flush();
    expect(reported.reports).toEqual([]);
    expect(fake.requests).toHaveLength(2);
  });
});

describe('where failures go', () => {
  type Handler = jest.Mock<void, Parameters<ListenerErrorHandler>>;

  /** A listener left with its default route: no onError. */
  function byDefault(options: Partial<SlackListenerOptions> = {}): SlackListener {
    return slack({ onError: undefined, ...options });
  }

  /** A breaker that also records the very signals it delivers, to compare by identity. */
  function watched(name: string, l: SlackListener, onListenerError: Handler) {
    const seen: Signal[] = [];
    const cb = breaker(name, clock, {
      listeners: [(signal: Signal) => void seen.push(signal), l],
      onListenerError,
    });
    return { cb, seen };
  }

  /** Every console.error line written from now on. */
  function consoleLines(): string[] {
    const lines: string[] = [];
    jest.spyOn(console, 'error').mockImplementation((line: string) => void lines.push(line));
    return lines;
  }

  it.each<[string, Partial<SlackListenerOptions>, () => void, Record<string, unknown>]>([
    [
      'ok: false',
      {},
      () => fake.reply({ json: { ok: false, error: 'channel_not_found' } }),
      { failure: 'rejected', attempts: 1, status: 200, slackError: 'channel_not_found' },
    ],
    [
      'a 4xx',
      {},
      () => fake.reply({ status: 403, text: 'invalid_token' }),
      { failure: 'rejected', attempts: 1, status: 403 },
    ],
    [
      'a timeout',
      { timeout: 30, retries: 0 },
      () => fake.reply('hang'),
      { failure: 'timeout', attempts: 1, status: undefined },
    ],
    [
      'a 5xx past the retries',
      { retries: 1 },
      () => fake.reply({ status: 500 }, { status: 503 }),
      { failure: 'server_error', attempts: 2, status: 503 },
    ],
    [
      'a 429 past the retries',
      { retries: 0 },
      () => fake.reply({ status: 429, headers: { 'retry-after': '1' } }),
      { failure: 'rate_limited', attempts: 1, status: 429 },
    ],
    [
      'a network error',
      { retries: 0, fetch: () => Promise.reject(new TypeError('fetch failed')) },
      () => undefined,
      { failure: 'network', attempts: 1, status: undefined },
    ],
  ])(
    'by default, %s reaches the breaker’s onListenerError as (error, listener, signal), and nothing else',
    async (_, options, arrange, expected) => {
      const lines = consoleLines();
      const onListenerError: Handler = jest.fn();
      const l = byDefault(options);
      const { cb, seen } = watched('payment_api', l, onListenerError);
      arrange();
      trip(cb);
      await cb.flush();

      expect(seen).toHaveLength(1);
      expect(onListenerError).toHaveBeenCalledTimes(1);
      expect(onListenerError).toHaveBeenCalledWith(
        expect.objectContaining({
          name: 'SlackDeliveryError',
          circuitName: 'payment_api',
          oldState: 'closed',
          newState: 'open',
          ...expected,
        }),
        l,
        seen[0],
      );
      const [error, listener, cause] = onListenerError.mock.calls[0]!;
      expect(error).toBeInstanceOf(SlackDeliveryError);
      expect(listener).toBe(l);
      expect(cause).toBe(seen[0]); // the very signal the breaker delivered
      expect(reported.reports).toEqual([]);
      expect(lines).toEqual([]);
    },
  );

  it('by default, a message dropped from a full queue reaches the breaker’s onListenerError at once, with its own signal', async () => {
    const onListenerError: Handler = jest.fn();
    const l = byDefault({ queueSize: 1 });
    const { cb, seen } = watched('payment_api', l, onListenerError);
    const answer = gate();
    fake.reply({ json: { ok: true, ts: '1.1' }, delay: answer.promise });
    cb.forceOpen(); // sent, and Slack holds the answer
    await fake.received(1);
    cb.reset(); // waits
    cb.forceOpen(); // one too many: the reset's message is dropped
    await pause();
    expect(onListenerError).toHaveBeenCalledTimes(1);
    expect(onListenerError).toHaveBeenCalledWith(
      expect.objectContaining({
        failure: 'queue_full',
        oldState: 'forced_open',
        newState: 'closed',
      }),
      l,
      seen[1],
    );
    expect(onListenerError.mock.calls[0]![2]).toBe(seen[1]);
    answer.open();
    await cb.flush();
    expect(onListenerError).toHaveBeenCalledTimes(1);
    expect(fake.requests).toHaveLength(2);
  });

  it('reports a failure as soon as the listener gives up, without anyone calling flush()', async () => {
    let arrived!: () => void;
    const arrival = new Promise<void>((resolve) => (arrived = resolve));
    const onListenerError: Handler = jest.fn((..._args: Parameters<ListenerErrorHandler>) =>
      arrived(),
    );
    const { cb } = watched('payment_api', byDefault(), onListenerError);
    fake.reply({ json: { ok: false, error: 'not_in_channel' } });
    trip(cb);
    await arrival; // no flush() anywhere in this test
    expect(onListenerError.mock.calls[0]![0]).toMatchObject({
      failure: 'rejected',
      slackError: 'not_in_channel',
    });
  });

  it('one handler on the breaker gets template and delivery failures alike', async () => {
    const errors = recorder();
    const l = byDefault({
      templates: {
        '*->forced_open': () => {
          throw new Error('template bug');
        },
      },
    });
    const cb = breaker('payment_api', clock, { listeners: [l], onListenerError: errors });
    fake.reply({ json: { ok: false, error: 'channel_not_found' } });
    trip(cb);
    cb.forceOpen();
    await cb.flush();
    expect(
      errors.reports.map((r) => [String(r.error), r.listener === l, (r.cause as Signal).newState]),
    ).toEqual([
      // thrown by onTransition, so reported by the breaker, on the call path
      ['Error: template bug', true, 'forced_open'],
      // met later, while sending, and reported through the breaker's link
      [
        "SlackDeliveryError: Slack message for circuit 'payment_api' (closed → open) rejected by Slack: channel_not_found",
        true,
        'open',
      ],
    ]);
  });

  it('with neither onError nor onListenerError, the breaker’s default writes one console.error line', async () => {
    const lines = consoleLines();
    const cb = breaker('payment_api', clock, { listeners: [byDefault()] });
    fake.reply({ json: { ok: false, error: 'channel_not_found' } });
    trip(cb);
    await cb.flush();
    expect(lines).toEqual([
      "fluxgate: listener SlackListener of circuit breaker 'payment_api' failed: SlackDeliveryError: Slack message for circuit 'payment_api' (closed → open) rejected by Slack: channel_not_found",
    ]);
  });

  it('onError, when given, gets every failure instead: the breaker’s onListenerError gets none', async () => {
    const lines = consoleLines();
    const onListenerError: Handler = jest.fn();
    const l = slack({ queueSize: 1 }); // onError: reported
    const { cb, seen } = watched('payment_api', l, onListenerError);
    const answer = gate();
    fake.reply({ json: { ok: false, error: 'channel_not_found' }, delay: answer.promise });
    trip(cb); // refused, once Slack answers
    await fake.received(1);
    cb.forceOpen();
    cb.reset(); // open → forced_open is dropped
    answer.open();
    await cb.flush();
    expect(onListenerError).not.toHaveBeenCalled();
    expect(lines).toEqual([]);
    expect(failures()).toEqual([
      'payment_api: open → forced_open: queue_full',
      'payment_api: closed → open: rejected',
    ]);
    expect(reported.reports.map((r) => [r.listener, r.signal])).toEqual([
      [l, seen[1]],
      [l, seen[0]],
    ]);
    expect(reported.reports[0]!.signal).toBe(seen[1]);
    expect(reported.reports[1]!.signal).toBe(seen[0]);
  });

  it('keeps each circuit’s failures to its own breaker’s handler', async () => {
    const l = byDefault();
    const onA: Handler = jest.fn();
    const onB: Handler = jest.fn();
    const onC: Handler = jest.fn();
    const a = watched('a', l, onA);
    const b = watched('b', l, onB);
    const c = watched('c', l, onC);
    fake.reply(
      { json: { ok: false, error: 'not_in_channel' } },
      { json: { ok: false, error: 'not_in_channel' } },
    );
    trip(a.cb);
    await fake.received(1);
    trip(b.cb);
    await fake.received(2);
    trip(c.cb); // delivered
    await Promise.all([a.cb.flush(), b.cb.flush(), c.cb.flush()]);
    expect(fake.requests).toHaveLength(3);
    expect(onA).toHaveBeenCalledTimes(1);
    expect(onA).toHaveBeenCalledWith(
      expect.objectContaining({ circuitName: 'a', failure: 'rejected' }),
      l,
      a.seen[0],
    );
    expect(onB).toHaveBeenCalledTimes(1);
    expect(onB).toHaveBeenCalledWith(
      expect.objectContaining({ circuitName: 'b', failure: 'rejected' }),
      l,
      b.seen[0],
    );
    expect(onC).not.toHaveBeenCalled();
  });

  it('reports to every breaker of the circuit’s name: a signal names its circuit, not its breaker', async () => {
    const l = byDefault();
    const onFirst: Handler = jest.fn();
    const onTwin: Handler = jest.fn();
    const first = watched('payment_api', l, onFirst);
    watched('payment_api', l, onTwin);
    fake.reply({ json: { ok: false, error: 'not_in_channel' } });
    trip(first.cb);
    await first.cb.flush();
    for (const handler of [onFirst, onTwin]) {
      expect(handler).toHaveBeenCalledTimes(1);
      expect(handler).toHaveBeenCalledWith(
        expect.objectContaining({ failure: 'rejected' }),
        l,
        first.seen[0],
      );
    }
  });

  it('reports only to breakers attached when the signal arrived and still attached', async () => {
    const lines = consoleLines();
    const l = byDefault();
    const onFirst: Handler = jest.fn();
    const onTwin: Handler = jest.fn();
    const onLate: Handler = jest.fn();
    const first = watched('payment_api', l, onFirst);
    const twin = breaker('payment_api', clock, { onListenerError: onTwin });
    const detachTwin = twin.addListener(l);
    const answer = gate();
    fake.reply({ json: { ok: false, error: 'not_in_channel' }, delay: answer.promise });
    trip(first.cb);
    await fake.received(1);
    detachTwin(); // detached before the failure
    watched('payment_api', l, onLate); // attached after the signal
    answer.open();
    await l.flush();
    expect(onFirst).toHaveBeenCalledTimes(1);
    expect(onFirst.mock.calls[0]![2]).toBe(first.seen[0]);
    expect(onTwin).not.toHaveBeenCalled();
    expect(onLate).not.toHaveBeenCalled();
    expect(lines).toEqual([]);
  });

  it.each([
    ['one console.error line, as the breaker’s default would write it', false],
    ['onError, when given', true],
  ])('a failure whose breaker was detached meanwhile goes to %s', async (_, withOnError) => {
    const lines = consoleLines();
    const onListenerError: Handler = jest.fn();
    const l = withOnError ? slack() : byDefault();
    const cb = breaker('payment_api', clock, { onListenerError });
    const detach = cb.addListener(l);
    const answer = gate();
    fake.reply({ json: { ok: false, error: 'channel_not_found' }, delay: answer.promise });
    trip(cb);
    await fake.received(1);
    detach(); // the message is on its way; its failure comes after the breaker left
    answer.open();
    await l.flush();
    expect(onListenerError).not.toHaveBeenCalled();
    const message =
      "Slack message for circuit 'payment_api' (closed → open) rejected by Slack: channel_not_found";
    if (withOnError) {
      expect(lines).toEqual([]);
      expect(reported.reports.map((r) => [r.error.message, r.listener])).toEqual([[message, l]]);
    } else {
      expect(lines).toEqual([
        `fluxgate: listener SlackListener of circuit breaker 'payment_api' failed: SlackDeliveryError: ${message}`,
      ]);
      expect(lines.join('\n')).not.toContain('xoxb-test-token');
    }
  });

  it('a signal handed over by hand, from no attached breaker, fails to the console line', async () => {
    const lines = consoleLines();
    const l = byDefault();
    const cb = breaker('payment_api', clock, { listeners: [l] }); // attached, under another name
    fake.reply({ json: { ok: false, error: 'channel_not_found' } });
    l.onTransition({
      circuitName: 'by_hand',
      oldState: 'closed',
      newState: 'forced_open',
      timestamp: clock.now(),
      metric: cb.info().metrics,
    });
    await l.flush();
    expect(lines).toEqual([
      "fluxgate: listener SlackListener of circuit breaker 'by_hand' failed: SlackDeliveryError: Slack message for circuit 'by_hand' (closed → forced_open) rejected by Slack: channel_not_found",
    ]);
  });

  it.each([
    ['onError', true],
    ['the breaker’s onListenerError', false],
  ])('goes on sending when %s throws', async (_, viaOnError) => {
    const bug = () => {
      throw new Error('handler bug');
    };
    const l = viaOnError ? slack({ onError: bug }) : byDefault();
    const cb = breaker('payment_api', clock, { listeners: [l], onListenerError: bug });
    fake.reply({ json: { ok: false, error: 'not_in_channel' } });
    trip(cb);
    cb.reset();
    await cb.flush();
    expect(transitions()).toEqual(['payment_api: closed → open', 'payment_api: open → closed']);
  });
});

describe('delivery never blocks or breaks a call', () => {
  it('returns the call that caused the transition at once, while Slack never answers; the timeout reports it', async () => {
    const l = slack({ timeout: 300, retries: 1 });
    const cb = breaker('payment_api', clock, { listeners: [l] });
    fake.reply('hang', 'hang');
    fail(cb);
    let thrown: unknown;
    const started = performance.now();
    try {
      cb.call(() => {
        throw new Error('second failure');
      });
    } catch (error) {
      thrown = error;
    }
    const took = performance.now() - started;
    expect(thrown).toEqual(new Error('second failure'));
    expect(cb.state).toBe('open');
    expect(took).toBeLessThan(200); // Slack has 300 ms to answer, twice: the call did not wait
    expect(fake.requests).toHaveLength(0); // not even sent yet: sending starts after the call
    expect(l.toJSON().queued).toBe(1);
    await cb.flush();
    expect(fake.requests).toHaveLength(2);
    expect(waits).toEqual([1_000]);
    expect(reported.reports.map((r) => r.error.message)).toEqual([
      "Slack message for circuit 'payment_api' (closed → open) not delivered after 2 attempts: no answer within 300 ms",
    ]);
    expect(reported.reports[0]!.error).toMatchObject({
      failure: 'timeout',
      attempts: 2,
      status: undefined,
    });
  });

  it('onTransition returns nothing: the breaker holds no signal back, whatever Slack does', async () => {
    const l = slack({ timeout: 60_000 });
    const cb = breaker('payment_api', clock, { listeners: [l] });
    fake.reply('hang');
    const signal: Signal = {
      circuitName: 'direct',
      oldState: 'closed',
      newState: 'forced_open',
      timestamp: clock.now(),
      metric: cb.info().metrics,
    };
    expect(l.onTransition(signal)).toBeUndefined();
    await fake.received(1); // hangs for a minute
    // Every later transition reaches the listener at once, and is queued there.
    for (let i = 0; i < 10; i++) (i % 2 === 0 ? cb.forceOpen : cb.reset).call(cb);
    expect(l.toJSON().queued).toBe(10);
  });

  it('settles the call of an async breaker before Slack answers, and flush() waits for the send', async () => {
    const answer = gate();
    const cb = new AsyncCircuitBreaker({
      name: 'payment_api',
      clock,
      tripper: new FailureStreak(1),
      listeners: [slack()],
    });
    fake.reply({ json: { ok: true, ts: '1.1' }, delay: answer.promise });
    await expect(cb.call(() => Promise.reject(new Error('down')))).rejects.toThrow('down');
    expect(cb.state).toBe('open');
    let flushed = false;
    const flushing = cb.flush().then(() => (flushed = true));
    await fake.received(1);
    await pause();
    expect(flushed).toBe(false); // flush() waits for the queued send
    answer.open();
    await flushing;
    expect(reported.reports).toEqual([]);
  });

  it('reports a closed port (connection refused) after the retries', async () => {
    const port = await closedPort();
    const cb = breaker('payment_api', clock, {
      listeners: [slack({ url: `http://127.0.0.1:${port}/api/chat.postMessage`, retries: 2 })],
    });
    trip(cb);
    expect(cb.state).toBe('open');
    await cb.flush();
    expect(waits).toEqual([1_000, 2_000]);
    expect(reported.reports).toHaveLength(1);
    const { error } = reported.reports[0]!;
    expect(error).toMatchObject({ failure: 'network', attempts: 3, status: undefined });
    expect(error.message).toMatch(
      /^Slack message for circuit 'payment_api' \(closed → open\) not delivered after 3 attempts: TypeError: fetch failed \(.*ECONNREFUSED 127\.0\.0\.1:\d+\)$/,
    );
  });

  it('races a fetch that ignores its abort signal against the timeout', async () => {
    const cb = breaker('payment_api', clock, {
      listeners: [slack({ fetch: () => new Promise(() => undefined), timeout: 30, retries: 0 })],
    });
    trip(cb);
    await cb.flush();
    expect(reported.reports[0]!.error).toMatchObject({ failure: 'timeout', attempts: 1 });
  });
});

describe('queues', () => {
  it('sends one circuit’s messages in order, each after the one before', async () => {
    const cb = breaker('payment_api', clock, { listeners: [slack()] });
    const first = gate();
    fake.reply({ json: { ok: true, ts: '1.1' }, delay: first.promise });
    trip(cb);
    clock.advance(10_000);
    fail(cb);
    clock.advance(10_000);
    succeed(cb);
    expect(cb.state).toBe('closed');
    await fake.received(1);
    await pause();
    expect(fake.requests).toHaveLength(1); // the rest wait for the first answer
    first.open();
    await cb.flush();
    expect(reported.reports).toEqual([]);
    expect(transitions()).toEqual([
      'payment_api: closed → open',
      'payment_api: open → half_open',
      'payment_api: half_open → open',
      'payment_api: open → half_open',
      'payment_api: half_open → closed',
    ]);
  });

  it('queueSize 2: three quick transitions while the first send is stalled drop the oldest waiting one, reported at once', async () => {
    const breakerErrors = recorder();
    const l = slack({ queueSize: 2 });
    const cb = breaker('payment_api', clock, { listeners: [l], onListenerError: breakerErrors });
    const answer = gate();
    fake.reply({ json: { ok: true, ts: '1.1' }, delay: answer.promise });
    trip(cb); // closed → open: sent, and Slack holds the answer
    await fake.received(1);
    cb.forceOpen(); // open → forced_open: waits
    cb.reset(); // forced_open → closed: waits
    expect(l.toJSON().queued).toBe(2);
    cb.forceOpen(); // closed → forced_open: one too many, the oldest waiting one goes
    expect(l.toJSON().queued).toBe(2);

    await reported.next(1); // reported while the first send is still stalled, with no flush()
    expect(fake.requests).toHaveLength(1);
    expect(failures()).toEqual(['payment_api: open → forced_open: queue_full']);
    const { error, listener: by, signal } = reported.reports[0]!;
    expect(by).toBe(l);
    expect(signal.timestamp).toBe(clock.now());
    expect(error).toMatchObject({
      failure: 'queue_full',
      circuitName: 'payment_api',
      oldState: 'open',
      newState: 'forced_open',
      attempts: 0,
      message:
        "Slack message for circuit 'payment_api' (open → forced_open) dropped unsent: the queue was full (queueSize 2)",
    });

    answer.open();
    await cb.flush();
    expect(transitions()).toEqual([
      'payment_api: closed → open', // the message being sent is never dropped
      'payment_api: forced_open → closed',
      'payment_api: closed → forced_open',
    ]);
    // The drop did not break the thread: the recovery still replies in it.
    expect(fake.bodies[1]).toMatchObject({ thread_ts: '1.1', reply_broadcast: true });
    expect(fake.bodies[2]!.thread_ts).toBeUndefined();
    expect(reported.reports).toHaveLength(1);
    expect(breakerErrors.reports).toEqual([]);
  });

  it('gives each circuit its own queue and sender: a stalled, flooded circuit holds up no other', async () => {
    const l = slack({ queueSize: 2, timeout: 60_000 });
    const a = breaker('a', clock, { listeners: [l] });
    const b = breaker('b', clock, { listeners: [l] });
    fake.reply('hang');
    trip(a); // a's first message hangs for a minute
    await fake.received(1);
    a.forceOpen();
    a.reset();
    a.forceOpen(); // a's queue (2) overflows: its oldest waiting message is dropped
    trip(b);
    await fake.received(2);
    clock.advance(10_000);
    succeed(b); // open → half_open → closed
    await fake.received(4);
    expect(transitions()).toEqual([
      'a: closed → open',
      'b: closed → open',
      'b: open → half_open',
      'b: half_open → closed',
    ]);
    await reported.next(1);
    expect(failures()).toEqual(['a: open → forced_open: queue_full']);
    expect(l.toJSON().queued).toBe(2); // a's two, still behind its hung request
  });

  it('is bounded however fast transitions come: queueSize per circuit, plus the one being sent', async () => {
    const l = slack({ queueSize: 3 });
    const cb = breaker('payment_api', clock, { listeners: [l] });
    const answer = gate();
    fake.reply({ json: { ok: true, ts: '1.1' }, delay: answer.promise });
    cb.forceOpen();
    await fake.received(1);
    const times: string[] = [];
    for (let i = 0; i < 1_000; i++) {
      clock.advance(1);
      times.push(new Date(clock.now()).toISOString());
      (i % 2 === 0 ? cb.reset : cb.forceOpen).call(cb);
    }
    expect(l.toJSON().queued).toBe(3);
    await reported.next(997);
    expect(reported.reports.every((r) => r.error.failure === 'queue_full')).toBe(true);
    // Dropped oldest first: the first 997, in order; the last three are sent.
    expect(reported.reports.map((r) => new Date(r.signal.timestamp).toISOString())).toEqual(
      times.slice(0, 997),
    );
    answer.open();
    await cb.flush();
    const sentTimes = fake.requests.slice(1).map((r) => {
      const attachments = r.body.attachments as { fields: { title: string; value: string }[] }[];
      return attachments[0]!.fields.find((f) => f.title === 'Time')!.value;
    });
    expect(sentTimes).toEqual(times.slice(997));
  });
});

describe('flush()', () => {
  it('resolves at once when nothing waits, and after close()', async () => {
    const l = slack();
    await expect(l.flush()).resolves.toBeUndefined();
    l.close();
    await expect(l.flush()).resolves.toBeUndefined();
  });

  it('waits for messages queued meanwhile, on any circuit, and for their failures to be reported; it never rejects', async () => {
    const l = slack();
    const a = breaker('a', clock, { listeners: [l] });
    const b = breaker('b', clock, { listeners: [l] });
    const answer = gate();
    fake.reply(
      { json: { ok: true, ts: '1.1' }, delay: answer.promise },
      { json: { ok: false, error: 'not_in_channel' } },
    );
    trip(a);
    await fake.received(1);
    let reportsAtFlush: number | undefined;
    const flushing = l.flush().then(() => (reportsAtFlush = reported.reports.length));
    trip(b); // queued while flush() waits
    await reported.next(1);
    expect(reportsAtFlush).toBeUndefined(); // a's message is still on its way
    clock.advance(10_000);
    succeed(b); // b: open → half_open → closed, queued meanwhile too
    answer.open();
    await expect(flushing).resolves.toBe(1);
    expect(transitions()).toEqual([
      'a: closed → open',
      'b: closed → open',
      'b: open → half_open',
      'b: half_open → closed',
    ]);
    expect(l.toJSON().queued).toBe(0);
  });

  it('is what breaker.flush() waits for, after the breaker’s own deliveries', async () => {
    const l = slack();
    const flush = jest.spyOn(l, 'flush');
    const cb = breaker('payment_api', clock, { listeners: [l] });
    trip(cb);
    await cb.flush();
    expect(flush).toHaveBeenCalledTimes(1);
    expect(fake.requests).toHaveLength(1);
  });
});

describe('close()', () => {
  /** Follows the timers made with the given delays: which are still pending. */
  function trackTimers(delays: readonly number[]): { made: number[]; pending: Set<unknown> } {
    const made: number[] = [];
    const pending = new Set<unknown>();
    const realSet = globalThis.setTimeout;
    const realClear = globalThis.clearTimeout;
    jest.spyOn(globalThis, 'setTimeout').mockImplementation(((
      callback: (...args: unknown[]) => void,
      ms?: number,
      ...args: unknown[]
    ) => {
      const handle = realSet(() => {
        pending.delete(handle);
        callback(...args);
      }, ms);
      if (ms !== undefined && delays.includes(ms)) {
        made.push(ms);
        pending.add(handle);
      }
      return handle;
    }) as typeof setTimeout);
    jest.spyOn(globalThis, 'clearTimeout').mockImplementation((handle) => {
      pending.delete(handle);
      realClear(handle);
    });
    return { made, pending };
  }

  it('stops everything: requests aborted, timers cancelled, flush() resolved, queued messages dropped unreported, later signals ignored', async () => {
    const timers = trackTimers([54_321, 77_000]);
    const breakerErrors = recorder();
    const l = slack({ timeout: 54_321, sleep: undefined });
    const a = breaker('a', clock, { listeners: [l], onListenerError: breakerErrors });
    const b = breaker('b', clock, { listeners: [l], onListenerError: breakerErrors });
    fake.reply({ status: 429, headers: { 'retry-after': '77' } }, 'hang');
    trip(a); // answered 429: a waits 77 s before trying again
    await fake.received(1);
    trip(b); // b's request hangs (54 s timeout)
    await fake.received(2);
    clock.advance(10_000);
    fail(a); // two more messages for a, behind its wait
    while (!timers.made.includes(77_000)) await pause(5);
    expect(timers.made.sort()).toEqual([54_321, 54_321, 77_000]);
    expect(timers.pending.size).toBe(2); // a's wait and b's request timeout
    expect(l.toJSON().queued).toBe(2);
    const flushing = Promise.all([l.flush(), a.flush(), b.flush()]);

    const started = performance.now();
    l.close();
    await flushing;
    expect(performance.now() - started).toBeLessThan(1_000);
    await pause();
    expect(timers.pending.size).toBe(0);
    expect(l.toJSON()).toMatchObject({ closed: true, queued: 0 });

    a.reset();
    b.reset();
    const late: Signal = {
      circuitName: 'a',
      oldState: 'closed',
      newState: 'open',
      timestamp: clock.now(),
      metric: a.info().metrics,
    };
    expect(l.onTransition(late)).toBeUndefined();
    await Promise.all([a.flush(), b.flush()]);
    await pause();
    expect(fake.requests).toHaveLength(2);
    expect(reported.reports).toEqual([]);
    expect(breakerErrors.reports).toEqual([]);
  });

  it('aborts the request under way, and the aborted message is not reported', async () => {
    const l = slack({ timeout: 60_000 });
    const cb = breaker('payment_api', clock, { listeners: [l] });
    fake.reply('hang');
    trip(cb);
    await fake.received(1);
    clock.advance(10_000);
    fail(cb); // two more signals, queued behind the first
    const started = performance.now();
    l.close();
    await cb.flush();
    expect(performance.now() - started).toBeLessThan(1_000);
    cb.reset();
    await cb.flush();
    expect(reported.reports).toEqual([]);
    expect(fake.requests).toHaveLength(1);
    expect(l.toJSON()).toMatchObject({ closed: true, queued: 0 });
  });

  it('cancels a retry wait', async () => {
    const l = slack({ sleep: undefined });
    const cb = breaker('payment_api', clock, { listeners: [l] });
    fake.reply({ status: 429, headers: { 'retry-after': '60' } });
    trip(cb);
    await fake.received(1);
    await pause(); // the 429 is read: the wait begins
    l.close();
    await cb.flush();
    expect(reported.reports).toEqual([]);
    expect(fake.requests).toHaveLength(1);
  });

  it('aborts the signal a custom sleep waits on', async () => {
    let aborted: AbortSignal | undefined;
    const l = slack({
      sleep: (_ms, signal) => {
        aborted = signal;
        return new Promise(() => undefined); // a wait that only close() can cut
      },
    });
    const cb = breaker('payment_api', clock, { listeners: [l] });
    fake.reply({ status: 500 });
    trip(cb);
    while (aborted === undefined) await pause(5);
    expect(aborted.aborted).toBe(false);
    l.close();
    expect(aborted.aborted).toBe(true);
    await cb.flush();
    expect(reported.reports).toEqual([]);
  });
});

describe('SlackDeliveryError', () => {
  it('is recognised by its brand, as another copy of the package (ESM next to CJS) would be', () => {
    const error = new SlackDeliveryError({
      failure: 'timeout',
      circuitName: 'payment_api',
      oldState: 'closed',
      newState: 'open',
      attempts: 1,
      detail: 'no answer within 5000 ms',
    });
    const fromAnotherCopy = Object.assign(new Error('x'), {
      [Symbol.for('@fluxgate/slack/SlackDeliveryError')]: true,
    });
    expect(SlackDeliveryError.is(error)).toBe(true);
    expect(SlackDeliveryError.is(fromAnotherCopy)).toBe(true);
    expect(fromAnotherCopy).toBeInstanceOf(SlackDeliveryError);
    expect(SlackDeliveryError.is(new Error('x'))).toBe(false);
    expect(SlackDeliveryError.is(null)).toBe(false);
    expect(error).toBeInstanceOf(Error);
    expect(String(error)).toBe(
      "SlackDeliveryError: Slack message for circuit 'payment_api' (closed → open) not delivered after 1 attempt: no answer within 5000 ms",
    );
    expect(Object.keys(error)).not.toContain('name');
  });
});
