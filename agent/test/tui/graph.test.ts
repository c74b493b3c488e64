import { describe, expect, it } from 'vitest';
import { ansiLine, colorCode, colorDepthOf } from '../../src/tui/ansi.js';
import { areaGraph, bar, sparkline } from '../../src/tui/graph.js';
import {
  cell,
  fitLine,
  formatBits,
  formatCount,
  formatRate,
  lineText,
  seg,
  textWidth,
  wrapText,
} from '../../src/tui/view/line.js';

describe('sparkline', () => {
  it('maps the range onto eight levels, a real zero on the lowest', () => {
    expect(sparkline([0, 1, 2, 3, 4, 5, 6, 7], 8, { min: 0, max: 7 })).toBe('▁▂▃▄▅▆▇█');
  });

  it('draws a missing sample as a blank and pads on the left when history is short', () => {
    expect(sparkline([null, 4], 4, { max: 4 })).toBe('   █');
  });

  it('keeps the newest values when there are more than fit', () => {
    expect(sparkline([8, 8, 0, 8], 2, { max: 8 })).toBe('▁█');
  });

  it('scales to the largest value in view, not below minMax', () => {
    expect(sparkline([1, 2], 2)).toBe('▅█');
    expect(sparkline([1, 1], 2, { minMax: 8 })).toBe('▂▂');
  });

  it('clamps values outside the scale and returns nothing for no width', () => {
    expect(sparkline([-5, 50], 2, { min: 0, max: 10 })).toBe('▁█');
    expect(sparkline([1], 0)).toBe('');
  });
});

describe('areaGraph', () => {
  it('fills columns from the bottom in eighths of a row', () => {
    // 0.5 of a 2-row graph is one full row; 0.25 is half a row.
    expect(areaGraph([1, 0.5, 0.25, 0], 4, 2, { min: 0, max: 1 })).toEqual(['█   ', '██▄ ']);
  });

  it('shows any positive value with at least one eighth and a gap as blank', () => {
    expect(areaGraph([0.001, null], 2, 1, { min: 0, max: 1 })).toEqual(['▁ ']);
  });
});

describe('bar', () => {
  it('is exactly the width asked, with eighth-width partial blocks', () => {
    expect(bar(0.5, 4)).toBe('██  ');
    expect(bar(0.0625, 2, '·')).toBe('▏·');
    expect(bar(2, 3)).toBe('███');
    expect(bar(null, 3, '·')).toBe('···');
  });
});

describe('line helpers', () => {
  it('fitLine cuts with an ellipsis and pads with a styled fill', () => {
    const line = [seg('abc'), seg('defgh', 'red')];
    expect(lineText(fitLine(line, 5))).toBe('abcd…');
    const padded = fitLine([seg('ab')], 4, { bg: 'blue' });
    expect(lineText(padded)).toBe('ab  ');
    expect(padded[1]?.bg).toBe('blue');
  });

  it('cell pads and aligns', () => {
    expect(cell('7', 3, 'right')).toBe('  7');
    expect(cell('toolong', 4)).toBe('too…');
  });

  it('counts terminal columns, not UTF-16 units', () => {
    expect(textWidth('abc▁█')).toBe(5);
    expect(textWidth('数据')).toBe(4);
    expect(textWidth('e\u0301')).toBe(1); // e + combining acute
    expect(cell('数据库', 5)).toBe('数据…');
    expect(cell('数据', 6, 'right')).toBe('  数据');
    expect(lineText(fitLine([seg('ab'), seg('数据库')], 5))).toBe('ab数…');
  });

  it('formats counts, rates and link speeds compactly', () => {
    expect(formatCount(12)).toBe('12');
    expect(formatCount(12_345)).toBe('12.3k');
    expect(formatCount(4_500_000)).toBe('4.5M');
    expect(formatCount(2.345)).toBe('2.3');
    expect(formatRate(null)).toBe('-');
    expect(formatRate(1500)).toBe('1500/s');
    expect(formatBits(25e9)).toBe('25G');
    expect(formatBits(-1)).toBe('-');
  });

  it('wrapText breaks at spaces and cuts words longer than the width', () => {
    expect(wrapText('one two three', 7)).toEqual(['one two', 'three']);
    expect(wrapText('abcdefghij', 4)).toEqual(['abcd', 'efgh', 'ij']);
  });
});

describe('ANSI styling of lines', () => {
  it('maps chalk names and hex colours to what the terminal supports', () => {
    expect(colorCode('red', 4)).toBe('31');
    expect(colorCode('cyanBright', 24, true)).toBe('106');
    expect(colorCode('#268bd2', 24)).toBe('38;2;38;139;210');
    expect(colorCode('#268bd2', 8)).toBe('38;5;74');
    expect(colorCode('#268bd2', 8, true)).toBe('48;5;74');
    expect(colorCode('#444444', 8)).toBe('38;5;238');
    expect(colorCode('#dc322f', 4)).toBe('31');
    expect(colorCode('red', 1)).toBeNull();
    expect(colorCode('nonsense', 24)).toBeNull();
  });

  it('styles runs once, resets after each, and shows a background as inverse without colours', () => {
    const line = [seg('a', 'red'), seg('b', 'red'), seg('c'), seg('d', undefined, { bold: true })];
    expect(ansiLine(line, 4)).toBe('\u001b[31mab\u001b[0mc\u001b[1md\u001b[0m');
    expect(ansiLine([seg('x', 'white', { bg: 'blue' })], 1)).toBe('\u001b[7mx\u001b[0m');
    expect(ansiLine([seg('plain')], 24, 'white')).toBe('\u001b[37mplain\u001b[0m');
    expect(colorDepthOf({ getColorDepth: () => 8 })).toBe(8);
    expect(colorDepthOf(undefined)).toBe(1);
  });
});
