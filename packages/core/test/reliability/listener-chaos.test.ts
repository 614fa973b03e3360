/**
 * Listener chaos: the seeded workload of the torture test runs twice per seed, once with no
 * listener at all and once with listeners that throw, reject, hang (until the scheduler releases
 * them, a bounded number of events later), are slow, return thenables whose `then` throws, read
 * the breaker from inside a delivery, and throw from `onCall`, `onAttach` and `onDetach`, attached
 * and detached at random (from a separate random stream, so the calls are the same), with an
 * `onListenerError` that itself throws now and then.
 *
 * It checks that every call's outcome and every state (and `info()` counter) is identical in both
 * runs, that each listener receives, per attachment, an in-order prefix of the signals sent while
 * it was attached (all of them unless it was detached while a promise of its was pending) and
 * exactly the call events sent meanwhile, that every failure reaches `onListenerError` once, and
 * that `flush()` settles, and not before the last hung listener is released.
 *
 * Replay a failing seed with FLUXGATE_SEED=<seed> npx jest packages/core/test/reliability/listener-chaos
 */
import {
  AsyncCircuitBreaker,
  CallNotPermittedError,
  type CallEvent,
  type Listener,
  type ListenerFunction,
  type ListenerLink,
  type Signal,
} from '@fluxgate/core';
import { TypeOf } from '@fluxgate/core/trackers';
import { FakeClock } from '../support/fake-clock';
import { drain, seeded, seeds, type Rng } from './support/random';
import {
  components,
  randomSpec,
  TrackedError,
  Workload,
  type Call,
  type Result,
} from './support/workload';

const EVENTS = Number(process.env.FLUXGATE_CHAOS_EVENTS ?? 2_000);
const SEEDS = seeds([11, 12, 13, 14, 15, 16]);

type Kind =
  | 'throws'
  | 'rejects'
  | 'hangs'
  | 'slow'
  | 'thenable'
  | 'function'
  | 'reader'
  | 'reporter'
  | 'flusher';
const KINDS: readonly Kind[] = [
  'throws',
  'rejects',
  'hangs',
  'slow',
  'thenable',
  'function',
  'reader',
  'reporter',
  'flusher',
];

/** One attachment of a listener: what was sent meanwhile and what it got. */
interface Attachment {
  readonly fromSignal: number;
  readonly fromEvent: number;
  toSignal: number | undefined;
  toEvent: number | undefined;
  /** Whether a promise of this listener was pending when it was detached. */
  pendingAtDetach: boolean;
  readonly signals: Signal[];
  readonly events: CallEvent[];
  /** What onAttach got: the way to report errors met after onTransition returned. */
  link?: ListenerLink;
}

/** Hung listener promises, released by the scheduler at a given event. */
class Hangs {
  private readonly held: { at: number; release: () => void }[] = [];

  hold(at: number, fail: boolean): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.held.push({
        at,
        release: fail ? () => reject(new Error('hung, then failed')) : resolve,
      });
    });
  }

  /** Releases the hangs due at `event`; all of them when `event` is Infinity. */
  release(event: number): number {
    let n = 0;
    for (let i = this.held.length - 1; i >= 0; i--) {
      if (this.held[i]!.at <= event) {
        this.held.splice(i, 1)[0]!.release();
        n++;
      }
    }
    return n;
  }

  get count(): number {
    return this.held.length;
  }
}

/** A misbehaving listener; `target` is what gets attached (an object or a plain function). */
class Chaotic {
  readonly attachments: Attachment[] = [];
  /** Failures it caused, each of which must reach onListenerError once. */
  failures = 0;
  /** Its promises still pending. */
  pending = 0;
  detach: (() => void) | undefined;
  readonly target: Listener | ListenerFunction;

  constructor(
    readonly name: string,
    readonly kind: Kind,
    private readonly rng: Rng,
    private readonly hangs: Hangs,
    private readonly eventIndex: () => number,
    private readonly breaker: () => AsyncCircuitBreaker,
  ) {
    const onTransition = (signal: Signal): void | Promise<void> => this.onTransition(signal);
    if (kind === 'function') {
      this.target = onTransition;
      return;
    }
    const listener: Listener = {
      onTransition,
      onCall: (event) => {
        this.current()?.events.push(event);
        if (kind === 'throws' && this.rng.chance(0.3)) {
          this.failures++;
          throw new Error('onCall failed');
        }
      },
      onAttach: (_breaker, link) => {
        const attachment = this.current();
        if (attachment) attachment.link = link;
        if (this.rng.chance(0.2)) {
          this.failures++;
          throw new Error('onAttach failed');
        }
      },
      onDetach: () => {
        if (this.rng.chance(0.2)) {
          this.failures++;
          throw new Error('onDetach failed');
        }
      },
    };
    if (kind === 'flusher') {
      // Delivers elsewhere and says when it is done through its own flush(), which hangs until
      // the scheduler releases it.
      listener.flush = () =>
        this.track(this.hangs.hold(this.eventIndex() + this.rng.int(1, 40), false), false);
    }
    this.target = listener;
  }

  current(): Attachment | undefined {
    const last = this.attachments.at(-1);
    return last && last.toSignal === undefined ? last : undefined;
  }

  private track(promise: Promise<void>, fails: boolean): Promise<void> {
    this.pending++;
    if (fails) this.failures++;
    const done = (): void => void this.pending--;
    promise.then(done, done);
    return promise;
  }

  private onTransition(signal: Signal): void | Promise<void> {
    this.current()?.signals.push(signal);
    const rng = this.rng;
    switch (this.kind) {
      case 'throws':
        if (rng.chance(0.7)) {
          this.failures++;
          throw new Error('listener failed');
        }
        return;
      case 'rejects': {
        return this.track(Promise.reject(new Error('listener rejected')), true);
      }
      case 'hangs': {
        const fail = rng.chance(0.3);
        return this.track(this.hangs.hold(this.eventIndex() + rng.int(1, 80), fail), fail);
      }
      case 'slow': {
        let p: Promise<void> = Promise.resolve();
        for (let i = rng.int(1, 20); i > 0; i--) p = p.then(() => undefined);
        if (rng.chance(0.5)) p = p.then(() => new Promise<void>((r) => setImmediate(r)));
        return this.track(p, false);
      }
      case 'thenable': {
        if (rng.chance(0.5)) {
          this.failures++;
          // Reading `then` throws.
          return Object.defineProperty({}, 'then', {
            get() {
              throw new Error('then getter failed');
            },
          }) as unknown as Promise<void>;
        }
        // A thenable that settles at once, synchronously, inside then().
        return { then: (ok: () => void) => ok() } as unknown as Promise<void>;
      }
      case 'function':
        if (rng.chance(0.5)) {
          this.failures++;
          throw new Error('function listener failed');
        }
        return this.track(Promise.resolve(), false);
      case 'reporter': {
        // Fails later, after onTransition returned, and says so through its link.
        const attachment = this.current();
        setImmediate(() => {
          // Reported only while that attachment lasts: the link of a detached listener is mute.
          if (attachment?.toSignal === undefined) this.failures++;
          attachment?.link?.report(new Error('failed later'), signal);
        });
        return;
      }
      case 'flusher':
        return;
      case 'reader': {
        // Reads the breaker from inside the delivery: a read changes nothing.
        const b = this.breaker();
        void b.info().metrics.failureRate;
        void b.state;
        return;
      }
    }
  }
}

interface Run {
  /** One line per event: the event, the state and counters after it, and the calls answered. */
  readonly trace: string[];
}

function describeResult(call: Call): string {
  const r = call.result;
  if (r.status === 'resolved') {
    return `${call.id}:ok${r.value === call.payload ? '' : '(another value!)'}`;
  }
  if (r.status === 'rejected') {
    if (CallNotPermittedError.is(r.error)) {
      return `${call.id}:refused(${r.error.state},${r.error.retryAfter})`;
    }
    return `${call.id}:threw${r.error === call.payload ? '' : '(another error!)'}`;
  }
  return `${call.id}:pending`;
}

async function run(seed: number, chaos: boolean): Promise<Run> {
  const rng = seeded(seed);
  const spec = randomSpec(rng);
  const parts = components(spec, rng.fork());
  const clock = new FakeClock();
  const reported: { listener: unknown; cause: unknown }[] = [];
  let handlerCalls = 0;
  const signals: Signal[] = [];
  const events: CallEvent[] = [];
  const breaker = new AsyncCircuitBreaker({
    name: 'chaos',
    ...parts,
    tracker: new TypeOf(TrackedError),
    closeAfter: spec.closeAfter,
    maxHalfOpenCalls: spec.maxHalfOpenCalls,
    halfOpenTimeout: spec.halfOpenTimeout,
    isFailureResult: (r: Result) => r.fail,
    clock,
    ...(chaos
      ? {
          // The well-behaved recorder: every signal and call event, in the order they were sent.
          listeners: [
            {
              onTransition: (s: Signal) => void signals.push(s),
              onCall: (e: CallEvent) => void events.push(e),
            },
          ],
          onListenerError: (_error: unknown, listener: unknown, cause: unknown) => {
            reported.push({ listener, cause });
            if (++handlerCalls % 7 === 0) throw new Error('the error handler failed too');
          },
        }
      : {}),
  });

  // More manual transitions than the torture test: more signals for the listeners to mishandle.
  const workload = new Workload(rng, clock, breaker, spec, {}, { manualWeight: 3 });
  const chaosRng = seeded(seed ^ 0x5eed).fork();
  const hangs = new Hangs();
  let event = 0;
  const listeners = KINDS.flatMap((kind) =>
    [1, 2].map(
      (n) =>
        new Chaotic(
          `${kind}#${n}`,
          kind,
          chaosRng.fork(),
          hangs,
          () => event,
          () => breaker,
        ),
    ),
  );
  const flushes: { settled: boolean; hangsAtStart: number }[] = [];

  const attach = (l: Chaotic): void => {
    if (l.detach !== undefined) {
      // Attaching one already attached does nothing more (and returns its detach).
      const again = breaker.addListener(l.target);
      expect(typeof again).toBe('function');
      return;
    }
    l.attachments.push({
      fromSignal: signals.length,
      fromEvent: events.length,
      toSignal: undefined,
      toEvent: undefined,
      pendingAtDetach: false,
      signals: [],
      events: [],
    });
    l.detach = breaker.addListener(l.target);
  };
  const detach = (l: Chaotic): void => {
    const a = l.current();
    if (l.detach === undefined || a === undefined) return;
    a.toSignal = signals.length;
    a.toEvent = events.length;
    a.pendingAtDetach = l.pending > 0;
    l.detach();
    if (chaosRng.chance(0.3)) l.detach(); // detaching twice is harmless
    l.detach = undefined;
  };

  const trace: string[] = [];
  const unanswered: Call[] = [];
  let seen = 0;
  const record = (line: string): void => {
    for (; seen < workload.calls.length; seen++) unanswered.push(workload.calls[seen]!);
    const answered: string[] = [];
    for (let i = 0; i < unanswered.length;) {
      if (unanswered[i]!.result.status === 'pending') {
        i++;
      } else {
        answered.push(describeResult(unanswered.splice(i, 1)[0]!));
      }
    }
    const info = breaker.info();
    const m = info.metrics;
    trace.push(
      `${line} | ${info.state} changedAt=${info.changedAt} retryAt=${info.retryAt} reopens=${info.reopens} ` +
        `streak=${info.consecutiveFailures} window=${m.totalCount}/${m.failureCount}/${m.totalDuration} | ${answered.join(' ')}`,
    );
  };

  for (; event < EVENTS; event++) {
    if (chaos) {
      if (chaosRng.chance(0.15)) attach(chaosRng.pick(listeners));
      if (chaosRng.chance(0.1)) detach(chaosRng.pick(listeners));
      hangs.release(event);
      if (chaosRng.chance(0.01)) {
        const f = { settled: false, hangsAtStart: hangs.count };
        flushes.push(f);
        void breaker.flush().then(() => (f.settled = true));
      }
    }
    record(await workload.step());
  }
  for await (const line of workload.drainAll()) record(line);

  if (chaos) {
    // Let every hung listener go and every flush() settle, so nothing is pending. A released
    // listener's queued signals may hang it again, and a slow one takes a macrotask per signal.
    const quiesce = async (whileBusy?: () => void): Promise<void> => {
      for (let rounds = 0; ; rounds++) {
        await drain();
        const busy =
          hangs.count > 0 ||
          !flushes.every((f) => f.settled) ||
          listeners.some((l) => l.pending > 0);
        if (!busy) return;
        whileBusy?.();
        expect(rounds).toBeLessThan(100_000);
        hangs.release(++event);
      }
    };
    await quiesce();
    // Then one more round of signals (the runs have been compared already), and a flush() that
    // must wait for every delivery and own flush() this starts, and then settle.
    breaker.forceOpen();
    breaker.reset();
    const last = { settled: false, hangsAtStart: hangs.count };
    flushes.push(last);
    void breaker.flush().then(() => (last.settled = true));
    await quiesce(() => {
      if (hangs.count > 0) expect(last.settled).toBe(false);
    });
    expect(flushes.filter((f) => !f.settled)).toEqual([]);
    expect(listeners.reduce((n, l) => n + l.pending, 0)).toBe(0);

    for (const l of listeners) {
      if (l.detach !== undefined) {
        const a = l.current()!;
        a.toSignal = signals.length;
        a.toEvent = events.length;
      }
      for (const [i, a] of l.attachments.entries()) {
        const sent = signals.slice(a.fromSignal, a.toSignal);
        const where = `${l.name}, attachment ${i} (signals ${a.fromSignal}..${a.toSignal})`;
        // In order, none twice, none missing but the tail dropped at detach.
        expect({ where, got: a.signals }).toEqual({
          where,
          got: sent.slice(0, a.signals.length),
        });
        if (!a.pendingAtDetach)
          expect({ where, n: a.signals.length }).toEqual({ where, n: sent.length });
        if (l.kind !== 'function') {
          const sentEvents = events.slice(a.fromEvent, a.toEvent);
          expect({ where, n: a.events.length }).toEqual({ where, n: sentEvents.length });
          expect(a.events.every((e, j) => e === sentEvents[j])).toBe(true);
        }
      }
      // Every failure of this listener reached onListenerError, once.
      const reports = reported.filter((r) => r.listener === l.target).length;
      expect({ listener: l.name, reports }).toEqual({ listener: l.name, reports: l.failures });
    }
    // Chaos happened: listeners came and went, failed, and hung.
    expect(listeners.filter((l) => l.attachments.length > 1).length).toBeGreaterThan(3);
    expect(reported.length).toBeGreaterThan(2);
    expect(signals.length).toBeGreaterThan(2);
  }
  return { trace };
}

describe('listener chaos: misbehaving listeners change nothing', () => {
  it.each(SEEDS)(
    'every outcome and state matches the run without listeners; per-listener order holds; flush() settles (seed %i)',
    async (seed) => {
      const quiet = await run(seed, false);
      let noisy: Run;
      try {
        noisy = await run(seed, true);
      } catch (error) {
        throw new Error(
          `listener chaos, seed ${seed}: ${(error as Error).message}\n` +
            `replay: FLUXGATE_SEED=${seed} npx jest packages/core/test/reliability/listener-chaos`,
          { cause: error },
        );
      }
      const diverged = quiet.trace.findIndex((line, i) => line !== noisy.trace[i]);
      if (diverged !== -1 || quiet.trace.length !== noisy.trace.length) {
        const at = diverged === -1 ? Math.min(quiet.trace.length, noisy.trace.length) : diverged;
        throw new Error(
          [
            `listener chaos, seed ${seed}: the runs diverge at event ${at}`,
            `replay: FLUXGATE_SEED=${seed} npx jest packages/core/test/reliability/listener-chaos`,
            ...quiet.trace.slice(Math.max(0, at - 5), at).map((l) => `  both:  ${l}`),
            `  quiet: ${quiet.trace[at]}`,
            `  chaos: ${noisy.trace[at]}`,
          ].join('\n'),
        );
      }
      expect(noisy.trace.length).toBeGreaterThanOrEqual(EVENTS);
    },
    60_000,
  );
});
