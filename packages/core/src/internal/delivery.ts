import type { AsyncCircuitBreaker } from '../async-circuit-breaker.js';
import type { CircuitBreaker } from '../circuit-breaker.js';
import type {
  CallEvent,
  Listener,
  ListenerErrorHandler,
  ListenerFunction,
  Signal,
} from '../types.js';
import { escapeName } from './escape.js';
import { show } from './validate.js';

type AnyListener = Listener | ListenerFunction;

/**
 * The default `onListenerError`: one `console.error` line naming the circuit (escaped as
 * LogListener escapes it, so that the name stays on one line) and the listener.
 */
export function defaultListenerErrorHandler(circuitName: string): ListenerErrorHandler {
  return (error, listener) => {
    // Its class or function name.
    const name =
      typeof listener === 'function'
        ? listener.name || 'anonymous function'
        : (listener as { constructor?: { name?: unknown } }).constructor?.name;
    console.error(
      `fluxgate: listener ${typeof name === 'string' && name !== '' ? name : show(listener)} of circuit breaker '${escapeName(circuitName)}' failed: ${error instanceof Error ? `${error.name}: ${error.message}` : show(error)}`,
    );
  };
}

const nativeThen = Promise.prototype.then;

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

/**
 * Delivers one breaker's signals and call events to its listeners.
 *
 * Each listener's synchronous part runs at once, on the call path; a promise it returns is not
 * awaited there, but the next signal for that listener waits for it, so every listener sees its
 * signals in order. A signal raised while another is being delivered (a listener that resets the
 * breaker, say) reaches every listener after that one. Failures go to `onError`, never to the
 * caller.
 */
export class Delivery {
  readonly #breaker: CircuitBreaker | AsyncCircuitBreaker;
  readonly #onError: ListenerErrorHandler;
  /**
   * Each attached listener, in the order attached, with the signals not yet delivered to it,
   * oldest first. The first is the one being delivered: while the promise it returned is
   * pending, the others wait. A detached listener's queue is emptied, and a new one made if it
   * is attached again: a queue is the token of one attachment.
   */
  readonly #queues = new Map<AnyListener, Signal[]>();
  /** The listeners with `onCall`; copied on write, so one may detach mid-delivery. */
  #calls: readonly Listener[] = [];
  /** The deliveries under way: what `flush()` waits for. */
  readonly #pending = new Set<Promise<void>>();

  constructor(breaker: CircuitBreaker | AsyncCircuitBreaker, onError: ListenerErrorHandler) {
    this.#breaker = breaker;
    this.#onError = onError;
  }

  /** Whether any listener is attached: without one, the breaker skips building signals. */
  get active(): boolean {
    return this.#queues.size > 0;
  }

  /** Whether any listener has `onCall`: without one, the breaker builds no call events. */
  get wantsCalls(): boolean {
    return this.#calls.length > 0;
  }

  add(listener: AnyListener): () => void {
    const queue = this.#queues.get(listener) ?? this.#attach(listener);
    return () => {
      if (this.#queues.get(listener) !== queue) return;
      queue.length = 0;
      this.#queues.delete(listener);
      this.#calls = this.#calls.filter((l) => l !== listener);
      void this.#hook(listener, 'onDetach', this.#breaker);
    };
  }

  #attach(listener: AnyListener): Signal[] {
    const queue: Signal[] = [];
    this.#queues.set(listener, queue);
    if (typeof listener === 'object' && typeof listener.onCall === 'function') {
      this.#calls = [...this.#calls, listener];
    }
    void this.#hook(listener, 'onAttach', this.#breaker, {
      report: (error: unknown, cause?: Signal | CallEvent) => {
        if (this.#queues.get(listener) === queue) this.#report(error, listener, cause);
      },
    });
    return queue;
  }

  transition(signal: Signal): void {
    // Queued for every listener before any is called: a signal raised meanwhile (a listener that
    // resets the breaker, say) then queues behind this one everywhere. An idle listener (its
    // queue was empty) is called at once; a busy one when its turn comes. One detached meanwhile
    // has an empty queue, one attached meanwhile starts with the next signal.
    const idle = [...this.#queues].filter(([, queue]) => queue.push(signal) === 1);
    for (const [listener, queue] of idle) this.#drain(listener, queue);
  }

  call(event: CallEvent): void {
    for (const listener of this.#calls) {
      try {
        listener.onCall!(event);
      } catch (error) {
        this.#report(error, listener, event);
      }
    }
  }

  async flush(): Promise<void> {
    do {
      while (this.#pending.size > 0) await Promise.all(this.#pending);
      // A listener's own flush may let the breaker move on: the loop waits for what it started.
      await Promise.all(Array.from(this.#queues.keys(), (l) => this.#hook(l, 'flush')));
    } while (this.#pending.size > 0);
  }

  /** Delivers the queue in order, until a delivery returns a promise or none is left. */
  #drain(listener: AnyListener, queue: Signal[]): void {
    while (queue.length > 0) {
      const signal = queue[0]!;
      try {
        const result =
          typeof listener === 'function' ? listener(signal) : listener.onTransition(signal);
        // Inside the try: reading `then` runs a getter, and a promise's own `then` may throw too.
        if (isThenable(result)) {
          const next = (): void => {
            this.#pending.delete(done);
            queue.shift();
            this.#drain(listener, queue);
          };
          // The native `then`, not the promise's own: a promise whose `then` was replaced (by a
          // no-op, say) would otherwise leave `done` unset, and flush() would spin on it.
          const done = nativeThen.call(Promise.resolve(result), next, (error: unknown) => {
            this.#report(error, listener, signal);
            next();
          }) as Promise<void>;
          this.#pending.add(done);
          return;
        }
      } catch (error) {
        this.#report(error, listener, signal);
      }
      queue.shift();
    }
  }

  /** Calls the listener's optional method `name`; a throw or a rejection goes to `onError`. */
  async #hook(
    listener: AnyListener,
    name: 'onAttach' | 'onDetach' | 'flush',
    ...args: unknown[]
  ): Promise<void> {
    const l = listener as unknown as Record<string, (...args: unknown[]) => unknown>;
    try {
      if (typeof l === 'object' && typeof l[name] === 'function') await l[name](...args);
    } catch (error) {
      this.#report(error, listener);
    }
  }

  #report(error: unknown, listener: AnyListener, cause?: Signal | CallEvent): void {
    try {
      this.#onError(error, listener, cause);
    } catch {
      // The error handler itself failed: there is nowhere left to report to, and the call
      // must go on.
    }
  }
}
