import type { CpuInfo } from 'node:os';
import type { OsRelease, SystemData } from '@sysray/proto';
import type { Systeminformation as Si } from 'systeminformation';
import type { CollectContext, Collector, CollectOutcome } from '../../collectors/types.js';
import { ok } from '../../collectors/types.js';
import type { FallbackSourceOptions } from './source.js';
import { callSi, finiteOrNull, resolveFallbackSources, textOrNull } from './source.js';

/** The systeminformation and `node:os` outputs the system section is mapped from. */
export interface SystemInput {
  readonly osInfo: Si.OsData;
  readonly uuid: Si.UuidData;
  readonly cpu: Si.CpuData;
  readonly system: Si.SystemData;
  /** `time()`: `current` epoch milliseconds, `uptime` seconds. */
  readonly time: Si.TimeData;
  readonly cpus: readonly CpuInfo[];
  /** `os.version()`. */
  readonly osVersion: string | null;
}

/** si's `osInfo().platform` is Node's `process.platform` except on Windows, where it says `Windows`. */
export function normalizeOsType(platform: string): string {
  const lower = platform.trim().toLowerCase();
  return lower === 'windows' || lower === 'win32' ? 'win32' : lower;
}

/** Node's `os.arch()` names to OpenTelemetry `host.arch` values (semantic conventions, host resource). */
const OTEL_ARCH: Readonly<Record<string, string>> = {
  x64: 'amd64',
  arm64: 'arm64',
  arm: 'arm32',
  ia32: 'x86',
  x32: 'x86',
  ppc: 'ppc32',
  ppc64: 'ppc64',
  s390x: 's390x',
};

export function otelArch(nodeArch: string): string {
  return OTEL_ARCH[nodeArch] ?? nodeArch;
}

/** si's `virtualHost` names (lib/system.js) to the Snapshot's lower-case hints. */
const VIRTUALIZATION: Readonly<Record<string, string>> = {
  kvm: 'kvm',
  qemu: 'kvm',
  bochs: 'bochs',
  vmware: 'vmware',
  xen: 'xen',
  virtualbox: 'virtualbox',
  parallels: 'parallels',
  'hyper-v': 'hyperv',
  'virtual pc': 'hyperv',
  wsl: 'wsl',
};

/**
 * The virtualization hint. si sets `virtual` without a `virtualHost` for a Hyper-V guest on Windows: its
 * model check (`Win32_ComputerSystemProduct` name `Virtual Machine`) wins before the BIOS check that would
 * name the host, so Microsoft's `Virtual Machine` model is recognized here.
 */
export function mapVirtualization(system: Si.SystemData): string | null {
  if (!system.virtual) return null;
  const host = textOrNull(system.virtualHost)?.toLowerCase();
  if (host !== undefined) return VIRTUALIZATION[host] ?? host.replace(/\s+/g, '-');
  const manufacturer = system.manufacturer.toLowerCase();
  if (manufacturer.startsWith('microsoft') && system.model.toLowerCase() === 'virtual machine')
    return 'hyperv';
  return 'vm';
}

/**
 * os-release-like naming for non-Linux hosts: macOS reports `macOS` / `14.5` / codename `Sonoma`;
 * Windows reports the product caption (`Microsoft Windows Server 2022 Datacenter`), the kernel version as
 * release and the feature update (`21H2`) as codename.
 */
export function mapOsRelease(osInfo: Si.OsData): OsRelease {
  const osType = normalizeOsType(osInfo.platform);
  const name = textOrNull(osInfo.distro === 'unknown' ? '' : osInfo.distro);
  const release = textOrNull(osInfo.release === 'unknown' ? '' : osInfo.release);
  const codename = textOrNull(osInfo.codename);
  const id = osType === 'darwin' ? 'macos' : osType === 'win32' ? 'windows' : null;
  let prettyName: string | null = null;
  if (name !== null) {
    if (osType === 'win32') prettyName = codename === null ? name : `${name} ${codename}`;
    else {
      const withRelease = release === null ? name : `${name} ${release}`;
      // si sets the codename to the platform name (`macOS`) when it knows no better one.
      prettyName = codename === null || codename === name ? withRelease : `${withRelease} (${codename})`;
    }
  }
  return { id, name, versionId: release, prettyName };
}

export function mapSystem(input: SystemInput): SystemData {
  const { osInfo, cpu, time } = input;
  const uptime = finiteOrNull(time.uptime);
  const now = finiteOrNull(time.current);
  const firstCpuModel = textOrNull(input.cpus[0]?.model);
  const siModel = textOrNull(`${cpu.manufacturer} ${cpu.brand}`);
  const logical = input.cpus.length > 0 ? input.cpus.length : (finiteOrNull(cpu.cores) ?? 0);
  const sockets = finiteOrNull(cpu.processors);
  return {
    hostname: osInfo.hostname,
    // macOS: the platform UUID; Windows: the MachineGuid from the registry; Linux: /etc/machine-id.
    hostId: textOrNull(input.uuid.os),
    osType: normalizeOsType(osInfo.platform),
    os: mapOsRelease(osInfo),
    kernelRelease: textOrNull(osInfo.kernel),
    kernelVersion: textOrNull(input.osVersion),
    arch: otelArch(osInfo.arch),
    bootTime: uptime !== null && now !== null ? Math.round(now / 1000 - uptime) : null,
    uptimeSeconds: uptime,
    // Node's model string is the full brand (`Intel(R) Xeon(R) ...`, `Apple M2 Pro`), as Linux's cpuinfo.
    cpuModel: firstCpuModel ?? siModel,
    cpuVendor: textOrNull(cpu.vendor) ?? textOrNull(cpu.manufacturer),
    logicalCpus: logical,
    physicalCores: finiteOrNull(cpu.physicalCores) || null,
    sockets: sockets !== null && sockets > 0 ? sockets : null,
    virtualization: mapVirtualization(input.system),
  };
}

export type FallbackSystemCollectorOptions = FallbackSourceOptions;

/**
 * The system section from systeminformation. `osInfo`, `uuid`, `cpu` and `system` are inventory that runs
 * `system_profiler`, `ioreg` or PowerShell underneath; they are read once per collector and kept, only
 * `time()` is read every collection.
 */
export function createFallbackSystemCollector(
  options: FallbackSystemCollectorOptions = {},
): Collector<'system'> {
  const sources = resolveFallbackSources(options);
  let inventory: Omit<SystemInput, 'time' | 'cpus'> | null = null;
  return {
    section: 'system',
    async collect(_context: CollectContext): Promise<CollectOutcome<SystemData>> {
      const si = await sources.si();
      if (inventory === null) {
        const [osInfo, uuid, cpu, system] = await Promise.all([
          callSi('osInfo', () => si.osInfo()),
          callSi('uuid', () => si.uuid()),
          callSi('cpu', () => si.cpu()),
          callSi('system', () => si.system()),
        ]);
        inventory = { osInfo, uuid, cpu, system, osVersion: sources.os.version() };
      }
      const time = await callSi('time', () => si.time());
      return ok(mapSystem({ ...inventory, cpus: sources.os.cpus(), time }));
    },
  };
}
