/**
 * What the fuzzer found in @fluxgate/core, one regression test per finding (see
 * docs/reliability.md). Each failed before its fix.
 */
import { CallNotPermittedError, CircuitBreaker } from '@fluxgate/core';
import { LogListener } from '@fluxgate/core/listeners';
import { MinRequests } from '@fluxgate/core/trippers';
import { CountWindow, TimeWindow } from '@fluxgate/core/windows';

function thrownBy(f: () => unknown): Error {
  try {
    f();
  } catch (error) {
    return error as Error;
  }
  throw new Error('nothing was thrown');
}

describe('fuzz findings', () => {
  it('a revoked proxy passed as a number is rejected with a TypeError naming the parameter (the message builder threw)', () => {
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    const error = thrownBy(() => new MinRequests(proxy as never));
    expect(error).toBeInstanceOf(TypeError);
    expect(error.message).toBe('count must be an integer >= 1, got [object Object]');
    const name = thrownBy(() => new CircuitBreaker({ name: proxy as never }));
    expect(name.message).toBe('name must be a non-empty string, got [object Object]');
  });

  it.each([
    [
      'CountWindow(2 ** 40)',
      () => new CountWindow(2 ** 40),
      'size is too large to allocate, got 1099511627776',
    ],
    [
      'CountWindow(Number.MAX_SAFE_INTEGER)',
      () => new CountWindow(Number.MAX_SAFE_INTEGER),
      'size is too large to allocate, got 9007199254740991',
    ],
    [
      'TimeWindow(1e12, { bucket: 1 })',
      () => new TimeWindow(1e12, { bucket: 1 }),
      'size is too large to allocate, got 1000000000000',
    ],
  ])(
    '%s: a valid size too large to allocate is a RangeError naming size',
    (_label, build, message) => {
      const error = thrownBy(build);
      expect(error).toBeInstanceOf(RangeError);
      expect(error.message).toBe(message);
      expect(error.cause).toBeDefined();
    },
  );

  it.each([5, true, 'warn', () => ({ open: 'debug' }), Symbol('levels')])(
    'LogListener({ levels: %p }) is a TypeError naming levels (it was silently ignored)',
    (levels) => {
      const error = thrownBy(() => new LogListener({ levels: levels as never }));
      expect(error).toBeInstanceOf(TypeError);
      expect(error.message).toMatch(/^levels must be an object, got /);
    },
  );

  it('LogListener({ levels: null }) keeps the defaults, as undefined does', () => {
    const lines: string[] = [];
    const log = (m: string) => void lines.push(m);
    const logger = { debug: log, info: log, warn: log, error: log };
    expect(() => new LogListener({ logger, levels: null as never })).not.toThrow();
  });

  it.each<[string, unknown[], string, typeof TypeError]>([
    [
      'a symbol name',
      [Symbol('x'), 'open'],
      'circuitName must be a string, got Symbol(x)',
      TypeError,
    ],
    [
      'a null-prototype name',
      [Object.create(null), 'open'],
      'circuitName must be a string, got [object Object]',
      TypeError,
    ],
    ['a number name', [5, 'open'], 'circuitName must be a string, got 5', TypeError],
    [
      'an unknown state',
      ['a', 'opened'],
      'state must be one of closed, open, half_open, metrics_only, disabled, forced_open, got "opened"',
      RangeError,
    ],
    [
      'a state that is no string',
      ['a', 1],
      'state must be one of closed, open, half_open, metrics_only, disabled, forced_open, got 1',
      TypeError,
    ],
    [
      'a NaN retryAfter',
      ['a', 'open', NaN],
      'retryAfter must be a number >= 0 or undefined, got NaN',
      RangeError,
    ],
    [
      'a negative retryAfter',
      ['a', 'open', -1],
      'retryAfter must be a number >= 0 or undefined, got -1',
      RangeError,
    ],
    [
      'a string retryAfter',
      ['a', 'open', '5'],
      'retryAfter must be a number >= 0 or undefined, got "5"',
      TypeError,
    ],
    [
      'a BigInt retryAfter',
      ['a', 'open', 5n],
      'retryAfter must be a number >= 0 or undefined, got 5',
      TypeError,
    ],
  ])(
    'new CallNotPermittedError with %s is refused, naming the argument (it crashed or wrote "retry after NaN ms")',
    (_label, args, message, E) => {
      const error = thrownBy(
        () =>
          new CallNotPermittedError(
            ...(args as ConstructorParameters<typeof CallNotPermittedError>),
          ),
      );
      expect(error).toBeInstanceOf(E);
      expect(error.message).toBe(message);
    },
  );

  it('new CallNotPermittedError still takes every state, an empty name, 0 and Infinity', () => {
    expect(new CallNotPermittedError('', 'closed').message).toBe(
      "Circuit breaker '' is closed; call not permitted",
    );
    expect(new CallNotPermittedError('a', 'open', 0).message).toBe(
      "Circuit breaker 'a' is open; call not permitted, retry after 0 ms",
    );
    expect(new CallNotPermittedError('a', 'open', Infinity).retryAfter).toBe(Infinity);
  });

  it('a circuit name with a newline, CR, NEL, U+2028 or a lone surrogate no longer forges or breaks a LogListener line', () => {
    const lines: string[] = [];
    const log = (m: string) => void lines.push(m);
    const logger = { debug: log, info: log, warn: log, error: log };
    const name = "x' transitioned from open to closed\r\nCircuit breaker 'y\u0085\u2028\ud800";
    new CircuitBreaker({ name, listeners: [new LogListener({ logger })] }).forceOpen();
    expect(lines).toEqual([
      "Circuit breaker 'x' transitioned from open to closed\\r\\nCircuit breaker 'y\\u0085\\u2028\\ud800' transitioned from closed to forced_open",
    ]);
  });
});
