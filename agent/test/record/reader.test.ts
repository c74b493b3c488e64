import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  firstRecordedSnapshot,
  lastRecordedSnapshot,
  readRecording,
  recordedSnapshotAt,
  recordingTimeRange,
  type RecordingIssue,
} from '../../src/record/reader.js';
import { loadZstd } from '../../src/record/zstd.js';
import { snapshotAt, tempDir, utc } from './helpers.js';

const line = (t: number): string => JSON.stringify(snapshotAt(t));

async function collect(
  target: string,
  options: { from?: number; to?: number } = {},
): Promise<{ times: number[]; lines: number[]; issues: RecordingIssue[] }> {
  const times: number[] = [];
  const lines: number[] = [];
  const issues: RecordingIssue[] = [];
  for await (const r of readRecording(target, { ...options, onIssue: (i) => issues.push(i) })) {
    times.push(r.snapshot.timestamp);
    lines.push(r.line);
  }
  return { times, lines, issues };
}

describe('readRecording', () => {
  it('reports a malformed line with its number and goes on', async () => {
    const file = path.join(tempDir(), 'mixed.jsonl');
    writeFileSync(
      file,
      [
        line(utc(14)),
        '{"schema": 1, "timestamp": ',
        '',
        '{"schema": 99, "timestamp": 1}',
        '[1,2]',
        line(utc(14, 1)),
      ].join('\n') + '\n',
    );
    const result = await collect(file);
    expect(result.times).toEqual([utc(14), utc(14, 1)]);
    expect(result.lines).toEqual([1, 6]);
    expect(result.issues.map((i) => [i.kind, i.line])).toEqual([
      ['malformed', 2],
      ['malformed', 4],
      ['malformed', 5],
    ]);
    expect(result.issues[0]!.message).toMatch(/^invalid JSON/);
    expect(result.issues[1]!.message).toMatch(/unsupported snapshot schema 99/);
    expect(result.issues[2]!.message).toMatch(/must be a JSON object/);
    expect(result.issues.every((i) => i.file === file)).toBe(true);
  });

  it('tolerates a torn last line, and keeps a complete one that merely lacks its newline', async () => {
    const dir = tempDir();
    const torn = path.join(dir, 'torn.jsonl');
    writeFileSync(torn, `${line(utc(14))}\n${line(utc(14, 1))}\n${line(utc(14, 2)).slice(0, 1234)}`);
    const result = await collect(torn);
    expect(result.times).toEqual([utc(14), utc(14, 1)]);
    expect(result.issues).toEqual([expect.objectContaining({ kind: 'torn', line: 3, file: torn })]);
    const unterminated = path.join(dir, 'unterminated.jsonl');
    writeFileSync(unterminated, `${line(utc(14))}\n${line(utc(14, 1))}`);
    expect(await collect(unterminated)).toEqual({ times: [utc(14), utc(14, 1)], lines: [1, 2], issues: [] });
  });

  it('reads gzip and zstd by their content, whatever the file is called', async () => {
    const dir = tempDir();
    const text = `${line(utc(14))}\n${line(utc(14, 1))}\n`;
    writeFileSync(path.join(dir, 'a.data'), gzipSync(text));
    expect((await collect(path.join(dir, 'a.data'))).times).toEqual([utc(14), utc(14, 1)]);
    const codec = await loadZstd({ preferWasm: true });
    const chunks: Buffer[] = [];
    const stream = codec.compressStream();
    stream.on('data', (c: Buffer) => chunks.push(c));
    const done = new Promise((resolve) => stream.on('end', resolve));
    stream.end(Buffer.from(text));
    await done;
    writeFileSync(path.join(dir, 'b.jsonl.zst'), Buffer.concat(chunks));
    expect((await collect(path.join(dir, 'b.jsonl.zst'))).times).toEqual([utc(14), utc(14, 1)]);
  });

  it.runIf(existsSync('/usr/bin/zstd'))(
    'reads a file compressed by the zstd command (streamed frames)',
    async () => {
      const dir = tempDir();
      const plain = path.join(dir, 'c.jsonl');
      writeFileSync(plain, Array.from({ length: 50 }, (_, i) => line(utc(14, i))).join('\n') + '\n');
      // `-c < file` streams: the frame has no content size, which the WebAssembly decoder must cope with.
      const compressed = execFileSync('/usr/bin/zstd', ['-q', '-c'], { input: readFileSync(plain) });
      writeFileSync(path.join(dir, 'c.zst'), compressed);
      expect((await collect(path.join(dir, 'c.zst'))).times).toHaveLength(50);
    },
  );

  it('reports an unreadable file and goes on with the next segment', async () => {
    const dir = tempDir();
    writeFileSync(
      path.join(dir, 'sysray-20261122T140000Z.jsonl.gz'),
      Buffer.from([0x1f, 0x8b, 0x08, 0, 1, 2, 3]),
    );
    writeFileSync(path.join(dir, 'sysray-20261122T150000Z.jsonl'), `${line(utc(15))}\n`);
    const result = await collect(dir);
    expect(result.times).toEqual([utc(15)]);
    expect(result.issues).toEqual([
      expect.objectContaining({
        kind: 'unreadable',
        file: path.join(dir, 'sysray-20261122T140000Z.jsonl.gz'),
        line: 0,
      }),
    ]);
  });

  it('reads a directory of other JSONL files by name when it holds no segments', async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'b.jsonl'), `${line(utc(15))}\n`);
    writeFileSync(path.join(dir, 'a.jsonl'), `${line(utc(14))}\n`);
    writeFileSync(path.join(dir, 'notes.txt'), 'not a recording');
    expect((await collect(dir)).times).toEqual([utc(14), utc(15)]);
  });

  it('throws with the path when the recording does not exist', async () => {
    const missing = path.join(tempDir(), 'nowhere');
    await expect(collect(missing)).rejects.toThrow(/cannot read recording .*nowhere/);
  });

  it('finds the first, the last and the one at a time, and the time range', async () => {
    const dir = tempDir();
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      path.join(dir, 'sysray-20261122T140000Z.jsonl'),
      `${line(utc(14))}\n${line(utc(14, 30))}\n`,
    );
    writeFileSync(
      path.join(dir, 'sysray-20261122T150000Z.jsonl'),
      `${line(utc(15))}\n${line(utc(15, 30))}\n`,
    );
    // A segment with nothing readable is passed over when looking for the last snapshot.
    writeFileSync(path.join(dir, 'sysray-20261122T160000Z.jsonl'), 'garbage\n');
    expect((await firstRecordedSnapshot(dir))?.snapshot.timestamp).toBe(utc(14));
    expect((await lastRecordedSnapshot(dir))?.snapshot.timestamp).toBe(utc(15, 30));
    expect((await recordedSnapshotAt(dir, utc(15, 10)))?.snapshot.timestamp).toBe(utc(15));
    expect((await recordedSnapshotAt(dir, utc(14, 30)))?.snapshot.timestamp).toBe(utc(14, 30));
    expect(await recordedSnapshotAt(dir, utc(13))).toBeNull();
    expect(await recordingTimeRange(dir)).toEqual({ firstMs: utc(14), lastMs: utc(15, 30) });
    expect((await collect(dir, { from: utc(14, 15), to: utc(15, 15) })).times).toEqual([
      utc(14, 30),
      utc(15),
    ]);
  });
});

describe('readRecording while the recorder compresses', () => {
  it('reads the compressed copy of a plain segment that was compressed after the listing', async () => {
    const dir = tempDir();
    const plain = path.join(dir, 'sysray-20261122T140000Z.jsonl');
    writeFileSync(plain, `${line(utc(14))}\n`);
    writeFileSync(path.join(dir, 'sysray-20261122T150000Z.jsonl'), `${line(utc(15))}\n`);
    const times: number[] = [];
    const issues: RecordingIssue[] = [];
    const iterator = readRecording(dir, { onIssue: (i) => issues.push(i) });
    // The listing is taken at the first step; the second segment is then compressed under the reader.
    const first = await iterator.next();
    times.push(first.value!.snapshot.timestamp);
    const second = path.join(dir, 'sysray-20261122T150000Z.jsonl');
    writeFileSync(`${second}.gz`, gzipSync(readFileSync(second)));
    rmSync(second);
    for await (const r of iterator) times.push(r.snapshot.timestamp);
    expect(times).toEqual([utc(14), utc(15)]);
    expect(issues).toEqual([]);
  });
});
