import {
  SECTION_NAMES,
  type CgroupAttribution,
  type CgroupInfo,
  type CgroupsData,
  type CpuData,
  type CpuTimes,
  type DisksData,
  type FilesystemsData,
  type GpuData,
  type GpuDevice,
  type MemoryData,
  type MetricName,
  type NetProcessesData,
  type NetworkData,
  type PressureData,
  type PressureResource,
  type ProcessesData,
  type ProcessInfo,
  type SectionDataMap,
  type SectionName,
  type SensorsData,
  type Snapshot,
  type SystemData,
  type TcpState,
} from '@sysray/proto';

/** Attribute values the mapping sets: strings, and integers for pids and CPU numbers. */
export type ObservationAttributes = Readonly<Record<string, string | number>>;

/** One data point: a catalog metric, its value in the catalog unit, and its attributes. */
export interface Observation {
  readonly name: MetricName;
  readonly value: number;
  readonly attributes: ObservationAttributes;
}

export interface SnapshotMetricsOptions {
  /** Add `process.command_line` to per-process series (opt-in: command lines can hold secrets). */
  readonly includeCommandLine?: boolean;
}

export interface SnapshotMetrics {
  readonly observations: readonly Observation[];
  /** A section whose mapping threw; the other sections' observations are kept. */
  readonly errors: readonly Error[];
}

/** Stable identity of an attribute set (sorted keys), the way the SDK tells series apart. */
export function attributesKey(attributes: Readonly<Record<string, unknown>>): string {
  return JSON.stringify(
    Object.keys(attributes)
      .sort()
      .map((key) => [key, attributes[key]]),
  );
}

/**
 * Collects observations, skipping values that are not finite numbers (a null field is an absent series,
 * never a zero) and keeping the first of two identical series (two mounts stacked on one mount point).
 */
class Recorder {
  readonly observations: Observation[] = [];
  private readonly seen = new Set<string>();

  private readonly keys: string[] = [];

  observe(name: MetricName, value: number | null | undefined, attributes: ObservationAttributes = {}): void {
    if (value === null || value === undefined || !Number.isFinite(value)) return;
    const key = `${name}\u0000${attributesKey(attributes)}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.keys.push(key);
    this.observations.push({ name, value, attributes });
  }

  /** A point to roll back to: a section that fails half-way leaves none of its series behind. */
  mark(): number {
    return this.observations.length;
  }

  rollback(mark: number): void {
    for (const key of this.keys.splice(mark)) this.seen.delete(key);
    this.observations.splice(mark);
  }
}

// ---------------------------------------------------------------- system

function mapSystem(r: Recorder, data: SystemData): void {
  r.observe('system.uptime', data.uptimeSeconds);
  r.observe('system.cpu.physical.count', data.physicalCores);
}

// ---------------------------------------------------------------- cpu

/**
 * Kernel `/proc/stat` columns to `cpu.mode`. `irq` is the registry's `interrupt`; `softirq` has no
 * registry value and keeps its kernel name. Guest time is already inside `user` (and guest_nice inside
 * `nice`) in the kernel's accounting, so it is not a mode of its own: adding it would count it twice.
 */
const CPU_MODES: readonly (readonly [keyof CpuTimes, string])[] = [
  ['user', 'user'],
  ['nice', 'nice'],
  ['system', 'system'],
  ['idle', 'idle'],
  ['iowait', 'iowait'],
  ['irq', 'interrupt'],
  ['softirq', 'softirq'],
  ['steal', 'steal'],
];

function mapCpu(r: Recorder, data: CpuData): void {
  if (data.cores.length > 0) {
    for (const core of data.cores) {
      for (const [field, mode] of CPU_MODES) {
        r.observe('system.cpu.time', core.times[field], { 'cpu.mode': mode, 'cpu.logical_number': core.cpu });
      }
      r.observe('system.cpu.frequency', core.frequencyHz === null ? null : Math.round(core.frequencyHz), {
        'cpu.logical_number': core.cpu,
      });
    }
  } else {
    // No per-CPU lines (a restricted container view): the machine total, without a CPU number.
    for (const [field, mode] of CPU_MODES)
      r.observe('system.cpu.time', data.times[field], { 'cpu.mode': mode });
  }
  if (data.utilization !== null) {
    for (const [field, mode] of CPU_MODES) {
      r.observe('system.cpu.utilization', data.utilization[field], { 'cpu.mode': mode });
    }
  }
  r.observe('system.cpu.logical.count', data.logicalCpus);
  r.observe('system.process.created', data.counters.forks);
  r.observe('sysray.system.load_average', data.load.load1, { 'sysray.load.window': '1m' });
  r.observe('sysray.system.load_average', data.load.load5, { 'sysray.load.window': '5m' });
  r.observe('sysray.system.load_average', data.load.load15, { 'sysray.load.window': '15m' });
  r.observe('sysray.system.context_switches', data.counters.contextSwitches);
  r.observe('sysray.system.interrupts', data.counters.interrupts, { 'sysray.interrupt.type': 'hard' });
  r.observe('sysray.system.interrupts', data.counters.softInterrupts, { 'sysray.interrupt.type': 'soft' });
}

// ---------------------------------------------------------------- memory

function mapMemory(r: Recorder, data: MemoryData): void {
  r.observe('system.memory.usage', data.usedBytes, { 'system.memory.state': 'used' });
  r.observe('system.memory.usage', data.availableBytes, { 'system.memory.state': 'available' });
  r.observe('system.memory.limit', data.totalBytes);
  if (data.totalBytes > 0) {
    r.observe('system.memory.utilization', data.usedFraction, { 'system.memory.state': 'used' });
    r.observe('system.memory.utilization', data.availableBytes / data.totalBytes, {
      'system.memory.state': 'available',
    });
  }
  r.observe('system.memory.linux.available', data.availableBytes);
  r.observe('system.memory.linux.shared', data.sharedBytes);
  r.observe('system.memory.linux.slab.usage', data.slabReclaimableBytes, {
    'system.memory.linux.slab.state': 'reclaimable',
  });
  r.observe('system.memory.linux.slab.usage', data.slabUnreclaimableBytes, {
    'system.memory.linux.slab.state': 'unreclaimable',
  });
  const linux: readonly (readonly [string, number])[] = [
    ['free', data.freeBytes],
    ['buffers', data.buffersBytes],
    ['cached', data.cachedBytes],
    ['dirty', data.dirtyBytes],
    ['writeback', data.writebackBytes],
  ];
  for (const [state, bytes] of linux)
    r.observe('sysray.memory.linux.usage', bytes, { 'sysray.memory.linux.state': state });

  const huge = data.hugepages;
  r.observe('system.memory.linux.hugepages.limit', huge.total);
  r.observe('system.memory.linux.hugepages.usage', Math.max(0, huge.total - huge.free), {
    'system.memory.linux.hugepages.state': 'used',
  });
  r.observe('system.memory.linux.hugepages.usage', huge.free, {
    'system.memory.linux.hugepages.state': 'free',
  });
  r.observe('system.memory.linux.hugepages.reserved', huge.reserved);
  r.observe('system.memory.linux.hugepages.surplus', huge.surplus);
  r.observe('system.memory.linux.hugepages.page_size', huge.pageSizeBytes);

  const swap = data.swap;
  r.observe('system.paging.usage', swap.usedBytes, { 'system.paging.state': 'used' });
  r.observe('system.paging.usage', swap.freeBytes, { 'system.paging.state': 'free' });
  if (swap.totalBytes > 0) {
    r.observe('system.paging.utilization', swap.usedBytes / swap.totalBytes, {
      'system.paging.state': 'used',
    });
    r.observe('system.paging.utilization', swap.freeBytes / swap.totalBytes, {
      'system.paging.state': 'free',
    });
  }

  const paging = data.paging;
  // pgfault counts every fault, major ones included.
  r.observe('system.paging.faults', Math.max(0, paging.pgfault - paging.pgmajfault), {
    'system.paging.fault.type': 'minor',
  });
  r.observe('system.paging.faults', paging.pgmajfault, { 'system.paging.fault.type': 'major' });
  r.observe('system.paging.operations', paging.pswpin, {
    'system.paging.direction': 'in',
    'system.paging.fault.type': 'major',
  });
  r.observe('system.paging.operations', paging.pswpout, {
    'system.paging.direction': 'out',
    'system.paging.fault.type': 'major',
  });
  r.observe('system.paging.operations', paging.pgpgin, {
    'system.paging.direction': 'in',
    'system.paging.fault.type': 'minor',
  });
  r.observe('system.paging.operations', paging.pgpgout, {
    'system.paging.direction': 'out',
    'system.paging.fault.type': 'minor',
  });
  r.observe('sysray.memory.reclaim.scanned', paging.pgscan);
  r.observe('sysray.memory.reclaim.reclaimed', paging.pgsteal);
  r.observe('sysray.memory.oom_kills', paging.oomKill);
}

// ---------------------------------------------------------------- disks

function mapDisks(r: Recorder, data: DisksData): void {
  for (const device of data.devices) {
    const dev = { 'system.device': device.name };
    const read = { ...dev, 'disk.io.direction': 'read' };
    const write = { ...dev, 'disk.io.direction': 'write' };
    const c = device.counters;
    r.observe('system.disk.io', c.readBytes, read);
    r.observe('system.disk.io', c.writeBytes, write);
    r.observe('system.disk.operations', c.readsCompleted, read);
    r.observe('system.disk.operations', c.writesCompleted, write);
    r.observe('system.disk.io_time', c.ioTimeSeconds, dev);
    r.observe('system.disk.operation_time', c.readTimeSeconds, read);
    r.observe('system.disk.operation_time', c.writeTimeSeconds, write);
    r.observe('system.disk.merged', c.readsMerged, read);
    r.observe('system.disk.merged', c.writesMerged, write);
    r.observe('system.disk.limit', device.sizeBytes, dev);
    r.observe('sysray.disk.pending_operations', c.ioInProgress, dev);
    r.observe('sysray.disk.weighted_io_time', c.weightedIoTimeSeconds, dev);
    r.observe('sysray.disk.discard.operations', c.discardsCompleted, dev);
    r.observe('sysray.disk.discard.io', c.discardBytes, dev);
    r.observe('sysray.disk.flush.operations', c.flushesCompleted, dev);
  }
}

// ---------------------------------------------------------------- filesystems

function mapFilesystems(r: Recorder, data: FilesystemsData): void {
  for (const mount of data.mounts) {
    const fs = {
      'system.device': mount.device,
      'system.filesystem.mode': mount.readOnly ? 'ro' : 'rw',
      'system.filesystem.mountpoint': mount.mountPoint,
      'system.filesystem.type': mount.fsType,
    };
    r.observe('system.filesystem.usage', mount.usedBytes, { ...fs, 'system.filesystem.state': 'used' });
    r.observe('system.filesystem.usage', mount.availableBytes, { ...fs, 'system.filesystem.state': 'free' });
    // Blocks free but kept for root (ext4 reserves 5% by default): f_bfree - f_bavail.
    r.observe('system.filesystem.usage', Math.max(0, mount.freeBytes - mount.availableBytes), {
      ...fs,
      'system.filesystem.state': 'reserved',
    });
    r.observe('system.filesystem.utilization', mount.usedFraction, fs);
    r.observe('system.filesystem.limit', mount.totalBytes, fs);
    if (mount.inodesTotal > 0) {
      r.observe('sysray.filesystem.inodes.usage', mount.inodesUsed, {
        ...fs,
        'system.filesystem.state': 'used',
      });
      r.observe('sysray.filesystem.inodes.usage', mount.inodesFree, {
        ...fs,
        'system.filesystem.state': 'free',
      });
    }
  }
  for (const failed of data.failed) {
    r.observe('sysray.filesystem.failed', 1, {
      'system.filesystem.mountpoint': failed.mountPoint,
      'system.filesystem.type': failed.fsType,
    });
  }
}

// ---------------------------------------------------------------- network

/**
 * /proc/net/tcp state names to the `network.connection.state` registry spelling. NEW_SYN_RECV (Linux
 * 4.4+, request sockets) is a half-open connection like SYN_RECV and is counted with it.
 */
const TCP_STATES: Readonly<Record<TcpState, string>> = {
  established: 'established',
  syn_sent: 'syn_sent',
  syn_recv: 'syn_received',
  fin_wait1: 'fin_wait_1',
  fin_wait2: 'fin_wait_2',
  time_wait: 'time_wait',
  close: 'closed',
  close_wait: 'close_wait',
  last_ack: 'last_ack',
  listen: 'listen',
  closing: 'closing',
  new_syn_recv: 'syn_received',
};

function mapNetwork(r: Recorder, data: NetworkData): void {
  for (const nic of data.interfaces) {
    const rx = { 'network.interface.name': nic.name, 'network.io.direction': 'receive' };
    const tx = { 'network.interface.name': nic.name, 'network.io.direction': 'transmit' };
    const c = nic.counters;
    r.observe('system.network.io', c.rxBytes, rx);
    r.observe('system.network.io', c.txBytes, tx);
    r.observe('system.network.packet.count', c.rxPackets, rx);
    r.observe('system.network.packet.count', c.txPackets, tx);
    r.observe('system.network.errors', c.rxErrors, rx);
    r.observe('system.network.errors', c.txErrors, tx);
    r.observe('system.network.packet.dropped', c.rxDrops, rx);
    r.observe('system.network.packet.dropped', c.txDrops, tx);
  }

  for (const [family, states] of [
    ['ipv4', data.tcp.v4],
    ['ipv6', data.tcp.v6],
  ] as const) {
    const byState = new Map<string, number>();
    for (const [state, count] of Object.entries(states) as [TcpState, number][]) {
      const name = TCP_STATES[state];
      if (name !== undefined) byState.set(name, (byState.get(name) ?? 0) + count);
    }
    for (const [state, count] of byState) {
      r.observe('system.network.connection.count', count, {
        'network.transport': 'tcp',
        'network.type': family,
        'network.connection.state': state,
      });
    }
  }
  r.observe('system.network.connection.count', data.udp.v4Sockets, {
    'network.transport': 'udp',
    'network.type': 'ipv4',
  });
  r.observe('system.network.connection.count', data.udp.v6Sockets, {
    'network.transport': 'udp',
    'network.type': 'ipv6',
  });

  const p = data.protocol;
  r.observe('sysray.network.tcp.connection.opens', p.tcpActiveOpens, { 'sysray.tcp.open.type': 'active' });
  r.observe('sysray.network.tcp.connection.opens', p.tcpPassiveOpens, { 'sysray.tcp.open.type': 'passive' });
  r.observe('sysray.network.tcp.connection.failures', p.tcpAttemptFails);
  r.observe('sysray.network.tcp.connection.resets', p.tcpEstabResets);
  r.observe('sysray.network.tcp.segments', p.tcpInSegs, { 'network.io.direction': 'receive' });
  r.observe('sysray.network.tcp.segments', p.tcpOutSegs, { 'network.io.direction': 'transmit' });
  r.observe('sysray.network.tcp.retransmits', p.tcpRetransSegs);
  r.observe('sysray.network.tcp.receive_errors', p.tcpInErrs);
  r.observe('sysray.network.tcp.resets_sent', p.tcpOutRsts);
  r.observe('sysray.network.tcp.listen.overflows', p.tcpListenOverflows);
  r.observe('sysray.network.tcp.listen.drops', p.tcpListenDrops);
  r.observe('sysray.network.tcp.timeouts', p.tcpTimeouts);
  r.observe('sysray.network.udp.datagrams', p.udpInDatagrams, { 'network.io.direction': 'receive' });
  r.observe('sysray.network.udp.datagrams', p.udpOutDatagrams, { 'network.io.direction': 'transmit' });
  r.observe('sysray.network.udp.receive_errors', p.udpInErrors);
  r.observe('sysray.network.udp.no_port', p.udpNoPorts);
  r.observe('sysray.network.udp.buffer_errors', p.udpRcvbufErrors, { 'network.io.direction': 'receive' });
  r.observe('sysray.network.udp.buffer_errors', p.udpSndbufErrors, { 'network.io.direction': 'transmit' });
}

// ---------------------------------------------------------------- processes

/** container.id, container.runtime.name and k8s.pod.uid where the cgroup path names them. */
function attributionAttributes(attribution: CgroupAttribution | null): Record<string, string> {
  const attributes: Record<string, string> = {};
  if (attribution === null) return attributes;
  if (attribution.containerId) attributes['container.id'] = attribution.containerId;
  if (attribution.runtime) attributes['container.runtime.name'] = attribution.runtime;
  if (attribution.podUid) attributes['k8s.pod.uid'] = attribution.podUid;
  return attributes;
}

function processAttributes(process: ProcessInfo, includeCommandLine: boolean): ObservationAttributes {
  const attributes: Record<string, string | number> = {
    'process.pid': process.pid,
    'process.executable.name': process.name,
  };
  if (process.user !== null) attributes['process.owner'] = process.user;
  if (includeCommandLine && process.command !== '') attributes['process.command_line'] = process.command;
  return { ...attributes, ...attributionAttributes(process.container) };
}

function mapProcesses(
  r: Recorder,
  data: ProcessesData,
  snapshotTimeMs: number,
  options: SnapshotMetricsOptions,
): void {
  const counts = data.counts;
  const states: readonly (readonly [string, number])[] = [
    ['running', counts.running],
    ['sleeping', counts.sleeping],
    ['blocked', counts.blocked],
    ['stopped', counts.stopped],
    ['defunct', counts.zombie],
    ['idle', counts.idle],
  ];
  for (const [state, count] of states) r.observe('system.process.count', count, { 'process.state': state });
  r.observe('sysray.system.thread.count', counts.threads);

  for (const process of data.top) {
    const attributes = processAttributes(process, options.includeCommandLine === true);
    r.observe('process.cpu.time', process.userSeconds, { ...attributes, 'cpu.mode': 'user' });
    r.observe('process.cpu.time', process.systemSeconds, { ...attributes, 'cpu.mode': 'system' });
    r.observe(
      'process.cpu.utilization',
      process.cpuPercentNormalized === null ? null : process.cpuPercentNormalized / 100,
      attributes,
    );
    r.observe('process.memory.usage', process.rssBytes, attributes);
    r.observe('process.memory.virtual', process.virtualBytes, attributes);
    r.observe('process.disk.io', process.ioReadBytes, { ...attributes, 'disk.io.direction': 'read' });
    r.observe('process.disk.io', process.ioWriteBytes, { ...attributes, 'disk.io.direction': 'write' });
    r.observe('process.thread.count', process.threads, attributes);
    r.observe('process.unix.file_descriptor.count', process.openFds, attributes);
    r.observe('process.uptime', Math.max(0, snapshotTimeMs / 1000 - process.startTime), attributes);
    r.observe('sysray.process.memory.swap', process.swapBytes, attributes);
  }
}

// ---------------------------------------------------------------- pressure

const PRESSURE_WINDOWS = [
  ['avg10', '10s'],
  ['avg60', '60s'],
  ['avg300', '300s'],
] as const;

function mapPressureResource(
  r: Recorder,
  names: { readonly average: MetricName; readonly time: MetricName },
  resource: string,
  pressure: PressureResource | null,
  base: ObservationAttributes,
): void {
  if (pressure === null) return;
  for (const [kind, line] of [
    ['some', pressure.some],
    ['full', pressure.full],
  ] as const) {
    if (line === null) continue;
    const attributes = { ...base, 'sysray.pressure.resource': resource, 'sysray.pressure.kind': kind };
    for (const [field, window] of PRESSURE_WINDOWS) {
      r.observe(names.average, line[field], { ...attributes, 'sysray.pressure.window': window });
    }
    r.observe(names.time, line.totalSeconds, attributes);
  }
}

const HOST_PRESSURE = {
  average: 'sysray.pressure.stall.average',
  time: 'sysray.pressure.stall.time',
} as const;
const CGROUP_PRESSURE = {
  average: 'sysray.cgroup.pressure.stall.average',
  time: 'sysray.cgroup.pressure.stall.time',
} as const;

function mapPressure(r: Recorder, data: PressureData): void {
  mapPressureResource(r, HOST_PRESSURE, 'cpu', data.cpu, {});
  mapPressureResource(r, HOST_PRESSURE, 'memory', data.memory, {});
  mapPressureResource(r, HOST_PRESSURE, 'io', data.io, {});
  mapPressureResource(r, HOST_PRESSURE, 'irq', data.irq, {});
}

// ---------------------------------------------------------------- cgroups

function cgroupAttributes(group: CgroupInfo): ObservationAttributes {
  return {
    'sysray.cgroup.path': group.path,
    'sysray.cgroup.kind': group.kind,
    'sysray.cgroup.name': group.name,
    ...attributionAttributes(group.attribution),
  };
}

function mapCgroup(r: Recorder, group: CgroupInfo): void {
  const attributes = cgroupAttributes(group);
  const cpu = group.cpu;
  if (cpu !== null) {
    r.observe('container.cpu.time', cpu.userSeconds, { ...attributes, 'cpu.mode': 'user' });
    r.observe('container.cpu.time', cpu.systemSeconds, { ...attributes, 'cpu.mode': 'system' });
    r.observe('container.cpu.usage', cpu.usageCores, attributes);
    r.observe('sysray.cgroup.cpu.limit', cpu.limitCores, attributes);
    r.observe('sysray.cgroup.cpu.periods', cpu.periods, attributes);
    r.observe('sysray.cgroup.cpu.throttled_periods', cpu.throttledPeriods, attributes);
    r.observe('sysray.cgroup.cpu.throttled_time', cpu.throttledSeconds, attributes);
  }
  const memory = group.memory;
  if (memory !== null) {
    r.observe('container.memory.usage', memory.currentBytes, attributes);
    r.observe('sysray.cgroup.memory.limit', memory.maxBytes, attributes);
    r.observe('sysray.cgroup.memory.swap.usage', memory.swapCurrentBytes, attributes);
    const byType: readonly (readonly [string, number | null])[] = [
      ['anon', memory.anonBytes],
      ['file', memory.fileBytes],
      ['kernel', memory.kernelBytes],
      ['sock', memory.sockBytes],
      ['shmem', memory.shmemBytes],
    ];
    for (const [type, bytes] of byType) {
      r.observe('sysray.cgroup.memory.usage_by_type', bytes, {
        ...attributes,
        'sysray.cgroup.memory.type': type,
      });
    }
    const events: readonly (readonly [string, number])[] = [
      ['low', memory.events.low],
      ['high', memory.events.high],
      ['max', memory.events.max],
      ['oom', memory.events.oom],
      ['oom_kill', memory.events.oomKill],
    ];
    for (const [event, count] of events) {
      r.observe('sysray.cgroup.memory.events', count, { ...attributes, 'sysray.cgroup.memory.event': event });
    }
  }
  for (const device of group.io) {
    const read = { ...attributes, 'disk.io.direction': 'read', 'system.device': device.devNumber };
    const write = { ...attributes, 'disk.io.direction': 'write', 'system.device': device.devNumber };
    r.observe('container.disk.io', device.readBytes, read);
    r.observe('container.disk.io', device.writeBytes, write);
    r.observe('sysray.cgroup.disk.operations', device.readOps, read);
    r.observe('sysray.cgroup.disk.operations', device.writeOps, write);
  }
  if (group.pids !== null) {
    r.observe('sysray.cgroup.pids.usage', group.pids.current, attributes);
    r.observe('sysray.cgroup.pids.limit', group.pids.max, attributes);
  }
  mapPressureResource(r, CGROUP_PRESSURE, 'cpu', group.pressure.cpu, attributes);
  mapPressureResource(r, CGROUP_PRESSURE, 'memory', group.pressure.memory, attributes);
  mapPressureResource(r, CGROUP_PRESSURE, 'io', group.pressure.io, attributes);
}

function mapCgroups(r: Recorder, data: CgroupsData): void {
  for (const group of data.groups) mapCgroup(r, group);
}

// ---------------------------------------------------------------- gpu

const GPU_VENDOR_NAMES: Readonly<Record<GpuDevice['vendor'], string>> = {
  nvidia: 'NVIDIA',
  amd: 'AMD',
  intel: 'Intel',
};

function gpuAttributes(device: GpuDevice): ObservationAttributes {
  return {
    'hw.id': device.id,
    // Drivers without a product name (i915, xe, most amdgpu boards) are named after their DRM node.
    'hw.name': device.name ?? (device.vendor === 'nvidia' ? `GPU ${device.index}` : `card${device.index}`),
    'hw.vendor': GPU_VENDOR_NAMES[device.vendor],
  };
}

function mapGpu(r: Recorder, data: GpuData): void {
  for (const device of data.devices) {
    const attributes = gpuAttributes(device);
    r.observe('hw.gpu.utilization', device.utilization, { ...attributes, 'hw.gpu.task': 'general' });
    r.observe('hw.gpu.memory.usage', device.memoryUsedBytes, attributes);
    r.observe('hw.gpu.memory.limit', device.memoryTotalBytes, attributes);
    if (device.memoryUsedBytes !== null && device.memoryTotalBytes !== null && device.memoryTotalBytes > 0) {
      r.observe('hw.gpu.memory.utilization', device.memoryUsedBytes / device.memoryTotalBytes, attributes);
    }
    r.observe('hw.errors', device.eccErrorsCorrected, {
      ...attributes,
      'hw.type': 'gpu',
      'error.type': 'corrected',
    });
    r.observe('hw.errors', device.eccErrorsUncorrected, {
      ...attributes,
      'hw.type': 'gpu',
      'error.type': 'uncorrected',
    });
    r.observe('sysray.gpu.memory_controller.utilization', device.memoryBusy, attributes);
    r.observe('sysray.gpu.temperature', device.temperatureCelsius, attributes);
    r.observe('sysray.gpu.power', device.powerWatts, attributes);
    r.observe('sysray.gpu.power.limit', device.powerLimitWatts, attributes);
    r.observe('sysray.gpu.energy', device.energyJoules, attributes);
    const round = (value: number | null) => (value === null ? null : Math.round(value));
    r.observe('sysray.gpu.clock.frequency', round(device.coreClockHz), {
      ...attributes,
      'sysray.gpu.clock': 'core',
    });
    r.observe('sysray.gpu.clock.frequency', round(device.memoryClockHz), {
      ...attributes,
      'sysray.gpu.clock': 'memory',
    });
    r.observe('sysray.gpu.fan.speed_ratio', device.fanSpeedFraction, attributes);
    r.observe('sysray.gpu.fan.speed', round(device.fanSpeedRpm), attributes);
    for (const engine of device.engines) {
      r.observe('sysray.gpu.engine.utilization', engine.utilization, {
        ...attributes,
        'sysray.gpu.engine': engine.engine,
      });
    }
    if (device.migEnabled === true) r.observe('sysray.gpu.mig.devices', device.migDevices.length, attributes);
  }
  for (const process of data.processes) {
    const attributes = {
      'process.pid': process.pid,
      'process.executable.name': process.name,
      ...attributionAttributes(process.container),
      'hw.id': process.deviceId,
    };
    r.observe('sysray.gpu.process.utilization', process.utilization, attributes);
    r.observe('sysray.gpu.process.memory.usage', process.memoryBytes, attributes);
  }
}

// ---------------------------------------------------------------- sensors

/** RAPL zone names to `hw.type` (powercap zone naming in drivers/powercap/intel_rapl_common.c). */
function raplType(name: string): string {
  if (name === 'dram') return 'memory';
  if (name === 'uncore') return 'gpu';
  if (name === 'psys') return 'platform';
  return 'cpu';
}

function mapSensors(r: Recorder, data: SensorsData): void {
  for (const sensor of data.temperatures) {
    const attributes = {
      'hw.id': sensor.id,
      'hw.name': sensor.label ?? sensor.sensor,
      'hw.parent': sensor.chipId,
    };
    r.observe('hw.temperature', sensor.celsius, attributes);
    r.observe('hw.temperature.limit', sensor.criticalCelsius, {
      ...attributes,
      'hw.limit_type': 'high.critical',
    });
    r.observe('hw.temperature.limit', sensor.maxCelsius, { ...attributes, 'hw.limit_type': 'high.degraded' });
  }
  for (const fan of data.fans) {
    r.observe('hw.fan.speed', Math.round(fan.rpm), {
      'hw.id': fan.id,
      'hw.name': fan.label ?? fan.sensor,
      'hw.parent': fan.chipId,
    });
  }
  for (const zone of data.powerZones) {
    const attributes: Record<string, string> = {
      'hw.id': zone.id,
      'hw.name': zone.name,
      'hw.type': raplType(zone.name),
    };
    if (zone.parent !== null) attributes['hw.parent'] = zone.parent;
    r.observe('hw.energy', zone.energyJoules, attributes);
    r.observe('hw.power', zone.powerWatts, attributes);
  }
}

// ---------------------------------------------------------------- per-process and per-namespace network

function mapNetProcesses(r: Recorder, data: NetProcessesData): void {
  for (const process of data.top) {
    const attributes = {
      'process.pid': process.pid,
      'process.executable.name': process.name,
      ...attributionAttributes(process.container),
    };
    r.observe('sysray.process.network.io', process.receivedBytes, {
      ...attributes,
      'network.io.direction': 'receive',
    });
    r.observe('sysray.process.network.io', process.sentBytes, {
      ...attributes,
      'network.io.direction': 'transmit',
    });
    r.observe('sysray.process.network.sockets', process.tcpConnections, {
      ...attributes,
      'network.transport': 'tcp',
    });
    r.observe('sysray.process.network.sockets', process.udpSockets, {
      ...attributes,
      'network.transport': 'udp',
    });
  }
  if (data.unavailable.processes === undefined) {
    r.observe('sysray.network.sockets.unattributed', data.totals.unattributedSockets);
  }
  for (const namespace of data.namespaces) {
    // The host's namespace is system.network.io already.
    if (namespace.host) continue;
    const base = { 'sysray.netns.inode': namespace.inode, ...attributionAttributes(namespace.container) };
    for (const nic of namespace.interfaces) {
      const rx = { ...base, 'network.interface.name': nic.name, 'network.io.direction': 'receive' };
      const tx = { ...base, 'network.interface.name': nic.name, 'network.io.direction': 'transmit' };
      r.observe('container.network.io', nic.rxBytes, rx);
      r.observe('container.network.io', nic.txBytes, tx);
      r.observe('sysray.container.network.packet.dropped', nic.rxDrops, rx);
      r.observe('sysray.container.network.packet.dropped', nic.txDrops, tx);
    }
  }
}

// ---------------------------------------------------------------- snapshot

type SectionMapper<K extends SectionName> = (
  r: Recorder,
  data: SectionDataMap[K],
  snapshot: Snapshot,
  options: SnapshotMetricsOptions,
) => void;

const MAPPERS: { readonly [K in SectionName]: SectionMapper<K> } = {
  system: (r, data) => mapSystem(r, data),
  cpu: (r, data) => mapCpu(r, data),
  memory: (r, data) => mapMemory(r, data),
  disks: (r, data) => mapDisks(r, data),
  filesystems: (r, data) => mapFilesystems(r, data),
  network: (r, data) => mapNetwork(r, data),
  processes: (r, data, snapshot, options) => mapProcesses(r, data, snapshot.timestamp, options),
  cgroups: (r, data) => mapCgroups(r, data),
  pressure: (r, data) => mapPressure(r, data),
  gpu: (r, data) => mapGpu(r, data),
  sensors: (r, data) => mapSensors(r, data),
  netProcesses: (r, data) => mapNetProcesses(r, data),
};

function mapSection<K extends SectionName>(
  r: Recorder,
  name: K,
  snapshot: Snapshot,
  options: SnapshotMetricsOptions,
): void {
  const section = snapshot.sections[name];
  // Unsupported and failed sections emit nothing: an absent series, never a zero.
  if (section?.status !== 'ok') return;
  (MAPPERS[name] as SectionMapper<K>)(r, section.data as SectionDataMap[K], snapshot, options);
}

/**
 * The Snapshot as OpenTelemetry data points, one per series, every name from the metric catalog.
 * Sections that are not `ok` add nothing; each collector's duration and success are always reported.
 * One section whose data trips the mapping is reported in `errors` and does not drop the others.
 */
export function snapshotMetrics(snapshot: Snapshot, options: SnapshotMetricsOptions = {}): SnapshotMetrics {
  const recorder = new Recorder();
  const errors: Error[] = [];
  for (const name of SECTION_NAMES) {
    const section = snapshot.sections[name];
    if (section === undefined) continue;
    recorder.observe('sysray.collector.duration', section.durationMs / 1000, { 'sysray.collector': name });
    recorder.observe('sysray.collector.success', section.status === 'error' ? 0 : 1, {
      'sysray.collector': name,
    });
    const mark = recorder.mark();
    try {
      mapSection(recorder, name, snapshot, options);
    } catch (error) {
      recorder.rollback(mark);
      errors.push(
        new Error(
          `mapping the ${name} section to metrics failed: ${error instanceof Error ? error.message : String(error)}`,
          {
            cause: error,
          },
        ),
      );
    }
  }
  return { observations: recorder.observations, errors };
}
