// `pnpm bench`: every case in one process, against the built packages. Prints the tables and
// writes them to bench/results.md.
//
// Options (after `pnpm bench --`, or `node --expose-gc src/main.mjs ...`):
//   --rounds=N        measured rounds per timed case (default 7; a warm-up round comes first)
//   --time=MS         minimum CPU time of one timed measurement (default 100)
//   --only=REGEX      time only the cases whose id matches (ids: see timing.mjs)
//   --skip=LIST       skip parts: timing,prometheus,memory,idle,bundle
//   --quick           2 rounds, shorter measurements, fewer calls: for a quick look, not results
//   --no-write        print only; leave results.md alone
//   --json=FILE       also write the raw figures as JSON (for comparing two runs)
import { readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import { URL, fileURLToPath } from 'node:url';
import { bundleSuite } from './bundle.mjs';
import { idleSuite } from './idle.mjs';
import { median, timeCase } from './measure.mjs';
import { memorySuite } from './memory.mjs';
import { prometheusSuite } from './prometheus.mjs';
import { render } from './report.mjs';
import { timingSuite } from './timing.mjs';

if (typeof globalThis.gc !== 'function') {
  console.error('Run with --expose-gc: `pnpm bench`, or `node --expose-gc src/main.mjs`.');
  process.exit(1);
}

const args = Object.fromEntries(
  process.argv.slice(2).map((arg) => {
    const [key, value = 'true'] = arg.replace(/^--/, '').split('=');
    return [key, value];
  }),
);
const quick = args.quick === 'true';
const settings = {
  rounds: Number(args.rounds ?? (quick ? 2 : 7)),
  minCpuTimeMs: Number(args.time ?? (quick ? 40 : 100)),
  only: args.only ? new RegExp(args.only) : undefined,
  skip: new Set((args.skip ?? '').split(',').filter(Boolean)),
};
const log = (line) => console.log(line);

function machineInfo() {
  let cpu;
  try {
    cpu = /^model name\s*:\s*(.*)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1];
  } catch {
    // not Linux
  }
  return {
    cpu: cpu ?? 'unknown CPU',
    cores: availableParallelism(),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
  };
}

/** Cases in table order, so that a row's floor, fluxgate and peers are measured back to back. */
function inRowOrder(rows, cases) {
  const byId = new Map(cases.map((c) => [c.id, c]));
  const order = [];
  const push = (id) => {
    if (id && byId.has(id)) {
      order.push(byId.get(id));
      byId.delete(id);
    }
  };
  for (const row of rows) {
    for (const id of [row.floor, row.base, row.fluxgate, ...Object.values(row.peers ?? {})])
      push(id);
    for (const id of [row.bare, row.withListener, row.promClient]) push(id);
  }
  return [...order, ...byId.values()];
}

async function runTiming(rows, cases) {
  const ordered = inRowOrder(rows, cases);
  const selected = settings.only ? ordered.filter((c) => settings.only.test(c.id)) : ordered;
  const rounds = new Map(selected.map((c) => [c.id, []]));
  log(`timing: ${selected.length} cases, 1 warm-up round + ${settings.rounds} rounds`);
  for (let round = 0; round <= settings.rounds; round++) {
    const t0 = performance.now();
    for (const c of selected) {
      const value = await timeCase(c, {
        minCpuTimeMs: round === 0 ? settings.minCpuTimeMs / 2 : settings.minCpuTimeMs,
      });
      if (round > 0) rounds.get(c.id).push(value);
    }
    log(
      `  round ${round === 0 ? 'warm-up' : round}: ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );
  }
  const t = {};
  const spread = {};
  for (const [id, values] of rounds) {
    t[id] = median(values);
    spread[id] = [Math.min(...values), Math.max(...values)];
  }
  /** The median over the rounds of a / b, each round's pair measured close together in time. */
  const ratio = (a, b) => {
    const x = rounds.get(a);
    const y = rounds.get(b);
    if (!x || !y) return NaN;
    return median(x.map((v, i) => v / y[i]));
  };
  return { t, spread, ratio, rounds: Object.fromEntries(rounds) };
}

const started = performance.now();
const machine = machineInfo();
log(
  `fluxgate bench: ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}, ${machine.date}`,
);

const bundle = settings.skip.has('bundle') ? undefined : await bundleSuite({ log });

const { cases, rows } = timingSuite();
const prom = settings.skip.has('prometheus') ? undefined : await prometheusSuite();
if (prom?.skipped) log(`prometheus: skipped: ${prom.skipped}`);
const allCases = [...cases, ...(prom?.cases ?? [])];
const timing = settings.skip.has('timing')
  ? { t: {}, spread: {}, ratio: () => NaN, rounds: {} }
  : await runTiming([...rows, ...(prom?.rows ?? [])], allCases);

const memory = settings.skip.has('memory')
  ? undefined
  : await memorySuite({ growthCalls: quick ? 200_000 : 1_000_000, log });
const idle = settings.skip.has('idle')
  ? undefined
  : await idleSuite({ seconds: quick ? 1 : 3, log });

const { markdown, targets } = render({
  machine,
  settings,
  timing: { rows, ...timing },
  memory,
  idle,
  bundle,
  prom,
});
log('');
log(markdown);
log(`(${((performance.now() - started) / 1000).toFixed(0)} s)`);

if (args['no-write'] !== 'true') {
  const file = fileURLToPath(new URL('../results.md', import.meta.url));
  writeFileSync(file, markdown);
  log(`wrote ${file}`);
}
if (args.json) {
  writeFileSync(
    args.json,
    JSON.stringify(
      {
        machine,
        settings: { ...settings, only: args.only, skip: [...settings.skip] },
        timing: { t: timing.t, rounds: timing.rounds },
        memory,
        idle,
        bundle,
        targets,
      },
      null,
      2,
    ),
  );
}
