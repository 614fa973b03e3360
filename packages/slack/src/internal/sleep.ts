/** Thrown when the listener closes during a wait or a request: the message is abandoned. */
export const CLOSED: unique symbol = Symbol('closed');

/** Makes a Node timer not keep the process alive (a no-op where timers are plain numbers). */
export function unref(timer: unknown): void {
  if (typeof timer === 'object' && timer !== null) {
    const t = timer as { unref?: () => void };
    if (typeof t.unref === 'function') t.unref();
  }
}

/** Waits `ms` milliseconds without keeping the process alive; rejects with `CLOSED` on abort. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(CLOSED);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(CLOSED);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    unref(timer);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
