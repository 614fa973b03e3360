/**
 * What the demo prints: a table redrawn in place on a terminal, one line per transition
 * otherwise, and the summary at the end.
 */
import type { State } from '@fluxgate/core';
import { formatMs, percent } from './circuits.js';
import type { LoadStats } from './load.js';
import type { Recorder, TransitionRecord } from './recorder.js';
import type { DemoSnapshot } from './snapshot.js';

// eslint-disable-next-line no-control-regex -- ANSI escape sequences are what it matches
const ANSI = /\x1b\[[0-9;?]*[A-Za-z]/g;

const STATE_COLOURS: Record<State, string> = {
  closed: '32', // green
  open: '1;31', // bold red
  half_open: '33', // yellow
  metrics_only: '36', // cyan
  disabled: '2', // dim
  forced_open: '1;35', // bold magenta
};

export interface Style {
  colour: boolean;
}

function paint(style: Style, code: string, text: string): string {
  return style.colour ? `\x1b[${code}m${text}\x1b[0m` : text;
}

function visibleLength(text: string): number {
  return text.replace(ANSI, '').length;
}

/** Cuts `text` to `width` visible characters, keeping colour codes intact. */
export function truncate(text: string, width: number): string {
  if (visibleLength(text) <= width) return text;
  let out = '';
  let shown = 0;
  for (let i = 0; i < text.length && shown < width - 1;) {
    ANSI.lastIndex = i;
    const code = text.startsWith('\x1b[', i) ? ANSI.exec(text) : null;
    if (code && code.index === i) {
      out += code[0];
      i += code[0].length;
    } else {
      out += text[i++];
      shown++;
    }
  }
  return `${out}…${text.includes('\x1b[') ? '\x1b[0m' : ''}`;
}

function pad(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - visibleLength(text)));
}

/** Lays out rows of cells in columns two spaces apart. */
function columns(rows: readonly (readonly string[])[]): string[] {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, visibleLength(cell))));
  }
  return rows.map((row) =>
    row
      .map((cell, i) => (i === row.length - 1 ? cell : pad(cell, widths[i]!)))
      .join('  ')
      .trimEnd(),
  );
}

export function clock(at: number): string {
  const d = new Date(at);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}.${String(d.getMilliseconds()).padStart(3, '0')}`;
}

export function stateText(style: Style, state: State): string {
  return paint(style, STATE_COLOURS[state], state);
}

export function transitionLine(style: Style, t: TransitionRecord): string {
  return `${clock(t.at)}  ${pad(t.circuit, 13)} ${pad(
    `${stateText(style, t.from)} → ${stateText(style, t.to)}`,
    22,
  )}  ${t.reason}`;
}

export interface Header {
  url: string;
  speed: number;
  rate: number;
}

/** The live table: one row per circuit, the policies, and the last transitions. */
export function renderTable(
  snapshot: DemoSnapshot,
  header: Header,
  recent: readonly TransitionRecord[],
  style: Style,
  width: number,
): string[] {
  const dim = (text: string) => paint(style, '2', text);
  const elapsed = formatMs(snapshot.now - snapshot.startedAt);
  const rows: string[][] = [
    [
      'circuit',
      'state',
      'in state',
      'failure rate',
      'calls',
      'ok',
      'failed',
      'rejected',
      'downstream',
    ].map((title) => paint(style, '1', title)),
  ];
  for (const b of snapshot.breakers) {
    const { calls } = b;
    const total = calls.success + calls.failure + calls.ignored + calls.not_permitted;
    const window =
      b.metrics.totalCount === 0
        ? '-'
        : `${percent(b.metrics.failureRate ?? undefined)} of ${b.metrics.totalCount}`;
    const phaseLeft = formatMs(Math.max(0, b.downstream.phaseEndsAt - snapshot.now));
    rows.push([
      b.name,
      stateText(style, b.state),
      formatMs(snapshot.now - b.changedAt),
      window,
      String(total),
      String(calls.success),
      String(calls.failure),
      String(calls.not_permitted),
      `${b.downstream.phase} ${dim(`(${phaseLeft} left)`)}`,
    ]);
  }
  const lines = [
    `${paint(style, '1', 'fluxgate demo')}  ${header.url}  ·  ${elapsed}  ·  speed ${header.speed}×  ·  ${header.rate} req/s per route`,
    dim(
      `page ${header.url}/  ·  JSON ${header.url}/breakers  ·  metrics ${header.url}/metrics  ·  Ctrl-C to stop`,
    ),
    '',
    ...columns(rows),
    '',
    paint(style, '1', 'policies'),
    ...snapshot.breakers.map((b) => `  ${pad(b.name, 13)} ${dim(b.policy)}`),
    '',
    paint(style, '1', 'recent transitions'),
    ...(recent.length === 0
      ? [dim('  none yet: the downstreams start healthy')]
      : recent.map((t) => `  ${transitionLine(style, t)}`)),
  ];
  return lines.map((line) => truncate(line, width));
}

/** Redraws the table in place: up to the first line of the last frame, then clear below. */
export class LiveTable {
  private drawn = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly out: NodeJS.WriteStream,
    private readonly frame: (width: number) => string[],
    private readonly interval = 250,
  ) {}

  start(): void {
    this.out.write('\x1b[?25l'); // hide the cursor while drawing
    this.draw();
    this.timer = setInterval(() => this.draw(), this.interval);
  }

  draw(): void {
    // Never taller than the terminal: the cursor cannot move up past its top line.
    const lines = this.frame(Math.max(40, (this.out.columns || 120) - 1)).slice(
      0,
      Math.max(5, (this.out.rows || 50) - 1),
    );
    const up = this.drawn > 0 ? `\x1b[${this.drawn}F` : '';
    this.out.write(`${up}\x1b[J${lines.join('\n')}\n`);
    this.drawn = lines.length;
  }

  /** Draws the last frame and gives the cursor back; what follows prints below the table. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.draw();
    this.out.write('\x1b[?25h');
  }
}

/** The summary printed when the run ends. */
export function renderSummary(
  snapshot: DemoSnapshot,
  recorder: Recorder,
  load: LoadStats,
  style: Style,
): string[] {
  const bold = (text: string) => paint(style, '1', text);
  const kinds = ['closed → open', 'open → half_open', 'half_open → open', 'half_open → closed'];
  const rows: string[][] = [
    ['circuit', 'transitions', ...kinds, 'calls', 'failed', 'rejected', 'saved'].map(bold),
  ];
  const totals = new Array<number>(rows[0]!.length - 1).fill(0);
  for (const b of snapshot.breakers) {
    const counts = recorder.transitionCounts.get(b.name) ?? new Map<string, number>();
    const transitions = [...counts.values()].reduce((sum, n) => sum + n, 0);
    const calls = b.calls.success + b.calls.failure + b.calls.ignored + b.calls.not_permitted;
    const values = [
      transitions,
      ...kinds.map((kind) => counts.get(kind) ?? 0),
      calls,
      b.calls.failure,
      b.calls.not_permitted,
      b.saved,
    ];
    values.forEach((value, i) => (totals[i]! += value));
    rows.push([b.name, ...values.map(String)]);
  }
  rows.push([bold('total'), ...totals.map((n) => bold(String(n)))]);

  const responses = new Map<number, number>();
  for (const byStatus of load.statuses.values()) {
    for (const [status, n] of byStatus) responses.set(status, (responses.get(status) ?? 0) + n);
  }
  const requests = [...responses.values()].reduce((sum, n) => sum + n, 0);
  const byStatus = [...responses.entries()]
    .sort(([a], [b]) => a - b)
    .map(([status, n]) => `${status}: ${n}`)
    .join(', ');
  return [
    '',
    bold(
      `Summary: ${formatMs(snapshot.now - snapshot.startedAt)} at speed ${snapshot.speed}×, ` +
        `${requests} requests${byStatus ? ` (${byStatus})` : ''}`,
    ),
    '',
    ...columns(rows),
    '',
    'rejected: calls the breaker refused at once (503 with Retry-After), without calling the downstream.',
    'saved:    rejected calls refused while the downstream was failing or slow: each one would',
    '          most likely have failed or kept a client waiting.',
  ];
}
