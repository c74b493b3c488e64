import {
  closeSync,
  fdatasyncSync,
  fsyncSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  readdirSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { join, resolve } from 'node:path';
import { crc32 } from 'node:zlib';
import { isAbsentError } from '../platform/read.js';

/**
 * A bounded on-disk FIFO of opaque batches (the encoded payloads an exporter could not deliver yet),
 * and `SpooledSender`, the discipline that sends through it in order.
 *
 * Layout of the spool directory:
 * - `<20-digit id>.seg`: append-only segment files, oldest id first. Each starts with the 8-byte magic
 *   `SYSRSPL1`, then records: `u32le magic 0x31525253 ("SRR1") | u32le payload length |
 *   u32le CRC-32 (zlib's, of the length bytes then the payload) | payload`. The per-record magic lets a
 *   reader resynchronise after a damaged record; the CRC covers the length, so a damaged length cannot
 *   silently misframe what follows.
 * - `cursor`: where the first unacknowledged record is (`u32le magic | u64le segment id |
 *   u32le offset | u32le CRC-32 of the preceding 16 bytes`), rewritten in place on every `ack`.
 * - `lock`: the pid of the process that has the spool open.
 *
 * Durability (`fsync` option):
 * - `always` (default): each append is fdatasync'ed before `append` returns, and the directory is
 *   fsync'ed when a segment is created or deleted, so an appended batch survives power loss. The spool is
 *   written only while the upstream is slow or down, so this costs one fsync per batch in those periods;
 * - `segment`: a segment is fdatasync'ed when it is sealed and at `close`. A process crash loses nothing
 *   (the page cache survives it); power loss may lose the tail of the active segment, which the next
 *   open detects as a torn tail;
 * - `never`: no fsync at all (tests, tmpfs).
 * The cursor is never fsync'ed: after power loss a few acknowledged batches may be sent again, which
 * receivers absorb because every batch carries its own idempotency key (NATS `Nats-Msg-Id`, the
 * gateway's batchId). Nothing unacknowledged is ever skipped.
 *
 * Recovery on open: every segment is read and checked. An incomplete or damaged run at the end of the
 * newest segment is a torn tail (a write cut short by a crash): it is truncated away and counted in
 * `tornTails`. A damaged run followed by valid records, or at the end of an older segment, is corruption:
 * it is skipped and counted in `corruptRecords` (one per damaged run) and `corruptBytes`.
 *
 * Capacity: `maxBytes` bounds the segment files' total size. An append that would exceed it first drops
 * the oldest segment(s) whole (so about `segmentBytes` of the oldest batches go at a time), counting the
 * dropped batches in `droppedBatches` / `droppedBytes`. A batch that could never fit is dropped at once.
 *
 * All I/O is synchronous: appends are a few kilobytes, and a spool without interleaved async steps cannot
 * half-apply an operation.
 */

export type SpoolFsync = 'always' | 'segment' | 'never';

export interface SpoolOptions {
  /** Directory of the spool (created when missing); one spool per directory. */
  readonly dir: string;
  /** Cap on the segment files' total size, bytes. */
  readonly maxBytes: number;
  /**
   * Target size of one segment file, bytes: the unit in which disk space is reclaimed and, when full,
   * the oldest batches are dropped. Default: maxBytes / 16, clamped to [64 KiB, 16 MiB] and to maxBytes.
   */
  readonly segmentBytes?: number;
  /** When data is forced to stable storage; see the module comment. Default `always`. */
  readonly fsync?: SpoolFsync;
}

/** One pending batch as `peek()` returns it; hand it back to `ack()` once the transport acknowledged it. */
export interface SpoolEntry {
  readonly data: Buffer;
  /** Id of the segment that holds it. */
  readonly segment: number;
  /** Byte offset of its record in the segment. */
  readonly offset: number;
}

/**
 * Counts since this Spool was opened (pending figures are what is on disk). Bytes are payload bytes
 * unless the name says otherwise.
 */
export interface SpoolStats {
  /** Batches appended and not yet acknowledged (or dropped). */
  readonly pendingBatches: number;
  /** Payload bytes of the pending batches. */
  readonly pendingBytes: number;
  /** Total size of the segment files, bytes (framing and acknowledged records included). */
  readonly diskBytes: number;
  readonly appendedBatches: number;
  readonly ackedBatches: number;
  /** Batches evicted because the spool was full (the oldest first), or too big to ever fit. */
  readonly droppedBatches: number;
  readonly droppedBytes: number;
  /** Damaged runs skipped (CRC mismatch, bad framing), at open or when read. */
  readonly corruptRecords: number;
  /** File bytes skipped as corrupt. */
  readonly corruptBytes: number;
  /** Incomplete writes found at the end of the newest segment at open, and truncated. */
  readonly tornTails: number;
  /** File bytes truncated as torn tails. */
  readonly tornBytes: number;
}

/** A spool I/O failure; the message names the file and the cause. */
export class SpoolError extends Error {
  override readonly name = 'SpoolError';
  constructor(
    readonly path: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

const SEGMENT_MAGIC = Buffer.from('SYSRSPL1', 'latin1');
const SEGMENT_HEADER = SEGMENT_MAGIC.length;
const RECORD_MAGIC = 0x31525253; // "SRR1" little-endian
const RECORD_MAGIC_BYTES = Buffer.from([0x53, 0x52, 0x52, 0x31]);
const RECORD_HEADER = 12;
const CURSOR_MAGIC = 0x55435253; // "SRCU" little-endian
const CURSOR_BYTES = 20;
const SEGMENT_NAME = /^(\d{20})\.seg$/;
const MIN_SEGMENT_BYTES = 64 * 1024;
const MAX_SEGMENT_BYTES = 16 * 1024 * 1024;
/** Largest payload a record can frame (u32 length), bytes. */
const MAX_PAYLOAD = 0xffff_ffff;

/** Directories open in this process: a second Spool on one directory would interleave its writes. */
const openDirs = new Set<string>();

interface Segment {
  readonly id: number;
  readonly path: string;
  /** File size, bytes. */
  size: number;
  /** Offsets and payload lengths of the valid records, in file order. */
  readonly offsets: number[];
  readonly lengths: number[];
}

class MutableSpoolStats implements SpoolStats {
  pendingBatches = 0;
  pendingBytes = 0;
  diskBytes = 0;
  appendedBatches = 0;
  ackedBatches = 0;
  droppedBatches = 0;
  droppedBytes = 0;
  corruptRecords = 0;
  corruptBytes = 0;
  tornTails = 0;
  tornBytes = 0;
}

function segmentName(id: number): string {
  return `${String(id).padStart(20, '0')}.seg`;
}

function describe(error: unknown): string {
  const err = error as NodeJS.ErrnoException;
  return err?.code ? `${err.code}: ${err.message}` : String((error as Error)?.message ?? error);
}

/** CRC-32 of a record: the 4 length bytes, then the payload. */
function recordCrc(lengthBytes: Uint8Array, payload: Uint8Array): number {
  return crc32(payload, crc32(lengthBytes));
}

/** Encodes one record (header and payload). */
export function encodeSpoolRecord(payload: Uint8Array): Buffer {
  const record = Buffer.allocUnsafe(RECORD_HEADER + payload.length);
  record.writeUInt32LE(RECORD_MAGIC, 0);
  record.writeUInt32LE(payload.length, 4);
  record.writeUInt32LE(recordCrc(record.subarray(4, 8), payload), 8);
  record.set(payload, RECORD_HEADER);
  return record;
}

/** Payload length of a valid record at `pos`, or -1 when there is none there (damaged, incomplete). */
function recordAt(buf: Buffer, pos: number): number {
  if (pos + RECORD_HEADER > buf.length) return -1;
  if (buf.readUInt32LE(pos) !== RECORD_MAGIC) return -1;
  const length = buf.readUInt32LE(pos + 4);
  const end = pos + RECORD_HEADER + length;
  if (end > buf.length) return -1;
  const crc = buf.readUInt32LE(pos + 8);
  return recordCrc(buf.subarray(pos + 4, pos + 8), buf.subarray(pos + RECORD_HEADER, end)) === crc
    ? length
    : -1;
}

/** Offset of the next valid record at or after `from`, or -1. */
function nextRecord(buf: Buffer, from: number): number {
  let at = buf.indexOf(RECORD_MAGIC_BYTES, from);
  while (at >= 0) {
    if (recordAt(buf, at) >= 0) return at;
    at = buf.indexOf(RECORD_MAGIC_BYTES, at + 1);
  }
  return -1;
}

/** What a scan of one segment's bytes found. */
export interface SegmentScan {
  readonly records: readonly { readonly offset: number; readonly length: number }[];
  /** Damaged runs followed by a valid record: [start, end) byte ranges. */
  readonly damaged: readonly (readonly [number, number])[];
  /** Offset where an undecodable run reaching the end of the data starts, or null when it ends cleanly. */
  readonly tailStart: number | null;
}

/** Parses a segment's bytes (header included) into records. Pure; exported for tests. */
export function scanSegment(buf: Buffer): SegmentScan {
  const records: { offset: number; length: number }[] = [];
  const damaged: [number, number][] = [];
  let pos = SEGMENT_HEADER;
  let tailStart: number | null = null;
  while (pos < buf.length) {
    const length = recordAt(buf, pos);
    if (length >= 0) {
      records.push({ offset: pos, length });
      pos += RECORD_HEADER + length;
      continue;
    }
    const next = nextRecord(buf, pos + 1);
    if (next < 0) {
      tailStart = pos;
      break;
    }
    damaged.push([pos, next]);
    pos = next;
  }
  return { records, damaged, tailStart };
}

function encodeCursor(segment: number, offset: number): Buffer {
  const buf = Buffer.alloc(CURSOR_BYTES);
  buf.writeUInt32LE(CURSOR_MAGIC, 0);
  buf.writeBigUInt64LE(BigInt(segment), 4);
  buf.writeUInt32LE(offset, 12);
  buf.writeUInt32LE(crc32(buf.subarray(0, 16)), 16);
  return buf;
}

function decodeCursor(buf: Buffer): { segment: number; offset: number } | null {
  if (buf.length !== CURSOR_BYTES || buf.readUInt32LE(0) !== CURSOR_MAGIC) return null;
  if (crc32(buf.subarray(0, 16)) !== buf.readUInt32LE(16)) return null;
  return { segment: Number(buf.readBigUInt64LE(4)), offset: buf.readUInt32LE(12) };
}

function writeFully(fd: number, buf: Buffer, position: number): void {
  let written = 0;
  while (written < buf.length) {
    written += writeSync(fd, buf, written, buf.length - written, position + written);
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Resolved segment size for a cap (see SpoolOptions.segmentBytes). */
function defaultSegmentBytes(maxBytes: number): number {
  return Math.min(
    maxBytes,
    Math.max(MIN_SEGMENT_BYTES, Math.min(MAX_SEGMENT_BYTES, Math.floor(maxBytes / 16))),
  );
}

export class Spool {
  readonly dir: string;
  readonly maxBytes: number;
  readonly segmentBytes: number;
  readonly fsync: SpoolFsync;
  private readonly segments: Segment[] = [];
  /** Records of segments[0] already consumed. */
  private headIndex = 0;
  private activeFd = -1;
  private cursorFd = -1;
  private readonly lockPath: string;
  private readonly counters = new MutableSpoolStats();
  private cached: SpoolEntry | null = null;
  private closed = false;

  private constructor(options: SpoolOptions) {
    this.dir = resolve(options.dir);
    if (!Number.isFinite(options.maxBytes) || options.maxBytes < SEGMENT_HEADER + RECORD_HEADER + 1) {
      throw new RangeError(
        `spool maxBytes must be at least ${SEGMENT_HEADER + RECORD_HEADER + 1} bytes, got ${String(options.maxBytes)}`,
      );
    }
    this.maxBytes = Math.floor(options.maxBytes);
    if (options.segmentBytes !== undefined) {
      if (!Number.isFinite(options.segmentBytes) || options.segmentBytes <= SEGMENT_HEADER) {
        throw new RangeError(
          `spool segmentBytes must exceed ${SEGMENT_HEADER}, got ${String(options.segmentBytes)}`,
        );
      }
      if (options.segmentBytes > this.maxBytes) {
        throw new RangeError(
          `spool segmentBytes (${options.segmentBytes}) cannot exceed maxBytes (${this.maxBytes})`,
        );
      }
    }
    this.segmentBytes = Math.floor(options.segmentBytes ?? defaultSegmentBytes(this.maxBytes));
    this.fsync = options.fsync ?? 'always';
    this.lockPath = join(this.dir, 'lock');
  }

  /**
   * Opens (or creates) the spool in `options.dir`, recovering what a previous process left: pending
   * batches come back in order, torn tails are truncated, corrupt records skipped. Throws SpoolError when
   * the directory cannot be used or another live process has it open.
   */
  static open(options: SpoolOptions): Spool {
    const spool = new Spool(options);
    spool.lock();
    try {
      spool.recover();
    } catch (error) {
      spool.release();
      throw error;
    }
    return spool;
  }

  /** A live view of the counters. */
  get stats(): SpoolStats {
    return this.counters;
  }

  get pendingBatches(): number {
    return this.counters.pendingBatches;
  }

  /**
   * Appends a batch at the tail. When the spool would exceed `maxBytes`, the oldest segments are dropped
   * first (counted). Returns the entry, or null when the batch is larger than the spool could ever hold
   * (dropped and counted). Throws SpoolError when the write fails (disk full, I/O error); the spool is
   * left as it was.
   */
  append(data: Uint8Array): SpoolEntry | null {
    this.checkOpen();
    const recordBytes = RECORD_HEADER + data.length;
    if (data.length > MAX_PAYLOAD || SEGMENT_HEADER + recordBytes > this.maxBytes) {
      this.counters.droppedBatches += 1;
      this.counters.droppedBytes += data.length;
      return null;
    }
    let active = this.active();
    if (active.offsets.length > 0 && active.size + recordBytes > this.segmentBytes) active = this.rotate();
    while (this.counters.diskBytes + recordBytes > this.maxBytes) {
      // Cannot loop forever: an empty lone segment plus this record fits (checked above).
      active = this.dropOldestSegment();
    }
    const record = encodeSpoolRecord(data);
    const offset = active.size;
    try {
      writeFully(this.activeFd, record, offset);
      if (this.fsync === 'always') fdatasyncSync(this.activeFd);
    } catch (error) {
      // Leave no half-written record behind (best effort; a torn tail is recovered at open anyway).
      try {
        ftruncateSync(this.activeFd, offset);
      } catch {
        // The original error is the one to report.
      }
      throw new SpoolError(active.path, `cannot append to spool segment ${active.path}: ${describe(error)}`, {
        cause: error,
      });
    }
    active.size += recordBytes;
    active.offsets.push(offset);
    active.lengths.push(data.length);
    this.counters.diskBytes += recordBytes;
    this.counters.pendingBatches += 1;
    this.counters.pendingBytes += data.length;
    this.counters.appendedBatches += 1;
    return { data: Buffer.from(data), segment: active.id, offset };
  }

  /**
   * The oldest pending batch, or undefined when none; the same one until it is acknowledged. A record
   * damaged on disk since open is skipped (counted) and the next one returned.
   */
  peek(): SpoolEntry | undefined {
    this.checkOpen();
    for (;;) {
      const head = this.segments[0];
      if (head === undefined || this.headIndex >= head.offsets.length) return undefined;
      const offset = head.offsets[this.headIndex]!;
      if (this.cached !== null && this.cached.segment === head.id && this.cached.offset === offset) {
        return this.cached;
      }
      const length = head.lengths[this.headIndex]!;
      const record = this.readRecord(head, offset, length);
      if (record !== null) {
        this.cached = { data: record, segment: head.id, offset };
        return this.cached;
      }
      this.counters.corruptRecords += 1;
      this.counters.corruptBytes += RECORD_HEADER + length;
      this.consumeHead(length);
    }
  }

  /**
   * Removes `entry` once the transport acknowledged it. Only the current head can be acknowledged (the
   * spool is strictly FIFO); returns false, changing nothing, when `entry` is no longer the head (it was
   * dropped because the spool was full, or acknowledged already).
   */
  ack(entry: SpoolEntry): boolean {
    this.checkOpen();
    const head = this.segments[0];
    if (head === undefined || this.headIndex >= head.offsets.length) return false;
    if (head.id !== entry.segment || head.offsets[this.headIndex] !== entry.offset) return false;
    this.counters.ackedBatches += 1;
    this.consumeHead(head.lengths[this.headIndex]!);
    return true;
  }

  /** Syncs (unless `fsync: never`), closes the files and releases the directory. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      if (this.activeFd >= 0 && this.fsync !== 'never') fdatasyncSync(this.activeFd);
    } finally {
      if (this.activeFd >= 0) closeSync(this.activeFd);
      if (this.cursorFd >= 0) closeSync(this.cursorFd);
      this.activeFd = -1;
      this.cursorFd = -1;
      this.release();
    }
  }

  private checkOpen(): void {
    if (this.closed) throw new SpoolError(this.dir, `the spool in ${this.dir} is closed`);
  }

  private active(): Segment {
    return this.segments[this.segments.length - 1]!;
  }

  private lock(): void {
    try {
      mkdirSync(this.dir, { recursive: true });
    } catch (error) {
      throw new SpoolError(this.dir, `cannot create the spool directory ${this.dir}: ${describe(error)}`, {
        cause: error,
      });
    }
    if (openDirs.has(this.dir)) {
      throw new SpoolError(this.dir, `the spool in ${this.dir} is already open in this process`);
    }
    let holder: number | null = null;
    try {
      holder = Number.parseInt(readFileSync(this.lockPath, 'utf8'), 10);
    } catch (error) {
      if (!isAbsentError(error)) {
        throw new SpoolError(
          this.lockPath,
          `cannot read the spool lock ${this.lockPath}: ${describe(error)}`,
          {
            cause: error,
          },
        );
      }
    }
    // A lock naming this very pid is stale (this process has not opened the directory: checked above),
    // e.g. left by a previous container whose agent was pid 1 too.
    if (
      holder !== null &&
      Number.isInteger(holder) &&
      holder > 0 &&
      holder !== process.pid &&
      isAlive(holder)
    ) {
      throw new SpoolError(
        this.lockPath,
        `the spool in ${this.dir} is in use by process ${holder} (${this.lockPath})`,
      );
    }
    try {
      const fd = openSync(this.lockPath, 'w');
      writeFully(fd, Buffer.from(`${process.pid}\n`), 0);
      closeSync(fd);
    } catch (error) {
      throw new SpoolError(
        this.lockPath,
        `cannot write the spool lock ${this.lockPath}: ${describe(error)}`,
        {
          cause: error,
        },
      );
    }
    openDirs.add(this.dir);
  }

  private release(): void {
    if (!openDirs.delete(this.dir)) return;
    try {
      unlinkSync(this.lockPath);
    } catch {
      // Gone already; a stale lock is recognised by its pid anyway.
    }
  }

  private recover(): void {
    const cursorPath = join(this.dir, 'cursor');
    let cursor: { segment: number; offset: number } | null = null;
    try {
      cursor = decodeCursor(readFileSync(cursorPath));
    } catch (error) {
      if (!isAbsentError(error)) throw this.ioError(cursorPath, 'read', error);
    }
    let names: string[];
    try {
      names = readdirSync(this.dir);
    } catch (error) {
      throw this.ioError(this.dir, 'list', error);
    }
    const ids = names
      .map((name) => SEGMENT_NAME.exec(name)?.[1])
      .filter((id): id is string => id !== undefined)
      .map(Number)
      .sort((a, b) => a - b);

    for (const [index, id] of ids.entries()) {
      const path = join(this.dir, segmentName(id));
      const newest = index === ids.length - 1;
      // Segments before the cursor were fully acknowledged; a crash came between the cursor write and
      // the unlink.
      if (cursor !== null && id < cursor.segment) {
        this.unlink(path);
        continue;
      }
      let buf: Buffer;
      try {
        buf = readFileSync(path);
      } catch (error) {
        throw this.ioError(path, 'read', error);
      }
      if (buf.length < SEGMENT_HEADER || !buf.subarray(0, SEGMENT_HEADER).equals(SEGMENT_MAGIC)) {
        // A header cut short is a segment whose creation was interrupted; anything else is not ours to
        // parse. Either way there are no records to recover.
        const torn = buf.length < SEGMENT_HEADER && SEGMENT_MAGIC.subarray(0, buf.length).equals(buf);
        if (torn && newest) {
          this.counters.tornTails += buf.length > 0 ? 1 : 0;
          this.counters.tornBytes += buf.length;
        } else {
          this.counters.corruptRecords += 1;
          this.counters.corruptBytes += buf.length;
        }
        this.unlink(path);
        continue;
      }
      const scan = scanSegment(buf);
      let size = buf.length;
      for (const [start, end] of scan.damaged) {
        this.counters.corruptRecords += 1;
        this.counters.corruptBytes += end - start;
      }
      if (scan.tailStart !== null) {
        const tailBytes = buf.length - scan.tailStart;
        if (newest) {
          try {
            const fd = openSync(path, 'r+');
            try {
              ftruncateSync(fd, scan.tailStart);
              if (this.fsync !== 'never') fdatasyncSync(fd);
            } finally {
              closeSync(fd);
            }
          } catch (error) {
            throw this.ioError(path, 'truncate the torn tail of', error);
          }
          size = scan.tailStart;
          this.counters.tornTails += 1;
          this.counters.tornBytes += tailBytes;
        } else {
          this.counters.corruptRecords += 1;
          this.counters.corruptBytes += tailBytes;
        }
      }
      this.segments.push({
        id,
        path,
        size,
        offsets: scan.records.map((r) => r.offset),
        lengths: scan.records.map((r) => r.length),
      });
      this.counters.diskBytes += size;
    }

    const head = this.segments[0];
    if (head !== undefined && cursor !== null && head.id === cursor.segment) {
      // Records before the cursor's offset were acknowledged.
      while (this.headIndex < head.offsets.length && head.offsets[this.headIndex]! < cursor.offset) {
        this.headIndex += 1;
      }
    }
    for (const [index, segment] of this.segments.entries()) {
      const first = index === 0 ? this.headIndex : 0;
      for (let i = first; i < segment.lengths.length; i += 1) {
        this.counters.pendingBatches += 1;
        this.counters.pendingBytes += segment.lengths[i]!;
      }
    }

    try {
      this.cursorFd = openSync(cursorPath, 'a+');
      closeSync(this.cursorFd);
      this.cursorFd = openSync(cursorPath, 'r+');
    } catch (error) {
      throw this.ioError(cursorPath, 'open', error);
    }

    const newest = this.segments[this.segments.length - 1];
    if (newest === undefined) {
      this.createSegment(Math.max(cursor?.segment ?? 0, ids[ids.length - 1] ?? 0) + 1);
    } else {
      try {
        this.activeFd = openSync(newest.path, 'r+');
      } catch (error) {
        throw this.ioError(newest.path, 'open', error);
      }
      // A fully acknowledged head that is also the newest segment is reclaimed right away.
      this.reclaimHead();
    }
    this.writeCursor();
  }

  private ioError(path: string, what: string, error: unknown): SpoolError {
    return new SpoolError(path, `cannot ${what} ${path}: ${describe(error)}`, { cause: error });
  }

  private unlink(path: string): void {
    try {
      unlinkSync(path);
    } catch (error) {
      if (!isAbsentError(error)) throw this.ioError(path, 'delete', error);
    }
    this.syncDir();
  }

  private syncDir(): void {
    if (this.fsync === 'never') return;
    // A created or deleted directory entry is durable only once the directory is fsync'ed (fsync(2)).
    let fd = -1;
    try {
      fd = openSync(this.dir, 'r');
      fsyncSync(fd);
    } catch {
      // Some filesystems refuse to fsync a directory (EINVAL); the data files were synced regardless.
    } finally {
      if (fd >= 0) closeSync(fd);
    }
  }

  private createSegment(id: number): Segment {
    const path = join(this.dir, segmentName(id));
    let fd: number;
    try {
      fd = openSync(path, 'wx+');
    } catch (error) {
      throw this.ioError(path, 'create', error);
    }
    try {
      writeFully(fd, SEGMENT_MAGIC, 0);
      if (this.fsync !== 'never') fdatasyncSync(fd);
    } catch (error) {
      closeSync(fd);
      try {
        unlinkSync(path);
      } catch {
        // Reported below; a stray short segment is recognised as torn at the next open.
      }
      throw this.ioError(path, 'write the header of', error);
    }
    this.syncDir();
    if (this.activeFd >= 0) closeSync(this.activeFd);
    this.activeFd = fd;
    const segment: Segment = { id, path, size: SEGMENT_HEADER, offsets: [], lengths: [] };
    this.segments.push(segment);
    this.counters.diskBytes += SEGMENT_HEADER;
    return segment;
  }

  /** Seals the active segment and starts the next. */
  private rotate(): Segment {
    if (this.fsync === 'segment') {
      try {
        fdatasyncSync(this.activeFd);
      } catch (error) {
        throw this.ioError(this.active().path, 'sync', error);
      }
    }
    return this.createSegment(this.active().id + 1);
  }

  /** Drops the oldest segment with its pending batches (counted); returns the active segment after. */
  private dropOldestSegment(): Segment {
    const head = this.segments[0]!;
    for (let i = this.headIndex; i < head.lengths.length; i += 1) {
      this.counters.droppedBatches += 1;
      this.counters.droppedBytes += head.lengths[i]!;
      this.counters.pendingBatches -= 1;
      this.counters.pendingBytes -= head.lengths[i]!;
    }
    this.headIndex = head.offsets.length;
    this.cached = null;
    this.reclaimHead();
    this.writeCursor();
    return this.active();
  }

  /** Advances past the head record (acknowledged or skipped). */
  private consumeHead(length: number): void {
    this.headIndex += 1;
    this.counters.pendingBatches -= 1;
    this.counters.pendingBytes -= length;
    this.cached = null;
    this.reclaimHead();
    this.writeCursor();
  }

  /** Deletes the head segment when all its records are consumed (a fresh one replaces the active one). */
  private reclaimHead(): void {
    // A loop: segments with nothing valid left in them (all corrupt) are reclaimed on the way.
    for (;;) {
      const head = this.segments[0]!;
      if (this.headIndex < head.offsets.length) return;
      if (this.segments.length === 1) {
        if (head.size === SEGMENT_HEADER) return; // empty active segment: nothing to reclaim
        this.createSegment(head.id + 1);
      }
      this.segments.shift();
      this.headIndex = 0;
      this.counters.diskBytes -= head.size;
      // The cursor moves first: a crash before the unlink leaves a segment that open() knows is consumed.
      this.writeCursor();
      this.unlink(head.path);
    }
  }

  private writeCursor(): void {
    const head = this.segments[0]!;
    const offset = head.offsets[this.headIndex] ?? head.size;
    try {
      writeFully(this.cursorFd, encodeCursor(head.id, offset), 0);
    } catch (error) {
      throw this.ioError(join(this.dir, 'cursor'), 'write', error);
    }
  }

  private readRecord(segment: Segment, offset: number, length: number): Buffer | null {
    const record = Buffer.allocUnsafe(RECORD_HEADER + length);
    let fd = -1;
    try {
      fd = openSync(segment.path, 'r');
      let read = 0;
      while (read < record.length) {
        const n = readSync(fd, record, read, record.length - read, offset + read);
        if (n === 0) break;
        read += n;
      }
      if (read < record.length) return null;
    } catch (error) {
      throw this.ioError(segment.path, 'read', error);
    } finally {
      if (fd >= 0) closeSync(fd);
    }
    return recordAt(record, 0) === length ? record.subarray(RECORD_HEADER) : null;
  }
}

/** Opens a spool; see `Spool.open`. */
export function openSpool(options: SpoolOptions): Spool {
  return Spool.open(options);
}

// ---------------------------------------------------------------------------------------------------
// SpooledSender

export interface SpooledSenderOptions {
  readonly spool: Spool;
  /**
   * Sends one batch. Resolves once the receiver acknowledged it (a NATS PubAck, an OTLP response);
   * rejects when it was not. It must settle: put a deadline on it.
   */
  readonly send: (batch: Buffer) => Promise<void>;
  /**
   * Whether a send can be attempted now (the transport is connected). When false, batches go to the spool
   * without a try, and the drain loop waits for `wake()` (call it on reconnect) or the retry delay.
   * Default: always ready.
   */
  readonly ready?: () => boolean;
  /** First retry delay after a failed send, milliseconds (doubles per failure). Default 500. */
  readonly retryInitialMs?: number;
  /** Longest retry delay, milliseconds. Default 30 000. */
  readonly retryMaxMs?: number;
  /**
   * Whether a send error means the batch can never be delivered (too large for the receiver, not
   * decodable): such a batch is discarded and counted in `rejected` instead of retried forever.
   * Default: errors carrying `permanent: true` (see `PermanentSendError`).
   */
  readonly isPermanent?: (error: Error) => boolean;
  /** Each failed send and each spool failure, for logging; the sender itself never throws them. */
  readonly onError?: (error: Error) => void;
}

/** A send failure that retrying cannot fix; the sender discards the batch and counts it as rejected. */
export class PermanentSendError extends Error {
  override readonly name = 'PermanentSendError';
  readonly permanent = true;
}

/** What `submit` did with a batch. */
export type SubmitOutcome = 'sending' | 'spooled' | 'dropped';

/** Counts since the sender was created, plus the spool's pending figures. */
export interface SpooledSenderStats {
  /** Batches the receiver acknowledged. */
  readonly sent: number;
  /** Send attempts that failed (each retry counts). */
  readonly failed: number;
  /** Batches written to the spool. */
  readonly spooled: number;
  /** Batches lost: evicted from the full spool, too big for it, or the spool write failed. */
  readonly dropped: number;
  /** Batches discarded because the transport refused them for good (see `isPermanent`). */
  readonly rejected: number;
  /** Batches waiting in the spool. */
  readonly pending: number;
  /** Their payload bytes. */
  readonly pendingBytes: number;
  readonly lastError: Error | null;
}

type Flight = { readonly batch: Buffer; entry: SpoolEntry | null | undefined };

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

/**
 * Sends batches in submission order, through the spool whenever the direct path is not clear:
 * - with the spool empty and nothing in flight, a batch is sent directly;
 * - otherwise it is appended to the spool, and a drain loop sends the spool's head, acknowledging it only
 *   when the send resolved, then the next; failures retry the same head with exponential backoff;
 * - while a direct send is in flight and another batch arrives, the in-flight batch is first written to
 *   the spool too (write-ahead), so that if its send fails it is still ahead of the new one.
 * Nothing is ever reordered, and a batch leaves the spool only after it was acknowledged. Transports
 * therefore deliver at least once; give every batch an idempotency key so receivers drop repeats.
 */
export class SpooledSender {
  private readonly spool: Spool;
  private readonly send: (batch: Buffer) => Promise<void>;
  private readonly ready: () => boolean;
  private readonly retryInitialMs: number;
  private readonly retryMaxMs: number;
  private readonly onError: (error: Error) => void;
  private readonly isPermanent: (error: Error) => boolean;
  private inflight: Flight | null = null;
  private inflightDone: Promise<void> | null = null;
  private draining: Promise<void> | null = null;
  private delayMs = 0;
  private wakeUp: (() => void) | null = null;
  private closed = false;
  private idleWaiters: (() => void)[] = [];
  private counts = { sent: 0, failed: 0, spooled: 0, appendFailures: 0, rejected: 0 };
  private lastError: Error | null = null;

  constructor(options: SpooledSenderOptions) {
    this.spool = options.spool;
    this.send = options.send;
    this.ready = options.ready ?? (() => true);
    this.retryInitialMs = Math.max(1, options.retryInitialMs ?? 500);
    this.retryMaxMs = Math.max(this.retryInitialMs, options.retryMaxMs ?? 30_000);
    this.onError = options.onError ?? (() => undefined);
    this.isPermanent =
      options.isPermanent ?? ((error) => (error as Error & { permanent?: unknown }).permanent === true);
    // Batches left by a previous run go first, without waiting for a submit.
    if (this.spool.pendingBatches > 0) queueMicrotask(() => this.kick());
  }

  get stats(): SpooledSenderStats {
    const spool = this.spool.stats;
    return {
      sent: this.counts.sent,
      failed: this.counts.failed,
      spooled: this.counts.spooled,
      dropped: spool.droppedBatches + this.counts.appendFailures,
      rejected: this.counts.rejected,
      pending: spool.pendingBatches,
      pendingBytes: spool.pendingBytes,
      lastError: this.lastError,
    };
  }

  /** Hands over one batch; never throws (after `close`, the batch is dropped). */
  submit(batch: Uint8Array): SubmitOutcome {
    const data = Buffer.from(batch);
    if (this.closed) {
      this.counts.appendFailures += 1;
      return 'dropped';
    }
    if (this.draining === null && this.inflight === null && this.spool.pendingBatches === 0 && this.ready()) {
      this.startDirect(data);
      return 'sending';
    }
    if (this.inflight !== null && this.inflight.entry === undefined) {
      this.inflight.entry = this.appendToSpool(this.inflight.batch);
    }
    const entry = this.appendToSpool(data);
    this.kick();
    return entry === null ? 'dropped' : 'spooled';
  }

  /** The transport is usable again (reconnected): retry now instead of after the backoff delay. */
  wake(): void {
    this.delayMs = 0;
    const wake = this.wakeUp;
    this.wakeUp = null;
    wake?.();
    this.kick();
  }

  /** Resolves when nothing is pending or in flight (immediately if so now). */
  idle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /**
   * Stops sending. A batch in flight is written to the spool first (if not there yet), then awaited up to
   * `timeoutMs` so its acknowledgement can still be recorded; whatever is pending stays in the spool for
   * the next start. The spool itself is left open for its owner to close.
   */
  async close(timeoutMs = 5_000): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.inflight !== null && this.inflight.entry === undefined) {
      this.inflight.entry = this.appendToSpool(this.inflight.batch);
    }
    this.wakeUp?.();
    this.wakeUp = null;
    const pending = [this.inflightDone, this.draining].filter((p): p is Promise<void> => p !== null);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all(pending),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, timeoutMs);
      }),
    ]);
    clearTimeout(timer);
    this.settleIdle(true);
  }

  private isIdle(): boolean {
    return this.inflight === null && this.draining === null && this.spool.pendingBatches === 0;
  }

  private settleIdle(force = false): void {
    if (!force && !this.isIdle()) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }

  private appendToSpool(batch: Buffer): SpoolEntry | null {
    try {
      const entry = this.spool.append(batch);
      if (entry !== null) this.counts.spooled += 1;
      return entry;
    } catch (error) {
      this.counts.appendFailures += 1;
      this.fail(asError(error), false);
      return null;
    }
  }

  private fail(error: Error, sendFailure: boolean): void {
    if (sendFailure) this.counts.failed += 1;
    this.lastError = error;
    try {
      this.onError(error);
    } catch {
      // A logging callback must not break the sender.
    }
  }

  private startDirect(batch: Buffer): void {
    const flight: Flight = { batch, entry: undefined };
    this.inflight = flight;
    this.inflightDone = (async () => {
      let ok = false;
      let permanent = false;
      try {
        await this.send(batch);
        ok = true;
      } catch (error) {
        permanent = this.rejectedForGood(asError(error));
      }
      if (ok || permanent) {
        if (ok) this.counts.sent += 1;
        this.delayMs = 0;
        if (flight.entry) this.safeAck(flight.entry);
      } else if (flight.entry === undefined && !this.closed) {
        // Nothing was queued behind it, so appending keeps it first.
        flight.entry = this.appendToSpool(batch);
      }
      this.inflight = null;
      this.inflightDone = null;
      const retry = !ok && !permanent;
      if (retry) this.bumpDelay();
      if (this.spool.pendingBatches > 0 || retry) this.kick();
      this.settleIdle();
    })();
  }

  /** Counts a failed send; true when it was permanent (the batch is to be discarded). */
  private rejectedForGood(error: Error): boolean {
    const permanent = this.isPermanent(error);
    if (permanent) this.counts.rejected += 1;
    this.fail(error, !permanent);
    return permanent;
  }

  private safeAck(entry: SpoolEntry): void {
    try {
      this.spool.ack(entry);
    } catch (error) {
      this.fail(asError(error), false);
    }
  }

  private bumpDelay(): void {
    this.delayMs = this.delayMs === 0 ? this.retryInitialMs : Math.min(this.retryMaxMs, this.delayMs * 2);
  }

  private kick(): void {
    if (this.draining !== null || this.inflight !== null || this.closed) return;
    this.draining = this.drain().finally(() => {
      this.draining = null;
      this.settleIdle();
      // A batch appended while the loop was finishing must not wait for the next submit.
      if (!this.closed && this.spool.pendingBatches > 0 && this.inflight === null) this.kick();
    });
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.wakeUp = null;
        resolve();
      }, ms);
      timer.unref();
      this.wakeUp = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  private async drain(): Promise<void> {
    while (!this.closed) {
      if (this.delayMs > 0) {
        await this.pause(this.delayMs);
        if (this.closed) return;
      }
      let entry: SpoolEntry | undefined;
      try {
        entry = this.spool.peek();
      } catch (error) {
        this.fail(asError(error), false);
        this.bumpDelay();
        continue;
      }
      if (entry === undefined) return;
      if (!this.ready()) {
        // Not a failure: wait for wake() (reconnect), re-checking now and then.
        await this.pause(Math.max(this.delayMs, this.retryInitialMs));
        continue;
      }
      try {
        await this.send(entry.data);
      } catch (error) {
        if (this.rejectedForGood(asError(error))) this.safeAck(entry);
        else this.bumpDelay();
        continue;
      }
      this.counts.sent += 1;
      this.delayMs = 0;
      this.safeAck(entry);
    }
  }
}
