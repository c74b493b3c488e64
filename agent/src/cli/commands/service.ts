import { isAbsolute, resolve } from 'node:path';
import type { Command } from 'commander';
import {
  currentExec,
  installService,
  planService,
  realServiceHost,
  serviceStatus,
  ServiceError,
  uninstallService,
  type ServiceHost,
  type ServicePlan,
} from '../../service/install.js';
import type { CliIO } from '../cli-io.js';
import { CliError } from '../cli-io.js';

interface ServiceFlags {
  readonly gateway?: boolean;
  readonly user?: boolean;
  readonly config?: string;
  readonly dryRun?: boolean;
}

export interface ServiceCommandDeps {
  /** The machine to act on; the real one by default (tests inject a recording host). */
  readonly host?: (io: CliIO) => ServiceHost;
  /** The command that runs sysray, for ExecStart; this process's own by default. */
  readonly exec?: () => string[];
}

function plan(flags: ServiceFlags, host: ServiceHost, exec: readonly string[]): ServicePlan {
  const configPath =
    flags.config === undefined ? undefined : isAbsolute(flags.config) ? flags.config : resolve(flags.config);
  return planService(
    {
      role: flags.gateway === true ? 'gateway' : 'agent',
      scope: flags.user === true ? 'user' : 'system',
      exec,
      ...(configPath === undefined ? {} : { configPath }),
    },
    host,
  );
}

function asCliError(error: unknown): unknown {
  return error instanceof ServiceError ? new CliError(error.message, error.exitCode) : error;
}

function addFlags(command: Command, dryRun: boolean): Command {
  command
    .option('--gateway', 'the gateway service (sysray-gateway) instead of the agent (sysray-agent)')
    .option(
      '--user',
      "the calling user's service manager (systemd --user, ~/Library/LaunchAgents); no root needed",
    );
  if (dryRun) command.option('--dry-run', 'print what would be written and run, change nothing');
  return command;
}

export function registerServiceCommand(program: Command, io: CliIO, deps: ServiceCommandDeps = {}): void {
  const hostOf = deps.host ?? ((cliIo: CliIO) => realServiceHost(cliIo.env));
  const execOf = deps.exec ?? currentExec;
  const print = (lines: readonly string[]): void => {
    for (const line of lines) io.stdout.write(`${line}\n`);
  };
  const service = program
    .command('service')
    .description(
      'run sysray as a service: a hardened systemd unit on Linux (system or --user), a launchd job on macOS',
    );

  addFlags(service.command('install').description('write the service definition, enable and start it'), true)
    .option(
      '-c, --config <file>',
      'configuration file the service reads (default: /etc/sysray/sysray.toml if present)',
    )
    .action((flags: ServiceFlags) => {
      try {
        const host = hostOf(io);
        print(installService(plan(flags, host, execOf()), host, flags.dryRun === true));
      } catch (error) {
        throw asCliError(error);
      }
    });

  addFlags(
    service.command('uninstall').description('stop and disable the service and remove its definition'),
    true,
  ).action((flags: ServiceFlags) => {
    try {
      const host = hostOf(io);
      print(uninstallService(plan(flags, host, execOf()), host, flags.dryRun === true));
    } catch (error) {
      throw asCliError(error);
    }
  });

  addFlags(
    service
      .command('status')
      .description('whether the service is installed and running (exit 0 running, 3 not)'),
    false,
  ).action((flags: ServiceFlags) => {
    let status;
    try {
      const host = hostOf(io);
      status = serviceStatus(plan(flags, host, execOf()), host);
    } catch (error) {
      throw asCliError(error);
    }
    print(status.lines);
    // 3 as systemctl is-active and LSB init scripts answer for "not running".
    if (!status.running)
      throw new CliError(`${status.installed ? 'installed but not running' : 'not installed'}`, 3);
  });
  for (const command of service.commands) command.exitOverride();
}
