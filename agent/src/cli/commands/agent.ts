import type { Command } from 'commander';
import type { FlagValues, LoadedConfig } from '../../config/load.js';
import { loadConfig } from '../../config/load.js';
import { AgentStartError, runAgent } from '../../runtime/run.js';
import type { CliIO } from '../cli-io.js';
import { CliError } from '../cli-io.js';
import type { GlobalOptions } from '../global-options.js';

/** `--config` on every command that reads the configuration file. */
export interface ConfigFileFlag {
  readonly config?: string;
}

interface AgentFlags extends ConfigFileFlag {
  readonly interval?: string;
  readonly collectorTimeout?: string;
  readonly collectors?: string;
  readonly processLimit?: string;
  readonly listen?: string;
  readonly prometheus?: boolean;
  readonly otlp?: boolean;
  readonly otlpEndpoint?: string;
  readonly logLevel?: string;
  readonly logFormat?: string;
}

export function configFileOption(command: Command): Command {
  return command.option(
    '-c, --config <file>',
    'configuration file (env SYSRAY_CONFIG; default /etc/sysray/sysray.toml, which may be absent)',
  );
}

/** The global host-root flags as configuration values (`--proc-root` → `agent.proc_root`). */
export function rootFlagValues(command: Command): FlagValues {
  const globals = command.optsWithGlobals<GlobalOptions>();
  return {
    'agent.proc_root': globals.procRoot,
    'agent.sys_root': globals.sysRoot,
    'agent.rootfs': globals.rootfs,
  };
}

/** Loads the configuration for a command: its `--config`, the environment, and the given flag values. */
export function configLoader(
  io: CliIO,
  configPath: string | undefined,
  flags: FlagValues,
): () => LoadedConfig {
  return () => loadConfig({ configPath, env: io.env, flags });
}

/** Runs the agent for `agent` and `server`, turning start failures into CLI errors with their exit code. */
export async function runAgentCommand(
  io: CliIO,
  load: () => LoadedConfig,
  runtime: Parameters<typeof runAgent>[0]['runtime'] = {},
): Promise<void> {
  try {
    await runAgent({ load, sink: io.stdout, env: io.env, stop: io.interrupted, runtime });
  } catch (error) {
    if (error instanceof AgentStartError) throw new CliError(error.message, error.exitCode);
    throw error;
  }
}

export function registerAgentCommand(program: Command, io: CliIO): void {
  const command = program
    .command('agent')
    .description(
      'run the long-lived agent: collect on a schedule, serve /metrics /snapshot /healthz /readyz, push OTLP; SIGHUP reloads the configuration',
    );
  configFileOption(command)
    .option('--interval <duration>', 'default collection interval (agent.interval)')
    .option('--collector-timeout <duration>', 'longest one collector may run (agent.collector_timeout)')
    .option('--collectors <list>', 'comma-separated collectors to run (agent.collectors)')
    .option('--process-limit <n>', 'processes kept in detail (collectors.processes.limit)')
    .option('--listen <host:port>', 'HTTP endpoint address (http.listen)')
    .option('--prometheus', 'serve Prometheus text on /metrics (exporters.prometheus.enabled)')
    .option('--no-prometheus', 'do not serve /metrics')
    .option('--otlp', 'push metrics over OTLP/gRPC (exporters.otlp.enabled)')
    .option('--no-otlp', 'do not push OTLP')
    .option('--otlp-endpoint <url>', 'OTLP/gRPC endpoint (exporters.otlp.endpoint)')
    .option('--log-level <level>', 'trace, debug, info, warn, error, fatal or silent (logging.level)')
    .option('--log-format <format>', 'json or pretty (logging.format)')
    .action(async (flags: AgentFlags, cmd: Command) => {
      const values: FlagValues = {
        ...rootFlagValues(cmd),
        'agent.interval': flags.interval,
        'agent.collector_timeout': flags.collectorTimeout,
        'agent.collectors': flags.collectors,
        'collectors.processes.limit': flags.processLimit,
        'http.listen': flags.listen,
        'exporters.prometheus.enabled': flags.prometheus,
        'exporters.otlp.enabled': flags.otlp,
        'exporters.otlp.endpoint': flags.otlpEndpoint,
        'logging.level': flags.logLevel,
        'logging.format': flags.logFormat,
      };
      await runAgentCommand(io, configLoader(io, flags.config, values));
    });
}
