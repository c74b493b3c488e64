import { CoreV1Api, KubeConfig, ListWatch, Watch, type V1Pod } from '@kubernetes/client-node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeKubeApi, makePod, waitFor } from './fake-kube-api.js';

/**
 * The fake API server is checked against the official client: @kubernetes/client-node's own informer
 * (ListWatch + Watch, a test-only dependency) must see the same adds, updates, deletes and 410 relists
 * through it as the agent's resolver does. If the fake drifted from the real protocol, this would fail.
 */
describe('FakeKubeApi speaks the protocol @kubernetes/client-node expects', () => {
  let api: FakeKubeApi;
  let informer: ListWatch<V1Pod> | undefined;

  beforeEach(() => {
    api = new FakeKubeApi();
  });
  afterEach(async () => {
    await informer?.stop();
    await api.stop();
  });

  it('serves list, watch events and a 410 relist to the official informer', async () => {
    const server = await api.start();
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: 'fake', server, skipTLSVerify: true }],
      users: [{ name: 'agent', token: api.token }],
      contexts: [{ name: 'fake', cluster: 'fake', user: 'agent' }],
      currentContext: 'fake',
    });
    const core = kc.makeApiClient(CoreV1Api);
    const selector = 'spec.nodeName=k8s-node-1';
    api.add(makePod({ uid: 'u-1', name: 'one', node: 'k8s-node-1' }));
    api.add(makePod({ uid: 'u-9', name: 'elsewhere', node: 'k8s-node-2' }));
    const seen: string[] = [];
    informer = new ListWatch<V1Pod>(
      '/api/v1/pods',
      new Watch(kc),
      () => core.listPodForAllNamespaces({ fieldSelector: selector }),
      false,
      undefined,
      selector,
    );
    informer.on('add', (pod) => seen.push(`add ${pod.metadata?.name}`));
    informer.on('update', (pod) => seen.push(`update ${pod.metadata?.name}`));
    informer.on('delete', (pod) => seen.push(`delete ${pod.metadata?.name}`));
    await informer.start();
    expect(seen).toEqual(['add one']);
    await waitFor(() => api.openWatches === 1, 'the watch');

    api.add(makePod({ uid: 'u-2', name: 'two', node: 'k8s-node-1' }));
    api.modify(makePod({ uid: 'u-1', name: 'one', node: 'k8s-node-1', labels: { v: '2' } }));
    api.remove('u-2');
    await waitFor(() => seen.length === 4, 'the watch events');
    expect(seen).toEqual(['add one', 'add two', 'update one', 'delete two']);

    api.silently(() => api.remove('u-1'));
    api.compact();
    await waitFor(() => seen.length === 5, 'the relist');
    expect(seen.at(-1)).toBe('delete one');
    expect(api.listRequests()).toHaveLength(2);
  });
});
