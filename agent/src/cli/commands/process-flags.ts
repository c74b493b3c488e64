import type { Command } from 'commander';
import type { ProcessSortKey } from '@sysray/proto';
import type { CollectorsConfig } from '../../collectors/config.js';
import { DEFAULT_COLLECTORS_CONFIG } from '../../collectors/config.js';
import { choiceOption, integerOption } from '../parse-values.js';

/** `mem` is what people type; the model says `memory`. */
const SORT_WORDS = ['cpu', 'mem', 'memory', 'io', 'pid', 'name'] as const;

export interface ProcessFlags {
  readonly sort?: (typeof SORT_WORDS)[number];
  readonly limit?: number;
}

export function processSortFlag(command: Command, defaultLimit?: number): Command {
  command.option(
    '-s, --sort <key>',
    'order processes by cpu, mem, io, pid or name',
    choiceOption(SORT_WORDS),
    'cpu',
  );
  if (defaultLimit === undefined) {
    command.option('-n, --limit <n>', 'processes kept in detail', integerOption(1, 100_000));
  } else {
    command.option('-n, --limit <n>', 'processes shown', integerOption(1, 100_000), defaultLimit);
  }
  return command;
}

export function sortKeyFrom(flags: ProcessFlags): ProcessSortKey {
  return flags.sort === 'mem' ? 'memory' : (flags.sort ?? 'cpu');
}

export function collectorsConfigFromProcessOptions(flags: ProcessFlags): CollectorsConfig {
  return {
    ...DEFAULT_COLLECTORS_CONFIG,
    processes: {
      ...DEFAULT_COLLECTORS_CONFIG.processes,
      sortBy: sortKeyFrom(flags),
      limit: flags.limit ?? DEFAULT_COLLECTORS_CONFIG.processes.limit,
    },
  };
}
