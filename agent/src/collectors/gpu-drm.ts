import path from 'node:path';
import type { GpuDevice, GpuVendor } from '@sysray/proto';
import { scrubText } from '@sysray/proto';
import { sysPath, type HostRoots } from '../platform/host-roots.js';
import { listDirSync, readKernelFileSync, readLinkSync } from '../platform/read.js';
import { counterRate, intervalSeconds } from './rates.js';
import {
  deviceName,
  parseUevent,
  readHwmonChip,
  readSensorNumber,
  readSensorText,
  type HwmonChip,
} from './sensors.js';

/**
 * AMD and Intel GPUs from sysfs, through the DRM class (`/sys/class/drm/cardN/device/…`) and the card's
 * hwmon chip. amdgpu exposes busy percentages, VRAM use and DPM clocks (Documentation/gpu/amdgpu/
 * thermal.rst, driver-misc.rst); i915 and xe expose GT frequencies and, on discrete cards, an energy counter
 * in hwmon (Documentation/ABI/testing/sysfs-driver-intel-{i915,xe}-hwmon) but no busy figure, which comes
 * from DRM fdinfo instead (gpu-fdinfo.ts). NVIDIA cards are skipped here: nvidia-smi covers them.
 */

/** The drivers read here, and the vendor each stands for. */
export const DRM_DRIVERS: Readonly<Record<string, GpuVendor>> = { amdgpu: 'amd', i915: 'intel', xe: 'intel' };

export interface DrmCard {
  /** `card0`. */
  readonly card: string;
  readonly index: number;
  readonly driver: string | null;
  /** PCI ids as lower-case hex without `0x`. */
  readonly vendorId: string | null;
  readonly productId: string | null;
  readonly pciBusId: string | null;
  readonly cardDir: string;
  readonly deviceDir: string;
}

/**
 * The DRM cards, `cardN` only: render nodes (`renderD128`) are the same GPU and connectors (`card0-DP-1`)
 * are outputs. Identity comes from the PCI device's uevent (`DRIVER`, `PCI_SLOT_NAME`, `PCI_ID`), which
 * reads the same through the live host's symlinks and through a copied tree's plain directories.
 */
export function listDrmCards(roots: HostRoots): DrmCard[] {
  const dir = sysPath(roots, 'class', 'drm');
  const cards: DrmCard[] = [];
  for (const entry of listDirSync(dir)) {
    const match = /^card(\d+)$/.exec(entry);
    if (match === null) continue;
    const cardDir = path.join(dir, entry);
    const deviceDir = path.join(cardDir, 'device');
    let uevent = new Map<string, string>();
    try {
      const text = readKernelFileSync(path.join(deviceDir, 'uevent'));
      if (text !== null) uevent = parseUevent(text);
    } catch {
      // A device whose uevent cannot be read is reported with what else is known.
    }
    const driverLink = readLinkSync(path.join(deviceDir, 'driver'));
    const driver = uevent.get('DRIVER') ?? (driverLink === null ? null : path.basename(driverLink));
    const hexId = (file: string): string | null => {
      const text = readSensorText(path.join(deviceDir, file));
      return text === null ? null : text.toLowerCase().replace(/^0x/, '');
    };
    const [pciVendor, pciProduct] = (uevent.get('PCI_ID') ?? '').toLowerCase().split(':');
    const slot = uevent.get('PCI_SLOT_NAME') ?? deviceName(deviceDir);
    cards.push({
      card: entry,
      index: Number(match[1]),
      driver,
      vendorId: hexId('vendor') ?? (pciVendor || null),
      productId: hexId('device') ?? (pciProduct || null),
      pciBusId:
        slot !== null && /^[0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7]$/i.test(slot)
          ? slot.toLowerCase()
          : null,
      cardDir,
      deviceDir,
    });
  }
  return cards.sort((a, b) => a.index - b.index);
}

/**
 * The current level of an amdgpu DPM clock table (`pp_dpm_sclk`, `pp_dpm_mclk`): one `N: <freq>Mhz` line per
 * level, the active one marked `*`, in hertz. Null when no line is marked (a GPU in a state between levels
 * prints none) or the table is unreadable.
 */
export function parseDpmClock(text: string): number | null {
  for (const line of text.split('\n')) {
    if (!line.includes('*')) continue;
    const match = /(\d+(?:\.\d+)?)\s*([MG]hz)/i.exec(line);
    if (match === null) continue;
    const value = Number(match[1]);
    return (match[2] as string).toLowerCase() === 'ghz' ? value * 1e9 : value * 1e6;
  }
  return null;
}

/** The card's hwmon chip, `device/hwmon/hwmonN`. */
export function readCardHwmon(deviceDir: string): HwmonChip | null {
  const hwmonDir = path.join(deviceDir, 'hwmon');
  const entry = listDirSync(hwmonDir).find((name) => /^hwmon\d+$/.test(name));
  return entry === undefined ? null : readHwmonChip(path.join(hwmonDir, entry), entry);
}

/** A GPU from sysfs, without the fdinfo-derived `engines` (and Intel `utilization`) that gpu.ts adds. */
export type DrmDevice = Omit<GpuDevice, 'engines'>;

function readText(file: string): string | null {
  try {
    return readKernelFileSync(file);
  } catch {
    return null;
  }
}

export interface DrmSample {
  readonly devices: readonly DrmDevice[];
  /** Why no sysfs GPU was reported, when none was. */
  readonly unavailable: string | null;
}

/** Reads the sysfs GPUs; keeps Intel energy readings between samples for power. */
export class DrmSource {
  private readonly previousEnergy = new Map<string, { joules: number; atMs: number }>();

  sample(roots: HostRoots, nowMs: number, wallMs: number): DrmSample {
    const cards = listDrmCards(roots);
    const devices: DrmDevice[] = [];
    const skipped: string[] = [];
    const seen = new Set<string>();
    for (const card of cards) {
      const vendor = card.driver === null ? undefined : DRM_DRIVERS[card.driver];
      if (vendor === undefined) {
        skipped.push(`${card.card} (${card.driver ?? 'no driver'})`);
        continue;
      }
      const id = card.pciBusId ?? card.card;
      seen.add(id);
      devices.push(
        vendor === 'amd' ? this.readAmd(card, id, wallMs) : this.readIntel(card, id, nowMs, wallMs),
      );
    }
    for (const id of this.previousEnergy.keys()) if (!seen.has(id)) this.previousEnergy.delete(id);
    let unavailable: string | null = null;
    if (devices.length === 0) {
      const dir = sysPath(roots, 'class', 'drm');
      unavailable =
        cards.length === 0
          ? `no DRM card under ${dir}`
          : `no amdgpu, i915 or xe card under ${dir} (skipped ${skipped.join(', ')})`;
    }
    return { devices, unavailable };
  }

  private base(card: DrmCard, id: string, vendor: GpuVendor, wallMs: number): DrmDevice {
    return {
      id,
      vendor,
      driver: card.driver ?? '',
      index: card.index,
      name: null,
      pciBusId: card.pciBusId,
      pciId: card.vendorId !== null && card.productId !== null ? `${card.vendorId}:${card.productId}` : null,
      sampledAt: wallMs,
      utilization: null,
      memoryBusy: null,
      memoryUsedBytes: null,
      memoryTotalBytes: null,
      temperatureCelsius: null,
      powerWatts: null,
      powerLimitWatts: null,
      energyJoules: null,
      coreClockHz: null,
      memoryClockHz: null,
      fanSpeedFraction: null,
      fanSpeedRpm: null,
      eccErrorsCorrected: null,
      eccErrorsUncorrected: null,
      migEnabled: null,
      migDevices: [],
    };
  }

  /**
   * amdgpu. A discrete GPU in runtime suspend (`power/runtime_status` = suspended) is idle and powered
   * down; its other attributes are left unread because on kernels before 6.x reading them woke the GPU
   * (pm_runtime_get_sync in amdgpu_pm.c) and costs watts every interval.
   */
  private readAmd(card: DrmCard, id: string, wallMs: number): DrmDevice {
    const dir = card.deviceDir;
    const file = (name: string) => path.join(dir, name);
    const productName = readSensorText(file('product_name'));
    const base = { ...this.base(card, id, 'amd', wallMs), name: productName };
    if (readSensorText(file('power/runtime_status')) === 'suspended') return { ...base, utilization: 0 };
    const percent = (name: string) => {
      const value = readSensorNumber(file(name));
      return value === null ? null : Math.min(1, Math.max(0, value / 100));
    };
    const hwmon = readCardHwmon(dir);
    const temperature = hwmon?.temperatures.find((t) => t.label === 'edge') ?? hwmon?.temperatures[0] ?? null;
    const power = hwmon?.powers[0] ?? null;
    const freq = (label: string) => hwmon?.frequencies.find((f) => f.label === label)?.hertz ?? null;
    const sclk = readText(file('pp_dpm_sclk'));
    const mclk = readText(file('pp_dpm_mclk'));
    return {
      ...base,
      utilization: percent('gpu_busy_percent'),
      memoryBusy: percent('mem_busy_percent'),
      memoryUsedBytes: readSensorNumber(file('mem_info_vram_used')),
      memoryTotalBytes: readSensorNumber(file('mem_info_vram_total')),
      temperatureCelsius: temperature?.celsius ?? null,
      // power1_average until RDNA3 on Linux 6.x, power1_input on newer SMU firmware (amdgpu hwmon docs).
      powerWatts: power?.averageWatts ?? power?.inputWatts ?? null,
      powerLimitWatts: power?.capWatts ?? power?.maxWatts ?? null,
      coreClockHz: (sclk === null ? null : parseDpmClock(sclk)) ?? freq('sclk'),
      memoryClockHz: (mclk === null ? null : parseDpmClock(mclk)) ?? freq('mclk'),
      fanSpeedRpm: hwmon?.fans[0]?.rpm ?? null,
    };
  }

  /**
   * i915 and xe. The GT frequency is `gt_cur_freq_mhz` (i915; `gt/gt0/rps_cur_freq_mhz` on multi-GT parts)
   * or `device/tile0/gt0/freq0/cur_freq` (xe). Discrete cards have a hwmon chip with `energy1_input`
   * (microjoules, cumulative): power is its rate between samples. Integrated GPUs have none; their power is
   * in RAPL's `uncore` zone (sensors section).
   */
  private readIntel(card: DrmCard, id: string, nowMs: number, wallMs: number): DrmDevice {
    const base = this.base(card, id, 'intel', wallMs);
    const mhz =
      readSensorNumber(path.join(card.cardDir, 'gt_cur_freq_mhz')) ??
      readSensorNumber(path.join(card.cardDir, 'gt', 'gt0', 'rps_cur_freq_mhz')) ??
      readSensorNumber(path.join(card.deviceDir, 'tile0', 'gt0', 'freq0', 'cur_freq'));
    const hwmon = readCardHwmon(card.deviceDir);
    // xe labels its energy channels `card` and `pkg`; the card channel is the whole board.
    const energy = hwmon?.energies.find((e) => e.label === 'card') ?? hwmon?.energies[0] ?? null;
    let powerWatts: number | null = null;
    if (energy !== null) {
      const before = this.previousEnergy.get(id);
      const rate = counterRate(energy.joules, before?.joules, intervalSeconds(nowMs, before?.atMs));
      powerWatts = rate;
      this.previousEnergy.set(id, { joules: energy.joules, atMs: nowMs });
    }
    const power = hwmon?.powers.find((p) => p.label === 'card') ?? hwmon?.powers[0] ?? null;
    return {
      ...base,
      name: scrubNullable(readSensorText(path.join(card.deviceDir, 'product_name'))),
      temperatureCelsius: hwmon?.temperatures[0]?.celsius ?? null,
      powerWatts: powerWatts ?? power?.inputWatts ?? power?.averageWatts ?? null,
      powerLimitWatts: power?.maxWatts ?? power?.capWatts ?? null,
      energyJoules: energy?.joules ?? null,
      coreClockHz: mhz === null ? null : mhz * 1e6,
      fanSpeedRpm: hwmon?.fans[0]?.rpm ?? null,
    };
  }
}

function scrubNullable(text: string | null): string | null {
  return text === null ? null : scrubText(text, 128);
}
