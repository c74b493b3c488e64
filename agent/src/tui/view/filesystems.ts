import { sectionData, type FilesystemMount } from '@sysray/proto';
import { formatBytes, formatFraction } from '../../cli/render/format.js';
import { bar } from '../graph.js';
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
import { selectedOf } from '../state.js';
import { fitLine, seg, type Line } from './line.js';

/** A mount, or one whose statfs failed (kept visible: a hung NFS mount is news, not noise). */
export type FilesystemRow =
  | { readonly kind: 'mount'; readonly mount: FilesystemMount }
  | { readonly kind: 'failed'; readonly mountPoint: string; readonly fsType: string; readonly error: string };

const SORTERS: Record<string, (a: FilesystemMount, b: FilesystemMount) => number> = {
  used: (a, b) => b.usedFraction - a.usedFraction || a.mountPoint.localeCompare(b.mountPoint),
  size: (a, b) => b.totalBytes - a.totalBytes || a.mountPoint.localeCompare(b.mountPoint),
  mount: (a, b) => a.mountPoint.localeCompare(b.mountPoint),
};

export function filesystemRows(ctx: ViewContext): FilesystemRow[] {
  const data = sectionData(ctx.frame.snapshot.sections.filesystems);
  if (!data) return [];
  const mounts = data.mounts
    .filter((m) => matchesFilter(ctx, m.mountPoint, m.device, m.fsType))
    .sort(SORTERS[sortKey(ctx) ?? 'used'] ?? SORTERS.mount);
  const failed = data.failed.filter((f) => matchesFilter(ctx, f.mountPoint, f.fsType));
  return [
    ...failed.map((f): FilesystemRow => ({ kind: 'failed', ...f })),
    ...mounts.map((mount): FilesystemRow => ({ kind: 'mount', mount })),
  ];
}

/** The Filesystems tab: use and inodes per mount, failed mounts first. */
export function filesystemsView(ctx: ViewContext): Line[] {
  const { theme } = ctx;
  const section = ctx.frame.snapshot.sections.filesystems;
  if (section.status !== 'ok') return sectionProblem(ctx, 'Filesystems', section);
  const m = (row: FilesystemRow): FilesystemMount | null => (row.kind === 'mount' ? row.mount : null);
  const columns: Column<FilesystemRow>[] = [
    {
      title: 'MOUNT',
      width: 'flex',
      render: (r) =>
        r.kind === 'mount' ? r.mount.mountPoint : seg(`${r.mountPoint}  ✗ ${r.error}`, theme.bad),
    },
    { title: 'TYPE', width: 8, render: (r) => (r.kind === 'mount' ? r.mount.fsType : r.fsType) },
    { title: 'DEVICE', width: 22, minTerminal: 110, render: (r) => m(r)?.device ?? '' },
    { title: 'SIZE', width: 9, align: 'right', render: (r) => formatBytes(m(r)?.totalBytes) },
    { title: 'USED', width: 9, align: 'right', minTerminal: 90, render: (r) => formatBytes(m(r)?.usedBytes) },
    { title: 'AVAIL', width: 9, align: 'right', render: (r) => formatBytes(m(r)?.availableBytes) },
    {
      title: 'USE%',
      width: 6,
      align: 'right',
      render: (r) =>
        seg(formatFraction(m(r)?.usedFraction, 0), levelColor(theme, m(r)?.usedFraction ?? null, 0.8, 0.9)),
    },
    {
      title: '',
      width: 12,
      render: (r) =>
        seg(
          bar(m(r)?.usedFraction ?? null, 12, '·'),
          levelColor(theme, m(r)?.usedFraction ?? null, 0.8, 0.9, theme.graph),
        ),
    },
    {
      title: 'INODE%',
      width: 6,
      align: 'right',
      minTerminal: 100,
      render: (r) => formatFraction(m(r)?.inodesUsedFraction, 0),
    },
    {
      title: 'HISTORY',
      width: 16,
      minTerminal: 130,
      render: (r, w) =>
        r.kind === 'mount' ? seg(sparkOf(ctx, `fs.${r.mount.mountPoint}.usedFraction`, w), theme.graph) : '',
    },
    { title: 'RO', width: 2, minTerminal: 140, render: (r) => (m(r)?.readOnly ? 'ro' : '') },
  ];
  const rows = filesystemRows(ctx);
  const panelHeight = ctx.height >= 14 ? 3 : 0;
  const lines = table(ctx, columns, rows, ctx.height - panelHeight);
  const selected = rows[Math.min(selectedOf(ctx.state), rows.length - 1)];
  if (panelHeight > 0 && selected?.kind === 'mount') {
    const mount = selected.mount;
    lines.push([]);
    lines.push(
      heading(
        ctx,
        mount.mountPoint,
        `${mount.device} · ${mount.fsType}${mount.readOnly ? ' · read-only' : ''} · inodes ${formatFraction(mount.inodesUsedFraction, 0)} used`,
      ),
    );
    const graphWidth = Math.max(4, ctx.width - 20);
    lines.push(
      fitLine(
        [
          seg('used  ', theme.dim),
          seg(`${formatBytes(mount.usedBytes)} ${formatFraction(mount.usedFraction, 0)}`.padStart(12)),
          seg('  '),
          seg(
            sparkOf(ctx, `fs.${mount.mountPoint}.usedFraction`, graphWidth, { min: 0, max: 1 }),
            theme.graph,
          ),
        ],
        ctx.width,
      ),
    );
  }
  return lines;
}
