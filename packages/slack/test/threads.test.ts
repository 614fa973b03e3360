import { SlackListener } from '@fluxgate/slack';
import { breaker, fail, recorder, succeed } from './support/breakers';
import { FakeClock } from './support/fake-clock';
import { FakeSlack, type RecordedRequest } from './support/fake-slack';

let fake: FakeSlack;
let listener: SlackListener;
let clock: FakeClock;

beforeEach(async () => {
  fake = await FakeSlack.start();
  clock = new FakeClock();
  listener = new SlackListener({
    token: 'xoxb-test-token',
    channel: 'C0123456789',
    url: fake.url(),
  });
});

afterEach(async () => {
  listener.close();
  await fake.close();
});

/** The requests about one circuit, read from the attachment's Circuit field. */
function about(name: string): RecordedRequest[] {
  return fake.requests.filter((r) => {
    const attachments = r.body.attachments as { fields: { title: string; value: string }[] }[];
    return attachments[0]!.fields.find((f) => f.title === 'Circuit')!.value === name;
  });
}

/** What a request says about threads: the transition, and its thread fields. */
function threading(r: RecordedRequest) {
  const attachments = r.body.attachments as { fields: { title: string; value: string }[] }[];
  return {
    transition: attachments[0]!.fields.find((f) => f.title === 'Transition')!.value,
    thread_ts: r.body.thread_ts,
    reply_broadcast: r.body.reply_broadcast,
  };
}

describe('threads in token mode', () => {
  it('keeps one thread per circuit across a full trip and recovery, for two circuits at once', async () => {
    const errors = recorder();
    const alpha = breaker('alpha', clock, { listeners: [listener], onListenerError: errors });
    const beta = breaker('beta', clock, { listeners: [listener], onListenerError: errors });

    // Both trip (closed → open), interleaved.
    fail(alpha);
    fail(beta);
    fail(alpha);
    fail(beta);
    // Both probe and fail: open → half_open → open, from one call each.
    clock.advance(10_000);
    fail(beta);
    fail(alpha);
    // Both probe and succeed: open → half_open → closed.
    clock.advance(10_000);
    succeed(alpha);
    succeed(beta);
    // Alpha trips again: a new incident, a new thread.
    fail(alpha);
    fail(alpha);
    await Promise.all([alpha.flush(), beta.flush()]);

    expect(errors.reports).toEqual([]);
    expect(fake.requests).toHaveLength(11);
    const alphaRequests = about('alpha');
    const betaRequests = about('beta');
    const alphaThread = alphaRequests[0]!.ts!;
    const alphaSecond = alphaRequests[5]!.ts!;
    const betaThread = betaRequests[0]!.ts!;
    expect(new Set([alphaThread, alphaSecond, betaThread]).size).toBe(3);

    expect(alphaRequests.map(threading)).toEqual([
      { transition: 'closed → open', thread_ts: undefined, reply_broadcast: undefined },
      { transition: 'open → half_open', thread_ts: alphaThread, reply_broadcast: undefined },
      { transition: 'half_open → open', thread_ts: alphaThread, reply_broadcast: undefined },
      { transition: 'open → half_open', thread_ts: alphaThread, reply_broadcast: undefined },
      { transition: 'half_open → closed', thread_ts: alphaThread, reply_broadcast: true },
      { transition: 'closed → open', thread_ts: undefined, reply_broadcast: undefined },
    ]);
    expect(betaRequests.map(threading)).toEqual([
      { transition: 'closed → open', thread_ts: undefined, reply_broadcast: undefined },
      { transition: 'open → half_open', thread_ts: betaThread, reply_broadcast: undefined },
      { transition: 'half_open → open', thread_ts: betaThread, reply_broadcast: undefined },
      { transition: 'open → half_open', thread_ts: betaThread, reply_broadcast: undefined },
      { transition: 'half_open → closed', thread_ts: betaThread, reply_broadcast: true },
    ]);
  });

  it('keeps the thread through forced_open, and ends it on the reset to closed', async () => {
    const cb = breaker('alpha', clock, { listeners: [listener] });
    fail(cb);
    fail(cb);
    cb.forceOpen();
    cb.reset();
    cb.forceOpen();
    await cb.flush();
    const thread = fake.requests[0]!.ts!;
    expect(fake.requests.map(threading)).toEqual([
      { transition: 'closed → open', thread_ts: undefined, reply_broadcast: undefined },
      { transition: 'open → forced_open', thread_ts: thread, reply_broadcast: undefined },
      { transition: 'forced_open → closed', thread_ts: thread, reply_broadcast: true },
      { transition: 'closed → forced_open', thread_ts: undefined, reply_broadcast: undefined },
    ]);
  });

  it.each([
    ['disabled', 'disable'],
    ['metrics_only', 'metricsOnly'],
  ] as const)(
    'ends the thread on %s: the reply goes in it, later messages start anew',
    async (state, method) => {
      const cb = breaker('alpha', clock, { listeners: [listener] });
      fail(cb);
      fail(cb);
      cb[method]();
      cb.reset();
      fail(cb);
      fail(cb);
      await cb.flush();
      const thread = fake.requests[0]!.ts!;
      expect(fake.requests.map(threading)).toEqual([
        { transition: 'closed → open', thread_ts: undefined, reply_broadcast: undefined },
        { transition: `open → ${state}`, thread_ts: thread, reply_broadcast: undefined },
        { transition: `${state} → closed`, thread_ts: undefined, reply_broadcast: undefined },
        { transition: 'closed → open', thread_ts: undefined, reply_broadcast: undefined },
      ]);
      expect(fake.requests[3]!.ts).not.toBe(thread);
    },
  );

  it('starts the thread at the next open when the message that would have started it failed', async () => {
    const errors = recorder();
    const cb = breaker('alpha', clock, { listeners: [listener], onListenerError: errors });
    fake.reply({ json: { ok: false, error: 'not_in_channel' } });
    fail(cb);
    fail(cb);
    clock.advance(10_000);
    fail(cb);
    await cb.flush();
    expect(errors.reports.map((r) => (r.error as Error).message)).toEqual([
      "Slack message for circuit 'alpha' (closed → open) rejected by Slack: not_in_channel",
    ]);
    expect(fake.requests.map(threading)).toEqual([
      { transition: 'closed → open', thread_ts: undefined, reply_broadcast: undefined },
      { transition: 'open → half_open', thread_ts: undefined, reply_broadcast: undefined },
      { transition: 'half_open → open', thread_ts: undefined, reply_broadcast: undefined },
    ]);
    const thread = fake.requests[2]!.ts!;
    clock.advance(10_000);
    succeed(cb);
    await cb.flush();
    expect(fake.requests.slice(3).map(threading)).toEqual([
      { transition: 'open → half_open', thread_ts: thread, reply_broadcast: undefined },
      { transition: 'half_open → closed', thread_ts: thread, reply_broadcast: true },
    ]);
  });
});
