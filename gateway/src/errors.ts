import { status as GrpcStatus } from '@grpc/grpc-js';

/**
 * Every error the gateway answers carries one of these stable codes, in `{ error: { code, message } }`
 * (HTTP API, OTLP/HTTP with a JSON body) and in the `x-sysray-error-code` header of every error response
 * (OTLP/HTTP with a protobuf body answers a `google.rpc.Status`, as the OTLP specification requires).
 * Codes never change meaning; new ones are added. docs/gateway-api.md lists each one (a test checks it).
 */
export const ERROR_CODES = Object.freeze({
  SYSRAY_ERR_BAD_REQUEST: {
    httpStatus: 400,
    grpcStatus: GrpcStatus.INVALID_ARGUMENT,
    description: 'A parameter or body field is missing, malformed or out of range.',
  },
  SYSRAY_ERR_INVALID_PAYLOAD: {
    httpStatus: 400,
    grpcStatus: GrpcStatus.INVALID_ARGUMENT,
    description:
      'An OTLP payload could not be decoded: truncated or garbage protobuf, invalid JSON, a corrupt gzip stream.',
  },
  SYSRAY_ERR_RANGE_TOO_LARGE: {
    httpStatus: 400,
    grpcStatus: GrpcStatus.INVALID_ARGUMENT,
    description:
      'A series query spans more time, or would return more points per series, than the configured bounds (`query.maxRangeMs`, `query.maxPoints`); the message names the bound.',
  },
  SYSRAY_ERR_TOO_MANY_SERIES: {
    httpStatus: 400,
    grpcStatus: GrpcStatus.INVALID_ARGUMENT,
    description:
      'A series query matches more series than `query.maxSeries`; narrow it with `match[key]=value`.',
  },
  SYSRAY_ERR_UNAUTHORIZED: {
    httpStatus: 401,
    grpcStatus: GrpcStatus.UNAUTHENTICATED,
    description:
      'Tokens are configured and the request carries no `Authorization: Bearer` token, or an unknown one.',
  },
  SYSRAY_ERR_FORBIDDEN: {
    httpStatus: 403,
    grpcStatus: GrpcStatus.PERMISSION_DENIED,
    description:
      'The token is valid but its role does not allow the route (a `read` token on an `admin` route).',
  },
  SYSRAY_ERR_NOT_FOUND: {
    httpStatus: 404,
    grpcStatus: GrpcStatus.NOT_FOUND,
    description: 'No such route, or no such host.',
  },
  SYSRAY_ERR_PAYLOAD_TOO_LARGE: {
    httpStatus: 413,
    grpcStatus: GrpcStatus.RESOURCE_EXHAUSTED,
    description:
      'A request body is larger than `limits.maxRequestBytes` as sent, or than `limits.maxDecompressedBytes` once decompressed (gzip bombs stop there).',
  },
  SYSRAY_ERR_UNSUPPORTED_MEDIA_TYPE: {
    httpStatus: 415,
    // gRPC: grpc-js answers an unknown message compression UNIMPLEMENTED itself.
    grpcStatus: GrpcStatus.UNIMPLEMENTED,
    description:
      'OTLP/HTTP accepts `application/x-protobuf` and `application/json`, with `Content-Encoding` `gzip` or none; OTLP/gRPC accepts gzip and deflate message compression.',
  },
  SYSRAY_ERR_UNAVAILABLE: {
    httpStatus: 503,
    grpcStatus: GrpcStatus.UNAVAILABLE,
    description:
      'The gateway is starting or shutting down, the store could not commit an ingested batch, or a bounded resource is full (`stream.maxClients`); retry later.',
  },
  SYSRAY_ERR_INTERNAL: {
    httpStatus: 500,
    grpcStatus: GrpcStatus.INTERNAL,
    description: 'An unexpected failure (a bug); the gateway log has the cause.',
  },
} as const);

export type ErrorCode = keyof typeof ERROR_CODES;

export const ERROR_CODE_NAMES: readonly ErrorCode[] = Object.freeze(Object.keys(ERROR_CODES) as ErrorCode[]);

/** The body of every JSON error response. */
export interface ErrorBody {
  readonly error: { readonly code: ErrorCode; readonly message: string };
}

/** Header that carries the stable code on every error response, whatever the body's format. */
export const ERROR_CODE_HEADER = 'x-sysray-error-code';

/** An error the gateway answers on purpose: a stable code, its HTTP and gRPC status, a message for the client. */
export class GatewayError extends Error {
  readonly code: ErrorCode;
  readonly httpStatus: number;
  readonly grpcStatus: GrpcStatus;

  constructor(code: ErrorCode, message: string, options?: { readonly cause?: unknown }) {
    super(message, options);
    this.name = 'GatewayError';
    this.code = code;
    this.httpStatus = ERROR_CODES[code].httpStatus;
    this.grpcStatus = ERROR_CODES[code].grpcStatus;
  }

  toBody(): ErrorBody {
    return { error: { code: this.code, message: this.message } };
  }
}

export function isGatewayError(error: unknown): error is GatewayError {
  return error instanceof GatewayError;
}

/** JSON schema of ErrorBody, for route response schemas (and so the OpenAPI document). */
export const ERROR_BODY_SCHEMA = Object.freeze({
  $id: 'SysrayError',
  type: 'object',
  description: 'Every error response of the API.',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string', enum: [...ERROR_CODE_NAMES], description: 'Stable error code.' },
        message: { type: 'string', description: 'Human-readable; may change between releases.' },
      },
    },
  },
});
