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
  'system' | 'cpu' | 'memory' | 'disks' | 'filesystems' | 'network' | 'processes' | 'cgroups' | 'pressure';

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
