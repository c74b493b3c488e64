/**
 * Pods as the agent keeps them: the few fields of a Kubernetes `v1.Pod` that name the workload a cgroup
 * belongs to, and the OpenTelemetry `k8s.*` attributes they become. Pure: no I/O, tested on plain objects.
 */

/** The fields of a `v1.Pod` (API JSON) the resolver reads; every other field is ignored. */
export interface PodObject {
  readonly metadata?: {
    readonly uid?: string;
    readonly name?: string;
    readonly namespace?: string;
    readonly resourceVersion?: string;
    readonly labels?: Readonly<Record<string, string>> | null;
    readonly ownerReferences?: readonly {
      readonly kind?: string;
      readonly name?: string;
      readonly controller?: boolean;
    }[];
  };
  readonly spec?: { readonly nodeName?: string };
  readonly status?: {
    readonly containerStatuses?: readonly PodContainerStatus[] | null;
    readonly initContainerStatuses?: readonly PodContainerStatus[] | null;
    readonly ephemeralContainerStatuses?: readonly PodContainerStatus[] | null;
  };
}

interface PodContainerStatus {
  readonly name?: string;
  /** `<runtime>://<id>`, e.g. `containerd://3f4e…`; empty until the container has started. */
  readonly containerID?: string;
}

/** Workload kinds that have an OpenTelemetry `k8s.<kind>.name` attribute. */
export type WorkloadKind = 'Deployment' | 'ReplicaSet' | 'DaemonSet' | 'StatefulSet' | 'Job' | 'CronJob';

/** The controller that owns a pod, and the workload above it where it can be told. */
export interface PodOwner {
  /** `ownerReferences[controller=true].kind`, e.g. `ReplicaSet`, `DaemonSet`, `Node` (static pods). */
  readonly kind: string;
  readonly name: string;
}

/** What the agent knows about one pod on its node. */
export interface PodInfo {
  readonly uid: string;
  readonly name: string;
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  /** The controlling owner reference; null for a bare pod. */
  readonly owner: PodOwner | null;
  /**
   * The top workload: a ReplicaSet's Deployment (see `workloadOf`), or the owner itself when it is a
   * DaemonSet, StatefulSet, Job or ReplicaSet without a Deployment; null for bare and static pods.
   */
  readonly workload: { readonly kind: WorkloadKind; readonly name: string } | null;
  /** Container id (64 hex, no runtime prefix) → container name, from the pod's container statuses. */
  readonly containers: ReadonlyMap<string, string>;
  readonly resourceVersion: string;
}

const WORKLOAD_ATTRIBUTE: Readonly<Record<WorkloadKind, string>> = {
  Deployment: 'k8s.deployment.name',
  ReplicaSet: 'k8s.replicaset.name',
  DaemonSet: 'k8s.daemonset.name',
  StatefulSet: 'k8s.statefulset.name',
  Job: 'k8s.job.name',
  CronJob: 'k8s.cronjob.name',
};

/**
 * The Deployment of a pod owned by a ReplicaSet, by name. The Deployment controller names each
 * ReplicaSet `<deployment>-<pod-template-hash>` and puts the same hash on its pods as the
 * `pod-template-hash` label (kubernetes/pkg/controller/deployment/sync.go, `getNewReplicaSet`), so the
 * name minus `-<hash>` is the Deployment whenever the pod's label matches the suffix. A ReplicaSet made by
 * hand (no such label, or a different suffix) stays a ReplicaSet. This needs no RBAC on `replicasets`:
 * reading the ReplicaSet's own ownerReferences would, for every node, and says the same thing.
 */
export function deploymentOfReplicaSet(
  replicaSetName: string,
  labels: Readonly<Record<string, string>>,
): string | null {
  const hash = labels['pod-template-hash'];
  if (hash === undefined || hash === '') return null;
  const suffix = `-${hash}`;
  if (!replicaSetName.endsWith(suffix) || replicaSetName.length === suffix.length) return null;
  return replicaSetName.slice(0, -suffix.length);
}

/** The workload above a pod's controlling owner; see `PodInfo.workload`. */
export function workloadOf(
  owner: PodOwner | null,
  labels: Readonly<Record<string, string>>,
): PodInfo['workload'] {
  if (owner === null) return null;
  switch (owner.kind) {
    case 'ReplicaSet': {
      const deployment = deploymentOfReplicaSet(owner.name, labels);
      return deployment === null
        ? { kind: 'ReplicaSet', name: owner.name }
        : { kind: 'Deployment', name: deployment };
    }
    case 'DaemonSet':
    case 'StatefulSet':
    case 'Job':
    case 'CronJob':
      return { kind: owner.kind, name: owner.name };
    default:
      // `Node` (static pods mirrored by the kubelet) and custom controllers have no semconv attribute.
      return null;
  }
}

/** `containerd://<id>` → `<id>`; the cgroup path carries the bare id, so that is the key. */
function bareContainerId(containerID: string | undefined): string | null {
  if (containerID === undefined || containerID === '') return null;
  const at = containerID.indexOf('://');
  const id = at < 0 ? containerID : containerID.slice(at + 3);
  return id === '' ? null : id;
}

/**
 * A pod object from the API as a PodInfo; null when it lacks a uid, name or namespace (never the case for
 * a pod the API server returns, but a watch event is untrusted input).
 */
export function podInfoFromObject(pod: PodObject): PodInfo | null {
  const meta = pod.metadata;
  if (meta === undefined || !meta.uid || !meta.name || !meta.namespace) return null;
  const labels: Record<string, string> = {};
  for (const [key, value] of Object.entries(meta.labels ?? {})) {
    if (typeof value === 'string') labels[key] = value;
  }
  const controller = (meta.ownerReferences ?? []).find((ref) => ref.controller === true);
  const owner =
    controller !== undefined && controller.kind && controller.name
      ? { kind: controller.kind, name: controller.name }
      : null;
  const containers = new Map<string, string>();
  const status = pod.status;
  for (const list of [
    status?.initContainerStatuses,
    status?.containerStatuses,
    status?.ephemeralContainerStatuses,
  ]) {
    for (const container of list ?? []) {
      const id = bareContainerId(container.containerID);
      if (id !== null && container.name) containers.set(id, container.name);
    }
  }
  return {
    uid: meta.uid,
    name: meta.name,
    namespace: meta.namespace,
    labels,
    owner,
    workload: workloadOf(owner, labels),
    containers,
    resourceVersion: meta.resourceVersion ?? '',
  };
}

/**
 * Labels left out of `k8s.pod.label.*` by default: they change with every rollout or every pod (hashes,
 * uids, per-pod names), so as series attributes they multiply series without telling workloads apart.
 */
export const DEFAULT_EXCLUDED_POD_LABELS: readonly string[] = [
  'pod-template-hash',
  'controller-revision-hash',
  'pod-template-generation',
  'controller-uid',
  'batch.kubernetes.io/controller-uid',
  'statefulset.kubernetes.io/pod-name',
  'apps.kubernetes.io/pod-index',
  'batch.kubernetes.io/job-completion-index',
];

/** Which labels become `k8s.pod.label.<key>` attributes. */
export type PodLabelFilter = (key: string) => boolean;

/** Every label but DEFAULT_EXCLUDED_POD_LABELS. */
export const defaultPodLabelFilter: PodLabelFilter = (key) => !DEFAULT_EXCLUDED_POD_LABELS.includes(key);

/**
 * The OpenTelemetry resource attributes of a pod (semantic conventions, k8s registry):
 * `k8s.pod.uid`, `k8s.pod.name`, `k8s.namespace.name`, `k8s.pod.label.<key>` for the labels the filter
 * keeps, the workload's `k8s.<kind>.name` (a Deployment's pods also get `k8s.replicaset.name`), and
 * `k8s.container.name` when a container id is given and the pod lists it.
 */
export function podAttributes(
  pod: PodInfo,
  options: { readonly containerId?: string | null; readonly labelFilter?: PodLabelFilter } = {},
): Record<string, string> {
  const filter = options.labelFilter ?? defaultPodLabelFilter;
  const attributes: Record<string, string> = {
    'k8s.pod.uid': pod.uid,
    'k8s.pod.name': pod.name,
    'k8s.namespace.name': pod.namespace,
  };
  if (pod.owner?.kind === 'ReplicaSet') attributes['k8s.replicaset.name'] = pod.owner.name;
  if (pod.workload !== null) attributes[WORKLOAD_ATTRIBUTE[pod.workload.kind]] = pod.workload.name;
  if (options.containerId) {
    const container = pod.containers.get(options.containerId);
    if (container !== undefined) attributes['k8s.container.name'] = container;
  }
  for (const key of Object.keys(pod.labels).sort()) {
    if (filter(key)) attributes[`k8s.pod.label.${key}`] = pod.labels[key] as string;
  }
  return attributes;
}
