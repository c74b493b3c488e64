import type { CpuInfo } from 'node:os';
import { CPU_MODES, type CpuCore, type CpuData, type CpuTimes, type CpuUtilization } from '@sysray/proto';
import type { CollectContext, Collector, CollectOutcome } from '../../collectors/types.js';
import { ok } from '../../collectors/types.js';
import type { FallbackSourceOptions } from './source.js';
import { UNAVAILABLE, resolveFallbackSources } from './source.js';

/**
 * Per-mode CPU time from Node's `os.cpus()`, which reports milliseconds on every OS (libuv `uv_cpu_info`):
 * macOS from `host_processor_info` ticks, Windows from `NtQuerySystemInformation` (kernel time less idle
 * as `sys`, interrupt time as `irq`), Linux from /proc/stat. Modes the OS does not account separately —
 * iowait, softirq, steal, guest — are 0 (UNAVAILABLE): macOS and Windows count that time as idle or system.
 */
export function cpuTimesFromNode(times: CpuInfo['times']): CpuTimes {
  return {
    user: times.user / 1000,
    nice: times.nice / 1000,
    system: times.sys / 1000,
    idle: times.idle / 1000,
    iowait: UNAVAILABLE,
    irq: times.irq / 1000,
    softirq: UNAVAILABLE,
    steal: UNAVAILABLE,
    guest: UNAVAILABLE,
    guestNice: UNAVAILABLE,
  };
}

const MODES = CPU_MODES;

export function sumCpuTimes(all: readonly CpuTimes[]): CpuTimes {
  const total = Object.fromEntries(MODES.map((mode) => [mode, 0])) as Record<keyof CpuTimes, number>;
  for (const times of all) for (const mode of MODES) total[mode] += times[mode];
  return total;
}

/**
 * Share of the interval in each mode, from two cumulative samples. The denominator leaves guest time out
 * because the kernel already counts it in user. Null when a counter went backwards (a CPU taken offline
 * and back) or no time passed.
 */
export function cpuUtilization(current: CpuTimes, previous: CpuTimes | undefined): CpuUtilization | null {
  if (previous === undefined) return null;
  const delta = {} as Record<keyof CpuTimes, number>;
  for (const mode of MODES) {
    delta[mode] = current[mode] - previous[mode];
    if (delta[mode] < 0) return null;
  }
  const total = MODES.filter((mode) => mode !== 'guest' && mode !== 'guestNice').reduce(
    (sum, m) => sum + delta[m],
    0,
  );
  if (!(total > 0)) return null;
  const share = Object.fromEntries(MODES.map((mode) => [mode, delta[mode] / total])) as Record<
    keyof CpuTimes,
    number
  >;
  return { ...share, busy: Math.max(0, 1 - share.idle - share.iowait) };
}

export interface CpuInput {
  readonly cpus: readonly CpuInfo[];
  readonly loadavg: readonly number[];
  readonly platform: NodeJS.Platform;
}

/** What a CPU collector keeps between samples. */
export interface CpuPrevious {
  readonly cores: readonly CpuTimes[];
  readonly total: CpuTimes;
}

/**
 * The cpu section from `os.cpus()` and `os.loadavg()`. systeminformation reads the same sources for
 * `currentLoad()` but keeps its previous sample in module scope, so the deltas are taken here instead.
 *
 * Context switches, interrupts, forks and the run queue come from /proc/stat on Linux and have no
 * equivalent here: they are 0 (UNAVAILABLE), `softInterrupts` and `rates` are null. `frequencyHz` is null
 * off Linux because Node reports a nominal figure there, not the current frequency: the base clock from
 * the registry on Windows, `hw.cpufrequency` on Intel Macs, which Apple silicon does not expose.
 */
export function mapCpu(input: CpuInput, previous: CpuPrevious | null): { data: CpuData; state: CpuPrevious } {
  const coreTimes = input.cpus.map((cpu) => cpuTimesFromNode(cpu.times));
  const total = sumCpuTimes(coreTimes);
  const cores: CpuCore[] = input.cpus.map((cpu, index) => {
    const times = coreTimes[index] as CpuTimes;
    return {
      cpu: index,
      times,
      utilization: previous === null ? null : cpuUtilization(times, previous.cores[index]),
      frequencyHz: input.platform === 'linux' && cpu.speed > 0 ? cpu.speed * 1e6 : null,
    };
  });
  const [load1 = 0, load5 = 0, load15 = 0] = input.loadavg;
  const data: CpuData = {
    logicalCpus: input.cpus.length,
    times: total,
    // A CPU that came or went changes the sum: the machine-wide share over that interval is unknown.
    utilization:
      previous !== null && previous.cores.length === coreTimes.length
        ? cpuUtilization(total, previous.total)
        : null,
    cores,
    // Windows has no load average; Node returns [0, 0, 0] there (UNAVAILABLE).
    load: { load1, load5, load15 },
    counters: {
      contextSwitches: UNAVAILABLE,
      interrupts: UNAVAILABLE,
      softInterrupts: null,
      forks: UNAVAILABLE,
    },
    rates: null,
    procsRunning: UNAVAILABLE,
    procsBlocked: UNAVAILABLE,
  };
  return { data, state: { cores: coreTimes, total } };
}

export type FallbackCpuCollectorOptions = FallbackSourceOptions;

export function createFallbackCpuCollector(options: FallbackCpuCollectorOptions = {}): Collector<'cpu'> {
  const sources = resolveFallbackSources(options);
  let previous: CpuPrevious | null = null;
  return {
    section: 'cpu',
    async collect(_context: CollectContext): Promise<CollectOutcome<CpuData>> {
      const cpus = sources.os.cpus();
      if (cpus.length === 0) throw new Error('os.cpus() returned no CPUs');
      const { data, state } = mapCpu(
        { cpus, loadavg: sources.os.loadavg(), platform: sources.platform },
        previous,
      );
      previous = state;
      return ok(data);
    },
  };
}
