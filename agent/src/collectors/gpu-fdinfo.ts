import { statSync, statfsSync } from 'node:fs';
import type { GpuEngineUtilization, GpuMemoryRegion } from '@sysray/proto';
import { procPath, type HostRoots } from '../platform/host-roots.js';
import { isPermissionError, listDirSync, readKernelFileSync, readLinkSync } from '../platform/read.js';

/**
 * Per-process GPU use from DRM fdinfo: every open DRM file (`/dev/dri/card*`, `/dev/dri/renderD*`) shows
 * `drm-*` keys in `/proc/<pid>/fdinfo/<fd>` (Documentation/gpu/drm-usage-stats.rst; amdgpu since Linux
 * 5.14, i915 5.19, xe 6.8, msm/panfrost/v3d too). Engine busy time is cumulative, so utilization needs two
 * samples; memory is a level.
 *
 * Finding the processes that hold DRM files means reading fd links, which costs one readlink per open file.
 * The scan is bounded: processes known to hold DRM files are re-read every tick, new processes are checked
 * when they appear, and the others are re-checked in a rolling slice (one pid in `rediscoverTicks` per
 * tick), so a long-running process that opens the GPU later is found within that many ticks.
 */

/** statfs(2) f_type of procfs (PROC_SUPER_MAGIC, include/uapi/linux/magic.h). */
const PROC_SUPER_MAGIC = 0x9fa0;

/** Whether `procDir` is a real procfs mount (not a copied tree), where fd/ sizes mean something. */
export function isProcfs(procDir: string): boolean {
  try {
    return statfsSync(procDir).type === PROC_SUPER_MAGIC;
  } catch {
    return false;
  }
}

/**
 * How many files a process has open. Since Linux 6.2 stat() of `/proc/<pid>/fd` reports that count as the
 * directory's size (fs/proc/fd.c, proc_fd_getattr), one syscall instead of listing a directory that may hold
 * thousands of entries; before 6.2 (size 0), and outside procfs, the directory is listed. Throws what
 * listing throws (a permission error for another user's process); -1 when the process is gone.
 */
export function openFdCount(fdDir: string, procfs: boolean): number {
  if (procfs) {
    try {
      const size = statSync(fdDir).size;
      if (size > 0) return size;
    } catch {
      // Gone, or not ours: listing below says which.
    }
  }
  try {
    return listDirSync(fdDir).length;
  } catch (error) {
    if (isPermissionError(error)) throw error;
    return -1;
  }
}

/** One DRM client as its fdinfo shows it. */
export interface DrmFdinfo {
  readonly driver: string;
  /** PCI address of the device, `0000:03:00.0` (`drm-pdev`); null on drivers or kernels without it. */
  readonly pdev: string | null;
  /** Unique per open DRM file description (`drm-client-id`): dup'd or inherited fds show the same id. */
  readonly clientId: string | null;
  /** Busy time per engine class, nanoseconds, cumulative (`drm-engine-<class>`). */
  readonly engineNs: ReadonlyMap<string, number>;
  /** Engines of a class the busy time is spread over (`drm-engine-capacity-<class>`, default 1). */
  readonly capacity: ReadonlyMap<string, number>;
  /** GPU cycles the client ran per class and the class's elapsed cycles (`drm-cycles-*`, `drm-total-cycles-*`; xe). */
  readonly cycles: ReadonlyMap<string, number>;
  readonly totalCycles: ReadonlyMap<string, number>;
  /** Bytes per memory region. */
  readonly regions: ReadonlyMap<
    string,
    { readonly totalBytes: number | null; readonly residentBytes: number | null }
  >;
}

const SIZE_UNITS: Readonly<Record<string, number>> = {
  '': 1,
  B: 1,
  KiB: 1024,
  MiB: 1024 * 1024,
  GiB: 1024 ** 3,
};

/** A memory value, `<uint> [KiB|MiB]` (bytes without a unit), in bytes; null when malformed. */
export function parseDrmSize(text: string): number | null {
  const match = /^(\d+)\s*([A-Za-z]*)$/.exec(text.trim());
  if (match === null) return null;
  const factor = SIZE_UNITS[match[2] as string];
  return factor === undefined ? null : Number(match[1]) * factor;
}

/** The leading unsigned integer of a value (`123456 ns` → 123456). */
function leadingInteger(text: string): number | null {
  const match = /^(\d+)/.exec(text.trim());
  return match === null ? null : Number(match[1]);
}

/**
 * Parses one fdinfo file. Null when it is not a DRM file (no `drm-driver`). Key order follows the
 * document's precedence: `drm-engine-capacity-` before `drm-engine-`, `drm-total-cycles-` before
 * `drm-total-`; `drm-memory-<region>` (the original name, amdgpu before 6.9) counts as the region's total.
 */
export function parseDrmFdinfo(text: string): DrmFdinfo | null {
  let driver: string | null = null;
  let pdev: string | null = null;
  let clientId: string | null = null;
  const engineNs = new Map<string, number>();
  const capacity = new Map<string, number>();
  const cycles = new Map<string, number>();
  const totalCycles = new Map<string, number>();
  const totals = new Map<string, number>();
  const legacy = new Map<string, number>();
  const resident = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line.startsWith('drm-')) continue;
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const key = line.slice(0, colon);
    const value = line.slice(colon + 1).trim();
    const put = (map: Map<string, number>, prefix: string, parse: (v: string) => number | null) => {
      const name = key.slice(prefix.length);
      const n = parse(value);
      if (name !== '' && n !== null) map.set(name, n);
    };
    if (key === 'drm-driver') driver = value;
    else if (key === 'drm-pdev') pdev = value.toLowerCase();
    else if (key === 'drm-client-id') clientId = value;
    else if (key.startsWith('drm-engine-capacity-')) put(capacity, 'drm-engine-capacity-', leadingInteger);
    else if (key.startsWith('drm-engine-')) put(engineNs, 'drm-engine-', leadingInteger);
    else if (key.startsWith('drm-total-cycles-')) put(totalCycles, 'drm-total-cycles-', leadingInteger);
    else if (key.startsWith('drm-cycles-')) put(cycles, 'drm-cycles-', leadingInteger);
    else if (key.startsWith('drm-maxfreq-')) continue;
    else if (key.startsWith('drm-total-')) put(totals, 'drm-total-', parseDrmSize);
    else if (key.startsWith('drm-memory-')) put(legacy, 'drm-memory-', parseDrmSize);
    else if (key.startsWith('drm-resident-')) put(resident, 'drm-resident-', parseDrmSize);
  }
  if (driver === null || driver === '') return null;
  const regions = new Map<string, { totalBytes: number | null; residentBytes: number | null }>();
  for (const name of new Set([...totals.keys(), ...legacy.keys(), ...resident.keys()])) {
    regions.set(name, {
      totalBytes: totals.get(name) ?? legacy.get(name) ?? null,
      residentBytes: resident.get(name) ?? null,
    });
  }
  return { driver, pdev, clientId, engineNs, capacity, cycles, totalCycles, regions };
}

/** Per engine class utilization of one client between two readings; classes without a previous reading are left out. */
export function clientEngineUtilization(
  current: DrmFdinfo,
  previous: Pick<DrmFdinfo, 'engineNs' | 'cycles' | 'totalCycles'>,
  seconds: number,
): Map<string, number> {
  const result = new Map<string, number>();
  const capacityOf = (engine: string) => Math.max(1, current.capacity.get(engine) ?? 1);
  if (seconds > 0) {
    for (const [engine, ns] of current.engineNs) {
      const before = previous.engineNs.get(engine);
      if (before === undefined || ns < before) continue;
      result.set(engine, Math.min(1, (ns - before) / (seconds * 1e9 * capacityOf(engine))));
    }
  }
  // xe reports cycles against the engine's own elapsed cycles: no wall clock involved.
  for (const [engine, used] of current.cycles) {
    const total = current.totalCycles.get(engine);
    const usedBefore = previous.cycles.get(engine);
    const totalBefore = previous.totalCycles.get(engine);
    if (total === undefined || usedBefore === undefined || totalBefore === undefined) continue;
    const elapsed = total - totalBefore;
    if (elapsed <= 0 || used < usedBefore) continue;
    result.set(engine, Math.min(1, (used - usedBefore) / (elapsed * capacityOf(engine))));
  }
  return result;
}

/** What one process uses on one device. */
export interface FdinfoProcessUse {
  readonly pid: number;
  readonly driver: string;
  readonly pdev: string | null;
  /** Empty on first sight. */
  readonly engines: readonly GpuEngineUtilization[];
  /** The busiest engine class, fraction 0..1; null on first sight or without engine keys. */
  readonly utilization: number | null;
  readonly memoryRegions: readonly GpuMemoryRegion[];
  /** Sum of resident (else total) bytes over regions; null without memory keys. */
  readonly memoryBytes: number | null;
}

export interface FdinfoSample {
  readonly processes: readonly FdinfoProcessUse[];
  /** Engine utilization summed over all clients of a device, keyed by `pdev` (or `driver:` when unknown). */
  readonly deviceEngines: ReadonlyMap<string, readonly GpuEngineUtilization[]>;
  /** Processes whose fd links were read this tick (the scan's cost). */
  readonly scannedProcesses: number;
  readonly unavailable: string | null;
}

export interface FdinfoScannerOptions {
  /** Every process is re-checked for DRM files at least once in this many ticks. */
  readonly rediscoverTicks?: number;
}

interface KnownProcess {
  fds: number[];
  /** Entries in fd/ when the links were last read; -1 forces a re-read. */
  fdCount: number;
}

interface ClientState {
  engineNs: ReadonlyMap<string, number>;
  cycles: ReadonlyMap<string, number>;
  totalCycles: ReadonlyMap<string, number>;
  atMs: number;
  seenTick: number;
}

function sumEngines(target: Map<string, number>, source: ReadonlyMap<string, number>): void {
  for (const [engine, value] of source) target.set(engine, Math.min(1, (target.get(engine) ?? 0) + value));
}

function engineList(map: ReadonlyMap<string, number>): GpuEngineUtilization[] {
  return [...map.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([engine, utilization]) => ({ engine, utilization }));
}

export class DrmFdinfoScanner {
  private readonly rediscoverTicks: number;
  private readonly known = new Map<number, KnownProcess>();
  private seen = new Set<number>();
  private readonly clients = new Map<string, ClientState>();
  private tick = 0;
  private procfsOf: { dir: string; procfs: boolean } | null = null;

  constructor(options: FdinfoScannerOptions = {}) {
    this.rediscoverTicks = Math.max(1, Math.floor(options.rediscoverTicks ?? 12));
  }

  sample(roots: HostRoots, nowMs: number, signal?: AbortSignal): FdinfoSample {
    this.tick += 1;
    const tick = this.tick;
    const procDir = procPath(roots);
    const pids = listDirSync(procDir)
      .filter((entry) => entry.charCodeAt(0) >= 48 && entry.charCodeAt(0) <= 57)
      .map(Number)
      .filter((pid) => Number.isInteger(pid))
      .sort((a, b) => a - b);
    if (this.procfsOf?.dir !== procDir) this.procfsOf = { dir: procDir, procfs: isProcfs(procDir) };
    const procfs = this.procfsOf.procfs;
    const current = new Set(pids);
    for (const pid of this.known.keys()) if (!current.has(pid)) this.known.delete(pid);

    let scanned = 0;
    let denied = 0;
    const slice = tick % this.rediscoverTicks;
    for (const pid of pids) {
      if (signal?.aborted) break;
      const known = this.known.get(pid);
      const fdDir = `${procDir}/${pid}/fd`;
      if (known !== undefined) {
        // A changed fd count may mean a new DRM file (or a closed one): read the links again.
        let count: number;
        try {
          count = openFdCount(fdDir, procfs);
        } catch (error) {
          if (!isPermissionError(error))
            throw new Error(`reading ${fdDir}: ${(error as Error).message}`, { cause: error });
          this.known.delete(pid);
          continue;
        }
        if (count === known.fdCount) continue;
      } else if (this.seen.has(pid) && pid % this.rediscoverTicks !== slice) continue;
      scanned += 1;
      const found = this.readDrmFds(fdDir, procfs);
      if (found === 'denied') {
        denied += 1;
        this.known.delete(pid);
      } else if (found.fds.length > 0) this.known.set(pid, found);
      else this.known.delete(pid);
    }
    this.seen = current;

    const perProcess = new Map<
      string,
      {
        pid: number;
        driver: string;
        pdev: string | null;
        engines: Map<string, number>;
        hasEngineData: boolean;
        regions: Map<string, { totalBytes: number | null; residentBytes: number | null }>;
      }
    >();
    const deviceEngines = new Map<string, Map<string, number>>();
    const counted = new Set<string>();
    for (const [pid, process] of this.known) {
      for (const fd of process.fds) {
        const file = `${procDir}/${pid}/fdinfo/${fd}`;
        let text: string | null;
        try {
          text = readKernelFileSync(file);
        } catch (error) {
          if (isPermissionError(error)) continue;
          throw new Error(`reading ${file}: ${(error as Error).message}`, { cause: error });
        }
        const info = text === null ? null : parseDrmFdinfo(text);
        if (info === null) {
          // Closed, or the number now names another file: find the process's DRM files again next tick.
          process.fdCount = -1;
          continue;
        }
        const device = info.pdev ?? `${info.driver}:`;
        const clientKey = `${device}/${info.clientId ?? `${pid}:${fd}`}`;
        // One client seen through a dup'd fd, or through a parent and its child, counts once (lowest pid).
        if (counted.has(clientKey)) continue;
        counted.add(clientKey);

        const before = this.clients.get(clientKey);
        const engines =
          before === undefined
            ? new Map<string, number>()
            : clientEngineUtilization(info, before, (nowMs - before.atMs) / 1000);
        this.clients.set(clientKey, {
          engineNs: info.engineNs,
          cycles: info.cycles,
          totalCycles: info.totalCycles,
          atMs: nowMs,
          seenTick: tick,
        });

        const key = `${pid}/${device}`;
        let use = perProcess.get(key);
        if (use === undefined) {
          use = {
            pid,
            driver: info.driver,
            pdev: info.pdev,
            engines: new Map(),
            hasEngineData: false,
            regions: new Map(),
          };
          perProcess.set(key, use);
        }
        if (before !== undefined && (info.engineNs.size > 0 || info.cycles.size > 0))
          use.hasEngineData = true;
        sumEngines(use.engines, engines);
        for (const [region, bytes] of info.regions) {
          const sum = use.regions.get(region) ?? { totalBytes: null, residentBytes: null };
          const add = (a: number | null, b: number | null) => (a === null ? b : b === null ? a : a + b);
          use.regions.set(region, {
            totalBytes: add(sum.totalBytes, bytes.totalBytes),
            residentBytes: add(sum.residentBytes, bytes.residentBytes),
          });
        }
        let totals = deviceEngines.get(device);
        if (totals === undefined) {
          totals = new Map();
          deviceEngines.set(device, totals);
        }
        sumEngines(totals, engines);
      }
    }
    for (const [key, state] of this.clients) if (state.seenTick !== tick) this.clients.delete(key);

    const processes: FdinfoProcessUse[] = [...perProcess.values()].map((use) => {
      const regions = [...use.regions.entries()]
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([region, bytes]) => ({ region, ...bytes }));
      const memory = regions.reduce<number | null>((sum, r) => {
        const bytes = r.residentBytes ?? r.totalBytes;
        return bytes === null ? sum : (sum ?? 0) + bytes;
      }, null);
      const engines = engineList(use.engines);
      return {
        pid: use.pid,
        driver: use.driver,
        pdev: use.pdev,
        engines,
        utilization: use.hasEngineData ? Math.max(0, ...engines.map((e) => e.utilization)) : null,
        memoryRegions: regions,
        memoryBytes: memory,
      };
    });
    const devices = new Map<string, GpuEngineUtilization[]>();
    for (const [device, totals] of deviceEngines) devices.set(device, engineList(totals));
    const unavailable =
      denied > 0
        ? `fd links of ${denied} processes not readable: reading another user's fds needs root (ptrace access)`
        : null;
    return { processes, deviceEngines: devices, scannedProcesses: scanned, unavailable };
  }

  /** The DRM fds of a process (links into `/dev/dri/`), or 'denied' when its fd/ is not ours to read. */
  private readDrmFds(fdDir: string, procfs: boolean): KnownProcess | 'denied' {
    let entries: string[];
    try {
      entries = listDirSync(fdDir);
    } catch (error) {
      if (isPermissionError(error)) return 'denied';
      throw new Error(`reading ${fdDir}: ${(error as Error).message}`, { cause: error });
    }
    const fds: number[] = [];
    for (const entry of entries) {
      let target: string | null;
      try {
        target = readLinkSync(`${fdDir}/${entry}`);
      } catch (error) {
        if (isPermissionError(error)) return 'denied';
        throw new Error(`reading ${fdDir}/${entry}: ${(error as Error).message}`, { cause: error });
      }
      if (target !== null && target.startsWith('/dev/dri/')) fds.push(Number(entry));
    }
    // Counted the way later checks count (see openFdCount): listing our own fd/ holds one more fd.
    let fdCount = entries.length;
    if (procfs) {
      try {
        fdCount = openFdCount(fdDir, true);
      } catch {
        // Keep the listing's count.
      }
    }
    return { fds, fdCount };
  }
}
