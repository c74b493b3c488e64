import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DiskDevice, DisksData } from '@sysray/proto';
import { afterEach, describe, expect, it } from 'vitest';
import { diskCounters, diskKind, diskRates, parseDiskstats } from '../../src/collectors/disks.js';
import type { DiskstatsFields } from '../../src/collectors/disks.js';
import { createDisksCollector } from '../../src/collectors/disks.js';
import type { CollectOutcome } from '../../src/collectors/types.js';
import type { Clock } from '../../src/platform/clock.js';
import { ManualClock, systemClock } from '../../src/platform/clock.js';
import { resolveHostRoots } from '../../src/platform/host-roots.js';

const fixture = (variant: string): string =>
  fileURLToPath(new URL(`../fixtures/${variant}`, import.meta.url));

function context(rootfs: string, clock: Clock = new ManualClock()) {
  return { roots: resolveHostRoots({ rootfs }, {}), clock, signal: new AbortController().signal };
}

function data(outcome: CollectOutcome<DisksData>): DisksData {
  if (outcome.kind !== 'ok') throw new Error(`expected ok, got unsupported: ${outcome.reason}`);
  return outcome.data;
}

function device(disks: DisksData, name: string): DiskDevice {
  const found = disks.devices.find((d) => d.name === name);
  if (found === undefined)
    throw new Error(`no device ${name} in ${disks.devices.map((d) => d.name).join(', ')}`);
  return found;
}

const temps: string[] = [];
function tempCopy(variant: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'sysray-disks-'));
  temps.push(dir);
  // Only what this collector reads: the trees hold other collectors' files too.
  cpSync(path.join(fixture(variant), 'proc', 'diskstats'), path.join(dir, 'proc', 'diskstats'));
  cpSync(path.join(fixture(variant), 'sys', 'block'), path.join(dir, 'sys', 'block'), { recursive: true });
  return dir;
}
function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'sysray-disks-'));
  temps.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Replaces the stats of one device in a tree's /proc/diskstats, keeping the kernel's column layout. */
function setDiskstats(rootfs: string, name: string, stats: readonly number[], devNumber?: string): void {
  const file = path.join(rootfs, 'proc', 'diskstats');
  const lines = readFileSync(file, 'utf8').split('\n');
  const index = lines.findIndex((line) => line.trim().split(/\s+/)[2] === name);
  if (index < 0) throw new Error(`${name} not in ${file}`);
  const [major, minor] = (devNumber ?? lines[index]!.trim().split(/\s+/).slice(0, 2).join(':')).split(':');
  lines[index] = `${major!.padStart(4)} ${minor!.padStart(7)} ${name} ${stats.join(' ')}`;
  writeFileSync(file, lines.join('\n'));
}

describe('parseDiskstats', () => {
  it('maps the 17 fields of Linux 5.5+ (discards and flushes)', () => {
    const [line] = parseDiskstats(
      ' 259       0 nvme0n1 160395 46011 13420742 30925 1155402 1088012 51370698 1053214 1 739932 1125810 12 3 4096 7 84032 41669\n',
    );
    expect(line).toEqual({
      major: 259,
      minor: 0,
      name: 'nvme0n1',
      fields: {
        readsCompleted: 160395,
        readsMerged: 46011,
        readSectors: 13420742,
        readTimeMs: 30925,
        writesCompleted: 1155402,
        writesMerged: 1088012,
        writeSectors: 51370698,
        writeTimeMs: 1053214,
        ioInProgress: 1,
        ioTimeMs: 739932,
        weightedIoTimeMs: 1125810,
        discardsCompleted: 12,
        discardsMerged: 3,
        discardSectors: 4096,
        discardTimeMs: 7,
        flushesCompleted: 84032,
        flushTimeMs: 41669,
      },
    });
  });

  it('leaves flushes null on Linux 4.18–5.4 (15 fields)', () => {
    const [line] = parseDiskstats('   8       0 sda 1 2 3 4 5 6 7 8 0 10 11 12 13 14 15');
    expect(line?.fields.discardsCompleted).toBe(12);
    expect(line?.fields.discardTimeMs).toBe(15);
    expect(line?.fields.flushesCompleted).toBeNull();
    expect(line?.fields.flushTimeMs).toBeNull();
  });

  it('leaves discards and flushes null on the classic 11 fields (before Linux 4.18)', () => {
    const [line] = parseDiskstats(
      ' 202       0 xvda 62345 1234 2345678 45678 234567 123456 5678901 567890 0 234567 613456',
    );
    expect(line?.fields.weightedIoTimeMs).toBe(613456);
    expect(line?.fields.discardsCompleted).toBeNull();
    expect(line?.fields.discardSectors).toBeNull();
    expect(line?.fields.flushesCompleted).toBeNull();
  });

  it('treats an incomplete discard group as absent', () => {
    const [line] = parseDiskstats('8 0 sda 1 2 3 4 5 6 7 8 0 10 11 12 13');
    expect(line?.fields.weightedIoTimeMs).toBe(11);
    expect(line?.fields.discardsCompleted).toBeNull();
  });

  it('skips garbage, blank and pre-2.6.25 four-field partition lines', () => {
    const lines = parseDiskstats(
      [
        '',
        'garbage',
        '   3    1 hda1 35486 38030 38030 38030', // old partition format
        'x 0 sda 1 2 3 4 5 6 7 8 9 10 11',
        '8 0 sda 1 2 three 4 5 6 7 8 9 10 11',
        '   8      16 sdb 1 2 3 4 5 6 7 8 9 10 11',
      ].join('\n'),
    );
    expect(lines.map((l) => l.name)).toEqual(['sdb']);
  });

  it('keeps a kernel name with a slash as diskstats prints it', () => {
    expect(parseDiskstats(' 104       0 cciss/c0d0 1 2 3 4 5 6 7 8 9 10 11')[0]?.name).toBe('cciss/c0d0');
  });
});

const base: DiskstatsFields = {
  readsCompleted: 1000,
  readsMerged: 100,
  readSectors: 80_000,
  readTimeMs: 5_000,
  writesCompleted: 2000,
  writesMerged: 200,
  writeSectors: 160_000,
  writeTimeMs: 9_000,
  ioInProgress: 0,
  ioTimeMs: 50_000,
  weightedIoTimeMs: 70_000,
  discardsCompleted: 10,
  discardsMerged: 0,
  discardSectors: 2048,
  discardTimeMs: 3,
  flushesCompleted: 40,
  flushTimeMs: 8,
};

describe('diskCounters', () => {
  it('converts 512-byte sectors to bytes and milliseconds to seconds', () => {
    const counters = diskCounters(base);
    expect(counters.readBytes).toBe(80_000 * 512);
    expect(counters.writeBytes).toBe(160_000 * 512);
    expect(counters.readTimeSeconds).toBe(5);
    expect(counters.weightedIoTimeSeconds).toBe(70);
    expect(counters.discardBytes).toBe(2048 * 512);
    expect(counters.flushTimeSeconds).toBe(0.008);
  });

  it('keeps absent groups null', () => {
    const counters = diskCounters({ ...base, discardSectors: null, discardTimeMs: null, flushTimeMs: null });
    expect(counters.discardBytes).toBeNull();
    expect(counters.discardTimeSeconds).toBeNull();
    expect(counters.flushTimeSeconds).toBeNull();
  });
});

describe('diskRates', () => {
  it('computes per-second rates, await, utilization and queue depth', () => {
    const later: DiskstatsFields = {
      ...base,
      readsCompleted: 1200,
      readsMerged: 140,
      readSectors: 84_096,
      readTimeMs: 5_100,
      writesCompleted: 2400,
      writesMerged: 210,
      writeSectors: 176_384,
      writeTimeMs: 10_200,
      ioTimeMs: 51_000,
      weightedIoTimeMs: 74_000,
      discardsCompleted: 14,
      flushesCompleted: 50,
    };
    expect(diskRates(later, base, 2)).toEqual({
      readsPerSec: 100,
      writesPerSec: 200,
      readBytesPerSec: 4096 * 256,
      writeBytesPerSec: 16_384 * 256,
      readMergesPerSec: 20,
      writeMergesPerSec: 5,
      readAwaitMs: 0.5,
      writeAwaitMs: 3,
      utilization: 0.5,
      queueDepth: 2,
      discardsPerSec: 2,
      flushesPerSec: 5,
    });
  });

  it('gives null awaits when nothing completed and zero rates for an idle device', () => {
    const rates = diskRates(base, base, 5);
    expect(rates?.readAwaitMs).toBeNull();
    expect(rates?.writeAwaitMs).toBeNull();
    expect(rates?.readsPerSec).toBe(0);
    expect(rates?.utilization).toBe(0);
    expect(rates?.queueDepth).toBe(0);
  });

  it('clamps utilization to 1', () => {
    expect(diskRates({ ...base, ioTimeMs: base.ioTimeMs + 1010 }, base, 1)?.utilization).toBe(1);
  });

  it('is null when an operation counter went backwards (device re-created)', () => {
    expect(diskRates({ ...base, readsCompleted: 3 }, base, 1)).toBeNull();
    expect(diskRates({ ...base, writeSectors: 3 }, base, 1)).toBeNull();
  });

  it('is null for a non-positive interval', () => {
    expect(diskRates(base, base, 0)).toBeNull();
  });

  it('unwraps the unsigned 32-bit millisecond fields', () => {
    const before = { ...base, weightedIoTimeMs: 2 ** 32 - 1000, ioTimeMs: 2 ** 32 - 500 };
    const after = { ...base, weightedIoTimeMs: 3000, ioTimeMs: 500 };
    const rates = diskRates(after, before, 4);
    expect(rates?.queueDepth).toBe(1);
    expect(rates?.utilization).toBe(0.25);
  });

  it('gives null discard and flush rates when the kernel lacks them', () => {
    const old = { ...base, discardsCompleted: null, flushesCompleted: null };
    const rates = diskRates(old, old, 1);
    expect(rates?.discardsPerSec).toBeNull();
    expect(rates?.flushesPerSec).toBeNull();
    expect(rates?.readsPerSec).toBe(0);
  });
});

describe('diskKind', () => {
  const none = { dm: false, md: false, loop: false };
  it('recognises stacked drivers by their sysfs directories', () => {
    expect(diskKind('dm-3', { ...none, dm: true })).toBe('dm');
    expect(diskKind('md127', { ...none, md: true })).toBe('md');
    expect(diskKind('loop7', { ...none, loop: true })).toBe('loop');
  });
  it('names the others by the driver naming scheme', () => {
    expect(diskKind('nvme0n1', none)).toBe('nvme');
    expect(diskKind('sdaa', none)).toBe('scsi');
    expect(diskKind('vdb', none)).toBe('virtio');
    expect(diskKind('xvdb', none)).toBe('xen');
    expect(diskKind('mmcblk0', none)).toBe('mmc');
    expect(diskKind('loop0', none)).toBe('loop');
    expect(diskKind('zram0', none)).toBe('other');
    expect(diskKind('nbd0', none)).toBe('other');
  });
});

describe('disks collector on fixture trees', () => {
  it('v2-containers: one NVMe disk with three partitions, Linux 6.8 fields', async () => {
    const disks = data(await createDisksCollector().collect(context(fixture('v2-containers'))));
    expect(disks.devices.map((d) => d.name)).toEqual(['nvme0n1']);
    const nvme = device(disks, 'nvme0n1');
    expect(nvme).toMatchObject({
      devNumber: '259:0',
      displayName: 'nvme0n1',
      kind: 'nvme',
      sizeBytes: 209_715_200 * 512,
      rotational: false,
      model: 'Amazon Elastic Block Store',
      partitions: ['nvme0n1p1', 'nvme0n1p2', 'nvme0n1p3'],
      slaves: [],
      holders: [],
      rates: null,
    });
    expect(nvme.counters).toMatchObject({
      readsCompleted: 148_302,
      readBytes: 10_481_234 * 512,
      writeTimeSeconds: 1874.521,
      ioInProgress: 3,
      discardBytes: 20_971_520 * 512,
      flushesCompleted: 201_233,
      flushTimeSeconds: 48.521,
    });
  });

  it('hybrid-v1v2: SATA disks, Linux 5.4 has discards but no flushes', async () => {
    const disks = data(await createDisksCollector().collect(context(fixture('hybrid-v1v2'))));
    expect(disks.devices.map((d) => d.name)).toEqual(['sda', 'sdb']);
    expect(device(disks, 'sda')).toMatchObject({
      devNumber: '8:0',
      kind: 'scsi',
      model: 'Samsung SSD 860',
      rotational: false,
      sizeBytes: 976_773_168 * 512,
      partitions: ['sda1'],
    });
    const sdb = device(disks, 'sdb');
    expect(sdb).toMatchObject({
      devNumber: '8:16',
      model: 'ST1000DM010-2EP1',
      rotational: true,
      partitions: ['sdb1'],
    });
    expect(sdb.counters.ioInProgress).toBe(2);
    expect(device(disks, 'sda').counters.discardsCompleted).toBe(1234);
    expect(device(disks, 'sda').counters.flushesCompleted).toBeNull();
  });

  it('no-psi: Xen disks on Linux 4.15 with the 11 classic fields', async () => {
    const disks = data(await createDisksCollector().collect(context(fixture('no-psi'))));
    expect(disks.devices.map((d) => [d.name, d.kind, d.partitions])).toEqual([
      ['xvda', 'xen', ['xvda1']],
      ['xvdb', 'xen', []],
    ]);
    const xvda = device(disks, 'xvda');
    expect(xvda.model).toBeNull();
    expect(xvda.sizeBytes).toBe(8 * 1024 ** 3);
    expect(xvda.counters.weightedIoTimeSeconds).toBe(613.456);
    expect(xvda.counters.discardsCompleted).toBeNull();
    expect(xvda.counters.flushesCompleted).toBeNull();
  });

  it('nvme-dm-md: every kind, stacking through slaves and holders, loop0 dropped by default', async () => {
    const disks = data(await createDisksCollector().collect(context(fixture('nvme-dm-md'))));
    expect(disks.devices.map((d) => [d.name, d.kind])).toEqual([
      ['nvme0n1', 'nvme'],
      ['nvme1n1', 'nvme'],
      ['sda', 'scsi'],
      ['sdb', 'scsi'],
      ['mmcblk0', 'mmc'],
      ['vda', 'virtio'],
      ['md0', 'md'],
      ['dm-0', 'dm'],
      ['dm-1', 'dm'],
      ['zram0', 'other'],
    ]);
    expect(device(disks, 'nvme0n1')).toMatchObject({
      model: 'Samsung SSD 980 PRO 1TB',
      partitions: ['nvme0n1p1', 'nvme0n1p2'],
      // Holders of a partition sit on the partition (nvme0n1p2/holders), not on the disk.
      holders: [],
    });
    expect(device(disks, 'nvme1n1')).toMatchObject({
      devNumber: '259:5',
      model: 'Micron_7450_MTFDKBG3T8TFR',
      partitions: [],
      sizeBytes: 7_501_476_528 * 512,
    });
    expect(device(disks, 'dm-0')).toMatchObject({
      devNumber: '253:0',
      displayName: 'vg0-root',
      slaves: ['nvme0n1p2'],
      model: null,
    });
    expect(device(disks, 'dm-1').displayName).toBe('vg0-var');
    expect(device(disks, 'md0')).toMatchObject({
      devNumber: '9:0',
      displayName: 'md0',
      slaves: ['sda1', 'sdb1'],
      rotational: true,
    });
    expect(device(disks, 'sda')).toMatchObject({
      model: 'ST4000NM000A-2HZ',
      partitions: ['sda1'],
      rotational: true,
    });
    expect(device(disks, 'mmcblk0')).toMatchObject({ model: 'SD64G', partitions: ['mmcblk0p1'] });
    expect(device(disks, 'vda')).toMatchObject({
      devNumber: '254:0',
      model: null,
      rotational: true,
      partitions: [],
    });
    expect(device(disks, 'zram0').sizeBytes).toBe(8 * 1024 ** 3);
  });

  it('nvme-dm-md: an empty filter keeps loop0, an include filter narrows', async () => {
    const all = data(await createDisksCollector({}).collect(context(fixture('nvme-dm-md'))));
    expect(all.devices[0]).toMatchObject({ name: 'loop0', devNumber: '7:0', kind: 'loop', partitions: [] });
    expect(all.devices).toHaveLength(11);
    const onlyNvme = data(
      await createDisksCollector({ include: ['nvme\\d+n\\d+'] }).collect(context(fixture('nvme-dm-md'))),
    );
    expect(onlyNvme.devices.map((d) => d.name)).toEqual(['nvme0n1', 'nvme1n1']);
  });

  it('never reports a partition as a disk', async () => {
    for (const variant of ['v2-containers', 'hybrid-v1v2', 'no-psi', 'nvme-dm-md']) {
      const disks = data(await createDisksCollector({}).collect(context(fixture(variant))));
      const partitions = new Set(disks.devices.flatMap((d) => d.partitions));
      expect(partitions.size).toBeGreaterThan(0);
      for (const d of disks.devices) expect(partitions.has(d.name)).toBe(false);
    }
  });

  it('tells a disk from a partition through sysfs, not the name', async () => {
    // A whole disk whose name ends in a digit after "p", and a sysfs name with `!` for the kernel's `/`.
    const root = tempDir();
    mkdirSync(path.join(root, 'proc'), { recursive: true });
    writeFileSync(
      path.join(root, 'proc', 'diskstats'),
      [
        ' 104       0 cciss/c0d0 10 0 80 5 20 0 160 9 0 12 14',
        ' 104       1 cciss/c0d0p1 9 0 72 4 20 0 160 9 0 11 13',
        ' 252       0 nbdp1 1 0 8 1 0 0 0 0 0 1 1',
        '',
      ].join('\n'),
    );
    const block = path.join(root, 'sys', 'block');
    mkdirSync(path.join(block, 'cciss!c0d0', 'cciss!c0d0p1'), { recursive: true });
    writeFileSync(path.join(block, 'cciss!c0d0', 'size'), '2048\n');
    writeFileSync(path.join(block, 'cciss!c0d0', 'cciss!c0d0p1', 'partition'), '1\n');
    mkdirSync(path.join(block, 'nbdp1'), { recursive: true });
    const disks = data(await createDisksCollector({}).collect(context(root)));
    expect(disks.devices.map((d) => [d.name, d.partitions, d.sizeBytes])).toEqual([
      ['cciss/c0d0', ['cciss/c0d0p1'], 2048 * 512],
      ['nbdp1', [], null],
    ]);
  });

  it('is unsupported without /proc/diskstats or without sysfs', async () => {
    const empty = tempDir();
    expect(await createDisksCollector().collect(context(empty))).toMatchObject({ kind: 'unsupported' });
    const noSys = tempCopy('no-psi');
    rmSync(path.join(noSys, 'sys', 'block'), { recursive: true });
    const outcome = await createDisksCollector().collect(context(noSys));
    expect(outcome.kind).toBe('unsupported');
    expect(outcome.kind === 'unsupported' && outcome.reason).toContain(path.join('sys', 'block'));
  });

  it('throws with the path when diskstats cannot be read', async () => {
    const root = tempDir();
    mkdirSync(path.join(root, 'proc', 'diskstats'), { recursive: true }); // a directory: EISDIR
    await expect(createDisksCollector().collect(context(root))).rejects.toThrow(/proc\/diskstats/);
  });
});

describe('disks rates', () => {
  const nvme0n1Before = [
    2841023, 412398, 301234876, 612345, 18234561, 9123456, 1203456789, 9876543, 4, 6123456, 10512345, 123456,
    0, 3456789012, 4567, 1234567, 345678,
  ];
  const nvme0n1After = [
    2841223, 412418, 301238972, 612445, 18235561, 9123506, 1203473173, 9879543, 2, 6124956, 10518545, 123466,
    0, 3456791060, 4572, 1234607, 345686,
  ];

  it('are null first, then exact between two samples', async () => {
    const root = tempCopy('nvme-dm-md');
    const clock = new ManualClock();
    const collector = createDisksCollector();
    const first = data(await collector.collect(context(root, clock)));
    expect(first.devices.every((d) => d.rates === null)).toBe(true);

    setDiskstats(root, 'nvme0n1', nvme0n1After);
    clock.advance(2000);
    const second = data(await collector.collect(context(root, clock)));
    expect(device(second, 'nvme0n1').rates).toEqual({
      readsPerSec: 100,
      writesPerSec: 500,
      readBytesPerSec: 1_048_576,
      writeBytesPerSec: 4_194_304,
      readMergesPerSec: 10,
      writeMergesPerSec: 25,
      readAwaitMs: 0.5,
      writeAwaitMs: 3,
      utilization: 0.75,
      queueDepth: 3.1,
      discardsPerSec: 5,
      flushesPerSec: 20,
    });
    expect(device(second, 'nvme0n1').counters.ioInProgress).toBe(2);
    expect(device(second, 'nvme1n1').rates).toMatchObject({
      readsPerSec: 0,
      readAwaitMs: null,
      writeAwaitMs: null,
      utilization: 0,
    });
  });

  it('are null when counters go backwards or the device number changes', async () => {
    const root = tempCopy('nvme-dm-md');
    const clock = new ManualClock();
    const collector = createDisksCollector();
    setDiskstats(root, 'nvme0n1', nvme0n1After);
    await collector.collect(context(root, clock));

    setDiskstats(root, 'nvme0n1', nvme0n1Before);
    // Counters move forward but under another device number: a different device took the name.
    setDiskstats(
      root,
      'nvme1n1',
      [
        600000, 1234, 81234567, 98765, 234567, 3456, 123456789, 234567, 0, 312345, 333332, 45678, 0,
        2345678901, 2345, 34567, 12345,
      ],
      '259:9',
    );
    clock.advance(1000);
    const second = data(await collector.collect(context(root, clock)));
    expect(device(second, 'nvme0n1').rates).toBeNull();
    expect(device(second, 'nvme1n1').rates).toBeNull();
    expect(device(second, 'nvme1n1').devNumber).toBe('259:9');
    expect(device(second, 'sda').rates).not.toBeNull();

    // The next interval measures from the restarted counters again.
    clock.advance(1000);
    const third = data(await collector.collect(context(root, clock)));
    expect(device(third, 'nvme0n1').rates?.readsPerSec).toBe(0);
  });

  it('keep state per collector instance', async () => {
    const root = tempCopy('nvme-dm-md');
    const clock = new ManualClock();
    const a = createDisksCollector();
    await a.collect(context(root, clock));
    clock.advance(1000);
    const fresh = data(await createDisksCollector().collect(context(root, clock)));
    expect(fresh.devices.every((d) => d.rates === null)).toBe(true);
    const again = data(await a.collect(context(root, clock)));
    expect(again.devices.every((d) => d.rates !== null)).toBe(true);
  });
});

describe('disks collector on the live host', () => {
  it.runIf(process.platform === 'linux')(
    'reports sane whole disks with rates on the second sample',
    async () => {
      const live = {
        roots: resolveHostRoots({}, {}),
        clock: systemClock,
        signal: new AbortController().signal,
      };
      const collector = createDisksCollector();
      const first = await collector.collect(live);
      if (first.kind === 'unsupported') {
        // A container without /proc/diskstats or /sys/block: the reason must say which.
        expect(first.reason).toMatch(/diskstats|block/);
        return;
      }
      const partitions = new Set(first.data.devices.flatMap((d) => d.partitions));
      for (const d of first.data.devices) {
        expect(d.devNumber).toMatch(/^\d+:\d+$/);
        expect(partitions.has(d.name)).toBe(false);
        expect(d.name).not.toMatch(/^(loop|ram)\d+$/);
        expect(d.counters.readsCompleted).toBeGreaterThanOrEqual(0);
        if (d.sizeBytes !== null) expect(d.sizeBytes % 512).toBe(0);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
      const second = data(await collector.collect(live));
      for (const d of second.devices) {
        if (d.rates === null) continue;
        expect(d.rates.utilization).toBeGreaterThanOrEqual(0);
        expect(d.rates.utilization).toBeLessThanOrEqual(1);
        expect(d.rates.readsPerSec).toBeGreaterThanOrEqual(0);
      }
      expect(second.devices.filter((d) => d.rates !== null).length).toBe(
        second.devices.filter((d) => first.data.devices.some((f) => f.name === d.name)).length,
      );
    },
  );
});
