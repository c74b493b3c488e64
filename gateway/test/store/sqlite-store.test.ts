import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DATABASE_FILE, DEFAULT_RETENTION, openSqliteStore } from '../../src/store/sqlite-store.js';
import type { SqliteStoreOptions } from '../../src/store/sqlite-store.js';
import { StoreError } from '../../src/store/errors.js';
import { openDatabase, type Database } from '../../src/store/sqlite.js';
import type { IngestBatch, IngestPoint, MetricStore, SeriesQuery } from '../../src/store/types.js';
import { TestClock, mulberry32, point, tempDataDir } from './helpers.js';
import { join } from 'node:path';

const MIN = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
/** A chunk-window (2 h) and hour aligned start: 2025-11-22T04:00:00Z. */
const T0 = 1_763_784_000_000;

let data: { dir: string; cleanup: () => void };
let clock: TestClock;
const opened: MetricStore[] = [];
const sideDbs: Database[] = [];

beforeEach(() => {
  data = tempDataDir();
  clock = new TestClock(T0 + 3 * HOUR);
});

afterEach(() => {
  for (const db of sideDbs.splice(0)) db.close();
  for (const store of opened.splice(0)) store.close();
  data.cleanup();
});

function open(options: Partial<SqliteStoreOptions> = {}): MetricStore {
  const store = openSqliteStore({ dataDir: data.dir, clock, ...options });
  opened.push(store);
  return store;
}

/** A second connection to the store's file, for what the contract does not expose (row counts, pragmas). */
function inspect(): Database {
  const db = openDatabase(join(data.dir, DATABASE_FILE), 5000);
  sideDbs.push(db);
  return db;
}

function count(db: Database, sql: string): number {
  return Number((db.prepare(sql).get() as { n: number }).n);
}

function batch(points: IngestPoint[], extra: Partial<IngestBatch> = {}): IngestBatch {
  return {
    hostId: 'host-a',
    resource: { 'host.name': 'k8s-node-1', 'os.type': 'linux' },
    points,
    receivedAtMs: clock.now,
    ...extra,
  };
}

function query(store: MetricStore, q: Partial<SeriesQuery>) {
  return store.query({
    hostId: 'host-a',
    metric: 'm',
    fromMs: T0,
    toMs: T0 + 3 * HOUR,
    stepMs: 10_000,
    agg: 'last',
    ...q,
  });
}

/** Packs and rolls up everything: maintain at a time past every window's close, until no work is left. */
function settle(store: MetricStore, nowMs: number): void {
  for (let i = 0; i < 1000; i += 1) {
    const report = store.maintain(nowMs);
    if (!report.moreWork && report.chunksPacked === 0 && report.rollupRows === 0) return;
  }
  throw new Error('maintain never settled');
}

interface Sample {
  readonly ts: number;
  readonly value: number;
}

/** A 3-hour random walk every 10 s with a few ms of jitter, two decimals, as a gauge. */
function randomWalk(seed: number, startMs = T0, hours = 3): Sample[] {
  const rand = mulberry32(seed);
  const out: Sample[] = [];
  let v = 50;
  for (let i = 0; i < (hours * HOUR) / 10_000; i += 1) {
    v = Math.max(0, v + (rand() - 0.5) * 4);
    out.push({ ts: startMs + i * 10_000 + Math.floor(rand() * 8), value: Math.round(v * 100) / 100 });
  }
  return out;
}

function appendSamples(
  store: MetricStore,
  samples: readonly Sample[],
  kind: 'gauge' | 'counter' = 'gauge',
  attributes: Record<string, string> = { dev: 'x' },
): void {
  // One batch per 30 samples: the shape of an agent sending every interval, compressed for the test.
  for (let i = 0; i < samples.length; i += 30) {
    const points = samples.slice(i, i + 30).map((s) => point('m', s.ts, s.value, attributes, kind));
    const result = store.append(batch(points));
    expect(result.accepted).toBe(points.length);
  }
}

/**
 * What a step of each aggregation must be, computed here independently of the store: samples grouped by
 * step start, rate as the counter increase (a drop counts the new value) over the time between samples.
 */
function reference(
  samples: readonly Sample[],
  fromMs: number,
  toMs: number,
  stepMs: number,
  counter: boolean,
) {
  const steps = new Map<number, { values: number[]; increase: number; ms: number }>();
  let prev: Sample | undefined;
  for (const s of samples) {
    if (s.ts >= fromMs && s.ts < toMs) {
      const start = fromMs + Math.floor((s.ts - fromMs) / stepMs) * stepMs;
      const step = steps.get(start) ?? { values: [], increase: 0, ms: 0 };
      step.values.push(s.value);
      if (prev !== undefined) {
        step.increase += counter && s.value < prev.value ? s.value : s.value - prev.value;
        step.ms += s.ts - prev.ts;
      }
      steps.set(start, step);
    }
    prev = s;
  }
  const out = { min: [], max: [], count: [], last: [], sum: [], avg: [], rate: [] } as Record<
    'min' | 'max' | 'count' | 'last' | 'sum' | 'avg' | 'rate',
    [number, number][]
  >;
  for (const [start, step] of [...steps].sort((a, b) => a[0] - b[0])) {
    const sum = step.values.reduce((a, b) => a + b, 0);
    out.min.push([start, Math.min(...step.values)]);
    out.max.push([start, Math.max(...step.values)]);
    out.count.push([start, step.values.length]);
    out.last.push([start, step.values[step.values.length - 1]!]);
    out.sum.push([start, sum]);
    out.avg.push([start, sum / step.values.length]);
    if (step.ms > 0) out.rate.push([start, (step.increase * 1000) / step.ms]);
  }
  return out;
}

function expectClose(actual: readonly (readonly [number, number])[], expected: [number, number][]): void {
  expect(actual.map((p) => p[0])).toEqual(expected.map((p) => p[0]));
  actual.forEach((p, i) => expect(p[1]).toBeCloseTo(expected[i]![1], 6));
}

describe('append and raw queries', () => {
  it('commits points, lists hosts and series with their latest value, and answers raw queries', () => {
    const store = open();
    const result = store.append(
      batch([
        point(
          'system.cpu.time',
          T0,
          1200.5,
          { 'cpu.mode': 'user', 'cpu.logical_number': '0' },
          'counter',
          's',
        ),
        point(
          'system.cpu.time',
          T0 + 10_000,
          1201.75,
          { 'cpu.logical_number': '0', 'cpu.mode': 'user' },
          'counter',
          's',
        ),
        point(
          'system.memory.usage',
          T0,
          8_589_934_592,
          { 'system.memory.state': 'used' },
          'updowncounter',
          'By',
        ),
      ]),
    );
    expect(result).toEqual({ accepted: 3, rejected: 0, rejectReasons: [], duplicate: false });

    // Attribute order does not make a new series: both cpu points are one series.
    const series = store.series({ hostId: 'host-a' });
    expect(series.map((s) => [s.metric, s.kind, s.unit, s.lastTimestampMs, s.lastValue])).toEqual([
      ['system.cpu.time', 'counter', 's', T0 + 10_000, 1201.75],
      ['system.memory.usage', 'updowncounter', 'By', T0, 8_589_934_592],
    ]);
    expect(series[0]!.attributes).toEqual({ 'cpu.logical_number': '0', 'cpu.mode': 'user' });
    expect(store.series({ metric: 'system.memory.usage' })).toHaveLength(1);
    expect(store.series({ hostId: 'other' })).toEqual([]);

    expect(store.hosts()).toEqual([
      {
        hostId: 'host-a',
        resource: { 'host.name': 'k8s-node-1', 'os.type': 'linux' },
        firstSeenMs: clock.now,
        lastSeenMs: clock.now,
      },
    ]);

    const [cpu] = store.query({
      hostId: 'host-a',
      metric: 'system.cpu.time',
      fromMs: T0,
      toMs: T0 + MIN,
      stepMs: 10_000,
      agg: 'last',
    });
    expect(cpu!.tier).toBe('raw');
    expect(cpu!.points).toEqual([
      [T0, 1200.5],
      [T0 + 10_000, 1201.75],
    ]);
    const stats = store.stats();
    expect(stats).toMatchObject({ hosts: 1, series: 2, rawSamples: 3 });
    expect(stats.sizeBytes).toBeGreaterThan(0);
  });

  it('keeps the newest value for a repeated timestamp and updates host last-seen and resource', () => {
    const store = open();
    store.append(batch([point('m', T0, 1)]));
    clock.now += 5000;
    store.append(batch([point('m', T0, 2)], { resource: { 'host.name': 'renamed' } }));
    expect(query(store, { toMs: T0 + MIN })[0]!.points).toEqual([[T0, 2]]);
    const [host] = store.hosts();
    expect(host).toMatchObject({ firstSeenMs: T0 + 3 * HOUR, lastSeenMs: T0 + 3 * HOUR + 5000 });
    expect(host!.resource).toEqual({ 'host.name': 'renamed' });
  });

  it('selects series by attribute match and keeps series of other hosts apart', () => {
    const store = open();
    store.append(batch([point('m', T0, 1, { dev: 'sda' }), point('m', T0, 2, { dev: 'sdb' })]));
    store.append(batch([point('m', T0, 3, { dev: 'sda' })], { hostId: 'host-b' }));
    const all = query(store, { toMs: T0 + MIN });
    expect(all.map((s) => s.attributes['dev'])).toEqual(['sda', 'sdb']);
    const sdb = query(store, { toMs: T0 + MIN, match: { dev: 'sdb' } });
    expect(sdb.map((s) => s.points)).toEqual([[[T0, 2]]]);
    expect(query(store, { hostId: 'host-b', toMs: T0 + MIN })[0]!.points).toEqual([[T0, 3]]);
  });

  it('takes the latest unit and kind a sender gives a series', () => {
    const store = open();
    store.append(batch([point('m', T0, 1, {}, 'gauge', 'ms')]));
    store.append(batch([point('m', T0 + 10_000, 2, {}, 'counter', 's')]));
    expect(store.series({})).toMatchObject([{ unit: 's', kind: 'counter' }]);
  });
});

describe('idempotent batches', () => {
  it('skips a batch whose id was committed, across a reopen, until the id ages out', () => {
    let store = open();
    const first = store.append(
      batch([point('m', T0, 1), point('m', T0 + 10_000, 2)], { batchId: 'agent-1:42' }),
    );
    expect(first.duplicate).toBe(false);
    const again = store.append(batch([point('m', T0 + 20_000, 99)], { batchId: 'agent-1:42' }));
    expect(again).toEqual({ accepted: 0, rejected: 0, rejectReasons: [], duplicate: true });
    expect(store.stats().rawSamples).toBe(2);

    store.close();
    store = open();
    expect(store.append(batch([point('m', T0 + 20_000, 99)], { batchId: 'agent-1:42' })).duplicate).toBe(
      true,
    );
    expect(query(store, {}).flatMap((s) => s.points.map((p) => p[1]))).toEqual([1, 2]);

    // Batch ids are kept 24 h by default: a maintain after that forgets them.
    store.maintain(clock.now + 24 * HOUR + 1);
    expect(store.append(batch([point('m', T0 + 20_000, 3)], { batchId: 'agent-1:42' })).duplicate).toBe(
      false,
    );
    // A batch without an id is never a duplicate.
    expect(store.append(batch([point('m', T0 + 30_000, 4)])).duplicate).toBe(false);
    expect(store.append(batch([point('m', T0 + 30_000, 4)])).duplicate).toBe(false);
  });

  it('remembers the id of a batch whose points were all rejected', () => {
    const store = open();
    expect(store.append(batch([point('m', T0, NaN)], { batchId: 'b' })).rejected).toBe(1);
    expect(store.append(batch([point('m', T0, 1)], { batchId: 'b' })).duplicate).toBe(true);
  });
});

describe('rejects', () => {
  it('refuses non-finite values, timestamps outside the window and malformed points, with reasons', () => {
    const store = open();
    const now = clock.now;
    const result = store.append(
      batch([
        point('m', now, NaN),
        point('m', now, Infinity),
        point('m', now, -Infinity),
        point('m', now + 11 * MIN, 1),
        point('m', now - DEFAULT_RETENTION.rawMs - 1, 1),
        point('m', NaN, 1),
        point('', now, 1),
        { ...point('m', now, 1), kind: 'histogram' as never },
        point('m', now + 9 * MIN, 5),
        point('m', now - DEFAULT_RETENTION.rawMs + 1000, 6),
      ]),
    );
    expect(result.accepted).toBe(2);
    expect(result.rejected).toBe(8);
    expect(result.rejectReasons).toEqual([
      '3 points: value is not a finite number',
      '1 point: timestamp more than 600 s ahead of the gateway clock',
      '1 point: timestamp older than the raw retention (2880 min)',
      '1 point: timestamp is not a finite number',
      '1 point: metric name empty or longer than 255 characters',
      '1 point: unknown metric kind',
    ]);
    expect(store.stats().rawSamples).toBe(2);
  });

  it('rejects every point of a batch without a host id', () => {
    const store = open();
    const result = store.append(batch([point('m', T0, 1)], { hostId: '' }));
    expect(result).toMatchObject({
      accepted: 0,
      rejected: 1,
      rejectReasons: ['1 point: the batch has no host id'],
    });
    expect(store.hosts()).toEqual([]);
  });
});

describe('packing', () => {
  it('moves pending samples into compressed chunks without changing any answer', () => {
    const store = open();
    const samples = randomWalk(1);
    appendSamples(store, samples);
    const db = inspect();
    expect(count(db, 'SELECT count(*) AS n FROM pending')).toBe(samples.length);
    const before = query(store, { stepMs: 10_000, agg: 'last' });

    // Not yet due: the oldest pending sample must be packAfterMs (10 min) old.
    expect(store.maintain(T0 + 5 * MIN).chunksPacked).toBe(0);
    settle(store, clock.now + 11 * MIN);
    expect(count(db, 'SELECT count(*) AS n FROM pending')).toBe(0);
    // Three hours from T0 (window aligned) are two 2-hour windows, one chunk each.
    expect(count(db, 'SELECT count(*) AS n FROM chunks')).toBe(2);
    // One series: each window's timeline is its own, stored once.
    expect(count(db, 'SELECT count(*) AS n FROM timelines')).toBe(2);
    expect(store.stats().rawSamples).toBe(samples.length);
    expect(query(store, { stepMs: 10_000, agg: 'last' })).toEqual(before);
    expect(before[0]!.points).toHaveLength(samples.length);
  });

  it('merges late samples and rewrites into the packed chunk, the newest write winning', () => {
    const store = open();
    store.append(batch([point('m', T0, 1), point('m', T0 + 20_000, 3)]));
    settle(store, clock.now + 11 * MIN);
    store.append(batch([point('m', T0 + 10_000, 2), point('m', T0 + 20_000, 30)]));
    // Before packing, the query merges packed and pending samples.
    expect(query(store, {})[0]!.points).toEqual([
      [T0, 1],
      [T0 + 10_000, 2],
      [T0 + 20_000, 30],
    ]);
    settle(store, clock.now + 11 * MIN);
    const db = inspect();
    expect(count(db, 'SELECT count(*) AS n FROM chunks')).toBe(1);
    expect(count(db, 'SELECT count(*) AS n FROM pending')).toBe(0);
    // The rewritten chunk's old timeline is released, not left behind.
    expect(count(db, 'SELECT count(*) AS n FROM timelines')).toBe(1);
    expect(query(store, {})[0]!.points).toEqual([
      [T0, 1],
      [T0 + 10_000, 2],
      [T0 + 20_000, 30],
    ]);
    expect(store.series({})[0]).toMatchObject({ lastTimestampMs: T0 + 20_000, lastValue: 30 });
  });

  it('shares one timeline between the series of a host stamped with the same times', () => {
    const store = open();
    for (let i = 0; i < 100; i += 1) {
      const ts = T0 + i * 10_000 + (i % 3);
      store.append(batch([point('a', ts, i), point('b', ts, i * 2), point('c', ts, 7)]));
    }
    settle(store, clock.now + 11 * MIN);
    const db = inspect();
    expect(count(db, 'SELECT count(*) AS n FROM chunks')).toBe(3);
    expect(count(db, 'SELECT count(*) AS n FROM timelines')).toBe(1);
    expect(count(db, 'SELECT refs AS n FROM timelines')).toBe(3);
  });

  it('replays the pending log at open, including rows a cut-short generation had already packed', () => {
    let store = open({ maintainBudgetMs: 0 });
    for (let s = 0; s < 5; s += 1) {
      store.append(
        batch([point('m', T0, s, { s: String(s) }), point('m', T0 + 10_000, s + 10, { s: String(s) })]),
      );
    }
    // A zero budget packs one transaction's worth and stops: the log is not cut yet.
    expect(store.maintain(clock.now + 11 * MIN).moreWork).toBe(true);
    const db = inspect();
    expect(count(db, 'SELECT count(*) AS n FROM chunks')).toBeGreaterThan(0);
    expect(count(db, 'SELECT count(*) AS n FROM pending')).toBe(10);
    const before = query(store, {});
    store.close();
    opened.pop();

    store = open();
    expect(query(store, {})).toEqual(before);
    settle(store, clock.now + 11 * MIN);
    expect(count(db, 'SELECT count(*) AS n FROM pending')).toBe(0);
    expect(count(db, 'SELECT sum(count) AS n FROM chunks')).toBe(10);
    expect(store.stats().rawSamples).toBe(10);
    expect(query(store, {})).toEqual(before);
    expect(before.map((r) => r.points)).toEqual(
      [0, 1, 2, 3, 4].map((s) => [
        [T0, s],
        [T0 + 10_000, s + 10],
      ]),
    );
  });

  it('bounds each maintain call and reports the work left', () => {
    const store = open({ maintainBudgetMs: 0 });
    for (let s = 0; s < 200; s += 1) store.append(batch([point(`m${s}`, T0, s)]));
    const report = store.maintain(clock.now + 11 * MIN);
    // A zero budget still does one small transaction (progress), not the whole backlog.
    expect(report.chunksPacked).toBeGreaterThan(0);
    expect(report.chunksPacked).toBeLessThan(200);
    expect(report.moreWork).toBe(true);
    settle(store, clock.now + 11 * MIN);
    expect(count(inspect(), 'SELECT count(*) AS n FROM pending')).toBe(0);
  });
});

describe('rollup tiers', () => {
  const AGGS = ['min', 'max', 'count', 'last', 'sum', 'avg'] as const;

  function checkTier(
    store: MetricStore,
    samples: readonly Sample[],
    stepMs: number,
    tier: '1m' | '1h',
  ): void {
    const expected = reference(samples, T0, T0 + 3 * HOUR, stepMs, false);
    for (const agg of AGGS) {
      const [result] = query(store, { stepMs, agg });
      expect(result!.tier).toBe(tier);
      if (agg === 'sum' || agg === 'avg') expectClose(result!.points, expected[agg]);
      else expect(result!.points).toEqual(expected[agg]);
    }
  }

  it('gives 1m and 1h buckets equal to those computed from the raw samples, before and after rollup', () => {
    const store = open();
    const samples = randomWalk(42);
    appendSamples(store, samples);
    // Nothing rolled up yet: the tiers are served from raw samples (pending).
    checkTier(store, samples, MIN, '1m');
    checkTier(store, samples, HOUR, '1h');

    settle(store, T0 + 4 * HOUR + 30 * MIN);
    const db = inspect();
    expect(count(db, 'SELECT count(*) AS n FROM chunks WHERE rolled = 0')).toBe(0);
    // 1m blocks: one per 2 h window; 1h blocks: one per day.
    expect(count(db, 'SELECT count(*) AS n FROM rollups WHERE tier = 1')).toBe(2);
    expect(count(db, 'SELECT count(*) AS n FROM rollups WHERE tier = 2')).toBe(1);
    checkTier(store, samples, MIN, '1m');
    checkTier(store, samples, HOUR, '1h');

    // Raw data past its retention is gone: the rollups alone still give the same answers.
    clock.now = T0 + 3 * HOUR + DEFAULT_RETENTION.rawMs + 3 * HOUR;
    store.maintain(clock.now);
    expect(count(db, 'SELECT count(*) AS n FROM chunks')).toBe(0);
    checkTier(store, samples, MIN, '1m');
    checkTier(store, samples, HOUR, '1h');
    // A raw-resolution step that far back is answered by the finest tier that still holds it.
    expect(query(store, { stepMs: 10_000, agg: 'max' })[0]!.tier).toBe('1m');
  });

  it('combines 1m buckets into coarser steps exactly', () => {
    const store = open();
    const samples = randomWalk(8);
    appendSamples(store, samples);
    settle(store, T0 + 4 * HOUR + 30 * MIN);
    const expected = reference(samples, T0, T0 + 3 * HOUR, 5 * MIN, false);
    const [max] = query(store, { stepMs: 5 * MIN, agg: 'max' });
    expect(max!.tier).toBe('1m');
    expect(max!.points).toEqual(expected.max);
    expect(query(store, { stepMs: 5 * MIN, agg: 'count' })[0]!.points).toEqual(expected.count);
  });

  it('recomputes a rolled-up window from raw when a late sample lands in it', () => {
    const store = open();
    const samples = randomWalk(5);
    appendSamples(store, samples);
    settle(store, T0 + 4 * HOUR + 30 * MIN);
    const late: Sample = { ts: T0 + 30 * MIN + 5000, value: 1000 };
    store.append(batch([point('m', late.ts, late.value, { dev: 'x' })]));
    const all = [...samples, late].sort((a, b) => a.ts - b.ts);
    const expected = reference(all, T0, T0 + 3 * HOUR, MIN, false);
    expect(query(store, { stepMs: MIN, agg: 'max' })[0]!.points).toEqual(expected.max);
    settle(store, T0 + 4 * HOUR + 30 * MIN);
    expect(count(inspect(), 'SELECT count(*) AS n FROM chunks WHERE rolled = 0')).toBe(0);
    expect(query(store, { stepMs: MIN, agg: 'max' })[0]!.points).toEqual(expected.max);
    expect(query(store, { stepMs: HOUR, agg: 'count' })[0]!.points).toEqual(
      reference(all, T0, T0 + 3 * HOUR, HOUR, false).count,
    );
  });
});

describe('rate', () => {
  it('counts a counter drop as a restart on raw samples', () => {
    const store = open();
    const values = [100, 110, 120, 5, 15];
    store.append(batch(values.map((v, i) => point('m', T0 + i * 10_000, v, {}, 'counter'))));
    const [rate] = query(store, { stepMs: 20_000, agg: 'rate', toMs: T0 + MIN });
    // [T0, +20 s): 110-100 over 10 s; [+20, +40): 10 + 5 (restart) over 20 s; [+40, …): 10 over 10 s.
    expect(rate!.points).toEqual([
      [T0, 1],
      [T0 + 20_000, 0.75],
      [T0 + 40_000, 1],
    ]);
    // The first step of a later range takes its increase from the sample before the range.
    expect(
      query(store, { fromMs: T0 + 30_000, stepMs: 10_000, agg: 'rate', toMs: T0 + MIN })[0]!.points,
    ).toEqual([
      [T0 + 30_000, 0.5],
      [T0 + 40_000, 1],
    ]);
  });

  it('gives the same rates from the 1m and 1h rollups as from the raw samples, restarts included', () => {
    const store = open();
    const rand = mulberry32(21);
    const samples: Sample[] = [];
    let ticks = 5_000_000;
    for (let i = 0; i < 1080; i += 1) {
      // A restart (agent host reboot) at 1 h 25 min, inside a minute and an hour bucket.
      if (i === 510) ticks = 1234;
      ticks += 800 + Math.floor(rand() * 400);
      samples.push({ ts: T0 + i * 10_000 + Math.floor(rand() * 5), value: ticks / 100 });
    }
    appendSamples(store, samples, 'counter');
    settle(store, T0 + 4 * HOUR + 30 * MIN);
    // From 1 h in, so every step has the sample before it (the rollups keep each bucket's last sample,
    // not its first: the very first step of a series has no rate from a rollup tier).
    const fromMs = T0 + HOUR;
    for (const stepMs of [MIN, HOUR]) {
      const [rate] = query(store, { fromMs, stepMs, agg: 'rate' });
      expect(rate!.tier).toBe(stepMs === MIN ? '1m' : '1h');
      expectClose(rate!.points, reference(samples, fromMs, T0 + 3 * HOUR, stepMs, true).rate);
      expect(rate!.points.every((p) => p[1] > 0)).toBe(true);
    }
    // The raw tier over the same range agrees.
    const [raw] = query(store, { fromMs, toMs: fromMs + HOUR, stepMs: 30_000, agg: 'rate' });
    expect(raw!.tier).toBe('raw');
    expectClose(raw!.points, reference(samples, fromMs, fromMs + HOUR, 30_000, true).rate);
  });
});

describe('retention', () => {
  it('drops raw windows past rawMs and rollup blocks past their tier retention', () => {
    const retention = { rawMs: 4 * HOUR, minuteMs: 2 * DAY, hourMs: 5 * DAY };
    const store = open({ retention });
    const samples = randomWalk(3);
    appendSamples(store, samples);
    settle(store, T0 + 4 * HOUR + 30 * MIN);
    const db = inspect();
    expect(count(db, 'SELECT count(*) AS n FROM chunks')).toBe(2);

    // 5 h after T0 the first window [T0, T0+2h) is entirely older than 4 h: gone; the second stays.
    const report = store.maintain(T0 + 6 * HOUR + 1);
    expect(report.deletedRows).toBeGreaterThanOrEqual(1);
    expect(count(db, 'SELECT min(window_start) AS n FROM chunks')).toBe(T0 + 2 * HOUR);
    expect(count(db, 'SELECT count(*) AS n FROM timelines')).toBe(1);

    store.maintain(T0 + 2 * DAY + 5 * HOUR);
    expect(count(db, 'SELECT count(*) AS n FROM chunks')).toBe(0);
    expect(count(db, 'SELECT count(*) AS n FROM rollups WHERE tier = 1')).toBe(0);
    expect(count(db, 'SELECT count(*) AS n FROM rollups WHERE tier = 2')).toBe(1);

    store.maintain(T0 + 7 * DAY);
    expect(count(db, 'SELECT count(*) AS n FROM rollups')).toBe(0);
    // No data left in any tier: the series leaves the catalog.
    expect(store.series({})).toEqual([]);
  });

  it('keeps the database under maxBytes by deleting the oldest raw windows first, then 1m, then 1h', () => {
    const retention = { rawMs: 30 * HOUR, minuteMs: 30 * DAY, hourMs: 60 * DAY };
    clock.now = T0 + 20 * HOUR;
    let store = open({ retention });
    for (let s = 0; s < 20; s += 1)
      appendSamples(store, randomWalk(100 + s, T0, 18), 'gauge', { dev: String(s) });
    settle(store, T0 + 20 * HOUR);
    const db = inspect();
    const tiers = () => ({
      raw: count(db, 'SELECT count(*) AS n FROM chunks'),
      minute: count(db, 'SELECT count(*) AS n FROM rollups WHERE tier = 1'),
      hour: count(db, 'SELECT count(*) AS n FROM rollups WHERE tier = 2'),
    });
    const full = tiers();
    expect(full).toEqual({ raw: 20 * 9, minute: 20 * 9, hour: 20 * 1 });
    const used = () => {
      const pageSize = Number(db.pragma('page_size', { simple: true }));
      return (
        (Number(db.pragma('page_count', { simple: true })) -
          Number(db.pragma('freelist_count', { simple: true }))) *
        pageSize
      );
    };
    const usedFull = used();

    // A cap a bit under the current size: only the oldest raw windows go.
    store.close();
    opened.pop();
    const cap = Math.floor(usedFull * 0.85);
    store = open({ retention: { ...retention, maxBytes: cap } });
    settle(store, T0 + 20 * HOUR);
    const capped = tiers();
    expect(capped.raw).toBeLessThan(full.raw);
    expect(capped.raw % 20).toBe(0); // whole windows
    expect(capped.minute).toBe(full.minute);
    expect(capped.hour).toBe(full.hour);
    expect(used()).toBeLessThanOrEqual(cap);
    expect(count(db, 'SELECT min(window_start) AS n FROM chunks')).toBeGreaterThan(T0);
    // Raw no longer reaches T0: a raw-resolution query there is served by the 1m tier.
    expect(query(store, { stepMs: 10_000, agg: 'max', toMs: T0 + HOUR })[0]!.tier).toBe('1m');
    expect(
      query(store, { stepMs: 10_000, agg: 'max', fromMs: T0 + 18 * HOUR - HOUR, toMs: T0 + 18 * HOUR })[0]!
        .tier,
    ).toBe('raw');

    // A cap nothing fits under: each call deletes raw to the end, then 1m, then 1h, in that order.
    store.close();
    opened.pop();
    store = open({ retention: { ...retention, maxBytes: 1 }, maintainBudgetMs: 0 });
    const seen = [tiers()];
    for (let i = 0; i < 200; i += 1) {
      store.maintain(T0 + 20 * HOUR);
      seen.push(tiers());
    }
    for (let i = 1; i < seen.length; i += 1) {
      if (seen[i]!.minute < seen[i - 1]!.minute) expect(seen[i - 1]!.raw).toBe(0);
      if (seen[i]!.hour < seen[i - 1]!.hour) expect(seen[i - 1]!.minute).toBe(0);
    }
    expect(seen[seen.length - 1]).toEqual({ raw: 0, minute: 0, hour: 0 });
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
  });

  it('reuses freed pages and hands them back with incremental vacuum', () => {
    const store = open({
      retention: { rawMs: 4 * HOUR, minuteMs: 4 * HOUR, hourMs: 4 * HOUR },
      vacuumFreeBytes: 0,
    });
    const db = inspect();
    expect(Number(db.pragma('auto_vacuum', { simple: true }))).toBe(2); // INCREMENTAL
    for (let s = 0; s < 200; s += 1) {
      store.append(batch(randomWalk(s, T0, 3).map((x) => point(`m${s}`, x.ts, x.value))));
    }
    settle(store, T0 + 4 * HOUR + 30 * MIN);
    const pagesBefore = Number(db.pragma('page_count', { simple: true }));
    // Everything expires: the pages freed are returned to the file system, not kept forever.
    for (let i = 0; i < 20; i += 1) store.maintain(T0 + 10 * DAY);
    expect(
      count(db, 'SELECT count(*) AS n FROM pending') + count(db, 'SELECT count(*) AS n FROM chunks'),
    ).toBe(0);
    expect(Number(db.pragma('page_count', { simple: true }))).toBeLessThan(pagesBefore / 2);
  });
});

describe('query tier choice and limits', () => {
  it('picks the coarsest tier that fits the step and still covers fromMs', () => {
    const store = open();
    store.append(batch([point('m', clock.now - MIN, 1)]));
    const at = (fromMs: number, stepMs: number) =>
      store.query({ hostId: 'host-a', metric: 'm', fromMs, toMs: clock.now, stepMs, agg: 'last' })[0]?.tier;
    const now = clock.now;
    expect(at(now - HOUR, 10_000)).toBe('raw');
    expect(at(now - HOUR, 59_999)).toBe('raw');
    expect(at(now - HOUR, MIN)).toBe('1m');
    expect(at(now - HOUR, 10 * MIN)).toBe('1m');
    expect(at(now - 3 * HOUR, HOUR)).toBe('1h');
    // 1h would fit the step; 1m still reaches back, and raw too: the coarsest fitting one wins.
    expect(at(now - 6 * HOUR, 2 * HOUR)).toBe('1h');
  });

  it('falls back to the finest tier that covers fromMs when the step is finer than it', () => {
    const store = open({ maxPointsPerSeries: 1_000_000 });
    store.append(batch([point('m', clock.now - MIN, 1)]));
    const now = clock.now;
    const tierOf = (fromMs: number) =>
      store.query({ hostId: 'host-a', metric: 'm', fromMs, toMs: now, stepMs: 10_000, agg: 'last' })[0]?.tier;
    expect(tierOf(now - 47 * HOUR)).toBe('raw');
    expect(tierOf(now - 3 * DAY)).toBe('1m');
    expect(tierOf(now - 60 * DAY)).toBe('1h');
  });

  it('refuses more points per series than the limit, and more series than maxSeries, naming the limit', () => {
    const store = open();
    for (let s = 0; s < 3; s += 1) store.append(batch([point('m', T0, s, { n: String(s) })]));
    let error: unknown;
    try {
      query(store, { fromMs: T0, toMs: T0 + 11_001 * 1000, stepMs: 1000 });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(StoreError);
    expect((error as StoreError).code).toBe('SYSRAY_ERR_STORE_LIMIT');
    expect((error as StoreError).message).toMatch(/11001 points per series, more than the limit of 11000/);
    // Exactly at the limit is fine.
    expect(query(store, { fromMs: T0, toMs: T0 + 11_000 * 1000, stepMs: 1000 })).toHaveLength(3);

    expect(() => query(store, { maxSeries: 2 })).toThrow(
      /matches 3 series of m on host-a, more than the limit of 2/,
    );
    expect(query(store, { maxSeries: 2, match: { n: '1' } })).toHaveLength(1);
    const small = open({ dataDir: tempDataDirFor(), maxSeries: 1 });
    small.append(batch([point('m', T0, 1, { n: 'a' }), point('m', T0, 2, { n: 'b' })]));
    expect(() => query(small, {})).toThrow(StoreError);
  });

  it('refuses malformed queries with SYSRAY_ERR_STORE_QUERY', () => {
    const store = open();
    const code = (q: Partial<SeriesQuery>) => {
      try {
        query(store, q);
        return 'none';
      } catch (e) {
        return (e as StoreError).code;
      }
    };
    expect(code({ fromMs: T0, toMs: T0 })).toBe('SYSRAY_ERR_STORE_QUERY');
    expect(code({ stepMs: 0 })).toBe('SYSRAY_ERR_STORE_QUERY');
    expect(code({ stepMs: 1.5 })).toBe('SYSRAY_ERR_STORE_QUERY');
    expect(code({ agg: 'median' as never })).toBe('SYSRAY_ERR_STORE_QUERY');
    expect(code({})).toBe('none');
  });

  it('refuses calls after close and contradictory options', () => {
    const store = open();
    store.close();
    expect(() => store.stats()).toThrow(expect.objectContaining({ code: 'SYSRAY_ERR_STORE_CLOSED' }));
    expect(() => open({ dataDir: tempDataDirFor(), retention: { rawMs: HOUR } })).toThrow(
      expect.objectContaining({ code: 'SYSRAY_ERR_STORE_CONFIG' }),
    );
    expect(() => open({ dataDir: tempDataDirFor(), maxFutureMs: -1 })).toThrow(/maxFutureMs/);
  });
});

const extraDirs: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of extraDirs.splice(0)) cleanup();
});
function tempDataDirFor(): string {
  const extra = tempDataDir();
  extraDirs.push(extra.cleanup);
  return extra.dir;
}

describe('durability settings', () => {
  it('opens the file in WAL mode at the current schema version', () => {
    open();
    const db = inspect();
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(Number(db.pragma('user_version', { simple: true }))).toBe(2);
  });
});
