/* eslint-disable @typescript-eslint/no-explicit-any -- assertions walk parsed YAML */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { parseYamlDocuments, validateObject, type KubeObject } from './k8s-validate.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const CHART = join(REPO, 'helm/sysray');
const TEMPLATES = join(CHART, 'templates');

const values = parseYaml(readFileSync(join(CHART, 'values.yaml'), 'utf8')) as Record<string, any>;
const schema = JSON.parse(readFileSync(join(CHART, 'values.schema.json'), 'utf8')) as object;
const templates = new Map(
  readdirSync(TEMPLATES).map((name) => [name, readFileSync(join(TEMPLATES, name), 'utf8')] as const),
);

function withValues(patch: (v: Record<string, any>) => void): Record<string, any> {
  const copy = structuredClone(values);
  patch(copy);
  return copy;
}

describe('helm/sysray values', () => {
  const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);

  it('the default values.yaml satisfies values.schema.json', () => {
    const ok = validate(values);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it.each([
    ['an unknown key', (v: any) => (v.agent.resoures = {}), 'must NOT have additional properties'],
    [
      'NATS with two replicas (no quorum)',
      (v: any) => (v.nats.replicas = 2),
      'must be equal to one of the allowed values',
    ],
    ['a bare-number interval', (v: any) => (v.agent.interval = 5), 'must be string'],
    [
      'TLS without a Secret',
      (v: any) => (v.gateway.tls.enabled = true),
      'must NOT have fewer than 1 characters',
    ],
    [
      'agents without a gateway or an endpoint',
      (v: any) => (v.gateway.enabled = false),
      'must NOT have fewer than 1 characters',
    ],
  ])('rejects %s', (_what, patch, message) => {
    expect(validate(withValues(patch))).toBe(false);
    expect(validate.errors?.map((e) => e.message)).toContain(message);
  });

  it('accepts a gateway-less install that names an endpoint', () => {
    expect(
      validate(
        withValues((v) => {
          v.gateway.enabled = false;
          v.agent.otlp.endpoint = 'https://otel-collector.monitoring.svc:4317';
        }),
      ),
    ).toBe(true);
  });

  it("versions follow the repository's", () => {
    const chart = parseYaml(readFileSync(join(CHART, 'Chart.yaml'), 'utf8')) as Record<string, string>;
    const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string };
    expect(chart.apiVersion).toBe('v2');
    expect(chart.appVersion).toBe(pkg.version);
    expect(chart.version).toBe(pkg.version);
  });
});

/** Dotted `.Values.a.b` paths a template reads. */
function valuePaths(text: string): string[] {
  return [...text.matchAll(/\.Values((?:\.[A-Za-z_][A-Za-z0-9_]*)+)/g)].map((m) => (m[1] as string).slice(1));
}

function hasPath(object: unknown, path: string): boolean {
  let node: unknown = object;
  for (const part of path.split('.')) {
    if (node === null || typeof node !== 'object' || !(part in (node as object))) return false;
    node = (node as Record<string, unknown>)[part];
  }
  return true;
}

describe('helm/sysray templates (checked without helm)', () => {
  const defined = new Set(
    [...(templates.get('_helpers.tpl') ?? '').matchAll(/define "([^"]+)"/g)].map((m) => m[1] as string),
  );

  it.each([...templates.keys()])('%s reads only values that values.yaml defines', (name) => {
    const missing = valuePaths(templates.get(name) as string).filter((path) => !hasPath(values, path));
    expect(missing).toEqual([]);
  });

  it.each([...templates.keys()])(
    '%s includes only defined helpers, with balanced actions and blocks',
    (name) => {
      const text = templates.get(name) as string;
      const includes = [...text.matchAll(/include "([^"]+)"/g)].map((m) => m[1] as string);
      expect(includes.filter((n) => !defined.has(n))).toEqual([]);
      expect(text.split('{{').length).toBe(text.split('}}').length);
      const actions = [...text.matchAll(/\{\{-?\s*(\/\*|if|range|with|define|end|else)\b/g)].map((m) => m[1]);
      const opened = actions.filter(
        (a) => a === 'if' || a === 'range' || a === 'with' || a === 'define',
      ).length;
      expect(actions.filter((a) => a === 'end').length).toBe(opened);
    },
  );

  it('renders the same objects, env and security settings as deploy/k8s', () => {
    const kinds = (text: string): string[] =>
      [...text.matchAll(/^kind: (\w+)$/gm)].map((m) => m[1] as string);
    const chartKinds = [...templates.values()].flatMap(kinds).sort();
    const plainKinds = readdirSync(join(REPO, 'deploy/k8s'))
      .filter((n) => n.endsWith('.yaml') && n !== 'kustomization.yaml')
      .flatMap((n) => kinds(readFileSync(join(REPO, 'deploy/k8s', n), 'utf8')))
      .filter((kind) => kind !== 'Namespace') // helm installs into the release namespace
      .concat('Secret') // the chart can create the tokens Secret
      .sort();
    expect(chartKinds).toEqual(plainKinds);

    const envNames = (text: string): string[] =>
      [...text.matchAll(/^ {12}- name: ([A-Z0-9_]+)$/gm)].map((m) => m[1] as string);
    const plain = readFileSync(join(REPO, 'deploy/k8s/agent-daemonset.yaml'), 'utf8');
    const chart = templates.get('agent-daemonset.yaml') as string;
    expect(envNames(chart)).toEqual(envNames(plain));
    expect(envNames(chart)).toContain('K8S_NODE_NAME');
    for (const line of [
      'hostPID: true',
      'hostNetwork: true',
      "add: ['SYS_PTRACE', 'DAC_READ_SEARCH']",
      'readOnlyRootFilesystem: true',
      'allowPrivilegeEscalation: false',
      'mountPropagation: HostToContainer',
    ]) {
      expect(chart, line).toContain(line);
      expect(plain, line).toContain(line);
    }
  });
});

const hasHelm = spawnSync('helm', ['version', '--short'], { encoding: 'utf8' }).status === 0;
if (!hasHelm) {
  console.log(
    'helm is not on PATH (no npm or Debian package provides it): `helm lint` and `helm template` are skipped; the chart is checked structurally above',
  );
}

describe.skipIf(!hasHelm)('helm lint and helm template', () => {
  function render(args: string[]): KubeObject[] {
    const result = spawnSync('helm', ['template', 'sysray', CHART, '--namespace', 'sysray', ...args], {
      encoding: 'utf8',
    });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    return parseYamlDocuments(result.stdout, 'helm template');
  }

  it('lints clean', () => {
    const result = spawnSync('helm', ['lint', '--strict', CHART], { encoding: 'utf8' });
    expect(result.stdout).toContain('0 chart(s) failed');
    expect(result.status).toBe(0);
  });

  it.each([
    ['defaults', []],
    [
      'NATS cluster and TLS',
      [
        '--set',
        'nats.replicas=3',
        '--set',
        'gateway.tls.enabled=true',
        '--set',
        'gateway.tls.secretName=gw-tls',
      ],
    ],
    [
      'agents only, to an external collector',
      [
        '--set',
        'gateway.enabled=false',
        '--set',
        'nats.enabled=false',
        '--set',
        'agent.otlp.endpoint=https://otel:4317',
      ],
    ],
  ])('renders valid Kubernetes objects: %s', (_name, args) => {
    const objects = render(args as string[]);
    expect(objects.length).toBeGreaterThan(0);
    for (const object of objects) validateObject(object);
    const daemonSet = objects.find((o) => o.kind === 'DaemonSet') as any;
    expect(daemonSet.spec.template.spec.hostPID).toBe(true);
  });

  it('refuses values the schema rejects', () => {
    const result = spawnSync('helm', ['template', 'x', CHART, '--set', 'nats.replicas=2'], {
      encoding: 'utf8',
    });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('replicas');
  });
});
