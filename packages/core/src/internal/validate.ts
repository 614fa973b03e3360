// Argument checks shared by every constructor. Each message names the parameter as the SPEC
// spells it and shows the bad value with String(value), so `new CountWindow(0)` says
// "size must be an integer >= 1, got 0". Every one of them goes through `fail`, so that the
// wording lives in one place.

/** `String(value)` that never throws (a null-prototype object or a revoked proxy has no toString). */
export function show(value: unknown): string {
  try {
    return typeof value === 'string' ? `"${value}"` : Object.is(value, -0) ? '-0' : String(value);
  } catch {
    try {
      return Object.prototype.toString.call(value);
    } catch {
      // A revoked proxy refuses even that (so does a throwing Symbol.toStringTag getter).
      return `[object ${typeof value === 'function' ? 'Function' : 'Object'}]`;
    }
  }
}

/**
 * Throws `<name> must be <expectation>, got <value>`: by default a RangeError for a number (it is
 * out of range) and a TypeError for anything else.
 */
export function fail(
  name: string,
  expectation: string,
  value: unknown,
  E: ErrorConstructor = typeof value === 'number' ? RangeError : TypeError,
): never {
  throw new E(`${name} must be ${expectation}, got ${show(value)}`);
}

/** `value`, when it is a number that passes `ok`; NaN never does, since every `ok` compares. */
function number(
  name: string,
  value: unknown,
  expectation: string,
  ok: (n: number) => boolean,
): number {
  if (typeof value !== 'number' || !ok(value)) fail(name, expectation, value);
  return value;
}

/** An integer >= `min` (a count or a size). */
export function integerAtLeast(name: string, value: unknown, min: number): number {
  return number(name, value, `an integer >= ${min}`, (n) => Number.isInteger(n) && n >= min);
}

/** A finite number > 0 (a duration or a threshold). */
export function finitePositive(name: string, value: unknown): number {
  return number(name, value, 'a finite number > 0', (n) => n > 0 && n < Infinity);
}

/** A number > 0 that may be `Infinity` (a timeout that may be switched off). */
export function positiveOrInfinity(name: string, value: unknown): number {
  return number(name, value, 'a number > 0 (Infinity allowed)', (n) => n > 0);
}

/** A finite number >= `min`, itself finite. */
export function finiteAtLeast(name: string, value: unknown, min: number): number {
  return number(name, value, `a finite number >= ${min}`, (n) => n >= min && n < Infinity);
}

/** A ratio in [min, 1], each end open or closed as asked. */
export function ratio(
  name: string,
  value: unknown,
  { minExclusive = false, maxExclusive = false, min = 0 } = {},
): number {
  return number(
    name,
    value,
    `a number ${minExclusive ? '>' : '>='} ${min} and ${maxExclusive ? '<' : '<='} 1`,
    (n) => (minExclusive ? n > min : n >= min) && (maxExclusive ? n < 1 : n <= 1),
  );
}

/**
 * What `allocate` returns, or a RangeError naming the parameter that asked for more memory than
 * the engine gives (its own "Invalid typed array length: ..." names nothing).
 */
export function allocated<T>(name: string, value: unknown, allocate: () => T): T {
  try {
    return allocate();
  } catch (error) {
    throw new RangeError(`${name} is too large to allocate, got ${show(value)}`, { cause: error });
  }
}

/** A function (a predicate, a clock or a random source). */
export function func<F extends (...args: never[]) => unknown>(name: string, value: unknown): F {
  if (typeof value !== 'function') fail(name, 'a function', value, TypeError);
  return value as F;
}

/** A plain options object, or `undefined` (which stands for `{}`). */
export function options<T extends object>(name: string, value: T | undefined): Partial<T> {
  if (value !== undefined && (value === null || typeof value !== 'object')) {
    fail(name, 'an object', value, TypeError);
  }
  return value ?? {};
}

/**
 * An object with the given methods: a component (a window, a tracker...). Checked by shape, not
 * `instanceof`, so a component from another copy of the package (ESM next to CJS) still works.
 */
export function component<T>(
  name: string,
  value: unknown,
  methods: readonly string[],
  familyName: string,
): T {
  if (
    value === null ||
    typeof value !== 'object' ||
    !methods.every((m) => typeof (value as Record<string, unknown>)[m] === 'function')
  ) {
    fail(name, `a ${familyName} (with ${methods.join(', ')})`, value, TypeError);
  }
  return value as T;
}

/**
 * A `random` option, checked, or the production default wrapped in a lambda so that
 * `Math.random` can still be replaced after construction.
 */
export function randomSource(random: unknown): () => number {
  return random === undefined ? () => Math.random() : func<() => number>('random', random);
}
