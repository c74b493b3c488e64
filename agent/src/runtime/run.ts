import type { LoadedConfig } from '../config/load.js';
import { ConfigError } from '../config/load.js';
import { describeError } from '../snapshot/run-collector.js';
import { AGENT_VERSION } from '../version.js';
import { AgentRuntime, type AgentRuntimeOptions } from './agent-runtime.js';
import { createLogger, type LogSink } from './logger.js';

/** A configuration or start failure, with the exit code the CLI returns (2: configuration, 1: runtime). */
export class AgentStartError extends Error {
  override readonly name = 'AgentStartError';
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

/** Where the process's signals come from; `process` in the agent, an EventEmitter in tests. */
export interface SignalSource {
  on(signal: 'SIGHUP', listener: () => void): unknown;
  off(signal: 'SIGHUP', listener: () => void): unknown;
}

/** SIGHUP reloads the configuration (systemd's `ExecReload=kill -HUP $MAINPID`). Returns the remover. */
export function installReloadSignal(runtime: AgentRuntime, signals: SignalSource = process): () => void {
  const onHangup = (): void => {
    void runtime.reload();
  };
  signals.on('SIGHUP', onHangup);
  return () => {
    signals.off('SIGHUP', onHangup);
  };
}

export interface RunAgentOptions {
  /** Loads (and reloads) the configuration; throws ConfigError. */
  readonly load: () => LoadedConfig;
  /** Log lines go here (stdout in the agent). */
  readonly sink: LogSink;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Resolves when the agent should stop (SIGINT, SIGTERM). */
  readonly stop: Promise<void>;
  readonly signals?: SignalSource;
  /** Runtime options beyond the configuration (`sysray server` turns OTLP off). */
  readonly runtime?: Omit<AgentRuntimeOptions, 'loaded' | 'reloadConfig' | 'logger' | 'env'>;
  /** Called once the runtime is up (tests read its URL). */
  readonly onStarted?: (runtime: AgentRuntime) => void;
}

/**
 * Runs the agent until `stop` resolves: load the configuration, start, reload on SIGHUP, then stop
 * (scheduler, exporter flush, endpoint) and resolve. Throws AgentStartError when the configuration is
 * invalid or the agent cannot start.
 */
export async function runAgent(options: RunAgentOptions): Promise<void> {
  let loaded: LoadedConfig;
  try {
    loaded = options.load();
  } catch (error) {
    if (error instanceof ConfigError) throw new AgentStartError(error.message, 2);
    throw error;
  }
  const logger = createLogger({
    level: loaded.config.logging.level,
    format: loaded.config.logging.format,
    sink: options.sink,
    base: { version: AGENT_VERSION },
  });
  const runtime = new AgentRuntime({
    ...options.runtime,
    loaded,
    reloadConfig: options.load,
    logger,
    env: options.env,
  });
  try {
    await runtime.start();
  } catch (error) {
    const message = describeError(error);
    logger.fatal({ event: 'start_failed', error: message }, `sysray agent failed to start: ${message}`);
    throw new AgentStartError(message, 1);
  }
  const removeSignal = installReloadSignal(runtime, options.signals);
  try {
    options.onStarted?.(runtime);
    await options.stop;
  } finally {
    removeSignal();
    await runtime.stop('signal');
  }
}
