/**
 * The demo's three circuits: each a downstream service with its own schedule, a route of the
 * demo service, and a breaker whose policy suits the service. Every duration is divided by the
 * demo's speed, so that `--speed 4` plays the same story four times faster.
 */
import {
  AsyncCircuitBreaker,
  type CircuitBreakerInfo,
  type Listener,
  type Metric,
} from '@fluxgate/core';
import { All, RampUp } from '@fluxgate/core/permits';
import { Backoff, Cooldown } from '@fluxgate/core/retries';
import {
  FailureRate,
  FailureStreak,
  HalfOpened,
  MinRequests,
  SlowRate,
} from '@fluxgate/core/trippers';
import { CountWindow, TimeWindow } from '@fluxgate/core/windows';
import type { Cycle } from './downstream.js';

export interface CircuitSpec {
  /** The breaker's name, which labels its metrics. */
  name: string;
  /** The demo service's route that calls this downstream. */
  route: string;
  /** What the downstream does, in order, in milliseconds at speed 1 (32 s a turn). */
  cycle: Cycle;
  /** The policy in a few words, with the durations at the demo's speed. */
  policy: string;
  /** The breaker, with the given listeners. */
  breaker: AsyncCircuitBreaker;
  /** Why the breaker tripped from closed, from the window it had and its info just after. */
  explainTrip(metric: Metric, info: CircuitBreakerInfo): string;
  /** How long a call to the downstream may take before it is abandoned, in milliseconds. */
  timeout: number;
}

/** `1234` → `1.2 s`, `80` → `80 ms`. */
export function formatMs(ms: number): string {
  if (ms < 1_000) return `${Math.round(ms)} ms`;
  const seconds = ms / 1_000;
  return `${seconds < 10 ? seconds.toFixed(1).replace(/\.0$/, '') : Math.round(seconds)} s`;
}

export function percent(ratio: number | undefined): string {
  return ratio === undefined ? '-' : `${Math.round(ratio * 100)}%`;
}

/** A response with a 5xx status is a failure even though `fetch` resolved. */
const isServerError = (response: Response): boolean => response.status >= 500;

/** Builds the three circuits for a run at `speed`, each breaker with `listeners`. */
export function createCircuits(
  speed: number,
  listeners: readonly Listener[],
): readonly CircuitSpec[] {
  const ms = (value: number) => value / speed;
  const timeout = ms(2_000);

  // 1. Payments: judged on its last 20 calls. Latency is not its problem; errors are.
  const paymentWait = ms(4_000);
  const payment: CircuitSpec = {
    name: 'payment_api',
    route: '/api/payment',
    cycle: [
      { phase: 'healthy', duration: 6_000 },
      { phase: 'failing', duration: 10_000 },
      { phase: 'slow', duration: 8_000 },
      { phase: 'recovering', duration: 8_000 },
    ],
    policy: `count window of 20 calls · opens at ≥ 50% failures (min 10 calls) · waits ${formatMs(paymentWait)}, then ramps up`,
    breaker: new AsyncCircuitBreaker({
      name: 'payment_api',
      window: new CountWindow(20),
      tripper: new MinRequests(10)
        .and(new FailureRate(0.5))
        .or(new HalfOpened().and(new FailureStreak(1))),
      retry: new Cooldown(paymentWait),
      permit: new RampUp({ initial: 0.25, final: 1, duration: paymentWait }),
      closeAfter: 3,
      isFailureResult: isServerError,
      listeners,
    }),
    explainTrip: (metric) =>
      `failure rate ${percent(metric.failureRate)} over the last ${metric.totalCount} calls`,
    timeout,
  };

  // 2. Search: judged on the last 6 seconds. A slow answer is as bad as none for a search box.
  const bucket = Math.max(1, Math.round(ms(500)));
  const slow = ms(400);
  const searchWait = ms(3_000);
  const search: CircuitSpec = {
    name: 'search_api',
    route: '/api/search',
    cycle: [
      { phase: 'healthy', duration: 4_000 },
      { phase: 'slow', duration: 10_000 },
      { phase: 'failing', duration: 8_000 },
      { phase: 'recovering', duration: 10_000 },
    ],
    policy: `time window of ${formatMs(12 * bucket)} · opens at ≥ 50% slow calls (≥ ${formatMs(slow)}) or failures · waits ${formatMs(searchWait)}`,
    breaker: new AsyncCircuitBreaker({
      name: 'search_api',
      window: new TimeWindow(12 * bucket, { bucket }),
      tripper: new MinRequests(10)
        .and(new SlowRate(0.5, { threshold: slow }).or(new FailureRate(0.5)))
        .or(new HalfOpened().and(new SlowRate(0.5, { threshold: slow }).or(new FailureStreak(1)))),
      retry: new Cooldown(searchWait),
      permit: new RampUp({ initial: 0.5, final: 1, duration: searchWait }),
      closeAfter: 3,
      isFailureResult: isServerError,
      listeners,
    }),
    explainTrip: (metric) => {
      const slowRate = metric.slowRate(slow) ?? 0;
      return slowRate >= (metric.failureRate ?? 0)
        ? `${percent(slowRate)} of ${metric.totalCount} calls slower than ${formatMs(slow)}`
        : `failure rate ${percent(metric.failureRate)} over ${metric.totalCount} calls`;
    },
    timeout,
  };

  // 3. Shipping: a dependency that is either up or down. Five failures in a row open it, and
  // each failed probe doubles the wait, so a long outage is probed less and less often.
  const shippingFirst = ms(1_000);
  const shippingMax = ms(8_000);
  const shipping: CircuitSpec = {
    name: 'shipping_api',
    route: '/api/shipping',
    cycle: [
      { phase: 'healthy', duration: 9_000 },
      { phase: 'failing', duration: 8_000 },
      { phase: 'slow', duration: 7_000 },
      { phase: 'recovering', duration: 8_000 },
    ],
    policy: `opens after 5 failures in a row · waits ${formatMs(shippingFirst)}, doubling up to ${formatMs(shippingMax)}`,
    breaker: new AsyncCircuitBreaker({
      name: 'shipping_api',
      tripper: new FailureStreak(5).or(new HalfOpened().and(new FailureStreak(1))),
      retry: new Backoff({ initial: shippingFirst, multiplier: 2, maxDuration: shippingMax }),
      permit: new All(),
      closeAfter: 2,
      isFailureResult: isServerError,
      listeners,
    }),
    explainTrip: (_metric, info) => `${info.consecutiveFailures} failures in a row`,
    timeout,
  };

  return [payment, search, shipping];
}
