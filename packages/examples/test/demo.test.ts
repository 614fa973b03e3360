/**
 * The demo as a user runs it, in a child process: a short run (--duration 14s at --speed 4, the
 * same story four times faster) with the transition lines of LogListener and a Slack webhook on
 * loopback. Checked: /, /breakers, the 503 + Retry-After of an open circuit, /metrics (promtool,
 * and against /breakers), a real Prometheus started with prometheus.yml scraping it, every
 * breaker through closed → open → half_open → closed, the exit code, and that no process or
 * port is left behind.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { BreakerSnapshot, DemoSnapshot } from '../src/demo/snapshot';
import {
  exitCode,
  freePort,
  groupAlive,
  PACKAGE,
  parseStartup,
  portOpen,
  requireCommand,
  runTs,
  spawnChild,
  stopGroup,
  waitFor,
  type Child,
} from './support/processes';

const CIRCUITS = ['payment_api', 'search_api', 'shipping_api'];
const DURATION_S = 14;

interface Transition {
  circuit: string;
  from: string;
  to: string;
}

/** LogListener's lines: `Circuit breaker 'x' transitioned from a to b`. */
function loggedTransitions(output: string): Transition[] {
  return [...output.matchAll(/Circuit breaker '(\w+)' transitioned from (\w+) to (\w+)/g)].map(
    ([, circuit, from, to]) => ({ circuit: circuit!, from: from!, to: to! }),
  );
}

/** Each circuit's transitions in order, as `from>to` strings. */
function byCircuit(transitions: readonly Transition[]): Map<string, string[]> {
  const result = new Map<string, string[]>(CIRCUITS.map((name) => [name, []]));
  for (const t of transitions) result.get(t.circuit)?.push(`${t.from}>${t.to}`);
  return result;
}

/** `circuit_breaker_state{circuit_name="x",state="y"} 1` → x → y. */
function statesFromMetrics(text: string): Map<string, string> {
  const states = new Map<string, string>();
  for (const [, circuit, state] of text.matchAll(
    /^circuit_breaker_state\{circuit_name="(\w+)",state="(\w+)"\} 1$/gm,
  )) {
    states.set(circuit!, state!);
  }
  return states;
}

/** Transition counts per circuit from `circuit_breaker_state_transition_total`. */
function transitionCountsFromMetrics(text: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const [, labels, value] of text.matchAll(
    /^circuit_breaker_state_transition_total\{([^}]*)\} (\d+)$/gm,
  )) {
    const circuit = /circuit_name="(\w+)"/.exec(labels!)![1]!;
    counts.set(circuit, (counts.get(circuit) ?? 0) + Number(value));
  }
  return counts;
}

describe('pnpm demo: a 14 s run at 4× speed', () => {
  let demo: Child | undefined;
  let url = '';
  let downstreamPorts: number[] = [];
  let serviceWasUp = false;
  let webhook: Server | undefined;
  let prometheus: Child | undefined;
  let prometheusStarted: Promise<{ api: string }> | undefined;
  let work: string | undefined;
  const slackMessages: { text?: string }[] = [];
  /** /breakers snapshots taken during the run. */
  const snapshots: DemoSnapshot[] = [];

  const get = async (path: string) => {
    const response = await fetch(url + path);
    return { response, text: await response.text() };
  };
  const breakers = async (): Promise<DemoSnapshot> => {
    const snapshot = JSON.parse((await get('/breakers')).text) as DemoSnapshot;
    snapshots.push(snapshot);
    return snapshot;
  };
  const diagnostics = () =>
    `\n--- demo stdout\n${demo?.stdout().slice(-4_000)}\n--- demo stderr\n${demo?.stderr().slice(-4_000)}`;

  /**
   * Starts Prometheus with the shipped prometheus.yml, pointed at this run's port and scraping
   * every second instead of every five.
   */
  async function startPrometheus(): Promise<{ api: string }> {
    const bin = requireCommand(
      'prometheus',
      "install Debian's prometheus package (bash scripts/test.sh does)",
    );
    const promtool = requireCommand('promtool', "install Debian's prometheus package");
    const shipped = path.join(PACKAGE, 'prometheus.yml');
    const check = spawnSync(promtool, ['check', 'config', shipped], { encoding: 'utf8' });
    if (check.status !== 0)
      throw new Error(`promtool check config: ${check.stdout}${check.stderr}`);

    work = mkdtempSync(path.join(tmpdir(), 'fluxgate-demo-prometheus-'));
    const config = readFileSync(shipped, 'utf8')
      .replace("'127.0.0.1:3000'", `'${new URL(url).host}'`)
      .replace(/(scrape|evaluation)_interval: 5s/g, '$1_interval: 1s')
      .replace(
        '../prometheus/alerts/rules.yml',
        path.join(PACKAGE, '../prometheus/alerts/rules.yml'),
      );
    writeFileSync(path.join(work, 'prometheus.yml'), config);
    const port = await freePort();
    prometheus = spawnChild(bin, [
      `--config.file=${path.join(work, 'prometheus.yml')}`,
      `--storage.tsdb.path=${path.join(work, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ]);
    return { api: `http://127.0.0.1:${port}/api/v1` };
  }

  beforeAll(async () => {
    webhook = createServer((request, response) => {
      let body = '';
      request.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      request.on('end', () => {
        slackMessages.push(JSON.parse(body) as { text?: string });
        response.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
      });
    });
    await new Promise<void>((resolve) => webhook!.listen(0, '127.0.0.1', resolve));
    const hook = `http://127.0.0.1:${(webhook.address() as AddressInfo).port}/services/T000/B000/XXXXXXXX`;

    demo = runTs('src/demo/main.ts', [
      '--port',
      '0',
      '--speed',
      '4',
      '--duration',
      `${DURATION_S}s`,
      '--view',
      'log',
      '--slack-webhook',
      hook,
    ]);
    const startup = await waitFor('the demo to start', () => {
      if (demo!.process.exitCode !== null) throw new Error(`the demo exited${diagnostics()}`);
      return parseStartup(demo!.stdout());
    });
    url = startup.url;
    downstreamPorts = startup.downstreamPorts;
    serviceWasUp = await portOpen(Number(new URL(url).port));
    // Started now, checked later: Prometheus takes a few seconds to come up.
    prometheusStarted = startPrometheus();
    prometheusStarted.catch(() => undefined); // reported by its test
  }, 30_000);

  afterAll(async () => {
    await stopGroup(prometheus);
    if (work) rmSync(work, { recursive: true, force: true });
    await stopGroup(demo);
    await new Promise<void>((resolve) => {
      if (!webhook) return resolve();
      webhook.close(() => resolve());
      webhook.closeAllConnections();
    });
  });

  it('listens on 127.0.0.1 and serves the live page on /', async () => {
    expect(serviceWasUp).toBe(true);
    const { response, text } = await get('/');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(text).toContain('<title>fluxgate demo</title>');
    expect(text).toContain("fetch('/breakers'");
  });

  it('GET /breakers has every breaker: its info(), its policy and its transitions', async () => {
    const snapshot = await breakers();
    expect(snapshot.breakers.map((b) => b.name)).toEqual(CIRCUITS);
    for (const b of snapshot.breakers) {
      expect(b).toEqual(
        expect.objectContaining({
          state: expect.stringMatching(/^(closed|open|half_open)$/),
          changedAt: expect.any(Number),
          reopens: expect.any(Number),
          consecutiveFailures: expect.any(Number),
          metrics: expect.objectContaining({
            totalCount: expect.any(Number),
            failureCount: expect.any(Number),
          }),
          policy: expect.any(String),
          route: expect.stringMatching(/^\/api\//),
          transitions: expect.any(Array),
        }),
      );
      expect(b.retryAt === null).toBe(b.state !== 'open');
    }
  });

  it('answers 503 with Retry-After from the breaker while a circuit is open', async () => {
    const rejected = await waitFor(
      'a route to be rejected by its open circuit',
      async () => {
        const snapshot = await breakers();
        const open = snapshot.breakers.find((b: BreakerSnapshot) => b.state === 'open');
        if (!open) return undefined;
        const { response, text } = await get(open.route);
        return response.status === 503 ? { open, response, body: JSON.parse(text) } : undefined;
      },
      { timeout: 10_000, interval: 50 },
    );
    const retryAfter = rejected.response.headers.get('retry-after');
    expect(retryAfter).toMatch(/^\d+$/);
    expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
    expect(rejected.body).toEqual(
      expect.objectContaining({ error: 'circuit_open', circuit: rejected.open.name }),
    );
    // The wait it announces is the breaker's own: at most its longest retry wait (2 s at 4×).
    expect(Number(retryAfter)).toBeLessThanOrEqual(2);
  });

  it('GET /metrics passes promtool check metrics and agrees with /breakers', async () => {
    const promtool = requireCommand(
      'promtool',
      "install Debian's prometheus package (bash scripts/test.sh does)",
    );
    // Once every circuit has moved at least once, the counters have something to say.
    await waitFor(
      'every circuit to trip',
      async () =>
        (await breakers()).breakers.every((b) => b.transitions.length > 0) ? true : undefined,
      { timeout: 10_000, interval: 200 },
    );
    // The state gauge and the transition counter match /breakers (retried: the demo moves on
    // between two requests).
    const { metrics, snapshot } = await waitFor(
      'a /metrics and /breakers pair taken at the same moment',
      async () => {
        const before = await breakers();
        const text = (await get('/metrics')).text;
        const after = await breakers();
        const same = (a: DemoSnapshot, b: DemoSnapshot) =>
          a.breakers.every(
            (x, i) =>
              x.state === b.breakers[i]!.state &&
              x.transitions.length === b.breakers[i]!.transitions.length,
          );
        return same(before, after) ? { metrics: text, snapshot: after } : undefined;
      },
      { timeout: 8_000, interval: 20 },
    );
    const states = statesFromMetrics(metrics);
    const counts = transitionCountsFromMetrics(metrics);
    for (const b of snapshot.breakers) {
      expect(states.get(b.name)).toBe(b.state);
      expect(counts.get(b.name)).toBe(b.transitions.length);
    }
    expect(metrics).toMatch(
      /^circuit_breaker_calls_total\{circuit_name="payment_api",outcome="success"\} \d+$/m,
    );
    expect(metrics).toMatch(/^circuit_breaker_call_duration_seconds_bucket\{/m);
    expect(metrics).toMatch(/^# TYPE circuit_breaker_failure_rate gauge$/m);

    const check = spawnSync(promtool, ['check', 'metrics'], { input: metrics, encoding: 'utf8' });
    expect({ status: check.status, output: `${check.stdout}${check.stderr}` }).toEqual({
      status: 0,
      output: '',
    });
  });

  it('is scraped by a real Prometheus configured with prometheus.yml, its rules loaded', async () => {
    const { api } = await prometheusStarted!;
    const states = await waitFor(
      'Prometheus to scrape the state of every circuit',
      async () => {
        const query = new URLSearchParams({ query: 'circuit_breaker_state == 1' });
        const body = (await (await fetch(`${api}/query?${query}`)).json()) as {
          data: { result: { metric: Record<string, string> }[] };
        };
        const names = body.data.result.map((r) => r.metric.circuit_name).sort();
        return names.length === CIRCUITS.length ? names : undefined;
      },
      { timeout: 10_000, interval: 250 },
    );
    expect(states).toEqual(CIRCUITS);
    const rules = (await (await fetch(`${api}/rules`)).json()) as {
      data: { groups: { rules: { name: string }[] }[] };
    };
    expect(rules.data.groups.flatMap((g) => g.rules.map((r) => r.name))).toEqual(
      expect.arrayContaining(['CircuitBreakerOpen', 'CircuitBreakerFlapping']),
    );
    await stopGroup(prometheus);
  }, 20_000);

  it('exits 0 after --duration, every breaker having gone closed → open → half_open → closed', async () => {
    const code = await exitCode(demo!, 30_000);
    expect({ code, stderr: demo!.stderr() }).toEqual({ code: 0, stderr: '' });

    const logged = byCircuit(loggedTransitions(demo!.stdout()));
    for (const circuit of CIRCUITS) {
      const sequence = logged.get(circuit)!;
      const trip = sequence.indexOf('closed>open');
      const probe = trip < 0 ? -1 : sequence.indexOf('open>half_open', trip);
      const recovery = probe < 0 ? -1 : sequence.indexOf('half_open>closed', probe);
      expect({
        circuit,
        wentThrough: recovery > probe && probe > trip && trip >= 0,
        sequence,
      }).toEqual({
        circuit,
        wentThrough: true,
        sequence,
      });
    }
    expect(demo!.stdout()).toMatch(/^Summary: [\d.]+ s at speed 4×/m);
    expect(demo!.stdout()).toMatch(/^payment_api\s+\d+\s+\d+\s+\d+\s+\d+\s+\d+\s+\d+/m);
  }, 40_000);

  it('logged the same transitions as /breakers showed during the run', () => {
    const logged = byCircuit(loggedTransitions(demo!.stdout()));
    expect(snapshots.length).toBeGreaterThan(0);
    for (const snapshot of snapshots) {
      for (const b of snapshot.breakers) {
        const seen = b.transitions.map((t) => `${t.from}>${t.to}`);
        expect(logged.get(b.name)!.slice(0, seen.length)).toEqual(seen);
      }
    }
  });

  it('leaves no process and no open port behind', async () => {
    await demo!.exited;
    expect(groupAlive(demo!.pid)).toBe(false);
    const ports = [Number(new URL(url).port), ...downstreamPorts];
    expect(await Promise.all(ports.map(portOpen))).toEqual(ports.map(() => false));
  });

  it('posted the transitions to the Slack webhook given with --slack-webhook', () => {
    const transitions = loggedTransitions(demo!.stdout()).length;
    expect(slackMessages.length).toBeGreaterThanOrEqual(Math.min(transitions, 3));
    const texts = slackMessages.map((m) => m.text ?? '').join('\n');
    for (const circuit of CIRCUITS) expect(texts).toContain(circuit);
    expect(demo!.stdout()).not.toContain('XXXXXXXX'); // the webhook URL's secret stays secret
  });
});
