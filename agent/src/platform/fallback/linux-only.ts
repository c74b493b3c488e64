import type { CgroupsData, PressureData } from '@sysray/proto';
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
