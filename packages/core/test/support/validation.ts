/** The error classes a constructor throws for a bad argument. */
export type ValidationError = typeof RangeError | typeof TypeError;

/** What `build` throws; fails the test when it throws nothing. */
export function thrownBy(build: () => unknown): unknown {
  try {
    build();
  } catch (error) {
    return error;
  }
  throw new Error('expected the constructor to throw');
}

/** Asserts that `build` throws an `error` whose message contains every one of `texts`. */
export function expectThrows(
  build: () => unknown,
  error: ValidationError,
  ...texts: readonly string[]
): void {
  const thrown = thrownBy(build);
  expect(thrown).toBeInstanceOf(error);
  for (const text of texts) expect((thrown as Error).message).toContain(text);
}

/** A constructor call with one bad value, and the error it must throw. */
export interface Case {
  title: string;
  build: () => unknown;
  name: string;
  value: unknown;
  error: ValidationError;
}

/**
 * One case per bad value: a RangeError for a number, a TypeError for anything else (and for
 * every value of a parameter that must be a function, with `alwaysTypeError`).
 */
export function cases(
  ctor: string,
  name: string,
  values: readonly unknown[],
  build: (value: unknown) => unknown,
  { alwaysTypeError = false } = {},
): Case[] {
  return values.map((value) => ({
    title: `${ctor}: ${name} = ${typeof value === 'string' ? JSON.stringify(value) : String(value)}`,
    build: () => build(value),
    name,
    value,
    error: typeof value === 'number' && !alwaysTypeError ? RangeError : TypeError,
  }));
}
