import { readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Snapshot } from '@sysray/proto';
import { registerRecordCommand } from '../../src/cli/commands/record.js';
import { ManualClock } from '../../src/platform/clock.js';
import { readRecording } from '../../src/record/reader.js';
import { runMain, runWith } from '../record/cli-helpers.js';
import { tempDir, utc } from '../record/helpers.js';

const FIXTURE = fileURLToPath(new URL('../fixtures/v2-containers', import.meta.url));

describe('sysray record', () => {
  it('records redacted snapshots of the host it is pointed at, and replays them', async () => {
    const dir = tempDir();
    const recorded = await runMain([
      '--rootfs',
      FIXTURE,
      'record',
      '--output',
      dir,
      '--interval',
      '100ms',
      '--iterations',
      '3',
      '--compress',
      'zstd',
    ]);
    expect(recorded).toMatchObject({ code: 0, err: '' });
    const files = readdirSync(dir);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^sysray-\d{8}T\d{6}Z\.jsonl\.zst$/);
    const replayed = await runMain(['replay', dir, '--format', 'json']);
    expect(replayed.code).toBe(0);
    const lines = replayed.out.trim().split('\n');
    expect(lines).toHaveLength(3);
    const snapshots = lines.map((line) => JSON.parse(line) as Snapshot);
    expect(snapshots.every((s) => s.host.name === 'k8s-node-1')).toBe(true);
    expect(snapshots[1]!.timestamp).toBeGreaterThan(snapshots[0]!.timestamp);
    // The fixture's mysql command line carries --password=hunter2.
    expect(replayed.out).not.toContain('hunter2');
    expect(replayed.out).toContain('--password=***');
  });

  it('rotates hourly and keeps the newest files as hours pass (injected clock)', async () => {
    const dir = tempDir();
    const clock = new ManualClock(0, utc(13, 50));
    const result = await runWith(
      (program, io) =>
        registerRecordCommand(program, io, {
          clock,
          sleep: async (ms) => {
            clock.advance(ms);
            return false;
          },
        }),
      [
        '--rootfs',
        FIXTURE,
        'record',
        '-o',
        dir,
        '-i',
        '20m',
        '--iterations',
        '7',
        '--keep-files',
        '2',
        '--rotate',
        'hourly',
      ],
    );
    expect(result).toMatchObject({ code: 0, err: '' });
    expect(readdirSync(dir).sort()).toEqual([
      'sysray-20261122T141000Z.jsonl.gz',
      'sysray-20261122T151000Z.jsonl.gz',
    ]);
    const times: number[] = [];
    for await (const r of readRecording(dir)) times.push(r.snapshot.timestamp);
    expect(times).toEqual([utc(14, 10), utc(14, 30), utc(14, 50), utc(15, 10), utc(15, 30), utc(15, 50)]);
  });

  it('reports a directory it cannot create as one line, exit 1', async () => {
    // A path below a regular file: mkdir fails with ENOTDIR.
    const file = path.join(tempDir(), 'plain-file');
    writeFileSync(file, '');
    const result = await runMain([
      '--rootfs',
      FIXTURE,
      'record',
      '-o',
      path.join(file, 'rec'),
      '--iterations',
      '1',
    ]);
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/^sysray: cannot create recording directory .*plain-file\/rec: ENOTDIR/);
    expect(result.err.trim().split('\n')).toHaveLength(1);
  });

  it('rejects bad flags with exit code 2', async () => {
    const cases: [string[], RegExp][] = [
      [['record'], /required option '-o, --output <dir>' not specified/],
      [['record', '-o', 'x', '--rotate', 'weekly'], /--rotate.*must be one of hourly, daily, never/],
      [['record', '-o', 'x', '--compress', 'lz4'], /--compress.*must be one of gzip, zstd, none/],
      [['record', '-o', 'x', '--retain', 'forever'], /--retain.*invalid duration/],
      [['record', '-o', 'x', '--keep-files', '0'], /--keep-files.*must be between 1/],
      [['record', '-o', 'x', '--max-file-size-mb', 'big'], /--max-file-size-mb.*not an integer/],
      [['record', '-o', 'x', '--interval', '1ms'], /--interval.*must be between/],
    ];
    for (const [args, message] of cases) {
      const result = await runMain(args);
      expect(result.code, args.join(' ')).toBe(2);
      const [first] = result.err.split('\n');
      expect(first, args.join(' ')).toMatch(/^error: /);
      expect(first, args.join(' ')).toMatch(message);
      expect(result.err).not.toMatch(/\n\s+at /);
    }
  });
});

describe('sysray record on this host', () => {
  it.runIf(process.platform === 'linux')('records the live host and reads it back', async () => {
    const dir = tempDir();
    const result = await runMain([
      'record',
      '-o',
      dir,
      '--interval',
      '100ms',
      '--iterations',
      '2',
      '--compress',
      'gzip',
    ]);
    expect(result.code, result.err).toBe(0);
    const snapshots: Snapshot[] = [];
    for await (const r of readRecording(dir)) snapshots.push(r.snapshot);
    expect(snapshots).toHaveLength(2);
    expect(snapshots[0]!.host.name).toBe(os.hostname());
    expect(snapshots[0]!.sections.cpu.status).toBe('ok');
    expect(snapshots[1]!.timestamp - snapshots[0]!.timestamp).toBeGreaterThanOrEqual(90);
  });
});
