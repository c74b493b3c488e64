import type { Command } from 'commander';
import type { GatewayConfigInput } from '@sysray/gateway';
import { CliError, type CliIO } from '../cli-io.js';
import { loadGatewayModule, type GatewayModule } from './gateway-module.js';

export interface GatewayFlags {
  readonly config?: string;
  readonly dataDir?: string;
  readonly listen?: string;
  readonly otlpGrpc?: string;
  readonly otlpHttp?: string;
  readonly nats?: string;
}

/** `host:port` → a listen address; a bare port binds loopback. */
export function parseListen(text: string, flag: string): { host: string; port: number } {
  const match = /^(?:\[?([^\]]*?)\]?:)?(\d{1,5})$/.exec(text.trim());
  const port = Number(match?.[2]);
  if (!match || !(port >= 0 && port <= 65535)) {
    throw new CliError(`${flag}: expected host:port or a port, got ${JSON.stringify(text)}`, 2);
  }
  return { host: match[1] || '127.0.0.1', port };
}

/** The gateway configuration: the file (`--config`, `SYSRAY_GATEWAY_CONFIG`), then flags on top. */
export function gatewayConfigInput(
  gateway: GatewayModule,
  flags: GatewayFlags,
  io: CliIO,
): GatewayConfigInput {
  const path = flags.config ?? io.env.SYSRAY_GATEWAY_CONFIG;
  const fromFile: GatewayConfigInput = path === undefined ? {} : gateway.loadGatewayConfigFile(path);
  const listen = { ...fromFile.listen };
  if (flags.listen !== undefined) listen.api = parseListen(flags.listen, '--listen');
  if (flags.otlpGrpc !== undefined) listen.otlpGrpc = parseListen(flags.otlpGrpc, '--otlp-grpc');
  if (flags.otlpHttp !== undefined) listen.otlpHttp = parseListen(flags.otlpHttp, '--otlp-http');
  return {
    ...fromFile,
    listen,
    ...(flags.dataDir === undefined ? {} : { dataDir: flags.dataDir }),
    ...(flags.nats === undefined ? {} : { nats: { ...fromFile.nats, servers: flags.nats.split(',') } }),
  };
}

export function gatewayOptions(command: Command): Command {
  return command
    .option('-c, --config <file>', 'gateway configuration file, TOML (env SYSRAY_GATEWAY_CONFIG)')
    .option('--data-dir <dir>', 'directory of the embedded store (default ./sysray-data)')
    .option('--listen <host:port>', 'REST API, live stream and dashboard (default 127.0.0.1:8080)')
    .option('--otlp-grpc <host:port>', 'OTLP/gRPC ingest (default 127.0.0.1:4317)')
    .option('--otlp-http <host:port>', 'OTLP/HTTP ingest (default 127.0.0.1:4318)')
    .option('--nats <servers>', 'consume agents from NATS JetStream, comma-separated nats:// URLs');
}

/** Turns a configuration error into the one-line usage error the CLI prints. */
export function asConfigError(gateway: GatewayModule, error: unknown): unknown {
  if (error instanceof gateway.GatewayConfigError) return new CliError(error.message, 2);
  return error;
}

export function registerGatewayCommand(program: Command, io: CliIO): void {
  gatewayOptions(
    program
      .command('gateway')
      .description('run the fleet gateway: OTLP and NATS ingest, fleet state, store, API and dashboard'),
  ).action(async (flags: GatewayFlags) => {
    const gateway = await loadGatewayModule();
    let handles;
    try {
      handles = await gateway.startGateway(gatewayConfigInput(gateway, flags, io));
    } catch (error) {
      throw asConfigError(gateway, error);
    }
    await io.interrupted;
    await handles.close();
  });
}
