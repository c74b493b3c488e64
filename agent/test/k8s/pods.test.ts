import { describe, expect, it } from 'vitest';
import {
  deploymentOfReplicaSet,
  podAttributes,
  podInfoFromObject,
  workloadOf,
  type PodObject,
} from '../../src/k8s/pods.js';

const ID = 'c'.repeat(64);

describe('deploymentOfReplicaSet', () => {
  it('strips the pod-template-hash suffix the Deployment controller adds', () => {
    expect(deploymentOfReplicaSet('web-7d9f8b6c5d', { 'pod-template-hash': '7d9f8b6c5d' })).toBe('web');
    expect(deploymentOfReplicaSet('my-api-v2-5c4b9', { 'pod-template-hash': '5c4b9' })).toBe('my-api-v2');
  });

  it('keeps a ReplicaSet made by hand: no hash label, another suffix, or the hash alone', () => {
    expect(deploymentOfReplicaSet('web-7d9f8b6c5d', {})).toBeNull();
    expect(deploymentOfReplicaSet('web-7d9f8b6c5d', { 'pod-template-hash': 'ffff' })).toBeNull();
    expect(deploymentOfReplicaSet('-abc', { 'pod-template-hash': 'abc' })).toBeNull();
    expect(deploymentOfReplicaSet('web', { 'pod-template-hash': '' })).toBeNull();
  });
});

describe('workloadOf', () => {
  it('maps controllers to the workload kinds that have attributes', () => {
    expect(workloadOf({ kind: 'DaemonSet', name: 'fluent-bit' }, {})).toEqual({
      kind: 'DaemonSet',
      name: 'fluent-bit',
    });
    expect(workloadOf({ kind: 'StatefulSet', name: 'pg' }, {})).toEqual({ kind: 'StatefulSet', name: 'pg' });
    expect(workloadOf({ kind: 'Job', name: 'backup-28901234' }, {})).toEqual({
      kind: 'Job',
      name: 'backup-28901234',
    });
    expect(workloadOf({ kind: 'ReplicaSet', name: 'rs-by-hand' }, {})).toEqual({
      kind: 'ReplicaSet',
      name: 'rs-by-hand',
    });
  });

  it('has none for bare pods, static pods (owned by their Node) and custom controllers', () => {
    expect(workloadOf(null, {})).toBeNull();
    expect(workloadOf({ kind: 'Node', name: 'k8s-node-1' }, {})).toBeNull();
    expect(workloadOf({ kind: 'Rollout', name: 'canary' }, {})).toBeNull();
  });
});

const STATIC_POD: PodObject = {
  metadata: {
    uid: '4d2c2f6e-0a4b-4f9c-8b6a-2b1f3c4d5e6f',
    name: 'kube-apiserver-k8s-node-1',
    namespace: 'kube-system',
    resourceVersion: '4711',
    labels: { component: 'kube-apiserver', tier: 'control-plane' },
    ownerReferences: [
      { kind: 'Node', name: 'k8s-node-1', controller: true },
      { kind: 'Other', name: 'not-the-controller' },
    ],
  },
  spec: { nodeName: 'k8s-node-1' },
  status: {
    initContainerStatuses: [{ name: 'init', containerID: `cri-o://${'d'.repeat(64)}` }],
    containerStatuses: [
      { name: 'kube-apiserver', containerID: `containerd://${ID}` },
      { name: 'not-started-yet', containerID: '' },
      { name: 'waiting' },
    ],
  },
};

describe('podInfoFromObject', () => {
  it('reads identity, labels, the controlling owner and container ids without their runtime prefix', () => {
    const pod = podInfoFromObject(STATIC_POD);
    expect(pod).toMatchObject({
      uid: '4d2c2f6e-0a4b-4f9c-8b6a-2b1f3c4d5e6f',
      name: 'kube-apiserver-k8s-node-1',
      namespace: 'kube-system',
      resourceVersion: '4711',
      owner: { kind: 'Node', name: 'k8s-node-1' },
      workload: null,
    });
    expect([...(pod?.containers ?? [])]).toEqual([
      ['d'.repeat(64), 'init'],
      [ID, 'kube-apiserver'],
    ]);
  });

  it('rejects objects without uid, name or namespace, and tolerates null labels and statuses', () => {
    expect(podInfoFromObject({})).toBeNull();
    expect(podInfoFromObject({ metadata: { uid: 'u', name: 'n' } })).toBeNull();
    const pod = podInfoFromObject({
      metadata: { uid: 'u', name: 'n', namespace: 'ns', labels: null },
      status: { containerStatuses: null },
    });
    expect(pod).toMatchObject({ labels: {}, owner: null, workload: null, resourceVersion: '' });
    expect(pod?.containers.size).toBe(0);
  });

  it('ignores an owner reference without kind or name', () => {
    const pod = podInfoFromObject({
      metadata: {
        uid: 'u',
        name: 'n',
        namespace: 'ns',
        ownerReferences: [{ controller: true, kind: 'Job' }],
      },
    });
    expect(pod?.owner).toBeNull();
  });
});

describe('podAttributes', () => {
  const pod = podInfoFromObject({
    metadata: {
      uid: 'u-1',
      name: 'web-7d9f8b6c5d-x2x4z',
      namespace: 'shop',
      labels: {
        'app.kubernetes.io/name': 'web',
        'pod-template-hash': '7d9f8b6c5d',
        'controller-revision-hash': 'abc',
      },
      ownerReferences: [{ kind: 'ReplicaSet', name: 'web-7d9f8b6c5d', controller: true }],
    },
    status: { containerStatuses: [{ name: 'nginx', containerID: `containerd://${ID}` }] },
  });

  it('gives the semconv k8s attributes, leaving per-rollout hash labels out by default', () => {
    expect(pod).not.toBeNull();
    expect(podAttributes(pod!, { containerId: ID })).toEqual({
      'k8s.pod.uid': 'u-1',
      'k8s.pod.name': 'web-7d9f8b6c5d-x2x4z',
      'k8s.namespace.name': 'shop',
      'k8s.replicaset.name': 'web-7d9f8b6c5d',
      'k8s.deployment.name': 'web',
      'k8s.container.name': 'nginx',
      'k8s.pod.label.app.kubernetes.io/name': 'web',
    });
  });

  it('takes a label filter, and no container name for an unknown container id', () => {
    const attributes = podAttributes(pod!, { containerId: 'e'.repeat(64), labelFilter: () => true });
    expect(attributes['k8s.container.name']).toBeUndefined();
    expect(attributes['k8s.pod.label.pod-template-hash']).toBe('7d9f8b6c5d');
    expect(
      Object.keys(podAttributes(pod!, { labelFilter: () => false })).some((k) => k.includes('label')),
    ).toBe(false);
  });
});
