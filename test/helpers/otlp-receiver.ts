import {
  createServer as createTcpServer,
  connect as tcpConnect,
  type Server as TcpServer,
  type Socket,
} from 'node:net';
import {
  Server,
  ServerCredentials,
  status,
  type Metadata,
  type ServerUnaryCall,
  type sendUnaryData,
  type ServiceDefinition,
} from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import {
  OTLP_METRICS_SERVICE_NAME,
  OTLP_METRICS_SERVICE_PROTO,
  otlpProtoLoaderOptions,
} from '../../proto/src/otlp/definitions.js';
import type {
  OtlpExportMetricsServiceRequest,
  OtlpExportMetricsServiceResponse,
  OtlpInstrumentationScope,
  OtlpMetric,
  OtlpResource,
} from '../../proto/src/otlp/decoded.js';

/**
 * A real OTLP/gRPC metrics receiver for tests: a `@grpc/grpc-js` server on loopback (ephemeral port)
 * implementing opentelemetry.proto.collector.metrics.v1.MetricsService/Export from Sysray's own .proto
 * files (proto/otlp) through `@grpc/proto-loader`. Decoded requests have the shape of
 * proto/src/otlp/decoded.ts: snake_case fields, 64-bit integers as decimal strings, enums by name.
 */

export interface OtlpReceiverTls {
  /** PEM server certificate chain; its SAN must cover `localhost` (the endpoint's host). */
  readonly cert: string | Buffer;
  /** PEM private key of `cert`. */
  readonly key: string | Buffer;
  /** PEM CA bundle: when given, clients must present a certificate signed by it (mutual TLS). */
  readonly ca?: string | Buffer;
}

/** A gRPC error to answer instead of a response. */
export interface OtlpReceiverError {
  readonly code: status;
  readonly details: string;
}

export interface OtlpReceiverOptions {
  readonly tls?: OtlpReceiverTls;
  /**
   * Metadata every request must carry with exactly these values (keys lowercase), e.g.
   * `{ authorization: 'Bearer t0k3n' }`. Others are answered UNAUTHENTICATED and listed in `rejected`.
   */
  readonly requireHeaders?: Readonly<Record<string, string>>;
  /**
   * The answer to an accepted request: a response (e.g. with `partial_success`) or a gRPC error. Default:
   * an empty ExportMetricsServiceResponse (full success).
   */
  readonly reply?: (
    request: OtlpExportMetricsServiceRequest,
  ) => OtlpExportMetricsServiceResponse | OtlpReceiverError;
  /**
   * Put a byte-counting TCP relay in front of the server so `wireBytes()` reports what clients sent
   * (HTTP/2 frames, TLS records included): how tests see compression. `endpoint` then names the relay.
   */
  readonly measureWireBytes?: boolean;
}

/** One Export call that reached the handler. */
export interface ReceivedExport {
  readonly request: OtlpExportMetricsServiceRequest;
  /** Request metadata, keys lowercase; multiple values joined with ", ". */
  readonly metadata: Readonly<Record<string, string>>;
  /** Wall clock, Unix epoch milliseconds. */
  readonly receivedAt: number;
}

export interface OtlpReceiver {
  /** `http://127.0.0.1:<port>` or, with TLS, `https://localhost:<port>`. */
  readonly endpoint: string;
  readonly port: number;
  /** Accepted requests, in arrival order (live array). */
  readonly requests: readonly OtlpExportMetricsServiceRequest[];
  /** Accepted calls with their metadata (live array). */
  readonly received: readonly ReceivedExport[];
  /** Calls refused because a required header was missing or wrong (live array). */
  readonly rejected: readonly ReceivedExport[];
  /** Bytes clients sent through the relay; 0 unless `measureWireBytes`. */
  wireBytes(): number;
  /**
   * Resolves with the accepted requests once `predicate` holds, checked now and after every call
   * (accepted or rejected); rejects after `timeoutMs` milliseconds.
   */
  waitFor(
    predicate: (requests: readonly OtlpExportMetricsServiceRequest[]) => boolean,
    timeoutMs?: number,
  ): Promise<readonly OtlpExportMetricsServiceRequest[]>;
  close(): Promise<void>;
}

function metadataRecord(metadata: Metadata): Record<string, string> {
  const record: Record<string, string> = {};
  for (const key of Object.keys(metadata.getMap())) {
    record[key] = metadata
      .get(key)
      .map((value) => (typeof value === 'string' ? value : value.toString('base64')))
      .join(', ');
  }
  return record;
}

function isError(answer: OtlpExportMetricsServiceResponse | OtlpReceiverError): answer is OtlpReceiverError {
  return 'code' in answer && typeof (answer as OtlpReceiverError).code === 'number';
}

function loadMetricsService(): ServiceDefinition {
  const definition = loadSync(OTLP_METRICS_SERVICE_PROTO, otlpProtoLoaderOptions());
  const service = definition[OTLP_METRICS_SERVICE_NAME];
  if (service === undefined || !('Export' in service)) {
    throw new Error(`${OTLP_METRICS_SERVICE_PROTO} does not define ${OTLP_METRICS_SERVICE_NAME}/Export`);
  }
  return service as unknown as ServiceDefinition;
}

interface Relay {
  readonly port: number;
  bytes(): number;
  close(): Promise<void>;
}

async function startRelay(targetPort: number): Promise<Relay> {
  let bytes = 0;
  const sockets = new Set<Socket>();
  const server: TcpServer = createTcpServer((client) => {
    const upstream = tcpConnect(targetPort, '127.0.0.1');
    sockets.add(client).add(upstream);
    client.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
    });
    client.pipe(upstream).pipe(client);
    const drop = (): void => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('relay has no TCP address');
  return {
    port: address.port,
    bytes: () => bytes,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

export async function startOtlpReceiver(options: OtlpReceiverOptions = {}): Promise<OtlpReceiver> {
  const requests: OtlpExportMetricsServiceRequest[] = [];
  const received: ReceivedExport[] = [];
  const rejected: ReceivedExport[] = [];
  const waiters = new Set<() => void>();

  const server = new Server();
  server.addService(loadMetricsService(), {
    Export(
      call: ServerUnaryCall<OtlpExportMetricsServiceRequest, OtlpExportMetricsServiceResponse>,
      callback: sendUnaryData<OtlpExportMetricsServiceResponse>,
    ): void {
      const entry: ReceivedExport = {
        request: call.request,
        metadata: metadataRecord(call.metadata),
        receivedAt: Date.now(),
      };
      for (const [key, expected] of Object.entries(options.requireHeaders ?? {})) {
        if (entry.metadata[key.toLowerCase()] !== expected) {
          rejected.push(entry);
          callback({ code: status.UNAUTHENTICATED, details: `missing or wrong ${key} header` });
          for (const wake of [...waiters]) wake();
          return;
        }
      }
      const answer = options.reply?.(call.request) ?? {};
      if (isError(answer)) {
        callback({ code: answer.code, details: answer.details });
        return;
      }
      requests.push(call.request);
      received.push(entry);
      callback(null, answer);
      for (const wake of [...waiters]) wake();
    },
  });

  const credentials =
    options.tls === undefined
      ? ServerCredentials.createInsecure()
      : ServerCredentials.createSsl(
          options.tls.ca === undefined ? null : Buffer.from(options.tls.ca),
          [{ cert_chain: Buffer.from(options.tls.cert), private_key: Buffer.from(options.tls.key) }],
          options.tls.ca !== undefined,
        );
  // With TLS the endpoint names `localhost`: clients send the host as SNI, and Node deprecates an IP
  // address there (RFC 6066 §3). grpc-js binds every address `localhost` resolves to on one port.
  const host = options.tls === undefined ? '127.0.0.1' : 'localhost';
  const serverPort = await new Promise<number>((resolve, reject) => {
    server.bindAsync(`${host}:0`, credentials, (error, port) => (error ? reject(error) : resolve(port)));
  });
  const relay = options.measureWireBytes === true ? await startRelay(serverPort) : null;
  const port = relay?.port ?? serverPort;
  const endpoint = `${options.tls === undefined ? 'http' : 'https'}://${host}:${port}`;

  return {
    endpoint,
    port,
    requests,
    received,
    rejected,
    wireBytes: () => relay?.bytes() ?? 0,
    waitFor(predicate, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const check = (): boolean => {
          if (!predicate(requests)) return false;
          clearTimeout(timer);
          waiters.delete(wake);
          resolve(requests);
          return true;
        };
        const wake = (): void => {
          try {
            check();
          } catch (error) {
            clearTimeout(timer);
            waiters.delete(wake);
            reject(error as Error);
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(wake);
          reject(
            new Error(
              `OTLP receiver: condition not met within ${timeoutMs} ms (${requests.length} accepted, ${rejected.length} rejected requests)`,
            ),
          );
        }, timeoutMs);
        waiters.add(wake);
        wake();
      });
    },
    async close() {
      await relay?.close();
      await new Promise<void>((resolve) => {
        // Give in-flight calls a moment, then cut whatever is left so a test never hangs on close.
        const force = setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, 1000);
        server.tryShutdown(() => {
          clearTimeout(force);
          resolve();
        });
      });
    },
  };
}

/** A metric together with the resource and scope it arrived under. */
export interface FoundMetric {
  readonly metric: OtlpMetric;
  readonly resource: OtlpResource | null;
  readonly scope: OtlpInstrumentationScope | null;
}

/** Every occurrence of the metric named `name`, oldest request first. */
export function findMetrics(
  requests: readonly OtlpExportMetricsServiceRequest[],
  name: string,
): FoundMetric[] {
  const found: FoundMetric[] = [];
  for (const request of requests) {
    for (const resourceMetrics of request.resource_metrics) {
      for (const scopeMetrics of resourceMetrics.scope_metrics) {
        for (const metric of scopeMetrics.metrics) {
          if (metric.name === name) {
            found.push({ metric, resource: resourceMetrics.resource, scope: scopeMetrics.scope });
          }
        }
      }
    }
  }
  return found;
}

/** The most recent occurrence of the metric named `name`, or undefined. */
export function latestMetric(
  requests: readonly OtlpExportMetricsServiceRequest[],
  name: string,
): FoundMetric | undefined {
  return findMetrics(requests, name).at(-1);
}
