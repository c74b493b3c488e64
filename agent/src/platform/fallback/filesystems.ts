import type { FilesystemMount, FilesystemsData } from '@sysray/proto';
import type { Systeminformation as Si } from 'systeminformation';
import type { CollectorsConfig } from '../../collectors/config.js';
import { DEFAULT_COLLECTORS_CONFIG } from '../../collectors/config.js';
import type { NameFilter } from '../../collectors/name-filter.js';
import { createNameFilter } from '../../collectors/name-filter.js';
import type { CollectContext, Collector, CollectOutcome } from '../../collectors/types.js';
import { ok } from '../../collectors/types.js';
import type { FallbackSourceOptions } from './source.js';
import { UNAVAILABLE, callSi, finiteOrNull, resolveFallbackSources } from './source.js';

/**
 * One mount from `si.fsSize()`: `df -kP` plus `mount` on macOS, `Win32_LogicalDisk` on Windows (where the
 * mount point is the drive, `C:`). Sizes are bytes.
 *
 * - `freeBytes` is size less used: df's Used is blocks less free blocks, so this is statfs's f_bfree;
 *   on Windows used is size less FreeSpace, the same figure.
 * - `fsType` is lower-cased: si upper-cases `APFS`, `HFS` and `NFS` on macOS for history and Windows says
 *   `NTFS`, while mount(8) and the Linux collectors use lower case, which the type filters expect.
 * - `readOnly` comes from si's `rw` (`mount` output on macOS, /proc/mounts on Linux, `Access` on
 *   Windows). On macOS and Linux si only looks up sources that start with `/` and says false for the
 *   rest (`server:/export`, `tmpfs`), so their `rw` is unknown. Unknown reads as not read-only and leaves
 *   `options` empty. The device number and inode counts have no si source (UNAVAILABLE).
 */
export function mapMount(entry: Si.FsSizeData, platform: NodeJS.Platform): FilesystemMount {
  const totalBytes = finiteOrNull(entry.size) ?? 0;
  const usedBytes = finiteOrNull(entry.used) ?? 0;
  const availableBytes = finiteOrNull(entry.available) ?? 0;
  const usable = usedBytes + availableBytes;
  const rwKnown = typeof entry.rw === 'boolean' && (platform === 'win32' || entry.fs.startsWith('/'));
  const rw = rwKnown ? entry.rw : null;
  return {
    mountPoint: entry.mount,
    device: entry.fs,
    fsType: entry.type.toLowerCase(),
    devNumber: '',
    readOnly: rw === false,
    options: rw === null ? [] : [rw ? 'rw' : 'ro'],
    totalBytes,
    freeBytes: Math.max(0, totalBytes - usedBytes),
    availableBytes,
    usedBytes,
    // df's formula, as the Linux collector: reserved blocks are not part of what can be used.
    usedFraction: usable > 0 ? usedBytes / usable : 0,
    inodesTotal: UNAVAILABLE,
    inodesFree: UNAVAILABLE,
    inodesUsed: UNAVAILABLE,
    inodesUsedFraction: null,
  };
}

/**
 * The filesystems section. si reports no per-mount failure (it drops what df or WMI did not print), so
 * `failed` is always empty here.
 */
export function mapFilesystems(
  entries: readonly Si.FsSizeData[],
  platform: NodeJS.Platform,
  mountPointFilter: NameFilter = () => true,
  fsTypeFilter: NameFilter = () => true,
): FilesystemsData {
  const mounts = entries
    .map((entry) => mapMount(entry, platform))
    .filter((mount) => mountPointFilter(mount.mountPoint) && fsTypeFilter(mount.fsType));
  return { mounts, failed: [] };
}

export interface FallbackFilesystemsCollectorOptions extends FallbackSourceOptions {
  readonly filter?: Pick<CollectorsConfig['filesystems'], 'mountPoints' | 'fsTypes'> | undefined;
}

export function createFallbackFilesystemsCollector(
  options: FallbackFilesystemsCollectorOptions = {},
): Collector<'filesystems'> {
  const sources = resolveFallbackSources(options);
  const rules = options.filter ?? DEFAULT_COLLECTORS_CONFIG.filesystems;
  const mountPointFilter = createNameFilter(rules.mountPoints);
  const fsTypeFilter = createNameFilter(rules.fsTypes);
  return {
    section: 'filesystems',
    async collect(_context: CollectContext): Promise<CollectOutcome<FilesystemsData>> {
      const si = await sources.si();
      const entries = await callSi('fsSize', () => si.fsSize());
      return ok(mapFilesystems(entries ?? [], sources.platform, mountPointFilter, fsTypeFilter));
    },
  };
}
