import type { Command } from 'commander';
import { runAgent } from '../../runtime/run.js';
import type { CliIO } from '../cli-io.js';
import { configLoader, rootFlagValues } from './agent.js';
import { asConfigError, gatewayConfigInput, gatewayOptions, type GatewayFlags } from './gateway.js';
import { loadGatewayModule } from './gateway-module.js';

interface UpFlags extends GatewayFlags {
  readonly interval: string;
}

/**
 * `sysray up` (what `npm start` runs): the gateway on its embedded store and a local agent pushing to it
 * over OTLP/gRPC on loopback. No NATS, nothing installed beyond the npm packages. Ctrl-C stops the
 * agent first (its last export flushed), then the gateway.
 */
export function registerUpCommand(program: Command, io: CliIO): void {
  gatewayOptions(
    program.command('up').description('run a local gateway and a local agent feeding it (Ctrl-C stops both)'),
  )
    .option('-i, --interval <duration>', 'collection and export interval of the local agent', '5s')
    .action(async (flags: UpFlags, cmd: Command) => {
      const gateway = await loadGatewayModule();
      let handles;
      try {
        handles = await gateway.startGateway(gatewayConfigInput(gateway, flags, io), {
          logger: { level: 'warn' },
        });
      } catch (error) {
        throw asConfigError(gateway, error);
      }
      try {
        io.stdout.write(
          [
            'sysray is up',
            `  API         ${handles.api.url}/api/v1/hosts  (OpenAPI: ${handles.api.url}/api/v1/openapi.json)`,
            `  OTLP        gRPC ${handles.otlpGrpc.url}, HTTP ${handles.otlpHttp.url}/v1/metrics`,
            `  data        ${handles.config.dataDir}`,
            'Ctrl-C to stop.',
            '',
          ].join('\n'),
        );
        const endpoint = `http://${handles.otlpGrpc.host === '::' || handles.otlpGrpc.host === '0.0.0.0' ? '127.0.0.1' : handles.otlpGrpc.host}:${handles.otlpGrpc.port}`;
        await runAgent({
          load: configLoader(io, undefined, {
            ...rootFlagValues(cmd),
            'agent.interval': flags.interval,
            'exporters.otlp.enabled': true,
            'exporters.otlp.endpoint': endpoint,
            'exporters.otlp.interval': flags.interval,
            // The gateway serves the fleet view; the local agent needs no endpoint of its own.
            'http.enabled': false,
            'logging.level': 'warn',
          }),
          sink: io.stderr,
          env: io.env,
          stop: io.interrupted,
        });
      } finally {
        await handles.close();
      }
    });
}
