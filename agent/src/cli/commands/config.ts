import type { Command } from 'commander';
import { ConfigError, loadConfig } from '../../config/load.js';
import { printConfig } from '../../config/print.js';
import type { CliIO } from '../cli-io.js';
import { CliError } from '../cli-io.js';
import { configFileOption, rootFlagValues, type ConfigFileFlag } from './agent.js';

/** Exit code of `config check` for an invalid configuration (a usage error, like bad flags). */
export const CONFIG_INVALID_EXIT_CODE = 2;

function load(io: CliIO, flags: ConfigFileFlag, cmd: Command): ReturnType<typeof loadConfig> {
  try {
    return loadConfig({ configPath: flags.config, env: io.env, flags: rootFlagValues(cmd) });
  } catch (error) {
    if (error instanceof ConfigError) throw new CliError(error.message, CONFIG_INVALID_EXIT_CODE);
    throw error;
  }
}

export function registerConfigCommand(program: Command, io: CliIO): void {
  const config = program.command('config').description('check or print the agent configuration');
  // main.ts overrides exits on direct subcommands only; these nested ones report errors the same way.
  config.exitOverride();
  configFileOption(
    config
      .command('check')
      .description('validate the configuration (file and SYSRAY_* environment); exit 2 listing every error'),
  ).action((flags: ConfigFileFlag, cmd: Command) => {
    const loaded = load(io, flags, cmd);
    const set = loaded.origins.size;
    io.stdout.write(
      `configuration ok: ${loaded.file ?? 'no file (defaults)'}; ${set} ${set === 1 ? 'key' : 'keys'} set, the rest default\n`,
    );
  });
  configFileOption(
    config
      .command('print')
      .exitOverride()
      .description(
        'print the effective configuration as TOML (file, environment and defaults merged; secrets masked)',
      ),
  ).action((flags: ConfigFileFlag, cmd: Command) => {
    io.stdout.write(printConfig(load(io, flags, cmd)));
  });
}
