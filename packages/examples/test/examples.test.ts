/**
 * Every runnable example in src/examples, run as a user runs it (a child process), with its real
 * output checked: what each one claims to teach is what it prints.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import {
  exitCode,
  PACKAGE,
  requireCommand,
  runTs,
  stopGroup,
  type Child,
} from './support/processes';

/** Each example and the lines (in this order) its output must contain. */
const EXPECTED: Record<string, readonly RegExp[]> = {
  'sync-breaker': [
    /^call 1: failed: config store unavailable$/m,
    /^Circuit breaker 'config_store' transitioned from closed to open$/m,
    /^call 4: rejected without calling the store \(retry in \d+ ms\)$/m,
    /^the store was called 3 times for 5 calls$/m,
    /^Circuit breaker 'config_store' transitioned from open to half_open$/m,
    /^Circuit breaker 'config_store' transitioned from half_open to closed$/m,
    /^call 6 \(after the wait: the probe\): ok, dark_mode=on$/m,
    /^final state: closed$/m,
  ],
  'async-fetch': [
    /^request 1: HTTP 500$/m,
    /^ {2}\[inventory_api\] closed → open$/m,
    /^request 5: rejected \(circuit open\), no request sent$/m,
    /^the service saw 4 of 6 requests$/m,
    /^ {2}\[inventory_api\] half_open → closed$/m,
    /^request 7 \(probe\): HTTP 200$/m,
    /^final state: closed$/m,
  ],
  'fastify-integration': [
    /^GET \/quotes\/ACME → 502 \{"error":"quote service timed out for ACME"\}$/m,
    /^GET \/quotes\/ACME → 503 Retry-After: 30 \{"error":"quote service unavailable, try again later"\}$/m,
  ],
  'protect-decorator': [
    /^ {2}fallback \(recommendations timed out for user-42\): best sellers$/m,
    /^call 2: best seller 1, best seller 2 \(circuit open\)$/m,
    /^ {2}fallback \(circuit open\): best sellers$/m,
    /^the method body ran 2 times for 4 calls$/m,
  ],
  'custom-listener': [
    /^# TYPE circuit_breaker_open_total counter$/m,
    /^circuit_breaker_open_total\{circuit_name="payment_api"\} 2$/m,
    /^circuit_breaker_open_total\{circuit_name="inventory_api"\} 1$/m,
  ],
  'per-service-policies': [
    /^payments_api +open +opened at call 10: 30% failed, latency not judged$/m,
    /^search_api +open +opened at call 10: 30% failed, 80% slow$/m,
    /^analytics_api +closed +stayed closed after 40 calls: 33% failed/m,
    /^recommendations_api +metrics_only +stayed metrics_only after 40 calls: 33% failed/m,
  ],
  fallbacks: [
    /^ {2}ACME: upstream failed, serving the cached price$/m,
    /^callWithFallback: 41.5$/m,
    /^a bad symbol is rethrown: RangeError: bad symbol 'acme!'$/m,
    /^ {2}ACME: circuit open, serving the cached price$/m,
    /^wrap, call 2: 41.5 \(circuit open\)$/m,
    /^the price service was called 2 times for 4 calls$/m,
  ],
};

const EXAMPLES = readdirSync(path.join(PACKAGE, 'src/examples'))
  .filter((file) => file.endsWith('.ts'))
  .map((file) => file.slice(0, -3))
  .sort();

const children: Child[] = [];

afterAll(async () => {
  await Promise.all(children.map((child) => stopGroup(child)));
});

it('has a smoke test for every example in src/examples', () => {
  expect(Object.keys(EXPECTED).sort()).toEqual(EXAMPLES);
});

describe.each(EXAMPLES)('example %s', (name) => {
  it('runs to completion and prints what it teaches', async () => {
    const child = runTs(`src/examples/${name}.ts`);
    children.push(child);
    const code = await exitCode(child, 15_000);
    const output = child.stdout();
    expect({ code, stderr: child.stderr() }).toEqual({
      code: 0,
      stderr: '',
    });
    // The expected lines, in order.
    let from = 0;
    for (const line of EXPECTED[name] ?? []) {
      const match = line.exec(output.slice(from));
      expect({ line: String(line), found: match !== null, output }).toEqual({
        line: String(line),
        found: true,
        output,
      });
      from += match!.index + match![0].length;
    }
    if (name === 'custom-listener') {
      const promtool = requireCommand(
        'promtool',
        "install Debian's prometheus package (bash scripts/test.sh does)",
      );
      const check = spawnSync(promtool, ['check', 'metrics'], {
        input: child.stdout(),
        encoding: 'utf8',
      });
      expect(`${check.stdout}${check.stderr}`).toBe('');
      expect(check.status).toBe(0);
    }
  }, 20_000);
});
