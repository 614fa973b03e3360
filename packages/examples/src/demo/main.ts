/**
 * `pnpm demo`: fluxgate at work in one minute. Three circuit breakers guard three simulated
 * services that fail, slow down and recover on a schedule; watch them trip, reject, probe and
 * recover in the terminal, on http://127.0.0.1:3000/ and in Prometheus metrics.
 */
import { runDemo } from './demo.js';
import { parseOptions, USAGE, UsageError } from './options.js';

async function main(): Promise<number> {
  let options;
  try {
    options = parseOptions(process.argv.slice(2), process.env, Boolean(process.stdout.isTTY));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`fluxgate demo: ${error.message}\n\n${USAGE}\n`);
    return 2;
  }
  if (options.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }

  let interrupts = 0;
  const interrupted = new Promise<void>((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => {
      // The first Ctrl-C ends the run with a summary; a second one does not wait for it.
      if (++interrupts > 1) process.exit(signal === 'SIGINT' ? 130 : 143);
      resolve();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });

  const code = await runDemo(options, {
    stdout: process.stdout,
    stderr: process.stderr,
    colour: Boolean(process.stdout.isTTY) && !process.env.NO_COLOR,
    interrupted,
  });
  process.removeAllListeners('SIGINT');
  process.removeAllListeners('SIGTERM');
  return code;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`fluxgate demo failed: ${(error as Error)?.stack ?? String(error)}\n`);
    process.exitCode = 70;
  },
);
