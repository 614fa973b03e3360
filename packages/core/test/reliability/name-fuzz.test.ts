/**
 * Circuit names of every kind (test-support/circuit-names.ts: any Unicode, lone surrogates,
 * quotes, backslashes, control characters, forged lines, 10 000 to 100 000 characters) through
 * LogListener on a real breaker, for every kind of transition: exactly one logger call per
 * signal, at the state's level, with the exact line the listener documents (the name escaped as
 * in `support/log-line.ts`), never more than one line, well-formed, and the name read back from
 * it exactly. Nothing reaches onListenerError.
 *
 * Replay: FC_SEED=<seed> FC_PATH=<path> npx jest packages/core/test/reliability/name-fuzz;
 * FC_NUM_RUNS sets the runs (default 300).
 */
import fc from 'fast-check';
import { CircuitBreaker, type State } from '@fluxgate/core';
import { LogListener, type LogLevel, type Logger } from '@fluxgate/core/listeners';
import { All } from '@fluxgate/core/permits';
import { Cooldown } from '@fluxgate/core/retries';
import { FailureStreak } from '@fluxgate/core/trippers';
import {
  NOTABLE_NAMES,
  circuitName,
  describeName,
  fuzzParameters,
} from '../../../../test-support/circuit-names';
import { FakeClock } from '../support/fake-clock';
import {
  DEFAULT_LEVELS,
  hasControl,
  hasLineBreak,
  isWellFormed,
  loggedName,
  parseLogLine,
} from './support/log-line';

const SEED = 20_240_611;
const RUNS = 300;

/** One logger call: the method and every argument it was given. */
type Written = [LogLevel, ...unknown[]];

function recordingLogger(): Logger & { readonly calls: Written[] } {
  const calls: Written[] = [];
  const write =
    (level: LogLevel) =>
    (...args: unknown[]): void =>
      void calls.push([level, ...args]);
  return {
    calls,
    debug: write('debug'),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
  };
}

/** Every transition `drive` makes, in order: each automatic one, and each manual one. */
const TRANSITIONS: ReadonlyArray<readonly [State, State]> = [
  ['closed', 'open'],
  ['open', 'half_open'],
  ['half_open', 'open'],
  ['open', 'half_open'],
  ['half_open', 'closed'],
  ['closed', 'metrics_only'],
  ['metrics_only', 'disabled'],
  ['disabled', 'forced_open'],
  ['forced_open', 'closed'],
];

/** Takes a breaker (one failure opens it, 1 s open, one success closes it) through them. */
function drive(breaker: CircuitBreaker, clock: FakeClock): void {
  const fail = (): void => {
    try {
      breaker.call(() => {
        throw new Error('down');
      });
    } catch {
      // the failure itself is what the test wants
    }
  };
  fail(); // closed → open
  clock.advance(1_000);
  fail(); // open → half_open → open
  clock.advance(1_000);
  breaker.call(() => 'ok'); // open → half_open → closed
  breaker.metricsOnly();
  breaker.disable();
  breaker.forceOpen();
  breaker.reset();
}

/** A breaker named `name` that opens on one failure, with the given listeners. */
function breakerNamed(
  name: string,
  clock: FakeClock,
  listeners: ConstructorParameters<typeof CircuitBreaker>[0]['listeners'],
  onListenerError?: (error: unknown) => void,
): CircuitBreaker {
  return new CircuitBreaker({
    name,
    clock,
    tripper: new FailureStreak(1),
    retry: new Cooldown(1_000),
    permit: new All(),
    listeners,
    ...(onListenerError && { onListenerError }),
  });
}

/** The `[level, line]` LogListener writes for each of the TRANSITIONS of a breaker named `name`. */
function expectedLines(name: string): [LogLevel, string][] {
  const shown = loggedName(name);
  return TRANSITIONS.map(([from, to]) => [
    DEFAULT_LEVELS[to],
    `Circuit breaker '${shown}' transitioned from ${from} to ${to}`,
  ]);
}

/** How many runs had names of each kind: none of them may be missing. */
const seen = { escaped: 0, lineBreak: 0, loneSurrogate: 0, quote: 0, long: 0 };

function checkName(name: string): void {
  const logger = recordingLogger();
  const clock = new FakeClock();
  const errors: unknown[] = [];
  const signals: [State, State][] = [];
  const breaker = breakerNamed(
    name,
    clock,
    [new LogListener({ logger }), (s) => void signals.push([s.oldState, s.newState])],
    (error) => void errors.push(error),
  );
  drive(breaker, clock);

  expect(errors).toEqual([]);
  expect(signals).toEqual(TRANSITIONS);
  expect(logger.calls).toEqual(expectedLines(name));
  // Every line is the expected one, so checking one of them checks them all.
  const line = logger.calls[0]![1] as string;
  expect(hasLineBreak(line)).toBe(false);
  expect(hasControl(line)).toBe(false);
  expect(isWellFormed(line)).toBe(true);
  expect(parseLogLine(line)).toEqual({ name, oldState: 'closed', newState: 'open' });

  if (loggedName(name) !== name) seen.escaped++;
  if (hasLineBreak(name)) seen.lineBreak++;
  if (!isWellFormed(name)) seen.loneSurrogate++;
  if (/['"`]/.test(name)) seen.quote++;
  if (name.length >= 10_000) seen.long++;
}

describe('circuit names in LogListener lines', () => {
  it.each(NOTABLE_NAMES.map((name) => [describeName(name), name]))(
    '%s: one line per signal, escaped as documented, read back exactly',
    (_label, name) => {
      checkName(name);
    },
  );

  it('any name: one line per signal, escaped as documented, read back exactly', () => {
    for (const kind of Object.keys(seen)) seen[kind as keyof typeof seen] = 0;
    fc.assert(fc.property(circuitName(), checkName), fuzzParameters(SEED, RUNS));
    if (process.env.FLUXGATE_REPORT) console.log(JSON.stringify(seen));
    // Not vacuous: every kind of name the escaping is about came up.
    for (const count of Object.values(seen)) expect(count).toBeGreaterThan(0);
  });

  it('the default logger (console) gets exactly one call per signal, with the one-line text', () => {
    const calls: Written[] = [];
    const spies = (['debug', 'info', 'warn', 'error'] as const).map((level) =>
      jest
        .spyOn(console, level)
        .mockImplementation((...args: unknown[]) => void calls.push([level, ...args])),
    );
    try {
      fc.assert(
        fc.property(circuitName({ long: 0 }), (name) => {
          calls.length = 0;
          const clock = new FakeClock();
          drive(breakerNamed(name, clock, [new LogListener()]), clock);
          expect(calls).toEqual(expectedLines(name));
        }),
        fuzzParameters(SEED + 1, 100),
      );
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
  });
});
