import { join } from 'node:path';
import protobuf from 'protobufjs';
import {
  OTLP_EXPORT_METRICS_REQUEST_TYPE,
  OTLP_EXPORT_METRICS_RESPONSE_TYPE,
  OTLP_METRICS_SERVICE_PROTO,
  OTLP_PROTO_INCLUDE_DIR,
  otlpProtoLoaderOptions,
  type OtlpExportMetricsServiceRequest,
  type OtlpExportMetricsServiceResponse,
} from '@sysray/proto';
import { GatewayError } from '../errors.js';

/**
 * OTLP metrics messages in and out of bytes, with protobufjs over Sysray's own .proto files
 * (proto/otlp). Decoded requests have exactly the shape `@grpc/proto-loader` gives under
 * `otlpProtoLoaderOptions()` (proto/src/otlp/decoded.ts), whichever encoding they arrived in.
 */

interface Codec {
  readonly request: protobuf.Type;
  readonly response: protobuf.Type;
  readonly status: protobuf.Type;
}

let codec: Codec | undefined;

/** Loads the .proto files once (synchronously, at first use: a few milliseconds). */
function load(): Codec {
  if (codec !== undefined) return codec;
  const root = new protobuf.Root();
  // Imports in the .proto files are relative to the include directory, like protoc's -I.
  root.resolvePath = (_origin, target) => join(OTLP_PROTO_INCLUDE_DIR, target);
  root.loadSync(OTLP_METRICS_SERVICE_PROTO, { keepCase: true });
  root.resolveAll();
  // google.rpc.Status (googleapis google/rpc/status.proto), the body of OTLP/HTTP error responses in
  // protobuf. `details` (repeated google.protobuf.Any, field 3) is never sent, so it is not declared.
  const status = new protobuf.Type('Status')
    .add(new protobuf.Field('code', 1, 'int32'))
    .add(new protobuf.Field('message', 2, 'string'));
  new protobuf.Root().define('google.rpc').add(status);
  codec = {
    request: root.lookupType(OTLP_EXPORT_METRICS_REQUEST_TYPE),
    response: root.lookupType(OTLP_EXPORT_METRICS_RESPONSE_TYPE),
    status,
  };
  return codec;
}

const { includeDirs: _includeDirs, keepCase: _keepCase, ...CONVERSION } = otlpProtoLoaderOptions();

function describe(error: unknown): string {
  if (error instanceof RangeError && /call stack/i.test(error.message)) return 'nesting too deep';
  return error instanceof Error ? error.message : String(error);
}

/** Binary protobuf (OTLP/gRPC message, OTLP/HTTP `application/x-protobuf`, NATS payload) → decoded. */
export function decodeExportRequest(bytes: Uint8Array): OtlpExportMetricsServiceRequest {
  const { request } = load();
  try {
    return request.toObject(request.decode(bytes), CONVERSION) as OtlpExportMetricsServiceRequest;
  } catch (error) {
    throw new GatewayError(
      'SYSRAY_ERR_INVALID_PAYLOAD',
      `invalid ExportMetricsServiceRequest protobuf: ${describe(error)}`,
      { cause: error },
    );
  }
}

/** `timeUnixNano` → `time_unix_nano`; snake_case names pass unchanged (protobuf JSON accepts both). */
function snakeCase(key: string): string {
  return key.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}

const HEX = /^(?:[0-9a-fA-F]{2})*$/;

/**
 * OTLP JSON → the field names and encodings protobufjs's `fromObject` reads. OTLP/HTTP JSON follows the
 * protobuf JSON mapping (lowerCamelCase names, 64-bit integers as strings, enums as integers, other
 * bytes base64) except that `trace_id` and `span_id` are hex (OTLP specification, "JSON Protobuf
 * Encoding"); they are turned into base64 here so the bytes decode right.
 */
function fromOtlpJson(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(fromOtlpJson);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    const name = snakeCase(key);
    if ((name === 'trace_id' || name === 'span_id') && typeof item === 'string' && HEX.test(item)) {
      out[name] = Buffer.from(item, 'hex').toString('base64');
    } else {
      out[name] = fromOtlpJson(item);
    }
  }
  return out;
}

/** OTLP/HTTP JSON body (UTF-8 text) → decoded. */
export function decodeExportRequestJson(text: string): OtlpExportMetricsServiceRequest {
  const { request } = load();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new GatewayError('SYSRAY_ERR_INVALID_PAYLOAD', `invalid JSON: ${describe(error)}`, {
      cause: error,
    });
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new GatewayError(
      'SYSRAY_ERR_INVALID_PAYLOAD',
      'invalid ExportMetricsServiceRequest JSON: the body must be a JSON object',
    );
  }
  try {
    const message = request.fromObject(fromOtlpJson(parsed) as Record<string, unknown>);
    return request.toObject(message, CONVERSION) as OtlpExportMetricsServiceRequest;
  } catch (error) {
    throw new GatewayError(
      'SYSRAY_ERR_INVALID_PAYLOAD',
      `invalid ExportMetricsServiceRequest JSON: ${describe(error).replace(/^\.?opentelemetry\.proto\.[\w.]+\./, '')}`,
      { cause: error },
    );
  }
}

/** Decoded (or any object protobufjs's fromObject reads) → binary protobuf, e.g. to forward a JSON request. */
export function encodeExportRequest(request: OtlpExportMetricsServiceRequest): Uint8Array {
  const { request: type } = load();
  return type.encode(type.fromObject(request as unknown as Record<string, unknown>)).finish();
}

/** An ExportMetricsServiceResponse as protobuf; partial_success only when something was rejected or said. */
export function encodeExportResponse(response: OtlpExportMetricsServiceResponse): Uint8Array {
  const { response: type } = load();
  return type.encode(type.fromObject(response as unknown as Record<string, unknown>)).finish();
}

export function decodeExportResponse(bytes: Uint8Array): OtlpExportMetricsServiceResponse {
  const { response: type } = load();
  return type.toObject(type.decode(bytes), CONVERSION) as OtlpExportMetricsServiceResponse;
}

/** An ExportMetricsServiceResponse in OTLP JSON: `{}` or `{"partialSuccess":{"rejectedDataPoints":"3",…}}`. */
export function exportResponseJson(response: OtlpExportMetricsServiceResponse): Record<string, unknown> {
  const partial = response.partial_success;
  if (partial == null) return {};
  return {
    partialSuccess: {
      // int64 in OTLP JSON is a decimal string.
      rejectedDataPoints: String(partial.rejected_data_points),
      errorMessage: partial.error_message,
    },
  };
}

/** A google.rpc.Status as protobuf, for OTLP/HTTP error responses to protobuf requests. */
export function encodeRpcStatus(code: number, message: string): Uint8Array {
  const { status } = load();
  return status.encode(status.fromObject({ code, message })).finish();
}

export function decodeRpcStatus(bytes: Uint8Array): { code: number; message: string } {
  const { status } = load();
  return status.toObject(status.decode(bytes), { defaults: true }) as { code: number; message: string };
}
