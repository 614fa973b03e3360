/**
 * No open handles: the breaker starts no timer and holds nothing that keeps Node alive. A child
 * `node` process builds both breakers in every state (half_open with a hung probe included, open
 * under `Never` and under a long cooldown, listeners whose promises never settle, count and time
 * windows) with the real clock, then runs off the end of its script: it must exit at once, with
 * code 0.
 *
 * The child uses the current sources, transpiled to plain CommonJS here (no build needed, no
 * TypeScript at run time).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ts from 'typescript';

const SRC = path.resolve(__dirname, '../../src');

function transpile(from: string, to: string): void {
  mkdirSync(to, { recursive: true });
  for (const entry of readdirSync(from, { withFileTypes: true })) {
    const source = path.join(from, entry.name);
    if (entry.isDirectory()) {
      transpile(source, path.join(to, entry.name));
    } else if (entry.name.endsWith('.ts')) {
      const { outputText } = ts.transpileModule(readFileSync(source, 'utf8'), {
        compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
        fileName: source,
      });
      writeFileSync(path.join(to, entry.name.replace(/\.ts$/, '.js')), outputText);
    }
  }
}

const CHILD = `
'use strict';
const core = require('./core/index.js');
const { Cooldown, Never, Always } = require('./core/retries/index.js');
const { FailureStreak } = require('./core/trippers/index.js');
const { CountWindow, TimeWindow } = require('./core/windows/index.js');
const { All } = require('./core/permits/index.js');
const { LogListener } = require('./core/listeners/index.js');

const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const hung = () => new Promise(() => {});
const states = [];
const fail = () => { throw new Error('down'); };
const failAsync = () => Promise.reject(new Error('down'));

function make(Breaker, name, retry, window) {
  return new Breaker({
    name,
    window,
    tripper: new FailureStreak(1),
    retry,
    permit: new All(),
    // A listener whose every promise hangs, and one that logs.
    listeners: [() => hung(), new LogListener({ logger: quiet })],
  });
}

async function main() {
  for (const [label, window] of [['count', () => new CountWindow(10)], ['time', () => new TimeWindow(60000)]]) {
    for (const Breaker of [core.CircuitBreaker, core.AsyncCircuitBreaker]) {
      const isAsync = Breaker === core.AsyncCircuitBreaker;
      const tag = (s) => label + ':' + (isAsync ? 'async' : 'sync') + ':' + s;
      const run = (b, fn) => { try { const r = b.call(fn); if (r && r.catch) r.catch(() => {}); } catch {} };

      const closed = make(Breaker, tag('closed'), new Cooldown(60000), window());
      run(closed, () => 1);
      if (isAsync) closed.call(hung); // a call that never settles, while closed
      states.push([closed.name, closed.state]);

      const open = make(Breaker, tag('open'), new Cooldown(3600000), window());
      run(open, isAsync ? failAsync : fail);
      await new Promise((r) => setImmediate(r));
      states.push([open.name, open.state]);

      const never = make(Breaker, tag('open-never'), new Never(), window());
      run(never, isAsync ? failAsync : fail);
      await new Promise((r) => setImmediate(r));
      states.push([never.name, never.state]);

      const half = make(Breaker, tag('half_open'), new Always(), window());
      run(half, isAsync ? failAsync : fail);
      await new Promise((r) => setImmediate(r));
      if (isAsync) {
        half.call(hung); // the probe: it hangs, and holds its slot
      } else {
        // A sync breaker is half_open while its probe runs.
        half.call(() => { states.push([half.name, half.state]); return 1; });
      }
      if (isAsync) states.push([half.name, half.state]);

      for (const [s, move] of [['metrics_only', 'metricsOnly'], ['disabled', 'disable'], ['forced_open', 'forceOpen']]) {
        const b = make(Breaker, tag(s), new Cooldown(60000), window());
        b[move]();
        if (isAsync) b.call(hung).catch(() => {});
        states.push([b.name, b.state]);
      }
      // A flush() that waits for a hung listener forever keeps nothing alive either.
      void half.flush();
    }
  }
  console.log(JSON.stringify(states));
  console.log('END ' + Date.now());
}
main().catch((error) => { console.error(error); process.exitCode = 1; });
`;

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  exitedAt: number;
}

function runChild(dir: string): Promise<Exit> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(dir, 'child.cjs')], { cwd: dir });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    let exitedAt = 0;
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.on('exit', () => (exitedAt = Date.now()));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, exitedAt });
    });
  });
}

describe('no open handles', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'fluxgate-exit-'));
    transpile(SRC, path.join(dir, 'core'));
    writeFileSync(path.join(dir, 'child.cjs'), CHILD);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('a process with breakers in every state, hung probes and hung listeners exits at once, with code 0', async () => {
    const started = Date.now();
    const exit = await runChild(dir);
    expect({ code: exit.code, signal: exit.signal, stderr: exit.stderr }).toEqual({
      code: 0,
      signal: null,
      stderr: '',
    });
    const [json, end] = exit.stdout.trim().split('\n');
    const states = new Map(JSON.parse(json!) as [string, string][]);
    for (const window of ['count', 'time']) {
      for (const kind of ['sync', 'async']) {
        for (const state of [
          'closed',
          'open',
          'half_open',
          'metrics_only',
          'disabled',
          'forced_open',
        ]) {
          expect([`${window}:${kind}:${state}`, states.get(`${window}:${kind}:${state}`)]).toEqual([
            `${window}:${kind}:${state}`,
            state,
          ]);
        }
        expect(states.get(`${window}:${kind}:open-never`)).toBe('open');
      }
    }
    // It exited as soon as its script ended: nothing was left to wait for.
    const endedAt = Number(end!.replace('END ', ''));
    expect(exit.exitedAt - endedAt).toBeLessThan(2_000);
    expect(exit.exitedAt - started).toBeLessThan(5_000);
  }, 30_000);
});
