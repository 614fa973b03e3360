/**
 * Node cluster mode: two real worker processes export their own breakers to their global
 * register, and the primary aggregates them with prom-client's AggregatorRegistry (see
 * test/fixtures/cluster.ts for what each worker does).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { samples, stateLines } from './support/exposition';
import { buildForNode } from './support/node-build';
import { start, stop, waitFor, type Child } from './support/processes';

let work = '';
let primary: Child | undefined;
let text = '';

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), 'fluxgate-cluster-'));
  const scripts = buildForNode(work);
  primary = start(process.execPath, [scripts.cluster!]);
  const code = await primary.exited;
  const line = primary
    .output()
    .split('\n')
    .find((l) => l.startsWith('{"text":'));
  if (code !== 0 || line === undefined) {
    throw new Error(`the cluster fixture exited ${code}:\n${primary.output()}`);
  }
  text = (JSON.parse(line) as { text: string }).text;
}, 30_000);

afterAll(async () => {
  await stop(primary);
  await waitFor('the workers to exit', () =>
    primary?.process.exitCode === null ? undefined : true,
  );
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('in a Node cluster with AggregatorRegistry', () => {
  it('aggregates the state gauge with max: 1 for every state some worker is in', () => {
    expect(samples(text, 'circuit_breaker_state')).toEqual([
      // worker 0 open, worker 1 closed: both states show 1
      ...stateLines('payment_api', { closed: 1, open: 1 }),
      ...stateLines('inventory_api', { closed: 1 }),
    ]);
  });

  it('sums the transition counters, keeping their _total suffix after OpenMetrics scrapes', () => {
    expect(text).toContain('# TYPE circuit_breaker_state_transition_total counter\n');
    expect(samples(text, 'circuit_breaker_state_transition_total')).toEqual([
      'circuit_breaker_state_transition_total{circuit_name="payment_api",old_state="closed",new_state="open"} 1',
      'circuit_breaker_state_transition_total{circuit_name="payment_api",old_state="open",new_state="half_open"} 0',
      'circuit_breaker_state_transition_total{circuit_name="payment_api",old_state="half_open",new_state="open"} 0',
      'circuit_breaker_state_transition_total{circuit_name="payment_api",old_state="half_open",new_state="closed"} 0',
      'circuit_breaker_state_transition_total{circuit_name="inventory_api",old_state="closed",new_state="open"} 0',
      'circuit_breaker_state_transition_total{circuit_name="inventory_api",old_state="open",new_state="half_open"} 0',
      'circuit_breaker_state_transition_total{circuit_name="inventory_api",old_state="half_open",new_state="open"} 0',
      'circuit_breaker_state_transition_total{circuit_name="inventory_api",old_state="half_open",new_state="closed"} 0',
    ]);
  });

  it('sums the call counters and histograms across workers', () => {
    expect(samples(text, 'circuit_breaker_calls_total')).toEqual([
      'circuit_breaker_calls_total{circuit_name="payment_api",outcome="success"} 2',
      'circuit_breaker_calls_total{circuit_name="payment_api",outcome="failure"} 3',
      'circuit_breaker_calls_total{circuit_name="payment_api",outcome="ignored"} 0',
      'circuit_breaker_calls_total{circuit_name="payment_api",outcome="not_permitted"} 1',
      'circuit_breaker_calls_total{circuit_name="inventory_api",outcome="success"} 3',
      'circuit_breaker_calls_total{circuit_name="inventory_api",outcome="failure"} 0',
      'circuit_breaker_calls_total{circuit_name="inventory_api",outcome="ignored"} 0',
      'circuit_breaker_calls_total{circuit_name="inventory_api",outcome="not_permitted"} 0',
    ]);
    expect(samples(text, 'circuit_breaker_call_duration_seconds_count').sort()).toEqual([
      'circuit_breaker_call_duration_seconds_count{circuit_name="inventory_api",outcome="success"} 3',
      'circuit_breaker_call_duration_seconds_count{circuit_name="payment_api",outcome="failure"} 3',
      'circuit_breaker_call_duration_seconds_count{circuit_name="payment_api",outcome="success"} 2',
    ]);
    expect(samples(text, 'circuit_breaker_call_duration_seconds_sum').sort()).toEqual([
      'circuit_breaker_call_duration_seconds_sum{circuit_name="inventory_api",outcome="success"} 0.03',
      'circuit_breaker_call_duration_seconds_sum{circuit_name="payment_api",outcome="failure"} 0.03',
      'circuit_breaker_call_duration_seconds_sum{circuit_name="payment_api",outcome="success"} 0.02',
    ]);
  });

  it('aggregates the failure rate with max over the workers whose window has calls', () => {
    // worker 0's payment_api window was emptied by its trip; worker 1's holds 1 failure in 2
    expect(samples(text, 'circuit_breaker_failure_rate')).toEqual([
      'circuit_breaker_failure_rate{circuit_name="payment_api"} 0.5',
      'circuit_breaker_failure_rate{circuit_name="inventory_api"} 0',
    ]);
  });
});
