import { METRIC_CATALOG } from '@sysray/proto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { GatewayCore } from '../core.js';
import { GatewayError } from '../errors.js';
import {
  FLEET_TOP_METRICS,
  HOST_STATUSES,
  TOP_METRICS,
  type HostStatus,
  type TopMetric,
} from '../fleet/fleet-state.js';
import { StoreError } from '../store/errors.js';
import type { Aggregation, SeriesResult } from '../store/types.js';
import { errorResponses, TOP_METRIC_UNITS } from './schemas.js';
import { formatDurationMs, parseDurationMs, parseTimeMs } from './time.js';

/**
 * The REST API under /api/v1 (JSON), the event stream, health and the gateway's own metrics. Every
 * route declares its schema; responses are serialized by it, and the OpenAPI document is built from it.
 */

export const AGGREGATIONS: readonly Aggregation[] = Object.freeze([
  'avg',
  'min',
  'max',
  'sum',
  'last',
  'count',
  'rate',
]);

const MATCH_PARAM = /^match\[(.+)\]$/;

interface SeriesQueryString {
  readonly metric: string;
  readonly from?: string;
  readonly to?: string;
  readonly step?: string;
  readonly agg?: Aggregation;
  readonly [match: `match[${string}]`]: string | undefined;
}

/** `match[key]=value` query parameters as a record. */
export function matchParams(query: Readonly<Record<string, unknown>>): Record<string, string> {
  const match: Record<string, string> = {};
  for (const [name, value] of Object.entries(query)) {
    const key = MATCH_PARAM.exec(name)?.[1];
    if (key === undefined) continue;
    if (typeof value !== 'string') {
      throw new GatewayError('SYSRAY_ERR_BAD_REQUEST', `${name} must be given once`);
    }
    match[key] = value;
  }
  return match;
}

function attributesMatch(
  attributes: Readonly<Record<string, string>>,
  match: Readonly<Record<string, string>>,
): boolean {
  return Object.entries(match).every(([key, value]) => attributes[key] === value);
}

function requireHost(core: GatewayCore, id: string): void {
  if (core.fleet.host(id, core.nowMs()) === undefined) {
    throw new GatewayError('SYSRAY_ERR_NOT_FOUND', `no host with id ${JSON.stringify(id)}`);
  }
}

/** The resolved range and step of a series query, bounds enforced. */
export function resolveRange(
  query: { readonly from?: string; readonly to?: string; readonly step?: string },
  bounds: GatewayCore['config']['query'],
  nowMs: number,
): { fromMs: number; toMs: number; stepMs: number } {
  const toMs = query.to === undefined ? nowMs : parseTimeMs(query.to, nowMs);
  if (toMs === null) {
    throw new GatewayError(
      'SYSRAY_ERR_BAD_REQUEST',
      `to=${query.to}: not epoch milliseconds, ISO 8601 or now-<duration>`,
    );
  }
  const fromMs = query.from === undefined ? toMs - bounds.defaultRangeMs : parseTimeMs(query.from, nowMs);
  if (fromMs === null) {
    throw new GatewayError(
      'SYSRAY_ERR_BAD_REQUEST',
      `from=${query.from}: not epoch milliseconds, ISO 8601 or now-<duration>`,
    );
  }
  if (fromMs >= toMs)
    throw new GatewayError('SYSRAY_ERR_BAD_REQUEST', `from (${fromMs}) must be before to (${toMs})`);
  const rangeMs = toMs - fromMs;
  if (rangeMs > bounds.maxRangeMs) {
    throw new GatewayError(
      'SYSRAY_ERR_RANGE_TOO_LARGE',
      `the range spans ${formatDurationMs(rangeMs)}, more than query.maxRangeMs (${formatDurationMs(bounds.maxRangeMs)})`,
    );
  }
  let stepMs: number;
  if (query.step === undefined) {
    // About defaultPoints points, in whole seconds.
    stepMs = Math.max(1000, Math.ceil(rangeMs / bounds.defaultPoints / 1000) * 1000);
  } else {
    const parsed = parseDurationMs(query.step);
    if (parsed === null || parsed < 1) {
      throw new GatewayError(
        'SYSRAY_ERR_BAD_REQUEST',
        `step=${query.step}: not a positive duration (ms, or 30s, 5m, 1h)`,
      );
    }
    stepMs = parsed;
  }
  const points = Math.ceil(rangeMs / stepMs);
  if (points > bounds.maxPoints) {
    throw new GatewayError(
      'SYSRAY_ERR_RANGE_TOO_LARGE',
      `a step of ${formatDurationMs(stepMs)} over ${formatDurationMs(rangeMs)} gives ${points} points per series, more than query.maxPoints (${bounds.maxPoints}); use a larger step`,
    );
  }
  return { fromMs, toMs, stepMs };
}

function storeQueryError(error: unknown): unknown {
  if (!(error instanceof StoreError)) return error;
  switch (error.code) {
    case 'SYSRAY_ERR_STORE_QUERY':
      return new GatewayError('SYSRAY_ERR_BAD_REQUEST', error.message, { cause: error });
    case 'SYSRAY_ERR_STORE_LIMIT':
      return new GatewayError('SYSRAY_ERR_RANGE_TOO_LARGE', error.message, { cause: error });
    case 'SYSRAY_ERR_STORE_CLOSED':
      return new GatewayError('SYSRAY_ERR_UNAVAILABLE', 'the gateway is shutting down', { cause: error });
    default:
      return error;
  }
}

const hostIdParam = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', minLength: 1, description: 'Host id (URL-encoded).' } },
} as const;

export function registerApiRoutes(app: FastifyInstance, core: GatewayCore): void {
  const { config } = core;

  app.get<{ Querystring: { status?: HostStatus } }>(
    '/api/v1/hosts',
    {
      schema: {
        summary: 'List hosts',
        description: 'Every host the gateway has heard from, with status and latest key metrics, by name.',
        tags: ['fleet'],
        querystring: {
          type: 'object',
          properties: {
            status: { type: 'string', enum: [...HOST_STATUSES], description: 'Only hosts in this status.' },
          },
        },
        response: {
          200: {
            description: 'The hosts.',
            type: 'object',
            required: ['hosts', 'counts', 'generatedAtMs'],
            properties: {
              hosts: { type: 'array', items: { $ref: 'Host#' } },
              counts: { $ref: 'StatusCounts#' },
              generatedAtMs: {
                type: 'integer',
                description: 'Gateway time of the answer, Unix epoch milliseconds.',
              },
            },
          },
          ...errorResponses({ 400: 'Invalid status (SYSRAY_ERR_BAD_REQUEST).' }),
        },
      },
    },
    async (request) => {
      const now = core.nowMs();
      const hosts = core.fleet
        .hosts(now)
        .filter((host) => request.query.status === undefined || host.status === request.query.status);
      return { hosts, counts: core.fleet.counts(now), generatedAtMs: now };
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/v1/hosts/:id',
    {
      schema: {
        summary: 'One host',
        description:
          'A host with its status and key metrics, and the metrics it reports (series per metric).',
        tags: ['fleet'],
        params: hostIdParam,
        response: {
          200: {
            description: 'The host.',
            type: 'object',
            required: ['host', 'metrics'],
            properties: {
              host: { $ref: 'Host#' },
              metrics: { type: 'array', items: { $ref: 'HostMetric#' }, description: 'By name.' },
            },
          },
          ...errorResponses({ 404: 'No such host (SYSRAY_ERR_NOT_FOUND).' }),
        },
      },
    },
    async (request) => {
      const host = core.fleet.host(request.params.id, core.nowMs());
      if (host === undefined) {
        throw new GatewayError(
          'SYSRAY_ERR_NOT_FOUND',
          `no host with id ${JSON.stringify(request.params.id)}`,
        );
      }
      const byMetric = new Map<
        string,
        { name: string; unit: string; kind: string; series: number; lastTimestampMs: number }
      >();
      for (const series of core.store.series({ hostId: host.id })) {
        const entry = byMetric.get(series.metric);
        if (entry === undefined) {
          byMetric.set(series.metric, {
            name: series.metric,
            unit: series.unit,
            kind: series.kind,
            series: 1,
            lastTimestampMs: series.lastTimestampMs,
          });
        } else {
          entry.series += 1;
          entry.lastTimestampMs = Math.max(entry.lastTimestampMs, series.lastTimestampMs);
        }
      }
      return { host, metrics: [...byMetric.values()].sort((a, b) => a.name.localeCompare(b.name)) };
    },
  );

  app.get<{ Params: { id: string }; Querystring: SeriesQueryString }>(
    '/api/v1/hosts/:id/series',
    {
      schema: {
        summary: 'Series of one metric of a host',
        description:
          'Points of every series of `metric` on the host whose attributes include all `match[key]=value` parameters ' +
          '(e.g. `match[cpu.mode]=idle`), one value per `step` combined by `agg`. `from`/`to` take Unix epoch ' +
          'milliseconds, ISO 8601 with a zone, `now`, or `now-1h` / `-1h` (units ms s m h d w); defaults: the last ' +
          'query.defaultRangeMs up to now. `step` takes milliseconds or a duration (`30s`); default: about ' +
          'query.defaultPoints points. The range may span at most query.maxRangeMs and give at most query.maxPoints ' +
          'points per series (SYSRAY_ERR_RANGE_TOO_LARGE otherwise); at most query.maxSeries series ' +
          '(SYSRAY_ERR_TOO_MANY_SERIES). `agg` defaults to `rate` (per second) for counters, `avg` otherwise.',
        tags: ['series'],
        params: hostIdParam,
        querystring: {
          type: 'object',
          required: ['metric'],
          properties: {
            metric: {
              type: 'string',
              minLength: 1,
              description: 'Metric name, e.g. system.cpu.utilization.',
            },
            from: { type: 'string', description: 'Start (inclusive).' },
            to: { type: 'string', description: 'End (exclusive).' },
            step: { type: 'string', description: 'Step between points.' },
            agg: {
              type: 'string',
              enum: [...AGGREGATIONS],
              description: 'How points are combined per step.',
            },
          },
          patternProperties: {
            '^match\\[.+\\]$': { type: 'string', description: 'Attribute filter: match[key]=value.' },
          },
        },
        response: {
          200: {
            description: 'The series that have points in the range.',
            type: 'object',
            required: ['hostId', 'metric', 'fromMs', 'toMs', 'stepMs', 'agg', 'series'],
            properties: {
              hostId: { type: 'string' },
              metric: { type: 'string' },
              fromMs: { type: 'integer', description: 'Resolved start, Unix epoch milliseconds.' },
              toMs: { type: 'integer', description: 'Resolved end, Unix epoch milliseconds.' },
              stepMs: { type: 'integer', description: 'Resolved step, milliseconds.' },
              agg: { type: 'string', enum: [...AGGREGATIONS] },
              series: { type: 'array', items: { $ref: 'Series#' } },
            },
          },
          ...errorResponses({
            400: 'Malformed parameters (SYSRAY_ERR_BAD_REQUEST), a range or step beyond the bounds (SYSRAY_ERR_RANGE_TOO_LARGE), too many series (SYSRAY_ERR_TOO_MANY_SERIES).',
            404: 'No such host (SYSRAY_ERR_NOT_FOUND).',
          }),
        },
      },
    },
    async (request) => {
      const hostId = request.params.id;
      requireHost(core, hostId);
      const query = request.query;
      const match = matchParams(query as unknown as Readonly<Record<string, unknown>>);
      const { fromMs, toMs, stepMs } = resolveRange(query, config.query, core.nowMs());
      const candidates = core.store
        .series({ hostId, metric: query.metric })
        .filter((series) => attributesMatch(series.attributes, match));
      if (candidates.length > config.query.maxSeries) {
        throw new GatewayError(
          'SYSRAY_ERR_TOO_MANY_SERIES',
          `${candidates.length} series of ${query.metric} match, more than query.maxSeries (${config.query.maxSeries}); narrow with match[key]=value`,
        );
      }
      const agg: Aggregation = query.agg ?? (candidates[0]?.kind === 'counter' ? 'rate' : 'avg');
      let results: SeriesResult[] = [];
      if (candidates.length > 0) {
        try {
          results = core.store.query({
            hostId,
            metric: query.metric,
            match,
            fromMs,
            toMs,
            stepMs,
            agg,
            maxSeries: config.query.maxSeries,
          });
        } catch (error) {
          throw storeQueryError(error);
        }
      }
      return {
        hostId,
        metric: query.metric,
        fromMs,
        toMs,
        stepMs,
        agg,
        series: results.map((series) => ({
          attributes: series.attributes,
          unit: agg === 'rate' ? `${series.unit}/s` : agg === 'count' ? '{sample}' : series.unit,
          kind: series.kind,
          tier: series.tier,
          points: series.points,
        })),
      };
    },
  );

  app.get(
    '/api/v1/fleet',
    {
      schema: {
        summary: 'Fleet overview',
        description: `Hosts by status and the top fleet.topN hosts by ${FLEET_TOP_METRICS.join(', ')} (down hosts left out).`,
        tags: ['fleet'],
        response: {
          200: {
            description: 'Counts and top lists.',
            type: 'object',
            required: ['counts', 'top', 'generatedAtMs'],
            properties: {
              counts: { $ref: 'StatusCounts#' },
              top: {
                type: 'object',
                required: [...FLEET_TOP_METRICS],
                properties: Object.fromEntries(
                  FLEET_TOP_METRICS.map((metric) => [
                    metric,
                    { type: 'array', items: { $ref: 'TopEntry#' }, description: TOP_METRIC_UNITS[metric] },
                  ]),
                ),
              },
              generatedAtMs: { type: 'integer' },
            },
          },
          ...errorResponses(),
        },
      },
    },
    async () => {
      const now = core.nowMs();
      return {
        counts: core.fleet.counts(now),
        top: Object.fromEntries(
          FLEET_TOP_METRICS.map((metric) => [metric, core.fleet.top(metric, config.fleet.topN, now)]),
        ),
        generatedAtMs: now,
      };
    },
  );

  app.get<{ Querystring: { metric: TopMetric; limit?: number } }>(
    '/api/v1/fleet/top',
    {
      schema: {
        summary: 'Top hosts by a key metric',
        description: `Hosts with the highest value, highest first; down hosts and hosts without the metric are left out. Units: ${TOP_METRICS.map((metric) => `${metric}: ${TOP_METRIC_UNITS[metric]}`).join('; ')}.`,
        tags: ['fleet'],
        querystring: {
          type: 'object',
          required: ['metric'],
          properties: {
            metric: { type: 'string', enum: [...TOP_METRICS] },
            limit: { type: 'integer', minimum: 1, maximum: 1000, description: 'Default: fleet.topN.' },
          },
        },
        response: {
          200: {
            description: 'The ranking.',
            type: 'object',
            required: ['metric', 'unit', 'hosts'],
            properties: {
              metric: { type: 'string', enum: [...TOP_METRICS] },
              unit: { type: 'string' },
              hosts: { type: 'array', items: { $ref: 'TopEntry#' } },
            },
          },
          ...errorResponses({ 400: 'Unknown metric or bad limit (SYSRAY_ERR_BAD_REQUEST).' }),
        },
      },
    },
    async (request) => {
      const { metric, limit } = request.query;
      return {
        metric,
        unit: TOP_METRIC_UNITS[metric],
        hosts: core.fleet.top(metric, limit ?? config.fleet.topN, core.nowMs()),
      };
    },
  );

  app.get(
    '/api/v1/metrics',
    {
      schema: {
        summary: 'Metric names',
        description:
          'The metric catalog (what Sysray agents send) plus every other metric name the gateway has received, by name.',
        tags: ['series'],
        response: {
          200: {
            description: 'Every metric name, by name.',
            type: 'object',
            required: ['metrics'],
            properties: { metrics: { type: 'array', items: { $ref: 'MetricDescriptor#' } } },
          },
          ...errorResponses(),
        },
      },
    },
    async () => {
      const seen = core.fleet.metrics();
      const entries = new Map<
        string,
        {
          name: string;
          unit: string;
          kind: string;
          description: string | null;
          inCatalog: boolean;
          seen: boolean;
        }
      >();
      for (const definition of METRIC_CATALOG) {
        entries.set(definition.name, {
          name: definition.name,
          unit: definition.unit,
          kind: definition.instrument,
          description: definition.description,
          inCatalog: true,
          seen: seen.has(definition.name),
        });
      }
      for (const [name, info] of seen) {
        if (!entries.has(name)) {
          entries.set(name, {
            name,
            unit: info.unit,
            kind: info.kind,
            description: null,
            inCatalog: false,
            seen: true,
          });
        }
      }
      return { metrics: [...entries.values()].sort((a, b) => a.name.localeCompare(b.name)) };
    },
  );

  app.get(
    '/api/v1/stream',
    {
      config: { queryToken: true },
      schema: {
        summary: 'Live events (server-sent events)',
        description:
          'A text/event-stream. `event: host` carries a Host (after the host reported; at most one per host per ' +
          'stream.hostThrottleMs, the latest state last); `event: status` carries {hostId, name, previous, current, atMs} ' +
          'when a host appears or goes up/stale/down. A `: heartbeat` comment every stream.heartbeatMs. At most ' +
          'stream.maxClients clients (SYSRAY_ERR_UNAVAILABLE beyond).',
        tags: ['fleet'],
        querystring: {
          type: 'object',
          properties: {
            access_token: {
              type: 'string',
              description:
                'The API token, for clients that cannot set an Authorization header (browser EventSource); the header wins.',
            },
          },
        },
        response: {
          200: {
            description: 'The event stream, never ending.',
            content: { 'text/event-stream': { schema: { type: 'string' } } },
          },
          ...errorResponses({ 503: 'stream.maxClients reached (SYSRAY_ERR_UNAVAILABLE).' }),
        },
      },
    },
    (_request, reply) => {
      if (core.hub.full) {
        throw new GatewayError(
          'SYSRAY_ERR_UNAVAILABLE',
          `the event stream has its maximum of ${config.stream.maxClients} clients`,
        );
      }
      reply.hijack();
      core.hub.attach(reply.raw);
    },
  );

  app.get(
    '/healthz',
    {
      config: { access: 'public' },
      schema: {
        summary: 'Liveness',
        description: 'Always 200 while the process serves requests; needs no token.',
        tags: ['operations'],
        security: [],
        response: {
          200: {
            description: 'Alive.',
            type: 'object',
            required: ['status'],
            properties: { status: { type: 'string', enum: ['ok'] } },
          },
        },
      },
    },
    async () => ({ status: 'ok' }),
  );

  app.get(
    '/readyz',
    {
      config: { access: 'public' },
      schema: {
        summary: 'Readiness',
        description:
          '200 when the store answers and the gateway is not shutting down, else 503; needs no token.',
        tags: ['operations'],
        security: [],
        response: {
          200: {
            description: 'Ready.',
            type: 'object',
            required: ['status'],
            properties: { status: { type: 'string', enum: ['ready'] } },
          },
          503: { $ref: 'SysrayError#', description: 'Not ready (SYSRAY_ERR_UNAVAILABLE).' },
        },
      },
    },
    async () => {
      if (!core.ready)
        throw new GatewayError('SYSRAY_ERR_UNAVAILABLE', 'the gateway is starting or shutting down');
      try {
        core.store.stats();
      } catch (error) {
        throw new GatewayError(
          'SYSRAY_ERR_UNAVAILABLE',
          `the store does not answer: ${(error as Error).message}`,
          {
            cause: error,
          },
        );
      }
      return { status: 'ready' };
    },
  );

  app.get(
    '/metrics',
    {
      schema: {
        summary: 'Gateway self-metrics',
        description:
          'Prometheus text exposition 0.0.4: ingest requests, data points and rejects by reason, store size and series, ' +
          'hosts by status, SSE clients, forwarding queues and drops.',
        tags: ['operations'],
        response: {
          200: {
            description: 'Prometheus text format 0.0.4.',
            content: { 'text/plain': { schema: { type: 'string' } } },
          },
          ...errorResponses(),
        },
      },
    },
    async (_request, reply) => {
      reply.type('text/plain; version=0.0.4; charset=utf-8');
      return core.metricsText();
    },
  );
}

/** The route's required access, from its `config.access` (default `read`). */
export function routeAccess(request: FastifyRequest): 'public' | 'read' | 'admin' | 'ingest' {
  const access = (request.routeOptions.config as { access?: unknown } | undefined)?.access;
  return access === 'public' || access === 'admin' || access === 'ingest' ? access : 'read';
}
