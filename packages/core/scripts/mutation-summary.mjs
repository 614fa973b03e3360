#!/usr/bin/env node
// Adds up Stryker's JSON reports (reports/mutation/*.json, or the files given) into one mutation
// score for @fluxgate/core, per file and in all, and lists every surviving and uncovered mutant.
// The score is Stryker's: (killed + timed out) / (killed + timed out + survived + no coverage);
// ignored mutants (static ones in a run with STRYKER_IGNORE_STATIC=1) are counted apart. When two
// reports hold the same mutant, the newer report (by modification time) wins.
//
// Usage: node packages/core/scripts/mutation-summary.mjs [--markdown] [--static-survivors]
//        [report.json ...]
// --static-survivors prints, instead, the STRYKER_MUTATE ranges (whole lines) of the static
// mutants that survived a run that left static mutants to their covering tests only: run them
// again with every test (STRYKER_LABEL=static STRYKER_MUTATE=<that> pnpm test:mutation).
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

const args = process.argv.slice(2);
const markdown = args.includes('--markdown');
let files = args.filter((a) => !a.startsWith('--'));
if (files.length === 0) {
  const dir = 'reports/mutation';
  files = existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => f.endsWith('.json'))
        .map((f) => path.join(dir, f))
    : [];
}
files.sort((a, b) => statSync(a).mtimeMs - statSync(b).mtimeMs);
if (files.length === 0) {
  console.error('mutation-summary: no report found (run pnpm test:mutation first)');
  process.exit(1);
}

/** file -> mutant key -> mutant */
const byFile = new Map();
for (const file of files) {
  const report = JSON.parse(readFileSync(file, 'utf8'));
  for (const [name, result] of Object.entries(report.files)) {
    const mutants = byFile.get(name) ?? new Map();
    for (const m of result.mutants) {
      const { start, end } = m.location;
      const key = `${start.line}:${start.column}-${end.line}:${end.column} ${m.mutatorName} ${m.replacement ?? ''}`;
      mutants.set(key, { ...m, source: result.source });
    }
    byFile.set(name, mutants);
  }
}

if (args.includes('--static-survivors')) {
  const ranges = new Set();
  for (const [name, mutants] of byFile) {
    for (const m of mutants.values()) {
      if (m.static && (m.status === 'Survived' || m.status === 'Ignored')) {
        ranges.add(`${name}:${m.location.start.line}-${m.location.end.line}`);
      }
    }
  }
  console.log([...ranges].join(','));
  process.exit(0);
}

const DETECTED = new Set(['Killed', 'Timeout']);
const UNDETECTED = new Set(['Survived', 'NoCoverage']);
const total = { detected: 0, undetected: 0, ignored: 0, errors: 0, mutants: 0 };
const rows = [];
const survivors = [];
for (const [name, mutants] of [...byFile].sort(([a], [b]) => a.localeCompare(b))) {
  const row = { name, detected: 0, undetected: 0, ignored: 0, errors: 0 };
  for (const m of mutants.values()) {
    if (DETECTED.has(m.status)) row.detected++;
    else if (UNDETECTED.has(m.status)) {
      row.undetected++;
      const line = m.source.split('\n')[m.location.start.line - 1] ?? '';
      survivors.push({ name, m, line: line.trim() });
    } else if (m.status === 'Ignored') row.ignored++;
    else row.errors++; // CompileError, RuntimeError
  }
  for (const k of ['detected', 'undetected', 'ignored', 'errors']) total[k] += row[k];
  total.mutants += mutants.size;
  rows.push(row);
}

const score = (r) =>
  r.detected + r.undetected === 0 ? 100 : (100 * r.detected) / (r.detected + r.undetected);
const pct = (n) => `${n.toFixed(2)}%`;
const short = (name) => name.replace(/^packages\/core\/src\//, '');

if (markdown) {
  console.log('| file | score | detected | survived or uncovered | ignored |');
  console.log('|---|---|---|---|---|');
  for (const r of rows) {
    console.log(
      `| ${short(r.name)} | ${pct(score(r))} | ${r.detected} | ${r.undetected} | ${r.ignored} |`,
    );
  }
  console.log(
    `| **all** | **${pct(score(total))}** | ${total.detected} | ${total.undetected} | ${total.ignored} |`,
  );
} else {
  for (const r of rows) {
    console.log(
      `${short(r.name).padEnd(36)} ${pct(score(r)).padStart(8)}  ${r.detected} detected, ${r.undetected} undetected, ${r.ignored} ignored`,
    );
  }
  console.log(
    `all: ${pct(score(total))} (${total.detected} detected, ${total.undetected} survived or uncovered, ${total.ignored} ignored, ${total.errors} errors, ${total.mutants} mutants, from ${files.length} report(s))`,
  );
}
console.log(markdown ? '\nSurvivors:\n' : '\nsurvivors:');
for (const { name, m, line } of survivors) {
  const where = `${short(name)}:${m.location.start.line}`;
  const what = `${m.mutatorName}${m.replacement ? ` → ${JSON.stringify(m.replacement).slice(0, 60)}` : ''}`;
  console.log(
    markdown
      ? `- \`${where}\` ${m.status} ${what}: \`${line.slice(0, 100)}\``
      : `  ${where} ${m.status} ${what}\n      ${line.slice(0, 120)}`,
  );
}
