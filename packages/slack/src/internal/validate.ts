// Option checks. Each message names the option; a secret's value is never shown, not even when
// it is malformed (a token with a stray newline is still most of a token).

/** `String(value)` for messages, that never throws. */
export function show(value: unknown): string {
  try {
    if (typeof value === 'string') return `"${value}"`;
    if (typeof value === 'function') return 'a function';
    if (typeof value === 'object' && value !== null)
      return Array.isArray(value) ? 'an array' : 'an object';
    return String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}

/** The options object itself. */
export function record(name: string, value: unknown): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TypeError(`${name} must be an object, got ${show(value)}`);
  }
  return value as Record<string, unknown>;
}

/** A secret string: printable ASCII without spaces. Its value is never shown. */
export function secret(name: string, value: unknown): string {
  if (typeof value !== 'string' || value === '') {
    throw new TypeError(
      `${name} must be a non-empty string, got ${typeof value === 'string' ? 'an empty string' : typeof value}`,
    );
  }
  if (!/^[\x21-\x7e]+$/.test(value)) {
    throw new TypeError(
      `${name} must not contain spaces, line breaks or non-ASCII characters (value not shown)`,
    );
  }
  return value;
}

/** An absolute http(s) URL. Its value is shown only when `shown`. */
export function httpUrl(name: string, value: unknown, shown: boolean): URL {
  let url: URL | undefined;
  if (typeof value === 'string') {
    try {
      url = new URL(value);
    } catch {
      url = undefined;
    }
  }
  if (url === undefined || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
    const got = shown
      ? show(value)
      : typeof value === 'string'
        ? 'a string that is not one (value not shown)'
        : typeof value;
    throw new TypeError(`${name} must be an absolute http(s) URL, got ${got}`);
  }
  return url;
}

/** A non-empty string. */
export function text(name: string, value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new TypeError(`${name} must be a non-empty string, got ${show(value)}`);
  }
  return value;
}

/** A function, or `undefined`. */
export function optionalFunction<F>(name: string, value: unknown): F | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'function')
    throw new TypeError(`${name} must be a function, got ${show(value)}`);
  return value as F;
}

function fail(name: string, expectation: string, value: unknown): never {
  const message = `${name} must be ${expectation}, got ${show(value)}`;
  throw typeof value === 'number' ? new RangeError(message) : new TypeError(message);
}

/** An integer >= `min`, or `fallback` when undefined. */
export function integerAtLeast(
  name: string,
  value: unknown,
  min: number,
  fallback: number,
): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    fail(name, `an integer >= ${min}`, value);
  }
  return value;
}

/** A finite number > 0, or `fallback` when undefined. */
export function finitePositive(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    fail(name, 'a finite number > 0', value);
  }
  return value;
}
