// Idle CPU: 10,000 breakers that have each made one call, then nothing for a few seconds. The
// process's CPU time over that wall time is the share of one core the breakers burn while idle.
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { AsyncCircuitBreaker } from '@fluxgate/core';
import Opossum from 'opossum';
import { SamplingBreaker, circuitBreaker, handleAll } from 'cockatiel';
import { settle } from './measure.mjs';
import { work } from './subjects.mjs';

const KINDS = [
  { id: 'baseline', label: 'no breaker (the idle process itself)', make: null },
  {
    id: 'fluxgate',
    label: 'fluxgate, defaults',
    make: (name) => new AsyncCircuitBreaker({ name }),
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

/** Share of one core (0..1) the process used while `count` breakers of `kind` sat idle. */
async function idleShare(kind, count, seconds) {
  const breakers = [];
  if (kind.make) {
    for (let i = 0; i < count; i++) breakers.push(kind.make(`service_${i}`));
    await Promise.all(breakers.map((b) => kind.call(b)));
  }
  settle();
  await sleep(200);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await sleep(seconds * 1000);
  const cpu = process.cpuUsage(cpu0);
  const wallMs = performance.now() - t0;
  if (kind.dispose) breakers.forEach(kind.dispose);
  return (cpu.user + cpu.system) / 1000 / wallMs;
}

export async function idleSuite({ count = 10_000, seconds = 3, log }) {
  const results = [];
  for (const kind of KINDS) {
    const share = await idleShare(kind, count, seconds);
    results.push({ id: kind.id, label: kind.label, share });
    log(`  idle CPU, ${kind.id}: ${(share * 100).toFixed(2)} % of a core`);
  }
  return { count, seconds, results };
}
