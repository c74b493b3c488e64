/**
 * Time as collectors see it. Rates divide by the monotonic interval (immune to wall-clock steps);
 * timestamps use wall time. Tests inject a fake to make rates exact.
 */
export interface Clock {
  /** Monotonic milliseconds, arbitrary origin. */
  monotonicMs(): number;
  /** Wall clock, Unix epoch milliseconds. */
  wallMs(): number;
}

export const systemClock: Clock = Object.freeze({
  monotonicMs: () => performance.now(),
  wallMs: () => Date.now(),
});

/** A clock that only moves when told to; for tests. */
export class ManualClock implements Clock {
  constructor(
    private monotonic = 0,
    private wall = 1_700_000_000_000,
  ) {}
  monotonicMs(): number {
    return this.monotonic;
  }
  wallMs(): number {
    return this.wall;
  }
  advance(ms: number): void {
    this.monotonic += ms;
    this.wall += ms;
  }
}
