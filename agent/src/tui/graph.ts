/**
 * Text graphs for the TUI, pure functions of numbers to strings: sparklines (one row), area graphs
 * (several rows of eighth-blocks) and horizontal bars. A missing sample (null) is drawn as a blank
 * column, never as zero.
 */

/** Eighth-height blocks, index 0 = empty, 8 = full (U+2581..U+2588). */
const V_BLOCKS = [' ', '▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'] as const;
/** Eighth-width blocks for bars (U+258F..U+2589, then full). */
const H_BLOCKS = ['', '▏', '▎', '▍', '▌', '▋', '▊', '▉'] as const;

export interface GraphScale {
  /** Value drawn as empty; default 0. */
  readonly min?: number;
  /** Value drawn as full; default the largest value in view (at least `minMax`). */
  readonly max?: number;
  /** Floor for the automatic maximum, so a flat line of tiny values does not fill the graph. */
  readonly minMax?: number;
}

function resolveScale(values: readonly (number | null)[], scale: GraphScale): [number, number] {
  const min = scale.min ?? 0;
  let max = scale.max;
  if (max === undefined) {
    max = scale.minMax ?? 0;
    for (const v of values) if (v !== null && Number.isFinite(v) && v > max) max = v;
  }
  return [min, max > min ? max : min + 1];
}

/** The last `width` values, padded on the left with nulls when there are fewer. */
function lastN(values: readonly (number | null)[], width: number): (number | null)[] {
  if (values.length >= width) return values.slice(values.length - width);
  return [...new Array<number | null>(width - values.length).fill(null), ...values];
}

/**
 * One row, one column per value: `▁` for the minimum (a real zero stays visible), `█` for the maximum,
 * a space for a missing sample.
 */
export function sparkline(values: readonly (number | null)[], width: number, scale: GraphScale = {}): string {
  if (width <= 0) return '';
  const view = lastN(values, width);
  const [min, max] = resolveScale(view, scale);
  let out = '';
  for (const v of view) {
    if (v === null || !Number.isFinite(v)) {
      out += ' ';
      continue;
    }
    const level = Math.round(((Math.min(max, Math.max(min, v)) - min) / (max - min)) * 7) + 1;
    out += V_BLOCKS[level] ?? '█';
  }
  return out;
}

/**
 * A graph `height` rows tall (top row first), one column per value, filled from the bottom in eighths
 * of a row. A positive value always shows at least one eighth.
 */
export function areaGraph(
  values: readonly (number | null)[],
  width: number,
  height: number,
  scale: GraphScale = {},
): string[] {
  if (width <= 0 || height <= 0) return [];
  const view = lastN(values, width);
  const [min, max] = resolveScale(view, scale);
  const eighths = view.map((v) => {
    if (v === null || !Number.isFinite(v)) return -1;
    const clamped = Math.min(max, Math.max(min, v));
    const filled = Math.round(((clamped - min) / (max - min)) * height * 8);
    return clamped > min && filled === 0 ? 1 : filled;
  });
  const rows: string[] = [];
  for (let row = height - 1; row >= 0; row -= 1) {
    let line = '';
    for (const e of eighths) {
      const inRow = e < 0 ? 0 : Math.min(8, Math.max(0, e - row * 8));
      line += V_BLOCKS[inRow] ?? ' ';
    }
    rows.push(line);
  }
  return rows;
}

/** A horizontal bar exactly `width` columns wide for a fraction 0..1 (clamped), in eighths; `fill` pads. */
export function bar(fraction: number | null, width: number, fill = ' '): string {
  if (width <= 0) return '';
  if (fraction === null || !Number.isFinite(fraction)) return fill.repeat(width);
  const eighths = Math.round(Math.min(1, Math.max(0, fraction)) * width * 8);
  const full = Math.floor(eighths / 8);
  const part = H_BLOCKS[eighths % 8] ?? '';
  const text = '█'.repeat(full) + part;
  return text + fill.repeat(Math.max(0, width - full - (part === '' ? 0 : 1)));
}
