import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Snapshot } from '@sysray/proto';
import { formatListen, parseListen, type ListenAddress } from '../config/values.js';
import type { HealthReport, ReadinessReport } from './health.js';

/** Content type of the Prometheus text exposition format 0.0.4. */
export const METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';
const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

/** What the endpoint serves; the runtime and `sysray server` provide it. */
export interface EndpointSources {
  /**
   * Prometheus text, or undefined while the exporters are still starting (503); null when the
   * Prometheus exporter is disabled (404).
   */
  readonly metrics: (() => Promise<string | undefined>) | null;
  /** The latest Snapshot, already redacted; undefined before the first collection. */
  snapshot(): Snapshot | undefined;
  health(): HealthReport;
  readiness(): ReadinessReport;
}

export interface EndpointOptions {
  /** Bearer token `/snapshot` requires; null for none (allowed on loopback only). */
  readonly token: string | null;
  /** Called for each failed `/metrics` render, so the runtime can count and log it. */
  readonly onMetricsResult?: (error: Error | null) => void;
}

export type RequestHandler = (request: IncomingMessage, response: ServerResponse) => void;

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/** Constant-time comparison of the presented bearer token (hashing first makes lengths equal). */
function tokenMatches(header: string | undefined, token: string): boolean {
  const match = /^Bearer[ \t]+(\S+)\s*$/i.exec(header ?? '');
  if (!match) return false;
  return timingSafeEqual(digest(match[1] ?? ''), digest(token));
}

function send(
  request: IncomingMessage,
  response: ServerResponse,
  status: number,
  contentType: string,
  body: string,
  headers: Record<string, string> = {},
): void {
  const bytes = Buffer.from(body, 'utf8');
  response.writeHead(status, {
    'Content-Type': contentType,
    'Content-Length': String(bytes.length),
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    ...headers,
  });
  // HEAD gets the headers GET would, and no body (RFC 9110 section 9.3.2).
  response.end(request.method === 'HEAD' ? undefined : bytes);
}

function sendJson(
  request: IncomingMessage,
  response: ServerResponse,
  status: number,
  value: unknown,
  headers: Record<string, string> = {},
): void {
  send(request, response, status, JSON_CONTENT_TYPE, `${JSON.stringify(value)}\n`, headers);
}

function sendError(
  request: IncomingMessage,
  response: ServerResponse,
  status: number,
  error: string,
  message: string,
  headers: Record<string, string> = {},
): void {
  sendJson(request, response, status, { error, message }, headers);
}

/**
 * The request listener, built without listening (tests and `sysray server` mount it on their own
 * server). Routes: `/metrics`, `/snapshot` (bearer token when one is configured), `/healthz`, `/readyz`;
 * GET and HEAD only; every error is a JSON `{ error, message }`.
 */
export function createRequestHandler(sources: EndpointSources, options: EndpointOptions): RequestHandler {
  return (request, response) => {
    void handle(sources, options, request, response).catch((error: unknown) => {
      if (!response.headersSent) {
        sendError(request, response, 500, 'internal', error instanceof Error ? error.message : String(error));
      } else response.destroy();
    });
  };
}

async function handle(
  sources: EndpointSources,
  options: EndpointOptions,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const path = new URL(request.url ?? '/', 'http://localhost').pathname;
  const known = path === '/metrics' || path === '/snapshot' || path === '/healthz' || path === '/readyz';
  if (!known) {
    sendError(
      request,
      response,
      404,
      'not_found',
      `no route ${path}; try /metrics, /snapshot, /healthz or /readyz`,
    );
    return;
  }
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    sendError(
      request,
      response,
      405,
      'method_not_allowed',
      `${request.method ?? '?'} is not allowed; use GET or HEAD`,
      {
        Allow: 'GET, HEAD',
      },
    );
    return;
  }
  switch (path) {
    case '/metrics': {
      if (sources.metrics === null) {
        sendError(
          request,
          response,
          404,
          'not_found',
          'the Prometheus exporter is disabled (exporters.prometheus.enabled)',
        );
        return;
      }
      let text: string | undefined;
      try {
        text = await sources.metrics();
      } catch (error) {
        const failure = error instanceof Error ? error : new Error(String(error));
        options.onMetricsResult?.(failure);
        sendError(request, response, 500, 'metrics_failed', failure.message);
        return;
      }
      if (text === undefined) {
        sendError(request, response, 503, 'not_ready', 'the exporters are starting; retry shortly', {
          'Retry-After': '1',
        });
        return;
      }
      options.onMetricsResult?.(null);
      send(request, response, 200, METRICS_CONTENT_TYPE, text);
      return;
    }
    case '/snapshot': {
      if (options.token !== null && !tokenMatches(request.headers.authorization, options.token)) {
        sendError(request, response, 401, 'unauthorized', 'a valid bearer token is required for /snapshot', {
          'WWW-Authenticate': 'Bearer realm="sysray"',
        });
        return;
      }
      const snapshot = sources.snapshot();
      if (snapshot === undefined) {
        sendError(request, response, 503, 'not_ready', 'no snapshot collected yet', { 'Retry-After': '1' });
        return;
      }
      sendJson(request, response, 200, snapshot);
      return;
    }
    case '/healthz': {
      const report = sources.health();
      sendJson(request, response, report.status === 'failing' ? 503 : 200, report);
      return;
    }
    default: {
      const readiness = sources.readiness();
      sendJson(request, response, readiness.ready ? 200 : 503, readiness);
    }
  }
}

/** A listening endpoint. */
export interface RunningHttpServer {
  /** The bound address (the real port when 0 was asked for). */
  readonly address: ListenAddress;
  /** `http://host:port`, for logs and tests. */
  readonly url: string;
  /** Swaps what the server answers with, without closing the socket (config reload). */
  setHandler(handler: RequestHandler): void;
  /** Stops accepting, closes idle keep-alive connections, waits for requests in flight. */
  close(): Promise<void>;
}

/**
 * Listens on `listen` (`host:port`, `[v6]:port`, `:port` for every interface). Rejects with the bind
 * error (EADDRINUSE, EACCES) so the caller can report it.
 */
export async function startHttpServer(listen: string, handler: RequestHandler): Promise<RunningHttpServer> {
  const wanted = parseListen(listen);
  let current = handler;
  const server: Server = createServer((request, response) => current(request, response));
  // Scrapes are small; a client that trickles headers for longer than this is not a scraper.
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    const onError = (error: Error): void => reject(error);
    server.once('error', onError);
    const ready = (): void => {
      server.off('error', onError);
      resolve();
    };
    if (wanted.host === '') server.listen(wanted.port, ready);
    else server.listen(wanted.port, wanted.host, ready);
  });
  const bound = server.address() as AddressInfo;
  const host = wanted.host === '' ? '' : bound.address;
  const address: ListenAddress = { host, port: bound.port };
  const urlHost = host === '' || host === '0.0.0.0' || host === '::' ? 'localhost' : host;
  return {
    address,
    url: `http://${formatListen({ host: urlHost, port: bound.port })}`,
    setHandler(next) {
      current = next;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeIdleConnections();
      }),
  };
}
