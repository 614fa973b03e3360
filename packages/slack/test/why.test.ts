import { AsyncCircuitBreaker, type CircuitBreakerOptions } from '@fluxgate/core';
import { All } from '@fluxgate/core/permits';
import { Cooldown } from '@fluxgate/core/retries';
import { FailureRate, FailureStreak, MinRequests } from '@fluxgate/core/trippers';
import { CountWindow } from '@fluxgate/core/windows';
import { SlackListener, type SlackFetch } from '@fluxgate/slack';
import { breaker, fail, recorder, succeed } from './support/breakers';
import { FakeClock } from './support/fake-clock';

// These tests read only the "Why" of each message, so a fetch double answers instead of a server.
let whys: string[];
let listener: SlackListener;
let clock: FakeClock;

const fetchDouble: SlackFetch = async (_url, request) => {
  const body = JSON.parse(request.body) as {
    attachments: { fields: { title: string; value: string }[] }[];
  };
  whys.push(body.attachments[0]!.fields.find((f) => f.title === 'Why')!.value);
  return {
    status: 200,
    headers: { get: () => null },
    text: async () => '{"ok":true,"ts":"1.000001"}',
  };
};

beforeEach(() => {
  whys = [];
  clock = new FakeClock();
  listener = new SlackListener({ token: 'xoxb-test', channel: '#alerts', fetch: fetchDouble });
});

afterEach(() => listener.close());

function sync(options: Partial<CircuitBreakerOptions>) {
  const errors = recorder();
  const cb = breaker('payment_api', clock, {
    listeners: [listener],
    onListenerError: errors,
    ...options,
  });
  return { cb, errors };
}

describe('the "why" of a message tells what the window shows', () => {
  it('a streak longer than the window: "5 failures in a row"', async () => {
    const { cb } = sync({ window: new CountWindow(3), tripper: new FailureStreak(5) });
    for (let i = 0; i < 5; i++) fail(cb);
    await cb.flush();
    expect(whys).toEqual(['5 failures in a row']);
  });

  it('a rate trip whose last failures are only part of it: the failure rate', async () => {
    const { cb } = sync({ tripper: new MinRequests(4).and(new FailureRate(0.75)) });
    fail(cb);
    fail(cb);
    succeed(cb);
    fail(cb);
    await cb.flush();
    expect(whys).toEqual(['failure rate 75% over 4 calls']);
  });

  it('a rate that rounds to 0% or 100% does not say so: "<1%"', async () => {
    const { cb } = sync({
      window: new CountWindow(200),
      tripper: new MinRequests(200).and(new FailureRate(0.005)),
    });
    for (let i = 0; i < 199; i++) succeed(cb);
    fail(cb);
    await cb.flush();
    expect(whys).toEqual(['failure rate &lt;1% over 200 calls']); // escaped for mrkdwn
  });

  it('several probes: "3 of 4 probes succeeded" and "3 of 4 probes failed"', async () => {
    const { cb } = sync({ tripper: new FailureStreak(2), closeAfter: 2 });
    fail(cb);
    fail(cb);
    clock.advance(10_000);
    succeed(cb); // the first probe: open → half_open
    fail(cb);
    succeed(cb);
    succeed(cb); // two successes in a row: closed
    await cb.flush();
    fail(cb);
    fail(cb); // open again
    clock.advance(10_000);
    fail(cb);
    succeed(cb);
    fail(cb);
    fail(cb); // a streak of two in half_open: open
    await cb.flush();
    expect(whys).toEqual([
      '2 failures in a row',
      'retry time reached after 10 s open',
      '3 of 4 probes succeeded',
      '2 failures in a row',
      'retry time reached after 10 s open',
      '3 of 4 probes failed',
    ]);
  });

  it('a trip is told at the transition, even while earlier messages are still being sent', async () => {
    const { cb } = sync({});
    fail(cb);
    fail(cb);
    clock.advance(10_000);
    succeed(cb); // closed again, while the first message is still being sent
    fail(cb);
    fail(cb); // this trip's message waits behind the others, but was rendered just now
    clock.advance(10_000);
    succeed(cb);
    await cb.flush();
    expect(whys).toEqual([
      '2 failures in a row',
      'retry time reached after 10 s open',
      'probe succeeded',
      '2 failures in a row',
      'retry time reached after 10 s open',
      'probe succeeded',
    ]);
  });

  it('a trip signal that reaches the listener after the breaker moved on falls back to the window: no stale streak', async () => {
    // A listener ahead of Slack's resets the breaker as it trips: the breaker delivers the trip
    // to the next listeners after that reset, when the streak is no longer the trip's.
    const cb = breaker('payment_api', clock, { onListenerError: recorder() });
    cb.addListener((signal) => {
      if (signal.newState === 'open') cb.reset();
    });
    cb.addListener(listener);
    fail(cb);
    fail(cb);
    await cb.flush();
    expect(whys).toEqual(['failure rate 100% over 2 calls', 'manual']);
  });

  it('reads the streak from the breaker that tripped, when another breaker shares its name', async () => {
    const { cb, errors } = sync({ window: new CountWindow(3), tripper: new FailureStreak(5) });
    // Attached later, under the same name, and still closed: not the one the signal came from.
    const twin = breaker('payment_api', clock, { listeners: [listener], onListenerError: errors });
    for (let i = 0; i < 5; i++) fail(cb);
    await Promise.all([cb.flush(), twin.flush()]);
    expect(errors.reports).toEqual([]);
    expect(whys).toEqual(['5 failures in a row']);
  });

  it('the time spent open, in the largest units that matter', async () => {
    const { cb } = sync({ retry: new Cooldown(125_000) });
    fail(cb);
    fail(cb);
    clock.advance(125_400);
    fail(cb);
    clock.advance(3_600_000 + 180_000);
    succeed(cb);
    await cb.flush();
    expect(whys).toEqual([
      '2 failures in a row',
      'retry time reached after 2 min 5 s open',
      'probe failed',
      'retry time reached after 1 h 3 min open',
      'probe succeeded',
    ]);
  });

  it('probes that hung past halfOpenTimeout: "probes hung past the half-open timeout"', async () => {
    const errors = recorder();
    const cb = new AsyncCircuitBreaker({
      name: 'payment_api',
      clock,
      tripper: new FailureStreak(1),
      retry: new Cooldown(10_000),
      permit: new All(),
      maxHalfOpenCalls: 1,
      halfOpenTimeout: 5_000,
      listeners: [listener],
      onListenerError: errors,
    });
    await expect(cb.call(() => Promise.reject(new Error('down')))).rejects.toThrow('down');
    clock.advance(10_000);
    void cb.call(() => new Promise<never>(() => undefined)); // a probe that never settles
    clock.advance(5_000);
    await expect(cb.call(() => 'never runs')).rejects.toMatchObject({ state: 'open' });
    await cb.flush();
    expect(errors.reports).toEqual([]);
    expect(whys).toEqual([
      'failure rate 100% over 1 call',
      'retry time reached after 10 s open',
      'probes hung past the half-open timeout',
    ]);
  });

  it('a reset while half-open, before any probe finished, is "manual"', async () => {
    const { cb } = sync({});
    fail(cb);
    fail(cb);
    clock.advance(10_000);
    fail(cb); // half_open → open
    clock.advance(10_000);
    cb.call(() => cb.reset()); // the probe resets the breaker from inside: half_open → closed
    await cb.flush();
    expect(whys.slice(-2)).toEqual(['retry time reached after 10 s open', 'manual']);
  });
});
