import { show } from '../internal/validate.js';
import { Tracker } from './tracker.js';

/**
 * A class whose instances a {@link TypeOf} tracker counts: anything usable on the right of
 * `instanceof`, abstract classes included.
 */
export type ErrorClass = abstract new (...args: never[]) => unknown;

/**
 * A tracker that counts the errors that are `instanceof` any of the given classes (subclasses
 * included). Anything else, non-`Error` values such as thrown strings included, is ignored.
 *
 * @example
 * ```ts
 * import { TypeOf } from '@fluxgate/core/trackers';
 * // Count network and timeout errors; a validation error is the caller's fault, not the dependency's.
 * const tracker = new TypeOf(NetworkError, TimeoutError);
 * ```
 */
export class TypeOf extends Tracker {
  /** The classes this tracker counts, in the order given. */
  readonly errorTypes: readonly ErrorClass[];

  /**
   * @param errorType - a class whose instances count as failures
   * @param more - further classes; an error that is an instance of any of them counts
   * @throws TypeError when no class is given, or one of them is not a constructor (a function
   *   with an object `prototype`) and so cannot stand on the right of `instanceof`
   */
  constructor(errorType: ErrorClass, ...more: ErrorClass[]) {
    super();
    // `arguments`, not the parameters, so a JavaScript caller's `new TypeOf()` is caught too.
    const errorTypes: unknown[] = [errorType, ...more];
    if (arguments.length === 0) {
      throw new TypeError('errorTypes must contain at least one error class, got none');
    }
    errorTypes.forEach((value, index) => checkErrorClass(`errorTypes[${index}]`, value));
    this.errorTypes = Object.freeze(errorTypes as ErrorClass[]);
  }

  /** Whether `error` is an instance of one of the classes. */
  isFailure(error: unknown): boolean {
    return this.errorTypes.some((errorType) => error instanceof errorType);
  }
}

function checkErrorClass(name: string, value: unknown): void {
  const message = `${name} must be an error class (a constructor), got ${show(value)}`;
  if (typeof value !== 'function') throw new TypeError(message);
  // An arrow function or a method passes `typeof` but makes `instanceof` throw: find out now,
  // not on the first failing call behind the breaker.
  try {
    void (Object.create(null) instanceof value);
  } catch {
    throw new TypeError(message);
  }
}
