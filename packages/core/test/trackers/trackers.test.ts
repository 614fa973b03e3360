import { All, Custom, Tracker, TypeOf } from '@fluxgate/core/trackers';

class HttpError extends Error {
  constructor(readonly status: number) {
    super(`HTTP ${status}`);
  }
}
class ServerError extends HttpError {}
abstract class AbstractError extends Error {}
class ConcreteError extends AbstractError {}

/** Things a call may throw: `Error`s and the other values JavaScript lets you throw. */
const thrown: readonly (readonly [string, unknown])[] = [
  ['an Error', new Error('boom')],
  ['a TypeError', new TypeError('bad')],
  ['a RangeError', new RangeError('out')],
  ['an HttpError', new HttpError(404)],
  ['a ServerError (HttpError subclass)', new ServerError(503)],
  ['a string', 'boom'],
  ['undefined', undefined],
  ['null', null],
  ['a number', 42],
  ['a plain object shaped like a TypeError', { name: 'TypeError', message: 'bad' }],
];

describe('All', () => {
  it.each(thrown)('counts %s', (_label, error) => {
    expect(new All().isFailure(error)).toBe(true);
  });
});

describe('TypeOf', () => {
  it.each<[string, TypeOf, unknown, boolean]>([
    ['TypeError', new TypeOf(TypeError), new TypeError('bad'), true],
    ['TypeError', new TypeOf(TypeError), new Error('boom'), false],
    ['TypeError', new TypeOf(TypeError), new RangeError('out'), false],
    ['TypeError', new TypeOf(TypeError), 'TypeError', false],
    ['TypeError', new TypeOf(TypeError), { name: 'TypeError', message: 'bad' }, false],
    ['TypeError', new TypeOf(TypeError), undefined, false],
    ['TypeError', new TypeOf(TypeError), null, false],
    ['Error (counts every subclass)', new TypeOf(Error), new TypeError('bad'), true],
    ['Error (counts every subclass)', new TypeOf(Error), new ServerError(500), true],
    ['Error (counts every subclass)', new TypeOf(Error), 'boom', false],
    ['HttpError', new TypeOf(HttpError), new ServerError(503), true],
    ['HttpError', new TypeOf(HttpError), new HttpError(404), true],
    ['ServerError (not its parent)', new TypeOf(ServerError), new HttpError(404), false],
    ['ServerError (not its parent)', new TypeOf(ServerError), new ServerError(503), true],
    ['an abstract class', new TypeOf(AbstractError), new ConcreteError(), true],
    ['an abstract class', new TypeOf(AbstractError), new Error(), false],
    ['RangeError, HttpError', new TypeOf(RangeError, HttpError), new RangeError('out'), true],
    ['RangeError, HttpError', new TypeOf(RangeError, HttpError), new ServerError(503), true],
    ['RangeError, HttpError', new TypeOf(RangeError, HttpError), new TypeError('bad'), false],
    ['RangeError, HttpError', new TypeOf(RangeError, HttpError), 42, false],
    [
      'TypeError, RangeError, SyntaxError',
      new TypeOf(TypeError, RangeError, SyntaxError),
      new SyntaxError('x'),
      true,
    ],
    [
      'TypeError, RangeError, SyntaxError',
      new TypeOf(TypeError, RangeError, SyntaxError),
      new EvalError('x'),
      false,
    ],
  ])('TypeOf(%s) counts %p: %p', (_label, tracker, error, expected) => {
    expect(tracker.isFailure(error)).toBe(expected);
  });

  it('keeps the classes it was given, in order', () => {
    expect(new TypeOf(RangeError, HttpError).errorTypes).toEqual([RangeError, HttpError]);
  });

  it('honours a class with a custom Symbol.hasInstance', () => {
    class Retryable {
      static [Symbol.hasInstance](value: unknown): boolean {
        return typeof value === 'object' && value !== null && 'retryable' in value;
      }
    }
    const tracker = new TypeOf(Retryable);
    expect(tracker.isFailure({ retryable: true })).toBe(true);
    expect(tracker.isFailure(new Error('x'))).toBe(false);
  });
});

describe('Custom', () => {
  it.each<[string, unknown, boolean]>([
    ['a 503', new HttpError(503), true],
    ['a 500', new HttpError(500), true],
    ['a 499', new HttpError(499), false],
    ['a plain Error', new Error('boom'), false],
    ['a string', '503', false],
    ['undefined', undefined, false],
  ])('a server-error predicate counts %s: %p', (_label, error, expected) => {
    const tracker = new Custom((e) => e instanceof HttpError && e.status >= 500);
    expect(tracker.isFailure(error)).toBe(expected);
  });

  it('passes the thrown value itself to the predicate', () => {
    const predicate = jest.fn((_error: unknown) => true);
    const error = new Error('boom');
    new Custom(predicate).isFailure(error);
    new Custom(predicate).isFailure(undefined);
    expect(predicate.mock.calls).toEqual([[error], [undefined]]);
  });

  it.each<[unknown, boolean]>([
    [1, true],
    ['yes', true],
    [0, false],
    ['', false],
    [undefined, false],
    [null, false],
  ])('turns a JavaScript predicate returning %p into %p', (result, expected) => {
    const predicate = (() => result) as unknown as (error: unknown) => boolean;
    expect(new Custom(predicate).isFailure(new Error())).toBe(expected);
  });

  it('lets an exception from the predicate through', () => {
    const tracker = new Custom(() => {
      throw new Error('predicate broke');
    });
    expect(() => tracker.isFailure(new Error())).toThrow('predicate broke');
  });
});

describe('composition', () => {
  const yes = new Custom(() => true);
  const no = new Custom(() => false);

  it.each<[string, Tracker, boolean]>([
    ['yes.and(yes)', yes.and(yes), true],
    ['yes.and(no)', yes.and(no), false],
    ['no.and(yes)', no.and(yes), false],
    ['no.and(no)', no.and(no), false],
    ['yes.or(yes)', yes.or(yes), true],
    ['yes.or(no)', yes.or(no), true],
    ['no.or(yes)', no.or(yes), true],
    ['no.or(no)', no.or(no), false],
    ['yes.not()', yes.not(), false],
    ['no.not()', no.not(), true],
    ['yes.not().not()', yes.not().not(), true],
    ['yes.and(no).not()', yes.and(no).not(), true],
    ['no.or(no).not()', no.or(no).not(), true],
    ['yes.or(no).and(no)', yes.or(no).and(no), false],
    ['yes.or(no.and(no))', yes.or(no.and(no)), true],
  ])('%s is %p', (_label, tracker, expected) => {
    expect(tracker.isFailure(new Error())).toBe(expected);
  });

  it('short-circuits: and() does not ask the right side when the left says no', () => {
    const right = jest.fn(() => true);
    expect(no.and(new Custom(right)).isFailure(new Error())).toBe(false);
    expect(right).not.toHaveBeenCalled();
  });

  it('short-circuits: or() does not ask the right side when the left says yes', () => {
    const right = jest.fn(() => false);
    expect(yes.or(new Custom(right)).isFailure(new Error())).toBe(true);
    expect(right).not.toHaveBeenCalled();
  });

  // Every error but a 4xx: server errors, timeouts, and anything that is not an HttpError.
  const notClientErrors = new All().and(
    new TypeOf(HttpError).and(new Custom((e) => (e as HttpError).status < 500)).not(),
  );

  it.each<[string, unknown, boolean]>([
    ['a 404', new HttpError(404), false],
    ['a 503', new ServerError(503), true],
    ['a TypeError', new TypeError('bad'), true],
    ['a string', 'timeout', true],
    ['undefined', undefined, true],
  ])('All().and(TypeOf(HttpError).and(4xx).not()) counts %s: %p', (_label, error, expected) => {
    expect(notClientErrors.isFailure(error)).toBe(expected);
  });

  it.each<[string, unknown, boolean]>([
    ['a TypeError', new TypeError('bad'), false],
    ['an Error', new Error('boom'), true],
    ['a string', 'boom', true],
    ['undefined', undefined, true],
  ])('TypeOf(TypeError).not() counts %s: %p', (_label, error, expected) => {
    expect(new TypeOf(TypeError).not().isFailure(error)).toBe(expected);
  });

  it('returns Tracker instances that compose further', () => {
    const tracker = new All().and(new All()).or(new All()).not();
    expect(tracker).toBeInstanceOf(Tracker);
    expect(tracker.isFailure(new Error())).toBe(false);
  });
});

describe('a custom subclass', () => {
  class StatusTracker extends Tracker {
    constructor(private readonly statuses: ReadonlySet<number>) {
      super();
    }
    isFailure(error: unknown): boolean {
      return error instanceof HttpError && this.statuses.has(error.status);
    }
  }

  it.each<[unknown, boolean]>([
    [new HttpError(502), true],
    [new HttpError(504), true],
    [new HttpError(500), false],
    ['502', false],
  ])('counts %p: %p, and composes with the built-in ones', (error, expected) => {
    const tracker = new StatusTracker(new Set([502, 504]));
    expect(tracker.isFailure(error)).toBe(expected);
    expect(tracker.or(new TypeOf(TypeError)).isFailure(error)).toBe(expected);
    expect(tracker.not().isFailure(error)).toBe(!expected);
  });
});
