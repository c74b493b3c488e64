// The gateway's embedded store under a simulated fleet: HOSTS agents × ~330 series each (what
// agent/src/otel/snapshot-metrics.ts emits for an 8-CPU host: per-core CPU time counters in USER_HZ
// ticks / 100, utilization fractions, byte gauges in kB × 1024, disk and network counters, PSI averages
// with two decimals that are mostly 0.00, collector durations), one batch per host every 10 s with a
// shared, slightly jittered timestamp, over HOURS of simulated time; maintain() runs as the gateway's
// timer would, on simulated time: every MAINTAIN_S, called again at once while it reports moreWork.
// Targets: append ≥ 100,000 datapoints/s; ≤ 2 bytes per raw sample on disk once packed.
// Env: BENCH_STORE_HOSTS (default 50), BENCH_STORE_HOURS (default 4), BENCH_STORE_MAINTAIN_S (default 10).
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DATABASE_FILE, openSqliteStore } from '@sysray/gateway';
import { ms, summarize } from './lib/stats.js';

const HOSTS = Number(process.env.BENCH_STORE_HOSTS ?? 50);
const HOURS = Number(process.env.BENCH_STORE_HOURS ?? 4);
const MAINTAIN_EVERY_S = Number(process.env.BENCH_STORE_MAINTAIN_S ?? 10);
const INTERVAL_MS = 10_000;
const START_MS = Date.UTC(2025, 10, 22, 0, 0, 0);
const GiB = 1024 ** 3;

/** mulberry32: reproducible pseudo-random numbers. */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The series of one simulated host: [metric, unit, kind, attributes, next()] where next() gives the value
 * for the next 10 s interval the way the agent computes it.
 */
function hostSeries(rand) {
  const series = [];
  const add = (metric, unit, kind, attributes, next) => series.push({ metric, unit, kind, attributes, next });
  const between = (lo, hi) => lo + Math.floor(rand() * (hi - lo + 1));
  /** A kernel counter: integer increments, reported divided by `scale` (ticks / 100, µs / 1e6, ms / 1000). */
  const counter = (start, lo, hi, scale = 1, unitSize = 1) => {
    let n = start;
    return () => {
      n += between(lo, hi);
      return (n * unitSize) / scale;
    };
  };
  /** A level that wanders slowly: integer steps of `unit` bytes. */
  const level = (start, maxStep, unit, changeOdds = 0.5) => {
    let n = start;
    return () => {
      if (rand() < changeOdds) n = Math.max(0, n + between(-maxStep, maxStep));
      return n * unit;
    };
  };
  const constant = (v) => () => v;

  add('system.uptime', 's', 'gauge', {}, counter(between(100_000, 9_000_000) * 100, 999, 1002, 100));
  add('system.cpu.physical.count', '{cpu}', 'updowncounter', {}, constant(4));
  // Per-core CPU time: busy cores do 100-300 user ticks per 10 s, idle the rest of 1000.
  const modes = [
    ['user', 80, 300],
    ['nice', 0, 0],
    ['system', 20, 120],
    ['idle', 550, 880],
    ['iowait', 0, 15],
    ['interrupt', 0, 0],
    ['softirq', 0, 8],
    ['steal', 0, 1],
  ];
  for (let cpu = 0; cpu < 8; cpu += 1) {
    for (const [mode, lo, hi] of modes) {
      add(
        'system.cpu.time',
        's',
        'counter',
        { 'cpu.mode': mode, 'cpu.logical_number': String(cpu) },
        counter(between(1e6, 9e7), lo, hi, 100),
      );
    }
    // /proc/cpuinfo "cpu MHz : 2893.211" as Hz, rounded: a new value nearly every time.
    add(
      'system.cpu.frequency',
      'Hz',
      'gauge',
      { 'cpu.logical_number': String(cpu) },
      () => between(1_200_000, 3_500_000) * 1000,
    );
  }
  for (const [mode] of modes) {
    // Tick deltas over the machine's 8,000 ticks: arbitrary doubles.
    add('system.cpu.utilization', '1', 'gauge', { 'cpu.mode': mode }, () => between(0, 2000) / 7993);
  }
  add('system.cpu.logical.count', '{cpu}', 'updowncounter', {}, constant(8));
  add('system.process.created', '{process}', 'counter', {}, counter(between(1e5, 1e7), 0, 40));
  for (const window of ['1m', '5m', '15m']) {
    add(
      'sysray.system.load_average',
      '{thread}',
      'gauge',
      { 'sysray.load.window': window },
      () => between(0, 400) / 100,
    );
  }
  add(
    'sysray.system.context_switches',
    '{context_switch}',
    'counter',
    {},
    counter(between(1e8, 1e10), 30_000, 90_000),
  );
  add(
    'sysray.system.interrupts',
    '{interrupt}',
    'counter',
    { 'sysray.interrupt.type': 'hard' },
    counter(between(1e8, 1e10), 20_000, 60_000),
  );
  add(
    'sysray.system.interrupts',
    '{interrupt}',
    'counter',
    { 'sysray.interrupt.type': 'soft' },
    counter(between(1e8, 1e10), 10_000, 40_000),
  );

  // Memory: /proc/meminfo kB × 1024, 16 GiB host.
  const total = 16 * GiB;
  let used = between(3e6, 9e6);
  add('system.memory.usage', 'By', 'updowncounter', { 'system.memory.state': 'used' }, () => {
    used += between(-800, 800);
    return used * 1024;
  });
  add(
    'system.memory.usage',
    'By',
    'updowncounter',
    { 'system.memory.state': 'available' },
    () => total - used * 1024,
  );
  add('system.memory.limit', 'By', 'updowncounter', {}, constant(total));
  add(
    'system.memory.utilization',
    '1',
    'gauge',
    { 'system.memory.state': 'used' },
    () => (used * 1024) / total,
  );
  add(
    'system.memory.utilization',
    '1',
    'gauge',
    { 'system.memory.state': 'available' },
    () => 1 - (used * 1024) / total,
  );
  add('system.memory.linux.available', 'By', 'updowncounter', {}, () => total - used * 1024);
  add('system.memory.linux.shared', 'By', 'updowncounter', {}, level(between(1e4, 9e5), 20, 1024, 0.3));
  for (const state of ['reclaimable', 'unreclaimable']) {
    add(
      'system.memory.linux.slab.usage',
      'By',
      'updowncounter',
      { 'system.memory.linux.slab.state': state },
      level(between(1e5, 9e5), 64, 1024),
    );
  }
  for (const state of ['free', 'buffers', 'cached', 'dirty', 'writeback']) {
    const start = state === 'writeback' ? 0 : between(1e4, 4e6);
    add(
      'sysray.memory.linux.usage',
      'By',
      'updowncounter',
      { 'sysray.memory.linux.state': state },
      level(start, state === 'writeback' ? 0 : 500, 1024, 0.6),
    );
  }
  add('system.memory.linux.hugepages.limit', '{page}', 'updowncounter', {}, constant(0));
  for (const state of ['used', 'free']) {
    add(
      'system.memory.linux.hugepages.usage',
      '{page}',
      'updowncounter',
      { 'system.memory.linux.hugepages.state': state },
      constant(0),
    );
  }
  add('system.memory.linux.hugepages.reserved', '{page}', 'updowncounter', {}, constant(0));
  add('system.memory.linux.hugepages.surplus', '{page}', 'updowncounter', {}, constant(0));
  add('system.memory.linux.hugepages.page_size', 'By', 'updowncounter', {}, constant(2 * 1024 * 1024));
  add(
    'system.paging.usage',
    'By',
    'updowncounter',
    { 'system.paging.state': 'used' },
    level(between(0, 1e5), 4, 1024, 0.05),
  );
  add('system.paging.usage', 'By', 'updowncounter', { 'system.paging.state': 'free' }, constant(2 * GiB));
  add(
    'system.paging.faults',
    '{fault}',
    'counter',
    { 'system.paging.fault.type': 'minor' },
    counter(between(1e8, 1e10), 5_000, 200_000),
  );
  add(
    'system.paging.faults',
    '{fault}',
    'counter',
    { 'system.paging.fault.type': 'major' },
    counter(between(1e3, 1e6), 0, 3),
  );
  for (const [direction, type, lo, hi] of [
    ['in', 'major', 0, 0],
    ['out', 'major', 0, 0],
    ['in', 'minor', 0, 4000],
    ['out', 'minor', 100, 20_000],
  ]) {
    add(
      'system.paging.operations',
      '{operation}',
      'counter',
      { 'system.paging.direction': direction, 'system.paging.fault.type': type },
      counter(between(1e6, 1e9), lo, hi),
    );
  }
  add('sysray.memory.reclaim.scanned', '{page}', 'counter', {}, counter(between(0, 1e7), 0, 0));
  add('sysray.memory.reclaim.reclaimed', '{page}', 'counter', {}, counter(between(0, 1e7), 0, 0));
  add('sysray.memory.oom_kills', '{kill}', 'counter', {}, constant(0));

  // Two disks: sector counts × 512, times in ms / 1000.
  for (const device of ['nvme0n1', 'nvme1n1']) {
    for (const direction of ['read', 'write']) {
      const a = { 'system.device': device, 'disk.io.direction': direction };
      const busy = direction === 'write' ? [50, 4000] : [0, 800];
      add('system.disk.io', 'By', 'counter', a, counter(between(1e8, 1e10), busy[0], busy[1], 1, 512));
      add(
        'system.disk.operations',
        '{operation}',
        'counter',
        a,
        counter(between(1e6, 1e8), busy[0] / 8, busy[1] / 8),
      );
      add('system.disk.operation_time', 's', 'counter', a, counter(between(1e6, 1e9), 0, 900, 1000));
      add('system.disk.merged', '{operation}', 'counter', a, counter(between(1e5, 1e7), 0, 60));
    }
    const d = { 'system.device': device };
    add('system.disk.io_time', 's', 'counter', d, counter(between(1e6, 1e9), 0, 700, 1000));
    add('system.disk.limit', 'By', 'updowncounter', d, constant(1_024_209_543_168));
    add('sysray.disk.pending_operations', '{operation}', 'updowncounter', d, () =>
      rand() < 0.1 ? between(1, 4) : 0,
    );
    add('sysray.disk.weighted_io_time', 's', 'counter', d, counter(between(1e6, 1e9), 0, 1500, 1000));
    add('sysray.disk.discard.operations', '{operation}', 'counter', d, counter(between(0, 1e4), 0, 0));
    add('sysray.disk.discard.io', 'By', 'counter', d, counter(between(0, 1e8), 0, 0, 1, 512));
    add('sysray.disk.flush.operations', '{operation}', 'counter', d, counter(between(1e4, 1e6), 0, 30));
  }

  // Five mounts: statvfs blocks × 4096; sizes constant, usage creeping.
  for (const [mount, fsType] of [
    ['/', 'ext4'],
    ['/boot', 'ext4'],
    ['/var/lib/docker', 'xfs'],
    ['/home', 'ext4'],
    ['/data', 'xfs'],
  ]) {
    const fs = {
      'system.device': '/dev/nvme0n1p2',
      'system.filesystem.mode': 'rw',
      'system.filesystem.mountpoint': mount,
      'system.filesystem.type': fsType,
    };
    const sizeBlocks = between(1e6, 2e8);
    let usedBlocks = Math.floor(sizeBlocks * (0.2 + rand() * 0.6));
    const reserved = Math.floor(sizeBlocks * 0.05);
    const step = mount === '/var/lib/docker' || mount === '/data' ? 200 : 2;
    add(
      'system.filesystem.usage',
      'By',
      'updowncounter',
      { ...fs, 'system.filesystem.state': 'used' },
      () => {
        if (rand() < 0.5) usedBlocks += between(-step, step);
        return usedBlocks * 4096;
      },
    );
    add(
      'system.filesystem.usage',
      'By',
      'updowncounter',
      { ...fs, 'system.filesystem.state': 'free' },
      () => (sizeBlocks - usedBlocks - reserved) * 4096,
    );
    add(
      'system.filesystem.usage',
      'By',
      'updowncounter',
      { ...fs, 'system.filesystem.state': 'reserved' },
      constant(reserved * 4096),
    );
    add('system.filesystem.utilization', '1', 'gauge', fs, () => usedBlocks / (sizeBlocks - reserved));
    add('system.filesystem.limit', 'By', 'updowncounter', fs, constant(sizeBlocks * 4096));
    let inodes = between(1e4, 1e6);
    add(
      'sysray.filesystem.inodes.usage',
      '{inode}',
      'updowncounter',
      { ...fs, 'system.filesystem.state': 'used' },
      () => {
        if (rand() < 0.3) inodes += between(-5, 5);
        return inodes;
      },
    );
    add(
      'sysray.filesystem.inodes.usage',
      '{inode}',
      'updowncounter',
      { ...fs, 'system.filesystem.state': 'free' },
      () => 6_553_600 - inodes,
    );
  }

  // Three interfaces.
  for (const [nic, lo, hi] of [
    ['lo', 1_000, 50_000],
    ['eth0', 50_000, 5_000_000],
    ['docker0', 0, 200_000],
  ]) {
    for (const direction of ['receive', 'transmit']) {
      const a = { 'network.interface.name': nic, 'network.io.direction': direction };
      add('system.network.io', 'By', 'counter', a, counter(between(1e9, 1e12), lo, hi));
      add(
        'system.network.packet.count',
        '{packet}',
        'counter',
        a,
        counter(between(1e6, 1e9), lo / 1000, hi / 800),
      );
      add('system.network.errors', '{error}', 'counter', a, counter(between(0, 10), 0, 0));
      add(
        'system.network.packet.dropped',
        '{packet}',
        'counter',
        a,
        counter(between(0, 1000), 0, rand() < 0.5 ? 0 : 1),
      );
    }
  }
  for (const family of ['ipv4', 'ipv6']) {
    for (const state of [
      'established',
      'syn_sent',
      'syn_received',
      'fin_wait_1',
      'fin_wait_2',
      'time_wait',
      'close_wait',
      'last_ack',
      'listen',
    ]) {
      const base =
        state === 'established'
          ? between(10, 300)
          : state === 'time_wait'
            ? between(0, 100)
            : state === 'listen'
              ? between(5, 30)
              : 0;
      add(
        'system.network.connection.count',
        '{connection}',
        'updowncounter',
        { 'network.transport': 'tcp', 'network.type': family, 'network.connection.state': state },
        state === 'listen' ? constant(base) : () => Math.max(0, base + between(-3, 3)),
      );
    }
    add(
      'system.network.connection.count',
      '{connection}',
      'updowncounter',
      { 'network.transport': 'udp', 'network.type': family },
      constant(between(2, 20)),
    );
  }
  for (const [metric, attributes, lo, hi] of [
    ['sysray.network.tcp.connection.opens', { 'sysray.tcp.open.type': 'active' }, 0, 50],
    ['sysray.network.tcp.connection.opens', { 'sysray.tcp.open.type': 'passive' }, 0, 80],
    ['sysray.network.tcp.connection.failures', {}, 0, 1],
    ['sysray.network.tcp.connection.resets', {}, 0, 2],
    ['sysray.network.tcp.segments', { 'network.io.direction': 'receive' }, 1000, 50_000],
    ['sysray.network.tcp.segments', { 'network.io.direction': 'transmit' }, 1000, 50_000],
    ['sysray.network.tcp.retransmits', {}, 0, 10],
    ['sysray.network.tcp.receive_errors', {}, 0, 0],
    ['sysray.network.tcp.resets_sent', {}, 0, 3],
    ['sysray.network.tcp.listen.overflows', {}, 0, 0],
    ['sysray.network.tcp.listen.drops', {}, 0, 0],
    ['sysray.network.tcp.timeouts', {}, 0, 2],
    ['sysray.network.udp.datagrams', { 'network.io.direction': 'receive' }, 10, 2000],
    ['sysray.network.udp.datagrams', { 'network.io.direction': 'transmit' }, 10, 2000],
    ['sysray.network.udp.receive_errors', {}, 0, 0],
    ['sysray.network.udp.no_port', {}, 0, 1],
  ]) {
    add(metric, '{count}', 'counter', attributes, counter(between(1e3, 1e8), lo, hi));
  }

  // Processes: state counts and the top 3.
  for (const [state, lo, hi] of [
    ['running', 1, 6],
    ['sleeping', 280, 320],
    ['blocked', 0, 1],
    ['stopped', 0, 0],
    ['defunct', 0, 0],
    ['idle', 60, 60],
  ]) {
    add('system.process.count', '{process}', 'updowncounter', { 'process.state': state }, () =>
      between(lo, hi),
    );
  }
  add('sysray.system.thread.count', '{thread}', 'updowncounter', {}, () => between(900, 960));
  for (const [pid, name] of [
    [5150, 'java'],
    [812, 'containerd'],
    [1201, 'postgres'],
  ]) {
    const p = { 'process.pid': String(pid), 'process.executable.name': name, 'process.owner': 'root' };
    let user = between(1e4, 1e7);
    add(
      'process.cpu.time',
      's',
      'counter',
      { ...p, 'cpu.mode': 'user' },
      () => (user += between(10, 400)) / 100,
    );
    add(
      'process.cpu.time',
      's',
      'counter',
      { ...p, 'cpu.mode': 'system' },
      counter(between(1e3, 1e6), 1, 60, 100),
    );
    add('process.cpu.utilization', '1', 'gauge', p, () => between(0, 4000) / 80_000);
    add('process.memory.usage', 'By', 'updowncounter', p, level(between(1e4, 1e6), 30, 4096, 0.7));
    add('process.memory.virtual', 'By', 'updowncounter', p, level(between(1e5, 3e6), 4, 4096, 0.1));
    add(
      'process.disk.io',
      'By',
      'counter',
      { ...p, 'disk.io.direction': 'read' },
      counter(between(1e6, 1e9), 0, 20, 1, 4096),
    );
    add(
      'process.disk.io',
      'By',
      'counter',
      { ...p, 'disk.io.direction': 'write' },
      counter(between(1e6, 1e9), 0, 200, 1, 4096),
    );
    add('process.thread.count', '{thread}', 'updowncounter', p, level(between(4, 90), 1, 1, 0.05));
    add(
      'process.unix.file_descriptor.count',
      '{file_descriptor}',
      'updowncounter',
      p,
      level(between(20, 300), 2, 1, 0.2),
    );
    add('process.uptime', 's', 'gauge', p, counter(between(1e3, 1e6) * 1000, 9990, 10_020, 1000));
    add('sysray.process.memory.swap', 'By', 'updowncounter', p, constant(0));
  }

  // PSI: averages with two decimals, mostly 0.00; totals in µs / 1e6.
  for (const resource of ['cpu', 'memory', 'io', 'irq']) {
    for (const kind of resource === 'irq' ? ['full'] : ['some', 'full']) {
      const a = { 'sysray.pressure.resource': resource, 'sysray.pressure.kind': kind };
      let level10 = 0;
      for (const window of ['10s', '60s', '300s']) {
        const decay = window === '10s' ? 1 : window === '60s' ? 0.4 : 0.1;
        add('sysray.pressure.stall.average', '%', 'gauge', { ...a, 'sysray.pressure.window': window }, () => {
          if (window === '10s')
            level10 = rand() < 0.04 ? between(1, 900) / 100 : Math.floor(level10 * 50) / 100;
          return Math.round(level10 * decay * 100) / 100;
        });
      }
      add(
        'sysray.pressure.stall.time',
        's',
        'counter',
        a,
        counter(between(1e6, 1e10), 0, rand() < 0.5 ? 0 : 40_000, 1e6),
      );
    }
  }

  // Collector health: durations from performance.now() (arbitrary doubles) and success.
  for (const name of [
    'system',
    'cpu',
    'memory',
    'disks',
    'filesystems',
    'network',
    'processes',
    'cgroups',
    'pressure',
  ]) {
    add(
      'sysray.collector.duration',
      's',
      'gauge',
      { 'sysray.collector': name },
      () => (0.05 + rand() * 3) / 1000,
    );
    add('sysray.collector.success', '1', 'gauge', { 'sysray.collector': name }, constant(1));
  }
  return series;
}

function used(db) {
  const pageSize = db.pragma('page_size', { simple: true });
  return (
    (db.pragma('page_count', { simple: true }) - db.pragma('freelist_count', { simple: true })) * pageSize
  );
}

const dataDir = mkdtempSync(join(tmpdir(), 'sysray-store-bench-'));
let simNow = START_MS;
const store = openSqliteStore({ dataDir, clock: { wallMs: () => simNow } });
try {
  const hosts = Array.from({ length: HOSTS }, (_, h) => {
    const rand = prng(1000 + h);
    return {
      id: `host-${String(h).padStart(3, '0')}`,
      resource: { 'host.name': `node-${h}`, 'os.type': 'linux', 'service.name': 'sysray-agent' },
      series: hostSeries(rand),
      rand,
      // Agents start at different moments within the interval.
      offsetMs: Math.floor(rand() * INTERVAL_MS),
    };
  });
  const seriesPerHost = hosts[0].series.length;
  const intervals = Math.round((HOURS * 3_600_000) / INTERVAL_MS);
  console.log(
    `gateway store: ${HOSTS} hosts × ${seriesPerHost} series, one batch per host every ${INTERVAL_MS / 1000} s, ` +
      `${HOURS} h simulated (${(HOSTS * seriesPerHost * intervals).toLocaleString('en-US')} datapoints), maintain() every ${MAINTAIN_EVERY_S} s simulated`,
  );

  let appendMs = 0;
  let points = 0;
  const batchMs = [];
  const maintainMs = [];
  let maintainTotalMs = 0;
  let maintainRounds = 0;
  let nextMaintain = START_MS + MAINTAIN_EVERY_S * 1000;
  for (let i = 0; i < intervals; i += 1) {
    for (const host of hosts) {
      // The agent stamps a whole collection with one time: its tick, a few ms late.
      const ts = START_MS + i * INTERVAL_MS + host.offsetMs + Math.floor(host.rand() * 15);
      const batch = {
        hostId: host.id,
        resource: host.resource,
        points: host.series.map((s) => ({
          metric: s.metric,
          unit: s.unit,
          kind: s.kind,
          attributes: s.attributes,
          timestampMs: ts,
          value: s.next(),
        })),
        batchId: `${host.id}:${i}`,
        receivedAtMs: ts + 20,
      };
      simNow = ts + 20;
      const started = performance.now();
      const result = store.append(batch);
      const took = performance.now() - started;
      appendMs += took;
      batchMs.push(took);
      points += result.accepted;
      if (result.rejected > 0) throw new Error(`rejected: ${result.rejectReasons.join('; ')}`);
    }
    simNow = START_MS + (i + 1) * INTERVAL_MS;
    while (simNow >= nextMaintain) {
      maintainRounds += 1;
      for (;;) {
        const report = store.maintain(nextMaintain);
        maintainMs.push(report.durationMs);
        maintainTotalMs += report.durationMs;
        if (!report.moreWork) break;
      }
      nextMaintain += MAINTAIN_EVERY_S * 1000;
    }
  }

  // Query latency, on the live store as a dashboard would use it: 1 h of one series at raw resolution.
  const endMs = START_MS + intervals * INTERVAL_MS;
  const rand = prng(7);
  const queryRaw = [];
  const queryMinute = [];
  const sample = [];
  for (let q = 0; q < 300; q += 1) {
    const host = hosts[Math.floor(rand() * hosts.length)];
    const s = host.series[Math.floor(rand() * host.series.length)];
    sample.push([host, s]);
  }
  for (const [step, bucket, agg] of [
    [10_000, queryRaw, 'avg'],
    [60_000, queryMinute, 'max'],
  ]) {
    for (const [host, s] of sample) {
      const started = performance.now();
      const result = store.query({
        hostId: host.id,
        metric: s.metric,
        match: s.attributes,
        fromMs: endMs - 3_600_000,
        toMs: endMs,
        stepMs: step,
        agg,
      });
      bucket.push(performance.now() - started);
      if (result.length !== 1 || result[0].points.length === 0)
        throw new Error(`query of ${s.metric} returned ${result.length} series`);
    }
  }

  // Pack and roll up what is left: maintain() as time passes the last window's close.
  let flushCalls = 0;
  for (;;) {
    const report = store.maintain(endMs + 3 * 3_600_000);
    flushCalls += 1;
    if (!report.moreWork && report.chunksPacked === 0 && report.rollupRows === 0) break;
  }
  const stats = store.stats();
  store.close();

  const Database = createRequire(import.meta.url)('better-sqlite3');
  const db = new Database(join(dataDir, DATABASE_FILE), { readonly: true });
  const usedBytes = used(db);
  const byTable = new Map(
    db
      .prepare('SELECT name, sum(pgsize) AS bytes FROM dbstat GROUP BY name')
      .all()
      .map((r) => [r.name, r.bytes]),
  );
  const pending = db.prepare('SELECT count(*) AS n FROM pending').get().n;
  const rawBytes = [
    'chunks',
    'chunks_series',
    'chunks_age',
    'chunks_unrolled',
    'timelines',
    'timelines_lookup',
  ].reduce((sum, name) => sum + (byTable.get(name) ?? 0), 0);
  const rollupBytes = ['rollups', 'rollups_series', 'rollups_age'].reduce(
    (sum, name) => sum + (byTable.get(name) ?? 0),
    0,
  );
  const blobBytes = db.prepare('SELECT sum(length(data)) AS n FROM chunks').get().n;
  const timelineBytes = db.prepare('SELECT sum(length(data)) AS n FROM timelines').get().n;
  const rollupBlobBytes = db.prepare('SELECT sum(length(data)) AS n FROM rollups').get().n;
  const fill = db
    .prepare(
      "SELECT name, sum(pgsize) AS size, sum(unused) AS unused FROM dbstat WHERE name IN ('chunks', 'rollups') GROUP BY name",
    )
    .all();
  const byMetric = process.env.BENCH_STORE_DETAIL
    ? db
        .prepare(
          'SELECT s.metric, sum(length(c.data)) AS bytes, sum(c.count) AS n FROM chunks c JOIN series s ON s.id = c.series_id GROUP BY s.metric ORDER BY bytes DESC LIMIT 25',
        )
        .all()
    : [];
  db.close();

  const batches = summarize(batchMs);
  const m = summarize(maintainMs);
  const qr = summarize(queryRaw);
  const qm = summarize(queryMinute);
  const samples = stats.rawSamples;
  console.log(
    `  append:   ${Math.round(points / (appendMs / 1000)).toLocaleString('en-US')} datapoints/s (${points.toLocaleString('en-US')} in ${(appendMs / 1000).toFixed(1)} s; batch of ${seriesPerHost}: p50 ${ms(batches.p50)}  p95 ${ms(batches.p95)})`,
  );
  console.log(
    `  on disk:  ${(usedBytes / samples).toFixed(2)} bytes per raw sample, everything in the file (${(usedBytes / 2 ** 20).toFixed(1)} MiB used pages for ${samples.toLocaleString('en-US')} samples, ${pending} pending)`,
  );
  console.log(
    `            ${(rawBytes / samples).toFixed(2)} B/sample raw chunks + timelines with their indexes; ${(rollupBytes / samples).toFixed(2)} B/sample 1m + 1h rollups`,
  );
  console.log(
    `            codec alone: values ${((blobBytes * 8) / samples).toFixed(2)} bits/sample, timestamps ${((timelineBytes * 8) / samples).toFixed(3)} bits/sample (shared timelines), rollup blocks ${(rollupBlobBytes / 2 ** 20).toFixed(1)} MiB`,
  );
  console.log(
    `  query:    1 h of one series, raw 10 s steps: p50 ${ms(qr.p50)}  p95 ${ms(qr.p95)};  1m tier: p50 ${ms(qm.p50)}  p95 ${ms(qm.p95)}`,
  );
  const simSeconds = (intervals * INTERVAL_MS) / 1000;
  console.log(
    `  maintain: ${m.n} slices in ${maintainRounds} timer rounds: p50 ${ms(m.p50)}  p95 ${ms(m.p95)}  max ${ms(Math.max(...maintainMs))}; ${(maintainTotalMs / simSeconds).toFixed(2)} ms per second of ingest (${((100 * maintainTotalMs) / (simSeconds * 1000)).toFixed(2)}% of a core); final flush ${flushCalls} calls`,
  );
  console.log(
    `  file:     ${(stats.sizeBytes / 2 ** 20).toFixed(1)} MiB on disk incl. WAL and free pages; pages unused: ${fill.map((f) => `${f.name} ${((100 * f.unused) / f.size).toFixed(0)}%`).join(', ')}`,
  );
  for (const row of byMetric)
    console.log(
      `    ${row.metric.padEnd(42)} ${((row.bytes * 8) / row.n).toFixed(1).padStart(6)} bits/sample  ${(row.bytes / 1024).toFixed(0).padStart(6)} KiB`,
    );
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
