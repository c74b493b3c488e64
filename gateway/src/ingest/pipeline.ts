import type { OtlpExportMetricsServiceRequest, OtlpExportMetricsServiceResponse } from '@sysray/proto';
import { GatewayError } from '../errors.js';
import type { FleetState, StatusChange } from '../fleet/fleet-state.js';
import type { GatewayMetrics, IngestTransport, PointRejectReason } from '../metrics/self-metrics.js';
import type { MetricStore } from '../store/types.js';
import { encodeExportRequest } from './otlp-codec.js';
import { DeltaAccumulator, normalizeExportRequest } from './normalize.js';

/**
 * One path for every OTLP request, whatever the transport: normalize, commit each batch to the store,
 * update the fleet state, tell the event hub, hand the request to the forwarders, count. The store
 * commits synchronously (better-sqlite3), so when `ingest` returns the points are durable.
 */

export interface IngestListener {
  /** A host's batch was committed (its view changed). */
  hostUpdated(hostId: string): void;
  /** A host appeared or came back up. */
  statusChanged(change: StatusChange): void;
}

export interface IngestPipelineOptions {
  readonly store: MetricStore;
  readonly fleet: FleetState;
  readonly metrics: GatewayMetrics;
  readonly listener: IngestListener;
  /** Receives each decoded request's protobuf bytes; null when nothing is forwarded. */
  readonly forward: ((bytes: Uint8Array) => void) | null;
  /** Wall clock, Unix epoch milliseconds. */
  readonly nowMs: () => number;
  readonly maxFutureMs: number;
  readonly maxDeltaSeries: number;
}

export interface IngestOutcome {
  readonly response: OtlpExportMetricsServiceResponse;
  readonly accepted: number;
  readonly rejected: number;
}

export class IngestPipeline {
  readonly deltas: DeltaAccumulator;

  constructor(private readonly options: IngestPipelineOptions) {
    this.deltas = new DeltaAccumulator(options.maxDeltaSeries);
  }

  /**
   * Ingests one decoded request. `raw` is its protobuf encoding when the request arrived as protobuf
   * (forwarded unchanged); JSON requests are encoded for forwarding. Throws GatewayError
   * SYSRAY_ERR_UNAVAILABLE when the store cannot commit (the client retries).
   */
  ingest(
    request: OtlpExportMetricsServiceRequest,
    raw: Uint8Array | null,
    transport: IngestTransport,
  ): IngestOutcome {
    const { store, fleet, metrics, listener } = this.options;
    const receivedAtMs = this.options.nowMs();
    const normalized = normalizeExportRequest(
      request,
      { receivedAtMs, maxFutureMs: this.options.maxFutureMs },
      this.deltas,
    );
    const rejectedByReason = new Map<PointRejectReason, number>(normalized.rejectedByReason);
    let accepted = 0;
    let storeRejected = 0;
    const storeReasons: string[] = [];
    for (const batch of normalized.batches) {
      let result;
      try {
        result = store.append(batch);
      } catch (error) {
        throw new GatewayError(
          'SYSRAY_ERR_UNAVAILABLE',
          `the store could not commit the batch of host ${batch.hostId}: ${(error as Error).message}`,
          { cause: error },
        );
      }
      accepted += result.accepted;
      storeRejected += result.rejected;
      for (const reason of result.rejectReasons)
        if (!storeReasons.includes(reason)) storeReasons.push(reason);
      const change = fleet.observe(batch);
      if (change !== null) listener.statusChanged(change);
      listener.hostUpdated(batch.hostId);
    }
    if (storeRejected > 0) rejectedByReason.set('store', storeRejected);
    metrics.countRequest(transport);
    metrics.countIngest(transport, {
      batches: normalized.batches.length,
      accepted,
      skipped: normalized.skipped,
      rejectedByReason,
    });
    if (this.options.forward !== null) this.options.forward(raw ?? encodeExportRequest(request));

    const rejected = normalized.rejected + storeRejected;
    const messages = [normalized.errorMessage];
    if (storeRejected > 0) {
      messages.push(
        `${storeRejected} refused by the store${storeReasons.length > 0 ? ` (${storeReasons.join('; ')})` : ''}`,
      );
    }
    const errorMessage = messages.filter((message) => message !== '').join('; ');
    return {
      // OTLP: partial_success stays unset on full success.
      response:
        rejected === 0
          ? {}
          : { partial_success: { rejected_data_points: rejected, error_message: errorMessage } },
      accepted,
      rejected,
    };
  }
}
