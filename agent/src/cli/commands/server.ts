import type { Command } from 'commander';
import type { FlagValues } from '../../config/load.js';
import { parseListen } from '../../config/values.js';
import type { CliIO } from '../cli-io.js';
import { integerOption } from '../parse-values.js';
import {
  configFileOption,
  configLoader,
  rootFlagValues,
  runAgentCommand,
  type ConfigFileFlag,
} from './agent.js';

interface ServerFlags extends ConfigFileFlag {
  readonly port?: number;
  readonly listen?: string;
  readonly interval?: string;
  readonly logLevel?: string;
  readonly logFormat?: string;
}

/** `--port N` alone means 127.0.0.1:N; with `--listen` it replaces that address's port. */
export function serverListen(flags: {
  readonly port?: number;
  readonly listen?: string;
}): string | undefined {
  if (flags.port === undefined) return flags.listen;
  if (flags.listen === undefined) return `127.0.0.1:${flags.port}`;
  const { host } = parseListen(flags.listen);
  return host.includes(':') ? `[${host}]:${flags.port}` : `${host}:${flags.port}`;
}

export function registerServerCommand(program: Command, io: CliIO): void {
  const command = program
    .command('server')
    .description('serve /metrics, /snapshot, /healthz and /readyz locally (the agent without OTLP push)');
  configFileOption(command)
    .option('-p, --port <n>', 'port on 127.0.0.1 (or on the --listen host)', integerOption(0, 65_535))
    .option('--listen <host:port>', 'address to listen on (http.listen, default 127.0.0.1:9464)')
    .option('--interval <duration>', 'collection interval (agent.interval)')
    .option('--log-level <level>', 'trace, debug, info, warn, error, fatal or silent (logging.level)')
    .option('--log-format <format>', 'json or pretty (logging.format)')
    .action(async (flags: ServerFlags, cmd: Command) => {
      let listen: string | undefined;
      try {
        listen = serverListen(flags);
      } catch {
        listen = flags.listen; // the configuration loader reports the malformed address with its flag
      }
      const values: FlagValues = {
        ...rootFlagValues(cmd),
        'http.enabled': true,
        'http.listen': listen,
        'exporters.prometheus.enabled': true,
        'exporters.otlp.enabled': false,
        'agent.interval': flags.interval,
        'logging.level': flags.logLevel,
        'logging.format': flags.logFormat,
      };
      await runAgentCommand(io, configLoader(io, flags.config, values), { otlpAllowed: false });
    });
}
