/**
 * Keeps a repeating failure from flooding the log: a key (a collector, an exporter) is logged when its
 * error message changes, and otherwise at most once per interval. `recovered` says when a key that was
 * failing succeeds again, so the recovery can be logged once.
 */
export class ErrorLogLimiter {
  private readonly last = new Map<string, { message: string; at: number }>();

  constructor(
    private readonly intervalMs = 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** True when this failure should be logged now; records it as logged. */
  shouldLog(key: string, message: string): boolean {
    const now = this.now();
    const previous = this.last.get(key);
    if (previous !== undefined && previous.message === message && now - previous.at < this.intervalMs)
      return false;
    this.last.set(key, { message, at: now });
    return true;
  }

  /** True once when a key that had failed succeeds again. */
  recovered(key: string): boolean {
    return this.last.delete(key);
  }
}
