import { sectionData, type PressureLine, type PressureResource } from '@sysray/proto';
import { formatPercent } from '../../cli/render/format.js';
import { areaGraph } from '../graph.js';
import { DEFAULT_PRESSURE_SPIKE_PERCENT } from '../timeline.js';
import { sectionProblem, seriesOf, sparkOf, type ViewContext } from './context.js';
import { cell, fitLine, seg, type Line, type Segment } from './line.js';

const RESOURCES = ['cpu', 'memory', 'io', 'irq'] as const;

function lineText(ctx: ViewContext, name: string, line: PressureLine | null): Segment[] {
  if (!line) return [seg(`${name} -`.padEnd(44), ctx.theme.dim)];
  const color = line.avg10 >= DEFAULT_PRESSURE_SPIKE_PERCENT ? ctx.theme.warn : ctx.theme.text;
  return [
    seg(`${name} `, ctx.theme.dim),
    seg(cell(formatPercent(line.avg10, 2), 7, 'right'), color, { bold: true }),
    seg(
      ` ${cell(formatPercent(line.avg60, 2), 7, 'right')} ${cell(formatPercent(line.avg300, 2), 7, 'right')}`,
    ),
    seg(` ${cell(`${line.totalSeconds.toFixed(1)} s`, 13, 'right')}  `, ctx.theme.dim),
  ];
}

/**
 * The Pressure tab: PSI (Documentation/accounting/psi.rst) per resource — share of time some or all
 * tasks stalled, averaged over 10 s, 60 s and 300 s — with the session's history of `some avg10`.
 */
export function pressureView(ctx: ViewContext): Line[] {
  const { theme } = ctx;
  const section = ctx.frame.snapshot.sections.pressure;
  const data = sectionData(section);
  if (!data) return sectionProblem(ctx, 'Pressure stall information', section);
  const present = RESOURCES.filter((r) => data[r] !== null);
  const lines: Line[] = [
    [
      seg('share of time tasks stalled: ', theme.dim),
      seg('avg10  avg60  avg300  total stalled', theme.dim, { bold: true }),
    ],
  ];
  // Each resource gets its summary line and an equal share of the rest as graph.
  const spare = ctx.height - 1 - present.length - Object.keys(data.unavailable).length;
  const graphHeight = Math.max(1, Math.min(6, Math.floor(spare / Math.max(1, present.length))));
  const graphWidth = Math.max(4, ctx.width - 12);
  for (const resource of RESOURCES) {
    const r: PressureResource | null = data[resource];
    if (!r) continue;
    lines.push(
      fitLine(
        [
          seg(cell(resource, 8), theme.accent, { bold: true }),
          ...lineText(ctx, 'some', r.some),
          ...lineText(ctx, 'full', r.full),
        ],
        ctx.width,
      ),
    );
    const key = `psi.${resource}.${r.some ? 'some' : 'full'}Avg10Percent`;
    const scale = { min: 0, minMax: DEFAULT_PRESSURE_SPIKE_PERCENT };
    if (graphHeight <= 1) {
      lines.push(
        fitLine([seg(cell('', 11) + ' '), seg(sparkOf(ctx, key, graphWidth, scale), theme.graph)], ctx.width),
      );
    } else {
      areaGraph(seriesOf(ctx, key, graphWidth), graphWidth, graphHeight, scale).forEach((row, i) =>
        lines.push([
          seg(cell(i === 0 ? `${r.some ? 'some' : 'full'} avg10` : '', 11) + ' ', theme.dim),
          seg(row, theme.graph),
        ]),
      );
    }
  }
  for (const [resource, why] of Object.entries(data.unavailable)) {
    lines.push(fitLine([seg(cell(resource, 8), theme.dim), seg(why, theme.dim)], ctx.width));
  }
  return lines.slice(0, ctx.height);
}
