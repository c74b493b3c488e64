import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { credentials, Metadata, type ChannelCredentials } from '@grpc/grpc-js';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-grpc';
import {
  AggregationTemporality,
  InstrumentType,
  PeriodicExportingMetricReader,
  type AggregationOption,
  type PushMetricExporter,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import type { Clock } from '../platform/clock.js';
import { systemClock } from '../platform/clock.js';
import { AGENT_VERSION } from '../version.js';

/**
 * OTLP/gRPC push export of the agent's metrics: a PeriodicExportingMetricReader around the OpenTelemetry
 * OTLPMetricExporter, configured from explicit options and the standard OTEL_EXPORTER_OTLP_* environment
 * variables (OpenTelemetry specification, "OpenTelemetry Protocol Exporter" configuration), with a
 * success/failure count for health reporting. It never logs and never throws after construction.
 */

export type OtlpCompression = 'gzip' | 'none';

/**
 * Which temporality the exporter asks the SDK for, per the specification's
 * OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE:
 * - `cumulative`: every instrument cumulative;
 * - `delta`: counters (sync and observable) and histograms delta, up-down counters and gauges cumulative;
 * - `lowmemory`: synchronous counters and histograms delta, everything else cumulative.
 */
export type OtlpTemporality = 'cumulative' | 'delta' | 'lowmemory';

/** Explicit configuration (config file, flags); every field optional, environment and defaults fill the rest. */
export interface OtlpGrpcOptions {
  /**
   * `http://host:port` (plaintext), `https://host:port` (TLS), or `host:port` (TLS unless `insecure`).
   * No path: gRPC fixes it. Without a port, the scheme's (80/443).
   */
  readonly endpoint?: string;
  /** gRPC metadata sent with every export (e.g. `authorization`). Keys are lowercased. */
  readonly headers?: Readonly<Record<string, string>>;
  /**
   * Permission to send unencrypted. Plaintext is allowed without it only to a loopback endpoint
   * (`localhost`, 127.0.0.0/8, `::1`); a non-loopback `http://` endpoint needs `insecure: true`. With a
   * scheme-less endpoint it selects plaintext instead of TLS.
   */
  readonly insecure?: boolean;
  /** PEM file of the CA(s) that sign the server certificate; unset: the system's roots. */
  readonly caFile?: string;
  /** PEM client certificate chain for mutual TLS; requires `clientKeyFile`. */
  readonly clientCertFile?: string;
  /** PEM private key of `clientCertFile`. */
  readonly clientKeyFile?: string;
  readonly compression?: OtlpCompression;
  /** Deadline of one export including retries, milliseconds. */
  readonly timeoutMs?: number;
  /** Export period, milliseconds. */
  readonly intervalMs?: number;
  readonly temporality?: OtlpTemporality;
}

/** The environment to read: `process.env` in the agent, a plain object in tests. */
export type OtlpEnv = Readonly<Record<string, string | undefined>>;

/** Where a resolved value came from: an option name (`endpoint`), an environment variable, or `default`. */
export type OtlpOptionSource = string;

/** Fully resolved, validated configuration. */
export interface ResolvedOtlpOptions {
  /** Normalised endpoint URL, `http://host:port` or `https://host:port` (brackets around IPv6). */
  readonly endpoint: string;
  /** The gRPC target, `host:port`. */
  readonly target: string;
  /** True: TLS; false: plaintext. */
  readonly tls: boolean;
  readonly insecure: boolean;
  readonly headers: Readonly<Record<string, string>>;
  readonly caFile: string | null;
  readonly clientCertFile: string | null;
  readonly clientKeyFile: string | null;
  readonly compression: OtlpCompression;
  /** Milliseconds. */
  readonly timeoutMs: number;
  /** Milliseconds. */
  readonly intervalMs: number;
  readonly temporality: OtlpTemporality;
  /** Where each value came from; for `headers`, the sources of the keys joined with `+`. */
  readonly sources: Readonly<Record<OtlpOptionName, OtlpOptionSource>>;
}

type OtlpOptionName = Exclude<keyof ResolvedOtlpOptions, 'target' | 'tls' | 'sources'>;

/** A configuration error; `option` names the option or environment variable at fault. */
export class OtlpConfigError extends Error {
  override readonly name = 'OtlpConfigError';
  constructor(
    readonly option: string,
    message: string,
  ) {
    super(message);
  }
}

/** Defaults from the OTLP exporter specification (endpoint, timeout, compression, temporality) and the
 * periodic reader's OTEL_METRIC_EXPORT_INTERVAL default. */
export const OTLP_GRPC_DEFAULTS = Object.freeze({
  endpoint: 'http://localhost:4317',
  timeoutMs: 10_000,
  intervalMs: 60_000,
  compression: 'none' as OtlpCompression,
  temporality: 'cumulative' as OtlpTemporality,
});

interface Picked<T> {
  readonly value: T;
  readonly source: OtlpOptionSource;
}

/** Metrics-specific variable first, then the generic one; empty means unset (specification). */
function fromEnv(env: OtlpEnv, names: readonly string[]): Picked<string> | undefined {
  for (const name of names) {
    const raw = env[name]?.trim();
    if (raw !== undefined && raw !== '') return { value: raw, source: name };
  }
  return undefined;
}

function otlpVars(suffix: string): readonly string[] {
  return [`OTEL_EXPORTER_OTLP_METRICS_${suffix}`, `OTEL_EXPORTER_OTLP_${suffix}`];
}

function pick<T>(
  option: string,
  explicit: T | undefined,
  env: OtlpEnv,
  vars: readonly string[],
  parse: (text: string, source: string) => T,
): Picked<T> | undefined {
  if (explicit !== undefined) return { value: explicit, source: option };
  const found = fromEnv(env, vars);
  return found === undefined ? undefined : { value: parse(found.value, found.source), source: found.source };
}

function parseBoolean(text: string, source: string): boolean {
  const lower = text.toLowerCase();
  if (lower === 'true') return true;
  if (lower === 'false') return false;
  throw new OtlpConfigError(source, `${source} must be "true" or "false", got ${JSON.stringify(text)}`);
}

function parseMs(text: string, source: string): number {
  const value = Number(text);
  checkMs(value, source);
  return value;
}

function checkMs(value: number, source: string): void {
  if (!Number.isFinite(value) || value <= 0) {
    throw new OtlpConfigError(
      source,
      `${source} must be a positive number of milliseconds, got ${String(value)}`,
    );
  }
}

function parseCompression(text: string, source: string): OtlpCompression {
  if (text === 'gzip' || text === 'none') return text;
  throw new OtlpConfigError(source, `${source} must be "gzip" or "none", got ${JSON.stringify(text)}`);
}

function parseTemporality(text: string, source: string): OtlpTemporality {
  // The specification makes this value case-insensitive.
  const lower = text.toLowerCase();
  if (lower === 'cumulative' || lower === 'delta' || lower === 'lowmemory') return lower;
  throw new OtlpConfigError(
    source,
    `${source} must be "cumulative", "delta" or "lowmemory", got ${JSON.stringify(text)}`,
  );
}

// gRPC metadata rules (grpc-js metadata.ts, HTTP/2 header rules): lowercase token keys, printable-ASCII
// values. Binary (`-bin`) keys carry bytes, which text configuration cannot express.
const HEADER_KEY = /^[0-9a-z_.-]+$/;
const HEADER_VALUE = /^[\x20-\x7e]*$/;

function checkHeader(key: string, value: string, source: string): void {
  if (!HEADER_KEY.test(key) || key.endsWith('-bin')) {
    throw new OtlpConfigError(
      source,
      `${source}: header name ${JSON.stringify(key)} is not a valid gRPC metadata key (letters, digits, "_", "-", "." only; no "-bin" suffix)`,
    );
  }
  // The value may be a secret (a bearer token): name the key, never echo the value.
  if (!HEADER_VALUE.test(value)) {
    throw new OtlpConfigError(
      source,
      `${source}: the value of header ${JSON.stringify(key)} has non-printable characters`,
    );
  }
}

/**
 * Parses an OTEL_EXPORTER_OTLP_*HEADERS value: comma-separated `key=value` (the W3C Baggage format
 * without properties, as the specification says), keys and values trimmed and percent-decoded. A value
 * may hold further `=` (base64 tokens are commonly written unencoded). Empty entries are skipped; any
 * other malformed entry is an error naming the variable.
 */
export function parseOtlpHeaders(text: string, source: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const raw of text.split(',')) {
    const entry = raw.trim();
    if (entry === '') continue;
    const eq = entry.indexOf('=');
    if (eq <= 0) {
      throw new OtlpConfigError(
        source,
        `${source}: entry ${eq < 0 ? 'without "="' : 'with an empty name'} (expected key=value)`,
      );
    }
    let key: string;
    let value: string;
    try {
      key = decodeURIComponent(entry.slice(0, eq).trim()).toLowerCase();
      value = decodeURIComponent(entry.slice(eq + 1).trim());
    } catch {
      throw new OtlpConfigError(source, `${source}: an entry has an invalid percent-encoding`);
    }
    checkHeader(key, value, source);
    headers[key] = value;
  }
  return headers;
}

interface ParsedEndpoint {
  readonly scheme: 'http' | 'https' | null;
  readonly hostname: string;
  readonly port: number | null;
}

function parseEndpoint(text: string, source: string): ParsedEndpoint {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(text)?.[1]?.toLowerCase();
  if (scheme !== undefined && scheme !== 'http' && scheme !== 'https') {
    throw new OtlpConfigError(
      source,
      `${source}: unsupported scheme "${scheme}://" in ${text} (use http:// or https://)`,
    );
  }
  let url: URL;
  try {
    url = new URL(scheme === undefined ? `http://${text}` : text);
  } catch {
    throw new OtlpConfigError(
      source,
      `${source}: ${JSON.stringify(text)} is not a valid endpoint (expected http(s)://host:port)`,
    );
  }
  if (url.hostname === '') {
    throw new OtlpConfigError(source, `${source}: endpoint ${text} has no host`);
  }
  // gRPC fixes the request path (/opentelemetry.proto.collector.metrics.v1.MetricsService/Export); a path
  // here is usually an OTLP/HTTP URL (…:4318/v1/metrics) given to the gRPC exporter by mistake.
  if ((url.pathname !== '/' && url.pathname !== '') || url.search !== '' || url.hash !== '') {
    throw new OtlpConfigError(
      source,
      `${source}: an OTLP gRPC endpoint takes no path or query, got ${text} (is it an OTLP/HTTP URL?)`,
    );
  }
  if (url.username !== '' || url.password !== '') {
    throw new OtlpConfigError(
      source,
      `${source}: credentials in the endpoint URL are not supported; use headers`,
    );
  }
  return {
    scheme: (scheme as 'http' | 'https' | undefined) ?? null,
    hostname: url.hostname,
    port: url.port === '' ? null : Number(url.port),
  };
}

/** `localhost`, 127.0.0.0/8, `::1` and IPv4-mapped 127.0.0.0/8: traffic that never leaves the host. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  if (isIP(host) === 6) {
    if (host === '::1' || host === '0:0:0:0:0:0:0:1') return true;
    // WHATWG URL parsing writes ::ffff:127.0.0.1 as ::ffff:7f00:1.
    const mapped = /^::ffff:(?:7f[0-9a-f]{2}:[0-9a-f]{1,4}|127\.\d+\.\d+\.\d+)$/.exec(host);
    return mapped !== null;
  }
  return false;
}

/**
 * Resolves the exporter configuration. Precedence, per value: explicit option > metrics-specific
 * variable (OTEL_EXPORTER_OTLP_METRICS_*) > generic variable (OTEL_EXPORTER_OTLP_*) > default. Headers
 * merge by key with the same precedence (explicit keys override environment keys of the same name).
 * The export interval also reads OTEL_METRIC_EXPORT_INTERVAL (SDK environment specification).
 *
 * Pure: reads no files (createOtlpGrpcExport reads the certificate files). Throws OtlpConfigError naming
 * the option or variable on any invalid value or contradiction:
 * - plaintext `http://` to a host that is not loopback without `insecure: true` (scheme-less endpoints
 *   are TLS unless `insecure` is true, so they never hit this);
 * - `insecure: true` with an `https://` endpoint;
 * - certificate files with a plaintext endpoint; a client certificate without its key or the reverse;
 * - a timeout longer than the interval when both were configured (a defaulted timeout is clamped).
 */
export function resolveOtlpOptions(explicit: OtlpGrpcOptions, env: OtlpEnv): ResolvedOtlpOptions {
  const endpointPick = pick('endpoint', explicit.endpoint, env, otlpVars('ENDPOINT'), (t) => t) ?? {
    value: OTLP_GRPC_DEFAULTS.endpoint,
    source: 'default',
  };
  const insecurePick = pick('insecure', explicit.insecure, env, otlpVars('INSECURE'), parseBoolean);
  const caPick = pick('caFile', explicit.caFile, env, otlpVars('CERTIFICATE'), (t) => t);
  const certPick = pick(
    'clientCertFile',
    explicit.clientCertFile,
    env,
    otlpVars('CLIENT_CERTIFICATE'),
    (t) => t,
  );
  const keyPick = pick('clientKeyFile', explicit.clientKeyFile, env, otlpVars('CLIENT_KEY'), (t) => t);
  const compressionPick = pick(
    'compression',
    explicit.compression,
    env,
    otlpVars('COMPRESSION'),
    parseCompression,
  ) ?? {
    value: OTLP_GRPC_DEFAULTS.compression,
    source: 'default',
  };
  const timeoutPick = pick('timeoutMs', explicit.timeoutMs, env, otlpVars('TIMEOUT'), parseMs);
  const intervalPick = pick('intervalMs', explicit.intervalMs, env, ['OTEL_METRIC_EXPORT_INTERVAL'], parseMs);
  const temporalityPick = pick(
    'temporality',
    explicit.temporality,
    env,
    ['OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE'],
    parseTemporality,
  ) ?? { value: OTLP_GRPC_DEFAULTS.temporality, source: 'default' };

  // Explicit values are typed but may come from untyped configuration: check them like text.
  if (compressionPick.source === 'compression') parseCompression(compressionPick.value, 'compression');
  if (temporalityPick.source === 'temporality') parseTemporality(temporalityPick.value, 'temporality');
  if (timeoutPick?.source === 'timeoutMs') checkMs(timeoutPick.value, 'timeoutMs');
  if (intervalPick?.source === 'intervalMs') checkMs(intervalPick.value, 'intervalMs');

  const endpointSource = endpointPick.source;
  const parsed = parseEndpoint(endpointPick.value.trim(), endpointSource);
  const insecure = insecurePick?.value ?? false;
  const insecureName = insecurePick?.source ?? 'insecure';
  if (parsed.scheme === 'https' && insecure) {
    throw new OtlpConfigError(
      insecureName,
      `${insecureName} is true but the endpoint ${endpointPick.value} (${endpointSource}) is https://; drop one of them`,
    );
  }
  const tls = parsed.scheme === 'https' || (parsed.scheme === null && !insecure);
  if (!tls && !insecure && !isLoopbackHost(parsed.hostname)) {
    throw new OtlpConfigError(
      'insecure',
      `the OTLP endpoint ${endpointPick.value} (${endpointSource}) is plaintext http:// to a host that is not loopback: ` +
        'set insecure: true (or OTEL_EXPORTER_OTLP_INSECURE=true) to send metrics unencrypted, or use https://',
    );
  }
  if (!tls) {
    for (const file of [caPick, certPick, keyPick]) {
      if (file !== undefined) {
        throw new OtlpConfigError(
          file.source,
          `${file.source} is set but the OTLP endpoint ${endpointPick.value} (${endpointSource}) is plaintext; use https://`,
        );
      }
    }
  }
  if ((certPick === undefined) !== (keyPick === undefined)) {
    const missing =
      certPick === undefined
        ? 'clientCertFile (OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE)'
        : 'clientKeyFile (OTEL_EXPORTER_OTLP_CLIENT_KEY)';
    const given = (certPick ?? keyPick)?.source ?? '';
    throw new OtlpConfigError(given, `${given} is set without ${missing}: mutual TLS needs both`);
  }

  const intervalMs = intervalPick?.value ?? OTLP_GRPC_DEFAULTS.intervalMs;
  let timeoutMs = timeoutPick?.value ?? OTLP_GRPC_DEFAULTS.timeoutMs;
  if (timeoutMs > intervalMs) {
    if (timeoutPick !== undefined && intervalPick !== undefined) {
      throw new OtlpConfigError(
        timeoutPick.source,
        `${timeoutPick.source} (${timeoutMs} ms) exceeds ${intervalPick.source} (${intervalMs} ms): an export must end before the next starts`,
      );
    }
    // One of the two is a default: the configured one wins and the default gives way.
    timeoutMs = intervalMs;
  }

  const headers: Record<string, string> = {};
  const headerSources: string[] = [];
  for (const name of [...otlpVars('HEADERS')].reverse()) {
    const raw = env[name]?.trim();
    if (raw === undefined || raw === '') continue;
    Object.assign(headers, parseOtlpHeaders(raw, name));
    headerSources.push(name);
  }
  if (explicit.headers !== undefined) {
    for (const [rawKey, value] of Object.entries(explicit.headers)) {
      const key = rawKey.toLowerCase();
      if (typeof value !== 'string') {
        throw new OtlpConfigError('headers', `headers: the value of ${JSON.stringify(key)} must be a string`);
      }
      checkHeader(key, value, 'headers');
      headers[key] = value;
    }
    headerSources.push('headers');
  }

  const host = parsed.hostname;
  const port = parsed.port ?? (tls ? 443 : 80);
  const target = `${host}:${port}`;
  return Object.freeze({
    endpoint: `${tls ? 'https' : 'http'}://${target}`,
    target,
    tls,
    insecure,
    headers: Object.freeze(headers),
    caFile: caPick?.value ?? null,
    clientCertFile: certPick?.value ?? null,
    clientKeyFile: keyPick?.value ?? null,
    compression: compressionPick.value,
    timeoutMs,
    intervalMs,
    temporality: temporalityPick.value,
    sources: Object.freeze({
      endpoint: endpointSource,
      insecure: insecurePick?.source ?? 'default',
      headers: headerSources.length > 0 ? headerSources.join('+') : 'default',
      caFile: caPick?.source ?? 'default',
      clientCertFile: certPick?.source ?? 'default',
      clientKeyFile: keyPick?.source ?? 'default',
      compression: compressionPick.source,
      timeoutMs: timeoutPick?.source ?? 'default',
      intervalMs: intervalPick?.source ?? 'default',
      temporality: temporalityPick.source,
    }),
  });
}

/** Outcome counts of the exports so far; a live view, read it whenever the runtime reports health. */
export interface ExportStats {
  /** Exports the receiver acknowledged (including partial successes, which the SDK counts as success). */
  readonly successes: number;
  /** Exports that failed (unreachable, rejected, timed out, TLS failure), after the exporter's retries. */
  readonly failures: number;
  /** The error of the latest failure; null until one happens. Kept after later successes. */
  readonly lastError: Error | null;
  /** Wall clock of the latest success, Unix epoch milliseconds; null until one happens. */
  readonly lastSuccessAt: number | null;
  /** Wall clock of the latest failure, Unix epoch milliseconds; null until one happens. */
  readonly lastFailureAt: number | null;
}

class MutableExportStats implements ExportStats {
  successes = 0;
  failures = 0;
  lastError: Error | null = null;
  lastSuccessAt: number | null = null;
  lastFailureAt: number | null = null;
}

type ExportResult = Parameters<Parameters<PushMetricExporter['export']>[1]>[0];
type ExportResultCode = ExportResult['code'];
// ExportResultCode of @opentelemetry/core (SUCCESS = 0, FAILED = 1), which the agent does not depend on
// directly; the type keeps these in step with the installed version.
const EXPORT_SUCCESS = 0 as ExportResultCode;
const EXPORT_FAILED = 1 as ExportResultCode;

function temporalityFor(preference: OtlpTemporality, type: InstrumentType): AggregationTemporality {
  if (preference === 'cumulative') return AggregationTemporality.CUMULATIVE;
  switch (type) {
    case InstrumentType.COUNTER:
    case InstrumentType.HISTOGRAM:
      return AggregationTemporality.DELTA;
    case InstrumentType.OBSERVABLE_COUNTER:
      return preference === 'delta' ? AggregationTemporality.DELTA : AggregationTemporality.CUMULATIVE;
    default:
      // Up-down counters and gauges stay cumulative under every preference (specification table).
      return AggregationTemporality.CUMULATIVE;
  }
}

/**
 * Delegates to the OTLP exporter, counting each export's outcome, and answers the temporality question
 * from the resolved preference (so the SDK's own environment lookup does not apply twice).
 */
class CountingExporter implements PushMetricExporter {
  constructor(
    private readonly inner: OTLPMetricExporter,
    private readonly stats: MutableExportStats,
    private readonly temporality: OtlpTemporality,
    private readonly clock: Pick<Clock, 'wallMs'>,
  ) {}

  export(metrics: ResourceMetrics, resultCallback: (result: ExportResult) => void): void {
    let settled = false;
    const done = (result: ExportResult): void => {
      if (settled) return;
      settled = true;
      if (result.code === EXPORT_SUCCESS) {
        this.stats.successes += 1;
        this.stats.lastSuccessAt = this.clock.wallMs();
      } else {
        this.stats.failures += 1;
        this.stats.lastFailureAt = this.clock.wallMs();
        this.stats.lastError = result.error ?? new Error('OTLP export failed without an error');
      }
      resultCallback(result);
    };
    try {
      this.inner.export(metrics, done);
    } catch (error) {
      done({ code: EXPORT_FAILED, error: error instanceof Error ? error : new Error(String(error)) });
    }
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush();
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }

  selectAggregationTemporality(type: InstrumentType): AggregationTemporality {
    return temporalityFor(this.temporality, type);
  }

  selectAggregation(type: InstrumentType): AggregationOption {
    return this.inner.selectAggregation(type);
  }
}

function readPem(path: string, what: string, source: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new OtlpConfigError(
      source,
      `cannot read the OTLP ${what} file ${path} (${source}): ${(error as Error).message}`,
    );
  }
}

function buildCredentials(options: ResolvedOtlpOptions): ChannelCredentials {
  if (!options.tls) return credentials.createInsecure();
  const { sources } = options;
  const ca = options.caFile === null ? null : readPem(options.caFile, 'CA certificate', sources.caFile);
  if (ca !== null) {
    // grpc-js accepts any bytes as roots and only fails at the first handshake; parse now so a wrong file
    // (a key, a DER file, an empty file) is reported at start, naming it.
    try {
      new X509Certificate(ca);
    } catch (error) {
      throw new OtlpConfigError(
        sources.caFile,
        `the OTLP CA certificate file ${options.caFile} (${sources.caFile}) holds no PEM certificate: ${(error as Error).message}`,
      );
    }
  }
  const cert =
    options.clientCertFile === null
      ? null
      : readPem(options.clientCertFile, 'client certificate', sources.clientCertFile);
  const key =
    options.clientKeyFile === null
      ? null
      : readPem(options.clientKeyFile, 'client key', sources.clientKeyFile);
  try {
    return credentials.createSsl(ca, key, cert);
  } catch (error) {
    const files = [options.caFile, options.clientCertFile, options.clientKeyFile]
      .filter((f) => f !== null)
      .join(', ');
    throw new OtlpConfigError(
      sources.caFile !== 'default' ? sources.caFile : sources.clientCertFile,
      `invalid OTLP TLS material (${files}): ${(error as Error).message}`,
    );
  }
}

type OtlpExporterConfig = NonNullable<ConstructorParameters<typeof OTLPMetricExporter>[0]>;
type ExporterCompression = NonNullable<OtlpExporterConfig['compression']>;

/**
 * What createOtlpGrpcExport builds. Two ways to drive it:
 * - register `reader` with a long-lived MeterProvider: it collects and exports every `intervalMs`;
 * - or collect on the runtime's own schedule (e.g. `collectSnapshotMetrics` once per tick) and hand each
 *   ResourceMetrics to `push` (then leave `reader` unregistered; call `exporter.shutdown()` at exit).
 * Either way every outcome lands in `stats`.
 */
export interface OtlpGrpcExport {
  readonly options: ResolvedOtlpOptions;
  readonly reader: PeriodicExportingMetricReader;
  /** The counting exporter inside `reader` (its forceFlush/shutdown reach the OTLP exporter). */
  readonly exporter: PushMetricExporter;
  readonly stats: ExportStats;
  /** Exports one collection now; resolves true on success, false on failure (details in `stats`). Never rejects. */
  push(metrics: ResourceMetrics): Promise<boolean>;
}

/**
 * Builds the OTLP/gRPC reader. Reads the certificate files now, so an unreadable or invalid file fails
 * at start (OtlpConfigError naming the file and option) rather than at the first export. After this,
 * nothing throws: failed exports are retried by the exporter within `timeoutMs`, then counted in
 * `stats`, and the reader goes on with the next period.
 */
export function createOtlpGrpcExport(
  explicit: OtlpGrpcOptions = {},
  env: OtlpEnv = process.env,
  clock: Pick<Clock, 'wallMs'> = systemClock,
): OtlpGrpcExport {
  const options = resolveOtlpOptions(explicit, env);
  const channelCredentials = buildCredentials(options);
  const metadata = new Metadata();
  for (const [key, value] of Object.entries(options.headers)) metadata.set(key, value);

  const inner = new OTLPMetricExporter({
    url: options.endpoint,
    credentials: channelCredentials,
    metadata,
    // CompressionAlgorithm is a string enum whose values are exactly these two strings.
    compression: options.compression as ExporterCompression,
    timeoutMillis: options.timeoutMs,
    userAgent: `sysray-agent/${AGENT_VERSION}`,
  });
  const stats = new MutableExportStats();
  const exporter = new CountingExporter(inner, stats, options.temporality, clock);
  const reader = new PeriodicExportingMetricReader({
    exporter,
    exportIntervalMillis: options.intervalMs,
    exportTimeoutMillis: options.timeoutMs,
  });
  const push = (metrics: ResourceMetrics): Promise<boolean> =>
    new Promise((resolve) => exporter.export(metrics, (result) => resolve(result.code === EXPORT_SUCCESS)));
  return { options, reader, exporter, stats, push };
}
