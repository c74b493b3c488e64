import { describe, expect, it } from 'vitest';
import {
  BitReader,
  BitWriter,
  MAX_CODEC_INT,
  bitLength,
  decodeColumns,
  decodeTimestamps,
  decodeValues,
  encodeColumns,
  encodeTimestamps,
  encodeValues,
  unzigzag,
  zigzag,
} from '../../src/store/codec.js';
import { mulberry32 } from './helpers.js';

/** Round trip with bit-exact comparison (Object.is tells -0 from +0). */
function roundTripValues(values: readonly number[]): Uint8Array {
  const bytes = encodeValues(values);
  const back = Array.from(decodeValues(bytes, values.length));
  expect(back.length).toBe(values.length);
  for (let i = 0; i < values.length; i += 1) {
    if (!Object.is(back[i], values[i])) {
      throw new Error(`value ${i}: wrote ${values[i]}, read ${back[i]}`);
    }
  }
  return bytes;
}

function roundTripTimestamps(timestamps: readonly number[]): Uint8Array {
  const bytes = encodeTimestamps(timestamps);
  expect(Array.from(decodeTimestamps(bytes, timestamps.length))).toEqual(timestamps);
  return bytes;
}

const T0 = 1_763_786_400_000;

describe('BitWriter and BitReader', () => {
  it('round-trip bits, 32-bit words, longs and floats at every alignment', () => {
    const w = new BitWriter(1);
    const rand = mulberry32(1);
    const written: [string, number, number][] = [];
    for (let i = 0; i < 2000; i += 1) {
      const kind = i % 5;
      if (kind === 0) {
        const bit = rand() < 0.5 ? 0 : 1;
        w.writeBit(bit);
        written.push(['bit', bit, 1]);
      } else if (kind === 1) {
        const n = Math.floor(rand() * 33);
        const v = n === 0 ? 0 : Math.floor(rand() * 2 ** n);
        w.writeBits(v, n);
        written.push(['bits', v, n]);
      } else if (kind === 2) {
        const n = Math.floor(rand() * 54);
        const v = n === 0 ? 0 : Math.floor(rand() * 2 ** n);
        w.writeLong(v, n);
        written.push(['long', v, n]);
      } else if (kind === 3) {
        const v = Math.floor(rand() * 2 ** 53);
        w.writeVarLong(v);
        written.push(['var', v, 0]);
      } else {
        const v = (rand() - 0.5) * 10 ** Math.floor(rand() * 40 - 20);
        w.writeFloat64(v);
        written.push(['f64', v, 0]);
      }
    }
    const r = new BitReader(w.finish());
    for (const [kind, v, n] of written) {
      if (kind === 'bit') expect(r.readBit()).toBe(v);
      else if (kind === 'bits') expect(r.readBits(n)).toBe(v);
      else if (kind === 'long') expect(r.readLong(n)).toBe(v);
      else if (kind === 'var') expect(r.readVarLong()).toBe(v);
      else expect(r.readFloat64()).toBe(v);
    }
  });

  it('writes the top bit of a 32-bit word as an unsigned value', () => {
    const w = new BitWriter();
    w.writeBits(0xffffffff, 32);
    w.writeBits(0x80000000, 32);
    const r = new BitReader(w.finish());
    expect(r.readBits(32)).toBe(0xffffffff);
    expect(r.readBits(32)).toBe(0x80000000);
  });

  it('refuses to read past the end of a blob', () => {
    const w = new BitWriter();
    w.writeBits(5, 3);
    const r = new BitReader(w.finish());
    expect(r.readBits(8)).toBe(0b10100000);
    expect(() => r.readBit()).toThrow(/read past its end/);
  });

  it('zig-zags small magnitudes of either sign to small codes', () => {
    expect([0, -1, 1, -2, 2].map(zigzag)).toEqual([0, 1, 2, 3, 4]);
    for (const v of [0, 1, -1, 12345, -12345, 2 ** 52, -(2 ** 52)]) expect(unzigzag(zigzag(v))).toBe(v);
    expect(bitLength(0)).toBe(0);
    expect(bitLength(1)).toBe(1);
    expect(bitLength(2 ** 32)).toBe(33);
    expect(bitLength(2 ** 53 - 1)).toBe(53);
  });
});

describe('timestamps', () => {
  it('round-trips empty, single and two-sample columns', () => {
    expect(roundTripTimestamps([]).length).toBe(0);
    roundTripTimestamps([T0]);
    roundTripTimestamps([T0, T0 + 10_000]);
    roundTripTimestamps([0]);
    roundTripTimestamps([-5, 7]);
  });

  it('costs about one bit per sample at a regular interval', () => {
    const ts = Array.from({ length: 720 }, (_, i) => T0 + i * 10_000);
    const bytes = roundTripTimestamps(ts);
    // Header, first value and first delta: under 16 bytes; then one bit per timestamp.
    expect(bytes.length).toBeLessThanOrEqual(16 + 720 / 8);
  });

  it('costs under a byte per sample with a few ms of jitter', () => {
    const rand = mulberry32(7);
    const ts = Array.from({ length: 720 }, (_, i) => T0 + i * 10_000 + Math.floor(rand() * 12));
    const bytes = roundTripTimestamps(ts);
    expect(bytes.length).toBeLessThan(720);
  });

  it('round-trips irregular gaps, repeats, steps backwards and the ±2^50 extremes', () => {
    const rand = mulberry32(3);
    const ts: number[] = [T0];
    for (let i = 1; i < 500; i += 1) {
      const r = rand();
      const gap = r < 0.1 ? 0 : r < 0.2 ? -Math.floor(rand() * 5000) : Math.floor(rand() * 3_600_000);
      ts.push(ts[i - 1]! + gap);
    }
    roundTripTimestamps(ts);
    roundTripTimestamps([MAX_CODEC_INT, -MAX_CODEC_INT, MAX_CODEC_INT, 0, -MAX_CODEC_INT]);
  });

  it('rejects non-integers and magnitudes beyond 2^50', () => {
    expect(() => encodeTimestamps([T0, T0 + 0.5])).toThrow(/not an integer/);
    expect(() => encodeTimestamps([2 ** 51])).toThrow(/within ±2\^50/);
  });
});

describe('values', () => {
  it('round-trips an empty column and a single sample of every kind', () => {
    expect(encodeValues([]).length).toBe(0);
    expect(decodeValues(new Uint8Array(0), 0).length).toBe(0);
    for (const v of [0, -0, 1, -1, 0.1, 1e308, -1e308, 5e-324, -5e-324, 2 ** 53 + 2, Math.PI, 123456.789]) {
      roundTripValues([v]);
    }
  });

  it('keeps the sign of zero in every mode', () => {
    roundTripValues([-0, -0, -0]); // constant
    roundTripValues([0, -0, 0, -0]); // the decimal mode would lose it
    roundTripValues([1, 2, -0, 3]);
    roundTripValues([0.1, -0, 0.30000000000000004]);
  });

  it('stores a constant column in a few bytes whatever its length', () => {
    const bytes = roundTripValues(new Array<number>(720).fill(107_374_182_400));
    expect(bytes.length).toBeLessThanOrEqual(9);
    expect(roundTripValues(new Array<number>(720).fill(0)).length).toBeLessThanOrEqual(9);
  });

  it('codes CPU-time counters (ticks / 100) in about a byte per sample', () => {
    const rand = mulberry32(11);
    let ticks = 123_456_789;
    const values: number[] = [];
    for (let i = 0; i < 720; i += 1) {
      ticks += 900 + Math.floor(rand() * 200);
      values.push(ticks / 100);
    }
    const bytes = roundTripValues(values);
    expect(bytes.length).toBeLessThan(720 * 1.25);
  });

  it('codes integer byte counters far smaller than float XOR would', () => {
    const rand = mulberry32(5);
    let bytesCount = 48_213_377_021;
    const values: number[] = [];
    for (let i = 0; i < 720; i += 1) {
      bytesCount += Math.floor(rand() * 40_000);
      values.push(bytesCount);
    }
    expect(roundTripValues(values).length).toBeLessThan(720 * 3);
  });

  it('codes PSI averages, mostly 0.00 with a few bursts, in well under a byte per sample', () => {
    const rand = mulberry32(9);
    const values = Array.from({ length: 720 }, () => (rand() < 0.05 ? Math.round(rand() * 500) / 100 : 0));
    expect(roundTripValues(values).length).toBeLessThan(720 / 2);
  });

  it('round-trips random floats, large and small magnitudes and mixed signs', () => {
    const rand = mulberry32(13);
    const random = Array.from({ length: 1000 }, () => rand());
    roundTripValues(random);
    const wild = Array.from({ length: 1000 }, () => (rand() - 0.5) * 10 ** Math.floor(rand() * 600 - 300));
    roundTripValues(wild);
    roundTripValues([Number.MAX_VALUE, Number.MIN_VALUE, -Number.MAX_VALUE, -Number.MIN_VALUE, 1, -1]);
    roundTripValues([2 ** 53, 2 ** 53 + 2, 2 ** 60, -(2 ** 60), 1e21, 1e-21]);
  });

  it('round-trips integers at and beyond the ±2^50 edge of the decimal mode', () => {
    roundTripValues([MAX_CODEC_INT, -MAX_CODEC_INT, 0, MAX_CODEC_INT]);
    roundTripValues([MAX_CODEC_INT + 1, 1, 2]);
    roundTripValues([2 ** 52, 2 ** 52 + 1, 2 ** 52 + 3]);
  });

  it('round-trips decimals of every scale up to 9 places and beyond', () => {
    for (let k = 0; k <= 11; k += 1) {
      const p = 10 ** k;
      roundTripValues(Array.from({ length: 50 }, (_, i) => (1_000_000 + i * 37) / p));
    }
    roundTripValues([0.1, 0.2, 0.30000000000000004, 1 / 3]);
  });

  it('round-trips a counter that restarts and a gauge that swings', () => {
    roundTripValues([100, 200, 300, 5, 105, 205]);
    const rand = mulberry32(17);
    roundTripValues(Array.from({ length: 300 }, () => Math.round((rand() - 0.5) * 2 ** 40)));
  });

  it('carries infinities in the XOR mode (append rejects them; the codec does not lose them)', () => {
    roundTripValues([1.5, Infinity, -Infinity, 2.5]);
  });
});

describe('columns', () => {
  it('round-trips a timestamp column with several value columns in one blob', () => {
    const ts = [T0, T0 + 60_000, T0 + 180_000];
    const columns = [
      [6, 6, 5],
      [0.1 + 0.2, 1e-9, -3],
      [-0, 0, 1],
    ];
    const decoded = decodeColumns(encodeColumns(ts, columns), 3);
    expect(Array.from(decoded.timestamps)).toEqual(ts);
    decoded.columns.forEach((column, c) => {
      column.forEach((v, i) => expect(Object.is(v, columns[c]![i])).toBe(true));
    });
  });

  it('round-trips an empty table and refuses ragged columns', () => {
    const decoded = decodeColumns(encodeColumns([], [[], []]), 2);
    expect(decoded.timestamps.length).toBe(0);
    expect(decoded.columns.map((c) => c.length)).toEqual([0, 0]);
    expect(() => encodeColumns([1, 2], [[1]])).toThrow(/column of 1 values beside 2 timestamps/);
  });
});
