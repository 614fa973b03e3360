import { CircuitBreaker, State, type Signal } from '@fluxgate/core';
import { LogListener, type LogLevel, type Logger } from '@fluxgate/core/listeners';
import { All as AllowAll } from '@fluxgate/core/permits';
import { Cooldown } from '@fluxgate/core/retries';
import { CountWindow } from '@fluxgate/core/windows';
import { FailureStreak } from '@fluxgate/core/trippers';
import { FakeClock } from '../support/fake-clock';

/** A logger that keeps each line with the level it was written at. */
class MemoryLogger implements Logger {
  readonly lines: [LogLevel, string][] = [];
  debug(message: string): void {
    this.lines.push(['debug', message]);
  }
  info(message: string): void {
    this.lines.push(['info', message]);
  }
  warn(message: string): void {
    this.lines.push(['warn', message]);
  }
  error(message: string): void {
    this.lines.push(['error', message]);
  }
}

function signal(oldState: State, newState: State, circuitName = 'payment_api'): Signal {
  return {
    circuitName,
    oldState,
    newState,
    timestamp: 1_000_000,
    metric: new CountWindow(1).metric(1_000_000),
  };
}

/** Every state but `newState`, as the state left. */
function from(newState: State): State {
  return newState === State.CLOSED ? State.OPEN : State.CLOSED;
}

describe('LogListener', () => {
  it("writes exactly `Circuit breaker 'payment_api' transitioned from closed to open`", () => {
    const logger = new MemoryLogger();
    new LogListener({ logger }).onTransition(signal('closed', 'open'));
    expect(logger.lines).toEqual([
      ['warn', "Circuit breaker 'payment_api' transitioned from closed to open"],
    ]);
  });

  it.each<[State, LogLevel]>([
    ['closed', 'info'],
    ['open', 'warn'],
    ['half_open', 'info'],
    ['metrics_only', 'info'],
    ['disabled', 'info'],
    ['forced_open', 'warn'],
  ])('with the default levels, a transition to %s is written at %s', (newState, level) => {
    const logger = new MemoryLogger();
    const oldState = from(newState);
    new LogListener({ logger }).onTransition(signal(oldState, newState));
    expect(logger.lines).toEqual([
      [level, `Circuit breaker 'payment_api' transitioned from ${oldState} to ${newState}`],
    ]);
  });

  it('the table above covers every state', () => {
    expect([...State.ALL]).toEqual([
      'closed',
      'open',
      'half_open',
      'metrics_only',
      'disabled',
      'forced_open',
    ]);
  });

  it('writes one line per transition of a real breaker, for every transition type', () => {
    const clock = new FakeClock();
    const logger = new MemoryLogger();
    const breaker = new CircuitBreaker({
      name: 'payment_api',
      tripper: new FailureStreak(1),
      retry: new Cooldown(1_000),
      permit: new AllowAll(),
      closeAfter: 2,
      clock,
      listeners: [new LogListener({ logger })],
    });
    const fail = (): never => {
      throw new Error('down');
    };
    expect(() => breaker.call(fail)).toThrow('down'); // closed → open
    clock.advance(1_000);
    expect(() => breaker.call(fail)).toThrow('down'); // open → half_open → open
    clock.advance(1_000);
    breaker.call(() => 1); // open → half_open
    breaker.call(() => 2); // half_open → closed
    breaker.metricsOnly();
    breaker.disable();
    breaker.forceOpen();
    breaker.reset();
    breaker.reset(); // to the current state: no signal, no line

    const line = (a: State, b: State) =>
      `Circuit breaker 'payment_api' transitioned from ${a} to ${b}`;
    expect(logger.lines).toEqual([
      ['warn', line('closed', 'open')],
      ['info', line('open', 'half_open')],
      ['warn', line('half_open', 'open')],
      ['info', line('open', 'half_open')],
      ['info', line('half_open', 'closed')],
      ['info', line('closed', 'metrics_only')],
      ['info', line('metrics_only', 'disabled')],
      ['warn', line('disabled', 'forced_open')],
      ['info', line('forced_open', 'closed')],
    ]);
  });

  it('merges `levels` over the defaults', () => {
    const logger = new MemoryLogger();
    const listener = new LogListener({ logger, levels: { half_open: 'debug', open: 'error' } });
    for (const newState of State.ALL) listener.onTransition(signal(from(newState), newState));
    expect(logger.lines.map(([level]) => level)).toEqual([
      'info', // closed: default
      'error', // open: overridden
      'debug', // half_open: overridden
      'info', // metrics_only: default
      'info', // disabled: default
      'warn', // forced_open: default
    ]);
  });

  it('names the circuit of each signal', () => {
    const logger = new MemoryLogger();
    const listener = new LogListener({ logger });
    listener.onTransition(signal('closed', 'forced_open', 'inventory_api'));
    expect(logger.lines).toEqual([
      ['warn', "Circuit breaker 'inventory_api' transitioned from closed to forced_open"],
    ]);
  });

  it.each<[string, string, string]>([
    ['a plain name', 'payment_api', 'payment_api'],
    ['quotes and backticks', `it's "a" \`b\``, `it's "a" \`b\``],
    ['a backslash', 'C:\\svc', 'C:\\\\svc'],
    ['a newline, a carriage return, a tab', 'a\nb\rc\td', 'a\\nb\\rc\\td'],
    ['other C0 controls and DEL', '\u0000\u001b[31m\u007f', '\\u0000\\u001b[31m\\u007f'],
    ['C1 controls (NEL)', 'a\u0085b\u009f', 'a\\u0085b\\u009f'],
    ['the line and paragraph separators', 'a\u2028b\u2029c', 'a\\u2028b\\u2029c'],
    ['lone surrogates', 'a\ud800b\udfff', 'a\\ud800b\\udfff'],
    ['a surrogate pair, emoji, RTL', '💥 שלום', '💥 שלום'],
  ])('writes a name with %s on one line, escaped as documented', (_what, name, shown) => {
    const logger = new MemoryLogger();
    new LogListener({ logger }).onTransition(signal('closed', 'open', name));
    expect(logger.lines).toEqual([
      ['warn', `Circuit breaker '${shown}' transitioned from closed to open`],
    ]);
  });

  it('a name with a newline cannot forge a second line', () => {
    const logger = new MemoryLogger();
    const name = "x' transitioned from open to closed\nCircuit breaker 'payment_api";
    new LogListener({ logger }).onTransition(signal('closed', 'open', name));
    expect(logger.lines).toEqual([
      [
        'warn',
        "Circuit breaker 'x' transitioned from open to closed\\nCircuit breaker 'payment_api' transitioned from closed to open",
      ],
    ]);
  });

  it('works with any logger object that has debug/info/warn/error', () => {
    const written: string[] = [];
    const logger = {
      debug: (m: string) => void written.push(`D ${m}`),
      info: (m: string) => void written.push(`I ${m}`),
      warn: (m: string) => void written.push(`W ${m}`),
      error: (m: string) => void written.push(`E ${m}`),
      child: () => logger,
    };
    const listener = new LogListener({ logger, levels: { closed: 'error' } });
    listener.onTransition(signal('open', 'closed'));
    listener.onTransition(signal('closed', 'open'));
    expect(written).toEqual([
      "E Circuit breaker 'payment_api' transitioned from open to closed",
      "W Circuit breaker 'payment_api' transitioned from closed to open",
    ]);
  });

  it('calls the logger method on the logger, so class-based loggers keep `this`', () => {
    class PrefixLogger extends MemoryLogger {
      constructor(readonly prefix: string) {
        super();
      }
      override warn(message: string): void {
        super.warn(`${this.prefix} ${message}`);
      }
    }
    const logger = new PrefixLogger('[svc]');
    new LogListener({ logger }).onTransition(signal('closed', 'open'));
    expect(logger.lines).toEqual([
      ['warn', "[svc] Circuit breaker 'payment_api' transitioned from closed to open"],
    ]);
  });

  it.each(['constructor', 'toString', '__proto__', 'hasOwnProperty', 'closing'])(
    'a hand-made signal naming no state (%p) is written at info, like the states without a level of their own',
    (name) => {
      const logger = new MemoryLogger();
      new LogListener({ logger }).onTransition(signal(State.CLOSED, name as State));
      expect(logger.lines).toEqual([
        ['info', `Circuit breaker 'payment_api' transitioned from closed to ${name}`],
      ]);
    },
  );

  describe('with the default logger', () => {
    let warn: jest.SpyInstance<void, unknown[]>;
    let info: jest.SpyInstance<void, unknown[]>;
    beforeEach(() => {
      warn = jest.spyOn(console, 'warn').mockImplementation(() => {});
      info = jest.spyOn(console, 'info').mockImplementation(() => {});
    });
    afterEach(() => {
      warn.mockRestore();
      info.mockRestore();
    });

    it('writes to console', () => {
      const listener = new LogListener();
      listener.onTransition(signal('closed', 'open'));
      listener.onTransition(signal('open', 'half_open'));
      expect(warn.mock.calls).toEqual([
        ["Circuit breaker 'payment_api' transitioned from closed to open"],
      ]);
      expect(info.mock.calls).toEqual([
        ["Circuit breaker 'payment_api' transitioned from open to half_open"],
      ]);
    });
  });

  describe('validation', () => {
    function thrownBy(build: () => unknown): Error {
      try {
        build();
      } catch (error) {
        return error as Error;
      }
      throw new Error('expected the constructor to throw');
    }

    it.each(['debug', 'info', 'warn', 'error'] as const)(
      'rejects a logger missing %s with a TypeError naming `logger` and the method',
      (missing) => {
        const logger: Partial<Record<LogLevel, (m: string) => void>> = {
          debug() {},
          info() {},
          warn() {},
          error() {},
        };
        delete logger[missing];
        const error = thrownBy(() => new LogListener({ logger: logger as Logger }));
        expect(error).toBeInstanceOf(TypeError);
        expect(error.message).toContain('logger');
        expect(error.message).toContain(missing);
      },
    );

    it.each<[string, unknown]>([
      ['null', null],
      ['a string', 'console'],
      ['a method that is not a function', { debug() {}, info() {}, warn: 'loud', error() {} }],
    ])('rejects %s as the logger with a TypeError naming `logger`', (_label, logger) => {
      const error = thrownBy(() => new LogListener({ logger: logger as Logger }));
      expect(error).toBeInstanceOf(TypeError);
      expect(error.message).toContain('logger');
    });

    it('rejects an unknown state in `levels` with a RangeError naming it', () => {
      const levels = { opened: 'warn' } as unknown as Partial<Record<State, LogLevel>>;
      const error = thrownBy(() => new LogListener({ levels }));
      expect(error).toBeInstanceOf(RangeError);
      expect(error.message).toContain('levels');
      expect(error.message).toContain('opened');
    });

    it('keeps the default level for a state given as undefined', () => {
      const logger = new MemoryLogger();
      new LogListener({ logger, levels: { open: undefined, closed: 'debug' } }).onTransition(
        signal('closed', 'open'),
      );
      expect(logger.lines).toEqual([
        ['warn', "Circuit breaker 'payment_api' transitioned from closed to open"],
      ]);
    });

    it.each<unknown>(['fatal', 'WARN', 'log', 1, null, ''])(
      'rejects the level %p with a TypeError naming the state and the value',
      (level) => {
        const levels = { open: level } as unknown as Partial<Record<State, LogLevel>>;
        const error = thrownBy(() => new LogListener({ levels }));
        expect(error).toBeInstanceOf(TypeError);
        expect(error.message).toContain('levels.open');
        expect(error.message).toContain(String(level));
      },
    );

    it.each<unknown>([null, 42, 'console'])(
      'rejects the options %p with a TypeError',
      (options) => {
        const error = thrownBy(() => new LogListener(options as object));
        expect(error).toBeInstanceOf(TypeError);
        expect(error.message).toContain('options');
        expect(error.message).toContain(String(options));
      },
    );
  });
});
