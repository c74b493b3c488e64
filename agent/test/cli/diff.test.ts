import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseSnapshot, type Snapshot } from '@sysray/proto';
import { ManualClock } from '../../src/platform/clock.js';
import { Recorder } from '../../src/record/recorder.js';
import { runMain } from '../record/cli-helpers.js';
import { tempDir } from '../record/helpers.js';

const FIXTURES = fileURLToPath(new URL('../diff/fixtures/', import.meta.url));
const GOLDEN = fileURLToPath(new URL('../diff/golden/', import.meta.url));
const load = (name: string): Snapshot =>
  parseSnapshot(JSON.parse(readFileSync(path.join(FIXTURES, name), 'utf8')));

/** A recording holding A, a snapshot halfway, and B of the v2-containers pair. */
async function recordingOfPair(): Promise<{ dir: string; a: Snapshot; b: Snapshot }> {
  const a = load('v2-containers-a.json');
  const b = load('v2-containers-b.json');
  const dir = tempDir();
  const recorder = await Recorder.open({ dir, compression: 'gzip', clock: new ManualClock(0, b.timestamp) });
  await recorder.write(a);
  await recorder.write({ ...a, timestamp: a.timestamp + 150_000 });
  await recorder.write(b);
  await recorder.close();
  return { dir, a, b };
}

describe('sysray diff', () => {
  it('prints the text report of two snapshot files', async () => {
    const a = path.join(FIXTURES, 'v2-containers-a.json');
    const b = path.join(FIXTURES, 'v2-containers-b.json');
    const result = await runMain(['diff', a, b]);
    expect(result).toMatchObject({ code: 0, err: '' });
    // The golden text names the files by their base name; the CLI names them as given.
    const golden = readFileSync(path.join(GOLDEN, 'v2-containers.txt'), 'utf8')
      .replace('(v2-containers-a.json)', `(${a})`)
      .replace('(v2-containers-b.json)', `(${b})`);
    expect(result.out).toBe(golden);
  });

  it('prints JSON with --format json', async () => {
    const result = await runMain([
      'diff',
      path.join(FIXTURES, 'nvme-dm-md-a.json'),
      path.join(FIXTURES, 'nvme-dm-md-b.json'),
      '-f',
      'json',
      '--top',
      '1',
    ]);
    const diff = JSON.parse(result.out) as { intervalSeconds: number; processes: { cpu: unknown[] } };
    expect(diff.intervalSeconds).toBe(60);
    expect(diff.processes.cpu).toHaveLength(1);
  });

  it('takes the first snapshot of recording A and the last of recording B', async () => {
    const { dir, a, b } = await recordingOfPair();
    const result = await runMain(['diff', dir, dir, '--format', 'json']);
    const diff = JSON.parse(result.out) as {
      a: { timestamp: number; source: string };
      b: { timestamp: number; source: string };
    };
    expect(diff.a.timestamp).toBe(a.timestamp);
    expect(diff.b.timestamp).toBe(b.timestamp);
    expect(diff.a.source).toMatch(/sysray-20261122T120000Z\.jsonl\.gz:1$/);
    expect(diff.b.source).toMatch(/sysray-20261122T120000Z\.jsonl\.gz:3$/);
  });

  it('picks snapshots by time with --at (first for A, second for B)', async () => {
    const { dir, a } = await recordingOfPair();
    const result = await runMain([
      'diff',
      dir,
      dir,
      '-f',
      'json',
      '--at',
      '2026-11-22T12:03:00Z',
      '--at',
      '2026-11-22T12:02:30Z',
    ]);
    const diff = JSON.parse(result.out) as {
      a: { timestamp: number };
      b: { timestamp: number };
      intervalSeconds: number;
    };
    expect(diff.a.timestamp).toBe(a.timestamp + 150_000);
    expect(diff.b.timestamp).toBe(a.timestamp + 150_000);
    expect(diff.intervalSeconds).toBe(0);
    const early = await runMain(['diff', dir, dir, '--at', '2026-11-22T11:00:00Z']);
    expect(early.code).toBe(1);
    expect(early.err).toBe(
      `sysray: no snapshot at or before 2026-11-22T11:00:00.000Z in ${dir} (it starts at 2026-11-22T12:00:00.000Z)\n`,
    );
  });

  it('fails with one line on unusable inputs', async () => {
    const a = path.join(FIXTURES, 'v2-containers-a.json');
    const atOnFile = await runMain(['diff', a, a, '--at', '2026-11-22T12:00:00Z']);
    expect(atOnFile.code).toBe(1);
    expect(atOnFile.err).toMatch(/^sysray: --at picks a snapshot in a recording; .* holds one snapshot\n$/);
    const missing = await runMain(['diff', a, path.join(FIXTURES, 'missing.json')]);
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/^sysray: cannot read .*missing\.json: ENOENT/);
    const notSnapshot = await runMain(['diff', a, path.join(FIXTURES, '..', '..', '..', 'package.json')]);
    expect(notSnapshot.code).toBe(1);
    expect(notSnapshot.err).toMatch(
      /package\.json is not a Sysray snapshot: unsupported snapshot schema undefined/,
    );
  });

  it('rejects bad flags with exit code 2', async () => {
    for (const args of [
      ['diff', 'a.json'],
      ['diff', 'a.json', 'b.json', '--format', 'xml'],
      ['diff', 'a.json', 'b.json', '--top', '0'],
      ['diff', 'a.json', 'b.json', '--at', 'soon'],
      ['diff', 'a', 'b', '--at', 'now', '--at', 'now', '--at', 'now'],
    ]) {
      const result = await runMain(args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.err.split('\n').filter(Boolean).length, args.join(' ')).toBeLessThanOrEqual(2);
    }
  });
});
