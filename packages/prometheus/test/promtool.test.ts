/**
 * Prometheus's own linter and rule checker on what we ship: `promtool check metrics` on a real
 * exposition, `promtool check rules` and `promtool test rules` on the alert rules.
 */
import { PrometheusListener } from '@fluxgate/prometheus';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Registry } from 'prom-client';
import { fail, quickBreaker, succeed } from './support/breakers';
import { registryFor } from './support/exposition';
import { describeWithTool, promtool, type PromtoolResult } from './support/tools';

const ALERTS = path.resolve(__dirname, '../alerts');

function run(binary: string, args: readonly string[], input?: string): Promise<PromtoolResult> {
  return promtool(binary, args, { cwd: ALERTS, input });
}

/** A text exposition with everything in it: several circuits, odd names, calls, transitions. */
async function exposition(afterOpenMetricsScrape: boolean): Promise<string> {
  const registry = registryFor(Registry.PROMETHEUS_CONTENT_TYPE);
  const listener = new PrometheusListener({ registry, calls: true });
  const payment = quickBreaker('payment_api', [listener]);
  const odd = quickBreaker('checkout "v2"\\eu\nzone ✓ 支付', [listener]);
  quickBreaker('inventory_api', [listener]);
  succeed(payment);
  fail(payment);
  succeed(payment);
  fail(odd);
  odd.forceOpen();
  fail(odd);
  if (afterOpenMetricsScrape) {
    registry.setContentType(Registry.OPENMETRICS_CONTENT_TYPE);
    await registry.metrics();
    registry.setContentType(Registry.PROMETHEUS_CONTENT_TYPE);
  }
  return registry.metrics();
}

describeWithTool('promtool', 'promtool', (binary) => {
  it.each([
    ['a fresh registry', false],
    ['a registry scraped as OpenMetrics before', true],
  ])('check metrics finds nothing to report in the text exposition of %s', async (_what, after) => {
    const text = await exposition(after);
    expect(text).toContain('circuit_breaker_state_transition_total{');
    expect(await run(binary, ['check', 'metrics'], text)).toEqual({ code: 0, output: '' });
  });

  it('check rules accepts the three alert rules', async () => {
    expect(await run(binary, ['check', 'rules', 'rules.yml'])).toEqual({
      code: 0,
      output: 'Checking rules.yml\n  SUCCESS: 3 rules found\n\n',
    });
  });

  it('test rules passes the unit tests shipped next to the rules', async () => {
    const result = await run(binary, ['test', 'rules', 'rules.test.yml']);
    expect(result.output).toContain('SUCCESS');
    expect(result.code).toBe(0);
  });
});

describe('the rules unit tests', () => {
  const rules = readFileSync(path.join(ALERTS, 'rules.yml'), 'utf8');
  const tests = readFileSync(path.join(ALERTS, 'rules.test.yml'), 'utf8');
  const alerts = [...rules.matchAll(/^\s+- alert: (\w+)$/gm)].map((m) => m[1]!);

  it('exist for the three alerts', () => {
    expect(alerts).toEqual([
      'CircuitBreakerOpen',
      'CircuitBreakerFlapping',
      'CircuitBreakersManyOpen',
    ]);
  });

  // Each `- eval_time:` case names one alert and lists what fires: `[]` or a list of alerts.
  const cases = tests
    .split(/^\s+- eval_time: /m)
    .slice(1)
    .map((block) => ({
      alert: /alertname: (\w+)/.exec(block)?.[1],
      fires: !/exp_alerts: \[\]/.test(block),
    }));

  it.each(alerts)('check that %s fires in one case and stays silent in another', (alert) => {
    expect(cases.filter((c) => c.alert === alert && c.fires).length).toBeGreaterThan(0);
    expect(cases.filter((c) => c.alert === alert && !c.fires).length).toBeGreaterThan(0);
  });

  it('document the lazy open → half_open move in the alert texts', () => {
    for (const alert of ['CircuitBreakerOpen', 'CircuitBreakersManyOpen']) {
      const block = rules.split('- alert: ').find((b) => b.startsWith(alert))!;
      expect(block).toMatch(/lazy/);
      expect(block).toMatch(/runbook: /);
    }
    expect(
      rules
        .split('- alert: ')
        .slice(1)
        .every((block) => block.includes('runbook: ')),
    ).toBe(true);
  });
});
