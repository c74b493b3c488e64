import type { Snapshot } from '@sysray/proto';
import type { ReplayTuiOptions, ReplayTuiRecording } from '../record/index.js';
import { readRecording } from '../record/index.js';
import { createRedactor } from '../redact.js';
import { loadExplain } from './explain.js';
import { loadInsights } from './insights.js';
import { TuiModel } from './model.js';
import { assertTerminal, mountTui, type MountOptions } from './mount.js';
import { prepareSnapshot } from './sanitize.js';
import { saveSnapshotFile } from './save.js';

/** The longest real wait between two replayed samples, milliseconds: a gap in a recording is skipped. */
export const MAX_REPLAY_GAP_MS = 5000;

/**
 * Feeds recorded Snapshots into a model at their recorded pace divided by `speed`, holding while the
 * view is paused. Separate from the terminal so it is tested with a fake sleep.
 */
export class ReplayFeeder {
  private paused = false;
  private resume: (() => void) | null = null;
  private stopped = false;
  private wake: { timer: NodeJS.Timeout; resolve: () => void } | null = null;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(
    private readonly speed: number,
    sleep?: (ms: number) => Promise<void>,
  ) {
    if (!(speed > 0)) throw new Error(`replay speed must be positive, got ${speed}`);
    // The default sleep is cut short by stop(), so quitting never waits out a gap.
    this.sleep =
      sleep ??
      ((ms) =>
        new Promise<void>((resolve) => {
          this.wake = { timer: setTimeout(resolve, ms), resolve };
        }));
  }

  setPaused(paused: boolean): void {
    this.paused = paused;
    if (!paused) {
      this.resume?.();
      this.resume = null;
    }
  }

  stop(): void {
    this.stopped = true;
    this.setPaused(false);
    if (this.wake) {
      clearTimeout(this.wake.timer);
      this.wake.resolve();
      this.wake = null;
    }
  }

  /** Plays `snapshots` into `onSample`; resolves with how many were played. */
  async play(snapshots: AsyncIterable<Snapshot>, onSample: (snapshot: Snapshot) => void): Promise<number> {
    let previous: number | null = null;
    let count = 0;
    for await (const snapshot of snapshots) {
      if (this.stopped) break;
      if (previous !== null) {
        const gap = Math.max(0, snapshot.timestamp - previous) / this.speed;
        await this.sleep(Math.min(MAX_REPLAY_GAP_MS, gap));
      }
      while (this.paused && !this.stopped) {
        await new Promise<void>((resolve) => {
          this.resume = resolve;
        });
      }
      if (this.stopped) break;
      previous = snapshot.timestamp;
      onSample(snapshot);
      count += 1;
    }
    return count;
  }
}

async function* snapshotsOf(
  recording: ReplayTuiRecording,
  options: ReplayTuiOptions,
): AsyncGenerator<Snapshot> {
  for await (const recorded of readRecording(recording.path, {
    ...(recording.from === undefined ? {} : { from: recording.from }),
    ...(recording.to === undefined ? {} : { to: recording.to }),
    onIssue: options.onIssue,
  })) {
    yield recorded.snapshot;
  }
}

/**
 * `sysray replay <recording>` in a terminal: the TUI over a recording instead of this host, with the
 * recording's own pace (× speed). A replayed file is untrusted input: every string is scrubbed before it
 * is drawn. Pausing holds playback; ← → scrub through what has been played.
 */
export async function runReplayTui(
  recording: ReplayTuiRecording,
  options: ReplayTuiOptions,
  mount: MountOptions = {},
): Promise<void> {
  assertTerminal(mount.stdin ?? process.stdin, mount.stdout ?? process.stdout);
  const [insights, explain] = await Promise.all([loadInsights(), loadExplain()]);
  // Recordings hold more history for scrubbing than a live session: replay is for looking back.
  const model = new TuiModel({ insights, scrubDepth: 900 });
  const feeder = new ReplayFeeder(options.speed);
  // The recorder redacts what it writes; a recording from elsewhere gets the same masking here.
  const redactor = createRedactor();
  const playing = feeder
    .play(snapshotsOf(recording, options), (snapshot) => model.ingest(prepareSnapshot(snapshot, redactor)))
    .then(
      (count) =>
        model.notify(
          count === 0
            ? 'the recording has no snapshots in this range (q quits)'
            : `end of recording: ${count} snapshots (q quits)`,
          count === 0 ? 'error' : 'info',
        ),
      (error: unknown) => model.notify(`replay failed: ${(error as Error).message}`, 'error'),
    );
  try {
    await mountTui(
      {
        model,
        mode: 'replay',
        speed: options.speed,
        explain,
        waitingText: `sysray: reading ${recording.path}…`,
        actions: {
          save: async (snapshot) => `saved ${await saveSnapshotFile(snapshot, process.cwd())}`,
          toggleRecording: async () => ({
            recording: false,
            message: 'R records the live host; this is a replay',
          }),
          setPaused: (paused) => feeder.setPaused(paused),
        },
      },
      mount,
    );
  } finally {
    feeder.stop();
    await playing;
  }
}
