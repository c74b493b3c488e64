import { CliError } from '../cli/cli-io.js';
import type { AppProps } from './components/App.js';

/** DEC private mode 1049: switch to the alternate screen (and back), as full-screen programs do. */
const ENTER_ALT_SCREEN = '\u001b[?1049h\u001b[H';
const LEAVE_ALT_SCREEN = '\u001b[?1049l';

export interface MountOptions {
  readonly stdout?: NodeJS.WriteStream;
  readonly stdin?: NodeJS.ReadStream;
  readonly stderr?: NodeJS.WriteStream;
  /** Use the alternate screen, so quitting gives the terminal back as it was (default true). */
  readonly alternateScreen?: boolean;
  /** Route console output above the TUI instead of through it (default true). */
  readonly patchConsole?: boolean;
}

/** Refuses to start without a terminal: ink needs raw-mode input and a screen to draw on. */
export function assertTerminal(stdin: NodeJS.ReadStream, stdout: NodeJS.WriteStream): void {
  if (!stdin.isTTY || !stdout.isTTY) {
    throw new CliError(
      'the TUI needs a terminal on stdin and stdout; for pipes and scripts use `sysray top`, `sysray snapshot` or `sysray replay --format json`',
    );
  }
}

/**
 * Draws the TUI until the user quits: alternate screen in, ink renders `App` (at most `maxFps` frames a
 * second, only when something changed), and on quit, a signal or an error the terminal is restored.
 */
export async function mountTui(props: AppProps, options: MountOptions = {}): Promise<void> {
  const stdout = options.stdout ?? process.stdout;
  const stdin = options.stdin ?? process.stdin;
  const stderr = options.stderr ?? process.stderr;
  assertTerminal(stdin, stdout);
  // ink draws nothing until exit when CI is set (is-in-ci reads it once, as ink loads): on a terminal
  // someone is looking at, a CI variable left in their environment must not blank the screen. So ink
  // is loaded here, after that, and only here — which also keeps React off every other command's path.
  process.env.CI = '0';
  process.env.CONTINUOUS_INTEGRATION = '0';
  // React's development build checks every element it creates: several times the CPU per frame.
  process.env.NODE_ENV ??= 'production';
  // No JSX in this file: a static `react/jsx-runtime` import would load React before NODE_ENV is set.
  const [{ render }, { createElement }, { App }] = await Promise.all([
    import('ink'),
    import('react'),
    import('./components/App.js'),
  ]);
  const alternate = options.alternateScreen ?? true;
  if (alternate) stdout.write(ENTER_ALT_SCREEN);
  const instance = render(createElement(App, props), {
    stdout,
    stdin,
    stderr,
    exitOnCtrlC: false,
    patchConsole: options.patchConsole ?? true,
    // Samples arrive once per interval; 20 frames a second is plenty for typing and scrubbing. Each
    // frame is written inside a synchronized-update block (DEC mode 2026) where the terminal supports it,
    // so a redraw never shows half done. (ink's incrementalRendering garbles the alternate screen in 6.8.)
    maxFps: 20,
  });
  const stop = (): void => instance.unmount();
  const signals: NodeJS.Signals[] = ['SIGTERM', 'SIGHUP', 'SIGINT'];
  for (const signal of signals) process.once(signal, stop);
  try {
    await instance.waitUntilExit();
  } finally {
    for (const signal of signals) process.off(signal, stop);
    instance.cleanup();
    if (alternate) stdout.write(LEAVE_ALT_SCREEN);
  }
}
