import {
  appendFileSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import {
  PermanentSendError,
  Spool,
  SpoolError,
  SpooledSender,
  encodeSpoolRecord,
  scanSegment,
  type SpoolOptions,
} from '../../src/export/spool.js';

const dirs: string[] = [];
const open: Spool[] = [];

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sysray-spool-'));
  dirs.push(dir);
  return dir;
}

function openSpool(options: Partial<SpoolOptions> & { dir: string }): Spool {
  const spool = Spool.open({ maxBytes: 1024 * 1024, fsync: 'never', ...options });
  open.push(spool);
  return spool;
}

function batch(n: number, size = 20): Buffer {
  const text = `batch-${String(n).padStart(4, '0')}`;
  return Buffer.from(text.padEnd(Math.max(size, text.length), '.'));
}

/** Reads every pending batch in order, acknowledging each. */
function drainAll(spool: Spool): string[] {
  const out: string[] = [];
  for (let entry = spool.peek(); entry !== undefined; entry = spool.peek()) {
    out.push(entry.data.toString().replace(/\.+$/, ''));
    expect(spool.ack(entry)).toBe(true);
  }
  return out;
}

/** XORs one byte in place (simulated bit rot). */
function flip(buf: Buffer, index: number, mask: number): void {
  buf.writeUInt8(buf.readUInt8(index) ^ mask, index);
}

function segmentFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith('.seg'))
    .sort();
}

afterEach(() => {
  for (const spool of open.splice(0)) spool.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const SEGMENT_HEADER = 8;
const RECORD_HEADER = 12;

describe('scanSegment', () => {
  const header = Buffer.from('SYSRSPL1', 'latin1');

  it('frames records and reports a clean end', () => {
    const buf = Buffer.concat([
      header,
      encodeSpoolRecord(Buffer.from('one')),
      encodeSpoolRecord(Buffer.alloc(0)),
    ]);
    const scan = scanSegment(buf);
    expect(scan.records).toEqual([
      { offset: 8, length: 3 },
      { offset: 8 + RECORD_HEADER + 3, length: 0 },
    ]);
    expect(scan.damaged).toEqual([]);
    expect(scan.tailStart).toBeNull();
  });

  it('skips a damaged record and resynchronises on the next one', () => {
    const a = encodeSpoolRecord(Buffer.from('alpha'));
    const b = encodeSpoolRecord(Buffer.from('bravo'));
    const c = encodeSpoolRecord(Buffer.from('charlie'));
    flip(b, RECORD_HEADER + 1, 0xff); // payload bit rot: CRC mismatch
    const buf = Buffer.concat([header, a, b, c]);
    const scan = scanSegment(buf);
    const cStart = 8 + a.length + b.length;
    expect(scan.records).toEqual([
      { offset: 8, length: 5 },
      { offset: cStart, length: 7 },
    ]);
    expect(scan.damaged).toEqual([[8 + a.length, cStart]]);
    expect(scan.tailStart).toBeNull();
  });

  it('detects a damaged length (covered by the CRC) instead of misframing', () => {
    const a = encodeSpoolRecord(Buffer.from('alpha'));
    const b = encodeSpoolRecord(Buffer.from('bravo-bravo'));
    a.writeUInt32LE(2, 4); // claims 2 payload bytes: the rest would be read as a record
    const scan = scanSegment(Buffer.concat([header, a, b]));
    expect(scan.records).toEqual([{ offset: 8 + a.length, length: 11 }]);
    expect(scan.damaged).toEqual([[8, 8 + a.length]]);
  });

  it('reports an incomplete last record as the tail', () => {
    const a = encodeSpoolRecord(Buffer.from('alpha'));
    const b = encodeSpoolRecord(Buffer.from('bravo'));
    const buf = Buffer.concat([header, a, b.subarray(0, b.length - 2)]);
    const scan = scanSegment(buf);
    expect(scan.records).toEqual([{ offset: 8, length: 5 }]);
    expect(scan.tailStart).toBe(8 + a.length);
  });

  it('treats trailing zeros (a file extended but not written) as the tail', () => {
    const a = encodeSpoolRecord(Buffer.from('alpha'));
    const scan = scanSegment(Buffer.concat([header, a, Buffer.alloc(100)]));
    expect(scan.records).toHaveLength(1);
    expect(scan.tailStart).toBe(8 + a.length);
  });

  it('ignores a stray magic inside a payload', () => {
    const tricky = Buffer.concat([Buffer.from('SRR1'), Buffer.from([5, 0, 0, 0, 1, 2, 3, 4])]);
    const buf = Buffer.concat([header, encodeSpoolRecord(tricky), encodeSpoolRecord(Buffer.from('z'))]);
    expect(scanSegment(buf).records.map((r) => r.length)).toEqual([tricky.length, 1]);
  });
});

describe('Spool', () => {
  it('is a FIFO: peek returns the head until it is acknowledged', () => {
    const spool = openSpool({ dir: tempDir() });
    expect(spool.peek()).toBeUndefined();
    const first = spool.append(batch(1));
    spool.append(batch(2));
    expect(first).not.toBeNull();
    expect(spool.stats.pendingBatches).toBe(2);
    expect(spool.stats.pendingBytes).toBe(40);
    const head = spool.peek()!;
    expect(head.data.toString()).toMatch(/^batch-0001/);
    expect(spool.peek()).toBe(head);
    expect(spool.ack(head)).toBe(true);
    // The same entry cannot be acknowledged twice, nor one that is not the head.
    expect(spool.ack(head)).toBe(false);
    expect(spool.peek()!.data.toString()).toMatch(/^batch-0002/);
    expect(spool.stats).toMatchObject({ pendingBatches: 1, appendedBatches: 2, ackedBatches: 1 });
  });

  it('survives a restart: pending batches come back in order, acknowledged ones do not', () => {
    const dir = tempDir();
    const spool = openSpool({ dir });
    for (let i = 1; i <= 5; i += 1) spool.append(batch(i));
    spool.ack(spool.peek()!);
    spool.ack(spool.peek()!);
    spool.close();
    const again = openSpool({ dir });
    expect(again.stats.pendingBatches).toBe(3);
    expect(drainAll(again)).toEqual(['batch-0003', 'batch-0004', 'batch-0005']);
    again.close();
    const empty = openSpool({ dir });
    expect(empty.stats.pendingBatches).toBe(0);
    expect(empty.peek()).toBeUndefined();
  });

  it('rotates segments and deletes each one once fully acknowledged', () => {
    const dir = tempDir();
    const spool = openSpool({ dir, segmentBytes: 100 });
    for (let i = 1; i <= 6; i += 1) spool.append(batch(i));
    // 8-byte header + 2 records of 32 bytes = 72; a third would make 104 > 100.
    expect(segmentFiles(dir)).toHaveLength(3);
    expect(spool.stats.diskBytes).toBe(3 * (SEGMENT_HEADER + 2 * 32));
    spool.ack(spool.peek()!);
    expect(segmentFiles(dir)).toHaveLength(3);
    spool.ack(spool.peek()!);
    expect(segmentFiles(dir)).toHaveLength(2);
    expect(drainAll(spool)).toEqual(['batch-0003', 'batch-0004', 'batch-0005', 'batch-0006']);
    // Fully drained: one fresh, empty segment is left.
    const left = segmentFiles(dir);
    expect(left).toHaveLength(1);
    expect(statSync(join(dir, left[0]!)).size).toBe(SEGMENT_HEADER);
    expect(spool.stats.diskBytes).toBe(SEGMENT_HEADER);
  });

  it('drops the oldest batches when full, counts them, and never exceeds maxBytes on disk', () => {
    const dir = tempDir();
    const maxBytes = 300;
    const spool = openSpool({ dir, maxBytes, segmentBytes: 100 });
    const diskSize = (): number =>
      segmentFiles(dir).reduce((sum, name) => sum + statSync(join(dir, name)).size, 0);
    for (let i = 1; i <= 20; i += 1) {
      expect(spool.append(batch(i))).not.toBeNull();
      expect(diskSize()).toBeLessThanOrEqual(maxBytes);
      expect(spool.stats.diskBytes).toBe(diskSize());
    }
    // Segments hold 2 records (8 + 2 * 32 = 72 bytes); four full ones (288 bytes) fit, a fifth record
    // does not: the oldest segment goes whole each time.
    const { droppedBatches, droppedBytes, pendingBatches } = spool.stats;
    expect(droppedBatches + pendingBatches).toBe(20);
    expect(droppedBytes).toBe(droppedBatches * 20);
    expect(droppedBatches).toBe(12);
    const kept = drainAll(spool);
    expect(kept).toEqual(Array.from({ length: 8 }, (_, i) => `batch-${String(13 + i).padStart(4, '0')}`));
  });

  it('drops the in-flight head when full; its late ack then changes nothing', () => {
    const spool = openSpool({ dir: tempDir(), maxBytes: 200, segmentBytes: 100 });
    spool.append(batch(1));
    const head = spool.peek()!;
    for (let i = 2; i <= 8; i += 1) spool.append(batch(i));
    expect(spool.stats.droppedBatches).toBeGreaterThan(0);
    expect(spool.ack(head)).toBe(false);
    expect(spool.peek()!.data.toString()).not.toMatch(/^batch-0001/);
  });

  it('drops a batch too large to ever fit, keeping the rest', () => {
    const spool = openSpool({ dir: tempDir(), maxBytes: 100, segmentBytes: 100 });
    spool.append(batch(1));
    expect(spool.append(Buffer.alloc(100 - SEGMENT_HEADER - RECORD_HEADER + 1))).toBeNull();
    expect(spool.stats).toMatchObject({ droppedBatches: 1, droppedBytes: 81, pendingBatches: 1 });
    // The largest batch that fits replaces everything else.
    expect(spool.append(Buffer.alloc(100 - SEGMENT_HEADER - RECORD_HEADER))).not.toBeNull();
    expect(spool.stats).toMatchObject({ droppedBatches: 2, pendingBatches: 1 });
  });

  it('truncates a torn tail (a write cut short by a crash) and goes on appending cleanly', () => {
    const dir = tempDir();
    const spool = openSpool({ dir });
    for (let i = 1; i <= 3; i += 1) spool.append(batch(i));
    spool.close();
    const [segment] = segmentFiles(dir);
    const path = join(dir, segment!);
    const size = statSync(path).size;
    truncateSync(path, size - 5); // the third record lost its last 5 bytes
    const again = openSpool({ dir });
    expect(again.stats).toMatchObject({
      pendingBatches: 2,
      tornTails: 1,
      tornBytes: 32 - 5,
      corruptRecords: 0,
    });
    expect(statSync(path).size).toBe(size - 32);
    again.append(batch(4));
    again.close();
    const third = openSpool({ dir });
    expect(third.stats).toMatchObject({ tornTails: 0, corruptRecords: 0 });
    expect(drainAll(third)).toEqual(['batch-0001', 'batch-0002', 'batch-0004']);
  });

  it('treats a half-written record header and zero-filled tail as torn', () => {
    const dir = tempDir();
    const spool = openSpool({ dir });
    spool.append(batch(1));
    spool.close();
    const path = join(dir, segmentFiles(dir)[0]!);
    appendFileSync(path, Buffer.concat([encodeSpoolRecord(batch(2)).subarray(0, 6), Buffer.alloc(4096)]));
    const again = openSpool({ dir });
    expect(again.stats).toMatchObject({ pendingBatches: 1, tornTails: 1, tornBytes: 6 + 4096 });
    expect(drainAll(again)).toEqual(['batch-0001']);
  });

  it('skips and counts a corrupted record in the middle, keeping those around it', () => {
    const dir = tempDir();
    const spool = openSpool({ dir });
    for (let i = 1; i <= 3; i += 1) spool.append(batch(i));
    spool.close();
    const path = join(dir, segmentFiles(dir)[0]!);
    const bytes = readFileSync(path);
    flip(bytes, SEGMENT_HEADER + 32 + RECORD_HEADER + 3, 0x20); // second record's payload
    writeFileSync(path, bytes);
    const again = openSpool({ dir });
    expect(again.stats).toMatchObject({
      pendingBatches: 2,
      corruptRecords: 1,
      corruptBytes: 32,
      tornTails: 0,
    });
    expect(drainAll(again)).toEqual(['batch-0001', 'batch-0003']);
  });

  it('counts damage at the end of an older (sealed) segment as corruption, not a torn tail', () => {
    const dir = tempDir();
    const spool = openSpool({ dir, segmentBytes: 100 });
    for (let i = 1; i <= 4; i += 1) spool.append(batch(i));
    spool.close();
    const [older] = segmentFiles(dir);
    const path = join(dir, older!);
    const bytes = readFileSync(path);
    flip(bytes, bytes.length - 1, 0xff); // last byte of the second record
    writeFileSync(path, bytes);
    const again = openSpool({ dir, segmentBytes: 100 });
    expect(again.stats).toMatchObject({
      corruptRecords: 1,
      corruptBytes: 32,
      tornTails: 0,
      pendingBatches: 3,
    });
    expect(drainAll(again)).toEqual(['batch-0001', 'batch-0003', 'batch-0004']);
  });

  it('passes over a whole segment with nothing valid in it', () => {
    const dir = tempDir();
    const spool = openSpool({ dir, segmentBytes: 100 });
    for (let i = 1; i <= 6; i += 1) spool.append(batch(i));
    spool.close();
    const middle = join(dir, segmentFiles(dir)[1]!);
    const bytes = readFileSync(middle);
    bytes.fill(0x55, SEGMENT_HEADER); // both records of the middle segment destroyed
    writeFileSync(middle, bytes);
    const again = openSpool({ dir, segmentBytes: 100 });
    expect(again.stats).toMatchObject({ pendingBatches: 4, corruptRecords: 1, corruptBytes: 64 });
    expect(drainAll(again)).toEqual(['batch-0001', 'batch-0002', 'batch-0005', 'batch-0006']);
    expect(segmentFiles(dir)).toHaveLength(1);
  });

  it('skips a record damaged on disk after open when it is read', () => {
    const dir = tempDir();
    const spool = openSpool({ dir });
    for (let i = 1; i <= 3; i += 1) spool.append(batch(i));
    const path = join(dir, segmentFiles(dir)[0]!);
    const bytes = readFileSync(path);
    flip(bytes, SEGMENT_HEADER + RECORD_HEADER + 2, 0x01); // first record
    writeFileSync(path, bytes);
    expect(drainAll(spool)).toEqual(['batch-0002', 'batch-0003']);
    expect(spool.stats).toMatchObject({
      corruptRecords: 1,
      corruptBytes: 32,
      ackedBatches: 2,
      pendingBatches: 0,
    });
  });

  it('redelivers rather than loses when the cursor file is damaged', () => {
    const dir = tempDir();
    const spool = openSpool({ dir });
    for (let i = 1; i <= 3; i += 1) spool.append(batch(i));
    spool.ack(spool.peek()!);
    spool.close();
    writeFileSync(join(dir, 'cursor'), Buffer.from('garbage-garbage-garb'));
    const again = openSpool({ dir });
    expect(drainAll(again)).toEqual(['batch-0001', 'batch-0002', 'batch-0003']);
  });

  it('deletes segments left behind by a crash between the cursor write and the unlink', () => {
    const dir = tempDir();
    const spool = openSpool({ dir, segmentBytes: 100 });
    for (let i = 1; i <= 4; i += 1) spool.append(batch(i));
    const [first] = segmentFiles(dir);
    const firstBytes = readFileSync(join(dir, first!));
    spool.ack(spool.peek()!);
    spool.ack(spool.peek()!); // first segment consumed and deleted
    spool.close();
    writeFileSync(join(dir, first!), firstBytes); // ...as if the unlink never happened
    const again = openSpool({ dir, segmentBytes: 100 });
    expect(segmentFiles(dir)).not.toContain(first);
    expect(drainAll(again)).toEqual(['batch-0003', 'batch-0004']);
  });

  it('refuses a directory open in this process or held by a live process, and takes over a stale lock', () => {
    const dir = tempDir();
    const spool = openSpool({ dir });
    expect(() => Spool.open({ dir, maxBytes: 1024 })).toThrow(/already open in this process/);
    spool.close();
    writeFileSync(join(dir, 'lock'), `${process.ppid}\n`); // our parent: alive
    expect(() => Spool.open({ dir, maxBytes: 1024 })).toThrow(SpoolError);
    expect(() => Spool.open({ dir, maxBytes: 1024 })).toThrow(`in use by process ${process.ppid}`);
    writeFileSync(join(dir, 'lock'), '2147483646\n'); // no such pid
    const taken = openSpool({ dir });
    expect(readFileSync(join(dir, 'lock'), 'utf8')).toBe(`${process.pid}\n`);
    taken.append(batch(1));
    expect(taken.stats.pendingBatches).toBe(1);
  });

  it('rejects contradictory sizes at construction', () => {
    const dir = tempDir();
    expect(() => Spool.open({ dir, maxBytes: 10 })).toThrow(/maxBytes must be at least/);
    expect(() => Spool.open({ dir, maxBytes: 1000, segmentBytes: 2000 })).toThrow(/cannot exceed maxBytes/);
    const spool = openSpool({ dir, maxBytes: 64 * 1024 * 1024 });
    expect(spool.segmentBytes).toBe(4 * 1024 * 1024);
  });

  it('fsyncs under the default policy and still recovers', () => {
    const dir = tempDir();
    const spool = Spool.open({ dir, maxBytes: 10_000 });
    expect(spool.fsync).toBe('always');
    spool.append(batch(1));
    spool.close();
    const again = openSpool({ dir });
    expect(drainAll(again)).toEqual(['batch-0001']);
  });

  it('reports an unusable directory with its path', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'file'), 'x');
    expect(() => Spool.open({ dir: join(dir, 'file', 'spool'), maxBytes: 1000 })).toThrow(
      /cannot create the spool directory .*file\/spool: ENOTDIR/,
    );
  });
});

/**
 * Module hooks for a child `node` to run spool.ts directly: `.js` specifiers that name a `.ts` source
 * resolve to it, and TypeScript is transpiled with the repository's own `typescript` package.
 */
const TS_LOADER = `
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ts from ${JSON.stringify(pathToFileURL(createRequire(import.meta.url).resolve('typescript')).href)};
export async function resolve(specifier, context, next) {
  if (specifier.endsWith('.js') && context.parentURL?.endsWith('.ts')) {
    const ts = new URL(specifier.replace(/\\.js$/, '.ts'), context.parentURL);
    if (existsSync(fileURLToPath(ts))) return { url: ts.href, shortCircuit: true };
  }
  return next(specifier, context);
}
export async function load(url, context, next) {
  if (!url.endsWith('.ts')) return next(url, context);
  const source = readFileSync(fileURLToPath(url), 'utf8');
  const out = ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: true },
  });
  return { format: 'module', source: out.outputText, shortCircuit: true };
}
`;

/** Appends numbered batches (and acks every third) as fast as it can, until killed. */
const CRASH_CHILD = `
import { register } from 'node:module';
register(process.argv[2]);
const { Spool } = await import(process.argv[3]);
const spool = Spool.open({ dir: process.argv[4], maxBytes: 256 * 1024 * 1024, segmentBytes: 256 * 1024, fsync: 'never' });
for (let n = 0; ; ) {
  for (let k = 0; k < 2; k += 1, n += 1) {
    const batch = Buffer.alloc(16 + ((n * 7919) % 3000), n % 251);
    batch.writeUInt32LE(n, 0);
    spool.append(batch);
  }
  spool.ack(spool.peek());
  if (n % 1000 === 0) process.stdout.write(n + '\\n');
}
`;

describe('Spool after a real crash', () => {
  it('recovers exactly the appended, unacknowledged batches in order after SIGKILL mid-stream', async () => {
    const dir = tempDir();
    const work = tempDir();
    writeFileSync(join(work, 'loader.mjs'), TS_LOADER);
    writeFileSync(join(work, 'child.mjs'), CRASH_CHILD);
    const spoolUrl = pathToFileURL(fileURLToPath(new URL('../../src/export/spool.ts', import.meta.url))).href;
    const child = spawn(
      process.execPath,
      [join(work, 'child.mjs'), pathToFileURL(join(work, 'loader.mjs')).href, spoolUrl, join(dir, 'spool')],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      child.once('exit', (_code, signal) => resolve(signal)),
    );
    const reported = await new Promise<number>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        const last = Number(chunk.toString().trim().split('\n').pop());
        if (last >= 6000) resolve(last);
      });
      void exited.then(() => reject(new Error(`the child exited early: ${stderr}`)));
    });
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');

    const spool = openSpool({
      dir: join(dir, 'spool'),
      maxBytes: 256 * 1024 * 1024,
      segmentBytes: 256 * 1024,
    });
    expect(spool.stats.corruptRecords).toBe(0);
    const numbers: number[] = [];
    for (let entry = spool.peek(); entry !== undefined; entry = spool.peek()) {
      const n = entry.data.readUInt32LE(0);
      expect(entry.data.length).toBe(16 + ((n * 7919) % 3000));
      expect(entry.data[entry.data.length - 1]).toBe(n % 251);
      numbers.push(n);
      spool.ack(entry);
    }
    // Two appends per ack: about half of what was appended is pending, with no gap and no repeat.
    const first = numbers[0]!;
    expect(numbers).toEqual(Array.from({ length: numbers.length }, (_, i) => first + i));
    expect(first + numbers.length).toBeGreaterThanOrEqual(reported);
    expect(numbers.length).toBeGreaterThanOrEqual(Math.floor(reported / 2));
    expect(first).toBeGreaterThanOrEqual(Math.floor(reported / 2) - 1);
  }, 30_000);
});

/** A transport under the test's control: each send waits for `settle`. */
class FakeTransport {
  readonly received: string[] = [];
  readonly attempts: string[] = [];
  mode: 'ok' | 'fail' | 'hold' = 'ok';
  private held: { data: string; resolve: () => void; reject: (e: Error) => void }[] = [];

  send = (batch: Buffer): Promise<void> => {
    const data = batch.toString();
    this.attempts.push(data);
    if (this.mode === 'ok') {
      this.received.push(data);
      return Promise.resolve();
    }
    if (this.mode === 'fail') return Promise.reject(new Error(`unreachable (${data})`));
    return new Promise((resolve, reject) => this.held.push({ data, resolve, reject }));
  };

  release(ok: boolean): void {
    for (const h of this.held.splice(0)) {
      if (ok) {
        this.received.push(h.data);
        h.resolve();
      } else h.reject(new Error(`failed (${h.data})`));
    }
  }
}

const tick = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 5));

describe('SpooledSender', () => {
  it('sends directly while healthy, leaving the spool empty', async () => {
    const spool = openSpool({ dir: tempDir() });
    const transport = new FakeTransport();
    const sender = new SpooledSender({ spool, send: transport.send });
    expect(sender.submit(Buffer.from('a'))).toBe('sending');
    await sender.idle();
    expect(sender.submit(Buffer.from('b'))).toBe('sending');
    await sender.idle();
    expect(transport.received).toEqual(['a', 'b']);
    expect(sender.stats).toMatchObject({ sent: 2, spooled: 0, failed: 0, pending: 0 });
    expect(spool.stats.appendedBatches).toBe(0);
  });

  it('spools during an outage and drains in order once the transport is back', async () => {
    const spool = openSpool({ dir: tempDir() });
    const transport = new FakeTransport();
    transport.mode = 'fail';
    const errors: string[] = [];
    const sender = new SpooledSender({
      spool,
      send: transport.send,
      retryInitialMs: 5,
      retryMaxMs: 20,
      onError: (e) => errors.push(e.message),
    });
    expect(sender.submit(Buffer.from('1'))).toBe('sending');
    await tick();
    for (const n of ['2', '3', '4']) expect(sender.submit(Buffer.from(n))).toBe('spooled');
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(sender.stats.pending).toBe(4);
    expect(sender.stats.failed).toBeGreaterThanOrEqual(2);
    // Every retry was of the head: nothing was tried out of order.
    expect(new Set(transport.attempts)).toEqual(new Set(['1']));
    expect(errors[0]).toBe('unreachable (1)');
    transport.mode = 'ok';
    sender.wake();
    sender.submit(Buffer.from('5'));
    await sender.idle();
    expect(transport.received).toEqual(['1', '2', '3', '4', '5']);
    expect(sender.stats).toMatchObject({ sent: 5, pending: 0, dropped: 0 });
    expect(sender.stats.lastError?.message).toBe('unreachable (1)');
  });

  it('writes an in-flight batch ahead when another arrives, so a failure cannot reorder them', async () => {
    const spool = openSpool({ dir: tempDir() });
    const transport = new FakeTransport();
    transport.mode = 'hold';
    const sender = new SpooledSender({ spool, send: transport.send, retryInitialMs: 1 });
    expect(sender.submit(Buffer.from('A'))).toBe('sending');
    expect(sender.submit(Buffer.from('B'))).toBe('spooled');
    expect(spool.stats.pendingBatches).toBe(2); // A (written ahead), then B
    transport.mode = 'ok';
    transport.release(false); // A's direct send fails
    await sender.idle();
    expect(transport.received).toEqual(['A', 'B']);
    expect(sender.stats).toMatchObject({ sent: 2, failed: 1, pending: 0 });
  });

  it('acknowledges the written-ahead batch when its direct send succeeds', async () => {
    const spool = openSpool({ dir: tempDir() });
    const transport = new FakeTransport();
    transport.mode = 'hold';
    const sender = new SpooledSender({ spool, send: transport.send });
    sender.submit(Buffer.from('A'));
    sender.submit(Buffer.from('B'));
    transport.mode = 'ok';
    transport.release(true);
    await sender.idle();
    expect(transport.received).toEqual(['A', 'B']);
    expect(transport.attempts).toEqual(['A', 'B']); // A was not sent twice
    expect(spool.stats).toMatchObject({ ackedBatches: 2, pendingBatches: 0 });
  });

  it('does not try while the transport is not ready, and goes when woken', async () => {
    const spool = openSpool({ dir: tempDir() });
    const transport = new FakeTransport();
    let connected = false;
    const sender = new SpooledSender({
      spool,
      send: transport.send,
      ready: () => connected,
      retryInitialMs: 10_000,
    });
    expect(sender.submit(Buffer.from('x'))).toBe('spooled');
    expect(sender.submit(Buffer.from('y'))).toBe('spooled');
    await tick();
    expect(transport.attempts).toEqual([]);
    expect(sender.stats.failed).toBe(0);
    connected = true;
    sender.wake();
    await sender.idle();
    expect(transport.received).toEqual(['x', 'y']);
  });

  it('resumes a previous run’s spool on its own, before new batches', async () => {
    const dir = tempDir();
    const first = openSpool({ dir });
    const down = new FakeTransport();
    down.mode = 'fail';
    const sender1 = new SpooledSender({ spool: first, send: down.send, retryInitialMs: 10_000 });
    sender1.submit(Buffer.from('old-1'));
    await tick();
    sender1.submit(Buffer.from('old-2'));
    await sender1.close(100);
    first.close();

    const second = openSpool({ dir });
    const up = new FakeTransport();
    const sender2 = new SpooledSender({ spool: second, send: up.send });
    expect(sender2.submit(Buffer.from('new-1'))).toBe('spooled');
    await sender2.idle();
    expect(up.received).toEqual(['old-1', 'old-2', 'new-1']);
  });

  it('spools the in-flight batch at close so an unacknowledged send is not lost', async () => {
    const dir = tempDir();
    const spool = openSpool({ dir });
    const transport = new FakeTransport();
    transport.mode = 'hold';
    const sender = new SpooledSender({ spool, send: transport.send });
    sender.submit(Buffer.from('in-flight'));
    await sender.close(20);
    expect(sender.submit(Buffer.from('late'))).toBe('dropped');
    spool.close();
    const again = openSpool({ dir });
    expect(drainAll(again)).toEqual(['in-flight']);
  });

  it('discards a batch the transport refuses for good, counting it, and goes on with the next', async () => {
    const spool = openSpool({ dir: tempDir() });
    const received: string[] = [];
    const sender = new SpooledSender({
      spool,
      retryInitialMs: 1,
      send: async (batch) => {
        if (batch.toString() === 'huge') throw new PermanentSendError('exceeds max_payload');
        received.push(batch.toString());
      },
    });
    sender.submit(Buffer.from('huge'));
    sender.submit(Buffer.from('ok-1'));
    await sender.idle();
    sender.submit(Buffer.from('huge'));
    await sender.idle();
    sender.submit(Buffer.from('ok-2'));
    await sender.idle();
    expect(received).toEqual(['ok-1', 'ok-2']);
    expect(sender.stats).toMatchObject({ rejected: 2, failed: 0, sent: 2, pending: 0, dropped: 0 });
    expect(sender.stats.lastError?.message).toBe('exceeds max_payload');
  });

  it('counts batches the full spool evicted during an outage', async () => {
    const spool = openSpool({ dir: tempDir(), maxBytes: 300, segmentBytes: 100 });
    const transport = new FakeTransport();
    transport.mode = 'fail';
    const sender = new SpooledSender({ spool, send: transport.send, retryInitialMs: 10_000 });
    for (let i = 1; i <= 20; i += 1) sender.submit(batch(i));
    await tick();
    const { dropped, pending, spooled } = sender.stats;
    expect(spooled).toBe(20);
    expect(dropped + pending).toBe(20);
    expect(dropped).toBeGreaterThan(0);
    transport.mode = 'ok';
    sender.wake();
    await sender.idle();
    expect(transport.received.map((s) => s.replace(/\.+$/, ''))).toEqual(
      Array.from({ length: pending }, (_, i) => `batch-${String(20 - pending + 1 + i).padStart(4, '0')}`),
    );
  });
});
