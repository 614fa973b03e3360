// How one case is timed in one round: mitata's `measure` (batched iterations, GC before the
// measurement, trimmed samples), or, for cases whose cost grows with the calls made, a fixed
// number of calls on a fresh subject.
//
// Time is the process's CPU time (user + system), not wall time: on a shared machine the time
// the process spends waiting for a core would otherwise land in whichever case was running.
// Reading it costs a few microseconds, so samples are made long (about 4 ms).
import { measure } from 'mitata';

/** CPU time of this process, in nanoseconds (microsecond resolution). */
export function cpuNow() {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) * 1000;
}

const SAMPLE_NS = 4e6;

/** Forces full garbage collections until the heap settles (needs `--expose-gc`). */
export function settle() {
  for (let i = 0; i < 3; i++) globalThis.gc();
}

/**
 * A copy of `fn` compiled anew, with `scope` as its free variables. Closures made from one
 * function literal share their type feedback in V8, so a harness closure used by many cases (a
 * try/catch around the call, say) would see every case's callee and slow all of them down; each
 * case gets its own copy instead.
 */
export function own(fn, scope = {}) {
  const names = Object.keys(scope);
  return new Function(...names, `return (${fn.toString()});`)(...names.map((n) => scope[n]));
}

export const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/** Runs `run` a few times to pick a batch size that makes one mitata sample about 4 ms long. */
async function calibrate(run) {
  let n = 16;
  for (;;) {
    const t0 = cpuNow();
    for (let i = 0; i < n; i++) await run();
    const elapsed = cpuNow() - t0;
    if (elapsed >= 2e6 || n >= 65536) {
      const batch = 2 ** Math.round(Math.log2((SAMPLE_NS * n) / Math.max(elapsed, 1)));
      return Math.min(65536, Math.max(1, batch));
    }
    n *= 4;
  }
}

/**
 * Times one case once: sets it up, measures, disposes. Returns nanoseconds per operation (per
 * call of the case's `run`, divided by `perOp` for cases that make several calls per run).
 *
 * @param {{ setup: () => any, bounded?: { prefill: number, calls: number, repeats: number }, perOp?: number }} c
 * @param {{ minCpuTimeMs: number }} options
 */
export async function timeCase(c, { minCpuTimeMs }) {
  if (c.bounded) return timeBounded(c);
  const subject = await c.setup();
  try {
    // A full GC first, then a warm-up, then no GC from the harness while measuring: a full GC
    // drops the hidden classes of objects that no live object uses any more (every per-call
    // object, between two calls), and the code compiled against them is thrown away, so a
    // measurement that starts with one mostly measures re-optimisation.
    settle();
    const batch = await calibrate(subject.run);
    await warmUp(subject.run, minCpuTimeMs / 5);
    const stats = await measure(subject.run, {
      min_cpu_time: minCpuTimeMs * 1e6,
      min_samples: 8,
      gc: false,
      now: cpuNow,
      // Always batch (the batch may be 1): mitata's own choice reads wall time.
      batch_threshold: Infinity,
      batch_samples: batch,
      batch_unroll: Math.min(4, batch),
    });
    // The mean of the samples (mitata drops the two fastest and two slowest): unlike the median
    // sample, it keeps the garbage collections that a case's allocations cause.
    return stats.avg / (c.perOp ?? 1);
  } finally {
    subject.dispose?.();
  }
}

async function warmUp(run, ms) {
  const until = cpuNow() + ms * 1e6;
  while (cpuNow() < until) for (let i = 0; i < 64; i++) await run();
}

/** `repeats` fresh subjects: fill each with `prefill` calls, then time `calls` more. */
async function timeBounded(c) {
  const { prefill, calls, repeats } = c.bounded;
  let total = 0;
  for (let r = 0; r < repeats; r++) {
    const subject = await c.setup();
    try {
      await subject.prefill(prefill);
      const t0 = cpuNow();
      for (let i = 0; i < calls; i++) await subject.run();
      total += cpuNow() - t0;
    } finally {
      subject.dispose?.();
    }
  }
  return total / (calls * repeats);
}
