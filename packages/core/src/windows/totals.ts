import type { Metric } from '../types.js';
import { MetricSnapshot } from './metric-snapshot.js';

// Internal: the running totals both built-in windows keep, and the protocol the breaker uses to
// record into them and read them without allocating on every call.

/** Records one call: `(success, duration, timestamp, slowAt)`, what `record()` takes, unboxed. */
export const ADD = Symbol('add');
/** Brings the window to `now` and returns its {@link Totals}: a live view, valid until the next call. */
export const LIVE = Symbol('live');

/**
 * A window the breaker may drive through {@link ADD} and {@link LIVE}: one of the built-in
 * windows, not a subclass (a subclass may override `record` or `metric`, and must be called).
 */
export interface BuiltInWindow {
  [ADD](success: boolean, duration: number, timestamp: number, slowAt: readonly number[]): void;
  [LIVE](now: number): Metric;
}

/** Whether `window` is a built-in window itself (see {@link BuiltInWindow}). */
export function isBuiltIn(window: object): window is BuiltInWindow {
  return Object.prototype.hasOwnProperty.call(Object.getPrototypeOf(window), LIVE);
}

/**
 * The running totals of a window (count, failures, summed duration, slow calls per learned
 * threshold), readable as a {@link Metric} that follows them. `snapshot()` freezes them into the
 * immutable Metric that `Window.metric()` returns.
 *
 * @internal
 */
export class Totals implements Metric {
  count = 0;
  failures = 0;
  // Neumaier-compensated sum, so that millions of add/subtract pairs of fractional durations do
  // not drift.
  sum = 0;
  compensation = 0;
  /** Learned thresholds, append-only (snapshots share it), and the running count of each. */
  readonly thresholds: number[] = [];
  readonly slow: number[] = [];

  get totalCount(): number {
    return this.count;
  }

  get failureCount(): number {
    return this.failures;
  }

  get totalDuration(): number {
    return this.count === 0 ? 0 : this.sum + this.compensation;
  }

  get failureRate(): number | undefined {
    return this.count === 0 ? undefined : this.failures / this.count;
  }

  get avgDuration(): number | undefined {
    return this.count === 0 ? undefined : (this.sum + this.compensation) / this.count;
  }

  get slowCounts(): ReadonlyMap<number, number> {
    return this.snapshot().slowCounts;
  }

  slowRate(threshold: number): number | undefined {
    if (this.count === 0) return undefined;
    const i = this.thresholds.indexOf(threshold);
    return i === -1 ? 0 : (this.slow[i] as number) / this.count;
  }

  addDuration(value: number): void {
    const sum = this.sum;
    const total = sum + value;
    this.compensation +=
      Math.abs(sum) >= Math.abs(value) ? sum - total + value : value - total + sum;
    this.sum = total;
  }

  /** Index of a threshold learned now. */
  learn(threshold: number): number {
    this.slow.push(0);
    return this.thresholds.push(threshold) - 1;
  }

  clear(): void {
    this.count = 0;
    this.failures = 0;
    this.sum = 0;
    this.compensation = 0;
    this.slow.fill(0);
  }

  snapshot(): Metric {
    return new MetricSnapshot(
      this.count,
      this.failures,
      this.totalDuration,
      this.thresholds,
      this.slow.length === 0 ? undefined : this.slow.slice(),
    );
  }
}
