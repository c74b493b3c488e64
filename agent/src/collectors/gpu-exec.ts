import { execFile, type ExecFileException } from 'node:child_process';

/**
 * Running the external tools of the two collectors that have no kernel file to read: `nvidia-smi` (the
 * NVIDIA driver exposes its counters through NVML, a user-space library, not through sysfs) and `ss`
 * (per-socket TCP counters come from the `tcp_info` of sock_diag netlink, not from /proc/net/tcp). Each run
 * is bounded by a timeout and an output size; a tool that is missing or hangs never hangs a collector.
 */

export interface ToolResult {
  /** Exit status; 0 on success. */
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface ToolOptions {
  /** Kill the tool after this long, milliseconds. */
  readonly timeoutMs: number;
  /** Largest stdout or stderr accepted, bytes; more kills the tool. */
  readonly maxBufferBytes: number;
}

/**
 * Runs `file` with `args`. Resolves with the exit status and output whatever the status; rejects only when
 * the tool could not run: not found (`code` ENOENT), not executable, timed out or too much output.
 */
export type RunTool = (file: string, args: readonly string[], options: ToolOptions) => Promise<ToolResult>;

/** Thrown when the tool could not run at all; `notFound` for a missing executable. */
export class ToolError extends Error {
  override readonly name = 'ToolError';
  constructor(
    message: string,
    readonly notFound: boolean,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** "`file` not found", saying where it was looked for: on PATH when it has no slash, else at that path. */
export function notFoundMessage(file: string): string {
  return file.includes('/') ? `${file} not found` : `${file} not found on PATH`;
}

/** The real runner: execFile (no shell), the C locale so numbers print with a dot, stdin closed. */
export const runTool: RunTool = (file, args, options) =>
  new Promise<ToolResult>((resolve, reject) => {
    execFile(
      file,
      [...args],
      {
        encoding: 'utf8',
        timeout: options.timeoutMs,
        maxBuffer: options.maxBufferBytes,
        killSignal: 'SIGKILL',
        windowsHide: true,
        env: { ...process.env, LC_ALL: 'C' },
      },
      (error, stdout, stderr) => {
        if (error === null) {
          resolve({ exitCode: 0, stdout, stderr });
          return;
        }
        const failure = error as ExecFileException & { code?: string | number };
        if (typeof failure.code === 'number') {
          resolve({ exitCode: failure.code, stdout, stderr });
          return;
        }
        if (failure.code === 'ENOENT') {
          reject(new ToolError(notFoundMessage(file), true, { cause: error }));
          return;
        }
        if (failure.code === 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER') {
          reject(
            new ToolError(`${file}: output exceeded ${options.maxBufferBytes} bytes`, false, {
              cause: error,
            }),
          );
          return;
        }
        if (failure.killed === true || failure.signal === 'SIGKILL') {
          reject(new ToolError(`${file}: timed out after ${options.timeoutMs} ms`, false, { cause: error }));
          return;
        }
        reject(new ToolError(`${file}: ${failure.message}`, false, { cause: error }));
      },
    );
  });

/** The first non-empty line of a tool's output, bounded, for a reason string. */
export function firstLine(text: string, max = 200): string {
  const line = text
    .split('\n')
    .map((l) => l.trim())
    .find((l) => l !== '');
  if (line === undefined) return '';
  return line.length > max ? `${line.slice(0, max)}…` : line;
}
