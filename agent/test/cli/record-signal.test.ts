import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { readRecording } from '../../src/record/reader.js';
import { tempDir } from '../record/helpers.js';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const AGENT_SRC = path.join(REPO, 'agent/src');
const BUILT = path.join(REPO, 'agent/dist/cli/commands/record.js');
const FIXTURE = path.join(REPO, 'agent/test/fixtures/v2-containers');

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(full) : statSync(full).mtimeMs);
  }
  return newest;
}

beforeAll(() => {
  // The binary runs the compiled CLI: build it when it is missing or older than the sources.
  if (!existsSync(BUILT) || statSync(BUILT).mtimeMs < newestSource(AGENT_SRC)) {
    spawnSync(process.execPath, [path.join(REPO, 'node_modules/typescript/bin/tsc'), '-b'], {
      cwd: REPO,
      stdio: 'ignore',
    });
  }
  expect(existsSync(BUILT)).toBe(true);
}, 240_000);

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe.each(['SIGTERM', 'SIGINT'] as const)('sysray record as a process, stopped by %s', (signal) => {
  it('closes and compresses the active segment, then exits 0', async () => {
    const dir = tempDir();
    const child = spawn(
      process.execPath,
      [path.join(REPO, 'agent/bin/sysray.js'), '--rootfs', FIXTURE, 'record', '-o', dir, '-i', '100ms'],
      { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    // Recording: a plain active segment with at least three complete lines.
    await waitFor(() => {
      const plain = readdirSync(dir).find((name) => name.endsWith('.jsonl'));
      return plain !== undefined && readFileSync(path.join(dir, plain), 'utf8').split('\n').length > 3;
    }, 20_000);
    child.kill(signal);
    expect(await exited, stderr).toBe(0);
    const files = readdirSync(dir);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^sysray-\d{8}T\d{6}Z\.jsonl\.gz$/);
    let count = 0;
    for await (const recorded of readRecording(dir)) {
      expect(recorded.snapshot.host.name).toBe('k8s-node-1');
      count += 1;
    }
    expect(count).toBeGreaterThanOrEqual(3);
  }, 60_000);
});
