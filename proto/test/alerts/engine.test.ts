import { describe, expect, it } from 'vitest';
import {
  counterRates,
  evaluateForecast,
  evaluateSustained,
  evaluateThreshold,
  evaluateTrend,
} from '../../src/alerts/conditions.js';
import { RuleEngine } from '../../src/alerts/engine.js';
import { inQuietHours } from '../../src/alerts/mute.js';
import { renderTemplate } from '../../src/alerts/template.js';
import type { AlertRule, SamplePoint, SeriesSource, SourceSeries } from '../../src/alerts/types.js';
import { parseDuration, validateRuleDocument } from '../../src/alerts/validate.js';

const T = 1_763_700_000_000;
const MIN = 60_000;

class MemorySource implements SeriesSource {
  hostList: { hostId: string; labels: Record<string, string>; lastSeenMs: number }[] = [];
  data: (SourceSeries & { metric: string })[] = [];
  hosts() {
    return this.hostList;
  }
  series(
    hostId: string | null,
    metric: string,
    match: Readonly<Record<string, string>>,
    fromMs: number,
    toMs: number,
  ) {
    return this.data
      .filter((s) => s.metric === metric && (hostId === null || s.hostId === hostId))
      .filter((s) => Object.entries(match).every(([k, v]) => s.labels[k] === v))
      .map((s) => ({ ...s, points: s.points.filter(([t]) => t >= fromMs && t <= toMs) }));
  }
}

function rule(doc: Record<string, unknown>): AlertRule {
  const { ruleSet, errors } = validateRuleDocument({ rules: [{ name: 'R', ...doc }] });
  expect(errors).toEqual([]);
  return ruleSet!.rules[0]!;
}

describe('conditions at their edges', () => {
  const th = { type: 'threshold', op: '>', value: 0.9, clear: 0.8 } as const;
  it('threshold: just below, at, just above; hysteresis', () => {
    expect(evaluateThreshold(th, [[T, 0.8999]], false).active).toBe(false);
    expect(evaluateThreshold(th, [[T, 0.9]], false).active).toBe(false);
    expect(evaluateThreshold(th, [[T, 0.9001]], false).active).toBe(true);
    expect(evaluateThreshold(th, [[T, 0.85]], true).active).toBe(true); // between clear and value: held
    expect(evaluateThreshold(th, [[T, 0.8]], true).active).toBe(false); // at clear: cleared
    expect(evaluateThreshold(th, [], false)).toEqual({ active: false, value: null });
  });
  it('sustained: N of last M, with gaps', () => {
    const c = { type: 'sustained', op: '>', value: 10, samples: 3, of: 4, windowMs: 10 * MIN } as const;
    const pts = (vals: number[]): SamplePoint[] => vals.map((v, i) => [T - (vals.length - 1 - i) * MIN, v]);
    expect(evaluateSustained(c, pts([11, 11, 10, 5]), T).active).toBe(false); // 10 is not > 10
    expect(evaluateSustained(c, pts([11, 11, 11, 5]), T).active).toBe(true);
    expect(evaluateSustained(c, pts([11, 11, 5, 11, 5]), T).active).toBe(false); // only last 4 count
    // A gap: samples older than the window do not count.
    expect(
      evaluateSustained(
        c,
        [
          [T - 20 * MIN, 11],
          [T - 19 * MIN, 11],
          [T, 11],
        ],
        T,
      ).active,
    ).toBe(false);
  });
  it('trend: least-squares slope per unit time against the threshold', () => {
    const c = { type: 'trend', op: '>', value: 50, perMs: MIN, windowMs: 10 * MIN } as const;
    const line = (perMin: number): SamplePoint[] =>
      Array.from({ length: 11 }, (_, i) => [T - (10 - i) * MIN, 1000 + perMin * i]);
    expect(evaluateTrend(c, line(49.99), T).active).toBe(false);
    expect(evaluateTrend(c, line(50), T).active).toBe(false);
    expect(evaluateTrend(c, line(50.01), T).active).toBe(true);
    expect(evaluateTrend(c, line(60), T).value).toBeCloseTo(60, 6);
    // Under half the window covered: no trend.
    expect(
      evaluateTrend(
        c,
        [
          [T - MIN, 0],
          [T, 1000],
        ],
        T,
      ).value,
    ).toBeNull();
  });
  it('forecast: crosses the limit within the horizon', () => {
    const c = {
      type: 'forecast',
      op: '>=',
      limit: 1,
      withinMs: 24 * 60 * MIN,
      windowMs: 6 * 60 * MIN,
    } as const;
    // 0.5 now, rising 0.02/h: full in 25 h (outside), 0.021/h: in 23.8 h (inside).
    const line = (perHour: number): SamplePoint[] =>
      Array.from({ length: 7 }, (_, i) => [T - (6 - i) * 60 * MIN, 0.5 - perHour * (6 - i)]);
    expect(evaluateForecast(c, line(0.02), T).active).toBe(false);
    expect(evaluateForecast(c, line(0.02), T).value).toBeCloseTo(25 * 3600, 0);
    expect(evaluateForecast(c, line(0.021), T).active).toBe(true);
    expect(evaluateForecast(c, line(-0.01), T)).toEqual({ active: false, value: null });
    expect(
      evaluateForecast(
        c,
        [
          [T - 5 * 60 * MIN, 0.99],
          [T, 1],
        ],
        T,
      ),
    ).toEqual({ active: true, value: 0 });
  });
  it('counter rates skip restarts', () => {
    expect(
      counterRates([
        [0, 100],
        [1000, 200],
        [2000, 50],
        [3000, 150],
      ]),
    ).toEqual([
      [1000, 100],
      [3000, 100],
    ]);
    expect(counterRates([[0, 5]])).toEqual([]);
  });
});

describe('RuleEngine lifecycle', () => {
  function setup(doc: Record<string, unknown>) {
    const source = new MemorySource();
    source.hostList = [{ hostId: 'h1', labels: { 'host.name': 'web-01' }, lastSeenMs: T }];
    const series = { hostId: 'h1', metric: 'm', labels: { dev: 'a' }, points: [] as SamplePoint[] };
    source.data.push(series);
    const engine = new RuleEngine({ rules: [rule({ metric: 'm', ...doc })], quietHours: [] });
    return { source, series, engine };
  }

  it('inactive → pending → firing → resolved, one notification each way, templated', () => {
    const { source, series, engine } = setup({
      condition: { type: 'threshold', op: '>', value: 10 },
      for: '2m',
      annotations: { summary: '{{labels.dev}} at {{value}} on {{hostname}}' },
    });
    series.points = [[T, 11]];
    let r = engine.evaluate(source, T);
    expect(r.changes.map((c) => [c.previous, c.current, c.notify])).toEqual([['inactive', 'pending', false]]);
    series.points.push([T + MIN, 12]);
    expect(engine.evaluate(source, T + MIN).changes).toEqual([]);
    series.points.push([T + 2 * MIN, 13]);
    r = engine.evaluate(source, T + 2 * MIN);
    expect(r.changes.map((c) => [c.current, c.notify])).toEqual([['firing', true]]);
    expect(r.alerts[0]!.annotations.summary).toBe('a at 13 on web-01');
    expect(r.alerts[0]!.labels).toMatchObject({ alertname: 'R', host: 'h1', dev: 'a', severity: 'warning' });
    series.points.push([T + 3 * MIN, 14]);
    expect(engine.evaluate(source, T + 3 * MIN).changes).toEqual([]); // dedup
    series.points.push([T + 4 * MIN, 5]);
    r = engine.evaluate(source, T + 4 * MIN);
    expect(r.changes.map((c) => [c.current, c.notify])).toEqual([['resolved', true]]);
    expect(r.alerts).toEqual([]);
  });

  it('pending that clears before `for` never fires', () => {
    const { source, series, engine } = setup({
      condition: { type: 'threshold', op: '>', value: 10 },
      for: '5m',
    });
    series.points = [[T, 11]];
    engine.evaluate(source, T);
    series.points.push([T + MIN, 1]);
    expect(engine.evaluate(source, T + MIN).changes.map((c) => c.current)).toEqual(['inactive']);
  });

  it('flap suppression holds a flapping alert firing without notifications', () => {
    const { source, series, engine } = setup({
      condition: { type: 'threshold', op: '>', value: 10 },
      flap: { maxChanges: 3, window: '1h' },
    });
    const notified: string[] = [];
    for (let i = 0; i < 10; i++) {
      series.points.push([T + i * MIN, i % 2 === 0 ? 20 : 0]);
      for (const c of engine.evaluate(source, T + i * MIN).changes) if (c.notify) notified.push(c.current);
    }
    // firing, resolved, firing, then the 4th change makes it flap: held firing, quiet.
    expect(notified).toEqual(['firing', 'resolved', 'firing']);
    expect(engine.active(T + 9 * MIN)[0]).toMatchObject({ state: 'firing', flapping: true });
    // Quiet for a whole window: flapping ends and the real state (resolved) is notified.
    series.points.push([T + 75 * MIN, 0]);
    const r = engine.evaluate(source, T + 75 * MIN);
    expect(r.changes.map((c) => [c.current, c.notify])).toEqual([['resolved', true]]);
  });

  it('silences mute notifications; the firing is sent when the silence ends', () => {
    const { source, series, engine } = setup({ condition: { type: 'threshold', op: '>', value: 10 } });
    engine.setSilences([
      {
        id: 's1',
        matchers: [{ name: 'dev', value: 'a|b', isRegex: true, isEqual: true }],
        startsAtMs: T - 1,
        endsAtMs: T + 5 * MIN,
        comment: '',
        createdBy: '',
      },
    ]);
    series.points = [[T, 11]];
    const r = engine.evaluate(source, T);
    expect(r.changes.map((c) => [c.current, c.notify])).toEqual([['firing', false]]);
    expect(r.alerts[0]!.mutedBy).toEqual(['s1']);
    series.points.push([T + 6 * MIN, 12]);
    expect(engine.evaluate(source, T + 6 * MIN).changes.map((c) => [c.current, c.notify])).toEqual([
      ['firing', true],
    ]);
  });

  it('a silenced alert that resolves sends no resolution', () => {
    const { source, series, engine } = setup({ condition: { type: 'threshold', op: '>', value: 10 } });
    engine.setSilences([
      {
        id: 's1',
        matchers: [{ name: 'alertname', value: 'R', isRegex: false, isEqual: true }],
        startsAtMs: 0,
        endsAtMs: T + 60 * MIN,
        comment: '',
        createdBy: '',
      },
    ]);
    series.points = [[T, 11]];
    engine.evaluate(source, T);
    series.points.push([T + MIN, 1]);
    expect(engine.evaluate(source, T + MIN).changes.map((c) => [c.current, c.notify])).toEqual([
      ['resolved', false],
    ]);
  });

  it('rate transform on counters, restarts handled', () => {
    const { source, series, engine } = setup({
      transform: 'rate',
      condition: { type: 'threshold', op: '>', value: 5 },
    });
    series.points = [
      [T, 1000],
      [T + 10_000, 1040],
    ]; // 4/s
    expect(engine.evaluate(source, T + 10_000).alerts).toEqual([]);
    series.points.push([T + 20_000, 10]); // restart: no rate for this interval, still 4/s latest
    expect(engine.evaluate(source, T + 20_000).alerts).toEqual([]);
    series.points.push([T + 30_000, 70]); // 6/s
    expect(engine.evaluate(source, T + 30_000).alerts[0]!.value).toBe(6);
  });

  it('absence of a host and of a series', () => {
    const source = new MemorySource();
    source.hostList = [{ hostId: 'h1', labels: {}, lastSeenMs: T - 2 * MIN }];
    source.data.push({ hostId: 'h1', metric: 'm', labels: {}, points: [[T - 2 * MIN, 1]] });
    const engine = new RuleEngine({
      rules: [
        rule({ condition: { type: 'absence', subject: 'host', for: '2m' } }),
        { ...rule({ metric: 'm', condition: { type: 'absence', for: '1m' } }), name: 'S' },
      ],
      quietHours: [],
    });
    const r = engine.evaluate(source, T);
    expect(r.alerts.map((a) => a.rule)).toEqual(['S']); // host: 2 min is not more than 2 min
    expect(
      engine
        .evaluate(source, T + 1)
        .alerts.map((a) => a.rule)
        .sort(),
    ).toEqual(['R', 'S']);
  });

  it('correlation names the shared culprit', () => {
    const source = new MemorySource();
    source.hostList = [{ hostId: 'h1', labels: {}, lastSeenMs: T }];
    source.data.push(
      { hostId: 'h1', metric: 'cpu', labels: { 'container.id': 'abc' }, points: [[T, 0.95]] },
      { hostId: 'h1', metric: 'cpu', labels: { 'container.id': 'def' }, points: [[T, 0.5]] },
      { hostId: 'h1', metric: 'mem', labels: { 'container.id': 'abc' }, points: [[T - 3 * MIN, 0.97]] },
    );
    const engine = new RuleEngine({
      rules: [
        rule({
          condition: {
            type: 'correlation',
            window: '5m',
            culpritBy: ['container.id'],
            all: [
              { metric: 'cpu', condition: { type: 'threshold', op: '>', value: 0.9 } },
              { metric: 'mem', condition: { type: 'threshold', op: '>', value: 0.9 } },
            ],
          },
        }),
      ],
      quietHours: [],
    });
    const r = engine.evaluate(source, T);
    expect(r.alerts).toHaveLength(1);
    expect(r.alerts[0]!.labels.culprit).toBe('container.id=abc');
    // Only one part holds: nothing.
    source.data.pop();
    expect(new RuleEngine(engine.rules).evaluate(source, T).alerts).toEqual([]);
  });

  it('per divides by the paired series (used / free) and by a host-level divisor', () => {
    const source = new MemorySource();
    source.hostList = [{ hostId: 'h1', labels: {}, lastSeenMs: T }];
    source.data.push(
      { hostId: 'h1', metric: 'load', labels: { w: '15m' }, points: [[T, 9]] },
      { hostId: 'h1', metric: 'cpus', labels: {}, points: [[T, 4]] },
    );
    const engine = new RuleEngine({
      rules: [rule({ metric: 'load', per: 'cpus', condition: { type: 'threshold', op: '>', value: 2 } })],
      quietHours: [],
    });
    expect(engine.evaluate(source, T).alerts[0]!.value).toBe(2.25);
  });
});

describe('quiet hours, templates, validation', () => {
  it('quiet hours across midnight in a time zone', () => {
    const q = {
      name: 'night',
      days: ['fri'] as const,
      startMinute: 22 * 60,
      endMinute: 6 * 60,
      timeZone: 'Europe/Paris',
      matchers: [],
    };
    // 2025-11-21 is a Friday. 22:30 Paris (UTC+1) = 21:30Z.
    expect(inQuietHours({ ...q, days: ['fri'] }, Date.parse('2025-11-21T21:30:00Z'))).toBe(true);
    expect(inQuietHours({ ...q, days: ['fri'] }, Date.parse('2025-11-22T04:59:00Z'))).toBe(true); // Sat 05:59
    expect(inQuietHours({ ...q, days: ['fri'] }, Date.parse('2025-11-22T05:00:00Z'))).toBe(false); // Sat 06:00
    expect(inQuietHours({ ...q, days: ['fri'] }, Date.parse('2025-11-21T20:59:00Z'))).toBe(false); // Fri 21:59
  });
  it('templates', () => {
    expect(
      renderTemplate('{{host}} {{value}} {{labels.x}} {{nope}}', {
        host: 'h',
        hostname: 'n',
        rule: 'r',
        severity: 'info',
        value: 0.123456,
        labels: { x: 'X' },
      }),
    ).toBe('h 0.1235 X {{nope}}');
  });
  it('durations', () => {
    expect(parseDuration('90s')).toBe(90_000);
    expect(parseDuration('1.5h')).toBe(5_400_000);
    expect(parseDuration('5 min')).toBeNull();
  });
  it('validation errors name the rule and path; any error rejects the set', () => {
    const { ruleSet, errors } = validateRuleDocument(
      {
        rules: [
          { name: 'A', metric: 'm', condition: { type: 'threshold', op: '=>', value: 1 } },
          { name: 'A', condition: { type: 'absence', subject: 'host', for: 'soon' } },
        ],
      },
      (path) => path.length * 10,
    );
    expect(ruleSet).toBeNull();
    expect(errors.map((e) => [e.rule, e.path, e.line])).toEqual([
      ['A', 'rules[0].condition.op', 40],
      ['A', 'rules[1].name', 30],
      ['A', 'rules[1].condition.for', 40],
    ]);
  });
});
