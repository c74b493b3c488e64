import { existsSync } from 'node:fs';
import { hostname as osHostname } from 'node:os';
import type { OsRelease, SystemData } from '@sysray/proto';
import type { HostRoots } from '../platform/host-roots.js';
import { procPath, rootfsPath, sysPath } from '../platform/host-roots.js';
import { readKernelFileSync, readTrimmedSync } from '../platform/read.js';
import type { Collector } from './types.js';
import { ok } from './types.js';

// ---------------------------------------------------------------- pure parsers

/**
 * Parses os-release(5): `KEY=value` lines, values optionally in double or single quotes, shell-style
 * backslash escapes of `$`, `"`, `\` and `` ` `` inside double quotes (and unquoted values). Comments (`#`) and
 * blank lines are skipped; a line that is not an assignment is ignored rather than rejected, as systemd does.
 */
export function parseOsReleaseFields(text: string): Map<string, string> {
  const values = new Map<string, string>();
  for (const rawLine of text.split('\n')) {
    const line = rawLine.trim();
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (match === null) continue;
    const key = match[1] as string;
    const raw = (match[2] as string).trim();
    let value: string;
    if (raw.length >= 2 && raw.startsWith('"') && raw.endsWith('"')) {
      value = raw.slice(1, -1).replace(/\\(["\\$`])/g, '$1');
    } else if (raw.length >= 2 && raw.startsWith("'") && raw.endsWith("'")) {
      // Single quotes are literal in shell: no escapes inside.
      value = raw.slice(1, -1);
    } else {
      value = raw.replace(/\\(.)/g, '$1');
    }
    values.set(key, value);
  }
  return values;
}

/** The os-release fields the Snapshot carries; an absent or empty field is null. */
export function parseOsRelease(text: string): OsRelease {
  const fields = parseOsReleaseFields(text);
  const get = (key: string): string | null => {
    const value = fields.get(key);
    return value === undefined || value === '' ? null : value;
  };
  return { id: get('ID'), name: get('NAME'), versionId: get('VERSION_ID'), prettyName: get('PRETTY_NAME') };
}

const EMPTY_OS_RELEASE: OsRelease = Object.freeze({
  id: null,
  name: null,
  versionId: null,
  prettyName: null,
});

/** `/proc/uptime`: `<uptime seconds> <idle seconds summed over CPUs>`; null when unparseable. */
export function parseUptime(text: string): number | null {
  const first = text.trim().split(/\s+/)[0];
  if (first === undefined || first === '') return null;
  const value = Number(first);
  return Number.isFinite(value) && value >= 0 ? value : null;
}

/** The `btime` line of `/proc/stat`: boot time, Unix epoch seconds; null when absent. */
export function parseBootTime(statText: string): number | null {
  const match = /^btime\s+(\d+)\s*$/m.exec(statText);
  return match === null ? null : Number(match[1]);
}

/** Counts the per-CPU `cpuN` lines of `/proc/stat`, which the kernel prints for online CPUs only. */
export function countStatCpus(statText: string): number {
  let count = 0;
  for (const line of statText.split('\n')) if (/^cpu\d+\s/.test(line)) count++;
  return count;
}

/**
 * Parses a sysfs CPU list (`0-3,5,7-8`, Documentation/ABI/testing/sysfs-devices-system-cpu) into CPU
 * numbers. An empty file (`offline` when none are) yields []. Malformed parts are skipped.
 */
export function parseCpuList(text: string): number[] {
  const cpus: number[] = [];
  for (const part of text.trim().split(',')) {
    const range = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    if (range === null) continue;
    const from = Number(range[1]);
    const to = range[2] === undefined ? from : Number(range[2]);
    for (let cpu = from; cpu <= to; cpu++) cpus.push(cpu);
  }
  return cpus;
}

/** One `processor` block of `/proc/cpuinfo`, only the fields the system collector uses. */
export interface CpuInfoProcessor {
  readonly processor: number;
  /** `physical id` (x86); null where the architecture does not print it. */
  readonly physicalId: number | null;
  /** `core id` (x86). */
  readonly coreId: number | null;
}

export interface CpuInfo {
  readonly model: string | null;
  readonly vendor: string | null;
  /** x86 `flags` contain `hypervisor`: the CPUID hypervisor-present bit, set by every mainstream hypervisor. */
  readonly hypervisorFlag: boolean;
  readonly processors: readonly CpuInfoProcessor[];
}

/** arm64 `CPU implementer` codes (arch/arm64/include/asm/cputype.h). */
const ARM_IMPLEMENTERS: Readonly<Record<string, string>> = {
  '0x41': 'ARM',
  '0x42': 'Broadcom',
  '0x43': 'Cavium',
  '0x46': 'Fujitsu',
  '0x48': 'HiSilicon',
  '0x4e': 'NVIDIA',
  '0x50': 'APM',
  '0x51': 'Qualcomm',
  '0x53': 'Samsung',
  '0x56': 'Marvell',
  '0x61': 'Apple',
  '0x69': 'Intel',
  '0xc0': 'Ampere',
};

/** `CPU part` codes of common server and board cores, by implementer (cputype.h, vendors' TRMs). */
const ARM_PARTS: Readonly<Record<string, string>> = {
  '0x41:0xd03': 'Cortex-A53',
  '0x41:0xd04': 'Cortex-A35',
  '0x41:0xd05': 'Cortex-A55',
  '0x41:0xd07': 'Cortex-A57',
  '0x41:0xd08': 'Cortex-A72',
  '0x41:0xd09': 'Cortex-A73',
  '0x41:0xd0a': 'Cortex-A75',
  '0x41:0xd0b': 'Cortex-A76',
  '0x41:0xd0c': 'Neoverse-N1',
  '0x41:0xd0d': 'Cortex-A77',
  '0x41:0xd40': 'Neoverse-V1',
  '0x41:0xd41': 'Cortex-A78',
  '0x41:0xd46': 'Cortex-A510',
  '0x41:0xd47': 'Cortex-A710',
  '0x41:0xd49': 'Neoverse-N2',
  '0x41:0xd4f': 'Neoverse-V2',
  '0x43:0x0af': 'ThunderX2',
  '0x48:0xd01': 'Kunpeng-920',
  '0xc0:0xac3': 'AmpereOne',
};

/**
 * Parses `/proc/cpuinfo`. x86 prints `vendor_id` and `model name` per processor (arch/x86/kernel/cpu/proc.c);
 * arm64 prints no model name, only `CPU implementer`/`CPU part` codes (arch/arm64/kernel/cpuinfo.c), and some
 * boards add `Hardware`/`Model` lines; ppc64 prints `cpu`. The model is taken from the first processor.
 */
export function parseCpuInfo(text: string): CpuInfo {
  const processors: CpuInfoProcessor[] = [];
  const first = new Map<string, string>();
  let current: { processor: number; physicalId: number | null; coreId: number | null } | null = null;
  let hypervisorFlag = false;
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const key = line.slice(0, colon).trim();
    const value = line.slice(colon + 1).trim();
    if (key === 'processor') {
      const n = Number(value);
      current = { processor: Number.isInteger(n) ? n : processors.length, physicalId: null, coreId: null };
      processors.push(current);
      continue;
    }
    if (!first.has(key)) first.set(key, value);
    if (key === 'physical id' && current !== null) current.physicalId = toIntOrNull(value);
    else if (key === 'core id' && current !== null) current.coreId = toIntOrNull(value);
    else if (key === 'flags' && value.split(/\s+/).includes('hypervisor')) hypervisorFlag = true;
  }
  const implementer = first.get('CPU implementer')?.toLowerCase();
  const part = first.get('CPU part')?.toLowerCase();
  const implementerName = implementer === undefined ? undefined : ARM_IMPLEMENTERS[implementer];
  const nonEmpty = (key: string): string | null => {
    const value = first.get(key);
    return value === undefined || value === '' ? null : value.replace(/\s+/g, ' ');
  };

  let model = nonEmpty('model name');
  if (model === null && implementer !== undefined && part !== undefined) {
    const partName = ARM_PARTS[`${implementer}:${part}`];
    if (partName !== undefined) model = `${implementerName ?? implementer} ${partName}`;
  }
  model ??= nonEmpty('Hardware') ?? nonEmpty('Model') ?? nonEmpty('cpu');
  if (model === null && implementer !== undefined && part !== undefined) {
    model = `${implementerName ?? implementer} part ${part}`;
  }
  const vendor = nonEmpty('vendor_id') ?? implementerName ?? null;
  return { model, vendor, hypervisorFlag, processors };
}

function toIntOrNull(text: string): number | null {
  const value = Number(text);
  return text !== '' && Number.isInteger(value) ? value : null;
}

/** Distinct (package, core) pairs and packages; null when none of the CPUs has both ids. */
export function countCoresAndSockets(
  cpus: readonly { readonly packageId: number | null; readonly coreId: number | null }[],
): { physicalCores: number | null; sockets: number | null } {
  const cores = new Set<string>();
  const packages = new Set<number>();
  for (const { packageId, coreId } of cpus) {
    if (packageId === null || coreId === null) continue;
    // Core ids are unique only within a package (and are sparse on AMD Zen: 0,1,4,5,…), so count pairs.
    cores.add(`${packageId}:${coreId}`);
    packages.add(packageId);
  }
  return cores.size === 0
    ? { physicalCores: null, sockets: null }
    : { physicalCores: cores.size, sockets: packages.size };
}

/**
 * OpenTelemetry `host.arch` values (semantic conventions, host resource) from Node's `process.arch`.
 * Names outside the convention's list pass through unchanged.
 */
export function mapArch(nodeArch: string): string {
  switch (nodeArch) {
    case 'x64':
      return 'amd64';
    case 'ia32':
      return 'x86';
    case 'arm':
      return 'arm32';
    case 'ppc':
      return 'ppc32';
    default:
      // arm64, ppc64, s390x keep their names.
      return nodeArch;
  }
}

/** What the host says about virtualization; every field is null/false when the source is absent. */
export interface VirtualizationEvidence {
  /** rootfs has `/.dockerenv` (Docker) or `/run/.containerenv` (Podman). */
  readonly containerMarker: boolean;
  readonly kernelRelease: string | null;
  /** `/sys/hypervisor/type` (Xen guests and dom0). */
  readonly hypervisorType: string | null;
  /** `/proc/xen/capabilities` contains `control_d`: this is Xen dom0, which is the host, not a guest. */
  readonly xenDom0: boolean;
  readonly dmiSysVendor: string | null;
  readonly dmiProductName: string | null;
  readonly dmiBiosVendor: string | null;
  readonly dmiBoardVendor: string | null;
  readonly cpuHypervisorFlag: boolean;
}

/** DMI vendor strings of hypervisors, checked as prefixes (systemd src/basic/virt.c detect_vm_dmi_vendor). */
const DMI_VENDORS: readonly (readonly [prefix: string, hint: string])[] = [
  ['KVM', 'kvm'],
  ['OpenStack', 'kvm'],
  ['KubeVirt', 'kvm'],
  ['Amazon EC2', 'amazon'],
  ['QEMU', 'qemu'],
  ['VMware', 'vmware'],
  ['VMW', 'vmware'],
  ['innotek GmbH', 'virtualbox'],
  ['VirtualBox', 'virtualbox'],
  ['Xen', 'xen'],
  ['Bochs', 'bochs'],
  ['Parallels', 'parallels'],
  ['BHYVE', 'bhyve'],
  ['Hyper-V', 'hyperv'],
  ['Apple Virtualization', 'apple'],
  ['Google', 'google'],
];

/**
 * A best-effort virtualization hint, in the spirit of systemd-detect-virt: a container marker wins (the
 * agent then sees the container's rootfs), then WSL, Xen from sysfs, DMI vendor strings, and finally the
 * CPUID hypervisor bit alone (`vm`). Null when nothing says the host is virtualized.
 */
export function detectVirtualization(evidence: VirtualizationEvidence): string | null {
  if (evidence.containerMarker) return 'container';
  // WSL1 releases end in `-Microsoft`, WSL2 in `-microsoft-standard-WSL2`.
  if (evidence.kernelRelease !== null && /microsoft/i.test(evidence.kernelRelease)) return 'wsl';
  if (evidence.hypervisorType === 'xen' && !evidence.xenDom0) return 'xen';

  const product = evidence.dmiProductName ?? '';
  // EC2 bare-metal instances carry the Amazon DMI vendor but run no hypervisor (`m5.metal`).
  if (evidence.dmiSysVendor?.startsWith('Amazon EC2') && product.endsWith('.metal')) return null;
  // Hyper-V guests (Azure included) report the generic Microsoft vendor with this product name; Surface
  // laptops share the vendor, hence the product check.
  if (evidence.dmiSysVendor === 'Microsoft Corporation' && product === 'Virtual Machine') return 'hyperv';
  for (const vendor of [evidence.dmiSysVendor, evidence.dmiBoardVendor, evidence.dmiBiosVendor, product]) {
    if (vendor === null || vendor === '') continue;
    for (const [prefix, hint] of DMI_VENDORS) if (vendor.startsWith(prefix)) return hint;
  }
  return evidence.cpuHypervisorFlag ? 'vm' : null;
}

// ---------------------------------------------------------------- reader

export interface SystemCollectorOptions {
  /** Node's `process.arch` to report (mapped to OpenTelemetry naming); tests pin it. Default `process.arch`. */
  readonly arch?: string;
  /** Used only when neither `/proc/sys/kernel/hostname` nor `/etc/hostname` is readable. Default `os.hostname`. */
  readonly fallbackHostname?: () => string;
}

/** What never changes while the host stays up (a new boot restarts the agent too). */
interface StaticSystemFacts {
  readonly hostId: string | null;
  readonly kernelRelease: string | null;
  readonly kernelVersion: string | null;
  readonly bootTime: number | null;
  readonly cpuModel: string | null;
  readonly cpuVendor: string | null;
  readonly virtualization: string | null;
  readonly cpuInfo: CpuInfo | null;
}

function firstLine(text: string | null): string | null {
  if (text === null) return null;
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (trimmed !== '' && !trimmed.startsWith('#')) return trimmed;
  }
  return null;
}

function readFirstOf(paths: readonly string[]): string | null {
  for (const path of paths) {
    const text = readKernelFileSync(path);
    if (text !== null) return text;
  }
  return null;
}

function readHostId(roots: HostRoots): string | null {
  // machine-id(5): 32 lower-case hex characters. An empty file (first boot not yet done) counts as absent.
  const id = firstLine(
    readFirstOf([rootfsPath(roots, '/etc/machine-id'), rootfsPath(roots, '/var/lib/dbus/machine-id')]),
  );
  return id === null || !/^[0-9a-fA-F]{32}$/.test(id) ? null : id.toLowerCase();
}

function readStaticFacts(roots: HostRoots): StaticSystemFacts {
  const kernelRelease = readTrimmedSync(procPath(roots, 'sys', 'kernel', 'osrelease')) || null;
  const cpuInfoText = readKernelFileSync(procPath(roots, 'cpuinfo'));
  const cpuInfo = cpuInfoText === null ? null : parseCpuInfo(cpuInfoText);
  const dmi = (name: string): string | null =>
    readTrimmedSync(sysPath(roots, 'class', 'dmi', 'id', name)) || null;
  const statText = readKernelFileSync(procPath(roots, 'stat'));
  const virtualization = detectVirtualization({
    containerMarker:
      existsSync(rootfsPath(roots, '/.dockerenv')) || existsSync(rootfsPath(roots, '/run/.containerenv')),
    kernelRelease,
    hypervisorType: readTrimmedSync(sysPath(roots, 'hypervisor', 'type')) || null,
    xenDom0: (readTrimmedSync(procPath(roots, 'xen', 'capabilities')) ?? '').includes('control_d'),
    dmiSysVendor: dmi('sys_vendor'),
    dmiProductName: dmi('product_name'),
    dmiBiosVendor: dmi('bios_vendor'),
    dmiBoardVendor: dmi('board_vendor'),
    cpuHypervisorFlag: cpuInfo?.hypervisorFlag ?? false,
  });
  return {
    hostId: readHostId(roots),
    kernelRelease,
    kernelVersion: readTrimmedSync(procPath(roots, 'sys', 'kernel', 'version')) || null,
    bootTime: statText === null ? null : parseBootTime(statText),
    cpuModel: cpuInfo?.model ?? null,
    cpuVendor: cpuInfo?.vendor ?? null,
    virtualization,
    cpuInfo,
  };
}

/** Reads the sysfs topology of the given CPUs; ids are null where the files are absent. */
function readTopology(
  roots: HostRoots,
  cpus: readonly number[],
): { packageId: number | null; coreId: number | null }[] {
  return cpus.map((cpu) => {
    const topology = (file: string): string | null =>
      readTrimmedSync(sysPath(roots, 'devices', 'system', 'cpu', `cpu${cpu}`, 'topology', file));
    const packageText = topology('physical_package_id');
    const coreText = topology('core_id');
    return {
      packageId: packageText === null ? null : toIntOrNull(packageText),
      coreId: coreText === null ? null : toIntOrNull(coreText),
    };
  });
}

/**
 * The `system` section: identity and inventory of the host. Facts fixed for the life of a boot are read
 * once; hostname, os-release, uptime and the CPU counts (CPU hotplug) are read on every collection, the
 * topology only when the set of online CPUs changed.
 */
export function createSystemCollector(options: SystemCollectorOptions = {}): Collector<'system'> {
  const arch = mapArch(options.arch ?? process.arch);
  const fallbackHostname = options.fallbackHostname ?? osHostname;
  let facts: StaticSystemFacts | null = null;
  let topologyKey: string | null = null;
  let topologyCounts: { physicalCores: number | null; sockets: number | null } = {
    physicalCores: null,
    sockets: null,
  };

  return {
    section: 'system',
    async collect(context) {
      const { roots } = context;
      facts ??= readStaticFacts(roots);

      const hostname =
        readTrimmedSync(procPath(roots, 'sys', 'kernel', 'hostname')) ||
        firstLine(readKernelFileSync(rootfsPath(roots, '/etc/hostname'))) ||
        fallbackHostname();

      const osReleaseText = readFirstOf([
        rootfsPath(roots, '/etc/os-release'),
        rootfsPath(roots, '/usr/lib/os-release'),
      ]);
      const os = osReleaseText === null ? EMPTY_OS_RELEASE : parseOsRelease(osReleaseText);

      const uptimeText = readKernelFileSync(procPath(roots, 'uptime'));
      const uptimeSeconds = uptimeText === null ? null : parseUptime(uptimeText);

      const onlineText = readTrimmedSync(sysPath(roots, 'devices', 'system', 'cpu', 'online'));
      const online = onlineText === null ? [] : parseCpuList(onlineText);
      const statText = readKernelFileSync(procPath(roots, 'stat'));
      const statCpus = statText === null ? 0 : countStatCpus(statText);
      const logicalCpus = statCpus > 0 ? statCpus : online.length;

      const key = onlineText ?? `stat:${logicalCpus}`;
      if (key !== topologyKey) {
        const cpus = online.length > 0 ? online : Array.from({ length: logicalCpus }, (_, i) => i);
        topologyCounts = countCoresAndSockets(readTopology(roots, cpus));
        if (topologyCounts.physicalCores === null && facts.cpuInfo !== null) {
          // No sysfs topology (some containers mask /sys): fall back to cpuinfo's x86 `physical id`/`core id`.
          topologyCounts = countCoresAndSockets(
            facts.cpuInfo.processors.map((p) => ({ packageId: p.physicalId, coreId: p.coreId })),
          );
        }
        topologyKey = key;
      }

      const data: SystemData = {
        hostname,
        hostId: facts.hostId,
        osType: 'linux',
        os,
        kernelRelease: facts.kernelRelease,
        kernelVersion: facts.kernelVersion,
        arch,
        bootTime: facts.bootTime,
        uptimeSeconds,
        cpuModel: facts.cpuModel,
        cpuVendor: facts.cpuVendor,
        logicalCpus,
        physicalCores: topologyCounts.physicalCores,
        sockets: topologyCounts.sockets,
        virtualization: facts.virtualization,
      };
      return ok(data);
    },
  };
}
