import { finitePositive, options, ratio } from '../internal/validate.js';
import { Permit } from './permit.js';
import { randomSource } from '../internal/validate.js';

/** Options of {@link RampUp}. */
export interface RampUpOptions {
  /** The share of calls let through on entering half_open; 0 < initial <= 1. Required. */
  readonly initial: number;
  /** The share of calls let through once `duration` has passed; initial <= final <= 1. Required. */
  readonly final: number;
  /** How long the ramp lasts, in milliseconds since entering half_open; finite and > 0. Required. */
  readonly duration: number;
  /**
   * The source of uniform numbers in [0, 1); drawn once per call asking to run.
   *
   * @defaultValue `() => Math.random()`
   */
  readonly random?: () => number;
}

/**
 * A permit that lets a growing share of half-open calls run: the share grows linearly from
 * `initial` when the circuit enters half_open to `final` `duration` milliseconds later, and stays
 * at `final` after. A call runs when `random() < share`.
 *
 * The breakers use `new RampUp({ initial: 0.1, final: 1, duration: 60_000 })` when no permit is
 * given.
 *
 * @example
 * ```ts
 * import { RampUp } from '@fluxgate/core/permits';
 * // 10 % of calls at first, all of them after a minute.
 * const permit = new RampUp({ initial: 0.1, final: 1, duration: 60_000 });
 * ```
 */
export class RampUp extends Permit {
  // `declare`: set in the constructor, so no class-field definition is emitted before it.
  /** The share of calls let through on entering half_open, in (0, 1]. */
  declare readonly initial: number;
  /** The share of calls let through once the ramp is over, in [initial, 1]. */
  declare readonly final: number;
  /** How long the ramp lasts, in milliseconds. */
  declare readonly duration: number;
  readonly #random: () => number;

  /**
   * @param opts - see {@link RampUpOptions}; `initial`, `final` and `duration` are required
   * @throws RangeError when `initial` is NaN or outside (0, 1], `final` is NaN or outside
   *   [initial, 1], or `duration` is NaN, infinite or <= 0
   * @throws TypeError when `opts` is not an object, a required option is missing, a number option
   *   is not a number, or `random` is not a function
   */
  constructor(opts: RampUpOptions) {
    super();
    const { initial, final, duration, random } = options('options', opts);
    this.initial = ratio('initial', initial, { minExclusive: true });
    this.final = ratio('final', final, { min: this.initial });
    this.duration = finitePositive('duration', duration);
    this.#random = randomSource(random);
  }

  /**
   * The share of calls let through at `now`, in [initial, final]: `initial` up to `changedAt`
   * (a clock that went back included), `final` from `changedAt + duration` on, linear between.
   *
   * @param context - `changedAt`: when the circuit entered half_open; `now`: the current time
   *   (both in milliseconds since the epoch)
   */
  ratioAt({ changedAt, now }: { readonly changedAt: number; readonly now: number }): number {
    const elapsed = now - changedAt;
    if (!(elapsed > 0)) return this.initial;
    if (elapsed >= this.duration) return this.final;
    // min(): rounding must never take the share past `final` just before the ramp ends.
    return Math.min(
      this.final,
      this.initial + ((this.final - this.initial) * elapsed) / this.duration,
    );
  }

  /** Whether `random() < ratioAt({ changedAt, now })`. */
  allows(context: { readonly changedAt: number; readonly now: number }): boolean {
    return this.#random() < this.ratioAt(context);
  }
}
