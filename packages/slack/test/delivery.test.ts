import { AsyncCircuitBreaker, type Signal } from '@fluxgate/core';
import { FailureStreak } from '@fluxgate/core/trippers';
import { SlackDeliveryError, SlackListener, type SlackListenerOptions } from '@fluxgate/slack';
import { breaker, fail, recorder, succeed } from './support/breakers';
import { gate } from './support/deferred';
import { FakeClock } from './support/fake-clock';
import { closedPort, FakeSlack } from './support/fake-slack';

let fake: FakeSlack;
let listener: SlackListener | undefined;
let clock: FakeClock;
/** The waits the listener asked for, in milliseconds: the injected sleep returns at once. */
let waits: number[];
const instantSleep = (ms: number): Promise<void> => {
  waits.push(ms);
  return Promise.resolve();
};

beforeEach(async () => {
  fake = await FakeSlack.start();
  clock = new FakeClock();
  waits = [];
});

afterEach(async () => {
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

function trip(cb: ReturnType<typeof breaker>): void {
  fail(cb);
  fail(cb);
}

describe('answers from Slack', () => {
  it('reports an ok: false answer through onListenerError, with the signal, without retrying', async () => {
    const errors = recorder();
    const l = slack();
    const cb = breaker('payment_api', clock, { listeners: [l], onListenerError: errors });
    fake.reply({ json: { ok: false, error: 'channel_not_found' } });
    trip(cb);
    await cb.flush();

    expect(fake.requests).toHaveLength(1);
    expect(errors.reports).toHaveLength(1);
    const { error, listener: reportedListener, cause } = errors.reports[0]!;
    expect(reportedListener).toBe(l);
    expect((cause as Signal).newState).toBe('open');
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
    const errors = recorder();
    listener = new SlackListener({
      webhookUrl: fake.url('/services/T0/B0/abcdefghijkl'),
      sleep: instantSleep,
    });
    const cb = breaker('payment_api', clock, { listeners: [listener], onListenerError: errors });
    fake.reply({ status: 404, text: 'no_service' });
    trip(cb);
    await cb.flush();
    expect(fake.requests).toHaveLength(1);
    expect(errors.reports[0]!.error).toMatchObject({
      failure: 'rejected',
      status: 404,
      slackError: 'no_service',
      message:
        "Slack message for circuit 'payment_api' (closed → open) rejected by Slack: HTTP 404 no_service",
    });
  });

  it('retries a 429 after its Retry-After, then succeeds', async () => {
    const errors = recorder();
    const cb = breaker('payment_api', clock, { listeners: [slack()], onListenerError: errors });
    fake.reply({
      status: 429,
      headers: { 'retry-after': '3' },
      json: { ok: false, error: 'ratelimited' },
    });
    trip(cb);
    await cb.flush();
    expect(errors.reports).toEqual([]);
    expect(waits).toEqual([3_000]);
    expect(fake.requests).toHaveLength(2);
    expect(fake.requests[1]!.raw).toBe(fake.requests[0]!.raw);
  });

  it('waits for real with the default sleep (Retry-After: 0)', async () => {
    const errors = recorder();
    const cb = breaker('payment_api', clock, {
      listeners: [slack({ sleep: undefined })],
      onListenerError: errors,
    });
    fake.reply({ status: 429, headers: { 'retry-after': '0' }, text: '' });
    trip(cb);
    await cb.flush();
    expect(errors.reports).toEqual([]);
    expect(fake.requests).toHaveLength(2);
  });

  it('retries a 500 with backoff, then succeeds', async () => {
    const errors = recorder();
    const cb = breaker('payment_api', clock, { listeners: [slack()], onListenerError: errors });
    fake.reply({ status: 500, text: 'oops' }, { status: 503, text: 'busy' });
    trip(cb);
    await cb.flush();
    expect(errors.reports).toEqual([]);
    expect(waits).toEqual([1_000, 2_000]);
    expect(fake.requests).toHaveLength(3);
  });

  it('retries a transient Slack error (ok: false, internal_error) like a 5xx', async () => {
    const errors = recorder();
    const cb = breaker('payment_api', clock, { listeners: [slack()], onListenerError: errors });
    fake.reply({ json: { ok: false, error: 'internal_error' } });
    trip(cb);
    await cb.flush();
    expect(errors.reports).toEqual([]);
    expect(fake.requests).toHaveLength(2);
  });

  it('reports a 5xx that lasts past the retries, after retries + 1 attempts', async () => {
    const errors = recorder();
    const cb = breaker('payment_api', clock, {
      listeners: [slack({ retries: 2 })],
      onListenerError: errors,
    });
    fake.reply({ status: 500 }, { status: 502 }, { status: 500 });
    trip(cb);
    await cb.flush();
    expect(fake.requests).toHaveLength(3);
    expect(waits).toEqual([1_000, 2_000]);
    expect(errors.reports.map((r) => r.error)).toEqual([
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
    const errors = recorder();
    const cb = breaker('payment_api', clock, { listeners: [slack()], onListenerError: errors });
    fake.reply({ status: 200, text: '<html>proxy login</html>' });
    trip(cb);
    await cb.flush();
    expect(errors.reports[0]!.error).toMatchObject({ failure: 'bad_response', attempts: 1 });
  });
});

describe('delivery never blocks or breaks a call', () => {
  it('returns the call that caused the transition at once, while Slack never answers; the timeout reports it', async () => {
    const errors = recorder();
    const cb = breaker('payment_api', clock, {
      listeners: [slack({ timeout: 300, retries: 1 })],
      onListenerError: errors,
    });
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
    await cb.flush();
    expect(fake.requests).toHaveLength(2);
    expect(waits).toEqual([1_000]);
    expect(errors.reports.map((r) => (r.error as Error).message)).toEqual([
      "Slack message for circuit 'payment_api' (closed → open) not delivered after 2 attempts: no answer within 300 ms",
    ]);
    expect(errors.reports[0]!.error).toMatchObject({
      failure: 'timeout',
      attempts: 2,
      status: undefined,
    });
  });

  it('settles the call of an async breaker before Slack answers, and flush() waits for the send', async () => {
    const errors = recorder();
    const answer = gate();
    const cb = new AsyncCircuitBreaker({
      name: 'payment_api',
      clock,
      tripper: new FailureStreak(1),
      listeners: [slack()],
      onListenerError: errors,
    });
    fake.reply({ json: { ok: true, ts: '1.1' }, delay: answer.promise });
    await expect(cb.call(() => Promise.reject(new Error('down')))).rejects.toThrow('down');
    expect(cb.state).toBe('open');
    let flushed = false;
    const flushing = cb.flush().then(() => (flushed = true));
    await fake.received(1);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(flushed).toBe(false); // flush() waits for the queued send
    answer.open();
    await flushing;
    expect(errors.reports).toEqual([]);
  });

  it('reports a closed port (connection refused) after the retries', async () => {
    const errors = recorder();
    const port = await closedPort();
    const cb = breaker('payment_api', clock, {
      listeners: [slack({ url: `http://127.0.0.1:${port}/api/chat.postMessage`, retries: 2 })],
      onListenerError: errors,
    });
    trip(cb);
    expect(cb.state).toBe('open');
    await cb.flush();
    expect(waits).toEqual([1_000, 2_000]);
    expect(errors.reports).toHaveLength(1);
    const error = errors.reports[0]!.error as SlackDeliveryError;
    expect(error).toMatchObject({ failure: 'network', attempts: 3, status: undefined });
    expect(error.message).toMatch(
      /^Slack message for circuit 'payment_api' \(closed → open\) not delivered after 3 attempts: TypeError: fetch failed \(.*ECONNREFUSED 127\.0\.0\.1:\d+\)$/,
    );
  });

  it('sends one circuit’s messages in order, each after the one before', async () => {
    const errors = recorder();
    const cb = breaker('payment_api', clock, { listeners: [slack()], onListenerError: errors });
    const first = gate();
    fake.reply({ json: { ok: true, ts: '1.1' }, delay: first.promise });
    trip(cb);
    clock.advance(10_000);
    fail(cb);
    clock.advance(10_000);
    succeed(cb);
    expect(cb.state).toBe('closed');
    await fake.received(1);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(fake.requests).toHaveLength(1); // the rest wait for the first answer
    first.open();
    await cb.flush();
    expect(errors.reports).toEqual([]);
    expect(transitions()).toEqual([
      'payment_api: closed → open',
      'payment_api: open → half_open',
      'payment_api: half_open → open',
      'payment_api: open → half_open',
      'payment_api: half_open → closed',
    ]);
  });

  it('drops the oldest waiting message when the queue is full, and reports it on its own breaker', async () => {
    const l = slack({ queueSize: 1 });
    const reports = { a: recorder(), b: recorder(), c: recorder() };
    const [a, b, c] = (['a', 'b', 'c'] as const).map((name) =>
      breaker(name, clock, { listeners: [l], onListenerError: reports[name] }),
    ) as [ReturnType<typeof breaker>, ReturnType<typeof breaker>, ReturnType<typeof breaker>];
    const answer = gate();
    fake.reply({ json: { ok: true, ts: '1.1' }, delay: answer.promise });
    trip(a); // sent at once: the request waits for `answer`
    await fake.received(1);
    trip(b); // waits in the queue
    trip(c); // the queue is full: b's message is dropped
    expect(l.toJSON().queued).toBe(1);
    answer.open();
    await Promise.all([a.flush(), b.flush(), c.flush()]);

    expect(transitions()).toEqual(['a: closed → open', 'c: closed → open']);
    expect(reports.a.reports).toEqual([]);
    expect(reports.c.reports).toEqual([]);
    expect(reports.b.reports).toHaveLength(1);
    const { error, cause } = reports.b.reports[0]!;
    expect((cause as Signal).circuitName).toBe('b');
    expect(error).toMatchObject({
      failure: 'queue_full',
      circuitName: 'b',
      attempts: 0,
      message:
        "Slack message for circuit 'b' (closed → open) dropped unsent: the queue was full (queueSize 1)",
    });
  });

  it('close() aborts the request under way, resolves what waits (no report) and ignores later signals', async () => {
    const errors = recorder();
    const l = slack({ timeout: 60_000 });
    const cb = breaker('payment_api', clock, { listeners: [l], onListenerError: errors });
    fake.reply('hang');
    trip(cb);
    await fake.received(1);
    clock.advance(10_000);
    fail(cb); // two more signals, held behind the first
    const started = performance.now();
    l.close();
    await cb.flush();
    expect(performance.now() - started).toBeLessThan(1_000);
    cb.reset();
    await cb.flush();
    expect(errors.reports).toEqual([]);
    expect(fake.requests).toHaveLength(1);
    expect(l.toJSON()).toMatchObject({ closed: true, queued: 0 });
  });

  it('close() cancels a retry wait', async () => {
    const errors = recorder();
    const l = slack({ sleep: undefined });
    const cb = breaker('payment_api', clock, { listeners: [l], onListenerError: errors });
    fake.reply({ status: 429, headers: { 'retry-after': '60' } });
    trip(cb);
    await fake.received(1);
    await new Promise((resolve) => setTimeout(resolve, 20)); // the 429 is read: the wait begins
    l.close();
    await cb.flush();
    expect(errors.reports).toEqual([]);
    expect(fake.requests).toHaveLength(1);
  });

  it('races a fetch that ignores its abort signal against the timeout', async () => {
    const errors = recorder();
    const cb = breaker('payment_api', clock, {
      listeners: [slack({ fetch: () => new Promise(() => undefined), timeout: 30, retries: 0 })],
      onListenerError: errors,
    });
    trip(cb);
    await cb.flush();
    expect(errors.reports[0]!.error).toMatchObject({ failure: 'timeout', attempts: 1 });
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
