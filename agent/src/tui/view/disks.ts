import { sectionData, type DiskDevice } from '@sysray/proto';
import { formatByteRate, formatBytes, formatFraction } from '../../cli/render/format.js';
import { levelColor } from '../themes.js';
import { selectedOf } from '../state.js';
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
import { fitLine, formatCount, seg, type Line } from './line.js';

const SORTERS: Record<string, (a: DiskDevice, b: DiskDevice) => number> = {
  utilization: (a, b) =>
    (b.rates?.utilization ?? -1) - (a.rates?.utilization ?? -1) || a.name.localeCompare(b.name),
  read: (a, b) =>
    (b.rates?.readBytesPerSec ?? -1) - (a.rates?.readBytesPerSec ?? -1) || a.name.localeCompare(b.name),
  write: (a, b) =>
    (b.rates?.writeBytesPerSec ?? -1) - (a.rates?.writeBytesPerSec ?? -1) || a.name.localeCompare(b.name),
  name: (a, b) => a.name.localeCompare(b.name),
};

/** The disks listed, filtered and sorted as the tab shows them. */
export function diskRows(ctx: ViewContext): DiskDevice[] {
  const disks = sectionData(ctx.frame.snapshot.sections.disks);
  if (!disks) return [];
  const rows = disks.devices.filter((d) => matchesFilter(ctx, d.name, d.displayName, d.kind, d.model));
  return rows.sort(SORTERS[sortKey(ctx) ?? 'utilization'] ?? SORTERS.name);
}

function name(d: DiskDevice): string {
  return d.displayName === d.name ? d.name : `${d.displayName} (${d.name})`;
}

const ms = (v: number | null | undefined): string => (v === null || v === undefined ? '-' : v.toFixed(1));

/** The Disks tab: one row per block device with rates, then the selected device's history. */
export function disksView(ctx: ViewContext): Line[] {
  const { theme } = ctx;
  const section = ctx.frame.snapshot.sections.disks;
  if (section.status !== 'ok') return sectionProblem(ctx, 'Disks', section);
  const rows = diskRows(ctx);
  const columns: Column<DiskDevice>[] = [
    { title: 'DEVICE', width: 16, render: name },
    { title: 'KIND', width: 6, render: (d) => d.kind },
    { title: 'SIZE', width: 8, align: 'right', render: (d) => formatBytes(d.sizeBytes) },
    {
      title: 'R/s',
      width: 7,
      align: 'right',
      minTerminal: 100,
      render: (d) => formatCount(d.rates?.readsPerSec),
    },
    {
      title: 'W/s',
      width: 7,
      align: 'right',
      minTerminal: 100,
      render: (d) => formatCount(d.rates?.writesPerSec),
    },
    { title: 'READ', width: 10, align: 'right', render: (d) => formatByteRate(d.rates?.readBytesPerSec) },
    { title: 'WRITE', width: 10, align: 'right', render: (d) => formatByteRate(d.rates?.writeBytesPerSec) },
    { title: 'rAWAIT', width: 7, align: 'right', minTerminal: 120, render: (d) => ms(d.rates?.readAwaitMs) },
    { title: 'wAWAIT', width: 7, align: 'right', minTerminal: 120, render: (d) => ms(d.rates?.writeAwaitMs) },
    {
      title: 'UTIL',
      width: 5,
      align: 'right',
      render: (d) =>
        seg(formatFraction(d.rates?.utilization, 0), levelColor(theme, d.rates?.utilization ?? null)),
    },
    {
      title: 'QD',
      width: 5,
      align: 'right',
      minTerminal: 130,
      render: (d) => d.rates?.queueDepth.toFixed(1) ?? '-',
    },
    {
      title: 'UTIL HISTORY',
      width: 'flex',
      render: (d, w) =>
        seg(sparkOf(ctx, `disk.${d.name}.utilizationFraction`, w, { min: 0, max: 1 }), theme.graph),
    },
  ];
  const panelHeight = ctx.height >= 16 ? 5 : 0;
  const lines = table(ctx, columns, rows, ctx.height - panelHeight);
  const selected = rows[Math.min(selectedOf(ctx.state), rows.length - 1)];
  if (panelHeight > 0 && selected) {
    const graphWidth = Math.max(4, ctx.width - 20);
    lines.push([]);
    lines.push(
      heading(
        ctx,
        name(selected),
        [
          selected.model ?? '',
          selected.rotational === null ? '' : selected.rotational ? 'rotational' : 'solid state',
          selected.partitions.length > 0 ? `partitions ${selected.partitions.join(' ')}` : '',
          selected.slaves.length > 0 ? `on ${selected.slaves.join(' ')}` : '',
          selected.holders.length > 0 ? `under ${selected.holders.join(' ')}` : '',
          `in flight ${selected.counters.ioInProgress}`,
        ]
          .filter((s) => s !== '')
          .join(' · '),
      ),
    );
    for (const [label, key, color] of [
      ['read', `disk.${selected.name}.readBytesPerSec`, theme.graph],
      ['write', `disk.${selected.name}.writeBytesPerSec`, theme.graphAlt],
    ] as const) {
      const value = ctx.model.metrics.at(key, ctx.frame.seq);
      lines.push(
        fitLine(
          [
            seg(`${label.padEnd(6)}`, theme.dim),
            seg(formatByteRate(value).padStart(12)),
            seg('  '),
            seg(sparkOf(ctx, key, graphWidth, { minMax: 1024 }), color),
          ],
          ctx.width,
        ),
      );
    }
  }
  return lines.slice(0, ctx.height);
}
