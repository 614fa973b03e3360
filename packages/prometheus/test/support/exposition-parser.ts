/**
 * A small, strict parser of the two exposition formats prom-client writes: the Prometheus text
 * format 0.0.4 and OpenMetrics 1.0. It throws on anything either specification does not allow
 * (and on a few things they allow but prom-client never writes, such as comments other than
 * `# HELP`/`# TYPE` or timestamps), naming the line. Label values are read back with their
 * escapes (`\\`, `\"`, `\n`, and no other) undone.
 *
 * It checks: the text is well-formed Unicode; every line is a `# HELP`, `# TYPE` (or, in
 * OpenMetrics, `# UNIT` or the final `# EOF`) line or a sample `name{label="value",...} value`;
 * metric and label names are valid; each family is announced once, `# HELP` and `# TYPE` before
 * its samples; each sample belongs to the family announced last, with the suffixes its type
 * allows (`_total` on OpenMetrics counters, `_bucket`/`_sum`/`_count` on histograms, `le` on
 * buckets); no sample repeats a label; no series appears twice; the text ends with a newline
 * (text format) or with `# EOF` and a newline (OpenMetrics), and nothing follows.
 */

export type ExpositionFormat = 'text' | 'openmetrics';

export interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

export interface Family {
  readonly name: string;
  readonly type: string;
  readonly help: string;
  readonly samples: Sample[];
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const VALUE = /^(?:[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?|[+-]?Inf|NaN)$/;
const TYPES: Record<ExpositionFormat, readonly string[]> = {
  text: ['counter', 'gauge', 'histogram', 'summary', 'untyped'],
  openmetrics: [
    'counter',
    'gauge',
    'histogram',
    'gaugehistogram',
    'stateset',
    'info',
    'summary',
    'unknown',
  ],
};

/** The sample names a family of `type` named `family` may hold, in `format`. */
function sampleNames(format: ExpositionFormat, type: string, family: string): string[] {
  switch (type) {
    case 'counter':
      return format === 'text' ? [family] : [`${family}_total`, `${family}_created`];
    case 'histogram':
      return [
        `${family}_bucket`,
        `${family}_sum`,
        `${family}_count`,
        ...(format === 'openmetrics' ? [`${family}_created`] : []),
      ];
    case 'summary':
      return [family, `${family}_sum`, `${family}_count`];
    default:
      return [family];
  }
}

class ParseError extends Error {
  constructor(line: number, text: string, why: string) {
    super(`line ${line + 1}: ${why}: ${JSON.stringify(text.slice(0, 200))}`);
  }
}

/** Whether `text` has no lone surrogate. */
function isWellFormed(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
      else return false;
    } else if (unit >= 0xdc00 && unit <= 0xdfff) return false;
  }
  return true;
}

/**
 * Reads an escaped string from `line` at `start` up to the first unescaped `"` (`quoted`) or to
 * the end of the line; `quotes` says whether `\"` is an escape. Returns the unescaped text and
 * the index of the closing quote (or of the end of the line).
 */
function readEscaped(
  line: string,
  start: number,
  quoted: boolean,
  quotes: boolean,
): { text: string; next: number } | string {
  // One pass: each step jumps to the next backslash or quote.
  const special = quoted ? /["\\]/g : /\\/g;
  let text = '';
  let i = start;
  for (;;) {
    special.lastIndex = i;
    const found = special.exec(line);
    if (found === null) {
      if (quoted) return 'unterminated';
      return { text: text + line.slice(i), next: line.length };
    }
    text += line.slice(i, found.index);
    if (found[0] === '"') return { text, next: found.index };
    const escaped = line[found.index + 1];
    if (escaped === '\\') text += '\\';
    else if (escaped === 'n') text += '\n';
    else if (escaped === '"' && quotes) text += '"';
    else return `invalid escape \\${escaped ?? ''}`;
    i = found.index + 2;
  }
}

/** `{label="value",...}` at `start`; returns the labels and the index after `}`. */
function readLabels(
  line: string,
  start: number,
): { labels: Record<string, string>; next: number } | string {
  const labels: Record<string, string> = {};
  let i = start + 1;
  if (line[i] === '}') return { labels, next: i + 1 };
  for (;;) {
    const equals = line.indexOf('=', i);
    if (equals < 0) return 'label without a value';
    const name = line.slice(i, equals);
    if (!LABEL_NAME.test(name)) return `invalid label name ${JSON.stringify(name)}`;
    if (Object.prototype.hasOwnProperty.call(labels, name)) return `repeated label ${name}`;
    if (line[equals + 1] !== '"') return 'label value not quoted';
    const value = readEscaped(line, equals + 2, true, true);
    if (typeof value === 'string') return `label ${name}: ${value}`;
    labels[name] = value.text;
    i = value.next + 1;
    if (line[i] === '}') return { labels, next: i + 1 };
    if (line[i] !== ',') return 'expected , or } after a label value';
    i++;
  }
}

/** Parses an exposition strictly; throws a message naming the first line that is wrong. */
export function parseExposition(text: string, format: ExpositionFormat): Family[] {
  if (!isWellFormed(text)) throw new Error('the exposition is not well-formed Unicode');
  const openMetrics = format === 'openmetrics';
  const lines = text.split('\n');
  if (lines.pop() !== '') throw new Error('the exposition does not end with a newline');
  if (openMetrics && lines.pop() !== '# EOF') {
    throw new Error('the OpenMetrics exposition does not end with # EOF');
  }
  const families: Family[] = [];
  const names = new Set<string>();
  const series = new Set<string>();
  let help: { name: string; help: string } | undefined;
  let current: (Family & { allowed: readonly string[] }) | undefined;

  lines.forEach((line, n) => {
    const fail = (why: string): never => {
      throw new ParseError(n, line, why);
    };
    if (line === '') {
      if (openMetrics) fail('empty line in OpenMetrics');
      return;
    }
    if (line.startsWith('# HELP ')) {
      const space = line.indexOf(' ', 7);
      const name = line.slice(7, space < 0 ? undefined : space);
      if (!METRIC_NAME.test(name)) fail('invalid metric name');
      if (names.has(name)) fail(`family ${name} announced twice`);
      const read = readEscaped(line, space < 0 ? line.length : space + 1, false, openMetrics);
      if (typeof read === 'string') fail(`help: ${read}`);
      help = { name, help: (read as { text: string }).text };
      return;
    }
    if (line.startsWith('# TYPE ')) {
      const [name = '', type = '', ...rest] = line.slice(7).split(' ');
      if (rest.length > 0) fail('extra text after the type');
      if (help?.name !== name) fail('# TYPE without its # HELP right before');
      if (!TYPES[format].includes(type)) fail(`unknown type ${type}`);
      current = {
        name,
        type,
        help: help!.help,
        samples: [],
        allowed: sampleNames(format, type, name),
      };
      families.push(current);
      names.add(name);
      help = undefined;
      return;
    }
    if (line.startsWith('#')) fail('unexpected comment');
    if (help !== undefined) fail('# HELP without its # TYPE');

    const brace = line.indexOf('{');
    const firstSpace = line.indexOf(' ');
    const nameEnd = brace >= 0 && (firstSpace < 0 || brace < firstSpace) ? brace : firstSpace;
    if (nameEnd < 0) fail('sample without a value');
    const name = line.slice(0, nameEnd);
    if (!METRIC_NAME.test(name)) fail('invalid metric name');
    let labels: Record<string, string> = {};
    let i = nameEnd;
    if (line[i] === '{') {
      const read = readLabels(line, i);
      if (typeof read === 'string') fail(read);
      ({ labels, next: i } = read as { labels: Record<string, string>; next: number });
    }
    if (line[i] !== ' ') fail('expected a space before the value');
    const value = line.slice(i + 1);
    if (!VALUE.test(value)) fail(`invalid value ${JSON.stringify(value.slice(0, 40))}`);
    if (current === undefined || !current.allowed.includes(name)) {
      fail(`sample ${name} outside its family`);
    }
    const bucket = current!.type === 'histogram' && name.endsWith('_bucket');
    if (bucket !== 'le' in labels) fail(bucket ? 'bucket without le' : 'le outside a bucket');
    const key = JSON.stringify([name, Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : 1))]);
    if (series.has(key)) fail('series repeated');
    series.add(key);
    current!.samples.push({ name, labels, value: Number(value) });
  });
  if (help !== undefined) throw new Error(`# HELP ${help.name} without its # TYPE`);
  return families.map(({ name, type, help: text, samples }) => ({
    name,
    type,
    help: text,
    samples,
  }));
}
