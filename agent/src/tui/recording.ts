import path from 'node:path';
import type { Snapshot } from '@sysray/proto';
import { Recorder } from '../record/index.js';

/** Where `R` records, relative to the working directory. */
export const RECORDING_DIR = 'sysray-recording';

/**
 * The `R` key: starts a {@link Recorder} on `./sysray-recording/` and feeds it every sample until `R`
 * again (or quitting) closes it. The recorder redacts what it writes; the raw Snapshot is passed so a
 * recording replays as collected, and replay scrubs what it shows.
 */
export class RecordingControl {
  private recorder: Recorder | null = null;
  private pending: Promise<unknown> = Promise.resolve();
  private failure: string | null = null;

  constructor(
    private readonly dir: string,
    private readonly open: (dir: string) => Promise<Recorder> = (d) => Recorder.open({ dir: d }),
  ) {}

  get recording(): boolean {
    return this.recorder !== null;
  }

  /** The directory as the user reads it in messages. */
  get displayDir(): string {
    const relative = path.relative(process.cwd(), this.dir);
    return relative === '' || relative.startsWith('..') ? this.dir : `./${relative}/`;
  }

  async toggle(): Promise<{ recording: boolean; message: string }> {
    await this.pending;
    if (this.recorder) {
      const recorder = this.recorder;
      this.recorder = null;
      await recorder.close();
      const { written, dropped } = recorder.stats;
      return {
        recording: false,
        message: `recording stopped: ${written} snapshots in ${this.displayDir}${dropped > 0 ? ` (${dropped} dropped: disk full)` : ''}`,
      };
    }
    this.failure = null;
    this.recorder = await this.open(this.dir);
    return { recording: true, message: `recording to ${this.displayDir} (R stops)` };
  }

  /** Appends one sample when recording; writes are queued so they never overlap. */
  write(snapshot: Snapshot): void {
    const recorder = this.recorder;
    if (!recorder) return;
    this.pending = this.pending
      .then(() => recorder.write(snapshot))
      .catch((error: unknown) => {
        this.failure = (error as Error).message;
      });
  }

  /** The last write failure, once; null when none. */
  takeFailure(): string | null {
    const failure = this.failure;
    this.failure = null;
    return failure;
  }

  async close(): Promise<void> {
    await this.pending;
    const recorder = this.recorder;
    this.recorder = null;
    await recorder?.close();
  }
}
