import type { Command } from 'commander';
import { snapshotToCsv } from '../../export/csv.js';
import { HostSession } from '../../snapshot/host-session.js';
import type { CliIO } from '../cli-io.js';
import { hostRootsFrom } from '../global-options.js';
import { choiceOption, durationOption } from '../parse-values.js';
import { collectorsConfigFromProcessOptions, processSortFlag, type ProcessFlags } from './process-flags.js';

const FORMATS = ['json', 'csv'] as const;
type SnapshotFormat = (typeof FORMATS)[number];

interface SnapshotFlags extends ProcessFlags {
  readonly format: SnapshotFormat;
  readonly sample: number;
  readonly compact?: boolean;
}

export function registerSnapshotCommand(program: Command, io: CliIO): void {
  const command = program
    .command('snapshot')
    .description(
      'collect every section once and print one Snapshot (waits one sampling window so rates are real)',
    )
    .option('-f, --format <format>', `output format: ${FORMATS.join(', ')}`, choiceOption(FORMATS), 'json')
    .option(
      '--sample <duration>',
      'sampling window between the two collections',
      durationOption(50, 60_000),
      500,
    )
    .option('--compact', 'JSON on one line');
  processSortFlag(command);
  command.action(async (flags: SnapshotFlags, cmd: Command) => {
    const session = new HostSession({
      roots: hostRootsFrom(cmd, io),
      config: collectorsConfigFromProcessOptions(flags),
    });
    const snapshot = await session.sample(flags.sample);
    if (flags.format === 'csv') io.stdout.write(snapshotToCsv(snapshot));
    else io.stdout.write(`${JSON.stringify(snapshot, null, flags.compact ? undefined : 2)}\n`);
  });
}
