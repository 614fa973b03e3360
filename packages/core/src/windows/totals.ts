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
 * {@link LIVE} returns the same totals for the window's whole life, and after
 * `[ADD](…, timestamp, …)` they are already current for `timestamp`: the breaker reads them
 * after a call without asking again.
 */
export interface BuiltInWindow {
  [ADD](success: boolean, duration: number, timestamp: number, slowAt: readonly number[]): void;
  [LIVE](now: number): Metric;
}

/** Whether `window` is a built-in window itself (see {@link BuiltInWindow}). */
export function isBuiltIn(window: object): window is BuiltInWindow {
  return Object.prototype.hasOwnProperty.call(Object.getPrototypeOf(window), LIVE);
}

/** `(x & WHOLE) === x` holds for the whole numbers 0 to 2^20 - 1 (and -0), for nothing else. */
const WHOLE = 0xfffff;

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
  // The summed duration, in two parts that never drift however many calls come and go:
  // - `whole`: durations that are whole numbers below 2^20 (what `Date.now()` gives, up to about
  //   17 minutes), summed exactly as long as the sum stays below 2^53, that is for 2^33 of them;
  // - `sum` + `compensation`: every other duration, Neumaier-compensated, so that millions of
  //   add/subtract pairs of fractional durations do not drift.
  whole = 0;
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
    return this.count === 0 ? 0 : this.whole + (this.sum + this.compensation);
  }

  get failureRate(): number | undefined {
    return this.count === 0 ? undefined : this.failures / this.count;
  }

  get avgDuration(): number | undefined {
    return this.count === 0
      ? undefined
      : (this.whole + (this.sum + this.compensation)) / this.count;
  }

  get slowCounts(): ReadonlyMap<number, number> {
    return this.snapshot().slowCounts;
  }

  slowRate(threshold: number): number | undefined {
    if (this.count === 0) return undefined;
    const i = this.thresholds.indexOf(threshold);
    return i === -1 ? 0 : (this.slow[i] as number) / this.count;
  }

  /** Counts one more call, `failed` (0 or 1), that took `duration`. */
  add(failed: number, duration: number): void {
    this.count++;
    this.failures += failed;
    this.addDuration(duration);
  }

  /** Adds a call's duration to the summed duration. */
  addDuration(value: number): void {
    if ((value & WHOLE) === value) this.whole += value;
    else this.compensated(value);
  }

  /** Takes out a duration added before, from the same part of the sum it went into. */
  removeDuration(value: number): void {
    if ((value & WHOLE) === value) this.whole -= value;
    else this.compensated(-value);
  }

  /** Takes `old` out of the summed duration and puts `value` in: one call replacing another. */
  replaceDuration(old: number, value: number): void {
    if ((old & WHOLE) === old && (value & WHOLE) === value) {
      this.whole += value - old;
    } else {
      this.removeDuration(old);
      this.addDuration(value);
    }
  }

  /** Adds `value` to the compensated part. */
  private compensated(value: number): void {
    const sum = this.sum;
    const total = sum + value;
    this.compensation +=
      Math.abs(sum) >= Math.abs(value) ? sum - total + value : value - total + sum;
    this.sum = total;
  }

  /** Zeroes the summed duration (for a window that has just emptied). */
  clearDuration(): void {
    this.whole = 0;
    this.sum = 0;
    this.compensation = 0;
  }

  /** Index of a threshold learned now. */
  learn(threshold: number): number {
    this.slow.push(0);
    return this.thresholds.push(threshold) - 1;
  }

  clear(): void {
    this.count = 0;
    this.failures = 0;
    this.clearDuration();
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
