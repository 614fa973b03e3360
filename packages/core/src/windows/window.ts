import type { CallRecord, Metric } from '../types.js';

/**
 * Where a breaker keeps the outcomes of recent calls, and how it summarises them.
 *
 * Implementations keep running totals (add on record, subtract on evict) so that `record` is
 * O(1) and `metric` is O(1) amortised. Subclass it to build your own.
 *
 * @example
 * ```ts
 * import { CountWindow } from '@fluxgate/core/windows';
 * const window = new CountWindow(100);
 * window.record({ success: false, duration: 12, timestamp: Date.now(), slowAt: [] });
 * window.metric(Date.now()).failureRate; // 1
 * ```
 */
export abstract class Window {
  /** Adds one call's outcome. The record is not kept: implementations copy what they need. */
  abstract record(record: CallRecord): void;
  /** Summarises the calls the window holds at time `now` (milliseconds since the epoch). */
  abstract metric(now: number): Metric;
  /** Forgets every call. */
  abstract reset(): void;
}
