import { Command, CommanderError } from 'commander';
import { CliError, type CliIO } from '../../src/cli/cli-io.js';
import { addGlobalOptions } from '../../src/cli/global-options.js';
import { main } from '../../src/cli/main.js';

export interface RunResult {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

function bufferIO(env: Record<string, string | undefined> = {}): {
  io: CliIO;
  result: () => { out: string; err: string };
} {
  let out = '';
  let err = '';
  const io: CliIO = {
    stdout: { write: (text: string) => (out += text), isTTY: false, columns: 120 },
    stderr: { write: (text: string) => (err += text) },
    env,
    interrupted: new Promise(() => {}),
  };
  return { io, result: () => ({ out, err }) };
}

/** The real CLI entry point with buffers for streams. */
export async function runMain(
  args: readonly string[],
  env: Record<string, string | undefined> = {},
): Promise<RunResult> {
  const { io, result } = bufferIO(env);
  const code = await main(args, io);
  return { code, ...result() };
}

/**
 * A program with one command registered with test seams (clock, sleep, TUI loader), handling errors the
 * way `main` does: 0 ok, 1 runtime failure, 2 usage error.
 */
export async function runWith(
  register: (program: Command, io: CliIO) => void,
  args: readonly string[],
): Promise<RunResult> {
  const { io, result } = bufferIO();
  const program = new Command('sysray').configureOutput({
    writeOut: (text) => io.stdout.write(text),
    writeErr: (text) => io.stderr.write(text),
  });
  addGlobalOptions(program);
  register(program, io);
  program.exitOverride();
  for (const command of program.commands) command.exitOverride();
  let code = 0;
  try {
    await program.parseAsync([...args], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) code = error.exitCode === 0 ? 0 : 2;
    else if (error instanceof CliError) {
      io.stderr.write(`sysray: ${error.message}\n`);
      code = error.exitCode;
    } else {
      io.stderr.write(`sysray: ${(error as Error).message}\n`);
      code = 1;
    }
  }
  return { code, ...result() };
}
