import type { CgroupAttribution, GpuData, GpuDevice, GpuProcess } from '@sysray/proto';
import { scrubText } from '@sysray/proto';
import { procPath, type HostRoots } from '../platform/host-roots.js';
import { isPermissionError, readKernelFileSync } from '../platform/read.js';
import { analyzeCgroupPath } from './container-attribution.js';
import { DrmSource, type DrmDevice } from './gpu-drm.js';
import { DrmFdinfoScanner } from './gpu-fdinfo.js';
import { NvidiaSmiSource, nvidiaUnits, type NvidiaSmiOptions } from './gpu-nvidia.js';
import { parseProcCgroup } from './processes-parse.js';
import { ok, unsupported, type Collector } from './types.js';

/**
 * The `gpu` section: NVIDIA GPUs through nvidia-smi (gpu-nvidia.ts), AMD and Intel GPUs through sysfs
 * (gpu-drm.ts), and per-process use of AMD/Intel GPUs through DRM fdinfo (gpu-fdinfo.ts). A vendor that has
 * nothing on this host contributes nothing and says why in `unavailable`; when no vendor has a device the
 * section is `unsupported` with every reason.
 */

export interface GpuCollectorOptions {
  /** nvidia-smi: executable (null disables), cadence, timeout, pmon. */
  readonly nvidia?: NvidiaSmiOptions;
  /** Read AMD and Intel GPUs from sysfs. */
  readonly drm?: boolean;
  /** Scan DRM fdinfo for per-process use (only when a sysfs GPU exists). */
  readonly fdinfo?: boolean;
  /** Every process is re-checked for DRM files at least once in this many collections. */
  readonly rediscoverTicks?: number;
  /** Most GPU processes reported (busiest first). */
  readonly processLimit?: number;
}

/** The gpu collector, plus a way to wait for an nvidia-smi run started in the background. */
export interface GpuCollector extends Collector<'gpu'> {
  idle(): Promise<void>;
}

const DEFAULT_PROCESS_LIMIT = 50;
const MAX_NAME_LENGTH = 64;

/** A process's name (`comm`) and what its cgroup says about its container; null name when it is gone or hidden. */
export function readProcessIdentity(
  roots: HostRoots,
  pid: number,
): { name: string | null; container: CgroupAttribution | null } {
  const read = (file: string): string | null => {
    const path = procPath(roots, pid, file);
    try {
      return readKernelFileSync(path);
    } catch (error) {
      // hidepid or another user's process: the identity is unknown, not an error.
      if (isPermissionError(error)) return null;
      throw new Error(`reading ${path}: ${(error as Error).message}`, { cause: error });
    }
  };
  const comm = read('comm');
  const cgroupText = read('cgroup');
  let container: CgroupAttribution | null = null;
  if (cgroupText !== null) {
    const cgroups = parseProcCgroup(cgroupText);
    const path = cgroups.unified ?? cgroups.systemd;
    if (path !== null) container = analyzeCgroupPath(path).attribution;
    // Hybrid hosts: a v1 path that names a container says more than a unified one that names a unit.
    if (container?.containerId === null) {
      for (const other of cgroups.paths) {
        const attribution = analyzeCgroupPath(other).attribution;
        if (attribution.containerId !== null) {
          container = attribution;
          break;
        }
      }
    }
  }
  return { name: comm === null ? null : scrubText(comm.trim(), MAX_NAME_LENGTH), container };
}

export function createGpuCollector(options: GpuCollectorOptions = {}): GpuCollector {
  const nvidia = new NvidiaSmiSource(options.nvidia);
  const drm = new DrmSource();
  const fdinfo = new DrmFdinfoScanner(
    options.rediscoverTicks === undefined ? {} : { rediscoverTicks: options.rediscoverTicks },
  );
  const readDrm = options.drm ?? true;
  const readFdinfo = options.fdinfo ?? true;
  const processLimit = Math.max(0, Math.floor(options.processLimit ?? DEFAULT_PROCESS_LIMIT));

  return {
    section: 'gpu',
    idle: () => nvidia.idle(),
    async collect(context) {
      const { roots, clock } = context;
      const nvidiaSample = await nvidia.sample(clock);
      const nowMs = clock.monotonicMs();
      const wallMs = clock.wallMs();
      const unavailable: Record<string, string> = { ...nvidiaSample.unavailable };

      const devices: GpuDevice[] = nvidiaSample.devices.map(({ row, migDevices }) => ({
        id: row.uuid,
        vendor: 'nvidia',
        driver: 'nvidia',
        index: row.index,
        name: row.name === null ? null : scrubText(row.name, 128),
        pciBusId: row.pciBusId,
        pciId: null,
        sampledAt: nvidiaSample.sampledAt,
        utilization: nvidiaUnits.fraction(row.utilizationPercent),
        memoryBusy: nvidiaUnits.fraction(row.memoryUtilizationPercent),
        memoryUsedBytes: nvidiaUnits.bytesFromMiB(row.memoryUsedMiB),
        memoryTotalBytes: nvidiaUnits.bytesFromMiB(row.memoryTotalMiB),
        temperatureCelsius: row.temperatureCelsius,
        powerWatts: row.powerDrawWatts,
        powerLimitWatts: row.powerLimitWatts,
        energyJoules: null,
        coreClockHz: nvidiaUnits.hertzFromMHz(row.smClockMHz),
        memoryClockHz: nvidiaUnits.hertzFromMHz(row.memoryClockMHz),
        fanSpeedFraction: nvidiaUnits.fraction(row.fanPercent),
        fanSpeedRpm: null,
        eccErrorsCorrected: row.eccCorrected,
        eccErrorsUncorrected: row.eccUncorrected,
        migEnabled: row.migEnabled,
        migDevices,
        engines: [],
      }));

      const processes: GpuProcess[] = [];
      const identities = new Map<number, ReturnType<typeof readProcessIdentity>>();
      const identity = (pid: number) => {
        let found = identities.get(pid);
        if (found === undefined) {
          found = readProcessIdentity(roots, pid);
          identities.set(pid, found);
        }
        return found;
      };
      for (const process of nvidiaSample.processes) {
        const who = identity(process.pid);
        processes.push({
          pid: process.pid,
          name: who.name ?? scrubText(process.command, MAX_NAME_LENGTH),
          deviceId: process.gpuUuid,
          memoryBytes: process.usedMemoryBytes,
          utilization: process.utilization,
          engines: [],
          memoryRegions: [],
          container: who.container,
        });
      }

      let drmDevices: readonly DrmDevice[] = [];
      if (readDrm) {
        const sample = drm.sample(roots, nowMs, wallMs);
        drmDevices = sample.devices;
        if (sample.unavailable !== null) unavailable.drm = sample.unavailable;
      } else unavailable.drm = 'disabled';

      if (drmDevices.length > 0 && readFdinfo) {
        const use = fdinfo.sample(roots, nowMs, context.signal);
        if (use.unavailable !== null) unavailable.fdinfo = use.unavailable;
        // fdinfo names the device by PCI address; without drm-pdev (older kernels) a driver with a single
        // device still identifies it.
        const deviceFor = (pdev: string | null, driver: string): DrmDevice | undefined => {
          if (pdev !== null) return drmDevices.find((d) => d.pciBusId === pdev);
          const same = drmDevices.filter((d) => d.driver === driver);
          return same.length === 1 ? same[0] : undefined;
        };
        for (const device of drmDevices) {
          const engines =
            (device.pciBusId === null ? undefined : use.deviceEngines.get(device.pciBusId)) ??
            use.deviceEngines.get(`${device.driver}:`) ??
            [];
          // i915 and xe have no busy percentage in sysfs: the busiest engine class stands for the GPU.
          const utilization =
            device.utilization ??
            (device.vendor === 'intel' && engines.length > 0
              ? Math.max(...engines.map((e) => e.utilization))
              : null);
          devices.push({ ...device, utilization, engines });
        }
        for (const process of use.processes) {
          const device = deviceFor(process.pdev, process.driver);
          if (device === undefined) continue;
          const who = identity(process.pid);
          processes.push({
            pid: process.pid,
            name: who.name ?? '',
            deviceId: device.id,
            memoryBytes: process.memoryBytes,
            utilization: process.utilization,
            engines: process.engines,
            memoryRegions: process.memoryRegions,
            container: who.container,
          });
        }
      } else {
        for (const device of drmDevices) devices.push({ ...device, engines: [] });
        if (drmDevices.length > 0) unavailable.fdinfo = 'disabled';
      }

      if (devices.length === 0) {
        const reasons = Object.entries(unavailable)
          .map(([source, reason]) => `${source}: ${reason}`)
          .join('; ');
        return unsupported(`no GPU found (${reasons})`);
      }

      // Busiest first, then the most memory, then by pid; bounded so a render farm does not flood the section.
      processes.sort(
        (a, b) =>
          (b.utilization ?? -1) - (a.utilization ?? -1) ||
          (b.memoryBytes ?? -1) - (a.memoryBytes ?? -1) ||
          a.pid - b.pid ||
          (a.deviceId < b.deviceId ? -1 : a.deviceId > b.deviceId ? 1 : 0),
      );
      const data: GpuData = { devices, processes: processes.slice(0, processLimit), unavailable };
      return ok(data);
    },
  };
}
