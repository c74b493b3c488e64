import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { buildApp, installErrorHandling } from './app.js';
import {
  resolveGatewayConfig,
  type GatewayConfig,
  type GatewayConfigInput,
  type GatewayNatsConfig,
  type TlsFiles,
} from './config.js';
import type { GatewayCore } from './core.js';
import { registerOtlpHttp } from './ingest/otlp-http.js';
import { startOtlpGrpcServer, type OtlpGrpcServer, type TlsMaterial } from './ingest/otlp-grpc.js';
import { startNatsConsumer, type NatsConsumer } from './ingest/nats-consumer.js';
import type { MetricStore } from './store/types.js';

/**
 * The listening gateway: the API app (REST, SSE, /metrics, health, and OTLP/HTTP too) on listen.api
 * (127.0.0.1:8080), OTLP/HTTP on listen.otlpHttp (127.0.0.1:4318) through a second, ingest-only fastify
 * instance sharing the same core (none when both addresses are the same), and OTLP/gRPC on
 * listen.otlpGrpc (127.0.0.1:4317). Closing the API app closes everything: the OTLP listeners stop
 * first (preClose), then the core (timers, SSE streams, forwarders, store) in its onClose.
 */

export interface BoundAddress {
  readonly host: string;
  readonly port: number;
  /** `http://127.0.0.1:8080` (https with TLS); for gRPC `127.0.0.1:4317`. */
  readonly url: string;
}

export interface GatewayHandles {
  readonly config: GatewayConfig;
  /** The API app (its `gateway` decoration is the shared core). */
  readonly app: FastifyInstance;
  readonly api: BoundAddress;
  readonly otlpHttp: BoundAddress;
  readonly otlpGrpc: BoundAddress;
  /** Stops every listener and releases the store; idempotent. */
  close(): Promise<void>;
}

export interface StartGatewayOptions {
  /** A store to use instead of opening the SQLite store in config.dataDir (closed on close). */
  readonly store?: MetricStore;
  /** Wall clock, Unix epoch milliseconds. */
  readonly nowMs?: () => number;
  /** fastify's `logger` option; default: info level to stdout. */
  readonly logger?: FastifyServerOptions['logger'];
}

function readPem(path: string, what: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new Error(`cannot read the ${what} ${path}: ${(error as Error).message}`, { cause: error });
  }
}

function loadTls(files: TlsFiles | null, listener: string): TlsMaterial | null {
  if (files === null) return null;
  return {
    cert: readPem(files.certFile, `${listener} TLS certificate`),
    key: readPem(files.keyFile, `${listener} TLS key`),
    ca: files.caFile === null ? null : readPem(files.caFile, `${listener} TLS CA bundle`),
  };
}

function httpsOptions(tls: TlsMaterial | null): { cert: Buffer; key: Buffer; ca?: Buffer } | null {
  if (tls === null) return null;
  return tls.ca === null ? { cert: tls.cert, key: tls.key } : { cert: tls.cert, key: tls.key, ca: tls.ca };
}

function formatHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

function bound(app: FastifyInstance, host: string, tls: boolean): BoundAddress {
  const address = app.server.address() as AddressInfo;
  return { host, port: address.port, url: `${tls ? 'https' : 'http'}://${formatHost(host)}:${address.port}` };
}

/** A fastify instance with only POST /v1/metrics, on the shared core (its close leaves the core open). */
export function buildOtlpHttpApp(
  core: GatewayCore,
  options: { readonly logger?: FastifyServerOptions['logger']; readonly https?: TlsMaterial | null } = {},
): FastifyInstance {
  const https = httpsOptions(options.https ?? null);
  const app = Fastify({
    logger: options.logger ?? false,
    ...(https !== null ? { https } : {}),
  }) as unknown as FastifyInstance;
  installErrorHandling(app, core);
  registerOtlpHttp(app, core);
  return app;
}

/**
 * Consumes the NATS stream into the store; committed batches update the fleet view and the event
 * stream, and newly committed requests go to the forwarders, exactly as OTLP ingest does.
 */
async function startNats(
  config: GatewayNatsConfig,
  core: GatewayCore,
  app: FastifyInstance,
): Promise<NatsConsumer> {
  const optional = <T>(value: T | null): T | undefined => value ?? undefined;
  const consumer = await startNatsConsumer({
    servers: [...config.servers],
    token: optional(config.token),
    user: optional(config.user),
    pass: optional(config.pass),
    nkeySeedFile: optional(config.nkeySeedFile),
    credsFile: optional(config.credsFile),
    tls:
      config.tls === null
        ? undefined
        : {
            caFile: optional(config.tls.caFile),
            certFile: optional(config.tls.certFile),
            keyFile: optional(config.tls.keyFile),
          },
    stream: config.stream,
    durable: config.durable,
    maxAgeMs: config.maxAgeMs,
    maxBytes: config.maxBytes,
    store: core.store,
    nowMs: core.nowMs,
    maxFutureMs: core.config.limits.maxFutureMs,
    onBatch: (batch, result) => {
      if (result.duplicate) return;
      const change = core.fleet.observe(batch);
      if (change !== null) core.hub.statusChanged(change);
      core.hub.hostUpdated(batch.hostId);
      core.metrics.countIngest('nats', {
        batches: 1,
        accepted: result.accepted,
        skipped: 0,
        rejectedByReason: new Map(result.rejected > 0 ? [['store', result.rejected] as const] : []),
      });
    },
    onRequest: core.forward.size === 0 ? undefined : (bytes) => core.forward.enqueue(bytes),
    onStatus: (status) => {
      if (status.type === 'error') app.log.warn({ err: status.error }, `NATS consumer: ${status.message}`);
      else app.log.info({ nats: status }, `NATS consumer ${status.type}`);
    },
  });
  core.natsStats = () => consumer.stats;
  return consumer;
}

export async function startGateway(
  input: GatewayConfig | GatewayConfigInput = {},
  options: StartGatewayOptions = {},
): Promise<GatewayHandles> {
  const config = Object.isFrozen(input)
    ? (input as GatewayConfig)
    : resolveGatewayConfig(input as GatewayConfigInput);
  const httpTls = loadTls(config.tls.http, 'HTTP');
  const grpcTls = loadTls(config.tls.grpc, 'gRPC');
  const logger = options.logger ?? { level: 'info' };
  const app = buildApp({
    config,
    store: options.store,
    nowMs: options.nowMs,
    logger,
    https: httpsOptions(httpTls),
  });
  const core = app.gateway;

  let grpc: OtlpGrpcServer | null = null;
  let nats: NatsConsumer | null = null;
  let otlpApp: FastifyInstance | null = null;
  app.addHook('preClose', async () => {
    // Ingest stops before the core closes the store under it.
    await Promise.all([otlpApp?.close(), grpc?.close(), nats?.close()]);
  });

  let closing: Promise<void> | null = null;
  const close = (): Promise<void> => (closing ??= app.close());

  try {
    await app.listen({ host: config.listen.api.host, port: config.listen.api.port });
    const api = bound(app, config.listen.api.host, httpTls !== null);

    // Port 0 asks for an ephemeral port: two listeners, even on the same host.
    const sameAsApi =
      config.listen.otlpHttp.port !== 0 &&
      config.listen.otlpHttp.host === config.listen.api.host &&
      config.listen.otlpHttp.port === config.listen.api.port;
    let otlpHttp = api;
    if (!sameAsApi) {
      otlpApp = buildOtlpHttpApp(core, { logger, https: httpTls });
      await otlpApp.listen({ host: config.listen.otlpHttp.host, port: config.listen.otlpHttp.port });
      otlpHttp = bound(otlpApp, config.listen.otlpHttp.host, httpTls !== null);
    }

    grpc = await startOtlpGrpcServer(config.listen.otlpGrpc, {
      pipeline: core.pipeline,
      metrics: core.metrics,
      tokens: core.ingestTokens,
      maxReceiveBytes: config.limits.maxDecompressedBytes,
      tls: grpcTls,
      onError: (error) => app.log.error({ err: error }, 'OTLP/gRPC ingest failed'),
    });
    nats = config.nats === null ? null : await startNats(config.nats, core, app);
    const otlpGrpc: BoundAddress = {
      host: grpc.host,
      port: grpc.port,
      url: `${formatHost(grpc.host)}:${grpc.port}`,
    };
    app.log.info(
      { api: api.url, otlpHttp: otlpHttp.url, otlpGrpc: otlpGrpc.url, dataDir: config.dataDir },
      'sysray gateway listening',
    );
    return { config, app, api, otlpHttp, otlpGrpc, close };
  } catch (error) {
    await close();
    throw error;
  }
}
