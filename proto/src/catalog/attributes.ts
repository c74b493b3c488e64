import { SECTION_NAMES } from '../snapshot.js';
import type { AttributeDefinition } from './types.js';

/**
 * Every attribute key a metric in the catalog may carry. Semantic-convention keys keep their registry
 * meaning (https://opentelemetry.io/docs/specs/semconv/registry/attributes/); where the agent emits a
 * value outside the registry's well-known set, the description says so (registry enums allow custom
 * values when none of theirs applies).
 */
const DEFINITIONS = [
  // ------------------------------------------------------------------ cpu
  {
    key: 'cpu.mode',
    type: 'string',
    description:
      'CPU mode of the time or share. `interrupt` is the kernel `irq` column; `softirq` is a custom value (the registry has no soft-interrupt mode). Guest time is part of `user` in the kernel and not reported apart.',
    values: ['user', 'nice', 'system', 'idle', 'iowait', 'interrupt', 'softirq', 'steal'],
    examples: ['user', 'iowait'],
    origin: 'semconv',
  },
  {
    key: 'cpu.logical_number',
    type: 'int',
    description: 'The kernel CPU number (`cpuN` in /proc/stat).',
    examples: [0, 7],
    origin: 'semconv',
  },
  // ------------------------------------------------------------------ memory and paging
  {
    key: 'system.memory.state',
    type: 'string',
    description:
      'Memory state. `used` is MemTotal - MemAvailable and `available` is MemAvailable, so the two sum to `system.memory.limit` (the registry deprecates `free`, `cached` and `buffers`; those figures are `sysray.memory.linux.usage`).',
    values: ['used', 'available'],
    examples: ['used'],
    origin: 'semconv',
  },
  {
    key: 'system.memory.linux.slab.state',
    type: 'string',
    description: 'Slab memory state: SReclaimable or SUnreclaim in /proc/meminfo.',
    values: ['reclaimable', 'unreclaimable'],
    examples: ['reclaimable'],
    origin: 'semconv',
  },
  {
    key: 'system.memory.linux.hugepages.state',
    type: 'string',
    description: 'Huge page state: `used` is HugePages_Total - HugePages_Free.',
    values: ['used', 'free'],
    examples: ['free'],
    origin: 'semconv',
  },
  {
    key: 'sysray.memory.linux.state',
    type: 'string',
    description:
      'A /proc/meminfo figure: MemFree, Buffers, Cached (page cache without swap cache), Dirty, Writeback. They overlap (dirty pages are cached pages) and are not meant to be summed.',
    values: ['free', 'buffers', 'cached', 'dirty', 'writeback'],
    examples: ['cached'],
    origin: 'sysray',
  },
  {
    key: 'system.paging.state',
    type: 'string',
    description: 'Swap state, summed over all swap devices.',
    values: ['used', 'free'],
    examples: ['used'],
    origin: 'semconv',
  },
  {
    key: 'system.paging.fault.type',
    type: 'string',
    description:
      'Fault type. For `system.paging.operations`, `major` marks swap-ins/outs (pswpin/pswpout) and `minor` page-ins/outs from block devices (pgpgin/pgpgout), as the OpenTelemetry Collector host metrics receiver reports them.',
    values: ['major', 'minor'],
    examples: ['major'],
    origin: 'semconv',
  },
  {
    key: 'system.paging.direction',
    type: 'string',
    description: 'Paging direction.',
    values: ['in', 'out'],
    examples: ['in'],
    origin: 'semconv',
  },
  // ------------------------------------------------------------------ disks and filesystems
  {
    key: 'system.device',
    type: 'string',
    description:
      'Device identifier: the kernel block device name for disks (`nvme0n1`, `dm-0`), the mount source for filesystems (`/dev/nvme0n1p2`, `tmpfs`), and `major:minor` for cgroup IO (io.stat keys devices by number).',
    examples: ['nvme0n1', '/dev/sda1', '259:0'],
    origin: 'semconv',
  },
  {
    key: 'disk.io.direction',
    type: 'string',
    description: 'IO direction.',
    values: ['read', 'write'],
    examples: ['read'],
    origin: 'semconv',
  },
  {
    key: 'system.filesystem.state',
    type: 'string',
    description:
      'Space state as df sees it: `used`, `free` (available to unprivileged users) and `reserved` (free blocks kept for root); the three sum to `system.filesystem.limit`. For inodes only `used` and `free` are reported.',
    values: ['used', 'free', 'reserved'],
    examples: ['used'],
    origin: 'semconv',
  },
  {
    key: 'system.filesystem.type',
    type: 'string',
    description: 'Filesystem type from mountinfo.',
    examples: ['ext4', 'xfs', 'nfs4'],
    origin: 'semconv',
  },
  {
    key: 'system.filesystem.mode',
    type: 'string',
    description: 'Mount mode.',
    values: ['rw', 'ro'],
    examples: ['rw'],
    origin: 'semconv',
  },
  {
    key: 'system.filesystem.mountpoint',
    type: 'string',
    description: 'Mount point on the host.',
    examples: ['/', '/var/lib/docker'],
    origin: 'semconv',
  },
  // ------------------------------------------------------------------ network
  {
    key: 'network.interface.name',
    type: 'string',
    description: 'Network interface name.',
    examples: ['eth0', 'bond0.100'],
    origin: 'semconv',
  },
  {
    key: 'network.io.direction',
    type: 'string',
    description: 'Traffic direction.',
    values: ['receive', 'transmit'],
    examples: ['receive'],
    origin: 'semconv',
  },
  {
    key: 'network.transport',
    type: 'string',
    description: 'Transport protocol of the sockets counted.',
    values: ['tcp', 'udp'],
    examples: ['tcp'],
    origin: 'semconv',
  },
  {
    key: 'network.type',
    type: 'string',
    description: 'Address family of the sockets counted (/proc/net/tcp vs tcp6, udp vs udp6).',
    values: ['ipv4', 'ipv6'],
    examples: ['ipv4'],
    origin: 'semconv',
  },
  {
    key: 'network.connection.state',
    type: 'string',
    description:
      'TCP state from the `st` column of /proc/net/tcp*, in the registry spelling (`SYN_RECV` → `syn_received`, `CLOSE` → `closed`; request sockets in NEW_SYN_RECV count as `syn_received`). UDP sockets carry no state.',
    values: [
      'established',
      'syn_sent',
      'syn_received',
      'fin_wait_1',
      'fin_wait_2',
      'time_wait',
      'closed',
      'close_wait',
      'last_ack',
      'listen',
      'closing',
    ],
    examples: ['established'],
    origin: 'semconv',
  },
  {
    key: 'sysray.tcp.open.type',
    type: 'string',
    description:
      'How a TCP connection was opened: `active` (connect, ActiveOpens) or `passive` (accept, PassiveOpens).',
    values: ['active', 'passive'],
    examples: ['active'],
    origin: 'sysray',
  },
  // ------------------------------------------------------------------ processes
  {
    key: 'process.state',
    type: 'string',
    description:
      'Process state from the one-letter state in /proc/[pid]/stat: R → `running`, S → `sleeping`, T/t → `stopped`, Z → `defunct`; `blocked` (D, uninterruptible sleep, usually IO) and `idle` (I, idle kernel threads, Linux 4.14+) are custom values.',
    values: ['running', 'sleeping', 'blocked', 'stopped', 'defunct', 'idle'],
    examples: ['running'],
    origin: 'semconv',
  },
  {
    key: 'process.pid',
    type: 'int',
    description: 'Process id.',
    examples: [1234],
    origin: 'semconv',
  },
  {
    key: 'process.executable.name',
    type: 'string',
    description:
      'Process name: `comm` from /proc/[pid]/stat (at most 15 bytes, control characters replaced), which is the executable base name unless the process renamed itself.',
    examples: ['nginx', 'postgres'],
    origin: 'semconv',
  },
  {
    key: 'process.owner',
    type: 'string',
    description: 'User name of the real uid (from the host /etc/passwd), or the uid as text.',
    examples: ['root', 'www-data'],
    origin: 'semconv',
  },
  {
    key: 'process.command_line',
    type: 'string',
    description:
      'Full command line, arguments joined by spaces, bounded and scrubbed. Opt-in (it can hold secrets and is unbounded in variety): only when the mapping is built with `includeCommandLine`.',
    examples: ['nginx: worker process'],
    origin: 'semconv',
  },
  // ------------------------------------------------------------------ containers and cgroups
  {
    key: 'container.id',
    type: 'string',
    description:
      'Container id from the cgroup path (full 64-hex id for Docker, containerd, CRI-O, Podman), when the group or process belongs to a container.',
    examples: ['3f4e1c0d9b2a…'],
    origin: 'semconv',
  },
  {
    key: 'container.runtime.name',
    type: 'string',
    description: 'Container runtime, from the cgroup path naming.',
    values: ['docker', 'containerd', 'cri-o', 'podman', 'lxc', 'systemd-nspawn'],
    examples: ['containerd'],
    origin: 'semconv',
  },
  {
    key: 'k8s.pod.uid',
    type: 'string',
    description: 'Kubernetes pod UID from a kubepods cgroup path (underscores turned back into dashes).',
    examples: ['8f0c2f0e-3c1b-4c59-9a51-0e6b1c1f2a3b'],
    origin: 'semconv',
  },
  {
    key: 'sysray.cgroup.path',
    type: 'string',
    description:
      'Path of the group relative to the cgroup2 mount, starting with `/`; the identity of a cgroup series.',
    examples: ['/system.slice/nginx.service', '/kubepods.slice/kubepods-burstable.slice/…'],
    origin: 'sysray',
  },
  {
    key: 'sysray.cgroup.kind',
    type: 'string',
    description: 'What the group is, from its path.',
    values: ['root', 'container', 'pod', 'slice', 'service', 'scope', 'other'],
    examples: ['container'],
    origin: 'sysray',
  },
  {
    key: 'sysray.cgroup.name',
    type: 'string',
    description: 'Short human name of the group: container id prefix, pod uid or systemd unit.',
    examples: ['nginx.service', '3f4e1c0d9b2a'],
    origin: 'sysray',
  },
  {
    key: 'sysray.cgroup.memory.type',
    type: 'string',
    description:
      'A memory.stat figure: anon, file, kernel, sock, shmem. shmem is part of file; they are not meant to be summed.',
    values: ['anon', 'file', 'kernel', 'sock', 'shmem'],
    examples: ['anon'],
    origin: 'sysray',
  },
  {
    key: 'sysray.cgroup.memory.event',
    type: 'string',
    description:
      'A memory.events key: times the group went over `low`/`high`/`max`, hit `oom`, or had a process `oom_kill`ed (Documentation/admin-guide/cgroup-v2.rst).',
    values: ['low', 'high', 'max', 'oom', 'oom_kill'],
    examples: ['oom_kill'],
    origin: 'sysray',
  },
  // ------------------------------------------------------------------ load, interrupts, pressure
  {
    key: 'sysray.load.window',
    type: 'string',
    description: 'Averaging window of the load average (the three figures of /proc/loadavg).',
    values: ['1m', '5m', '15m'],
    examples: ['1m'],
    origin: 'sysray',
  },
  {
    key: 'sysray.interrupt.type',
    type: 'string',
    description: 'Hardware interrupts (`intr` total in /proc/stat) or soft interrupts (`softirq` total).',
    values: ['hard', 'soft'],
    examples: ['hard'],
    origin: 'sysray',
  },
  {
    key: 'sysray.pressure.resource',
    type: 'string',
    description:
      'PSI resource. `irq` exists system-wide only, since Linux 6.1 with CONFIG_IRQ_TIME_ACCOUNTING.',
    values: ['cpu', 'memory', 'io', 'irq'],
    examples: ['memory'],
    origin: 'sysray',
  },
  {
    key: 'sysray.pressure.kind',
    type: 'string',
    description:
      'PSI line: `some` (at least one task stalled) or `full` (all non-idle tasks stalled at once); see Documentation/accounting/psi.rst.',
    values: ['some', 'full'],
    examples: ['some'],
    origin: 'sysray',
  },
  {
    key: 'sysray.pressure.window',
    type: 'string',
    description: 'PSI averaging window (the avg10, avg60 and avg300 fields).',
    values: ['10s', '60s', '300s'],
    examples: ['10s'],
    origin: 'sysray',
  },
  // ------------------------------------------------------------------ hardware: GPUs and sensors
  {
    key: 'hw.id',
    type: 'string',
    description:
      'Identifier of the hardware component, unique on the host: the GPU UUID (NVIDIA) or PCI address (AMD, Intel); `<chip>/<device>/<sensor>` for a hwmon sensor; the powercap zone for RAPL.',
    examples: [
      'GPU-5f6a1e9b-2c3d-4e5f-8a9b-0c1d2e3f4a5b',
      '0000:03:00.0',
      'coretemp/coretemp.0/temp2',
      'intel-rapl:0',
    ],
    origin: 'semconv',
  },
  {
    key: 'hw.name',
    type: 'string',
    description:
      'Recognizable name of the component: the GPU product name (or `cardN` where the driver gives none), the sensor label (or `tempN`), the RAPL zone name.',
    examples: ['NVIDIA A100-SXM4-40GB', 'Package id 0', 'package-0'],
    origin: 'semconv',
  },
  {
    key: 'hw.vendor',
    type: 'string',
    description: 'GPU vendor.',
    values: ['NVIDIA', 'AMD', 'Intel'],
    examples: ['NVIDIA'],
    origin: 'semconv',
  },
  {
    key: 'hw.type',
    type: 'string',
    description:
      'Component type. RAPL zones: `package-N` and `core` are `cpu`, `dram` is `memory`, `uncore` (the integrated GPU) is `gpu`, and `psys` (the whole SoC platform) is the custom value `platform`.',
    values: ['gpu', 'cpu', 'memory', 'platform'],
    examples: ['gpu', 'cpu'],
    origin: 'semconv',
  },
  {
    key: 'hw.parent',
    type: 'string',
    description:
      'The enclosing component: the hwmon chip of a sensor (`<chip>/<device>`, the device being the PCI address for a GPU chip), or the enclosing RAPL zone of a subzone.',
    examples: ['coretemp/coretemp.0', 'amdgpu/0000:03:00.0', 'intel-rapl:0'],
    origin: 'semconv',
  },
  {
    key: 'hw.gpu.task',
    type: 'string',
    description:
      'What the GPU was busy with; the sources report whole-GPU busy time only, so always `general`.',
    values: ['general'],
    examples: ['general'],
    origin: 'semconv',
  },
  {
    key: 'hw.limit_type',
    type: 'string',
    description: 'Which limit: hwmon `tempN_crit` is `high.critical`, `tempN_max` is `high.degraded`.',
    values: ['high.critical', 'high.degraded'],
    examples: ['high.critical'],
    origin: 'semconv',
  },
  {
    key: 'error.type',
    type: 'string',
    description: 'Class of hardware error: ECC errors the GPU corrected, or could not correct.',
    values: ['corrected', 'uncorrected'],
    examples: ['uncorrected'],
    origin: 'semconv',
  },
  {
    key: 'sysray.gpu.engine',
    type: 'string',
    description:
      'Engine class as the DRM driver names it in fdinfo: `gfx`, `compute`, `dma`, `dec`, `enc` (amdgpu), `render`, `copy`, `video`, `video-enhance` (i915), `rcs`, `bcs`, `vcs`, `vecs`, `ccs` (xe).',
    examples: ['render', 'gfx'],
    origin: 'sysray',
  },
  {
    key: 'sysray.gpu.clock',
    type: 'string',
    description: 'Which GPU clock: the graphics/SM clock (`core`) or the memory clock.',
    values: ['core', 'memory'],
    examples: ['core'],
    origin: 'sysray',
  },
  // ------------------------------------------------------------------ per-namespace network
  {
    key: 'sysray.netns.inode',
    type: 'int',
    description:
      'Inode of the network namespace (`net:[<inode>]` in /proc/<pid>/ns/net): the identity of a container network series, stable while the namespace lives.',
    examples: [4026532581],
    origin: 'sysray',
  },
  // ------------------------------------------------------------------ agent
  {
    key: 'sysray.collector',
    type: 'string',
    description: 'Collector, named after the Snapshot section it fills.',
    values: SECTION_NAMES,
    examples: ['memory'],
    origin: 'sysray',
  },
  {
    key: 'sysray.exporter',
    type: 'string',
    description:
      'Exporter a self-metric counts: prometheus (/metrics scrapes served) or otlp (OTLP/gRPC pushes).',
    values: ['prometheus', 'otlp'],
    examples: ['otlp'],
    origin: 'sysray',
  },
] as const satisfies readonly AttributeDefinition[];

export type AttributeKey = (typeof DEFINITIONS)[number]['key'];

/** Every attribute key the catalog's metrics carry, in a stable order. */
export const ATTRIBUTE_CATALOG: readonly AttributeDefinition[] = Object.freeze(
  DEFINITIONS.map((definition) => Object.freeze(definition as AttributeDefinition)),
);
