import { isIP } from 'node:net';
import { resolve as resolvePath } from 'node:path';
import { Ajv } from 'ajv';
import { DEFAULT_RETENTION } from './store/sqlite-store.js';
import type { RetentionPolicy } from './store/types.js';

/**
 * The gateway's options: defaults, deep-merged with what the caller gives, validated against
 * GATEWAY_CONFIG_SCHEMA once (unknown keys and wrong types are errors that name the path), checked for
 * contradictions, then deeply frozen. Every duration is milliseconds (`…Ms`), every size bytes.
 */

export interface ListenAddress {
  /** Interface address to bind: `127.0.0.1`, `::1`, `0.0.0.0`, `localhost`. */
  readonly host: string;
  /** TCP port; 0 picks a free one (tests). */
  readonly port: number;
}

/** `read`: every GET route. `admin`: everything `read` may, plus write routes (none yet). */
export type ApiRole = 'read' | 'admin';

export interface ApiToken {
  /** The bearer token itself (`Authorization: Bearer <token>`). */
  readonly token: string;
  readonly role: ApiRole;
  /** Who holds it, for logs; never the token. */
  readonly name: string;
}

export interface TlsFiles {
  /** PEM certificate chain file. */
  readonly certFile: string;
  /** PEM private key file. */
  readonly keyFile: string;
  /** PEM CA bundle; when set, clients must present a certificate it signed (mutual TLS). */
  readonly caFile: string | null;
}

export interface ForwardUpstream {
  /**
   * OTLP/gRPC endpoint: `http://host:port` (plaintext; a non-loopback host needs `insecure`),
   * `https://host:port` or `host:port` (TLS).
   */
  readonly endpoint: string;
  /** Permission to send plaintext to a non-loopback host. */
  readonly insecure: boolean;
  /** PEM CA bundle for the upstream's certificate; null: the system's roots. */
  readonly caFile: string | null;
  /** gRPC metadata sent with every export, e.g. `{ "authorization": "Bearer …" }`; keys lowercased. */
  readonly headers: Readonly<Record<string, string>>;
  readonly compression: 'gzip' | 'none';
  /** Deadline of one export attempt, milliseconds. */
  readonly timeoutMs: number;
  /** Requests waiting to be sent; past it new requests are dropped (and counted). */
  readonly queueSize: number;
  /** Bytes waiting to be sent, the same way. */
  readonly maxQueueBytes: number;
  /** First retry delay, milliseconds; doubled per failed attempt up to maxBackoffMs, with ±20 % jitter. */
  readonly initialBackoffMs: number;
  readonly maxBackoffMs: number;
}

export interface GatewayConfig {
  /** Directory of the SQLite store (created if missing); absolute after resolution. */
  readonly dataDir: string;
  readonly listen: {
    /** REST API, SSE, /metrics, health; also accepts OTLP/HTTP POST /v1/metrics. */
    readonly api: ListenAddress;
    /** OTLP/HTTP. The same host and port as `api` means the API listener serves it alone. */
    readonly otlpHttp: ListenAddress;
    /** OTLP/gRPC. */
    readonly otlpGrpc: ListenAddress;
  };
  readonly auth: {
    /** Bearer tokens agents present on OTLP HTTP and gRPC (`authorization` header); empty: no auth. */
    readonly ingestTokens: readonly string[];
    /** Tokens for the API; empty: the API is open (allowed on loopback only). */
    readonly apiTokens: readonly ApiToken[];
  };
  readonly tls: {
    /** TLS for both HTTP listeners (API and OTLP/HTTP); null: plaintext. */
    readonly http: TlsFiles | null;
    /** TLS for OTLP/gRPC; null: plaintext. */
    readonly grpc: TlsFiles | null;
  };
  readonly status: {
    /** A host not heard from for this long is `stale` (default 30 s: three 10 s agent intervals). */
    readonly staleAfterMs: number;
    /** … and for this long `down` (default 2 min). */
    readonly downAfterMs: number;
    /** How often statuses are re-evaluated for `status` events, milliseconds. */
    readonly sweepIntervalMs: number;
  };
  readonly limits: {
    /** Largest OTLP/HTTP body as sent (compressed or not), bytes. */
    readonly maxRequestBytes: number;
    /** Largest OTLP payload once decompressed (HTTP gzip, gRPC message), bytes. */
    readonly maxDecompressedBytes: number;
    /** Points stamped further than this ahead of the gateway's clock are rejected, milliseconds. */
    readonly maxFutureMs: number;
    /** DELTA series whose running totals are kept (least recently updated forgotten first). */
    readonly maxDeltaSeries: number;
  };
  readonly query: {
    /** Range of a series query without `from`, milliseconds. */
    readonly defaultRangeMs: number;
    /** Longest range a series query may span, milliseconds. */
    readonly maxRangeMs: number;
    /** Most points per series a query may return ((to - from) / step). */
    readonly maxPoints: number;
    /** Points per series a query without `step` aims for. */
    readonly defaultPoints: number;
    /** Most series one query may return. */
    readonly maxSeries: number;
  };
  readonly stream: {
    /** SSE comment line sent to every client this often, milliseconds. */
    readonly heartbeatMs: number;
    /** At most one `host` event per host per this long, milliseconds (the latest state is sent). */
    readonly hostThrottleMs: number;
    /** Concurrent SSE clients; more are answered 503. */
    readonly maxClients: number;
  };
  readonly fleet: {
    /** Hosts in each top list of GET /api/v1/fleet. */
    readonly topN: number;
  };
  readonly store: {
    /** How often the store packs, rolls up and applies retention, milliseconds; 0: never (tests). */
    readonly maintenanceIntervalMs: number;
    /** How long each tier keeps data, milliseconds, and the database size cap in bytes (0: none). */
    readonly retention: RetentionPolicy;
    /** `normal`: a commit survives a crash of the process; `full`: also a power loss (an fsync per batch). */
    readonly synchronous: 'normal' | 'full';
  };
  readonly forward: readonly ForwardUpstream[];
  /** NATS JetStream ingest (agents publishing to `sysray.v1.metrics.<host.id>`); null: not consumed. */
  readonly nats: GatewayNatsConfig | null;
  /** Alert rules, evaluation and notifiers (docs/alerts.md). */
  readonly alerts: GatewayAlertsConfig;
}

export interface GatewayAlertsConfig {
  /** Evaluate rules at all. */
  readonly enabled: boolean;
  /** YAML rule file (docs/alerts.md); null: none. Its rules replace default-pack rules of the same name. */
  readonly rulesFile: string | null;
  /** Load the default pack (proto/src/alerts/default-pack.ts). */
  readonly defaultPack: boolean;
  /** Evaluation period, milliseconds (default 15 s). */
  readonly intervalMs: number;
  /** Base URL of the dashboard for links in notifications (generatorURL); null: none. */
  readonly externalUrl: string | null;
  /** Rows of alert history kept in alerts.db (oldest dropped first). */
  readonly historyMaxRows: number;
  readonly notifiers: readonly AlertNotifierConfig[];
}

export interface AlertNotifierConfig {
  /** Unique name (label of the delivery counters). */
  readonly name: string;
  /** `webhook`: JSON + HMAC; `alertmanager`: POST /api/v2/alerts; `slack`: incoming webhook; `nats`: subject sysray.v1.alerts.<host.id>. */
  readonly type: 'webhook' | 'alertmanager' | 'slack' | 'nats';
  /** Target URL (webhook, slack), or the Alertmanager base URL (`http://am:9093`). */
  readonly url: string | null;
  /** Webhook HMAC-SHA256 key: `X-Sysray-Signature: sha256=<hex>` of the body. */
  readonly secret: string | null;
  /** NATS servers (type nats). */
  readonly servers: readonly string[];
  readonly headers: Readonly<Record<string, string>>;
  /** Deadline of one attempt, milliseconds. */
  readonly timeoutMs: number;
  /** Attempts per notification before it is dropped (counted). */
  readonly maxAttempts: number;
  /** First retry delay, doubled per failed attempt up to maxBackoffMs. */
  readonly initialBackoffMs: number;
  readonly maxBackoffMs: number;
  /** Notifications waiting; past it new ones are dropped (counted). */
  readonly queueSize: number;
  /** Also send resolutions. */
  readonly sendResolved: boolean;
  /** Only alerts of at least this severity. */
  readonly minSeverity: 'info' | 'warning' | 'critical';
}

export interface GatewayNatsConfig {
  /** `nats://host:port`, `tls://host:port`; several for a cluster. */
  readonly servers: readonly string[];
  readonly token: string | null;
  readonly user: string | null;
  readonly pass: string | null;
  /** File holding an NKey user seed. */
  readonly nkeySeedFile: string | null;
  /** A `.creds` file (user JWT and NKey seed). */
  readonly credsFile: string | null;
  /** TLS to the server; null: plaintext (or what the URL scheme says). */
  readonly tls: {
    readonly caFile: string | null;
    readonly certFile: string | null;
    readonly keyFile: string | null;
  } | null;
  /** The stream, created when absent with the retention below (the transport's retention). */
  readonly stream: string;
  readonly durable: string;
  /** Stream retention by age, milliseconds, and by size, bytes (applied when the gateway creates it). */
  readonly maxAgeMs: number;
  readonly maxBytes: number;
}

type DeepPartial<T> = T extends readonly (infer U)[]
  ? readonly DeepPartial<U>[]
  : T extends object
    ? { readonly [K in keyof T]?: DeepPartial<T[K]> | null }
    : T;

/** What callers give: any subset of GatewayConfig. Nested objects merge with the defaults; lists replace. */
export type GatewayConfigInput = DeepPartial<GatewayConfig>;

const MIB = 1024 * 1024;

export const DEFAULT_FORWARD_UPSTREAM: Omit<ForwardUpstream, 'endpoint'> = Object.freeze({
  insecure: false,
  caFile: null,
  headers: Object.freeze({}),
  compression: 'gzip',
  timeoutMs: 10_000,
  queueSize: 1000,
  maxQueueBytes: 64 * MIB,
  initialBackoffMs: 500,
  maxBackoffMs: 30_000,
});

/** Defaults: a working local gateway on loopback with no auth. `dataDir` is relative to the working directory. */
export const DEFAULT_GATEWAY_CONFIG: GatewayConfig = deepFreeze({
  dataDir: 'sysray-data',
  listen: {
    api: { host: '127.0.0.1', port: 8080 },
    otlpHttp: { host: '127.0.0.1', port: 4318 },
    otlpGrpc: { host: '127.0.0.1', port: 4317 },
  },
  auth: { ingestTokens: [], apiTokens: [] },
  tls: { http: null, grpc: null },
  status: { staleAfterMs: 30_000, downAfterMs: 120_000, sweepIntervalMs: 1000 },
  limits: {
    maxRequestBytes: 4 * MIB,
    maxDecompressedBytes: 4 * MIB,
    maxFutureMs: 10 * 60_000,
    maxDeltaSeries: 100_000,
  },
  query: {
    defaultRangeMs: 3_600_000,
    maxRangeMs: 400 * 86_400_000,
    maxPoints: 11_000,
    defaultPoints: 300,
    maxSeries: 500,
  },
  stream: { heartbeatMs: 15_000, hostThrottleMs: 1000, maxClients: 100 },
  fleet: { topN: 5 },
  store: { maintenanceIntervalMs: 60_000, retention: { ...DEFAULT_RETENTION }, synchronous: 'normal' },
  forward: [],
  nats: null,
  alerts: {
    enabled: true,
    rulesFile: null,
    defaultPack: true,
    intervalMs: 15_000,
    externalUrl: null,
    historyMaxRows: 100_000,
    notifiers: [],
  },
});

/** Defaults of a notifier's fields (name, type and what the type needs must be given). */
export const DEFAULT_ALERT_NOTIFIER: Omit<AlertNotifierConfig, 'name' | 'type'> = Object.freeze({
  url: null,
  secret: null,
  servers: Object.freeze([]) as readonly string[],
  headers: Object.freeze({}),
  timeoutMs: 10_000,
  maxAttempts: 5,
  initialBackoffMs: 1000,
  maxBackoffMs: 60_000,
  queueSize: 1000,
  sendResolved: true,
  minSeverity: 'info',
});

/** Defaults of a `nats` section's fields (servers must be given). */
export const DEFAULT_NATS_CONFIG: Omit<GatewayNatsConfig, 'servers'> = Object.freeze({
  token: null,
  user: null,
  pass: null,
  nkeySeedFile: null,
  credsFile: null,
  tls: null,
  stream: 'SYSRAY_METRICS',
  durable: 'sysray-gateway',
  maxAgeMs: 24 * 3_600_000,
  maxBytes: 1024 * MIB,
});

const listenSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['host', 'port'],
  properties: {
    host: { type: 'string', minLength: 1 },
    port: { type: 'integer', minimum: 0, maximum: 65535 },
  },
};

const tlsSchema = {
  anyOf: [
    { type: 'null' },
    {
      type: 'object',
      additionalProperties: false,
      required: ['certFile', 'keyFile', 'caFile'],
      properties: {
        certFile: { type: 'string', minLength: 1 },
        keyFile: { type: 'string', minLength: 1 },
        caFile: { type: ['string', 'null'], minLength: 1 },
      },
    },
  ],
};

const positiveMs = { type: 'integer', minimum: 1 };

/** JSON Schema (draft-07) of a fully merged GatewayConfig. */
export const GATEWAY_CONFIG_SCHEMA = Object.freeze({
  $schema: 'http://json-schema.org/draft-07/schema#',
  type: 'object',
  additionalProperties: false,
  required: [
    'dataDir',
    'listen',
    'auth',
    'tls',
    'status',
    'limits',
    'query',
    'stream',
    'fleet',
    'store',
    'forward',
    'nats',
    'alerts',
  ],
  properties: {
    alerts: {
      type: 'object',
      additionalProperties: false,
      required: [
        'enabled',
        'rulesFile',
        'defaultPack',
        'intervalMs',
        'externalUrl',
        'historyMaxRows',
        'notifiers',
      ],
      properties: {
        enabled: { type: 'boolean' },
        rulesFile: { type: ['string', 'null'], minLength: 1 },
        defaultPack: { type: 'boolean' },
        intervalMs: { type: 'integer', minimum: 100 },
        externalUrl: { type: ['string', 'null'], minLength: 1 },
        historyMaxRows: { type: 'integer', minimum: 1 },
        notifiers: {
          type: 'array',
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['name', 'type', ...Object.keys(DEFAULT_ALERT_NOTIFIER)],
            properties: {
              name: { type: 'string', pattern: '^[A-Za-z0-9_.-]+$' },
              type: { enum: ['webhook', 'alertmanager', 'slack', 'nats'] },
              url: { type: ['string', 'null'], minLength: 1 },
              secret: { type: ['string', 'null'], minLength: 1 },
              servers: { type: 'array', items: { type: 'string', minLength: 1 } },
              headers: { type: 'object', additionalProperties: { type: 'string' } },
              timeoutMs: positiveMs,
              maxAttempts: { type: 'integer', minimum: 1 },
              initialBackoffMs: positiveMs,
              maxBackoffMs: positiveMs,
              queueSize: { type: 'integer', minimum: 1 },
              sendResolved: { type: 'boolean' },
              minSeverity: { enum: ['info', 'warning', 'critical'] },
            },
          },
        },
      },
    },
    dataDir: { type: 'string', minLength: 1 },
    listen: {
      type: 'object',
      additionalProperties: false,
      required: ['api', 'otlpHttp', 'otlpGrpc'],
      properties: { api: listenSchema, otlpHttp: listenSchema, otlpGrpc: listenSchema },
    },
    auth: {
      type: 'object',
      additionalProperties: false,
      required: ['ingestTokens', 'apiTokens'],
      properties: {
        ingestTokens: { type: 'array', items: { type: 'string', minLength: 8, pattern: '^\\S+$' } },
        apiTokens: {
          type: 'array',
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['token', 'role', 'name'],
            properties: {
              token: { type: 'string', minLength: 8, pattern: '^\\S+$' },
              role: { enum: ['read', 'admin'] },
              name: { type: 'string' },
            },
          },
        },
      },
    },
    tls: {
      type: 'object',
      additionalProperties: false,
      required: ['http', 'grpc'],
      properties: { http: tlsSchema, grpc: tlsSchema },
    },
    status: {
      type: 'object',
      additionalProperties: false,
      required: ['staleAfterMs', 'downAfterMs', 'sweepIntervalMs'],
      properties: { staleAfterMs: positiveMs, downAfterMs: positiveMs, sweepIntervalMs: positiveMs },
    },
    limits: {
      type: 'object',
      additionalProperties: false,
      required: ['maxRequestBytes', 'maxDecompressedBytes', 'maxFutureMs', 'maxDeltaSeries'],
      properties: {
        maxRequestBytes: { type: 'integer', minimum: 1024, maximum: 1024 * MIB },
        maxDecompressedBytes: { type: 'integer', minimum: 1024, maximum: 1024 * MIB },
        maxFutureMs: { type: 'integer', minimum: 0 },
        maxDeltaSeries: { type: 'integer', minimum: 1 },
      },
    },
    query: {
      type: 'object',
      additionalProperties: false,
      required: ['defaultRangeMs', 'maxRangeMs', 'maxPoints', 'defaultPoints', 'maxSeries'],
      properties: {
        defaultRangeMs: positiveMs,
        maxRangeMs: positiveMs,
        maxPoints: { type: 'integer', minimum: 1 },
        defaultPoints: { type: 'integer', minimum: 1 },
        maxSeries: { type: 'integer', minimum: 1 },
      },
    },
    stream: {
      type: 'object',
      additionalProperties: false,
      required: ['heartbeatMs', 'hostThrottleMs', 'maxClients'],
      properties: {
        heartbeatMs: positiveMs,
        hostThrottleMs: { type: 'integer', minimum: 0 },
        maxClients: { type: 'integer', minimum: 0 },
      },
    },
    fleet: {
      type: 'object',
      additionalProperties: false,
      required: ['topN'],
      properties: { topN: { type: 'integer', minimum: 1, maximum: 1000 } },
    },
    store: {
      type: 'object',
      additionalProperties: false,
      required: ['maintenanceIntervalMs', 'retention', 'synchronous'],
      properties: {
        maintenanceIntervalMs: { type: 'integer', minimum: 0 },
        retention: {
          type: 'object',
          additionalProperties: false,
          required: ['rawMs', 'minuteMs', 'hourMs', 'maxBytes'],
          properties: {
            rawMs: positiveMs,
            minuteMs: positiveMs,
            hourMs: positiveMs,
            maxBytes: { type: 'integer', minimum: 0 },
          },
        },
        synchronous: { enum: ['normal', 'full'] },
      },
    },
    nats: {
      anyOf: [
        { type: 'null' },
        {
          type: 'object',
          additionalProperties: false,
          required: ['servers', ...Object.keys(DEFAULT_NATS_CONFIG)],
          properties: {
            servers: { type: 'array', minItems: 1, items: { type: 'string', minLength: 1 } },
            token: { type: ['string', 'null'], minLength: 1 },
            user: { type: ['string', 'null'], minLength: 1 },
            pass: { type: ['string', 'null'] },
            nkeySeedFile: { type: ['string', 'null'], minLength: 1 },
            credsFile: { type: ['string', 'null'], minLength: 1 },
            tls: {
              anyOf: [
                { type: 'null' },
                {
                  type: 'object',
                  additionalProperties: false,
                  properties: {
                    caFile: { type: ['string', 'null'], minLength: 1 },
                    certFile: { type: ['string', 'null'], minLength: 1 },
                    keyFile: { type: ['string', 'null'], minLength: 1 },
                  },
                },
              ],
            },
            stream: { type: 'string', pattern: '^[A-Za-z0-9_-]+$' },
            durable: { type: 'string', pattern: '^[A-Za-z0-9_-]+$' },
            maxAgeMs: positiveMs,
            maxBytes: { type: 'integer', minimum: 1024 },
          },
        },
      ],
    },
    forward: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: Object.keys({ endpoint: '', ...DEFAULT_FORWARD_UPSTREAM }),
        properties: {
          endpoint: { type: 'string', minLength: 1 },
          insecure: { type: 'boolean' },
          caFile: { type: ['string', 'null'], minLength: 1 },
          headers: { type: 'object', additionalProperties: { type: 'string' } },
          compression: { enum: ['gzip', 'none'] },
          timeoutMs: positiveMs,
          queueSize: { type: 'integer', minimum: 1 },
          maxQueueBytes: { type: 'integer', minimum: 1024 },
          initialBackoffMs: positiveMs,
          maxBackoffMs: positiveMs,
        },
      },
    },
  },
});

/** Thrown for a configuration that fails the schema or contradicts itself; lists every problem found. */
export class GatewayConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid gateway configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'GatewayConfigError';
  }
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const item of Object.values(value)) deepFreeze(item);
  }
  return value;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Defaults under `input`: objects merge key by key, anything else (lists included) replaces; null/undefined keep the default. */
function merge(base: unknown, input: unknown): unknown {
  if (input === undefined || input === null) return base;
  if (isPlainObject(base) && isPlainObject(input)) {
    const out: Record<string, unknown> = { ...base };
    for (const [key, value] of Object.entries(input)) out[key] = merge(base[key], value);
    return out;
  }
  return input;
}

/** True for addresses only this machine can reach: 127.0.0.0/8, ::1, `localhost`. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (bare === 'localhost' || bare === '::1' || bare === '0:0:0:0:0:0:0:1') return true;
  if (isIP(bare) === 4) return bare.startsWith('127.');
  if (bare.startsWith('::ffff:')) return bare.slice(7).startsWith('127.');
  return false;
}

/** Host of a forward endpoint (`http://h:p`, `https://h:p`, `h:p`) and whether it is plaintext. */
export function parseForwardEndpoint(endpoint: string): { address: string; host: string; tls: boolean } {
  const match = /^(?:(https?):\/\/)?(\[[^\]]+\]|[^:/]+)(?::(\d+))?\/?$/.exec(endpoint);
  if (match === null)
    throw new Error(`forward endpoint ${JSON.stringify(endpoint)} is not [http[s]://]host[:port]`);
  const scheme = match[1];
  const host = match[2] ?? '';
  const tls = scheme !== 'http';
  const port = match[3] ?? (scheme === 'http' ? '80' : scheme === 'https' ? '443' : '4317');
  return { address: `${host}:${port}`, host, tls };
}

const validate = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true }).compile(
  GATEWAY_CONFIG_SCHEMA,
);

function contradictions(config: GatewayConfig): string[] {
  const problems: string[] = [];
  const { status, query, listen, auth } = config;
  if (status.downAfterMs <= status.staleAfterMs) {
    problems.push(
      `status.downAfterMs (${status.downAfterMs}) must be greater than status.staleAfterMs (${status.staleAfterMs})`,
    );
  }
  if (query.defaultRangeMs > query.maxRangeMs) {
    problems.push(
      `query.defaultRangeMs (${query.defaultRangeMs}) exceeds query.maxRangeMs (${query.maxRangeMs})`,
    );
  }
  if (query.defaultPoints > query.maxPoints) {
    problems.push(
      `query.defaultPoints (${query.defaultPoints}) exceeds query.maxPoints (${query.maxPoints})`,
    );
  }
  const grpc = listen.otlpGrpc;
  for (const name of ['api', 'otlpHttp'] as const) {
    const other = listen[name];
    if (grpc.port !== 0 && other.port === grpc.port && other.host === grpc.host) {
      problems.push(`listen.otlpGrpc and listen.${name} both bind ${grpc.host}:${grpc.port}`);
    }
  }
  const roles = new Map<string, ApiRole>();
  for (const { token, role } of auth.apiTokens) {
    const seen = roles.get(token);
    if (seen !== undefined && seen !== role)
      problems.push(`an API token is listed with both roles ${seen} and ${role}`);
    roles.set(token, role);
  }
  // Exposure: a listener other hosts can reach must require a token (ARCHITECTURE.md: the open default
  // is for loopback only).
  if (auth.apiTokens.length === 0 && !isLoopbackHost(listen.api.host)) {
    problems.push(
      `listen.api.host ${listen.api.host} is reachable from other machines and auth.apiTokens is empty: the API would be open to the network; add an API token or bind 127.0.0.1`,
    );
  }
  if (auth.ingestTokens.length === 0) {
    for (const name of ['otlpHttp', 'otlpGrpc'] as const) {
      if (!isLoopbackHost(listen[name].host)) {
        problems.push(
          `listen.${name}.host ${listen[name].host} is reachable from other machines and auth.ingestTokens is empty: anyone could write metrics; add an ingest token or bind 127.0.0.1`,
        );
      }
    }
  }
  const notifierNames = new Set<string>();
  config.alerts.notifiers.forEach((notifier, index) => {
    if (notifierNames.has(notifier.name))
      problems.push(`alerts.notifiers[${index}].name ${notifier.name} is used twice`);
    notifierNames.add(notifier.name);
    if (notifier.type === 'nats' ? notifier.servers.length === 0 : notifier.url === null) {
      problems.push(
        `alerts.notifiers[${index}] (${notifier.type}) needs ${notifier.type === 'nats' ? 'servers' : 'url'}`,
      );
    }
    if (notifier.maxBackoffMs < notifier.initialBackoffMs) {
      problems.push(`alerts.notifiers[${index}].maxBackoffMs is below initialBackoffMs`);
    }
  });
  config.forward.forEach((upstream, index) => {
    try {
      const { host, tls } = parseForwardEndpoint(upstream.endpoint);
      if (!tls && !upstream.insecure && !isLoopbackHost(host)) {
        problems.push(
          `forward[${index}].endpoint ${upstream.endpoint} is plaintext to a non-loopback host; use https:// or set insecure: true`,
        );
      }
      if (!tls && upstream.caFile !== null) {
        problems.push(`forward[${index}].caFile is set but ${upstream.endpoint} is plaintext`);
      }
    } catch (error) {
      problems.push(`forward[${index}]: ${(error as Error).message}`);
    }
    if (upstream.maxBackoffMs < upstream.initialBackoffMs) {
      problems.push(`forward[${index}].maxBackoffMs is below initialBackoffMs`);
    }
  });
  return problems;
}

/**
 * Defaults + input → a validated, frozen GatewayConfig. Throws GatewayConfigError naming every schema
 * violation (unknown keys included) and every contradiction (downAfterMs ≤ staleAfterMs, a non-loopback
 * listener without tokens, two listeners on one port…).
 */
export function resolveGatewayConfig(
  input: GatewayConfigInput = {},
  cwd: string = process.cwd(),
): GatewayConfig {
  const merged = merge(structuredClone(DEFAULT_GATEWAY_CONFIG), structuredClone(input)) as Record<
    string,
    unknown
  >;
  // Upstreams and API tokens are lists (they replace the defaults); their own fields get defaults.
  if (Array.isArray(merged.forward)) {
    merged.forward = merged.forward.map((upstream: unknown) =>
      merge({ ...DEFAULT_FORWARD_UPSTREAM }, upstream),
    );
  }
  const auth = merged.auth as Record<string, unknown> | undefined;
  if (isPlainObject(auth) && Array.isArray(auth.apiTokens)) {
    auth.apiTokens = auth.apiTokens.map((token: unknown) => merge({ role: 'read', name: '' }, token));
  }
  if (isPlainObject(merged.nats)) {
    merged.nats = merge({ ...DEFAULT_NATS_CONFIG }, merged.nats);
    const natsTls = (merged.nats as Record<string, unknown>).tls;
    if (isPlainObject(natsTls)) {
      (merged.nats as Record<string, unknown>).tls = merge(
        { caFile: null, certFile: null, keyFile: null },
        natsTls,
      );
    }
  }
  const alerts = merged.alerts as Record<string, unknown> | undefined;
  if (isPlainObject(alerts) && Array.isArray(alerts.notifiers)) {
    alerts.notifiers = alerts.notifiers.map((notifier: unknown) =>
      merge({ ...DEFAULT_ALERT_NOTIFIER }, notifier),
    );
  }
  const tls = merged.tls as Record<string, unknown> | undefined;
  if (isPlainObject(tls)) {
    for (const key of ['http', 'grpc']) {
      if (isPlainObject(tls[key])) tls[key] = merge({ caFile: null }, tls[key]);
    }
  }
  if (!validate(merged)) {
    throw new GatewayConfigError(
      (validate.errors ?? []).map((error) => {
        const where = error.instancePath === '' ? '(root)' : error.instancePath.slice(1).replaceAll('/', '.');
        const extra =
          error.keyword === 'additionalProperties'
            ? ` (${(error.params as { additionalProperty: string }).additionalProperty})`
            : '';
        return `${where}: ${error.message ?? 'invalid'}${extra}`;
      }),
    );
  }
  const config = merged as unknown as GatewayConfig;
  const problems = contradictions(config);
  if (problems.length > 0) throw new GatewayConfigError(problems);
  return deepFreeze({
    ...config,
    dataDir: resolvePath(cwd, config.dataDir),
    alerts: {
      ...config.alerts,
      rulesFile: config.alerts.rulesFile === null ? null : resolvePath(cwd, config.alerts.rulesFile),
    },
    forward: config.forward.map((upstream) => ({
      ...upstream,
      headers: Object.fromEntries(
        Object.entries(upstream.headers).map(([key, value]) => [key.toLowerCase(), value]),
      ),
    })),
  });
}
