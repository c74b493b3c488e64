import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PagingCounters } from '@sysray/proto';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createMemoryCollector,
  memoryFromMeminfo,
  pagingRates,
  parseMeminfo,
  parsePagingCounters,
} from '../../src/collectors/memory.js';
import type { CollectContext, CollectOutcome } from '../../src/collectors/types.js';
import { ManualClock } from '../../src/platform/clock.js';
import { resolveHostRoots } from '../../src/platform/host-roots.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));
const KiB = 1024;

function contextFor(rootfs: string, clock = new ManualClock()): CollectContext {
  return { roots: resolveHostRoots({ rootfs }, {}), clock, signal: new AbortController().signal };
}

function dataOf<T>(outcome: CollectOutcome<T>): T {
  if (outcome.kind !== 'ok') throw new Error(`expected ok, got unsupported: ${outcome.reason}`);
  return outcome.data;
}

const temps: string[] = [];
function copyFixture(variant: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), `sysray-memory-${variant}-`));
  temps.push(dir);
  for (const file of ['proc/meminfo', 'proc/vmstat']) {
    cpSync(path.join(FIXTURES, variant, file), path.join(dir, file));
  }
  return dir;
}
afterEach(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Adds to `key value` lines of a /proc/vmstat copy. */
function bumpVmstat(file: string, deltas: Record<string, number>): void {
  const text = readFileSync(file, 'utf8')
    .split('\n')
    .map((line) => {
      const [key, value] = line.split(' ');
      const add = key === undefined ? undefined : deltas[key];
      return add === undefined ? line : `${key} ${Number(value) + add}`;
    })
    .join('\n');
  writeFileSync(file, text);
}

describe('parseMeminfo', () => {
  it('reads kB lines, unitless hugepage counts and parenthesised keys', () => {
    const values = parseMeminfo(
      [
        'MemTotal:       16190600 kB',
        'Active(anon):    4512000 kB',
        'HugePages_Total:    1024',
        'VmallocTotal:   34359738367 kB',
        'garbage line',
        'Broken:   abc kB',
        '',
      ].join('\n'),
    );
    expect(values.get('MemTotal')).toBe(16190600);
    expect(values.get('Active(anon)')).toBe(4512000);
    expect(values.get('HugePages_Total')).toBe(1024);
    expect(values.get('VmallocTotal')).toBe(34359738367);
    expect(values.has('Broken')).toBe(false);
    expect(values.size).toBe(4);
  });
});

describe('memoryFromMeminfo', () => {
  it('converts to bytes and derives used from MemAvailable', () => {
    const figures = memoryFromMeminfo(
      parseMeminfo(
        [
          'MemTotal:        1000000 kB',
          'MemFree:          100000 kB',
          'MemAvailable:     600000 kB',
          'Buffers:           50000 kB',
          'Cached:           400000 kB',
          'SwapCached:         1000 kB',
          'SwapTotal:        200000 kB',
          'SwapFree:         150000 kB',
          'Shmem:              2000 kB',
          'SReclaimable:      30000 kB',
          'SUnreclaim:        10000 kB',
          'Dirty:               300 kB',
          'Writeback:            20 kB',
          'HugePages_Total:      16',
          'HugePages_Free:       12',
          'HugePages_Rsvd:        2',
          'HugePages_Surp:        1',
          'Hugepagesize:    1048576 kB',
        ].join('\n'),
      ),
    );
    expect(figures).toEqual({
      totalBytes: 1000000 * KiB,
      availableBytes: 600000 * KiB,
      freeBytes: 100000 * KiB,
      usedBytes: 400000 * KiB,
      buffersBytes: 50000 * KiB,
      cachedBytes: 400000 * KiB,
      sharedBytes: 2000 * KiB,
      slabReclaimableBytes: 30000 * KiB,
      slabUnreclaimableBytes: 10000 * KiB,
      dirtyBytes: 300 * KiB,
      writebackBytes: 20 * KiB,
      usedFraction: 0.4,
      hugepages: { total: 16, free: 12, reserved: 2, surplus: 1, pageSizeBytes: 1024 * 1024 * 1024 },
      swap: {
        totalBytes: 200000 * KiB,
        freeBytes: 150000 * KiB,
        usedBytes: 50000 * KiB,
        cachedBytes: 1000 * KiB,
      },
    });
  });

  it('estimates available memory on kernels before 3.14', () => {
    // A 3.10-era meminfo: no MemAvailable.
    const figures = memoryFromMeminfo(
      parseMeminfo(
        'MemTotal: 1000 kB\nMemFree: 100 kB\nBuffers: 50 kB\nCached: 200 kB\nSReclaimable: 25 kB\nSUnreclaim: 5 kB\n',
      ),
    );
    expect(figures.availableBytes).toBe(375 * KiB);
    expect(figures.usedBytes).toBe(625 * KiB);
    expect(figures.usedFraction).toBe(0.625);
    // No hugetlb and no swap: zeros, not errors.
    expect(figures.hugepages).toEqual({ total: 0, free: 0, reserved: 0, surplus: 0, pageSizeBytes: 0 });
    expect(figures.swap.usedBytes).toBe(0);
  });

  it('caps the pre-3.14 estimate at the total', () => {
    const figures = memoryFromMeminfo(parseMeminfo('MemTotal: 100 kB\nMemFree: 90 kB\nCached: 50 kB\n'));
    expect(figures.availableBytes).toBe(100 * KiB);
    expect(figures.usedBytes).toBe(0);
  });

  it('throws without MemTotal', () => {
    expect(() => memoryFromMeminfo(parseMeminfo('MemFree: 1 kB\n'))).toThrow(/MemTotal/);
  });
});

describe('parsePagingCounters', () => {
  it('sums reclaim variants without the anon/file split or throttle events (Linux 6.2+)', () => {
    const counters = parsePagingCounters(
      [
        'pgpgin 100',
        'pgpgout 200',
        'pswpin 3',
        'pswpout 4',
        'pgfault 1000',
        'pgmajfault 10',
        'pgsteal_kswapd 50',
        'pgsteal_direct 5',
        'pgsteal_khugepaged 1',
        'pgscan_kswapd 70',
        'pgscan_direct 8',
        'pgscan_khugepaged 2',
        'pgscan_direct_throttle 99',
        'pgscan_anon 30',
        'pgscan_file 50',
        'pgsteal_anon 20',
        'pgsteal_file 36',
        'oom_kill 2',
      ].join('\n'),
    );
    expect(counters).toEqual({
      pgfault: 1000,
      pgmajfault: 10,
      pgpgin: 100,
      pgpgout: 200,
      pswpin: 3,
      pswpout: 4,
      pgscan: 80,
      pgsteal: 56,
      oomKill: 2,
    });
  });

  it('sums the per-zone counters of kernels before 4.8 and has no oom_kill before 4.13', () => {
    const counters = parsePagingCounters(
      [
        'pgsteal_kswapd_dma 1',
        'pgsteal_kswapd_dma32 10',
        'pgsteal_kswapd_normal 100',
        'pgsteal_kswapd_movable 0',
        'pgsteal_direct_normal 7',
        'pgscan_kswapd_dma 2',
        'pgscan_kswapd_dma32 20',
        'pgscan_kswapd_normal 200',
        'pgscan_direct_dma32 3',
        'pgscan_direct_normal 30',
        'pgscan_direct_throttle 5',
      ].join('\n'),
    );
    expect(counters.pgscan).toBe(255);
    expect(counters.pgsteal).toBe(118);
    expect(counters.oomKill).toBeNull();
  });

  it('reads the bare per-zone pgsteal of kernels before 3.4', () => {
    const counters = parsePagingCounters('pgsteal_dma32 5\npgsteal_normal 40\npgscan_kswapd_normal 60\n');
    expect(counters.pgsteal).toBe(45);
    expect(counters.pgscan).toBe(60);
  });

  it('reads zeros from garbage', () => {
    const counters = parsePagingCounters('what\n\nnope x\n');
    expect(counters.pgfault).toBe(0);
    expect(counters.pgscan).toBe(0);
    expect(counters.oomKill).toBeNull();
  });
});

describe('pagingRates', () => {
  const base: PagingCounters = {
    pgfault: 1000,
    pgmajfault: 10,
    pgpgin: 100,
    pgpgout: 100,
    pswpin: 0,
    pswpout: 0,
    pgscan: 50,
    pgsteal: 40,
    oomKill: null,
  };
  it('divides deltas by the interval and gives null for backwards or absent counters', () => {
    const rates = pagingRates({ ...base, pgfault: 3000, pgscan: 10, pswpin: 8 }, base, 2);
    expect(rates.pgfault).toBe(1000);
    expect(rates.pswpin).toBe(4);
    expect(rates.pgscan).toBeNull();
    expect(rates.oomKill).toBeNull();
    expect(rates.pgmajfault).toBe(0);
  });
});

describe('memory collector on fixture trees', () => {
  it('reports v2-containers', async () => {
    const collector = createMemoryCollector();
    expect(collector.section).toBe('memory');
    const data = dataOf(await collector.collect(contextFor(path.join(FIXTURES, 'v2-containers'))));
    expect(data.totalBytes).toBe(16190600 * KiB);
    expect(data.freeBytes).toBe(1873412 * KiB);
    expect(data.availableBytes).toBe(9124580 * KiB);
    expect(data.usedBytes).toBe((16190600 - 9124580) * KiB);
    expect(data.usedFraction).toBeCloseTo((16190600 - 9124580) / 16190600, 12);
    expect(data.buffersBytes).toBe(412288 * KiB);
    expect(data.cachedBytes).toBe(6950120 * KiB);
    expect(data.sharedBytes).toBe(98765 * KiB);
    expect(data.slabReclaimableBytes).toBe(812345 * KiB);
    expect(data.slabUnreclaimableBytes).toBe(311111 * KiB);
    expect(data.dirtyBytes).toBe(2184 * KiB);
    expect(data.writebackBytes).toBe(0);
    expect(data.hugepages).toEqual({ total: 0, free: 0, reserved: 0, surplus: 0, pageSizeBytes: 2048 * KiB });
    // A Kubernetes node: no swap.
    expect(data.swap).toEqual({ totalBytes: 0, freeBytes: 0, usedBytes: 0, cachedBytes: 0 });
    expect(data.paging).toEqual({
      pgfault: 9876543210,
      pgmajfault: 123456,
      pgpgin: 412345678,
      pgpgout: 987654321,
      pswpin: 0,
      pswpout: 0,
      pgscan: 1258812,
      pgsteal: 1222700,
      oomKill: 3,
    });
    expect(data.pagingRates).toBeNull();
  });

  it('reports hugepages and zram swap on nvme-dm-md (Linux 6.1, no khugepaged counters)', async () => {
    const data = dataOf(await createMemoryCollector().collect(contextFor(path.join(FIXTURES, 'nvme-dm-md'))));
    expect(data.totalBytes).toBe(131762464 * KiB);
    expect(data.usedBytes).toBe((131762464 - 97812345) * KiB);
    expect(data.hugepages).toEqual({
      total: 1024,
      free: 1000,
      reserved: 8,
      surplus: 0,
      pageSizeBytes: 2048 * KiB,
    });
    expect(data.swap).toEqual({
      totalBytes: 4194300 * KiB,
      freeBytes: 3890000 * KiB,
      usedBytes: 304300 * KiB,
      cachedBytes: 51200 * KiB,
    });
    expect(data.paging.pgscan).toBe(45678901 + 1234567);
    expect(data.paging.pgsteal).toBe(44000000 + 1200000);
    expect(data.paging.oomKill).toBe(0);
  });

  it.each([
    ['hybrid-v1v2', 8082472, 4523112, 3456789 + 123456, 3000000 + 100000, 0, 2097148 - 1835004],
    ['no-psi', 3979920, 2391444, 5678901 + 34567, 5500000 + 30000, 1, 1048572 - 1001468],
  ])('reports %s', async (variant, totalKb, availableKb, pgscan, pgsteal, oomKill, swapUsedKb) => {
    const data = dataOf(await createMemoryCollector().collect(contextFor(path.join(FIXTURES, variant))));
    expect(data.totalBytes).toBe(totalKb * KiB);
    expect(data.availableBytes).toBe(availableKb * KiB);
    expect(data.usedBytes).toBe((totalKb - availableKb) * KiB);
    expect(data.paging.pgscan).toBe(pgscan);
    expect(data.paging.pgsteal).toBe(pgsteal);
    expect(data.paging.oomKill).toBe(oomKill);
    expect(data.swap.usedBytes).toBe(swapUsedKb * KiB);
  });
});

describe('memory paging rates', () => {
  it('computes per-second rates between two samples', async () => {
    const root = copyFixture('v2-containers');
    const clock = new ManualClock();
    const collector = createMemoryCollector();
    const context = contextFor(root, clock);
    expect(dataOf(await collector.collect(context)).pagingRates).toBeNull();

    bumpVmstat(path.join(root, 'proc/vmstat'), {
      pgfault: 4000,
      pgmajfault: 20,
      pgpgin: 800,
      pgpgout: 1600,
      pgscan_kswapd: 150,
      pgscan_direct: 50,
      // The anon/file split of the same 200 pages must not count again.
      pgscan_anon: 120,
      pgscan_file: 80,
      pgsteal_kswapd: 100,
      pgsteal_anon: 100,
      oom_kill: 2,
    });
    clock.advance(2000);
    const data = dataOf(await collector.collect(context));
    expect(data.pagingRates).toEqual({
      pgfault: 2000,
      pgmajfault: 10,
      pgpgin: 400,
      pgpgout: 800,
      pswpin: 0,
      pswpout: 0,
      pgscan: 100,
      pgsteal: 50,
      oomKill: 1,
    });
  });

  it('gives a null rate for a counter that went backwards and for an absent oom_kill', async () => {
    const root = copyFixture('no-psi');
    const clock = new ManualClock();
    const collector = createMemoryCollector();
    const context = contextFor(root, clock);
    const vmstat = path.join(root, 'proc/vmstat');
    // Pretend a kernel before 4.13: no oom_kill line.
    writeFileSync(vmstat, readFileSync(vmstat, 'utf8').replace(/^oom_kill .*\n/m, ''));
    await collector.collect(context);
    bumpVmstat(vmstat, { pgfault: -5, pswpin: 10 });
    clock.advance(1000);
    const data = dataOf(await collector.collect(context));
    expect(data.paging.oomKill).toBeNull();
    expect(data.pagingRates?.pgfault).toBeNull();
    expect(data.pagingRates?.pswpin).toBe(10);
    expect(data.pagingRates?.oomKill).toBeNull();
  });
});

describe('memory collector failures', () => {
  it('is unsupported without /proc/meminfo', async () => {
    const root = copyFixture('hybrid-v1v2');
    rmSync(path.join(root, 'proc/meminfo'));
    const outcome = await createMemoryCollector().collect(contextFor(root));
    expect(outcome.kind).toBe('unsupported');
    if (outcome.kind === 'unsupported') expect(outcome.reason).toContain(path.join(root, 'proc/meminfo'));
  });

  it('throws naming the path for a missing /proc/vmstat or a meminfo without MemTotal', async () => {
    const root = copyFixture('hybrid-v1v2');
    rmSync(path.join(root, 'proc/vmstat'));
    await expect(createMemoryCollector().collect(contextFor(root))).rejects.toThrow(
      path.join(root, 'proc/vmstat'),
    );
    writeFileSync(path.join(root, 'proc/meminfo'), 'Garbage: 1 kB\n');
    await expect(createMemoryCollector().collect(contextFor(root))).rejects.toThrow(
      `${path.join(root, 'proc/meminfo')}: no MemTotal`,
    );
  });
});

describe('memory collector on the live host', () => {
  it.runIf(process.platform === 'linux')('reports sane values', async () => {
    const collector = createMemoryCollector();
    const context: CollectContext = {
      roots: resolveHostRoots({}, {}),
      clock: new ManualClock(),
      signal: new AbortController().signal,
    };
    const data = dataOf(await collector.collect(context));
    expect(data.totalBytes).toBeGreaterThan(64 * 1024 * 1024);
    expect(data.availableBytes).toBeLessThanOrEqual(data.totalBytes);
    expect(data.freeBytes).toBeLessThanOrEqual(data.totalBytes);
    expect(data.usedBytes).toBe(data.totalBytes - data.availableBytes);
    expect(data.usedFraction).toBeGreaterThan(0);
    expect(data.usedFraction).toBeLessThan(1);
    expect(data.swap.usedBytes).toBeLessThanOrEqual(data.swap.totalBytes);
    expect(data.paging.pgfault).toBeGreaterThan(0);
  });
});
