import { fail } from '../internal/validate.js';
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
  // `declare`: set in the constructor, so no class-field definition is emitted before it.
  /** The classes this tracker counts, in the order given. */
  declare readonly errorTypes: readonly ErrorClass[];

  /**
   * @param errorType - a class whose instances count as failures
   * @param more - further classes; an error that is an instance of any of them counts
   * @throws TypeError when no class is given, or one of them is not a constructor (a function
   *   with an object `prototype`) and so cannot stand on the right of `instanceof`
   */
  constructor(errorType: ErrorClass, ...more: ErrorClass[]) {
    super();
    // A JavaScript caller's `new TypeOf()` is refused too: errorTypes[0] is then undefined.
    const errorTypes: unknown[] = [errorType, ...more];
    errorTypes.forEach(checkErrorClass);
    this.errorTypes = Object.freeze(errorTypes as ErrorClass[]);
  }

  /** Whether `error` is an instance of one of the classes. */
  isFailure(error: unknown): boolean {
    return this.errorTypes.some((errorType) => error instanceof errorType);
  }
}

function checkErrorClass(value: unknown, index: number): void {
  // An arrow function or a method passes `typeof` but makes `instanceof` throw: find out now,
  // not on the first failing call behind the breaker.
  try {
    if (typeof value === 'function') return void (Object.create(null) instanceof value);
  } catch {
    // refused below
  }
  fail(`errorTypes[${index}]`, 'an error class (a constructor)', value, TypeError);
}
