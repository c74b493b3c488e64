import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const FIXTURE = join(REPO, 'agent/test/fixtures/v2-containers');
const VERSION = (JSON.parse(readFileSync(join(REPO, 'agent/package.json'), 'utf8')) as { version: string })
  .version;

function build(out: string, ...args: string[]): void {
  const result = spawnSync(
    process.execPath,
    [join(REPO, 'scripts/build-release.mjs'), '--out', out, ...args],
    {
      encoding: 'utf8',
    },
  );
  if (result.status !== 0) throw new Error(`build-release failed: ${result.stderr}`);
}

function run(command: string, args: string[]) {
  return spawnSync(command, args, {
    encoding: 'utf8',
    cwd: tmpdir(),
    env: { ...process.env, NODE_OPTIONS: '' },
  });
}

/** `<hash>  <name>` lines of a SHA256SUMS file, checked against the files beside it. */
function checkSums(dir: string): string[] {
  const lines = readFileSync(join(dir, 'SHA256SUMS'), 'utf8').trim().split('\n');
  return lines.map((line) => {
    const [hash, name] = line.split(/ {2}/) as [string, string];
    expect(
      createHash('sha256')
        .update(readFileSync(join(dir, name)))
        .digest('hex'),
      name,
    ).toBe(hash);
    return name;
  });
}

function expectFixtureSnapshot(stdout: string): void {
  const snapshot = JSON.parse(stdout) as {
    host: { name: string };
    sections: Record<string, { status: string; data?: { hostname?: string; logicalCpus?: number } }>;
  };
  expect(snapshot.host.name).toBe('k8s-node-1');
  expect(snapshot.sections.system?.status).toBe('ok');
  expect(snapshot.sections.system?.data?.hostname).toBe('k8s-node-1');
  expect(snapshot.sections.cgroups?.status).toBe('ok');
}

describe('npm run build:release: the bundle', () => {
  const out = mkdtempSync(join(tmpdir(), 'sysray-release-'));
  beforeAll(() => build(out, '--no-sea'), 120_000);
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('is wired as the root build:release script', () => {
    const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    expect(pkg.scripts['build:release']).toBe('node scripts/build-release.mjs');
  });

  it('is one ES module that runs the CLI with plain node, with the version fixed at build time', () => {
    const result = run(process.execPath, [join(out, 'sysray.mjs'), '--version']);
    expect(result.stderr).toBe('');
    expect(result.stdout.trim()).toBe(VERSION);
  });

  it('takes a snapshot of a fixture host', () => {
    const result = run(process.execPath, [join(out, 'sysray.mjs'), 'snapshot', '--rootfs', FIXTURE]);
    expect(result.status).toBe(0);
    expectFixtureSnapshot(result.stdout);
  });

  it('leaves the gateway out and says where it is', () => {
    const result = run(process.execPath, [join(out, 'sysray.mjs'), 'gateway']);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('the gateway is not part of this installation');
  });

  it('writes SHA256SUMS for what it built', () => {
    expect(checkSums(out)).toEqual(['sysray.mjs']);
  });
});

// Building the executable copies the Node binary (~100 MB) and takes 10-20 s; SYSRAY_SKIP_SEA=1 skips it.
const seaCapable =
  process.platform === 'linux' && process.arch === 'x64' && process.env.SYSRAY_SKIP_SEA !== '1';
if (!seaCapable) console.log('single-executable build skipped (linux-x64 only; or SYSRAY_SKIP_SEA=1)');

describe.skipIf(!seaCapable)('npm run build:release: the single executable', () => {
  const out = mkdtempSync(join(tmpdir(), 'sysray-sea-'));
  const stage = mkdtempSync(join(tmpdir(), 'sysray-sea-stage-'));
  beforeAll(() => build(out), 240_000);
  afterAll(() => {
    rmSync(out, { recursive: true, force: true });
    rmSync(stage, { recursive: true, force: true });
  });

  it('./sysray --version', () => {
    const result = run(join(out, 'sysray'), ['--version']);
    expect(result.stderr).toBe('');
    expect(result.stdout.trim()).toBe(VERSION);
  });

  it('./sysray snapshot --rootfs <fixture>', () => {
    const result = run(join(out, 'sysray'), ['snapshot', '--rootfs', FIXTURE]);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expectFixtureSnapshot(result.stdout);
  });

  it('is checksummed and installs with scripts/install.sh (staged)', () => {
    expect(checkSums(out).sort()).toEqual(['sysray', 'sysray.mjs']);
    const result = spawnSync('sh', [join(REPO, 'scripts/install.sh'), '--from', out], {
      encoding: 'utf8',
      env: { ...process.env, DESTDIR: stage, PREFIX: '/usr/local' },
    });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('checksum ok');
    // The staged executable generates its own unit: ExecStart is the executable itself, not node + script.
    expect(result.stdout).toContain(`ExecStart=${stage}/usr/local/bin/sysray agent\n`);
  });
});
