import type { CgroupsData, GpuData, NetProcessesData, PressureData, SensorsData } from '@sysray/proto';
import type { CollectContext, Collector, CollectOutcome } from '../../collectors/types.js';
import { unsupported } from '../../collectors/types.js';

/**
 * Why a Linux kernel feature is absent on this host. The fallback only runs off Linux in production; on
 * Linux (its live test) the Linux collectors are the ones that read the feature.
 */
export function linuxOnlyReason(feature: string, verb: 'is' | 'are', platform: NodeJS.Platform): string {
  return platform === 'linux'
    ? `${feature} ${verb} read by the Linux collectors, not the systeminformation fallback`
    : `${feature} ${verb} a Linux kernel feature; this host runs ${platform}`;
}

export function createFallbackCgroupsCollector(
  platform: NodeJS.Platform = process.platform,
): Collector<'cgroups'> {
  return {
    section: 'cgroups',
    collect: (_context: CollectContext): Promise<CollectOutcome<CgroupsData>> =>
      Promise.resolve(unsupported(linuxOnlyReason('cgroups', 'are', platform))),
  };
}

/** PSI (`/proc/pressure`, Linux 4.20+) has no counterpart on macOS or Windows. */
export function createFallbackPressureCollector(
  platform: NodeJS.Platform = process.platform,
): Collector<'pressure'> {
  return {
    section: 'pressure',
    collect: (_context: CollectContext): Promise<CollectOutcome<PressureData>> =>
      Promise.resolve(unsupported(linuxOnlyReason('pressure stall information (PSI)', 'is', platform))),
  };
}

/**
 * GPUs, hwmon/RAPL sensors and per-process sockets are read from sysfs, DRM fdinfo, nvidia-smi and ss on
 * Linux; the fallback has no equivalent source for them (systeminformation's graphics() is inventory, not
 * per-tick use).
 */
export function createFallbackGpuCollector(platform: NodeJS.Platform = process.platform): Collector<'gpu'> {
  return {
    section: 'gpu',
    collect: (_context: CollectContext): Promise<CollectOutcome<GpuData>> =>
      Promise.resolve(
        unsupported(linuxOnlyReason('GPU metrics (sysfs, DRM fdinfo, nvidia-smi)', 'are', platform)),
      ),
  };
}

export function createFallbackSensorsCollector(
  platform: NodeJS.Platform = process.platform,
): Collector<'sensors'> {
  return {
    section: 'sensors',
    collect: (_context: CollectContext): Promise<CollectOutcome<SensorsData>> =>
      Promise.resolve(
        unsupported(linuxOnlyReason('hardware sensors (hwmon, RAPL powercap)', 'are', platform)),
      ),
  };
}

export function createFallbackNetProcessesCollector(
  platform: NodeJS.Platform = process.platform,
): Collector<'netProcesses'> {
  return {
    section: 'netProcesses',
    collect: (_context: CollectContext): Promise<CollectOutcome<NetProcessesData>> =>
      Promise.resolve(
        unsupported(
          linuxOnlyReason(
            'per-process and per-namespace network (sock_diag, /proc/<pid>/fd)',
            'is',
            platform,
          ),
        ),
      ),
  };
}
