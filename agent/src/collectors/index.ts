import type { CollectorsConfig } from './config.js';
import { createCgroupsCollector } from './cgroups.js';
import { createCpuCollector } from './cpu.js';
import { createDisksCollector } from './disks.js';
import { createFilesystemsCollector, type FilesystemsCollectorOptions } from './filesystems.js';
import { createGpuCollector, type GpuCollectorOptions } from './gpu.js';
import { createMemoryCollector } from './memory.js';
import { createNetProcessesCollector, type NetProcessesCollectorOptions } from './net-processes.js';
import { createNetworkCollector } from './network.js';
import { createPressureCollector } from './pressure.js';
import { createProcessesCollector } from './processes.js';
import { createSensorsCollector } from './sensors.js';
import { createSystemCollector } from './system.js';
import type { AnyCollector } from './types.js';

/**
 * What a test pins so that collecting a fixture tree gives the same Snapshot on every machine: the tree
 * carries the kernel's files, but statfs, the page size and the CPU architecture come from the running host.
 */
export interface LinuxCollectorOverrides {
  readonly arch?: string;
  readonly pageSizeBytes?: number;
  readonly statfs?: FilesystemsCollectorOptions['statfs'];
  /**
   * The tools behind the gpu and netProcesses sections run on the live host whatever the roots say (nvidia-smi
   * asks the driver, ss asks the kernel's netlink): a fixture tree pins them (a stand-in, or null for none).
   */
  readonly gpu?: GpuCollectorOptions;
  readonly netProcesses?: NetProcessesCollectorOptions;
}

/** The one list of Linux collectors, in the order their sections appear in a Snapshot. */
export function createLinuxCollectors(
  config: CollectorsConfig,
  overrides: LinuxCollectorOverrides = {},
): AnyCollector[] {
  return [
    createSystemCollector(overrides.arch === undefined ? {} : { arch: overrides.arch }),
    createCpuCollector(),
    createMemoryCollector(),
    createDisksCollector(config.disks),
    createFilesystemsCollector({ ...config.filesystems, statfs: overrides.statfs }),
    createNetworkCollector(config.network),
    createProcessesCollector({
      ...config.processes,
      ...(overrides.pageSizeBytes === undefined ? {} : { pageSizeBytes: overrides.pageSizeBytes }),
    }),
    createCgroupsCollector(config.cgroups),
    createPressureCollector(),
    createGpuCollector(overrides.gpu ?? {}),
    createSensorsCollector(),
    createNetProcessesCollector(overrides.netProcesses ?? {}),
  ];
}
