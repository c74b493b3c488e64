import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSnapshot } from '@sysray/proto';
import { waitFor } from '../helpers/ports.js';

const cli = fileURLToPath(new URL('../../agent/bin/sysray.js', import.meta.url));
const built = fileURLToPath(new URL('../../agent/dist/tui/run.js', import.meta.url));
const fixture = fileURLToPath(new URL('../../agent/test/fixtures/v2-containers', import.meta.url));
const hasTmux = spawnSync('tmux', ['-V']).status === 0;

/**
 * The real TUI in a real terminal: tmux runs `sysray --rootfs <fixture>` in a 120×40 pane (its own
 * server socket, so a developer's tmux is untouched); keys go in with send-keys and the screen comes
 * back with capture-pane. Needs the build (`npx tsc -b`) and Debian's tmux.
 */
describe.runIf(process.platform === 'linux' && hasTmux)('the TUI under tmux', () => {
  const socket = `sysray-tui-test-${process.pid}`;
  const session = 'tui';
  let dir: string;

  const tmux = (...args: string[]): string =>
    execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });
  const screen = (): string => tmux('capture-pane', '-p', '-t', session);
  const keys = (...k: string[]): void => void tmux('send-keys', '-t', session, ...k);
  const typed = (text: string): void => void tmux('send-keys', '-t', session, '-l', text);
  const showing = (what: string | RegExp, timeoutMs = 10_000) =>
    waitFor(
      `the screen to show ${String(what)}`,
      () => {
        const text = screen();
        return (typeof what === 'string' ? text.includes(what) : what.test(text)) ? text : false;
      },
      timeoutMs,
    );
  const alive = (): boolean => spawnSync('tmux', ['-L', socket, 'has-session', '-t', session]).status === 0;

  beforeAll(() => {
    if (!existsSync(built)) throw new Error(`${built} is missing: run \`npx tsc -b\` before this test`);
    dir = mkdtempSync(path.join(tmpdir(), 'sysray-tmux-'));
    tmux(
      'new-session',
      '-d',
      '-s',
      session,
      '-x',
      '120',
      '-y',
      '40',
      '-c',
      dir,
      `exec ${JSON.stringify(process.execPath)} ${JSON.stringify(cli)} --rootfs ${JSON.stringify(fixture)}`,
    );
  });

  afterAll(() => {
    spawnSync('tmux', ['-L', socket, 'kill-server']);
    rmSync(dir, { recursive: true, force: true });
  });

  it('starts on the Overview tab', async () => {
    const text = await showing('Top processes');
    expect(text).toContain('1 Overview');
    expect(text).toContain('k8s-node-1');
    expect(text).toContain('Ubuntu 24.04.1 LTS');
    expect(text).toContain('LIVE');
  });

  it('switches tab with a digit', async () => {
    keys('2');
    const text = await showing('Cores');
    expect(text).toContain('8 logical CPUs');
  });

  it('filters the processes with / and Enter', async () => {
    keys('6');
    await showing('redis-server');
    keys('/');
    typed('java');
    keys('Enter');
    const text = await showing('filter "java"');
    expect(text).toContain('java -Xmx512m -jar /app/app.jar');
    expect(text).not.toContain('redis-server');
  });

  it('scrubs back through history with ←', async () => {
    // Two samples exist once the first rate window has passed.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    keys('Left');
    await showing(/PAUSED ◀ \d+ samples? back/);
    keys('End');
    await showing('LIVE');
  });

  it('saves the shown Snapshot with S', async () => {
    keys('S');
    const text = await showing('saved ');
    const files = await waitFor('the snapshot file', () => {
      const found = readdirSync(dir).filter((f) => /^sysray-snapshot-\d{8}T\d{6}Z(?:-\d+)?\.json$/.test(f));
      return found.length > 0 ? found : false;
    });
    expect(text).toContain(files[0]);
    const saved = parseSnapshot(JSON.parse(readFileSync(path.join(dir, files[0]!), 'utf8')));
    expect(saved.host.name).toBe('k8s-node-1');
  });

  it('quits on q: the program exits and the pane closes', async () => {
    keys('q');
    await waitFor('the tmux session to end', () => !alive(), 10_000);
  });
});
