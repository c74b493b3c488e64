import { unknownPlaceholders } from './template.js';
import {
  SEVERITIES,
  WEEKDAYS,
  type AlertRule,
  type Comparison,
  type Condition,
  type CorrelationPart,
  type FlapPolicy,
  type LabelMatcher,
  type QuietHours,
  type RuleError,
  type RuleSet,
  type SeriesSelector,
  type Severity,
  type Weekday,
} from './types.js';

/**
 * Validation of a parsed rule document (the YAML is parsed by the caller, which also knows lines):
 * every problem is collected, named by rule and line, and a document with any error yields no rule set —
 * the caller keeps the previous rules in force.
 */

/** Path in the document → 1-based line; supplied by the caller from the YAML parser's positions. */
export type LineLocator = (path: readonly (string | number)[]) => number | null;

const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h|d|w)$/;
const UNIT_MS: Readonly<Record<string, number>> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

/** `90s`, `5m`, `24h`, `7d`, or a number of milliseconds; null when malformed. */
export function parseDuration(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : null;
  if (typeof value !== 'string') return null;
  const match = DURATION.exec(value.trim());
  if (match === null) return null;
  return Math.round(Number(match[1]) * UNIT_MS[match[2]!]!);
}

export const DEFAULT_FLAP: FlapPolicy = Object.freeze({ maxChanges: 6, windowMs: 3_600_000 });

const OPS: readonly Comparison[] = ['>', '>=', '<', '<='];
const TRANSFORMS = ['none', 'rate', 'complement'] as const;
const AGGREGATES = ['none', 'sum', 'max', 'avg'] as const;
const CONDITION_TYPES = ['threshold', 'sustained', 'trend', 'forecast', 'absence', 'correlation'] as const;

type Path = readonly (string | number)[];

class Checker {
  readonly errors: RuleError[] = [];
  constructor(
    private readonly locate: LineLocator,
    public rule: string | null = null,
  ) {}

  fail(path: Path, message: string): void {
    this.errors.push({ rule: this.rule, line: this.locate(path), path: formatPath(path), message });
  }

  object(value: unknown, path: Path): Record<string, unknown> | null {
    if (value !== null && typeof value === 'object' && !Array.isArray(value))
      return value as Record<string, unknown>;
    this.fail(path, 'must be a mapping');
    return null;
  }

  keys(obj: Record<string, unknown>, path: Path, allowed: readonly string[]): void {
    for (const key of Object.keys(obj)) {
      if (!allowed.includes(key))
        this.fail([...path, key], `unknown key ${JSON.stringify(key)} (allowed: ${allowed.join(', ')})`);
    }
  }

  number(obj: Record<string, unknown>, key: string, path: Path, fallback?: number): number {
    const value = obj[key];
    if (value === undefined && fallback !== undefined) return fallback;
    if (typeof value === 'number' && Number.isFinite(value)) return value;
    this.fail([...path, key], value === undefined ? 'is required (a number)' : 'must be a finite number');
    return 0;
  }

  integer(obj: Record<string, unknown>, key: string, path: Path, min: number, fallback?: number): number {
    const value = this.number(obj, key, path, fallback);
    if (!Number.isInteger(value) || value < min) this.fail([...path, key], `must be an integer >= ${min}`);
    return value;
  }

  duration(
    obj: Record<string, unknown>,
    key: string,
    path: Path,
    fallback?: number,
    positive = true,
  ): number {
    const value = obj[key];
    if (value === undefined && fallback !== undefined) return fallback;
    const ms = parseDuration(value);
    if (ms === null || (positive && ms <= 0)) {
      this.fail(
        [...path, key],
        value === undefined
          ? 'is required (a duration like 5m)'
          : `${JSON.stringify(value)} is not a ${positive ? 'positive ' : ''}duration (ms, s, m, h, d, w)`,
      );
      return 0;
    }
    return ms;
  }

  oneOf<T extends string>(
    obj: Record<string, unknown>,
    key: string,
    path: Path,
    allowed: readonly T[],
    fallback?: T,
  ): T {
    const value = obj[key];
    if (value === undefined && fallback !== undefined) return fallback;
    if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
    this.fail([...path, key], `must be one of ${allowed.join(', ')}`);
    return allowed[0]!;
  }

  stringMap(value: unknown, path: Path): Record<string, string> {
    if (value === undefined) return {};
    const obj = this.object(value, path);
    if (obj === null) return {};
    const out: Record<string, string> = {};
    for (const [key, item] of Object.entries(obj)) {
      if (typeof item === 'string' || typeof item === 'number' || typeof item === 'boolean')
        out[key] = String(item);
      else this.fail([...path, key], 'must be a string');
    }
    return out;
  }
}

function formatPath(path: Path): string {
  let out = '';
  for (const part of path) out += typeof part === 'number' ? `[${part}]` : out === '' ? part : `.${part}`;
  return out === '' ? '(root)' : out;
}

function selector(c: Checker, obj: Record<string, unknown>, path: Path): SeriesSelector | null {
  if (typeof obj.metric !== 'string' || obj.metric === '') {
    c.fail([...path, 'metric'], 'is required (a metric name, e.g. system.cpu.utilization)');
    return null;
  }
  let per: SeriesSelector['per'] = null;
  if (obj.per !== undefined) {
    if (typeof obj.per === 'string') per = { metric: obj.per, match: {} };
    else {
      const perObj = c.object(obj.per, [...path, 'per']);
      if (perObj !== null) {
        if (typeof perObj.metric !== 'string') c.fail([...path, 'per', 'metric'], 'is required');
        else per = { metric: perObj.metric, match: c.stringMap(perObj.match, [...path, 'per', 'match']) };
      }
    }
  }
  return {
    metric: obj.metric,
    match: c.stringMap(obj.match, [...path, 'match']),
    transform: c.oneOf(obj, 'transform', path, TRANSFORMS, 'none'),
    aggregate: c.oneOf(obj, 'aggregate', path, AGGREGATES, 'none'),
    per,
  };
}

const SELECTOR_KEYS = ['metric', 'match', 'transform', 'aggregate', 'per'];

function condition(c: Checker, value: unknown, path: Path, inCorrelation: boolean): Condition | null {
  const obj = c.object(value, path);
  if (obj === null) return null;
  const types: readonly string[] = inCorrelation ? ['threshold', 'sustained', 'trend'] : CONDITION_TYPES;
  if (typeof obj.type !== 'string' || !types.includes(obj.type)) {
    // One error for the type; the fields of an unknown type are not checked against a guess.
    c.fail([...path, 'type'], `must be one of ${types.join(', ')}`);
    return null;
  }
  const type = obj.type as (typeof CONDITION_TYPES)[number];
  switch (type) {
    case 'threshold': {
      c.keys(obj, path, ['type', 'op', 'value', 'clear']);
      const op = c.oneOf(obj, 'op', path, OPS);
      const threshold = c.number(obj, 'value', path);
      const clear = obj.clear === undefined ? null : c.number(obj, 'clear', path);
      if (clear !== null) {
        const rising = op === '>' || op === '>=';
        if (rising ? clear > threshold : clear < threshold) {
          c.fail(
            [...path, 'clear'],
            `must be on the clearing side of value (${rising ? '<=' : '>='} ${threshold})`,
          );
        }
      }
      return { type, op, value: threshold, clear };
    }
    case 'sustained': {
      c.keys(obj, path, ['type', 'op', 'value', 'samples', 'of', 'window']);
      const samples = c.integer(obj, 'samples', path, 1);
      const of = c.integer(obj, 'of', path, 1);
      if (samples > of) c.fail([...path, 'samples'], `must not exceed of (${of})`);
      return {
        type,
        op: c.oneOf(obj, 'op', path, OPS),
        value: c.number(obj, 'value', path),
        samples,
        of,
        windowMs: c.duration(obj, 'window', path, 3_600_000),
      };
    }
    case 'trend':
      c.keys(obj, path, ['type', 'op', 'value', 'per', 'window']);
      return {
        type,
        op: c.oneOf(obj, 'op', path, OPS),
        value: c.number(obj, 'value', path),
        perMs: c.duration(obj, 'per', path, 1000),
        windowMs: c.duration(obj, 'window', path),
      };
    case 'forecast':
      c.keys(obj, path, ['type', 'op', 'limit', 'within', 'window']);
      return {
        type,
        op: c.oneOf(obj, 'op', path, ['>=', '<='] as const, '>='),
        limit: c.number(obj, 'limit', path),
        withinMs: c.duration(obj, 'within', path),
        windowMs: c.duration(obj, 'window', path),
      };
    case 'absence':
      c.keys(obj, path, ['type', 'subject', 'for']);
      return {
        type,
        subject: c.oneOf(obj, 'subject', path, ['host', 'series'] as const, 'series'),
        forMs: c.duration(obj, 'for', path),
      };
    case 'correlation': {
      c.keys(obj, path, ['type', 'window', 'all', 'culpritBy']);
      const all = obj.all;
      const parts: CorrelationPart[] = [];
      if (!Array.isArray(all) || all.length !== 2) {
        c.fail([...path, 'all'], 'must list exactly two conditions, each with metric and condition');
      } else {
        all.forEach((item: unknown, i) => {
          const partPath = [...path, 'all', i];
          const part = c.object(item, partPath);
          if (part === null) return;
          c.keys(part, partPath, ['name', ...SELECTOR_KEYS, 'condition']);
          const select = selector(c, part, partPath);
          const cond = condition(c, part.condition, [...partPath, 'condition'], true);
          if (select !== null && cond !== null) {
            parts.push({
              name: typeof part.name === 'string' ? part.name : `part${i + 1}`,
              select,
              condition: cond as CorrelationPart['condition'],
            });
          }
        });
      }
      const culpritBy = obj.culpritBy === undefined ? [] : obj.culpritBy;
      if (!Array.isArray(culpritBy) || !culpritBy.every((k) => typeof k === 'string')) {
        c.fail([...path, 'culpritBy'], 'must be a list of attribute names');
      }
      return {
        type,
        windowMs: c.duration(obj, 'window', path),
        parts: parts as unknown as readonly [CorrelationPart, CorrelationPart],
        culpritBy: Array.isArray(culpritBy) ? (culpritBy as string[]) : [],
      };
    }
  }
}

function matchers(c: Checker, value: unknown, path: Path): LabelMatcher[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    // The short form: a mapping of label → exact value.
    return Object.entries(c.stringMap(value, path)).map(([name, v]) => ({
      name,
      value: v,
      isRegex: false,
      isEqual: true,
    }));
  }
  const out: LabelMatcher[] = [];
  value.forEach((item: unknown, i) => {
    const obj = c.object(item, [...path, i]);
    if (obj === null) return;
    if (typeof obj.name !== 'string' || typeof obj.value !== 'string') {
      c.fail([...path, i], 'a matcher needs name and value strings');
      return;
    }
    const isRegex = obj.isRegex === true;
    if (isRegex) {
      try {
        new RegExp(obj.value);
      } catch (error) {
        c.fail([...path, i, 'value'], `bad regular expression: ${(error as Error).message}`);
      }
    }
    out.push({ name: obj.name, value: obj.value, isRegex, isEqual: obj.isEqual !== false });
  });
  return out;
}

export function validateMatchers(value: unknown): { matchers: LabelMatcher[]; errors: string[] } {
  const c = new Checker(() => null);
  const list = matchers(c, value, ['matchers']);
  return { matchers: list, errors: c.errors.map((e) => `${e.path}: ${e.message}`) };
}

const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$/;

function quietHours(c: Checker, value: unknown, path: Path): QuietHours | null {
  const obj = c.object(value, path);
  if (obj === null) return null;
  c.keys(obj, path, ['name', 'days', 'start', 'end', 'timeZone', 'matchers']);
  const minute = (key: string): number => {
    const match = typeof obj[key] === 'string' ? HHMM.exec(obj[key]) : null;
    if (match === null) {
      c.fail([...path, key], 'must be a time HH:MM (24 h)');
      return 0;
    }
    return Number(match[1]) * 60 + Number(match[2]);
  };
  const timeZone = typeof obj.timeZone === 'string' ? obj.timeZone : 'UTC';
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
  } catch {
    c.fail([...path, 'timeZone'], `unknown time zone ${JSON.stringify(timeZone)}`);
  }
  const days = obj.days ?? WEEKDAYS;
  if (!Array.isArray(days) || !days.every((d) => (WEEKDAYS as readonly unknown[]).includes(d))) {
    c.fail([...path, 'days'], `must be a list of ${WEEKDAYS.join(', ')}`);
  }
  return {
    name: typeof obj.name === 'string' ? obj.name : `quiet${String(path.at(-1))}`,
    days: Array.isArray(days) ? (days as Weekday[]) : [],
    startMinute: minute('start'),
    endMinute: minute('end'),
    timeZone,
    matchers: matchers(c, obj.matchers, [...path, 'matchers']),
  };
}

const RULE_KEYS = [
  'name',
  'severity',
  'description',
  'hosts',
  ...SELECTOR_KEYS,
  'condition',
  'for',
  'flap',
  'labels',
  'annotations',
];

function checkTemplates(c: Checker, map: Record<string, string>, path: Path): void {
  for (const [key, text] of Object.entries(map)) {
    const unknown = unknownPlaceholders(text);
    if (unknown.length > 0)
      c.fail(
        [...path, key],
        `unknown placeholder ${unknown.map((n) => `{{${n}}}`).join(', ')} (known: host, hostname, value, rule, severity, labels.<name>)`,
      );
  }
}

/**
 * A parsed document `{ rules: [...], quietHours: [...] }` → a RuleSet, or every error found (then no rule
 * set). `locate` maps a document path to its line.
 */
export function validateRuleDocument(
  document: unknown,
  locate: LineLocator = () => null,
): { ruleSet: RuleSet | null; errors: RuleError[] } {
  const c = new Checker(locate);
  const root = c.object(document ?? {}, []);
  if (root === null) return { ruleSet: null, errors: c.errors };
  c.keys(root, [], ['rules', 'quietHours']);
  const rules: AlertRule[] = [];
  const names = new Set<string>();
  const list = root.rules ?? [];
  if (!Array.isArray(list)) c.fail(['rules'], 'must be a list of rules');
  else {
    list.forEach((item: unknown, index) => {
      const path: Path = ['rules', index];
      c.rule = null;
      const obj = c.object(item, path);
      if (obj === null) return;
      if (typeof obj.name !== 'string' || !/^[A-Za-z_][\w.-]*$/.test(obj.name)) {
        c.fail([...path, 'name'], 'is required: letters, digits, _ . - (starting with a letter or _)');
      } else {
        c.rule = obj.name;
        if (names.has(obj.name)) c.fail([...path, 'name'], `duplicate rule name ${obj.name}`);
        names.add(obj.name);
      }
      c.keys(obj, path, RULE_KEYS);
      const cond = condition(c, obj.condition, [...path, 'condition'], false);
      const needsSelector =
        !(cond?.type === 'absence' && cond.subject === 'host') && cond?.type !== 'correlation';
      const select = needsSelector ? selector(c, obj, path) : null;
      const flapObj = obj.flap === undefined ? {} : (c.object(obj.flap, [...path, 'flap']) ?? {});
      const labels = c.stringMap(obj.labels, [...path, 'labels']);
      const annotations = c.stringMap(obj.annotations, [...path, 'annotations']);
      checkTemplates(c, labels, [...path, 'labels']);
      checkTemplates(c, annotations, [...path, 'annotations']);
      if (cond === null) return;
      rules.push({
        name: typeof obj.name === 'string' ? obj.name : '',
        severity: c.oneOf<Severity>(obj, 'severity', path, SEVERITIES, 'warning'),
        description: typeof obj.description === 'string' ? obj.description : '',
        hosts: c.stringMap(obj.hosts, [...path, 'hosts']),
        select,
        condition: cond,
        forMs: c.duration(obj, 'for', path, 0, false),
        flap: {
          maxChanges: c.integer(flapObj, 'maxChanges', [...path, 'flap'], 1, DEFAULT_FLAP.maxChanges),
          windowMs: c.duration(flapObj, 'window', [...path, 'flap'], DEFAULT_FLAP.windowMs),
        },
        labels,
        annotations,
        line: locate(path),
      });
    });
  }
  c.rule = null;
  const quiet: QuietHours[] = [];
  const quietList = root.quietHours ?? [];
  if (!Array.isArray(quietList)) c.fail(['quietHours'], 'must be a list');
  else
    quietList.forEach((item: unknown, i) => {
      const q = quietHours(c, item, ['quietHours', i]);
      if (q !== null) quiet.push(q);
    });
  if (c.errors.length > 0) return { ruleSet: null, errors: c.errors };
  return { ruleSet: { rules, quietHours: quiet }, errors: [] };
}

/** `rules[2] (HighCpu) line 14: condition.op: must be one of …` */
export function formatRuleError(error: RuleError): string {
  const where = [
    error.rule === null ? null : `rule ${error.rule}`,
    error.line === null ? null : `line ${error.line}`,
  ]
    .filter((part) => part !== null)
    .join(', ');
  return `${where === '' ? '' : `${where}: `}${error.path}: ${error.message}`;
}
