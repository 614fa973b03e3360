import { State } from '../state.js';
import type { Listener, Signal } from '../types.js';
import { escapeName } from '../internal/escape.js';
import { fail, options as checkOptions } from '../internal/validate.js';

/** A log level `LogListener` writes at. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** Any logger with these four methods: console, pino, winston, bunyan... */
export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** Options of {@link LogListener}. */
export interface LogListenerOptions {
  /**
   * Where lines go.
   *
   * @defaultValue `console`
   */
  logger?: Logger;
  /**
   * The level per entered state, merged over the defaults.
   *
   * @defaultValue `warn` for open and forced_open, `info` for the others
   */
  levels?: Partial<Record<State, LogLevel>>;
}

const LEVELS: readonly string[] = ['debug', 'info', 'warn', 'error'];
const STATES: readonly string[] = State.ALL;

/**
 * Writes one line per transition:
 * `Circuit breaker 'payment_api' transitioned from closed to open`.
 *
 * The line is always a single line, so a circuit name cannot forge another one: in the name, a
 * backslash is written `\\`, a newline, carriage return or tab `\n`, `\r` or `\t`, any other
 * control character (U+0000 to U+001F, U+007F to U+009F), U+2028, U+2029 and a lone surrogate
 * `\uXXXX` (four lowercase hex digits), as in a JSON string. Everything else, quotes included, is
 * written as it is: the name is what lies between `Circuit breaker '` and the last
 * `' transitioned from `.
 *
 * @example
 * ```ts
 * import { AsyncCircuitBreaker } from '@fluxgate/core';
 * import { LogListener } from '@fluxgate/core/listeners';
 *
 * const breaker = new AsyncCircuitBreaker({
 *   name: 'payment_api',
 *   listeners: [new LogListener({ levels: { half_open: 'debug' } })],
 * });
 * ```
 */
export class LogListener implements Listener {
  readonly #logger: Logger;
  /**
   * The level of each state whose level is not `info`; without a prototype, so that a signal naming
   * no state (`'constructor'`, say) is logged at `info` too.
   */
  readonly #levels: Partial<Record<State, LogLevel>> = Object.assign(Object.create(null), {
    open: 'warn',
    forced_open: 'warn',
  });

  /**
   * @throws TypeError when `logger` lacks one of the four methods, or a level is not one of them;
   *   RangeError when `levels` names an unknown state
   */
  constructor(options?: LogListenerOptions) {
    const { logger = console, levels } = checkOptions('options', options);
    for (const level of LEVELS) {
      if (typeof (logger as unknown as Record<string, unknown> | null)?.[level] !== 'function') {
        fail('logger', `a Logger with a ${level}(message) method`, logger, TypeError);
      }
    }
    this.#logger = logger;
    // `null` keeps the defaults, as `undefined` does; a number, a boolean or a function is refused
    // (Object.entries() of one is [], which would hide the mistake).
    for (const [state, level] of Object.entries(checkOptions('levels', levels ?? {}))) {
      if (!STATES.includes(state))
        fail('levels', `keyed by ${STATES.join(', ')}`, state, RangeError);
      // `{ open: undefined }` type-checks as a Partial: it keeps the default.
      if (level === undefined) continue;
      if (!LEVELS.includes(level)) {
        fail(`levels.${state}`, `one of ${LEVELS.join(', ')}`, level, TypeError);
      }
      this.#levels[state as State] = level;
    }
  }

  /** Writes the line for `signal` at the level of its new state. */
  onTransition(signal: Signal): void {
    this.#logger[this.#levels[signal.newState] ?? 'info'](
      `Circuit breaker '${escapeName(signal.circuitName)}' transitioned from ${signal.oldState} to ${signal.newState}`,
    );
  }
}
