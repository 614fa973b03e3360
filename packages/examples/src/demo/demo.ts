/**
 * The demo: three downstream services, three breakers, the demo service in front of them, a
 * load generator, and the terminal view, from start to summary.
 */
import type { Listener } from '@fluxgate/core';
import { LogListener, type LogLevel } from '@fluxgate/core/listeners';
import { PrometheusListener } from '@fluxgate/prometheus';
import { SlackListener } from '@fluxgate/slack';
import { Registry } from 'prom-client';
import { createCircuits, formatMs } from './circuits.js';
import { Schedule, startDownstream, type Downstream, type Phase } from './downstream.js';
import { startLoad } from './load.js';
import type { DemoOptions } from './options.js';
import { Recorder, type TripExplainer } from './recorder.js';
import { PortInUseError, startService, type Service } from './service.js';
import { snapshot } from './snapshot.js';
import { clock, LiveTable, renderSummary, renderTable, type Style } from './terminal.js';

export interface DemoIO {
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  /** Whether to colour the output (a terminal, and no NO_COLOR). */
  colour: boolean;
  /** Settles when the user asks to stop (Ctrl-C, SIGTERM). */
  interrupted: Promise<void>;
}

const PHASE_NOTES: Record<Phase, string> = {
  healthy: 'answers in 10-40 ms, 1% errors',
  failing: '85% of answers are 5xx',
  slow: 'answers take 600-900 ms',
  recovering: 'errors and latency falling back to normal',
};

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

/** Runs the demo until `options.duration` has passed or the user stops it; the exit code. */
export async function runDemo(options: DemoOptions, io: DemoIO): Promise<number> {
  const style: Style = { colour: io.colour };
  const print = (line = '') => io.stdout.write(`${line}\n`);

  // Breakers first (they start nothing), then the service (so that a taken port fails before
  // anything else starts), then the downstreams and the load.
  const registry = new Registry();
  const prometheus = new PrometheusListener({ registry, calls: true });
  const explainers = new Map<string, TripExplainer>();
  const downstreams = new Map<string, Downstream>();
  let startedAt = Date.now();
  const unhealthy = (circuit: string) => {
    const phase = downstreams.get(circuit)?.schedule.at(Date.now()).phase;
    return phase === 'failing' || phase === 'slow';
  };
  const recorder = new Recorder(explainers, unhealthy);
  const listeners: Listener[] = [recorder, prometheus];
  if (options.view === 'log') {
    // LogListener's own line, with the time and the recorder's reason added.
    const log = (level: LogLevel) => (message: string) => {
      const circuit = /'([^']+)'/.exec(message)?.[1];
      const reason = circuit === undefined ? undefined : recorder.of(circuit).at(-1)?.reason;
      print(`${clock(Date.now())} ${level.padEnd(5)} ${message}${reason ? `: ${reason}` : ''}`);
    };
    listeners.push(
      new LogListener({
        logger: { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') },
      }),
    );
  }
  let slack: SlackListener | undefined;
  if (options.slackWebhook !== undefined) {
    try {
      slack = new SlackListener({ webhookUrl: options.slackWebhook });
    } catch (error) {
      io.stderr.write(`--slack-webhook: ${(error as Error).message}\n`);
      return 2;
    }
    listeners.push(slack);
  }
  const circuits = createCircuits(options.speed, listeners);
  for (const circuit of circuits) explainers.set(circuit.name, circuit.explainTrip);

  const takeSnapshot = () =>
    snapshot(circuits, downstreams, recorder, {
      startedAt,
      speed: options.speed,
      now: Date.now(),
    });

  let service: Service;
  try {
    service = await startService(
      {
        circuits,
        downstreamUrl: (name) => downstreams.get(name)!.url,
        registry,
        snapshot: takeSnapshot,
      },
      options.port,
    );
  } catch (error) {
    io.stderr.write(`fluxgate demo: ${(error as Error).message}\n`);
    prometheus.close();
    slack?.close();
    return error instanceof PortInUseError ? 1 : 70;
  }

  startedAt = Date.now();
  for (const circuit of circuits) {
    const schedule = new Schedule(circuit.cycle, startedAt, options.speed);
    downstreams.set(
      circuit.name,
      await startDownstream(circuit.name, schedule, { speed: options.speed }),
    );
  }

  print(`fluxgate demo on ${service.url}`);
  print(`  live page  ${service.url}/`);
  print(`  breakers   ${service.url}/breakers`);
  print(`  metrics    ${service.url}/metrics`);
  for (const circuit of circuits) {
    const downstream = downstreams.get(circuit.name)!;
    print(
      `  route      ${service.url}${circuit.route} → ${circuit.name} → downstream ${downstream.url}`,
    );
  }
  if (slack) print('  slack      posting transitions to the webhook');
  print(
    `  schedule   ${options.speed === 1 ? 'real time' : `${options.speed}× faster`}; load ${options.rate} req/s per route; ${
      options.duration === undefined
        ? 'Ctrl-C to stop'
        : `stops after ${formatMs(options.duration)}`
    }`,
  );
  print();

  const load = startLoad(
    service.url,
    circuits.map((c) => c.route),
    options.rate,
  );

  let table: LiveTable | undefined;
  let phaseTimer: NodeJS.Timeout | undefined;
  if (options.view === 'live') {
    table = new LiveTable(io.stdout, (width) =>
      renderTable(
        takeSnapshot(),
        { url: service.url, speed: options.speed, rate: options.rate },
        recorder.recent(8),
        style,
        width,
      ),
    );
    table.start();
  } else {
    // Phase changes, so that the transition lines read as a story.
    const phases = new Map<string, Phase>();
    const announce = () => {
      for (const [name, downstream] of downstreams) {
        const { phase } = downstream.schedule.at(Date.now());
        if (phases.get(name) === phase) continue;
        phases.set(name, phase);
        print(
          `${clock(Date.now())} phase downstream of ${name} is ${phase}: ${PHASE_NOTES[phase]}`,
        );
      }
    };
    announce();
    phaseTimer = setInterval(announce, 100);
  }

  let durationTimer: NodeJS.Timeout | undefined;
  const elapsed = new Promise<void>((resolve) => {
    if (options.duration !== undefined) durationTimer = setTimeout(resolve, options.duration);
  });
  await Promise.race([elapsed, io.interrupted]);
  clearTimeout(durationTimer);

  // Shut down in the order that loses nothing: the load, the calls still under way (their
  // outcomes reach the breakers), the views, the listeners that deliver elsewhere (Slack, given
  // two seconds), the service and the downstreams.
  await load.stop();
  await service.drain(3_000);
  if (phaseTimer) clearInterval(phaseTimer);
  table?.stop();
  const final = takeSnapshot();
  if (slack) {
    const flushed = Promise.all(circuits.map((c) => c.breaker.flush()));
    await Promise.race([flushed, sleep(2_000)]);
    slack.close();
  }
  await service.close();
  await Promise.all([...downstreams.values()].map((d) => d.close()));
  prometheus.close();

  for (const line of renderSummary(final, recorder, load.stats, style)) print(line);
  return 0;
}
