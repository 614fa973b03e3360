import { allocated, finitePositive, options as checkOptions, show } from '../internal/validate.js';
import type { CallRecord, Metric } from '../types.js';
import { copyRows, grownCapacity } from './slow-table.js';
import { ADD, LIVE, Totals } from './totals.js';
import { Window } from './window.js';

/**
 * Options of {@link TimeWindow}.
 */
export interface TimeWindowOptions {
  /**
   * The width of one bucket, in milliseconds: a finite number > 0 that divides `size`. Calls are
   * grouped by `Math.floor(timestamp / bucket)` and age out a bucket at a time.
   *
   * @defaultValue `1_000`
   */
  readonly bucket?: number;
}

/**
 * A window over the calls that ended in the last `size` milliseconds, kept in buckets of
 * `bucket` milliseconds.
 *
 * A call belongs to bucket `Math.floor(timestamp / bucket)`. Read at time `now`, the window holds
 * exactly the `size / bucket` buckets up to and including `now`'s, never an older one, however
 * long the window sat idle (Python's fluxgate and cockatiel kept stale buckets until the next
 * call).
 *
 * The window keeps running totals (count, failures, summed duration, slow calls per threshold):
 * a call adds its share to its bucket and to the totals, and a bucket that ages out subtracts its
 * share. So {@link TimeWindow.record} is O(1) and {@link TimeWindow.metric} is O(1) amortised,
 * whatever `size` is: each bucket is evicted once, by whichever record or read first moves past
 * it (a step of `k < size / bucket` buckets evicts `k`), and an idle gap of `size` or more forgets
 * everything in O(1) (the totals restart at 0; every bucket is tagged with the epoch it was
 * filled in, so stale buckets are recognised, and cleared, when reused). Learning a new slow-call
 * threshold costs O(size / bucket) once.
 *
 * A call whose timestamp falls in an older bucket still inside the window (the clock went back a
 * little) is counted in that bucket; one older than the window is dropped, as is one with a
 * timestamp that is not a finite number. A read with a `now` earlier than the newest bucket seen
 * evicts nothing.
 *
 * Slow-call thresholds are learned from the records' `slowAt` as they appear; `slowCounts` has an
 * entry for each threshold learned so far.
 *
 * @example
 * ```ts
 * import { TimeWindow } from '@fluxgate/core/windows';
 *
 * const window = new TimeWindow(60_000, { bucket: 1_000 }); // the last minute, per second
 * window.record({ success: false, duration: 250, timestamp: 10_500, slowAt: [] });
 * window.metric(69_999).totalCount; // 1: bucket 10 is among buckets 10..69
 * window.metric(70_000).totalCount; // 0: it aged out when bucket 70 began
 * ```
 */
export class TimeWindow extends Window {
  /** How far back the window reaches, in milliseconds. */
  readonly size: number;
  /** The width of one bucket, in milliseconds. */
  readonly bucket: number;

  /** How many buckets: `size / bucket`. Bucket id `b` lives in slot `b mod #n`. */
  readonly #n: number;
  readonly #counts: Float64Array;
  readonly #failures: Float64Array;
  readonly #durations: Float64Array;
  /** The epoch in which each slot was last filled; a slot from another epoch is empty. */
  readonly #epochs: Float64Array;
  /** `#slow[slot * #capacity + i]`: the slot's calls that met threshold `i` of the totals. */
  #slow = new Float64Array(0);
  #capacity = 0;
  /** Learned thresholds, append-only (snapshots share it), and the running count for each. */
  readonly #totals = new Totals();

  /** Starts at 1: every slot's tag starts at 0, so every slot starts empty. */
  #epoch = 1;
  /** The newest bucket id seen (by a record or a read); the window is (#head - #n, #head]. */
  #head = -Infinity;

  /**
   * @param size - how far back the window reaches, in milliseconds: a finite number > 0 and a
   *   multiple of `bucket`
   * @param options - `bucket`, the width of a bucket in milliseconds (default `1_000`)
   * @throws TypeError if `size` or `bucket` is not a number, or `options` is not an object
   * @throws RangeError if `size` or `bucket` is not a finite number > 0 (0, negative, NaN,
   *   Infinity), or `size` is not a multiple of `bucket`
   */
  constructor(size: number, options?: TimeWindowOptions) {
    super();
    this.size = finitePositive('size', size);
    const { bucket = 1_000 } = checkOptions('options', options);
    this.bucket = finitePositive('bucket', bucket);
    const n = Math.round(size / bucket);
    // A little tolerance, so that decimal widths such as 0.3 / 0.1 pass.
    if (!(n >= 1) || Math.abs(n * bucket - size) > 4 * Number.EPSILON * size) {
      throw new RangeError(
        `size must be a multiple of bucket, got size ${show(size)} and bucket ${show(bucket)}`,
      );
    }
    this.#n = n;
    this.#counts = allocated('size', size, () => new Float64Array(n));
    this.#failures = allocated('size', size, () => new Float64Array(n));
    this.#durations = allocated('size', size, () => new Float64Array(n));
    this.#epochs = allocated('size', size, () => new Float64Array(n));
  }

  /**
   * Adds one call's outcome to the bucket of its `timestamp` (milliseconds since the epoch). O(1):
   * the call's share is added to its bucket and the running totals; a timestamp in a newer bucket
   * first evicts the buckets that age out, each bucket once over the window's life (amortised).
   */
  record(record: CallRecord): void {
    this[ADD](record.success, record.duration, record.timestamp, record.slowAt);
  }

  /** @internal `record()` without the record object: what the breaker calls. */
  [ADD](success: boolean, duration: number, timestamp: number, slowAt: readonly number[]): void {
    const id = Math.floor(timestamp / this.bucket);
    if (!Number.isFinite(id)) return;
    if (id > this.#head) this.#advance(id);
    else if (id <= this.#head - this.#n) return;

    const slot = this.#slotOf(id);
    if (this.#epochs[slot] !== this.#epoch) this.#clearSlot(slot);

    const totals = this.#totals;
    const counts = this.#counts;
    counts[slot] = (counts[slot] as number) + 1;
    totals.count++;
    if (!success) {
      const failures = this.#failures;
      failures[slot] = (failures[slot] as number) + 1;
      totals.failures++;
    }
    const durations = this.#durations;
    durations[slot] = (durations[slot] as number) + duration;
    totals.addDuration(duration);

    for (let j = 0; j < slowAt.length; j++) {
      const threshold = slowAt[j] as number;
      // A threshold listed twice counts once; NaN (never found by indexOf) would otherwise be
      // learned again on every call.
      if (slowAt.indexOf(threshold) !== j) continue;
      let i = totals.thresholds.indexOf(threshold);
      if (i === -1) i = this.#learn(threshold);
      const at = slot * this.#capacity + i;
      this.#slow[at] = (this.#slow[at] as number) + 1;
      (totals.slow[i] as number)++;
    }
  }

  /**
   * Summarises the calls in the `size / bucket` buckets up to and including that of `now`
   * (milliseconds since the epoch). O(1) amortised: buckets that aged out since the last record
   * or read are subtracted from the running totals, each once; the snapshot it returns does not
   * change afterwards.
   */
  metric(now: number): Metric {
    return this[LIVE](now).snapshot();
  }

  /** @internal The running totals themselves, brought to `now`: valid until the next call. */
  [LIVE](now: number): Totals {
    const id = Math.floor(now / this.bucket);
    if (id > this.#head && Number.isFinite(id)) this.#advance(id);
    return this.#totals;
  }

  /** Forgets every call, in O(1). Learned slow-call thresholds stay (with a count of 0). */
  reset(): void {
    this.#forgetAll();
  }

  /** Moves the newest bucket on to `id` (> `#head`), evicting the buckets that age out. */
  #advance(id: number): void {
    const n = this.#n;
    if (id - this.#head >= n) {
      // Every bucket ages out: restart the totals, and let the epoch mark all slots stale.
      this.#forgetAll();
    } else {
      const epoch = this.#epoch;
      const totals = this.#totals;
      const learned = totals.thresholds.length;
      // Bucket b enters the window as bucket b - n leaves it; they share a slot.
      for (let b = this.#head + 1; b <= id; b++) {
        const slot = this.#slotOf(b);
        if (this.#epochs[slot] !== epoch) continue;
        this.#epochs[slot] = 0;
        totals.count -= this.#counts[slot] as number;
        totals.failures -= this.#failures[slot] as number;
        totals.removeDuration(this.#durations[slot] as number);
        const base = slot * this.#capacity;
        for (let i = 0; i < learned; i++) {
          (totals.slow[i] as number) -= this.#slow[base + i] as number;
        }
      }
      if (totals.count === 0) totals.clearDuration();
    }
    this.#head = id;
  }

  #forgetAll(): void {
    this.#epoch++;
    this.#totals.clear();
  }

  #slotOf(id: number): number {
    const slot = id % this.#n;
    return slot < 0 ? slot + this.#n : slot;
  }

  /** Empties a stale slot and tags it with the current epoch. */
  #clearSlot(slot: number): void {
    this.#epochs[slot] = this.#epoch;
    this.#counts[slot] = 0;
    this.#failures[slot] = 0;
    this.#durations[slot] = 0;
    const base = slot * this.#capacity;
    this.#slow.fill(0, base, base + this.#capacity);
  }

  /** Adds a threshold, growing the per-bucket table when it is full. O(n), once per threshold. */
  #learn(threshold: number): number {
    const i = this.#totals.thresholds.length;
    if (i === this.#capacity) {
      const capacity = grownCapacity(this.#capacity);
      const slow = new Float64Array(this.#n * capacity);
      copyRows(this.#slow, slow, this.#n, this.#capacity, capacity);
      this.#slow = slow;
      this.#capacity = capacity;
    }
    return this.#totals.learn(threshold);
  }
}
