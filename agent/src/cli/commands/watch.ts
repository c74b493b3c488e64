import type { Command } from 'commander';
import { DEFAULT_COLLECTORS_CONFIG } from '../../collectors/config.js';
import { createRedactor, redactSnapshot } from '../../redact.js';
import { HostSession } from '../../snapshot/host-session.js';
import { CLEAR_SCREEN, CliError, sleepOrInterrupt, type CliIO } from '../cli-io.js';
import { hostRootsFrom } from '../global-options.js';
import { durationOption, integerOption } from '../parse-values.js';
import { renderProcessDetail } from '../render/process-detail.js';

interface WatchFlags {
  readonly pid: number;
  readonly interval: number;
  readonly iterations?: number;
}

export function registerWatchCommand(program: Command, io: CliIO): void {
  program
    .command('watch')
    .description('refreshing detail of one process until it exits or Ctrl-C')
    .requiredOption('-p, --pid <pid>', 'the process to watch', integerOption(1, 2 ** 22))
    .option('-i, --interval <duration>', 'refresh interval', durationOption(200, 3_600_000), 1000)
    .option('--iterations <n>', 'stop after n frames', integerOption(1, 1_000_000))
    .action(async (flags: WatchFlags, cmd: Command) => {
      const session = new HostSession({
        roots: hostRootsFrom(cmd, io),
        // Only the watched pid is kept in detail: no ranking of everything else.
        config: {
          ...DEFAULT_COLLECTORS_CONFIG,
          processes: { ...DEFAULT_COLLECTORS_CONFIG.processes, limit: 0, pids: [flags.pid] },
        },
        sections: ['processes'],
      });
      const redactor = createRedactor();
      const clear = io.stdout.isTTY === true;
      let snapshot = await session.sample(Math.min(flags.interval, 500));
      for (let frame = 1; ; frame += 1) {
        const processes = redactSnapshot(snapshot, redactor).sections.processes;
        if (processes.status !== 'ok') {
          throw new CliError(
            `cannot read processes: ${processes.status === 'error' ? processes.message : processes.reason}`,
          );
        }
        const detail = processes.data.top.find((p) => p.pid === flags.pid);
        if (!detail) {
          throw new CliError(
            frame === 1 ? `no process with pid ${flags.pid}` : `process ${flags.pid} exited`,
          );
        }
        const text = renderProcessDetail(detail, snapshot.timestamp).join('\n');
        io.stdout.write(`${clear ? CLEAR_SCREEN : frame > 1 ? '\n' : ''}${text}\n`);
        if (flags.iterations !== undefined && frame >= flags.iterations) return;
        if (await sleepOrInterrupt(flags.interval, io)) return;
        snapshot = await session.refresh();
      }
    });
}
