import { fieldScale, formatField, gpuView } from '../gpu.js';
import { heading, sparkOf, type ViewContext } from './context.js';
import { cell, fitLine, seg, wrapText, type Line, type Segment } from './line.js';

/** The GPU tab: each device's fields with a history sparkline for the numeric ones, then other lists. */
export function gpuTabView(ctx: ViewContext): Line[] {
  const { theme } = ctx;
  const view = gpuView(ctx.frame.snapshot);
  if (view.status !== 'ok') {
    return [
      [seg('no GPU data', theme.warn, { bold: true })],
      ...wrapText(view.reason, ctx.width).map((row): Line => [seg(row, theme.dim)]),
    ];
  }
  const lines: Line[] = [];
  if (view.devices.length === 0)
    lines.push([seg('no GPU data: the GPU section lists no devices', theme.warn, { bold: true })]);
  for (const [source, reason] of view.notes) {
    for (const row of wrapText(`${source}: ${reason}`, ctx.width)) lines.push([seg(row, theme.dim)]);
  }
  const twoColumns = ctx.width >= 120;
  const columnWidth = twoColumns ? Math.floor(ctx.width / 2) : ctx.width;
  const labelWidth = Math.min(24, Math.floor(columnWidth / 3));
  const sparkWidth = Math.max(0, columnWidth - labelWidth - 12 - 3);
  for (const device of view.devices) {
    lines.push(heading(ctx, device.title));
    lines.push(fitLine([seg(device.texts.map(([k, v]) => `${k} ${v}`).join(' · '), theme.dim)], ctx.width));
    const cells: Segment[][] = device.numbers.map(([field, value]) => [
      seg(cell(field, labelWidth), theme.dim),
      seg(cell(formatField(field, value), 12, 'right')),
      seg(' '),
      seg(sparkOf(ctx, `gpu.${device.key}.${field}`, sparkWidth, fieldScale(field)), theme.graph),
      seg('  '),
    ]);
    for (let i = 0; i < cells.length; i += twoColumns ? 2 : 1) {
      const left = fitLine(cells[i] ?? [], columnWidth, {});
      lines.push(fitLine(twoColumns ? [...left, ...(cells[i + 1] ?? [])] : left, ctx.width));
    }
  }
  for (const list of view.lists) {
    lines.push(heading(ctx, list.name, `${list.items.length}`));
    for (const item of list.items) lines.push(fitLine([seg(item)], ctx.width));
  }
  return lines.slice(0, ctx.height);
}
