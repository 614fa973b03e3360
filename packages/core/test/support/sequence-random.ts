/**
 * A `random` that returns the given values in order, then throws: a test that draws more numbers
 * than it planned fails loudly.
 */
export function sequenceRandom(...values: number[]): (() => number) & { readonly calls: number } {
  let index = 0;
  const random = () => {
    if (index >= values.length)
      throw new Error(`sequenceRandom: no value left after ${values.length} draws`);
    return values[index++]!;
  };
  return Object.defineProperty(random, 'calls', { get: () => index }) as (() => number) & {
    readonly calls: number;
  };
}
