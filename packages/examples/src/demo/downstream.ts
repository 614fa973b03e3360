/**
 * The simulated downstream services: real HTTP servers on 127.0.0.1 whose behaviour follows a
 * repeating schedule of phases (healthy → failing → slow → recovering).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Phase = 'healthy' | 'failing' | 'slow' | 'recovering';

/** One turn of a downstream's schedule: its phases in order, in milliseconds at speed 1. */
export type Cycle = readonly { readonly phase: Phase; readonly duration: number }[];

/** What a downstream does in a phase: how often it answers 5xx, and how long it takes. */
export interface Behaviour {
  /** The share of requests answered with a 5xx, in [0, 1]. */
  errorRate: number;
  /** The shortest and the longest answer, in milliseconds at speed 1. */
  latency: readonly [number, number];
}

/**
 * The behaviour in `phase`, `progress` (0 to 1) of the way through it. Recovering improves
 * steadily: errors fall from 20 % to 1 % and latency from 200 ms to the healthy 10-40 ms.
 */
export function behaviour(phase: Phase, progress: number): Behaviour {
  switch (phase) {
    case 'healthy':
      return { errorRate: 0.01, latency: [10, 40] };
    case 'failing':
      return { errorRate: 0.85, latency: [5, 20] };
    case 'slow':
      return { errorRate: 0.02, latency: [600, 900] };
    case 'recovering': {
      const left = 1 - progress;
      return { errorRate: 0.01 + 0.19 * left, latency: [10, 40 + 160 * left] };
    }
  }
}

export interface PhaseAt {
  phase: Phase;
  /** How far through the phase, from 0 to 1. */
  progress: number;
  /** When the phase ends, in milliseconds since the epoch. */
  endsAt: number;
}

/** A downstream's place in its cycle over time, which runs `speed` times faster than the clock. */
export class Schedule {
  private readonly length: number;

  constructor(
    readonly cycle: Cycle,
    private readonly startedAt: number,
    private readonly speed: number,
  ) {
    this.length = cycle.reduce((sum, step) => sum + step.duration, 0);
  }

  at(now: number): PhaseAt {
    const elapsed = Math.max(0, now - this.startedAt) * this.speed;
    let inCycle = elapsed % this.length;
    for (const step of this.cycle) {
      if (inCycle < step.duration) {
        return {
          phase: step.phase,
          progress: inCycle / step.duration,
          endsAt: now + (step.duration - inCycle) / this.speed,
        };
      }
      inCycle -= step.duration;
    }
    const last = this.cycle[this.cycle.length - 1]!;
    return { phase: last.phase, progress: 1, endsAt: now }; // only with rounding errors
  }
}

export interface Downstream {
  readonly name: string;
  readonly url: string;
  readonly port: number;
  readonly schedule: Schedule;
  /** Stops the server, drops its connections and cancels the answers it was holding back. */
  close(): Promise<void>;
}

/**
 * Starts a downstream service on 127.0.0.1 (a free port). Every request is answered after a
 * delay drawn from the current phase's latency (divided by `speed`), with a 200 or, at the
 * phase's error rate, a 500 or 503.
 */
export async function startDownstream(
  name: string,
  schedule: Schedule,
  options: { speed: number; random?: () => number; now?: () => number },
): Promise<Downstream> {
  const random = options.random ?? Math.random;
  const now = options.now ?? Date.now;
  const pending = new Set<NodeJS.Timeout>();
  const server: Server = createServer((request, response) => {
    request.resume();
    const { phase, progress } = schedule.at(now());
    const { errorRate, latency } = behaviour(phase, progress);
    const delay = (latency[0] + random() * (latency[1] - latency[0])) / options.speed;
    const fail = random() < errorRate;
    const timer = setTimeout(() => {
      pending.delete(timer);
      const status = fail ? (random() < 0.5 ? 500 : 503) : 200;
      const body = fail
        ? { service: name, phase, error: 'simulated failure' }
        : { service: name, phase, ok: true };
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
    }, delay);
    pending.add(timer);
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    name,
    port,
    url: `http://127.0.0.1:${port}/`,
    schedule,
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of pending) clearTimeout(timer);
        pending.clear();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
