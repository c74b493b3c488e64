import path from 'node:path';
import type { FanSensor, PowerZone, SensorsData, TemperatureSensor } from '@sysray/proto';
import { scrubText } from '@sysray/proto';
import { sysPath, type HostRoots } from '../platform/host-roots.js';
import { isPermissionError, listDirSync, readKernelFileSync, readLinkSync } from '../platform/read.js';
import { intervalSeconds } from './rates.js';
import { ok, unsupported, type Collector } from './types.js';

/**
 * Hardware sensors: hwmon temperatures and fans (Documentation/hwmon/sysfs-interface.rst) and the RAPL
 * energy counters of the powercap framework (Documentation/power/powercap/powercap.rst). Virtual machines
 * usually have neither; the section is then `unsupported`.
 */

/** Longest chip name or label kept, characters (they come from drivers and firmware tables). */
const MAX_LABEL_LENGTH = 64;

/** One hwmon chip's readings, raw units converted: °C, RPM, W, J, Hz. */
export interface HwmonChip {
  /** `hwmonN`. */
  readonly hwmon: string;
  /** `name`: `coretemp`, `k10temp`, `nvme`, `amdgpu`. */
  readonly name: string;
  /** The device the chip sits on: `coretemp.0`, `0000:03:00.0`, `nvme0`; null when it has none. */
  readonly device: string | null;
  /** `<name>/<device>`, or `<name>/hwmonN` without a device. */
  readonly chipId: string;
  readonly temperatures: readonly {
    readonly sensor: string;
    readonly label: string | null;
    readonly celsius: number;
    readonly maxCelsius: number | null;
    readonly criticalCelsius: number | null;
  }[];
  readonly fans: readonly { readonly sensor: string; readonly label: string | null; readonly rpm: number }[];
  /** `powerN_average` / `powerN_input` and the caps, watts (the kernel reports microwatts). */
  readonly powers: readonly {
    readonly sensor: string;
    readonly label: string | null;
    readonly averageWatts: number | null;
    readonly inputWatts: number | null;
    readonly capWatts: number | null;
    readonly maxWatts: number | null;
  }[];
  /** `energyN_input`, joules (the kernel reports microjoules), cumulative. */
  readonly energies: readonly {
    readonly sensor: string;
    readonly label: string | null;
    readonly joules: number;
  }[];
  /** `freqN_input`, hertz (amdgpu `sclk`/`mclk`). */
  readonly frequencies: readonly {
    readonly sensor: string;
    readonly label: string | null;
    readonly hertz: number;
  }[];
}

const ATTRIBUTE = /^(temp|fan|power|energy|freq)(\d+)_([a-z_]+)$/;

/**
 * A hwmon attribute as a number, or null. Sensor reads fail in driver-specific ways (EIO from a sleeping
 * sensor, ENODATA from drivetemp on a spun-down disk, EAGAIN, EINVAL for a disabled channel): a sensor that
 * cannot be read is absent, never a reason to lose every other sensor.
 */
export function readSensorNumber(file: string): number | null {
  let text: string | null;
  try {
    text = readKernelFileSync(file);
  } catch {
    return null;
  }
  if (text === null) return null;
  const trimmed = text.trim();
  if (trimmed === '') return null;
  const value = Number(trimmed);
  return Number.isFinite(value) ? value : null;
}

export function readSensorText(file: string): string | null {
  let text: string | null;
  try {
    text = readKernelFileSync(file);
  } catch {
    return null;
  }
  if (text === null) return null;
  const trimmed = text.trim();
  return trimmed === '' ? null : scrubText(trimmed, MAX_LABEL_LENGTH);
}

/** Parses a `KEY=value` uevent file. */
export function parseUevent(text: string): Map<string, string> {
  const values = new Map<string, string>();
  for (const line of text.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) values.set(line.slice(0, eq), line.slice(eq + 1).trim());
  }
  return values;
}

/**
 * The device a hwmon chip (or a DRM card) sits on. On a live host `device` is a symlink into
 * /sys/devices whose last component names it (`../../../0000:03:00.0`); where it is a plain directory (a
 * copied tree), the device's uevent names it (`PCI_SLOT_NAME`, `DEVNAME`).
 */
export function deviceName(deviceDir: string): string | null {
  const link = readLinkSync(deviceDir);
  if (link !== null) return path.basename(link);
  let uevent: string | null;
  try {
    uevent = readKernelFileSync(path.join(deviceDir, 'uevent'));
  } catch {
    return null;
  }
  if (uevent === null) return null;
  const values = parseUevent(uevent);
  return values.get('PCI_SLOT_NAME') ?? values.get('DEVNAME') ?? values.get('OF_NAME') ?? null;
}

/**
 * Reads one hwmon chip directory. Drivers from before Linux 3.x put the attributes under `device/`
 * (lm-sensors still looks there), so that is tried when the chip directory has no `name`. Null when the
 * directory has no name at all (not a chip).
 */
export function readHwmonChip(dir: string, hwmon: string = path.basename(dir)): HwmonChip | null {
  let base = dir;
  let name = readSensorText(path.join(dir, 'name'));
  if (name === null) {
    base = path.join(dir, 'device');
    name = readSensorText(path.join(base, 'name'));
    if (name === null) return null;
  }
  const device = deviceName(path.join(dir, 'device'));
  const chipId = `${name}/${device ?? hwmon}`;

  // Group the attribute files by sensor: temp1_input, temp1_label, temp1_crit → temp1.
  const sensors = new Map<string, { kind: string; index: number; attributes: Set<string> }>();
  for (const file of listDirSync(base)) {
    const match = ATTRIBUTE.exec(file);
    if (match === null) continue;
    const sensor = `${match[1]}${match[2]}`;
    let entry = sensors.get(sensor);
    if (entry === undefined) {
      entry = { kind: match[1] as string, index: Number(match[2]), attributes: new Set() };
      sensors.set(sensor, entry);
    }
    entry.attributes.add(match[3] as string);
  }
  const ordered = [...sensors.entries()].sort(([, a], [, b]) =>
    a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : a.index - b.index,
  );

  const temperatures: HwmonChip['temperatures'][number][] = [];
  const fans: HwmonChip['fans'][number][] = [];
  const powers: HwmonChip['powers'][number][] = [];
  const energies: HwmonChip['energies'][number][] = [];
  const frequencies: HwmonChip['frequencies'][number][] = [];
  for (const [sensor, { kind, attributes }] of ordered) {
    const read = (attribute: string): number | null =>
      attributes.has(attribute) ? readSensorNumber(path.join(base, `${sensor}_${attribute}`)) : null;
    const label = attributes.has('label') ? readSensorText(path.join(base, `${sensor}_label`)) : null;
    // `tempN_enable`/`fanN_enable` = 0 marks a channel the driver knows is not wired.
    if (attributes.has('enable') && read('enable') === 0) continue;
    switch (kind) {
      case 'temp': {
        const input = read('input');
        if (input === null) break;
        // A limit the hardware does not implement reads as nonsense: NVMe drives report 65261.85 °C (0xFFFF
        // kelvin, drivers/nvme/host/hwmon.c), others -273.15 °C. Those are absent, not limits.
        const limit = (value: number | null) =>
          value === null || value >= 1_000_000 || value <= -273_000 ? null : value / 1000;
        temperatures.push({
          sensor,
          label,
          celsius: input / 1000,
          maxCelsius: limit(read('max')),
          criticalCelsius: limit(read('crit')),
        });
        break;
      }
      case 'fan': {
        const rpm = read('input');
        if (rpm !== null) fans.push({ sensor, label, rpm });
        break;
      }
      case 'power': {
        const micro = (value: number | null) => (value === null ? null : value / 1_000_000);
        const entry = {
          sensor,
          label,
          averageWatts: micro(read('average')),
          inputWatts: micro(read('input')),
          capWatts: micro(read('cap')),
          maxWatts: micro(read('max')),
        };
        if (Object.values(entry).some((value) => typeof value === 'number')) powers.push(entry);
        break;
      }
      case 'energy': {
        const micro = read('input');
        if (micro !== null) energies.push({ sensor, label, joules: micro / 1_000_000 });
        break;
      }
      case 'freq': {
        const hertz = read('input');
        if (hertz !== null) frequencies.push({ sensor, label, hertz });
        break;
      }
      default:
        break;
    }
  }
  return { hwmon, name, device, chipId, temperatures, fans, powers, energies, frequencies };
}

/** Every hwmon chip under `<sys>/class/hwmon`, in hwmonN order. */
export function readHwmonChips(roots: HostRoots): HwmonChip[] {
  const dir = sysPath(roots, 'class', 'hwmon');
  const entries = listDirSync(dir)
    .filter((entry) => /^hwmon\d+$/.test(entry))
    .sort((a, b) => Number(a.slice(5)) - Number(b.slice(5)));
  const chips: HwmonChip[] = [];
  for (const entry of entries) {
    const chip = readHwmonChip(path.join(dir, entry), entry);
    if (chip !== null) chips.push(chip);
  }
  return chips;
}

/** A RAPL zone's raw reading. */
export interface RaplReading {
  readonly id: string;
  readonly name: string;
  readonly parent: string | null;
  /** Microjoules; null when unreadable. */
  readonly energyMicrojoules: number | null;
  /** The value energy_uj wraps at, microjoules. */
  readonly maxEnergyRangeMicrojoules: number | null;
  readonly unavailableReason: string | null;
}

/** `intel-rapl:0` and its subzones `intel-rapl:0:0`…; `intel-rapl` (the control type) and `intel-rapl-mmio:*` are not zones to report. */
const RAPL_ZONE = /^intel-rapl(:\d+)+$/;

/**
 * energy_uj has been readable by root only since Linux 5.10 (and stable backports): unprivileged reads
 * leaked enough to mount the Platypus power side channel (CVE-2020-8694).
 */
export const RAPL_ROOT_ONLY_REASON =
  'energy_uj is readable by root only (Linux 5.10+, CVE-2020-8694); run the agent as root for RAPL power';

/**
 * RAPL zones under `<sys>/class/powercap`. Subzones appear both nested and flat there; the flat names are
 * read. `intel-rapl-mmio:*` duplicates package-0 through MMIO on some client CPUs and is left out so a
 * package is not counted twice.
 */
export function readRaplZones(roots: HostRoots): RaplReading[] {
  const dir = sysPath(roots, 'class', 'powercap');
  const zones = listDirSync(dir)
    .filter((entry) => RAPL_ZONE.test(entry))
    .sort((a, b) => {
      const pa = a.split(':').slice(1).map(Number);
      const pb = b.split(':').slice(1).map(Number);
      for (let i = 0; i < Math.max(pa.length, pb.length); i += 1) {
        const d = (pa[i] ?? -1) - (pb[i] ?? -1);
        if (d !== 0) return d;
      }
      return 0;
    });
  const readings: RaplReading[] = [];
  for (const id of zones) {
    const zoneDir = path.join(dir, id);
    const name = readSensorText(path.join(zoneDir, 'name')) ?? id;
    const colons = id.split(':').length - 1;
    const parent = colons > 1 ? id.slice(0, id.lastIndexOf(':')) : null;
    const energyPath = path.join(zoneDir, 'energy_uj');
    let energy: number | null = null;
    let reason: string | null = null;
    try {
      const text = readKernelFileSync(energyPath);
      if (text === null) reason = `${energyPath} not present`;
      else {
        const value = Number(text.trim());
        if (text.trim() !== '' && Number.isFinite(value)) energy = value;
        else reason = `${energyPath}: not a number`;
      }
    } catch (error) {
      if (isPermissionError(error)) reason = RAPL_ROOT_ONLY_REASON;
      else reason = `${energyPath}: ${(error as Error).message}`;
    }
    readings.push({
      id,
      name,
      parent,
      energyMicrojoules: energy,
      maxEnergyRangeMicrojoules: readSensorNumber(path.join(zoneDir, 'max_energy_range_uj')),
      unavailableReason: reason,
    });
  }
  return readings;
}

/**
 * Microjoules used between two readings of a counter that wraps to 0 after `range` (RAPL's
 * `max_energy_range_uj`, a 32-bit hardware counter scaled by the energy unit). A counter that went backwards
 * with no known range cannot be told from a reset: null.
 */
export function wrappedDelta(current: number, previous: number, range: number | null): number | null {
  if (current >= previous) return current - previous;
  if (range === null || range <= 0 || previous > range) return null;
  return current + (range - previous);
}

export type SensorsCollectorOptions = Readonly<Record<string, never>>;

/**
 * The `sensors` section: every hwmon temperature and fan, and RAPL power per zone computed from energy
 * counters between samples (the first sample has energy but no power).
 */
export function createSensorsCollector(_options: SensorsCollectorOptions = {}): Collector<'sensors'> {
  const previous = new Map<string, { microjoules: number; atMs: number }>();
  return {
    section: 'sensors',
    async collect(context) {
      const { roots, clock } = context;
      const nowMs = clock.monotonicMs();
      const chips = readHwmonChips(roots);
      const temperatures: TemperatureSensor[] = [];
      const fans: FanSensor[] = [];
      for (const chip of chips) {
        for (const t of chip.temperatures) {
          temperatures.push({
            id: `${chip.chipId}/${t.sensor}`,
            chip: chip.name,
            chipId: chip.chipId,
            sensor: t.sensor,
            label: t.label,
            celsius: t.celsius,
            maxCelsius: t.maxCelsius,
            criticalCelsius: t.criticalCelsius,
          });
        }
        for (const f of chip.fans) {
          fans.push({
            id: `${chip.chipId}/${f.sensor}`,
            chip: chip.name,
            chipId: chip.chipId,
            sensor: f.sensor,
            label: f.label,
            rpm: f.rpm,
          });
        }
      }

      const powerZones: PowerZone[] = [];
      const seen = new Set<string>();
      for (const zone of readRaplZones(roots)) {
        seen.add(zone.id);
        let powerWatts: number | null = null;
        const before = previous.get(zone.id);
        if (zone.energyMicrojoules !== null) {
          if (before !== undefined) {
            const seconds = intervalSeconds(nowMs, before.atMs);
            const delta = wrappedDelta(
              zone.energyMicrojoules,
              before.microjoules,
              zone.maxEnergyRangeMicrojoules,
            );
            if (delta !== null && seconds > 0) powerWatts = delta / 1_000_000 / seconds;
          }
          previous.set(zone.id, { microjoules: zone.energyMicrojoules, atMs: nowMs });
        } else previous.delete(zone.id);
        powerZones.push({
          id: zone.id,
          name: zone.name,
          parent: zone.parent,
          energyJoules: zone.energyMicrojoules === null ? null : zone.energyMicrojoules / 1_000_000,
          powerWatts,
          unavailableReason: zone.unavailableReason,
        });
      }
      for (const id of previous.keys()) if (!seen.has(id)) previous.delete(id);

      const unavailable: Record<string, string> = {};
      const hwmonDir = sysPath(roots, 'class', 'hwmon');
      const powercapDir = sysPath(roots, 'class', 'powercap');
      if (chips.length === 0) unavailable.hwmon = `no hwmon chip under ${hwmonDir}`;
      else if (temperatures.length === 0 && fans.length === 0)
        unavailable.hwmon = `no readable temperature or fan sensor under ${hwmonDir}`;
      if (powerZones.length === 0) unavailable.powercap = `no RAPL zone (intel-rapl:*) under ${powercapDir}`;

      if (temperatures.length === 0 && fans.length === 0 && powerZones.length === 0) {
        return unsupported(
          `no hardware sensors: ${unavailable.hwmon ?? 'no hwmon sensors'}; ${unavailable.powercap ?? ''}` +
            ' (virtual machines and containers without /sys usually have none)',
        );
      }
      const data: SensorsData = { temperatures, fans, powerZones, unavailable };
      return ok(data);
    },
  };
}
