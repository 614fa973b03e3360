#!/usr/bin/env node
// Soak test for @fluxgate/core (not part of the default test run): pushes at least 10 million
// calls through sync and async breakers with count and time windows, across changing failure
// regimes (healthy, flaky, outage, slow, recovered) and the odd manual transition, then reports:
//
// - the heap before and after (each read after global.gc()), and the growth per breaker: of the
//   JavaScript objects (counted in a heap snapshot: what a leak in the library would be made of),
//   and, for information, of heapUsed as a whole, which also holds V8's compiled code and its
//   bookkeeping (tens to hundreds of KiB that come and go as functions are optimised and
//   deoptimised);
// - the drift of each window's `totalDuration` from an exact reference: every call's duration is
//   a whole number of milliseconds (a fake clock), and a shadow of each window keeps exact
//   integer sums of what the window was given, so any difference is the window's own error;
// - counts and failures against the same reference, and how many transitions each breaker made.
//
// It exits 1 when the JavaScript objects on the heap grew by more than --max-growth bytes per
// breaker (default 4096), or heapUsed by more than 64 times that (a backstop for a leak hiding
// outside JavaScript objects), when any drift or count mismatch is found, when an unexpected
// error escapes a call, when a breaker never opened (the regimes did not bite), or when fewer
// calls than asked were made. It uses the built package (dist/esm), building it first if missing.
//
// Usage: pnpm soak [-- --calls 10000000 --max-growth 4096 --json]
//        (or node --expose-gc scripts/soak.mjs ..., from packages/core)
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';
import { fileURLToPath, pathToFileURL } from 'node:url';

const self = fileURLToPath(import.meta.url);
const pkg = path.resolve(path.dirname(self), '..');

if (typeof globalThis.gc !== 'function') {
  // The heap figures need a full collection first: run again with --expose-gc.
  const child = spawnSync(
    process.execPath,
    ['--expose-gc', ...process.execArgv, self, ...process.argv.slice(2)],
    { stdio: 'inherit' },
  );
  process.exit(child.status ?? 1);
}

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? fallback : Number(process.argv[i + 1]);
}
const TOTAL_CALLS = arg('calls', 10_000_000);
const MAX_GROWTH = arg('max-growth', 4_096);
const JSON_OUTPUT = process.argv.includes('--json');

const dist = path.join(pkg, 'dist/esm');
if (!existsSync(path.join(dist, 'index.js'))) {
  console.log('dist/esm is missing: building @fluxgate/core first');
  execFileSync(process.execPath, [path.resolve(pkg, '../../scripts/build-package.mjs')], {
    cwd: pkg,
    stdio: 'inherit',
  });
}
const load = (sub) => import(pathToFileURL(path.join(dist, sub, 'index.js')).href);
const { AsyncCircuitBreaker, CircuitBreaker, CallNotPermittedError } = await load('.');
const { CountWindow, TimeWindow, Window } = await load('windows');
const { TypeOf } = await load('trackers');
const { FailureRate, FailureStreak, HalfOpened, MinRequests, SlowRate } = await load('trippers');
const { Backoff, Cooldown } = await load('retries');
const { RampUp } = await load('permits');

// ---------------------------------------------------------------------------------------------
// A shadow window: forwards to the real one, and keeps exact integer sums of what it was given.
// ---------------------------------------------------------------------------------------------

class ShadowWindow extends Window {
  constructor(real, spec) {
    super();
    this.real = real;
    this.spec = spec;
    this.reset();
  }

  record(record) {
    this.real.record(record);
    if (!Number.isInteger(record.duration)) this.nonInteger++;
    if (this.spec.kind === 'count') {
      const size = this.spec.size;
      const slot = this.next;
      if (this.count === size) {
        this.sum -= this.durations[slot];
        this.failures -= this.failed[slot];
      } else {
        this.count++;
      }
      this.durations[slot] = record.duration;
      this.failed[slot] = record.success ? 0 : 1;
      this.sum += record.duration;
      this.failures += this.failed[slot];
      this.next = slot + 1 === size ? 0 : slot + 1;
    } else {
      const id = Math.floor(record.timestamp / this.spec.bucket);
      this.advance(id);
      if (id <= this.head - this.n) return;
      const slot = id % this.n;
      if (this.ids[slot] !== id) {
        this.ids[slot] = id;
        this.bCount[slot] = 0;
        this.bFailures[slot] = 0;
        this.bSum[slot] = 0;
      }
      this.bCount[slot]++;
      this.bFailures[slot] += record.success ? 0 : 1;
      this.bSum[slot] += record.duration;
    }
  }

  metric(now) {
    return this.real.metric(now);
  }

  reset() {
    this.real.reset();
    this.nonInteger ??= 0;
    if (this.spec.kind === 'count') {
      this.durations = new Float64Array(this.spec.size);
      this.failed = new Uint8Array(this.spec.size);
      this.next = 0;
      this.count = 0;
      this.sum = 0;
      this.failures = 0;
    } else {
      this.n = this.spec.size / this.spec.bucket;
      this.ids = new Float64Array(this.n).fill(-Infinity);
      this.bCount = new Float64Array(this.n);
      this.bFailures = new Float64Array(this.n);
      this.bSum = new Float64Array(this.n);
      this.head = -Infinity;
    }
  }

  advance(id) {
    if (id > this.head) this.head = id;
  }

  /** The exact totals at `now`. */
  expected(now) {
    if (this.spec.kind === 'count') {
      return { count: this.count, failures: this.failures, duration: this.sum };
    }
    this.advance(Math.floor(now / this.spec.bucket));
    let count = 0;
    let failures = 0;
    let duration = 0;
    for (let slot = 0; slot < this.n; slot++) {
      const id = this.ids[slot];
      if (id > this.head - this.n && id <= this.head) {
        count += this.bCount[slot];
        failures += this.bFailures[slot];
        duration += this.bSum[slot];
      }
    }
    return { count, failures, duration };
  }
}

// ---------------------------------------------------------------------------------------------
// Breakers and regimes
// ---------------------------------------------------------------------------------------------

class Down extends Error {}
class Ignored extends Error {}

const WINDOWS = [
  { kind: 'count', size: 100 },
  { kind: 'count', size: 1_000 },
  { kind: 'time', size: 60_000, bucket: 1_000 },
  { kind: 'time', size: 10_000, bucket: 100 },
];

const REGIMES = [
  { name: 'healthy', fail: 0.01, ignore: 0.01, min: 1, max: 20 },
  { name: 'flaky', fail: 0.3, ignore: 0.05, min: 1, max: 50 },
  { name: 'outage', fail: 1, ignore: 0, min: 1, max: 5 },
  { name: 'slow', fail: 0.02, ignore: 0, min: 400, max: 1_500 },
  { name: 'recovered', fail: 0, ignore: 0.02, min: 1, max: 10 },
];

/** A small deterministic random source, so two soaks make the same calls. */
function mulberry32(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function makeBreaker(isAsync, spec, index) {
  const clock = { t: 1_700_000_000_000, now: () => clock.t };
  const random = mulberry32(index + 1);
  const window = new ShadowWindow(
    spec.kind === 'count' ? new CountWindow(spec.size) : new TimeWindow(spec.size, spec),
    spec,
  );
  const rate = new MinRequests(20).and(new FailureRate(0.5));
  const tripper =
    index % 2 === 0
      ? rate.or(new HalfOpened().and(new FailureStreak(1)))
      : rate.or(new MinRequests(20).and(new SlowRate(0.5, { threshold: 1_000 })));
  const stats = { signals: 0, opens: 0, events: 0 };
  const options = {
    name: `soak_${isAsync ? 'async' : 'sync'}_${spec.kind}_${spec.size}`,
    window,
    tracker: new TypeOf(Down),
    tripper,
    retry:
      index % 2 === 0
        ? new Cooldown(2_000, { jitterRatio: 0.2, random })
        : new Backoff({ initial: 500, maxDuration: 30_000, jitterRatio: 0.1, random }),
    permit: new RampUp({ initial: 0.2, final: 1, duration: 5_000, random }),
    closeAfter: 3,
    clock,
    listeners: [
      (signal) => {
        stats.signals++;
        if (signal.newState === 'open') stats.opens++;
      },
      // An async listener: its promises pass through the delivery queue.
      { onTransition: async () => {}, onCall: () => void stats.events++ },
    ],
  };
  const breaker = isAsync
    ? new AsyncCircuitBreaker({ ...options, maxHalfOpenCalls: 5, halfOpenTimeout: 10_000 })
    : new CircuitBreaker(options);
  return { breaker, isAsync, spec, window, clock, random, stats, calls: 0, refused: 0 };
}

const breakers = [];
let index = 0;
for (const isAsync of [false, true]) {
  for (const spec of WINDOWS) breakers.push(makeBreaker(isAsync, spec, index++));
}

const unexpected = [];
const mismatches = [];
let maxDrift = 0;
let checks = 0;

function check(b) {
  const now = b.clock.t;
  const m = b.breaker.info().metrics;
  const e = b.window.expected(now);
  checks++;
  const drift = Math.abs(m.totalDuration - e.duration);
  if (drift > maxDrift) maxDrift = drift;
  if (m.totalCount !== e.count || m.failureCount !== e.failures) {
    mismatches.push(
      `${b.breaker.name}: count ${m.totalCount}/${e.count}, failures ${m.failureCount}/${e.failures}`,
    );
  }
}

function outcome(b, regime) {
  const r = b.random();
  const duration = regime.min + Math.floor(b.random() * (regime.max - regime.min + 1));
  const kind = r < regime.fail ? 'fail' : r < regime.fail + regime.ignore ? 'ignore' : 'ok';
  return { kind, duration };
}

function refusedOrUnexpected(b, error) {
  if (CallNotPermittedError.is(error)) b.refused++;
  else if (!(error instanceof Down) && !(error instanceof Ignored) && unexpected.length < 10) {
    unexpected.push(`${b.breaker.name}: ${String(error)}`);
  }
}

const DOWN = new Down('down');
const IGNORED = new Ignored('ignored');

function syncSlice(b, regime, n) {
  const breaker = b.breaker;
  const clock = b.clock;
  for (let i = 0; i < n; i++) {
    clock.t += Math.floor(b.random() * 4); // time between calls
    const { kind, duration } = outcome(b, regime);
    try {
      breaker.call(() => {
        clock.t += duration;
        if (kind === 'fail') throw DOWN;
        if (kind === 'ignore') throw IGNORED;
        return 1;
      });
    } catch (error) {
      refusedOrUnexpected(b, error);
    }
  }
  b.calls += n;
}

async function asyncSlice(b, regime, n) {
  const breaker = b.breaker;
  const clock = b.clock;
  // Batches of overlapping calls: each starts, then all settle as the clock moves on.
  const BATCH = 32;
  for (let done = 0; done < n; done += BATCH) {
    const batch = [];
    const size = Math.min(BATCH, n - done);
    for (let i = 0; i < size; i++) {
      clock.t += Math.floor(b.random() * 2);
      const { kind, duration } = outcome(b, regime);
      batch.push(
        breaker
          .call(async () => {
            await null;
            clock.t += duration;
            if (kind === 'fail') throw DOWN;
            if (kind === 'ignore') throw IGNORED;
            return 1;
          })
          .catch((error) => refusedOrUnexpected(b, error)),
      );
    }
    await Promise.all(batch);
  }
  b.calls += n;
}

const SLICE = 50_000; // calls per breaker per regime
const MANUAL = ['reset', 'metricsOnly', 'disable', 'reset', 'forceOpen', 'reset'];

async function soak(callsPerBreaker, startRegime) {
  let round = startRegime;
  for (let done = 0; done < callsPerBreaker; done += SLICE, round++) {
    const n = Math.min(SLICE, callsPerBreaker - done);
    for (const [i, b] of breakers.entries()) {
      const regime = REGIMES[(round + i) % REGIMES.length];
      // Now and then an operator steps in (and steps out again a slice later).
      if (round % 7 === 6) b.breaker[MANUAL[(round + i) % MANUAL.length]]();
      else if (round % 7 === 0 && b.breaker.state !== 'closed' && b.breaker.state !== 'open')
        b.breaker.reset();
      if (b.isAsync) await asyncSlice(b, regime, n);
      else syncSlice(b, regime, n);
      check(b);
    }
  }
  return round;
}

let snapshots = 0;

/** heapUsed, and the bytes held by JavaScript objects (V8's code and internals left out). */
function heap() {
  for (let i = 0; i < 4; i++) globalThis.gc();
  const used = process.memoryUsage().heapUsed;
  const file = path.join(tmpdir(), `fluxgate-soak-${process.pid}-${snapshots++}.heapsnapshot`);
  v8.writeHeapSnapshot(file);
  const snapshot = JSON.parse(readFileSync(file, 'utf8'));
  unlinkSync(file);
  const { node_fields: fields, node_types: nodeTypes } = snapshot.snapshot.meta;
  const typeAt = fields.indexOf('type');
  const sizeAt = fields.indexOf('self_size');
  const types = nodeTypes[0];
  let objects = 0;
  const nodes = snapshot.nodes;
  for (let i = 0; i < nodes.length; i += fields.length) {
    const type = types[nodes[i + typeAt]];
    if (type !== 'code' && type !== 'hidden' && type !== 'synthetic') objects += nodes[i + sizeAt];
  }
  return { used, objects };
}

const callsPerBreaker = Math.ceil(TOTAL_CALLS / breakers.length / SLICE) * SLICE;
const started = process.hrtime.bigint();

// Warm up (JIT, inline caches, every window filled) before the first heap figure.
const warmRound = await soak(4 * SLICE, 0);
await Promise.all(breakers.map((b) => b.breaker.flush()));
const heapBefore = heap();
const callsBefore = breakers.reduce((s, b) => s + b.calls, 0);

await soak(callsPerBreaker, warmRound);
await Promise.all(breakers.map((b) => b.breaker.flush()));
const heapAfter = heap();
const seconds = Number(process.hrtime.bigint() - started) / 1e9;

const soaked = breakers.reduce((s, b) => s + b.calls, 0) - callsBefore;
const growth = heapAfter.objects - heapBefore.objects;
const perBreaker = growth / breakers.length;
const usedGrowth = heapAfter.used - heapBefore.used;
const usedPerBreaker = usedGrowth / breakers.length;
const nonInteger = breakers.reduce((s, b) => s + b.window.nonInteger, 0);

const report = {
  calls: soaked,
  warmupCalls: callsBefore,
  seconds: Math.round(seconds * 10) / 10,
  breakers: breakers.length,
  heapBefore,
  heapAfter,
  objectGrowthBytes: growth,
  objectGrowthPerBreakerBytes: Math.round(perBreaker),
  heapUsedGrowthBytes: usedGrowth,
  heapUsedGrowthPerBreakerBytes: Math.round(usedPerBreaker),
  maxGrowthPerBreakerBytes: MAX_GROWTH,
  maxTotalDurationDrift: maxDrift,
  nonIntegerDurations: nonInteger,
  windowChecks: checks,
  countMismatches: mismatches.length,
  unexpectedErrors: unexpected.length,
  perBreaker: breakers.map((b) => ({
    name: b.breaker.name,
    calls: b.calls,
    refused: b.refused,
    transitions: b.stats.signals,
    opens: b.stats.opens,
    state: b.breaker.state,
  })),
};

const failures = [];
if (soaked < TOTAL_CALLS) failures.push(`only ${soaked} calls, ${TOTAL_CALLS} asked`);
if (perBreaker > MAX_GROWTH)
  failures.push(`objects grew ${Math.round(perBreaker)} B per breaker (limit ${MAX_GROWTH})`);
if (usedPerBreaker > 64 * MAX_GROWTH)
  failures.push(
    `heapUsed grew ${Math.round(usedPerBreaker)} B per breaker (limit ${64 * MAX_GROWTH})`,
  );
if (maxDrift !== 0) failures.push(`totalDuration drifted by ${maxDrift} ms from the exact sum`);
if (nonInteger !== 0) failures.push(`${nonInteger} durations were not whole milliseconds`);
if (mismatches.length > 0) failures.push(...mismatches.slice(0, 10));
if (unexpected.length > 0) failures.push(...unexpected);
for (const b of breakers) {
  if (b.stats.opens === 0)
    failures.push(`${b.breaker.name} never opened: the regimes did not bite`);
}

if (JSON_OUTPUT) {
  console.log(JSON.stringify({ ...report, failures }, null, 2));
} else {
  const kb = (n) => `${(n / 1024).toFixed(1)} KiB`;
  console.log(
    `soak: ${soaked.toLocaleString('en')} calls (+${callsBefore.toLocaleString('en')} warm-up) through ${breakers.length} breakers in ${report.seconds} s`,
  );
  const signed = (n) => `${n >= 0 ? '+' : ''}${kb(n)}`;
  console.log(
    `JS objects on the heap: before ${kb(heapBefore.objects)}, after ${kb(heapAfter.objects)}: ${signed(growth)} (${Math.round(perBreaker)} B per breaker, limit ${MAX_GROWTH} B)`,
  );
  console.log(
    `heapUsed (with compiled code): before ${kb(heapBefore.used)}, after ${kb(heapAfter.used)}: ${signed(usedGrowth)} (${Math.round(usedPerBreaker)} B per breaker, limit ${64 * MAX_GROWTH} B)`,
  );
  console.log(
    `totalDuration drift vs the exact integer sum: max ${maxDrift} ms over ${checks} checks; count/failure mismatches: ${mismatches.length}`,
  );
  for (const p of report.perBreaker) {
    console.log(
      `  ${p.name.padEnd(24)} ${String(p.calls).padStart(9)} calls, ${String(p.refused).padStart(8)} refused, ${String(p.transitions).padStart(5)} transitions (${p.opens} opens), now ${p.state}`,
    );
  }
  console.log(failures.length === 0 ? 'soak: OK' : `soak: FAILED\n  ${failures.join('\n  ')}`);
}
process.exitCode = failures.length === 0 ? 0 : 1;
