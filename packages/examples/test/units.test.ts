/** The demo's pieces that need no process: options, schedules, Retry-After, the table. */
import { createCircuits } from '../src/demo/circuits';
import { behaviour, Schedule } from '../src/demo/downstream';
import { parseDuration, parseOptions, UsageError } from '../src/demo/options';
import { Recorder } from '../src/demo/recorder';
import { retryAfterSeconds } from '../src/demo/service';
import { renderTable, truncate } from '../src/demo/terminal';
import type { DemoSnapshot } from '../src/demo/snapshot';

describe('parseOptions', () => {
  it('defaults to port 3000, real time, 20 req/s, live on a terminal and log otherwise', () => {
    expect(parseOptions([], {}, true)).toEqual({
      port: 3000,
      duration: undefined,
      speed: 1,
      rate: 20,
      view: 'live',
      slackWebhook: undefined,
      help: false,
    });
    expect(parseOptions([], {}, false).view).toBe('log');
  });

  it('reads PORT and SLACK_WEBHOOK_URL, and --options win over them', () => {
    const env = { PORT: '4000', SLACK_WEBHOOK_URL: 'https://hooks.slack.com/services/x' };
    expect(parseOptions([], env, false)).toEqual(
      expect.objectContaining({ port: 4000, slackWebhook: env.SLACK_WEBHOOK_URL }),
    );
    expect(
      parseOptions(['--port=0', '--slack-webhook', 'http://127.0.0.1:1/'], env, false),
    ).toEqual(expect.objectContaining({ port: 0, slackWebhook: 'http://127.0.0.1:1/' }));
  });

  it.each([
    [['--duration', '20s', '--speed', '4', '--rate', '0'], { duration: 20_000, speed: 4, rate: 0 }],
    [['--', '--duration=1m', '--view=log'], { duration: 60_000, view: 'log' }],
    [['-h'], { help: true }],
  ])('parses %j', (argv, expected) => {
    expect(parseOptions(argv, {}, true)).toEqual(expect.objectContaining(expected));
  });

  it.each([
    [['--port', '70000'], "--port must be a port number from 0 to 65535, got '70000'"],
    [['--duration', 'soon'], "--duration must be a time such as 30s, 2m or 500ms, got 'soon'"],
    [['--speed', '0'], "--speed must be a number from 0.1 to 20, got '0'"],
    [['--view', 'fancy'], "--view must be 'live' or 'log', got 'fancy'"],
    [['--colour'], '--colour needs a value'],
    [['--colour', 'on'], 'unknown option --colour'],
    [['3000'], "unexpected argument '3000'"],
  ])('rejects %j', (argv, message) => {
    expect(() => parseOptions(argv, {}, true)).toThrow(new UsageError(message));
  });

  it('rejects a bad PORT', () => {
    expect(() => parseOptions([], { PORT: 'http' }, true)).toThrow(
      "PORT must be a port number from 0 to 65535, got 'http'",
    );
  });

  it.each([
    ['500ms', 500],
    ['1.5s', 1_500],
    ['90', 90_000],
    ['2m', 120_000],
    ['1h', 3_600_000],
  ])('parseDuration(%j) is %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });
});

describe('Schedule', () => {
  const cycle = [
    { phase: 'healthy', duration: 6_000 },
    { phase: 'failing', duration: 10_000 },
    { phase: 'slow', duration: 8_000 },
    { phase: 'recovering', duration: 8_000 },
  ] as const;

  it.each([
    [0, 'healthy', 0],
    [5_999, 'healthy', 5_999 / 6_000],
    [6_000, 'failing', 0],
    [20_000, 'slow', 0.5],
    [31_000, 'recovering', 7 / 8],
    [32_000, 'healthy', 0],
  ])('at %d ms (speed 1) is %s, %d of the way through', (elapsed, phase, progress) => {
    const at = new Schedule(cycle, 1_000, 1).at(1_000 + elapsed);
    expect(at.phase).toBe(phase);
    expect(at.progress).toBeCloseTo(progress, 9);
  });

  it('runs `speed` times faster, and says when the phase ends in real time', () => {
    const at = new Schedule(cycle, 0, 4).at(2_000); // 8 s into the cycle: failing, 8 s left
    expect(at).toEqual({ phase: 'failing', progress: 0.2, endsAt: 4_000 });
  });

  it('recovers gradually: fewer errors and less latency as the phase goes on', () => {
    const start = behaviour('recovering', 0);
    const end = behaviour('recovering', 1);
    expect(start.errorRate).toBeGreaterThan(end.errorRate);
    expect(start.latency[1]).toBeGreaterThan(end.latency[1]);
    expect(end).toEqual(behaviour('healthy', 0));
  });
});

describe('retryAfterSeconds', () => {
  it.each([
    [2_500, 3],
    [1, 1],
    [0, 1],
    [30_000, 30],
  ])('rounds %d ms up to %d s (at least 1)', (ms, seconds) => {
    expect(retryAfterSeconds(ms)).toBe(seconds);
  });

  it('hints 1 s in half_open (no retry time) and nothing when no one knows (Infinity)', () => {
    expect(retryAfterSeconds(undefined)).toBe(1);
    expect(retryAfterSeconds(Infinity)).toBeUndefined();
  });
});

describe('the terminal table', () => {
  const circuits = createCircuits(1, []);
  const snapshot: DemoSnapshot = {
    now: 10_000,
    startedAt: 0,
    speed: 1,
    breakers: circuits.map((c, i) => ({
      name: c.name,
      state: (['closed', 'open', 'half_open'] as const)[i]!,
      changedAt: 7_500,
      retryAt: i === 1 ? 12_000 : null,
      reopens: 0,
      consecutiveFailures: 0,
      metrics: {
        totalCount: 20,
        failureCount: 11,
        totalDuration: 400,
        failureRate: 0.55,
        avgDuration: 20,
        slowCounts: {},
      },
      route: c.route,
      policy: c.policy,
      downstream: { url: 'http://127.0.0.1:1/', phase: 'failing', phaseEndsAt: 14_000 },
      calls: { success: 9, failure: 11, ignored: 0, not_permitted: 5 },
      saved: 5,
      transitions: [],
    })),
  };
  const recorder = new Recorder(new Map(), () => false);

  it('has a row per circuit with its state, window, calls and downstream phase', () => {
    const lines = renderTable(
      snapshot,
      { url: 'http://127.0.0.1:3000', speed: 1, rate: 20 },
      recorder.recent(8),
      { colour: false },
      200,
    );
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^payment_api +closed +2.5 s +55% of 20 +25 +9 +11 +5 +failing \(4 s left\)$/,
        ),
        expect.stringMatching(/^search_api +open +2.5 s /),
        expect.stringMatching(/^shipping_api +half_open +2.5 s /),
        '  none yet: the downstreams start healthy',
      ]),
    );
  });

  it('fits the terminal: no line wider than asked, colours included', () => {
    const lines = renderTable(
      snapshot,
      { url: 'http://127.0.0.1:3000', speed: 1, rate: 20 },
      [],
      { colour: true },
      60,
    );
    // eslint-disable-next-line no-control-regex -- ANSI colour codes
    const visible = (line: string) => line.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');
    for (const line of lines) expect(visible(line).length).toBeLessThanOrEqual(60);
    expect(lines.some((line) => line.includes('\x1b[1;31mopen\x1b[0m'))).toBe(true);
  });

  it('truncate cuts to the width with an ellipsis and closes an open colour', () => {
    expect(truncate('abcdef', 4)).toBe('abc…');
    expect(truncate('abc', 4)).toBe('abc');
    expect(truncate('\x1b[31mabcdef\x1b[0m', 4)).toBe('\x1b[31mabc…\x1b[0m');
  });
});
