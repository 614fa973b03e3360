/** The JSON that `GET /breakers` serves, and that the page and the terminal table read. */
import type { State } from '@fluxgate/core';
import type { Downstream, Phase } from './downstream.js';
import type { CircuitSpec } from './circuits.js';
import type { CallCounts, Recorder, TransitionRecord } from './recorder.js';

/** A breaker's `info()`, made JSON-safe, and what the demo knows around it. */
export interface BreakerSnapshot {
  name: string;
  state: State;
  /** Milliseconds since the epoch. */
  changedAt: number;
  /** Milliseconds since the epoch while open; `null` otherwise (and under `Never`). */
  retryAt: number | null;
  reopens: number;
  consecutiveFailures: number;
  /** `info().metrics`: the window, with `slowCounts` as an object keyed by threshold (ms). */
  metrics: {
    totalCount: number;
    failureCount: number;
    totalDuration: number;
    failureRate: number | null;
    avgDuration: number | null;
    slowCounts: Record<string, number>;
  };
  route: string;
  policy: string;
  downstream: { url: string; phase: Phase; phaseEndsAt: number };
  /** Calls since the start, by outcome. */
  calls: CallCounts;
  /** Rejected calls refused while the downstream was failing or slow. */
  saved: number;
  /** The circuit's last 100 transitions, oldest first. */
  transitions: TransitionRecord[];
}

export interface DemoSnapshot {
  /** When this was taken, in milliseconds since the epoch. */
  now: number;
  startedAt: number;
  speed: number;
  breakers: BreakerSnapshot[];
}

export function snapshot(
  circuits: readonly CircuitSpec[],
  downstreams: ReadonlyMap<string, Downstream>,
  recorder: Recorder,
  context: { startedAt: number; speed: number; now: number },
): DemoSnapshot {
  const { now } = context;
  return {
    now,
    startedAt: context.startedAt,
    speed: context.speed,
    breakers: circuits.map(({ name, route, policy, breaker }) => {
      const info = breaker.info();
      const downstream = downstreams.get(name)!;
      const phase = downstream.schedule.at(now);
      return {
        name,
        state: info.state,
        changedAt: info.changedAt,
        retryAt: info.retryAt === undefined || !Number.isFinite(info.retryAt) ? null : info.retryAt,
        reopens: info.reopens,
        consecutiveFailures: info.consecutiveFailures,
        metrics: {
          totalCount: info.metrics.totalCount,
          failureCount: info.metrics.failureCount,
          totalDuration: info.metrics.totalDuration,
          failureRate: info.metrics.failureRate ?? null,
          avgDuration: info.metrics.avgDuration ?? null,
          slowCounts: Object.fromEntries(info.metrics.slowCounts),
        },
        route,
        policy,
        downstream: { url: downstream.url, phase: phase.phase, phaseEndsAt: phase.endsAt },
        calls: { ...recorder.calls.get(name)! },
        saved: recorder.saved.get(name) ?? 0,
        transitions: recorder.of(name),
      };
    }),
  };
}
