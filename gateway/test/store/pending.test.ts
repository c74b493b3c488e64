import { describe, expect, it } from 'vitest';
import { canonicalJson, parseAttributes } from '../../src/store/canonical.js';
import { PendingBuffer } from '../../src/store/pending.js';

describe('PendingBuffer', () => {
  it('keeps each series in time order whatever the arrival order, the later write winning a timestamp', () => {
    const p = new PendingBuffer();
    p.add(1, 300, 3, 1);
    p.add(1, 100, 1, 2);
    p.add(1, 200, 2, 3);
    p.add(1, 200, 20, 4);
    p.add(2, 150, 9, 5);
    expect(p.size).toBe(4);
    expect(p.range(1, 0, 1000)).toEqual({ ts: [100, 200, 300], values: [1, 20, 3] });
    expect(p.range(1, 200, 300)).toEqual({ ts: [200], values: [20] });
    expect(p.range(3, 0, 1000)).toEqual({ ts: [], values: [] });
    expect(p.before(1, 200)).toEqual({ ts: 100, value: 1 });
    expect(p.before(1, 100)).toBeUndefined();
    expect(p.last(1)).toEqual({ ts: 300, value: 3 });
    expect(p.oldestTs()).toBe(100);
    expect(p.seriesIds().sort()).toEqual([1, 2]);
  });

  it('hands out and drops a generation of samples by log sequence, keeping later writes', () => {
    const p = new PendingBuffer();
    p.add(1, 100, 1, 1);
    p.add(1, 200, 2, 2);
    p.add(1, 300, 3, 7);
    // Rewritten after the generation began: belongs to the next one.
    p.add(1, 100, 10, 8);
    expect(p.upTo(1, 5)).toEqual({ ts: [200], values: [2] });
    p.dropUpTo(1, 5);
    expect(p.range(1, 0, 1000)).toEqual({ ts: [100, 300], values: [10, 3] });
    expect(p.size).toBe(2);
    p.dropUpTo(1, 8);
    expect(p.has(1)).toBe(false);
    expect(p.size).toBe(0);
    expect(p.oldestTs()).toBe(Infinity);
  });
});

describe('canonical attributes', () => {
  it('sorts keys by code unit, integer-like ones included, and escapes what JSON must', () => {
    expect(canonicalJson({ b: '1', a: '2' })).toBe('{"a":"2","b":"1"}');
    expect(canonicalJson({ '10': 'x', '2': 'y', a: 'z' })).toBe('{"10":"x","2":"y","a":"z"}');
    expect(canonicalJson({})).toBe('{}');
    const odd = { 'quote"key': 'back\\slash', tab: 'a\tb', ctl: '\u0001', emoji: '😀', lone: '\ud800' };
    const json = canonicalJson(odd);
    expect(parseAttributes(json)).toEqual(odd);
    expect(json).toBe(
      JSON.stringify(Object.fromEntries(Object.entries(odd).sort(([a], [b]) => (a < b ? -1 : 1)))),
    );
  });

  it('refuses JSON that is not an object of attributes', () => {
    expect(() => parseAttributes('[1]')).toThrow(/not a JSON object/);
    expect(parseAttributes('{"n":1}')).toEqual({ n: '1' });
  });
});
