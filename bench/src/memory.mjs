// Memory: heap per breaker (many instances, measured across full GCs) and heap growth over a
// million calls on one breaker. "Heap" is V8's used heap plus ArrayBuffer backing stores, where
// typed arrays longer than 64 bytes (the windows' rings and buckets) keep their data.
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { AsyncCircuitBreaker, CircuitBreaker } from '@fluxgate/core';
import { TimeWindow } from '@fluxgate/core/windows';
import Opossum from 'opossum';
import { ConsecutiveBreaker, SamplingBreaker, circuitBreaker, handleAll } from 'cockatiel';
import { settle } from './measure.mjs';
import { mixed, neverTrips, syncWork, work } from './subjects.mjs';

const used = () => {
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};

/** Each kind of breaker: how to build one with its defaults, call it once, and dispose of it. */
const KINDS = [
  {
    id: 'fluxgate-count',
    label: 'fluxgate, `CountWindow(100)` (default)',
    make: (name) => new AsyncCircuitBreaker({ name }),
    call: (b) => b.call(work),
  },
  {
    id: 'fluxgate-time',
    label: 'fluxgate, `TimeWindow(60_000)`',
    make: (name) => new AsyncCircuitBreaker({ name, window: new TimeWindow(60_000) }),
    call: (b) => b.call(work),
  },
  {
    id: 'opossum',
    label: 'opossum, defaults',
    make: (name) => new Opossum(work, { name }),
    call: (b) => b.fire(),
    dispose: (b) => b.shutdown(),
  },
  {
    id: 'cockatiel-consecutive',
    label: 'cockatiel, `ConsecutiveBreaker(5)`',
    make: () =>
      circuitBreaker(handleAll, { halfOpenAfter: 10_000, breaker: new ConsecutiveBreaker(5) }),
    call: (p) => p.execute(work),
  },
  {
    id: 'cockatiel-sampling',
    label: 'cockatiel, `SamplingBreaker` (10 s)',
    make: () =>
      circuitBreaker(handleAll, {
        halfOpenAfter: 10_000,
        breaker: new SamplingBreaker({ threshold: 0.5, duration: 10_000 }),
      }),
    call: (p) => p.execute(work),
  },
];

/** Bytes per breaker: `count` breakers built and called once each, kept alive, across full GCs. */
async function heapPerBreaker(kind, count) {
  const keep = new Array(count).fill(null);
  const names = Array.from({ length: count }, (_, i) => `service_${i}`);
  settle();
  const before = used();
  for (let i = 0; i < count; i++) keep[i] = kind.make(names[i]);
  await Promise.all(keep.map((b) => kind.call(b)));
  await yieldToLoop();
  settle();
  const after = used();
  if (kind.dispose) keep.forEach(kind.dispose);
  return (after - before) / count;
}

/** Heap after `calls` calls minus heap before, both after full GCs, after a warm-up. */
async function heapGrowth(call, calls) {
  const chunk = 10_000;
  const runChunk = async () => {
    for (let i = 0; i < chunk; i++) await call();
  };
  for (let i = 0; i < 20; i++) await runChunk();
  await yieldToLoop();
  settle();
  const before = used();
  for (let done = 0; done < calls; done += chunk) {
    await runChunk();
    // Let timers run, as a server's event loop would (opossum rotates its buckets on a timer).
    await yieldToLoop();
  }
  settle();
  return used() - before;
}

const swallow = () => {};

/** Runs the memory cases; `growthCalls` is 1e6 in a full run. */
export async function memorySuite({ perBreakerCount = 10_000, growthCalls = 1_000_000, log }) {
  const perBreaker = {};
  for (const kind of KINDS) {
    // One warm-up pass, so that code and shared objects are not counted.
    await heapPerBreaker(kind, 200);
    perBreaker[kind.id] = await heapPerBreaker(kind, perBreakerCount);
    log(`  heap per breaker, ${kind.id}: ${Math.round(perBreaker[kind.id])} B`);
  }

  const growthSubjects = [
    {
      id: 'fluxgate-async',
      label: 'fluxgate async, closed, success',
      make: () => {
        const b = new AsyncCircuitBreaker({ name: 'growth' });
        return () => b.call(work);
      },
    },
    {
      id: 'fluxgate-async-failures',
      label: 'fluxgate async, 10 % failures, `TimeWindow(60_000)`',
      make: () => {
        const action = mixed(10);
        const b = new AsyncCircuitBreaker({
          name: 'growth',
          window: new TimeWindow(60_000),
          tripper: neverTrips(),
        });
        return () => b.call(action).catch(swallow);
      },
    },
    {
      id: 'fluxgate-sync',
      label: 'fluxgate sync, closed, success',
      make: () => {
        const b = new CircuitBreaker({ name: 'growth' });
        return () => b.call(syncWork);
      },
    },
    {
      id: 'opossum',
      label: 'opossum, defaults',
      make: () => {
        const b = new Opossum(work);
        return Object.assign(() => b.fire(), { dispose: () => b.shutdown() });
      },
    },
    {
      id: 'cockatiel-consecutive',
      label: 'cockatiel, `ConsecutiveBreaker(5)`',
      make: () => {
        const p = circuitBreaker(handleAll, {
          halfOpenAfter: 10_000,
          breaker: new ConsecutiveBreaker(5),
        });
        return () => p.execute(work);
      },
    },
    {
      id: 'cockatiel-sampling',
      label: 'cockatiel, `SamplingBreaker` (10 s)',
      make: () => {
        const p = circuitBreaker(handleAll, {
          halfOpenAfter: 10_000,
          breaker: new SamplingBreaker({ threshold: 0.5, duration: 10_000 }),
        });
        return () => p.execute(work);
      },
    },
  ];
  const growth = {};
  for (const subject of growthSubjects) {
    const call = subject.make();
    growth[subject.id] = await heapGrowth(call, growthCalls);
    call.dispose?.();
    log(`  heap growth over ${growthCalls} calls, ${subject.id}: ${growth[subject.id]} B`);
  }

  return {
    perBreakerCount,
    growthCalls,
    perBreaker: KINDS.map((k) => ({ id: k.id, label: k.label, bytes: perBreaker[k.id] })),
    growth: growthSubjects.map((s) => ({ id: s.id, label: s.label, bytes: growth[s.id] })),
  };
}
