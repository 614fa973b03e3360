import { allocated, integerAtLeast } from '../internal/validate.js';
import type { CallRecord, Metric } from '../types.js';
import { copyRows, grownCapacity } from './slow-table.js';
import { ADD, LIVE, Totals } from './totals.js';
import { Window } from './window.js';

/** The flag table of a window that has learned no threshold: shared, it is never written. */
const NO_FLAGS = new Uint8Array(0);

/**
 * A window over the last `size` recorded calls, whenever they happened.
 *
 * Calls sit in a ring buffer of typed arrays; the window keeps running totals (count, failures,
 * summed duration, slow calls per threshold), adding a call's share when it is recorded and
 * subtracting the share of the call it pushes out. So {@link CountWindow.record} is O(1) and
 * {@link CountWindow.metric} is O(1) (it copies the totals), whatever the size.
 *
 * Slow-call thresholds are learned from the records' `slowAt` as they appear; `slowCounts` has an
 * entry for each threshold learned so far.
 *
 * @example
 * ```ts
 * import { CountWindow } from '@fluxgate/core/windows';
 *
 * const window = new CountWindow(3);
 * for (const success of [true, false, false, true]) {
 *   window.record({ success, duration: 10, timestamp: Date.now(), slowAt: [] });
 * }
 * const metric = window.metric(Date.now());
 * metric.totalCount; // 3: the first call was pushed out
 * metric.failureRate; // 2 / 3
 * ```
 */
export class CountWindow extends Window {
  /** How many calls the window keeps. */
  readonly size: number;

  readonly #failed: Uint8Array;
  readonly #durations: Float64Array;
  /** `#slow[slot * #capacity + i]` is 1 when the call in `slot` met threshold `i` of the totals. */
  #slow = NO_FLAGS;
  #capacity = 0;
  readonly #totals = new Totals();
  /** The slot the next call goes into (the oldest call's slot once the ring is full). */
  #next = 0;

  /**
   * @param size - how many of the most recent calls to keep: an integer >= 1
   * @throws RangeError if `size` is a number but not an integer >= 1 (0, -1, 1.5, NaN, Infinity)
   * @throws TypeError if `size` is not a number
   */
  constructor(size: number) {
    super();
    this.size = integerAtLeast('size', size, 1);
    // One buffer for both columns (durations first, for alignment): a second buffer would cost
    // about as much as a hundred of its bytes.
    const buffer = allocated('size', size, () => new ArrayBuffer(size * 9));
    this.#durations = new Float64Array(buffer, 0, size);
    this.#failed = new Uint8Array(buffer, size * 8, size);
  }

  /**
   * Adds one call's outcome, pushing out the oldest call once `size` are held. O(1): the evicted
   * call's share is subtracted from the running totals.
   */
  record(record: CallRecord): void {
    this[ADD](record.success, record.duration, record.timestamp, record.slowAt);
  }

  /** @internal `record()` without the record object: what the breaker calls. */
  [ADD](success: boolean, duration: number, _timestamp: number, slowAt: readonly number[]): void {
    // The common case (no slow-call thresholds) stays small enough for the engine to inline into
    // the breaker; slow-call bookkeeping lives in the methods below.
    const totals = this.#totals;
    const slot = this.#next;
    const failed = success ? 0 : 1;
    const full = totals.count === this.size;
    if (full) {
      // The call replaces the oldest, whose share leaves the totals.
      totals.failures += failed - (this.#failed[slot] as number);
      totals.replaceDuration(this.#durations[slot] as number, duration);
    } else {
      totals.add(failed, duration);
    }
    this.#failed[slot] = failed;
    this.#durations[slot] = duration;
    if (totals.thresholds.length > 0 || slowAt.length > 0) this.#flagSlow(slot, full, slowAt);
    this.#next = slot + 1 === this.size ? 0 : slot + 1;
  }

  /**
   * Sets the slow-call flags of `slot` to those of its new call. The old flags leave the totals
   * if they were `counted` (a slot filling up may still hold flags from before a reset).
   */
  #flagSlow(slot: number, counted: boolean, slowAt: readonly number[]): void {
    const totals = this.#totals;
    const slow = this.#slow;
    const base = slot * this.#capacity;
    for (let i = 0; i < totals.thresholds.length; i++) {
      if (counted && slow[base + i] === 1) (totals.slow[i] as number)--;
      slow[base + i] = 0;
    }
    for (let j = 0; j < slowAt.length; j++) this.#markSlow(slot, slowAt[j] as number);
  }

  /**
   * Summarises the last `size` calls. O(1): a snapshot of the running totals, which later calls
   * do not change.
   *
   * @param _now - ignored: a count window does not age its calls
   */
  metric(_now?: number): Metric {
    return this.#totals.snapshot();
  }

  /** @internal The running totals themselves: valid until the next call. */
  [LIVE](_now: number): Metric {
    return this.#totals;
  }

  /** Forgets every call. Learned slow-call thresholds stay (with a count of 0). */
  reset(): void {
    this.#next = 0;
    // O(1): the ring's slots are overwritten (slow flags included) before eviction reads them.
    this.#totals.clear();
  }

  #markSlow(slot: number, threshold: number): void {
    // NaN never equals itself: it would be learned again on every call.
    if (threshold !== threshold) return;
    let i = this.#totals.thresholds.indexOf(threshold);
    if (i === -1) i = this.#learn(threshold);
    const at = slot * this.#capacity + i;
    // A threshold listed twice counts once.
    if (this.#slow[at] === 1) return;
    this.#slow[at] = 1;
    (this.#totals.slow[i] as number)++;
  }

  /** Adds a threshold, growing the flag table when it is full. O(size), once per threshold. */
  #learn(threshold: number): number {
    const i = this.#totals.thresholds.length;
    if (i === this.#capacity) {
      const capacity = grownCapacity(this.#capacity);
      const slow = new Uint8Array(this.size * capacity);
      copyRows(this.#slow, slow, this.size, this.#capacity, capacity);
      this.#slow = slow;
      this.#capacity = capacity;
    }
    return this.#totals.learn(threshold);
  }
}
