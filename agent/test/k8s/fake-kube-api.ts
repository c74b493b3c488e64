import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A fake Kubernetes API server that speaks the list/watch protocol of `/api/v1/pods` the way the real one
 * does (https://kubernetes.io/docs/reference/using-api/api-concepts/):
 *
 * - `GET /api/v1/pods?fieldSelector=spec.nodeName=<n>` → a `PodList` with `metadata.resourceVersion`;
 * - `…&watch=1|true&resourceVersion=<rv>` → `200`, chunked, one JSON `{type, object}` per line: every
 *   change after `<rv>`, then live changes; `BOOKMARK` events carry only a resourceVersion;
 * - a resourceVersion older than the retained history → `410 Gone`, either as the HTTP status or, as the
 *   API server's watch cache does, as an `ERROR` event holding a `Status` with `code: 410`;
 * - a bearer token is required (`401` Status otherwise); other field selectors are `400`.
 */

export interface FakePod {
  readonly apiVersion: 'v1';
  readonly kind: 'Pod';
  metadata: {
    uid: string;
    name: string;
    namespace: string;
    resourceVersion?: string;
    labels?: Record<string, string>;
    ownerReferences?: { apiVersion: string; kind: string; name: string; uid: string; controller: boolean }[];
  };
  spec: { nodeName: string; containers: { name: string; image: string }[] };
  status: { phase: string; containerStatuses?: { name: string; containerID?: string; ready: boolean }[] };
}

export function makePod(options: {
  uid: string;
  name: string;
  namespace?: string;
  node: string;
  labels?: Record<string, string>;
  owner?: { kind: string; name: string };
  containers?: Record<string, string>;
}): FakePod {
  const containers = Object.entries(options.containers ?? {});
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      uid: options.uid,
      name: options.name,
      namespace: options.namespace ?? 'default',
      labels: options.labels ?? {},
      ...(options.owner === undefined
        ? {}
        : {
            ownerReferences: [
              {
                apiVersion: options.owner.kind === 'ReplicaSet' ? 'apps/v1' : 'apps/v1',
                kind: options.owner.kind,
                name: options.owner.name,
                uid: `owner-of-${options.uid}`,
                controller: true,
              },
            ],
          }),
    },
    spec: {
      nodeName: options.node,
      containers: containers.map(([name]) => ({ name, image: `registry.example/${name}:1` })),
    },
    status: {
      phase: 'Running',
      containerStatuses: containers.map(([name, id]) => ({
        name,
        containerID: `containerd://${id}`,
        ready: true,
      })),
    },
  };
}

interface Change {
  readonly rv: number;
  readonly type: 'ADDED' | 'MODIFIED' | 'DELETED';
  readonly object: FakePod;
}

interface Watcher {
  readonly response: ServerResponse;
  readonly node: string;
}

export interface RecordedRequest {
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  readonly authorization: string | undefined;
}

export class FakeKubeApi {
  private server: Server | undefined;
  private rv = 100;
  private readonly pods = new Map<string, FakePod>();
  private history: Change[] = [];
  /** Watches from a resourceVersion below this are answered 410. */
  private oldestRetained = 0;
  private readonly watchers = new Set<Watcher>();
  readonly requests: RecordedRequest[] = [];
  /** The accepted bearer token. */
  token = 'token-1';
  /** While set, LIST answers this status (a Status body) instead of the pods. */
  failListWith: number | null = null;
  /** How a too-old watch is refused: an HTTP 410, or a 200 stream with an ERROR event (the watch cache). */
  goneAs: 'status' | 'event' = 'event';
  /** Ends every watch right after its backlog, as a proxy that cuts long requests would. */
  closeWatchesAtOnce = false;

  async start(): Promise<string> {
    this.server = createServer((request, response) => this.handle(request, response));
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  async stop(): Promise<void> {
    for (const watcher of this.watchers) watcher.response.destroy();
    this.watchers.clear();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  get resourceVersion(): string {
    return String(this.rv);
  }

  get openWatches(): number {
    return this.watchers.size;
  }

  watchRequests(): RecordedRequest[] {
    return this.requests.filter((r) => r.query.watch !== undefined);
  }

  listRequests(): RecordedRequest[] {
    return this.requests.filter((r) => r.query.watch === undefined);
  }

  private record(type: Change['type'], pod: FakePod): void {
    this.rv += 1;
    const object = structuredClone(pod);
    object.metadata.resourceVersion = String(this.rv);
    if (type !== 'DELETED') this.pods.set(pod.metadata.uid, object);
    else this.pods.delete(pod.metadata.uid);
    const change = { rv: this.rv, type, object };
    this.history.push(change);
    for (const watcher of this.watchers) {
      if (watcher.node === object.spec.nodeName) this.send(watcher.response, { type, object });
    }
  }

  add(pod: FakePod): void {
    this.record('ADDED', pod);
  }

  modify(pod: FakePod): void {
    this.record('MODIFIED', pod);
  }

  remove(uid: string): void {
    const pod = this.pods.get(uid);
    if (pod === undefined) throw new Error(`no pod ${uid}`);
    this.record('DELETED', pod);
  }

  /** Changes the store without telling any watcher (what a client misses while its watch is down). */
  silently(change: () => void): void {
    const watchers = [...this.watchers];
    this.watchers.clear();
    change();
    for (const watcher of watchers) this.watchers.add(watcher);
  }

  /** A BOOKMARK with the current resourceVersion to every watcher. */
  bookmark(): void {
    this.rv += 1;
    for (const watcher of this.watchers) {
      this.send(watcher.response, {
        type: 'BOOKMARK',
        object: { kind: 'Pod', apiVersion: 'v1', metadata: { resourceVersion: String(this.rv) } },
      });
    }
  }

  /**
   * Drops the history (etcd compaction): watches from an older resourceVersion get 410 from now on. Open
   * watches get the ERROR event and are closed, as the watch cache does when a watcher falls behind.
   */
  compact(): void {
    this.history = [];
    this.oldestRetained = this.rv;
    for (const watcher of this.watchers) {
      this.send(watcher.response, { type: 'ERROR', object: this.goneStatus() });
      watcher.response.end();
    }
    this.watchers.clear();
  }

  /** Ends every open watch cleanly, as the server does when a watch's timeoutSeconds has elapsed. */
  endWatches(): void {
    for (const watcher of this.watchers) watcher.response.end();
    this.watchers.clear();
  }

  private goneStatus(): Record<string, unknown> {
    return {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: `too old resource version: 1 (${this.oldestRetained})`,
      reason: 'Expired',
      code: 410,
    };
  }

  private send(response: ServerResponse, event: unknown): void {
    response.write(`${JSON.stringify(event)}\n`);
  }

  private status(response: ServerResponse, code: number, reason: string, message: string): void {
    response.writeHead(code, { 'content-type': 'application/json' });
    response.end(
      JSON.stringify({
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message,
        reason,
        code,
      }),
    );
  }

  private handle(request: IncomingMessage, response: ServerResponse): void {
    const url = new URL(request.url ?? '/', 'http://fake');
    const query = Object.fromEntries(url.searchParams.entries());
    this.requests.push({ path: url.pathname, query, authorization: request.headers.authorization });
    if (request.headers.authorization !== `Bearer ${this.token}`) {
      this.status(response, 401, 'Unauthorized', 'Unauthorized');
      return;
    }
    if (request.method !== 'GET' || url.pathname !== '/api/v1/pods') {
      this.status(response, 404, 'NotFound', `the server could not find the requested resource`);
      return;
    }
    const selector = query.fieldSelector ?? '';
    const match = /^spec\.nodeName=(.+)$/.exec(selector);
    if (match === null) {
      this.status(response, 400, 'BadRequest', `this fake only serves fieldSelector=spec.nodeName=<node>`);
      return;
    }
    const node = match[1] as string;
    const watch = query.watch === '1' || query.watch === 'true';
    if (!watch) {
      if (this.failListWith !== null) {
        this.status(
          response,
          this.failListWith,
          'Forbidden',
          'pods is forbidden: User "system:serviceaccount:sysray:sysray-agent" cannot list resource "pods"',
        );
        return;
      }
      const items = [...this.pods.values()].filter((pod) => pod.spec.nodeName === node);
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify({
          kind: 'PodList',
          apiVersion: 'v1',
          metadata: { resourceVersion: String(this.rv) },
          items,
        }),
      );
      return;
    }
    const from = Number(query.resourceVersion ?? '0');
    if (!Number.isFinite(from) || (from !== 0 && from < this.oldestRetained)) {
      if (this.goneAs === 'status') {
        this.status(response, 410, 'Expired', `too old resource version: ${from} (${this.oldestRetained})`);
        return;
      }
      response.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
      this.send(response, { type: 'ERROR', object: this.goneStatus() });
      response.end();
      return;
    }
    response.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
    response.flushHeaders();
    for (const change of this.history) {
      if (change.rv > from && change.object.spec.nodeName === node)
        this.send(response, { type: change.type, object: change.object });
    }
    if (this.closeWatchesAtOnce) {
      response.end();
      return;
    }
    const watcher = { response, node };
    this.watchers.add(watcher);
    response.on('close', () => this.watchers.delete(watcher));
  }
}

/** Polls `check` until it returns true, or fails after `timeoutMs`. */
export async function waitFor(check: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
