import { Custom, TypeOf, type ErrorClass } from '@fluxgate/core/trackers';
import { expectThrows } from '../support/validation';

// Values that are not classes; numbers included, which are a TypeError here (not a RangeError):
// the parameter is not numeric.
const notFunctions: readonly unknown[] = [
  NaN,
  Infinity,
  0,
  -1,
  'TypeError',
  null,
  undefined,
  {},
  new TypeError('x'),
];
// Functions that cannot stand on the right of `instanceof` (no object `prototype`).
const notConstructors: readonly unknown[] = [() => true, { method() {} }.method];

const newTypeOf = TypeOf as unknown as new (...errorTypes: unknown[]) => TypeOf;

describe('TypeOf validation', () => {
  it('throws a TypeError naming errorTypes when given no class', () => {
    expectThrows(() => new newTypeOf(), TypeError, 'errorTypes[0]', 'undefined');
  });

  it.each([...notFunctions, ...notConstructors])(
    'throws a TypeError for the first class %p',
    (value) => {
      expectThrows(() => new newTypeOf(value), TypeError, 'errorTypes', String(value));
    },
  );

  it.each([...notFunctions, ...notConstructors])(
    'throws a TypeError for a later class %p, naming its index',
    (value) => {
      const build = () => new newTypeOf(RangeError, TypeError, value);
      expectThrows(build, TypeError, 'errorTypes[2]', String(value));
    },
  );

  it('accepts classes, built-in and user-defined, abstract included', () => {
    abstract class Base extends Error {}
    const classes: ErrorClass[] = [Error, TypeError, Base, class Mine extends Base {}];
    expect(() => new TypeOf(classes[0]!, ...classes.slice(1))).not.toThrow();
  });
});

describe('Custom validation', () => {
  it.each([NaN, 0, 'e => true', null, undefined, {}, true])(
    'throws a TypeError naming predicate for %p',
    (value) => {
      const build = () => new Custom(value as unknown as (error: unknown) => boolean);
      expectThrows(build, TypeError, 'predicate', String(value));
    },
  );
});
