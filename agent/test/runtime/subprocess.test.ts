import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const AGENT_SRC = path.join(REPO, 'agent/src');
const BUILT = path.join(REPO, 'agent/dist/cli/commands/agent.js');
const FIXTURE = path.join(REPO, 'agent/test/fixtures/v2-containers');

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(full) : statSync(full).mtimeMs);
  }
  return newest;
}

/** The environment of the child without SYSRAY_* and OTEL_* variables of the machine running the tests. */
function cleanEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^(SYSRAY|OTEL)_/.test(key)));
}

beforeAll(() => {
  // The binary runs the compiled CLI; build it when it is missing or older than the sources. tsc -b
  // emits even when another package has type errors, so the check below is what decides.
  if (!existsSync(BUILT) || statSync(BUILT).mtimeMs < newestSource(AGENT_SRC)) {
    spawnSync(process.execPath, [path.join(REPO, 'node_modules/typescript/bin/tsc'), '-b'], {
      cwd: REPO,
      stdio: 'ignore',
    });
  }
  expect(existsSync(BUILT)).toBe(true);
}, 240_000);

describe('sysray agent as a process', () => {
  it('starts, becomes ready, and exits 0 on SIGTERM after logging its shutdown', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sysray-agent-'));
    const configPath = path.join(dir, 'sysray.toml');
    writeFileSync(
      configPath,
      `[agent]\ninterval = "200ms"\nrootfs = ${JSON.stringify(FIXTURE)}\n\n[http]\nlisten = "127.0.0.1:0"\n`,
    );
    const child = spawn(
      process.execPath,
      [path.join(REPO, 'agent/bin/sysray.js'), 'agent', '--config', configPath],
      {
        cwd: REPO,
        env: cleanEnv(),
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.once('exit', (code, signal) => resolve({ code, signal })),
    );
    const lines = (): Record<string, unknown>[] =>
      stdout
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as Record<string, unknown>);

    try {
      const deadline = Date.now() + 20_000;
      let url: string | undefined;
      while (url === undefined) {
        if (Date.now() > deadline || child.exitCode !== null)
          throw new Error(`agent did not start:\n${stdout}\n${stderr}`);
        url = lines().find((line) => line.event === 'start')?.url as string | undefined;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      let ready = 0;
      while (ready !== 200) {
        if (Date.now() > deadline) throw new Error('agent never became ready');
        ready = (await fetch(`${url}/readyz`)).status;
      }
      const metrics = await (await fetch(`${url}/metrics`)).text();
      expect(metrics).toContain('system_cpu_time_seconds_total');
    } finally {
      child.kill('SIGTERM');
    }
    const { code, signal } = await exited;
    expect({ code, signal, stderr }).toEqual({ code: 0, signal: null, stderr: '' });
    const events = lines().map((line) => line.event);
    expect(events.slice(0, 2)).toEqual(['config', 'start']);
    expect(events.slice(-2)).toEqual(['stopping', 'shutdown']);
    expect(lines().at(-1)).toMatchObject({ level: 30, msg: 'sysray agent stopped', reason: 'signal' });
  }, 60_000);

  it('exits 2 listing every error for an invalid configuration', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sysray-agent-'));
    const configPath = path.join(dir, 'bad.toml');
    writeFileSync(configPath, '[agent]\ninterval = "soon"\n[http]\nlisten = "0.0.0.0:9464"\n');
    const result = spawnSync(
      process.execPath,
      [path.join(REPO, 'agent/bin/sysray.js'), 'config', 'check', '--config', configPath],
      {
        cwd: REPO,
        env: cleanEnv(),
        encoding: 'utf8',
      },
    );
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('sysray: invalid configuration (2 errors):');
    expect(result.stderr).toContain(`${configPath}:2: agent.interval: invalid duration "soon"`);
    expect(result.stderr).toContain(
      `${configPath}:4: http.listen: 0.0.0.0:9464 is reachable beyond loopback`,
    );
  });
});
