/** Where a command writes; tests pass buffers, the binary passes the process streams. */
export interface CliIO {
  readonly stdout: { write(text: string): unknown; readonly isTTY?: boolean; readonly columns?: number };
  readonly stderr: { write(text: string): unknown };
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Resolves when the user asks to stop (Ctrl-C); refreshing commands race their sleep against it. */
  readonly interrupted: Promise<void>;
}

export function processIO(): CliIO {
  const interrupted = new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  return { stdout: process.stdout, stderr: process.stderr, env: process.env, interrupted };
}

/** Thrown by commands for a failure the user should read as one line (no stack). */
export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

/** Sleeps `ms` unless interrupted first; resolves true when interrupted. */
export async function sleepOrInterrupt(ms: number, io: CliIO): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const slept = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  const result = await Promise.race([slept, io.interrupted.then(() => true)]);
  clearTimeout(timer);
  return result;
}

/** ANSI: cursor home and clear screen, used between refreshing frames on a terminal. */
export const CLEAR_SCREEN = '\u001b[H\u001b[2J';
