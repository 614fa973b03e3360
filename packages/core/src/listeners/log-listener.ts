import { State } from '../state.js';
import type { Listener, Signal } from '../types.js';
import { show } from '../internal/validate.js';

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

const DEFAULT_LEVELS: Readonly<Record<State, LogLevel>> = {
  closed: 'info',
  open: 'warn',
  half_open: 'info',
  metrics_only: 'info',
  disabled: 'info',
  forced_open: 'warn',
};

const LEVELS: readonly string[] = ['debug', 'info', 'warn', 'error'];

/**
 * Writes one line per transition:
 * `Circuit breaker 'payment_api' transitioned from closed to open`.
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
  private readonly logger: Logger;
  private readonly levels: Readonly<Record<State, LogLevel>>;

  /**
   * @throws TypeError when `logger` lacks one of the four methods, or a level is not one of them;
   *   RangeError when `levels` names an unknown state
   */
  constructor(options: LogListenerOptions = {}) {
    if (options === null || typeof options !== 'object') {
      throw new TypeError(`options must be an object, got ${show(options)}`);
    }
    const logger = options.logger === undefined ? console : options.logger;
    for (const level of LEVELS) {
      if (typeof (logger as unknown as Record<string, unknown> | null)?.[level] !== 'function') {
        throw new TypeError(`logger must have a ${level}(message) method, got ${show(logger)}`);
      }
    }
    this.logger = logger;
    const levels = { ...DEFAULT_LEVELS };
    const overrides: unknown = options.levels;
    // Object.entries() of a number, a boolean or a function is [], which would hide the mistake.
    if (overrides !== undefined && overrides !== null && typeof overrides !== 'object') {
      throw new TypeError(`levels must be an object, got ${show(overrides)}`);
    }
    for (const [state, level] of Object.entries(options.levels ?? {})) {
      if (!(State.ALL as readonly string[]).includes(state)) {
        throw new RangeError(`levels has an unknown state ${show(state)}`);
      }
      // `{ open: undefined }` type-checks as a Partial: it keeps the default.
      if (level === undefined) continue;
      if (!LEVELS.includes(level as string)) {
        throw new TypeError(
          `levels.${state} must be one of ${LEVELS.join(', ')}, got ${show(level)}`,
        );
      }
      levels[state as State] = level as LogLevel;
    }
    this.levels = levels;
  }

  /** Writes the line for `signal` at the level of its new state. */
  onTransition(signal: Signal): void {
    const line = `Circuit breaker '${signal.circuitName}' transitioned from ${signal.oldState} to ${signal.newState}`;
    this.logger[this.levels[signal.newState]](line);
  }
}
