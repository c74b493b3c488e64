import { randomUUID } from 'node:crypto';
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { jetstream, jetstreamManager, type JetStreamClient } from '@nats-io/jetstream';
import {
  connect as natsConnect,
  credsAuthenticator,
  nkeyAuthenticator,
  tokenAuthenticator,
  usernamePasswordAuthenticator,
  type Authenticator,
  type ConnectionOptions,
  type NatsConnection,
  type TlsOptions,
} from '@nats-io/transport-node';
import { ProtobufMetricsSerializer } from '@opentelemetry/otlp-transformer';
import type { ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { PermanentSendError, Spool, SpooledSender, type SpoolFsync, type SubmitOutcome } from './spool.js';

/**
 * NATS JetStream export of the agent's metrics. Each collection becomes one OTLP
 * ExportMetricsServiceRequest (protobuf, serialized by the OpenTelemetry SDK's own
 * `@opentelemetry/otlp-transformer`), published to `<subjectPrefix>.<host id>` with a unique
 * `Nats-Msg-Id` and awaited until the stream's PubAck. The msg id makes JetStream drop a re-publish
 * within the stream's duplicate window, and the gateway uses it as the store's batchId, so a batch sent
 * twice (a lost PubAck, a spool replayed after a crash) is stored once.
 *
 * While NATS is unreachable or a publish fails, batches go to the on-disk spool (spool.ts) and are sent
 * from there, oldest first, once publishing works again; new batches queue behind them, so order is
 * kept. Connection changes are reported as a tagged union (`status()`, `onStatus`), never thrown.
 *
 * The gateway creates the stream (nats-consumer.ts); the agent only checks that it exists after each
 * connect (reported as `stream-missing`) and sets `expect.streamName` on publishes, so a subject captured
 * by some other stream is refused instead of landing in the wrong place.
 */

/** Default subject prefix; the subject is `<prefix>.<host.id>` (ARCHITECTURE.md, "NATS"). */
export const DEFAULT_NATS_SUBJECT_PREFIX = 'sysray.v1.metrics';
/** Default JetStream stream name, the one the gateway creates. */
export const DEFAULT_NATS_STREAM = 'SYSRAY_METRICS';

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
 * How to reach and authenticate to NATS. At most one of: `token`; `user` + `pass`; `nkeySeedFile`;
 * `credsFile` (a JWT + seed `.creds` file, decentralized auth).
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
  /** Connection name shown in the server's monitoring (`connz`). */
  readonly name?: string;
  /** Timeout of one connection attempt, milliseconds. Default 5 000. */
  readonly connectTimeoutMs?: number;
  /** Wait between reconnect attempts, milliseconds. Default 2 000. */
  readonly reconnectWaitMs?: number;
}

export interface NatsSpoolConfig {
  readonly dir: string;
  /** Cap on the spool's disk usage, bytes. */
  readonly maxBytes: number;
  readonly segmentBytes?: number;
  readonly fsync?: SpoolFsync;
}

export interface NatsExportOptions extends NatsConnectionConfig {
  /** Default `sysray.v1.metrics`. */
  readonly subjectPrefix?: string;
  /** Stream expected to capture the subjects; default `SYSRAY_METRICS`. */
  readonly stream?: string;
  /** Deadline of one publish, until its PubAck, milliseconds. Default 5 000. */
  readonly publishTimeoutMs?: number;
  readonly spool: NatsSpoolConfig;
  /** First retry delay after a failed publish, milliseconds (doubling). Default 500. */
  readonly retryInitialMs?: number;
  /** Longest retry delay, milliseconds. Default 30 000. */
  readonly retryMaxMs?: number;
  /** Every status change, as `status()` streams them. */
  readonly onStatus?: (status: NatsExportStatus) => void;
}

/** Connection health, as a tagged union (nats.js `status()` style); none of these is thrown. */
export type NatsExportStatus =
  /** Connected (again, when `reconnect`); spooled batches are being sent. */
  | { readonly type: 'connected'; readonly server: string; readonly reconnect: boolean }
  /** Lost the connection; batches go to the spool until it is back. */
  | { readonly type: 'disconnected'; readonly server: string }
  /** A connection attempt failed for good (wrong credentials, TLS, unreachable); retried after `retryInMs`. */
  | {
      readonly type: 'connect-failed';
      readonly message: string;
      readonly error: Error;
      readonly retryInMs: number;
    }
  /** The stream to publish into does not exist (or cannot be looked up); publishes fail until it does. */
  | { readonly type: 'stream-missing'; readonly stream: string; readonly message: string }
  /** An asynchronous server error (permissions violation, …). */
  | { readonly type: 'server-error'; readonly message: string; readonly error: Error }
  /** A publish failed; the batch stays in the spool and is retried. */
  | { readonly type: 'publish-failed'; readonly message: string; readonly error: Error }
  /** `close()` finished. */
  | { readonly type: 'closed' };

export interface NatsExportStats {
  /** Batches the stream acknowledged (PubAck), duplicates included. */
  readonly published: number;
  /** Of those, PubAcks marked duplicate (already stored within the duplicate window). */
  readonly duplicates: number;
  /** Publish attempts that failed (each retry counts). */
  readonly failed: number;
  /** Batches written to the spool. */
  readonly spooled: number;
  /** Batches lost: evicted from the full spool, not writable to it, or not serializable. */
  readonly dropped: number;
  /** Batches discarded because NATS can never take them (larger than the server's max_payload). */
  readonly rejected: number;
  /** Batches waiting in the spool, and their bytes. */
  readonly pending: number;
  readonly pendingBytes: number;
  /** Damaged spool records skipped and torn tails truncated since start. */
  readonly spoolCorrupt: number;
  readonly spoolTornTails: number;
  readonly connected: boolean;
  readonly lastError: string | null;
}

/** A configuration error; `option` names the option at fault. */
export class NatsConfigError extends Error {
  override readonly name = 'NatsConfigError';
  constructor(
    readonly option: string,
    message: string,
  ) {
    super(message);
  }
}

// ------------------------------------------------------------------------------------------ subjects

/** A NATS subject token: no `.`, `*`, `>` or whitespace (NATS subject rules); others become `_`. */
export function subjectToken(text: string): string {
  const token = text.replace(/[^A-Za-z0-9_-]/g, '_');
  return token === '' ? 'unknown' : token;
}

/** `<prefix>.<host token>`. */
export function natsSubject(prefix: string, hostId: string): string {
  return `${prefix}.${subjectToken(hostId)}`;
}

function checkSubjectPrefix(prefix: string): void {
  const tokens = prefix.split('.');
  if (prefix === '' || tokens.some((t) => t === '' || /[\s*>]/.test(t))) {
    throw new NatsConfigError(
      'subjectPrefix',
      `subject prefix ${JSON.stringify(prefix)} is not a valid NATS subject (dot-separated, non-empty tokens without spaces, "*" or ">")`,
    );
  }
}

/** The host key of a collection: `host.id`, else `host.name`, else `service.instance.id` (as the gateway). */
export function metricsHostId(metrics: ResourceMetrics): string {
  const attributes = metrics.resource.attributes;
  for (const key of ['host.id', 'host.name', 'service.instance.id']) {
    const value = attributes[key];
    if (typeof value === 'string' && value.trim() !== '') return value.trim();
  }
  return 'unknown';
}

// ------------------------------------------------------------------------------------------ envelope

const ENVELOPE_VERSION = 1;

/** What the spool holds per batch: where it goes and under which msg id, then the OTLP bytes. */
export interface NatsEnvelope {
  readonly subject: string;
  readonly msgId: string;
  readonly payload: Uint8Array;
}

/** `u8 version | u16le subject length | subject | u16le msg id length | msg id | payload` (UTF-8). */
export function encodeNatsEnvelope(envelope: NatsEnvelope): Buffer {
  const subject = Buffer.from(envelope.subject, 'utf8');
  const msgId = Buffer.from(envelope.msgId, 'utf8');
  if (subject.length > 0xffff || msgId.length > 0xffff) throw new RangeError('subject or msg id too long');
  const head = Buffer.alloc(5 + subject.length + msgId.length);
  head.writeUInt8(ENVELOPE_VERSION, 0);
  head.writeUInt16LE(subject.length, 1);
  subject.copy(head, 3);
  head.writeUInt16LE(msgId.length, 3 + subject.length);
  msgId.copy(head, 5 + subject.length);
  return Buffer.concat([head, envelope.payload]);
}

/** Inverse of encodeNatsEnvelope; throws PermanentSendError on anything else (it can never be sent). */
export function decodeNatsEnvelope(buf: Buffer): NatsEnvelope {
  const bad = (why: string): never => {
    throw new PermanentSendError(`spooled NATS batch is unreadable: ${why}`);
  };
  if (buf.length < 5) bad('shorter than its header');
  if (buf.readUInt8(0) !== ENVELOPE_VERSION) bad(`unknown envelope version ${buf.readUInt8(0)}`);
  const subjectLength = buf.readUInt16LE(1);
  if (3 + subjectLength + 2 > buf.length) bad('subject runs past the end');
  const subject = buf.toString('utf8', 3, 3 + subjectLength);
  const idLength = buf.readUInt16LE(3 + subjectLength);
  const idStart = 5 + subjectLength;
  if (idStart + idLength > buf.length) bad('msg id runs past the end');
  return {
    subject,
    msgId: buf.toString('utf8', idStart, idStart + idLength),
    payload: buf.subarray(idStart + idLength),
  };
}

// ------------------------------------------------------------------------------------------ connection

function readConfigFile(path: string, option: string, what: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new NatsConfigError(
      option,
      `cannot read the NATS ${what} file ${path} (${option}): ${(error as Error).message}`,
    );
  }
}

/**
 * nats.js connection options from the configuration: reads the key, creds and certificate files now, so
 * a missing or wrong file fails at start (NatsConfigError naming it), not at the first connect.
 */
export function natsConnectionOptions(config: NatsConnectionConfig): ConnectionOptions {
  const servers = typeof config.servers === 'string' ? [config.servers] : [...config.servers];
  if (servers.length === 0 || servers.some((s) => s.trim() === '')) {
    throw new NatsConfigError('servers', 'at least one NATS server URL is required');
  }
  const methods = [
    config.token !== undefined ? 'token' : null,
    config.user !== undefined || config.pass !== undefined ? 'user/pass' : null,
    config.nkeySeedFile !== undefined ? 'nkeySeedFile' : null,
    config.credsFile !== undefined ? 'credsFile' : null,
  ].filter((m): m is string => m !== null);
  if (methods.length > 1) {
    throw new NatsConfigError('auth', `choose one NATS authentication method, got ${methods.join(' and ')}`);
  }
  let authenticator: Authenticator | undefined;
  if (config.token !== undefined) {
    authenticator = tokenAuthenticator(config.token);
  } else if (config.user !== undefined || config.pass !== undefined) {
    if (!config.user) throw new NatsConfigError('user', 'a NATS password needs a user');
    authenticator = usernamePasswordAuthenticator(config.user, config.pass ?? '');
  } else if (config.nkeySeedFile !== undefined) {
    const seed = readConfigFile(config.nkeySeedFile, 'nkeySeedFile', 'NKey seed').toString('utf8').trim();
    // A user seed is base32 text starting with "SU" (nkeys: S = seed, U = user).
    if (!/^SU[A-Z2-7]{20,}$/.test(seed)) {
      throw new NatsConfigError(
        'nkeySeedFile',
        `the NATS NKey seed file ${config.nkeySeedFile} does not hold a user seed (one line starting with "SU")`,
      );
    }
    authenticator = nkeyAuthenticator(new TextEncoder().encode(seed));
  } else if (config.credsFile !== undefined) {
    const creds = readConfigFile(config.credsFile, 'credsFile', 'credentials');
    if (!/-----BEGIN NATS USER JWT-----/.test(creds.toString('utf8'))) {
      throw new NatsConfigError(
        'credsFile',
        `the NATS credentials file ${config.credsFile} has no "BEGIN NATS USER JWT" section`,
      );
    }
    authenticator = credsAuthenticator(new Uint8Array(creds));
  }

  let tls: TlsOptions | undefined;
  if (config.tls !== undefined) {
    const { caFile, certFile, keyFile, handshakeFirst } = config.tls;
    if ((certFile === undefined) !== (keyFile === undefined)) {
      throw new NatsConfigError(
        certFile === undefined ? 'tls.certFile' : 'tls.keyFile',
        'a NATS client certificate needs both tls.certFile and tls.keyFile',
      );
    }
    tls = {};
    if (caFile !== undefined) {
      const ca = readConfigFile(caFile, 'tls.caFile', 'CA certificate');
      try {
        new X509Certificate(ca);
      } catch (error) {
        throw new NatsConfigError(
          'tls.caFile',
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
    ...(config.name ? { name: config.name } : {}),
    timeout: config.connectTimeoutMs ?? 5_000,
    reconnect: true,
    maxReconnectAttempts: -1,
    reconnectTimeWait: config.reconnectWaitMs ?? 2_000,
    // No waitOnFirstConnect: a first connect that nats.js retries by itself cannot be cancelled, so the
    // export retries it (createNatsExport's connect loop) and close() can always stop it.
  };
}

/** A NATS failure as an operator reads it: what went wrong with which servers, then the detail. */
export function describeNatsError(error: Error, servers: string, stream = DEFAULT_NATS_STREAM): string {
  const text = `${error.name}: ${error.message}`;
  if (/Authorization Violation|AuthorizationError|authentication|UserAuthenticationExpired/i.test(text)) {
    return `NATS ${servers} rejected the credentials (check token, user/pass, nkeySeedFile or credsFile): ${error.message}`;
  }
  if (/certificate|SSL|TLS|handshake|self[- ]signed|CERT_|wrong version number/i.test(text)) {
    return `TLS with NATS ${servers} failed (check tls.caFile, tls.certFile, tls.keyFile and the server's TLS settings): ${error.message}`;
  }
  if (
    /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|ECONNRESET|CONNECTION_REFUSED|connection refused/i.test(
      text,
    )
  ) {
    return `NATS ${servers} is unreachable: ${error.message}`;
  }
  if (/Permissions Violation/i.test(text)) {
    return `NATS ${servers} denied a permission (the user must be allowed to publish to the metrics subjects and $JS.API): ${error.message}`;
  }
  // A JetStream publish nobody answers: nats.js reports it as "jetstream is not enabled", but the usual
  // cause is that no stream captures the subject yet.
  if (/no responders|NoResponders|503|jetstream is not enabled|JetStreamNotEnabled/i.test(text)) {
    return `no JetStream stream captures the subject on NATS ${servers} (the gateway creates stream ${stream}), or JetStream is not enabled there: ${error.message}`;
  }
  if (/expected stream does not match/i.test(text)) {
    return `the subject is captured by a JetStream stream other than ${stream} on NATS ${servers} (check the stream option and the subject prefix): ${error.message}`;
  }
  if (/timeout|TimeoutError/i.test(text)) return `NATS ${servers} did not answer in time: ${error.message}`;
  return `NATS ${servers}: ${error.message}`;
}

// ------------------------------------------------------------------------------------------ status channel

/** A broadcast of statuses to any number of async iterators; each keeps the latest `limit`. */
class StatusChannel<T> {
  private readonly subscribers = new Set<{ queue: T[]; wake: (() => void) | null }>();
  private ended = false;

  constructor(private readonly limit = 100) {}

  push(value: T): void {
    for (const subscriber of this.subscribers) {
      subscriber.queue.push(value);
      if (subscriber.queue.length > this.limit) subscriber.queue.shift();
      subscriber.wake?.();
    }
  }

  end(): void {
    this.ended = true;
    for (const subscriber of this.subscribers) subscriber.wake?.();
  }

  iterate(): AsyncIterable<T> {
    const subscriber: { queue: T[]; wake: (() => void) | null } = { queue: [], wake: null };
    this.subscribers.add(subscriber);
    const next = async (): Promise<IteratorResult<T>> => {
      for (;;) {
        const value = subscriber.queue.shift();
        if (value !== undefined) return { value, done: false };
        if (this.ended) {
          this.subscribers.delete(subscriber);
          return { value: undefined, done: true };
        }
        await new Promise<void>((resolve) => {
          subscriber.wake = resolve;
        });
        subscriber.wake = null;
      }
    };
    const stop = async (): Promise<IteratorResult<T>> => {
      this.subscribers.delete(subscriber);
      return { value: undefined, done: true };
    };
    return { [Symbol.asyncIterator]: () => ({ next, return: stop }) };
  }
}

// ------------------------------------------------------------------------------------------ export

export interface NatsExport {
  /** `<prefix>` of every subject. */
  readonly subjectPrefix: string;
  readonly stream: string;
  /** Starts connecting in the background (idempotent); batches submitted before are spooled. */
  start(): void;
  /**
   * Serializes one collection (from `collectSnapshotMetrics`) and hands it over: published now when the
   * path is clear, else spooled. Returns what happened; never throws.
   */
  publish(metrics: ResourceMetrics): SubmitOutcome;
  /** The same for an already serialized ExportMetricsServiceRequest. */
  publishRequest(hostId: string, request: Uint8Array): SubmitOutcome;
  /** Connection health changes, from the moment of the call, until `close()`. */
  status(): AsyncIterable<NatsExportStatus>;
  readonly stats: NatsExportStats;
  /** Resolves when nothing is spooled or in flight. */
  idle(): Promise<void>;
  /**
   * Stops: the batch in flight is kept in the spool (and awaited up to `timeoutMs` for its PubAck),
   * the connection drained and closed, the spool closed. Pending batches stay on disk for the next start.
   */
  close(timeoutMs?: number): Promise<void>;
}

/** Test seams. */
export interface NatsExportDeps {
  readonly connect?: (options: ConnectionOptions) => Promise<NatsConnection>;
  /** Unique batch ids; random UUIDs by default. */
  readonly batchId?: () => string;
}

/**
 * Builds the export and opens its spool. Throws NatsConfigError for contradictory options or unreadable
 * files, SpoolError when the spool directory cannot be used; nothing after that throws.
 */
export function createNatsExport(options: NatsExportOptions, deps: NatsExportDeps = {}): NatsExport {
  const subjectPrefix = options.subjectPrefix ?? DEFAULT_NATS_SUBJECT_PREFIX;
  checkSubjectPrefix(subjectPrefix);
  const stream = options.stream ?? DEFAULT_NATS_STREAM;
  const connectOptions = natsConnectionOptions(options);
  const serversText = (connectOptions.servers as string[]).join(',');
  const publishTimeoutMs = options.publishTimeoutMs ?? 5_000;
  const reconnectWaitMs = options.reconnectWaitMs ?? 2_000;
  const dial = deps.connect ?? natsConnect;
  const newBatchId = deps.batchId ?? randomUUID;

  const spool = Spool.open(options.spool);
  const channel = new StatusChannel<NatsExportStatus>();
  let nc: NatsConnection | null = null;
  let js: JetStreamClient | null = null;
  let connected = false;
  let started = false;
  let closed = false;
  let duplicates = 0;
  let unserializable = 0;
  let lastError: string | null = null;
  let loop: Promise<void> | null = null;
  let wakeLoop: (() => void) | null = null;

  const emit = (status: NatsExportStatus): void => {
    if ('message' in status) lastError = status.message;
    channel.push(status);
    try {
      options.onStatus?.(status);
    } catch {
      // A logging callback must not break the export.
    }
  };

  const send = async (batch: Buffer): Promise<void> => {
    const { subject, msgId, payload } = decodeNatsEnvelope(batch);
    const client = js;
    const conn = nc;
    if (!connected || client === null || conn === null) throw new Error('not connected to NATS');
    const maxPayload = conn.info?.max_payload;
    if (maxPayload !== undefined && payload.length > maxPayload) {
      throw new PermanentSendError(
        `batch of ${payload.length} bytes exceeds the NATS server's max_payload (${maxPayload} bytes)`,
      );
    }
    const ack = await client.publish(subject, payload, {
      msgID: msgId,
      timeout: publishTimeoutMs,
      expect: { streamName: stream },
    });
    if (ack.duplicate) duplicates += 1;
  };

  const sender = new SpooledSender({
    spool,
    send,
    ready: () => connected,
    retryInitialMs: options.retryInitialMs ?? 500,
    retryMaxMs: options.retryMaxMs ?? 30_000,
    onError: (error) => {
      const message = describeNatsError(error, serversText, stream);
      emit({ type: 'publish-failed', message, error });
    },
  });

  const checkStream = async (conn: NatsConnection): Promise<void> => {
    try {
      const jsm = await jetstreamManager(conn, { timeout: publishTimeoutMs, checkAPI: false });
      await jsm.streams.info(stream);
    } catch (error) {
      const err = error as Error;
      const message = /not found/i.test(err.message)
        ? `JetStream stream ${stream} does not exist on NATS ${serversText} yet (the gateway creates it); batches are spooled until it does`
        : `cannot look up JetStream stream ${stream} on NATS ${serversText}: ${err.message}`;
      emit({ type: 'stream-missing', stream, message });
    }
  };

  const watch = async (conn: NatsConnection): Promise<void> => {
    for await (const status of conn.status()) {
      switch (status.type) {
        case 'disconnect':
          connected = false;
          emit({ type: 'disconnected', server: status.server });
          break;
        case 'reconnect':
          connected = true;
          emit({ type: 'connected', server: status.server, reconnect: true });
          sender.wake();
          void checkStream(conn);
          break;
        case 'error':
          emit({
            type: 'server-error',
            message: describeNatsError(status.error, serversText),
            error: status.error,
          });
          break;
        default:
          break;
      }
    }
  };

  const pause = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      timer.unref();
      wakeLoop = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  /** Reconnect wait doubled per consecutive failure, at most 16x and 15 s (but never below the wait). */
  const retryDelay = (failures: number): number =>
    Math.max(reconnectWaitMs, Math.min(15_000, reconnectWaitMs * 2 ** Math.min(failures - 1, 4)));

  /** Connects, waits for the connection to close for good, and starts over (with backoff) until close(). */
  const connectLoop = async (): Promise<void> => {
    let failures = 0;
    while (!closed) {
      let conn: NatsConnection;
      try {
        conn = await dial(connectOptions);
      } catch (error) {
        failures += 1;
        const retryInMs = retryDelay(failures);
        const err = error as Error;
        emit({ type: 'connect-failed', message: describeNatsError(err, serversText), error: err, retryInMs });
        await pause(retryInMs);
        continue;
      }
      if (closed) {
        await conn.close().catch(() => undefined);
        return;
      }
      failures = 0;
      nc = conn;
      js = jetstream(conn, { timeout: publishTimeoutMs });
      connected = true;
      emit({ type: 'connected', server: conn.getServer(), reconnect: false });
      const watching = watch(conn);
      void checkStream(conn);
      sender.wake();
      const reason = await conn.closed();
      connected = false;
      nc = null;
      js = null;
      await watching.catch(() => undefined);
      if (closed) return;
      // Closed by the client itself: reconnects gave up (e.g. credentials rejected twice in a row).
      const error = reason instanceof Error ? reason : new Error('connection closed');
      failures += 1;
      const retryInMs = retryDelay(failures);
      emit({ type: 'connect-failed', message: describeNatsError(error, serversText), error, retryInMs });
      await pause(retryInMs);
    }
  };

  const submit = (hostId: string, request: Uint8Array): SubmitOutcome => {
    const envelope = encodeNatsEnvelope({
      subject: natsSubject(subjectPrefix, hostId),
      msgId: newBatchId(),
      payload: request,
    });
    return sender.submit(envelope);
  };

  return {
    subjectPrefix,
    stream,
    start(): void {
      if (started || closed) return;
      started = true;
      loop = connectLoop();
    },
    publish(metrics: ResourceMetrics): SubmitOutcome {
      let request: Uint8Array | undefined;
      let why = 'the OTLP serializer returned nothing';
      try {
        request = ProtobufMetricsSerializer.serializeRequest(metrics);
      } catch (error) {
        why = `cannot serialize the metrics: ${(error as Error).message}`;
      }
      if (request === undefined) {
        unserializable += 1;
        lastError = why;
        return 'dropped';
      }
      return submit(metricsHostId(metrics), request);
    },
    publishRequest(hostId: string, request: Uint8Array): SubmitOutcome {
      return submit(hostId, request);
    },
    status(): AsyncIterable<NatsExportStatus> {
      return channel.iterate();
    },
    get stats(): NatsExportStats {
      const s = sender.stats;
      return {
        published: s.sent,
        duplicates,
        failed: s.failed,
        spooled: s.spooled,
        dropped: s.dropped + unserializable,
        rejected: s.rejected,
        pending: s.pending,
        pendingBytes: s.pendingBytes,
        spoolCorrupt: spool.stats.corruptRecords,
        spoolTornTails: spool.stats.tornTails,
        connected,
        lastError,
      };
    },
    idle(): Promise<void> {
      return sender.idle();
    },
    async close(timeoutMs = 5_000): Promise<void> {
      if (closed) return;
      closed = true;
      await sender.close(timeoutMs);
      wakeLoop?.();
      const conn = nc;
      if (conn !== null) {
        // Drain flushes what was published; close() alone could drop it.
        await Promise.race([conn.drain(), new Promise((resolve) => setTimeout(resolve, timeoutMs))]).catch(
          () => undefined,
        );
        await conn.close().catch(() => undefined);
      }
      // A connect attempt in progress ends within connectTimeoutMs; do not wait longer than asked.
      await Promise.race([
        loop?.catch(() => undefined),
        new Promise((resolve) => setTimeout(resolve, timeoutMs)),
      ]);
      connected = false;
      spool.close();
      emit({ type: 'closed' });
      channel.end();
    },
  };
}
