import type { DiskDevice, NetworkInterface, ProcessInfo, Snapshot } from '@sysray/proto';
import { sectionData } from '@sysray/proto';
import { gpuDevices } from './gpu.js';
import { processKey } from './timeline.js';

/**
 * The series the TUI graphs, as `[key, value]` pairs for one Snapshot. Keys name their unit:
 * fractions 0..1 end in `Fraction`, byte rates in `BytesPerSec`, PSI in `Percent`; counts are plain.
 * Nulls (a first sample has no rates) are kept so the graph shows a gap.
 */
export type MetricSample = readonly [key: string, value: number | null];

/** Whole disks that carry data of their own: no stacked device (dm, md) and no loop file, to sum IO once. */
export function isLeafDisk(disk: DiskDevice): boolean {
  return disk.slaves.length === 0 && disk.kind !== 'loop' && disk.kind !== 'dm' && disk.kind !== 'md';
}

/** Interfaces whose traffic counts toward the host total: loopback never leaves the host. */
export function countsTowardTotal(iface: NetworkInterface): boolean {
  return iface.kind !== 'loopback';
}

function sum<T>(items: readonly T[], pick: (item: T) => number | null | undefined): number | null {
  let total = 0;
  let seen = false;
  for (const item of items) {
    const v = pick(item);
    if (v !== null && v !== undefined && Number.isFinite(v)) {
      total += v;
      seen = true;
    }
  }
  return seen ? total : null;
}

export function hostMetrics(snapshot: Snapshot): MetricSample[] {
  const out: MetricSample[] = [];
  const cpu = sectionData(snapshot.sections.cpu);
  if (cpu) {
    const u = cpu.utilization;
    out.push(['cpu.busyFraction', u?.busy ?? null]);
    out.push(['cpu.userFraction', u ? u.user + u.nice : null]);
    out.push(['cpu.systemFraction', u ? u.system + u.irq + u.softirq : null]);
    out.push(['cpu.iowaitFraction', u?.iowait ?? null]);
    out.push(['cpu.stealFraction', u?.steal ?? null]);
    out.push(['cpu.load1', cpu.load.load1]);
    out.push(['cpu.contextSwitchesPerSec', cpu.rates?.contextSwitchesPerSec ?? null]);
    out.push(['cpu.interruptsPerSec', cpu.rates?.interruptsPerSec ?? null]);
    out.push(['cpu.forksPerSec', cpu.rates?.forksPerSec ?? null]);
    out.push(['cpu.procsRunning', cpu.procsRunning]);
    out.push(['cpu.procsBlocked', cpu.procsBlocked]);
    for (const core of cpu.cores)
      out.push([`cpu.core.${core.cpu}.busyFraction`, core.utilization?.busy ?? null]);
  }
  const memory = sectionData(snapshot.sections.memory);
  if (memory) {
    out.push(['memory.usedFraction', memory.usedFraction]);
    out.push(['memory.usedBytes', memory.usedBytes]);
    out.push(['memory.cachedBytes', memory.cachedBytes]);
    out.push(['memory.availableBytes', memory.availableBytes]);
    out.push(['memory.swapUsedBytes', memory.swap.usedBytes]);
    out.push([
      'memory.swapUsedFraction',
      memory.swap.totalBytes > 0 ? memory.swap.usedBytes / memory.swap.totalBytes : null,
    ]);
    const rates = memory.pagingRates;
    for (const key of [
      'pgfault',
      'pgmajfault',
      'pswpin',
      'pswpout',
      'pgscan',
      'pgsteal',
      'oomKill',
    ] as const) {
      out.push([`memory.${key}PerSec`, rates?.[key] ?? null]);
    }
  }
  const disks = sectionData(snapshot.sections.disks);
  if (disks) {
    for (const d of disks.devices) {
      out.push([`disk.${d.name}.readBytesPerSec`, d.rates?.readBytesPerSec ?? null]);
      out.push([`disk.${d.name}.writeBytesPerSec`, d.rates?.writeBytesPerSec ?? null]);
      out.push([`disk.${d.name}.utilizationFraction`, d.rates?.utilization ?? null]);
    }
    const leaves = disks.devices.filter(isLeafDisk);
    out.push(['disk.total.readBytesPerSec', sum(leaves, (d) => d.rates?.readBytesPerSec)]);
    out.push(['disk.total.writeBytesPerSec', sum(leaves, (d) => d.rates?.writeBytesPerSec)]);
  }
  const filesystems = sectionData(snapshot.sections.filesystems);
  if (filesystems) {
    for (const m of filesystems.mounts) out.push([`fs.${m.mountPoint}.usedFraction`, m.usedFraction]);
  }
  const network = sectionData(snapshot.sections.network);
  if (network) {
    for (const i of network.interfaces) {
      out.push([`net.${i.name}.rxBytesPerSec`, i.rates?.rxBytesPerSec ?? null]);
      out.push([`net.${i.name}.txBytesPerSec`, i.rates?.txBytesPerSec ?? null]);
    }
    const counted = network.interfaces.filter(countsTowardTotal);
    out.push(['net.total.rxBytesPerSec', sum(counted, (i) => i.rates?.rxBytesPerSec)]);
    out.push(['net.total.txBytesPerSec', sum(counted, (i) => i.rates?.txBytesPerSec)]);
    out.push(['net.tcpRetransSegsPerSec', network.protocolRates?.tcpRetransSegs ?? null]);
    out.push(['net.tcpEstablished', network.tcp.v4.established + network.tcp.v6.established]);
  }
  const pressure = sectionData(snapshot.sections.pressure);
  if (pressure) {
    for (const r of ['cpu', 'memory', 'io', 'irq'] as const) {
      out.push([`psi.${r}.someAvg10Percent`, pressure[r]?.some?.avg10 ?? null]);
      out.push([`psi.${r}.fullAvg10Percent`, pressure[r]?.full?.avg10 ?? null]);
    }
  }
  const processes = sectionData(snapshot.sections.processes);
  if (processes) {
    out.push(['proc.total', processes.counts.total]);
    out.push(['proc.blocked', processes.counts.blocked]);
  }
  const cgroups = sectionData(snapshot.sections.cgroups);
  if (cgroups) {
    for (const g of cgroups.groups) {
      out.push([`cgroup.${g.path}.usageCores`, g.cpu?.usageCores ?? null]);
      out.push([`cgroup.${g.path}.memoryBytes`, g.memory?.currentBytes ?? null]);
    }
  }
  for (const gpu of gpuDevices(snapshot)) {
    for (const [field, value] of gpu.numbers) out.push([`gpu.${gpu.key}.${field}`, value]);
  }
  return out;
}

/** Per-process series, keyed by {@link processKey} so a reused pid starts a new history. */
export function processMetrics(p: ProcessInfo): MetricSample[] {
  const key = processKey(p);
  const io =
    p.ioReadBytesPerSec === null && p.ioWriteBytesPerSec === null
      ? null
      : (p.ioReadBytesPerSec ?? 0) + (p.ioWriteBytesPerSec ?? 0);
  return [
    [`${key}.cpuPercent`, p.cpuPercent],
    [`${key}.rssBytes`, p.rssBytes],
    [`${key}.ioBytesPerSec`, io],
  ];
}
