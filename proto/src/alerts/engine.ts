import {
  evaluateForecast,
  evaluateSustained,
  evaluateThreshold,
  evaluateTrend,
  selectValues,
  type ConditionResult,
} from './conditions.js';
import { mutedBy } from './mute.js';
import { renderTemplate } from './template.js';
import type {
  Alert,
  AlertChange,
  AlertRule,
  AlertState,
  CorrelationCondition,
  CorrelationPart,
  RuleSet,
  SamplePoint,
  SeriesSelector,
  SeriesSource,
  Silence,
  SourceHost,
  SourceSeries,
} from './types.js';

/**
 * The rule engine: evaluates a rule set against a SeriesSource and keeps each alert's lifecycle
 * (inactive → pending → firing → resolved), with dedup (one notification per transition, keyed by a
 * fingerprint of rule, host and series labels), hysteresis, flap suppression and muting (silences,
 * quiet hours). No I/O, no timers: the caller decides when to evaluate and what to do with the changes.
 */

export interface RuleEngineOptions {
  /** A point older than this is not "the latest value" (threshold rules), milliseconds. Default 5 min. */
  readonly stalenessMs?: number;
}

export interface EvaluationResult {
  /** Pending and firing alerts after this evaluation. */
  readonly alerts: readonly Alert[];
  /** State changes, in rule order; `notify` says which go to notifiers. */
  readonly changes: readonly AlertChange[];
  /** Rules whose evaluation threw; the others were evaluated. */
  readonly errors: readonly { readonly rule: string; readonly message: string }[];
  /** Wall time spent, milliseconds. */
  readonly durationMs: number;
}

interface Instance {
  readonly fingerprint: string;
  readonly rule: AlertRule;
  readonly hostId: string;
  seriesLabels: Readonly<Record<string, string>>;
  extraLabels: Readonly<Record<string, string>>;
  hostname: string;
  state: AlertState | 'inactive';
  rawActive: boolean;
  value: number | null;
  activeSinceMs: number;
  firedAtMs: number | null;
  resolvedAtMs: number | null;
  /** Times the raw condition flipped, within the flap window. */
  changes: number[];
  flapping: boolean;
  /** The firing notification went out (so the resolution is owed). */
  notifiedFiring: boolean;
}

interface Outcome {
  readonly hostId: string;
  readonly seriesLabels: Readonly<Record<string, string>>;
  readonly extraLabels: Readonly<Record<string, string>>;
  readonly result: ConditionResult;
}

interface CorrelationMemory {
  lastTrue: [number, number];
  top: [Readonly<Record<string, string>> | null, Readonly<Record<string, string>> | null];
}

const DEFAULT_STALENESS_MS = 5 * 60_000;

function labelsKey(labels: Readonly<Record<string, string>>): string {
  return JSON.stringify(
    Object.keys(labels)
      .sort()
      .map((key) => [key, labels[key]]),
  );
}

export function alertFingerprint(
  rule: string,
  hostId: string,
  seriesLabels: Readonly<Record<string, string>>,
): string {
  return `${rule}\u0000${hostId}\u0000${labelsKey(seriesLabels)}`;
}

function matchesSelector(
  labels: Readonly<Record<string, string>>,
  selector: Readonly<Record<string, string>>,
): boolean {
  for (const key in selector) {
    const want = selector[key];
    const have = labels[key];
    if (have === undefined || (want !== '*' && have !== want)) return false;
  }
  return true;
}

function exactMatch(match: Readonly<Record<string, string>>): Readonly<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const key in match) if (match[key] !== '*') out[key] = match[key]!;
  return out;
}

function groupByHost(
  series: readonly SourceSeries[],
  match: Readonly<Record<string, string>>,
): Map<string, SourceSeries[]> {
  const byHost = new Map<string, SourceSeries[]>();
  for (const s of series) {
    if (!matchesSelector(s.labels, match)) continue;
    let list = byHost.get(s.hostId);
    if (list === undefined) byHost.set(s.hostId, (list = []));
    list.push(s);
  }
  return byHost;
}

function lookbackMs(rule: AlertRule, stalenessMs: number): number {
  const c = rule.condition;
  switch (c.type) {
    case 'threshold':
      return stalenessMs;
    case 'sustained':
    case 'trend':
    case 'forecast':
      return c.windowMs;
    case 'absence':
      return Math.max(c.forMs * 4, c.forMs + stalenessMs);
    case 'correlation':
      return c.windowMs + stalenessMs;
  }
}

export class RuleEngine {
  private ruleSet: RuleSet = { rules: [], quietHours: [] };
  private silences: readonly Silence[] = [];
  private readonly instances = new Map<string, Instance>();
  /** The same instances by rule name: a rule's evaluation visits its own alerts, not every alert. */
  private readonly instancesByRule = new Map<string, Set<Instance>>();
  private readonly correlations = new Map<string, CorrelationMemory>();
  private readonly stalenessMs: number;

  constructor(ruleSet?: RuleSet, options: RuleEngineOptions = {}) {
    this.stalenessMs = options.stalenessMs ?? DEFAULT_STALENESS_MS;
    if (ruleSet !== undefined) this.setRules(ruleSet);
  }

  get rules(): RuleSet {
    return this.ruleSet;
  }

  /**
   * Replaces the rule set. Alerts of rules that keep their name keep their state (a reload does not
   * re-notify); alerts of removed rules are dropped without a resolution.
   */
  setRules(ruleSet: RuleSet): void {
    this.ruleSet = ruleSet;
    const byName = new Map(ruleSet.rules.map((rule) => [rule.name, rule]));
    for (const instance of [...this.instances.values()]) {
      const rule = byName.get(instance.rule.name);
      if (rule === undefined) this.removeInstance(instance);
      else (instance as { rule: AlertRule }).rule = rule;
    }
    for (const key of this.correlations.keys())
      if (!byName.has(key.split('\u0000')[0]!)) this.correlations.delete(key);
  }

  setSilences(silences: readonly Silence[]): void {
    this.silences = silences;
  }

  /** Pending and firing alerts now. */
  active(nowMs: number): Alert[] {
    const out: Alert[] = [];
    for (const instance of this.instances.values()) {
      if (instance.state === 'pending' || instance.state === 'firing') out.push(this.view(instance, nowMs));
    }
    return out;
  }

  evaluate(source: SeriesSource, nowMs: number): EvaluationResult {
    const started = performance.now();
    const changes: AlertChange[] = [];
    const errors: { rule: string; message: string }[] = [];
    const hosts = source.hosts();
    const hostById = new Map(hosts.map((host) => [host.hostId, host]));
    for (const rule of this.ruleSet.rules) {
      try {
        const selected = hosts.filter((host) => matchesSelector(host.labels, rule.hosts));
        const outcomes = this.outcomes(rule, source, selected, nowMs);
        this.apply(rule, outcomes, hostById, nowMs, changes);
      } catch (error) {
        errors.push({ rule: rule.name, message: (error as Error).message });
      }
    }
    return { alerts: this.active(nowMs), changes, errors, durationMs: performance.now() - started };
  }

  private fetch(
    source: SeriesSource,
    selector: SeriesSelector,
    fromMs: number,
    nowMs: number,
    hostIds: ReadonlySet<string>,
  ): Map<string, { labels: Readonly<Record<string, string>>; points: SamplePoint[] }[]> {
    const raw = groupByHost(
      source.series(null, selector.metric, exactMatch(selector.match), fromMs, nowMs),
      selector.match,
    );
    // Divisors by host and series labels (cgroup usage / its own limit), else by host (load / CPUs).
    // The attributes the two selectors pin (a state) are left out of the pairing key, so used/free pairs.
    const pinned = new Set([...Object.keys(selector.match), ...Object.keys(selector.per?.match ?? {})]);
    const pairKey = (labels: Readonly<Record<string, string>>): string =>
      labelsKey(Object.fromEntries(Object.entries(labels).filter(([key]) => !pinned.has(key))));
    let divisors: Map<string, number> | null = null;
    if (selector.per !== null) {
      divisors = new Map();
      const perSeries = source.series(
        null,
        selector.per.metric,
        exactMatch(selector.per.match),
        fromMs,
        nowMs,
      );
      for (const s of perSeries) {
        const last = s.points.at(-1);
        if (last === undefined || last[1] === 0) continue;
        divisors.set(`${s.hostId}\u0000${pairKey(s.labels)}`, last[1]);
        // A divisor without attributes of its own (CPU count) serves every series of its host.
        if (pairKey(s.labels) === '[]' && !divisors.has(s.hostId)) divisors.set(s.hostId, last[1]);
      }
    }
    const out = new Map<string, { labels: Readonly<Record<string, string>>; points: SamplePoint[] }[]>();
    for (const [hostId, list] of raw) {
      if (!hostIds.has(hostId)) continue;
      const divisorOf =
        divisors === null
          ? null
          : (labels: Readonly<Record<string, string>>): number | null =>
              divisors.get(`${hostId}\u0000${pairKey(labels)}`) ?? divisors.get(hostId) ?? null;
      out.set(hostId, selectValues(selector, list, divisorOf));
    }
    return out;
  }

  private outcomes(
    rule: AlertRule,
    source: SeriesSource,
    hosts: readonly SourceHost[],
    nowMs: number,
  ): Outcome[] {
    const condition = rule.condition;
    const hostIds = new Set(hosts.map((host) => host.hostId));
    if (condition.type === 'absence' && condition.subject === 'host') {
      return hosts.map((host) => ({
        hostId: host.hostId,
        seriesLabels: {},
        extraLabels: {},
        result: {
          active: nowMs - host.lastSeenMs > condition.forMs,
          value: (nowMs - host.lastSeenMs) / 1000,
        },
      }));
    }
    if (condition.type === 'correlation') return this.correlate(rule, condition, source, hostIds, nowMs);
    const selector = rule.select!;
    const fromMs = nowMs - lookbackMs(rule, this.stalenessMs);
    const out: Outcome[] = [];
    for (const [hostId, valueSeries] of this.fetch(source, selector, fromMs, nowMs, hostIds)) {
      for (const series of valueSeries) {
        const fingerprint = alertFingerprint(rule.name, hostId, series.labels);
        const wasActive = this.instances.get(fingerprint)?.rawActive ?? false;
        let result: ConditionResult;
        switch (condition.type) {
          case 'threshold': {
            const fresh = series.points.filter(([t]) => t > nowMs - this.stalenessMs);
            result = evaluateThreshold(condition, fresh, wasActive);
            break;
          }
          case 'sustained':
            result = evaluateSustained(condition, series.points, nowMs);
            break;
          case 'trend':
            result = evaluateTrend(condition, series.points, nowMs);
            break;
          case 'forecast':
            result = evaluateForecast(condition, series.points, nowMs);
            break;
          case 'absence': {
            const last = series.points.at(-1);
            if (last === undefined) continue;
            result = { active: nowMs - last[0] > condition.forMs, value: (nowMs - last[0]) / 1000 };
            break;
          }
        }
        out.push({ hostId, seriesLabels: series.labels, extraLabels: {}, result });
      }
    }
    return out;
  }

  /**
   * Both parts held on one host within the window. When both parts' top series (largest value) carry
   * the same `culpritBy` attributes, the culprit is named in the `culprit` label.
   */
  private correlate(
    rule: AlertRule,
    condition: CorrelationCondition,
    source: SeriesSource,
    hostIds: ReadonlySet<string>,
    nowMs: number,
  ): Outcome[] {
    const fromMs = nowMs - condition.windowMs - this.stalenessMs;
    const evaluatePart = (part: CorrelationPart) => {
      const perHost = new Map<string, { value: number; labels: Readonly<Record<string, string>> } | null>();
      for (const [hostId, valueSeries] of this.fetch(source, part.select, fromMs, nowMs, hostIds)) {
        let top: { value: number; labels: Readonly<Record<string, string>> } | null = null;
        for (const series of valueSeries) {
          const c = part.condition;
          const result =
            c.type === 'threshold'
              ? evaluateThreshold(
                  c,
                  series.points.filter(([t]) => t > nowMs - this.stalenessMs),
                  false,
                )
              : c.type === 'sustained'
                ? evaluateSustained(c, series.points, nowMs)
                : evaluateTrend(c, series.points, nowMs);
          if (result.active && result.value !== null && (top === null || result.value > top.value)) {
            top = { value: result.value, labels: series.labels };
          }
        }
        perHost.set(hostId, top);
      }
      return perHost;
    };
    const a = evaluatePart(condition.parts[0]);
    const b = evaluatePart(condition.parts[1]);
    const out: Outcome[] = [];
    for (const hostId of new Set([...a.keys(), ...b.keys()])) {
      const key = `${rule.name}\u0000${hostId}`;
      let memory = this.correlations.get(key);
      if (memory === undefined) {
        memory = { lastTrue: [-Infinity, -Infinity], top: [null, null] };
        this.correlations.set(key, memory);
      }
      const tops = [a.get(hostId) ?? null, b.get(hostId) ?? null] as const;
      tops.forEach((top, i) => {
        if (top !== null) {
          memory.lastTrue[i] = nowMs;
          memory.top[i] = top.labels;
        }
      });
      const active = memory.lastTrue.every((t) => nowMs - t <= condition.windowMs);
      const extraLabels: Record<string, string> = {};
      const [topA, topB] = memory.top;
      if (active && condition.culpritBy.length > 0 && topA !== null && topB !== null) {
        const shared = condition.culpritBy.filter((k) => topA[k] !== undefined && topA[k] === topB[k]);
        if (shared.length > 0) extraLabels.culprit = shared.map((k) => `${k}=${topA[k]}`).join(',');
      }
      out.push({ hostId, seriesLabels: {}, extraLabels, result: { active, value: tops[0]?.value ?? null } });
    }
    return out;
  }

  private apply(
    rule: AlertRule,
    outcomes: readonly Outcome[],
    hosts: ReadonlyMap<string, SourceHost>,
    nowMs: number,
    changes: AlertChange[],
  ): void {
    const seen = new Set<string>();
    for (const outcome of outcomes) {
      const fingerprint = alertFingerprint(rule.name, outcome.hostId, outcome.seriesLabels);
      seen.add(fingerprint);
      let instance = this.instances.get(fingerprint);
      if (instance === undefined) {
        if (!outcome.result.active) continue;
        instance = {
          fingerprint,
          rule,
          hostId: outcome.hostId,
          seriesLabels: outcome.seriesLabels,
          extraLabels: outcome.extraLabels,
          hostname: hosts.get(outcome.hostId)?.labels['host.name'] ?? outcome.hostId,
          state: 'inactive',
          rawActive: false,
          value: null,
          activeSinceMs: nowMs,
          firedAtMs: null,
          resolvedAtMs: null,
          changes: [],
          flapping: false,
          notifiedFiring: false,
        };
        this.addInstance(instance);
      }
      instance.extraLabels = outcome.extraLabels;
      this.step(instance, outcome.result.active, outcome.result.value, nowMs, changes);
    }
    // Alerts whose series are gone (no data in the lookback) are treated as not active.
    for (const instance of [...(this.instancesByRule.get(rule.name) ?? [])]) {
      if (!seen.has(instance.fingerprint)) this.step(instance, false, null, nowMs, changes);
    }
  }

  private addInstance(instance: Instance): void {
    this.instances.set(instance.fingerprint, instance);
    let set = this.instancesByRule.get(instance.rule.name);
    if (set === undefined) this.instancesByRule.set(instance.rule.name, (set = new Set()));
    set.add(instance);
  }

  private removeInstance(instance: Instance): void {
    this.instances.delete(instance.fingerprint);
    const set = this.instancesByRule.get(instance.rule.name);
    set?.delete(instance);
    if (set?.size === 0) this.instancesByRule.delete(instance.rule.name);
  }

  private step(
    instance: Instance,
    active: boolean,
    value: number | null,
    nowMs: number,
    changes: AlertChange[],
  ): void {
    const { rule } = instance;
    if (active !== instance.rawActive) instance.changes.push(nowMs);
    instance.rawActive = active;
    if (active || value !== null) instance.value = value;
    instance.changes = instance.changes.filter((t) => t > nowMs - rule.flap.windowMs);
    // Flapping: more raw changes than allowed in the window hold the alert firing and quiet, until a
    // whole window passes without a change.
    const wasFlapping = instance.flapping;
    if (!instance.flapping && instance.state === 'firing' && instance.changes.length > rule.flap.maxChanges) {
      instance.flapping = true;
    } else if (instance.flapping && instance.changes.length === 0) {
      instance.flapping = false;
    }
    const previous = instance.state;
    const emit = (current: AlertState | 'inactive'): void => {
      instance.state = current;
      const alert = this.view(instance, nowMs);
      let notify = false;
      if (current === 'firing') {
        notify = alert.mutedBy.length === 0 && !instance.flapping;
        if (notify) instance.notifiedFiring = true;
      } else if (current === 'resolved') {
        notify = instance.notifiedFiring;
        instance.notifiedFiring = false;
      }
      changes.push({ alert, previous, current, atMs: nowMs, notify });
    };
    if (instance.flapping) {
      if (previous !== 'firing') emit('firing');
      return;
    }
    switch (previous) {
      case 'inactive':
      case 'resolved':
        if (active) {
          instance.activeSinceMs = nowMs;
          instance.firedAtMs = null;
          instance.resolvedAtMs = null;
          if (rule.forMs === 0) {
            instance.firedAtMs = nowMs;
            emit('firing');
          } else emit('pending');
        } else if (previous === 'resolved') {
          instance.state = 'inactive';
        }
        break;
      case 'pending':
        if (!active) emit('inactive');
        else if (nowMs - instance.activeSinceMs >= rule.forMs) {
          instance.firedAtMs = nowMs;
          emit('firing');
        }
        break;
      case 'firing':
        if (!active) {
          instance.resolvedAtMs = nowMs;
          emit('resolved');
        } else if (wasFlapping || !instance.notifiedFiring) {
          // Flapping ended while firing, or a mute ended: the firing notification is owed now.
          const alert = this.view(instance, nowMs);
          if (alert.mutedBy.length === 0) {
            instance.notifiedFiring = true;
            changes.push({ alert, previous, current: 'firing', atMs: nowMs, notify: true });
          }
        }
        break;
    }
    if (instance.state === 'inactive' && instance.changes.length === 0) this.removeInstance(instance);
  }

  private view(instance: Instance, nowMs: number): Alert {
    const { rule } = instance;
    const base: Record<string, string> = {
      ...instance.seriesLabels,
      ...instance.extraLabels,
      alertname: rule.name,
      severity: rule.severity,
      host: instance.hostId,
      hostname: instance.hostname,
    };
    const context = {
      host: instance.hostId,
      hostname: instance.hostname,
      rule: rule.name,
      severity: rule.severity,
      value: instance.value,
      labels: base,
    };
    const labels: Record<string, string> = { ...base };
    for (const [key, text] of Object.entries(rule.labels)) labels[key] = renderTemplate(text, context);
    const annotations: Record<string, string> = {};
    for (const [key, text] of Object.entries(rule.annotations))
      annotations[key] = renderTemplate(text, { ...context, labels });
    if (rule.description !== '' && annotations.description === undefined)
      annotations.description = rule.description;
    return {
      fingerprint: instance.fingerprint,
      rule: rule.name,
      severity: rule.severity,
      hostId: instance.hostId,
      state: instance.state === 'inactive' ? 'resolved' : instance.state,
      labels,
      annotations,
      value: instance.value,
      activeSinceMs: instance.activeSinceMs,
      firedAtMs: instance.firedAtMs,
      resolvedAtMs: instance.resolvedAtMs,
      flapping: instance.flapping,
      mutedBy: mutedBy(labels, this.silences, this.ruleSet.quietHours, nowMs),
    };
  }
}
