import type { CliIO } from '../cli/cli-io.js';
import type { RecordingIssue } from './reader.js';

/**
 * The contract between `sysray replay` (without `--format`) and the TUI. The TUI lives in
 * `agent/src/tui/replay.ts` and exports `runReplayTui`; the command loads it lazily, so a build without
 * the TUI still records, replays as JSON/CSV and diffs, and says so when the TUI is asked for.
 * The TUI reads the snapshots itself with `readRecording(recording.path, { from, to, onIssue })`.
 */
export interface ReplayTuiRecording {
  /** A recording directory or one segment file, as the user gave it. */
  readonly path: string;
  /** Start of the replayed range, Unix epoch milliseconds; the recording's start when absent. */
  readonly from?: number;
  /** End of the replayed range, Unix epoch milliseconds; the recording's end when absent. */
  readonly to?: number;
}

export interface ReplayTuiOptions {
  /** Playback speed: 1 is real time, 10 ten times faster (`--speed`). */
  readonly speed: number;
  readonly io: CliIO;
  /** Where the TUI should send skipped lines (the command prints them on stderr after the TUI exits). */
  readonly onIssue: (issue: RecordingIssue) => void;
}

/** What `agent/src/tui/replay.ts` exports. */
export interface ReplayTuiModule {
  runReplayTui(recording: ReplayTuiRecording, options: ReplayTuiOptions): Promise<void>;
}

/** Thrown when the build has no TUI. */
export const TUI_UNAVAILABLE = 'the TUI is not available in this build (use --format json or --format csv)';

/** Path of the TUI module relative to this file's directory. */
const TUI_MODULE = '../tui/replay.js';

function isModuleNotFound(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const message = error instanceof Error ? error.message : String(error);
  return (
    code === 'ERR_MODULE_NOT_FOUND' ||
    code === 'MODULE_NOT_FOUND' ||
    (/cannot find module|failed to load url|does the file exist/i.test(message) && message.includes('tui'))
  );
}

/**
 * Loads the TUI's replay entry point, or throws `Error(TUI_UNAVAILABLE)` when this build has none.
 * Errors inside an existing TUI module are not masked.
 */
export async function loadReplayTui(
  importModule: (specifier: string) => Promise<unknown> = (specifier) => import(specifier),
): Promise<ReplayTuiModule> {
  let module: unknown;
  try {
    // A relative specifier resolves against this file, from the sources (tests) and from dist/ alike.
    module = await importModule(TUI_MODULE);
  } catch (error) {
    if (isModuleNotFound(error)) throw new Error(TUI_UNAVAILABLE);
    throw error;
  }
  const run = (module as Partial<ReplayTuiModule> | null)?.runReplayTui;
  if (typeof run !== 'function') throw new Error(`${TUI_UNAVAILABLE}: ${TUI_MODULE} exports no runReplayTui`);
  return module as ReplayTuiModule;
}
