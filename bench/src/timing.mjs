// The timed cases (ns per call) and the rows of the table they fill. A case is set up afresh for
// every round, so no breaker carries one round's window or state into the next.
import { All } from '@fluxgate/core/permits';
import { Always } from '@fluxgate/core/retries';
import { FailureStreak } from '@fluxgate/core/trippers';
import { own } from './measure.mjs';
import {
  PEERS,
  failing,
  fluxgate,
  fluxgateSync,
  fluxgateWindows,
  mixed,
  neverTrips,
  noop,
  syncWork,
  work,
} from './subjects.mjs';

// Floors. Each does the least that any breaker must do on that path, with the same clock
// (`Date.now()`) that fluxgate reads by default.

const sink = { duration: 0 };

/** Awaits `fn()` through one promise and reads the clock twice: the async breaker's floor. */
const floorAsyncSource = async function floorAsync(fn) {
  const start = Date.now();
  try {
    const value = await fn();
    sink.duration = Date.now() - start;
    return value;
  } catch (error) {
    sink.duration = Date.now() - start;
    throw error;
  }
};

/** A bare call plus two clock reads: the sync breaker's floor. */
const floorSync = (fn) =>
  own(
    () => {
      const start = Date.now();
      const value = fn();
      sink.duration = Date.now() - start;
      return value;
    },
    { fn, sink },
  );

/** A fresh error created without capturing a stack: the rejection path's floor. */
function stackless(message) {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  const error = new Error(message);
  Error.stackTraceLimit = limit;
  return error;
}

const rejectFloor = () => Promise.reject(stackless('call not permitted'));

/** Awaits `call()` and swallows its rejection, as a caller with a try/catch does. */
const caught = (call) =>
  own(
    async () => {
      try {
        await call();
      } catch {
        // the rejection is the point
      }
    },
    { call },
  );

const HALF_OPEN_BATCH = 100;
const HALF_OPEN_SLOTS = 10;

/** Starts the calls at once (each handled at once), then waits for all of them. */
const batch = (calls) =>
  own(
    async () => {
      const pending = new Array(calls.length);
      for (let i = 0; i < calls.length; i++) pending[i] = calls[i]().then(noop, noop);
      await Promise.all(pending);
    },
    { calls, noop },
  );

function halfOpenFloor(action) {
  const floor = own(floorAsyncSource, { sink });
  const calls = [];
  for (let i = 0; i < HALF_OPEN_BATCH; i++) {
    calls.push(i < HALF_OPEN_SLOTS ? () => floor(action) : rejectFloor);
  }
  return batch(calls);
}

/** A case measured by mitata: `setup()` returns `{ run, dispose? }`. */
const timed = (id, setup, extra = {}) => ({ id, setup, ...extra });

/**
 * All cases and the rows that show them. A row has a floor case, a fluxgate case and one case per
 * peer (or `null` when the peer has nothing comparable, with the reason in `peerNote`).
 */
export function timingSuite() {
  const cases = [];
  const add = (c) => (cases.push(c), c.id);
  const rows = [];
  const peerCells = (make) => Object.fromEntries(PEERS.map((peer) => [peer.id, make(peer)]));

  // --- floors ---------------------------------------------------------------------------------
  const bareAwait = add(timed('floor:await', () => ({ run: () => work() })));
  const bareSync = add(timed('floor:sync', () => ({ run: () => syncWork() })));
  const syncClock = add(timed('floor:sync+clock', () => ({ run: floorSync(syncWork) })));
  const asyncWrapper = add(
    timed('floor:async', () => {
      const floor = own(floorAsyncSource, { sink });
      return { run: () => floor(work) };
    }),
  );
  const rejection = add(timed('floor:reject', () => ({ run: caught(rejectFloor) })));
  for (const [title, id] of [
    ['bare `await fn()`', bareAwait],
    ['bare sync call `fn()`', bareSync],
    ['bare sync call + 2 clock reads', syncClock],
    ['async wrapper: one `await fn()`, 2 clock reads', asyncWrapper],
    ['rejection of a fresh stackless error, caught', rejection],
  ]) {
    rows.push({ section: 'floors', title, fluxgate: id });
  }

  // --- closed state, success ------------------------------------------------------------------
  rows.push({
    section: 'closed',
    title: 'closed success, sync breaker',
    target: 'sync',
    floor: syncClock,
    base: bareSync,
    fluxgate: add(timed('fluxgate:closed-sync', () => ({ run: fluxgateSync().call }))),
    peers: peerCells(() => null),
    peerNote: 'opossum and cockatiel guard only async functions',
  });
  rows.push({
    section: 'closed',
    title: 'closed success, async breaker',
    target: 'async',
    floor: asyncWrapper,
    base: bareAwait,
    fluxgate: add(timed('fluxgate:closed-async', () => ({ run: fluxgate(work).call }))),
    peers: peerCells((peer) =>
      add(
        timed(`${peer.id}:closed-async`, () => {
          const s = peer.make(work);
          return { run: s.call, dispose: s.dispose };
        }),
      ),
    ),
  });

  rows.push({
    section: 'closed',
    title: 'closed success, async breaker, constant clock (diagnostic: no clock reads)',
    floor: bareAwait,
    fluxgate: add(
      timed('fluxgate:closed-async-noclock', () => ({
        run: fluxgate(work, { clock: { now: () => 0 } }).call,
      })),
    ),
    peers: peerCells((peer) => `${peer.id}:closed-async`),
    peerNote: undefined,
  });

  // --- failure path -----------------------------------------------------------------------------
  for (const [pct, period] of [
    [0, 0],
    [10, 10],
    [50, 2],
  ]) {
    const floor = add(
      timed(`floor:mix${pct}`, () => {
        const action = mixed(period);
        const wrapper = own(floorAsyncSource, { sink });
        return { run: caught(() => wrapper(action)) };
      }),
    );
    // fluxgate's action must not be shared: each case counts its own calls.
    const cockatiels = {};
    for (const peer of PEERS.filter((p) => p.id.startsWith('cockatiel'))) {
      // cockatiel has no count window: one measurement serves both window sizes.
      cockatiels[peer.id] = add(
        timed(`${peer.id}:mix${pct}`, () => {
          const s = peer.make(mixed(period), { neverTrip: true });
          return { run: caught(s.call), dispose: s.dispose };
        }),
      );
    }
    for (const [size, window] of [
      [100, fluxgateWindows.count100],
      [10_000, fluxgateWindows.count10k],
    ]) {
      const id = add(
        timed(`fluxgate:mix${pct}:w${size}`, () => {
          const action = mixed(period);
          const s = fluxgate(action, { window: window(), tripper: neverTrips() });
          return { run: caught(s.call) };
        }),
      );
      rows.push({
        section: 'failure',
        title: `failure path, ${pct} % failures, window ${size.toLocaleString('en-US')}`,
        target: 'failure',
        mix: pct / 100,
        window: size,
        floor,
        fluxgate: id,
        peers: peerCells((peer) => {
          if (peer.id.startsWith('cockatiel')) return cockatiels[peer.id];
          // opossum's cost grows with the calls its rolling window holds (it concatenates and
          // sorts every latency in it on each failure), so it is measured with `size` calls in it.
          return add({
            id: `${peer.id}:mix${pct}:w${size}`,
            bounded: {
              prefill: size,
              calls: size >= 10_000 ? 400 : 100,
              repeats: size >= 10_000 ? 1 : 12,
            },
            setup: () => {
              const s = peer.make(work, { neverTrip: true });
              return {
                run: caught(s.call),
                dispose: s.dispose,
                // Fills the window with successes, then switches to the failure mix.
                prefill: async (n) => {
                  for (let i = 0; i < n; i++) await s.call();
                  s.use(mixed(period));
                },
              };
            },
          });
        }),
      });
    }
  }

  // --- open rejection ---------------------------------------------------------------------------
  for (const how of ['tripped', 'forced']) {
    const open = async (s) => {
      if (how === 'tripped') await s.trip();
      else s.forceOpen();
      if (!s.open) throw new Error(`bench setup: the breaker is not open after ${how}`);
      return { run: caught(s.call), dispose: s.dispose };
    };
    rows.push({
      section: 'open',
      title: `open rejection, ${how}`,
      target: 'open',
      floor: rejection,
      fluxgate: add(timed(`fluxgate:open-${how}`, () => open(fluxgate(work)))),
      peers: peerCells((peer) => add(timed(`${peer.id}:open-${how}`, () => open(peer.make(work))))),
    });
  }

  // --- half-open contention -----------------------------------------------------------------------
  const halfOpenNote =
    'opossum moves to half_open on a timer and cockatiel queues calls behind its one probe: neither has slots to contend for';
  rows.push({
    section: 'half-open',
    title: `half-open, ${HALF_OPEN_BATCH} concurrent calls for ${HALF_OPEN_SLOTS} slots, probes succeed (per call)`,
    target: 'half-open',
    floor: add(
      timed('floor:half-open-ok', () => ({ run: halfOpenFloor(work) }), { perOp: HALF_OPEN_BATCH }),
    ),
    fluxgate: add(
      timed(
        'fluxgate:half-open-ok',
        async () => {
          // A streak of one trips it, Always() lets the next call probe at once, and closeAfter
          // keeps it half-open however many probes succeed.
          const s = fluxgate(work, {
            tripper: new FailureStreak(1),
            retry: new Always(),
            permit: new All(),
            maxHalfOpenCalls: HALF_OPEN_SLOTS,
            closeAfter: Number.MAX_SAFE_INTEGER,
            halfOpenTimeout: Infinity,
          });
          await s.breaker.call(failing).then(noop, noop);
          const calls = new Array(HALF_OPEN_BATCH).fill(s.call);
          await batch(calls)();
          if (s.breaker.state !== 'half_open') throw new Error('bench setup: not half_open');
          return { run: batch(calls) };
        },
        { perOp: HALF_OPEN_BATCH },
      ),
    ),
    peers: peerCells(() => null),
    peerNote: halfOpenNote,
  });
  rows.push({
    section: 'half-open',
    title: `half-open, ${HALF_OPEN_BATCH} concurrent calls for ${HALF_OPEN_SLOTS} slots, probes fail and reopen it (per call)`,
    target: 'half-open',
    floor: add(
      timed('floor:half-open-fail', () => ({ run: halfOpenFloor(failing) }), {
        perOp: HALF_OPEN_BATCH,
      }),
    ),
    fluxgate: add(
      timed(
        'fluxgate:half-open-fail',
        async () => {
          // The default tripper reopens on a failed probe; Always() makes the next batch's first
          // call a probe again: open → half_open → open on every batch.
          const s = fluxgate(failing, {
            retry: new Always(),
            permit: new All(),
            maxHalfOpenCalls: HALF_OPEN_SLOTS,
            halfOpenTimeout: Infinity,
          });
          await s.trip();
          return { run: batch(new Array(HALF_OPEN_BATCH).fill(s.call)) };
        },
        { perOp: HALF_OPEN_BATCH },
      ),
    ),
    peers: peerCells(() => null),
    peerNote: halfOpenNote,
  });

  return { cases, rows };
}
