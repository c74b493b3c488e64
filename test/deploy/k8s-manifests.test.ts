/* eslint-disable @typescript-eslint/no-explicit-any -- assertions walk parsed YAML */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { loadConfig } from '../../agent/src/config/load.js';
import { loadGatewayConfigFile } from '../../gateway/src/config-file.js';
import { resolveGatewayConfig, type GatewayConfig } from '../../gateway/src/config.js';
import { byKindName, parseYamlDocuments, validateObject, type KubeObject } from './k8s-validate.js';

const K8S_DIR = fileURLToPath(new URL('../../deploy/k8s/', import.meta.url));

const manifestFiles = readdirSync(K8S_DIR)
  .filter((name) => name.endsWith('.yaml') && name !== 'kustomization.yaml')
  .sort();
const objects: KubeObject[] = manifestFiles.flatMap((name) =>
  parseYamlDocuments(readFileSync(join(K8S_DIR, name), 'utf8'), name),
);
const byName = byKindName(objects);

/** A gateway configuration file's text as the gateway reads and validates it. */
function gatewayConfigFrom(text: string): GatewayConfig {
  const dir = mkdtempSync(join(tmpdir(), 'sysray-gw-'));
  try {
    writeFileSync(join(dir, 'gateway.toml'), text);
    return resolveGatewayConfig(loadGatewayConfigFile(join(dir, 'gateway.toml')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function get<T = Record<string, any>>(key: string): T {
  const object = byName.get(key);
  if (object === undefined) throw new Error(`no ${key} in deploy/k8s`);
  return object as unknown as T;
}

describe('deploy/k8s', () => {
  it('has the objects of the deployment', () => {
    expect([...byName.keys()].sort()).toEqual([
      'ClusterRole/sysray-agent',
      'ClusterRoleBinding/sysray-agent',
      'ConfigMap/sysray-agent',
      'ConfigMap/sysray-gateway',
      'ConfigMap/sysray-nats',
      'DaemonSet/sysray-agent',
      'Deployment/sysray-gateway',
      'Namespace/sysray',
      'NetworkPolicy/sysray-agent-egress',
      'NetworkPolicy/sysray-default-deny-ingress',
      'NetworkPolicy/sysray-gateway',
      'NetworkPolicy/sysray-nats',
      'PersistentVolumeClaim/sysray-gateway-data',
      'Service/sysray-gateway',
      'Service/sysray-nats',
      'Service/sysray-nats-headless',
      'ServiceAccount/sysray-agent',
      'ServiceAccount/sysray-gateway',
      'StatefulSet/sysray-nats',
    ]);
  });

  it.each(objects.map((o) => [`${o.kind}/${o.metadata.name}`, o] as const))(
    '%s validates against the Kubernetes schema',
    (_name, object) => {
      expect(() => validateObject(object)).not.toThrow();
    },
  );

  it('the schema check catches a broken object (so passing means something)', () => {
    const daemonSet = structuredClone(get('DaemonSet/sysray-agent'));
    daemonSet.spec.template.spec.containers[0].resources.limits.memory = { amount: 192 };
    expect(() => validateObject(daemonSet as KubeObject)).toThrow(/DaemonSet sysray-agent: .*memory/);
    const noSelector = structuredClone(get('Deployment/sysray-gateway'));
    delete noSelector.spec.selector;
    expect(() => validateObject(noSelector as KubeObject)).toThrow(/selector/);
  });

  it('kustomization.yaml lists every manifest', () => {
    const kustomization = parseYaml(readFileSync(join(K8S_DIR, 'kustomization.yaml'), 'utf8')) as {
      namespace: string;
      resources: string[];
    };
    expect(kustomization.namespace).toBe('sysray');
    expect([...kustomization.resources].sort()).toEqual(manifestFiles);
  });

  const hasKubectl = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).status === 0;
  if (!hasKubectl) console.log('kubectl is not installed: `kubectl kustomize deploy/k8s` is not rendered');
  it.skipIf(!hasKubectl)(
    'renders with `kubectl kustomize` into valid objects in the sysray namespace',
    () => {
      const result = spawnSync('kubectl', ['kustomize', K8S_DIR], { encoding: 'utf8' });
      expect(result.stderr).toBe('');
      const rendered = parseYamlDocuments(result.stdout, 'kubectl kustomize');
      expect(rendered).toHaveLength(objects.length);
      const cluster = new Set(['Namespace', 'ClusterRole', 'ClusterRoleBinding']);
      for (const object of rendered) {
        validateObject(object);
        expect(object.metadata.labels?.['app.kubernetes.io/part-of'], object.metadata.name).toBe('sysray');
        if (!cluster.has(object.kind)) expect(object.metadata.namespace, object.metadata.name).toBe('sysray');
      }
    },
  );
});

describe('the agent DaemonSet', () => {
  const daemonSet = get('DaemonSet/sysray-agent');
  const pod = daemonSet.spec.template.spec;
  const container = pod.containers[0];
  const env = new Map<string, any>(container.env.map((e: any) => [e.name, e]));

  it('shares the host PID and network namespaces and tolerates every taint', () => {
    expect(pod.hostPID).toBe(true);
    expect(pod.hostNetwork).toBe(true);
    expect(pod.dnsPolicy).toBe('ClusterFirstWithHostNet');
    expect(pod.tolerations).toEqual([{ operator: 'Exists' }]);
    expect(pod.serviceAccountName).toBe('sysray-agent');
  });

  it('mounts the host read-only and points the roots at it', () => {
    const mounts = new Map<string, any>(container.volumeMounts.map((m: any) => [m.name, m]));
    const volumes = new Map<string, any>(pod.volumes.map((v: any) => [v.name, v]));
    for (const [name, hostPath, mountPath] of [
      ['host-root', '/', '/host'],
      ['host-proc', '/proc', '/host/proc'],
      ['host-sys', '/sys', '/host/sys'],
    ]) {
      expect(volumes.get(name)?.hostPath?.path, name).toBe(hostPath);
      expect(mounts.get(name), name).toMatchObject({ mountPath, readOnly: true });
    }
    expect(env.get('SYSRAY_ROOTFS')?.value).toBe('/host');
    expect(env.get('SYSRAY_PROC_ROOT')?.value).toBe('/host/proc');
    expect(env.get('SYSRAY_SYS_ROOT')?.value).toBe('/host/sys');
  });

  it('sets the downward-API variables that resource.ts and the pod resolver read', () => {
    expect(env.get('K8S_NODE_NAME')?.valueFrom.fieldRef.fieldPath).toBe('spec.nodeName');
    expect(env.get('K8S_POD_NAME')?.valueFrom.fieldRef.fieldPath).toBe('metadata.name');
    expect(env.get('K8S_POD_UID')?.valueFrom.fieldRef.fieldPath).toBe('metadata.uid');
    expect(env.get('K8S_NAMESPACE')?.valueFrom.fieldRef.fieldPath).toBe('metadata.namespace');
    expect(env.get('K8S_CONTAINER_NAME')?.value).toBe('agent');
  });

  it('runs with least privilege: root with SYS_PTRACE and DAC_READ_SEARCH only, read-only root', () => {
    expect(container.securityContext).toEqual({
      runAsUser: 0,
      runAsGroup: 0,
      privileged: false,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'], add: ['SYS_PTRACE', 'DAC_READ_SEARCH'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(container.resources).toEqual({
      requests: { cpu: '20m', memory: '96Mi' },
      limits: { cpu: '200m', memory: '192Mi' },
    });
  });

  it('is probed on /healthz and /readyz at the loopback address it listens on', () => {
    expect(container.livenessProbe.httpGet).toEqual({ host: '127.0.0.1', path: '/healthz', port: 9464 });
    expect(container.readinessProbe.httpGet).toEqual({ host: '127.0.0.1', path: '/readyz', port: 9464 });
  });

  it("ships a sysray.toml the agent accepts with the DaemonSet's environment", () => {
    const toml = get('ConfigMap/sysray-agent').data['sysray.toml'] as string;
    const dir = mkdtempSync(join(tmpdir(), 'sysray-cm-'));
    try {
      const file = join(dir, 'sysray.toml');
      writeFileSync(file, toml);
      const podEnv: Record<string, string> = { SYSRAY_INGEST_TOKEN: 's3cret' };
      for (const [name, entry] of env) {
        // The kubelet expands $(VAR) references to variables defined before (dependent environment variables).
        if (typeof entry.value === 'string')
          podEnv[name] = entry.value.replace(/\$\(([A-Z_]+)\)/g, (_: string, v: string) => podEnv[v] ?? '');
      }
      const { config } = loadConfig({ configPath: file, env: podEnv });
      expect(config.agent.rootfs).toBe('/host');
      expect(config.agent.procRoot).toBe('/host/proc');
      expect(config.http.listen).toBe('127.0.0.1:9464');
      expect(config.exporters.otlp).toMatchObject({
        enabled: true,
        endpoint: 'http://sysray-gateway.sysray.svc:4317',
        insecure: true,
        headers: { authorization: 'Bearer s3cret' },
      });
      // The probes reach the address the configuration listens on.
      const port = Number(config.http.listen.split(':')[1]);
      expect(container.livenessProbe.httpGet.port).toBe(port);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('is allowed to get, list and watch pods, and nothing else', () => {
    expect(get('ClusterRole/sysray-agent').rules).toEqual([
      { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] },
    ]);
    expect(get('ClusterRoleBinding/sysray-agent').subjects).toEqual([
      { kind: 'ServiceAccount', name: 'sysray-agent', namespace: 'sysray' },
    ]);
  });
});

describe('the gateway and NATS', () => {
  it('runs one non-root gateway on a persistent volume behind a Service for 8080, 4317, 4318', () => {
    const deployment = get('Deployment/sysray-gateway');
    const pod = deployment.spec.template.spec;
    expect(deployment.spec.replicas).toBe(1);
    expect(deployment.spec.strategy.type).toBe('Recreate');
    expect(pod.securityContext.runAsNonRoot).toBe(true);
    expect(pod.containers[0].securityContext.readOnlyRootFilesystem).toBe(true);
    expect(pod.containers[0].args).toEqual([
      'gateway',
      '--config',
      '/etc/sysray/gateway.toml',
      '--data-dir',
      '/var/lib/sysray',
    ]);
    const data = pod.volumes.find((v: any) => v.name === 'data');
    expect(data.persistentVolumeClaim.claimName).toBe('sysray-gateway-data');
    expect(get('Service/sysray-gateway').spec.ports.map((p: any) => p.port)).toEqual([8080, 4317, 4318]);
  });

  it('gives NATS JetStream storage on a volume claim', () => {
    const nats = get('StatefulSet/sysray-nats');
    expect(nats.spec.serviceName).toBe('sysray-nats-headless');
    expect(nats.spec.volumeClaimTemplates[0].metadata.name).toBe('data');
    const conf = get('ConfigMap/sysray-nats').data['nats.conf'] as string;
    expect(conf).toMatch(/jetstream \{\n\s+store_dir: \/data\/jetstream/);
  });

  it('ships a gateway.toml template the gateway accepts once the init container filled in the tokens', () => {
    const template = get('ConfigMap/sysray-gateway').data['gateway.toml.in'] as string;
    const init = get('Deployment/sysray-gateway').spec.template.spec.initContainers[0];
    // The init container's own sed expressions, applied as the shell would with these tokens.
    const script = init.command[2] as string;
    const rendered = template
      .replace('@INGEST_TOKEN@', 'ingest-0123456789abcdef')
      .replace('@API_TOKEN@', 'api-0123456789abcdef');
    expect(script).toContain('s|@INGEST_TOKEN@|$INGEST_TOKEN|');
    expect(script).toContain('s|@API_TOKEN@|$API_TOKEN|');
    expect(script).toContain('/etc/sysray-template/gateway.toml.in > /etc/sysray/gateway.toml');
    const config = gatewayConfigFrom(rendered);
    expect(config.listen.otlpGrpc).toEqual({ host: '0.0.0.0', port: 4317 });
    expect(config.auth.ingestTokens).toEqual(['ingest-0123456789abcdef']);
    expect(config.nats?.servers).toEqual(['nats://sysray-nats.sysray.svc:4222']);
    expect(config.nats?.stream).toBe('SYSRAY_METRICS');
    // The same file without tokens is refused: the placeholders must be filled in.
    const withoutTokens = template
      .split('\n')
      .filter((line) => !/^(ingest|api)_tokens/.test(line))
      .join('\n');
    expect(() => gatewayConfigFrom(withoutTokens)).toThrow(/auth\.apiTokens is empty/);
  });

  it('lets agents reach only the gateway, NATS, DNS and the API server', () => {
    const egress = get('NetworkPolicy/sysray-agent-egress').spec.egress as any[];
    const ports = egress.map((rule) => rule.ports.map((p: any) => p.port).join(','));
    expect(ports).toEqual(['4317,4318', '4222', '53,53', '443,6443']);
    const gateway = get('NetworkPolicy/sysray-gateway').spec.ingress as any[];
    expect(gateway.flatMap((rule) => rule.ports.map((p: any) => p.port))).toEqual([4317, 4318, 8080]);
  });
});
