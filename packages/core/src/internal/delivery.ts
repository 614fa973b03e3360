import type { AsyncCircuitBreaker } from '../async-circuit-breaker.js';
import type { CircuitBreaker } from '../circuit-breaker.js';
import type {
  CallEvent,
  Listener,
  ListenerErrorHandler,
  ListenerFunction,
  Signal,
} from '../types.js';
import { show } from './validate.js';

type Transition = (signal: Signal) => void | Promise<void>;

interface Entry {
  readonly listener: Listener | ListenerFunction;
  readonly transition: Transition;
  readonly onCall: ((event: CallEvent) => void) | undefined;
  /** The listener's unsettled promise; signals that arrive meanwhile wait in `queue`. */
  pending: Promise<void> | undefined;
  readonly queue: Signal[];
  detached: boolean;
}

/** A listener's class or function name, for error messages. */
export function listenerName(listener: Listener | ListenerFunction): string {
  if (typeof listener === 'function') return listener.name || 'anonymous function';
  const name = (listener as { constructor?: { name?: unknown } }).constructor?.name;
  return typeof name === 'string' && name !== '' ? name : show(listener);
}

/** The default `onListenerError`: one `console.error` line naming the circuit and the listener. */
export function defaultListenerErrorHandler(circuitName: string): ListenerErrorHandler {
  return (error, listener) => {
    const detail = error instanceof Error ? `${error.name}: ${error.message}` : show(error);
    console.error(
      `fluxgate: listener ${listenerName(listener)} of circuit breaker '${circuitName}' failed: ${detail}`,
    );
  };
}

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
 * signals in order. Signals raised while another is being delivered (a listener that resets the
 * breaker, say) are delivered after it, so every listener sees the same order. Failures go to
 * `onError`, never to the caller.
 */
export class Delivery {
  /** Copied on write, so a listener that attaches or detaches mid-delivery is safe. */
  private entries: readonly Entry[] = [];
  private callEntries: readonly Entry[] = [];
  private readonly pending = new Set<Entry>();
  private readonly backlog: Signal[] = [];
  private delivering = false;

  constructor(
    private readonly breaker: CircuitBreaker | AsyncCircuitBreaker,
    private readonly onError: ListenerErrorHandler,
  ) {}

  /** Whether any listener is attached: without one, the breaker skips building signals. */
  get active(): boolean {
    return this.entries.length > 0;
  }

  /** Whether any listener has `onCall`: without one, the breaker builds no call events. */
  get wantsCalls(): boolean {
    return this.callEntries.length > 0;
  }

  add(listener: Listener | ListenerFunction): () => void {
    const existing = this.entries.find((e) => e.listener === listener);
    if (existing) return () => this.remove(existing);
    const entry = toEntry(listener);
    this.entries = [...this.entries, entry];
    if (entry.onCall) this.callEntries = [...this.callEntries, entry];
    if (typeof listener === 'object' && typeof listener.onAttach === 'function') {
      try {
        listener.onAttach(this.breaker, {
          report: (error, cause) => {
            if (!entry.detached) this.report(error, entry, cause);
          },
        });
      } catch (error) {
        this.report(error, entry, undefined);
      }
    }
    return () => this.remove(entry);
  }

  private remove(entry: Entry): void {
    if (entry.detached) return;
    entry.detached = true;
    entry.queue.length = 0;
    this.entries = this.entries.filter((e) => e !== entry);
    this.callEntries = this.callEntries.filter((e) => e !== entry);
    const listener = entry.listener;
    if (typeof listener === 'object' && typeof listener.onDetach === 'function') {
      try {
        listener.onDetach(this.breaker);
      } catch (error) {
        this.report(error, entry, undefined);
      }
    }
  }

  transition(signal: Signal): void {
    if (this.delivering) {
      this.backlog.push(signal);
      return;
    }
    this.delivering = true;
    try {
      let next: Signal | undefined = signal;
      while (next !== undefined) {
        for (const entry of this.entries) this.send(entry, next);
        next = this.backlog.shift();
      }
    } finally {
      this.delivering = false;
    }
  }

  call(event: CallEvent): void {
    for (const entry of this.callEntries) {
      try {
        entry.onCall!(event);
      } catch (error) {
        this.report(error, entry, event);
      }
    }
  }

  async flush(): Promise<void> {
    for (;;) {
      while (this.pending.size > 0) {
        await Promise.all(Array.from(this.pending, (entry) => entry.pending));
      }
      const own = this.entries.filter((entry) => typeof ownFlush(entry.listener) === 'function');
      if (own.length === 0) return;
      await Promise.all(own.map((entry) => this.flushListener(entry)));
      // A listener's own flush may have let the breaker move on: wait for what that started.
      if (this.pending.size === 0) return;
    }
  }

  private async flushListener(entry: Entry): Promise<void> {
    try {
      await ownFlush(entry.listener)!.call(entry.listener);
    } catch (error) {
      this.report(error, entry, undefined);
    }
  }

  private send(entry: Entry, signal: Signal): void {
    if (entry.detached) return;
    if (entry.pending) entry.queue.push(signal);
    else this.invoke(entry, signal);
  }

  private invoke(entry: Entry, signal: Signal): void {
    let result: unknown;
    try {
      result = entry.transition(signal);
      // Inside the try: reading `then` runs a getter, which may throw too.
      if (!isThenable(result)) return;
    } catch (error) {
      this.report(error, entry, signal);
      return;
    }
    this.pending.add(entry);
    entry.pending = Promise.resolve(result).then(
      () => this.settled(entry),
      (error: unknown) => {
        this.report(error, entry, signal);
        this.settled(entry);
      },
    );
  }

  private settled(entry: Entry): void {
    entry.pending = undefined;
    this.pending.delete(entry);
    while (entry.pending === undefined && !entry.detached && entry.queue.length > 0) {
      this.invoke(entry, entry.queue.shift()!);
    }
  }

  private report(error: unknown, entry: Entry, cause: Signal | CallEvent | undefined): void {
    try {
      this.onError(error, entry.listener, cause);
    } catch {
      // The error handler itself failed: there is nowhere left to report to, and the call
      // must go on.
    }
  }
}

/** A listener's own `flush`, if it has one. */
function ownFlush(listener: Listener | ListenerFunction): (() => Promise<void>) | undefined {
  return typeof listener === 'object' && typeof listener.flush === 'function'
    ? listener.flush
    : undefined;
}

function toEntry(listener: Listener | ListenerFunction): Entry {
  if (typeof listener === 'function') {
    return {
      listener,
      transition: listener,
      onCall: undefined,
      pending: undefined,
      queue: [],
      detached: false,
    };
  }
  return {
    listener,
    transition: (signal) => listener.onTransition(signal),
    onCall: typeof listener.onCall === 'function' ? (event) => listener.onCall!(event) : undefined,
    pending: undefined,
    queue: [],
    detached: false,
  };
}
