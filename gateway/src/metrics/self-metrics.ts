import type { ErrorCode } from '../errors.js';
import type { HostStatus, StatusCounts } from '../fleet/fleet-state.js';
import { HOST_STATUSES } from '../fleet/fleet-state.js';
import { REJECT_REASONS, type RejectReason } from '../ingest/normalize.js';
import type { StoreStats } from '../store/types.js';
import { renderPrometheusText, type PrometheusFamily, type PrometheusSample } from './prometheus-text.js';

/**
 * The gateway's own metrics, served at GET /metrics in the Prometheus text format. Counters live here
 * (incremented by ingest and the forwarder); levels (store size, hosts by status, SSE clients, queue
 * lengths) are read from their owners at scrape time.
 */

/** How an OTLP request arrived. */
export type IngestTransport = 'grpc' | 'http' | 'nats';

export const INGEST_TRANSPORTS: readonly IngestTransport[] = Object.freeze(['grpc', 'http', 'nats']);

/** Why a forwarded request was dropped: the queue was full, the upstream refused it for good, shutdown. */
export type ForwardDropReason = 'queue_full' | 'rejected' | 'shutdown';

export const FORWARD_DROP_REASONS: readonly ForwardDropReason[] = Object.freeze([
  'queue_full',
  'rejected',
  'shutdown',
]);

/** Point rejects: normalization's reasons plus `store` (refused by the store, e.g. outside retention). */
export type PointRejectReason = RejectReason | 'store';

export interface ForwardStats {
  readonly upstream: string;
  readonly queueLength: number;
  readonly queueBytes: number;
  readonly sent: number;
  readonly retries: number;
  readonly dropped: Readonly<Record<ForwardDropReason, number>>;
}

/** Levels read at scrape time. */
export interface SelfMetricsSources {
  storeStats(): StoreStats;
  hostCounts(): StatusCounts;
  sseClients(): number;
  forwardStats(): readonly ForwardStats[];
  deltaSeries(): { readonly tracked: number; readonly evicted: number };
  /** The NATS consumer's counters; null when NATS is not consumed. */
  natsStats?(): {
    readonly lag: number | null;
    readonly undecodable: number;
    readonly duplicates: number;
  } | null;
}

class CounterVec {
  private readonly values = new Map<string, { labels: Record<string, string>; value: number }>();

  inc(labels: Record<string, string>, by = 1): void {
    const key = JSON.stringify(Object.entries(labels).sort());
    const held = this.values.get(key);
    if (held === undefined) this.values.set(key, { labels, value: by });
    else held.value += by;
  }

  get(labels: Record<string, string>): number {
    return this.values.get(JSON.stringify(Object.entries(labels).sort()))?.value ?? 0;
  }

  samples(): PrometheusSample[] {
    return [...this.values.values()].map(({ labels, value }) => ({ labels, value }));
  }
}

/** The error codes an OTLP request can end with, pre-set to zero per transport. */
const INGEST_ERROR_CODES: readonly ErrorCode[] = [
  'SYSRAY_ERR_BAD_REQUEST',
  'SYSRAY_ERR_INVALID_PAYLOAD',
  'SYSRAY_ERR_UNAUTHORIZED',
  'SYSRAY_ERR_PAYLOAD_TOO_LARGE',
  'SYSRAY_ERR_UNSUPPORTED_MEDIA_TYPE',
  'SYSRAY_ERR_UNAVAILABLE',
  'SYSRAY_ERR_INTERNAL',
];

function errorReason(code: ErrorCode): string {
  return code.replace(/^SYSRAY_ERR_/, '').toLowerCase();
}

export class GatewayMetrics {
  private readonly requests = new CounterVec();
  private readonly requestErrors = new CounterVec();
  private readonly batches = new CounterVec();
  private readonly points = new CounterVec();
  private readonly rejectedPoints = new CounterVec();
  private readonly skippedPoints = new CounterVec();
  private readonly maintenance = new CounterVec();
  private readonly httpErrors = new CounterVec();

  constructor(
    private readonly version: string,
    private readonly startedAtMs: number,
  ) {
    // Known label values start at zero so rates work from the first scrape.
    for (const transport of INGEST_TRANSPORTS) {
      this.requests.inc({ transport }, 0);
      this.batches.inc({ transport }, 0);
      this.points.inc({ transport }, 0);
      this.skippedPoints.inc({ transport }, 0);
      for (const code of INGEST_ERROR_CODES)
        this.requestErrors.inc({ transport, reason: errorReason(code) }, 0);
    }
    for (const reason of [...REJECT_REASONS, 'store']) this.rejectedPoints.inc({ reason }, 0);
    for (const outcome of ['ok', 'error']) this.maintenance.inc({ outcome }, 0);
  }

  /** An OTLP request accepted (fully or partially). */
  countRequest(transport: IngestTransport): void {
    this.requests.inc({ transport });
  }

  /** An OTLP request refused whole, by error code. */
  countRequestError(transport: IngestTransport, code: ErrorCode): void {
    this.requestErrors.inc({ transport, reason: errorReason(code) });
  }

  countIngest(
    transport: IngestTransport,
    outcome: {
      readonly batches: number;
      readonly accepted: number;
      readonly skipped: number;
      readonly rejectedByReason: ReadonlyMap<PointRejectReason, number>;
    },
  ): void {
    this.batches.inc({ transport }, outcome.batches);
    this.points.inc({ transport }, outcome.accepted);
    this.skippedPoints.inc({ transport }, outcome.skipped);
    for (const [reason, count] of outcome.rejectedByReason) this.rejectedPoints.inc({ reason }, count);
  }

  countMaintenance(ok: boolean): void {
    this.maintenance.inc({ outcome: ok ? 'ok' : 'error' });
  }

  /** An API error response, by code (ingest errors are counted by countRequestError). */
  countApiError(code: ErrorCode): void {
    this.httpErrors.inc({ code });
  }

  /** Current value of a counter, for tests and health: `requests`, `points`, … with its labels. */
  counter(
    name: 'requests' | 'requestErrors' | 'batches' | 'points' | 'rejectedPoints' | 'skippedPoints',
    labels: Record<string, string>,
  ): number {
    return this[name].get(labels);
  }

  render(sources: SelfMetricsSources, nowMs: number): string {
    const stats = sources.storeStats();
    const counts = sources.hostCounts();
    const forward = sources.forwardStats();
    const delta = sources.deltaSeries();
    const perUpstream = (pick: (stats: ForwardStats) => number): PrometheusSample[] =>
      forward.map((entry) => ({ labels: { upstream: entry.upstream }, value: pick(entry) }));
    const families: PrometheusFamily[] = [
      {
        name: 'sysray_gateway_build_info',
        help: 'Gateway version; always 1.',
        type: 'gauge',
        samples: [{ labels: { version: this.version }, value: 1 }],
      },
      {
        name: 'sysray_gateway_uptime_seconds',
        help: 'Seconds since the gateway started.',
        type: 'gauge',
        samples: [{ value: Math.max(0, (nowMs - this.startedAtMs) / 1000) }],
      },
      {
        name: 'sysray_gateway_ingest_requests_total',
        help: 'OTLP export requests accepted (fully or with partial success), by transport.',
        type: 'counter',
        samples: this.requests.samples(),
      },
      {
        name: 'sysray_gateway_ingest_request_errors_total',
        help: 'OTLP export requests refused whole, by transport and reason (the error code).',
        type: 'counter',
        samples: this.requestErrors.samples(),
      },
      {
        name: 'sysray_gateway_ingest_batches_total',
        help: 'Per-resource batches committed to the store, by transport.',
        type: 'counter',
        samples: this.batches.samples(),
      },
      {
        name: 'sysray_gateway_ingest_datapoints_total',
        help: 'Data points committed to the store, by transport.',
        type: 'counter',
        samples: this.points.samples(),
      },
      {
        name: 'sysray_gateway_ingest_rejected_datapoints_total',
        help: 'Data points rejected (reported to the sender as partial success), by reason.',
        type: 'counter',
        samples: this.rejectedPoints.samples(),
      },
      {
        name: 'sysray_gateway_ingest_skipped_datapoints_total',
        help: 'Data points flagged NO_RECORDED_VALUE, skipped, by transport.',
        type: 'counter',
        samples: this.skippedPoints.samples(),
      },
      {
        name: 'sysray_gateway_delta_series',
        help: 'DELTA series whose running totals the gateway keeps.',
        type: 'gauge',
        samples: [{ value: delta.tracked }],
      },
      {
        name: 'sysray_gateway_delta_series_evicted_total',
        help: 'DELTA series forgotten because limits.maxDeltaSeries was reached.',
        type: 'counter',
        samples: [{ value: delta.evicted }],
      },
      {
        name: 'sysray_gateway_store_size_bytes',
        help: 'Store database file plus WAL.',
        type: 'gauge',
        samples: [{ value: stats.sizeBytes }],
      },
      {
        name: 'sysray_gateway_store_series',
        help: 'Series in the store.',
        type: 'gauge',
        samples: [{ value: stats.series }],
      },
      {
        name: 'sysray_gateway_store_samples',
        help: 'Raw samples kept in the store.',
        type: 'gauge',
        samples: [{ value: stats.rawSamples }],
      },
      {
        name: 'sysray_gateway_store_maintenance_runs_total',
        help: 'Store maintenance runs (pack, roll up, retention), by outcome.',
        type: 'counter',
        samples: this.maintenance.samples(),
      },
      {
        name: 'sysray_gateway_hosts',
        help: 'Hosts known to the gateway, by status.',
        type: 'gauge',
        samples: HOST_STATUSES.map((status: HostStatus) => ({ labels: { status }, value: counts[status] })),
      },
      {
        name: 'sysray_gateway_sse_clients',
        help: 'Clients connected to GET /api/v1/stream.',
        type: 'gauge',
        samples: [{ value: sources.sseClients() }],
      },
      {
        name: 'sysray_gateway_api_errors_total',
        help: 'API error responses, by error code.',
        type: 'counter',
        samples: this.httpErrors.samples(),
      },
      {
        name: 'sysray_gateway_forward_queue_length',
        help: 'Requests waiting to be forwarded, by upstream.',
        type: 'gauge',
        samples: perUpstream((entry) => entry.queueLength),
      },
      {
        name: 'sysray_gateway_forward_queue_bytes',
        help: 'Bytes waiting to be forwarded, by upstream.',
        type: 'gauge',
        samples: perUpstream((entry) => entry.queueBytes),
      },
      {
        name: 'sysray_gateway_forward_sent_total',
        help: 'Requests forwarded and acknowledged, by upstream.',
        type: 'counter',
        samples: perUpstream((entry) => entry.sent),
      },
      {
        name: 'sysray_gateway_forward_retries_total',
        help: 'Forward attempts that failed and were retried, by upstream.',
        type: 'counter',
        samples: perUpstream((entry) => entry.retries),
      },
      {
        name: 'sysray_gateway_forward_dropped_total',
        help: 'Requests not forwarded, by upstream and reason (queue_full, rejected, shutdown).',
        type: 'counter',
        samples: forward.flatMap((entry) =>
          FORWARD_DROP_REASONS.map((reason) => ({
            labels: { upstream: entry.upstream, reason },
            value: entry.dropped[reason],
          })),
        ),
      },
    ];
    const nats = sources.natsStats?.() ?? null;
    if (nats !== null) {
      families.push(
        {
          name: 'sysray_gateway_nats_consumer_lag_messages',
          help: 'Messages in the NATS stream not yet delivered to the gateway consumer (num_pending).',
          type: 'gauge',
          samples: nats.lag === null ? [] : [{ value: nats.lag }],
        },
        {
          name: 'sysray_gateway_nats_undecodable_messages_total',
          help: 'NATS messages that could not be decoded as OTLP and were terminated.',
          type: 'counter',
          samples: [{ value: nats.undecodable }],
        },
        {
          name: 'sysray_gateway_nats_duplicate_messages_total',
          help: 'NATS messages whose batches had been committed before (redeliveries), acknowledged again.',
          type: 'counter',
          samples: [{ value: nats.duplicates }],
        },
      );
    }
    return renderPrometheusText(families);
  }
}
