import { sectionData } from '@sysray/proto';
import { formatFraction } from '../../cli/render/format.js';
import { areaGraph, bar } from '../graph.js';
import { levelColor } from '../themes.js';
import { heading, sectionProblem, seriesOf, sparkOf, type ViewContext } from './context.js';
import { cell, fitLine, formatRate, seg, type Line, type Segment } from './line.js';

/** Width of one per-core cell: `cpu12 ▕bar▏ 100.0% sparkline`. */
const CORE_CELL = 40;

/** The CPU tab: modes, a history graph of busy time, load and scheduler rates, every core. */
export function cpuView(ctx: ViewContext): Line[] {
  const { theme } = ctx;
  const section = ctx.frame.snapshot.sections.cpu;
  const cpu = sectionData(section);
  if (!cpu) return sectionProblem(ctx, 'CPU', section);
  const lines: Line[] = [];
  const u = cpu.utilization;
  const modes: [string, number | undefined][] = [
    ['user', u?.user],
    ['nice', u?.nice],
    ['system', u?.system],
    ['iowait', u?.iowait],
    ['irq', u?.irq],
    ['softirq', u?.softirq],
    ['steal', u?.steal],
    ['guest', u?.guest],
  ];
  lines.push(
    fitLine(
      [
        seg('busy ', theme.dim),
        seg(formatFraction(u?.busy), levelColor(theme, u?.busy ?? null), { bold: true }),
        ...modes.flatMap(([name, value]): Segment[] => [
          seg(`  ${name} `, theme.dim),
          seg(formatFraction(value)),
        ]),
      ],
      ctx.width,
    ),
  );
  const freq = cpu.cores.map((c) => c.frequencyHz).filter((f): f is number => f !== null);
  lines.push(
    fitLine(
      [
        seg('load ', theme.dim),
        seg(`${cpu.load.load1.toFixed(2)} ${cpu.load.load5.toFixed(2)} ${cpu.load.load15.toFixed(2)}`),
        seg('  ctx switches ', theme.dim),
        seg(formatRate(cpu.rates?.contextSwitchesPerSec)),
        seg('  interrupts ', theme.dim),
        seg(formatRate(cpu.rates?.interruptsPerSec)),
        seg('  forks ', theme.dim),
        seg(formatRate(cpu.rates?.forksPerSec)),
        seg('  running ', theme.dim),
        seg(String(cpu.procsRunning)),
        seg('  blocked ', theme.dim),
        seg(String(cpu.procsBlocked), cpu.procsBlocked > 0 ? theme.warn : theme.text),
        seg(
          freq.length > 0
            ? `  freq ${(Math.min(...freq) / 1e6).toFixed(0)}-${(Math.max(...freq) / 1e6).toFixed(0)} MHz`
            : '',
          theme.dim,
        ),
      ],
      ctx.width,
    ),
  );

  // Mode sparklines and every core get their lines; the busy graph takes what is left (up to half).
  const modeRows: readonly [string, string, string][] = [
    ['user', 'cpu.userFraction', theme.graph],
    ['system', 'cpu.systemFraction', theme.graphAlt],
    ['iowait', 'cpu.iowaitFraction', theme.warn],
    ['steal', 'cpu.stealFraction', theme.bad],
  ];
  const coreColumns = Math.max(1, Math.floor(ctx.width / CORE_CELL));
  const coreRows = Math.ceil(cpu.cores.length / coreColumns);
  const graphHeight = Math.max(
    2,
    Math.min(16, ctx.height - lines.length - modeRows.length - 1 - coreRows, Math.floor(ctx.height / 2)),
  );
  const graphWidth = Math.max(4, ctx.width - 8);
  const graph = areaGraph(seriesOf(ctx, 'cpu.busyFraction', graphWidth), graphWidth, graphHeight, {
    min: 0,
    max: 1,
  });
  graph.forEach((row, i) => {
    const label = i === 0 ? 'busy' : i === graph.length - 1 ? '0-100%' : '';
    lines.push([seg(cell(label, 7, 'right') + ' ', theme.dim), seg(row, theme.graph)]);
  });
  for (const [label, key, color] of modeRows) {
    lines.push(
      fitLine(
        [
          seg(cell(label, 7, 'right') + ' ', theme.dim),
          seg(sparkOf(ctx, key, graphWidth, { min: 0, minMax: 0.05 }), color),
        ],
        ctx.width,
      ),
    );
  }

  lines.push(heading(ctx, 'Cores', `${cpu.cores.length} logical CPUs`));
  const room = ctx.height - lines.length;
  const cellWidth = Math.floor(ctx.width / coreColumns);
  const sparkWidth = Math.max(0, cellWidth - 6 - 12 - 7 - 3);
  const fits = cpu.cores.length <= Math.max(0, room) * coreColumns;
  // When not every core fits, the last line says how many are out of view.
  const visible = cpu.cores.slice(0, fits ? cpu.cores.length : Math.max(0, room - 1) * coreColumns);
  for (let row = 0; row * coreColumns < visible.length; row += 1) {
    const segments: Segment[] = [];
    for (const core of visible.slice(row * coreColumns, (row + 1) * coreColumns)) {
      const busy = core.utilization?.busy ?? null;
      segments.push(
        seg(cell(`cpu${core.cpu}`, 6), theme.dim),
        seg(`▕${bar(busy, 10, '·')}▏`, levelColor(theme, busy, 0.7, 0.9, theme.graph)),
        seg(cell(formatFraction(busy), 7, 'right')),
        seg(' '),
        seg(sparkOf(ctx, `cpu.core.${core.cpu}.busyFraction`, sparkWidth, { min: 0, max: 1 }), theme.graph),
        seg('  '),
      );
    }
    lines.push(fitLine(segments, ctx.width));
  }
  if (!fits && room > 0) {
    lines.push([
      seg(`… ${cpu.cores.length - visible.length} more cores (a taller terminal shows them)`, theme.dim),
    ]);
  }
  return lines.slice(0, ctx.height);
}
