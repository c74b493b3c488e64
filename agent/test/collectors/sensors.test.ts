import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SensorsData } from '@sysray/proto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  RAPL_ROOT_ONLY_REASON,
  createSensorsCollector,
  deviceName,
  parseUevent,
  readHwmonChip,
  readHwmonChips,
  readRaplZones,
  wrappedDelta,
} from '../../src/collectors/sensors.js';
import type { CollectContext, CollectOutcome } from '../../src/collectors/types.js';
import { snapshotMetrics } from '../../src/otel/snapshot-metrics.js';
import { ManualClock } from '../../src/platform/clock.js';
import { resolveHostRoots } from '../../src/platform/host-roots.js';
import type * as ReadModule from '../../src/platform/read.js';
import { sampleSnapshot } from '../otel/sample-snapshot.js';

// energy_uj is 0400 root since Linux 5.10 and a sensor read can fail with EIO; a plain file cannot do either
// for a root test run, so the read helper fails on demand for the paths a test names.
const failing = vi.hoisted(() => new Map<string, string>());
vi.mock('../../src/platform/read.js', async (importOriginal) => {
  const actual = await importOriginal<typeof ReadModule>();
  return {
    ...actual,
    readKernelFileSync: (file: string): string | null => {
      const code = failing.get(file);
      if (code !== undefined) throw Object.assign(new Error(`${code}: failed, open '${file}'`), { code });
      return actual.readKernelFileSync(file);
    },
  };
});

const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));
const rootsOf = (rootfs: string) => resolveHostRoots({ rootfs }, {});

function contextFor(rootfs: string, clock = new ManualClock()): CollectContext & { clock: ManualClock } {
  return { roots: rootsOf(rootfs), clock, signal: new AbortController().signal };
}

function dataOf(outcome: CollectOutcome<SensorsData>): SensorsData {
  if (outcome.kind !== 'ok') throw new Error(`expected ok, got ${outcome.reason}`);
  return outcome.data;
}

describe('hwmon chips', () => {
  it('reads temperatures in degrees with their labels and limits, in sensor order', () => {
    const chip = readHwmonChip(path.join(FIXTURES, 'gpu-intel/sys/class/hwmon/hwmon2'));
    expect(chip?.chipId).toBe('coretemp/coretemp.0');
    expect(chip?.temperatures).toEqual([
      { sensor: 'temp1', label: 'Package id 0', celsius: 45, maxCelsius: 80, criticalCelsius: 100 },
      { sensor: 'temp2', label: 'Core 0', celsius: 42, maxCelsius: 80, criticalCelsius: 100 },
      { sensor: 'temp10', label: 'Core 8', celsius: 44, maxCelsius: 80, criticalCelsius: 100 },
    ]);
  });

  it('drops the 65261.85 °C an NVMe drive reports for a threshold it lacks', () => {
    const chip = readHwmonChip(path.join(FIXTURES, 'gpu-amd/sys/class/hwmon/hwmon1'));
    expect(chip?.temperatures).toEqual([
      { sensor: 'temp1', label: 'Composite', celsius: 38.85, maxCelsius: 81.85, criticalCelsius: 84.85 },
      { sensor: 'temp2', label: 'Sensor 1', celsius: 38.85, maxCelsius: null, criticalCelsius: null },
    ]);
  });

  it('skips a disabled channel (tempN_enable = 0) and keeps a stopped fan', () => {
    const chip = readHwmonChip(path.join(FIXTURES, 'gpu-amd/sys/class/hwmon/hwmon2'));
    expect(chip?.temperatures.map((t) => t.label)).toEqual(['SYSTIN', 'CPUTIN']);
    expect(chip?.fans).toEqual([
      { sensor: 'fan1', label: null, rpm: 0 },
      { sensor: 'fan2', label: null, rpm: 1047 },
    ]);
  });

  it('reads the pre-3.x layout with attributes under device/, and names a chip without a device after hwmonN', () => {
    const tmp = mkdtempSync(path.join(tmpdir(), 'sysray-hwmon-'));
    try {
      mkdirSync(path.join(tmp, 'hwmon0/device'), { recursive: true });
      writeFileSync(path.join(tmp, 'hwmon0/device/name'), 'w83627hf\n');
      writeFileSync(path.join(tmp, 'hwmon0/device/temp1_input'), '31000\n');
      writeFileSync(path.join(tmp, 'hwmon0/device/uevent'), 'DRIVER=w83627hf\nMODALIAS=platform:w83627hf\n');
      const old = readHwmonChip(path.join(tmp, 'hwmon0'));
      expect(old?.name).toBe('w83627hf');
      expect(old?.chipId).toBe('w83627hf/hwmon0');
      expect(old?.temperatures[0]?.celsius).toBe(31);
      mkdirSync(path.join(tmp, 'hwmon1'));
      expect(readHwmonChip(path.join(tmp, 'hwmon1'))).toBeNull();
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('names a device from its sysfs link on a live host, from its uevent in a copied tree', () => {
    expect(deviceName(path.join(FIXTURES, 'gpu-amd/sys/class/hwmon/hwmon0/device'))).toBe('0000:00:18.3');
    expect(deviceName(path.join(FIXTURES, 'gpu-amd/sys/class/drm/card0/device'))).toBe('0000:03:00.0');
    expect(parseUevent('DRIVER=nvme\nDEVNAME=nvme0\nbroken\n').get('DEVNAME')).toBe('nvme0');
  });

  it('loses only the sensor whose read fails, not the chip', () => {
    const file = path.join(FIXTURES, 'gpu-intel/sys/class/hwmon/hwmon2/temp2_input');
    failing.set(file, 'EIO');
    try {
      const chip = readHwmonChip(path.join(FIXTURES, 'gpu-intel/sys/class/hwmon/hwmon2'));
      expect(chip?.temperatures.map((t) => t.sensor)).toEqual(['temp1', 'temp10']);
    } finally {
      failing.delete(file);
    }
  });

  it('lists chips in hwmonN order, following the class link into the GPU device', () => {
    const chips = readHwmonChips(rootsOf(path.join(FIXTURES, 'gpu-intel')));
    expect(chips.map((c) => [c.hwmon, c.chipId])).toEqual([
      ['hwmon0', 'acpitz/LNXTHERM:00'],
      ['hwmon1', 'nvme/nvme0'],
      ['hwmon2', 'coretemp/coretemp.0'],
      ['hwmon5', 'xe/0000:03:00.0'],
    ]);
    expect(chips[3]?.energies.map((e) => [e.label, e.joules])).toEqual([
      ['card', 987_654.321098],
      ['pkg', 612_345.678901],
    ]);
  });
});

describe('RAPL', () => {
  it('reads intel-rapl zones and subzones, not the control type or the MMIO duplicate', () => {
    const zones = readRaplZones(rootsOf(path.join(FIXTURES, 'gpu-intel')));
    expect(zones.map((z) => [z.id, z.name, z.parent, z.energyMicrojoules])).toEqual([
      ['intel-rapl:0', 'package-0', null, 48_123_456_789],
      ['intel-rapl:0:0', 'core', 'intel-rapl:0', 21_987_654_321],
      ['intel-rapl:0:1', 'uncore', 'intel-rapl:0', 1_987_654_321],
      ['intel-rapl:1', 'psys', null, 98_765_432_109],
    ]);
    expect(zones[0]?.maxEnergyRangeMicrojoules).toBe(262_143_328_850);
  });

  it('accounts for the counter wrapping at max_energy_range_uj', () => {
    expect(wrappedDelta(150, 100, 1000)).toBe(50);
    expect(wrappedDelta(50, 900, 1000)).toBe(150);
    expect(wrappedDelta(50, 900, null)).toBeNull();
    expect(wrappedDelta(50, 2000, 1000)).toBeNull();
  });
});

describe('sensors collector', () => {
  let tmp: string | undefined;
  afterEach(() => {
    if (tmp !== undefined) rmSync(tmp, { recursive: true, force: true });
    tmp = undefined;
    failing.clear();
  });
  /** A tree holding only the variant's powercap zones: enough for RAPL, and quick to copy. */
  const copyPowercap = (variant: string): string => {
    tmp = mkdtempSync(path.join(tmpdir(), 'sysray-sensors-'));
    const part = path.join('sys', 'class', 'powercap');
    cpSync(path.join(FIXTURES, variant, part), path.join(tmp, part), { recursive: true });
    return tmp;
  };

  it('v2-containers: NVMe and coretemp sensors, package and DRAM zones', async () => {
    const data = dataOf(
      await createSensorsCollector().collect(contextFor(path.join(FIXTURES, 'v2-containers'))),
    );
    expect(data.temperatures.map((t) => [t.id, t.label, t.celsius])).toEqual([
      ['nvme/nvme0/temp1', 'Composite', 36.85],
      ['coretemp/coretemp.0/temp1', 'Package id 0', 47],
      ['coretemp/coretemp.0/temp2', 'Core 0', 44],
      ['coretemp/coretemp.0/temp3', 'Core 1', 46],
      ['coretemp/coretemp.0/temp4', 'Core 2', 43],
      ['coretemp/coretemp.0/temp5', 'Core 3', 45],
    ]);
    expect(data.fans).toEqual([]);
    expect(data.powerZones).toEqual([
      {
        id: 'intel-rapl:0',
        name: 'package-0',
        parent: null,
        energyJoules: 182_736.459012,
        powerWatts: null,
        unavailableReason: null,
      },
      {
        id: 'intel-rapl:0:0',
        name: 'dram',
        parent: 'intel-rapl:0',
        energyJoules: 24_681.357913,
        powerWatts: null,
        unavailableReason: null,
      },
    ]);
    expect(data.unavailable).toEqual({});
  });

  it('nvme-dm-md: two NVMe chips are told apart by their device', async () => {
    const data = dataOf(
      await createSensorsCollector().collect(contextFor(path.join(FIXTURES, 'nvme-dm-md'))),
    );
    expect(data.temperatures.filter((t) => t.chip === 'nvme').map((t) => t.id)).toEqual([
      'nvme/nvme0/temp1',
      'nvme/nvme0/temp2',
      'nvme/nvme0/temp3',
      'nvme/nvme1/temp1',
    ]);
    expect(data.temperatures[0]).toMatchObject({ chip: 'k10temp', label: 'Tctl', celsius: 51.25 });
  });

  it('gpu-amd: board fans and the GPU chip sit beside the CPU', async () => {
    const data = dataOf(await createSensorsCollector().collect(contextFor(path.join(FIXTURES, 'gpu-amd'))));
    expect(data.fans.map((f) => [f.id, f.rpm])).toEqual([
      ['nct6798/nct6775.656/fan1', 0],
      ['nct6798/nct6775.656/fan2', 1047],
      ['amdgpu/0000:03:00.0/fan1', 1180],
    ]);
    expect(data.temperatures.find((t) => t.chip === 'amdgpu')?.chipId).toBe('amdgpu/0000:03:00.0');
  });

  it('is unsupported on a VM with neither hwmon nor RAPL', async () => {
    const outcome = await createSensorsCollector().collect(contextFor(path.join(FIXTURES, 'no-psi')));
    expect(outcome.kind).toBe('unsupported');
    expect(outcome.kind === 'unsupported' && outcome.reason).toMatch(
      /^no hardware sensors: no hwmon chip under .*no-psi\/sys\/class\/hwmon; no RAPL zone/,
    );
  });

  it('turns RAPL energy into watts per zone, through a counter wrap', async () => {
    const root = copyPowercap('v2-containers');
    const pkg = path.join(root, 'sys/class/powercap/intel-rapl:0/energy_uj');
    const dram = path.join(root, 'sys/class/powercap/intel-rapl:0:0/energy_uj');
    const collector = createSensorsCollector();
    const context = contextFor(root);
    await collector.collect(context);
    writeFileSync(pkg, `${182_736_459_012 + 325_000_000}\n`); // +325 J
    // dram wraps at 65712999613 µJ: 1,000,000 µJ before the end, 19,000,000 after the start = 20 J.
    writeFileSync(dram, '19000000\n');
    writeFileSync(path.join(root, 'sys/class/powercap/intel-rapl:0:0/max_energy_range_uj'), '24682357913\n');
    context.clock.advance(5_000);
    const data = dataOf(await collector.collect(context));
    expect(data.powerZones[0]?.powerWatts).toBeCloseTo(65, 9);
    expect(data.powerZones[1]?.powerWatts).toBeCloseTo(4, 9);
  });

  it('a root-only energy_uj leaves that zone without energy, with the reason, and the section ok', async () => {
    const root = path.join(FIXTURES, 'v2-containers');
    failing.set(path.join(root, 'sys/class/powercap/intel-rapl:0/energy_uj'), 'EACCES');
    const data = dataOf(await createSensorsCollector().collect(contextFor(root)));
    expect(data.powerZones[0]).toEqual({
      id: 'intel-rapl:0',
      name: 'package-0',
      parent: null,
      energyJoules: null,
      powerWatts: null,
      unavailableReason: RAPL_ROOT_ONLY_REASON,
    });
    expect(data.powerZones[1]?.energyJoules).toBe(24_681.357913);
  });
});

describe('sensors collector on the live host', () => {
  it.runIf(process.platform === 'linux')('reads plausible values, or says the host has none', async () => {
    const collector = createSensorsCollector();
    const context: CollectContext = {
      roots: resolveHostRoots({}, {}),
      clock: new ManualClock(),
      signal: new AbortController().signal,
    };
    const outcome = await collector.collect(context);
    if (outcome.kind === 'unsupported') {
      expect(outcome.reason).toMatch(/^no hardware sensors/);
      return;
    }
    for (const t of outcome.data.temperatures) {
      expect(t.celsius).toBeGreaterThan(-60);
      expect(t.celsius).toBeLessThan(150);
    }
    for (const f of outcome.data.fans) expect(f.rpm).toBeGreaterThanOrEqual(0);
    for (const z of outcome.data.powerZones)
      expect(z.energyJoules === null || z.energyJoules >= 0).toBe(true);
  });
});

describe('sensors section as OpenTelemetry metrics', () => {
  const { observations } = snapshotMetrics(sampleSnapshot());
  const of = (name: string) => observations.filter((o) => o.name === name);

  it('reports hwmon temperatures and limits under hw.temperature with the chip as parent', () => {
    expect(of('hw.temperature')).toEqual([
      {
        name: 'hw.temperature',
        value: 47.5,
        attributes: {
          'hw.id': 'coretemp/coretemp.0/temp1',
          'hw.name': 'Package id 0',
          'hw.parent': 'coretemp/coretemp.0',
        },
      },
    ]);
    expect(of('hw.temperature.limit').map((o) => [o.attributes['hw.limit_type'], o.value])).toEqual([
      ['high.critical', 100],
      ['high.degraded', 80],
    ]);
    // An unlabelled fan is named after its channel.
    expect(of('hw.fan.speed').map((o) => [o.attributes['hw.name'], o.value])).toEqual([['fan2', 1047]]);
  });

  it('reports RAPL zones as hw.energy and hw.power typed by what the zone measures', () => {
    expect(
      of('hw.power').map((o) => [
        o.attributes['hw.id'],
        o.attributes['hw.type'],
        o.attributes['hw.parent'],
        o.value,
      ]),
    ).toEqual([
      ['intel-rapl:0', 'cpu', undefined, 65.25],
      ['intel-rapl:0:1', 'memory', 'intel-rapl:0', 4.5],
    ]);
    expect(of('hw.energy').map((o) => o.value)).toEqual([48_123.5, 9_876.5]);
  });
});
