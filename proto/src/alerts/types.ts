/**
 * Alert rules and what the engine reports. Pure data: the engine (engine.ts) evaluates rules against a
 * SeriesSource; callers (gateway, agent) do the I/O. Every duration is milliseconds, every time Unix epoch
 * milliseconds.
 */

export type Severity = 'info' | 'warning' | 'critical';
export const SEVERITIES: readonly Severity[] = Object.freeze(['info', 'warning', 'critical']);

export type Comparison = '>' | '>=' | '<' | '<=';

/** One sample: [Unix epoch milliseconds, value]. */
export type SamplePoint = readonly [number, number];

/** Which series a rule reads, and how they become the values conditions see. */
export interface SeriesSelector {
  /** Metric name from the catalog, e.g. `system.filesystem.utilization`. */
  readonly metric: string;
  /** Only series whose attributes equal these (`*` = present with any value). */
  readonly match: Readonly<Record<string, string>>;
  /**
   * `rate`: per-second rate between consecutive samples of a counter; a drop means the counter
   * restarted and that interval is skipped. `complement`: 1 - value (busy share from `idle`). `none`.
   */
  readonly transform: 'none' | 'rate' | 'complement';
  /** Series of one host combined sample by sample (same timestamps): `none` keeps each series apart. */
  readonly aggregate: 'none' | 'sum' | 'max' | 'avg';
  /** Divide by the latest value of this per-host metric (load per core: `system.cpu.logical.count`). */
  readonly per: { readonly metric: string; readonly match: Readonly<Record<string, string>> } | null;
}

export interface ThresholdCondition {
  readonly type: 'threshold';
  readonly op: Comparison;
  /** In the unit of the selected values. */
  readonly value: number;
  /** Hysteresis: once firing, the alert clears only when the value is past this on the other side. */
  readonly clear: number | null;
}

export interface SustainedCondition {
  readonly type: 'sustained';
  readonly op: Comparison;
  readonly value: number;
  /** At least `samples` of the last `of` samples (within `windowMs`) are past the threshold. */
  readonly samples: number;
  readonly of: number;
  readonly windowMs: number;
}

export interface TrendCondition {
  readonly type: 'trend';
  readonly op: Comparison;
  /** Rate of change in value units per `perMs` (least-squares slope over `windowMs`). */
  readonly value: number;
  readonly perMs: number;
  readonly windowMs: number;
}

export interface ForecastCondition {
  readonly type: 'forecast';
  /** `>=` (rising to the limit, the default) or `<=` (falling to it). */
  readonly op: '>=' | '<=';
  /** The level that must not be reached, value units (1 for a full filesystem). */
  readonly limit: number;
  /** Fire when the linear fit crosses `limit` within this long from now. */
  readonly withinMs: number;
  /** Fit window. */
  readonly windowMs: number;
}

export interface AbsenceCondition {
  readonly type: 'absence';
  /** `host`: the host stopped reporting at all; `series`: the selected series stopped. */
  readonly subject: 'host' | 'series';
  /** Silent for longer than this. */
  readonly forMs: number;
}

export interface CorrelationPart {
  readonly name: string;
  readonly select: SeriesSelector;
  readonly condition: ThresholdCondition | SustainedCondition | TrendCondition;
}

export interface CorrelationCondition {
  readonly type: 'correlation';
  /** Both parts held on the same host within this window of each other. */
  readonly windowMs: number;
  readonly parts: readonly [CorrelationPart, CorrelationPart];
  /** Attributes that name a culprit (`process.pid`, `container.id`): shared top contributors are named. */
  readonly culpritBy: readonly string[];
}

export type Condition =
  | ThresholdCondition
  | SustainedCondition
  | TrendCondition
  | ForecastCondition
  | AbsenceCondition
  | CorrelationCondition;

export type ConditionType = Condition['type'];

export interface FlapPolicy {
  /** More than `maxChanges` state changes within `windowMs` hold the alert firing (no notifications). */
  readonly maxChanges: number;
  readonly windowMs: number;
}

export interface AlertRule {
  /** Unique in a rule set; the `alertname` label. */
  readonly name: string;
  readonly severity: Severity;
  readonly description: string;
  /** Only hosts whose resource attributes equal these (`*` = present). Empty: every host. */
  readonly hosts: Readonly<Record<string, string>>;
  /** Absent only for `absence` rules with subject `host`. */
  readonly select: SeriesSelector | null;
  readonly condition: Condition;
  /** The condition must hold this long before the alert fires (pending meanwhile). */
  readonly forMs: number;
  readonly flap: FlapPolicy;
  /** Extra labels, templated. */
  readonly labels: Readonly<Record<string, string>>;
  /** Annotations (`summary`, `description`, …), templated with {{host}}, {{value}}, {{labels.x}}. */
  readonly annotations: Readonly<Record<string, string>>;
  /** 1-based line of the rule in its file, when known. */
  readonly line: number | null;
}

/** A label matcher of a silence or quiet hours (Alertmanager style). */
export interface LabelMatcher {
  readonly name: string;
  readonly value: string;
  /** `value` is a regular expression anchored at both ends. */
  readonly isRegex: boolean;
  /** false: the label must NOT match. */
  readonly isEqual: boolean;
}

export interface Silence {
  readonly id: string;
  readonly matchers: readonly LabelMatcher[];
  readonly startsAtMs: number;
  readonly endsAtMs: number;
  readonly comment: string;
  readonly createdBy: string;
}

export type Weekday = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';
export const WEEKDAYS: readonly Weekday[] = Object.freeze(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']);

/** Recurring mute: on these days, from `start` to `end` (HH:MM, local to `timeZone`; end < start wraps midnight). */
export interface QuietHours {
  readonly name: string;
  readonly days: readonly Weekday[];
  /** Minutes after local midnight. */
  readonly startMinute: number;
  readonly endMinute: number;
  /** IANA zone, e.g. `Europe/Paris`. */
  readonly timeZone: string;
  readonly matchers: readonly LabelMatcher[];
}

export interface RuleSet {
  readonly rules: readonly AlertRule[];
  readonly quietHours: readonly QuietHours[];
}

export interface RuleError {
  /** Rule name, or null for file-level errors. */
  readonly rule: string | null;
  /** 1-based line, when known. */
  readonly line: number | null;
  /** Dotted path in the document, e.g. `rules[2].condition.op`. */
  readonly path: string;
  readonly message: string;
}

/** `pending`: condition true, waiting `for`. `firing`. `resolved`: was firing, condition false now. */
export type AlertState = 'pending' | 'firing' | 'resolved';

export interface Alert {
  /** Stable identity: rule + host + series labels. */
  readonly fingerprint: string;
  readonly rule: string;
  readonly severity: Severity;
  readonly hostId: string;
  readonly state: AlertState;
  /** alertname, severity, host, the series attributes, the rule's labels. */
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  /** The value that decided, in the condition's unit (forecast: seconds until the limit); null if none. */
  readonly value: number | null;
  /** Since when the condition held (pending start). */
  readonly activeSinceMs: number;
  /** When it fired; null while pending. */
  readonly firedAtMs: number | null;
  /** When it resolved; null unless resolved. */
  readonly resolvedAtMs: number | null;
  /** Held firing by flap suppression. */
  readonly flapping: boolean;
  /** Ids of silences (and `quiet:<name>`) muting it now. */
  readonly mutedBy: readonly string[];
}

export interface AlertChange {
  readonly alert: Alert;
  readonly previous: AlertState | 'inactive';
  readonly current: AlertState | 'inactive';
  readonly atMs: number;
  /** Whether a notification should go out (firing or resolved, not muted). */
  readonly notify: boolean;
}

export interface SourceHost {
  readonly hostId: string;
  /** Resource attributes (host.name, …). */
  readonly labels: Readonly<Record<string, string>>;
  readonly lastSeenMs: number;
}

export interface SourceSeries {
  readonly hostId: string;
  readonly labels: Readonly<Record<string, string>>;
  /** In time order. Counters as cumulative values. */
  readonly points: readonly SamplePoint[];
}

/** Where the engine reads. Synchronous: the gateway store and in-memory sources answer at once. */
export interface SeriesSource {
  hosts(): readonly SourceHost[];
  /**
   * Series of `metric` whose attributes include `match`, with points in [fromMs, toMs], of one host
   * (`hostId`) or every host (null).
   */
  series(
    hostId: string | null,
    metric: string,
    match: Readonly<Record<string, string>>,
    fromMs: number,
    toMs: number,
  ): readonly SourceSeries[];
}
