import { Command, CommanderError } from 'commander';
import { AGENT_VERSION } from '../version.js';
import { CliError, processIO, type CliIO } from './cli-io.js';
import { registerAgentCommand } from './commands/agent.js';
import { registerConfigCommand } from './commands/config.js';
import { registerDiffCommand } from './commands/diff.js';
import { registerExplainCommand } from './commands/explain.js';
import { registerGatewayCommand } from './commands/gateway.js';
import { registerInsightsCommand } from './commands/insights.js';
import { registerInventoryCommand } from './commands/inventory.js';
import { registerRecordCommand } from './commands/record.js';
import { registerReplayCommand } from './commands/replay.js';
import { registerServerCommand } from './commands/server.js';
import { registerServiceCommand } from './commands/service.js';
import { registerSnapshotCommand } from './commands/snapshot.js';
import { registerTopCommand } from './commands/top.js';
import { registerUpCommand } from './commands/up.js';
import { registerWatchCommand } from './commands/watch.js';
import { registerTuiCommand } from '../tui/command.js';
import { addGlobalOptions } from './global-options.js';

export function buildProgram(io: CliIO): Command {
  const program = new Command('sysray')
    .description('Host observability: read the Linux kernel directly, locally or as an agent.')
    .version(AGENT_VERSION, '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
    });
  addGlobalOptions(program);
  registerSnapshotCommand(program, io);
  registerTopCommand(program, io);
  registerWatchCommand(program, io);
  registerInventoryCommand(program, io);
  registerInsightsCommand(program, io);
  registerRecordCommand(program, io);
  registerReplayCommand(program, io);
  registerDiffCommand(program, io);
  registerExplainCommand(program, io);
  registerGatewayCommand(program, io);
  registerUpCommand(program, io);
  registerAgentCommand(program, io);
  registerServerCommand(program, io);
  registerConfigCommand(program, io);
  // The default command: `sysray` with no command opens the TUI (loaded lazily by its action).
  registerTuiCommand(program, io);
  registerServiceCommand(program, io);
  // Every subcommand reports bad flags as one line and exits non-zero instead of calling process.exit.
  program.exitOverride();
  for (const command of program.commands) command.exitOverride();
  return program;
}

/** Runs the CLI and returns the exit code: 0 ok, 1 a runtime failure, 2 a usage error. */
export async function main(argv: readonly string[], io: CliIO = processIO()): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version exit through here with code 0; commander already printed its message.
      return error.exitCode === 0 ? 0 : 2;
    }
    if (error instanceof CliError) {
      io.stderr.write(`sysray: ${error.message}\n`);
      return error.exitCode;
    }
    io.stderr.write(`sysray: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}
