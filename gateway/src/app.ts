import fastifySwagger from '@fastify/swagger';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { registerAlertRoutes } from './alerts/routes.js';
import { routeAccess, registerApiRoutes } from './api/routes.js';
import { SHARED_SCHEMAS } from './api/schemas.js';
import { roleAllows } from './auth.js';
import { resolveGatewayConfig, type GatewayConfig, type GatewayConfigInput } from './config.js';
import { GatewayCore } from './core.js';
import { registerDashboard } from './dashboard.js';
import { ERROR_CODE_HEADER, GatewayError, isGatewayError } from './errors.js';
import { registerOtlpHttp } from './ingest/otlp-http.js';
import type { MetricStore } from './store/types.js';
import { openGatewayStore } from './store-open.js';
import { GATEWAY_VERSION } from './version.js';

/**
 * The gateway as a fastify application, built without listening: tests drive it with `app.inject()`,
 * server.ts listens. One app serves the REST API, the event stream, /metrics, health, the OpenAPI
 * document and OTLP/HTTP (POST /v1/metrics); the gateway core it owns (store, fleet state, timers,
 * forwarders) is closed by its onClose hook.
 */

declare module 'fastify' {
  interface FastifyInstance {
    /** The gateway's shared state: store, fleet, ingest pipeline, SSE hub, counters. */
    readonly gateway: GatewayCore;
  }
  interface FastifyContextConfig {
    /** Who may call the route: `public` (no token), `read`/`admin` (API token role), `ingest` (ingest token). */
    readonly access?: 'public' | 'read' | 'admin' | 'ingest';
    /**
     * Also accept the token as the `access_token` query parameter (RFC 6750 §2.3): browsers' EventSource
     * cannot set an Authorization header. Only the event stream allows it.
     */
    readonly queryToken?: boolean;
  }
}

export interface BuildAppOptions {
  /** A resolved config, or input that resolveGatewayConfig() completes and validates. */
  readonly config?: GatewayConfig | GatewayConfigInput;
  /** The store to use; by default the SQLite store in config.dataDir is opened. The app closes it either way. */
  readonly store?: MetricStore;
  /** Wall clock, Unix epoch milliseconds (tests inject one). */
  readonly nowMs?: () => number;
  /** fastify's `logger` option; off by default. */
  readonly logger?: FastifyServerOptions['logger'];
  /** TLS material for the listener (server.ts reads the files named in config.tls.http). */
  readonly https?: { readonly cert: Buffer; readonly key: Buffer; readonly ca?: Buffer } | null;
  /** The built web dashboard served at `/`; dashboard/dist by default. */
  readonly dashboardDir?: string;
}

function isResolved(config: GatewayConfig | GatewayConfigInput | undefined): config is GatewayConfig {
  return (
    config !== undefined && Object.isFrozen(config) && typeof (config as GatewayConfig).dataDir === 'string'
  );
}

/** fastify's own errors (validation, body limit, media type, framing) and ours, as a GatewayError. */
export function toGatewayError(error: FastifyError | Error): GatewayError {
  if (isGatewayError(error)) return error;
  const fastifyError = error as FastifyError;
  if (fastifyError.validation !== undefined) return new GatewayError('SYSRAY_ERR_BAD_REQUEST', error.message);
  const status = fastifyError.statusCode ?? 500;
  if (status === 404) return new GatewayError('SYSRAY_ERR_NOT_FOUND', error.message);
  if (status === 413) return new GatewayError('SYSRAY_ERR_PAYLOAD_TOO_LARGE', error.message);
  if (status === 415) return new GatewayError('SYSRAY_ERR_UNSUPPORTED_MEDIA_TYPE', error.message);
  if (status >= 400 && status < 500) return new GatewayError('SYSRAY_ERR_BAD_REQUEST', error.message);
  return new GatewayError('SYSRAY_ERR_INTERNAL', 'internal error', { cause: error });
}

/** Shared schemas, the JSON error handler and the 404 handler: every gateway fastify instance has them. */
export function installErrorHandling(app: FastifyInstance, core: GatewayCore): void {
  for (const schema of SHARED_SCHEMAS) app.addSchema(schema);
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const gatewayError = toGatewayError(error);
    if (gatewayError.code === 'SYSRAY_ERR_INTERNAL') request.log.error({ err: error }, 'request failed');
    core.metrics.countApiError(gatewayError.code);
    return reply
      .code(gatewayError.httpStatus)
      .header(ERROR_CODE_HEADER, gatewayError.code)
      .type('application/json; charset=utf-8')
      .serializer(JSON.stringify)
      .send(gatewayError.toBody());
  });
  app.setNotFoundHandler((request) => {
    throw new GatewayError('SYSRAY_ERR_NOT_FOUND', `no route ${request.method} ${request.url.split('?')[0]}`);
  });
}

export function buildApp(options: BuildAppOptions = {}): FastifyInstance {
  const config = isResolved(options.config) ? options.config : resolveGatewayConfig(options.config ?? {});
  const store = options.store ?? openGatewayStore(config, options.nowMs);
  const app = Fastify({
    logger: options.logger ?? false,
    ...(options.https != null ? { https: { ...options.https } } : {}),
    // The OTLP route sets its own limit; the API takes no bodies.
    bodyLimit: 64 * 1024,
    // Hosts ids come from the wire; a long one must still route.
    routerOptions: { maxParamLength: 1024 },
  }) as unknown as FastifyInstance;
  let core: GatewayCore;
  try {
    core = new GatewayCore({
      config,
      store,
      nowMs: options.nowMs,
      onError: (message, error) => app.log.error({ err: error }, message),
    });
  } catch (error) {
    store.close();
    throw error;
  }
  app.decorate('gateway', core);
  installErrorHandling(app, core);

  app.register(fastifySwagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Sysray gateway API',
        version: GATEWAY_VERSION,
        description:
          'Fleet state, series queries, live events and OTLP/HTTP ingest of the Sysray gateway. Every error is ' +
          '`{ "error": { "code": "SYSRAY_ERR_…", "message": "…" } }` (see docs/gateway-api.md).',
      },
      components: {
        securitySchemes: {
          apiToken: {
            type: 'http',
            scheme: 'bearer',
            description:
              'An API token (auth.apiTokens); role read for every GET route. Not needed when none are configured.',
          },
          ingestToken: {
            type: 'http',
            scheme: 'bearer',
            description: 'An ingest token (auth.ingestTokens). Not needed when none are configured.',
          },
        },
      },
      security: [{ apiToken: [] }],
      tags: [
        { name: 'fleet', description: 'Hosts, statuses, key metrics, live events.' },
        { name: 'series', description: 'Stored time series.' },
        { name: 'ingest', description: 'OTLP/HTTP.' },
        { name: 'operations', description: 'Health and self-metrics.' },
        { name: 'alerts', description: 'Alerts, history, rules and silences.' },
      ],
    },
    refResolver: {
      // Shared schemas keep their $id as their component name.
      buildLocalReference: (json, _baseUri, _fragment, i) =>
        typeof json.$id === 'string' ? json.$id : `def-${i}`,
    },
  });

  // API tokens: every route but `public` and `ingest` ones (the OTLP scope checks ingest tokens).
  app.addHook('onRequest', async (request) => {
    const access = routeAccess(request);
    if (access === 'public' || access === 'ingest' || core.apiTokens.open) return;
    let header = request.headers.authorization;
    const fromQuery = (request.query as Record<string, unknown> | undefined)?.access_token;
    if (
      header === undefined &&
      request.routeOptions.config.queryToken === true &&
      typeof fromQuery === 'string'
    ) {
      header = `Bearer ${fromQuery}`;
    }
    const token = core.apiTokens.match(header);
    if (token === null) {
      throw new GatewayError(
        'SYSRAY_ERR_UNAUTHORIZED',
        'missing or unknown bearer token in the Authorization header',
      );
    }
    if (!roleAllows(token.role, access === 'admin' ? 'admin' : 'read')) {
      throw new GatewayError(
        'SYSRAY_ERR_FORBIDDEN',
        `this route needs an ${access} token; this one is ${token.role}`,
      );
    }
  });

  app.register(async (api) => {
    registerApiRoutes(api, core);
    registerAlertRoutes(api, core);
    api.get(
      '/api/v1/openapi.json',
      {
        schema: {
          summary: 'This OpenAPI document',
          tags: ['operations'],
          response: {
            200: { description: 'OpenAPI 3.0 document.', type: 'object', additionalProperties: true },
          },
        },
      },
      async (_request, reply) => reply.serializer(JSON.stringify).send(app.swagger()),
    );
  });
  registerOtlpHttp(app, core);
  registerDashboard(app, { dir: options.dashboardDir });

  app.addHook('onReady', async () => {
    core.ready = true;
    core.startTimers();
  });
  app.addHook('preClose', async () => core.beginClose());
  app.addHook('onClose', async () => core.close());
  return app;
}
