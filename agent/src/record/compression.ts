import { createReadStream, createWriteStream } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import { COMPRESSION_EXTENSION, TEMPORARY_SUFFIX, type Compression } from './segments.js';
import { loadZstd, type LoadZstdOptions } from './zstd.js';

/** What the first bytes of a file say it holds. Extensions can lie; magic numbers do not. */
export type ContentEncoding = 'gzip' | 'zstd' | 'plain';

/** gzip: 1f 8b (RFC 1952 §2.3.1); zstd: 28 b5 2f fd, the frame magic 0xFD2FB528 little-endian. */
export function sniffEncoding(head: Uint8Array): ContentEncoding {
  if (head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head[0] === 0x28 && head[1] === 0xb5 && head[2] === 0x2f && head[3] === 0xfd) return 'zstd';
  return 'plain';
}

async function readHead(file: string): Promise<Uint8Array> {
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.alloc(4);
    const { bytesRead } = await handle.read(buffer, 0, 4, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** The file's content as plain bytes, whatever it was stored as (gzip, zstd or plain). */
export async function openDecompressed(file: string, zstd: LoadZstdOptions = {}): Promise<Readable> {
  const encoding = sniffEncoding(await readHead(file));
  const source = createReadStream(file);
  if (encoding === 'plain') return source;
  const decoder: Transform =
    encoding === 'gzip' ? zlib.createGunzip() : (await loadZstd(zstd)).decompressStream();
  // Errors of the file stream (EIO, a file removed by retention mid-read) surface on the decoder, and a
  // reader that stops early (destroying the decoder) closes the file.
  source.on('error', (error) => decoder.destroy(error));
  decoder.on('close', () => source.destroy());
  return source.pipe(decoder);
}

async function compressorFor(
  compression: Exclude<Compression, 'none'>,
  zstd: LoadZstdOptions,
): Promise<Transform> {
  if (compression === 'gzip') return zlib.createGzip({ level: 6 });
  return (await loadZstd(zstd)).compressStream();
}

/** Flushes a file (or, best effort, a directory entry) to stable storage. */
async function syncPath(target: string, directory = false): Promise<void> {
  let handle;
  try {
    handle = await open(target, 'r');
    await handle.sync();
  } catch (error) {
    // Some filesystems refuse fsync on a directory (EINVAL, EISDIR on a few); the data is still written.
    if (!directory) throw error;
  } finally {
    await handle?.close();
  }
}

/**
 * Compresses a closed plain segment next to itself and removes the plain file. The result is written to
 * `<name>.tmp`, synced and then renamed, so a crash at any point leaves either the plain file or a
 * complete compressed one (and at worst both, which the segment listing resolves). Returns the new path.
 */
export async function compressSegment(
  plainPath: string,
  compression: Exclude<Compression, 'none'>,
  zstd: LoadZstdOptions = {},
): Promise<string> {
  const target = `${plainPath}${COMPRESSION_EXTENSION[compression]}`;
  const temporary = `${target}${TEMPORARY_SUFFIX}`;
  try {
    await pipeline(
      createReadStream(plainPath),
      await compressorFor(compression, zstd),
      createWriteStream(temporary),
    );
    await syncPath(temporary);
    await rename(temporary, target);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
  await rm(plainPath, { force: true });
  await syncPath(path.dirname(target), true);
  return target;
}
