import type {
  Comparison,
  ForecastCondition,
  SamplePoint,
  SeriesSelector,
  SourceSeries,
  SustainedCondition,
  ThresholdCondition,
  TrendCondition,
} from './types.js';

/**
 * Condition evaluators over (timestampMs, value) samples. Pure functions: the engine feeds them the
 * points of one series (after the selector's transform) and keeps the state between evaluations.
 */

export function compare(op: Comparison, left: number, right: number): boolean {
  switch (op) {
    case '>':
      return left > right;
    case '>=':
      return left >= right;
    case '<':
      return left < right;
    case '<=':
      return left <= right;
  }
}

/**
 * Per-second rate between consecutive samples of a cumulative counter, stamped at the later sample. A
 * value below its predecessor means the counter restarted (process or host restart, wrap): that interval
 * gives no rate rather than a huge negative one — the next interval is measured from the new base.
 */
export function counterRates(points: readonly SamplePoint[]): SamplePoint[] {
  const out: SamplePoint[] = [];
  for (let i = 1; i < points.length; i++) {
    const [t0, v0] = points[i - 1]!;
    const [t1, v1] = points[i]!;
    if (t1 <= t0 || v1 < v0) continue;
    out.push([t1, ((v1 - v0) * 1000) / (t1 - t0)]);
  }
  return out;
}

/** Points of several series combined where their timestamps coincide. */
export function combine(
  seriesPoints: readonly (readonly SamplePoint[])[],
  how: 'sum' | 'max' | 'avg',
): SamplePoint[] {
  const byTime = new Map<number, { sum: number; max: number; n: number }>();
  for (const points of seriesPoints) {
    for (const [t, v] of points) {
      const entry = byTime.get(t);
      if (entry === undefined) byTime.set(t, { sum: v, max: v, n: 1 });
      else {
        entry.sum += v;
        entry.max = Math.max(entry.max, v);
        entry.n += 1;
      }
    }
  }
  return [...byTime.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([t, e]) => [t, how === 'sum' ? e.sum : how === 'max' ? e.max : e.sum / e.n] as const);
}

/** A host's series as the condition sees them: transformed, possibly combined into one (labels {}). */
export function selectValues(
  selector: SeriesSelector,
  series: readonly SourceSeries[],
  divisorOf: ((labels: Readonly<Record<string, string>>) => number | null) | null,
): { labels: Readonly<Record<string, string>>; points: SamplePoint[] }[] {
  const transformed: { labels: Readonly<Record<string, string>>; points: SamplePoint[] }[] = [];
  for (const s of series) {
    // A ratio without its divisor (no limit set) is unknown, not the raw value: the series is skipped.
    const divisor = divisorOf === null ? null : divisorOf(s.labels);
    if (divisorOf !== null && divisor === null) continue;
    let points: SamplePoint[] = selector.transform === 'rate' ? counterRates(s.points) : [...s.points];
    if (selector.transform === 'complement') points = points.map(([t, v]) => [t, 1 - v]);
    if (divisor !== null) points = points.map(([t, v]) => [t, v / divisor]);
    transformed.push({ labels: s.labels, points });
  }
  if (selector.aggregate === 'none') return transformed;
  if (transformed.length === 0) return [];
  return [
    {
      labels: {},
      points: combine(
        transformed.map((s) => s.points),
        selector.aggregate,
      ),
    },
  ];
}

export interface ConditionResult {
  /** Condition holds now. */
  readonly active: boolean;
  /** The deciding value (latest, slope per `per`, seconds to the limit); null when there is no data. */
  readonly value: number | null;
}

const NO_DATA: ConditionResult = Object.freeze({ active: false, value: null });

function opposite(op: Comparison): Comparison {
  return op === '>' ? '<=' : op === '>=' ? '<' : op === '<' ? '>=' : '>';
}

/**
 * Latest value against the threshold. While the alert is active and a `clear` level is set, it stays
 * active until the value is past `clear` on the other side (hysteresis: 90 % fires, below 80 % clears).
 */
export function evaluateThreshold(
  condition: ThresholdCondition,
  points: readonly SamplePoint[],
  wasActive: boolean,
): ConditionResult {
  const last = points.at(-1);
  if (last === undefined) return NO_DATA;
  const value = last[1];
  if (wasActive && condition.clear !== null) {
    // Cleared only once the value crosses `clear` the other way (`> 0.9, clear 0.8`: cleared at <= 0.8).
    return { active: !compare(opposite(condition.op), value, condition.clear), value };
  }
  return { active: compare(condition.op, value, condition.value), value };
}

/** At least `samples` of the last `of` samples in the window are past the threshold. */
export function evaluateSustained(
  condition: SustainedCondition,
  points: readonly SamplePoint[],
  nowMs: number,
): ConditionResult {
  const recent = points.filter(([t]) => t > nowMs - condition.windowMs && t <= nowMs).slice(-condition.of);
  if (recent.length === 0) return NO_DATA;
  const past = recent.filter(([, v]) => compare(condition.op, v, condition.value)).length;
  return { active: past >= condition.samples, value: recent.at(-1)![1] };
}

/** Least-squares fit value = intercept + slope·t (t in ms from the first point); null below two distinct times. */
export function linearFit(
  points: readonly SamplePoint[],
): { slopePerMs: number; interceptAt: (tMs: number) => number } | null {
  const n = points.length;
  if (n < 2) return null;
  const t0 = points[0]![0];
  let sx = 0;
  let sy = 0;
  let sxx = 0;
  let sxy = 0;
  for (const [t, v] of points) {
    const x = t - t0;
    sx += x;
    sy += v;
    sxx += x * x;
    sxy += x * v;
  }
  const denominator = n * sxx - sx * sx;
  if (denominator === 0) return null;
  const slope = (n * sxy - sx * sy) / denominator;
  const intercept = (sy - slope * sx) / n;
  return { slopePerMs: slope, interceptAt: (tMs) => intercept + slope * (tMs - t0) };
}

/**
 * The window must be at least half covered by samples: a slope over two points a few seconds apart is
 * noise, not a trend.
 */
function windowPoints(points: readonly SamplePoint[], nowMs: number, windowMs: number): SamplePoint[] | null {
  const inWindow = points.filter(([t]) => t > nowMs - windowMs && t <= nowMs);
  if (inWindow.length < 2) return null;
  if (inWindow.at(-1)![0] - inWindow[0]![0] < windowMs / 2) return null;
  return inWindow;
}

/** Least-squares slope over the window, in value units per `perMs`, against the threshold. */
export function evaluateTrend(
  condition: TrendCondition,
  points: readonly SamplePoint[],
  nowMs: number,
): ConditionResult {
  const inWindow = windowPoints(points, nowMs, condition.windowMs);
  const fit = inWindow === null ? null : linearFit(inWindow);
  if (fit === null) return NO_DATA;
  const slope = fit.slopePerMs * condition.perMs;
  return { active: compare(condition.op, slope, condition.value), value: slope };
}

/**
 * Linear fit over the window, extrapolated: active when the fitted line reaches `limit` within
 * `withinMs` of now (or the latest value is already past it). Value: seconds until the limit (0 when
 * reached), null when the line never gets there.
 */
export function evaluateForecast(
  condition: ForecastCondition,
  points: readonly SamplePoint[],
  nowMs: number,
): ConditionResult {
  const inWindow = windowPoints(points, nowMs, condition.windowMs);
  if (inWindow === null) return NO_DATA;
  if (compare(condition.op, inWindow.at(-1)![1], condition.limit)) return { active: true, value: 0 };
  const fit = linearFit(inWindow);
  if (fit === null) return NO_DATA;
  const rising = condition.op === '>=';
  if ((rising && fit.slopePerMs <= 0) || (!rising && fit.slopePerMs >= 0))
    return { active: false, value: null };
  const nowFitted = fit.interceptAt(nowMs);
  const msToLimit = (condition.limit - nowFitted) / fit.slopePerMs;
  const seconds = Math.max(0, msToLimit / 1000);
  return { active: msToLimit <= condition.withinMs, value: seconds };
}
