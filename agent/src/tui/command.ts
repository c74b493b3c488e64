import type { Command } from 'commander';
import type { CliIO } from '../cli/cli-io.js';
import { hostRootsFrom } from '../cli/global-options.js';
import { choiceOption, durationOption, integerOption } from '../cli/parse-values.js';

/** Theme names, repeated from themes.ts so registering the command does not load the TUI. */
const THEME_NAMES = ['dark', 'light', 'high-contrast', 'solarized'] as const;

interface TuiFlags {
  readonly interval: number;
  readonly limit: number;
  readonly theme?: (typeof THEME_NAMES)[number];
}

/**
 * `sysray tui`, also what `sysray` runs with no command (commander's default command). ink and React
 * are imported only inside the action, so `sysray agent` and the other commands never load them.
 */
export function registerTuiCommand(program: Command, io: CliIO): void {
  program
    .command('tui', { isDefault: true })
    .description('the interactive terminal UI (what `sysray` with no command opens)')
    .option('-i, --interval <duration>', 'refresh interval', durationOption(200, 3_600_000), 1000)
    .option('-n, --limit <n>', 'processes kept in detail per sample', integerOption(1, 10_000), 50)
    .option('--theme <name>', `colour theme: ${THEME_NAMES.join(', ')}`, choiceOption(THEME_NAMES))
    .action(async (flags: TuiFlags, cmd: Command) => {
      const roots = hostRootsFrom(cmd, io);
      const { runTui } = await import('./run.js');
      await runTui({
        roots,
        intervalMs: flags.interval,
        processLimit: flags.limit,
        ...(flags.theme === undefined ? {} : { theme: flags.theme }),
      });
    });
}
