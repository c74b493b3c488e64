import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import {
  AckPolicy,
  DeliverPolicy,
  DiscardPolicy,
  RetentionPolicy,
  StorageType,
  jetstream,
  jetstreamManager,
  type ConsumerConfig,
  type ConsumerMessages,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
  type StreamConfig,
} from '@nats-io/jetstream';
import {
  connect as natsConnect,
  credsAuthenticator,
  nanos,
  nkeyAuthenticator,
  tokenAuthenticator,
  usernamePasswordAuthenticator,
  type Authenticator,
  type ConnectionOptions,
  type NatsConnection,
  type TlsOptions,
} from '@nats-io/transport-node';
import type { AppendResult, IngestBatch, MetricStore } from '../store/types.js';
import { DeltaAccumulator, normalizeExportRequest } from './normalize.js';
import { decodeExportRequest } from './otlp-codec.js';

/**
 * The gateway's NATS ingest: a durable JetStream pull consumer on the stream agents publish to
 * (`sysray.v1.metrics.<host.id>`, OTLP ExportMetricsServiceRequest protobuf). Per message:
 * decode → normalize → `store.append` for each batch → only then ack. So a message is acknowledged only
 * once its points are durable, and a crash in between makes JetStream redeliver it (after `ackWaitMs`).
 *
 * Idempotency: each batch's batchId is `nats-msg:<Nats-Msg-Id>` (the agent's unique id for the batch,
 * the same on every re-publish from its spool) or, for publishers that set none,
 * `nats-seq:<stream>:<stream sequence>`; with several resources in one message, `#<index>` is appended.
 * The store skips a batchId it committed before, so a redelivered (or re-published) message is counted as
 * a duplicate and simply acked.
 *
 * Failure handling: a payload that does not decode, or decodes to an empty request, is `term()`ed (never
 * redelivered) and counted as undecodable; a store failure `nak()`s the message with a delay so it comes
 * back later. Connection changes are reported through `onStatus`, never thrown after start.
 *
 * The stream is created when absent (file storage, limits retention, max age / bytes from options, a
 * duplicate window so JetStream itself drops re-published msg ids); an existing stream is left as the
 * operator configured it. The durable consumer is created or updated to the options.
 */

export const DEFAULT_NATS_STREAM = 'SYSRAY_METRICS';
export const DEFAULT_NATS_SUBJECTS: readonly string[] = Object.freeze(['sysray.v1.metrics.>']);
export const DEFAULT_NATS_DURABLE = 'sysray-gateway';

export interface NatsTlsOptions {
  /** PEM CA bundle that signs the server certificate; unset: the system's roots. */
  readonly caFile?: string;
  /** PEM client certificate for mutual TLS; requires `keyFile`. */
  readonly certFile?: string;
  readonly keyFile?: string;
  /** TLS before the NATS INFO exchange (server option `handshake_first`, nats-server 2.10.4+). */
  readonly handshakeFirst?: boolean;
}

/**
 * How to reach and authenticate to NATS (the agent's export takes the same fields). At most one of:
 * `token`; `user` + `pass`; `nkeySeedFile`; `credsFile`.
 */
export interface NatsConnectionConfig {
  /** `nats://host:port`, `tls://host:port` or `host:port`; several for a cluster. */
  readonly servers: string | readonly string[];
  readonly token?: string;
  readonly user?: string;
  readonly pass?: string;
  /** File holding an NKey user seed (`SU…`). */
  readonly nkeySeedFile?: string;
  /** A `.creds` file (user JWT and NKey seed). */
  readonly credsFile?: string;
  /** TLS; present (even empty) means TLS is required. */
  readonly tls?: NatsTlsOptions;
  /** Connection name shown in the server's monitoring. Default `sysray-gateway`. */
  readonly name?: string;
  /** Timeout of one connection attempt, milliseconds. Default 5 000. */
  readonly connectTimeoutMs?: number;
  /** Wait between reconnect attempts, milliseconds. Default 2 000. */
  readonly reconnectWaitMs?: number;
}

export interface NatsConsumerOptions extends NatsConnectionConfig {
  readonly store: MetricStore;
  /** Called after each batch was committed (or found a duplicate): fleet state, live view, forwarding. */
  readonly onBatch?: (batch: IngestBatch, result: AppendResult) => void;
  /**
   * Called once per message whose batches were newly committed (not for duplicates), with the message's
   * OTLP protobuf bytes as received: for OTLP forwarding upstream.
   */
  readonly onRequest?: (bytes: Uint8Array) => void;
  /** Connection and consumer health changes, for logging. */
  readonly onStatus?: (status: NatsConsumerStatus) => void;
  /** Default `SYSRAY_METRICS`. */
  readonly stream?: string;
  /** Subjects of the stream (when created) and of the consumer's filter. Default `sysray.v1.metrics.>`. */
  readonly subjects?: readonly string[];
  /** Durable consumer name. Default `sysray-gateway`. */
  readonly durable?: string;
  /** Stream retention by age, milliseconds (when the gateway creates it). Default 24 h. */
  readonly maxAgeMs?: number;
  /** Stream size cap, bytes (when the gateway creates it); oldest messages go first. Default 1 GiB. */
  readonly maxBytes?: number;
  /** JetStream's msg-id dedupe window, milliseconds (when the gateway creates it). Default 2 min. */
  readonly duplicateWindowMs?: number;
  /** Stream replicas (when the gateway creates it); 1 for a single server, 3 for a cluster. Default 1. */
  readonly replicas?: number;
  /** Messages delivered and not yet acked, at most (the consumer's max_ack_pending). Default 1 000. */
  readonly maxAckPending?: number;
  /** How long an unacked message waits before redelivery, milliseconds. Default 30 000. */
  readonly ackWaitMs?: number;
  /** Messages pulled per request. Default 100. */
  readonly batchSize?: number;
  /** Redelivery delay after a store failure, milliseconds. Default 5 000. */
  readonly nakDelayMs?: number;
  /** Normalization: points stamped further ahead of now are rejected, milliseconds. Default 10 min. */
  readonly maxFutureMs?: number;
  /** Normalization: DELTA series tracked at most. Default 100 000. */
  readonly maxDeltaSeries?: number;
  /** How often the lag (consumer pending count) is refreshed, milliseconds. Default 5 000. */
  readonly lagRefreshMs?: number;
  /** Wall clock, Unix epoch milliseconds. */
  readonly nowMs?: () => number;
}

export type NatsConsumerStatus =
  | { readonly type: 'connected'; readonly server: string; readonly reconnect: boolean }
  | { readonly type: 'disconnected'; readonly server: string }
  /** The stream or consumer had to be (re)created, e.g. after an operator deleted it. */
  | {
      readonly type: 'consumer-ready';
      readonly stream: string;
      readonly durable: string;
      readonly created: boolean;
    }
  /** Something failed (server error, consume loop error); the consumer retries by itself. */
  | { readonly type: 'error'; readonly message: string; readonly error: Error }
  | { readonly type: 'closed' };

export interface NatsConsumerStats {
  /** Messages received (redeliveries included). */
  readonly received: number;
  /** Messages whose batches were committed and acked. */
  readonly committed: number;
  /** Messages whose every batch had been committed before (redelivery, re-publish), acked. */
  readonly duplicates: number;
  /** Messages that were not an OTLP request: terminated, never redelivered. */
  readonly undecodable: number;
  /** Messages the store failed to commit: nak'ed for redelivery. */
  readonly storeFailures: number;
  /** Messages JetStream marked as redelivered. */
  readonly redelivered: number;
  /** Points committed; points refused by normalization or the store. */
  readonly acceptedPoints: number;
  readonly rejectedPoints: number;
  /** Messages in the stream not yet delivered to this consumer (num_pending), as of the last refresh. */
  readonly lag: number | null;
  /** Messages delivered and not acked yet (num_ack_pending), as of the last refresh. */
  readonly ackPending: number | null;
  readonly connected: boolean;
  /** The latest undecodable message's error. */
  readonly lastUndecodable: string | null;
}

export interface NatsConsumer {
  readonly stream: string;
  readonly durable: string;
  readonly stats: NatsConsumerStats;
  /** Asks the server for the consumer's pending counts now; null when it cannot be reached. */
  refreshLag(): Promise<number | null>;
  /**
   * Stops consuming and closes the connection. By default the message being handled is finished and
   * acked, and acks are flushed. With `abandon`, it stops at once, like a crash: messages received but
   * not yet acked (even ones whose batches were committed) are redelivered after `ackWaitMs`.
   */
  close(options?: { readonly abandon?: boolean }): Promise<void>;
}

/** A NATS setup failure at start; the message names the servers and the cause. */
export class NatsConsumerError extends Error {
  override readonly name = 'NatsConsumerError';
}

// ------------------------------------------------------------------------------------------ connection

function readConfigFile(path: string, option: string, what: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new NatsConsumerError(
      `cannot read the NATS ${what} file ${path} (${option}): ${(error as Error).message}`,
    );
  }
}

/** nats.js connection options; reads key, creds and certificate files now (errors name them). */
export function natsConnectionOptions(config: NatsConnectionConfig): ConnectionOptions {
  const servers = typeof config.servers === 'string' ? [config.servers] : [...config.servers];
  if (servers.length === 0 || servers.some((s) => s.trim() === '')) {
    throw new NatsConsumerError('at least one NATS server URL is required (servers)');
  }
  const methods = [
    config.token !== undefined ? 'token' : null,
    config.user !== undefined || config.pass !== undefined ? 'user/pass' : null,
    config.nkeySeedFile !== undefined ? 'nkeySeedFile' : null,
    config.credsFile !== undefined ? 'credsFile' : null,
  ].filter((m): m is string => m !== null);
  if (methods.length > 1) {
    throw new NatsConsumerError(`choose one NATS authentication method, got ${methods.join(' and ')}`);
  }
  let authenticator: Authenticator | undefined;
  if (config.token !== undefined) {
    authenticator = tokenAuthenticator(config.token);
  } else if (config.user !== undefined || config.pass !== undefined) {
    if (!config.user) throw new NatsConsumerError('a NATS password needs a user');
    authenticator = usernamePasswordAuthenticator(config.user, config.pass ?? '');
  } else if (config.nkeySeedFile !== undefined) {
    const seed = readConfigFile(config.nkeySeedFile, 'nkeySeedFile', 'NKey seed').toString('utf8').trim();
    if (!/^SU[A-Z2-7]{20,}$/.test(seed)) {
      throw new NatsConsumerError(
        `the NATS NKey seed file ${config.nkeySeedFile} does not hold a user seed (one line starting with "SU")`,
      );
    }
    authenticator = nkeyAuthenticator(new TextEncoder().encode(seed));
  } else if (config.credsFile !== undefined) {
    const creds = readConfigFile(config.credsFile, 'credsFile', 'credentials');
    if (!/-----BEGIN NATS USER JWT-----/.test(creds.toString('utf8'))) {
      throw new NatsConsumerError(
        `the NATS credentials file ${config.credsFile} has no "BEGIN NATS USER JWT" section`,
      );
    }
    authenticator = credsAuthenticator(new Uint8Array(creds));
  }
  let tls: TlsOptions | undefined;
  if (config.tls !== undefined) {
    const { caFile, certFile, keyFile, handshakeFirst } = config.tls;
    if ((certFile === undefined) !== (keyFile === undefined)) {
      throw new NatsConsumerError('a NATS client certificate needs both tls.certFile and tls.keyFile');
    }
    tls = {};
    if (caFile !== undefined) {
      const ca = readConfigFile(caFile, 'tls.caFile', 'CA certificate');
      try {
        new X509Certificate(ca);
      } catch (error) {
        throw new NatsConsumerError(
          `the NATS CA file ${caFile} holds no PEM certificate: ${(error as Error).message}`,
        );
      }
      tls.ca = ca.toString('utf8');
    }
    if (certFile !== undefined && keyFile !== undefined) {
      tls.cert = readConfigFile(certFile, 'tls.certFile', 'client certificate').toString('utf8');
      tls.key = readConfigFile(keyFile, 'tls.keyFile', 'client key').toString('utf8');
    }
    if (handshakeFirst === true) tls.handshakeFirst = true;
  }
  return {
    servers,
    ...(authenticator ? { authenticator } : {}),
    ...(tls ? { tls } : {}),
    name: config.name ?? 'sysray-gateway',
    timeout: config.connectTimeoutMs ?? 5_000,
    reconnect: true,
    maxReconnectAttempts: -1,
    reconnectTimeWait: config.reconnectWaitMs ?? 2_000,
  };
}

/** A NATS failure as an operator reads it. */
export function describeNatsError(error: Error, servers: string): string {
  const text = `${error.name}: ${error.message}`;
  if (/Authorization Violation|AuthorizationError|authentication|UserAuthenticationExpired/i.test(text)) {
    return `NATS ${servers} rejected the gateway's credentials (check token, user/pass, nkeySeedFile or credsFile): ${error.message}`;
  }
  if (/certificate|SSL|TLS|handshake|self[- ]signed|CERT_|wrong version number/i.test(text)) {
    return `TLS with NATS ${servers} failed (check tls.caFile, tls.certFile, tls.keyFile): ${error.message}`;
  }
  if (/ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|ECONNRESET|connection refused/i.test(text)) {
    return `NATS ${servers} is unreachable: ${error.message}`;
  }
  if (/jetstream is not enabled|JetStreamNotEnabled|no responders/i.test(text)) {
    return `JetStream is not enabled on NATS ${servers} (start nats-server with -js, or enable it for the account): ${error.message}`;
  }
  if (/Permissions Violation/i.test(text)) {
    return `NATS ${servers} denied a permission (the gateway's user needs $JS.API.> and the metrics subjects): ${error.message}`;
  }
  return `NATS ${servers}: ${error.message}`;
}

// ------------------------------------------------------------------------------------------ consumer

class MutableStats implements NatsConsumerStats {
  received = 0;
  committed = 0;
  duplicates = 0;
  undecodable = 0;
  storeFailures = 0;
  redelivered = 0;
  acceptedPoints = 0;
  rejectedPoints = 0;
  lag: number | null = null;
  ackPending: number | null = null;
  connected = false;
  lastUndecodable: string | null = null;
}

const MSG_ID_HEADER = 'Nats-Msg-Id';

/** The idempotency key of a message (see the module comment). */
export function messageBatchId(stream: string, seq: number, msgId: string | undefined): string {
  return msgId ? `nats-msg:${msgId}` : `nats-seq:${stream}:${seq}`;
}

function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0) {
    throw new NatsConsumerError(`${name} must be a positive number, got ${String(value)}`);
  }
  return value;
}

class Consumer implements NatsConsumer {
  readonly stream: string;
  readonly durable: string;
  private readonly counters = new MutableStats();
  private readonly subjects: readonly string[];
  private readonly deltas: DeltaAccumulator;
  private readonly servers: string;
  private readonly nowMs: () => number;
  private js: JetStreamClient;
  private jsm: JetStreamManager | null = null;
  private messages: ConsumerMessages | null = null;
  private closed = false;
  private abandoned = false;
  private running: Promise<void> | null = null;
  private lagTimer: NodeJS.Timeout | null = null;
  private wakeRetry: (() => void) | null = null;

  constructor(
    private readonly nc: NatsConnection,
    private readonly options: NatsConsumerOptions,
    servers: string,
  ) {
    this.stream = options.stream ?? DEFAULT_NATS_STREAM;
    this.durable = options.durable ?? DEFAULT_NATS_DURABLE;
    this.subjects = options.subjects ?? DEFAULT_NATS_SUBJECTS;
    this.deltas = new DeltaAccumulator(options.maxDeltaSeries ?? 100_000);
    this.servers = servers;
    this.nowMs = options.nowMs ?? Date.now;
    this.js = jetstream(nc);
    this.counters.connected = true;
  }

  get stats(): NatsConsumerStats {
    return { ...this.counters };
  }

  private emit(status: NatsConsumerStatus): void {
    try {
      this.options.onStatus?.(status);
    } catch {
      // A logging callback must not break the consumer.
    }
  }

  private fail(error: unknown): void {
    const err = error instanceof Error ? error : new Error(String(error));
    this.emit({ type: 'error', message: describeNatsError(err, this.servers), error: err });
  }

  private async manager(): Promise<JetStreamManager> {
    this.jsm ??= await jetstreamManager(this.nc);
    return this.jsm;
  }

  /** Creates the stream when absent and the durable consumer, or updates the consumer to the options. */
  async setup(): Promise<void> {
    const jsm = await this.manager();
    const { options } = this;
    let created = false;
    try {
      await jsm.streams.info(this.stream);
    } catch (error) {
      if (!/stream not found/i.test((error as Error).message)) throw error;
      const config: Partial<StreamConfig> & { name: string } = {
        name: this.stream,
        subjects: [...this.subjects],
        retention: RetentionPolicy.Limits,
        storage: StorageType.File,
        discard: DiscardPolicy.Old,
        max_age: nanos(positive(options.maxAgeMs, 24 * 3_600_000, 'maxAgeMs')),
        max_bytes: positive(options.maxBytes, 1024 ** 3, 'maxBytes'),
        duplicate_window: nanos(positive(options.duplicateWindowMs, 120_000, 'duplicateWindowMs')),
        num_replicas: positive(options.replicas, 1, 'replicas'),
      };
      await jsm.streams.add(config);
      created = true;
    }
    const consumer: Partial<ConsumerConfig> = {
      durable_name: this.durable,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      ack_wait: nanos(positive(options.ackWaitMs, 30_000, 'ackWaitMs')),
      max_ack_pending: positive(options.maxAckPending, 1_000, 'maxAckPending'),
      ...(this.subjects.length === 1
        ? { filter_subject: this.subjects[0] }
        : { filter_subjects: [...this.subjects] }),
    };
    try {
      await jsm.consumers.info(this.stream, this.durable);
      await jsm.consumers.update(this.stream, this.durable, {
        ack_wait: consumer.ack_wait,
        max_ack_pending: consumer.max_ack_pending,
      });
    } catch (error) {
      if (!/consumer not found/i.test((error as Error).message)) throw error;
      await jsm.consumers.add(this.stream, consumer);
      created = true;
    }
    this.emit({ type: 'consumer-ready', stream: this.stream, durable: this.durable, created });
  }

  start(): void {
    this.running = this.run();
    void this.watch();
    const every = positive(this.options.lagRefreshMs, 5_000, 'lagRefreshMs');
    this.lagTimer = setInterval(() => void this.refreshLag(), every);
    this.lagTimer.unref();
  }

  private async watch(): Promise<void> {
    for await (const status of this.nc.status()) {
      switch (status.type) {
        case 'disconnect':
          this.counters.connected = false;
          this.emit({ type: 'disconnected', server: status.server });
          break;
        case 'reconnect':
          this.counters.connected = true;
          this.emit({ type: 'connected', server: status.server, reconnect: true });
          break;
        case 'error':
          this.fail(status.error);
          break;
        default:
          break;
      }
    }
    this.counters.connected = false;
  }

  /** Consumes until closed; when the stream or consumer vanishes, sets them up again and goes on. */
  private async run(): Promise<void> {
    let failures = 0;
    while (!this.closed) {
      try {
        const consumer = await this.js.consumers.get(this.stream, this.durable);
        const messages = await consumer.consume({
          max_messages: positive(this.options.batchSize, 100, 'batchSize'),
          // End the iterator when the stream or consumer is deleted, so it is set up again below.
          abort_on_missing_resource: true,
        });
        this.messages = messages;
        failures = 0;
        for await (const msg of messages) {
          this.handle(msg);
          if (this.closed) break;
        }
      } catch (error) {
        if (this.closed) break;
        this.fail(error);
      }
      this.messages = null;
      if (this.closed || this.nc.isClosed()) break;
      failures += 1;
      await this.pause(Math.min(30_000, 500 * 2 ** Math.min(failures - 1, 6)));
      if (this.closed) break;
      try {
        await this.setup();
      } catch (error) {
        this.fail(error);
      }
    }
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      timer.unref();
      this.wakeRetry = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  /** One message: decode, normalize, commit every batch, then ack (see the module comment). */
  private handle(msg: JsMsg): void {
    if (this.abandoned) return;
    const stats = this.counters;
    stats.received += 1;
    if (msg.redelivered) stats.redelivered += 1;
    let request;
    try {
      request = decodeExportRequest(msg.data);
    } catch (error) {
      this.undecodable(msg, (error as Error).message);
      return;
    }
    if (request.resource_metrics.length === 0) {
      // Agents never send an empty request; random bytes often parse as one (unknown fields only).
      this.undecodable(
        msg,
        `not an OTLP metrics request (${msg.data.length} bytes decode to no resource metrics)`,
      );
      return;
    }
    const normalized = normalizeExportRequest(
      request,
      { receivedAtMs: this.nowMs(), maxFutureMs: this.options.maxFutureMs ?? 600_000 },
      this.deltas,
    );
    const baseId = messageBatchId(this.stream, msg.seq, msg.headers?.get(MSG_ID_HEADER) || undefined);
    let duplicates = 0;
    let accepted = 0;
    let rejected = normalized.rejected;
    for (const [index, batch] of normalized.batches.entries()) {
      const withId: IngestBatch = {
        ...batch,
        batchId: normalized.batches.length === 1 ? baseId : `${baseId}#${index}`,
      };
      let result: AppendResult;
      try {
        result = this.options.store.append(withId);
      } catch (error) {
        stats.storeFailures += 1;
        this.fail(
          new Error(`the store could not commit NATS message ${msg.seq}: ${(error as Error).message}`),
        );
        // Batches committed before this one are skipped as duplicates when the message comes back.
        msg.nak(positive(this.options.nakDelayMs, 5_000, 'nakDelayMs'));
        return;
      }
      if (result.duplicate) duplicates += 1;
      accepted += result.accepted;
      rejected += result.rejected;
      try {
        this.options.onBatch?.(withId, result);
      } catch (error) {
        this.fail(error);
      }
    }
    // Abandoned (a simulated crash) between commit and ack: the message comes back and is a duplicate.
    if (this.abandoned) return;
    stats.acceptedPoints += accepted;
    stats.rejectedPoints += rejected;
    if (normalized.batches.length > 0 && duplicates === normalized.batches.length) {
      stats.duplicates += 1;
    } else {
      stats.committed += 1;
      try {
        this.options.onRequest?.(msg.data);
      } catch (error) {
        this.fail(error);
      }
    }
    msg.ack();
  }

  private undecodable(msg: JsMsg, why: string): void {
    this.counters.undecodable += 1;
    this.counters.lastUndecodable = `message ${msg.seq} on ${msg.subject}: ${why}`;
    // TERM: JetStream never redelivers it (a poison message would otherwise come back forever).
    msg.term();
  }

  async refreshLag(): Promise<number | null> {
    if (this.nc.isClosed()) return null;
    try {
      const jsm = await this.manager();
      const info = await jsm.consumers.info(this.stream, this.durable);
      this.counters.lag = info.num_pending;
      this.counters.ackPending = info.num_ack_pending;
      return info.num_pending;
    } catch {
      return null;
    }
  }

  async close(options: { readonly abandon?: boolean } = {}): Promise<void> {
    if (this.closed) {
      if (options.abandon) this.abandoned = true;
      return;
    }
    this.closed = true;
    if (options.abandon) this.abandoned = true;
    if (this.lagTimer) clearInterval(this.lagTimer);
    this.wakeRetry?.();
    const messages = this.messages;
    if (messages !== null) {
      if (this.abandoned) messages.stop();
      else await messages.close().catch(() => undefined);
    }
    if (this.abandoned) {
      await this.nc.close().catch(() => undefined);
    } else {
      // Drain: acks already issued reach the server before the connection closes.
      await this.nc.drain().catch(() => this.nc.close());
    }
    await this.running?.catch(() => undefined);
    this.counters.connected = false;
    this.emit({ type: 'closed' });
  }
}

/**
 * Connects to NATS, makes sure the stream and the durable consumer exist, and starts consuming into
 * `store`. Rejects (NatsConsumerError naming the servers and the cause) when the first connection or
 * the setup fails: wrong credentials, TLS, unreachable, JetStream disabled. After that it never throws;
 * reconnects and consumer re-creation are reported through `onStatus`. Register `close()` with the app's
 * shutdown (fastify `onClose`).
 */
export async function startNatsConsumer(options: NatsConsumerOptions): Promise<NatsConsumer> {
  const connectOptions = natsConnectionOptions(options);
  const servers = (connectOptions.servers as string[]).join(',');
  let nc: NatsConnection;
  try {
    nc = await natsConnect(connectOptions);
  } catch (error) {
    throw new NatsConsumerError(describeNatsError(error as Error, servers), { cause: error });
  }
  const consumer = new Consumer(nc, options, servers);
  try {
    await consumer.setup();
  } catch (error) {
    await nc.close().catch(() => undefined);
    throw new NatsConsumerError(
      `cannot set up JetStream stream ${consumer.stream} / consumer ${consumer.durable}: ${describeNatsError(error as Error, servers)}`,
      { cause: error },
    );
  }
  options.onStatus?.({ type: 'connected', server: nc.getServer(), reconnect: false });
  consumer.start();
  void consumer.refreshLag();
  return consumer;
}
