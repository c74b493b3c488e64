import { closeSync, existsSync, fsyncSync, ftruncateSync, openSync, writeSync } from 'node:fs';
import { mkdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Snapshot } from '@sysray/proto';
import { systemClock, type Clock } from '../platform/clock.js';
import { createRedactor, redactSnapshot, type Redactor } from '../redact.js';
import { compressSegment } from './compression.js';
import { planRetention, type RetentionCandidate } from './retention.js';
import { listSegments, segmentFileName, type Compression } from './segments.js';
import { loadZstd, type LoadZstdOptions } from './zstd.js';

/** When a new segment starts besides the size limit: at each UTC hour, each UTC day, or never. */
export type RotatePolicy = 'hourly' | 'daily' | 'never';

export const ROTATE_POLICIES: readonly RotatePolicy[] = ['hourly', 'daily', 'never'];

/** Writes bytes to a file descriptor like `fs.writeSync`: returns how many were written, throws on error. */
export type WriteFunction = (fd: number, data: Uint8Array) => number;

export interface RecorderOptions {
  /** The recording directory; created when missing. One recorder per directory. */
  readonly dir: string;
  readonly rotate?: RotatePolicy;
  /** Start a new segment before one would grow past this size, bytes; null: no size limit. */
  readonly maxFileBytes?: number | null;
  /** Keep at most this many segment files, the active one included; null: no limit. */
  readonly keepFiles?: number | null;
  /** Delete segments whose data is older than this, milliseconds; null: keep. */
  readonly retainMs?: number | null;
  /** How closed segments are stored; the active one is always plain. */
  readonly compression?: Compression;
  /** Applied to every snapshot before it reaches the disk; the default patterns when absent. */
  readonly redactor?: Redactor;
  /** "Now" for age retention (wall time); snapshots carry their own timestamps. */
  readonly clock?: Clock;
  /** Receives one line per condition worth a person's attention (disk full, a failed compression). */
  readonly report?: (message: string) => void;
  /** Replaces `fs.writeSync` for segment writes (tests inject ENOSPC with it). */
  readonly write?: WriteFunction;
  readonly zstd?: LoadZstdOptions;
}

export interface RecorderStats {
  /** Snapshots written. */
  readonly written: number;
  /** Snapshots dropped because the disk was full. */
  readonly dropped: number;
  /** Segment files started by this recorder. */
  readonly segmentsStarted: number;
  /** Segment files deleted by retention. */
  readonly segmentsDeleted: number;
}

interface ActiveSegment {
  readonly path: string;
  readonly name: string;
  readonly fd: number;
  /** Timestamp of the first snapshot, epoch milliseconds. */
  readonly firstMs: number;
  /** Timestamp of the last snapshot written, epoch milliseconds. */
  lastMs: number;
  bytes: number;
}

const DISK_FULL_CODES = new Set(['ENOSPC', 'EDQUOT']);

function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

/** ENOSPC (no space or no inodes left) and EDQUOT (quota exceeded): conditions that pass by themselves. */
export function isDiskFullError(error: unknown): boolean {
  const code = errorCode(error);
  return code !== undefined && DISK_FULL_CODES.has(code);
}

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

function periodOf(rotate: RotatePolicy, ms: number): number {
  if (rotate === 'hourly') return Math.floor(ms / HOUR_MS);
  if (rotate === 'daily') return Math.floor(ms / DAY_MS);
  return 0;
}

const defaultWrite: WriteFunction = (fd, data) => writeSync(fd, data);

/**
 * Appends Snapshots to segment files, one redacted JSON document per line, with rotation by time and
 * size, retention by count and age, and compression of closed segments in the background.
 *
 * Writes are synchronous and whole-line: a line is written with as few `write(2)` calls as the kernel
 * allows and, when one fails, the file is cut back to its last complete line, so a reader only ever sees
 * a torn line after a crash. A full disk (ENOSPC, EDQUOT) drops snapshots, reports once and recovers by
 * itself when a later write succeeds; any other failure throws with the path and cause.
 */
export class Recorder {
  private readonly rotate: RotatePolicy;
  private readonly maxFileBytes: number | null;
  private readonly keepFiles: number | null;
  private readonly retainMs: number | null;
  private readonly compression: Compression;
  private readonly redactor: Redactor;
  private readonly clock: Clock;
  private readonly report: (message: string) => void;
  private readonly writeBytes: WriteFunction;
  private active: ActiveSegment | null = null;
  private background: Promise<void> = Promise.resolve();
  private diskFull: { readonly path: string; dropped: number } | null = null;
  /** Compression failures already reported, by path, so a retry that fails again stays quiet. */
  private readonly reportedCompressionFailures = new Set<string>();
  private closed = false;
  /** The segment closed last and the time of its last snapshot: its end, for age retention. */
  private lastClosed: { readonly name: string; readonly lastMs: number } | null = null;
  private counts = { written: 0, dropped: 0, segmentsStarted: 0, segmentsDeleted: 0 };

  private constructor(private readonly options: RecorderOptions) {
    this.rotate = options.rotate ?? 'hourly';
    this.maxFileBytes = options.maxFileBytes ?? null;
    this.keepFiles = options.keepFiles ?? null;
    this.retainMs = options.retainMs ?? null;
    this.compression = options.compression ?? 'gzip';
    this.redactor = options.redactor ?? createRedactor();
    this.clock = options.clock ?? systemClock;
    this.report = options.report ?? (() => {});
    this.writeBytes = options.write ?? defaultWrite;
    if (this.maxFileBytes !== null && !(this.maxFileBytes > 0))
      throw new Error('maxFileBytes must be positive');
    if (this.keepFiles !== null && !(this.keepFiles >= 1)) throw new Error('keepFiles must be at least 1');
    if (this.retainMs !== null && !(this.retainMs > 0)) throw new Error('retainMs must be positive');
  }

  /**
   * Opens a recording directory: creates it, clears what a crash left (temporary files of an interrupted
   * compression, plain copies of segments already compressed), compresses the segments an earlier run
   * left plain and applies retention. Fails at once when zstd is asked for and unavailable.
   */
  static async open(options: RecorderOptions): Promise<Recorder> {
    const recorder = new Recorder(options);
    try {
      await mkdir(options.dir, { recursive: true });
    } catch (error) {
      throw new Error(`cannot create recording directory ${options.dir}: ${(error as Error).message}`);
    }
    if (recorder.compression === 'zstd') await loadZstd(options.zstd);
    const listing = await listSegments(options.dir);
    for (const leftover of [...listing.temporary, ...listing.redundant]) await rm(leftover, { force: true });
    recorder.enqueueMaintenance();
    return recorder;
  }

  get dir(): string {
    return this.options.dir;
  }

  /** The segment being written, or null before the first snapshot and after close. */
  get activePath(): string | null {
    return this.active?.path ?? null;
  }

  get stats(): RecorderStats {
    return { ...this.counts };
  }

  /**
   * Redacts and appends one snapshot, rotating first when its time or size asks for it. Resolves
   * `dropped` when the disk is full (reported once until a write succeeds again).
   */
  async write(snapshot: Snapshot): Promise<'written' | 'dropped'> {
    if (this.closed) throw new Error('recorder is closed');
    const line = Buffer.from(`${JSON.stringify(redactSnapshot(snapshot, this.redactor))}\n`);
    if (this.active && this.shouldRotate(this.active, snapshot.timestamp, line.length)) {
      this.closeActive();
      this.enqueueMaintenance();
    }
    let segment: ActiveSegment;
    try {
      segment = this.active ?? this.startSegment(snapshot.timestamp);
    } catch (error) {
      if (isDiskFullError(error))
        return this.dropped(path.join(this.dir, segmentFileName(snapshot.timestamp)), error);
      throw new Error(`cannot create a segment in ${this.dir}: ${(error as Error).message}`);
    }
    try {
      this.writeAll(segment.fd, line);
    } catch (error) {
      // Cut back to the last complete line so the file never holds half a snapshot mid-stream.
      try {
        ftruncateSync(segment.fd, segment.bytes);
      } catch {
        // The reader tolerates a torn line; a failed truncate must not hide the write error.
      }
      if (isDiskFullError(error)) return this.dropped(segment.path, error);
      throw new Error(`cannot write ${segment.path}: ${(error as Error).message}`);
    }
    segment.bytes += line.length;
    segment.lastMs = snapshot.timestamp;
    this.counts.written += 1;
    if (this.diskFull) {
      this.report(
        `space available again: recording resumed in ${segment.path} after dropping ${this.diskFull.dropped} snapshot(s)`,
      );
      this.diskFull = null;
    }
    return 'written';
  }

  /** Resolves when the background work queued so far (compression, retention) is done. */
  async idle(): Promise<void> {
    for (;;) {
      const pending = this.background;
      await pending;
      if (pending === this.background) return;
    }
  }

  /**
   * Closes the active segment and compresses it (clean shutdown), then waits for the background work.
   * Idempotent.
   */
  async close(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      this.closeActive();
      this.enqueueMaintenance();
    }
    await this.idle();
  }

  private shouldRotate(segment: ActiveSegment, timestamp: number, lineBytes: number): boolean {
    if (periodOf(this.rotate, timestamp) !== periodOf(this.rotate, segment.firstMs)) return true;
    return this.maxFileBytes !== null && segment.bytes > 0 && segment.bytes + lineBytes > this.maxFileBytes;
  }

  private startSegment(timestamp: number): ActiveSegment {
    for (let sequence = 0; ; sequence += 1) {
      const name = segmentFileName(timestamp, sequence);
      // A compressed copy with this base name means the name belongs to an earlier segment.
      if (['.gz', '.zst'].some((extension) => existsSync(path.join(this.dir, `${name}${extension}`))))
        continue;
      const file = path.join(this.dir, name);
      let fd: number;
      try {
        // `ax` (O_APPEND|O_EXCL): never append to a segment of an earlier run, whose last line may be torn.
        fd = openSync(file, 'ax');
      } catch (error) {
        if (errorCode(error) === 'EEXIST') continue;
        throw error;
      }
      this.counts.segmentsStarted += 1;
      this.active = { path: file, name, fd, firstMs: timestamp, lastMs: timestamp, bytes: 0 };
      return this.active;
    }
  }

  private writeAll(fd: number, data: Uint8Array): void {
    let offset = 0;
    while (offset < data.length) {
      const written = this.writeBytes(fd, data.subarray(offset));
      if (!(written > 0)) throw new Error(`short write (${offset} of ${data.length} bytes)`);
      offset += written;
    }
  }

  private dropped(file: string, error: unknown): 'dropped' {
    this.counts.dropped += 1;
    if (this.diskFull) {
      this.diskFull.dropped += 1;
    } else {
      this.diskFull = { path: file, dropped: 1 };
      this.report(
        `disk full: cannot write ${file} (${errorCode(error) ?? 'ENOSPC'}); snapshots are dropped until space returns`,
      );
    }
    return 'dropped';
  }

  private closeActive(): void {
    const segment = this.active;
    if (!segment) return;
    this.active = null;
    this.lastClosed = { name: segment.name, lastMs: segment.lastMs };
    try {
      fsyncSync(segment.fd);
    } catch (error) {
      this.report(`cannot sync ${segment.path}: ${(error as Error).message}`);
    } finally {
      closeSync(segment.fd);
    }
  }

  /** Queues, behind earlier work: compression of closed plain segments, then retention. */
  private enqueueMaintenance(): void {
    this.background = this.background.then(async () => {
      try {
        await this.compressClosed();
        await this.applyRetention();
      } catch (error) {
        this.report(`recording maintenance failed in ${this.dir}: ${(error as Error).message}`);
      }
    });
  }

  /**
   * Compresses every plain segment except the active one: the one just closed, leftovers of an earlier
   * run, and any whose compression failed before (a full disk), so failures are retried at each rotation.
   * An empty segment (every write dropped) is removed instead.
   */
  private async compressClosed(): Promise<void> {
    const { segments } = await listSegments(this.dir);
    for (const segment of segments) {
      if (segment.compression !== 'none' || segment.name === this.active?.name) continue;
      if ((await stat(segment.path)).size === 0) {
        await rm(segment.path, { force: true });
        continue;
      }
      if (this.compression === 'none') continue;
      try {
        await compressSegment(segment.path, this.compression, this.options.zstd);
        this.reportedCompressionFailures.delete(segment.path);
      } catch (error) {
        if (!this.reportedCompressionFailures.has(segment.path)) {
          this.reportedCompressionFailures.add(segment.path);
          const retry = isDiskFullError(error) ? ' (disk full)' : '';
          this.report(
            `cannot compress ${segment.path}${retry}: ${(error as Error).message}; it stays plain and is retried at the next rotation`,
          );
        }
      }
    }
  }

  private async applyRetention(): Promise<void> {
    if (this.keepFiles === null && this.retainMs === null) return;
    const { segments } = await listSegments(this.dir);
    const newest = segments.at(-1);
    const candidates: RetentionCandidate[] = segments.map((segment) => segment);
    if (newest && newest.name !== this.active?.name) {
      // The newest closed segment ends at its last snapshot: known when this recorder wrote it, else
      // its last modification.
      const endMs =
        this.lastClosed?.name === newest.base ? this.lastClosed.lastMs : (await stat(newest.path)).mtimeMs;
      candidates[candidates.length - 1] = { ...newest, endMs };
    }
    const doomed = planRetention(
      candidates,
      { keepFiles: this.keepFiles, retainMs: this.retainMs },
      this.clock.wallMs(),
      this.active?.name,
    );
    for (const segment of doomed) {
      await rm(path.join(this.dir, segment.name), { force: true });
      this.counts.segmentsDeleted += 1;
    }
  }
}
