import type { Command } from 'commander';
import { snapshotToCsv } from '../../export/csv.js';
import { snapshotToPrometheus } from '../../export/prometheus.js';
import { createRedactor, redactSnapshot } from '../../redact.js';
import { AGENT_VERSION } from '../../version.js';
import { HostSession } from '../../snapshot/host-session.js';
import type { CliIO } from '../cli-io.js';
import { hostRootsFrom } from '../global-options.js';
import { choiceOption, durationOption } from '../parse-values.js';
import { collectorsConfigFromProcessOptions, processSortFlag, type ProcessFlags } from './process-flags.js';

const FORMATS = ['json', 'csv', 'prometheus'] as const;
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
    // Command lines leave this process only redacted, whatever the format. The default patterns are used
    // rather than the agent's config file, so a broken config cannot break a local diagnosis.
    const snapshot = redactSnapshot(await session.sample(flags.sample), createRedactor());
    if (flags.format === 'csv') io.stdout.write(snapshotToCsv(snapshot));
    else if (flags.format === 'prometheus') {
      io.stdout.write(await snapshotToPrometheus(snapshot, { serviceVersion: AGENT_VERSION, env: io.env }));
    } else io.stdout.write(`${JSON.stringify(snapshot, null, flags.compact ? undefined : 2)}\n`);
  });
}
