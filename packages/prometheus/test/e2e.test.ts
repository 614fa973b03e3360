/**
 * End to end: the real `prometheus` server scrapes a real Node process that exports four
 * breakers through PrometheusListener (alternating the text format and OpenMetrics from one
 * scrape to the next), with the shipped alert rules loaded. After the breakers go through their
 * transitions, every PromQL query of the seed page and of every dashboard panel is asked through
 * Prometheus's HTTP API.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { CIRCUITS, FINAL_STATES, ODD_NAME } from './fixtures/scenario';
import { dashboardQueries, expandVariables, loadDashboard } from './support/dashboard';
import { buildForNode } from './support/node-build';
import { freePort, start, stop, waitFor, type Child } from './support/processes';
import { describeWithTool } from './support/tools';

const PACKAGE = path.resolve(__dirname, '..');
const SETUP_TIMEOUT = 60_000;

interface Sample {
  metric: Record<string, string>;
  value: [number, string];
}

describeWithTool('prometheus', 'a real Prometheus scraping a real process', (prometheusBin) => {
  let work = '';
  let app: Child | undefined;
  let prometheus: Child | undefined;
  let appUrl = '';
  let prometheusUrl = '';

  async function getJson<T>(url: string, init?: RequestInit): Promise<T> {
    const response = await fetch(url, init);
    if (!response.ok) throw new Error(`${url}: HTTP ${response.status} ${await response.text()}`);
    return (await response.json()) as T;
  }

  async function query(expr: string): Promise<Sample[]> {
    const body = await getJson<{
      status: string;
      error?: string;
      data: { resultType: string; result: Sample[] };
    }>(`${prometheusUrl}/api/v1/query?${new URLSearchParams({ query: expr })}`);
    if (body.status !== 'success') throw new Error(`${expr}: ${body.error}`);
    if (body.data.resultType !== 'vector') throw new Error(`${expr}: a ${body.data.resultType}`);
    return body.data.result;
  }

  /** `label` → value of each sample, for comparisons that ignore order. */
  async function byLabel(expr: string, label: string): Promise<Record<string, number>> {
    const result: Record<string, number> = {};
    for (const sample of await query(expr)) result[sample.metric[label]!] = Number(sample.value[1]);
    return result;
  }

  const served = () => getJson<{ text: number; openmetrics: number }>(`${appUrl}/stats`);

  function diagnostics(): string {
    const tail = (child: Child | undefined) =>
      child ? child.output().slice(-3_000) : '(not started)';
    return `\n--- fixture output\n${tail(app)}\n--- prometheus output\n${tail(prometheus)}`;
  }

  beforeAll(async () => {
    try {
      work = mkdtempSync(path.join(tmpdir(), 'fluxgate-e2e-'));
      const scripts = buildForNode(path.join(work, 'app'));
      app = start(process.execPath, [scripts['metrics-server']!]);
      const port = await waitFor('the fixture to listen', () => {
        if (app!.process.exitCode !== null) throw new Error('the fixture exited');
        const match = /\{"port":(\d+)\}/.exec(app!.output());
        return match ? Number(match[1]) : undefined;
      });
      appUrl = `http://127.0.0.1:${port}`;

      const prometheusPort = await freePort();
      prometheusUrl = `http://127.0.0.1:${prometheusPort}`;
      const config = path.join(work, 'prometheus.yml');
      writeFileSync(
        config,
        [
          'global:',
          '  scrape_interval: 1s',
          '  scrape_timeout: 1s',
          '  evaluation_interval: 1s',
          'rule_files:',
          `  - ${JSON.stringify(path.join(PACKAGE, 'alerts/rules.yml'))}`,
          'scrape_configs:',
          '  - job_name: fluxgate',
          '    static_configs:',
          `      - targets: ["127.0.0.1:${port}"]`,
          '',
        ].join('\n'),
      );
      mkdirSync(path.join(work, 'data'));
      prometheus = start(prometheusBin, [
        `--config.file=${config}`,
        `--storage.tsdb.path=${path.join(work, 'data')}`,
        `--web.listen-address=127.0.0.1:${prometheusPort}`,
        '--log.level=warn',
      ]);
      await waitFor('Prometheus to be ready', async () => {
        if (prometheus!.process.exitCode !== null) throw new Error('prometheus exited');
        return (await fetch(`${prometheusUrl}/-/ready`)).ok ? true : undefined;
      });

      // Two scrapes of every circuit before anything happens, so that rate() has a baseline.
      await waitFor('two scrapes of every circuit', async () => {
        const [series] = await query('count(circuit_breaker_state)');
        const [samples] = await query('min(count_over_time(circuit_breaker_state[1m]))');
        return Number(series?.value[1]) === CIRCUITS.length * 6 && Number(samples?.value[1]) >= 2
          ? true
          : undefined;
      });

      await getJson(`${appUrl}/scenario`, { method: 'POST' });
      const before = await served();
      await waitFor('two scrapes after the scenario, showing its final states', async () => {
        const now = await served();
        if (now.text + now.openmetrics < before.text + before.openmetrics + 2) return undefined;
        const seen = await query('circuit_breaker_state == 1');
        const current = Object.fromEntries(
          seen.map((s) => [s.metric.circuit_name, s.metric.state]),
        );
        return isDeepStrictEqual(current, FINAL_STATES) ? true : undefined;
      });
    } catch (error) {
      throw new Error(`${error instanceof Error ? error.message : String(error)}${diagnostics()}`, {
        cause: error,
      });
    }
  }, SETUP_TIMEOUT);

  afterAll(async () => {
    await stop(prometheus);
    await stop(app);
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('finds all open circuits: circuit_breaker_state{state="open"} == 1', async () => {
    expect(await byLabel('circuit_breaker_state{state="open"} == 1', 'circuit_name')).toEqual({
      payment_api: 1,
      inventory_api: 1,
    });
  });

  it('counts the circuits in each state: sum(circuit_breaker_state) by (state)', async () => {
    expect(await byLabel('sum(circuit_breaker_state) by (state)', 'state')).toEqual({
      closed: 1,
      open: 2,
      half_open: 0,
      metrics_only: 0,
      disabled: 0,
      forced_open: 1,
    });
  });

  it('rates circuits tripping open: sum(rate(...{new_state="open"}[5m])) by (circuit_name)', async () => {
    const rates = await byLabel(
      'sum(rate(circuit_breaker_state_transition_total{new_state="open"}[5m])) by (circuit_name)',
      'circuit_name',
    );
    expect(Object.keys(rates).sort()).toEqual([...CIRCUITS].sort());
    // payment_api entered open once; inventory_api three times (twice from closed, once from a
    // failed probe), at the same scrape: the same extrapolation applies to both.
    expect(rates.payment_api! * 300).toBeGreaterThanOrEqual(1);
    expect(rates.payment_api! * 300).toBeLessThan(1.5);
    expect(rates.inventory_api! / rates.payment_api!).toBeCloseTo(3, 6);
    expect(rates.search_api).toBe(0);
    expect(rates[ODD_NAME]).toBe(0);
  });

  it('counts transitions into half_open: increase(...{new_state="half_open"}[1h])', async () => {
    const result = await query(
      'increase(circuit_breaker_state_transition_total{new_state="half_open"}[1h])',
    );
    const increases = Object.fromEntries(
      result.map((s) => [s.metric.circuit_name, Number(s.value[1])]),
    );
    expect(Object.keys(increases).sort()).toEqual([...CIRCUITS].sort());
    expect(result.every((s) => s.metric.old_state === 'open' && s.metric.job === 'fluxgate')).toBe(
      true,
    );
    expect(increases.inventory_api).toBeGreaterThanOrEqual(2);
    expect(increases.inventory_api).toBeLessThan(3);
    expect(increases.payment_api).toBe(0);
    expect(increases.search_api).toBe(0);
    expect(increases[ODD_NAME]).toBe(0);
  });

  it('never shows a counter without its _total suffix, though half the scrapes were OpenMetrics', async () => {
    const formats = await served();
    expect(formats.text).toBeGreaterThanOrEqual(2);
    expect(formats.openmetrics).toBeGreaterThanOrEqual(2);
    // Over the whole run, not just now: a series that showed up on some scrapes only counts too.
    const names = (
      await query('count by (__name__) (last_over_time({__name__=~"circuit_breaker_.*"}[1h]))')
    )
      .map((s) => s.metric.__name__)
      .sort();
    expect(names).toEqual([
      'circuit_breaker_call_duration_seconds_bucket',
      'circuit_breaker_call_duration_seconds_count',
      'circuit_breaker_call_duration_seconds_sum',
      'circuit_breaker_calls_total',
      'circuit_breaker_failure_rate',
      'circuit_breaker_state',
      'circuit_breaker_state_transition_total',
    ]);
  });

  it('keeps a circuit name with quotes, a backslash, a newline and Unicode intact', async () => {
    const [forced] = await query('circuit_breaker_state{state="forced_open"} == 1');
    expect(forced?.metric.circuit_name).toBe(ODD_NAME);
  });

  it('answers every dashboard panel query, for every circuit', async () => {
    const dashboard = loadDashboard();
    const answers: Record<string, number> = {};
    for (const { panel, target } of dashboardQueries(dashboard)) {
      const result = await query(expandVariables(target.expr, dashboard));
      answers[`${panel.title} ${target.refId}`] = result.length;
    }
    // Every query answers with data (the fixture exports calls too).
    expect(Object.entries(answers).filter(([, count]) => count === 0)).toEqual([]);
    expect(Object.keys(answers)).toHaveLength(13);

    // "All" matches every circuit, the one with a newline in its name included.
    const timeline = dashboard.panels.find((p) => p.type === 'state-timeline')!;
    const rows = await query(expandVariables(timeline.targets![0]!.expr, dashboard));
    expect(
      Object.fromEntries(rows.map((s) => [s.metric.circuit_name, Number(s.value[1])])),
    ).toEqual({
      payment_api: 1,
      inventory_api: 1,
      search_api: 0,
      [ODD_NAME]: 5,
    });
  });

  it('loads the shipped alert rules and evaluates them without error', async () => {
    const rules = await waitFor('every rule evaluated', async () => {
      const body = await getJson<{
        data: {
          groups: Array<{ rules: Array<{ name: string; health: string; lastError?: string }> }>;
        };
      }>(`${prometheusUrl}/api/v1/rules`);
      const all = body.data.groups.flatMap((g) => g.rules);
      return all.length > 0 && all.every((r) => r.health !== 'unknown') ? all : undefined;
    });
    expect(rules.map((r) => [r.name, r.health, r.lastError ?? ''])).toEqual([
      ['CircuitBreakerOpen', 'ok', ''],
      ['CircuitBreakerFlapping', 'ok', ''],
      ['CircuitBreakersManyOpen', 'ok', ''],
    ]);
  });
});
