import type { Line, Segment } from './view/line.js';

/**
 * Styled lines as ANSI SGR text (ECMA-48 §8.3.117): the screen reaches ink as one pre-styled string
 * instead of hundreds of nested `<Text>` elements, which spares React and ink a node per colour run on
 * every frame. Colours follow what the terminal supports, as Node reports it (`tty.WriteStream
 * .getColorDepth()`, which honours NO_COLOR, FORCE_COLOR and TERM).
 */

/** Bits of colour: 1 none, 4 the 16 ANSI colours, 8 the 256-colour palette, 24 true colour. */
export type ColorDepth = 1 | 4 | 8 | 24;

export function colorDepthOf(stream: { getColorDepth?: () => number } | undefined): ColorDepth {
  const depth = typeof stream?.getColorDepth === 'function' ? stream.getColorDepth() : 1;
  return depth >= 24 ? 24 : depth >= 8 ? 8 : depth >= 4 ? 4 : 1;
}

/** chalk's colour names (what ink's `color` takes) to their SGR foreground codes. */
const NAMED: Readonly<Record<string, number>> = {
  black: 30,
  red: 31,
  green: 32,
  yellow: 33,
  blue: 34,
  magenta: 35,
  cyan: 36,
  white: 37,
  gray: 90,
  grey: 90,
  blackBright: 90,
  redBright: 91,
  greenBright: 92,
  yellowBright: 93,
  blueBright: 94,
  magentaBright: 95,
  cyanBright: 96,
  whiteBright: 97,
};

/** The 16 ANSI colours as RGB (xterm defaults), to map a hex colour on a 16-colour terminal. */
const BASIC_RGB: readonly (readonly [code: number, r: number, g: number, b: number])[] = [
  [30, 0, 0, 0],
  [31, 205, 0, 0],
  [32, 0, 205, 0],
  [33, 205, 205, 0],
  [34, 0, 0, 238],
  [35, 205, 0, 205],
  [36, 0, 205, 205],
  [37, 229, 229, 229],
  [90, 127, 127, 127],
  [91, 255, 0, 0],
  [92, 0, 255, 0],
  [93, 255, 255, 0],
  [94, 92, 92, 255],
  [95, 255, 0, 255],
  [96, 0, 255, 255],
  [97, 255, 255, 255],
];

function hexRgb(color: string): [number, number, number] | null {
  const match = /^#([0-9a-f]{6})$/i.exec(color);
  if (!match) return null;
  const n = Number.parseInt(match[1] ?? '0', 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

/** The 256-colour palette index closest to an RGB colour (6×6×6 cube or the grey ramp). */
function ansi256(r: number, g: number, b: number): number {
  if (r === g && g === b) {
    if (r < 8) return 16;
    if (r > 248) return 231;
    return Math.round(((r - 8) / 247) * 24) + 232;
  }
  const level = (v: number): number => Math.round((v / 255) * 5);
  return 16 + 36 * level(r) + 6 * level(g) + level(b);
}

function nearestBasic(r: number, g: number, b: number): number {
  let best = 37;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const [code, cr, cg, cb] of BASIC_RGB) {
    const distance = (r - cr) ** 2 + (g - cg) ** 2 + (b - cb) ** 2;
    if (distance < bestDistance) {
      bestDistance = distance;
      best = code;
    }
  }
  return best;
}

/** SGR parameters for a colour (foreground, or background with `background`), or null for none. */
export function colorCode(color: string | undefined, depth: ColorDepth, background = false): string | null {
  if (color === undefined || depth === 1) return null;
  const shift = background ? 10 : 0;
  const named = NAMED[color];
  if (named !== undefined) return String(named + shift);
  const rgb = hexRgb(color);
  if (!rgb) return null;
  const [r, g, b] = rgb;
  if (depth === 24) return `${background ? 48 : 38};2;${r};${g};${b}`;
  if (depth === 8) return `${background ? 48 : 38};5;${ansi256(r, g, b)}`;
  return String(nearestBasic(r, g, b) + shift);
}

const ESC = '\u001b[';

function styled(segment: Segment, base: string | undefined, depth: ColorDepth): string {
  const codes: string[] = [];
  const fg = colorCode(segment.color ?? base, depth);
  if (fg !== null) codes.push(fg);
  const bg = colorCode(segment.bg, depth, true);
  if (bg !== null) codes.push(bg);
  // Bold and inverse carry meaning without colour too: without colours, a background (the top line, the
  // active tab, the selected row) shows as inverse video.
  if (segment.bold) codes.push('1');
  if (segment.inverse || (depth === 1 && segment.bg !== undefined)) codes.push('7');
  return codes.length === 0 ? segment.text : `${ESC}${codes.join(';')}m${segment.text}${ESC}0m`;
}

/** One line as text with SGR sequences; `base` colours segments that have no colour of their own. */
export function ansiLine(line: Line, depth: ColorDepth, base?: string): string {
  let out = '';
  let run: Segment | undefined;
  // Adjacent segments of one style share one escape sequence.
  for (const segment of line) {
    if (segment.text === '') continue;
    if (
      run !== undefined &&
      run.color === segment.color &&
      run.bg === segment.bg &&
      Boolean(run.bold) === Boolean(segment.bold) &&
      Boolean(run.inverse) === Boolean(segment.inverse)
    ) {
      run = { ...run, text: run.text + segment.text };
    } else {
      if (run !== undefined) out += styled(run, base, depth);
      run = segment;
    }
  }
  if (run !== undefined) out += styled(run, base, depth);
  return out;
}

/** A whole screen: lines joined by newlines. */
export function ansiScreen(lines: readonly Line[], depth: ColorDepth, base?: string): string {
  return lines.map((line) => ansiLine(line, depth, base)).join('\n');
}
