import type { Clock } from '@fluxgate/core';

/** A clock that moves only when told to. Starts at 2023-11-14T22:13:20.000Z. */
export class FakeClock implements Clock {
  constructor(private time = 1_700_000_000_000) {}

  now(): number {
    return this.time;
  }

  /** Moves time forward by `ms` milliseconds. */
  advance(ms: number): void {
    this.time += ms;
  }
}
