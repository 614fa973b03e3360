// A short run of the whole benchmark, for CI: one measured round of every case, then checks that
// the report is complete. It asserts no timing (a shared CI machine cannot say anything about
// speed in a few seconds); it catches a benchmark that no longer runs, a case that measures
// nothing, a part that is skipped, or a comparison that stopped holding (the Prometheus scrape
// case, for one, throws when its two registries print different text).
//
// Usage: node scripts/smoke.mjs (from bench/, after the packages are built)
import { spawnSync } from 'node:child_process';
import { URL, fileURLToPath } from 'node:url';

/** The targets the report evaluates: one row each in its "Targets" table. */
const EXPECTED_TARGETS = 12;
const SECTIONS = [
  '## Summary',
  '## Targets (issue 7)',
  '## Floors (ns per operation)',
  '## Time per call (ns, lower is better)',
  '## Memory',
  '## Idle CPU',
  '## Bundle size',
  '## Prometheus listener (`@fluxgate/prometheus`)',
];

const benchDir = fileURLToPath(new URL('..', import.meta.url));
const run = spawnSync(
  process.execPath,
  ['--expose-gc', 'src/main.mjs', '--quick=true', '--rounds=1', '--time=5', '--no-write'],
  { cwd: benchDir, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
);
const output = `${run.stdout}${run.stderr}`;
const problems = [];

if (run.status !== 0) problems.push(`the benchmark exited with ${run.status ?? run.signal}`);
for (const heading of SECTIONS) {
  if (!output.includes(`\n${heading}\n`)) problems.push(`no section "${heading}"`);
}
if (/^Skipped/m.test(output)) problems.push('a part was skipped');

const targets = (output.split('\n## Targets (issue 7)\n')[1] ?? '')
  .split('\n## ')[0]
  .split('\n')
  .filter((line) => line.startsWith('| ') && !line.startsWith('| target |'));
if (targets.length !== EXPECTED_TARGETS) {
  problems.push(`${targets.length} target rows, expected ${EXPECTED_TARGETS}`);
}
for (const row of targets) {
  if (!/\| (met|\*\*missed\*\*) \|$/.test(row)) problems.push(`a target without a verdict: ${row}`);
  if (/NaN|\| – \|/.test(row)) problems.push(`a target measured nothing: ${row}`);
}

if (problems.length > 0) {
  console.error(output);
  console.error(`bench smoke run: ${problems.length} problem(s):`);
  for (const problem of problems) console.error(`- ${problem}`);
  process.exit(1);
}
console.log(`bench smoke run: every part ran, ${targets.length} targets evaluated`);
