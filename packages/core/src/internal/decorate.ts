import { fail } from './validate.js';

/**
 * A method decorator that works both as a TypeScript 5+ standard decorator and under
 * `experimentalDecorators`. `M` bounds the method's return type (a promise for the async breaker).
 */
export interface MethodGuard<M> {
  /** Standard (TC39) decorator form. */
  <This, Args extends unknown[], R extends M>(
    method: (this: This, ...args: Args) => R,
    context: ClassMethodDecoratorContext<This, (this: This, ...args: Args) => R>,
  ): (this: This, ...args: Args) => R;
  /** Legacy (`experimentalDecorators`) form. */
  <T extends (...args: never[]) => M>(
    target: object,
    propertyKey: string | symbol,
    descriptor: TypedPropertyDescriptor<T>,
  ): TypedPropertyDescriptor<T> | void;
}

type AnyMethod = (this: unknown, ...args: unknown[]) => unknown;

/** Builds a decorator from a function that guards one method. */
export function methodGuard<M>(guard: (method: AnyMethod) => AnyMethod): MethodGuard<M> {
  return ((target: unknown, context: unknown, descriptor?: PropertyDescriptor): unknown => {
    // Standard: (method, context). Legacy: (prototype, key, descriptor).
    if (typeof target === 'function' && typeof context === 'object' && context !== null) {
      const kind = (context as { kind?: unknown }).kind;
      if (kind === 'method') return guard(target as AnyMethod);
      target = kind;
    } else if (typeof descriptor?.value === 'function') {
      descriptor.value = guard(descriptor.value as AnyMethod);
      return descriptor;
    } else {
      target = descriptor?.value ?? target;
    }
    return fail('protect()', 'used on a method', target, TypeError);
  }) as MethodGuard<M>;
}
