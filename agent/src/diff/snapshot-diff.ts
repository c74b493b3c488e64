import {
  sectionData,
  type CpuTimes,
  type DiskDevice,
  type FilesystemMount,
  type NetworkInterface,
  type PressureData,
  type PressureResource,
  type ProcessInfo,
  type Snapshot,
} from '@sysray/proto';

/**
 * What changed between two Snapshots of a host: key levels at A and at B, rates computed from the
 * cumulative counters between A and B (CPU, disks, network, paging), filesystems whose usage moved,
 * processes that appeared or went, and the largest CPU and memory movers. Pure: no I/O, no clock.
 *
 * Counter-derived figures need A before B on the same host and boot; otherwise they are null and a note
 * says why. A section absent on either side gives nulls, never zeros.
 */

/** A number at A and at B; `delta` is B − A when both are known. Units are the metric's. */
export interface ValueChange {
  readonly a: number | null;
  readonly b: number | null;
  readonly delta: number | null;
}

/** How a key metric is expressed: `fraction` 0..1, `percent` 0..100, `bytes`, `count`, `load` (threads). */
export type DiffUnit = 'fraction' | 'percent' | 'bytes' | 'count' | 'load';

export interface KeyMetricChange extends ValueChange {
  /** Stable identifier, e.g. `memory.used`, `pressure.memory.some.avg60`. */
  readonly key: string;
  readonly label: string;
  readonly unit: DiffUnit;
}

export interface DiffSide {
  /** Where the snapshot came from (a file, or a recording file and line). */
  readonly source: string;
  /** Unix epoch milliseconds. */
  readonly timestamp: number;
  readonly host: string;
}

/** Host-wide rates over A→B from cumulative counters; null where they cannot be computed. */
export interface IntervalRates {
  /** Share of all CPUs over the interval, fraction 0..1. */
  readonly cpu: {
    readonly busy: number;
    readonly user: number;
    readonly system: number;
    readonly iowait: number;
    readonly steal: number;
  } | null;
  readonly contextSwitchesPerSec: number | null;
  readonly forksPerSec: number | null;
  readonly majorFaultsPerSec: number | null;
  /** Pages per second. */
  readonly swapInPerSec: number | null;
  readonly swapOutPerSec: number | null;
  /** OOM kills between A and B (a count, not a rate). */
  readonly oomKills: number | null;
}

export type PresenceStatus = 'both' | 'added' | 'removed';

export interface DiskChange {
  readonly name: string;
  readonly displayName: string;
  readonly status: PresenceStatus;
  /** Over A→B from the counters; null when added/removed or the counters restarted. */
  readonly readBytesPerSec: number | null;
  readonly writeBytesPerSec: number | null;
  readonly readsPerSec: number | null;
  readonly writesPerSec: number | null;
  /** Share of the interval the device was busy, fraction 0..1. */
  readonly utilization: number | null;
}

export interface InterfaceChange {
  readonly name: string;
  readonly status: PresenceStatus;
  /** Over A→B from the counters. */
  readonly rxBytesPerSec: number | null;
  readonly txBytesPerSec: number | null;
  /** Errors and drops between A and B, both directions. */
  readonly errors: number | null;
  readonly drops: number | null;
}

export interface FilesystemChange {
  readonly mountPoint: string;
  readonly fsType: string;
  readonly device: string;
  readonly status: PresenceStatus;
  readonly usedBytes: ValueChange;
  readonly totalBytes: ValueChange;
  /** Fraction 0..1. */
  readonly usedFraction: ValueChange;
  readonly inodesUsedFraction: ValueChange;
}

export interface ProcessRef {
  readonly pid: number;
  readonly name: string;
  readonly command: string;
  readonly user: string | null;
  /** Unix epoch seconds. */
  readonly startTime: number;
  readonly rssBytes: number;
  /** Percent of one core at that snapshot; null when it was a first sight. */
  readonly cpuPercent: number | null;
}

export interface ProcessCpuChange {
  readonly pid: number;
  readonly name: string;
  readonly command: string;
  /** CPU seconds (user + system) used between A and B. */
  readonly cpuSeconds: number;
  /** The same as percent of one core over the interval (can exceed 100). */
  readonly cpuPercentOverInterval: number | null;
  /** Percent of one core as each snapshot measured it. */
  readonly cpuPercent: ValueChange;
}

export interface ProcessRssChange {
  readonly pid: number;
  readonly name: string;
  readonly command: string;
  readonly rssBytes: ValueChange;
}

export interface ProcessChanges {
  /**
   * Whether both process lists hold every process. The lists are the top N by a sort key, so when they
   * do not, a process missing from one side may only have left (or entered) the top list.
   */
  readonly listsComplete: boolean;
  /** In B, not in A (same pid and start time is the same process). */
  readonly appeared: readonly ProcessRef[];
  readonly appearedTotal: number;
  /** In A, not in B. */
  readonly exited: readonly ProcessRef[];
  readonly exitedTotal: number;
  /** In both, by CPU used between A and B, largest first. */
  readonly cpu: readonly ProcessCpuChange[];
  /** In both, by absolute RSS change, largest first (unchanged ones left out). */
  readonly rss: readonly ProcessRssChange[];
}

export interface SnapshotDiff {
  readonly a: DiffSide;
  readonly b: DiffSide;
  /** B − A, seconds (negative when B is older). */
  readonly intervalSeconds: number;
  /** Whether counter deltas were usable (same host, same boot, B after A). */
  readonly countersComparable: boolean;
  readonly notes: readonly string[];
  readonly metrics: readonly KeyMetricChange[];
  readonly rates: IntervalRates;
  readonly filesystems: readonly FilesystemChange[];
  /** Mounts in both with no change in used bytes, total or inodes (left out of `filesystems`). */
  readonly filesystemsUnchanged: number;
  readonly disks: readonly DiskChange[];
  readonly network: readonly InterfaceChange[];
  readonly processes: ProcessChanges;
}

export interface DiffOptions {
  /** Rows kept in each process list (appeared, exited, CPU, RSS). Default 10. */
  readonly top?: number;
  /** How each side is named in the report (file names). */
  readonly sourceA?: string;
  readonly sourceB?: string;
}

function change(a: number | null | undefined, b: number | null | undefined): ValueChange {
  const left = a ?? null;
  const right = b ?? null;
  return { a: left, b: right, delta: left !== null && right !== null ? right - left : null };
}

/** A counter's per-second rate, or null when unknown or restarted (went backwards). */
function perSecond(
  a: number | null | undefined,
  b: number | null | undefined,
  seconds: number | null,
): number | null {
  if (seconds === null || a === null || a === undefined || b === null || b === undefined) return null;
  const delta = b - a;
  return delta >= 0 ? delta / seconds : null;
}

function counterDelta(a: number | null | undefined, b: number | null | undefined): number | null {
  if (a === null || a === undefined || b === null || b === undefined) return null;
  return b >= a ? b - a : null;
}

const CPU_MODES: readonly (keyof CpuTimes)[] = [
  'user',
  'nice',
  'system',
  'idle',
  'iowait',
  'irq',
  'softirq',
  'steal',
];

function cpuOverInterval(a: CpuTimes, b: CpuTimes): IntervalRates['cpu'] {
  // guest and guestNice are already inside user and nice (see CpuTimes), so they are not added again.
  const delta = Object.fromEntries(CPU_MODES.map((mode) => [mode, b[mode] - a[mode]])) as Record<
    keyof CpuTimes,
    number
  >;
  const total = CPU_MODES.reduce((sum, mode) => sum + delta[mode], 0);
  if (!(total > 0) || CPU_MODES.some((mode) => delta[mode] < 0)) return null;
  const share = (value: number): number => value / total;
  return {
    busy: share(total - delta.idle - delta.iowait),
    user: share(delta.user + delta.nice),
    system: share(delta.system + delta.irq + delta.softirq),
    iowait: share(delta.iowait),
    steal: share(delta.steal),
  };
}

function pressureMetrics(a: PressureData | undefined, b: PressureData | undefined): KeyMetricChange[] {
  const out: KeyMetricChange[] = [];
  const resources = ['cpu', 'memory', 'io', 'irq'] as const;
  for (const resource of resources) {
    for (const kind of ['some', 'full'] as const) {
      // irq has only `full`; cpu `full` is meaningless at system level before 5.13 and zero after.
      if (resource === 'irq' && kind === 'some') continue;
      if (resource === 'cpu' && kind === 'full') continue;
      const left = (a?.[resource] as PressureResource | null | undefined)?.[kind]?.avg60;
      const right = (b?.[resource] as PressureResource | null | undefined)?.[kind]?.avg60;
      if (left === undefined && right === undefined) continue;
      out.push({
        key: `pressure.${resource}.${kind}.avg60`,
        label: `PSI ${resource} ${kind} (avg60)`,
        unit: 'percent',
        ...change(left, right),
      });
    }
  }
  return out;
}

function processKey(p: ProcessInfo): string {
  return String(p.pid);
}

/** Same pid and a start time within a second (the kernel reports it in clock ticks): the same process. */
function sameProcess(a: ProcessInfo, b: ProcessInfo): boolean {
  return a.pid === b.pid && Math.abs(a.startTime - b.startTime) < 1;
}

function processRef(p: ProcessInfo): ProcessRef {
  return {
    pid: p.pid,
    name: p.name,
    command: p.command,
    user: p.user,
    startTime: p.startTime,
    rssBytes: p.rssBytes,
    cpuPercent: p.cpuPercent,
  };
}

function byRssThenPid(x: ProcessRef, y: ProcessRef): number {
  return y.rssBytes - x.rssBytes || x.pid - y.pid;
}

function diffProcesses(a: Snapshot, b: Snapshot, seconds: number | null, top: number): ProcessChanges {
  const left = sectionData(a.sections.processes);
  const right = sectionData(b.sections.processes);
  const listA = left?.top ?? [];
  const listB = right?.top ?? [];
  const listsComplete =
    left !== undefined &&
    right !== undefined &&
    listA.length >= left.counts.total &&
    listB.length >= right.counts.total;
  const byPidA = new Map(listA.map((p) => [processKey(p), p]));
  const byPidB = new Map(listB.map((p) => [processKey(p), p]));
  const appeared: ProcessRef[] = [];
  const exited: ProcessRef[] = [];
  const cpu: ProcessCpuChange[] = [];
  const rss: ProcessRssChange[] = [];
  // With one side's section missing there is nothing to compare: nothing appeared or exited.
  if (left !== undefined && right !== undefined) {
    for (const p of listB) {
      const before = byPidA.get(processKey(p));
      if (!before || !sameProcess(before, p)) appeared.push(processRef(p));
    }
    for (const p of listA) {
      const after = byPidB.get(processKey(p));
      if (!after || !sameProcess(p, after)) {
        exited.push(processRef(p));
        continue;
      }
      const used = after.userSeconds + after.systemSeconds - (p.userSeconds + p.systemSeconds);
      if (used >= 0) {
        cpu.push({
          pid: p.pid,
          name: after.name,
          command: after.command,
          cpuSeconds: used,
          cpuPercentOverInterval: seconds === null ? null : (used / seconds) * 100,
          cpuPercent: change(p.cpuPercent, after.cpuPercent),
        });
      }
      if (after.rssBytes !== p.rssBytes) {
        rss.push({
          pid: p.pid,
          name: after.name,
          command: after.command,
          rssBytes: change(p.rssBytes, after.rssBytes),
        });
      }
    }
  }
  appeared.sort(byRssThenPid);
  exited.sort(byRssThenPid);
  cpu.sort((x, y) => y.cpuSeconds - x.cpuSeconds || x.pid - y.pid);
  rss.sort((x, y) => Math.abs(y.rssBytes.delta ?? 0) - Math.abs(x.rssBytes.delta ?? 0) || x.pid - y.pid);
  return {
    listsComplete,
    appeared: appeared.slice(0, top),
    appearedTotal: appeared.length,
    exited: exited.slice(0, top),
    exitedTotal: exited.length,
    cpu: cpu.filter((c) => c.cpuSeconds > 0).slice(0, top),
    rss: rss.slice(0, top),
  };
}

function presence<T>(a: T | undefined, b: T | undefined): PresenceStatus {
  return a && b ? 'both' : b ? 'added' : 'removed';
}

/** Keys of both maps: A's order first, then what only B has. */
function unionKeys<T>(a: ReadonlyMap<string, T>, b: ReadonlyMap<string, T>): string[] {
  return [...a.keys(), ...[...b.keys()].filter((key) => !a.has(key))];
}

function diffFilesystems(a: Snapshot, b: Snapshot): { changes: FilesystemChange[]; unchanged: number } {
  const left = new Map((sectionData(a.sections.filesystems)?.mounts ?? []).map((m) => [m.mountPoint, m]));
  const right = new Map((sectionData(b.sections.filesystems)?.mounts ?? []).map((m) => [m.mountPoint, m]));
  const changes: FilesystemChange[] = [];
  let unchanged = 0;
  for (const mountPoint of unionKeys(left, right)) {
    const x: FilesystemMount | undefined = left.get(mountPoint);
    const y: FilesystemMount | undefined = right.get(mountPoint);
    const status = presence(x, y);
    if (
      status === 'both' &&
      x!.usedBytes === y!.usedBytes &&
      x!.totalBytes === y!.totalBytes &&
      x!.inodesUsed === y!.inodesUsed
    ) {
      unchanged += 1;
      continue;
    }
    const any = (y ?? x)!;
    changes.push({
      mountPoint,
      fsType: any.fsType,
      device: any.device,
      status,
      usedBytes: change(x?.usedBytes, y?.usedBytes),
      totalBytes: change(x?.totalBytes, y?.totalBytes),
      usedFraction: change(x?.usedFraction, y?.usedFraction),
      inodesUsedFraction: change(x?.inodesUsedFraction, y?.inodesUsedFraction),
    });
  }
  const weight = (c: FilesystemChange): number =>
    c.status === 'both' ? Math.abs(c.usedBytes.delta ?? 0) : Number.POSITIVE_INFINITY;
  changes.sort((p, q) => weight(q) - weight(p) || p.mountPoint.localeCompare(q.mountPoint));
  return { changes, unchanged };
}

function diffDisks(a: Snapshot, b: Snapshot, seconds: number | null): DiskChange[] {
  const left = new Map((sectionData(a.sections.disks)?.devices ?? []).map((d) => [d.name, d]));
  const right = new Map((sectionData(b.sections.disks)?.devices ?? []).map((d) => [d.name, d]));
  return unionKeys(left, right).map((name) => {
    const x: DiskDevice | undefined = left.get(name);
    const y: DiskDevice | undefined = right.get(name);
    const ioTime = counterDelta(x?.counters.ioTimeSeconds, y?.counters.ioTimeSeconds);
    return {
      name,
      displayName: (y ?? x)!.displayName,
      status: presence(x, y),
      readBytesPerSec: perSecond(x?.counters.readBytes, y?.counters.readBytes, seconds),
      writeBytesPerSec: perSecond(x?.counters.writeBytes, y?.counters.writeBytes, seconds),
      readsPerSec: perSecond(x?.counters.readsCompleted, y?.counters.readsCompleted, seconds),
      writesPerSec: perSecond(x?.counters.writesCompleted, y?.counters.writesCompleted, seconds),
      utilization: ioTime === null || seconds === null ? null : Math.min(1, ioTime / seconds),
    };
  });
}

function diffNetwork(a: Snapshot, b: Snapshot, seconds: number | null): InterfaceChange[] {
  const left = new Map((sectionData(a.sections.network)?.interfaces ?? []).map((i) => [i.name, i]));
  const right = new Map((sectionData(b.sections.network)?.interfaces ?? []).map((i) => [i.name, i]));
  const sum = (
    i: NetworkInterface | undefined,
    keys: readonly ('rxErrors' | 'txErrors' | 'rxDrops' | 'txDrops')[],
  ) => (i === undefined ? undefined : keys.reduce((total, key) => total + i.counters[key], 0));
  return unionKeys(left, right).map((name) => {
    const x = left.get(name);
    const y = right.get(name);
    return {
      name,
      status: presence(x, y),
      rxBytesPerSec: perSecond(x?.counters.rxBytes, y?.counters.rxBytes, seconds),
      txBytesPerSec: perSecond(x?.counters.txBytes, y?.counters.txBytes, seconds),
      errors:
        seconds === null
          ? null
          : counterDelta(sum(x, ['rxErrors', 'txErrors']), sum(y, ['rxErrors', 'txErrors'])),
      drops:
        seconds === null
          ? null
          : counterDelta(sum(x, ['rxDrops', 'txDrops']), sum(y, ['rxDrops', 'txDrops'])),
    };
  });
}

function keyMetrics(a: Snapshot, b: Snapshot): KeyMetricChange[] {
  const cpuA = sectionData(a.sections.cpu);
  const cpuB = sectionData(b.sections.cpu);
  const memA = sectionData(a.sections.memory);
  const memB = sectionData(b.sections.memory);
  const procA = sectionData(a.sections.processes);
  const procB = sectionData(b.sections.processes);
  const metric = (
    key: string,
    label: string,
    unit: DiffUnit,
    left: number | null | undefined,
    right: number | null | undefined,
  ): KeyMetricChange => ({ key, label, unit, ...change(left, right) });
  return [
    metric('cpu.busy', 'CPU busy', 'fraction', cpuA?.utilization?.busy, cpuB?.utilization?.busy),
    metric('cpu.iowait', 'CPU iowait', 'fraction', cpuA?.utilization?.iowait, cpuB?.utilization?.iowait),
    metric('cpu.steal', 'CPU steal', 'fraction', cpuA?.utilization?.steal, cpuB?.utilization?.steal),
    metric('load.1m', 'Load average 1m', 'load', cpuA?.load.load1, cpuB?.load.load1),
    metric('load.5m', 'Load average 5m', 'load', cpuA?.load.load5, cpuB?.load.load5),
    metric('load.15m', 'Load average 15m', 'load', cpuA?.load.load15, cpuB?.load.load15),
    metric('memory.used', 'Memory used', 'bytes', memA?.usedBytes, memB?.usedBytes),
    metric('memory.available', 'Memory available', 'bytes', memA?.availableBytes, memB?.availableBytes),
    metric('memory.cached', 'Page cache', 'bytes', memA?.cachedBytes, memB?.cachedBytes),
    metric('memory.usedFraction', 'Memory used share', 'fraction', memA?.usedFraction, memB?.usedFraction),
    metric('swap.used', 'Swap used', 'bytes', memA?.swap.usedBytes, memB?.swap.usedBytes),
    ...pressureMetrics(sectionData(a.sections.pressure), sectionData(b.sections.pressure)),
    metric('processes.total', 'Processes', 'count', procA?.counts.total, procB?.counts.total),
    metric('processes.running', 'Processes running', 'count', procA?.counts.running, procB?.counts.running),
    metric(
      'processes.blocked',
      'Processes blocked (D)',
      'count',
      procA?.counts.blocked,
      procB?.counts.blocked,
    ),
    metric('processes.zombie', 'Zombies', 'count', procA?.counts.zombie, procB?.counts.zombie),
  ];
}

function hostOf(snapshot: Snapshot): string {
  return snapshot.host.name;
}

/** Compares two snapshots; see the module comment for what is compared and when rates are null. */
export function diffSnapshots(a: Snapshot, b: Snapshot, options: DiffOptions = {}): SnapshotDiff {
  const top = options.top ?? 10;
  const notes: string[] = [];
  const intervalSeconds = (b.timestamp - a.timestamp) / 1000;
  const sameHost =
    a.host.id !== null && b.host.id !== null ? a.host.id === b.host.id : a.host.name === b.host.name;
  const bootA = sectionData(a.sections.system)?.bootTime ?? null;
  const bootB = sectionData(b.sections.system)?.bootTime ?? null;
  // btime is read to the second and can wobble by one with NTP adjustments; a reboot moves it far more.
  const sameBoot = bootA === null || bootB === null || Math.abs(bootA - bootB) <= 2;
  if (!sameHost) notes.push(`different hosts (${hostOf(a)} and ${hostOf(b)}): only levels are compared`);
  if (sameHost && !sameBoot)
    notes.push('the host rebooted between A and B: counters restarted, rates are not computed');
  if (intervalSeconds < 0) notes.push('B is older than A: deltas read B − A, rates are not computed');
  if (intervalSeconds === 0) notes.push('A and B were taken at the same time: rates are not computed');
  const countersComparable = sameHost && sameBoot && intervalSeconds > 0;
  const seconds = countersComparable ? intervalSeconds : null;

  const cpuA = sectionData(a.sections.cpu);
  const cpuB = sectionData(b.sections.cpu);
  const memA = sectionData(a.sections.memory);
  const memB = sectionData(b.sections.memory);
  const rates: IntervalRates = {
    cpu: seconds !== null && cpuA && cpuB ? cpuOverInterval(cpuA.times, cpuB.times) : null,
    contextSwitchesPerSec: perSecond(cpuA?.counters.contextSwitches, cpuB?.counters.contextSwitches, seconds),
    forksPerSec: perSecond(cpuA?.counters.forks, cpuB?.counters.forks, seconds),
    majorFaultsPerSec: perSecond(memA?.paging.pgmajfault, memB?.paging.pgmajfault, seconds),
    swapInPerSec: perSecond(memA?.paging.pswpin, memB?.paging.pswpin, seconds),
    swapOutPerSec: perSecond(memA?.paging.pswpout, memB?.paging.pswpout, seconds),
    oomKills: seconds === null ? null : counterDelta(memA?.paging.oomKill, memB?.paging.oomKill),
  };
  for (const name of ['cpu', 'memory', 'disks', 'filesystems', 'network', 'processes', 'pressure'] as const) {
    const left = a.sections[name].status;
    const right = b.sections[name].status;
    if (left !== 'ok' || right !== 'ok') {
      const side = left !== 'ok' && right !== 'ok' ? 'A and B' : left !== 'ok' ? 'A' : 'B';
      notes.push(`${name}: not available in ${side}`);
    }
  }
  const filesystems = diffFilesystems(a, b);
  const processes = diffProcesses(a, b, seconds, top);
  if (
    !processes.listsComplete &&
    a.sections.processes.status === 'ok' &&
    b.sections.processes.status === 'ok'
  ) {
    notes.push(
      'process lists are top-N lists: a process missing from one may only have left or entered the list',
    );
  }
  return {
    a: { source: options.sourceA ?? 'A', timestamp: a.timestamp, host: hostOf(a) },
    b: { source: options.sourceB ?? 'B', timestamp: b.timestamp, host: hostOf(b) },
    intervalSeconds,
    countersComparable,
    notes,
    metrics: keyMetrics(a, b),
    rates,
    filesystems: filesystems.changes,
    filesystemsUnchanged: filesystems.unchanged,
    disks: diffDisks(a, b, seconds),
    network: diffNetwork(a, b, seconds),
    processes,
  };
}
