import { EventEmitter } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseSnapshot, type Snapshot } from '@sysray/proto';
import type { CliIO } from '../../src/cli/cli-io.js';
import { Recorder, readRecording, type RecordingIssue } from '../../src/record/index.js';
import { resolveHostRoots } from '../../src/platform/host-roots.js';
import { HostSession } from '../../src/snapshot/host-session.js';
import { assertTerminal } from '../../src/tui/mount.js';
import { RecordingControl } from '../../src/tui/recording.js';
import { ReplayFeeder, runReplayTui } from '../../src/tui/replay.js';
import { LiveSampler, SLOW_REFRESH_MS, tuiCollection } from '../../src/tui/run.js';
import { DEFAULT_COLLECTORS_CONFIG } from '../../src/collectors/config.js';
import { saveSnapshotFile, utcStamp } from '../../src/tui/save.js';
import { edited, fixtureRoot, loadGolden, settle } from './helpers.js';

const temps: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'sysray-tui-'));
  temps.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const golden = loadGolden('v2-containers');

describe('saveSnapshotFile (S)', () => {
  it('writes the Snapshot as JSON named by its UTC time and never overwrites', async () => {
    const dir = tempDir();
    const first = await saveSnapshotFile(golden, dir);
    expect(path.basename(first)).toBe(`sysray-snapshot-${utcStamp(golden.timestamp)}.json`);
    expect(path.basename(first)).toBe('sysray-snapshot-20261122T120000Z.json');
    expect(parseSnapshot(JSON.parse(readFileSync(first, 'utf8')))).toEqual(golden);
    const second = await saveSnapshotFile(golden, dir);
    expect(path.basename(second)).toBe('sysray-snapshot-20261122T120000Z-1.json');
  });

  it('names the path and cause when it cannot write', async () => {
    await expect(saveSnapshotFile(golden, '/nonexistent/dir')).rejects.toThrow(
      /cannot write \/nonexistent\/dir\/sysray-snapshot-.*\.json: ENOENT/,
    );
  });
});

describe('RecordingControl (R)', () => {
  it('records every sample between two presses, readable by readRecording', async () => {
    const dir = path.join(tempDir(), 'sysray-recording');
    const control = new RecordingControl(dir);
    control.write(golden); // not recording yet: ignored
    const started = await control.toggle();
    expect(started.recording).toBe(true);
    expect(started.message).toContain('recording to');
    expect(control.recording).toBe(true);
    control.write(golden);
    control.write(edited(golden, (s) => (s.timestamp += 1000)));
    const stopped = await control.toggle();
    expect(stopped).toEqual({
      recording: false,
      message: `recording stopped: 2 snapshots in ${control.displayDir}`,
    });
    const read: Snapshot[] = [];
    for await (const r of readRecording(dir)) read.push(r.snapshot);
    expect(read.map((s) => s.timestamp)).toEqual([golden.timestamp, golden.timestamp + 1000]);
    // The recorder redacts: the password on the mysql command line is masked on disk.
    expect(JSON.stringify(read[0])).not.toContain('hunter2');
  });

  it('reports a write failure once', async () => {
    const failing = {
      write: async () => {
        throw new Error('EIO on segment');
      },
      close: async () => {},
      stats: { written: 0, dropped: 0, segmentsStarted: 0, segmentsDeleted: 0 },
    } as unknown as Recorder;
    const control = new RecordingControl('/x', async () => failing);
    await control.toggle();
    control.write(golden);
    await control.close();
    expect(control.takeFailure()).toBe('EIO on segment');
    expect(control.takeFailure()).toBeNull();
  });
});

describe('LiveSampler', () => {
  it('samples on its interval without overlapping, and stops', async () => {
    const session = new HostSession({
      roots: resolveHostRoots({ rootfs: fixtureRoot('no-psi') }, {}),
      sections: ['cpu', 'memory'],
    });
    const samples: Snapshot[] = [];
    const sampler = new LiveSampler(
      () => session.refresh(),
      50,
      (s) => samples.push(s),
      (e) => {
        throw e;
      },
    );
    sampler.start();
    await settle(600);
    sampler.stop();
    const count = samples.length;
    // The first two samples are 300 ms apart (rates show quickly), then every 50 ms.
    expect(count).toBeGreaterThanOrEqual(3);
    await settle(150);
    expect(samples.length).toBe(count);
    expect(samples[0]?.sections.cpu.status).toBe('ok');
  });
});

describe('tuiCollection', () => {
  it('refreshes the fast sections every call, the slow ones every 5 s, a missing GPU slowly', async () => {
    let now = 1_000_000;
    const collect = tuiCollection(
      resolveHostRoots({ rootfs: fixtureRoot('hybrid-v1v2') }, {}),
      DEFAULT_COLLECTORS_CONFIG,
      () => now,
    );
    const first = await collect();
    expect(first.host.name).toBe('web-01');
    expect(first.sections.cpu.status).toBe('ok');
    expect(first.sections.filesystems.status).toBe('ok');
    expect(first.sections.netProcesses.status).toBe('unsupported'); // not collected by the TUI
    now += 1000;
    const second = await collect();
    expect(second.sections.cpu).not.toBe(first.sections.cpu);
    expect(second.sections.system).toBe(first.sections.system);
    expect(second.sections.filesystems).toBe(first.sections.filesystems);
    if (first.sections.gpu.status !== 'ok') expect(second.sections.gpu).toBe(first.sections.gpu);
    now += SLOW_REFRESH_MS;
    const third = await collect();
    expect(third.sections.system).not.toBe(first.sections.system);
    expect(third.sections.gpu).not.toBe(first.sections.gpu);
    expect(third.timestamp).toBe(now);
  });
});

describe('ReplayFeeder', () => {
  async function* from(list: readonly Snapshot[]): AsyncGenerator<Snapshot> {
    yield* list;
  }
  const three = [0, 2000, 60 * 60_000].map((dt) => edited(golden, (s) => (s.timestamp += dt)));

  it('waits the recorded gaps divided by the speed, capping long gaps', async () => {
    const waits: number[] = [];
    const feeder = new ReplayFeeder(4, async (ms) => {
      waits.push(ms);
    });
    const played: number[] = [];
    expect(await feeder.play(from(three), (s) => played.push(s.timestamp))).toBe(3);
    expect(waits).toEqual([500, 5000]);
    expect(played).toEqual(three.map((s) => s.timestamp));
  });

  it('holds while paused and stops on request', async () => {
    const feeder = new ReplayFeeder(1, async () => {});
    feeder.setPaused(true);
    const played: number[] = [];
    const done = feeder.play(from(three), (s) => played.push(s.timestamp));
    await settle(50);
    expect(played).toEqual([]);
    feeder.setPaused(false);
    await settle(20);
    expect(played.length).toBe(3);
    expect(await done).toBe(3);
    expect(() => new ReplayFeeder(0)).toThrow(/positive/);
  });
});

/** A terminal for ink: a TTY-looking stdin we type into and a stdout that keeps what was written. */
function fakeTerminal() {
  class Input extends EventEmitter {
    isTTY = true;
    private data: string | null = null;
    setEncoding(): void {}
    setRawMode(): void {}
    resume(): void {}
    pause(): void {}
    ref(): void {}
    unref(): void {}
    read = (): string | null => {
      const d = this.data;
      this.data = null;
      return d;
    };
    type(text: string): void {
      this.data = text;
      this.emit('readable');
      this.emit('data', text);
    }
  }
  class Output extends EventEmitter {
    isTTY = true;
    columns = 100;
    rows = 30;
    written = '';
    write = (text: string): boolean => {
      this.written += text;
      return true;
    };
  }
  return { stdin: new Input(), stdout: new Output(), stderr: new Output() };
}

describe('runReplayTui', () => {
  it('plays a recording in the TUI, shows its end, quits on q and leaves the alternate screen', async () => {
    const dir = path.join(tempDir(), 'rec');
    const recorder = await Recorder.open({ dir, compression: 'none' });
    for (let i = 0; i < 3; i += 1) await recorder.write(edited(golden, (s) => (s.timestamp += i * 10)));
    await recorder.close();
    const terminal = fakeTerminal();
    const issues: RecordingIssue[] = [];
    const io = {
      stdout: terminal.stdout,
      stderr: terminal.stderr,
      env: {},
      interrupted: new Promise(() => {}),
    };
    const running = runReplayTui(
      { path: dir },
      { speed: 100, io: io as unknown as CliIO, onIssue: (i) => issues.push(i) },
      {
        stdin: terminal.stdin as unknown as NodeJS.ReadStream,
        stdout: terminal.stdout as unknown as NodeJS.WriteStream,
        stderr: terminal.stderr as unknown as NodeJS.WriteStream,
        // vitest replaces console; ink's console patch needs the real one.
        patchConsole: false,
      },
    );
    // ink may write only at exit where CI is set; elsewhere the end of the recording shows first.
    for (let i = 0; i < 100 && !terminal.stdout.written.includes('end of recording'); i += 1)
      await settle(50);
    terminal.stdin.type('q');
    await running;
    const out = terminal.stdout.written;
    expect(out.startsWith('\u001b[?1049h')).toBe(true);
    expect(out).toContain('k8s-node-1');
    expect(out).toContain('end of recording: 3 snapshots');
    expect(out).toContain('REPLAY 100×');
    expect(out.endsWith('\u001b[?1049l')).toBe(true);
    expect(issues).toEqual([]);
  });

  it('refuses to start without a terminal', () => {
    const notTty = { isTTY: false } as unknown as NodeJS.ReadStream;
    expect(() => assertTerminal(notTty, { isTTY: true } as unknown as NodeJS.WriteStream)).toThrow(
      /needs a terminal/,
    );
  });
});
