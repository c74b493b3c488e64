import type { Command } from 'commander';
import type { Snapshot } from '@sysray/proto';
import { evaluateLocalInsights } from '../../alerts/insights.js';
import { HostSession } from '../../snapshot/host-session.js';
import type { CliIO } from '../cli-io.js';
import { hostRootsFrom } from '../global-options.js';
import { choiceOption, durationOption } from '../parse-values.js';

const FORMATS = ['text', 'json'] as const;

interface InsightsFlags {
  readonly samples: string;
  readonly interval: number;
  readonly format: (typeof FORMATS)[number];
}

/** `sysray insights`: a few samples of this host against the default alert pack; what fires now. */
export function registerInsightsCommand(program: Command, io: CliIO): void {
  program
    .command('insights')
    .description('sample this host a few times and print what the default alert rules find now')
    .option('--samples <n>', 'samples to take (at least 2, for rates)', '3')
    .option('--interval <duration>', 'time between samples', durationOption(50, 60_000), 1000)
    .option('-f, --format <format>', `output format: ${FORMATS.join(', ')}`, choiceOption(FORMATS), 'text')
    .action(async (flags: InsightsFlags, cmd: Command) => {
      const samples = Math.max(2, Math.min(60, Number.parseInt(flags.samples, 10) || 3));
      const session = new HostSession({ roots: hostRootsFrom(cmd, io) });
      const snapshots: Snapshot[] = [];
      for (let i = 0; i < samples; i++) {
        if (i > 0) await new Promise((resolve) => setTimeout(resolve, flags.interval));
        snapshots.push(await session.refresh());
      }
      const hostname = snapshots.at(-1)?.host.name ?? 'localhost';
      const findings = evaluateLocalInsights(snapshots, String(hostname));
      if (flags.format === 'json') {
        io.stdout.write(`${JSON.stringify({ findings }, null, 2)}\n`);
        return;
      }
      if (findings.length === 0) {
        io.stdout.write('no findings\n');
        return;
      }
      for (const f of findings) {
        io.stdout.write(`${f.severity.toUpperCase().padEnd(8)} ${f.rule}: ${f.annotations.summary ?? ''}\n`);
      }
    });
}
