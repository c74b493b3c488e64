import type { MemoryData } from '@sysray/proto';
import type { Systeminformation as Si } from 'systeminformation';
import type { CollectContext, Collector, CollectOutcome } from '../../collectors/types.js';
import { ok } from '../../collectors/types.js';
import type { FallbackSourceOptions } from './source.js';
import { UNAVAILABLE, callSi, finiteOrNull, resolveFallbackSources } from './source.js';

function bytes(value: unknown): number {
  const number = finiteOrNull(value);
  return number === null || number < 0 ? UNAVAILABLE : number;
}

/**
 * The memory section from `si.mem()`, whose fields mean different things per OS (lib/memory.js):
 *
 * - Linux: /proc/meminfo, so every field maps one to one.
 * - macOS: `vm_stat`. `buffcache` is used memory that is not app memory (anonymous less purgeable, wired,
 *   compressed): file-backed and purgeable pages, what macOS drops under pressure. It is the page cache
 *   here; `reclaimable` holds the inactive list, not slab, and there are no separate buffers, slab,
 *   dirty or writeback counts.
 * - Windows: `available` is Node's free memory (`ullAvailPhys`, which includes the standby list); swap
 *   is the page file (`Win32_PageFileUsage`). Cache, slab, dirty and writeback are not read.
 *
 * Fields with no source are 0 (UNAVAILABLE): shared, hugepages, swap cache and the paging counters (those
 * come from /proc/vmstat on Linux); `pagingRates` is null.
 */
export function mapMemory(mem: Si.MemData, platform: NodeJS.Platform): MemoryData {
  const totalBytes = bytes(mem.total);
  const freeBytes = bytes(mem.free);
  const availableBytes = finiteOrNull(mem.available) ?? freeBytes;
  const usedBytes = Math.max(0, totalBytes - availableBytes);
  const linux = platform === 'linux';
  const slab = linux ? bytes(mem.slab) : UNAVAILABLE;
  const slabReclaimableBytes = linux ? bytes(mem.reclaimable) : UNAVAILABLE;
  const swapTotal = bytes(mem.swaptotal);
  const swapUsed = bytes(mem.swapused);
  return {
    totalBytes,
    availableBytes,
    freeBytes,
    usedBytes,
    buffersBytes: linux ? bytes(mem.buffers) : UNAVAILABLE,
    cachedBytes: linux ? bytes(mem.cached) : platform === 'darwin' ? bytes(mem.buffcache) : UNAVAILABLE,
    sharedBytes: UNAVAILABLE,
    slabReclaimableBytes,
    slabUnreclaimableBytes: Math.max(0, slab - slabReclaimableBytes),
    // null on macOS and Windows, where si reads neither.
    dirtyBytes: bytes(mem.dirty),
    writebackBytes: bytes(mem.writeback),
    usedFraction: totalBytes > 0 ? usedBytes / totalBytes : 0,
    hugepages: {
      total: UNAVAILABLE,
      free: UNAVAILABLE,
      reserved: UNAVAILABLE,
      surplus: UNAVAILABLE,
      pageSizeBytes: UNAVAILABLE,
    },
    swap: {
      totalBytes: swapTotal,
      // si derives free from total - used on Windows and parses it from `vm.swapusage` on macOS.
      freeBytes: finiteOrNull(mem.swapfree) ?? Math.max(0, swapTotal - swapUsed),
      usedBytes: swapUsed,
      cachedBytes: UNAVAILABLE,
    },
    paging: {
      pgfault: UNAVAILABLE,
      pgmajfault: UNAVAILABLE,
      pgpgin: UNAVAILABLE,
      pgpgout: UNAVAILABLE,
      pswpin: UNAVAILABLE,
      pswpout: UNAVAILABLE,
      pgscan: UNAVAILABLE,
      pgsteal: UNAVAILABLE,
      oomKill: null,
    },
    pagingRates: null,
  };
}

export type FallbackMemoryCollectorOptions = FallbackSourceOptions;

export function createFallbackMemoryCollector(
  options: FallbackMemoryCollectorOptions = {},
): Collector<'memory'> {
  const sources = resolveFallbackSources(options);
  return {
    section: 'memory',
    async collect(_context: CollectContext): Promise<CollectOutcome<MemoryData>> {
      const si = await sources.si();
      const mem = await callSi('mem', () => si.mem());
      if (!(finiteOrNull(mem.total) ?? 0))
        throw new Error('systeminformation mem() reported no total memory');
      return ok(mapMemory(mem, sources.platform));
    },
  };
}
