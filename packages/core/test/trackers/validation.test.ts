import { Custom, TypeOf, type ErrorClass } from '@fluxgate/core/trackers';

function thrownBy(build: () => unknown): unknown {
  try {
    build();
  } catch (error) {
    return error;
  }
  throw new Error('expected the constructor to throw');
}

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
    const error = thrownBy(() => new newTypeOf());
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toContain('errorTypes');
  });

  it.each([...notFunctions, ...notConstructors])(
    'throws a TypeError for the first class %p',
    (value) => {
      const error = thrownBy(() => new newTypeOf(value));
      expect(error).toBeInstanceOf(TypeError);
      expect((error as Error).message).toContain('errorTypes');
      expect((error as Error).message).toContain(String(value));
    },
  );

  it.each([...notFunctions, ...notConstructors])(
    'throws a TypeError for a later class %p, naming its index',
    (value) => {
      const error = thrownBy(() => new newTypeOf(RangeError, TypeError, value));
      expect(error).toBeInstanceOf(TypeError);
      expect((error as Error).message).toContain('errorTypes[2]');
      expect((error as Error).message).toContain(String(value));
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
      const error = thrownBy(() => new Custom(value as unknown as (error: unknown) => boolean));
      expect(error).toBeInstanceOf(TypeError);
      expect((error as Error).message).toContain('predicate');
      expect((error as Error).message).toContain(String(value));
    },
  );
});
