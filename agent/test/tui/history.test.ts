import { describe, expect, it } from 'vitest';
import { MetricHistory, RingBuffer, SeriesRing } from '../../src/tui/history.js';

describe('SeriesRing', () => {
  it('keeps the newest `capacity` samples by sequence number', () => {
    const ring = new SeriesRing(3);
    for (let seq = 0; seq < 5; seq += 1) ring.push(seq, seq * 10);
    expect(ring.length).toBe(3);
    expect(ring.lastSequence).toBe(4);
    expect(ring.at(1)).toBeNull(); // scrolled out
    expect(ring.at(2)).toBe(20);
    expect(ring.latest()).toBe(40);
    expect(ring.window(4, 5)).toEqual([null, null, 20, 30, 40]);
  });

  it('reads a window ending at an earlier sample (scrubbing)', () => {
    const ring = new SeriesRing(10);
    for (let seq = 0; seq < 6; seq += 1) ring.push(seq, seq);
    expect(ring.window(3, 3)).toEqual([1, 2, 3]);
    expect(ring.window(7, 3)).toEqual([5, null, null]);
  });

  it('stores a missing value as a gap, never as zero', () => {
    const ring = new SeriesRing(5);
    ring.push(0, null);
    ring.push(1, Number.NaN);
    ring.push(2, 0);
    expect(ring.window(2, 3)).toEqual([null, null, 0]);
  });

  it('fills skipped sequence numbers with gaps and overwrites a repeated one', () => {
    const ring = new SeriesRing(4);
    ring.push(0, 1);
    ring.push(3, 4);
    expect(ring.window(3, 4)).toEqual([1, null, null, 4]);
    ring.push(3, 5);
    expect(ring.latest()).toBe(5);
    ring.push(1, 99); // older than the last: ignored
    expect(ring.at(1)).toBeNull();
    // A jump past the whole capacity clears everything before it.
    ring.push(20, 7);
    expect(ring.window(20, 4)).toEqual([null, null, null, 7]);
  });

  it('rejects a capacity that is not a positive integer', () => {
    expect(() => new SeriesRing(0)).toThrow(/positive integer/);
    expect(() => new SeriesRing(1.5)).toThrow(/positive integer/);
  });
});

describe('MetricHistory', () => {
  it('creates series on their first value and answers unknown keys with gaps', () => {
    const history = new MetricHistory(4);
    history.record(0, 'cpu', null); // no series for a lone null
    expect(history.size).toBe(0);
    history.record(1, 'cpu', 0.5);
    expect(history.at('cpu', 1)).toBe(0.5);
    expect(history.window('nope', 1, 2)).toEqual([null, null]);
  });

  it('drops the series updated least recently beyond maxSeries', () => {
    const history = new MetricHistory(4, 2);
    history.record(0, 'old', 1);
    history.record(1, 'mid', 2);
    history.record(2, 'new', 3);
    history.prune();
    expect(history.size).toBe(2);
    expect(history.get('old')).toBeUndefined();
    expect(history.at('new', 2)).toBe(3);
  });
});

describe('RingBuffer', () => {
  it('drops the oldest item past capacity and lists oldest first', () => {
    const ring = new RingBuffer<string>(2);
    ring.push('a');
    ring.push('b');
    ring.push('c');
    expect(ring.toArray()).toEqual(['b', 'c']);
    expect(ring.at(0)).toBe('b');
    expect(ring.at(2)).toBeUndefined();
    expect(ring.last()).toBe('c');
    expect(ring.length).toBe(2);
  });
});
