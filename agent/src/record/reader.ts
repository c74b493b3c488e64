import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { parseSnapshot, type Snapshot } from '@sysray/proto';
import { openDecompressed } from './compression.js';
import { listSegments, type SegmentFile } from './segments.js';
import type { LoadZstdOptions } from './zstd.js';

/** One snapshot read back, with where it came from (for messages and for seeking). */
export interface RecordedSnapshot {
  readonly snapshot: Snapshot;
  /** The file it was read from. */
  readonly file: string;
  /** Its line in that file (1-based, counted in the decompressed text). */
  readonly line: number;
}

/**
 * A line or file the reader skipped. `torn`: the last line of a file is incomplete, what a crash or a
 * concurrent writer leaves (expected, not an error); `malformed`: a complete line that is not a
 * Snapshot; `unreadable`: the file could not be opened or decompressed from that line on.
 */
export interface RecordingIssue {
  readonly kind: 'torn' | 'malformed' | 'unreadable';
  readonly file: string;
  /** 1-based line number; for `unreadable`, the line where reading stopped (0 before any line). */
  readonly line: number;
  readonly message: string;
}

export interface ReadRecordingOptions {
  /** Keep snapshots taken at or after this time, Unix epoch milliseconds. */
  readonly from?: number;
  /** Keep snapshots taken at or before this time, Unix epoch milliseconds. */
  readonly to?: number;
  /** Called for each skipped line or file; reading goes on. */
  readonly onIssue?: (issue: RecordingIssue) => void;
  readonly zstd?: LoadZstdOptions;
}

/** Other files in a directory that look like recordings when it holds no segment-named file. */
const RECORDING_FILE = /\.jsonl(?:\.gz|\.zst)?$/;

/** A segment name gives its start to the second; its snapshots may run up to a second past the next start. */
const NAME_PRECISION_MS = 1000;

interface FileToRead {
  readonly path: string;
  /** Snapshots in this file are not older than this (from the name), epoch ms; null when unknown. */
  readonly notBeforeMs: number | null;
  /** Snapshots in this file are older than this (the next segment's start + 1 s); null when unknown. */
  readonly beforeMs: number | null;
}

function segmentsToRead(segments: readonly SegmentFile[]): FileToRead[] {
  return segments.map((segment, index) => {
    const next = segments[index + 1];
    return {
      path: segment.path,
      notBeforeMs: segment.startMs,
      beforeMs: next === undefined ? null : next.startMs + NAME_PRECISION_MS,
    };
  });
}

/**
 * The files of a recording in time order: the segments of a directory (or, when it has none, its
 * `*.jsonl[.gz|.zst]` files by name), or the one file given.
 */
async function filesOf(pathOrDir: string): Promise<FileToRead[]> {
  let info;
  try {
    info = await stat(pathOrDir);
  } catch (error) {
    throw new Error(`cannot read recording ${pathOrDir}: ${(error as Error).message}`);
  }
  if (!info.isDirectory()) return [{ path: pathOrDir, notBeforeMs: null, beforeMs: null }];
  const { segments } = await listSegments(pathOrDir);
  if (segments.length > 0) return segmentsToRead(segments);
  const others = (await readdir(pathOrDir)).filter((name) => RECORDING_FILE.test(name)).sort();
  return others.map((name) => ({ path: path.join(pathOrDir, name), notBeforeMs: null, beforeMs: null }));
}

/** Lines of a byte stream, knowing whether the last one ended with a newline. */
async function* linesOf(
  stream: AsyncIterable<Buffer | string>,
): AsyncGenerator<{ readonly text: string; readonly terminated: boolean }> {
  let remainder: Buffer = Buffer.alloc(0);
  for await (const chunk of stream) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    let data = remainder.length > 0 ? Buffer.concat([remainder, bytes]) : bytes;
    // Split on bytes, not characters, so a multi-byte UTF-8 sequence cut between chunks stays whole.
    let newline = data.indexOf(0x0a);
    while (newline !== -1) {
      yield { text: data.toString('utf8', 0, newline), terminated: true };
      data = data.subarray(newline + 1);
      newline = data.indexOf(0x0a);
    }
    remainder = data;
  }
  if (remainder.length > 0) yield { text: remainder.toString('utf8'), terminated: false };
}

function parseLine(text: string): Snapshot {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new Error(`invalid JSON: ${(error as Error).message}`);
  }
  return parseSnapshot(value);
}

/**
 * Opens a file listed moments ago. A plain segment that is gone was most likely compressed by the
 * recorder in between: its compressed copy is read instead.
 */
async function openSegment(file: string, options: ReadRecordingOptions): Promise<Readable> {
  try {
    return await openDecompressed(file, options.zstd);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || !file.endsWith('.jsonl')) throw error;
    for (const extension of ['.gz', '.zst']) {
      try {
        return await openDecompressed(`${file}${extension}`, options.zstd);
      } catch {
        // Try the next one; the original error is the one worth reporting.
      }
    }
    throw error;
  }
}

async function* readFile(file: FileToRead, options: ReadRecordingOptions): AsyncGenerator<RecordedSnapshot> {
  const report = options.onIssue ?? (() => {});
  let line = 0;
  try {
    const stream = await openSegment(file.path, options);
    for await (const { text, terminated } of linesOf(stream)) {
      line += 1;
      if (text.trim() === '') continue;
      let snapshot: Snapshot;
      try {
        snapshot = parseLine(text);
      } catch (error) {
        report({
          kind: terminated ? 'malformed' : 'torn',
          file: file.path,
          line,
          message: terminated
            ? (error as Error).message
            : 'incomplete last line (a crash or a writer still at work); skipped',
        });
        continue;
      }
      if (options.from !== undefined && snapshot.timestamp < options.from) continue;
      if (options.to !== undefined && snapshot.timestamp > options.to) continue;
      yield { snapshot, file: file.path, line };
    }
  } catch (error) {
    report({ kind: 'unreadable', file: file.path, line, message: (error as Error).message });
  }
}

/**
 * Reads a recording (a directory of segments, or one file: plain, gzip or zstd, told apart by their
 * first bytes) and yields its snapshots in time order, within `from`..`to` when given. Lines that are
 * not snapshots are reported through `onIssue` with file and line number, and skipped. Segments wholly
 * outside the time range are not opened. Throws only when the path itself cannot be read.
 */
export async function* readRecording(
  pathOrDir: string,
  options: ReadRecordingOptions = {},
): AsyncGenerator<RecordedSnapshot> {
  for (const file of await filesOf(pathOrDir)) {
    if (options.to !== undefined && file.notBeforeMs !== null && file.notBeforeMs > options.to) continue;
    if (options.from !== undefined && file.beforeMs !== null && file.beforeMs <= options.from) continue;
    yield* readFile(file, options);
  }
}

/** The first snapshot of a recording (within the options' range), or null when it has none. */
export async function firstRecordedSnapshot(
  pathOrDir: string,
  options: ReadRecordingOptions = {},
): Promise<RecordedSnapshot | null> {
  for await (const recorded of readRecording(pathOrDir, options)) return recorded;
  return null;
}

/**
 * The last snapshot of a recording (within the options' range), or null. Reads segments from the newest
 * back and stops at the first that has one, so a long recording costs one segment, not all of them.
 */
export async function lastRecordedSnapshot(
  pathOrDir: string,
  options: ReadRecordingOptions = {},
): Promise<RecordedSnapshot | null> {
  const files = await filesOf(pathOrDir);
  for (let index = files.length - 1; index >= 0; index -= 1) {
    const file = files[index]!;
    if (options.to !== undefined && file.notBeforeMs !== null && file.notBeforeMs > options.to) continue;
    let last: RecordedSnapshot | null = null;
    for await (const recorded of readFile(file, options)) last = recorded;
    if (last) return last;
  }
  return null;
}

/** The last snapshot taken at or before `atMs`, or null when the recording starts later. */
export async function recordedSnapshotAt(
  pathOrDir: string,
  atMs: number,
  options: Omit<ReadRecordingOptions, 'to'> = {},
): Promise<RecordedSnapshot | null> {
  return lastRecordedSnapshot(pathOrDir, { ...options, to: atMs });
}

/** When a recording starts and ends (its first and last snapshot times, epoch ms), or null when empty. */
export async function recordingTimeRange(
  pathOrDir: string,
  options: Pick<ReadRecordingOptions, 'zstd'> = {},
): Promise<{ readonly firstMs: number; readonly lastMs: number } | null> {
  const first = await firstRecordedSnapshot(pathOrDir, options);
  const last = await lastRecordedSnapshot(pathOrDir, options);
  return first && last ? { firstMs: first.snapshot.timestamp, lastMs: last.snapshot.timestamp } : null;
}
