import { describe, expect, it } from 'vitest';
import type { CliIO } from '../../src/cli/cli-io.js';
import { main } from '../../src/cli/main.js';
import { fixtureRoot } from './helpers.js';

async function run(args: readonly string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIO = {
    stdout: { write: (text: string) => (out += text), isTTY: false, columns: 120 },
    stderr: { write: (text: string) => (err += text) },
    env: {},
    interrupted: new Promise(() => {}),
  };
  return { code: await main(args, io), out, err };
}

describe('sysray tui (the default command)', () => {
  it('is listed as the default and documents its options', async () => {
    const help = await run(['--help']);
    expect(help.out).toMatch(/tui \[options\]\s+the interactive terminal UI/);
    const tui = await run(['tui', '--help']);
    expect(tui.code).toBe(0);
    for (const flag of ['--interval', '--limit', '--theme']) expect(tui.out).toContain(flag);
  });

  it('runs with no command, and with only global options, and refuses without a terminal', async () => {
    // vitest's stdin is not a terminal: reaching the TUI shows as this error, not as help or usage.
    const bare = await run([]);
    expect(bare.code).toBe(1);
    expect(bare.err).toMatch(/the TUI needs a terminal/);
    const rooted = await run(['--rootfs', fixtureRoot('v2-containers')]);
    expect(rooted.err).toMatch(/the TUI needs a terminal/);
  });

  it('rejects a bad theme or interval as a usage error', async () => {
    expect((await run(['tui', '--theme', 'neon'])).code).toBe(2);
    expect((await run(['tui', '--interval', '10ms'])).code).toBe(2);
  });
});
