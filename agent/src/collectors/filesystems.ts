import { statfs as nodeStatfs } from 'node:fs/promises';
import type { FilesystemMount, FilesystemsData } from '@sysray/proto';
import type { HostRoots } from '../platform/host-roots.js';
import { hostPathToLocal, procPath } from '../platform/host-roots.js';
import { isAbsentError, isPermissionError, readKernelFileSync } from '../platform/read.js';
import type { CollectorsConfig } from './config.js';
import { DEFAULT_COLLECTORS_CONFIG } from './config.js';
import type { MountInfoEntry } from './mountinfo-parse.js';
import { isReadOnlyMount, parseMountInfo } from './mountinfo-parse.js';
import { createNameFilter } from './name-filter.js';
import type { CollectContext, Collector, CollectOutcome } from './types.js';
import { ok, unsupported } from './types.js';

/**
 * The part of statfs(2) the collector uses, as Node's `fs.StatFs` reports it: counts of blocks of `bsize`
 * bytes and of inodes. Node exposes `f_bsize` but not `f_frsize`; Linux fills `f_frsize` from `f_bsize`
 * unless a filesystem sets it, and the filesystems that report both report them equal.
 */
export interface StatfsResult {
  /** Block size, bytes. */
  readonly bsize: number;
  /** Total data blocks. */
  readonly blocks: number;
  /** Free blocks, including those reserved for root. */
  readonly bfree: number;
  /** Free blocks available to unprivileged users. */
  readonly bavail: number;
  /** Total inodes (0 when the filesystem has no fixed inode table: btrfs, vfat). */
  readonly files: number;
  /** Free inodes. */
  readonly ffree: number;
}

/** statfs(2) on a local path; the default is `fs.promises.statfs`. */
export type StatfsFunction = (path: string) => Promise<StatfsResult>;

export interface FilesystemsCollectorOptions extends Readonly<CollectorsConfig['filesystems']> {
  /** Injected in tests so usage figures are deterministic. */
  readonly statfs?: StatfsFunction | undefined;
}

/** Usage figures as the Snapshot reports them, from one statfs result. */
export function filesystemUsage(
  stat: StatfsResult,
): Pick<
  FilesystemMount,
  | 'totalBytes'
  | 'freeBytes'
  | 'availableBytes'
  | 'usedBytes'
  | 'usedFraction'
  | 'inodesTotal'
  | 'inodesFree'
  | 'inodesUsed'
  | 'inodesUsedFraction'
> {
  const totalBytes = stat.blocks * stat.bsize;
  const freeBytes = stat.bfree * stat.bsize;
  const availableBytes = stat.bavail * stat.bsize;
  const usedBytes = Math.max(0, totalBytes - freeBytes);
  // df (coreutils) divides by used + available, leaving root's reserved blocks out of the denominator, so a
  // filesystem is 100 % full when unprivileged users can write no more.
  const usable = usedBytes + availableBytes;
  const inodesUsed = Math.max(0, stat.files - stat.ffree);
  return {
    totalBytes,
    freeBytes,
    availableBytes,
    usedBytes,
    usedFraction: usable > 0 ? usedBytes / usable : 0,
    inodesTotal: stat.files,
    inodesFree: stat.ffree,
    inodesUsed,
    inodesUsedFraction: stat.files > 0 ? inodesUsed / stat.files : null,
  };
}

/**
 * Keeps one entry per mount point, the last one: a later mount on the same point is mounted on top of
 * the earlier (an over-mount), and statfs on that path sees only the top-most. The entry keeps the position
 * of the first mount at that point so the order stays stable. Runs before the pseudo-filesystem filter: an
 * autofs point with the real filesystem mounted on it is reported as that filesystem.
 */
export function topMostMounts(entries: readonly MountInfoEntry[]): MountInfoEntry[] {
  const byPoint = new Map<string, MountInfoEntry>();
  for (const entry of entries) byPoint.set(entry.mountPoint, entry);
  return [...byPoint.values()];
}

/**
 * Reads pid 1's mount table: in a container with the host's /proc mounted this is the host's view. With
 * `hidepid=` on /proc, pid 1 is invisible or unreadable; then the reader's own table (`self`) is the best
 * there is.
 */
function readMountInfo(roots: HostRoots): { path: string; text: string } | null {
  const candidates = [procPath(roots, 1, 'mountinfo'), procPath(roots, 'self', 'mountinfo')];
  for (const path of candidates) {
    let text: string | null;
    try {
      text = readKernelFileSync(path);
    } catch (error) {
      if (isPermissionError(error) || isAbsentError(error)) continue;
      throw new Error(`reading ${path}: ${(error as Error).message}`, { cause: error });
    }
    if (text !== null) return { path, text };
  }
  return null;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Mounted filesystems from mountinfo with their usage from statfs(2). Pseudo filesystems are left out by
 * type and mount point (CollectorsConfig.filesystems). statfs on a hung network mount blocks its libuv
 * thread, so each call runs under a timeout and all run at once; a mount that fails or times out is listed
 * in `failed`, never thrown. A call still hanging from an earlier collection is not repeated: every hung
 * call holds one of libuv's few threadpool threads, and repeating it each tick would starve all file I/O.
 */
export function createFilesystemsCollector(
  options: FilesystemsCollectorOptions = DEFAULT_COLLECTORS_CONFIG.filesystems,
): Collector<'filesystems'> {
  const keepMountPoint = createNameFilter(options.mountPoints);
  const keepFsType = createNameFilter(options.fsTypes);
  const statfs: StatfsFunction = options.statfs ?? ((path) => nodeStatfs(path));
  const timeoutMs = options.statfsTimeoutMs;
  if (!(timeoutMs > 0)) throw new Error(`filesystems.statfsTimeoutMs must be positive, got ${timeoutMs}`);
  /** Local paths whose statfs has not settled yet, possibly from an earlier collection. */
  const inFlight = new Set<string>();

  async function statfsWithTimeout(path: string): Promise<StatfsResult> {
    if (inFlight.has(path)) {
      throw new Error(`statfs ${path} from an earlier collection has not returned (hung mount?)`);
    }
    inFlight.add(path);
    const settled = (): void => {
      inFlight.delete(path);
    };
    let call: Promise<StatfsResult>;
    try {
      call = statfs(path);
    } catch (error) {
      // An injected statfs may throw instead of rejecting; make it a rejection so `settled` still runs.
      call = Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    call.then(settled, settled);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`statfs ${path} timed out after ${timeoutMs} ms`)),
        timeoutMs,
      );
    });
    try {
      return await Promise.race([call, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  return {
    section: 'filesystems',
    async collect(context: CollectContext): Promise<CollectOutcome<FilesystemsData>> {
      const { roots } = context;
      const source = readMountInfo(roots);
      if (source === null) {
        return unsupported(
          `neither ${procPath(roots, 1, 'mountinfo')} nor ${procPath(roots, 'self', 'mountinfo')} is readable`,
        );
      }
      const wanted = topMostMounts(parseMountInfo(source.text)).filter(
        (entry) => keepMountPoint(entry.mountPoint) && keepFsType(entry.fsType),
      );

      type StatfsOutcome =
        | { readonly entry: MountInfoEntry; readonly stat: StatfsResult }
        | { readonly entry: MountInfoEntry; readonly error: string };
      const results = await Promise.all(
        wanted.map(async (entry): Promise<StatfsOutcome> => {
          try {
            return { entry, stat: await statfsWithTimeout(hostPathToLocal(roots, entry.mountPoint)) };
          } catch (error) {
            return { entry, error: errorMessage(error) };
          }
        }),
      );

      const mounts: FilesystemMount[] = [];
      const failed: { mountPoint: string; fsType: string; error: string }[] = [];
      for (const result of results) {
        const { entry } = result;
        if ('error' in result) {
          failed.push({ mountPoint: entry.mountPoint, fsType: entry.fsType, error: result.error });
          continue;
        }
        mounts.push({
          mountPoint: entry.mountPoint,
          device: entry.source,
          fsType: entry.fsType,
          devNumber: entry.devNumber,
          readOnly: isReadOnlyMount(entry),
          options: entry.mountOptions,
          ...filesystemUsage(result.stat),
        });
      }
      return ok({ mounts, failed });
    },
  };
}
