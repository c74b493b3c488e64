import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import {
  FRAME_INPUT_BYTES,
  hasNativeZstd,
  loadZstd,
  zstdFrameLength,
  type ZstdCodec,
} from '../../src/record/zstd.js';

async function through(
  stream: NodeJS.ReadWriteStream,
  input: Buffer,
  chunkBytes = 64 * 1024,
): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const pieces: Buffer[] = [];
  for (let offset = 0; offset < input.length; offset += chunkBytes)
    pieces.push(input.subarray(offset, offset + chunkBytes));
  const out = Readable.from(pieces).pipe(stream);
  for await (const chunk of out) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** JSON-like text that compresses the way snapshots do. */
function sampleText(bytes: number): Buffer {
  const parts: string[] = [];
  let size = 0;
  for (let i = 0; size < bytes; i += 1) {
    const part = `{"pid":${i},"name":"worker-${i % 17}","rssBytes":${(i * 7919) % 100000},"state":"S"}\n`;
    parts.push(part);
    size += part.length;
  }
  return Buffer.from(parts.join('')).subarray(0, bytes);
}

describe('zstdFrameLength (RFC 8878 frame boundaries)', () => {
  it('finds each frame of a multi-frame stream, and says when one is incomplete', async () => {
    const codec = await loadZstd({ preferWasm: true });
    const input = sampleText(FRAME_INPUT_BYTES * 2 + 1000);
    const compressed = await through(codec.compressStream(), input);
    const frames: number[] = [];
    for (let offset = 0; offset < compressed.length;) {
      const frame = zstdFrameLength(compressed, offset)!;
      expect(frame.skippable).toBe(false);
      expect(frame.contentSizeKnown).toBe(true);
      frames.push(frame.length);
      offset += frame.length;
    }
    expect(frames).toHaveLength(3);
    expect(frames.reduce((a, b) => a + b, 0)).toBe(compressed.length);
    expect(zstdFrameLength(compressed.subarray(0, frames[0]! - 1))).toBeNull();
    expect(zstdFrameLength(compressed.subarray(0, 3))).toBeNull();
  });

  it('skips skippable frames and rejects bytes that are not zstd', () => {
    const skippable = Buffer.from([0x50, 0x2a, 0x4d, 0x18, 3, 0, 0, 0, 9, 9, 9]);
    expect(zstdFrameLength(skippable)).toEqual({
      length: 11,
      skippable: true,
      contentSizeKnown: true,
      maxContentBytes: 0,
    });
    expect(zstdFrameLength(skippable.subarray(0, 10))).toBeNull();
    expect(() => zstdFrameLength(Buffer.from('{"schema":1}'))).toThrow(
      /not a zstd frame at byte 0 \(magic 0x6373227b\)/,
    );
    // A descriptor with the reserved bit set.
    expect(() => zstdFrameLength(Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x08, 0, 0, 0, 0]))).toThrow(
      /reserved bit/,
    );
  });

  it('bounds a frame without a content size by its blocks', () => {
    // Single segment not set, no content size: descriptor 0x00, window byte, then one last raw block of 5 bytes.
    const frame = Buffer.from([
      0x28,
      0xb5,
      0x2f,
      0xfd,
      0x00,
      0x48,
      (5 << 3) | 1,
      0,
      0,
      104,
      101,
      108,
      108,
      111,
    ]);
    expect(zstdFrameLength(frame)).toEqual({
      length: 14,
      skippable: false,
      contentSizeKnown: false,
      maxContentBytes: 5,
    });
  });
});

const backends: { name: string; load: () => Promise<ZstdCodec> }[] = [
  { name: 'WebAssembly', load: () => loadZstd({ preferWasm: true }) },
  ...(hasNativeZstd() ? [{ name: 'node:zlib', load: () => loadZstd() }] : []),
];

describe.each(backends)('zstd codec ($name)', ({ load }) => {
  it('round-trips across frame and chunk boundaries', async () => {
    const codec = await load();
    const input = sampleText(FRAME_INPUT_BYTES + 12345);
    const compressed = await through(codec.compressStream(), input);
    expect(compressed.length).toBeLessThan(input.length / 3);
    // Odd chunk sizes cut frame headers and blocks in two.
    expect((await through(codec.decompressStream(), compressed, 997)).equals(input)).toBe(true);
  });

  it('fails on a truncated stream instead of returning less', async () => {
    const codec = await load();
    const compressed = await through(codec.compressStream(), sampleText(50_000));
    await expect(
      through(codec.decompressStream(), compressed.subarray(0, compressed.length - 10)),
    ).rejects.toThrow();
  });

  it.runIf(existsSync('/usr/bin/zstd'))('writes what the zstd command reads', async () => {
    const codec = await load();
    const input = sampleText(FRAME_INPUT_BYTES + 777);
    const compressed = await through(codec.compressStream(), input);
    expect(
      execFileSync('/usr/bin/zstd', ['-d', '-q', '-c'], {
        input: compressed,
        maxBuffer: 64 * 1024 * 1024,
      }).equals(input),
    ).toBe(true);
  });
});

describe('loadZstd', () => {
  it('names its backend: node:zlib where Node has zstd, else the WebAssembly package', async () => {
    expect((await loadZstd()).backend).toBe(hasNativeZstd() ? 'node:zlib' : '@hpcc-js/wasm-zstd');
    expect((await loadZstd({ preferWasm: true })).backend).toBe('@hpcc-js/wasm-zstd');
  });
});
