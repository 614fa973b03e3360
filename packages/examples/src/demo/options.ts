/** The demo's command line: `pnpm demo [--port 3000] [--duration 1m] [--speed 1] ...`. */

/** How the terminal shows the run: a table redrawn in place, or one line per transition. */
export type View = 'live' | 'log';

export interface DemoOptions {
  /** The port of the demo service on 127.0.0.1; 0 picks a free one. */
  port: number;
  /** How long to run, in milliseconds; `undefined` runs until Ctrl-C. */
  duration: number | undefined;
  /** How much faster than real time the downstream schedules and breaker timings run. */
  speed: number;
  /** Requests per second the load generator sends to each route; 0 turns it off. */
  rate: number;
  /** `live` on a terminal, `log` otherwise, unless asked. */
  view: View;
  /** An incoming-webhook URL: the Slack listener posts every transition to it. */
  slackWebhook: string | undefined;
  help: boolean;
}

export const USAGE = `Usage: pnpm demo [options]

Three circuit breakers in front of three simulated services on 127.0.0.1 that cycle through
healthy, failing, slow and recovering phases, under a built-in load.

Options:
  --port <n>            port of the demo service (default: $PORT or 3000; 0 picks a free one)
  --duration <time>     stop after this long and print a summary, e.g. 90s, 2m (default: Ctrl-C)
  --speed <x>           run the schedule and the breakers' timings x times faster (default 1)
  --rate <n>            requests per second sent to each route (default 20; 0: no load)
  --view <live|log>     a live table, or one line per transition (default: live on a terminal)
  --slack-webhook <url> post transitions to this Slack incoming webhook ($SLACK_WEBHOOK_URL)
  -h, --help            show this help

Then open http://127.0.0.1:3000/ (the live page), /breakers (JSON) and /metrics (Prometheus).`;

/** A command-line mistake: the message is shown with the usage, and the demo exits with 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

const UNITS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };

/** `1500ms`, `20s`, `2m`, `1h`, or a bare number of seconds, to milliseconds. */
export function parseDuration(text: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  const value = match ? Number(match[1]) * UNITS[match[2] ?? 's']! : NaN;
  if (!Number.isFinite(value) || value <= 0) {
    throw new UsageError(`--duration must be a time such as 30s, 2m or 500ms, got '${text}'`);
  }
  return value;
}

function parsePort(text: string, from: string): number {
  const port = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isInteger(port) || port > 65_535) {
    throw new UsageError(`${from} must be a port number from 0 to 65535, got '${text}'`);
  }
  return port;
}

function parseNumber(name: string, text: string, min: number, max: number): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value < min || value > max) {
    throw new UsageError(`${name} must be a number from ${min} to ${max}, got '${text}'`);
  }
  return value;
}

/**
 * Reads the command line (`--name value` or `--name=value`) and the environment.
 *
 * @throws UsageError on an unknown option, a missing value or a bad one
 */
export function parseOptions(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  isTTY: boolean,
): DemoOptions {
  const options: DemoOptions = {
    port: env.PORT === undefined || env.PORT === '' ? 3000 : parsePort(env.PORT, 'PORT'),
    duration: undefined,
    speed: 1,
    rate: 20,
    view: isTTY ? 'live' : 'log',
    slackWebhook: env.SLACK_WEBHOOK_URL || undefined,
    help: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') continue; // `pnpm demo -- --port 1` passes the separator through
    if (arg === '-h' || arg === '--help') {
      options.help = true;
      continue;
    }
    const match = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (!match) throw new UsageError(`unexpected argument '${arg}'`);
    const name = match[1]!;
    let value = match[2];
    if (value === undefined) {
      value = argv[++i];
      if (value === undefined) throw new UsageError(`--${name} needs a value`);
    }
    switch (name) {
      case 'port':
        options.port = parsePort(value, '--port');
        break;
      case 'duration':
        options.duration = parseDuration(value);
        break;
      case 'speed':
        options.speed = parseNumber('--speed', value, 0.1, 20);
        break;
      case 'rate':
        options.rate = parseNumber('--rate', value, 0, 500);
        break;
      case 'view':
        if (value !== 'live' && value !== 'log') {
          throw new UsageError(`--view must be 'live' or 'log', got '${value}'`);
        }
        options.view = value;
        break;
      case 'slack-webhook':
        options.slackWebhook = value;
        break;
      default:
        throw new UsageError(`unknown option --${name}`);
    }
  }
  return options;
}
