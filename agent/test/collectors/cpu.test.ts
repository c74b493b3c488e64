import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import {
  cpuUtilization,
  createCpuCollector,
  parseLoadavg,
  parseProcStat,
  ticksToTimes,
  USER_HZ,
  type CpuTicks,
} from '../../src/collectors/cpu.js';
import type { CollectContext, CollectOutcome } from '../../src/collectors/types.js';
import { ManualClock, systemClock } from '../../src/platform/clock.js';
import { resolveHostRoots } from '../../src/platform/host-roots.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));

function contextFor(rootfs: string, clock = new ManualClock()): CollectContext {
  return { roots: resolveHostRoots({ rootfs }, {}), clock, signal: new AbortController().signal };
}

function dataOf<T>(outcome: CollectOutcome<T>): T {
  if (outcome.kind !== 'ok') throw new Error(`expected ok, got unsupported: ${outcome.reason}`);
  return outcome.data;
}

const temps: string[] = [];
function copyFixture(variant: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), `sysray-cpu-${variant}-`));
  temps.push(dir);
  // Only the parts the cpu collector reads; the trees hold much more.
  for (const sub of ['proc/stat', 'proc/loadavg', 'sys/devices/system/cpu']) {
    cpSync(path.join(FIXTURES, variant, sub), path.join(dir, sub), { recursive: true });
  }
  return dir;
}
afterEach(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Adds deltas to numeric columns of /proc/stat lines, keyed by their first field (`cpu`, `cpu0`, `ctxt`). */
function bumpStat(file: string, deltas: Record<string, readonly number[]>): void {
  const lines = readFileSync(file, 'utf8')
    .split('\n')
    .map((line) => {
      const parts = line.split(' ');
      // The aggregate line is `cpu  …` with two spaces; keep the empty field so the layout survives.
      const key = parts[0] as string;
      const add = deltas[key];
      if (add === undefined) return line;
      let column = 0;
      return parts
        .map((part, i) => {
          if (i === 0 || part === '') return part;
          const value = Number(part) + (add[column] ?? 0);
          column++;
          return String(value);
        })
        .join(' ');
    });
  writeFileSync(file, lines.join('\n'));
}

const ticks = (values: readonly number[]): CpuTicks => {
  const [
    user = 0,
    nice = 0,
    system = 0,
    idle = 0,
    iowait = 0,
    irq = 0,
    softirq = 0,
    steal = 0,
    guest = 0,
    guestNice = 0,
  ] = values;
  return { user, nice, system, idle, iowait, irq, softirq, steal, guest, guestNice };
};

describe('parseProcStat', () => {
  const modern = [
    'cpu  400 10 100 3000 40 5 15 30 20 0',
    'cpu0 200 5 50 1500 20 3 7 15 10 0',
    'cpu1 200 5 50 1500 20 2 8 15 10 0',
    'intr 123456 36 9 0 0 0 12',
    'ctxt 98765',
    'btime 1763700000',
    'processes 4321',
    'procs_running 3',
    'procs_blocked 1',
    'softirq 55555 0 1 2 3 4 5 6 7 8 9',
    '',
  ].join('\n');

  it('reads the aggregate, per-CPU lines and the scalar counters', () => {
    const stat = parseProcStat(modern);
    expect(stat.total).toEqual(ticks([400, 10, 100, 3000, 40, 5, 15, 30, 20, 0]));
    expect([...stat.cpus.keys()]).toEqual([0, 1]);
    expect(stat.cpus.get(1)).toEqual(ticks([200, 5, 50, 1500, 20, 2, 8, 15, 10, 0]));
    expect(stat.contextSwitches).toBe(98765);
    expect(stat.interrupts).toBe(123456);
    expect(stat.softInterrupts).toBe(55555);
    expect(stat.forks).toBe(4321);
    expect(stat.procsRunning).toBe(3);
    expect(stat.procsBlocked).toBe(1);
    expect(stat.bootTime).toBe(1763700000);
  });

  it('gives 0 for columns older kernels lack', () => {
    // 2.6.9: user..softirq only (no steal/guest/guest_nice); 2.4: user nice system idle.
    const stat = parseProcStat('cpu  10 1 4 80 3 1 1\ncpu0 10 1 4 80\nctxt 5\nintr 7\nprocesses 2\n');
    expect(stat.total).toEqual(ticks([10, 1, 4, 80, 3, 1, 1, 0, 0, 0]));
    expect(stat.cpus.get(0)).toEqual(ticks([10, 1, 4, 80, 0, 0, 0, 0, 0, 0]));
    // No softirq line before 2.6.31.
    expect(stat.softInterrupts).toBeNull();
  });

  it('skips garbage and keeps CPU numbers, not positions', () => {
    const text = [
      'garbage',
      '',
      'cpu  1 2 3 4',
      'cpuX 1 2 3 4',
      'cpu3 a b c d',
      'cpu2 1 2',
      'cpu5 5 5 5 5 5 5 5 5 5 5',
      'ctxt notanumber',
    ].join('\n');
    const stat = parseProcStat(text);
    expect([...stat.cpus.keys()]).toEqual([5]);
    expect(stat.contextSwitches).toBeNull();
    expect(stat.total?.idle).toBe(4);
  });

  it('returns a null total when there is no aggregate line', () => {
    expect(parseProcStat('ctxt 5\n').total).toBeNull();
  });
});

describe('cpu helpers', () => {
  it('parses /proc/loadavg', () => {
    expect(parseLoadavg('0.52 0.58 0.59 3/467 12345\n')).toEqual({ load1: 0.52, load5: 0.58, load15: 0.59 });
    expect(parseLoadavg('0.52 0.58\n')).toBeNull();
    expect(parseLoadavg('a b c 1/2 3')).toBeNull();
  });

  it('converts USER_HZ ticks to seconds', () => {
    expect(USER_HZ).toBe(100);
    expect(ticksToTimes(ticks([150, 0, 25, 1000])).user).toBe(1.5);
    expect(ticksToTimes(ticks([150, 0, 25, 1000])).idle).toBe(10);
  });

  it('computes shares of wall time, leaving guest out of the denominator', () => {
    const before = ticks([100, 0, 50, 1000, 10, 0, 0, 0, 0, 0]);
    // 200 wall ticks: 80 user (of which 20 guest), 20 system, 80 idle, 20 iowait.
    const after = ticks([180, 0, 70, 1080, 30, 0, 0, 0, 20, 0]);
    const u = cpuUtilization(after, before);
    expect(u).not.toBeNull();
    expect(u?.user).toBeCloseTo(0.4, 12);
    expect(u?.system).toBeCloseTo(0.1, 12);
    expect(u?.idle).toBeCloseTo(0.4, 12);
    expect(u?.iowait).toBeCloseTo(0.1, 12);
    expect(u?.guest).toBeCloseTo(0.1, 12);
    expect(u?.busy).toBeCloseTo(0.5, 12);
  });

  it('treats a backwards counter as no time and an empty interval as unknown', () => {
    // iowait may decrease on NO_HZ kernels.
    const u = cpuUtilization(ticks([10, 0, 0, 110, 5]), ticks([0, 0, 0, 20, 10]));
    expect(u?.iowait).toBe(0);
    expect(u?.user).toBeCloseTo(0.1, 12);
    expect(u?.idle).toBeCloseTo(0.9, 12);
    expect(cpuUtilization(ticks([1, 2, 3, 4]), ticks([1, 2, 3, 4]))).toBeNull();
  });
});

describe('cpu collector on fixture trees', () => {
  it('reports v2-containers', async () => {
    const collector = createCpuCollector();
    expect(collector.section).toBe('cpu');
    const data = dataOf(await collector.collect(contextFor(path.join(FIXTURES, 'v2-containers'))));
    expect(data.logicalCpus).toBe(8);
    expect(data.times.user).toBeCloseTo(477871.99, 6);
    expect(data.times.idle).toBeCloseTo(2144166.91, 6);
    expect(data.times.steal).toBeCloseTo(5722.55, 6);
    expect(data.times.guest).toBe(0);
    expect(data.utilization).toBeNull();
    expect(data.rates).toBeNull();
    expect(data.cores.map((c) => c.cpu)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(data.cores[0]?.times.user).toBeCloseTo(61970.21, 6);
    expect(data.cores[0]?.utilization).toBeNull();
    // EC2 exposes no cpufreq.
    expect(data.cores.every((c) => c.frequencyHz === null)).toBe(true);
    expect(data.load).toEqual({ load1: 1.52, load5: 1.31, load15: 1.18 });
    expect(data.counters).toEqual({
      contextSwitches: 2418763511,
      interrupts: 4619541041,
      softInterrupts: 572884012,
      forks: 18734102,
    });
    expect(data.procsRunning).toBe(3);
    expect(data.procsBlocked).toBe(0);
  });

  it('reports per-CPU frequencies on nvme-dm-md', async () => {
    const data = dataOf(await createCpuCollector().collect(contextFor(path.join(FIXTURES, 'nvme-dm-md'))));
    expect(data.logicalCpus).toBe(16);
    expect(data.cores).toHaveLength(16);
    expect(data.cores[0]?.frequencyHz).toBe(3_100_000_000);
    expect(data.cores[2]?.frequencyHz).toBe(1_500_000_000);
    expect(data.cores[15]?.frequencyHz).toBe(2_200_000_000);
    // This host runs a VM: guest time is reported apart from (and included in) user.
    expect(data.times.guest).toBeCloseTo(181831.76, 6);
    expect(data.times.user).toBeCloseTo(2000447.8, 6);
    expect(data.counters.contextSwitches).toBe(9876543210);
    expect(data.procsBlocked).toBe(2);
    expect(data.load.load15).toBe(4.05);
  });

  it.each([
    ['hybrid-v1v2', 4, 301945322, { load1: 0.42, load5: 0.35, load15: 0.3 }],
    ['no-psi', 2, 1433821907, { load1: 0.08, load5: 0.03, load15: 0.01 }],
  ])('reports %s', async (variant, cpus, ctxt, load) => {
    const data = dataOf(await createCpuCollector().collect(contextFor(path.join(FIXTURES, variant))));
    expect(data.logicalCpus).toBe(cpus);
    expect(data.cores).toHaveLength(cpus);
    expect(data.counters.contextSwitches).toBe(ctxt);
    expect(data.load).toEqual(load);
    expect(data.cores.every((c) => c.frequencyHz === null)).toBe(true);
  });

  it('reports the Xen steal time of no-psi', async () => {
    const data = dataOf(await createCpuCollector().collect(contextFor(path.join(FIXTURES, 'no-psi'))));
    expect(data.times.steal).toBeCloseTo(51638.16, 6);
    expect(data.times.irq).toBe(0);
  });
});

describe('cpu rates between samples', () => {
  it('computes utilization and counter rates from two samples', async () => {
    const root = copyFixture('v2-containers');
    const clock = new ManualClock();
    const collector = createCpuCollector();
    const context = contextFor(root, clock);
    await collector.collect(context);

    // Two seconds pass: 200 ticks per CPU. cpu0 is busy, the rest idle.
    const stat = path.join(root, 'proc/stat');
    const idleOnly = [0, 0, 0, 200];
    bumpStat(stat, {
      cpu: [60, 0, 20, 1500, 20],
      cpu0: [60, 0, 20, 100, 20],
      ...Object.fromEntries([1, 2, 3, 4, 5, 6, 7].map((n) => [`cpu${n}`, idleOnly])),
      ctxt: [5000],
      intr: [2000],
      processes: [10],
    });
    clock.advance(2000);
    const data = dataOf(await collector.collect(context));

    expect(data.rates).toEqual({ contextSwitchesPerSec: 2500, interruptsPerSec: 1000, forksPerSec: 5 });
    const core0 = data.cores[0]?.utilization;
    expect(core0?.user).toBeCloseTo(0.3, 12);
    expect(core0?.system).toBeCloseTo(0.1, 12);
    expect(core0?.idle).toBeCloseTo(0.5, 12);
    expect(core0?.iowait).toBeCloseTo(0.1, 12);
    expect(core0?.busy).toBeCloseTo(0.4, 12);
    expect(data.cores[1]?.utilization?.idle).toBe(1);
    expect(data.cores[1]?.utilization?.busy).toBe(0);
    // Aggregate: 1600 ticks over 8 CPUs.
    expect(data.utilization?.user).toBeCloseTo(60 / 1600, 12);
    expect(data.utilization?.idle).toBeCloseTo(1500 / 1600, 12);
    expect(data.utilization?.busy).toBeCloseTo(80 / 1600, 12);
    expect(data.utilization?.steal).toBe(0);
  });

  it('survives CPUs going offline and coming online between samples', async () => {
    const root = copyFixture('hybrid-v1v2');
    const stat = path.join(root, 'proc/stat');
    const original = readFileSync(stat, 'utf8');
    // First sample: cpu3 is offline.
    writeFileSync(stat, original.replace(/^cpu3 .*\n/m, ''));
    const clock = new ManualClock();
    const collector = createCpuCollector();
    const context = contextFor(root, clock);
    expect(dataOf(await collector.collect(context)).logicalCpus).toBe(3);

    // Second sample: cpu3 is back, cpu1 went offline.
    writeFileSync(stat, original.replace(/^cpu1 .*\n/m, ''));
    bumpStat(stat, { cpu0: [100, 0, 0, 100], cpu2: [0, 0, 0, 200], cpu: [100, 0, 0, 300] });
    clock.advance(2000);
    const data = dataOf(await collector.collect(context));
    expect(data.cores.map((c) => c.cpu)).toEqual([0, 2, 3]);
    expect(data.cores.find((c) => c.cpu === 3)?.utilization).toBeNull();
    expect(data.cores.find((c) => c.cpu === 0)?.utilization?.user).toBeCloseTo(0.5, 12);
    expect(data.cores.find((c) => c.cpu === 2)?.utilization?.idle).toBe(1);
    expect(data.utilization?.user).toBeCloseTo(0.25, 12);
  });

  it('gives null rates when a counter goes backwards', async () => {
    const root = copyFixture('no-psi');
    const clock = new ManualClock();
    const collector = createCpuCollector();
    const context = contextFor(root, clock);
    await collector.collect(context);
    bumpStat(path.join(root, 'proc/stat'), { ctxt: [-10], intr: [100] });
    clock.advance(1000);
    expect(dataOf(await collector.collect(context)).rates).toBeNull();
  });

  it('keeps state per instance', async () => {
    const root = path.join(FIXTURES, 'no-psi');
    const clock = new ManualClock();
    const first = createCpuCollector();
    await first.collect(contextFor(root, clock));
    clock.advance(1000);
    // A fresh collector has no previous sample even though another one collected before.
    expect(dataOf(await createCpuCollector().collect(contextFor(root, clock))).rates).toBeNull();
    expect(dataOf(await first.collect(contextFor(root, clock))).rates).toEqual({
      contextSwitchesPerSec: 0,
      interruptsPerSec: 0,
      forksPerSec: 0,
    });
  });
});

describe('cpu collector failures', () => {
  it('is unsupported without /proc/stat', async () => {
    const root = copyFixture('no-psi');
    rmSync(path.join(root, 'proc/stat'));
    const outcome = await createCpuCollector().collect(contextFor(root));
    expect(outcome.kind).toBe('unsupported');
    if (outcome.kind === 'unsupported') expect(outcome.reason).toContain(path.join(root, 'proc/stat'));
  });

  it('throws naming the path when /proc/loadavg is missing or /proc/stat is malformed', async () => {
    const root = copyFixture('no-psi');
    rmSync(path.join(root, 'proc/loadavg'));
    await expect(createCpuCollector().collect(contextFor(root))).rejects.toThrow(
      path.join(root, 'proc/loadavg'),
    );

    writeFileSync(path.join(root, 'proc/stat'), 'cpu0 1 2 3 4\nctxt 1\n');
    await expect(createCpuCollector().collect(contextFor(root))).rejects.toThrow(
      /proc\/stat: no aggregate "cpu" line/,
    );
  });
});

describe('cpu collector on the live host', () => {
  it.runIf(process.platform === 'linux')('reports sane values over two samples', async () => {
    const collector = createCpuCollector();
    const roots = resolveHostRoots({}, {});
    const context = { roots, clock: systemClock, signal: new AbortController().signal };
    const first = dataOf(await collector.collect(context));
    expect(first.logicalCpus).toBeGreaterThanOrEqual(1);
    expect(first.cores.length).toBe(first.logicalCpus);
    expect(first.times.idle).toBeGreaterThan(0);
    expect(first.counters.contextSwitches).toBeGreaterThan(0);
    expect(first.load.load1).toBeGreaterThanOrEqual(0);
    await new Promise((resolve) => setTimeout(resolve, 250));
    const second = dataOf(await collector.collect(context));
    expect(second.rates).not.toBeNull();
    expect(second.rates?.contextSwitchesPerSec).toBeGreaterThan(0);
    if (second.utilization !== null) {
      expect(second.utilization.busy).toBeGreaterThanOrEqual(0);
      expect(second.utilization.busy).toBeLessThanOrEqual(1);
    }
    for (const core of second.cores) {
      if (core.frequencyHz !== null) expect(core.frequencyHz).toBeGreaterThan(1e7);
    }
  });
});
