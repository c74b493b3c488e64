import { InvalidArgumentError, type Command } from 'commander';
import { CSV_HEADER, snapshotToCsvRows } from '../../export/csv.js';
import { createRedactor, redactSnapshot } from '../../redact.js';
import { firstRecordedSnapshot, readRecording, type RecordingIssue } from '../../record/reader.js';
import { loadReplayTui, type ReplayTuiModule } from '../../record/replay-tui.js';
import { parseTimeBound, resolveTimeBound, type TimeBound } from '../../record/time-bound.js';
import { CliError, type CliIO } from '../cli-io.js';
import { choiceOption } from '../parse-values.js';

const FORMATS = ['json', 'csv'] as const;
type ReplayFormat = (typeof FORMATS)[number];

interface ReplayFlags {
  readonly format?: ReplayFormat;
  readonly from?: TimeBound;
  readonly to?: TimeBound;
  readonly speed: number;
}

/** Test seams; `main` passes none. */
export interface ReplayCommandDeps {
  readonly loadTui?: () => Promise<ReplayTuiModule>;
  /** Wall clock for relative times (`-30m`), epoch milliseconds. */
  readonly nowMs?: () => number;
}

/** Commander parser for `--from`/`--to`/`--at`: a TimeBound, or a usage error. */
export function timeBoundOption(value: string): TimeBound {
  try {
    return parseTimeBound(value);
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
}

/** `--speed 10` or `10x`: a playback factor between 0.01 and 10000. */
export function speedOption(value: string): number {
  const match = /^(\d+(?:\.\d+)?)x?$/i.exec(value.trim());
  const speed = match ? Number(match[1]) : Number.NaN;
  if (!(speed >= 0.01 && speed <= 10_000)) {
    throw new InvalidArgumentError(
      `must be a factor between 0.01 and 10000 (e.g. 10 or 10x), got ${JSON.stringify(value)}`,
    );
  }
  return speed;
}

/** One line on stderr per skipped line or file: `file:line: message`. */
export function formatIssue(issue: RecordingIssue): string {
  return `${issue.file}:${issue.line}: ${issue.kind === 'torn' ? '' : `${issue.kind} line skipped: `}${issue.message}`;
}

/** Resolves `--from`/`--to` against now and the recording's first snapshot. */
export async function resolveRange(
  recording: string,
  from: TimeBound | undefined,
  to: TimeBound | undefined,
  nowMs: number,
): Promise<{ from?: number; to?: number }> {
  let start: number | null | undefined;
  const startOf = async (): Promise<number | null> => {
    start ??= (await firstRecordedSnapshot(recording))?.snapshot.timestamp ?? null;
    return start;
  };
  const range: { from?: number; to?: number } = {};
  if (from) range.from = await resolveTimeBound(from, nowMs, startOf);
  if (to) range.to = await resolveTimeBound(to, nowMs, startOf);
  if (range.from !== undefined && range.to !== undefined && range.from > range.to) {
    throw new CliError(
      `--from (${new Date(range.from).toISOString()}) is after --to (${new Date(range.to).toISOString()})`,
      2,
    );
  }
  return range;
}

export function registerReplayCommand(program: Command, io: CliIO, deps: ReplayCommandDeps = {}): void {
  program
    .command('replay')
    .description('play a recording back: in the TUI, or dumped as JSON lines or CSV with --format')
    .argument('<recording>', 'a recording directory or one segment file (.jsonl, .jsonl.gz, .jsonl.zst)')
    .option(
      '-f, --format <format>',
      `dump instead of opening the TUI: ${FORMATS.join(', ')}`,
      choiceOption(FORMATS),
    )
    .option(
      '--from <time>',
      'start at this time: ISO 8601, -30m (before now) or +10m (after the start)',
      timeBoundOption,
    )
    .option('--to <time>', 'stop at this time (same forms as --from)', timeBoundOption)
    .option('--speed <factor>', 'TUI playback speed, 1 = real time', speedOption, 1)
    .action(async (recording: string, flags: ReplayFlags) => {
      const issues: RecordingIssue[] = [];
      const onIssue = (issue: RecordingIssue): void => {
        issues.push(issue);
        io.stderr.write(`sysray replay: ${formatIssue(issue)}\n`);
      };
      let range: { from?: number; to?: number };
      try {
        range = await resolveRange(recording, flags.from, flags.to, (deps.nowMs ?? Date.now)());
      } catch (error) {
        throw error instanceof CliError ? error : new CliError((error as Error).message);
      }
      if (flags.format === undefined) {
        let tui: ReplayTuiModule;
        try {
          tui = await (deps.loadTui ?? (() => loadReplayTui()))();
        } catch (error) {
          throw new CliError((error as Error).message);
        }
        await tui.runReplayTui({ path: recording, ...range }, { speed: flags.speed, io, onIssue });
        return;
      }
      // Recordings are redacted when written; redacting again costs little and covers files from elsewhere.
      const redactor = createRedactor();
      let count = 0;
      if (flags.format === 'csv') io.stdout.write(`${CSV_HEADER}\n`);
      try {
        for await (const { snapshot } of readRecording(recording, { ...range, onIssue })) {
          const safe = redactSnapshot(snapshot, redactor);
          if (flags.format === 'csv') {
            const rows = snapshotToCsvRows(safe);
            if (rows.length > 0) io.stdout.write(`${rows.join('\n')}\n`);
          } else {
            io.stdout.write(`${JSON.stringify(safe)}\n`);
          }
          count += 1;
        }
      } catch (error) {
        throw new CliError((error as Error).message);
      }
      if (count === 0) {
        const within =
          range.from !== undefined || range.to !== undefined ? ' within the requested range' : '';
        throw new CliError(`no snapshot in ${recording}${within}`);
      }
    });
}
