import {
  Metadata,
  Server,
  ServerCredentials,
  ServerInterceptingCall,
  status as GrpcStatus,
  type MethodDefinition,
  type ServerInterceptingCallInterface,
  type ServerInterceptor,
  type ServerUnaryCall,
  type ServiceDefinition,
  type sendUnaryData,
} from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import {
  OTLP_METRICS_SERVICE_NAME,
  OTLP_METRICS_SERVICE_PROTO,
  otlpProtoLoaderOptions,
  type OtlpExportMetricsServiceResponse,
} from '@sysray/proto';
import type { TokenSet } from '../auth.js';
import {
  ERROR_CODE_HEADER,
  ERROR_CODE_NAMES,
  GatewayError,
  isGatewayError,
  type ErrorCode,
} from '../errors.js';
import type { GatewayMetrics } from '../metrics/self-metrics.js';
import type { IngestPipeline } from './pipeline.js';
import { decodeExportRequest } from './otlp-codec.js';

/**
 * OTLP/gRPC receiver: opentelemetry.proto.collector.metrics.v1.MetricsService/Export on a @grpc/grpc-js
 * server, the service loaded from proto/otlp with @grpc/proto-loader. The request is taken as raw bytes
 * (requestDeserialize is the identity) and decoded by the gateway itself, so garbage answers
 * INVALID_ARGUMENT with the decoder's message rather than grpc-js's generic INTERNAL, and the bytes can
 * be forwarded unchanged. grpc-js enforces `maxReceiveBytes` on the message after decompression
 * (RESOURCE_EXHAUSTED, gzip bombs included) before the handler runs.
 */

export interface TlsMaterial {
  readonly cert: Buffer;
  readonly key: Buffer;
  /** CA bundle: when set, clients must present a certificate it signed. */
  readonly ca: Buffer | null;
}

export interface OtlpGrpcServerOptions {
  readonly pipeline: IngestPipeline;
  readonly metrics: GatewayMetrics;
  readonly tokens: TokenSet<'ingest'>;
  /** Largest message accepted, bytes, after decompression. */
  readonly maxReceiveBytes: number;
  readonly tls: TlsMaterial | null;
  readonly onError?: (error: Error) => void;
}

export interface OtlpGrpcServer {
  readonly host: string;
  readonly port: number;
  /** Stops accepting, lets in-flight calls finish for up to `graceMs`, then cuts the rest. */
  close(graceMs?: number): Promise<void>;
}

type PartialStatusObject = Parameters<ServerInterceptingCallInterface['sendStatus']>[0];

function exportMethod(): MethodDefinition<Buffer, OtlpExportMetricsServiceResponse> {
  const definition = loadSync(OTLP_METRICS_SERVICE_PROTO, otlpProtoLoaderOptions());
  const service = definition[OTLP_METRICS_SERVICE_NAME] as unknown as ServiceDefinition | undefined;
  const method = service?.Export as MethodDefinition<unknown, OtlpExportMetricsServiceResponse> | undefined;
  if (method === undefined)
    throw new Error(`${OTLP_METRICS_SERVICE_PROTO} does not define ${OTLP_METRICS_SERVICE_NAME}/Export`);
  return { ...method, requestDeserialize: (bytes: Buffer) => bytes } as MethodDefinition<
    Buffer,
    OtlpExportMetricsServiceResponse
  >;
}

/** The error code a non-OK status stands for: ours (trailer) or the transport's own refusals. */
function codeOfStatus(status: PartialStatusObject): ErrorCode | null {
  const tagged = status.metadata?.get(ERROR_CODE_HEADER)[0];
  if (typeof tagged === 'string' && (ERROR_CODE_NAMES as readonly string[]).includes(tagged))
    return tagged as ErrorCode;
  switch (status.code) {
    case GrpcStatus.OK:
    case GrpcStatus.CANCELLED:
      return null;
    case GrpcStatus.RESOURCE_EXHAUSTED:
      return 'SYSRAY_ERR_PAYLOAD_TOO_LARGE';
    case GrpcStatus.UNIMPLEMENTED:
      return 'SYSRAY_ERR_UNSUPPORTED_MEDIA_TYPE';
    default:
      return 'SYSRAY_ERR_INTERNAL';
  }
}

/**
 * Counts every non-OK status a call ends with. grpc-js sends its own refusals (message too large before
 * or after decompression, a corrupt compressed frame, an unknown encoding) from the innermost call
 * object, past the interceptor chain's responders; the interceptor therefore wraps that object's
 * `sendStatus`, which every path goes through.
 */
function countingInterceptor(metrics: GatewayMetrics): ServerInterceptor {
  return (_method, call: ServerInterceptingCallInterface) => {
    const send = call.sendStatus.bind(call);
    let counted = false;
    call.sendStatus = (status: PartialStatusObject): void => {
      if (!counted) {
        counted = true;
        const code = codeOfStatus(status);
        if (code !== null) metrics.countRequestError('grpc', code);
      }
      send(status);
    };
    return new ServerInterceptingCall(call);
  };
}

export async function startOtlpGrpcServer(
  listen: { readonly host: string; readonly port: number },
  options: OtlpGrpcServerOptions,
): Promise<OtlpGrpcServer> {
  const { pipeline, tokens } = options;
  const server = new Server({
    'grpc.max_receive_message_length': options.maxReceiveBytes,
    interceptors: [countingInterceptor(options.metrics)],
  });
  const fail = (callback: sendUnaryData<OtlpExportMetricsServiceResponse>, error: GatewayError): void => {
    const metadata = new Metadata();
    metadata.set(ERROR_CODE_HEADER, error.code);
    callback({ code: error.grpcStatus, details: `${error.code}: ${error.message}`, metadata });
  };
  server.addService(
    { Export: exportMethod() },
    {
      Export(
        call: ServerUnaryCall<Buffer, OtlpExportMetricsServiceResponse>,
        callback: sendUnaryData<OtlpExportMetricsServiceResponse>,
      ): void {
        if (!tokens.open && tokens.match(call.metadata.get('authorization').map(String)) === null) {
          fail(
            callback,
            new GatewayError(
              'SYSRAY_ERR_UNAUTHORIZED',
              'missing or unknown bearer token in the authorization metadata',
            ),
          );
          return;
        }
        try {
          const request = decodeExportRequest(call.request);
          const outcome = pipeline.ingest(request, call.request, 'grpc');
          callback(null, outcome.response);
        } catch (error) {
          if (isGatewayError(error)) {
            fail(callback, error);
          } else {
            options.onError?.(error as Error);
            fail(callback, new GatewayError('SYSRAY_ERR_INTERNAL', 'internal error', { cause: error }));
          }
        }
      },
    },
  );
  const credentials =
    options.tls === null
      ? ServerCredentials.createInsecure()
      : ServerCredentials.createSsl(
          options.tls.ca,
          [{ cert_chain: options.tls.cert, private_key: options.tls.key }],
          options.tls.ca !== null,
        );
  const host = listen.host.includes(':') && !listen.host.startsWith('[') ? `[${listen.host}]` : listen.host;
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(`${host}:${listen.port}`, credentials, (error, bound) =>
      error ? reject(error) : resolve(bound),
    );
  });
  return {
    host: listen.host,
    port,
    close: (graceMs = 2000) =>
      new Promise<void>((resolve) => {
        const force = setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, graceMs);
        server.tryShutdown(() => {
          clearTimeout(force);
          resolve();
        });
      }),
  };
}
