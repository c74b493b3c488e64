/**
 * The Snapshot: one typed, versioned picture of a host, used by every local path (TUI, top, snapshot,
 * record/replay, the agent's `/snapshot` endpoint).
 *
 * Units are part of every field name or stated in its comment: `Bytes`, `Seconds` (cumulative kernel
 * counters converted to seconds), `PerSec` (a rate between two samples), `Fraction` (0..1) and
 * `Percent` (0..100). Rates are `null` on a first sample, never zero.
 */

/** Bumped only on an incompatible change; readers ignore unknown fields and default missing ones. */
export const SNAPSHOT_SCHEMA_VERSION = 1 as const;

export type SectionName =
  | 'system'
  | 'cpu'
  | 'memory'
  | 'disks'
  | 'filesystems'
  | 'network'
  | 'processes'
  | 'cgroups'
  | 'pressure'
  | 'gpu'
  | 'sensors'
  | 'netProcesses';

export const SECTION_NAMES: readonly SectionName[] = [
  'system',
  'cpu',
  'memory',
  'disks',
  'filesystems',
  'network',
  'processes',
  'cgroups',
  'pressure',
  'gpu',
  'sensors',
  'netProcesses',
];

/** Timing of the collection that produced a section. */
export interface SectionTiming {
  /** Wall-clock time the collection finished, Unix epoch milliseconds. */
  readonly collectedAt: number;
  /** How long the collector ran, milliseconds. */
  readonly durationMs: number;
}

export interface SectionOk<T> extends SectionTiming {
  readonly status: 'ok';
  readonly data: T;
}

/** The host lacks the feature (no PSI before Linux 4.20, a cgroup v1-only host): absent, not failed. */
export interface SectionUnsupported extends SectionTiming {
  readonly status: 'unsupported';
  readonly reason: string;
}

/** The collector failed or timed out; `message` carries the cause. */
export interface SectionError extends SectionTiming {
  readonly status: 'error';
  readonly message: string;
}

export type Section<T> = SectionOk<T> | SectionUnsupported | SectionError;

export type SectionStatus = Section<unknown>['status'];

// ---------------------------------------------------------------- system

export interface OsRelease {
  /** `ID` from os-release, e.g. `debian`. */
  readonly id: string | null;
  /** `NAME`, e.g. `Debian GNU/Linux`. */
  readonly name: string | null;
  /** `VERSION_ID`, e.g. `12`. */
  readonly versionId: string | null;
  /** `PRETTY_NAME`, e.g. `Debian GNU/Linux 12 (bookworm)`. */
  readonly prettyName: string | null;
}

export interface SystemData {
  readonly hostname: string;
  /** `/etc/machine-id` (or the D-Bus one); null when the host has none. */
  readonly hostId: string | null;
  /** Node's `process.platform` naming: `linux`, `darwin`, `win32`. */
  readonly osType: string;
  readonly os: OsRelease;
  /** Kernel release, e.g. `6.1.0-18-amd64`. */
  readonly kernelRelease: string | null;
  /** Kernel build string from `/proc/sys/kernel/version`. */
  readonly kernelVersion: string | null;
  /** OpenTelemetry `host.arch` naming: `amd64`, `arm64`, … */
  readonly arch: string;
  /** Boot time, Unix epoch seconds. */
  readonly bootTime: number | null;
  readonly uptimeSeconds: number | null;
  readonly cpuModel: string | null;
  readonly cpuVendor: string | null;
  /** Logical CPUs (hardware threads) online. */
  readonly logicalCpus: number;
  /** Physical cores, when the topology is readable. */
  readonly physicalCores: number | null;
  readonly sockets: number | null;
  /** A best-effort hint: `kvm`, `xen`, `vmware`, `hyperv`, `container`, `wsl`, … or null for bare metal/unknown. */
  readonly virtualization: string | null;
}

// ---------------------------------------------------------------- cpu

/** Cumulative CPU time per mode since boot, seconds (from USER_HZ ticks in `/proc/stat`). */
export interface CpuTimes {
  readonly user: number;
  readonly nice: number;
  readonly system: number;
  readonly idle: number;
  readonly iowait: number;
  readonly irq: number;
  readonly softirq: number;
  readonly steal: number;
  /** Guest time is also counted in `user` by the kernel; it is reported apart, not subtracted. */
  readonly guest: number;
  readonly guestNice: number;
}

/** Share of wall time in each mode between two samples, fraction 0..1 (of one CPU or of all, per context). */
export type CpuUtilization = { readonly [K in keyof CpuTimes]: number } & {
  /** 1 - idle - iowait. */
  readonly busy: number;
};

export interface CpuCore {
  /** The kernel's CPU number (`cpuN`). */
  readonly cpu: number;
  readonly times: CpuTimes;
  readonly utilization: CpuUtilization | null;
  /** Current frequency from cpufreq, hertz; null where sysfs lacks it (many VMs). */
  readonly frequencyHz: number | null;
}

export interface CpuData {
  readonly logicalCpus: number;
  /** All CPUs summed. */
  readonly times: CpuTimes;
  /** Utilization of the whole machine, fraction 0..1 of all CPUs. */
  readonly utilization: CpuUtilization | null;
  readonly cores: readonly CpuCore[];
  readonly load: { readonly load1: number; readonly load5: number; readonly load15: number };
  /** Cumulative counts since boot. */
  readonly counters: {
    readonly contextSwitches: number;
    readonly interrupts: number;
    readonly softInterrupts: number | null;
    /** Processes and threads created (`processes` in /proc/stat). */
    readonly forks: number;
  };
  readonly rates: {
    readonly contextSwitchesPerSec: number;
    readonly interruptsPerSec: number;
    readonly forksPerSec: number;
  } | null;
  readonly procsRunning: number;
  readonly procsBlocked: number;
}

// ---------------------------------------------------------------- memory

export interface PagingCounters {
  readonly pgfault: number;
  readonly pgmajfault: number;
  /** Paged in/out from/to block devices, KiB (the kernel prints sectors halved, despite the name). */
  readonly pgpgin: number;
  readonly pgpgout: number;
  /** Pages swapped in/out. */
  readonly pswpin: number;
  readonly pswpout: number;
  /** Pages scanned and reclaimed, kswapd plus direct, summed over zones. */
  readonly pgscan: number;
  readonly pgsteal: number;
  /** OOM killer invocations (`oom_kill`, Linux 4.13+); null where absent. */
  readonly oomKill: number | null;
}

export interface MemoryData {
  readonly totalBytes: number;
  readonly availableBytes: number;
  readonly freeBytes: number;
  /** total - available, the figure `free(1)` from procps-ng 4 reports. */
  readonly usedBytes: number;
  readonly buffersBytes: number;
  /** Page cache, `Cached` in meminfo (excludes swap cache). */
  readonly cachedBytes: number;
  readonly sharedBytes: number;
  readonly slabReclaimableBytes: number;
  readonly slabUnreclaimableBytes: number;
  readonly dirtyBytes: number;
  readonly writebackBytes: number;
  /** used / total, fraction 0..1. */
  readonly usedFraction: number;
  readonly hugepages: {
    readonly total: number;
    readonly free: number;
    readonly reserved: number;
    readonly surplus: number;
    readonly pageSizeBytes: number;
  };
  readonly swap: {
    readonly totalBytes: number;
    readonly freeBytes: number;
    readonly usedBytes: number;
    readonly cachedBytes: number;
  };
  /** Cumulative counts since boot from `/proc/vmstat`: pages, except faults (events) and pgpgin/out (KiB). */
  readonly paging: PagingCounters;
  /** Per-second rates of the paging counters; null on the first sample. */
  readonly pagingRates: { readonly [K in keyof PagingCounters]: number | null } | null;
}

// ---------------------------------------------------------------- disks

export type DiskKind = 'nvme' | 'scsi' | 'virtio' | 'dm' | 'md' | 'mmc' | 'loop' | 'xen' | 'other';

/** Cumulative counters from `/proc/diskstats` (see Documentation/admin-guide/iostats.rst). */
export interface DiskCounters {
  readonly readsCompleted: number;
  readonly readsMerged: number;
  readonly readBytes: number;
  readonly readTimeSeconds: number;
  readonly writesCompleted: number;
  readonly writesMerged: number;
  readonly writeBytes: number;
  readonly writeTimeSeconds: number;
  /** Requests in flight now (a level, not a counter). */
  readonly ioInProgress: number;
  readonly ioTimeSeconds: number;
  readonly weightedIoTimeSeconds: number;
  /** Discard fields exist since Linux 4.18, flush fields since 5.5; null on older kernels. */
  readonly discardsCompleted: number | null;
  readonly discardsMerged: number | null;
  readonly discardBytes: number | null;
  readonly discardTimeSeconds: number | null;
  readonly flushesCompleted: number | null;
  readonly flushTimeSeconds: number | null;
}

export interface DiskRates {
  readonly readsPerSec: number;
  readonly writesPerSec: number;
  readonly readBytesPerSec: number;
  readonly writeBytesPerSec: number;
  readonly readMergesPerSec: number;
  readonly writeMergesPerSec: number;
  /** Mean time per completed read/write in the interval, milliseconds; null when none completed. */
  readonly readAwaitMs: number | null;
  readonly writeAwaitMs: number | null;
  /** Share of the interval the device was busy, fraction 0..1. */
  readonly utilization: number;
  /** Average number of requests queued or in service (weighted io time / interval). */
  readonly queueDepth: number;
  readonly discardsPerSec: number | null;
  readonly flushesPerSec: number | null;
}

export interface DiskDevice {
  /** Kernel name: `nvme0n1`, `sda`, `dm-0`, `md0`. */
  readonly name: string;
  /** `major:minor`. */
  readonly devNumber: string;
  /** Friendly name: the dm name (`vg0-root`), md name, or the kernel name. */
  readonly displayName: string;
  readonly kind: DiskKind;
  readonly sizeBytes: number | null;
  readonly rotational: boolean | null;
  readonly model: string | null;
  /** Partitions of this disk (kernel names), found through sysfs `partition` files. */
  readonly partitions: readonly string[];
  /** Devices this one is built on (`slaves/`), e.g. dm-0 → [sda2]. */
  readonly slaves: readonly string[];
  /** Devices built on this one (`holders/`). */
  readonly holders: readonly string[];
  readonly counters: DiskCounters;
  readonly rates: DiskRates | null;
}

export interface DisksData {
  readonly devices: readonly DiskDevice[];
}

// ---------------------------------------------------------------- filesystems

export interface FilesystemMount {
  readonly mountPoint: string;
  /** Mount source: `/dev/nvme0n1p2`, `tmpfs`, `server:/export`. */
  readonly device: string;
  readonly fsType: string;
  readonly devNumber: string;
  readonly readOnly: boolean;
  readonly options: readonly string[];
  readonly totalBytes: number;
  readonly freeBytes: number;
  /** Free to unprivileged users (excludes reserved blocks). */
  readonly availableBytes: number;
  readonly usedBytes: number;
  /** used / (used + available), as df computes it, fraction 0..1. */
  readonly usedFraction: number;
  readonly inodesTotal: number;
  readonly inodesFree: number;
  readonly inodesUsed: number;
  /** null when the filesystem reports no inode count (btrfs, vfat). */
  readonly inodesUsedFraction: number | null;
}

export interface FilesystemsData {
  readonly mounts: readonly FilesystemMount[];
  /** Mounts whose statfs failed or timed out (stale NFS), with the reason; they are not dropped silently. */
  readonly failed: readonly {
    readonly mountPoint: string;
    readonly fsType: string;
    readonly error: string;
  }[];
}

// ---------------------------------------------------------------- network

export interface InterfaceCounters {
  readonly rxBytes: number;
  readonly txBytes: number;
  readonly rxPackets: number;
  readonly txPackets: number;
  readonly rxErrors: number;
  readonly txErrors: number;
  readonly rxDrops: number;
  readonly txDrops: number;
  readonly rxMulticast: number;
  readonly collisions: number;
}

export type InterfaceRates = { readonly [K in keyof InterfaceCounters as `${K}PerSec`]: number };

export interface NetworkInterface {
  readonly name: string;
  /** `operstate`: up, down, unknown, dormant, lowerlayerdown, notpresent, testing. */
  readonly state: string;
  /** Link speed, bits per second; null when unknown (virtual links report -1). */
  readonly speedBitsPerSec: number | null;
  readonly mtu: number | null;
  readonly macAddress: string | null;
  /** physical, loopback, bridge, bond, vlan, veth, tun, virtual. */
  readonly kind: string;
  readonly counters: InterfaceCounters;
  readonly rates: InterfaceRates | null;
}

export type TcpState =
  | 'established'
  | 'syn_sent'
  | 'syn_recv'
  | 'fin_wait1'
  | 'fin_wait2'
  | 'time_wait'
  | 'close'
  | 'close_wait'
  | 'last_ack'
  | 'listen'
  | 'closing'
  | 'new_syn_recv';

/** Cumulative protocol counters from `/proc/net/snmp` and `/proc/net/netstat`. */
export interface ProtocolCounters {
  readonly tcpActiveOpens: number;
  readonly tcpPassiveOpens: number;
  readonly tcpAttemptFails: number;
  readonly tcpEstabResets: number;
  readonly tcpInSegs: number;
  readonly tcpOutSegs: number;
  readonly tcpRetransSegs: number;
  readonly tcpInErrs: number;
  readonly tcpOutRsts: number;
  readonly tcpListenOverflows: number;
  readonly tcpListenDrops: number;
  readonly tcpTimeouts: number;
  readonly udpInDatagrams: number;
  readonly udpOutDatagrams: number;
  readonly udpInErrors: number;
  readonly udpNoPorts: number;
  readonly udpRcvbufErrors: number;
  readonly udpSndbufErrors: number;
}

export interface NetworkData {
  readonly interfaces: readonly NetworkInterface[];
  readonly tcp: {
    readonly v4: { readonly [K in TcpState]: number };
    readonly v6: { readonly [K in TcpState]: number };
  };
  readonly udp: { readonly v4Sockets: number; readonly v6Sockets: number };
  readonly protocol: ProtocolCounters;
  readonly protocolRates: { readonly [K in keyof ProtocolCounters]: number } | null;
}

// ---------------------------------------------------------------- processes and containers

export type ContainerRuntime = 'docker' | 'containerd' | 'cri-o' | 'podman' | 'lxc' | 'systemd-nspawn';

/** What a cgroup path says about who owns it. */
export interface CgroupAttribution {
  readonly containerId: string | null;
  readonly runtime: ContainerRuntime | null;
  /** Kubernetes pod UID (dashes restored), from kubepods paths. */
  readonly podUid: string | null;
  /** `guaranteed`, `burstable` or `besteffort`. */
  readonly qosClass: 'guaranteed' | 'burstable' | 'besteffort' | null;
  /** systemd unit (`nginx.service`, `user-1000.slice`) owning the path, when not a container. */
  readonly systemdUnit: string | null;
}

export type ProcessSortKey = 'cpu' | 'memory' | 'io' | 'pid' | 'name';

export interface ProcessInfo {
  readonly pid: number;
  readonly ppid: number;
  /** `comm`, at most 15 bytes, scrubbed of control characters. */
  readonly name: string;
  /** Command line, bounded and scrubbed; arguments separated by spaces. Empty for kernel threads. */
  readonly command: string;
  readonly uid: number | null;
  /** User name from the host's /etc/passwd, or the uid as text. */
  readonly user: string | null;
  /** One-letter state from `stat`: R, S, D, Z, T, t, I, X. */
  readonly state: string;
  readonly userSeconds: number;
  readonly systemSeconds: number;
  /** CPU use over the interval, percent of one core (can exceed 100); null on first sight. */
  readonly cpuPercent: number | null;
  /** CPU use over the interval, percent of all cores (0..100). */
  readonly cpuPercentNormalized: number | null;
  readonly rssBytes: number;
  readonly virtualBytes: number;
  readonly swapBytes: number | null;
  readonly threads: number;
  readonly openFds: number | null;
  /** Bytes this process caused to be read from/written to storage (`read_bytes`/`write_bytes`). */
  readonly ioReadBytes: number | null;
  readonly ioWriteBytes: number | null;
  readonly ioReadBytesPerSec: number | null;
  readonly ioWriteBytesPerSec: number | null;
  /** Process start, Unix epoch seconds. */
  readonly startTime: number;
  /** Path in the cgroup v2 hierarchy (the `0::` line), or null. */
  readonly cgroupPath: string | null;
  readonly container: CgroupAttribution | null;
}

export interface ProcessCounts {
  readonly total: number;
  readonly threads: number;
  readonly running: number;
  readonly sleeping: number;
  /** Uninterruptible sleep (D): usually waiting on IO. */
  readonly blocked: number;
  readonly zombie: number;
  readonly stopped: number;
  readonly idle: number;
}

export interface ProcessesData {
  readonly counts: ProcessCounts;
  readonly sortedBy: ProcessSortKey;
  /** The top N by the sort key plus any included by rule, in sort order. */
  readonly top: readonly ProcessInfo[];
}

export interface CgroupCpu {
  readonly usageSeconds: number;
  readonly userSeconds: number;
  readonly systemSeconds: number;
  readonly periods: number | null;
  readonly throttledPeriods: number | null;
  readonly throttledSeconds: number | null;
  /** `cpu.max` as cores (quota/period); null for `max`. */
  readonly limitCores: number | null;
  /** CPU use over the interval in cores (1.0 = one core busy); null on first sight. */
  readonly usageCores: number | null;
  /** Throttled periods / periods over the interval, fraction 0..1; null on first sight. */
  readonly throttledFraction: number | null;
}

export interface CgroupMemory {
  readonly currentBytes: number;
  /** `memory.max`; null for `max`. */
  readonly maxBytes: number | null;
  readonly highBytes: number | null;
  readonly swapCurrentBytes: number | null;
  readonly anonBytes: number | null;
  readonly fileBytes: number | null;
  readonly kernelBytes: number | null;
  readonly sockBytes: number | null;
  readonly shmemBytes: number | null;
  /** Cumulative `memory.events` counts. */
  readonly events: {
    readonly low: number;
    readonly high: number;
    readonly max: number;
    readonly oom: number;
    readonly oomKill: number;
  };
}

export interface CgroupIoDevice {
  readonly devNumber: string;
  readonly readBytes: number;
  readonly writeBytes: number;
  readonly readOps: number;
  readonly writeOps: number;
  readonly discardBytes: number;
  readonly discardOps: number;
}

export interface PressureLine {
  /** Share of wall time stalled, percent 0..100, averaged over 10 s, 60 s, 300 s. */
  readonly avg10: number;
  readonly avg60: number;
  readonly avg300: number;
  /** Cumulative stall time, seconds (the kernel reports microseconds). */
  readonly totalSeconds: number;
}

export interface PressureResource {
  /** null for `irq`, which has only a `full` line (Linux 6.1+: an IRQ stall always stalls the whole CPU). */
  readonly some: PressureLine | null;
  /** `full` is absent for cpu before Linux 5.13 at system level; null then. */
  readonly full: PressureLine | null;
}

export type CgroupKind = 'root' | 'container' | 'pod' | 'slice' | 'service' | 'scope' | 'other';

export interface CgroupInfo {
  /** Path relative to the cgroup2 mount, starting with `/`. */
  readonly path: string;
  readonly kind: CgroupKind;
  /** A short human name: container id prefix, pod uid, unit name. */
  readonly name: string;
  readonly attribution: CgroupAttribution;
  readonly cpu: CgroupCpu | null;
  readonly memory: CgroupMemory | null;
  readonly io: readonly CgroupIoDevice[];
  readonly pids: { readonly current: number; readonly max: number | null } | null;
  readonly pressure: {
    readonly cpu: PressureResource | null;
    readonly memory: PressureResource | null;
    readonly io: PressureResource | null;
  };
}

export interface CgroupsData {
  /** `v2` on a pure unified host, `hybrid` when cgroup2 is mounted beside v1 controllers. */
  readonly mode: 'v2' | 'hybrid';
  /** Mount point of the cgroup2 hierarchy on the host (as seen through rootfs). */
  readonly mountPoint: string;
  readonly groups: readonly CgroupInfo[];
}

// ---------------------------------------------------------------- pressure

export interface PressureData {
  readonly cpu: PressureResource | null;
  readonly memory: PressureResource | null;
  readonly io: PressureResource | null;
  /** `/proc/pressure/irq` exists since Linux 6.1 (and only with CONFIG_IRQ_TIME_ACCOUNTING). */
  readonly irq: PressureResource | null;
  /** Why a resource above is null, e.g. `{ irq: "/proc/pressure/irq not present (Linux < 6.1)" }`. */
  readonly unavailable: { readonly [resource: string]: string };
}

// ---------------------------------------------------------------- gpu

export type GpuVendor = 'nvidia' | 'amd' | 'intel';

/** One MIG (Multi-Instance GPU) device carved out of an NVIDIA GPU, from `nvidia-smi -L`. */
export interface GpuMigDevice {
  /** MIG device UUID, `MIG-…` (older drivers: `MIG-GPU-<uuid>/<gi>/<ci>`). */
  readonly uuid: string;
  /** Profile, e.g. `1g.5gb` (compute slices and memory of the instance). */
  readonly profile: string;
  /** `Device N` in `nvidia-smi -L`: the MIG device's index on its parent GPU. */
  readonly index: number;
}

/** Busy share of one engine class between two samples, from DRM fdinfo. */
export interface GpuEngineUtilization {
  /** Engine class as the driver names it: `gfx`, `compute`, `dma`, `dec`, `enc` (amdgpu), `render`, `copy`, `video`, `video-enhance` (i915), `rcs`, `bcs`, `vcs`, `vecs`, `ccs` (xe). */
  readonly engine: string;
  /** Fraction 0..1 of the engine class's capacity (all of its engines), clamped to 1. */
  readonly utilization: number;
}

export interface GpuDevice {
  /**
   * Stable key: the NVIDIA UUID (`GPU-…`), or the PCI address (`0000:03:00.0`) for GPUs read from sysfs.
   * Per-process entries refer to it.
   */
  readonly id: string;
  readonly vendor: GpuVendor;
  /** Kernel driver: `nvidia`, `amdgpu`, `i915`, `xe`. */
  readonly driver: string;
  /** `nvidia-smi` index, or N of the DRM `cardN` node. */
  readonly index: number;
  /** Product name (`NVIDIA A100-SXM4-40GB`, amdgpu `product_name`); null where the driver exposes none. */
  readonly name: string | null;
  /** PCI address, `domain:bus:device.function` in sysfs spelling (`0000:07:00.0`), lower case. */
  readonly pciBusId: string | null;
  /** PCI `vendor:device` ids, lower-case hex without `0x` (`1002:740f`); null for NVIDIA. */
  readonly pciId: string | null;
  /** When these numbers were read, Unix epoch milliseconds (NVIDIA data is cached between nvidia-smi runs). */
  readonly sampledAt: number;
  /**
   * Share of time the GPU was busy, fraction 0..1: NVIDIA `utilization.gpu`, amdgpu `gpu_busy_percent`,
   * Intel the busiest engine class in DRM fdinfo (clients the agent scanned only). Null when unknown.
   */
  readonly utilization: number | null;
  /** Share of time the memory controller was busy, fraction 0..1 (NVIDIA `utilization.memory`, amdgpu `mem_busy_percent`). */
  readonly memoryBusy: number | null;
  readonly memoryUsedBytes: number | null;
  readonly memoryTotalBytes: number | null;
  /** Die (`edge` on amdgpu) temperature, degrees Celsius. */
  readonly temperatureCelsius: number | null;
  /** Power draw, watts: NVIDIA `power.draw`, hwmon `power1_average`/`power1_input`, or Intel energy over the interval. */
  readonly powerWatts: number | null;
  /** Enforced power limit, watts (`power.limit`, hwmon `power1_cap` or `power1_max`). */
  readonly powerLimitWatts: number | null;
  /** Cumulative energy counter, joules (Intel hwmon `energy1_input`); null where the source has none. */
  readonly energyJoules: number | null;
  /** Graphics/SM clock, hertz. */
  readonly coreClockHz: number | null;
  /** Memory clock, hertz. */
  readonly memoryClockHz: number | null;
  /** Fan speed as a fraction 0..1 of its maximum (NVIDIA `fan.speed`); null for passively cooled boards. */
  readonly fanSpeedFraction: number | null;
  /** Fan speed, revolutions per minute (hwmon `fan1_input`). */
  readonly fanSpeedRpm: number | null;
  /** ECC errors since the driver loaded (NVIDIA `ecc.errors.*.volatile.total`); null without ECC. */
  readonly eccErrorsCorrected: number | null;
  readonly eccErrorsUncorrected: number | null;
  /** MIG mode: true enabled, false disabled, null where the GPU has no MIG. */
  readonly migEnabled: boolean | null;
  readonly migDevices: readonly GpuMigDevice[];
  /** Per engine class busy share summed over the DRM clients the agent scanned; empty without fdinfo data. */
  readonly engines: readonly GpuEngineUtilization[];
}

/** GPU memory a process holds in one memory region, from DRM fdinfo (`drm-total-<region>`, `drm-resident-<region>`). */
export interface GpuMemoryRegion {
  /** Region name: `vram`, `gtt`, `cpu` (amdgpu), `system0`, `local0`, `stolen-system0` (i915), `vram0`, `gtt`, `system` (xe). */
  readonly region: string;
  /** Size of the buffers the client has in the region, bytes (`drm-total-*`, or the legacy `drm-memory-*`). */
  readonly totalBytes: number | null;
  /** Of which resident in the region now, bytes (`drm-resident-*`). */
  readonly residentBytes: number | null;
}

export interface GpuProcess {
  readonly pid: number;
  /** `comm`, scrubbed; the pmon command name when the process is not visible under the proc root. */
  readonly name: string;
  /** The `GpuDevice.id` this entry is about (one entry per process and device). */
  readonly deviceId: string;
  /** GPU memory used, bytes: NVIDIA `used_memory`, DRM the sum of resident (else total) bytes over regions. */
  readonly memoryBytes: number | null;
  /**
   * Busy share the process caused, fraction 0..1 of the device: NVIDIA SM utilization from `nvidia-smi pmon`,
   * DRM the busiest engine class. Null on first sight (DRM needs two samples) or where the source has none.
   */
  readonly utilization: number | null;
  readonly engines: readonly GpuEngineUtilization[];
  readonly memoryRegions: readonly GpuMemoryRegion[];
  readonly container: CgroupAttribution | null;
}

export interface GpuData {
  readonly devices: readonly GpuDevice[];
  /** Processes using a GPU, busiest first (per device), bounded by the collector's process limit. */
  readonly processes: readonly GpuProcess[];
  /**
   * Why a source contributed nothing or less than usual, e.g.
   * `{ nvidia: "nvidia-smi not found on PATH", fdinfo: "…" }`. Sources: `nvidia`, `nvidia-apps`, `nvidia-pmon`,
   * `nvidia-mig`, `drm`, `fdinfo`.
   */
  readonly unavailable: { readonly [source: string]: string };
}

// ---------------------------------------------------------------- sensors

/** One `tempN_*` sensor of a hwmon chip (Documentation/hwmon/sysfs-interface.rst). */
export interface TemperatureSensor {
  /** `<chipId>/<sensor>`, e.g. `coretemp/coretemp.0/temp2`: unique on the host. */
  readonly id: string;
  /** Chip name from `hwmonN/name`: `coretemp`, `k10temp`, `nvme`, `amdgpu`, `acpitz`. */
  readonly chip: string;
  /** `<name>/<device>`: the chip name and the device it sits on (`0000:03:00.0`, `nvme0`), or `<name>/hwmonN`. */
  readonly chipId: string;
  /** `tempN`. */
  readonly sensor: string;
  /** `tempN_label` (`Package id 0`, `Tctl`, `edge`, `Composite`); null when the chip has none. */
  readonly label: string | null;
  /** Degrees Celsius (the kernel reports millidegrees). */
  readonly celsius: number;
  /** `tempN_max`, degrees Celsius: above it the chip is hot. */
  readonly maxCelsius: number | null;
  /** `tempN_crit`, degrees Celsius: the hardware throttles or shuts down. */
  readonly criticalCelsius: number | null;
}

/** One `fanN_*` sensor of a hwmon chip. */
export interface FanSensor {
  readonly id: string;
  readonly chip: string;
  readonly chipId: string;
  /** `fanN`. */
  readonly sensor: string;
  readonly label: string | null;
  /** Revolutions per minute. */
  readonly rpm: number;
}

/** One RAPL zone of the powercap framework (Documentation/power/powercap/powercap.rst). */
export interface PowerZone {
  /** Zone directory: `intel-rapl:0`, `intel-rapl:0:1`. */
  readonly id: string;
  /** Zone name: `package-0`, `core`, `uncore`, `dram`, `psys`. */
  readonly name: string;
  /** The enclosing zone (`intel-rapl:0` for `intel-rapl:0:0`); null for a top-level zone. */
  readonly parent: string | null;
  /** Cumulative energy, joules (`energy_uj`, which wraps at `max_energy_range_uj`); null when unreadable. */
  readonly energyJoules: number | null;
  /** Average power over the last interval, watts (wraps accounted for); null on a first sample. */
  readonly powerWatts: number | null;
  /** Why `energyJoules` is null, e.g. energy_uj readable by root only (Linux 5.10+). */
  readonly unavailableReason: string | null;
}

export interface SensorsData {
  readonly temperatures: readonly TemperatureSensor[];
  readonly fans: readonly FanSensor[];
  readonly powerZones: readonly PowerZone[];
  /** Why a source is missing, e.g. `{ powercap: "/sys/class/powercap not present" }`. Sources: `hwmon`, `powercap`. */
  readonly unavailable: { readonly [source: string]: string };
}

// ---------------------------------------------------------------- per-process and per-namespace network

/** A process's TCP and UDP use, from `ss -tinHe` (socket counters) and its `/proc/<pid>/fd` socket links. */
export interface NetProcess {
  readonly pid: number;
  /** `comm`, scrubbed. */
  readonly name: string;
  readonly container: CgroupAttribution | null;
  /** Connected TCP sockets it holds (ss's default filter: not listening, not in TIME-WAIT). */
  readonly tcpConnections: number;
  /** UDP sockets it holds (`/proc/net/udp`, `/proc/net/udp6`). */
  readonly udpSockets: number;
  /**
   * TCP payload bytes received and sent over its sockets, accumulated since the agent first saw the process
   * (kernel `bytes_received`; `bytes_sent - bytes_retrans`, or `bytes_acked` before Linux 4.19). A socket that
   * closes between two samples loses its last interval, so this undercounts short connections.
   */
  readonly receivedBytes: number;
  readonly sentBytes: number;
  /** Rates over the last interval, bytes per second; null on first sight. */
  readonly receivedBytesPerSec: number | null;
  readonly sentBytesPerSec: number | null;
}

/** Counters of one interface inside a network namespace, from `/proc/<pid>/net/dev`. */
export interface NetNamespaceInterface {
  readonly name: string;
  readonly rxBytes: number;
  readonly txBytes: number;
  readonly rxPackets: number;
  readonly txPackets: number;
  readonly rxDrops: number;
  readonly txDrops: number;
  /** Bytes per second over the last interval; null on first sight. */
  readonly rxBytesPerSec: number | null;
  readonly txBytesPerSec: number | null;
}

/** One network namespace and its traffic, attributed to the container or pod of a process inside it. */
export interface NetNamespace {
  /** Namespace inode, from the `net:[<inode>]` link of `/proc/<pid>/ns/net`. */
  readonly inode: number;
  /** The namespace of pid 1 (the agent's own where pid 1's is unreadable): the host's own network. */
  readonly host: boolean;
  /** The process the counters were read through (the lowest pid seen in the namespace). */
  readonly pid: number;
  /** Processes seen in the namespace. */
  readonly processes: number;
  /** Owner from the cgroup of `pid`: the container (for a pod, its sandbox container and the pod UID). */
  readonly container: CgroupAttribution | null;
  /** Every interface but loopback. */
  readonly interfaces: readonly NetNamespaceInterface[];
  /** Sums over `interfaces`, bytes. */
  readonly rxBytes: number;
  readonly txBytes: number;
  readonly rxBytesPerSec: number | null;
  readonly txBytesPerSec: number | null;
}

export interface NetProcessesData {
  /** Top talkers: at most N processes by received + sent bytes per second (cumulative bytes on a first sample). */
  readonly top: readonly NetProcess[];
  /** Socket totals of the agent's network namespace, and how many could not be tied to a process. */
  readonly totals: {
    readonly tcpConnections: number;
    readonly udpSockets: number;
    /**
     * Sockets no visible process holds: orphaned TCP sockets still closing, and sockets of processes the
     * agent may not inspect (other users' for a non-root agent) or that closed meanwhile.
     */
    readonly unattributedSockets: number;
  };
  /** Every network namespace a visible process is in, host first, then by inode. */
  readonly namespaces: readonly NetNamespace[];
  /**
   * Why a part is missing or partial, e.g. `{ processes: "ss (iproute2) not found on PATH" }`. Parts:
   * `processes`, `namespaces`, `attribution` (sockets of processes the agent may not inspect).
   */
  readonly unavailable: { readonly [part: string]: string };
}

// ---------------------------------------------------------------- snapshot

export interface SectionDataMap {
  system: SystemData;
  cpu: CpuData;
  memory: MemoryData;
  disks: DisksData;
  filesystems: FilesystemsData;
  network: NetworkData;
  processes: ProcessesData;
  cgroups: CgroupsData;
  pressure: PressureData;
  gpu: GpuData;
  sensors: SensorsData;
  netProcesses: NetProcessesData;
}

export type Sections = { readonly [K in SectionName]: Section<SectionDataMap[K]> };

export interface Snapshot {
  readonly schema: typeof SNAPSHOT_SCHEMA_VERSION;
  /** When the snapshot was assembled, Unix epoch milliseconds. */
  readonly timestamp: number;
  readonly agent: { readonly name: 'sysray'; readonly version: string };
  /** Identity repeated at top level so a reader needs no section to key the snapshot. */
  readonly host: { readonly name: string; readonly id: string | null };
  readonly sections: Sections;
}
