import { KEY_HELP } from '../keymap.js';
import { TABS } from '../state.js';
import { heading, type ViewContext } from './context.js';
import { cell, fitLine, seg, wrapText, type Line } from './line.js';

/** The help pane: every key, the tabs, and the explain search (metric and field explanations). */
export function helpView(ctx: ViewContext): Line[] {
  const { theme, state } = ctx;
  const lines: Line[] = [heading(ctx, 'Keys', 'Esc or ? closes')];
  const keyWidth = 22;
  const twoColumns = ctx.width >= 150;
  const half = Math.ceil(KEY_HELP.length / 2);
  const rows = twoColumns ? half : KEY_HELP.length;
  const columnWidth = twoColumns ? Math.floor(ctx.width / 2) : ctx.width;
  for (let i = 0; i < rows; i += 1) {
    const left = KEY_HELP[i];
    const right = twoColumns ? KEY_HELP[i + half] : undefined;
    const render = (entry: (typeof KEY_HELP)[number] | undefined): Line =>
      entry ? [seg(cell(entry[0], keyWidth), theme.accent, { bold: true }), seg(entry[1])] : [];
    lines.push(fitLine([...fitLine(render(left), columnWidth, {}), ...render(right)], ctx.width));
  }
  lines.push(
    fitLine(
      [seg('tabs  ', theme.dim), seg(TABS.map((t) => `${t.digit ?? '⇥'} ${t.title}`).join(' · '), theme.dim)],
      ctx.width,
    ),
  );
  lines.push([]);

  const explain = ctx.explain;
  lines.push([
    seg('explain: ', theme.accent, { bold: true }),
    seg(state.helpQuery),
    seg('▏', theme.accent),
    seg(explain?.available ? '  type a metric or field name, ↑↓ to choose' : '', theme.dim),
  ]);
  if (!explain?.available) {
    lines.push([seg('explanations are not available in this build', theme.dim)]);
    return lines.slice(0, ctx.height);
  }
  if (state.helpQuery.trim() === '') return lines.slice(0, ctx.height);
  if (explain.results.length === 0) {
    lines.push([seg(`nothing matches "${state.helpQuery}"`, theme.dim)]);
    return lines.slice(0, ctx.height);
  }
  const room = ctx.height - lines.length;
  const listHeight = Math.min(explain.results.length, Math.max(1, Math.floor(room / 3)));
  const selected = Math.min(state.helpSelected, explain.results.length - 1);
  const start = Math.max(
    0,
    Math.min(explain.results.length - listHeight, selected - Math.floor(listHeight / 2)),
  );
  explain.results.slice(start, start + listHeight).forEach((r, i) => {
    const line = fitLine(
      [seg(cell(r.title, 34), theme.accent), seg(' '), seg(r.summary, theme.dim)],
      ctx.width,
    );
    lines.push(
      start + i === selected
        ? fitLine(
            line.map((s) => ({ ...s, color: theme.selectionFg, bg: theme.selectionBg })),
            ctx.width,
            {
              bg: theme.selectionBg,
            },
          )
        : line,
    );
  });
  lines.push([]);
  for (const text of explain.detail) {
    for (const row of wrapText(text, ctx.width)) lines.push([seg(row)]);
  }
  return lines.slice(0, ctx.height);
}
