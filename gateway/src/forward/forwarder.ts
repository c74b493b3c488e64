import { readFileSync } from 'node:fs';
import {
  Client,
  credentials,
  Metadata,
  status as GrpcStatus,
  type ChannelCredentials,
  type ServiceError,
} from '@grpc/grpc-js';
import { OTLP_METRICS_EXPORT_PATH } from '@sysray/proto';
import { parseForwardEndpoint, type ForwardUpstream } from '../config.js';
import type { ForwardDropReason, ForwardStats } from '../metrics/self-metrics.js';

/**
 * Forwarding to upstream OTLP/gRPC receivers (an OpenTelemetry Collector, Mimir, another gateway): each
 * received ExportMetricsServiceRequest goes out as the bytes it arrived in, through a bounded in-memory
 * queue per upstream. Ingest only enqueues (never waits): when the queue is full, the new request is
 * dropped and counted. One request is in flight per upstream, in arrival order; a retryable failure
 * (OTLP specification, "Failures": UNAVAILABLE, DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED, ABORTED,
 * OUT_OF_RANGE, CANCELLED, DATA_LOSS) is retried with exponential backoff and jitter for as long as it
 * takes; any other status drops the request (`rejected`). Nothing is persisted: a gateway restart loses
 * the queue (counted as `shutdown`).
 */

const RETRYABLE = new Set<GrpcStatus>([
  GrpcStatus.CANCELLED,
  GrpcStatus.DEADLINE_EXCEEDED,
  GrpcStatus.RESOURCE_EXHAUSTED,
  GrpcStatus.ABORTED,
  GrpcStatus.OUT_OF_RANGE,
  GrpcStatus.UNAVAILABLE,
  GrpcStatus.DATA_LOSS,
]);

/** grpc-js `compressionAlgorithms.gzip`. */
const GZIP = 2;

const identity = (bytes: Buffer): Buffer => bytes;

export interface ForwarderOptions {
  /** Reads the CA file; injectable for tests. */
  readonly readFile?: (path: string) => Buffer;
  /** Called for failures worth a log line (a rejected request, the first failure of a streak). */
  readonly onError?: (message: string) => void;
}

export class Forwarder {
  readonly label: string;
  private readonly client: Client;
  private readonly queue: Buffer[] = [];
  private queueBytes = 0;
  private inFlight = false;
  private attempt = 0;
  private timer: NodeJS.Timeout | null = null;
  private closed = false;
  private sent = 0;
  private retries = 0;
  private readonly dropped: Record<ForwardDropReason, number> = { queue_full: 0, rejected: 0, shutdown: 0 };
  private readonly idleWaiters: (() => void)[] = [];

  constructor(
    private readonly upstream: ForwardUpstream,
    private readonly options: ForwarderOptions = {},
  ) {
    this.label = upstream.endpoint;
    const { address, tls } = parseForwardEndpoint(upstream.endpoint);
    let channelCredentials: ChannelCredentials;
    if (tls) {
      const read = options.readFile ?? readFileSync;
      channelCredentials = credentials.createSsl(upstream.caFile === null ? null : read(upstream.caFile));
    } else {
      channelCredentials = credentials.createInsecure();
    }
    this.client = new Client(address, channelCredentials, {
      ...(upstream.compression === 'gzip' ? { 'grpc.default_compression_algorithm': GZIP } : {}),
    });
  }

  /** Queues one request's protobuf bytes; false (and counted) when the queue is full or closed. */
  enqueue(bytes: Uint8Array): boolean {
    if (this.closed) {
      this.dropped.shutdown += 1;
      return false;
    }
    if (
      this.queue.length >= this.upstream.queueSize ||
      this.queueBytes + bytes.byteLength > this.upstream.maxQueueBytes
    ) {
      this.dropped.queue_full += 1;
      return false;
    }
    const buffer = Buffer.isBuffer(bytes)
      ? bytes
      : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.queue.push(buffer);
    this.queueBytes += buffer.byteLength;
    this.pump();
    return true;
  }

  stats(): ForwardStats {
    return {
      upstream: this.label,
      queueLength: this.queue.length,
      queueBytes: this.queueBytes,
      sent: this.sent,
      retries: this.retries,
      dropped: { ...this.dropped },
    };
  }

  /** Resolves once the queue is empty and nothing is in flight (tests, graceful shutdown). */
  idle(): Promise<void> {
    if (this.queue.length === 0 && !this.inFlight) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Stops sending: queued requests are dropped (counted `shutdown`), the channel closed. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.dropped.shutdown += this.queue.length;
    this.queue.length = 0;
    this.queueBytes = 0;
    this.client.close();
    this.wakeIdle();
  }

  private pump(): void {
    if (this.closed || this.inFlight || this.timer !== null) return;
    const head = this.queue[0];
    if (head === undefined) {
      this.wakeIdle();
      return;
    }
    this.inFlight = true;
    const metadata = new Metadata();
    for (const [key, value] of Object.entries(this.upstream.headers)) metadata.set(key, value);
    this.client.makeUnaryRequest<Buffer, Buffer>(
      OTLP_METRICS_EXPORT_PATH,
      identity,
      identity,
      head,
      metadata,
      { deadline: Date.now() + this.upstream.timeoutMs },
      (error: ServiceError | null) => {
        this.inFlight = false;
        if (this.closed) return;
        if (error === null) {
          this.sent += 1;
          this.attempt = 0;
          this.shift();
        } else if (RETRYABLE.has(error.code)) {
          this.retries += 1;
          this.attempt += 1;
          if (this.attempt === 1)
            this.options.onError?.(`forward to ${this.label} failed, retrying: ${error.message}`);
          const base = Math.min(
            this.upstream.maxBackoffMs,
            this.upstream.initialBackoffMs * 2 ** Math.min(30, this.attempt - 1),
          );
          this.timer = setTimeout(
            () => {
              this.timer = null;
              this.pump();
            },
            base * (0.8 + 0.4 * Math.random()),
          );
          this.timer.unref();
          return;
        } else {
          this.dropped.rejected += 1;
          this.attempt = 0;
          this.options.onError?.(`forward to ${this.label} rejected a request, dropped: ${error.message}`);
          this.shift();
        }
        this.pump();
      },
    );
  }

  private shift(): void {
    const head = this.queue.shift();
    if (head !== undefined) this.queueBytes -= head.byteLength;
  }

  private wakeIdle(): void {
    if (this.queue.length > 0 && !this.closed) return;
    for (const wake of this.idleWaiters.splice(0)) wake();
  }
}

/** The forwarders of every configured upstream. */
export class ForwardPool {
  private readonly forwarders: Forwarder[];

  constructor(upstreams: readonly ForwardUpstream[], options: ForwarderOptions = {}) {
    this.forwarders = upstreams.map((upstream) => new Forwarder(upstream, options));
  }

  get size(): number {
    return this.forwarders.length;
  }

  enqueue(bytes: Uint8Array): void {
    for (const forwarder of this.forwarders) forwarder.enqueue(bytes);
  }

  stats(): ForwardStats[] {
    return this.forwarders.map((forwarder) => forwarder.stats());
  }

  async idle(): Promise<void> {
    await Promise.all(this.forwarders.map((forwarder) => forwarder.idle()));
  }

  close(): void {
    for (const forwarder of this.forwarders) forwarder.close();
  }
}
