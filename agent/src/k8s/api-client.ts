import { accessSync, constants, readFileSync } from 'node:fs';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIPv6 } from 'node:net';

/**
 * A minimal Kubernetes API client for the two requests the pod resolver makes: a list and a watch of
 * `/api/v1/pods`, JSON over HTTPS with the pod's service-account token. Written on node:http rather than
 * @kubernetes/client-node: importing that package costs about 0.8 s and 75 MB of RSS (28 MB of heap after
 * GC; measured with 1.4.0 on Node 20), as much as the whole agent, for a protocol that is one GET and a
 * stream of JSON lines (https://kubernetes.io/docs/reference/using-api/api-concepts/#efficient-detection-of-changes).
 */

/** Where the API server is and how to authenticate to it. */
export interface KubeApiEndpoint {
  /** `https://10.96.0.1:443`; `http://` only for tests and `kubectl proxy`. */
  readonly server: string;
  /** Bearer token. */
  readonly token?: string;
  /**
   * File holding the bearer token, read again for every request: projected service-account tokens are
   * bound and expire (one hour by default), and the kubelet rewrites the file before they do.
   */
  readonly tokenFile?: string;
  /** PEM CA bundle file that signs the API server's certificate. */
  readonly caFile?: string;
}

/** Where the kubelet mounts a pod's service-account credentials. */
export const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

/**
 * The in-cluster endpoint, as client-go's `rest.InClusterConfig` finds it: `KUBERNETES_SERVICE_HOST` and
 * `KUBERNETES_SERVICE_PORT` set by the kubelet in every container, and a readable token in the service
 * account directory (absent when `automountServiceAccountToken: false`). Returns the reason when not in
 * a cluster.
 */
export function inClusterEndpoint(
  env: Readonly<Record<string, string | undefined>>,
  serviceAccountDir = SERVICE_ACCOUNT_DIR,
): KubeApiEndpoint | { readonly reason: string } {
  const host = env.KUBERNETES_SERVICE_HOST?.trim();
  const port = env.KUBERNETES_SERVICE_PORT?.trim();
  if (!host || !port) return { reason: 'not in a Kubernetes cluster (KUBERNETES_SERVICE_HOST is not set)' };
  const tokenFile = `${serviceAccountDir}/token`;
  try {
    accessSync(tokenFile, constants.R_OK);
  } catch {
    return { reason: `no service-account token at ${tokenFile} (automountServiceAccountToken: false?)` };
  }
  const caFile = `${serviceAccountDir}/ca.crt`;
  let hasCa = true;
  try {
    accessSync(caFile, constants.R_OK);
  } catch {
    hasCa = false;
  }
  const server = `https://${isIPv6(host) ? `[${host}]` : host}:${port}`;
  return hasCa ? { server, tokenFile, caFile } : { server, tokenFile };
}

/** An answer of the API server other than 2xx, with the `Status` object's reason and message when sent. */
export class KubeApiError extends Error {
  override readonly name = 'KubeApiError';
  constructor(
    readonly statusCode: number,
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }
}

/** One event of a watch stream (`watch.Event` of k8s.io/apimachinery: `{type, object}`). */
export interface WatchEvent {
  readonly type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  readonly object: Record<string, unknown>;
}

/** Longest watch line accepted; a pod object is a few kilobytes, so anything beyond is a broken stream. */
const MAX_LINE_BYTES = 16 * 1024 * 1024;

/** What a `v1.Status` body says, for error messages. */
function statusText(body: string, statusCode: number): { reason: string; message: string } {
  try {
    const status = JSON.parse(body) as { reason?: unknown; message?: unknown };
    return {
      reason: typeof status.reason === 'string' ? status.reason : '',
      message: typeof status.message === 'string' ? status.message : `HTTP ${statusCode}`,
    };
  } catch {
    return { reason: '', message: body.trim().slice(0, 200) || `HTTP ${statusCode}` };
  }
}

function readBody(response: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    response.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        response.destroy(new Error(`response larger than ${limit} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    response.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    response.on('error', reject);
  });
}

export interface KubeApiClientOptions {
  /** Deadline of a list request, and the longest a watch may stay silent, milliseconds. */
  readonly requestTimeoutMs?: number;
}

export class KubeApiClient {
  private readonly url: URL;
  private readonly requestTimeoutMs: number;

  constructor(
    private readonly endpoint: KubeApiEndpoint,
    options: KubeApiClientOptions = {},
  ) {
    this.url = new URL(endpoint.server);
    if (this.url.protocol !== 'https:' && this.url.protocol !== 'http:')
      throw new Error(`Kubernetes API server ${endpoint.server}: expected an https:// or http:// URL`);
    this.requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
  }

  get server(): string {
    return this.endpoint.server;
  }

  private token(): string | undefined {
    if (this.endpoint.tokenFile !== undefined) {
      try {
        return readFileSync(this.endpoint.tokenFile, 'utf8').trim();
      } catch (error) {
        throw new Error(
          `reading the service-account token ${this.endpoint.tokenFile}: ${error instanceof Error ? error.message : String(error)}`,
          { cause: error },
        );
      }
    }
    return this.endpoint.token;
  }

  private open(
    path: string,
    query: Readonly<Record<string, string>>,
    signal: AbortSignal,
    timeoutMs: number,
  ): Promise<IncomingMessage> {
    const target = new URL(path, this.url);
    for (const [key, value] of Object.entries(query)) target.searchParams.set(key, value);
    const headers: Record<string, string> = { accept: 'application/json', 'user-agent': 'sysray-agent' };
    const token = this.token();
    if (token) headers.authorization = `Bearer ${token}`;
    const https = target.protocol === 'https:';
    const ca = https && this.endpoint.caFile !== undefined ? readFileSync(this.endpoint.caFile) : undefined;
    return new Promise((resolve, reject) => {
      const request = (https ? httpsRequest : httpRequest)(
        target,
        { method: 'GET', headers, signal, ...(ca === undefined ? {} : { ca }) },
        resolve,
      );
      // A socket silent for this long is dead (a watch gets BOOKMARKs or its server-side timeout first).
      request.setTimeout(timeoutMs, () =>
        request.destroy(new Error(`${this.endpoint.server} silent for ${timeoutMs} ms`)),
      );
      request.on('error', reject);
      request.end();
    });
  }

  /** GET `path` and parse the JSON answer; throws KubeApiError for a non-2xx status. */
  async getJson(
    path: string,
    query: Readonly<Record<string, string>>,
    signal: AbortSignal,
  ): Promise<Record<string, unknown>> {
    const response = await this.open(path, query, signal, this.requestTimeoutMs);
    const body = await readBody(response, 64 * 1024 * 1024);
    const code = response.statusCode ?? 0;
    if (code < 200 || code > 299) {
      const { reason, message } = statusText(body, code);
      throw new KubeApiError(code, reason, `GET ${path}: ${code} ${message}`);
    }
    try {
      return JSON.parse(body) as Record<string, unknown>;
    } catch (error) {
      throw new Error(`GET ${path}: the answer is not JSON`, { cause: error });
    }
  }

  /**
   * Watches `path` (`watch=1` is added): calls `onEvent` for each line of the stream and resolves when the
   * server ends it (its `timeoutSeconds` elapsed: the caller watches again from the last resourceVersion).
   * Rejects with KubeApiError when the server refuses the watch (410 Gone: the resourceVersion is too old),
   * with the error `onEvent` throws, or with a connection error.
   */
  async watch(
    path: string,
    query: Readonly<Record<string, string>>,
    signal: AbortSignal,
    onEvent: (event: WatchEvent) => void,
  ): Promise<void> {
    // The server ends a watch after its `timeoutSeconds`; silence well beyond that is a dead connection.
    const seconds = Number(query.timeoutSeconds ?? 0);
    const idleMs = (Number.isFinite(seconds) ? seconds * 1000 : 0) + this.requestTimeoutMs;
    const response = await this.open(path, { ...query, watch: '1' }, signal, idleMs);
    const code = response.statusCode ?? 0;
    if (code !== 200) {
      const body = await readBody(response, 1024 * 1024);
      const { reason, message } = statusText(body, code);
      throw new KubeApiError(code, reason, `watch ${path}: ${code} ${message}`);
    }
    await new Promise<void>((resolve, reject) => {
      let pending = '';
      let failed = false;
      const fail = (error: Error): void => {
        if (failed) return;
        failed = true;
        response.destroy();
        reject(error);
      };
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        if (failed) return;
        pending += chunk;
        let newline = pending.indexOf('\n');
        while (newline >= 0) {
          const line = pending.slice(0, newline).trim();
          pending = pending.slice(newline + 1);
          if (line !== '') {
            let event: WatchEvent;
            try {
              event = JSON.parse(line) as WatchEvent;
            } catch {
              fail(new Error(`watch ${path}: a line of the stream is not JSON`));
              return;
            }
            try {
              onEvent(event);
            } catch (error) {
              fail(error instanceof Error ? error : new Error(String(error)));
              return;
            }
            if (failed) return;
          }
          newline = pending.indexOf('\n');
        }
        if (pending.length > MAX_LINE_BYTES)
          fail(new Error(`watch ${path}: a line longer than ${MAX_LINE_BYTES} bytes`));
      });
      response.on('end', () => {
        if (!failed) resolve();
      });
      response.on('error', (error) => fail(error));
      response.on('close', () => {
        // A connection cut mid-stream ends without 'end': not a clean server-side timeout.
        if (!failed && !response.complete) fail(new Error(`watch ${path}: the connection closed mid-stream`));
      });
    });
  }
}
