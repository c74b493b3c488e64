import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { inClusterEndpoint } from '../../src/k8s/api-client.js';
import {
  createPodResolver,
  type PodResolver,
  type PodResolverOptions,
  type PodResolverStatus,
} from '../../src/k8s/pod-resolver.js';
import { FakeKubeApi, makePod, waitFor } from './fake-kube-api.js';

const UID_A = '8f0c2f0e-3c1b-4c59-9a51-0e6b1c1f2a3b';
const UID_B = '1b9d6bcd-bbfd-4b2d-9b5d-ab8dfbbd4bed';
const UID_C = 'c0a80a01-0000-4000-8000-000000000003';
const UID_OTHER_NODE = '00000000-0000-4000-8000-0000000000ff';
const ID_A = 'a'.repeat(64);
const ID_A2 = 'b'.repeat(64);

function webPod(overrides: { labels?: Record<string, string> } = {}) {
  return makePod({
    uid: UID_A,
    name: 'web-7d9f8b6c5d-x2x4z',
    namespace: 'shop',
    node: 'k8s-node-1',
    labels: { app: 'web', 'pod-template-hash': '7d9f8b6c5d', ...overrides.labels },
    owner: { kind: 'ReplicaSet', name: 'web-7d9f8b6c5d' },
    containers: { nginx: ID_A, 'log-shipper': ID_A2 },
  });
}

describe('inClusterEndpoint', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'sysray-sa-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('finds the API server from KUBERNETES_SERVICE_HOST/PORT and the mounted token and CA', () => {
    writeFileSync(join(dir, 'token'), 'abc');
    writeFileSync(join(dir, 'ca.crt'), 'pem');
    expect(
      inClusterEndpoint({ KUBERNETES_SERVICE_HOST: '10.96.0.1', KUBERNETES_SERVICE_PORT: '443' }, dir),
    ).toEqual({
      server: 'https://10.96.0.1:443',
      tokenFile: join(dir, 'token'),
      caFile: join(dir, 'ca.crt'),
    });
    expect(
      inClusterEndpoint({ KUBERNETES_SERVICE_HOST: 'fd00::1', KUBERNETES_SERVICE_PORT: '6443' }, dir),
    ).toMatchObject({
      server: 'https://[fd00::1]:6443',
    });
  });

  it('is not in a cluster without the variables or without a token', () => {
    expect(inClusterEndpoint({}, dir)).toEqual({
      reason: 'not in a Kubernetes cluster (KUBERNETES_SERVICE_HOST is not set)',
    });
    const noToken = inClusterEndpoint(
      { KUBERNETES_SERVICE_HOST: '10.96.0.1', KUBERNETES_SERVICE_PORT: '443' },
      dir,
    );
    expect('reason' in noToken && noToken.reason).toContain('no service-account token');
  });
});

describe('createPodResolver outside a cluster', () => {
  it('is disabled and resolves nothing', async () => {
    const statuses: PodResolverStatus[] = [];
    const resolver = createPodResolver({ env: {}, onStatus: (s) => statuses.push(s) });
    resolver.start();
    await resolver.synced();
    expect(resolver.enabled).toBe(false);
    expect(resolver.disabledReason).toContain('KUBERNETES_SERVICE_HOST');
    expect(resolver.resolvePod(UID_A)).toBeUndefined();
    expect(resolver.attributes({ podUid: UID_A, containerId: ID_A })).toEqual({});
    expect(statuses).toEqual([{ type: 'disabled', reason: resolver.disabledReason }]);
    await resolver.close();
  });

  it('is disabled in a cluster without a node name rather than watching every pod', () => {
    const resolver = createPodResolver({ env: {}, api: { server: 'http://127.0.0.1:1', token: 'x' } });
    expect(resolver.enabled).toBe(false);
    expect(resolver.disabledReason).toContain('K8S_NODE_NAME');
  });

  it('is off when configured off', () => {
    expect(createPodResolver({ api: false, env: { K8S_NODE_NAME: 'n' } }).enabled).toBe(false);
  });
});

describe('createPodResolver against the list/watch protocol', () => {
  let api: FakeKubeApi;
  let server: string;
  let resolver: PodResolver | undefined;
  let statuses: PodResolverStatus[];
  let dir: string;

  beforeEach(async () => {
    api = new FakeKubeApi();
    server = await api.start();
    statuses = [];
    dir = mkdtempSync(join(tmpdir(), 'sysray-k8s-'));
  });
  afterEach(async () => {
    await resolver?.close();
    resolver = undefined;
    await api.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  function start(options: Partial<PodResolverOptions> = {}): PodResolver {
    resolver = createPodResolver({
      api: { server, token: api.token },
      env: { K8S_NODE_NAME: 'k8s-node-1' },
      onStatus: (status) => statuses.push(status),
      retryInitialMs: 20,
      retryMaxMs: 100,
      watchTimeoutSeconds: 60,
      ...options,
    });
    resolver.start();
    return resolver;
  }

  it("lists only this node's pods, from the watch cache, and names them", async () => {
    api.add(webPod());
    api.add(makePod({ uid: UID_OTHER_NODE, name: 'elsewhere', node: 'k8s-node-2' }));
    const r = start();
    await r.synced();
    expect(r.enabled).toBe(true);
    expect(r.nodeName).toBe('k8s-node-1');
    expect(r.pods().map((p) => p.uid)).toEqual([UID_A]);
    expect(r.resolvePod(UID_OTHER_NODE)).toBeUndefined();
    expect(api.listRequests()[0]?.query).toEqual({
      fieldSelector: 'spec.nodeName=k8s-node-1',
      resourceVersion: '0',
    });
    expect(api.listRequests()[0]?.authorization).toBe('Bearer token-1');
    expect(statuses[0]).toEqual({ type: 'synced', pods: 1, resourceVersion: '102', relist: false });
    expect(r.attributes({ podUid: UID_A, containerId: ID_A2 })).toEqual({
      'k8s.pod.uid': UID_A,
      'k8s.pod.name': 'web-7d9f8b6c5d-x2x4z',
      'k8s.namespace.name': 'shop',
      'k8s.replicaset.name': 'web-7d9f8b6c5d',
      'k8s.deployment.name': 'web',
      'k8s.container.name': 'log-shipper',
      'k8s.pod.label.app': 'web',
    });
    expect(r.resolveContainer(ID_A)).toMatchObject({ containerName: 'nginx', pod: { uid: UID_A } });
  });

  it('follows adds, updates and deletes from the watch, from the listed resourceVersion', async () => {
    const r = start();
    await r.synced();
    await waitFor(() => api.openWatches === 1, 'the watch');
    const watch = api.watchRequests()[0]?.query;
    expect(watch).toMatchObject({
      fieldSelector: 'spec.nodeName=k8s-node-1',
      resourceVersion: '100',
      allowWatchBookmarks: 'true',
      timeoutSeconds: '60',
    });
    expect(watch?.watch === '1' || watch?.watch === 'true').toBe(true);

    api.add(webPod());
    await waitFor(() => r.resolvePod(UID_A) !== undefined, 'ADDED');
    expect(r.resolvePod(UID_A)?.name).toBe('web-7d9f8b6c5d-x2x4z');

    api.modify(webPod({ labels: { app: 'web', tier: 'frontend' } }));
    await waitFor(() => r.resolvePod(UID_A)?.labels.tier === 'frontend', 'MODIFIED');
    expect(r.attributes({ podUid: UID_A })['k8s.pod.label.tier']).toBe('frontend');

    api.add(
      makePod({
        uid: UID_B,
        name: 'node-exporter-abcde',
        namespace: 'monitoring',
        node: 'k8s-node-1',
        owner: { kind: 'DaemonSet', name: 'node-exporter' },
      }),
    );
    await waitFor(() => r.resolvePod(UID_B) !== undefined, 'second ADDED');
    expect(r.attributes({ podUid: UID_B })['k8s.daemonset.name']).toBe('node-exporter');

    api.remove(UID_A);
    await waitFor(() => r.resolvePod(UID_A) === undefined, 'DELETED');
    expect(r.resolveContainer(ID_A)).toBeUndefined();
    expect(r.pods().map((p) => p.uid)).toEqual([UID_B]);
    // Only the first list: everything after came from the watch.
    expect(api.listRequests()).toHaveLength(1);
  });

  it('watches again from the last resourceVersion (a BOOKMARK included) when the server ends the watch', async () => {
    const r = start();
    await r.synced();
    await waitFor(() => api.openWatches === 1, 'the watch');
    api.add(webPod());
    await waitFor(() => r.resolvePod(UID_A) !== undefined, 'ADDED');
    api.bookmark();
    const bookmarked = api.resourceVersion;
    await new Promise((resolve) => setTimeout(resolve, 50));
    api.endWatches();
    await waitFor(() => api.watchRequests().length === 2 && api.openWatches === 1, 'the second watch');
    expect(api.watchRequests()[1]?.query.resourceVersion).toBe(bookmarked);
    expect(api.listRequests()).toHaveLength(1);
    expect(r.resolvePod(UID_A)).toBeDefined();
  });

  it('relists after a 410 ERROR event, dropping pods deleted while it was not told', async () => {
    api.add(webPod());
    const r = start();
    await r.synced();
    await waitFor(() => api.openWatches === 1, 'the watch');
    api.silently(() => {
      api.remove(UID_A);
      api.add(
        makePod({ uid: UID_C, name: 'batch-x', node: 'k8s-node-1', owner: { kind: 'Job', name: 'batch' } }),
      );
    });
    api.compact();
    await waitFor(() => r.resolvePod(UID_C) !== undefined, 'the relist');
    expect(r.resolvePod(UID_A)).toBeUndefined();
    expect(r.attributes({ podUid: UID_C })['k8s.job.name']).toBe('batch');
    expect(statuses.map((s) => s.type)).toEqual(['synced', 'expired', 'synced']);
    expect(statuses[2]).toMatchObject({ type: 'synced', relist: true, pods: 1 });
    // The relist is a consistent read: no resourceVersion=0.
    expect(api.listRequests()[1]?.query).toEqual({ fieldSelector: 'spec.nodeName=k8s-node-1' });
    await waitFor(() => api.openWatches === 1, 'the watch after the relist');
  });

  it('relists after a watch answered 410 Gone as its HTTP status', async () => {
    api.goneAs = 'status';
    api.add(webPod());
    const r = start();
    await r.synced();
    await waitFor(() => api.openWatches === 1, 'the watch');
    api.silently(() => api.remove(UID_A));
    api.silently(() => api.compact());
    api.endWatches(); // the client watches again from its old resourceVersion, which is now too old
    await waitFor(() => api.listRequests().length === 2, 'the relist');
    await waitFor(() => r.resolvePod(UID_A) === undefined, 'the relisted state');
    expect(statuses.filter((s) => s.type === 'expired')).toHaveLength(1);
  });

  it('retries with backoff when the list is refused, keeping the status code, and recovers', async () => {
    api.failListWith = 403;
    api.add(webPod());
    const r = start();
    await waitFor(() => statuses.filter((s) => s.type === 'error').length >= 2, 'two failures');
    const errors = statuses.filter(
      (s): s is Extract<PodResolverStatus, { type: 'error' }> => s.type === 'error',
    );
    expect(errors[0]?.statusCode).toBe(403);
    expect(errors[0]?.message).toContain('cannot list resource "pods"');
    expect(errors[0]?.message).toContain(server);
    // Doubling with ±20 % jitter from 20 ms.
    expect(errors[0]?.retryInMs).toBeGreaterThanOrEqual(16);
    expect(errors[0]?.retryInMs).toBeLessThanOrEqual(24);
    expect(errors[1]?.retryInMs).toBeGreaterThanOrEqual(32);
    expect(errors[1]?.retryInMs).toBeLessThanOrEqual(48);
    api.failListWith = null;
    await r.synced();
    expect(r.resolvePod(UID_A)?.name).toBe('web-7d9f8b6c5d-x2x4z');
  });

  it('backs off when watches end at once instead of hammering the API server', async () => {
    api.closeWatchesAtOnce = true;
    const r = start({ retryInitialMs: 50, retryMaxMs: 100 });
    await r.synced();
    await new Promise((resolve) => setTimeout(resolve, 400));
    // Without a backoff this is hundreds of requests; with 50, 100, 100, … ms pauses about five.
    const watches = api.watchRequests().length;
    expect(watches).toBeGreaterThanOrEqual(2);
    expect(watches).toBeLessThanOrEqual(8);
    expect(statuses.some((s) => s.type === 'error')).toBe(false);
  });

  it('reads the token file again for every request (rotated service-account tokens)', async () => {
    const tokenFile = join(dir, 'token');
    writeFileSync(tokenFile, 'token-1\n');
    const r = start({ api: { server, tokenFile } });
    await r.synced();
    await waitFor(() => api.openWatches === 1, 'the watch');
    api.token = 'token-2';
    writeFileSync(tokenFile, 'token-2\n');
    api.endWatches();
    await waitFor(
      () => api.watchRequests().length === 2 && api.openWatches === 1,
      'the watch with the new token',
    );
    expect(api.watchRequests()[1]?.authorization).toBe('Bearer token-2');
    expect(statuses.some((s) => s.type === 'error')).toBe(false);
  });

  it('keeps answering from the last state after close, and stops watching', async () => {
    api.add(webPod());
    const r = start();
    await r.synced();
    await waitFor(() => api.openWatches === 1, 'the watch');
    await r.close();
    expect(statuses.at(-1)).toEqual({ type: 'closed' });
    await waitFor(() => api.openWatches === 0, 'the watch to close');
    expect(r.resolvePod(UID_A)?.namespace).toBe('shop');
    const requests = api.requests.length;
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(api.requests.length).toBe(requests);
  });
});
