import { Transform, type TransformCallback } from 'node:stream';
import zlib from 'node:zlib';

/**
 * Zstandard for recording segments. Node's zlib has zstd since 22.15 / 23.8 (`zlib.createZstdCompress`);
 * on older Node (the project supports 20.19+) the codec is `@hpcc-js/wasm-zstd`, the reference C library
 * compiled to WebAssembly: no native addon, so one build still runs everywhere. It is loaded lazily, only
 * when a zstd segment is written or read.
 *
 * The WebAssembly path compresses in independent frames of at most `FRAME_INPUT_BYTES` of input (each
 * frame records its content size), which keeps memory bounded and is the standard multi-frame format
 * that `zstd -d`, `zstdcat` and Node's own decoder read (RFC 8878 §3.1: "a compressed stream is a
 * sequence of one or more frames"). Its decoder splits the stream at frame boundaries itself, so files
 * of any length are read one frame at a time.
 */

/** Input bytes per frame on the WebAssembly path. */
export const FRAME_INPUT_BYTES = 4 * 1024 * 1024;

/** Default compression level: zstd's own default, a good ratio at several hundred MB/s. */
export const ZSTD_LEVEL = 3;

export type ZstdBackendName = 'node:zlib' | '@hpcc-js/wasm-zstd';

export interface ZstdCodec {
  readonly backend: ZstdBackendName;
  /** A stream that turns plain bytes into a zstd stream. */
  compressStream(): Transform;
  /** A stream that turns a zstd stream (one or more frames) into plain bytes. */
  decompressStream(): Transform;
}

/** The zlib zstd API of Node 22.15+/23.8+, absent from Node 20's types. */
interface NativeZstdZlib {
  createZstdCompress(options?: { params?: Record<number, number> }): Transform;
  createZstdDecompress(): Transform;
  zstdCompressSync?: unknown;
  constants: Record<string, number>;
}

function nativeZstd(): NativeZstdZlib | null {
  const candidate = zlib as unknown as Partial<NativeZstdZlib>;
  return typeof candidate.createZstdCompress === 'function' &&
    typeof candidate.createZstdDecompress === 'function' &&
    typeof candidate.zstdCompressSync === 'function'
    ? (candidate as NativeZstdZlib)
    : null;
}

/** The subset of `@hpcc-js/wasm-zstd`'s `Zstd` class used here. */
interface WasmZstd {
  compress(data: Uint8Array, level?: number): Uint8Array;
  decompress(data: Uint8Array): Uint8Array;
  reset(): void;
  decompressChunk(data: Uint8Array, outputSize: number): Uint8Array;
}

// ------------------------------------------------------------------ frame boundaries (RFC 8878)

const ZSTD_MAGIC = 0xfd2fb528;
/** Skippable frames use magic numbers 0x184D2A50 to 0x184D2A5F (RFC 8878 §3.1.2). */
const SKIPPABLE_MASK = 0xfffffff0;
const SKIPPABLE_MAGIC = 0x184d2a50;

export interface FrameBoundary {
  /** Length of the whole frame in bytes. */
  readonly length: number;
  readonly skippable: boolean;
  /** Whether the header records the decompressed size (one-shot compressors do, streaming ones may not). */
  readonly contentSizeKnown: boolean;
  /**
   * An upper bound of the decompressed size from the block headers: a raw or RLE block regenerates its
   * Block_Size, a compressed one at most Block_Maximum_Size, 128 KiB (RFC 8878 §3.1.1.2.3).
   */
  readonly maxContentBytes: number;
}

const BLOCK_MAXIMUM_SIZE = 128 * 1024;

/**
 * The length of the frame that starts at `offset`, or null when `data` does not hold all of it yet.
 * Throws on bytes that are not a zstd frame. Reads only headers (RFC 8878 §3.1.1): the frame header's
 * size follows from its descriptor byte, then blocks follow, each with a 3-byte header giving its type
 * and size, the last one flagged; a 4-byte checksum ends the frame when the descriptor says so.
 */
export function zstdFrameLength(data: Uint8Array, offset = 0): FrameBoundary | null {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const available = data.byteLength - offset;
  if (available < 4) return null;
  const magic = view.getUint32(offset, true);
  if ((magic & SKIPPABLE_MASK) >>> 0 === SKIPPABLE_MAGIC) {
    if (available < 8) return null;
    const length = 8 + view.getUint32(offset + 4, true);
    return available >= length
      ? { length, skippable: true, contentSizeKnown: true, maxContentBytes: 0 }
      : null;
  }
  if (magic !== ZSTD_MAGIC) {
    throw new Error(`not a zstd frame at byte ${offset} (magic 0x${magic.toString(16).padStart(8, '0')})`);
  }
  if (available < 5) return null;
  const descriptor = data[offset + 4] ?? 0;
  if ((descriptor & 0x08) !== 0) throw new Error(`zstd frame at byte ${offset} sets the reserved bit`);
  const contentSizeFlag = descriptor >> 6;
  const singleSegment = (descriptor >> 5) & 1;
  const checksum = (descriptor >> 2) & 1;
  const dictionaryIdFlag = descriptor & 3;
  const dictionaryIdBytes = [0, 1, 2, 4][dictionaryIdFlag] ?? 0;
  const contentSizeBytes = [singleSegment ? 1 : 0, 2, 4, 8][contentSizeFlag] ?? 0;
  let position = offset + 5 + (singleSegment ? 0 : 1) + dictionaryIdBytes + contentSizeBytes;
  let maxContentBytes = 0;
  for (;;) {
    if (data.byteLength < position + 3) return null;
    const header =
      (data[position] ?? 0) | ((data[position + 1] ?? 0) << 8) | ((data[position + 2] ?? 0) << 16);
    const last = header & 1;
    const type = (header >> 1) & 3;
    const size = header >>> 3;
    if (type === 3) throw new Error(`zstd frame at byte ${offset} has a reserved block type`);
    // An RLE block stores one byte repeated `size` times.
    position += 3 + (type === 1 ? 1 : size);
    maxContentBytes += type === 2 ? BLOCK_MAXIMUM_SIZE : size;
    if (last) break;
  }
  position += checksum ? 4 : 0;
  return data.byteLength >= position
    ? { length: position - offset, skippable: false, contentSizeKnown: contentSizeBytes > 0, maxContentBytes }
    : null;
}

// ------------------------------------------------------------------ WebAssembly streams

class WasmCompressStream extends Transform {
  private pending: Buffer[] = [];
  private pendingBytes = 0;

  constructor(private readonly zstd: WasmZstd) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    try {
      while (this.pendingBytes >= FRAME_INPUT_BYTES) this.emitFrame(FRAME_INPUT_BYTES);
      callback();
    } catch (error) {
      callback(error as Error);
    }
  }

  override _flush(callback: TransformCallback): void {
    try {
      if (this.pendingBytes > 0) this.emitFrame(this.pendingBytes);
      callback();
    } catch (error) {
      callback(error as Error);
    }
  }

  private emitFrame(bytes: number): void {
    const all = Buffer.concat(this.pending, this.pendingBytes);
    const input = all.subarray(0, bytes);
    const rest = all.subarray(bytes);
    this.pending = rest.length > 0 ? [rest] : [];
    this.pendingBytes = rest.length;
    this.push(Buffer.from(this.zstd.compress(input, ZSTD_LEVEL)));
  }
}

class WasmDecompressStream extends Transform {
  private buffered: Buffer = Buffer.alloc(0);

  constructor(private readonly zstd: WasmZstd) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
    try {
      this.drainFrames();
      callback();
    } catch (error) {
      callback(error as Error);
    }
  }

  override _flush(callback: TransformCallback): void {
    try {
      this.drainFrames();
      if (this.buffered.length > 0) {
        throw new Error(
          `truncated zstd stream: ${this.buffered.length} bytes of an incomplete frame at the end`,
        );
      }
      callback();
    } catch (error) {
      callback(error as Error);
    }
  }

  private drainFrames(): void {
    let offset = 0;
    for (;;) {
      const frame = zstdFrameLength(this.buffered, offset);
      if (frame === null) break;
      if (!frame.skippable) {
        const bytes = this.buffered.subarray(offset, offset + frame.length);
        if (frame.contentSizeKnown) {
          this.push(Buffer.from(this.zstd.decompress(bytes)));
        } else {
          // A streamed frame (`zstd -c < file`) has no content size; decoding it whole into a buffer of
          // the block bound needs one streaming call, which cannot come up short.
          this.zstd.reset();
          this.push(Buffer.from(this.zstd.decompressChunk(bytes, Math.max(1, frame.maxContentBytes))));
        }
      }
      offset += frame.length;
    }
    this.buffered = this.buffered.subarray(offset);
  }
}

// ------------------------------------------------------------------ loading

export interface LoadZstdOptions {
  /** Use the WebAssembly codec even where Node has zstd (tests cover both paths this way). */
  readonly preferWasm?: boolean;
}

let wasmLoading: Promise<WasmZstd> | undefined;

async function loadWasm(): Promise<WasmZstd> {
  wasmLoading ??= (async () => {
    // The package is optional at run time: a build without it still records gzip and plain.
    const specifier = '@hpcc-js/wasm-zstd';
    const module = (await import(specifier)) as { Zstd: { load(): Promise<WasmZstd> } };
    return module.Zstd.load();
  })();
  try {
    return await wasmLoading;
  } catch (error) {
    wasmLoading = undefined;
    throw error;
  }
}

/**
 * The zstd codec of this runtime: Node's zlib where it has zstd, else the WebAssembly package. Throws an
 * Error naming what is missing when neither is there.
 */
export async function loadZstd(options: LoadZstdOptions = {}): Promise<ZstdCodec> {
  const native = options.preferWasm ? null : nativeZstd();
  if (native) {
    return {
      backend: 'node:zlib',
      compressStream: () =>
        native.createZstdCompress({
          params: { [native.constants.ZSTD_c_compressionLevel ?? 100]: ZSTD_LEVEL },
        }),
      decompressStream: () => native.createZstdDecompress(),
    };
  }
  let wasm: WasmZstd;
  try {
    wasm = await loadWasm();
  } catch (error) {
    throw new Error(
      `zstd is not available: this Node.js (${process.version}) has no zlib zstd (needs 22.15+ or 23.8+) and the ` +
        `@hpcc-js/wasm-zstd package could not be loaded (${(error as Error).message}); use --compress gzip`,
    );
  }
  return {
    backend: '@hpcc-js/wasm-zstd',
    compressStream: () => new WasmCompressStream(wasm),
    decompressStream: () => new WasmDecompressStream(wasm),
  };
}

/** Whether this Node.js has zstd in zlib (22.15+ / 23.8+). */
export function hasNativeZstd(): boolean {
  return nativeZstd() !== null;
}
