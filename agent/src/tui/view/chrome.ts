import { formatUptime } from '../../cli/render/format.js';
import { TABS, filterOf, sortKeyOf } from '../state.js';
import { THEMES } from '../themes.js';
import type { ViewContext } from './context.js';
import { clockTime, fitLine, seg, type Line, type Segment } from './line.js';

export interface ChromeInfo {
  /** `live`, or `replay` of a recording. */
  readonly mode: 'live' | 'replay';
  /** Refresh interval, milliseconds (live) or the replay speed factor. */
  readonly intervalMs?: number;
  readonly speed?: number;
  /** A recording is being written (the `R` key). */
  readonly recording: boolean;
  /** No sample has arrived yet. */
  readonly waiting?: boolean;
}

/** The top line: host, time of the sample shown, live/paused/scrubbed, recording. */
export function headerLine(ctx: ViewContext, info: ChromeInfo): Line {
  const { theme, frame, model, state } = ctx;
  const style = { bg: theme.headerBg, bold: true };
  const snapshot = frame.snapshot;
  const system = snapshot.sections.system.status === 'ok' ? snapshot.sections.system.data : null;
  const left: Segment[] = [
    seg(' sysray ', theme.headerFg, style),
    seg(`│ ${snapshot.host.name} `, theme.headerFg, style),
    seg(`│ ${clockTime(snapshot.timestamp)} `, theme.headerFg, style),
  ];
  if (system?.uptimeSeconds !== null && system?.uptimeSeconds !== undefined) {
    left.push(seg(`│ up ${formatUptime(system.uptimeSeconds)} `, theme.headerFg, style));
  }
  let where: string;
  if (state.pinned === null) {
    where = info.mode === 'replay' ? `REPLAY ${info.speed ?? 1}×` : 'LIVE';
  } else {
    const behind = model.latestSeq - frame.seq;
    where = behind === 0 ? 'PAUSED' : `PAUSED ◀ ${behind} sample${behind === 1 ? '' : 's'} back`;
  }
  const right: Segment[] = [seg(` ${where} `, state.pinned === null ? theme.headerFg : theme.bad, style)];
  if (info.recording) right.push(seg(' ● REC ', theme.bad, style));
  if (ctx.width >= 100) right.push(seg(` theme ${THEMES[state.theme]?.name ?? ''} `, theme.headerFg, style));
  const rightWidth = right.reduce((n, s) => n + s.text.length, 0);
  const leftLine = fitLine(left, Math.max(0, ctx.width - rightWidth), { bg: theme.headerBg });
  return [...leftLine, ...right];
}

/** The tab bar: full titles when they fit, short ones otherwise. */
export function tabLine(ctx: ViewContext): Line {
  const { theme, state } = ctx;
  const label = (short: boolean): string[] =>
    TABS.map((t) => `${t.digit === null ? '' : `${t.digit} `}${short ? t.short : t.title}`);
  // The roomiest layout that fits: full titles, then tighter gaps, then short titles.
  const layouts: [string[], string][] = [
    [label(false), '  '],
    [label(false), ' '],
    [label(true), '  '],
    [label(true), ' '],
  ];
  const [titles, gap] = layouts.find(([t, g]) => t.join(g).length + 1 <= ctx.width) ?? layouts[3]!;
  const segments: Segment[] = [seg(' ')];
  TABS.forEach((t, i) => {
    const active = t.id === state.tab;
    segments.push(
      seg(
        titles[i] ?? '',
        active ? theme.headerFg : theme.dim,
        active ? { bg: theme.accent, bold: true } : {},
      ),
    );
    if (i < TABS.length - 1) segments.push(seg(gap));
  });
  return fitLine(segments, ctx.width);
}

const HINTS_WIDE =
  '? help  / filter  s sort  ←→ scrub  End live  p pause  T tree  S save  R record  t theme  q quit';
const HINTS_NARROW = '? help  / filter  s sort  ←→ scrub  p pause  S save  R rec  q quit';

/** The bottom line: the filter being typed, the last message, or the key hints. */
export function statusLine(ctx: ViewContext): Line {
  const { theme, state } = ctx;
  if (state.input === 'filter') {
    return fitLine(
      [
        seg('filter: ', theme.accent, { bold: true }),
        seg(state.filterDraft),
        seg('▏', theme.accent),
        seg('   Enter keep · Esc clear', theme.dim),
      ],
      ctx.width,
    );
  }
  if (state.message) {
    return fitLine(
      [seg(state.message.text, state.message.kind === 'error' ? theme.bad : theme.good)],
      ctx.width,
    );
  }
  const parts: Segment[] = [];
  const filter = filterOf(state);
  if (filter !== '') parts.push(seg(`filter "${filter}"  `, theme.warn));
  const sort = sortKeyOf(state);
  if (sort !== null) parts.push(seg(`sort ${sort}  `, theme.dim));
  parts.push(seg(ctx.width >= 110 ? HINTS_WIDE : HINTS_NARROW, theme.dim));
  return fitLine(parts, ctx.width);
}
