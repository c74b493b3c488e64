import type { Command } from 'commander';
import { loadDiffInput } from '../../diff/load.js';
import { renderDiffText } from '../../diff/render.js';
import { diffSnapshots } from '../../diff/snapshot-diff.js';
import type { RecordingIssue } from '../../record/reader.js';
import { resolveTimeBound, type TimeBound } from '../../record/time-bound.js';
import { firstRecordedSnapshot } from '../../record/reader.js';
import { CliError, type CliIO } from '../cli-io.js';
import { choiceOption, integerOption } from '../parse-values.js';
import { formatIssue, timeBoundOption } from './replay.js';

const FORMATS = ['text', 'json'] as const;

interface DiffFlags {
  readonly format: (typeof FORMATS)[number];
  readonly at: readonly TimeBound[];
  readonly top: number;
}

/** Test seams; `main` passes none. */
export interface DiffCommandDeps {
  /** Wall clock for relative times (`-30m`), epoch milliseconds. */
  readonly nowMs?: () => number;
}

function collectTimeBound(value: string, previous: readonly TimeBound[]): TimeBound[] {
  return [...previous, timeBoundOption(value)];
}

export function registerDiffCommand(program: Command, io: CliIO, deps: DiffCommandDeps = {}): void {
  program
    .command('diff')
    .description(
      'what changed between two snapshots: key metrics, rates between them, filesystems, disks, network, processes',
    )
    .argument('<a>', 'a snapshot JSON file, or a recording (directory or segment): its first snapshot')
    .argument('<b>', 'a snapshot JSON file, or a recording: its last snapshot')
    .option('-f, --format <format>', `output format: ${FORMATS.join(', ')}`, choiceOption(FORMATS), 'text')
    .option(
      '--at <time>',
      'in a recording, take the snapshot at or before this time: the first --at for A, a second for B',
      collectTimeBound,
      [],
    )
    .option('--top <n>', 'rows in each process list', integerOption(1, 1000), 10)
    .action(async (a: string, b: string, flags: DiffFlags) => {
      if (flags.at.length > 2) throw new CliError('--at is given at most twice (A, then B)', 2);
      const onIssue = (issue: RecordingIssue): void => {
        io.stderr.write(`sysray diff: ${formatIssue(issue)}\n`);
      };
      const now = (deps.nowMs ?? Date.now)();
      const atFor = async (target: string, bound: TimeBound | undefined): Promise<number | undefined> =>
        bound === undefined
          ? undefined
          : resolveTimeBound(
              bound,
              now,
              async () => (await firstRecordedSnapshot(target))?.snapshot.timestamp ?? null,
            );
      let left;
      let right;
      try {
        const atA = await atFor(a, flags.at[0]);
        const atB = await atFor(b, flags.at[1]);
        left = await loadDiffInput(a, {
          which: 'first',
          onIssue,
          ...(atA === undefined ? {} : { atMs: atA }),
        });
        right = await loadDiffInput(b, {
          which: 'last',
          onIssue,
          ...(atB === undefined ? {} : { atMs: atB }),
        });
      } catch (error) {
        throw new CliError((error as Error).message);
      }
      const diff = diffSnapshots(left.snapshot, right.snapshot, {
        top: flags.top,
        sourceA: left.source,
        sourceB: right.source,
      });
      io.stdout.write(
        flags.format === 'json'
          ? `${JSON.stringify(diff, null, 2)}\n`
          : renderDiffText(diff, { width: io.stdout.columns ?? 120 }),
      );
    });
}
