/**
 * Circuit names of every kind (test-support/circuit-names.ts: any Unicode, lone surrogates,
 * quotes, backslashes, control characters, `{`, `}`, `=`, `,`, `#`, forged samples and `# EOF`,
 * 10 000 to 100 000 characters) through a PrometheusListener with calls, on a real prom-client
 * registry, scraped as the Prometheus text format, then OpenMetrics, then text again.
 *
 * Every scrape must parse with the strict parser of `support/exposition-parser.ts`, and what it
 * holds must be exactly what the breakers did, per `circuit_name` read back from the exposition:
 * the six state series (how many breakers of that name are in each state), the transitions
 * (the four automatic ones from 0), the calls by outcome, the duration histogram of each timed
 * outcome, and the failure rate of the windows. The label value is the name itself, except that a
 * lone surrogate becomes U+FFFD (the listener's documented sanitising: what any UTF-8 writer
 * would send anyway); names that then coincide are one circuit, as breakers that share a name are.
 *
 * A second test runs `promtool check metrics` on text expositions of 20 such names at a time.
 *
 * Replay: FC_SEED=<seed> FC_PATH=<path> npx jest test/name-fuzz (in packages/prometheus);
 * FC_NUM_RUNS sets the runs of each property.
 */
import fc from 'fast-check';
import { type CallEvent, type CircuitBreaker, type Signal, State } from '@fluxgate/core';
import { TypeOf } from '@fluxgate/core/trackers';
import { PrometheusListener } from '@fluxgate/prometheus';
import { Registry, type RegistryContentType } from 'prom-client';
import { NOTABLE_NAMES, circuitName, fuzzParameters } from '../../../test-support/circuit-names';
import { quickBreaker } from './support/breakers';
import { parseExposition, type ExpositionFormat } from './support/exposition-parser';
import { describeWithTool, promtool } from './support/tools';

const SEED = 20_240_612;

/** Buckets of the call-duration histogram: few, so that long names keep scrapes small. */
const BUCKETS = [0.1, 1];

type Action = 'succeed' | 'fail' | 'ignore' | 'forceOpen' | 'reset' | 'disable' | 'metricsOnly';

const action: fc.Arbitrary<Action> = fc.constantFrom(
  'succeed',
  'fail',
  'ignore',
  'forceOpen',
  'reset',
  'disable',
  'metricsOnly',
);

/** A breaker, what it was named and everything it sent. */
interface Driven {
  readonly name: string;
  readonly breaker: CircuitBreaker;
  readonly signals: Signal[];
  readonly events: CallEvent[];
}

function act(breaker: CircuitBreaker, what: Action): void {
  try {
    switch (what) {
      case 'succeed':
        breaker.call(() => 'ok');
        return;
      case 'fail':
        breaker.call(() => {
          throw new Error('down');
        });
        return;
      case 'ignore':
        // Not an Error: the tracker below does not count it.
        breaker.call(() => {
          throw 'not counted';
        });
        return;
      default:
        breaker[what]();
    }
  } catch {
    // a failure, an ignored error or a rejection: the breaker has recorded what it had to
  }
}

/** The label value the listener exports for a name: lone surrogates become U+FFFD. */
function labelOf(name: string): string {
  return Buffer.from(name, 'utf8').toString('utf8');
}

/** What the exposition holds for one `circuit_name`. */
interface Exported {
  state: Record<string, number>;
  transitions: Record<string, number>;
  calls: Record<string, number>;
  durations: Record<string, { buckets: Record<string, number>; sum: number; count: number }>;
  failureRate?: number;
}

const AUTOMATIC = ['closed>open', 'open>half_open', 'half_open>open', 'half_open>closed'];
const OUTCOMES = ['success', 'failure', 'ignored', 'not_permitted'];

/** What the breakers did, grouped by label value: what the exposition must hold. */
function expected(driven: readonly Driven[]): Map<string, Exported> {
  const out = new Map<string, Exported>();
  const windows = new Map<string, { total: number; failures: number }>();
  for (const { name, breaker, signals, events } of driven) {
    const label = labelOf(name);
    let e = out.get(label);
    if (e === undefined) {
      e = {
        state: Object.fromEntries(State.ALL.map((s) => [s, 0])),
        transitions: Object.fromEntries(AUTOMATIC.map((t) => [t, 0])),
        calls: Object.fromEntries(OUTCOMES.map((o) => [o, 0])),
        durations: {},
      };
      out.set(label, e);
    }
    e.state[breaker.state]!++;
    for (const s of signals) {
      const key = `${s.oldState}>${s.newState}`;
      e.transitions[key] = (e.transitions[key] ?? 0) + 1;
    }
    for (const { outcome } of events) {
      e.calls[outcome]!++;
      if (outcome === 'not_permitted') continue;
      // Every call of a quickBreaker takes 0 ms of its fake clock: every bucket counts it.
      const d = (e.durations[outcome] ??= { buckets: {}, sum: 0, count: 0 });
      for (const le of [...BUCKETS.map(String), '+Inf']) d.buckets[le] = (d.buckets[le] ?? 0) + 1;
      d.count++;
    }
    const { totalCount, failureCount } = breaker.info().metrics;
    const w = windows.get(label) ?? { total: 0, failures: 0 };
    windows.set(label, { total: w.total + totalCount, failures: w.failures + failureCount });
  }
  for (const [label, { total, failures }] of windows) {
    if (total > 0) out.get(label)!.failureRate = failures / total;
  }
  return out;
}

/** The families a scrape must announce, in order, with their types. */
function familiesOf(format: ExpositionFormat): [string, string][] {
  const counter = (name: string) => (format === 'openmetrics' ? name.replace(/_total$/, '') : name);
  return [
    ['circuit_breaker_state', 'gauge'],
    [counter('circuit_breaker_state_transition_total'), 'counter'],
    [counter('circuit_breaker_calls_total'), 'counter'],
    ['circuit_breaker_call_duration_seconds', 'histogram'],
    ['circuit_breaker_failure_rate', 'gauge'],
  ];
}

/** Reads a scrape back into what it holds per `circuit_name`, checking each sample's labels. */
function exported(text: string, format: ExpositionFormat): Map<string, Exported> {
  const families = parseExposition(text, format);
  expect(families.map((f) => [f.name, f.type])).toEqual(familiesOf(format));
  const out = new Map<string, Exported>();
  const of = (label: string): Exported => {
    let e = out.get(label);
    if (e === undefined) {
      e = { state: {}, transitions: {}, calls: {}, durations: {} };
      out.set(label, e);
    }
    return e;
  };
  // Thousands of samples per scrape: a plain check, not one `expect` each.
  const expectLabels = (labels: Readonly<Record<string, string>>, names: string[]): void => {
    const keys = Object.keys(labels).sort().join();
    if (keys !== [...names].sort().join()) throw new Error(`labels ${keys}, expected ${names}`);
  };
  for (const { name, labels, value } of families.flatMap((f) => f.samples)) {
    const circuit = labels.circuit_name!;
    switch (name) {
      case 'circuit_breaker_state':
        expectLabels(labels, ['circuit_name', 'state']);
        of(circuit).state[labels.state!] = value;
        break;
      case 'circuit_breaker_state_transition_total':
        expectLabels(labels, ['circuit_name', 'old_state', 'new_state']);
        of(circuit).transitions[`${labels.old_state}>${labels.new_state}`] = value;
        break;
      case 'circuit_breaker_calls_total':
        expectLabels(labels, ['circuit_name', 'outcome']);
        of(circuit).calls[labels.outcome!] = value;
        break;
      case 'circuit_breaker_failure_rate':
        expectLabels(labels, ['circuit_name']);
        of(circuit).failureRate = value;
        break;
      default: {
        const part = /^circuit_breaker_call_duration_seconds_(bucket|sum|count)$/.exec(name)?.[1];
        if (part === undefined) throw new Error(`unexpected sample ${name}`);
        expectLabels(labels, ['circuit_name', 'outcome', ...(part === 'bucket' ? ['le'] : [])]);
        const d = (of(circuit).durations[labels.outcome!] ??= { buckets: {}, sum: 0, count: 0 });
        if (part === 'bucket') d.buckets[labels.le!] = value;
        else d[part as 'sum' | 'count'] = value;
      }
    }
  }
  return out;
}

const FORMATS: ReadonlyArray<[ExpositionFormat, RegistryContentType]> = [
  ['text', Registry.PROMETHEUS_CONTENT_TYPE],
  ['openmetrics', Registry.OPENMETRICS_CONTENT_TYPE],
  ['text', Registry.PROMETHEUS_CONTENT_TYPE],
];

/** Breakers named `names` (each with its own actions) on one registry, and the registry. */
function drive(names: readonly string[], actions: readonly (readonly Action[])[]) {
  const registry = new Registry<RegistryContentType>();
  const listener = new PrometheusListener({ registry, calls: { buckets: BUCKETS } });
  const driven: Driven[] = names.map((name) => {
    const signals: Signal[] = [];
    const events: CallEvent[] = [];
    const breaker = quickBreaker(
      name,
      [listener, { onTransition: (s) => void signals.push(s), onCall: (e) => void events.push(e) }],
      { tracker: new TypeOf(Error) },
    );
    return { name, breaker, signals, events };
  });
  driven.forEach(({ breaker }, i) => {
    for (const what of actions[i % actions.length] ?? []) act(breaker, what);
  });
  return { registry, driven, listener };
}

const scenario = fc.record({
  names: fc.array(circuitName(), { minLength: 1, maxLength: 4 }),
  actions: fc.array(fc.array(action, { maxLength: 10 }), { minLength: 1, maxLength: 4 }),
});

/** Names that coincide once sanitised: one circuit of four breakers. */
const COINCIDING = ['a\ud800', 'a\udc00', 'a\ufffd', 'a\ud800'];

const EVERY_ACTION: Action[] = [
  'succeed',
  'fail',
  'fail',
  'succeed',
  'ignore',
  'forceOpen',
  'succeed',
  'disable',
  'metricsOnly',
  'fail',
  'reset',
  'fail',
];

// A guard against a hang, not a time limit: on a loaded two-core machine the property runs take
// several seconds, and a timed-out property would go on in the background and disturb the next test.
jest.setTimeout(60_000);

describe('circuit names in the Prometheus exposition', () => {
  it('any names: every scrape, text, OpenMetrics and text again, parses strictly and holds exactly what the breakers did, by circuit_name', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async ({ names, actions }) => {
        const { registry, driven, listener } = drive(names, actions);
        const want = expected(driven);
        for (const [format, contentType] of FORMATS) {
          registry.setContentType(contentType);
          const text = await registry.metrics();
          expect(exported(text, format)).toEqual(want);
        }
        listener.close();
        expect(registry.getMetricsAsArray()).toEqual([]);
      }),
      fuzzParameters(SEED, 30, [
        [{ names: [...NOTABLE_NAMES], actions: [EVERY_ACTION, ['fail'], []] }],
        [{ names: COINCIDING, actions: [['fail'], ['succeed'], ['forceOpen'], ['disable']] }],
      ]),
    );
  });

  it('a lone surrogate is exported as U+FFFD, and names that then coincide are one circuit', async () => {
    const { registry } = drive(COINCIDING, [['fail'], ['succeed'], ['forceOpen'], ['fail']]);
    const text = await registry.metrics();
    expect(text.match(/^circuit_breaker_state\{.*$/gm)).toEqual([
      'circuit_breaker_state{circuit_name="a\ufffd",state="closed"} 1',
      'circuit_breaker_state{circuit_name="a\ufffd",state="open"} 2',
      'circuit_breaker_state{circuit_name="a\ufffd",state="half_open"} 0',
      'circuit_breaker_state{circuit_name="a\ufffd",state="metrics_only"} 0',
      'circuit_breaker_state{circuit_name="a\ufffd",state="disabled"} 0',
      'circuit_breaker_state{circuit_name="a\ufffd",state="forced_open"} 1',
    ]);
  });
});

describe('the strict exposition parser', () => {
  const head = '# HELP m Help \\\\ \\n.\n# TYPE m gauge\n';
  it('reads label values back with their escapes undone, in both formats', () => {
    const line = 'm{a="q\\"b\\\\s\\nn\r\t\u0000{}=,#",b=""} 1\n';
    const text = parseExposition(`${head}${line}`, 'text');
    expect(parseExposition(`${head}${line}# EOF\n`, 'openmetrics')).toEqual(text);
    expect(text).toEqual([
      {
        name: 'm',
        type: 'gauge',
        help: 'Help \\ \n.',
        samples: [{ name: 'm', labels: { a: 'q"b\\s\nn\r\t\u0000{}=,#', b: '' }, value: 1 }],
      },
    ]);
  });

  it.each<[string, string, ExpositionFormat, string]>([
    [
      'a raw newline in a label value',
      `${head}m{a="x\ny"} 1\n`,
      'text',
      'line 3: label a: unterminated',
    ],
    [
      'a raw quote in a label value',
      `${head}m{a="x"y"} 1\n`,
      'text',
      'line 3: expected , or } after a label value',
    ],
    ['an unknown escape', `${head}m{a="x\\ty"} 1\n`, 'text', 'line 3: label a: invalid escape \\t'],
    ['a trailing backslash', `${head}m{a="x\\"} 1\n`, 'text', 'line 3: label a: unterminated'],
    ['an unquoted label value', `${head}m{a=x} 1\n`, 'text', 'line 3: label value not quoted'],
    ['a repeated label', `${head}m{a="1",a="2"} 1\n`, 'text', 'line 3: repeated label a'],
    ['a trailing comma', `${head}m{a="1",} 1\n`, 'text', 'line 3: label without a value'],
    ['a bad label name', `${head}m{1a="1"} 1\n`, 'text', 'line 3: invalid label name "1a"'],
    ['a repeated series', `${head}m{a="1"} 1\nm{a="1"} 2\n`, 'text', 'line 4: series repeated'],
    ['a bad value', `${head}m 1x\n`, 'text', 'line 3: invalid value "1x"'],
    ['a sample outside its family', `${head}n 1\n`, 'text', 'line 3: sample n outside its family'],
    ['a family announced twice', `${head}${head}`, 'text', 'line 3: family m announced twice'],
    [
      'a lone surrogate',
      `${head}m{a="\ud800"} 1\n`,
      'text',
      'the exposition is not well-formed Unicode',
    ],
    ['no final newline', `${head}m 1`, 'text', 'the exposition does not end with a newline'],
    ['a stray comment', `${head}# hello\nm 1\n`, 'text', 'line 3: unexpected comment'],
    [
      'a missing # EOF',
      `${head}m 1\n`,
      'openmetrics',
      'the OpenMetrics exposition does not end with # EOF',
    ],
    [
      'text after # EOF',
      `${head}# EOF\nm 1\n`,
      'openmetrics',
      'the OpenMetrics exposition does not end with # EOF',
    ],
    [
      'an empty line in OpenMetrics',
      `${head}\nm 1\n# EOF\n`,
      'openmetrics',
      'line 3: empty line in OpenMetrics',
    ],
    [
      'an OpenMetrics counter sample without _total',
      '# HELP c h\n# TYPE c counter\nc 1\n# EOF\n',
      'openmetrics',
      'line 3: sample c outside its family',
    ],
    [
      'a bucket without le',
      '# HELP h h\n# TYPE h histogram\nh_bucket 1\n',
      'text',
      'line 3: bucket without le',
    ],
  ])('rejects %s', (_what, text, format, message) => {
    expect(() => parseExposition(text, format)).toThrow(message);
  });
});

describeWithTool('promtool', 'circuit names under promtool', (binary) => {
  it('check metrics finds nothing to report in text expositions of 20 names of any kind, before and after an OpenMetrics scrape', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(circuitName(), { minLength: 20, maxLength: 20 }),
        fc.array(fc.array(action, { maxLength: 8 }), { minLength: 1, maxLength: 5 }),
        async (names, actions) => {
          const { registry } = drive(names, actions);
          const before = await registry.metrics();
          registry.setContentType(Registry.OPENMETRICS_CONTENT_TYPE);
          await registry.metrics();
          registry.setContentType(Registry.PROMETHEUS_CONTENT_TYPE);
          const after = await registry.metrics();
          expect(after).toBe(before);
          expect(await promtool(binary, ['check', 'metrics'], { input: before })).toEqual({
            code: 0,
            output: '',
          });
        },
      ),
      fuzzParameters(SEED + 1, 3, [[[...NOTABLE_NAMES, ...COINCIDING], [EVERY_ACTION]]]),
    );
  });
});
