import { appendFileSync, readdirSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { ProcessesData, Snapshot } from '@sysray/proto';
import { ManualClock } from '../../src/platform/clock.js';
import { Recorder, type RecorderOptions, type WriteFunction } from '../../src/record/recorder.js';
import { readRecording, type RecordingIssue } from '../../src/record/reader.js';
import { segmentFileName } from '../../src/record/segments.js';
import { hasNativeZstd } from '../../src/record/zstd.js';
import { errnoError, snapshotAt, tempDir, utc } from './helpers.js';

async function readAll(
  dir: string,
  options: { from?: number; to?: number } = {},
): Promise<{ times: number[]; files: string[]; issues: RecordingIssue[] }> {
  const times: number[] = [];
  const files: string[] = [];
  const issues: RecordingIssue[] = [];
  for await (const r of readRecording(dir, { ...options, onIssue: (i) => issues.push(i) })) {
    times.push(r.snapshot.timestamp);
    files.push(path.basename(r.file));
  }
  return { times, files, issues };
}

/** Writes snapshots every `stepMs` from `startMs`, moving the recorder's clock along. */
async function record(
  options: Omit<RecorderOptions, 'clock'>,
  startMs: number,
  stepMs: number,
  count: number,
): Promise<{ recorder: Recorder; times: number[]; clock: ManualClock }> {
  const clock = new ManualClock(0, startMs);
  const recorder = await Recorder.open({ ...options, clock });
  const times: number[] = [];
  for (let i = 0; i < count; i += 1) {
    const t = startMs + i * stepMs;
    times.push(t);
    await recorder.write(snapshotAt(t));
    // Background work (compression, retention) sees the clock of this snapshot, not a later one.
    await recorder.idle();
    clock.advance(stepMs);
  }
  return { recorder, times, clock };
}

describe('Recorder rotation and round trip', () => {
  it('rotates at each UTC hour, compresses closed segments and reads everything back in order', async () => {
    const dir = tempDir();
    const { recorder, times } = await record(
      { dir, rotate: 'hourly', compression: 'gzip' },
      utc(13, 40),
      600_000,
      18,
    );
    // While recording: closed segments compressed in the background, the active one plain.
    await recorder.idle();
    expect(readdirSync(dir).sort()).toEqual([
      'sysray-20261122T134000Z.jsonl.gz',
      'sysray-20261122T140000Z.jsonl.gz',
      'sysray-20261122T150000Z.jsonl.gz',
      'sysray-20261122T160000Z.jsonl',
    ]);
    await recorder.close();
    expect(readdirSync(dir).sort()).toEqual([
      'sysray-20261122T134000Z.jsonl.gz',
      'sysray-20261122T140000Z.jsonl.gz',
      'sysray-20261122T150000Z.jsonl.gz',
      'sysray-20261122T160000Z.jsonl.gz',
    ]);
    // 13:40 and 13:50 in the first; six per full hour; 16:00 to 16:30 in the last.
    const lines = gunzipSync(readFileSync(path.join(dir, 'sysray-20261122T140000Z.jsonl.gz')))
      .toString()
      .split('\n');
    expect(lines).toHaveLength(7);
    expect(lines[6]).toBe('');
    expect((JSON.parse(lines[0]!) as Snapshot).timestamp).toBe(utc(14));
    const back = await readAll(dir);
    expect(back.times).toEqual(times);
    expect(back.issues).toEqual([]);
    expect(recorder.stats).toEqual({ written: 18, dropped: 0, segmentsStarted: 4, segmentsDeleted: 0 });
    // A range opens only the segments it needs and keeps the snapshots inside it.
    expect((await readAll(dir, { from: utc(14, 30), to: utc(15, 10) })).times).toEqual([
      utc(14, 30),
      utc(14, 40),
      utc(14, 50),
      utc(15),
      utc(15, 10),
    ]);
  });

  it('rotates daily at UTC midnight and never when told', async () => {
    const daily = tempDir();
    const a = await record({ dir: daily, rotate: 'daily', compression: 'none' }, utc(20), 3 * 3_600_000, 4);
    await a.recorder.close();
    expect(readdirSync(daily).sort()).toEqual([
      'sysray-20261122T200000Z.jsonl',
      'sysray-20261123T020000Z.jsonl',
    ]);
    const never = tempDir();
    const b = await record({ dir: never, rotate: 'never', compression: 'none' }, utc(20), 3 * 3_600_000, 4);
    await b.recorder.close();
    expect(readdirSync(never)).toEqual(['sysray-20261122T200000Z.jsonl']);
    expect((await readAll(never)).times).toEqual(b.times);
  });

  it('rotates by size, naming segments of the same second with a sequence', async () => {
    const dir = tempDir();
    const lineBytes = Buffer.byteLength(`${JSON.stringify(snapshotAt(utc(14)))}\n`);
    const { recorder, times } = await record(
      { dir, rotate: 'never', compression: 'none', maxFileBytes: Math.floor(lineBytes * 2.5) },
      utc(14),
      100,
      5,
    );
    await recorder.close();
    expect(readdirSync(dir).sort()).toEqual([
      'sysray-20261122T140000Z-1.jsonl',
      'sysray-20261122T140000Z-2.jsonl',
      'sysray-20261122T140000Z.jsonl',
    ]);
    const back = await readAll(dir);
    expect(back.times).toEqual(times);
    expect(back.files).toEqual([
      'sysray-20261122T140000Z.jsonl',
      'sysray-20261122T140000Z.jsonl',
      'sysray-20261122T140000Z-1.jsonl',
      'sysray-20261122T140000Z-1.jsonl',
      'sysray-20261122T140000Z-2.jsonl',
    ]);
  });

  it('redacts every snapshot before it reaches the disk', async () => {
    const dir = tempDir();
    const recorder = await Recorder.open({ dir, compression: 'none' });
    const snapshot = snapshotAt(utc(14));
    const processes = snapshot.sections.processes as { data: ProcessesData };
    const withSecret: Snapshot = {
      ...snapshot,
      sections: {
        ...snapshot.sections,
        processes: {
          ...snapshot.sections.processes,
          status: 'ok',
          data: {
            ...processes.data,
            top: [{ ...processes.data.top[0]!, command: 'psql --password=hunter2 postgres://u:s3cret@db/x' }],
          },
        },
      } as Snapshot['sections'],
    };
    await recorder.write(withSecret);
    await recorder.close();
    const text = readFileSync(path.join(dir, 'sysray-20261122T140000Z.jsonl'), 'utf8');
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain('s3cret');
    expect(text).toContain('--password=***');
  });
});

describe('Recorder compression', () => {
  const codecs = [
    { compression: 'gzip' as const, extension: '.gz', magic: '1f8b' },
    { compression: 'zstd' as const, extension: '.zst', magic: '28b52ffd', zstd: { preferWasm: true } },
    ...(hasNativeZstd()
      ? [{ compression: 'zstd' as const, extension: '.zst', magic: '28b52ffd', zstd: { preferWasm: false } }]
      : []),
    { compression: 'none' as const, extension: '', magic: '7b22' },
  ];
  it.each(codecs)('$compression ($zstd) round-trips through rotation and close', async (codec) => {
    const dir = tempDir();
    const { recorder, times } = await record(
      { dir, rotate: 'hourly', compression: codec.compression, ...(codec.zstd ? { zstd: codec.zstd } : {}) },
      utc(13, 30),
      900_000,
      8,
    );
    await recorder.close();
    const names = readdirSync(dir).sort();
    expect(names).toEqual([
      `sysray-20261122T133000Z.jsonl${codec.extension}`,
      `sysray-20261122T140000Z.jsonl${codec.extension}`,
      `sysray-20261122T150000Z.jsonl${codec.extension}`,
    ]);
    for (const name of names) {
      expect(
        readFileSync(path.join(dir, name))
          .subarray(0, codec.magic.length / 2)
          .toString('hex'),
      ).toBe(codec.magic);
    }
    const back = await readAll(dir);
    expect(back.times).toEqual(times);
    expect(back.issues).toEqual([]);
    if (codec.compression !== 'none') {
      // Compressed well below the plain size: snapshots repeat most of their keys.
      const plain = times.length * Buffer.byteLength(`${JSON.stringify(snapshotAt(0))}\n`);
      const stored = names.reduce((sum, name) => sum + readFileSync(path.join(dir, name)).length, 0);
      expect(stored).toBeLessThan(plain / 4);
    }
  });
});

describe('Recorder retention', () => {
  it('keeps the newest files by count after each rotation', async () => {
    const dir = tempDir();
    const { recorder } = await record(
      { dir, rotate: 'hourly', compression: 'gzip', keepFiles: 2 },
      utc(10),
      1_800_000,
      10,
    );
    await recorder.idle();
    expect(readdirSync(dir).sort()).toEqual([
      'sysray-20261122T130000Z.jsonl.gz',
      'sysray-20261122T140000Z.jsonl',
    ]);
    await recorder.close();
    expect((await readAll(dir)).times).toEqual([utc(13), utc(13, 30), utc(14), utc(14, 30)]);
    expect(recorder.stats.segmentsDeleted).toBe(3);
  });

  it('deletes segments older than the retention by age, by the injected clock', async () => {
    const dir = tempDir();
    // Hourly segments from 08:00 to 12:30; at 12:30 with 2 h retention the cutoff is 10:30.
    const { recorder } = await record(
      { dir, rotate: 'hourly', compression: 'none', retainMs: 2 * 3_600_000 },
      utc(8),
      1_800_000,
      10,
    );
    await recorder.idle();
    expect(readdirSync(dir).sort()).toEqual([
      'sysray-20261122T100000Z.jsonl',
      'sysray-20261122T110000Z.jsonl',
      'sysray-20261122T120000Z.jsonl',
    ]);
    await recorder.close();
  });

  it('applies retention when it opens a directory, and clears what a crash left', async () => {
    const dir = tempDir();
    const old = [8, 9, 10, 11].map((hour) => segmentFileName(utc(hour), 0, 'gzip'));
    for (const name of old) writeFileSync(path.join(dir, name), '');
    writeFileSync(path.join(dir, 'sysray-20261122T110000Z.jsonl'), '');
    writeFileSync(path.join(dir, 'sysray-20261122T120000Z.jsonl.gz.tmp'), 'partial');
    const recorder = await Recorder.open({ dir, keepFiles: 2, clock: new ManualClock(0, utc(12)) });
    await recorder.idle();
    expect(readdirSync(dir).sort()).toEqual([
      'sysray-20261122T100000Z.jsonl.gz',
      'sysray-20261122T110000Z.jsonl.gz',
    ]);
    await recorder.close();
  });
});

describe('Recorder after a crash', () => {
  it('leaves the torn active segment readable and compresses it on the next start', async () => {
    const dir = tempDir();
    const { recorder, times } = await record(
      { dir, rotate: 'hourly', compression: 'gzip' },
      utc(14),
      60_000,
      3,
    );
    await recorder.idle();
    // The process dies mid-write: no close(), half a line at the end of the active segment.
    const active = recorder.activePath!;
    appendFileSync(active, JSON.stringify(snapshotAt(utc(14, 3))).slice(0, 500));
    const crashed = await readAll(dir);
    expect(crashed.times).toEqual(times);
    expect(crashed.issues).toEqual([expect.objectContaining({ kind: 'torn', file: active, line: 4 })]);
    // The next run leaves the old segment alone, starts its own and compresses the leftover.
    const next = await Recorder.open({ dir, compression: 'gzip' });
    await next.write(snapshotAt(utc(14, 10)));
    await next.close();
    expect(readdirSync(dir).sort()).toEqual([
      'sysray-20261122T140000Z.jsonl.gz',
      'sysray-20261122T141000Z.jsonl.gz',
    ]);
    const back = await readAll(dir);
    expect(back.times).toEqual([...times, utc(14, 10)]);
    expect(back.issues.map((i) => [i.kind, path.basename(i.file), i.line])).toEqual([
      ['torn', 'sysray-20261122T140000Z.jsonl.gz', 4],
    ]);
  });
});

describe('Recorder on a full disk', () => {
  it('reports ENOSPC once, drops snapshots, cuts partial lines and resumes by itself', async () => {
    const dir = tempDir();
    const messages: string[] = [];
    let call = 0;
    let failing = false;
    // Fails from the 3rd snapshot for three snapshots; the first failing call writes half before failing.
    const write: WriteFunction = (fd, data) => {
      call += 1;
      if (failing) {
        if (call === 3) return writeSync(fd, data, 0, Math.floor(data.length / 2));
        throw errnoError('ENOSPC', 'no space left on device, write');
      }
      return writeSync(fd, data);
    };
    const recorder = await Recorder.open({
      dir,
      compression: 'none',
      write,
      report: (m) => messages.push(m),
    });
    const results: string[] = [];
    for (let i = 0; i < 8; i += 1) {
      failing = i >= 2 && i <= 4;
      results.push(await recorder.write(snapshotAt(utc(14, i))));
    }
    await recorder.close();
    expect(results).toEqual([
      'written',
      'written',
      'dropped',
      'dropped',
      'dropped',
      'written',
      'written',
      'written',
    ]);
    expect(messages).toHaveLength(2);
    expect(messages[0]).toMatch(
      /^disk full: cannot write .*sysray-20261122T140000Z\.jsonl \(ENOSPC\); snapshots are dropped/,
    );
    expect(messages[1]).toMatch(
      /^space available again: recording resumed .* after dropping 3 snapshot\(s\)$/,
    );
    expect(recorder.stats).toMatchObject({ written: 5, dropped: 3 });
    // No half line survived the failed write.
    const back = await readAll(dir);
    expect(back.issues).toEqual([]);
    expect(back.times).toEqual([utc(14, 0), utc(14, 1), utc(14, 5), utc(14, 6), utc(14, 7)]);
  });

  it('treats EDQUOT like ENOSPC and throws on any other write error with the path', async () => {
    const dir = tempDir();
    const messages: string[] = [];
    const quota = await Recorder.open({
      dir,
      compression: 'none',
      report: (m) => messages.push(m),
      write: () => {
        throw errnoError('EDQUOT', 'disk quota exceeded, write');
      },
    });
    expect(await quota.write(snapshotAt(utc(14)))).toBe('dropped');
    expect(messages[0]).toContain('(EDQUOT)');
    await quota.close();
    const broken = await Recorder.open({
      dir: tempDir(),
      compression: 'none',
      write: () => {
        throw errnoError('EIO', 'i/o error, write');
      },
    });
    await expect(broken.write(snapshotAt(utc(14)))).rejects.toThrow(
      /cannot write .*sysray-20261122T140000Z\.jsonl: EIO/,
    );
    await broken.close();
  });

  it('refuses contradictory options at construction', async () => {
    await expect(Recorder.open({ dir: tempDir(), keepFiles: 0 })).rejects.toThrow(/keepFiles/);
    await expect(Recorder.open({ dir: tempDir(), maxFileBytes: -1 })).rejects.toThrow(/maxFileBytes/);
  });
});
