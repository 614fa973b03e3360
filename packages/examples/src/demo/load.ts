/**
 * The built-in load generator: `rate` requests per second to each route of the demo service,
 * over real HTTP, so that every breaker sees traffic (an open breaker only moves to half_open
 * on a call).
 */

export interface LoadStats {
  /** Responses by route and HTTP status. */
  readonly statuses: ReadonlyMap<string, ReadonlyMap<number, number>>;
  /** Requests that got no response (the service was closing, say). */
  readonly errors: number;
}

export interface LoadGenerator {
  readonly stats: LoadStats;
  /** Stops sending, aborts the requests in flight and waits for them to settle. */
  stop(): Promise<void>;
}

/** At most this many requests in flight per route: a slow phase must not pile up sockets. */
const MAX_IN_FLIGHT = 64;
const TICK = 50;

export function startLoad(baseUrl: string, routes: readonly string[], rate: number): LoadGenerator {
  const statuses = new Map<string, Map<number, number>>(routes.map((r) => [r, new Map()]));
  const inFlight = new Map<string, number>(routes.map((r) => [r, 0]));
  const pending = new Set<Promise<void>>();
  const abort = new AbortController();
  let errors = 0;
  let due = 0;
  let last = Date.now();

  const send = (route: string) => {
    inFlight.set(route, inFlight.get(route)! + 1);
    const request = fetch(baseUrl + route, { signal: abort.signal })
      .then(async (response) => {
        await response.arrayBuffer();
        const counts = statuses.get(route)!;
        counts.set(response.status, (counts.get(response.status) ?? 0) + 1);
      })
      .catch(() => {
        if (!abort.signal.aborted) errors++;
      })
      .finally(() => {
        inFlight.set(route, inFlight.get(route)! - 1);
        pending.delete(request);
      });
    pending.add(request);
  };

  const timer =
    rate > 0
      ? setInterval(() => {
          const now = Date.now();
          due += ((now - last) / 1_000) * rate;
          last = now;
          // Whole requests now; the fraction is carried over to the next tick.
          while (due >= 1) {
            due -= 1;
            for (const route of routes) if (inFlight.get(route)! < MAX_IN_FLIGHT) send(route);
          }
        }, TICK)
      : undefined;

  return {
    stats: {
      statuses,
      get errors() {
        return errors;
      },
    },
    async stop() {
      if (timer) clearInterval(timer);
      abort.abort();
      await Promise.allSettled([...pending]);
    },
  };
}
