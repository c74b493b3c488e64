/**
 * The store's compression codec, bit-level and lossless: what goes in comes out bit for bit (-0 stays -0).
 *
 * Timestamps (integer milliseconds) are delta-of-delta coded; values pick the cheapest of three modes per
 * column:
 *   - constant: every value has the same float64 bits (a filesystem size, a zero error counter);
 *   - decimal: every value is an integer scaled by 10^-k, k ≤ 9 (what the agent sends for kernel counters:
 *     USER_HZ ticks / 100, kB × 1024, microseconds / 1e6, PSI averages with two decimals); the integers are
 *     delta or delta-of-delta coded, whichever is smaller;
 *   - XOR: Gorilla-style float64 XOR with the previous value and leading/trailing-zero windows (Pelkonen et
 *     al., "Gorilla: A Fast, Scalable, In-Memory Time Series Database", VLDB 2015, section 4.1.2), for
 *     arbitrary floats such as utilization fractions.
 * Integer streams use a per-column prefix code whose two bit widths are chosen from the column's own
 * histogram, so a regular 10 s interval costs one bit per timestamp, and ±5 ms of jitter about seven.
 *
 * NaN and ±Infinity are never stored (append rejects them); the XOR mode would carry them, the decimal mode
 * never selects them.
 */

const TWO_32 = 2 ** 32;
/** Integers handled by the integer streams: |v| ≤ 2^50, so deltas of deltas and their zig-zag stay exact. */
export const MAX_CODEC_INT = 2 ** 50;
/** Largest decimal scale tried by the decimal mode (10^-9: nanoseconds as seconds). */
const MAX_DECIMAL_SCALE = 9;
const POW10 = Array.from({ length: MAX_DECIMAL_SCALE + 1 }, (_, k) => 10 ** k);

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
// Index of the high and low 32-bit words of a float64 in the platform's byte order.
const HI = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;
const LO = 1 - HI;

/** Appends bits most-significant first into a growing byte buffer. */
export class BitWriter {
  private buf: Uint8Array;
  private bitPos = 0;

  constructor(initialBytes = 256) {
    this.buf = new Uint8Array(Math.max(8, initialBytes));
  }

  /** Bits written so far. */
  get bitLength(): number {
    return this.bitPos;
  }

  private ensure(bits: number): void {
    const needed = (this.bitPos + bits + 7) >>> 3;
    if (needed <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < needed) size *= 2;
    const grown = new Uint8Array(size);
    grown.set(this.buf);
    this.buf = grown;
  }

  writeBit(bit: number): void {
    this.ensure(1);
    if (bit !== 0) this.buf[this.bitPos >>> 3]! |= 0x80 >>> (this.bitPos & 7);
    this.bitPos += 1;
  }

  /** Writes the low `n` bits of `value` (0 ≤ n ≤ 32, value an unsigned 32-bit integer). */
  writeBits(value: number, n: number): void {
    if (n === 0) return;
    this.ensure(n);
    let left = n;
    while (left > 0) {
      const offset = this.bitPos & 7;
      const free = 8 - offset;
      const take = left < free ? left : free;
      const bits = (value >>> (left - take)) & ((1 << take) - 1);
      this.buf[this.bitPos >>> 3]! |= bits << (free - take);
      this.bitPos += take;
      left -= take;
    }
  }

  /** Writes a non-negative integer below 2^53 in `n` bits (0 ≤ n ≤ 53). */
  writeLong(value: number, n: number): void {
    if (n > 32) {
      this.writeBits(Math.floor(value / TWO_32), n - 32);
      this.writeBits(value >>> 0, 32);
    } else {
      this.writeBits(value >>> 0, n);
    }
  }

  /** A non-negative integer below 2^53 as a 6-bit length and that many bits. */
  writeVarLong(value: number): void {
    const n = bitLength(value);
    this.writeBits(n, 6);
    this.writeLong(value, n);
  }

  writeFloat64(value: number): void {
    f64[0] = value;
    this.writeBits(u32[HI]!, 32);
    this.writeBits(u32[LO]!, 32);
  }

  /** The bytes written, the last one padded with zero bits. */
  finish(): Uint8Array {
    return this.buf.slice(0, (this.bitPos + 7) >>> 3);
  }
}

/** Reads what a BitWriter wrote; reading past the end is an error (a truncated or corrupt blob). */
export class BitReader {
  private bitPos = 0;
  private readonly limit: number;

  constructor(private readonly buf: Uint8Array) {
    this.limit = buf.length * 8;
  }

  private check(n: number): void {
    if (this.bitPos + n > this.limit) {
      throw new Error(`corrupt compressed block: read past its end (${this.buf.length} bytes)`);
    }
  }

  readBit(): number {
    this.check(1);
    const bit = (this.buf[this.bitPos >>> 3]! >>> (7 - (this.bitPos & 7))) & 1;
    this.bitPos += 1;
    return bit;
  }

  /** Reads `n` bits (0 ≤ n ≤ 32) as an unsigned integer. */
  readBits(n: number): number {
    if (n === 0) return 0;
    this.check(n);
    let value = 0;
    let left = n;
    while (left > 0) {
      const offset = this.bitPos & 7;
      const free = 8 - offset;
      const take = left < free ? left : free;
      const bits = (this.buf[this.bitPos >>> 3]! >>> (free - take)) & ((1 << take) - 1);
      // Multiplication instead of << keeps the 32nd bit from turning the result negative.
      value = value * (1 << take) + bits;
      this.bitPos += take;
      left -= take;
    }
    return value;
  }

  readLong(n: number): number {
    if (n > 32) {
      const hi = this.readBits(n - 32);
      return hi * TWO_32 + this.readBits(32);
    }
    return this.readBits(n);
  }

  readVarLong(): number {
    return this.readLong(this.readBits(6));
  }

  readFloat64(): number {
    u32[HI] = this.readBits(32);
    u32[LO] = this.readBits(32);
    return f64[0]!;
  }
}

/** Bits needed to write a non-negative integer below 2^53 (0 for 0). */
export function bitLength(value: number): number {
  if (value < TWO_32) return 32 - Math.clz32(value);
  return 64 - Math.clz32(Math.floor(value / TWO_32));
}

/** Zig-zag: 0, -1, 1, -2, 2 … → 0, 1, 2, 3, 4 …, so small magnitudes of either sign get short codes. */
export function zigzag(value: number): number {
  return value >= 0 ? value * 2 : -value * 2 - 1;
}

export function unzigzag(value: number): number {
  return value % 2 === 0 ? value / 2 : -(value + 1) / 2;
}

// ---------------------------------------------------------------- integer streams

/**
 * The prefix code of one stream of zig-zagged integers. Variant A (`0` zero, `10`+small, `11`+large)
 * suits streams that are mostly zero; variant B (`0`+small, `1`+large) suits streams that rarely are.
 * In A a small or large code stores zz-1, since zero has its own code.
 */
interface StreamCode {
  readonly zeroCode: boolean;
  readonly small: number;
  readonly large: number;
  readonly bits: number;
}

/** Picks the cheapest prefix code for a stream from the histogram of its bit lengths. */
function chooseCode(zz: ArrayLike<number>): StreamCode {
  const histA = new Array<number>(54).fill(0); // bit length of zz - 1 for zz > 0
  const histB = new Array<number>(54).fill(0); // bit length of zz
  let zeros = 0;
  let maxA = 0;
  let maxB = 0;
  for (let i = 0; i < zz.length; i += 1) {
    const v = zz[i]!;
    if (v === 0) {
      zeros += 1;
    } else {
      const la = bitLength(v - 1);
      histA[la]! += 1;
      if (la > maxA) maxA = la;
    }
    const lb = bitLength(v);
    histB[lb]! += 1;
    if (lb > maxB) maxB = lb;
  }
  let best: StreamCode = { zeroCode: true, small: maxA, large: maxA, bits: Infinity };
  // Variant A: zeros cost 1 bit; lengths ≤ small cost 2 + small; the rest 2 + large.
  for (let small = 0; small <= maxA; small += 1) {
    let bits = zeros;
    for (let len = 0; len <= maxA; len += 1) bits += histA[len]! * (2 + (len <= small ? small : maxA));
    if (bits < best.bits) best = { zeroCode: true, small, large: maxA, bits };
  }
  // Variant B: lengths ≤ small cost 1 + small; the rest 1 + large.
  for (let small = 0; small <= maxB; small += 1) {
    let bits = 0;
    for (let len = 0; len <= maxB; len += 1) bits += histB[len]! * (1 + (len <= small ? small : maxB));
    if (bits < best.bits) best = { zeroCode: false, small, large: maxB, bits };
  }
  return best;
}

function writeStream(w: BitWriter, zz: ArrayLike<number>, code: StreamCode): void {
  w.writeBit(code.zeroCode ? 1 : 0);
  w.writeBits(code.small, 6);
  w.writeBits(code.large, 6);
  const smallLimit = 2 ** code.small;
  for (let i = 0; i < zz.length; i += 1) {
    const v = zz[i]!;
    if (code.zeroCode) {
      if (v === 0) {
        w.writeBit(0);
      } else if (v - 1 < smallLimit) {
        w.writeBits(0b10, 2);
        w.writeLong(v - 1, code.small);
      } else {
        w.writeBits(0b11, 2);
        w.writeLong(v - 1, code.large);
      }
    } else if (v < smallLimit) {
      w.writeBit(0);
      w.writeLong(v, code.small);
    } else {
      w.writeBit(1);
      w.writeLong(v, code.large);
    }
  }
}

function readStream(r: BitReader, count: number, out: (zz: number) => void): void {
  const zeroCode = r.readBit() === 1;
  const small = r.readBits(6);
  const large = r.readBits(6);
  for (let i = 0; i < count; i += 1) {
    if (zeroCode) {
      if (r.readBit() === 0) {
        out(0);
      } else {
        const isLarge = r.readBit() === 1;
        out(r.readLong(isLarge ? large : small) + 1);
      }
    } else if (r.readBit() === 0) {
      out(r.readLong(small));
    } else {
      out(r.readLong(large));
    }
  }
}

function assertCodecInt(value: number, what: string): void {
  if (!Number.isInteger(value) || Math.abs(value) > MAX_CODEC_INT) {
    throw new RangeError(`${what} ${value} is not an integer within ±2^50`);
  }
}

function gcd(a: number, b: number): number {
  while (b !== 0) {
    const t = a % b;
    a = b;
    b = t;
  }
  return a;
}

/**
 * Writes integers (|v| ≤ 2^50): the first as a zig-zag var-long, the greatest common divisor of the
 * deltas when above 1 (bytes counted in kB × 1024 or 4 KiB blocks move in multiples of 1024 or 4096,
 * frequencies in kHz × 1000: dividing saves 10 to 12 bits per changed value), then either the deltas or
 * the first delta and the deltas of deltas, whichever codes smaller. A regular series (timestamps every
 * 10 s, a counter growing steadily) costs about a bit per value; a level that rarely moves takes deltas.
 */
export function writeInts(w: BitWriter, values: ArrayLike<number>): void {
  const n = values.length;
  if (n === 0) return;
  for (let i = 0; i < n; i += 1) assertCodecInt(values[i]!, 'integer');
  w.writeVarLong(zigzag(values[0]!));
  if (n === 1) return;
  const raw = new Float64Array(n - 1);
  let factor = 0;
  for (let i = 1; i < n; i += 1) {
    raw[i - 1] = values[i]! - values[i - 1]!;
    // Once the divisor is 1 it stays 1: skip the remaining (slow, floating-point) remainders.
    if (factor !== 1) factor = gcd(Math.abs(raw[i - 1]!), factor);
  }
  if (factor > 1) {
    w.writeBit(1);
    w.writeVarLong(factor);
    for (let i = 0; i < n - 1; i += 1) raw[i] = raw[i]! / factor;
  } else {
    w.writeBit(0);
  }
  const deltas = new Float64Array(n - 1);
  for (let i = 0; i < n - 1; i += 1) deltas[i] = zigzag(raw[i]!);
  const dods = new Float64Array(Math.max(0, n - 2));
  for (let i = 1; i < n - 1; i += 1) dods[i - 1] = zigzag(raw[i]! - raw[i - 1]!);
  const deltaCode = chooseCode(deltas);
  const dodCode = chooseCode(dods);
  // The delta-of-delta form also carries the first delta as a var-long (6 + its bits).
  const dodBits = dodCode.bits + 6 + bitLength(deltas[0]!);
  if (dodBits < deltaCode.bits) {
    w.writeBit(1);
    w.writeVarLong(deltas[0]!);
    writeStream(w, dods, dodCode);
  } else {
    w.writeBit(0);
    writeStream(w, deltas, deltaCode);
  }
}

export function readInts(r: BitReader, count: number): Float64Array {
  const out = new Float64Array(count);
  if (count === 0) return out;
  out[0] = unzigzag(r.readVarLong());
  if (count === 1) return out;
  const factor = r.readBit() === 1 ? r.readVarLong() : 1;
  if (r.readBit() === 1) {
    let delta = unzigzag(r.readVarLong());
    out[1] = out[0]! + delta * factor;
    let i = 2;
    readStream(r, count - 2, (zz) => {
      delta += unzigzag(zz);
      out[i] = out[i - 1]! + delta * factor;
      i += 1;
    });
  } else {
    let i = 1;
    readStream(r, count - 1, (zz) => {
      out[i] = out[i - 1]! + unzigzag(zz) * factor;
      i += 1;
    });
  }
  return out;
}

// ---------------------------------------------------------------- values

const MODE_CONSTANT = 0;
const MODE_DECIMAL = 1;
const MODE_XOR = 2;

function sameBits(a: number, b: number): boolean {
  return a === b ? a !== 0 || 1 / a === 1 / b : a !== a && b !== b;
}

/** The smallest k ≤ 9 such that every value is an integer m with m / 10^k === value (and none is -0), or -1. */
export function decimalScale(values: ArrayLike<number>): number {
  for (let k = 0; k <= MAX_DECIMAL_SCALE; k += 1) {
    const p = POW10[k]!;
    let ok = true;
    for (let i = 0; i < values.length; i += 1) {
      const v = values[i]!;
      // -0 would come back as +0: only the XOR mode keeps its sign bit.
      if (v === 0 && 1 / v < 0) return -1;
      const m = Math.round(v * p);
      if (!(Math.abs(m) <= MAX_CODEC_INT) || m / p !== v) {
        ok = false;
        break;
      }
    }
    if (ok) return k;
  }
  return -1;
}

function writeXor(w: BitWriter, values: ArrayLike<number>): void {
  f64[0] = values[0]!;
  let prevHi = u32[HI]!;
  let prevLo = u32[LO]!;
  w.writeBits(prevHi, 32);
  w.writeBits(prevLo, 32);
  // The window of the previous XOR: leading zeros and meaningful length. 64 = no window yet.
  let windowLead = 64;
  let windowLen = 0;
  for (let i = 1; i < values.length; i += 1) {
    f64[0] = values[i]!;
    const hi = u32[HI]!;
    const lo = u32[LO]!;
    const xHi = (hi ^ prevHi) >>> 0;
    const xLo = (lo ^ prevLo) >>> 0;
    prevHi = hi;
    prevLo = lo;
    if (xHi === 0 && xLo === 0) {
      w.writeBit(0);
      continue;
    }
    let lead = xHi !== 0 ? Math.clz32(xHi) : 32 + Math.clz32(xLo);
    const trail = xLo !== 0 ? ctz32(xLo) : 32 + ctz32(xHi);
    if (lead > 31) lead = 31; // the window start has 5 bits
    const windowTrail = 64 - windowLead - windowLen;
    if (windowLead !== 64 && lead >= windowLead && trail >= windowTrail) {
      w.writeBits(0b10, 2);
      writeMeaningful(w, xHi, xLo, windowTrail, windowLen);
    } else {
      const len = 64 - lead - trail;
      w.writeBits(0b11, 2);
      w.writeBits(lead, 5);
      w.writeBits(len - 1, 6);
      writeMeaningful(w, xHi, xLo, trail, len);
      windowLead = lead;
      windowLen = len;
    }
  }
}

function ctz32(v: number): number {
  return 31 - Math.clz32(v & -v);
}

/** Writes bits [shift, shift + len) of the 64-bit (hi, lo), most significant first. */
function writeMeaningful(w: BitWriter, hi: number, lo: number, shift: number, len: number): void {
  let sHi: number;
  let sLo: number;
  if (shift === 0) {
    sHi = hi;
    sLo = lo;
  } else if (shift >= 32) {
    sHi = 0;
    sLo = hi >>> (shift - 32);
  } else {
    sHi = hi >>> shift;
    sLo = ((lo >>> shift) | (hi << (32 - shift))) >>> 0;
  }
  if (len > 32) {
    w.writeBits(sHi, len - 32);
    w.writeBits(sLo, 32);
  } else {
    w.writeBits(len === 32 ? sLo : sLo & ((2 ** len - 1) >>> 0), len);
  }
}

/** Reads `len` bits and places them at [shift, shift + len) of a 64-bit (hi, lo). */
function readMeaningful(r: BitReader, shift: number, len: number): [number, number] {
  let vHi = 0;
  let vLo: number;
  if (len > 32) {
    vHi = r.readBits(len - 32);
    vLo = r.readBits(32);
  } else {
    vLo = r.readBits(len);
  }
  if (shift === 0) return [vHi, vLo];
  if (shift >= 32) return [(vLo << (shift - 32)) >>> 0, 0];
  return [((vHi << shift) | (vLo >>> (32 - shift))) >>> 0, (vLo << shift) >>> 0];
}

function readXor(r: BitReader, count: number, out: Float64Array): void {
  let hi = r.readBits(32);
  let lo = r.readBits(32);
  u32[HI] = hi;
  u32[LO] = lo;
  out[0] = f64[0]!;
  let windowLead = 0;
  let windowLen = 0;
  for (let i = 1; i < count; i += 1) {
    if (r.readBit() === 1) {
      if (r.readBit() === 1) {
        windowLead = r.readBits(5);
        windowLen = r.readBits(6) + 1;
      }
      const [xHi, xLo] = readMeaningful(r, 64 - windowLead - windowLen, windowLen);
      hi = (hi ^ xHi) >>> 0;
      lo = (lo ^ xLo) >>> 0;
    }
    u32[HI] = hi;
    u32[LO] = lo;
    out[i] = f64[0]!;
  }
}

/** Writes a column of float64 values in the cheapest mode; the count is kept by the caller. */
export function writeValues(w: BitWriter, values: ArrayLike<number>): void {
  const n = values.length;
  if (n === 0) return;
  let constant = true;
  for (let i = 1; i < n && constant; i += 1) constant = sameBits(values[i]!, values[0]!);
  if (constant) {
    w.writeBits(MODE_CONSTANT, 2);
    w.writeFloat64(values[0]!);
    return;
  }
  const k = decimalScale(values);
  if (k >= 0) {
    const p = POW10[k]!;
    const ints = new Float64Array(n);
    for (let i = 0; i < n; i += 1) ints[i] = Math.round(values[i]! * p);
    w.writeBits(MODE_DECIMAL, 2);
    w.writeBits(k, 4);
    writeInts(w, ints);
    return;
  }
  w.writeBits(MODE_XOR, 2);
  writeXor(w, values);
}

export function readValues(r: BitReader, count: number): Float64Array {
  const out = new Float64Array(count);
  if (count === 0) return out;
  const mode = r.readBits(2);
  if (mode === MODE_CONSTANT) {
    out.fill(r.readFloat64());
  } else if (mode === MODE_DECIMAL) {
    const k = r.readBits(4);
    if (k > MAX_DECIMAL_SCALE) throw new Error(`corrupt compressed block: decimal scale ${k}`);
    const p = POW10[k]!;
    const ints = readInts(r, count);
    for (let i = 0; i < count; i += 1) out[i] = ints[i]! / p;
  } else if (mode === MODE_XOR) {
    readXor(r, count, out);
  } else {
    throw new Error(`corrupt compressed block: value mode ${mode}`);
  }
  return out;
}

// ---------------------------------------------------------------- whole blobs

/** Timestamps (integer ms, |t| ≤ 2^50) as one blob; the count is stored beside it. */
export function encodeTimestamps(timestamps: ArrayLike<number>): Uint8Array {
  const w = new BitWriter(16 + timestamps.length);
  writeInts(w, timestamps);
  return w.finish();
}

export function decodeTimestamps(bytes: Uint8Array, count: number): Float64Array {
  return readInts(new BitReader(bytes), count);
}

/** One column of values as a blob; the count is stored beside it. */
export function encodeValues(values: ArrayLike<number>): Uint8Array {
  const w = new BitWriter(16 + values.length * 2);
  writeValues(w, values);
  return w.finish();
}

export function decodeValues(bytes: Uint8Array, count: number): Float64Array {
  return readValues(new BitReader(bytes), count);
}

/**
 * A small table as one blob: a count, a timestamp column and value columns of that length. The column
 * count is fixed by the caller (a rollup block always has the same columns).
 */
export function encodeColumns(
  timestamps: ArrayLike<number>,
  columns: readonly ArrayLike<number>[],
): Uint8Array {
  const n = timestamps.length;
  for (const column of columns) {
    if (column.length !== n) throw new RangeError(`column of ${column.length} values beside ${n} timestamps`);
  }
  const w = new BitWriter(32 + n * (1 + columns.length * 2));
  w.writeVarLong(n);
  writeInts(w, timestamps);
  for (const column of columns) writeValues(w, column);
  return w.finish();
}

export function decodeColumns(
  bytes: Uint8Array,
  columnCount: number,
): { readonly timestamps: Float64Array; readonly columns: Float64Array[] } {
  const r = new BitReader(bytes);
  const n = r.readVarLong();
  const timestamps = readInts(r, n);
  const columns: Float64Array[] = [];
  for (let c = 0; c < columnCount; c += 1) columns.push(readValues(r, n));
  return { timestamps, columns };
}
