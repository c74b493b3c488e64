import type { DiskCounters, DiskDevice, DiskKind, DiskRates, DisksData } from '@sysray/proto';
import type { HostRoots } from '../platform/host-roots.js';
import { procPath, sysPath } from '../platform/host-roots.js';
import { listDirSync, readKernelFileSync, readIntSync, readTrimmedSync } from '../platform/read.js';
import type { CollectorsConfig } from './config.js';
import { DEFAULT_COLLECTORS_CONFIG } from './config.js';
import { createNameFilter } from './name-filter.js';
import { fields, optionalNumberAt } from './parse-util.js';
import { counterRate, intervalSeconds } from './rates.js';
import type { CollectContext, Collector, CollectOutcome } from './types.js';
import { ok, unsupported } from './types.js';

/**
 * `/proc/diskstats` counts sectors in 512-byte units whatever the device's logical block size
 * (Documentation/admin-guide/iostats.rst; the block layer's `sector_t` is always 512 bytes).
 */
export const SECTOR_BYTES = 512;

/** The time fields of a diskstats line are printed with `%u` (unsigned int milliseconds) and wrap at 2^32. */
const U32_WRAP = 2 ** 32;

/**
 * One `/proc/diskstats` line as the kernel prints it (Documentation/admin-guide/iostats.rst), raw units:
 * operations, 512-byte sectors and milliseconds. Rates are computed from these integers so that deltas are
 * exact; `DiskCounters` is the converted view (bytes, seconds).
 */
export interface DiskstatsFields {
  readonly readsCompleted: number;
  readonly readsMerged: number;
  /** 512-byte sectors. */
  readonly readSectors: number;
  /** Milliseconds (unsigned 32-bit in the kernel: wraps). */
  readonly readTimeMs: number;
  readonly writesCompleted: number;
  readonly writesMerged: number;
  /** 512-byte sectors. */
  readonly writeSectors: number;
  /** Milliseconds (wraps at 2^32). */
  readonly writeTimeMs: number;
  /** Requests in flight now: a level, not a counter. */
  readonly ioInProgress: number;
  /** Milliseconds the device had I/O in flight (`io_ticks`, wraps at 2^32). */
  readonly ioTimeMs: number;
  /** Milliseconds of request time summed over requests (`time_in_queue`, wraps at 2^32). */
  readonly weightedIoTimeMs: number;
  /** Fields 15–18, Linux 4.18+; null before. */
  readonly discardsCompleted: number | null;
  readonly discardsMerged: number | null;
  /** 512-byte sectors. */
  readonly discardSectors: number | null;
  /** Milliseconds (wraps at 2^32). */
  readonly discardTimeMs: number | null;
  /** Fields 19–20, Linux 5.5+; null before. */
  readonly flushesCompleted: number | null;
  /** Milliseconds (wraps at 2^32). */
  readonly flushTimeMs: number | null;
}

export interface DiskstatsLine {
  readonly major: number;
  readonly minor: number;
  /** Kernel name as diskstats prints it (`cciss/c0d0` keeps its slash; sysfs writes `cciss!c0d0`). */
  readonly name: string;
  readonly fields: DiskstatsFields;
}

/**
 * Parses `/proc/diskstats`. After `major minor name` the kernel prints 11 fields (every kernel since
 * 2.6.25), 15 since Linux 4.18 (discards) and 17 since Linux 5.5 (flushes); groups are mapped by count and
 * a group that is not all there is null. Lines with fewer than 11 fields (the 4-field partition lines of
 * kernels before 2.6.25) and lines that do not start with two integers are skipped.
 */
export function parseDiskstats(text: string): DiskstatsLine[] {
  const lines: DiskstatsLine[] = [];
  for (const line of text.split('\n')) {
    const parts = fields(line);
    if (parts.length < 14) continue;
    const major = Number(parts[0]);
    const minor = Number(parts[1]);
    const name = parts[2];
    if (!Number.isInteger(major) || !Number.isInteger(minor) || name === undefined) continue;
    const stats = parts.slice(3).map(Number);
    if (stats.slice(0, 11).some((v) => !Number.isFinite(v))) continue;
    const at = (i: number): number => stats[i] as number;
    const hasDiscards = stats.length >= 15;
    const hasFlushes = stats.length >= 17;
    const optional = (present: boolean, i: number): number | null =>
      present ? optionalNumberAt(parts, 3 + i) : null;
    lines.push({
      major,
      minor,
      name,
      fields: {
        readsCompleted: at(0),
        readsMerged: at(1),
        readSectors: at(2),
        readTimeMs: at(3),
        writesCompleted: at(4),
        writesMerged: at(5),
        writeSectors: at(6),
        writeTimeMs: at(7),
        ioInProgress: at(8),
        ioTimeMs: at(9),
        weightedIoTimeMs: at(10),
        discardsCompleted: optional(hasDiscards, 11),
        discardsMerged: optional(hasDiscards, 12),
        discardSectors: optional(hasDiscards, 13),
        discardTimeMs: optional(hasDiscards, 14),
        flushesCompleted: optional(hasFlushes, 15),
        flushTimeMs: optional(hasFlushes, 16),
      },
    });
  }
  return lines;
}

const msToSeconds = (ms: number): number => ms / 1000;
const nullableMsToSeconds = (ms: number | null): number | null => (ms === null ? null : ms / 1000);

/** The raw diskstats fields in the Snapshot's units: bytes and seconds. */
export function diskCounters(raw: DiskstatsFields): DiskCounters {
  return {
    readsCompleted: raw.readsCompleted,
    readsMerged: raw.readsMerged,
    readBytes: raw.readSectors * SECTOR_BYTES,
    readTimeSeconds: msToSeconds(raw.readTimeMs),
    writesCompleted: raw.writesCompleted,
    writesMerged: raw.writesMerged,
    writeBytes: raw.writeSectors * SECTOR_BYTES,
    writeTimeSeconds: msToSeconds(raw.writeTimeMs),
    ioInProgress: raw.ioInProgress,
    ioTimeSeconds: msToSeconds(raw.ioTimeMs),
    weightedIoTimeSeconds: msToSeconds(raw.weightedIoTimeMs),
    discardsCompleted: raw.discardsCompleted,
    discardsMerged: raw.discardsMerged,
    discardBytes: raw.discardSectors === null ? null : raw.discardSectors * SECTOR_BYTES,
    discardTimeSeconds: nullableMsToSeconds(raw.discardTimeMs),
    flushesCompleted: raw.flushesCompleted,
    flushTimeSeconds: nullableMsToSeconds(raw.flushTimeMs),
  };
}

/**
 * Growth of a millisecond field printed as `%u`: a smaller value is a 32-bit wrap (every 49.7 days of
 * summed time, which `time_in_queue` of a busy disk reaches in days), not a reset.
 */
function msDelta(current: number, previous: number): number {
  return current >= previous ? current - previous : current + U32_WRAP - previous;
}

/**
 * Rates between two samples of one device. Null when the interval is not positive or an operation counter
 * went backwards (the device was removed and re-created under the same name: its counters restarted).
 * Millisecond fields are unwrapped as unsigned 32-bit values; see msDelta.
 */
export function diskRates(
  current: DiskstatsFields,
  previous: DiskstatsFields,
  intervalSec: number,
): DiskRates | null {
  if (!(intervalSec > 0)) return null;
  const perSec = (key: keyof DiskstatsFields): number | null => {
    const now = current[key];
    const before = previous[key];
    if (now === null || before === null) return null;
    return counterRate(now, before, intervalSec);
  };
  const readsPerSec = perSec('readsCompleted');
  const writesPerSec = perSec('writesCompleted');
  const readSectorsPerSec = perSec('readSectors');
  const writeSectorsPerSec = perSec('writeSectors');
  const readMergesPerSec = perSec('readsMerged');
  const writeMergesPerSec = perSec('writesMerged');
  if (
    readsPerSec === null ||
    writesPerSec === null ||
    readSectorsPerSec === null ||
    writeSectorsPerSec === null ||
    readMergesPerSec === null ||
    writeMergesPerSec === null
  ) {
    return null;
  }
  const intervalMs = intervalSec * 1000;
  const reads = current.readsCompleted - previous.readsCompleted;
  const writes = current.writesCompleted - previous.writesCompleted;
  const utilization = msDelta(current.ioTimeMs, previous.ioTimeMs) / intervalMs;
  return {
    readsPerSec,
    writesPerSec,
    readBytesPerSec: readSectorsPerSec * SECTOR_BYTES,
    writeBytesPerSec: writeSectorsPerSec * SECTOR_BYTES,
    readMergesPerSec,
    writeMergesPerSec,
    readAwaitMs: reads > 0 ? msDelta(current.readTimeMs, previous.readTimeMs) / reads : null,
    writeAwaitMs: writes > 0 ? msDelta(current.writeTimeMs, previous.writeTimeMs) / writes : null,
    // io_ticks advances by at most the wall time, but the kernel updates it lazily at request boundaries,
    // so one interval can read slightly over 100 %.
    utilization: Math.min(1, Math.max(0, utilization)),
    queueDepth: msDelta(current.weightedIoTimeMs, previous.weightedIoTimeMs) / intervalMs,
    discardsPerSec: perSec('discardsCompleted'),
    flushesPerSec: perSec('flushesCompleted'),
  };
}

/**
 * The kind of a whole disk. Stacked drivers are recognised by their sysfs directories (`dm/`, `md/`, and
 * `loop/` while a loop device is bound); the rest by the name each driver gives its disks (sd_format_disk_name:
 * `sd*`, virtio_blk: `vd*`, xen-blkfront: `xvd*`, nvme: `nvme<c>n<ns>`, mmc_block: `mmcblk*`).
 */
export function diskKind(
  name: string,
  sysfs: { readonly dm: boolean; readonly md: boolean; readonly loop: boolean },
): DiskKind {
  if (sysfs.dm || name.startsWith('dm-')) return 'dm';
  if (sysfs.md || /^md\d|^md_/.test(name)) return 'md';
  if (sysfs.loop || /^loop\d/.test(name)) return 'loop';
  if (/^nvme\d/.test(name)) return 'nvme';
  if (/^xvd/.test(name)) return 'xen';
  if (/^vd[a-z]/.test(name)) return 'virtio';
  if (/^sd[a-z]/.test(name)) return 'scsi';
  if (/^mmcblk\d/.test(name)) return 'mmc';
  return 'other';
}

/** sysfs names a device with `/` in its kernel name (`cciss/c0d0`) with `!` instead (kobject_set_name_vargs). */
function sysfsName(kernelName: string): string {
  return kernelName.replaceAll('/', '!');
}

function kernelName(sysfsEntry: string): string {
  return sysfsEntry.replaceAll('!', '/');
}

function exists(path: string): boolean {
  return readTrimmedSync(path) !== null;
}

interface DiskSysfsInfo {
  readonly displayName: string;
  readonly kind: DiskKind;
  readonly sizeBytes: number | null;
  readonly rotational: boolean | null;
  readonly model: string | null;
  readonly partitions: readonly string[];
  readonly slaves: readonly string[];
  readonly holders: readonly string[];
}

/**
 * What sysfs says about a whole disk under `<sys>/block/<name>` (a symlink into `/sys/devices` on a live
 * host; the reads follow it). `partitionCandidates` are the sysfs names of diskstats devices: a disk's
 * partitions are the entries of its directory among them that carry a `partition` attribute.
 */
function readDiskSysfs(
  roots: HostRoots,
  name: string,
  partitionCandidates: ReadonlySet<string>,
): DiskSysfsInfo {
  const entry = sysfsName(name);
  const at = (...parts: string[]): string => sysPath(roots, 'block', entry, ...parts);
  const dmName = readTrimmedSync(at('dm', 'name'));
  const kind = diskKind(name, {
    dm: dmName !== null,
    md: exists(at('md', 'level')),
    loop: exists(at('loop', 'backing_file')),
  });
  // `size` is in 512-byte sectors whatever the logical block size (include/linux/blkdev.h, bdev_nr_sectors).
  const sectors = readIntSync(at('size'));
  const rotational = readTrimmedSync(at('queue', 'rotational'));
  // SCSI pads the 16-byte INQUIRY model and NVMe the 40-byte Identify model with spaces: trim both.
  // mmc cards have no `model`; their product name is `device/name`.
  let model = readTrimmedSync(at('device', 'model'));
  if ((model === null || model === '') && kind === 'mmc') model = readTrimmedSync(at('device', 'name'));
  const partitions = listDirSync(at())
    .filter((child) => partitionCandidates.has(child) && exists(at(child, 'partition')))
    .map(kernelName)
    .sort(byNaturalName);
  return {
    // dm devices are named by their table (`vg0-root`); md keeps no array name in sysfs (the
    // `/dev/md/<name>` links come from mdadm metadata via udev), so md and everything else use the kernel name.
    displayName: dmName !== null && dmName !== '' ? dmName : name,
    kind,
    sizeBytes: sectors === null ? null : sectors * SECTOR_BYTES,
    rotational: rotational === '1' ? true : rotational === '0' ? false : null,
    model: model === null || model === '' ? null : model,
    partitions,
    slaves: listDirSync(at('slaves')).map(kernelName).sort(byNaturalName),
    holders: listDirSync(at('holders')).map(kernelName).sort(byNaturalName),
  };
}

const collator = new Intl.Collator('en', { numeric: true });
function byNaturalName(a: string, b: string): number {
  return collator.compare(a, b);
}

export type DisksCollectorOptions = CollectorsConfig['disks'];

interface PreviousSample {
  readonly devNumber: string;
  readonly fields: DiskstatsFields;
}

/**
 * Whole block devices from `/proc/diskstats` with their sysfs facts and I/O rates. Whole disks and
 * partitions are told apart by sysfs (`/sys/block` lists whole disks only, a partition has a `partition`
 * attribute), never by name. The name filter (default: no ram, loop or floppy devices) applies to the
 * kernel name.
 */
export function createDisksCollector(
  options: DisksCollectorOptions = DEFAULT_COLLECTORS_CONFIG.disks,
): Collector<'disks'> {
  const keep = createNameFilter(options);
  let previous = new Map<string, PreviousSample>();
  let previousMs: number | undefined;

  return {
    section: 'disks',
    async collect(context: CollectContext): Promise<CollectOutcome<DisksData>> {
      const { roots, clock } = context;
      const diskstatsPath = procPath(roots, 'diskstats');
      const text = readOrThrow(diskstatsPath, readKernelFileSync);
      const nowMs = clock.monotonicMs();
      if (text === null)
        return unsupported(`${diskstatsPath} not present (kernel without block layer statistics)`);
      const lines = parseDiskstats(text);

      const blockDir = sysPath(roots, 'block');
      const wholeDisks = new Set(readOrThrow(blockDir, listDirSync));
      if (wholeDisks.size === 0 && lines.length > 0) {
        return unsupported(
          `${blockDir} is empty or missing (sysfs not mounted?): cannot tell disks from partitions`,
        );
      }
      const candidates = new Set(lines.map((line) => sysfsName(line.name)));
      const seconds = intervalSeconds(nowMs, previousMs);

      const devices: DiskDevice[] = [];
      const current = new Map<string, PreviousSample>();
      for (const line of lines) {
        const entry = sysfsName(line.name);
        // /sys/block holds whole disks only; the `partition` check guards against an odd tree.
        if (!wholeDisks.has(entry) || exists(sysPath(roots, 'block', entry, 'partition'))) continue;
        if (!keep(line.name)) continue;
        const devNumber = `${line.major}:${line.minor}`;
        const info = readDiskSysfs(roots, line.name, candidates);
        const before = previous.get(line.name);
        // A different device number means a different device that took the name: no rate across it.
        const rates =
          before !== undefined && before.devNumber === devNumber
            ? diskRates(line.fields, before.fields, seconds)
            : null;
        current.set(line.name, { devNumber, fields: line.fields });
        devices.push({
          name: line.name,
          devNumber,
          displayName: info.displayName,
          kind: info.kind,
          sizeBytes: info.sizeBytes,
          rotational: info.rotational,
          model: info.model,
          partitions: info.partitions,
          slaves: info.slaves,
          holders: info.holders,
          counters: diskCounters(line.fields),
          rates,
        });
      }
      previous = current;
      previousMs = nowMs;
      return ok({ devices });
    },
  };
}

function readOrThrow<T>(path: string, read: (path: string) => T): T {
  try {
    return read(path);
  } catch (error) {
    throw new Error(`reading ${path}: ${(error as Error).message}`, { cause: error });
  }
}
