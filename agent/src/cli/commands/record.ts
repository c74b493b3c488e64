import type { Command } from 'commander';
import { createRedactor } from '../../redact.js';
import { Recorder, ROTATE_POLICIES, type RotatePolicy } from '../../record/recorder.js';
import { COMPRESSIONS, type Compression } from '../../record/segments.js';
import { HostSession } from '../../snapshot/host-session.js';
import type { Clock } from '../../platform/clock.js';
import { CliError, sleepOrInterrupt, type CliIO } from '../cli-io.js';
import { hostRootsFrom } from '../global-options.js';
import { choiceOption, durationOption, integerOption } from '../parse-values.js';
import { collectorsConfigFromProcessOptions, processSortFlag, type ProcessFlags } from './process-flags.js';

interface RecordFlags extends ProcessFlags {
  readonly interval: number;
  readonly output: string;
  readonly rotate: RotatePolicy;
  readonly maxFileSizeMb: number;
  readonly keepFiles?: number;
  readonly retain?: number;
  readonly compress: Compression;
  readonly iterations?: number;
}

/** Test seams; `main` passes none. */
export interface RecordCommandDeps {
  readonly clock?: Clock;
  /** Replaces the wait between snapshots (tests make hours pass in milliseconds). */
  readonly sleep?: (ms: number, io: CliIO) => Promise<boolean>;
}

const MIB = 1024 * 1024;

export function registerRecordCommand(program: Command, io: CliIO, deps: RecordCommandDeps = {}): void {
  const command = program
    .command('record')
    .description(
      'append a redacted Snapshot per interval to rotating, compressed JSONL segment files until Ctrl-C',
    )
    .requiredOption('-o, --output <dir>', 'recording directory (created when missing)')
    .option('-i, --interval <duration>', 'time between snapshots', durationOption(100, 86_400_000), 5000)
    .option(
      '--rotate <when>',
      `start a new segment file: ${ROTATE_POLICIES.join(', ')} (UTC)`,
      choiceOption(ROTATE_POLICIES),
      'hourly',
    )
    .option(
      '--max-file-size-mb <n>',
      'also start a new segment before one grows past n MiB (uncompressed)',
      integerOption(1, 1_048_576),
      256,
    )
    .option(
      '--keep-files <n>',
      'keep at most n segment files, deleting the oldest',
      integerOption(1, 10_000_000),
    )
    .option(
      '--retain <duration>',
      'delete segments older than this, e.g. 7d',
      durationOption(60_000, 3650 * 86_400_000),
    )
    .option(
      '--compress <codec>',
      `how closed segments are stored: ${COMPRESSIONS.join(', ')}`,
      choiceOption(COMPRESSIONS),
      'gzip',
    )
    .option('--iterations <n>', 'stop after n snapshots', integerOption(1, 1_000_000_000));
  processSortFlag(command);
  command.action(async (flags: RecordFlags, cmd: Command) => {
    const report = (message: string): void => {
      io.stderr.write(`sysray record: ${message}\n`);
    };
    let recorder: Recorder;
    try {
      recorder = await Recorder.open({
        dir: flags.output,
        rotate: flags.rotate,
        maxFileBytes: flags.maxFileSizeMb * MIB,
        keepFiles: flags.keepFiles ?? null,
        retainMs: flags.retain ?? null,
        compression: flags.compress,
        redactor: createRedactor(),
        report,
        ...(deps.clock ? { clock: deps.clock } : {}),
      });
    } catch (error) {
      throw new CliError((error as Error).message);
    }
    const session = new HostSession({
      roots: hostRootsFrom(cmd, io),
      config: collectorsConfigFromProcessOptions(flags),
      intervalMs: flags.interval,
      ...(deps.clock ? { clock: deps.clock } : {}),
    });
    const sleep = deps.sleep ?? sleepOrInterrupt;
    try {
      // The first snapshot waits one short window so its rates are real, as `snapshot` does.
      let snapshot = await session.sample(Math.min(flags.interval, 500));
      for (let count = 1; ; count += 1) {
        await recorder.write(snapshot);
        if (flags.iterations !== undefined && count >= flags.iterations) break;
        if (await sleep(flags.interval, io)) break;
        snapshot = await session.refresh();
      }
    } finally {
      // Ctrl-C, SIGTERM, the last iteration or a failure: the active segment is closed and compressed.
      await recorder.close();
    }
    const { written, dropped } = recorder.stats;
    if (dropped > 0) report(`${written} snapshot(s) written, ${dropped} dropped (disk full)`);
  });
}
