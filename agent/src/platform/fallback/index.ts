import type { SectionName } from '@sysray/proto';
import type { CollectorsConfig } from '../../collectors/config.js';
import type { AnyCollector } from '../../collectors/types.js';
import { createFallbackCpuCollector } from './cpu.js';
import { createFallbackDisksCollector } from './disks.js';
import { createFallbackFilesystemsCollector } from './filesystems.js';
import {
  createFallbackCgroupsCollector,
  createFallbackGpuCollector,
  createFallbackNetProcessesCollector,
  createFallbackPressureCollector,
  createFallbackSensorsCollector,
} from './linux-only.js';
import { createFallbackMemoryCollector } from './memory.js';
import { createFallbackNetworkCollector } from './network.js';
import { createFallbackProcessesCollector } from './processes.js';
import type { FallbackSourceOptions } from './source.js';
import { resolveFallbackSources } from './source.js';
import { createFallbackSystemCollector } from './system.js';

/**
 * The collectors for hosts without /proc and /sys (macOS, Windows): the baseline sections from
 * systeminformation and Node's `os`, and cgroups, pressure, gpu, sensors and netProcesses as `unsupported`. One collector per section,
 * in Snapshot order, each with its own delta state. `options` injects the sources (tests pass recorded
 * outputs); by default the real library is loaded on the first collection.
 */
export function createFallbackCollectors(
  config: CollectorsConfig,
  options: FallbackSourceOptions = {},
): AnyCollector[] {
  const sources = resolveFallbackSources(options);
  // One resolved source for all: the real library is imported once, and the platform is the same everywhere.
  const shared: FallbackSourceOptions = { os: sources.os, platform: sources.platform, si: options.si };
  return [
    createFallbackSystemCollector(shared),
    createFallbackCpuCollector(shared),
    createFallbackMemoryCollector(shared),
    createFallbackDisksCollector({ ...shared, filter: config.disks }),
    createFallbackFilesystemsCollector({ ...shared, filter: config.filesystems }),
    createFallbackNetworkCollector({ ...shared, filter: config.network.interfaces }),
    createFallbackProcessesCollector({ ...shared, config: config.processes }),
    createFallbackCgroupsCollector(sources.platform),
    createFallbackPressureCollector(sources.platform),
    createFallbackGpuCollector(sources.platform),
    createFallbackSensorsCollector(sources.platform),
    createFallbackNetProcessesCollector(sources.platform),
  ];
}

const CPU_MODES_WITHOUT_SOURCE = ['iowait', 'softirq', 'steal', 'guest', 'guestNice'];

/**
 * The fields of each section that carry a placeholder (UNAVAILABLE, 0, or '' for a string) on the
 * fallback path of `platform`, because the Snapshot type requires a value systeminformation cannot give.
 * Paths are dotted; `*` stands for every element of an array or every key of an object. A reader shows
 * these as "n/a"; fields the type lets be null are null instead and are not listed.
 */
export function fallbackPlaceholderFields(platform: NodeJS.Platform): {
  readonly [K in SectionName]: readonly string[];
} {
  const linux = platform === 'linux';
  const cpuModes = CPU_MODES_WITHOUT_SOURCE.flatMap((mode) => [`times.${mode}`, `cores.*.times.${mode}`]);
  return {
    system: [],
    cpu: [
      ...cpuModes,
      'counters.contextSwitches',
      'counters.interrupts',
      'counters.forks',
      'procsRunning',
      'procsBlocked',
      ...(platform === 'win32' ? ['load.load1', 'load.load5', 'load.load15'] : []),
    ],
    memory: [
      'sharedBytes',
      'hugepages.*',
      'swap.cachedBytes',
      'paging.pgfault',
      'paging.pgmajfault',
      'paging.pgpgin',
      'paging.pgpgout',
      'paging.pswpin',
      'paging.pswpout',
      'paging.pgscan',
      'paging.pgsteal',
      ...(linux
        ? []
        : ['buffersBytes', 'slabReclaimableBytes', 'slabUnreclaimableBytes', 'dirtyBytes', 'writebackBytes']),
      ...(platform === 'win32' ? ['cachedBytes'] : []),
    ],
    disks: [
      'devices.*.devNumber',
      'devices.*.counters.readsMerged',
      'devices.*.counters.writesMerged',
      'devices.*.counters.ioInProgress',
      'devices.*.counters.weightedIoTimeSeconds',
      'devices.*.rates.readMergesPerSec',
      'devices.*.rates.writeMergesPerSec',
      'devices.*.rates.queueDepth',
      ...(linux
        ? []
        : [
            'devices.*.counters.readTimeSeconds',
            'devices.*.counters.writeTimeSeconds',
            'devices.*.counters.ioTimeSeconds',
            'devices.*.rates.utilization',
          ]),
    ],
    filesystems: ['mounts.*.devNumber', 'mounts.*.inodesTotal', 'mounts.*.inodesFree', 'mounts.*.inodesUsed'],
    network: [
      'interfaces.*.counters.rxPackets',
      'interfaces.*.counters.txPackets',
      'interfaces.*.counters.rxMulticast',
      'interfaces.*.counters.collisions',
      'interfaces.*.rates.rxPacketsPerSec',
      'interfaces.*.rates.txPacketsPerSec',
      'interfaces.*.rates.rxMulticastPerSec',
      'interfaces.*.rates.collisionsPerSec',
      'protocol.*',
    ],
    processes: ['counts.threads', 'top.*.userSeconds', 'top.*.systemSeconds', 'top.*.threads'],
    cgroups: [],
    pressure: [],
    gpu: [],
    sensors: [],
    netProcesses: [],
  };
}

export { createFallbackCpuCollector, cpuTimesFromNode, cpuUtilization, mapCpu } from './cpu.js';
export type { CpuInput, CpuPrevious, FallbackCpuCollectorOptions } from './cpu.js';
export {
  ALL_DISKS_NAME,
  createFallbackDisksCollector,
  diskCounters,
  diskRates,
  diskTotalsFromSi,
  mapDisks,
  physicalDisks,
} from './disks.js';
export type { DiskTotals, DisksInput, FallbackDisksCollectorOptions, PhysicalDisk } from './disks.js';
export { createFallbackFilesystemsCollector, mapFilesystems, mapMount } from './filesystems.js';
export type { FallbackFilesystemsCollectorOptions } from './filesystems.js';
export {
  createFallbackCgroupsCollector,
  createFallbackGpuCollector,
  createFallbackNetProcessesCollector,
  createFallbackPressureCollector,
  createFallbackSensorsCollector,
  linuxOnlyReason,
} from './linux-only.js';
export { createFallbackMemoryCollector, mapMemory } from './memory.js';
export type { FallbackMemoryCollectorOptions } from './memory.js';
export {
  createFallbackNetworkCollector,
  interfaceCounters,
  interfaceKind,
  interfaceRates,
  mapNetwork,
  socketCounts,
  tcpState,
} from './network.js';
export type { FallbackNetworkCollectorOptions, NetworkInput } from './network.js';
export {
  commandLine,
  compileIncludeRules,
  cpuPercents,
  createFallbackProcessesCollector,
  mapProcess,
  mapProcesses,
  parseStarted,
  stateLetter,
} from './processes.js';
export type { FallbackProcessesCollectorOptions, ProcessesMapConfig } from './processes.js';
export { SI_CACHE_WINDOW_MS, UNAVAILABLE, loadSystemInformation, resolveFallbackSources } from './source.js';
export type { FallbackSourceOptions, FallbackSources, OsApi, SiApi } from './source.js';
export {
  createFallbackSystemCollector,
  mapOsRelease,
  mapSystem,
  mapVirtualization,
  normalizeOsType,
  otelArch,
} from './system.js';
export type { FallbackSystemCollectorOptions, SystemInput } from './system.js';
