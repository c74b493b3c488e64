import { sectionData } from '@sysray/proto';
import {
  formatByteRate,
  formatBytes,
  formatFraction,
  formatPercent,
  formatUptime,
} from '../../cli/render/format.js';
import { sortProcesses } from '../../cli/render/top-view.js';
import { areaGraph } from '../graph.js';
import { levelColor } from '../themes.js';
import { seriesOf, sparkOf, type ViewContext } from './context.js';
import { cell, fitLine, seg, type Line } from './line.js';

const LABEL = 11;
const VALUE = 34;

interface MetricRow {
  readonly label: string;
  readonly key: string;
  readonly value: string;
  readonly color?: string | undefined;
  readonly scale?: { readonly min?: number; readonly max?: number; readonly minMax?: number };
}

function metricLine(ctx: ViewContext, row: MetricRow): Line {
  const graphWidth = Math.max(4, ctx.width - LABEL - VALUE - 2);
  return fitLine(
    [
      seg(cell(row.label, LABEL), ctx.theme.dim),
      seg(sparkOf(ctx, row.key, graphWidth, row.scale), row.color ?? ctx.theme.graph),
      seg('  '),
      seg(cell(row.value, VALUE)),
    ],
    ctx.width,
  );
}

/** The Overview tab: one graphed line per resource, then the busiest processes. */
export function overviewView(ctx: ViewContext): Line[] {
  const { theme } = ctx;
  const snapshot = ctx.frame.snapshot;
  const system = sectionData(snapshot.sections.system);
  const cpu = sectionData(snapshot.sections.cpu);
  const memory = sectionData(snapshot.sections.memory);
  const processes = sectionData(snapshot.sections.processes);
  const pressure = sectionData(snapshot.sections.pressure);
  const lines: Line[] = [];

  if (system) {
    const os = system.os.prettyName ?? system.os.name ?? system.osType;
    const cpuText = `${system.logicalCpus} CPUs${system.cpuModel ? ` (${system.cpuModel})` : ''}`;
    lines.push(
      fitLine(
        [
          seg(os, theme.accent, { bold: true }),
          seg(
            ` · kernel ${system.kernelRelease ?? '?'} · ${cpuText} · up ${formatUptime(system.uptimeSeconds)}`,
            theme.dim,
          ),
        ],
        ctx.width,
      ),
    );
  }
  // Taller terminals get a CPU graph on top; 24 rows keep only the one-line sparklines.
  const graphHeight = Math.min(8, ctx.height - 24);
  if (graphHeight >= 2) {
    const width = Math.max(4, ctx.width - LABEL);
    const rows = areaGraph(seriesOf(ctx, 'cpu.busyFraction', width), width, graphHeight, { min: 0, max: 1 });
    rows.forEach((row, i) =>
      lines.push([
        seg(
          cell(
            i === 0 ? 'CPU busy' : i === rows.length - 1 ? formatFraction(cpu?.utilization?.busy) : '',
            LABEL,
          ),
          theme.dim,
        ),
        seg(row, theme.graph),
      ]),
    );
  }

  const rows: MetricRow[] = [];
  if (cpu) {
    const u = cpu.utilization;
    rows.push({
      label: 'CPU',
      key: 'cpu.busyFraction',
      value: u
        ? `${formatFraction(u.busy)} (us ${formatFraction(u.user, 0)} sy ${formatFraction(u.system, 0)} io ${formatFraction(u.iowait, 0)})`
        : 'sampling…',
      color: levelColor(theme, u?.busy ?? null, 0.7, 0.9, theme.graph),
      scale: { min: 0, max: 1 },
    });
    rows.push({
      label: 'Load',
      key: 'cpu.load1',
      value: `${cpu.load.load1.toFixed(2)} ${cpu.load.load5.toFixed(2)} ${cpu.load.load15.toFixed(2)} / ${cpu.logicalCpus} CPUs`,
      scale: { min: 0, minMax: cpu.logicalCpus },
    });
  }
  if (memory) {
    rows.push({
      label: 'Memory',
      key: 'memory.usedFraction',
      value: `${formatBytes(memory.usedBytes)} / ${formatBytes(memory.totalBytes)} (${formatFraction(memory.usedFraction, 0)})`,
      color: levelColor(theme, memory.usedFraction, 0.8, 0.95, theme.graph),
      scale: { min: 0, max: 1 },
    });
    rows.push({
      label: 'Swap',
      key: 'memory.swapUsedFraction',
      value:
        memory.swap.totalBytes > 0
          ? `${formatBytes(memory.swap.usedBytes)} / ${formatBytes(memory.swap.totalBytes)}`
          : 'no swap',
      scale: { min: 0, max: 1 },
    });
  }
  const diskRead = ctx.model.metrics.at('disk.total.readBytesPerSec', ctx.frame.seq);
  const diskWrite = ctx.model.metrics.at('disk.total.writeBytesPerSec', ctx.frame.seq);
  if (snapshot.sections.disks.status === 'ok') {
    rows.push({
      label: 'Disk read',
      key: 'disk.total.readBytesPerSec',
      value: formatByteRate(diskRead),
      scale: { minMax: 1024 },
    });
    rows.push({
      label: 'Disk write',
      key: 'disk.total.writeBytesPerSec',
      value: formatByteRate(diskWrite),
      color: theme.graphAlt,
      scale: { minMax: 1024 },
    });
  }
  if (snapshot.sections.network.status === 'ok') {
    const rx = ctx.model.metrics.at('net.total.rxBytesPerSec', ctx.frame.seq);
    const tx = ctx.model.metrics.at('net.total.txBytesPerSec', ctx.frame.seq);
    rows.push({
      label: 'Net rx',
      key: 'net.total.rxBytesPerSec',
      value: formatByteRate(rx),
      scale: { minMax: 1024 },
    });
    rows.push({
      label: 'Net tx',
      key: 'net.total.txBytesPerSec',
      value: formatByteRate(tx),
      color: theme.graphAlt,
      scale: { minMax: 1024 },
    });
  }
  if (pressure) {
    for (const r of ['cpu', 'memory', 'io'] as const) {
      const some = pressure[r]?.some;
      rows.push({
        label: `PSI ${r === 'memory' ? 'mem' : r}`,
        key: `psi.${r}.someAvg10Percent`,
        value: some ? `some ${formatPercent(some.avg10, 2)} (60s ${formatPercent(some.avg60, 2)})` : 'n/a',
        color: (some?.avg10 ?? 0) >= 10 ? theme.warn : theme.graph,
        scale: { min: 0, minMax: 10 },
      });
    }
  } else {
    const section = snapshot.sections.pressure;
    lines.push([
      seg(cell('PSI', LABEL), theme.dim),
      seg(
        section.status === 'unsupported' ? section.reason : section.status === 'error' ? section.message : '',
        theme.dim,
      ),
    ]);
  }
  for (const row of rows) lines.push(metricLine(ctx, row));

  const room = ctx.height - lines.length - 2;
  if (processes && room > 0) {
    const c = processes.counts;
    lines.push([]);
    lines.push([
      seg('Top processes', theme.accent, { bold: true }),
      seg(
        `  ${c.total} tasks · R ${c.running} · D ${c.blocked} · Z ${c.zombie} · ${c.threads} threads`,
        theme.dim,
      ),
    ]);
    const totalMemory = memory?.totalBytes ?? null;
    lines.push([
      seg(
        `${cell('PID', 7, 'right')} ${cell('CPU%', 7, 'right')} ${cell('MEM%', 6, 'right')} ${cell('RSS', 9, 'right')}  COMMAND`,
        theme.dim,
      ),
    ]);
    for (const p of sortProcesses(processes.top, 'cpu').slice(0, room - 1)) {
      const command = p.command === '' ? `[${p.name}]` : p.command;
      lines.push(
        fitLine(
          [
            seg(cell(String(p.pid), 7, 'right')),
            seg(' '),
            seg(
              cell(formatPercent(p.cpuPercent), 7, 'right'),
              levelColor(theme, p.cpuPercent === null ? null : p.cpuPercent / 100),
            ),
            seg(' '),
            seg(cell(totalMemory ? formatFraction(p.rssBytes / totalMemory) : '-', 6, 'right')),
            seg(' '),
            seg(cell(formatBytes(p.rssBytes), 9, 'right')),
            seg('  '),
            seg(command),
          ],
          ctx.width,
        ),
      );
    }
  }
  return lines.slice(0, ctx.height);
}
