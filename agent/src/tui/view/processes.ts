import { sectionData, type ProcessInfo, type ProcessSortKey } from '@sysray/proto';
import { formatByteRate, formatBytes, formatFraction, formatPercent } from '../../cli/render/format.js';
import { renderProcessDetail } from '../../cli/render/process-detail.js';
import { sortProcesses } from '../../cli/render/top-view.js';
import { areaGraph } from '../graph.js';
import { levelColor } from '../themes.js';
import { processKey } from '../timeline.js';
import {
  heading,
  matchesFilter,
  processSpark,
  sectionProblem,
  sortKey,
  table,
  type Column,
  type ViewContext,
} from './context.js';
import { cell, fitLine, seg, type Line } from './line.js';

export interface ProcessRow {
  readonly process: ProcessInfo;
  /** Tree drawing before the command (`├─ `), empty in the table. */
  readonly prefix: string;
}

function commandOf(p: ProcessInfo): string {
  return p.command === '' ? `[${p.name}]` : p.command;
}

function matches(ctx: ViewContext, p: ProcessInfo): boolean {
  return matchesFilter(
    ctx,
    p.pid,
    p.name,
    p.command,
    p.user,
    p.container?.containerId,
    p.container?.systemdUnit,
  );
}

/**
 * The processes of the Snapshot (the collector's top N plus those it keeps by rule) as a parent/child
 * tree: a process whose parent is not among them is a root. With a filter, matching processes keep
 * their ancestors so the tree still reads.
 */
export function processTree(
  processes: readonly ProcessInfo[],
  sortBy: ProcessSortKey,
  keep: (p: ProcessInfo) => boolean,
): ProcessRow[] {
  const byPid = new Map(processes.map((p) => [p.pid, p]));
  const children = new Map<number, ProcessInfo[]>();
  const roots: ProcessInfo[] = [];
  for (const p of processes) {
    if (p.ppid !== p.pid && byPid.has(p.ppid)) {
      const list = children.get(p.ppid) ?? [];
      list.push(p);
      children.set(p.ppid, list);
    } else {
      roots.push(p);
    }
  }
  const wanted = new Set<number>();
  for (const p of processes) {
    if (!keep(p)) continue;
    // Walk up to the root; the seen set guards against a ppid cycle in a hostile replay file.
    for (let q: ProcessInfo | undefined = p; q && !wanted.has(q.pid); q = byPid.get(q.ppid))
      wanted.add(q.pid);
  }
  const rows: ProcessRow[] = [];
  const visit = (p: ProcessInfo, indent: string, branch: string, depth: number): void => {
    if (!wanted.has(p.pid) || depth > 64) return;
    rows.push({ process: p, prefix: indent + branch });
    const kids = sortProcesses(children.get(p.pid) ?? [], sortBy).filter((c) => wanted.has(c.pid));
    const nextIndent = indent + (branch === '' ? '' : branch === '└─ ' ? '   ' : '│  ');
    kids.forEach((c, i) => visit(c, nextIndent, i === kids.length - 1 ? '└─ ' : '├─ ', depth + 1));
  };
  for (const root of sortProcesses(roots, sortBy)) visit(root, '', '', 0);
  return rows;
}

export function processRows(ctx: ViewContext): ProcessRow[] {
  const data = sectionData(ctx.frame.snapshot.sections.processes);
  if (!data) return [];
  const sortBy = (sortKey(ctx) ?? 'cpu') as ProcessSortKey;
  if (ctx.state.tree) return processTree(data.top, sortBy, (p) => matches(ctx, p));
  return sortProcesses(
    data.top.filter((p) => matches(ctx, p)),
    sortBy,
  ).map((process) => ({ process, prefix: '' }));
}

/** The Processes tab: a sortable table or tree; Enter opens {@link processDetailView}. */
export function processesView(ctx: ViewContext): Line[] {
  const { theme, state } = ctx;
  const section = ctx.frame.snapshot.sections.processes;
  const data = sectionData(section);
  if (!data) return sectionProblem(ctx, 'Processes', section);
  if (state.detail) return processDetailView(ctx);
  const totalMemory = sectionData(ctx.frame.snapshot.sections.memory)?.totalBytes ?? null;
  const c = data.counts;
  const lines: Line[] = [
    fitLine(
      [
        seg(`${c.total} tasks`, undefined, { bold: true }),
        seg(
          ` · R ${c.running} · S ${c.sleeping} · D ${c.blocked} · Z ${c.zombie} · T ${c.stopped} · I ${c.idle} · ${c.threads} threads · showing ${data.top.length} kept in detail`,
          theme.dim,
        ),
        seg(state.tree ? ' · tree (T)' : '', theme.accent),
      ],
      ctx.width,
    ),
  ];
  const columns: Column<ProcessRow>[] = [
    { title: 'PID', width: 7, align: 'right', render: (r) => String(r.process.pid) },
    { title: 'USER', width: 9, render: (r) => r.process.user ?? String(r.process.uid ?? '?') },
    {
      title: 'S',
      width: 1,
      render: (r) =>
        seg(r.process.state, r.process.state === 'D' || r.process.state === 'Z' ? theme.warn : theme.text),
    },
    {
      title: 'CPU%',
      width: 6,
      align: 'right',
      render: (r) =>
        seg(
          formatPercent(r.process.cpuPercent).replace('%', ''),
          levelColor(theme, r.process.cpuPercent === null ? null : r.process.cpuPercent / 100),
        ),
    },
    {
      title: 'MEM%',
      width: 5,
      align: 'right',
      render: (r) => (totalMemory ? formatFraction(r.process.rssBytes / totalMemory).replace('%', '') : '-'),
    },
    { title: 'RSS', width: 9, align: 'right', render: (r) => formatBytes(r.process.rssBytes) },
    {
      title: 'READ/s',
      width: 9,
      align: 'right',
      minTerminal: 100,
      render: (r) => formatByteRate(r.process.ioReadBytesPerSec).replace('/s', ''),
    },
    {
      title: 'WRITE/s',
      width: 9,
      align: 'right',
      minTerminal: 100,
      render: (r) => formatByteRate(r.process.ioWriteBytesPerSec).replace('/s', ''),
    },
    { title: 'THR', width: 4, align: 'right', minTerminal: 90, render: (r) => String(r.process.threads) },
    {
      title: 'CPU HISTORY',
      width: 12,
      minTerminal: 100,
      render: (r, w) =>
        seg(
          processSpark(ctx, `${processKey(r.process)}.cpuPercent`, w, { min: 0, minMax: 100 }),
          theme.graph,
        ),
    },
    { title: 'COMMAND', width: 'flex', render: (r) => `${r.prefix}${commandOf(r.process)}` },
  ];
  lines.push(...table(ctx, columns, processRows(ctx), ctx.height - 1));
  return lines.slice(0, ctx.height);
}

/** One process in full: every field, its history graphs and its children. */
export function processDetailView(ctx: ViewContext): Line[] {
  const { theme, state } = ctx;
  const detail = state.detail;
  if (!detail) return [];
  const data = sectionData(ctx.frame.snapshot.sections.processes);
  const p = data?.top.find((q) => q.pid === detail.pid && q.startTime === detail.startTime);
  const key = processKey(detail);
  const lines: Line[] = [];
  if (!p) {
    lines.push(heading(ctx, `pid ${detail.pid}`, 'Esc back'));
    lines.push([
      seg('not in this sample: it exited, or left the processes kept in detail. Its history:', theme.warn),
    ]);
  } else {
    lines.push(heading(ctx, `pid ${p.pid} ${p.name}`, 'Esc back'));
    for (const text of renderProcessDetail(p, ctx.frame.snapshot.timestamp))
      lines.push(fitLine([seg(text)], ctx.width));
  }
  const graphWidth = Math.max(4, ctx.width - 12);
  const graphHeight = Math.max(2, Math.min(8, ctx.height - lines.length - 8));
  lines.push([]);
  const cpu = areaGraph(
    ctx.model.processes.window(`${key}.cpuPercent`, ctx.frame.seq, graphWidth),
    graphWidth,
    graphHeight,
    {
      min: 0,
      minMax: 100,
    },
  );
  cpu.forEach((row, i) =>
    lines.push([seg(cell(i === 0 ? 'CPU %' : '', 11) + ' ', theme.dim), seg(row, theme.graph)]),
  );
  for (const [label, series, color] of [
    ['RSS', `${key}.rssBytes`, theme.graphAlt],
    ['IO/s', `${key}.ioBytesPerSec`, theme.graph],
  ] as const) {
    lines.push([
      seg(cell(label, 11) + ' ', theme.dim),
      seg(processSpark(ctx, series, graphWidth, { min: 0 }), color),
    ]);
  }
  const children = data?.top.filter((q) => q.ppid === detail.pid && q.pid !== detail.pid) ?? [];
  if (children.length > 0) {
    lines.push(heading(ctx, 'Children', `${children.length} kept in detail`));
    for (const child of sortProcesses(children, 'cpu')) {
      lines.push(
        fitLine(
          [
            seg(cell(String(child.pid), 7, 'right')),
            seg(cell(formatPercent(child.cpuPercent), 8, 'right')),
            seg(cell(formatBytes(child.rssBytes), 10, 'right')),
            seg('  '),
            seg(commandOf(child)),
          ],
          ctx.width,
        ),
      );
    }
  }
  return lines.slice(0, ctx.height);
}
