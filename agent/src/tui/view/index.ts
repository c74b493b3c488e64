import type { TabId } from '../state.js';
import { headerLine, statusLine, tabLine, type ChromeInfo } from './chrome.js';
import { cgroupRows, containersView } from './containers.js';
import type { ViewContext } from './context.js';
import { cpuView } from './cpu.js';
import { diskRows, disksView } from './disks.js';
import { filesystemRows, filesystemsView } from './filesystems.js';
import { gpuTabView } from './gpu.js';
import { helpView } from './help.js';
import { fitLine, type Line } from './line.js';
import { memoryView } from './memory.js';
import { interfaceRows, networkView } from './network.js';
import { overviewView } from './overview.js';
import { pressureView } from './pressure.js';
import { processRows, processesView } from './processes.js';
import { insightRows, insightsView, timelineRows, timelineView } from './timeline.js';

const BODIES: Record<TabId, (ctx: ViewContext) => Line[]> = {
  overview: overviewView,
  cpu: cpuView,
  memory: memoryView,
  disks: disksView,
  filesystems: filesystemsView,
  processes: processesView,
  containers: containersView,
  pressure: pressureView,
  network: networkView,
  gpu: gpuTabView,
  insights: insightsView,
  timeline: timelineView,
};

/** The body of the current tab, or the help pane; exactly `ctx.height` lines or fewer. */
export function bodyLines(ctx: ViewContext): Line[] {
  const body = ctx.state.input === 'help' ? helpView(ctx) : BODIES[ctx.state.tab](ctx);
  return body.slice(0, ctx.height);
}

/** Rows of the current tab's list, for the selection (↑/↓) and Enter. */
export function listSize(ctx: ViewContext): number {
  switch (ctx.state.tab) {
    case 'disks':
      return diskRows(ctx).length;
    case 'filesystems':
      return filesystemRows(ctx).length;
    case 'processes':
      return processRows(ctx).length;
    case 'containers':
      return cgroupRows(ctx).length;
    case 'network':
      return interfaceRows(ctx).length;
    case 'insights':
      return insightRows(ctx).length;
    case 'timeline':
      return timelineRows(ctx).length;
    default:
      return 0;
  }
}

/** The process on the selected row of the Processes tab. */
export function selectedProcess(ctx: ViewContext): { pid: number; startTime: number } | null {
  if (ctx.state.tab !== 'processes') return null;
  const rows = processRows(ctx);
  const row = rows[Math.min(ctx.state.selected.processes ?? 0, rows.length - 1)];
  return row ? { pid: row.process.pid, startTime: row.process.startTime } : null;
}

/**
 * The whole screen as lines: header, tab bar, body, status line — `rows - 1` lines at most, so ink
 * never fills the terminal's last row (a full-height frame makes it clear the screen on every update,
 * which flickers).
 */
export function screenLines(ctx: Omit<ViewContext, 'height'>, rows: number, info: ChromeInfo): Line[] {
  const bodyHeight = Math.max(1, rows - 1 - 3);
  const full: ViewContext = { ...ctx, height: bodyHeight };
  const body = bodyLines(full);
  const padding: Line[] = Array.from({ length: Math.max(0, bodyHeight - body.length) }, () => []);
  // Every row is cut to the width here, whatever a view drew: a row wider than the terminal would wrap
  // and push the screen down.
  return [headerLine(full, info), tabLine(full), ...body, ...padding, statusLine(full)].map((line) =>
    fitLine(line, ctx.width),
  );
}
