import type { SectionName } from '@sysray/proto';
import type { CollectorsConfig } from '../collectors/config.js';
import type { HostRoots } from '../platform/host-roots.js';
import { resolveHostRoots } from '../platform/host-roots.js';
import type { AgentConfig } from './schema.js';

/** The collectors' options from the agent configuration. */
export function collectorsConfigFrom(config: AgentConfig): CollectorsConfig {
  const { processes, disks, filesystems, network, cgroups } = config.collectors;
  return {
    processes: { ...processes },
    disks: { include: disks.include, exclude: disks.exclude },
    filesystems: {
      mountPoints: { include: filesystems.include, exclude: filesystems.exclude },
      fsTypes: { include: filesystems.fsTypeInclude, exclude: filesystems.fsTypeExclude },
      statfsTimeoutMs: filesystems.statfsTimeoutMs,
    },
    network: { interfaces: { include: network.include, exclude: network.exclude } },
    cgroups: { maxDepth: cgroups.maxDepth },
  };
}

/**
 * Host roots from the configuration. Environment and flags were merged into it already, so the
 * environment is not read again here; unset proc and sys roots follow rootfs.
 */
export function hostRootsFromConfig(config: AgentConfig): HostRoots {
  return resolveHostRoots(
    {
      rootfs: config.agent.rootfs,
      ...(config.agent.procRoot === null ? {} : { proc: config.agent.procRoot }),
      ...(config.agent.sysRoot === null ? {} : { sys: config.agent.sysRoot }),
    },
    {},
  );
}

/** Per-collector intervals for the scheduler. */
export function intervalsFrom(config: AgentConfig): Partial<Record<SectionName, number>> {
  return { ...config.agent.intervalsMs };
}
