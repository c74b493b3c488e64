import { readdir } from 'node:fs/promises';
import path from 'node:path';

/**
 * A recording is a directory of segment files, one Snapshot (JSON) per line, named by the UTC time of
 * their first snapshot: `sysray-20261122T140000Z.jsonl`. A second segment started within the same
 * second (a size rotation) takes a sequence suffix, `sysray-20261122T140000Z-1.jsonl`. Closed segments
 * are compressed to `.jsonl.gz` or `.jsonl.zst`; the active one stays plain so a crash leaves readable
 * lines. A compression in progress writes `<final name>.tmp` and renames it when complete.
 */

/** How a segment's bytes are stored. */
export type Compression = 'gzip' | 'zstd' | 'none';

export const COMPRESSIONS: readonly Compression[] = ['gzip', 'zstd', 'none'];

/** File name extension added to `.jsonl` by each compression. */
export const COMPRESSION_EXTENSION: Readonly<Record<Compression, string>> = {
  gzip: '.gz',
  zstd: '.zst',
  none: '',
};

export const SEGMENT_PREFIX = 'sysray-';

/** The suffix a compression writes to until the result is complete and renamed. */
export const TEMPORARY_SUFFIX = '.tmp';

const SEGMENT_NAME = /^sysray-(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z(?:-(\d+))?\.jsonl(\.gz|\.zst)?$/;

export interface SegmentName {
  /** The file name, without directory. */
  readonly name: string;
  /** UTC time of the first snapshot, Unix epoch milliseconds, whole seconds. */
  readonly startMs: number;
  /** 0 for the first segment of that second, then 1, 2, … */
  readonly sequence: number;
  readonly compression: Compression;
  /** The name without the compression extension (`….jsonl`): plain and compressed copies share it. */
  readonly base: string;
}

export interface SegmentFile extends SegmentName {
  /** Absolute or caller-relative path: the directory joined with `name`. */
  readonly path: string;
}

/** `20261122T140000Z` for a time in epoch milliseconds (seconds precision, UTC). */
export function formatSegmentTime(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000)
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/[-:]/g, '');
}

/** The file name of a segment that starts at `startMs`. */
export function segmentFileName(startMs: number, sequence = 0, compression: Compression = 'none'): string {
  const suffix = sequence > 0 ? `-${sequence}` : '';
  return `${SEGMENT_PREFIX}${formatSegmentTime(startMs)}${suffix}.jsonl${COMPRESSION_EXTENSION[compression]}`;
}

/** Parses a segment file name; null for any other name (temporary files included). */
export function parseSegmentName(name: string): SegmentName | null {
  const match = SEGMENT_NAME.exec(name);
  if (!match) return null;
  const [, year, month, day, hour, minute, second, sequence, extension] = match;
  const startMs = Date.UTC(
    Number(year),
    Number(month) - 1,
    Number(day),
    Number(hour),
    Number(minute),
    Number(second),
  );
  if (!Number.isFinite(startMs) || formatSegmentTime(startMs) !== name.slice(7, 23)) return null;
  const compression: Compression = extension === '.gz' ? 'gzip' : extension === '.zst' ? 'zstd' : 'none';
  return {
    name,
    startMs,
    sequence: sequence === undefined ? 0 : Number(sequence),
    compression,
    base: extension === undefined ? name : name.slice(0, -extension.length),
  };
}

/** Chronological order: start time, then sequence. */
export function compareSegments(a: SegmentName, b: SegmentName): number {
  return a.startMs - b.startMs || a.sequence - b.sequence;
}

export interface SegmentListing {
  /** One entry per segment, in chronological order; the compressed copy where both exist. */
  readonly segments: readonly SegmentFile[];
  /**
   * Plain files whose compressed copy is complete (a crash between the rename and the unlink): the
   * compressed file is renamed into place only once written and synced, so the plain one is redundant.
   */
  readonly redundant: readonly string[];
  /** Leftover `*.tmp` files of an interrupted compression. */
  readonly temporary: readonly string[];
}

/** Lists the segments of a recording directory (other files are ignored). */
export async function listSegments(dir: string): Promise<SegmentListing> {
  const names = await readdir(dir);
  const byBase = new Map<string, SegmentFile>();
  const redundant: string[] = [];
  const temporary: string[] = [];
  for (const name of names) {
    if (name.startsWith(SEGMENT_PREFIX) && name.endsWith(TEMPORARY_SUFFIX)) {
      temporary.push(path.join(dir, name));
      continue;
    }
    const parsed = parseSegmentName(name);
    if (!parsed) continue;
    const file: SegmentFile = { ...parsed, path: path.join(dir, name) };
    const other = byBase.get(parsed.base);
    if (other === undefined) {
      byBase.set(parsed.base, file);
    } else if (other.compression === 'none') {
      redundant.push(other.path);
      byBase.set(parsed.base, file);
    } else if (file.compression === 'none') {
      redundant.push(file.path);
    }
    // Two compressed copies of one base (gzip and zstd) cannot come from one recorder; the first is kept.
  }
  return {
    segments: [...byBase.values()].sort(compareSegments),
    redundant: redundant.sort(),
    temporary: temporary.sort(),
  };
}
