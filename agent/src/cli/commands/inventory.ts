import type { Command } from 'commander';
import { HostSession } from '../../snapshot/host-session.js';
import type { CliIO } from '../cli-io.js';
import { hostRootsFrom } from '../global-options.js';
import { choiceOption } from '../parse-values.js';
import { buildInventory, renderInventory } from '../render/inventory.js';

const FORMATS = ['text', 'json'] as const;

export function registerInventoryCommand(program: Command, io: CliIO): void {
  program
    .command('inventory')
    .description(
      'what this host is made of: disks with their stack (partitions, LVM/dm, md), interfaces, CPU, memory',
    )
    .option('-f, --format <format>', `output format: ${FORMATS.join(', ')}`, choiceOption(FORMATS), 'text')
    .action(async (flags: { format: (typeof FORMATS)[number] }, cmd: Command) => {
      const session = new HostSession({
        roots: hostRootsFrom(cmd, io),
        sections: ['system', 'cpu', 'memory', 'disks', 'filesystems', 'network'],
      });
      const inventory = buildInventory(await session.refresh());
      io.stdout.write(
        flags.format === 'json'
          ? `${JSON.stringify(inventory, null, 2)}\n`
          : `${renderInventory(inventory).join('\n')}\n`,
      );
    });
}
