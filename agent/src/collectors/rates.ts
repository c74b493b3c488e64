/**
 * Per-second rate of a cumulative counter between two samples. A counter that went backwards (a device
 * re-plugged, a cgroup recreated, a 32-bit wrap on an old driver) has restarted: the rate over the
 * interval is unknown, so it is null rather than a huge negative or a fake zero.
 */
export function counterRate(current: number, previous: number | undefined, seconds: number): number | null {
  if (previous === undefined || !(seconds > 0)) return null;
  const delta = current - previous;
  if (delta < 0) return null;
  return delta / seconds;
}

/** Like counterRate but a restarted counter reads as 0 per second; for records whose fields must be numbers. */
export function counterRateOrZero(current: number, previous: number | undefined, seconds: number): number {
  return counterRate(current, previous, seconds) ?? 0;
}

/** The interval between two monotonic readings in seconds, or 0 when there was no previous one. */
export function intervalSeconds(nowMs: number, previousMs: number | undefined): number {
  return previousMs === undefined ? 0 : Math.max(0, (nowMs - previousMs) / 1000);
}
