import type { MemoryData, PagingCounters } from '@sysray/proto';
import { procPath } from '../platform/host-roots.js';
import { readKernelFileSync } from '../platform/read.js';
import { parseFlatKeyed } from './parse-util.js';
import { counterRate, intervalSeconds } from './rates.js';
import type { Collector } from './types.js';
import { ok, unsupported } from './types.js';

/**
 * Parses `/proc/meminfo` (fs/proc/meminfo.c) into its raw numbers: `Key:   1234 kB` lines give kilobytes
 * (KiB, the kernel shifts pages by PAGE_SHIFT - 10), the `HugePages_*` lines give page counts without a unit.
 * Keys keep their parentheses (`Active(anon)`). Lines that do not match are skipped.
 */
export function parseMeminfo(text: string): Map<string, number> {
  const values = new Map<string, number>();
  for (const line of text.split('\n')) {
    const match = /^([^:\s][^:]*):\s+(\d+)(?:\s+kB)?\s*$/.exec(line);
    if (match !== null) values.set(match[1] as string, Number(match[2]));
  }
  return values;
}

/** Everything in MemoryData that comes from `/proc/meminfo`. */
export type MeminfoFigures = Omit<MemoryData, 'paging' | 'pagingRates'>;

/**
 * Converts parsed meminfo to bytes. Throws when `MemTotal` or `MemFree` is missing: no Linux kernel omits
 * them, so such a file is not meminfo. Other absent fields (older kernels) read as 0.
 */
export function memoryFromMeminfo(meminfo: ReadonlyMap<string, number>): MeminfoFigures {
  const kb = (key: string): number => (meminfo.get(key) ?? 0) * 1024;
  const total = meminfo.get('MemTotal');
  const free = meminfo.get('MemFree');
  if (total === undefined || free === undefined) throw new Error('no MemTotal/MemFree line');
  const totalBytes = total * 1024;
  const freeBytes = free * 1024;
  const buffersBytes = kb('Buffers');
  const cachedBytes = kb('Cached');
  const slabReclaimableBytes = kb('SReclaimable');

  // MemAvailable is the kernel's own estimate since Linux 3.14 (commit 34e431b0ae39). Before that, use the
  // classic approximation free + buffers + page cache + reclaimable slab. It overstates what is available
  // (not all cache can be dropped, and it ignores the low watermarks), so it is capped at the total.
  const available = meminfo.get('MemAvailable');
  const availableBytes =
    available !== undefined
      ? available * 1024
      : Math.min(totalBytes, freeBytes + buffersBytes + cachedBytes + slabReclaimableBytes);
  const usedBytes = Math.max(0, totalBytes - availableBytes);

  const swapTotalBytes = kb('SwapTotal');
  const swapFreeBytes = kb('SwapFree');
  return {
    totalBytes,
    availableBytes,
    freeBytes,
    usedBytes,
    buffersBytes,
    cachedBytes,
    sharedBytes: kb('Shmem'),
    slabReclaimableBytes,
    slabUnreclaimableBytes: kb('SUnreclaim'),
    dirtyBytes: kb('Dirty'),
    writebackBytes: kb('Writeback'),
    usedFraction: totalBytes > 0 ? Math.min(1, usedBytes / totalBytes) : 0,
    hugepages: {
      // Counts of default-size huge pages (mm/hugetlb.c hugetlb_report_meminfo), not kilobytes.
      total: meminfo.get('HugePages_Total') ?? 0,
      free: meminfo.get('HugePages_Free') ?? 0,
      reserved: meminfo.get('HugePages_Rsvd') ?? 0,
      surplus: meminfo.get('HugePages_Surp') ?? 0,
      pageSizeBytes: kb('Hugepagesize'),
    },
    swap: {
      totalBytes: swapTotalBytes,
      freeBytes: swapFreeBytes,
      usedBytes: Math.max(0, swapTotalBytes - swapFreeBytes),
      cachedBytes: kb('SwapCached'),
    },
  };
}

/** Zone suffixes of the per-zone reclaim counters printed before Linux 4.8 (`pgscan_kswapd_normal`). */
const ZONES = 'dma|dma32|normal|high|movable|device';
/**
 * Pages scanned for reclaim. Since Linux 4.8 (node-based LRU) the counters are `pgscan_kswapd` and
 * `pgscan_direct`, plus `pgscan_khugepaged` since 6.2; before 4.8 they were per zone. `pgscan_anon`/`_file`
 * (5.8+) split the same pages by LRU type and `pgscan_direct_throttle` counts throttling events, so both
 * are left out to avoid counting twice.
 */
const PGSCAN = new RegExp(`^pgscan_(?:kswapd|direct|khugepaged)(?:_(?:${ZONES}))?$`);
/** Pages reclaimed; same variants as pgscan, plus the bare per-zone `pgsteal_<zone>` of kernels before 3.4. */
const PGSTEAL = new RegExp(`^pgsteal_(?:(?:kswapd|direct|khugepaged)(?:_(?:${ZONES}))?|(?:${ZONES}))$`);

/**
 * Paging counters from `/proc/vmstat` (mm/vmstat.c). Note that `pgpgin`/`pgpgout` are kilobytes, not pages:
 * the kernel counts 512-byte sectors and halves them when printing ("sectors -> kbytes" in vmstat_start()).
 * They are reported as the kernel prints them. `oom_kill` exists since Linux 4.13.
 */
export function parsePagingCounters(text: string): PagingCounters {
  const values = parseFlatKeyed(text);
  let pgscan = 0;
  let pgsteal = 0;
  for (const [key, value] of values) {
    if (PGSCAN.test(key)) pgscan += value;
    else if (PGSTEAL.test(key)) pgsteal += value;
  }
  return {
    pgfault: values.get('pgfault') ?? 0,
    pgmajfault: values.get('pgmajfault') ?? 0,
    pgpgin: values.get('pgpgin') ?? 0,
    pgpgout: values.get('pgpgout') ?? 0,
    pswpin: values.get('pswpin') ?? 0,
    pswpout: values.get('pswpout') ?? 0,
    pgscan,
    pgsteal,
    oomKill: values.get('oom_kill') ?? null,
  };
}

const PAGING_KEYS: readonly (keyof PagingCounters)[] = [
  'pgfault',
  'pgmajfault',
  'pgpgin',
  'pgpgout',
  'pswpin',
  'pswpout',
  'pgscan',
  'pgsteal',
  'oomKill',
];

/** Per-second rates between two samples; a counter that went backwards or is absent gives null. */
export function pagingRates(
  current: PagingCounters,
  previous: PagingCounters,
  seconds: number,
): NonNullable<MemoryData['pagingRates']> {
  return Object.fromEntries(
    PAGING_KEYS.map((key) => {
      const now = current[key];
      const before = previous[key];
      return [key, now === null || before === null ? null : counterRate(now, before, seconds)];
    }),
  ) as unknown as NonNullable<MemoryData['pagingRates']>;
}

/** Nothing to configure yet; the factory takes options like every other collector's. */
export type MemoryCollectorOptions = Readonly<Record<string, never>>;

/** The `memory` section: `/proc/meminfo` in bytes and the `/proc/vmstat` paging counters with their rates. */
export function createMemoryCollector(_options: MemoryCollectorOptions = {}): Collector<'memory'> {
  let previous: { paging: PagingCounters; monotonicMs: number } | null = null;

  return {
    section: 'memory',
    async collect(context) {
      const { roots } = context;
      const meminfoPath = procPath(roots, 'meminfo');
      const meminfoText = readKernelFileSync(meminfoPath);
      if (meminfoText === null) return unsupported(`${meminfoPath} not present: not a Linux procfs`);
      let figures: MeminfoFigures;
      try {
        figures = memoryFromMeminfo(parseMeminfo(meminfoText));
      } catch (error) {
        throw new Error(`${meminfoPath}: ${(error as Error).message}`, { cause: error });
      }

      // /proc/vmstat exists since Linux 2.6; without it there is no paging data to report as zeros.
      const vmstatPath = procPath(roots, 'vmstat');
      const vmstatText = readKernelFileSync(vmstatPath);
      if (vmstatText === null) throw new Error(`${vmstatPath} not present`);
      const paging = parsePagingCounters(vmstatText);
      const monotonicMs = context.clock.monotonicMs();

      const seconds = previous === null ? 0 : intervalSeconds(monotonicMs, previous.monotonicMs);
      const rates =
        previous === null || !(seconds > 0) ? null : pagingRates(paging, previous.paging, seconds);
      previous = { paging, monotonicMs };

      const data: MemoryData = { ...figures, paging, pagingRates: rates };
      return ok(data);
    },
  };
}
