import type { Section, Snapshot } from '@sysray/proto';
import { sparkline, type GraphScale } from '../graph.js';
import type { Frame, TuiModel } from '../model.js';
import { filterOf, selectedOf, sortKeyOf, type UiState } from '../state.js';
import type { Theme } from '../themes.js';
import { cell, fitLine, restyle, seg, wrapText, type Line, type Segment } from './line.js';

/** What every view gets: the sample shown, the session's histories, the UI state and the space. */
export interface ViewContext {
  readonly model: TuiModel;
  readonly frame: Frame;
  readonly state: UiState;
  readonly theme: Theme;
  /** Columns available. */
  readonly width: number;
  /** Rows available to the tab's body. */
  readonly height: number;
  /** Explanation search results for the help pane (empty when the explain module is absent). */
  readonly explain?: ExplainView;
}

/** What the help pane shows of the explain search. */
export interface ExplainView {
  readonly available: boolean;
  readonly results: readonly { readonly id: string; readonly title: string; readonly summary: string }[];
  /** The full text of the selected result, as lines. */
  readonly detail: readonly string[];
}

export function snapshotOf(ctx: ViewContext): Snapshot {
  return ctx.frame.snapshot;
}

/** `length` samples of a metric ending at the sample shown. */
export function seriesOf(ctx: ViewContext, key: string, length: number): (number | null)[] {
  return ctx.model.metrics.window(key, ctx.frame.seq, length);
}

export function sparkOf(ctx: ViewContext, key: string, width: number, scale?: GraphScale): string {
  return sparkline(seriesOf(ctx, key, width), width, scale);
}

export function processSpark(ctx: ViewContext, key: string, width: number, scale?: GraphScale): string {
  return sparkline(ctx.model.processes.window(key, ctx.frame.seq, width), width, scale);
}

/** One line explaining why a section has nothing to show: absence is never a blank screen. */
export function sectionProblem(ctx: ViewContext, name: string, section: Section<unknown>): Line[] {
  const why = (text: string): Line[] => wrapText(text, ctx.width).map((row) => [seg(row, ctx.theme.dim)]);
  if (section.status === 'unsupported') {
    return [
      [seg(`${name}: not available on this host`, ctx.theme.warn, { bold: true })],
      ...why(section.reason),
    ];
  }
  if (section.status === 'error') {
    return [[seg(`${name}: collection failed`, ctx.theme.bad, { bold: true })], ...why(section.message)];
  }
  return [];
}

export function filterText(ctx: ViewContext): string {
  return filterOf(ctx.state).toLowerCase();
}

export function matchesFilter(ctx: ViewContext, ...fields: (string | number | null | undefined)[]): boolean {
  const filter = filterText(ctx);
  if (filter === '') return true;
  return fields.some((f) => f !== null && f !== undefined && String(f).toLowerCase().includes(filter));
}

export function sortKey(ctx: ViewContext): string | null {
  return sortKeyOf(ctx.state);
}

export function heading(ctx: ViewContext, text: string, extra = ''): Line {
  return [seg(text, ctx.theme.accent, { bold: true }), seg(extra === '' ? '' : `  ${extra}`, ctx.theme.dim)];
}

export interface Column<T> {
  readonly title: string;
  /** Fixed width, or 'flex' for the one column that takes what is left. */
  readonly width: number | 'flex';
  readonly align?: 'left' | 'right';
  /** Shown only when the terminal is at least this wide. */
  readonly minTerminal?: number;
  /** The cell for `row`; `width` is the column's width (graphs draw exactly that many samples). */
  readonly render: (row: T, width: number) => string | Segment;
}

/**
 * A table with a title row, the selected row highlighted and kept in view, and at most `height` lines.
 * Columns that need a wider terminal are dropped first; the flex column takes what remains.
 */
export function table<T>(
  ctx: ViewContext,
  columns: readonly Column<T>[],
  rows: readonly T[],
  height: number,
): Line[] {
  const { theme, width } = ctx;
  const shown = columns.filter((c) => (c.minTerminal ?? 0) <= width);
  const fixed = shown.reduce((sum, c) => sum + (c.width === 'flex' ? 0 : c.width + 1), 0);
  const flexWidth = Math.max(8, width - fixed);
  const widthOf = (c: Column<T>): number => (c.width === 'flex' ? flexWidth : c.width);
  const lines: Line[] = [];
  const bodyHeight = Math.max(0, height - 1);
  const selected = Math.min(selectedOf(ctx.state), Math.max(0, rows.length - 1));
  const start = Math.max(0, Math.min(rows.length - bodyHeight, selected - Math.floor(bodyHeight / 2)));
  // When rows are out of view, the flex column's title says which are shown: `COMMAND 1-20/57`.
  const position =
    rows.length > bodyHeight
      ? ` ${start + 1}-${Math.min(rows.length, start + bodyHeight)}/${rows.length}`
      : '';
  lines.push(
    fitLine(
      shown.map((c, i) =>
        seg(
          cell(c.width === 'flex' ? c.title + position : c.title, widthOf(c), c.align) +
            (i < shown.length - 1 ? ' ' : ''),
          theme.dim,
          { bold: true },
        ),
      ),
      width,
    ),
  );
  if (rows.length === 0) {
    lines.push([seg(filterText(ctx) ? 'no rows match the filter' : 'nothing to show', theme.dim)]);
    return lines;
  }
  for (const [offset, row] of rows.slice(start, start + bodyHeight).entries()) {
    const segments: Segment[] = shown.map((c, i) => {
      const value = c.render(row, widthOf(c));
      const s = typeof value === 'string' ? seg(value, theme.text) : value;
      return { ...s, text: cell(s.text, widthOf(c), c.align) + (i < shown.length - 1 ? ' ' : '') };
    });
    const line = fitLine(segments, width);
    lines.push(
      start + offset === selected
        ? fitLine(restyle(line, { color: theme.selectionFg, bg: theme.selectionBg }), width, {
            bg: theme.selectionBg,
          })
        : line,
    );
  }
  return lines;
}
