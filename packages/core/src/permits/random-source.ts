import { func } from '../internal/validate.js';

/**
 * The `random` option of a permit, checked, or the production default wrapped in a lambda so
 * that `Math.random` can still be replaced after construction. Internal: not exported from the
 * barrel.
 *
 * @throws TypeError when `random` is given and is not a function
 */
export function randomSource(random: unknown): () => number {
  return random === undefined ? () => Math.random() : func<() => number>('random', random);
}
