// Argument checks shared by every constructor. Each message names the parameter as the SPEC
// spells it and shows the bad value with String(value), so `new CountWindow(0)` says
// "size must be an integer >= 1, got 0".

/** `String(value)` that never throws (a null-prototype object or a revoked proxy has no toString). */
export function show(value: unknown): string {
  try {
    if (typeof value === 'string') return `"${value}"`;
    if (Object.is(value, -0)) return '-0';
    return String(value);
  } catch {
    try {
      return Object.prototype.toString.call(value);
    } catch {
      // A revoked proxy refuses even that (so does a throwing Symbol.toStringTag getter).
      return typeof value === 'function' ? '[object Function]' : '[object Object]';
    }
  }
}

function fail(name: string, expectation: string, value: unknown): never {
  const message = `${name} must be ${expectation}, got ${show(value)}`;
  if (typeof value !== 'number') throw new TypeError(message);
  throw new RangeError(message);
}

function number(name: string, expectation: string, value: unknown): number {
  if (typeof value !== 'number' || Number.isNaN(value)) fail(name, expectation, value);
  return value;
}

/** An integer >= `min` (a count or a size). */
export function integerAtLeast(name: string, value: unknown, min: number): number {
  const expectation = `an integer >= ${min}`;
  const n = number(name, expectation, value);
  if (!Number.isInteger(n) || n < min) fail(name, expectation, value);
  return n;
}

/** A finite number > 0 (a duration or a threshold). */
export function finitePositive(name: string, value: unknown): number {
  const expectation = 'a finite number > 0';
  const n = number(name, expectation, value);
  if (!Number.isFinite(n) || n <= 0) fail(name, expectation, value);
  return n;
}

/** A number > 0 that may be `Infinity` (a timeout that may be switched off). */
export function positiveOrInfinity(name: string, value: unknown): number {
  const expectation = 'a number > 0 (Infinity allowed)';
  const n = number(name, expectation, value);
  if (n <= 0) fail(name, expectation, value);
  return n;
}

/** A finite number >= `min`. */
export function finiteAtLeast(name: string, value: unknown, min: number): number {
  const expectation = `a finite number >= ${min}`;
  const n = number(name, expectation, value);
  if (!Number.isFinite(n) || n < min) fail(name, expectation, value);
  return n;
}

/** A ratio in [min, max], each end open or closed as asked. */
export function ratio(
  name: string,
  value: unknown,
  { minExclusive = false, maxExclusive = false, min = 0, max = 1 } = {},
): number {
  const expectation = `a number ${minExclusive ? '>' : '>='} ${min} and ${maxExclusive ? '<' : '<='} ${max}`;
  const n = number(name, expectation, value);
  if (minExclusive ? n <= min : n < min) fail(name, expectation, value);
  if (maxExclusive ? n >= max : n > max) fail(name, expectation, value);
  return n;
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
  if (typeof value !== 'function')
    throw new TypeError(`${name} must be a function, got ${show(value)}`);
  return value as F;
}

/** A plain options object, or `undefined` (which stands for `{}`). */
export function options<T extends object>(name: string, value: T | undefined): Partial<T> {
  if (value === undefined) return {};
  if (value === null || typeof value !== 'object') {
    throw new TypeError(`${name} must be an object, got ${show(value)}`);
  }
  return value;
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
  const ok =
    value !== null &&
    typeof value === 'object' &&
    methods.every((m) => typeof (value as Record<string, unknown>)[m] === 'function');
  if (!ok) {
    throw new TypeError(
      `${name} must be a ${familyName} (with ${methods.join(', ')}), got ${show(value)}`,
    );
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
