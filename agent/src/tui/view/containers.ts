import { sectionData, type CgroupInfo } from '@sysray/proto';
import { formatBytes, formatFraction, formatPercent } from '../../cli/render/format.js';
import { selectedOf } from '../state.js';
import { levelColor } from '../themes.js';
import {
  heading,
  matchesFilter,
  sectionProblem,
  sortKey,
  sparkOf,
  table,
  type Column,
  type ViewContext,
} from './context.js';
import { fitLine, seg, type Line } from './line.js';

export interface CgroupRow {
  readonly group: CgroupInfo;
  /** Nesting below the root in the hierarchy (0 for `/`). */
  readonly depth: number;
}

function depthOf(path: string): number {
  return path === '/' ? 0 : path.split('/').length - 1;
}

const SORTERS: Record<string, (a: CgroupInfo, b: CgroupInfo) => number> = {
  // Path order is the hierarchy: a pod sorts right before its containers, a slice before its services.
  tree: (a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0),
  cpu: (a, b) => (b.cpu?.usageCores ?? -1) - (a.cpu?.usageCores ?? -1) || a.path.localeCompare(b.path),
  memory: (a, b) =>
    (b.memory?.currentBytes ?? -1) - (a.memory?.currentBytes ?? -1) || a.path.localeCompare(b.path),
  name: (a, b) => a.name.localeCompare(b.name) || a.path.localeCompare(b.path),
};

export function cgroupRows(ctx: ViewContext): CgroupRow[] {
  const data = sectionData(ctx.frame.snapshot.sections.cgroups);
  if (!data) return [];
  const key = sortKey(ctx) ?? 'tree';
  return data.groups
    .filter((g) =>
      matchesFilter(
        ctx,
        g.name,
        g.path,
        g.kind,
        g.attribution.runtime,
        g.attribution.containerId,
        g.attribution.podUid,
      ),
    )
    .sort(SORTERS[key] ?? SORTERS.tree)
    .map((group) => ({ group, depth: key === 'tree' ? depthOf(group.path) : 0 }));
}

function label(g: CgroupInfo): string {
  if (g.kind === 'pod') return `pod ${g.name}`;
  if (g.kind === 'container') return `${g.attribution.runtime ?? 'container'} ${g.name}`;
  return g.name;
}

function psi(g: CgroupInfo): string {
  const mem = g.pressure.memory?.some?.avg10;
  const io = g.pressure.io?.some?.avg10;
  return mem === undefined && io === undefined ? '-' : `${formatPercent(mem, 1)}/${formatPercent(io, 1)}`;
}

/** The Containers tab: cgroups (containers, pods, services, slices) with CPU, memory, pids and PSI. */
export function containersView(ctx: ViewContext): Line[] {
  const { theme } = ctx;
  const section = ctx.frame.snapshot.sections.cgroups;
  const data = sectionData(section);
  if (!data) return sectionProblem(ctx, 'Containers and cgroups', section);
  const rows = cgroupRows(ctx);
  const containers = data.groups.filter((g) => g.kind === 'container').length;
  const pods = data.groups.filter((g) => g.kind === 'pod').length;
  const lines: Line[] = [
    fitLine(
      [
        seg(`cgroup ${data.mode === 'v2' ? 'v2' : 'v2 (hybrid with v1)'} at ${data.mountPoint}`, undefined, {
          bold: true,
        }),
        seg(` · ${data.groups.length} groups · ${containers} containers · ${pods} pods`, theme.dim),
      ],
      ctx.width,
    ),
  ];
  const columns: Column<CgroupRow>[] = [
    { title: 'NAME', width: 'flex', render: (r) => `${'  '.repeat(Math.min(r.depth, 8))}${label(r.group)}` },
    { title: 'KIND', width: 9, render: (r) => r.group.kind },
    {
      title: 'CPU',
      width: 6,
      align: 'right',
      render: (r) => {
        const used = r.group.cpu?.usageCores ?? null;
        const limit = r.group.cpu?.limitCores ?? null;
        return seg(
          used === null ? '-' : used.toFixed(2),
          levelColor(theme, limit && used !== null ? used / limit : null, 0.8, 0.95, theme.text),
        );
      },
    },
    {
      title: 'LIMIT',
      width: 5,
      align: 'right',
      render: (r) => (r.group.cpu?.limitCores ?? null)?.toFixed(1) ?? '-',
    },
    {
      title: 'THR%',
      width: 5,
      align: 'right',
      minTerminal: 100,
      render: (r) => {
        const t = r.group.cpu?.throttledFraction ?? null;
        return seg(formatFraction(t, 0), t !== null && t > 0.05 ? theme.warn : theme.text);
      },
    },
    {
      title: 'MEM',
      width: 9,
      align: 'right',
      render: (r) => {
        const m = r.group.memory;
        return seg(
          formatBytes(m?.currentBytes),
          levelColor(theme, m?.maxBytes ? m.currentBytes / m.maxBytes : null, 0.8, 0.95, theme.text),
        );
      },
    },
    {
      title: 'MAX',
      width: 9,
      align: 'right',
      minTerminal: 90,
      render: (r) => formatBytes(r.group.memory?.maxBytes),
    },
    {
      title: 'OOM',
      width: 4,
      align: 'right',
      minTerminal: 110,
      render: (r) => {
        const n = r.group.memory?.events.oomKill ?? null;
        return seg(n === null ? '-' : String(n), n ? theme.bad : theme.text);
      },
    },
    {
      title: 'PIDS',
      width: 5,
      align: 'right',
      minTerminal: 110,
      render: (r) => String(r.group.pids?.current ?? '-'),
    },
    { title: 'PSI mem/io', width: 11, align: 'right', minTerminal: 140, render: (r) => psi(r.group) },
    {
      title: 'CPU HISTORY',
      width: 14,
      minTerminal: 120,
      render: (r, w) =>
        seg(sparkOf(ctx, `cgroup.${r.group.path}.usageCores`, w, { min: 0, minMax: 1 }), theme.graph),
    },
  ];
  const panelHeight = ctx.height >= 18 ? 4 : 0;
  lines.push(...table(ctx, columns, rows, ctx.height - 1 - panelHeight));
  const selected = rows[Math.min(selectedOf(ctx.state), rows.length - 1)]?.group;
  if (panelHeight > 0 && selected) {
    const a = selected.attribution;
    lines.push([]);
    lines.push(
      heading(
        ctx,
        label(selected),
        [
          a.containerId ? `container ${a.containerId}` : '',
          a.podUid ? `pod ${a.podUid}` : '',
          a.qosClass ? `qos ${a.qosClass}` : '',
          a.systemdUnit ? `unit ${a.systemdUnit}` : '',
        ]
          .filter((s) => s !== '')
          .join(' · '),
      ),
    );
    lines.push(fitLine([seg(selected.path, theme.dim)], ctx.width));
    const graphWidth = Math.max(4, Math.floor(ctx.width / 2) - 12);
    lines.push(
      fitLine(
        [
          seg('cpu cores ', theme.dim),
          seg(
            sparkOf(ctx, `cgroup.${selected.path}.usageCores`, graphWidth, { min: 0, minMax: 1 }),
            theme.graph,
          ),
          seg('  memory ', theme.dim),
          seg(sparkOf(ctx, `cgroup.${selected.path}.memoryBytes`, graphWidth, { min: 0 }), theme.graphAlt),
        ],
        ctx.width,
      ),
    );
  }
  return lines.slice(0, ctx.height);
}
