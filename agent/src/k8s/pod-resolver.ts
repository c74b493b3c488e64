import {
  inClusterEndpoint,
  KubeApiClient,
  KubeApiError,
  type KubeApiEndpoint,
  type WatchEvent,
} from './api-client.js';
import {
  podAttributes,
  podInfoFromObject,
  type PodInfo,
  type PodLabelFilter,
  type PodObject,
} from './pods.js';

/**
 * Pod names for pod UIDs. The cgroup path of every container names its pod by UID only
 * (container-attribution.ts); this keeps a map UID → pod of the pods on this node, filled by the
 * Kubernetes list/watch protocol (the informer pattern of client-go's reflector):
 *
 * 1. LIST `/api/v1/pods?fieldSelector=spec.nodeName=<node>` → the pods and the list's resourceVersion;
 * 2. WATCH from that resourceVersion (`watch=1&allowWatchBookmarks=true&timeoutSeconds=…`), applying
 *    ADDED/MODIFIED/DELETED and moving the resourceVersion on BOOKMARK;
 * 3. when the server ends the watch (its timeout), watch again from the last resourceVersion;
 * 4. 410 Gone (as the HTTP status or as an ERROR event: the resourceVersion left the server's window) →
 *    LIST again and replace the map; any other failure → retry after a backoff (doubling, with jitter).
 *
 * Only this node's pods are asked for. RBAC cannot restrict a `list`/`watch` to one node's pods (no
 * field-level authorization for pods), so the ClusterRole grants all pods and the scoping is this field
 * selector: each agent holds its own node's pods (≤ 110 by default), and the API server filters.
 *
 * Outside a cluster the resolver is disabled and resolves nothing; ids stay as they are.
 */

export type ResolverEnv = Readonly<Record<string, string | undefined>>;

/** Status changes, as a tagged union streamed to `onStatus`; none of these is thrown. */
export type PodResolverStatus =
  /** Not in a cluster, or no node name: the resolver does nothing. */
  | { readonly type: 'disabled'; readonly reason: string }
  /** A LIST succeeded: `pods` is the number of pods on the node now known. */
  | {
      readonly type: 'synced';
      readonly pods: number;
      readonly resourceVersion: string;
      readonly relist: boolean;
    }
  /** The watch's resourceVersion expired (410 Gone); a LIST follows. */
  | { readonly type: 'expired'; readonly resourceVersion: string }
  /** A request failed; retried after `retryInMs`. Known pods stay resolvable meanwhile. */
  | {
      readonly type: 'error';
      readonly message: string;
      readonly statusCode: number | null;
      readonly retryInMs: number;
    }
  /** `close()` finished. */
  | { readonly type: 'closed' };

export interface PodResolverOptions {
  /** `process.env` by default: KUBERNETES_SERVICE_HOST/PORT and the node name are read here. */
  readonly env?: ResolverEnv;
  /**
   * `'auto'` (default): on when in a cluster (see `inClusterEndpoint`); `false`: off; an endpoint: use it
   * (tests, or an agent outside the cluster given a token).
   */
  readonly api?: 'auto' | false | KubeApiEndpoint;
  /** This node's name; default the downward-API variable `SYSRAY_K8S_NODE_NAME` or `K8S_NODE_NAME`. */
  readonly nodeName?: string;
  /** Which pod labels become `k8s.pod.label.<key>`; default: all but per-rollout hashes and uids. */
  readonly labelFilter?: PodLabelFilter;
  readonly onStatus?: (status: PodResolverStatus) => void;
  /** First retry delay after a failure, milliseconds (doubling, ±20 % jitter). Default 1 000. */
  readonly retryInitialMs?: number;
  /** Longest retry delay, milliseconds. Default 60 000. */
  readonly retryMaxMs?: number;
  /** `timeoutSeconds` asked of each watch; the server ends it then. Default 300–600, random per watch. */
  readonly watchTimeoutSeconds?: number;
  /** Deadline of a LIST, and the longest a watch may stay silent beyond its timeout, ms. Default 30 000. */
  readonly requestTimeoutMs?: number;
  /** The service-account directory (tests). */
  readonly serviceAccountDir?: string;
}

export interface PodResolver {
  /** False outside a cluster: every lookup answers undefined / {}. */
  readonly enabled: boolean;
  /** Why it is disabled; null when enabled. */
  readonly disabledReason: string | null;
  /** The node whose pods are watched; null when disabled. */
  readonly nodeName: string | null;
  /** Starts listing and watching in the background; a second call does nothing. */
  start(): void;
  /** Resolves after the first successful LIST (at once when disabled). */
  synced(): Promise<void>;
  /** The pod with this UID, if it is on this node and known. */
  resolvePod(uid: string): PodInfo | undefined;
  /** The pod and container name of a container id (64 hex), from the pods' container statuses. */
  resolveContainer(
    containerId: string,
  ): { readonly pod: PodInfo; readonly containerName: string } | undefined;
  /**
   * The `k8s.*` attributes to add to a series whose cgroup names this pod UID and/or container id (see
   * `podAttributes`); `{}` when the pod is unknown.
   */
  attributes(ref: {
    readonly podUid?: string | null;
    readonly containerId?: string | null;
  }): Record<string, string>;
  /** Pods known now. */
  pods(): readonly PodInfo[];
  /** Stops watching; pending lookups keep answering from the last state. */
  close(): Promise<void>;
}

const PODS_PATH = '/api/v1/pods';

/** A watch that ends sooner than this without an error is treated as a failing connection. */
const MIN_HEALTHY_WATCH_MS = 1000;

/** The node name from the downward API (`spec.nodeName`), as resource.ts reads it. */
export function nodeNameFromEnv(env: ResolverEnv): string | null {
  for (const name of ['SYSRAY_K8S_NODE_NAME', 'K8S_NODE_NAME']) {
    const value = env[name]?.trim();
    if (value) return value;
  }
  return null;
}

class DisabledResolver implements PodResolver {
  readonly enabled = false;
  readonly nodeName = null;
  constructor(readonly disabledReason: string) {}
  start(): void {}
  synced(): Promise<void> {
    return Promise.resolve();
  }
  resolvePod(): undefined {
    return undefined;
  }
  resolveContainer(): undefined {
    return undefined;
  }
  attributes(): Record<string, string> {
    return {};
  }
  pods(): readonly PodInfo[] {
    return [];
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}

/** A watch was told its resourceVersion is gone: relist. */
class Expired extends Error {}

class WatchingResolver implements PodResolver {
  readonly enabled = true;
  readonly disabledReason = null;
  private readonly byUid = new Map<string, PodInfo>();
  private readonly byContainer = new Map<string, string>();
  private readonly abort = new AbortController();
  private running: Promise<void> | null = null;
  private resourceVersion = '';
  private markSynced!: () => void;
  private readonly firstSync = new Promise<void>((resolve) => {
    this.markSynced = resolve;
  });
  private wake: (() => void) | null = null;

  constructor(
    private readonly client: KubeApiClient,
    readonly nodeName: string,
    private readonly options: PodResolverOptions,
  ) {}

  start(): void {
    if (this.running !== null || this.abort.signal.aborted) return;
    this.running = this.loop();
  }

  synced(): Promise<void> {
    return this.firstSync;
  }

  resolvePod(uid: string): PodInfo | undefined {
    return this.byUid.get(uid);
  }

  resolveContainer(containerId: string): { pod: PodInfo; containerName: string } | undefined {
    const uid = this.byContainer.get(containerId);
    const pod = uid === undefined ? undefined : this.byUid.get(uid);
    const containerName = pod?.containers.get(containerId);
    return pod === undefined || containerName === undefined ? undefined : { pod, containerName };
  }

  attributes(ref: { podUid?: string | null; containerId?: string | null }): Record<string, string> {
    let pod = ref.podUid ? this.byUid.get(ref.podUid) : undefined;
    // Under the cgroupfs driver a container's path may lack the pod (nested runtimes); its id still names it.
    if (pod === undefined && ref.containerId) pod = this.resolveContainer(ref.containerId)?.pod;
    if (pod === undefined) return {};
    return podAttributes(pod, {
      containerId: ref.containerId ?? null,
      labelFilter: this.options.labelFilter,
    });
  }

  pods(): readonly PodInfo[] {
    return [...this.byUid.values()];
  }

  async close(): Promise<void> {
    if (this.abort.signal.aborted) return;
    this.abort.abort();
    this.wake?.();
    await this.running;
    this.options.onStatus?.({ type: 'closed' });
  }

  private emit(status: PodResolverStatus): void {
    this.options.onStatus?.(status);
  }

  private put(pod: PodInfo): void {
    this.remove(pod.uid);
    this.byUid.set(pod.uid, pod);
    for (const id of pod.containers.keys()) this.byContainer.set(id, pod.uid);
  }

  private remove(uid: string): void {
    const old = this.byUid.get(uid);
    if (old === undefined) return;
    this.byUid.delete(uid);
    for (const id of old.containers.keys()) if (this.byContainer.get(id) === uid) this.byContainer.delete(id);
  }

  private get selector(): string {
    return `spec.nodeName=${this.nodeName}`;
  }

  /** LIST and replace the map (pods gone while the watch was down disappear). */
  private async list(relist: boolean): Promise<void> {
    // resourceVersion=0 lets the API server answer from its watch cache instead of a quorum read of etcd,
    // which matters when a DaemonSet on every node starts at once; after a 410 the list must be current,
    // so it is a consistent read (client-go's reflector does the same).
    const query: Record<string, string> = { fieldSelector: this.selector };
    if (!relist) query.resourceVersion = '0';
    const list = await this.client.getJson(PODS_PATH, query, this.abort.signal);
    const items = Array.isArray(list.items) ? (list.items as PodObject[]) : [];
    const metadata = (list.metadata ?? {}) as { resourceVersion?: unknown };
    const next = new Map<string, PodInfo>();
    for (const item of items) {
      const pod = podInfoFromObject(item);
      if (pod !== null) next.set(pod.uid, pod);
    }
    for (const uid of [...this.byUid.keys()]) if (!next.has(uid)) this.remove(uid);
    for (const pod of next.values()) this.put(pod);
    this.resourceVersion = typeof metadata.resourceVersion === 'string' ? metadata.resourceVersion : '';
    this.emit({ type: 'synced', pods: this.byUid.size, resourceVersion: this.resourceVersion, relist });
    this.markSynced();
  }

  private apply(event: WatchEvent): void {
    const object = event.object as PodObject & { code?: unknown; message?: unknown };
    switch (event.type) {
      case 'ADDED':
      case 'MODIFIED': {
        const pod = podInfoFromObject(object);
        if (pod !== null) this.put(pod);
        break;
      }
      case 'DELETED': {
        const uid = object.metadata?.uid;
        if (uid) this.remove(uid);
        break;
      }
      case 'BOOKMARK':
        break;
      case 'ERROR': {
        // The object is a v1.Status; 410 means the resourceVersion is older than the server keeps.
        const code = typeof object.code === 'number' ? object.code : 0;
        const message = typeof object.message === 'string' ? object.message : 'watch error';
        if (code === 410) throw new Expired(message);
        throw new KubeApiError(code, '', `watch ${PODS_PATH}: ${code} ${message}`);
      }
      default:
        return; // an event type from a newer API server: ignored
    }
    const version = object.metadata?.resourceVersion;
    if (typeof version === 'string' && version !== '') this.resourceVersion = version;
  }

  private async watch(): Promise<void> {
    const timeout = this.options.watchTimeoutSeconds ?? 300 + Math.floor(Math.random() * 300); // spread reconnects
    await this.client.watch(
      PODS_PATH,
      {
        fieldSelector: this.selector,
        resourceVersion: this.resourceVersion,
        allowWatchBookmarks: 'true',
        timeoutSeconds: String(timeout),
      },
      this.abort.signal,
      (event) => this.apply(event),
    );
  }

  /** Waits `ms`, or less when `close()` wakes it. */
  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.wake = null;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake = done;
    });
  }

  private async loop(): Promise<void> {
    const initial = this.options.retryInitialMs ?? 1000;
    const max = this.options.retryMaxMs ?? 60_000;
    let delay = initial;
    let needList = true;
    let everListed = false;
    while (!this.abort.signal.aborted) {
      try {
        if (needList) {
          await this.list(everListed);
          everListed = true;
          needList = false;
          delay = initial;
        }
        const started = Date.now();
        await this.watch();
        if (Date.now() - started < MIN_HEALTHY_WATCH_MS) {
          // Ended at once without an error (a proxy cutting long requests): back off rather than
          // hammer the API server, as client-go's reflector does for a watch that closes too quickly.
          await this.sleep(Math.round(delay * (0.8 + Math.random() * 0.4)));
          delay = Math.min(max, delay * 2);
        } else {
          delay = initial; // a watch that ran to its timeout: the connection is healthy
        }
      } catch (error) {
        if (this.abort.signal.aborted) break;
        if (error instanceof Expired || (error instanceof KubeApiError && error.statusCode === 410)) {
          this.emit({ type: 'expired', resourceVersion: this.resourceVersion });
          needList = true;
          continue;
        }
        const jittered = Math.round(delay * (0.8 + Math.random() * 0.4));
        this.emit({
          type: 'error',
          message: `Kubernetes API ${this.client.server}: ${error instanceof Error ? error.message : String(error)}`,
          statusCode: error instanceof KubeApiError ? error.statusCode : null,
          retryInMs: jittered,
        });
        await this.sleep(jittered);
        delay = Math.min(max, delay * 2);
      }
    }
  }
}

/**
 * The pod resolver for this agent: watching this node's pods when in a cluster (or given an endpoint),
 * disabled otherwise (`enabled: false`, with the reason, and every lookup empty). Call `start()` once the
 * agent runs and `close()` when it stops.
 */
export function createPodResolver(options: PodResolverOptions = {}): PodResolver {
  const env = options.env ?? process.env;
  if (options.api === false) return new DisabledResolver('disabled by configuration');
  const endpoint =
    options.api === undefined || options.api === 'auto'
      ? inClusterEndpoint(env, options.serviceAccountDir)
      : options.api;
  if ('reason' in endpoint) {
    const disabled = new DisabledResolver(endpoint.reason);
    options.onStatus?.({ type: 'disabled', reason: endpoint.reason });
    return disabled;
  }
  const nodeName = options.nodeName ?? nodeNameFromEnv(env);
  if (nodeName === null) {
    // Watching every pod of the cluster from every node would load the API server for nothing.
    const reason = 'K8S_NODE_NAME is not set (set it from the downward API: fieldRef spec.nodeName)';
    options.onStatus?.({ type: 'disabled', reason });
    return new DisabledResolver(reason);
  }
  const client = new KubeApiClient(endpoint, { requestTimeoutMs: options.requestTimeoutMs });
  return new WatchingResolver(client, nodeName, options);
}
