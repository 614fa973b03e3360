import type { Metric, Signal } from '@fluxgate/core';

/** What the listener knows about a transition beyond its signal. */
export interface WhyContext {
  /** The breaker's failure streak at the transition, when it could be read then. */
  readonly streak: number | undefined;
  /** When the circuit last entered open, for open → half_open. */
  readonly openedAt: number | undefined;
}

/**
 * Why a transition happened, told from what the signal's metric (the window just before the
 * transition) shows: no guess about the tripper, only what the numbers say.
 */
export function describeWhy(signal: Signal, context: WhyContext): string {
  const { oldState, newState, metric } = signal;
  switch (newState) {
    case 'half_open':
      return context.openedAt === undefined || signal.timestamp < context.openedAt
        ? 'retry time reached'
        : `retry time reached after ${duration(signal.timestamp - context.openedAt)} open`;
    case 'closed':
      // Only a recorded success closes a half-open circuit; anything else is reset().
      return oldState === 'half_open' && metric.totalCount > 0 ? probesSucceeded(metric) : 'manual';
    case 'open':
      return oldState === 'half_open' ? probesFailed(metric) : tripped(metric, context.streak);
    default:
      // forced_open, disabled and metrics_only are entered only by a manual call.
      return 'manual';
  }
}

function probesSucceeded(metric: Metric): string {
  const total = metric.totalCount;
  const succeeded = total - metric.failureCount;
  if (total === 1) return 'probe succeeded';
  if (succeeded === total) return `${total} probes succeeded`;
  return `${succeeded} of ${total} probes succeeded`;
}

function probesFailed(metric: Metric): string {
  const total = metric.totalCount;
  const failed = metric.failureCount;
  // Reopened with no recorded call: every half-open slot was held by a hung probe.
  if (total === 0) return 'probes hung past the half-open timeout';
  if (failed === 0) return load(metric);
  if (total === 1) return 'probe failed';
  if (failed === total) return `${total} probes failed`;
  return `${failed} of ${total} probes failed`;
}

function tripped(metric: Metric, streak: number | undefined): string {
  // A streak at least as long as the window's failures explains the trip on its own.
  if (streak !== undefined && streak >= 2 && streak >= metric.failureCount) {
    return `${streak} failures in a row`;
  }
  return load(metric);
}

/** The failure rate and the slow-call rates the window shows, else its average latency. */
function load(metric: Metric): string {
  const total = metric.totalCount;
  if (total === 0) return 'no calls recorded';
  const over = `over ${total === 1 ? '1 call' : `${total} calls`}`;
  const parts: string[] = [];
  if (metric.failureCount > 0)
    parts.push(`failure rate ${percent(metric.failureRate ?? 0)} ${over}`);
  const thresholds = [...metric.slowCounts.keys()].sort((a, b) => a - b);
  for (const threshold of thresholds) {
    const rate = metric.slowRate(threshold);
    if (rate !== undefined && rate > 0) {
      parts.push(`slow-call rate ${percent(rate)} ${over} (≥ ${milliseconds(threshold)})`);
    }
  }
  if (parts.length === 0 && metric.avgDuration !== undefined) {
    parts.push(`average latency ${milliseconds(metric.avgDuration)} ${over}`);
  }
  return parts.join('; ');
}

/** A ratio as a whole percentage that never rounds a non-zero rate to 0% or a partial one to 100%. */
export function percent(ratio: number): string {
  const p = ratio * 100;
  if (p > 0 && p < 1) return '<1%';
  if (p > 99 && p < 100) return '>99%';
  return `${Math.round(p)}%`;
}

function milliseconds(ms: number): string {
  return `${Math.round(ms)} ms`;
}

/** A duration in milliseconds, in the two largest units that matter: `250 ms`, `30 s`, `2 min 5 s`. */
export function duration(ms: number): string {
  if (ms < 1_000) return `${Math.round(ms)} ms`;
  const seconds = Math.round(ms / 1_000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60)
    return seconds % 60 === 0 ? `${minutes} min` : `${minutes} min ${seconds % 60} s`;
  const hours = Math.floor(minutes / 60);
  return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} min`;
}
