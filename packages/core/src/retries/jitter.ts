import { randomSource, ratio } from '../internal/validate.js';

/**
 * Validates `jitterRatio` and `random`; returns the ratio and the function that jitters a wait:
 * `wait` becomes `wait · (1 − j + 2·j·random())`, uniform in [(1 − j)·wait, (1 + j)·wait). With
 * `jitterRatio` 0 it returns the wait unchanged and never draws. Internal: shared by
 * `Cooldown` and `Backoff`, not exported from the barrel.
 *
 * @throws RangeError when `jitterRatio` is NaN or outside [0, 1)
 * @throws TypeError when `jitterRatio` is not a number or `random` is not a function
 */
export function jitter(
  jitterRatio: unknown,
  random: unknown,
): [jitterRatio: number, apply: (wait: number) => number] {
  const j = ratio('jitterRatio', jitterRatio, { maxExclusive: true });
  // Checked even when j is 0: a bad argument is a mistake whether or not it is used yet.
  const draw = randomSource(random);
  return [j, j === 0 ? (wait) => wait : (wait) => wait * (1 - j + 2 * j * draw())];
}
