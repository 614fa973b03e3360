import { inspect } from 'node:util';
import { SlackListener, type SlackListenerOptions } from '@fluxgate/slack';
import { breaker, fail, recorder } from './support/breakers';
import { gate } from './support/deferred';
import { FakeClock } from './support/fake-clock';
import { closedPort, FakeSlack } from './support/fake-slack';

const TOKEN = 'xoxb-123456789-SECRETTOKENVALUE';
const WEBHOOK_KEY = 'SECRETWEBHOOKKEY0123';

let fake: FakeSlack;
let listeners: SlackListener[];
let clock: FakeClock;
let output: string[];
const noWait = (): Promise<void> => Promise.resolve();

beforeEach(async () => {
  fake = await FakeSlack.start();
  clock = new FakeClock();
  listeners = [];
  output = [];
  for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    jest.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      output.push(args.map((a) => (typeof a === 'string' ? a : inspect(a))).join(' '));
    });
  }
});

afterEach(async () => {
  jest.restoreAllMocks();
  for (const l of listeners) l.close();
  await fake.close();
});

type Mode = 'token' | 'webhook';

function options(mode: Mode, extra: Partial<SlackListenerOptions> = {}): SlackListenerOptions {
  return (
    mode === 'token'
      ? { token: TOKEN, channel: '#alerts', url: fake.url(), sleep: noWait, ...extra }
      : { webhookUrl: fake.url(`/services/T0000/B0000/${WEBHOOK_KEY}`), sleep: noWait, ...extra }
  ) as SlackListenerOptions;
}

function make(mode: Mode, extra: Partial<SlackListenerOptions> = {}): SlackListener {
  const l = new SlackListener(options(mode, extra));
  listeners.push(l);
  return l;
}

/** Every way an error gets printed. */
function renderings(error: unknown): string[] {
  return [
    String(error),
    (error as Error).message,
    (error as Error).stack ?? '',
    JSON.stringify(error),
    inspect(error, { depth: Infinity, showHidden: true }),
  ];
}

function expectNoSecret(texts: readonly string[]): void {
  for (const text of texts) {
    expect(text).not.toContain('SECRETTOKENVALUE');
    expect(text).not.toContain(WEBHOOK_KEY);
    expect(text).not.toContain(TOKEN);
  }
}

describe.each(['token', 'webhook'] as const)('%s mode: the secret never leaks', (mode) => {
  it('is not in JSON.stringify, util.inspect or console.log of the listener', () => {
    const l = make(mode);
    const texts = [
      JSON.stringify(l),
      JSON.stringify({ listeners: [l] }),
      inspect(l),
      inspect(l, { showHidden: true, depth: Infinity }),
      inspect(l, { customInspect: false, showHidden: true, depth: Infinity }),
      String(l),
      `${Object.keys(l).join()}${Object.getOwnPropertyNames(l).join()}`,
    ];
    console.log(l);
    console.log('%o', l);
    expectNoSecret([...texts, ...output]);
    expect(JSON.parse(JSON.stringify(l))).toEqual(
      mode === 'token'
        ? { mode: 'token', channel: '#alerts', token: '[redacted]', queued: 0, closed: false }
        : { mode: 'webhook', webhookUrl: '[redacted]', queued: 0, closed: false },
    );
    expect(inspect(l)).toBe(
      mode === 'token'
        ? "SlackListener { mode: 'token', channel: '#alerts', token: '[redacted]', queued: 0, closed: false }"
        : "SlackListener { mode: 'webhook', webhookUrl: '[redacted]', queued: 0, closed: false }",
    );
  });

  it('is sent where it belongs, and nowhere in any reported error or console line', async () => {
    const errors = recorder();
    const port = await closedPort();
    const cases: Array<[string, Partial<SlackListenerOptions>, () => void]> = [
      mode === 'token'
        ? ['ok: false', {}, () => fake.reply({ json: { ok: false, error: 'invalid_auth' } })]
        : ['400', {}, () => fake.reply({ status: 400, text: 'invalid_payload' })],
      ['4xx', {}, () => fake.reply({ status: 403, text: 'invalid_token' })],
      ['5xx', { retries: 1 }, () => fake.reply({ status: 500 }, { status: 500 })],
      ['429', { retries: 0 }, () => fake.reply({ status: 429, headers: { 'retry-after': '1' } })],
      ['timeout', { timeout: 30, retries: 0 }, () => fake.reply('hang')],
      [
        'closed port',
        mode === 'token'
          ? { url: `http://127.0.0.1:${port}/api/chat.postMessage`, retries: 0 }
          : ({
              webhookUrl: `http://127.0.0.1:${port}/services/T0000/B0000/${WEBHOOK_KEY}`,
              retries: 0,
            } as never),
        () => undefined,
      ],
      [
        'a fetch that quotes its URL and headers',
        {
          retries: 0,
          fetch: (url, request) =>
            Promise.reject(new Error(`cannot POST ${url} with ${JSON.stringify(request.headers)}`)),
        },
        () => undefined,
      ],
    ];
    // Through the breaker's onListenerError, where failures go by default.
    for (const [, extra, arrange] of cases) {
      arrange();
      const cb = breaker('payment_api', clock, {
        listeners: [make(mode, extra)],
        onListenerError: errors,
      });
      fail(cb);
      fail(cb);
      await cb.flush();
    }
    // Through onError, the override.
    const overridden = recorder();
    fake.reply({ status: 403, text: 'invalid_token' });
    const quiet = breaker('quiet', clock, {
      listeners: [make(mode, { onError: overridden })],
      onListenerError: errors,
    });
    fail(quiet);
    fail(quiet);
    await quiet.flush();
    // The breaker's default onListenerError, which writes to the console.
    fake.reply({ status: 403, text: 'invalid_token' });
    const loud = breaker('loud', clock, { listeners: [make(mode)] });
    fail(loud);
    fail(loud);
    await loud.flush();
    // The listener's own console line, for a failure whose breaker was detached meanwhile.
    const answer = gate();
    fake.reply({ status: 403, text: 'invalid_token', delay: answer.promise });
    const gone = breaker('gone', clock, { onListenerError: errors });
    const orphan = make(mode);
    const detach = gone.addListener(orphan);
    const before = fake.requests.length;
    fail(gone);
    fail(gone);
    await fake.received(before + 1);
    detach();
    answer.open();
    await orphan.flush();

    expect(errors.reports).toHaveLength(cases.length);
    expect(overridden.reports).toHaveLength(1);
    expect(errors.reports.map((r) => (r.error as Error).message).join('\n')).toContain(
      '[redacted]',
    );
    expectNoSecret(
      [...errors.reports, ...overridden.reports].flatMap((r) => [
        ...renderings(r.error),
        inspect(r.listener, { depth: Infinity }),
        JSON.stringify(r.listener),
      ]),
    );
    expect(output).toHaveLength(2);
    expect(output[0]).toMatch(
      /^fluxgate: listener SlackListener of circuit breaker 'loud' failed: SlackDeliveryError: /,
    );
    expect(output[1]).toMatch(
      /^fluxgate: listener SlackListener of circuit breaker 'gone' failed: SlackDeliveryError: /,
    );
    expectNoSecret(output);

    // The secret did go where it belongs.
    const first = fake.requests[0]!;
    if (mode === 'token') expect(first.headers.authorization).toBe(`Bearer ${TOKEN}`);
    else expect(first.path).toBe(`/services/T0000/B0000/${WEBHOOK_KEY}`);
  });
});

describe('option errors never show a secret', () => {
  it.each([
    [
      'a token with a line break',
      { token: `${TOKEN}\n`, channel: '#alerts' },
      'token must not contain spaces',
    ],
    [
      'a token with a space',
      { token: `Bearer ${TOKEN}`, channel: '#alerts' },
      'token must not contain spaces',
    ],
    [
      'an empty token',
      { token: '', channel: '#alerts' },
      'token must be a non-empty string, got an empty string',
    ],
    [
      'a webhook URL that is not http(s)',
      { webhookUrl: `ftp://hooks.example/${WEBHOOK_KEY}` },
      'webhookUrl must be an absolute http(s) URL',
    ],
    [
      'a relative webhook URL',
      { webhookUrl: `/services/${WEBHOOK_KEY}` },
      'webhookUrl must be an absolute http(s) URL',
    ],
    [
      'both a token and a webhook',
      { token: TOKEN, channel: '#a', webhookUrl: `https://x/${WEBHOOK_KEY}` },
      'not both',
    ],
    [
      'a webhook with a url',
      { webhookUrl: `https://x/${WEBHOOK_KEY}`, url: 'https://proxy' },
      'url applies to token mode only',
    ],
    [
      'a bad timeout with a token',
      { token: TOKEN, channel: '#a', timeout: -1 },
      'timeout must be a finite number > 0, got -1',
    ],
  ])('%s', (_, bad, expected) => {
    let thrown: unknown;
    try {
      new SlackListener(bad as SlackListenerOptions);
    } catch (error) {
      thrown = error;
    }
    expect(String(thrown)).toContain(expected);
    expectNoSecret(renderings(thrown));
  });
});
