import type { DiskCounters, DiskDevice, DiskRates, DisksData } from '@sysray/proto';
import type { Systeminformation as Si } from 'systeminformation';
import type { CollectorsConfig } from '../../collectors/config.js';
import { DEFAULT_COLLECTORS_CONFIG } from '../../collectors/config.js';
import type { NameFilter } from '../../collectors/name-filter.js';
import { createNameFilter } from '../../collectors/name-filter.js';
import { counterRate, intervalSeconds } from '../../collectors/rates.js';
import type { CollectContext, Collector, CollectOutcome } from '../../collectors/types.js';
import { ok, unsupported } from '../../collectors/types.js';
import type { FallbackSourceOptions } from './source.js';
import {
  SI_CACHE_WINDOW_MS,
  UNAVAILABLE,
  callSi,
  finiteOrNull,
  resolveFallbackSources,
  textOrNull,
} from './source.js';

/** Name of the one device the fallback reports: systeminformation only sums over all disks. */
export const ALL_DISKS_NAME = 'all';

/**
 * Machine-wide cumulative IO totals as systeminformation reads them. `disksIO()` sums completed
 * operations, `fsStats()` sums bytes; each is null where si has no source. Times are milliseconds and
 * only read on Linux (the `/sys/block/<disk>/stat` fields 4, 8 and 10); on macOS si reads the
 * `IOBlockStorageDriver` statistics from `ioreg` but takes operations and bytes only.
 */
export interface DiskTotals {
  readonly readOps: number | null;
  readonly writeOps: number | null;
  readonly readBytes: number | null;
  readonly writeBytes: number | null;
  readonly readTimeMs: number | null;
  readonly writeTimeMs: number | null;
  readonly ioTimeMs: number | null;
}

/** Null when si has no IO counters on this OS at all (Windows: both functions resolve null). */
export function diskTotalsFromSi(
  io: Si.DisksIoData | null,
  fs: Si.FsStatsData | null,
  platform: NodeJS.Platform,
): DiskTotals | null {
  if (io === null && fs === null) return null;
  const times = io !== null && platform === 'linux';
  return {
    readOps: finiteOrNull(io?.rIO),
    writeOps: finiteOrNull(io?.wIO),
    readBytes: finiteOrNull(fs?.rx),
    writeBytes: finiteOrNull(fs?.wx),
    readTimeMs: times ? finiteOrNull(io.rWaitTime) : null,
    writeTimeMs: times ? finiteOrNull(io.wWaitTime) : null,
    ioTimeMs: times ? finiteOrNull(io.tWaitTime) : null,
  };
}

const seconds = (ms: number | null): number => (ms === null ? UNAVAILABLE : ms / 1000);

/** Counters of the aggregate device. Merges, queue, discard and flush counts have no si source. */
export function diskCounters(totals: DiskTotals): DiskCounters {
  return {
    readsCompleted: totals.readOps ?? UNAVAILABLE,
    readsMerged: UNAVAILABLE,
    readBytes: totals.readBytes ?? UNAVAILABLE,
    readTimeSeconds: seconds(totals.readTimeMs),
    writesCompleted: totals.writeOps ?? UNAVAILABLE,
    writesMerged: UNAVAILABLE,
    writeBytes: totals.writeBytes ?? UNAVAILABLE,
    writeTimeSeconds: seconds(totals.writeTimeMs),
    ioInProgress: UNAVAILABLE,
    ioTimeSeconds: seconds(totals.ioTimeMs),
    weightedIoTimeSeconds: UNAVAILABLE,
    discardsCompleted: null,
    discardsMerged: null,
    discardBytes: null,
    discardTimeSeconds: null,
    flushesCompleted: null,
    flushTimeSeconds: null,
  };
}

/** A rate of a counter si may lack: 0 (UNAVAILABLE) when it has none, null when it restarted. */
function optionalRate(current: number | null, previous: number | null, interval: number): number | null {
  if (current === null || previous === null) return UNAVAILABLE;
  return counterRate(current, previous, interval);
}

function perOp(timeDelta: number | null, opsDelta: number | null): number | null {
  return timeDelta === null || opsDelta === null || opsDelta <= 0 ? null : timeDelta / opsDelta;
}

/**
 * Rates of the aggregate device over `interval` seconds; null on a first sample or when a counter went
 * backwards. Await and utilization need si's times (Linux only); utilization divides the summed busy time
 * by the number of disks, so it is the mean share of the interval a disk was busy.
 */
export function diskRates(
  current: DiskTotals,
  previous: DiskTotals | null,
  interval: number,
  diskCount: number,
): DiskRates | null {
  if (previous === null || !(interval > 0)) return null;
  const reads = optionalRate(current.readOps, previous.readOps, interval);
  const writes = optionalRate(current.writeOps, previous.writeOps, interval);
  const readBytes = optionalRate(current.readBytes, previous.readBytes, interval);
  const writeBytes = optionalRate(current.writeBytes, previous.writeBytes, interval);
  const ioTime = optionalRate(current.ioTimeMs, previous.ioTimeMs, interval);
  const readTime = optionalRate(current.readTimeMs, previous.readTimeMs, interval);
  const writeTime = optionalRate(current.writeTimeMs, previous.writeTimeMs, interval);
  if ([reads, writes, readBytes, writeBytes, ioTime, readTime, writeTime].some((rate) => rate === null))
    return null;
  const hasTimes = current.ioTimeMs !== null && previous.ioTimeMs !== null;
  const delta = (now: number | null, before: number | null): number | null =>
    now === null || before === null ? null : now - before;
  return {
    readsPerSec: reads as number,
    writesPerSec: writes as number,
    readBytesPerSec: readBytes as number,
    writeBytesPerSec: writeBytes as number,
    readMergesPerSec: UNAVAILABLE,
    writeMergesPerSec: UNAVAILABLE,
    readAwaitMs: perOp(
      delta(current.readTimeMs, previous.readTimeMs),
      delta(current.readOps, previous.readOps),
    ),
    writeAwaitMs: perOp(
      delta(current.writeTimeMs, previous.writeTimeMs),
      delta(current.writeOps, previous.writeOps),
    ),
    utilization: hasTimes ? Math.min(1, (ioTime as number) / 1000 / Math.max(1, diskCount)) : UNAVAILABLE,
    queueDepth: UNAVAILABLE,
    discardsPerSec: null,
    flushesPerSec: null,
  };
}

/** A physical disk the totals cover, from `si.diskLayout()`. */
export interface PhysicalDisk {
  /** Kernel or BSD name: `disk0` (macOS), `nvme0n1` (Linux). */
  readonly name: string;
  readonly sizeBytes: number | null;
  readonly model: string | null;
  /** From si's medium type: `HD` spins; `SSD` and `NVMe` do not. */
  readonly rotational: boolean | null;
}

/**
 * `si.diskLayout()` lists physical disks only: on macOS from system_profiler's NVMe, SATA and USB
 * storage reports (`device` is the BSD name, `disk0`), so the synthesized APFS containers and disk images
 * that `blockDevices()` also lists as whole disks are not counted twice; on Linux from lsblk (`/dev/sda`).
 */
export function physicalDisks(layout: readonly Si.DiskLayoutData[]): PhysicalDisk[] {
  return layout
    .map((disk) => {
      const medium = (disk.type ?? '').toUpperCase();
      return {
        name: (disk.device ?? '').replace(/^\/dev\//, ''),
        sizeBytes: finiteOrNull(disk.size),
        model: textOrNull(disk.name),
        rotational: medium === 'HD' ? true : medium === 'SSD' || medium === 'NVME' ? false : null,
      };
    })
    .filter((disk) => disk.name !== '');
}

export interface DisksInput {
  readonly totals: DiskTotals;
  readonly disks: readonly PhysicalDisk[];
}

/**
 * One device, `all`, carrying si's machine-wide totals: si gives no per-disk counters off Linux. Its
 * `slaves` are the physical disks it sums (after the disk name filter), its size is theirs combined, and
 * model and rotational are given when there is one disk (or all agree).
 */
export function mapDisks(
  input: DisksInput,
  previous: DiskTotals | null,
  interval: number,
  filter: NameFilter = () => true,
): DisksData {
  const disks = input.disks.filter((disk) => filter(disk.name));
  const sizes = disks
    .map((disk) => disk.sizeBytes)
    .filter((size): size is number => size !== null && size > 0);
  const rotational = new Set(disks.map((disk) => disk.rotational));
  const device: DiskDevice = {
    name: ALL_DISKS_NAME,
    devNumber: '',
    displayName: 'all disks',
    kind: 'other',
    sizeBytes: sizes.length > 0 ? sizes.reduce((sum, size) => sum + size, 0) : null,
    rotational: rotational.size === 1 ? ([...rotational][0] ?? null) : null,
    model: disks.length === 1 ? (disks[0]?.model ?? null) : null,
    partitions: [],
    slaves: disks.map((disk) => disk.name),
    holders: [],
    counters: diskCounters(input.totals),
    rates: diskRates(input.totals, previous, interval, disks.length),
  };
  return { devices: [device] };
}

export interface FallbackDisksCollectorOptions extends FallbackSourceOptions {
  /** Filters the physical disk names listed under the aggregate (si cannot leave them out of the sums). */
  readonly filter?: CollectorsConfig['disks'] | undefined;
}

/**
 * The disks collector. `diskLayout()` is inventory (system_profiler on macOS takes seconds): it is read
 * once per collector and kept.
 */
export function createFallbackDisksCollector(
  options: FallbackDisksCollectorOptions = {},
): Collector<'disks'> {
  const sources = resolveFallbackSources(options);
  const filter = createNameFilter(options.filter ?? DEFAULT_COLLECTORS_CONFIG.disks);
  let previous: { totals: DiskTotals; atMs: number } | null = null;
  let disks: PhysicalDisk[] | null = null;
  return {
    section: 'disks',
    async collect(context: CollectContext): Promise<CollectOutcome<DisksData>> {
      const si = await sources.si();
      const [io, fs] = await Promise.all([
        callSi('disksIO', () => si.disksIO()),
        callSi('fsStats', () => si.fsStats()),
      ]);
      const totals = diskTotalsFromSi(io ?? null, fs ?? null, sources.platform);
      if (totals === null) {
        return unsupported(`systeminformation reads no disk IO counters on ${sources.platform}`);
      }
      const nowMs = context.clock.monotonicMs();
      disks ??= physicalDisks((await callSi('diskLayout', () => si.diskLayout())) ?? []);
      const elapsedMs = previous === null ? 0 : nowMs - previous.atMs;
      // Within si's cache window the counters are stale: no rates, and the older baseline stays.
      const fresh = previous === null || elapsedMs >= SI_CACHE_WINDOW_MS;
      const data = mapDisks(
        { totals, disks },
        fresh ? (previous?.totals ?? null) : null,
        intervalSeconds(nowMs, previous?.atMs),
        filter,
      );
      if (fresh) previous = { totals, atMs: nowMs };
      return ok(data);
    },
  };
}
