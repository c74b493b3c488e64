/**
 * Colour themes. Values are what ink's `color`/`backgroundColor` accept (chalk names or `#rrggbb`);
 * `undefined` leaves the terminal's own foreground, which is what keeps text readable on both dark and
 * light backgrounds.
 */
export interface Theme {
  readonly name: string;
  /** Ordinary text; undefined = the terminal's default foreground. */
  readonly text: string | undefined;
  /** Secondary text: labels, units, column titles. */
  readonly dim: string;
  /** Headings and the active tab. */
  readonly accent: string;
  /** The top line. */
  readonly headerFg: string;
  readonly headerBg: string;
  /** The selected row. */
  readonly selectionFg: string;
  readonly selectionBg: string;
  /** Levels: fine, worth a look, bad. */
  readonly good: string;
  readonly warn: string;
  readonly bad: string;
  /** Graph colours: primary (reads, rx, user), secondary (writes, tx, system). */
  readonly graph: string;
  readonly graphAlt: string;
  /** Draw text bold where emphasis matters (the high-contrast theme leans on it). */
  readonly bold: boolean;
}

export const THEMES: readonly Theme[] = [
  {
    name: 'dark',
    text: undefined,
    dim: 'gray',
    accent: 'cyan',
    headerFg: 'black',
    headerBg: 'cyan',
    selectionFg: 'black',
    selectionBg: 'white',
    good: 'green',
    warn: 'yellow',
    bad: 'red',
    graph: 'green',
    graphAlt: 'magenta',
    bold: false,
  },
  {
    // For light terminal backgrounds: no yellow or bright colours, which wash out on white.
    name: 'light',
    text: undefined,
    dim: '#666666',
    accent: 'blue',
    headerFg: 'white',
    headerBg: 'blue',
    selectionFg: 'white',
    selectionBg: '#444444',
    good: '#00734d',
    warn: '#a35a00',
    bad: '#b00020',
    graph: '#005f87',
    graphAlt: '#87005f',
    bold: false,
  },
  {
    // Maximum contrast: bright colours only, bold emphasis, no mid greys.
    name: 'high-contrast',
    text: 'whiteBright',
    dim: 'white',
    accent: 'yellowBright',
    headerFg: 'black',
    headerBg: 'whiteBright',
    selectionFg: 'black',
    selectionBg: 'yellowBright',
    good: 'greenBright',
    warn: 'yellowBright',
    bad: 'redBright',
    graph: 'cyanBright',
    graphAlt: 'magentaBright',
    bold: true,
  },
  {
    // Ethan Schoonover's Solarized accents (https://ethanschoonover.com/solarized/), background left to the terminal.
    name: 'solarized',
    text: '#839496',
    dim: '#586e75',
    accent: '#268bd2',
    headerFg: '#fdf6e3',
    headerBg: '#073642',
    selectionFg: '#fdf6e3',
    selectionBg: '#268bd2',
    good: '#859900',
    warn: '#b58900',
    bad: '#dc322f',
    graph: '#2aa198',
    graphAlt: '#d33682',
    bold: false,
  },
];

export function themeIndex(name: string): number {
  const index = THEMES.findIndex((t) => t.name === name);
  if (index < 0)
    throw new Error(`unknown theme ${JSON.stringify(name)} (${THEMES.map((t) => t.name).join(', ')})`);
  return index;
}

/**
 * A colour for a level, fraction 0..1, against warn/bad thresholds; `fine` below them (the text colour
 * unless a graph passes its own).
 */
export function levelColor(
  theme: Theme,
  fraction: number | null,
  warnAt = 0.7,
  badAt = 0.9,
  fine: string | undefined = theme.text,
): string | undefined {
  if (fraction === null || !Number.isFinite(fraction)) return theme.dim;
  if (fraction >= badAt) return theme.bad;
  if (fraction >= warnAt) return theme.warn;
  return fine;
}
