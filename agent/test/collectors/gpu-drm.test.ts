import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { DrmSource, listDrmCards, parseDpmClock, readCardHwmon } from '../../src/collectors/gpu-drm.js';
import { ManualClock } from '../../src/platform/clock.js';
import { resolveHostRoots } from '../../src/platform/host-roots.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));
const rootsOf = (rootfs: string) => resolveHostRoots({ rootfs }, {});

describe('parseDpmClock', () => {
  it('returns the level marked with * in hertz', () => {
    expect(parseDpmClock('0: 500Mhz \n1: 1902Mhz *\n2: 2526Mhz \n')).toBe(1_902_000_000);
    expect(parseDpmClock('0: 96Mhz \n1: 456Mhz \n2: 772Mhz \n3: 1249Mhz *\n')).toBe(1_249_000_000);
  });

  it('is null when no level is active (between levels, or a deep-sleep table) and reads GHz', () => {
    expect(parseDpmClock('0: 500Mhz \n1: 2526Mhz \n')).toBeNull();
    expect(parseDpmClock('')).toBeNull();
    expect(parseDpmClock('S: 19Mhz *\n0: 500Mhz\n')).toBe(19_000_000);
    expect(parseDpmClock('0: 1.5GHz *\n')).toBe(1_500_000_000);
  });
});

describe('listDrmCards', () => {
  it('lists cardN only, with driver, PCI ids and address from the device uevent', () => {
    const cards = listDrmCards(rootsOf(path.join(FIXTURES, 'gpu-amd')));
    expect(cards.map((c) => [c.card, c.driver, c.vendorId, c.productId, c.pciBusId])).toEqual([
      ['card0', 'amdgpu', '1002', '744c', '0000:03:00.0'],
      ['card1', 'ast', '1a03', '2000', '0000:c2:00.0'],
    ]);
  });

  it('is empty where there is no DRM class (a VM without a GPU)', () => {
    expect(listDrmCards(rootsOf(path.join(FIXTURES, 'no-psi')))).toEqual([]);
  });
});

describe('readCardHwmon', () => {
  it('reads the card hwmon chip and names its device after the sysfs link', () => {
    const chip = readCardHwmon(path.join(FIXTURES, 'gpu-amd', 'sys/class/drm/card0/device'));
    expect(chip?.name).toBe('amdgpu');
    expect(chip?.chipId).toBe('amdgpu/0000:03:00.0');
    expect(chip?.temperatures.map((t) => [t.label, t.celsius, t.criticalCelsius])).toEqual([
      ['edge', 52, 100],
      ['junction', 61, 110],
      ['mem', 70, 100],
    ]);
    expect(chip?.powers[0]).toEqual({
      sensor: 'power1',
      label: 'PPT',
      averageWatts: 212,
      inputWatts: null,
      capWatts: 339,
      maxWatts: null,
    });
    expect(chip?.frequencies).toEqual([
      { sensor: 'freq1', label: 'sclk', hertz: 1_902_000_000 },
      { sensor: 'freq2', label: 'mclk', hertz: 1_249_000_000 },
    ]);
  });
});

describe('DrmSource', () => {
  let tmp: string | undefined;
  afterEach(() => {
    if (tmp !== undefined) rmSync(tmp, { recursive: true, force: true });
    tmp = undefined;
  });

  const copyTree = (variant: string): string => {
    tmp = mkdtempSync(path.join(tmpdir(), 'sysray-drm-'));
    const root = path.join(tmp, variant);
    cpSync(path.join(FIXTURES, variant), root, { recursive: true, verbatimSymlinks: true });
    return root;
  };

  it('reads an amdgpu card and skips the BMC display (ast)', () => {
    const sample = new DrmSource().sample(rootsOf(path.join(FIXTURES, 'gpu-amd')), 0, 1_700_000_000_000);
    expect(sample.unavailable).toBeNull();
    expect(sample.devices).toEqual([
      {
        id: '0000:03:00.0',
        vendor: 'amd',
        driver: 'amdgpu',
        index: 0,
        name: null,
        pciBusId: '0000:03:00.0',
        pciId: '1002:744c',
        sampledAt: 1_700_000_000_000,
        utilization: 0.37,
        memoryBusy: 0.12,
        memoryUsedBytes: 8_589_934_592,
        memoryTotalBytes: 25_753_026_560,
        temperatureCelsius: 52,
        powerWatts: 212,
        powerLimitWatts: 339,
        energyJoules: null,
        coreClockHz: 1_902_000_000,
        memoryClockHz: 1_249_000_000,
        fanSpeedFraction: null,
        fanSpeedRpm: 1180,
        eccErrorsCorrected: null,
        eccErrorsUncorrected: null,
        migEnabled: null,
        migDevices: [],
      },
    ]);
  });

  it('leaves a runtime-suspended amdgpu unread: idle, no wake-up', () => {
    const root = copyTree('gpu-amd');
    writeFileSync(path.join(root, 'sys/class/drm/card0/device/power/runtime_status'), 'suspended\n');
    const [device] = new DrmSource().sample(rootsOf(root), 0, 0).devices;
    expect(device?.utilization).toBe(0);
    expect(device?.memoryUsedBytes).toBeNull();
    expect(device?.temperatureCelsius).toBeNull();
  });

  it('falls back to hwmon power1_input and freq when newer firmware drops power1_average and the DPM tables', () => {
    const root = copyTree('gpu-amd');
    const dev = path.join(root, 'sys/class/drm/card0/device');
    rmSync(path.join(dev, 'hwmon/hwmon3/power1_average'));
    writeFileSync(path.join(dev, 'hwmon/hwmon3/power1_input'), '198000000\n');
    rmSync(path.join(dev, 'pp_dpm_sclk'));
    writeFileSync(path.join(dev, 'pp_dpm_mclk'), '0: 96Mhz \n1: 456Mhz \n');
    const [device] = new DrmSource().sample(rootsOf(root), 0, 0).devices;
    expect(device?.powerWatts).toBe(198);
    expect(device?.coreClockHz).toBe(1_902_000_000);
    expect(device?.memoryClockHz).toBe(1_249_000_000);
  });

  it('reads i915 and xe cards: GT frequencies, the xe card energy channel, no busy file', () => {
    const sample = new DrmSource().sample(rootsOf(path.join(FIXTURES, 'gpu-intel')), 0, 5);
    expect(sample.devices.map((d) => [d.id, d.driver, d.pciId, d.coreClockHz])).toEqual([
      ['0000:00:02.0', 'i915', '8086:a780', 1_450_000_000],
      ['0000:03:00.0', 'xe', '8086:e20b', 2_850_000_000],
    ]);
    const xe = sample.devices[1];
    expect(xe?.utilization).toBeNull();
    expect(xe?.energyJoules).toBe(987_654.321098);
    expect(xe?.powerWatts).toBeNull(); // energy needs two samples
    expect(xe?.powerLimitWatts).toBe(190);
    expect(xe?.temperatureCelsius).toBe(54);
    expect(xe?.fanSpeedRpm).toBe(1350);
    // The integrated GPU has no hwmon: its power is RAPL's uncore zone.
    expect(sample.devices[0]?.energyJoules).toBeNull();
  });

  it('turns Intel energy into power between two samples, and a counter that went back into null', () => {
    const root = copyTree('gpu-intel');
    const energy = path.join(root, 'sys/class/drm/card1/device/hwmon/hwmon5/energy1_input');
    const clock = new ManualClock();
    const source = new DrmSource();
    source.sample(rootsOf(root), clock.monotonicMs(), clock.wallMs());
    writeFileSync(energy, `${987_654_321_098 + 420_000_000}\n`); // +420 J
    clock.advance(5_000);
    const [, xe] = source.sample(rootsOf(root), clock.monotonicMs(), clock.wallMs()).devices;
    expect(xe?.powerWatts).toBeCloseTo(84, 9);
    writeFileSync(energy, '1000\n'); // driver reloaded
    clock.advance(5_000);
    expect(
      source.sample(rootsOf(root), clock.monotonicMs(), clock.wallMs()).devices[1]?.powerWatts,
    ).toBeNull();
  });

  it('says why when there is no card, or only cards of other drivers', () => {
    expect(new DrmSource().sample(rootsOf(path.join(FIXTURES, 'no-psi')), 0, 0).unavailable).toMatch(
      /^no DRM card under .*no-psi\/sys\/class\/drm$/,
    );
    const root = copyTree('gpu-amd');
    rmSync(path.join(root, 'sys/class/drm/card0'), { recursive: true });
    expect(new DrmSource().sample(rootsOf(root), 0, 0).unavailable).toMatch(
      /no amdgpu, i915 or xe card under .* \(skipped card1 \(ast\)\)$/,
    );
  });
});
