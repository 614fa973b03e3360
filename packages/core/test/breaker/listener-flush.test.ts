import {
  CircuitBreaker,
  type Listener,
  type ListenerErrorHandler,
  type ListenerLink,
  type Signal,
} from '@fluxgate/core';
import { FailureStreak } from '@fluxgate/core/trippers';
import { deferred, type Deferred } from '../support/deferred';
import { FakeClock } from '../support/fake-clock';

/** A listener with its own queue: onTransition returns nothing, flush() waits for the queue. */
class QueueingListener implements Listener {
  readonly received: string[] = [];
  readonly gates: Deferred<void>[] = [];
  flushes = 0;

  onTransition(signal: Signal): void {
    this.received.push(`${signal.oldState}>${signal.newState}`);
    this.gates.push(deferred());
  }

  async flush(): Promise<void> {
    this.flushes++;
    await Promise.all(this.gates.map((g) => g.promise));
  }
}

function breakerWith(listener: Listener, onListenerError?: ListenerErrorHandler) {
  return new CircuitBreaker({
    name: 'own-queue',
    clock: new FakeClock(),
    tripper: new FailureStreak(1),
    listeners: [listener],
    ...(onListenerError ? { onListenerError } : {}),
  });
}

describe("a listener's own flush()", () => {
  it('breaker.flush() waits for it', async () => {
    const listener = new QueueingListener();
    const breaker = breakerWith(listener);
    breaker.forceOpen();
    breaker.reset();
    expect(listener.received).toEqual(['closed>forced_open', 'forced_open>closed']);
    let flushed = false;
    const flushing = breaker.flush().then(() => {
      flushed = true;
    });
    await new Promise(setImmediate);
    expect(flushed).toBe(false);
    listener.gates[0]!.resolve();
    await new Promise(setImmediate);
    expect(flushed).toBe(false);
    listener.gates[1]!.resolve();
    await flushing;
    expect(flushed).toBe(true);
    expect(listener.flushes).toBe(1);
  });

  it('a rejecting flush() goes to onListenerError and breaker.flush() still settles', async () => {
    const failure = new Error('flush failed');
    const listener: Listener = {
      onTransition: () => {},
      flush: () => Promise.reject(failure),
    };
    const reports: Parameters<ListenerErrorHandler>[] = [];
    const breaker = breakerWith(listener, (...args) => void reports.push(args));
    await expect(breaker.flush()).resolves.toBeUndefined();
    expect(reports).toEqual([[failure, listener, undefined]]);
  });

  it('a detached listener is not flushed', async () => {
    const listener = new QueueingListener();
    const breaker = breakerWith(new QueueingListener());
    const detach = breaker.addListener(listener);
    detach();
    await breaker.flush();
    expect(listener.flushes).toBe(0);
  });
});

describe('the link given to onAttach', () => {
  it('onAttach receives the breaker itself, and link.report reaches onListenerError', () => {
    const reports: Parameters<ListenerErrorHandler>[] = [];
    let link: ListenerLink | undefined;
    let attachedTo: unknown;
    const listener: Listener = {
      onTransition: () => {},
      onAttach: (breaker, l) => {
        attachedTo = breaker;
        link = l;
      },
    };
    const breaker = breakerWith(listener, (...args) => void reports.push(args));
    expect(attachedTo).toBe(breaker);
    const late = new Error('send failed later');
    link!.report(late);
    const signal = { circuitName: 'own-queue' } as Signal;
    link!.report(late, signal);
    expect(reports).toEqual([
      [late, listener, undefined],
      [late, listener, signal],
    ]);
  });

  it('does nothing once the listener is detached, and never throws', () => {
    const reports: unknown[] = [];
    let link: ListenerLink | undefined;
    const listener: Listener = { onTransition: () => {}, onAttach: (_, l) => void (link = l) };
    const breaker = new CircuitBreaker({
      name: 'detached',
      onListenerError: (error) => {
        reports.push(error);
        throw new Error('handler broke');
      },
    });
    const detach = breaker.addListener(listener);
    expect(() => link!.report(new Error('first'))).not.toThrow();
    detach();
    link!.report(new Error('after detach'));
    expect(reports).toHaveLength(1);
  });
});

describe('the default onListenerError', () => {
  it('names a function listener by its name, or "anonymous function"', () => {
    const lines: unknown[] = [];
    const spy = jest.spyOn(console, 'error').mockImplementation((line: unknown) => {
      lines.push(line);
    });
    try {
      const listeners = [
        () => {
          throw new Error('nameless');
        },
      ];
      function notifyPager(): void {
        throw new Error('pager down');
      }
      const breaker = new CircuitBreaker({ name: 'anon', listeners: [...listeners, notifyPager] });
      breaker.forceOpen();
      expect(lines).toEqual([
        "fluxgate: listener anonymous function of circuit breaker 'anon' failed: Error: nameless",
        "fluxgate: listener notifyPager of circuit breaker 'anon' failed: Error: pager down",
      ]);
    } finally {
      spy.mockRestore();
    }
  });
});
