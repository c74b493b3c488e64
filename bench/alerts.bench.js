// Evaluation cost per cycle of the alert engine: 1,000 rules over 1,000 hosts, each host with the
// series those rules read (10 minutes of 15 s samples); one host in twenty runs hot, as in a real fleet
// where most hosts are healthy. Reports p50/p95 of a full evaluation cycle.
import { RuleEngine } from '@sysray/proto';
import { summarize, ms } from './lib/stats.js';

const HOSTS = Number(process.env.SYSRAY_BENCH_HOSTS ?? 1000);
const RULES = 1000;
const STEP_MS = 15_000;
const POINTS = 40;
const NOW = Date.UTC(2026, 10, 22, 12, 0, 0);

// Five metrics a pack reads; each host has one series of each (the filesystem has two mounts).
const METRICS = [
  { metric: 'system.cpu.utilization', series: [{}], level: 0.3, swing: 0.3 },
  { metric: 'system.memory.utilization', series: [{}], level: 0.5, swing: 0.2 },
  {
    metric: 'system.filesystem.utilization',
    series: [{ 'system.filesystem.mountpoint': '/' }, { 'system.filesystem.mountpoint': '/var' }],
    level: 0.5,
    // Filesystem usage moves slowly: noise this small does not fake a fill trend.
    swing: 0.0005,
  },
  {
    metric: 'sysray.pressure.stall.average',
    series: [{ 'sysray.pressure.resource': 'cpu' }],
    level: 5,
    swing: 40,
  },
  { metric: 'system.paging.faults', series: [{ 'system.paging.fault.type': 'major' }], counter: true },
];

/** Deterministic pseudo-random numbers, so every run evaluates the same data. */
function random(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

function buildSource() {
  const next = random(42);
  const hosts = [];
  const byMetric = new Map(METRICS.map((m) => [m.metric, []]));
  for (let h = 0; h < HOSTS; h += 1) {
    const hostId = `host-${String(h).padStart(4, '0')}`;
    hosts.push({
      hostId,
      labels: { 'host.name': hostId, env: h % 2 === 0 ? 'prod' : 'dev' },
      lastSeenMs: NOW,
    });
    for (const m of METRICS) {
      for (const labels of m.series) {
        const points = [];
        let counter = 0;
        for (let i = 0; i < POINTS; i += 1) {
          const t = NOW - (POINTS - 1 - i) * STEP_MS;
          if (m.counter) {
            counter += Math.floor(next() * (h % 20 === 0 ? 400 : 50));
            points.push([t, counter]);
          } else {
            const hot = h % 20 === 0 ? 1.6 : 1;
            points.push([t, Math.max(0, m.level * hot + (next() - 0.5) * m.swing)]);
          }
        }
        byMetric.get(m.metric).push({ hostId, labels, points });
      }
    }
  }
  const byHost = new Map();
  for (const [metric, list] of byMetric)
    for (const series of list) {
      const key = `${series.hostId}\u0000${metric}`;
      (byHost.get(key) ?? byHost.set(key, []).get(key)).push(series);
    }
  const matches = (labels, match) =>
    Object.entries(match).every(([k, v]) => (v === '*' ? k in labels : labels[k] === v));
  const window = (series, fromMs, toMs) => ({
    ...series,
    points: series.points.filter(([t]) => t >= fromMs && t <= toMs),
  });
  return {
    hosts: () => hosts,
    series(hostId, metric, match, fromMs, toMs) {
      const list =
        hostId === null ? (byMetric.get(metric) ?? []) : (byHost.get(`${hostId}\u0000${metric}`) ?? []);
      return list.filter((s) => matches(s.labels, match)).map((s) => window(s, fromMs, toMs));
    },
  };
}

/** 1,000 rules: thresholds, sustained, trend, forecast and counter-rate rules over the five metrics. */
function buildRules() {
  const rules = [];
  const base = {
    severity: 'warning',
    description: '',
    hosts: {},
    forMs: 60_000,
    flap: { maxChanges: 6, windowMs: 3_600_000 },
    labels: {},
    annotations: { summary: '{{host}} at {{value}}' },
    line: null,
  };
  const select = (metric, match = {}, transform = 'none') => ({
    metric,
    match,
    transform,
    aggregate: 'none',
    per: null,
  });
  for (let i = 0; i < RULES; i += 1) {
    const kind = i % 5;
    const name = `rule-${i}`;
    const hosts = i % 3 === 0 ? { env: 'prod' } : {};
    if (kind === 0)
      rules.push({
        ...base,
        name,
        hosts,
        select: select('system.cpu.utilization'),
        condition: { type: 'threshold', op: '>', value: 0.6 + (i % 7) / 100, clear: 0.5 },
      });
    else if (kind === 1)
      rules.push({
        ...base,
        name,
        hosts,
        select: select('system.memory.utilization'),
        condition: { type: 'sustained', op: '>', value: 0.7, samples: 12, of: 15, windowMs: 600_000 },
      });
    else if (kind === 2)
      rules.push({
        ...base,
        name,
        hosts,
        select: select('system.filesystem.utilization', { 'system.filesystem.mountpoint': '*' }),
        condition: { type: 'forecast', op: '>=', limit: 0.95, withinMs: 86_400_000, windowMs: 600_000 },
      });
    else if (kind === 3)
      rules.push({
        ...base,
        name,
        hosts,
        select: select('sysray.pressure.stall.average', { 'sysray.pressure.resource': 'cpu' }),
        condition: { type: 'trend', op: '>', value: 10, perMs: 60_000, windowMs: 600_000 },
      });
    else
      rules.push({
        ...base,
        name,
        hosts,
        select: select('system.paging.faults', { 'system.paging.fault.type': 'major' }, 'rate'),
        condition: { type: 'threshold', op: '>', value: 2.5, clear: null },
      });
  }
  return { rules, quietHours: [] };
}

const source = buildSource();
const ruleSet = buildRules();
const engine = new RuleEngine(ruleSet);
const times = [];
let active = 0;
for (let i = 0; i < 8; i += 1) {
  const start = performance.now();
  const result = engine.evaluate(source, NOW + i * STEP_MS);
  if (i >= 2) times.push(performance.now() - start);
  active = result.alerts.length;
  if (result.errors.length > 0) throw new Error(`rule errors: ${JSON.stringify(result.errors.slice(0, 3))}`);
}
const figures = summarize(times);
console.log(
  `alert evaluation (${RULES} rules over ${HOSTS} hosts, ${POINTS} samples per series, ${figures.n} cycles)`,
);
console.log(`  per cycle: p50 ${ms(figures.p50)}  p95 ${ms(figures.p95)}`);
console.log(`  pending or firing after the last cycle: ${active}`);
