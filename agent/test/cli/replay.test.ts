import { appendFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Snapshot } from '@sysray/proto';
import { registerReplayCommand } from '../../src/cli/commands/replay.js';
import { ManualClock } from '../../src/platform/clock.js';
import { Recorder } from '../../src/record/recorder.js';
import {
  TUI_UNAVAILABLE,
  loadReplayTui,
  type ReplayTuiOptions,
  type ReplayTuiRecording,
} from '../../src/record/replay-tui.js';
import { runMain, runWith } from '../record/cli-helpers.js';
import { snapshotAt, tempDir, utc } from '../record/helpers.js';

/** A recording of snapshots every 10 minutes from 13:40 to 15:20, rotated hourly, gzip. */
async function recording(compression: 'gzip' | 'none' = 'gzip'): Promise<string> {
  const dir = tempDir();
  const recorder = await Recorder.open({ dir, compression, clock: new ManualClock(0, utc(16)) });
  for (let minutes = 0; minutes <= 100; minutes += 10)
    await recorder.write(snapshotAt(utc(13, 40) + minutes * 60_000));
  await recorder.close();
  return dir;
}

describe('sysray replay --format', () => {
  it('dumps a time range across segments as JSON lines', async () => {
    const dir = await recording();
    expect(readdirSync(dir)).toHaveLength(3);
    const result = await runMain([
      'replay',
      dir,
      '--format',
      'json',
      '--from',
      '2026-11-22T14:30:00Z',
      '--to',
      '2026-11-22T15:05:00Z',
    ]);
    expect(result).toMatchObject({ code: 0, err: '' });
    const times = result.out
      .trim()
      .split('\n')
      .map((line) => (JSON.parse(line) as Snapshot).timestamp);
    expect(times).toEqual([utc(14, 30), utc(14, 40), utc(14, 50), utc(15)]);
  });

  it('resolves +duration against the first snapshot of the recording', async () => {
    const dir = await recording();
    const result = await runMain(['replay', dir, '-f', 'json', '--from', '+90m']);
    expect(result.out.trim().split('\n')).toHaveLength(2);
  });

  it('dumps CSV in long form with the header once', async () => {
    const dir = await recording();
    const result = await runMain(['replay', dir, '--format', 'csv', '--to', '2026-11-22T13:50:00Z']);
    expect(result.code).toBe(0);
    const lines = result.out.trim().split('\n');
    expect(lines.filter((l) => l === 'timestamp,metric,labels,value')).toHaveLength(1);
    expect(lines[0]).toBe('timestamp,metric,labels,value');
    expect(lines.some((l) => l.startsWith('2026-11-22T13:40:00.000Z,memory.totalBytes,,'))).toBe(true);
    expect(lines.some((l) => l.startsWith('2026-11-22T13:50:00.000Z,memory.totalBytes,,'))).toBe(true);
  });

  it('reports malformed and torn lines with file and line on stderr and goes on', async () => {
    const dir = await recording('none');
    const last = path.join(dir, readdirSync(dir).sort().at(-1)!);
    appendFileSync(last, 'not json\n{"schema":1,"timest');
    const result = await runMain(['replay', dir, '--format', 'json']);
    expect(result.code).toBe(0);
    expect(result.out.trim().split('\n')).toHaveLength(11);
    expect(result.err.split('\n').filter(Boolean)).toEqual([
      expect.stringMatching(new RegExp(`^sysray replay: ${last}:4: malformed line skipped: invalid JSON`)),
      `sysray replay: ${last}:5: incomplete last line (a crash or a writer still at work); skipped`,
    ]);
  });

  it('fails with one line when nothing is in range, the path is missing or --from is after --to', async () => {
    const dir = await recording();
    const empty = await runMain(['replay', dir, '-f', 'json', '--from', '2027-01-01T00:00:00Z']);
    expect(empty).toMatchObject({ code: 1, out: '' });
    expect(empty.err).toBe(`sysray: no snapshot in ${dir} within the requested range\n`);
    const missing = await runMain(['replay', path.join(dir, 'nope'), '-f', 'json']);
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/^sysray: cannot read recording .*nope: ENOENT/);
    const reversed = await runMain([
      'replay',
      dir,
      '-f',
      'json',
      '--from',
      '2026-11-22T15:00:00Z',
      '--to',
      '2026-11-22T14:00:00Z',
    ]);
    expect(reversed.code).toBe(2);
    expect(reversed.err).toMatch(/--from \(2026-11-22T15:00:00.000Z\) is after --to/);
  });

  it('rejects bad flags with exit code 2', async () => {
    for (const args of [
      ['replay'],
      ['replay', 'x', '--format', 'xml'],
      ['replay', 'x', '--from', 'yesterday'],
      ['replay', 'x', '--to', '+soon'],
      ['replay', 'x', '--speed', '0'],
      ['replay', 'x', '--speed', 'fast'],
    ]) {
      const result = await runMain(args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.err.split('\n')[0], args.join(' ')).toMatch(/^error: /);
    }
  });
});

describe('sysray replay without --format (the TUI)', () => {
  it('hands the recording, range, speed and issue sink to the TUI', async () => {
    const dir = await recording();
    const calls: [ReplayTuiRecording, ReplayTuiOptions][] = [];
    const result = await runWith(
      (program, io) =>
        registerReplayCommand(program, io, {
          loadTui: async () => ({
            runReplayTui: async (rec, options) => {
              calls.push([rec, options]);
            },
          }),
        }),
      ['replay', dir, '--speed', '4x', '--from', '2026-11-22T14:00:00Z'],
    );
    expect(result.code).toBe(0);
    expect(calls).toHaveLength(1);
    expect(calls[0]![0]).toEqual({ path: dir, from: utc(14) });
    expect(calls[0]![1].speed).toBe(4);
    expect(typeof calls[0]![1].onIssue).toBe('function');
  });

  it('says clearly when the build has no TUI', async () => {
    const result = await runWith(
      (program, io) =>
        registerReplayCommand(program, io, {
          loadTui: async () => {
            throw new Error(TUI_UNAVAILABLE);
          },
        }),
      ['replay', 'anything'],
    );
    expect(result).toMatchObject({ code: 1, err: `sysray: ${TUI_UNAVAILABLE}\n` });
  });
});

describe('loadReplayTui', () => {
  it('turns a missing module into the TUI-unavailable error and keeps other errors', async () => {
    const missing = Object.assign(new Error("Cannot find module '/x/agent/dist/tui/replay.js'"), {
      code: 'ERR_MODULE_NOT_FOUND',
    });
    await expect(loadReplayTui(async () => Promise.reject(missing))).rejects.toThrow(TUI_UNAVAILABLE);
    await expect(loadReplayTui(async () => ({}))).rejects.toThrow(/exports no runReplayTui/);
    await expect(loadReplayTui(async () => Promise.reject(new Error('ink exploded')))).rejects.toThrow(
      'ink exploded',
    );
    const module = { runReplayTui: async () => {} };
    expect(await loadReplayTui(async (specifier) => (specifier === '../tui/replay.js' ? module : null))).toBe(
      module,
    );
  });
});
