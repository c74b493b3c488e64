import type { Severity, TimelineEvent } from '../timeline.js';
import type { Finding } from '../insights.js';
import type { Theme } from '../themes.js';
import { heading, matchesFilter, sparkOf, table, type Column, type ViewContext } from './context.js';
import { clockTime, fitLine, seg, wrapText, type Line } from './line.js';

function severityColor(theme: Theme, severity: Severity): string | undefined {
  return severity === 'critical' ? theme.bad : severity === 'warning' ? theme.warn : theme.good;
}

const MARK: Record<Severity, string> = { info: '·', warning: '▲', critical: '✖' };

/** Timeline events up to the sample shown, newest first, filtered. */
export function timelineRows(ctx: ViewContext): TimelineEvent[] {
  return ctx.model
    .eventsUntil(ctx.frame.snapshot.timestamp)
    .filter((e) => matchesFilter(ctx, e.text, e.kind));
}

/** The Timeline tab: what changed during the session. */
export function timelineView(ctx: ViewContext): Line[] {
  const { theme } = ctx;
  const rows = timelineRows(ctx);
  const columns: Column<TimelineEvent>[] = [
    { title: 'TIME', width: 9, render: (e) => clockTime(e.at) },
    { title: '', width: 1, render: (e) => seg(MARK[e.severity], severityColor(theme, e.severity)) },
    { title: 'KIND', width: 19, minTerminal: 100, render: (e) => e.kind },
    {
      title: 'EVENT',
      width: 'flex',
      render: (e) => seg(e.text, e.severity === 'info' ? theme.text : severityColor(theme, e.severity)),
    },
  ];
  const graphWidth = Math.max(4, ctx.width - 22);
  return [
    heading(
      ctx,
      'Timeline',
      `${rows.length} events this session: processes started/exited, pressure spikes, collector errors`,
    ),
    fitLine(
      [
        seg('events per sample   ', theme.dim),
        seg(sparkOf(ctx, 'timeline.events', graphWidth, { min: 0, minMax: 1 }), theme.graph),
      ],
      ctx.width,
    ),
    ...table(ctx, columns, rows, ctx.height - 2),
  ];
}

/** The findings listed on the Insights tab (empty without rules). */
export function insightRows(ctx: ViewContext): Finding[] {
  return (ctx.frame.findings ?? []).filter((f) => matchesFilter(ctx, f.title, f.detail, f.rule));
}

/** The Insights tab: local findings from the alerts engine, or why there are none. */
export function insightsView(ctx: ViewContext): Line[] {
  const { theme, model, frame } = ctx;
  if (!model.insights) {
    return [
      heading(ctx, 'Insights'),
      [seg('no local rules loaded', theme.warn, { bold: true })],
      ...wrapText(
        'Local findings appear here when this build includes the alerts engine (agent/src/alerts); the other tabs are unaffected.',
        ctx.width,
      ).map((row): Line => [seg(row, theme.dim)]),
    ];
  }
  if (frame.findings === null || frame.insightsAt === null) {
    return [
      heading(ctx, 'Insights', model.insights.description),
      [seg('evaluating the local rules…', theme.dim)],
    ];
  }
  const rows = insightRows(ctx);
  const lines: Line[] = [
    heading(
      ctx,
      'Insights',
      `${model.insights.description} · ${rows.length} findings as of ${clockTime(frame.insightsAt)} (rules run while this tab is open)`,
    ),
    fitLine(
      [
        seg('findings over time  ', theme.dim),
        seg(
          sparkOf(ctx, 'insights.findings', Math.max(4, ctx.width - 22), { min: 0, minMax: 1 }),
          theme.warn,
        ),
      ],
      ctx.width,
    ),
  ];
  if (frame.insightsError) lines.push([seg(`the rules failed: ${frame.insightsError}`, theme.bad)]);
  if (rows.length === 0 && !frame.insightsError) {
    lines.push([seg('no findings: every local rule passes', theme.good)]);
    return lines;
  }
  const columns: Column<Finding>[] = [
    { title: '', width: 1, render: (f) => seg(MARK[f.severity], severityColor(theme, f.severity)) },
    { title: 'SEVERITY', width: 8, render: (f) => seg(f.severity, severityColor(theme, f.severity)) },
    { title: 'RULE', width: 20, minTerminal: 100, render: (f) => f.rule },
    { title: 'FINDING', width: 'flex', render: (f) => (f.detail ? `${f.title} — ${f.detail}` : f.title) },
  ];
  lines.push(...table(ctx, columns, rows, ctx.height - lines.length));
  return lines;
}
