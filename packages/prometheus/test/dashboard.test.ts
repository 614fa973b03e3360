/**
 * The shipped Grafana dashboard: its structure, the seed page's three panels, and every query
 * parsed by Prometheus itself (promtool). test/e2e.test.ts runs each query against a live
 * Prometheus as well.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { dashboardQueries, expandVariables, loadDashboard, type Panel } from './support/dashboard';
import { describeWithTool } from './support/tools';

const dashboard = loadDashboard();
const DATASOURCE = { type: 'prometheus', uid: '${datasource}' };
const PANEL_TYPES = [
  'stat',
  'piechart',
  'timeseries',
  'state-timeline',
  'bargauge',
  'table',
  'row',
];

function panel(title: string): Panel {
  const found = dashboard.panels.find((p) => p.title === title);
  if (found === undefined) throw new Error(`no panel titled ${title}`);
  return found;
}

/** A query without the dashboard's circuit filter: what the seed page wrote. */
function withoutFilter(expr: string): string {
  return expr
    .replace('{circuit_name=~"$circuit_name"}', '')
    .replace(', circuit_name=~"$circuit_name"', '');
}

describe('the Grafana dashboard', () => {
  it('has a stable uid, a title and a schema version', () => {
    expect(dashboard.uid).toBe('fluxgate-circuit-breakers');
    expect(dashboard.title).toBe('fluxgate circuit breakers');
    expect(dashboard.schemaVersion).toBeGreaterThanOrEqual(36);
  });

  it('takes its Prometheus from a datasource variable, and circuits from a circuit_name variable', () => {
    const [datasource, circuit] = dashboard.templating.list;
    expect(datasource).toMatchObject({
      name: 'datasource',
      type: 'datasource',
      query: 'prometheus',
    });
    expect(circuit).toMatchObject({
      name: 'circuit_name',
      type: 'query',
      datasource: DATASOURCE,
      definition: 'label_values(circuit_breaker_state, circuit_name)',
      includeAll: true,
      multi: true,
      // RE2's `.` stops at newlines unless told otherwise: "All" must match every name.
      allValue: '(?s:.*)',
    });
  });

  it('gives every panel a unique id, a known type and a place on the 24-column grid, without overlap', () => {
    const ids = dashboard.panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    const taken = new Set<string>();
    for (const p of dashboard.panels) {
      expect({ title: p.title, type: PANEL_TYPES.includes(p.type) }).toEqual({
        title: p.title,
        type: true,
      });
      const { x, y, w, h } = p.gridPos;
      expect(x >= 0 && w > 0 && h > 0 && x + w <= 24).toBe(true);
      for (let row = y; row < y + h; row++) {
        for (let col = x; col < x + w; col++) {
          expect(taken.has(`${row}:${col}`) ? `${p.title} overlaps at ${row}:${col}` : '').toBe('');
          taken.add(`${row}:${col}`);
        }
      }
    }
  });

  it('queries the datasource variable from every panel and target, filtered by circuit_name', () => {
    for (const p of dashboard.panels.filter((p) => p.type !== 'row')) {
      expect({ title: p.title, datasource: p.datasource }).toEqual({
        title: p.title,
        datasource: DATASOURCE,
      });
      expect(p.targets?.length).toBeGreaterThan(0);
      expect(new Set(p.targets!.map((t) => t.refId)).size).toBe(p.targets!.length);
      for (const target of p.targets!) {
        expect(target.datasource).toEqual(DATASOURCE);
        expect(target.expr).toContain('circuit_name=~"$circuit_name"');
      }
      expect(typeof p.description).toBe('string');
    }
  });

  describe("has the seed page's three panels", () => {
    it('"Currently Open Circuits": a stat, no unit, thresholds 0 / 1 (warning) / 5 (critical)', () => {
      const p = panel('Currently Open Circuits');
      expect(p.type).toBe('stat');
      expect(withoutFilter(p.targets![0]!.expr)).toBe('sum(circuit_breaker_state{state="open"})');
      expect(p.fieldConfig!.defaults).toMatchObject({
        unit: 'none',
        thresholds: {
          mode: 'absolute',
          steps: [
            { color: 'green', value: null },
            { color: 'orange', value: 1 },
            { color: 'red', value: 5 },
          ],
        },
      });
    });

    it('"Circuit Trip Rate (5m)": a time series per circuit, in transitions per second', () => {
      const p = panel('Circuit Trip Rate (5m)');
      expect(p.type).toBe('timeseries');
      expect(withoutFilter(p.targets![0]!.expr)).toBe(
        'sum(rate(circuit_breaker_state_transition_total{new_state="open"}[5m])) by (circuit_name)',
      );
      expect(p.targets![0]!.legendFormat).toBe('{{circuit_name}}');
      expect(p.fieldConfig!.defaults.unit).toBe('suffix: transitions/s');
    });

    it('"Circuit State Overview": a pie chart of all values, no unit', () => {
      const p = panel('Circuit State Overview');
      expect(p.type).toBe('piechart');
      expect(withoutFilter(p.targets![0]!.expr)).toBe('sum(circuit_breaker_state) by (state)');
      expect(p.options!.reduceOptions).toMatchObject({ values: true });
      expect(p.fieldConfig!.defaults.unit).toBe('none');
    });
  });

  it('has the panels beyond the seed: state timeline, time open, transitions, calls and latency', () => {
    const types = Object.fromEntries(dashboard.panels.map((p) => [p.title, p.type]));
    expect(types).toMatchObject({
      'State timeline': 'state-timeline',
      'Time spent open': 'bargauge',
      'Transitions in range': 'table',
      'Transitions into half_open (1h)': 'timeseries',
      'Call rate by outcome': 'timeseries',
      'Call latency': 'timeseries',
      'Failure rate (breaker window)': 'timeseries',
      'Rejected calls': 'timeseries',
    });
    expect(panel('Call latency').targets!.map((t) => t.expr.slice(0, 24))).toEqual([
      'histogram_quantile(0.5, ',
      'histogram_quantile(0.95,',
      'histogram_quantile(0.99,',
    ]);
    expect(withoutFilter(panel('Transitions into half_open (1h)').targets![0]!.expr)).toBe(
      'increase(circuit_breaker_state_transition_total{new_state="half_open"}[1h])',
    );
  });

  it('maps the six state codes of the state timeline to their names', () => {
    const mappings = panel('State timeline').fieldConfig!.defaults.mappings as Array<{
      options: Record<string, { text: string }>;
    }>;
    expect(Object.entries(mappings[0]!.options).map(([code, o]) => `${code}=${o.text}`)).toEqual([
      '0=closed',
      '1=open',
      '2=half_open',
      '3=metrics_only',
      '4=disabled',
      '5=forced_open',
    ]);
  });
});

describeWithTool('promtool', 'every dashboard query', (binary) => {
  it('parses in Prometheus (as recording rules checked by promtool)', async () => {
    const queries = dashboardQueries(dashboard);
    const rules = [
      'groups:',
      '  - name: dashboard',
      '    rules:',
      ...queries.flatMap(({ panel: p, target }) => [
        `      - record: dashboard:panel_${p.id}_${target.refId}`,
        `        expr: ${JSON.stringify(expandVariables(target.expr, dashboard))}`,
      ]),
    ].join('\n');
    const dir = mkdtempSync(path.join(tmpdir(), 'fluxgate-dashboard-'));
    try {
      writeFileSync(path.join(dir, 'dashboard.rules.yml'), `${rules}\n`);
      const output = await new Promise<string>((resolve, reject) => {
        execFile(
          binary,
          ['check', 'rules', 'dashboard.rules.yml'],
          { cwd: dir },
          (error, stdout, stderr) =>
            error ? reject(new Error(`${stdout}${stderr}`)) : resolve(stdout),
        );
      });
      expect(output).toContain(`SUCCESS: ${queries.length} rules found`);
      expect(queries).toHaveLength(13);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
