import type { State } from '@fluxgate/core';
import {
  AvgLatency,
  FailureRate,
  FailureStreak,
  MinRequests,
  SlowRate,
} from '@fluxgate/core/trippers';
import { escapeMrkdwn, SlackListener } from '@fluxgate/slack';
import { breaker, fail, recorder, succeed } from './support/breakers';
import { FakeClock } from './support/fake-clock';
import { FakeSlack } from './support/fake-slack';

/** The built-in look of each entered state, written out: emoji, colour, verb. */
const LOOK: Record<State, readonly [string, string, string]> = {
  open: [':red_circle:', '#E01E5A', 'opened'],
  half_open: [':large_yellow_circle:', '#ECB22E', 'is half-open'],
  closed: [':large_green_circle:', '#2EB67D', 'closed'],
  forced_open: [':no_entry:', '#A30200', 'was forced open'],
  disabled: [':white_circle:', '#868686', 'was disabled'],
  metrics_only: [':large_blue_circle:', '#1D9BD1', 'is in metrics-only mode'],
};

/** The built-in message, as the test expects it byte for byte (names already escaped). */
function builtIn(state: State, name: string, transition: string, time: string, why: string) {
  const [emoji, color, verb] = LOOK[state];
  return {
    text: `${emoji} Circuit breaker ${name} ${verb} (${why})`,
    attachments: [
      {
        color,
        title: `Circuit breaker ${verb}`,
        fields: [
          { title: 'Circuit', value: name, short: true },
          { title: 'Transition', value: transition, short: true },
          { title: 'Time', value: time, short: true },
          { title: 'Why', value: why, short: false },
        ],
      },
    ],
  };
}

const T0 = '2023-11-14T22:13:20.000Z';
const T10 = '2023-11-14T22:13:30.000Z';

let fake: FakeSlack;
let listener: SlackListener | undefined;
let clock: FakeClock;

beforeEach(async () => {
  fake = await FakeSlack.start();
  clock = new FakeClock();
});

afterEach(async () => {
  listener?.close();
  listener = undefined;
  await fake.close();
});

function tokenListener(
  options: Partial<ConstructorParameters<typeof SlackListener>[0]> = {},
): SlackListener {
  listener = new SlackListener({
    token: 'xoxb-test-token',
    channel: '#alerts',
    url: fake.url(),
    ...options,
  } as ConstructorParameters<typeof SlackListener>[0]);
  return listener;
}

describe('token mode: chat.postMessage', () => {
  it('posts one JSON message per transition with the Bearer token: text fallback and a coloured attachment', async () => {
    const errors = recorder();
    const cb = breaker('payment_api', clock, {
      tripper: new MinRequests(10).and(new FailureRate(0.5)),
      listeners: [tokenListener()],
      onListenerError: errors,
    });
    for (const ok of [true, false, true, false, true, false, true, false, false, false]) {
      if (ok) succeed(cb);
      else fail(cb);
    }
    expect(cb.state).toBe('open');
    await cb.flush();

    expect(errors.reports).toEqual([]);
    expect(fake.requests).toHaveLength(1);
    const [request] = fake.requests;
    expect(request!.method).toBe('POST');
    expect(request!.path).toBe('/api/chat.postMessage');
    expect(request!.headers.authorization).toBe('Bearer xoxb-test-token');
    expect(request!.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(request!.body).toEqual({
      channel: '#alerts',
      text: ':red_circle: Circuit breaker payment_api opened (failure rate 60% over 10 calls)',
      attachments: [
        {
          color: '#E01E5A',
          title: 'Circuit breaker opened',
          fields: [
            { title: 'Circuit', value: 'payment_api', short: true },
            { title: 'Transition', value: 'closed → open', short: true },
            { title: 'Time', value: T0, short: true },
            { title: 'Why', value: 'failure rate 60% over 10 calls', short: false },
          ],
        },
      ],
    });
  });

  it('tells a trip by a failure streak as "N failures in a row"', async () => {
    const cb = breaker('payment_api', clock, {
      tripper: new FailureStreak(3),
      listeners: [tokenListener()],
    });
    succeed(cb);
    succeed(cb);
    fail(cb);
    fail(cb);
    fail(cb);
    await cb.flush();
    expect(fake.bodies).toEqual([
      {
        channel: '#alerts',
        ...builtIn('open', 'payment_api', 'closed → open', T0, '3 failures in a row'),
      },
    ]);
  });

  it('tells a trip by slow calls with the slow-call rate and its threshold', async () => {
    const cb = breaker('search', clock, {
      tripper: new MinRequests(4).and(new SlowRate(0.5, { threshold: 1_000 })),
      listeners: [tokenListener()],
    });
    succeed(cb, clock, 1_500);
    succeed(cb, clock, 10);
    succeed(cb, clock, 1_500);
    succeed(cb, clock, 10);
    await cb.flush();
    expect(fake.bodies).toEqual([
      {
        channel: '#alerts',
        ...builtIn(
          'open',
          'search',
          'closed → open',
          '2023-11-14T22:13:23.020Z',
          'slow-call rate 50% over 4 calls (≥ 1000 ms)',
        ),
      },
    ]);
  });

  it('tells a trip by latency with the average latency', async () => {
    const cb = breaker('search', clock, {
      tripper: new MinRequests(2).and(new AvgLatency(800)),
      listeners: [tokenListener()],
    });
    succeed(cb, clock, 1_000);
    succeed(cb, clock, 700);
    await cb.flush();
    expect(fake.bodies).toEqual([
      {
        channel: '#alerts',
        ...builtIn(
          'open',
          'search',
          'closed → open',
          '2023-11-14T22:13:21.700Z',
          'average latency 850 ms over 2 calls',
        ),
      },
    ]);
  });

  it('tells open → half_open as "retry time reached" and half_open → closed as "probe succeeded", in the thread', async () => {
    const cb = breaker('payment_api', clock, { listeners: [tokenListener()] });
    fail(cb);
    fail(cb);
    clock.advance(10_000);
    succeed(cb);
    await cb.flush();
    expect(fake.bodies).toEqual([
      {
        channel: '#alerts',
        ...builtIn('open', 'payment_api', 'closed → open', T0, '2 failures in a row'),
      },
      {
        channel: '#alerts',
        thread_ts: '1700000000.000001',
        ...builtIn(
          'half_open',
          'payment_api',
          'open → half_open',
          T10,
          'retry time reached after 10 s open',
        ),
      },
      {
        channel: '#alerts',
        thread_ts: '1700000000.000001',
        reply_broadcast: true,
        ...builtIn('closed', 'payment_api', 'half_open → closed', T10, 'probe succeeded'),
      },
    ]);
  });

  it('tells half_open → open as "probe failed"', async () => {
    const cb = breaker('payment_api', clock, { listeners: [tokenListener()] });
    fail(cb);
    fail(cb);
    clock.advance(10_000);
    fail(cb);
    await cb.flush();
    expect(fake.bodies.slice(1)).toEqual([
      {
        channel: '#alerts',
        thread_ts: '1700000000.000001',
        ...builtIn(
          'half_open',
          'payment_api',
          'open → half_open',
          T10,
          'retry time reached after 10 s open',
        ),
      },
      {
        channel: '#alerts',
        thread_ts: '1700000000.000001',
        ...builtIn('open', 'payment_api', 'half_open → open', T10, 'probe failed'),
      },
    ]);
  });

  it('tells every manual transition as "manual", each in its own colour', async () => {
    const cb = breaker('payment_api', clock, { listeners: [tokenListener()] });
    cb.forceOpen();
    cb.disable();
    cb.metricsOnly();
    cb.reset();
    await cb.flush();
    expect(fake.bodies).toEqual([
      {
        channel: '#alerts',
        ...builtIn('forced_open', 'payment_api', 'closed → forced_open', T0, 'manual'),
      },
      {
        channel: '#alerts',
        ...builtIn('disabled', 'payment_api', 'forced_open → disabled', T0, 'manual'),
      },
      {
        channel: '#alerts',
        ...builtIn('metrics_only', 'payment_api', 'disabled → metrics_only', T0, 'manual'),
      },
      {
        channel: '#alerts',
        ...builtIn('closed', 'payment_api', 'metrics_only → closed', T0, 'manual'),
      },
    ]);
  });

  it('escapes &, < and > of circuit names for Slack mrkdwn', async () => {
    const cb = breaker('search<beta>&co', clock, { listeners: [tokenListener()] });
    fail(cb);
    fail(cb);
    await cb.flush();
    const body = fake.bodies[0]!;
    expect(body).toEqual({
      channel: '#alerts',
      ...builtIn('open', 'search&lt;beta&gt;&amp;co', 'closed → open', T0, '2 failures in a row'),
    });
    expect(fake.requests[0]!.raw).not.toMatch(/[<>]|&co/);
  });
});

describe('escapeMrkdwn', () => {
  it.each([
    ['a & <b> & c', 'a &amp; &lt;b&gt; &amp; c'],
    ['<!channel>', '&lt;!channel&gt;'],
    ['&amp; stays literal', '&amp;amp; stays literal'],
    ['*bold* _it_ ~s~ `code`', '*bold* _it_ ~s~ `code`'],
  ])('%s', (text, escaped) => {
    expect(escapeMrkdwn(text)).toBe(escaped);
  });
});

describe('templates', () => {
  it('uses the first of old->new, *->new, old->* and *->*, and owns channel and thread fields', async () => {
    const errors = recorder();
    const cb = breaker('a<b', clock, {
      listeners: [
        tokenListener({
          templates: {
            'closed->open': (ctx) => ({
              text: `TRIP ${escapeMrkdwn(ctx.circuitName)}: ${ctx.why} at ${ctx.time}`,
            }),
            '*->closed': (ctx) => ({ ...ctx.message, text: `RECOVERED ${ctx.transition}` }),
            'open->*': (ctx) => ({
              text: `from open: ${ctx.oldState} to ${ctx.newState}`,
              unfurl_links: false,
            }),
            '*->*': (ctx) => ({
              text: `fallback ${ctx.signal.circuitName.length} ${ctx.transition}`,
              icon_emoji: ':zap:',
              channel: '#elsewhere',
              thread_ts: 'bogus',
              reply_broadcast: true,
            }),
          },
        }),
      ],
      onListenerError: errors,
    });
    fail(cb);
    fail(cb);
    clock.advance(10_000);
    succeed(cb);
    cb.forceOpen();
    await cb.flush();

    expect(errors.reports).toEqual([]);
    expect(fake.bodies).toEqual([
      { channel: '#alerts', text: `TRIP a&lt;b: 2 failures in a row at ${T0}` },
      {
        channel: '#alerts',
        thread_ts: '1700000000.000001',
        text: 'from open: open to half_open',
        unfurl_links: false,
      },
      {
        channel: '#alerts',
        thread_ts: '1700000000.000001',
        reply_broadcast: true,
        ...builtIn('closed', 'a&lt;b', 'half_open → closed', T10, 'probe succeeded'),
        text: 'RECOVERED half_open → closed',
      },
      { channel: '#alerts', text: 'fallback 3 closed → forced_open', icon_emoji: ':zap:' },
    ]);
  });

  it('reports a template that throws or returns no text through onListenerError, and the call goes on', async () => {
    const errors = recorder();
    const slack = tokenListener({
      templates: {
        'closed->open': () => {
          throw new Error('template bug');
        },
        '*->forced_open': () => ({ txt: 'typo' }) as never,
      },
    });
    const cb = breaker('payment_api', clock, { listeners: [slack], onListenerError: errors });
    fail(cb);
    fail(cb);
    expect(cb.state).toBe('open');
    cb.forceOpen();
    await cb.flush();
    expect(errors.reports.map((r) => String(r.error))).toEqual([
      'Error: template bug',
      "TypeError: templates['*->forced_open'] must return a message with a string text, got an object",
    ]);
    expect(errors.reports.map((r) => r.listener)).toEqual([slack, slack]);
    expect(fake.requests).toEqual([]);
  });
});

describe('webhook mode', () => {
  it('posts the same message, without channel, token or threads, to the webhook URL', async () => {
    listener = new SlackListener({ webhookUrl: fake.url('/services/T000/B000/XXXXXXXXXXXX') });
    const cb = breaker('payment_api', clock, { listeners: [listener] });
    fail(cb);
    fail(cb);
    clock.advance(10_000);
    succeed(cb);
    await cb.flush();

    expect(fake.requests.map((r) => [r.method, r.path])).toEqual([
      ['POST', '/services/T000/B000/XXXXXXXXXXXX'],
      ['POST', '/services/T000/B000/XXXXXXXXXXXX'],
      ['POST', '/services/T000/B000/XXXXXXXXXXXX'],
    ]);
    expect(fake.requests[0]!.headers.authorization).toBeUndefined();
    expect(fake.requests[0]!.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(fake.bodies).toEqual([
      builtIn('open', 'payment_api', 'closed → open', T0, '2 failures in a row'),
      builtIn(
        'half_open',
        'payment_api',
        'open → half_open',
        T10,
        'retry time reached after 10 s open',
      ),
      builtIn('closed', 'payment_api', 'half_open → closed', T10, 'probe succeeded'),
    ]);
  });
});
