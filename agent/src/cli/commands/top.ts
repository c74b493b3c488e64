import type { Command } from 'commander';
import { createRedactor, redactSnapshot } from '../../redact.js';
import { HostSession } from '../../snapshot/host-session.js';
import { CLEAR_SCREEN, sleepOrInterrupt, type CliIO } from '../cli-io.js';
import { hostRootsFrom } from '../global-options.js';
import { renderTop } from '../render/top-view.js';
import { durationOption, integerOption } from '../parse-values.js';
import {
  collectorsConfigFromProcessOptions,
  processSortFlag,
  sortKeyFrom,
  type ProcessFlags,
} from './process-flags.js';

interface TopFlags extends ProcessFlags {
  readonly interval?: number;
  readonly iterations?: number;
  readonly sample: number;
}

export function registerTopCommand(program: Command, io: CliIO): void {
  const command = program
    .command('top')
    .description('the busiest processes with a host summary; once, or refreshing with --interval')
    .option(
      '-i, --interval <duration>',
      'refresh every duration until Ctrl-C',
      durationOption(200, 3_600_000),
    )
    .option('--iterations <n>', 'with --interval: stop after n frames', integerOption(1, 1_000_000))
    .option('--sample <duration>', 'sampling window for the first frame', durationOption(50, 60_000), 500);
  processSortFlag(command, 20);
  command.action(async (flags: TopFlags, cmd: Command) => {
    const sortBy = sortKeyFrom(flags);
    const limit = flags.limit ?? 20;
    const session = new HostSession({
      roots: hostRootsFrom(cmd, io),
      // Keep more in detail than shown so the order is stable as processes trade places.
      config: collectorsConfigFromProcessOptions({ ...flags, limit: Math.max(limit, 50) }),
      sections: ['system', 'cpu', 'memory', 'processes', 'pressure'],
    });
    const redactor = createRedactor();
    const width = io.stdout.columns ?? 120;
    const refreshing = flags.interval !== undefined;
    const clear = refreshing && io.stdout.isTTY === true;
    let snapshot = await session.sample(flags.sample);
    for (let frame = 1; ; frame += 1) {
      const text = renderTop(redactSnapshot(snapshot, redactor), { sortBy, limit, width }).join('\n');
      io.stdout.write(`${clear ? CLEAR_SCREEN : frame > 1 ? '\n' : ''}${text}\n`);
      if (!refreshing || (flags.iterations !== undefined && frame >= flags.iterations)) return;
      if (await sleepOrInterrupt(flags.interval ?? 0, io)) return;
      snapshot = await session.refresh();
    }
  });
}
