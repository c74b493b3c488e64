import { readdirSync } from 'node:fs';
import type { CgroupCpu, CgroupInfo, CgroupMemory, CgroupsData } from '@sysray/proto';
import { hostPathToLocal, procPath, type HostRoots } from '../platform/host-roots.js';
import { isAbsentError, isPermissionError, readKernelFileSync } from '../platform/read.js';
import {
  cgroupLayout,
  parseCgroupCpuMax,
  parseCgroupCpuStat,
  parseCgroupIoStat,
  parseCgroupMemoryEvents,
  parseCgroupMemoryStat,
  parseCgroupMounts,
  type CgroupCpuStat,
} from './cgroups-parse.js';
import { DEFAULT_COLLECTORS_CONFIG, type CollectorsConfig } from './config.js';
import { analyzeCgroupPath, type CgroupPathAnalysis } from './container-attribution.js';
import { parseMaxOrNumber } from './parse-util.js';
import { parsePressure } from './pressure-parse.js';
import { counterRate } from './rates.js';
import { ok, unsupported, type CollectContext, type Collector, type CollectOutcome } from './types.js';

/**
 * Resource use per cgroup from the cgroup v2 hierarchy (Documentation/admin-guide/cgroup-v2.rst). The tree
 * is walked whole, but only the root, every container and pod (at any depth) and systemd slices, services
 * and scopes down to `maxDepth` are reported: per-cgroup series stay bounded on a node with thousands of
 * leaf cgroups. On a cgroup v1-only host the section is `unsupported`.
 */

export type CgroupsCollectorOptions = Partial<CollectorsConfig['cgroups']>;

/** Previous counters of one cgroup, for rates. */
interface CpuSample {
  readonly usageUsec: number;
  readonly periods: number | null;
  readonly throttledPeriods: number | null;
  readonly atMs: number;
}

/** Container runtimes' short id: the first 12 hex characters, as `docker ps` shows it. */
const SHORT_ID_LENGTH = 12;

function readFailure(path: string, error: unknown): Error {
  return new Error(`reading ${path}: ${(error as Error).message}`, { cause: error });
}

/**
 * A cgroup interface file; null when absent: a controller not enabled for the cgroup, a file the root
 * does not have, a cgroup removed while it was read. EOPNOTSUPP is absent too: pressure files refuse
 * reads when PSI is disabled at boot (psi=0, kernel/sched/psi.c).
 */
function readCgroupFile(dir: string, file: string): string | null {
  const path = `${dir}/${file}`;
  try {
    return readKernelFileSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EOPNOTSUPP') return null;
    throw readFailure(path, error);
  }
}

/** Child cgroups of a directory, sorted; [] when it vanished. Real cgroupfs has no symlinks to follow. */
function childCgroups(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name)
      .sort();
  } catch (error) {
    if (isAbsentError(error)) return [];
    throw readFailure(dir, error);
  }
}

function displayName(path: string, analysis: CgroupPathAnalysis): string {
  const { attribution } = analysis;
  if (analysis.leaf === 'root') return '/';
  if (analysis.leaf === 'container' && attribution.containerId !== null) {
    return analysis.containerName ?? attribution.containerId.slice(0, SHORT_ID_LENGTH);
  }
  if (analysis.leaf === 'pod' && attribution.podUid !== null) return attribution.podUid;
  return path.slice(path.lastIndexOf('/') + 1);
}

/**
 * `memory.current` does not exist on the root cgroup (cgroup-v2.rst: "non-root"). For the root, the total
 * is rebuilt from `memory.stat` out of the categories v2 charges to a cgroup: anon, file, kernel and sock
 * (`kernel` from its parts before Linux 5.18).
 */
function readMemory(dir: string): CgroupMemory | null {
  const currentText = readCgroupFile(dir, 'memory.current');
  const statText = readCgroupFile(dir, 'memory.stat');
  if (currentText === null && statText === null) return null;
  const stat = statText === null ? null : parseCgroupMemoryStat(statText);
  let currentBytes = currentText === null ? null : parseMaxOrNumber(currentText);
  if (currentBytes === null) {
    if (stat === null) return null;
    currentBytes = (stat.anon ?? 0) + (stat.file ?? 0) + (stat.kernel ?? stat.kernelParts) + (stat.sock ?? 0);
  }
  const optional = (file: string): number | null => {
    const text = readCgroupFile(dir, file);
    return text === null ? null : parseMaxOrNumber(text);
  };
  const eventsText = readCgroupFile(dir, 'memory.events');
  return {
    currentBytes,
    maxBytes: optional('memory.max'),
    highBytes: optional('memory.high'),
    swapCurrentBytes: optional('memory.swap.current'),
    anonBytes: stat?.anon ?? null,
    fileBytes: stat?.file ?? null,
    kernelBytes: stat?.kernel ?? null,
    sockBytes: stat?.sock ?? null,
    shmemBytes: stat?.shmem ?? null,
    events:
      eventsText === null
        ? { low: 0, high: 0, max: 0, oom: 0, oomKill: 0 }
        : parseCgroupMemoryEvents(eventsText),
  };
}

function readPressure(dir: string, file: string): ReturnType<typeof parsePressure> {
  const text = readCgroupFile(dir, file);
  return text === null ? null : parsePressure(text);
}

/** Reads `<proc>/1/mountinfo`, or the agent's own when pid 1's is hidden (hidepid) or absent. */
function readMountinfo(roots: HostRoots): string {
  let lastPath = '';
  for (const pid of ['1', 'self']) {
    lastPath = procPath(roots, pid, 'mountinfo');
    try {
      const text = readKernelFileSync(lastPath);
      if (text !== null) return text;
    } catch (error) {
      if (!isPermissionError(error)) throw readFailure(lastPath, error);
    }
  }
  throw new Error(`reading ${lastPath}: no readable mountinfo for pid 1 or self`);
}

export function createCgroupsCollector(options: CgroupsCollectorOptions = {}): Collector<'cgroups'> {
  const maxDepth = Math.max(0, Math.floor(options.maxDepth ?? DEFAULT_COLLECTORS_CONFIG.cgroups.maxDepth));
  let previous = new Map<string, CpuSample>();

  const cpuOf = (path: string, stat: CgroupCpuStat, limitCores: number | null, nowMs: number): CgroupCpu => {
    const before = previous.get(path);
    const seconds = before === undefined ? 0 : (nowMs - before.atMs) / 1000;
    const usagePerSec = counterRate(stat.usageUsec, before?.usageUsec, seconds);
    let throttledFraction: number | null = null;
    if (
      before !== undefined &&
      seconds > 0 &&
      stat.periods !== null &&
      stat.throttledPeriods !== null &&
      before.periods !== null &&
      before.throttledPeriods !== null
    ) {
      const periods = stat.periods - before.periods;
      const throttled = stat.throttledPeriods - before.throttledPeriods;
      // Counters that went back mean the cgroup was recreated under the same path: unknown, not zero.
      if (periods >= 0 && throttled >= 0)
        throttledFraction = periods === 0 ? 0 : Math.min(1, throttled / periods);
    }
    return {
      usageSeconds: stat.usageUsec / 1e6,
      userSeconds: stat.userUsec / 1e6,
      systemSeconds: stat.systemUsec / 1e6,
      periods: stat.periods,
      throttledPeriods: stat.throttledPeriods,
      throttledSeconds: stat.throttledUsec === null ? null : stat.throttledUsec / 1e6,
      limitCores,
      usageCores: usagePerSec === null ? null : usagePerSec / 1e6,
      throttledFraction,
    };
  };

  return {
    section: 'cgroups',
    async collect(context: CollectContext): Promise<CollectOutcome<CgroupsData>> {
      const { roots, signal } = context;
      const mountinfo = readMountinfo(roots);
      const layout = cgroupLayout(parseCgroupMounts(mountinfo));
      if (layout === null) {
        return unsupported(
          'no cgroup2 mount: the host is cgroup v1 only (cgroup v2 needs Linux 4.5+ booted with ' +
            'systemd.unified_cgroup_hierarchy=1, or a distribution that defaults to it such as Ubuntu 21.10+, ' +
            'Debian 11+, RHEL 9+ or Fedora 31+)',
        );
      }

      const nowMs = context.clock.monotonicMs();
      const current = new Map<string, CpuSample>();
      const groups: CgroupInfo[] = [];
      const mountDir = hostPathToLocal(roots, layout.mountPoint);

      const report = (path: string, dir: string, analysis: CgroupPathAnalysis): void => {
        const cpuStatText = readCgroupFile(dir, 'cpu.stat');
        const cpuStat = cpuStatText === null ? null : parseCgroupCpuStat(cpuStatText);
        const memory = readMemory(dir);
        const ioText = readCgroupFile(dir, 'io.stat');
        const pidsText = readCgroupFile(dir, 'pids.current');
        const pressure = {
          cpu: readPressure(dir, 'cpu.pressure'),
          memory: readPressure(dir, 'memory.pressure'),
          io: readPressure(dir, 'io.pressure'),
        };
        // Every file gone: the cgroup was removed (a container exited) while the tree was walked.
        if (
          analysis.leaf !== 'root' &&
          cpuStat === null &&
          memory === null &&
          ioText === null &&
          pidsText === null &&
          pressure.cpu === null &&
          pressure.memory === null &&
          pressure.io === null
        ) {
          return;
        }
        let cpu: CgroupCpu | null = null;
        if (cpuStat !== null) {
          const maxText = readCgroupFile(dir, 'cpu.max');
          cpu = cpuOf(path, cpuStat, maxText === null ? null : parseCgroupCpuMax(maxText), nowMs);
          current.set(path, {
            usageUsec: cpuStat.usageUsec,
            periods: cpuStat.periods,
            throttledPeriods: cpuStat.throttledPeriods,
            atMs: nowMs,
          });
        }
        let pids: CgroupInfo['pids'] = null;
        const pidsCurrent = pidsText === null ? null : parseMaxOrNumber(pidsText);
        if (pidsCurrent !== null) {
          const maxText = readCgroupFile(dir, 'pids.max');
          pids = { current: pidsCurrent, max: maxText === null ? null : parseMaxOrNumber(maxText) };
        }
        groups.push({
          path,
          kind: analysis.leaf,
          name: displayName(path, analysis),
          attribution: analysis.attribution,
          cpu,
          memory,
          io: ioText === null ? [] : parseCgroupIoStat(ioText),
          pids,
          pressure,
        });
      };

      const visit = (path: string, dir: string, depth: number): void => {
        if (signal.aborted) throw new Error('cgroups collection aborted (timeout)');
        const analysis = analyzeCgroupPath(path);
        const leaf = analysis.leaf;
        const wanted =
          leaf === 'root' ||
          leaf === 'container' ||
          leaf === 'pod' ||
          ((leaf === 'slice' || leaf === 'service' || leaf === 'scope') && depth <= maxDepth);
        if (wanted) report(path, dir, analysis);
        // Containers and pods can sit at any depth (kubepods: 4), so the walk does not stop at maxDepth.
        for (const child of childCgroups(dir)) {
          visit(path === '/' ? `/${child}` : `${path}/${child}`, `${dir}/${child}`, depth + 1);
        }
      };

      // Every cgroup2 root has cgroup.controllers; without it the mount that mountinfo names is not visible
      // through the roots (an agent container without the host's /sys): a failure, not an absent feature.
      if (readCgroupFile(mountDir, 'cgroup.controllers') === null) {
        throw new Error(
          `reading ${mountDir}/cgroup.controllers: cgroup2 is mounted at ${layout.mountPoint} but not readable here`,
        );
      }
      visit('/', mountDir, 0);
      // Cgroups that disappeared leave the rate state with this swap.
      previous = current;
      return ok({ mode: layout.mode, mountPoint: layout.mountPoint, groups });
    },
  };
}
