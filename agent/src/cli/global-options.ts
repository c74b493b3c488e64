import type { Command } from 'commander';
import { resolveHostRoots } from '../platform/host-roots.js';
import type { HostRoots } from '../platform/host-roots.js';
import type { CliIO } from './cli-io.js';

export interface GlobalOptions {
  readonly procRoot?: string;
  readonly sysRoot?: string;
  readonly rootfs?: string;
}

export function addGlobalOptions(program: Command): Command {
  return program
    .option('--proc-root <path>', 'where the host proc filesystem is mounted (env SYSRAY_PROC_ROOT)')
    .option('--sys-root <path>', 'where the host sysfs is mounted (env SYSRAY_SYS_ROOT)')
    .option(
      '--rootfs <path>',
      "where the host's / is mounted, e.g. /host in a container (env SYSRAY_ROOTFS)",
    );
}

export function hostRootsFrom(command: Command, io: CliIO): HostRoots {
  const options = command.optsWithGlobals<GlobalOptions>();
  return resolveHostRoots({ proc: options.procRoot, sys: options.sysRoot, rootfs: options.rootfs }, io.env);
}
