import { CPU_MODES } from '@sysray/proto';
import type { CpuCore, CpuData, CpuTimes, CpuUtilization } from '@sysray/proto';
import { procPath, sysPath } from '../platform/host-roots.js';
import { readIntSync, readKernelFileSync } from '../platform/read.js';
import { fields } from './parse-util.js';
import { counterRate, intervalSeconds } from './rates.js';
import type { Collector } from './types.js';
import { ok, unsupported } from './types.js';

/**
 * Clock ticks per second of the CPU times in `/proc/stat`. The kernel converts its internal jiffies to
 * USER_HZ before printing (`nsec_to_clock_t()` in fs/proc/stat.c), and USER_HZ is fixed at 100 by the ABI on
 * every mainstream architecture (x86, arm64, ppc64, s390x, riscv: include/asm-generic/param.h) whatever
 * CONFIG_HZ is; only long-gone alpha/ia64 builds used 1024. `getconf CLK_TCK` reports the same constant.
 */
export const USER_HZ = 100;

/** CPU time per mode in USER_HZ ticks, as `/proc/stat` prints it. */
export type CpuTicks = { readonly [K in keyof CpuTimes]: number };

/** Column order of a `cpu` line. */
const MODES = CPU_MODES;

/** Modes that make up wall time. guest and guest_nice are already inside user and nice (kernel/sched/cputime.c). */
const WALL_MODES: readonly (keyof CpuTimes)[] = MODES.filter((m) => m !== 'guest' && m !== 'guestNice');

export interface ProcStat {
  /** The aggregate `cpu` line (summed over all possible CPUs), ticks; null when the file has none. */
  readonly total: CpuTicks | null;
  /** Per-CPU lines, keyed by CPU number; the kernel prints online CPUs only. */
  readonly cpus: ReadonlyMap<number, CpuTicks>;
  /** `ctxt`: context switches since boot. */
  readonly contextSwitches: number | null;
  /** `intr`: the first number, all interrupts serviced since boot (the rest are per-IRQ counts). */
  readonly interrupts: number | null;
  /** `softirq`: the first number, all softirqs since boot (Linux 2.6.31+). */
  readonly softInterrupts: number | null;
  /** `processes`: forks (processes and threads created) since boot. */
  readonly forks: number | null;
  readonly procsRunning: number | null;
  readonly procsBlocked: number | null;
  /** `btime`: boot time, Unix epoch seconds. */
  readonly bootTime: number | null;
}

function parseCpuTicks(parts: readonly string[]): CpuTicks | null {
  // user nice system idle exist on every kernel; iowait/irq/softirq came with 2.6, steal with 2.6.11,
  // guest with 2.6.24 and guest_nice with 2.6.33: a missing column is 0 time in that mode.
  if (parts.length < 5) return null;
  const values: number[] = [];
  for (let i = 0; i < MODES.length; i++) {
    const raw = parts[i + 1];
    const value = raw === undefined ? 0 : Number(raw);
    if (!Number.isFinite(value) || value < 0) return null;
    values.push(value);
  }
  return Object.fromEntries(MODES.map((mode, i) => [mode, values[i]])) as unknown as CpuTicks;
}

function firstNumber(parts: readonly string[]): number | null {
  const raw = parts[1];
  if (raw === undefined) return null;
  const value = Number(raw);
  return Number.isFinite(value) ? value : null;
}

/** Parses `/proc/stat` (fs/proc/stat.c). Unknown and malformed lines are skipped. */
export function parseProcStat(text: string): ProcStat {
  let total: CpuTicks | null = null;
  const cpus = new Map<number, CpuTicks>();
  const scalars = new Map<string, number | null>();
  for (const line of text.split('\n')) {
    const parts = fields(line);
    const key = parts[0];
    if (key === undefined) continue;
    if (key === 'cpu') {
      total = parseCpuTicks(parts) ?? total;
    } else if (key.startsWith('cpu')) {
      const match = /^cpu(\d+)$/.exec(key);
      const ticks = match === null ? null : parseCpuTicks(parts);
      if (match !== null && ticks !== null) cpus.set(Number(match[1]), ticks);
    } else {
      scalars.set(key, firstNumber(parts));
    }
  }
  const get = (key: string): number | null => scalars.get(key) ?? null;
  return {
    total,
    cpus,
    contextSwitches: get('ctxt'),
    interrupts: get('intr'),
    softInterrupts: get('softirq'),
    forks: get('processes'),
    procsRunning: get('procs_running'),
    procsBlocked: get('procs_blocked'),
    bootTime: get('btime'),
  };
}

/** `/proc/loadavg`: `0.52 0.58 0.59 3/467 12345`; null when the three averages are not there. */
export function parseLoadavg(text: string): CpuData['load'] | null {
  const [load1, load5, load15] = fields(text).slice(0, 3).map(Number);
  if (load1 === undefined || load5 === undefined || load15 === undefined) return null;
  if (!Number.isFinite(load1) || !Number.isFinite(load5) || !Number.isFinite(load15)) return null;
  return { load1, load5, load15 };
}

/** Ticks to seconds. */
export function ticksToTimes(ticks: CpuTicks): CpuTimes {
  return Object.fromEntries(MODES.map((mode) => [mode, ticks[mode] / USER_HZ])) as unknown as CpuTimes;
}

const clamp01 = (value: number): number => Math.min(1, Math.max(0, value));

/**
 * Share of the interval spent in each mode, from two samples of the same line. A mode whose counter went
 * backwards counts as 0: iowait can legitimately decrease on NO_HZ kernels (proc.rst says so), and the
 * aggregate idle can step down when a CPU goes offline (the kernel switches that CPU from its NO_HZ idle
 * clock to the tick-based one). Null when no tick elapsed, since nothing can be said about an empty interval.
 */
export function cpuUtilization(current: CpuTicks, previous: CpuTicks): CpuUtilization | null {
  const delta = (mode: keyof CpuTimes): number => Math.max(0, current[mode] - previous[mode]);
  let wall = 0;
  for (const mode of WALL_MODES) wall += delta(mode);
  if (!(wall > 0)) return null;
  const share = Object.fromEntries(MODES.map((mode) => [mode, clamp01(delta(mode) / wall)])) as unknown as {
    [K in keyof CpuTimes]: number;
  };
  return { ...share, busy: clamp01(1 - share.idle - share.iowait) };
}

/** Nothing to configure yet; the factory takes options like every other collector's. */
export type CpuCollectorOptions = Readonly<Record<string, never>>;

/**
 * The `cpu` section: `/proc/stat` times, utilization between samples, kernel counters and their rates,
 * `/proc/loadavg`, and each CPU's current frequency from cpufreq (`scaling_cur_freq`, kHz).
 */
export function createCpuCollector(_options: CpuCollectorOptions = {}): Collector<'cpu'> {
  let previous: { stat: ProcStat; monotonicMs: number } | null = null;

  return {
    section: 'cpu',
    async collect(context) {
      const { roots } = context;
      const statPath = procPath(roots, 'stat');
      const statText = readKernelFileSync(statPath);
      if (statText === null) return unsupported(`${statPath} not present: not a Linux procfs`);
      const stat = parseProcStat(statText);
      const monotonicMs = context.clock.monotonicMs();
      if (stat.total === null) throw new Error(`${statPath}: no aggregate "cpu" line`);
      const required = (value: number | null, name: string): number => {
        if (value === null) throw new Error(`${statPath}: no "${name}" line`);
        return value;
      };
      const contextSwitches = required(stat.contextSwitches, 'ctxt');
      const interrupts = required(stat.interrupts, 'intr');
      const forks = required(stat.forks, 'processes');

      const loadPath = procPath(roots, 'loadavg');
      const loadText = readKernelFileSync(loadPath);
      if (loadText === null) throw new Error(`${loadPath} not present`);
      const load = parseLoadavg(loadText);
      if (load === null) throw new Error(`${loadPath}: unparseable ${JSON.stringify(loadText.slice(0, 80))}`);

      const cores: CpuCore[] = [...stat.cpus.entries()]
        .sort(([a], [b]) => a - b)
        .map(([cpu, ticks]) => {
          // A CPU that just came online has no previous sample: null, not a rate against zero.
          const before = previous?.stat.cpus.get(cpu);
          const khz = readIntSync(
            sysPath(roots, 'devices', 'system', 'cpu', `cpu${cpu}`, 'cpufreq', 'scaling_cur_freq'),
          );
          return {
            cpu,
            times: ticksToTimes(ticks),
            utilization: before === undefined ? null : cpuUtilization(ticks, before),
            frequencyHz: khz === null || khz <= 0 ? null : khz * 1000,
          };
        });

      let rates: CpuData['rates'] = null;
      if (previous !== null) {
        const seconds = intervalSeconds(monotonicMs, previous.monotonicMs);
        const perSec = (now: number, before: number | null): number | null =>
          counterRate(now, before ?? undefined, seconds);
        const contextSwitchesPerSec = perSec(contextSwitches, previous.stat.contextSwitches);
        const interruptsPerSec = perSec(interrupts, previous.stat.interrupts);
        const forksPerSec = perSec(forks, previous.stat.forks);
        if (contextSwitchesPerSec !== null && interruptsPerSec !== null && forksPerSec !== null) {
          rates = { contextSwitchesPerSec, interruptsPerSec, forksPerSec };
        }
      }
      const utilization =
        previous === null || previous.stat.total === null
          ? null
          : cpuUtilization(stat.total, previous.stat.total);
      previous = { stat, monotonicMs };

      const data: CpuData = {
        logicalCpus: stat.cpus.size,
        times: ticksToTimes(stat.total),
        utilization,
        cores,
        load,
        counters: { contextSwitches, interrupts, softInterrupts: stat.softInterrupts, forks },
        rates,
        procsRunning: stat.procsRunning ?? 0,
        procsBlocked: stat.procsBlocked ?? 0,
      };
      return ok(data);
    },
  };
}
