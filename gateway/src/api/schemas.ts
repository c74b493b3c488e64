import { ERROR_BODY_SCHEMA } from '../errors.js';
import { HOST_STATUSES, type TopMetric } from '../fleet/fleet-state.js';
import { KEY_METRIC_NAMES } from '../fleet/key-metrics.js';

/**
 * JSON schemas of the API: fastify validates requests and serializes responses with them, and
 * @fastify/swagger builds the OpenAPI document (GET /api/v1/openapi.json) from them. Shared shapes are
 * registered once with an `$id` and referenced as `<id>#`; they become `components.schemas`.
 * Nullable fields use OpenAPI 3.0's `nullable`.
 */

const ratio = (description: string): Record<string, unknown> => ({
  type: 'number',
  nullable: true,
  description,
});

const KEY_METRIC_DESCRIPTIONS: Readonly<Record<(typeof KEY_METRIC_NAMES)[number], string>> = {
  cpuUtilization: 'Busy share of all CPUs (1 - idle), 0..1.',
  memoryUtilization: 'Used share of memory, 0..1.',
  filesystemMaxUtilization: 'Used share of the fullest filesystem, 0..1.',
  pressureCpuSome10: 'PSI cpu some avg10, percent.',
  pressureMemorySome10: 'PSI memory some avg10, percent.',
  pressureIoSome10: 'PSI io some avg10, percent.',
  networkReceiveBytesPerSecond: 'Bytes received per second, all interfaces but loopback.',
  networkTransmitBytesPerSecond: 'Bytes transmitted per second, all interfaces but loopback.',
  load1: '1-minute load average, threads.',
  uptimeSeconds: 'Seconds since boot.',
  gpuUtilization: 'Utilization of the busiest GPU, 0..1; null without GPUs.',
};

export const HOST_METRICS_SCHEMA = {
  $id: 'HostMetrics',
  type: 'object',
  description: 'Latest key metrics of a host; null where the host has not reported the metric.',
  required: [...KEY_METRIC_NAMES],
  properties: Object.fromEntries(
    KEY_METRIC_NAMES.map((name) => [name, ratio(KEY_METRIC_DESCRIPTIONS[name])]),
  ),
} as const;

const stringMap = {
  type: 'object',
  additionalProperties: { type: 'string' },
} as const;

export const HOST_SCHEMA = {
  $id: 'Host',
  type: 'object',
  required: [
    'id',
    'name',
    'status',
    'agentVersion',
    'resource',
    'firstSeenMs',
    'lastSeenMs',
    'metrics',
    'metricsAtMs',
  ],
  properties: {
    id: {
      type: 'string',
      description: 'Host key: resource host.id, else host.name, else service.instance.id, else service.name.',
    },
    name: { type: 'string', description: 'Resource host.name, else the id.' },
    status: {
      type: 'string',
      enum: [...HOST_STATUSES],
      description:
        'up: reported within status.staleAfterMs; stale: within status.downAfterMs; down: longer ago.',
    },
    agentVersion: {
      type: 'string',
      nullable: true,
      description: 'service.version when service.name is sysray-agent, else null.',
    },
    resource: { ...stringMap, description: 'Resource attributes of the latest report, values stringified.' },
    firstSeenMs: { type: 'integer', description: 'First report received, Unix epoch milliseconds.' },
    lastSeenMs: { type: 'integer', description: 'Latest report received, Unix epoch milliseconds.' },
    metrics: { $ref: 'HostMetrics#' },
    metricsAtMs: {
      type: 'integer',
      nullable: true,
      description: 'Sample time of the newest key metric, Unix epoch milliseconds.',
    },
  },
} as const;

export const STATUS_COUNTS_SCHEMA = {
  $id: 'StatusCounts',
  type: 'object',
  required: ['up', 'stale', 'down', 'total'],
  properties: {
    up: { type: 'integer' },
    stale: { type: 'integer' },
    down: { type: 'integer' },
    total: { type: 'integer' },
  },
} as const;

export const TOP_ENTRY_SCHEMA = {
  $id: 'TopEntry',
  type: 'object',
  required: ['hostId', 'name', 'status', 'value'],
  properties: {
    hostId: { type: 'string' },
    name: { type: 'string' },
    status: { type: 'string', enum: [...HOST_STATUSES] },
    value: { type: 'number', description: 'In the unit of the ranked metric (see /api/v1/fleet/top).' },
  },
} as const;

const KIND_SCHEMA = { type: 'string', enum: ['counter', 'gauge', 'updowncounter'] } as const;

export const HOST_METRIC_SCHEMA = {
  $id: 'HostMetric',
  type: 'object',
  description: 'A metric a host reports.',
  required: ['name', 'unit', 'kind', 'series', 'lastTimestampMs'],
  properties: {
    name: { type: 'string' },
    unit: { type: 'string', description: 'UCUM unit as sent.' },
    kind: {
      ...KIND_SCHEMA,
      description: 'counter: cumulative, rates at query time; gauge/updowncounter: levels.',
    },
    series: { type: 'integer', description: 'Series of this metric on the host (attribute combinations).' },
    lastTimestampMs: { type: 'integer', description: 'Newest sample, Unix epoch milliseconds.' },
  },
} as const;

export const SERIES_SCHEMA = {
  $id: 'Series',
  type: 'object',
  description: 'One series of a query answer.',
  required: ['attributes', 'unit', 'kind', 'tier', 'points'],
  properties: {
    attributes: { ...stringMap, description: 'Data point attributes of the series.' },
    unit: {
      type: 'string',
      description: 'Unit of the values: the metric unit, `<unit>/s` for rate, `{sample}` for count.',
    },
    kind: KIND_SCHEMA,
    tier: { type: 'string', enum: ['raw', '1m', '1h'], description: 'Store tier that answered.' },
    points: {
      type: 'array',
      description: '[timestamp ms (start of the step), value] in time order; empty steps left out.',
      items: { type: 'array', items: { type: 'number' }, minItems: 2, maxItems: 2 },
    },
  },
} as const;

export const METRIC_DESCRIPTOR_SCHEMA = {
  $id: 'MetricDescriptor',
  type: 'object',
  required: ['name', 'unit', 'kind', 'description', 'inCatalog', 'seen'],
  properties: {
    name: { type: 'string' },
    unit: { type: 'string', description: 'UCUM unit.' },
    kind: KIND_SCHEMA,
    description: { type: 'string', nullable: true, description: 'From the catalog; null otherwise.' },
    inCatalog: { type: 'boolean', description: 'In the metric catalog (docs/metrics.md).' },
    seen: { type: 'boolean', description: 'Received by this gateway.' },
  },
} as const;

export const SHARED_SCHEMAS = [
  ERROR_BODY_SCHEMA,
  HOST_METRICS_SCHEMA,
  HOST_SCHEMA,
  STATUS_COUNTS_SCHEMA,
  TOP_ENTRY_SCHEMA,
  HOST_METRIC_SCHEMA,
  SERIES_SCHEMA,
  METRIC_DESCRIPTOR_SCHEMA,
] as const;

const errorRef = { $ref: 'SysrayError#' } as const;

const AUTH_ERRORS = {
  401: 'Missing or unknown bearer token (SYSRAY_ERR_UNAUTHORIZED).',
  403: "The token's role does not allow the route (SYSRAY_ERR_FORBIDDEN).",
} as const;

/** Error responses of an authenticated API route: 401 and 403, plus the route's own (status → meaning). */
export function errorResponses(own: Readonly<Record<number, string>> = {}): Record<string, unknown> {
  const responses: Record<string, unknown> = {};
  for (const [status, description] of Object.entries({ ...AUTH_ERRORS, ...own })) {
    responses[status] = { ...errorRef, description };
  }
  return responses;
}

export const TOP_METRIC_UNITS: Readonly<Record<TopMetric, string>> = {
  cpu: 'ratio 0..1',
  memory: 'ratio 0..1',
  disk: 'ratio 0..1 (fullest filesystem)',
  psi: 'percent (highest of PSI cpu, memory, io some avg10)',
  psi_cpu: 'percent',
  psi_memory: 'percent',
  psi_io: 'percent',
  gpu: 'ratio 0..1 (busiest GPU)',
  load: 'threads (1-minute load average)',
  network_rx: 'bytes per second',
  network_tx: 'bytes per second',
};
