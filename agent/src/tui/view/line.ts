/**
 * The TUI draws lines of styled segments: each tab is a pure function from the session to `Line[]`,
 * and one small component turns them into ink `<Text>`. Rows stay one `<Text>` each, which keeps
 * ink's layout work per frame small and every view testable as plain text.
 */
export interface Segment {
  readonly text: string;
  readonly color?: string | undefined;
  readonly bg?: string | undefined;
  readonly bold?: boolean;
  readonly inverse?: boolean;
}

export type Line = readonly Segment[];

export function seg(text: string, color?: string, extra: Omit<Segment, 'text' | 'color'> = {}): Segment {
  return { text, color, ...extra };
}

export function plain(text: string): Line {
  return [{ text }];
}

export function lineText(line: Line): string {
  return line.map((s) => s.text).join('');
}

/**
 * Terminal columns a code point takes: 2 for East Asian wide and fullwidth characters and most emoji
 * (Unicode UAX #11), 0 for combining marks and zero-width characters, else 1. Process names and mount
 * points can be in any script; counting UTF-16 units would push such a row past the screen's edge.
 */
export function codePointWidth(cp: number): number {
  if (cp < 0x300) return 1;
  if (
    (cp >= 0x300 && cp <= 0x36f) ||
    (cp >= 0x200b && cp <= 0x200f) ||
    (cp >= 0x20d0 && cp <= 0x20ff) ||
    (cp >= 0xfe00 && cp <= 0xfe0f)
  ) {
    return 0;
  }
  if (
    (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0x303e) ||
    (cp >= 0x3041 && cp <= 0x33ff) ||
    (cp >= 0x3400 && cp <= 0x4dbf) ||
    (cp >= 0x4e00 && cp <= 0x9fff) ||
    (cp >= 0xa000 && cp <= 0xa4cf) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    (cp >= 0x1f300 && cp <= 0x1f64f) ||
    (cp >= 0x1f900 && cp <= 0x1f9ff) ||
    (cp >= 0x20000 && cp <= 0x3fffd)
  ) {
    return 2;
  }
  return 1;
}

const NARROW = /^[\u0020-\u02ff\u2500-\u25ff]*$/;

/** Terminal columns `text` takes (see {@link codePointWidth}). */
export function textWidth(text: string): number {
  if (NARROW.test(text)) return text.length;
  let width = 0;
  for (const ch of text) width += codePointWidth(ch.codePointAt(0) ?? 0);
  return width;
}

/** The longest start of `text` that fits in `width` columns. */
function sliceToWidth(text: string, width: number): string {
  if (NARROW.test(text)) return text.slice(0, width);
  let used = 0;
  let out = '';
  for (const ch of text) {
    const w = codePointWidth(ch.codePointAt(0) ?? 0);
    if (used + w > width) break;
    out += ch;
    used += w;
  }
  return out;
}

/** Cuts text to at most `width` columns, ending with `…` when cut. */
export function cut(text: string, width: number): string {
  if (width <= 0) return '';
  if (textWidth(text) <= width) return text;
  return width === 1 ? '…' : `${sliceToWidth(text, width - 1)}…`;
}

export function lineWidth(line: Line): number {
  let width = 0;
  for (const s of line) width += textWidth(s.text);
  return width;
}

/** Cuts the line to `width` columns (the last kept segment ends with `…`) or pads it with `fill`. */
export function fitLine(line: Line, width: number, fill?: Omit<Segment, 'text'>): Line {
  const out: Segment[] = [];
  let used = 0;
  for (const s of line) {
    if (used >= width) break;
    const room = width - used;
    const w = textWidth(s.text);
    if (w <= room) {
      out.push(s);
      used += w;
    } else {
      const text = cut(s.text, room);
      out.push({ ...s, text });
      used += textWidth(text);
      break;
    }
  }
  if (fill && used < width) out.push({ ...fill, text: ' '.repeat(width - used) });
  return out;
}

/** The same line with every segment restyled (the selected row of a table). */
export function restyle(line: Line, style: Omit<Segment, 'text'>): Line {
  return line.map((s) => ({ ...s, ...style }));
}

/** Pads or cuts text to exactly `width` columns. */
export function cell(text: string, width: number, align: 'left' | 'right' = 'left'): string {
  if (width <= 0) return '';
  const fitted = cut(text, width);
  const pad = ' '.repeat(Math.max(0, width - textWidth(fitted)));
  return align === 'left' ? fitted + pad : pad + fitted;
}

/** `12`, `12.3k`, `4.5M`: counts and rates in a few columns. */
export function formatCount(value: number | null | undefined, digits = 1): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '-';
  const abs = Math.abs(value);
  if (abs >= 1e9) return `${(value / 1e9).toFixed(digits)}G`;
  if (abs >= 1e6) return `${(value / 1e6).toFixed(digits)}M`;
  if (abs >= 1e4) return `${(value / 1e3).toFixed(digits)}k`;
  if (Number.isInteger(value)) return String(value);
  return value.toFixed(abs >= 100 ? 0 : digits);
}

/** A rate with `/s`, or `-` when unknown (a first sample). */
export function formatRate(value: number | null | undefined): string {
  return value === null || value === undefined ? '-' : `${formatCount(value)}/s`;
}

/** Link speed in bits per second: `10G`, `1G`, `100M`. */
export function formatBits(bitsPerSec: number | null | undefined): string {
  if (bitsPerSec === null || bitsPerSec === undefined || bitsPerSec <= 0) return '-';
  if (bitsPerSec >= 1e9) return `${+(bitsPerSec / 1e9).toFixed(1)}G`;
  if (bitsPerSec >= 1e6) return `${+(bitsPerSec / 1e6).toFixed(0)}M`;
  return `${+(bitsPerSec / 1e3).toFixed(0)}k`;
}

/** Epoch milliseconds → `12:00:05Z` (UTC, like every other sysray timestamp). */
export function clockTime(ms: number): string {
  return new Date(ms).toISOString().slice(11, 19) + 'Z';
}

/** Breaks text into lines of at most `width` columns at spaces (a longer word is cut). */
export function wrapText(text: string, width: number): string[] {
  if (width <= 0) return [];
  const out: string[] = [];
  for (const paragraph of text.split('\n')) {
    let current = '';
    for (const word of paragraph.split(/\s+/).filter((w) => w !== '')) {
      let rest = word;
      while (rest.length > width) {
        if (current !== '') out.push(current);
        current = '';
        out.push(rest.slice(0, width));
        rest = rest.slice(width);
      }
      if (current === '') current = rest;
      else if (current.length + 1 + rest.length <= width) current += ` ${rest}`;
      else {
        out.push(current);
        current = rest;
      }
    }
    out.push(current);
  }
  return out;
}
