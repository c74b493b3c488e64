/* eslint-disable @typescript-eslint/no-explicit-any -- assertions walk parsed YAML */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { loadConfig } from '../../agent/src/config/load.js';
import { loadGatewayConfigFile } from '../../gateway/src/config-file.js';
import { resolveGatewayConfig } from '../../gateway/src/config.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const DOCKER = join(REPO, 'deploy/docker');

/**
 * No Docker engine runs where the tests do (the docker client alone cannot build), so the Dockerfiles and
 * the compose file are checked structurally: every COPY source exists in the build context and is not
 * excluded by its .dockerignore, every stage referenced is defined earlier, every compose build names an
 * existing Dockerfile, and the agents' environment is a configuration the agent accepts.
 */

const hasEngine = spawnSync('docker', ['info'], { encoding: 'utf8', timeout: 10_000 }).status === 0;
if (!hasEngine)
  console.log('no Docker engine here: the images and the compose file are checked structurally only');

interface Instruction {
  readonly keyword: string;
  readonly args: string;
  readonly line: number;
}

/** Dockerfile instructions, continuation lines joined, comments and parser directives dropped. */
function instructions(text: string): Instruction[] {
  const result: Instruction[] = [];
  let pending = '';
  let start = 0;
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (pending === '' && (line === '' || line.startsWith('#'))) return;
    if (pending === '') start = index + 1;
    if (line.startsWith('#')) return; // a comment inside a continued instruction
    pending += `${line.replace(/\\$/, '')} `;
    if (!line.endsWith('\\')) {
      const [keyword = '', ...rest] = pending.trim().split(/\s+/);
      result.push({ keyword: keyword.toUpperCase(), args: rest.join(' '), line: start });
      pending = '';
    }
  });
  return result;
}

/** `.dockerignore` patterns as regular expressions on context-relative paths (`**`, `*`). */
function ignoreMatchers(text: string): RegExp[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((pattern) => {
      const body = pattern
        .replace(/[.+^${}()|[\]]/g, '\\$&')
        .replace(/\*\*\//g, '(?:.*/)?')
        .replace(/\*\*/g, '.*')
        .replace(/\*/g, '[^/]*');
      return new RegExp(`^${body}(?:/.*)?$`);
    });
}

for (const name of ['agent.Dockerfile', 'gateway.Dockerfile']) {
  describe(`deploy/docker/${name}`, () => {
    const text = readFileSync(join(DOCKER, name), 'utf8');
    const steps = instructions(text);
    const ignored = ignoreMatchers(readFileSync(join(DOCKER, `${name}.dockerignore`), 'utf8'));

    it('declares the BuildKit syntax and builds in stages from node:20', () => {
      expect(text.split('\n')[0]).toBe('# syntax=docker/dockerfile:1');
      const froms = steps.filter((s) => s.keyword === 'FROM').map((s) => s.args);
      expect(froms[0]).toBe('node:20-bookworm AS build');
      expect(froms.at(-1)).toBe('node:20-bookworm-slim AS runtime');
      expect(steps.some((s) => s.keyword === 'RUN' && s.args.includes('npm ci'))).toBe(true);
      expect(steps.some((s) => s.keyword === 'RUN' && s.args.includes('npx tsc -b'))).toBe(true);
    });

    it('copies only what exists in the context and is not ignored, from stages defined before', () => {
      const stages: string[] = [];
      const problems: string[] = [];
      for (const step of steps) {
        if (step.keyword === 'FROM') {
          const as = /\sAS\s+(\S+)$/i.exec(step.args);
          if (as) stages.push(as[1] as string);
          continue;
        }
        if (step.keyword !== 'COPY') continue;
        const words = step.args.split(/\s+/);
        const from = words.find((w) => w.startsWith('--from='))?.slice('--from='.length);
        const paths = words.filter((w) => !w.startsWith('--'));
        const sources = paths.slice(0, -1);
        if (from !== undefined) {
          if (!stages.includes(from)) problems.push(`line ${step.line}: stage ${from} is not defined before`);
          continue;
        }
        for (const source of sources) {
          const path = source.replace(/\/$/, '');
          if (!existsSync(join(REPO, path)))
            problems.push(`line ${step.line}: ${source} is not in the repository`);
          else if (ignored.some((re) => re.test(path)))
            problems.push(`line ${step.line}: ${source} is .dockerignored`);
        }
      }
      expect(problems).toEqual([]);
      expect(stages.length).toBeGreaterThanOrEqual(2);
    });

    it('gives `npm ci` every workspace manifest the lockfile names', () => {
      const workspaces = (
        JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { workspaces: string[] }
      ).workspaces;
      const beforeCi = steps.slice(
        0,
        steps.findIndex((s) => s.keyword === 'RUN' && s.args.includes('npm ci')),
      );
      const copied = beforeCi.filter((s) => s.keyword === 'COPY').map((s) => s.args.split(/\s+/)[0]);
      expect(copied).toEqual(['package.json', ...workspaces.map((w) => `${w}/package.json`)]);
    });

    it('runs only scripts that exist, with an exec-form entrypoint', () => {
      for (const step of steps.filter((s) => s.keyword === 'RUN')) {
        for (const script of step.args.match(/scripts\/[\w.-]+/g) ?? []) {
          expect(existsSync(join(REPO, script)), script).toBe(true);
        }
      }
      const entrypoint = steps.find((s) => s.keyword === 'ENTRYPOINT');
      expect(Array.isArray(JSON.parse(entrypoint?.args ?? 'null'))).toBe(true);
    });
  });
}

describe('the runtime users', () => {
  const user = (name: string): string | undefined =>
    instructions(readFileSync(join(DOCKER, name), 'utf8'))
      .filter((s) => s.keyword === 'USER')
      .at(-1)?.args;

  it('runs the gateway as a fixed unprivileged uid (the Deployment runAsUser) and the agent as root', () => {
    expect(user('gateway.Dockerfile')).toBe('10001:10001');
    expect(user('agent.Dockerfile')).toBe('0:0');
    // The agent's dropped capabilities are documented where root is chosen.
    expect(readFileSync(join(DOCKER, 'agent.Dockerfile'), 'utf8')).toContain(
      '--cap-drop=ALL --cap-add=SYS_PTRACE --cap-add=DAC_READ_SEARCH',
    );
  });
});

describe('deploy/docker/compose.yaml', () => {
  const compose = parseYaml(readFileSync(join(DOCKER, 'compose.yaml'), 'utf8'), { merge: true }) as {
    services: Record<string, any>;
    volumes: Record<string, unknown>;
  };
  const services = compose.services;

  it('runs a gateway, NATS and three agents', () => {
    expect(Object.keys(services).sort()).toEqual(['agent-1', 'agent-2', 'agent-3', 'gateway', 'nats']);
  });

  it('builds from Dockerfiles that exist, and depends only on defined services and volumes', () => {
    for (const [name, service] of Object.entries(services)) {
      if (service.build !== undefined) {
        const context = join(DOCKER, service.build.context);
        expect(statSync(context).isDirectory(), name).toBe(true);
        expect(existsSync(join(context, service.build.dockerfile)), name).toBe(true);
      }
      for (const dependency of Object.keys(service.depends_on ?? {}))
        expect(services).toHaveProperty(dependency);
      for (const volume of service.volumes ?? []) {
        const [source] = (volume as string).split(':');
        if (source?.startsWith('./'))
          expect(existsSync(join(DOCKER, source)), `${name}: ${source}`).toBe(true);
        else if (!source?.startsWith('/'))
          expect(compose.volumes, `${name}: ${source}`).toHaveProperty(source as string);
      }
    }
  });

  it('mounts the host read-only into least-privileged agents that report as three hosts', () => {
    const ids = new Set<string>();
    for (const name of ['agent-1', 'agent-2', 'agent-3']) {
      const agent = services[name];
      expect(agent.volumes).toEqual(['/:/host:ro,rslave']);
      expect(agent.read_only).toBe(true);
      expect(agent.cap_drop).toEqual(['ALL']);
      expect(agent.cap_add).toEqual(['SYS_PTRACE', 'DAC_READ_SEARCH']);
      expect(agent.pid).toBe('host');
      ids.add(/host\.id=([\w-]+)/.exec(agent.environment.OTEL_RESOURCE_ATTRIBUTES)?.[1] ?? '');
    }
    expect(ids).toEqual(new Set(['demo-agent-1', 'demo-agent-2', 'demo-agent-3']));
  });

  it("gives the agents an environment the agent's configuration accepts", () => {
    const env: Record<string, string> = {};
    for (const [key, value] of Object.entries(services['agent-1'].environment as Record<string, string>)) {
      // Compose interpolation with its default, as `docker compose` would do without the variable set.
      env[key] = value.replace(/\$\{(\w+):-([^}]*)\}/g, (_, _name: string, fallback: string) => fallback);
    }
    const { config } = loadConfig({ env, defaultPath: join(DOCKER, 'no-such-file.toml') });
    expect(config.agent.rootfs).toBe('/host');
    expect(config.exporters.otlp).toMatchObject({
      enabled: true,
      endpoint: 'http://gateway:4317',
      insecure: true,
      headers: { authorization: 'Bearer demo-ingest-token' },
    });
  });

  it('gives the gateway a configuration it accepts, with the ingest token the agents send', () => {
    const config = resolveGatewayConfig(loadGatewayConfigFile(join(DOCKER, 'gateway.toml')));
    expect(config.listen.api).toEqual({ host: '0.0.0.0', port: 8080 });
    expect(config.nats?.servers).toEqual(['nats://nats:4222']);
    const header = services['agent-1'].environment.SYSRAY_EXPORTERS_OTLP_HEADERS as string;
    expect(config.auth.ingestTokens.map((token) => `authorization=Bearer%20${token}`)).toEqual([header]);
    expect(services.gateway.command).toEqual([
      'gateway',
      '--config',
      '/etc/sysray/gateway.toml',
      '--data-dir',
      config.dataDir,
    ]);
  });
});
