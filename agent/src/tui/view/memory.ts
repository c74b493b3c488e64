import { sectionData, type MemoryData } from '@sysray/proto';
import { formatBytes, formatFraction } from '../../cli/render/format.js';
import { areaGraph } from '../graph.js';
import { levelColor } from '../themes.js';
import { heading, sectionProblem, seriesOf, sparkOf, type ViewContext } from './context.js';
import { cell, fitLine, formatRate, seg, type Line, type Segment } from './line.js';

/** used | cache+buffers | free as one bar `width` wide, in the theme's colours. */
function breakdownBar(ctx: ViewContext, m: MemoryData, width: number): Segment[] {
  const total = m.totalBytes > 0 ? m.totalBytes : 1;
  const used = Math.round((m.usedBytes / total) * width);
  const cache = Math.min(width - used, Math.round(((m.cachedBytes + m.buffersBytes) / total) * width));
  return [
    seg('█'.repeat(Math.max(0, used)), levelColor(ctx.theme, m.usedFraction, 0.8, 0.95, ctx.theme.graph)),
    seg('▒'.repeat(Math.max(0, cache)), ctx.theme.graphAlt),
    seg('░'.repeat(Math.max(0, width - used - cache)), ctx.theme.dim),
  ];
}

interface Row {
  readonly label: string;
  readonly value: string;
  readonly key?: string;
}

/** The Memory tab: a history of use, the breakdown, swap, huge pages and paging rates. */
export function memoryView(ctx: ViewContext): Line[] {
  const { theme } = ctx;
  const section = ctx.frame.snapshot.sections.memory;
  const m = sectionData(section);
  if (!m) return sectionProblem(ctx, 'Memory', section);
  const lines: Line[] = [];
  lines.push(
    fitLine(
      [
        seg('used ', theme.dim),
        seg(
          `${formatBytes(m.usedBytes)} of ${formatBytes(m.totalBytes)} (${formatFraction(m.usedFraction)})`,
          undefined,
          {
            bold: true,
          },
        ),
        seg('  available ', theme.dim),
        seg(formatBytes(m.availableBytes)),
        seg('  free ', theme.dim),
        seg(formatBytes(m.freeBytes)),
        seg('   █ used ▒ cache+buffers ░ free', theme.dim),
      ],
      ctx.width,
    ),
  );
  lines.push(fitLine(breakdownBar(ctx, m, ctx.width), ctx.width));
  const twoColumns = ctx.width >= 80;
  const tableRows = twoColumns ? 10 : 17;
  // The history graph takes the space the table leaves, up to half the screen.
  const graphHeight = Math.max(2, Math.min(Math.floor(ctx.height / 2), ctx.height - 3 - tableRows - 1));
  const graphWidth = Math.max(4, ctx.width - 8);
  areaGraph(seriesOf(ctx, 'memory.usedFraction', graphWidth), graphWidth, graphHeight, {
    min: 0,
    max: 1,
  }).forEach((row, i, all) => {
    const label = i === 0 ? '100%' : i === all.length - 1 ? '0%' : '';
    lines.push([seg(cell(label, 7, 'right') + ' ', theme.dim), seg(row, theme.graph)]);
  });

  const rates = m.pagingRates;
  const left: Row[] = [
    { label: 'cached', value: formatBytes(m.cachedBytes), key: 'memory.cachedBytes' },
    { label: 'buffers', value: formatBytes(m.buffersBytes) },
    { label: 'shared', value: formatBytes(m.sharedBytes) },
    { label: 'slab reclaim.', value: formatBytes(m.slabReclaimableBytes) },
    { label: 'slab unreclaim.', value: formatBytes(m.slabUnreclaimableBytes) },
    { label: 'dirty', value: formatBytes(m.dirtyBytes) },
    { label: 'writeback', value: formatBytes(m.writebackBytes) },
    {
      label: 'swap used',
      value:
        m.swap.totalBytes > 0
          ? `${formatBytes(m.swap.usedBytes)}/${formatBytes(m.swap.totalBytes)}`
          : 'no swap',
      key: 'memory.swapUsedBytes',
    },
    { label: 'swap cached', value: formatBytes(m.swap.cachedBytes) },
    {
      label: 'huge pages',
      value: `${m.hugepages.total - m.hugepages.free}/${m.hugepages.total} × ${formatBytes(m.hugepages.pageSizeBytes)}`,
    },
  ];
  const right: Row[] = [
    { label: 'page faults', value: formatRate(rates?.pgfault), key: 'memory.pgfaultPerSec' },
    { label: 'major faults', value: formatRate(rates?.pgmajfault), key: 'memory.pgmajfaultPerSec' },
    { label: 'swap in pages', value: formatRate(rates?.pswpin), key: 'memory.pswpinPerSec' },
    { label: 'swap out pages', value: formatRate(rates?.pswpout), key: 'memory.pswpoutPerSec' },
    { label: 'pages scanned', value: formatRate(rates?.pgscan), key: 'memory.pgscanPerSec' },
    { label: 'pages stolen', value: formatRate(rates?.pgsteal), key: 'memory.pgstealPerSec' },
    {
      label: 'OOM kills',
      value: `${m.paging.oomKill ?? '-'}${rates?.oomKill ? ` +${formatRate(rates.oomKill)}` : ' total'}`,
      key: 'memory.oomKillPerSec',
    },
  ];
  const columnWidth = twoColumns ? Math.floor(ctx.width / 2) : ctx.width;
  const labelWidth = 16;
  const valueWidth = 17;
  const sparkWidth = Math.max(0, columnWidth - labelWidth - valueWidth - 3);
  const render = (row: Row | undefined): Segment[] =>
    row
      ? [
          seg(cell(row.label, labelWidth), theme.dim),
          seg(cell(row.value, valueWidth)),
          seg(' '),
          seg(row.key ? sparkOf(ctx, row.key, sparkWidth) : ' '.repeat(sparkWidth), theme.graph),
          seg('  '),
        ]
      : [];
  lines.push(heading(ctx, 'Breakdown and paging'));
  if (twoColumns) {
    for (let i = 0; i < Math.max(left.length, right.length); i += 1) {
      lines.push(fitLine([...fitLine(render(left[i]), columnWidth, {}), ...render(right[i])], ctx.width));
    }
  } else {
    for (const row of [...left, ...right]) lines.push(fitLine(render(row), ctx.width));
  }
  return lines.slice(0, ctx.height);
}
