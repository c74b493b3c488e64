import { scrubText } from '@sysray/proto';
import { fit, formatByteRate, formatBytes, formatFraction, formatUptime } from '../cli/render/format.js';
import type { DiffUnit, KeyMetricChange, SnapshotDiff, ValueChange } from './snapshot-diff.js';

/** Text rendering of a SnapshotDiff for a terminal or a file; deterministic for a given width. */

export interface RenderDiffOptions {
  /** Columns available; command lines are cut to fit. Default 120. */
  readonly width?: number;
}

function signed(text: string, value: number): string {
  return value > 0 ? `+${text}` : value < 0 && !text.startsWith('-') ? `-${text}` : text;
}

function formatLevel(value: number | null, unit: DiffUnit): string {
  if (value === null) return '-';
  switch (unit) {
    case 'fraction':
      return formatFraction(value);
    case 'percent':
      return `${value.toFixed(2)}%`;
    case 'bytes':
      return formatBytes(value);
    case 'load':
      return value.toFixed(2);
    case 'count':
      return String(value);
  }
}

/** A change in the metric's unit; shares change in percentage points (`pp`). */
function formatDelta(value: number | null, unit: DiffUnit): string {
  if (value === null) return '-';
  if (value === 0) return '0';
  switch (unit) {
    case 'fraction':
      return signed(`${Math.abs(value * 100).toFixed(1)} pp`, value);
    case 'percent':
      return signed(`${Math.abs(value).toFixed(2)} pp`, value);
    case 'bytes':
      return signed(formatBytes(Math.abs(value)), value);
    case 'load':
      return signed(Math.abs(value).toFixed(2), value);
    case 'count':
      return signed(String(Math.abs(value)), value);
  }
}

function formatRate(value: number | null, digits = 1): string {
  return value === null ? '-' : `${value.toFixed(digits)}/s`;
}

/**
 * Aligned columns. With `freeWidth`, the last column is free text (a command line) cut to what is left
 * of that many columns, so one long command cannot wrap the table.
 */
function table(
  headers: readonly string[],
  rows: readonly (readonly string[])[],
  rightAligned: ReadonlySet<number>,
  freeWidth?: number,
): string[] {
  const fixed = freeWidth === undefined ? headers.length : headers.length - 1;
  const widths = headers
    .slice(0, fixed)
    .map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string => {
    const columns = cells
      .slice(0, fixed)
      .map((cell, i) => fit(cell, widths[i] ?? 0, rightAligned.has(i) ? 'right' : 'left'));
    let result = `  ${columns.join('  ')}`;
    if (freeWidth !== undefined) result += `  ${text(cells[fixed] ?? '', freeWidth - result.length - 2)}`;
    return result.trimEnd();
  };
  return [line(headers), ...rows.map(line)];
}

/** Process names and commands come from the host: scrubbed of control characters, then cut to fit. */
function text(value: string, max: number): string {
  return fit(scrubText(value, 512), Math.max(8, max));
}

function interval(seconds: number): string {
  return seconds < 0 ? `-${formatUptime(-seconds)}` : formatUptime(seconds);
}

function metricsTable(metrics: readonly KeyMetricChange[]): string[] {
  const rows = metrics
    .filter((m) => m.a !== null || m.b !== null)
    .map((m) => [m.label, formatLevel(m.a, m.unit), formatLevel(m.b, m.unit), formatDelta(m.delta, m.unit)]);
  return table(['metric', 'A', 'B', 'change'], rows, new Set([1, 2, 3]));
}

function bytesChange(c: ValueChange): string {
  return formatDelta(c.delta, 'bytes');
}

export function renderDiffText(diff: SnapshotDiff, options: RenderDiffOptions = {}): string {
  const width = options.width ?? 120;
  const out: string[] = [];
  const side = (label: string, s: SnapshotDiff['a']): string =>
    `  ${label}  ${new Date(s.timestamp).toISOString()}  ${scrubText(s.host, 128)}  (${scrubText(s.source, 256)})`;
  out.push(
    'sysray diff',
    side('A', diff.a),
    side('B', diff.b),
    `  interval ${interval(diff.intervalSeconds)}`,
  );
  if (diff.notes.length > 0) {
    out.push('', 'Notes');
    for (const note of diff.notes) out.push(`  - ${note}`);
  }

  out.push('', 'Key metrics', ...metricsTable(diff.metrics));

  const r = diff.rates;
  out.push('', 'Between A and B (from counters)');
  if (!diff.countersComparable) {
    out.push('  not computed (see notes)');
  } else {
    out.push(
      r.cpu
        ? `  CPU busy ${formatFraction(r.cpu.busy)}  user ${formatFraction(r.cpu.user)}  system ${formatFraction(r.cpu.system)}  iowait ${formatFraction(r.cpu.iowait)}  steal ${formatFraction(r.cpu.steal)}`
        : '  CPU: not available',
      `  context switches ${formatRate(r.contextSwitchesPerSec, 0)}  forks ${formatRate(r.forksPerSec)}  major faults ${formatRate(r.majorFaultsPerSec)}`,
      `  swap in ${formatRate(r.swapInPerSec)}  swap out ${formatRate(r.swapOutPerSec)} (pages)  OOM kills ${r.oomKills === null ? '-' : String(r.oomKills)}`,
    );
  }

  const unchanged = diff.filesystemsUnchanged > 0 ? `; ${diff.filesystemsUnchanged} unchanged` : '';
  out.push('', `Filesystems (usage changes${unchanged})`);
  if (diff.filesystems.length === 0) {
    out.push('  none');
  } else {
    out.push(
      ...table(
        ['mount', 'type', 'used A', 'used B', 'change', 'use% A', 'use% B', 'inodes% B'],
        diff.filesystems.map((f) => [
          `${text(f.mountPoint, 40).trimEnd()}${f.status === 'both' ? '' : ` (${f.status})`}`,
          f.fsType,
          formatBytes(f.usedBytes.a),
          formatBytes(f.usedBytes.b),
          bytesChange(f.usedBytes),
          formatFraction(f.usedFraction.a),
          formatFraction(f.usedFraction.b),
          formatFraction(f.inodesUsedFraction.b),
        ]),
        new Set([2, 3, 4, 5, 6, 7]),
      ),
    );
  }

  out.push('', 'Disks (A→B)');
  if (diff.disks.length === 0) {
    out.push('  none');
  } else {
    out.push(
      ...table(
        ['disk', 'read', 'write', 'reads', 'writes', 'busy'],
        diff.disks.map((d) => [
          `${d.displayName === d.name ? d.name : `${d.name} (${d.displayName})`}${d.status === 'both' ? '' : ` (${d.status})`}`,
          formatByteRate(d.readBytesPerSec),
          formatByteRate(d.writeBytesPerSec),
          formatRate(d.readsPerSec),
          formatRate(d.writesPerSec),
          formatFraction(d.utilization),
        ]),
        new Set([1, 2, 3, 4, 5]),
      ),
    );
  }

  out.push('', 'Network (A→B)');
  if (diff.network.length === 0) {
    out.push('  none');
  } else {
    out.push(
      ...table(
        ['interface', 'rx', 'tx', 'errors', 'drops'],
        diff.network.map((i) => [
          `${i.name}${i.status === 'both' ? '' : ` (${i.status})`}`,
          formatByteRate(i.rxBytesPerSec),
          formatByteRate(i.txBytesPerSec),
          i.errors === null ? '-' : String(i.errors),
          i.drops === null ? '-' : String(i.drops),
        ]),
        new Set([1, 2, 3, 4]),
      ),
    );
  }

  const p = diff.processes;
  const goneTitle = p.listsComplete
    ? 'Processes exited'
    : 'Processes gone from the list (exited, or left the top list)';
  const newTitle = p.listsComplete
    ? 'Processes started'
    : 'Processes new in the list (started, or entered the top list)';
  const refTable = (title: string, refs: typeof p.appeared, total: number): void => {
    const more = total > refs.length ? `, ${refs.length} shown` : '';
    out.push('', `${title} (${total}${more})`);
    if (refs.length === 0) {
      out.push('  none');
      return;
    }
    const rows = refs.map((ref) => [
      String(ref.pid),
      text(ref.name, 16).trimEnd(),
      text(ref.user ?? '-', 16).trimEnd(),
      formatBytes(ref.rssBytes),
      ref.command,
    ]);
    out.push(...table(['pid', 'name', 'user', 'rss', 'command'], rows, new Set([0, 3]), width));
  };
  refTable(newTitle, p.appeared, p.appearedTotal);
  refTable(goneTitle, p.exited, p.exitedTotal);

  out.push('', 'CPU used between A and B (processes in both)');
  if (p.cpu.length === 0) {
    out.push('  none');
  } else {
    const rows = p.cpu.map((c) => [
      String(c.pid),
      text(c.name, 16).trimEnd(),
      `${c.cpuSeconds.toFixed(2)} s`,
      c.cpuPercentOverInterval === null ? '-' : `${c.cpuPercentOverInterval.toFixed(1)}%`,
      c.cpuPercent.a === null ? '-' : `${c.cpuPercent.a.toFixed(1)}%`,
      c.cpuPercent.b === null ? '-' : `${c.cpuPercent.b.toFixed(1)}%`,
    ]);
    out.push(
      ...table(
        ['pid', 'name', 'cpu time', 'avg CPU', 'CPU at A', 'CPU at B'],
        rows,
        new Set([0, 2, 3, 4, 5]),
      ),
    );
  }

  out.push('', 'Largest RSS changes (processes in both)');
  if (p.rss.length === 0) {
    out.push('  none');
  } else {
    const rows = p.rss.map((c) => [
      String(c.pid),
      text(c.name, 16).trimEnd(),
      formatBytes(c.rssBytes.a),
      formatBytes(c.rssBytes.b),
      bytesChange(c.rssBytes),
    ]);
    out.push(...table(['pid', 'name', 'rss A', 'rss B', 'change'], rows, new Set([0, 2, 3, 4])));
  }
  return `${out.join('\n')}\n`;
}
