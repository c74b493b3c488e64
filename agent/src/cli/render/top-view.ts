import type { ProcessInfo, ProcessSortKey, Snapshot } from '@sysray/proto';
import { sectionData } from '@sysray/proto';
import { fit, formatByteRate, formatBytes, formatFraction, formatPercent, formatUptime } from './format.js';

export interface TopViewOptions {
  readonly sortBy: ProcessSortKey;
  readonly limit: number;
  /** Terminal width in columns; the command column takes what is left. */
  readonly width: number;
}

const COMPARATORS: Record<ProcessSortKey, (a: ProcessInfo, b: ProcessInfo) => number> = {
  cpu: (a, b) => (b.cpuPercent ?? -1) - (a.cpuPercent ?? -1) || a.pid - b.pid,
  memory: (a, b) => b.rssBytes - a.rssBytes || a.pid - b.pid,
  io: (a, b) =>
    (b.ioReadBytesPerSec ?? 0) +
      (b.ioWriteBytesPerSec ?? 0) -
      ((a.ioReadBytesPerSec ?? 0) + (a.ioWriteBytesPerSec ?? 0)) || a.pid - b.pid,
  pid: (a, b) => a.pid - b.pid,
  name: (a, b) => a.name.localeCompare(b.name) || a.pid - b.pid,
};

export function sortProcesses(processes: readonly ProcessInfo[], sortBy: ProcessSortKey): ProcessInfo[] {
  return [...processes].sort(COMPARATORS[sortBy]);
}

function summaryLines(snapshot: Snapshot): string[] {
  const system = sectionData(snapshot.sections.system);
  const cpu = sectionData(snapshot.sections.cpu);
  const memory = sectionData(snapshot.sections.memory);
  const processes = sectionData(snapshot.sections.processes);
  const pressure = sectionData(snapshot.sections.pressure);
  const lines: string[] = [];
  const when = new Date(snapshot.timestamp).toISOString().replace(/\.\d+Z$/, 'Z');
  lines.push(`sysray top — ${snapshot.host.name} — ${when} — up ${formatUptime(system?.uptimeSeconds)}`);
  if (cpu) {
    const u = cpu.utilization;
    const modes = u
      ? `us ${formatFraction(u.user)} sy ${formatFraction(u.system)} io ${formatFraction(u.iowait)} st ${formatFraction(u.steal)}`
      : 'sampling…';
    lines.push(
      `load ${cpu.load.load1.toFixed(2)} ${cpu.load.load5.toFixed(2)} ${cpu.load.load15.toFixed(2)} · ` +
        `cpu ${formatFraction(u?.busy)} (${modes}) · ${cpu.logicalCpus} CPUs`,
    );
  } else {
    lines.push(`cpu: ${statusText(snapshot, 'cpu')}`);
  }
  if (memory) {
    lines.push(
      `mem ${formatBytes(memory.usedBytes)}/${formatBytes(memory.totalBytes)} (${formatFraction(memory.usedFraction, 0)}) · ` +
        `avail ${formatBytes(memory.availableBytes)} · swap ${formatBytes(memory.swap.usedBytes)}/${formatBytes(memory.swap.totalBytes)}`,
    );
  } else {
    lines.push(`memory: ${statusText(snapshot, 'memory')}`);
  }
  const parts: string[] = [];
  if (processes) {
    const c = processes.counts;
    parts.push(
      `tasks ${c.total} (R ${c.running}, S ${c.sleeping}, D ${c.blocked}, Z ${c.zombie}) · threads ${c.threads}`,
    );
  }
  if (pressure) {
    const psi = (['cpu', 'memory', 'io'] as const)
      .map((r) => `${r} ${formatPercent(pressure[r]?.some?.avg10)}`)
      .join(' ');
    parts.push(`psi some avg10: ${psi}`);
  } else {
    parts.push(`psi: ${statusText(snapshot, 'pressure')}`);
  }
  lines.push(parts.join(' · '));
  return lines;
}

function statusText(snapshot: Snapshot, name: keyof Snapshot['sections']): string {
  const section = snapshot.sections[name];
  if (section.status === 'unsupported') return `unsupported (${section.reason})`;
  if (section.status === 'error') return `error (${section.message})`;
  return 'ok';
}

const FIXED_COLUMNS: readonly (readonly [title: string, width: number, align: 'left' | 'right'])[] = [
  ['PID', 7, 'right'],
  ['USER', 9, 'left'],
  ['S', 1, 'left'],
  ['CPU%', 6, 'right'],
  ['MEM%', 5, 'right'],
  ['RSS', 9, 'right'],
  ['READ/s', 10, 'right'],
  ['WRITE/s', 10, 'right'],
  ['THR', 4, 'right'],
];

/** The whole `top` screen as lines of plain text; every untrusted string was scrubbed by the collector. */
export function renderTop(snapshot: Snapshot, options: TopViewOptions): string[] {
  const lines = summaryLines(snapshot);
  lines.push('');
  const processes = sectionData(snapshot.sections.processes);
  if (!processes) {
    lines.push(`processes: ${statusText(snapshot, 'processes')}`);
    return lines;
  }
  const totalMemory = sectionData(snapshot.sections.memory)?.totalBytes ?? null;
  const fixedWidth = FIXED_COLUMNS.reduce((sum, [, w]) => sum + w + 1, 0);
  const commandWidth = Math.max(10, options.width - fixedWidth);
  lines.push(
    [...FIXED_COLUMNS.map(([title, w, align]) => fit(title, w, align)), fit('COMMAND', commandWidth)].join(
      ' ',
    ),
  );
  for (const p of sortProcesses(processes.top, options.sortBy).slice(0, options.limit)) {
    const memoryFraction = totalMemory ? p.rssBytes / totalMemory : null;
    const cells = [
      String(p.pid),
      p.user ?? String(p.uid ?? '?'),
      p.state,
      formatPercent(p.cpuPercent).replace('%', ''),
      formatFraction(memoryFraction).replace('%', ''),
      formatBytes(p.rssBytes),
      formatByteRate(p.ioReadBytesPerSec).replace('/s', ''),
      formatByteRate(p.ioWriteBytesPerSec).replace('/s', ''),
      String(p.threads),
    ];
    const command = p.command === '' ? `[${p.name}]` : p.command;
    lines.push(
      [...FIXED_COLUMNS.map(([, w, align], i) => fit(cells[i] ?? '', w, align)), fit(command, commandWidth)]
        .join(' ')
        .trimEnd(),
    );
  }
  return lines;
}
