import { State, type BreakerView, type CallEvent, type Signal } from '@fluxgate/core';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import {
  AUTOMATIC_TRANSITIONS,
  CALLS,
  CALLS_HELP,
  DURATION,
  DURATION_HELP,
  FAILURE_RATE,
  FAILURE_RATE_HELP,
  OUTCOMES,
  STATE,
  STATE_HELP,
  TIMED_OUTCOMES,
  TRANSITIONS,
  TRANSITIONS_HELP,
  type Outcome,
} from './names.js';
import { pinTotalName } from './pin-total-name.js';
import type { MetricsRegistry } from '../metrics-registry.js';

/** One listener's membership in the metrics of a registry. */
export interface Member {
  readonly calls: boolean;
  closed: boolean;
}

type Labels = Record<string, string>;

/** Everything known about one circuit name on one registry. */
interface Circuit {
  /** The `circuit_name` label value: the name, well-formed (see {@link labelValue}). */
  readonly name: string;
  /** The breaker names exported under it: the name, and any that differ in lone surrogates. */
  readonly aliases: Set<string>;
  /** The attached breakers with that name, each with the listeners it is attached through. */
  readonly breakers: Map<BreakerView, Set<Member>>;
  /** Listeners that got a signal or a call for this name from no breaker attached through them. */
  readonly loose: Set<Member>;
  /** The state the latest signal announced: the gauge's source while no breaker is attached. */
  lastState: State | undefined;
  /** Label sets, built once: in `State.ALL` order, and by outcome. */
  readonly stateLabels: readonly Labels[];
  readonly callLabels: Readonly<Record<string, Labels>>;
  readonly durationLabels: Readonly<Record<string, Labels>>;
}

interface CallFamilies {
  readonly calls: Counter<string>;
  readonly duration: Histogram<string>;
  readonly failureRate: Gauge<string>;
  readonly buckets: readonly number[];
}

/**
 * Where a registry's shared metrics keep their bookkeeping: on the state gauge itself, under a
 * global symbol, so that the ESM and CommonJS copies of this package (or two listeners built by
 * either) find and share it.
 */
const SHARED = Symbol.for('@fluxgate/prometheus:circuit-metrics@1');

const STATES: readonly State[] = State.ALL;

/** A UTF-16 code unit of a surrogate pair that is not part of one. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * The `circuit_name` a breaker name is exported under: the name, with each lone surrogate
 * replaced by U+FFFD. A lone surrogate is not text: neither exposition format can carry one, and
 * a UTF-8 writer sends U+FFFD in its place anyway. Doing it here keeps the exposition valid as a
 * string, and makes names that differ only there one circuit (as breakers that share a name are)
 * instead of two series that look the same on the wire.
 */
function labelValue(name: string): string {
  return name.replace(LONE_SURROGATE, '\ufffd');
}

function foreign(name: string): Error {
  return new Error(
    `a metric named ${name} is already registered on this registry and was not created by ` +
      '@fluxgate/prometheus; remove it or give the listener another registry',
  );
}

/**
 * The metric families of one registry and the circuits they describe, shared by every
 * `PrometheusListener` on that registry.
 *
 * Series belong to circuit names. A name lives while a breaker with that name is attached through
 * an open listener (or while such a listener keeps receiving signals for it); when the last one
 * goes, every series with that `circuit_name` goes too. When the last listener closes, the
 * families themselves are unregistered, leaving the registry as it was.
 */
export class CircuitMetrics {
  private readonly state: Gauge<string>;
  private readonly transitions: Counter<string>;
  private callFamilies: CallFamilies | undefined;
  /** The circuits by label value. */
  private readonly circuits = new Map<string, Circuit>();
  /** The same circuits by every breaker name exported under them: one lookup on the call path. */
  private readonly byName = new Map<string, Circuit>();
  private readonly members = new Set<Member>();
  private callMembers = 0;
  /** Signals and call events already counted: one breaker seen by two listeners counts once. */
  private readonly counted = new WeakSet<object>();

  /**
   * The shared metrics of `registry`, created (and registered) on first use.
   *
   * @throws Error when a metric of the same name, not created by this package, is registered
   */
  static of(registry: MetricsRegistry): CircuitMetrics {
    const existing = registry.getSingleMetric(STATE);
    if (existing !== undefined) {
      const shared = (existing as unknown as Record<symbol, unknown>)[SHARED];
      if (typeof shared !== 'object' || shared === null) throw foreign(STATE);
      return shared as CircuitMetrics;
    }
    if (registry.getSingleMetric(TRANSITIONS) !== undefined) throw foreign(TRANSITIONS);
    return new CircuitMetrics(registry);
  }

  private constructor(private readonly registry: MetricsRegistry) {
    const registers = [registry as unknown as Registry];
    this.state = new Gauge({
      name: STATE,
      help: STATE_HELP,
      labelNames: ['circuit_name', 'state'],
      registers,
      // In a Node cluster: 1 for every state some worker's breaker is in (see the README).
      aggregator: 'max',
    });
    this.transitions = new Counter({
      name: TRANSITIONS,
      help: TRANSITIONS_HELP,
      labelNames: ['circuit_name', 'old_state', 'new_state'],
      registers,
    });
    pinTotalName(this.transitions);
    Object.defineProperty(this.state, SHARED, { value: this, configurable: true });
  }

  /**
   * Adds a listener. With `buckets`, it also exports calls: the call families are created on
   * the first such listener.
   *
   * @throws RangeError when the call-duration histogram already exists with other buckets;
   *   Error when a call metric not created by this package is registered
   */
  join(member: Member, buckets: readonly number[] | undefined): void {
    if (buckets !== undefined) {
      try {
        this.enableCalls(buckets);
      } catch (error) {
        // The first listener failed: leave the registry as it was.
        if (this.members.size === 0) this.release();
        throw error;
      }
    }
    this.members.add(member);
    if (member.calls) this.callMembers++;
  }

  private enableCalls(buckets: readonly number[]): void {
    const existing = this.callFamilies;
    if (existing !== undefined) {
      const same =
        existing.buckets.length === buckets.length &&
        existing.buckets.every((bound, i) => bound === buckets[i]);
      if (!same) {
        throw new RangeError(
          `calls.buckets must match the buckets of the ${DURATION} histogram already on this ` +
            `registry (${existing.buckets.join(', ')}), got ${buckets.join(', ')}`,
        );
      }
      return;
    }
    for (const name of [CALLS, DURATION, FAILURE_RATE]) {
      if (this.registry.getSingleMetric(name) !== undefined) throw foreign(name);
    }
    const registers = [this.registry as unknown as Registry];
    const calls = new Counter({
      name: CALLS,
      help: CALLS_HELP,
      labelNames: ['circuit_name', 'outcome'],
      registers,
    });
    pinTotalName(calls);
    const duration = new Histogram({
      name: DURATION,
      help: DURATION_HELP,
      labelNames: ['circuit_name', 'outcome'],
      buckets: [...buckets],
      registers,
    });
    const failureRate = new Gauge({
      name: FAILURE_RATE,
      help: FAILURE_RATE_HELP,
      labelNames: ['circuit_name'],
      registers,
      aggregator: 'max',
      collect: () => this.collectFailureRates(),
    });
    this.callFamilies = { calls, duration, failureRate, buckets };
    // Circuits already known get their call series now, so rate() sees their first calls.
    for (const circuit of this.circuits.values()) this.zeroCalls(circuit);
  }

  /** A breaker was attached through `member`: its series appear now (closed = 1). */
  attach(member: Member, breaker: BreakerView): void {
    const circuit = this.circuit(breaker.name);
    let members = circuit.breakers.get(breaker);
    if (members === undefined) {
      members = new Set();
      circuit.breakers.set(breaker, members);
    }
    members.add(member);
    this.zeroTransitions(circuit);
    if (member.calls) this.zeroCalls(circuit);
    this.render(circuit);
  }

  /** A breaker was detached from `member`. */
  detach(member: Member, breaker: BreakerView): void {
    const circuit = this.byName.get(breaker.name);
    const members = circuit?.breakers.get(breaker);
    if (circuit === undefined || members === undefined || !members.delete(member)) return;
    if (members.size === 0) circuit.breakers.delete(breaker);
    this.settle(circuit);
  }

  transition(member: Member, signal: Signal): void {
    const circuit = this.circuit(signal.circuitName);
    if (!this.attachedThrough(circuit, member) && !circuit.loose.has(member)) {
      circuit.loose.add(member);
      this.zeroTransitions(circuit);
    }
    circuit.lastState = signal.newState;
    if (!this.counted.has(signal)) {
      this.counted.add(signal);
      this.transitions.inc({
        circuit_name: circuit.name,
        old_state: signal.oldState,
        new_state: signal.newState,
      });
    }
    this.render(circuit);
  }

  /** One call. On the call path: two map reads, a counter and (unless rejected) a histogram. */
  call(member: Member, event: CallEvent): void {
    const families = this.callFamilies;
    if (families === undefined) return;
    if (this.callMembers > 1) {
      if (this.counted.has(event)) return;
      this.counted.add(event);
    }
    let circuit = this.byName.get(event.circuitName);
    if (circuit === undefined) {
      circuit = this.circuit(event.circuitName);
      circuit.loose.add(member);
    }
    const outcome: Outcome = event.outcome;
    const labels = circuit.callLabels[outcome];
    if (labels === undefined) return; // an outcome this version does not know
    families.calls.inc(labels, 1);
    if (outcome !== 'not_permitted') {
      const duration = event.duration;
      families.duration.observe(
        circuit.durationLabels[outcome]!,
        duration > 0 ? duration / 1000 : 0,
      );
    }
  }

  /**
   * Removes a listener: every circuit it alone kept alive loses its series; the call families go
   * with the last listener that exports calls, and everything with the last listener.
   */
  leave(member: Member): void {
    if (!this.members.delete(member)) return;
    for (const circuit of Array.from(this.circuits.values())) {
      for (const [breaker, members] of circuit.breakers) {
        if (members.delete(member) && members.size === 0) circuit.breakers.delete(breaker);
      }
      circuit.loose.delete(member);
      this.settle(circuit);
    }
    if (member.calls) this.callMembers--;
    const families = this.callFamilies;
    if (families !== undefined && this.callMembers === 0) {
      this.callFamilies = undefined;
      this.unregister(families.calls, CALLS);
      this.unregister(families.duration, DURATION);
      this.unregister(families.failureRate, FAILURE_RATE);
    }
    if (this.members.size === 0) this.release();
  }

  /** Unregisters the state and transition families: nobody uses them any more. */
  private release(): void {
    this.unregister(this.state, STATE);
    this.unregister(this.transitions, TRANSITIONS);
    delete (this.state as unknown as Record<symbol, unknown>)[SHARED];
  }

  private circuit(breakerName: string): Circuit {
    const known = this.byName.get(breakerName);
    if (known !== undefined) return known;
    const name = labelValue(breakerName);
    let circuit = this.circuits.get(name);
    if (circuit === undefined) {
      const callLabels: Record<string, Labels> = {};
      const durationLabels: Record<string, Labels> = {};
      for (const outcome of OUTCOMES) callLabels[outcome] = { circuit_name: name, outcome };
      for (const outcome of TIMED_OUTCOMES)
        durationLabels[outcome] = { circuit_name: name, outcome };
      circuit = {
        name,
        aliases: new Set(),
        breakers: new Map(),
        loose: new Set(),
        lastState: undefined,
        stateLabels: STATES.map((state) => ({ circuit_name: name, state })),
        callLabels,
        durationLabels,
      };
      this.circuits.set(name, circuit);
    }
    circuit.aliases.add(breakerName);
    this.byName.set(breakerName, circuit);
    return circuit;
  }

  private attachedThrough(circuit: Circuit, member: Member): boolean {
    for (const members of circuit.breakers.values()) if (members.has(member)) return true;
    return false;
  }

  /** The four automatic transitions start at 0, so that rate() and increase() see the first. */
  private zeroTransitions(circuit: Circuit): void {
    for (const [from, to] of AUTOMATIC_TRANSITIONS) {
      this.transitions.inc({ circuit_name: circuit.name, old_state: from, new_state: to }, 0);
    }
  }

  private zeroCalls(circuit: Circuit): void {
    const families = this.callFamilies;
    if (families === undefined) return;
    for (const outcome of OUTCOMES) families.calls.inc(circuit.callLabels[outcome]!, 0);
  }

  /**
   * Sets the six state series of a circuit: for each state, how many of the breakers with that
   * name are in it (1 and five 0s for a unique name), or the latest signal's state when no
   * breaker is attached.
   */
  private render(circuit: Circuit): void {
    const counts = STATES.map(() => 0);
    if (circuit.breakers.size > 0) {
      for (const breaker of circuit.breakers.keys()) {
        const index = STATES.indexOf(breaker.state);
        if (index >= 0) counts[index]!++;
      }
    } else if (circuit.lastState !== undefined) {
      const index = STATES.indexOf(circuit.lastState);
      if (index >= 0) counts[index] = 1;
    } else {
      return; // known from call events only: no state to show
    }
    for (let i = 0; i < STATES.length; i++) this.state.set(circuit.stateLabels[i]!, counts[i]!);
  }

  /** Renders a circuit that is still used, or drops one that no longer is. */
  private settle(circuit: Circuit): void {
    if (circuit.breakers.size > 0 || circuit.loose.size > 0) {
      this.render(circuit);
      return;
    }
    this.circuits.delete(circuit.name);
    for (const alias of circuit.aliases) this.byName.delete(alias);
    for (const labels of circuit.stateLabels) this.state.remove(labels);
    for (const from of STATES) {
      for (const to of STATES) {
        if (from !== to) {
          this.transitions.remove({ circuit_name: circuit.name, old_state: from, new_state: to });
        }
      }
    }
    const families = this.callFamilies;
    if (families !== undefined) {
      for (const outcome of OUTCOMES) families.calls.remove(circuit.callLabels[outcome]!);
      for (const outcome of TIMED_OUTCOMES)
        families.duration.remove(circuit.durationLabels[outcome]!);
      families.failureRate.remove({ circuit_name: circuit.name });
    }
  }

  /**
   * The failure rate of each circuit attached through a listener that exports calls, over the
   * windows of its breakers combined; no series while they are all empty. Runs at scrape time
   * only, so the call path pays nothing for it.
   */
  private collectFailureRates(): void {
    const families = this.callFamilies;
    if (families === undefined) return;
    const gauge = families.failureRate;
    gauge.reset();
    for (const circuit of this.circuits.values()) {
      let total = 0;
      let failures = 0;
      for (const [breaker, members] of circuit.breakers) {
        if (!hasCallMember(members)) continue;
        try {
          const metric = breaker.info().metrics;
          total += metric.totalCount;
          failures += metric.failureCount;
        } catch {
          // A window that cannot be read must not fail the whole scrape: skip that breaker.
        }
      }
      if (total > 0) gauge.set({ circuit_name: circuit.name }, failures / total);
    }
  }

  private unregister(metric: object, name: string): void {
    if (this.registry.getSingleMetric(name) === metric) this.registry.removeSingleMetric(name);
  }
}

function hasCallMember(members: ReadonlySet<Member>): boolean {
  for (const member of members) if (member.calls) return true;
  return false;
}
