/**
 * A listener that keeps what the terminal, the page and the summary show: every transition
 * with the reason for it, and each circuit's calls by outcome.
 */
import type {
  BreakerView,
  CallEvent,
  CircuitBreakerInfo,
  Listener,
  Metric,
  Signal,
  State,
} from '@fluxgate/core';
import { formatMs, percent } from './circuits.js';

export interface TransitionRecord {
  circuit: string;
  from: State;
  to: State;
  /** When, in milliseconds since the epoch. */
  at: number;
  /** Why, in words: "failure rate 60% over the last 20 calls", "probe failed"... */
  reason: string;
}

export interface CallCounts {
  success: number;
  failure: number;
  ignored: number;
  not_permitted: number;
}

/** Explains a trip from closed to open, per circuit (its policy knows what counts). */
export type TripExplainer = (metric: Metric, info: CircuitBreakerInfo) => string;

/** How many transitions per circuit the recorder keeps (the counts cover them all). */
export const HISTORY = 100;

export class Recorder implements Listener {
  /** Transitions so far per circuit and kind (`closed → open`...), since the start. */
  readonly transitionCounts = new Map<string, Map<string, number>>();
  readonly calls = new Map<string, CallCounts>();
  /** Rejected calls that were refused while their downstream was failing or slow. */
  readonly saved = new Map<string, number>();

  private readonly breakers = new Map<string, BreakerView>();
  private readonly history = new Map<string, TransitionRecord[]>();

  constructor(
    private readonly explainers: ReadonlyMap<string, TripExplainer>,
    /** Whether the circuit's downstream is failing or slow right now. */
    private readonly downstreamUnhealthy: (circuit: string) => boolean,
  ) {}

  onAttach(breaker: BreakerView): void {
    this.breakers.set(breaker.name, breaker);
    this.calls.set(breaker.name, { success: 0, failure: 0, ignored: 0, not_permitted: 0 });
    this.saved.set(breaker.name, 0);
  }

  onCall(event: CallEvent): void {
    const counts = this.calls.get(event.circuitName);
    if (counts) counts[event.outcome]++;
    if (event.outcome === 'not_permitted' && this.downstreamUnhealthy(event.circuitName)) {
      this.saved.set(event.circuitName, (this.saved.get(event.circuitName) ?? 0) + 1);
    }
  }

  onTransition(signal: Signal): void {
    const { circuitName: circuit, oldState: from, newState: to, timestamp: at } = signal;
    const record = { circuit, from, to, at, reason: this.reason(signal) };
    const history = this.history.get(circuit) ?? [];
    history.push(record);
    if (history.length > HISTORY) history.shift();
    this.history.set(circuit, history);
    const counts = this.transitionCounts.get(circuit) ?? new Map<string, number>();
    const kind = `${from} → ${to}`;
    counts.set(kind, (counts.get(kind) ?? 0) + 1);
    this.transitionCounts.set(circuit, counts);
  }

  /** The last {@link HISTORY} transitions of one circuit, oldest first. */
  of(circuit: string): TransitionRecord[] {
    return [...(this.history.get(circuit) ?? [])];
  }

  /** The last `count` transitions of every circuit, oldest first. */
  recent(count: number): TransitionRecord[] {
    return [...this.history.values()]
      .flat()
      .sort((a, b) => a.at - b.at)
      .slice(-count);
  }

  private reason(signal: Signal): string {
    const { circuitName, oldState, newState, metric, timestamp } = signal;
    const info = this.breakers.get(circuitName)?.info();
    const previous = this.of(circuitName).at(-1);
    const since = previous ? timestamp - previous.at : undefined;
    const nextWait =
      info?.retryAt !== undefined && Number.isFinite(info.retryAt)
        ? `, next probe in ${formatMs(info.retryAt - timestamp)}`
        : '';
    if (oldState === 'closed' && newState === 'open' && info) {
      const explain = this.explainers.get(circuitName);
      return (explain ? explain(metric, info) : 'tripped') + nextWait;
    }
    if (oldState === 'open' && newState === 'half_open') {
      return since === undefined ? 'probing' : `probing after ${formatMs(since)} open`;
    }
    if (oldState === 'half_open' && newState === 'open') {
      const what = metric.failureCount > 0 ? 'probe failed' : 'probe too slow';
      return `${what}, reopen #${info?.reopens ?? '?'}${nextWait}`;
    }
    if (oldState === 'half_open' && newState === 'closed') {
      return `recovered: ${metric.totalCount} probe${metric.totalCount === 1 ? '' : 's'}, failure rate ${percent(metric.failureRate)}`;
    }
    return 'manual';
  }
}
