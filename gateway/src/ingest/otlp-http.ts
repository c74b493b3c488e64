import { gunzip } from 'node:zlib';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { GatewayCore } from '../core.js';
import { ERROR_CODE_HEADER, GatewayError, isGatewayError } from '../errors.js';
import {
  decodeExportRequest,
  decodeExportRequestJson,
  encodeExportResponse,
  encodeRpcStatus,
  exportResponseJson,
} from './otlp-codec.js';

/**
 * OTLP/HTTP receiver: POST /v1/metrics (OTLP specification, "OTLP/HTTP"). Bodies are
 * `application/x-protobuf` (binary ExportMetricsServiceRequest) or `application/json` (OTLP JSON),
 * optionally `Content-Encoding: gzip`. The response has the request's content type: an
 * ExportMetricsServiceResponse (partial_success when points were rejected), or on failure a
 * google.rpc.Status (protobuf requests) / `{ error: { code, message } }` (JSON and others); every
 * failure also carries the stable code in the `x-sysray-error-code` header.
 *
 * Limits: the body as sent may be at most limits.maxRequestBytes (fastify's bodyLimit, checked against
 * Content-Length first and while reading), the payload after gunzip at most limits.maxDecompressedBytes
 * (zlib stops at that many output bytes, so a gzip bomb costs no more memory than the limit).
 */

export const OTLP_HTTP_PATH = '/v1/metrics';

const PROTOBUF_TYPES = ['application/x-protobuf', 'application/protobuf'];
const JSON_TYPE = 'application/json';

/** The media type without parameters, lowercased. */
function essence(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

function isProtobuf(request: FastifyRequest): boolean {
  return PROTOBUF_TYPES.includes(essence(request.headers['content-type']));
}

function gunzipBounded(body: Buffer, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    gunzip(body, { maxOutputLength: maxBytes }, (error, result) => {
      if (error === null) {
        resolve(result);
      } else if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
        reject(
          new GatewayError(
            'SYSRAY_ERR_PAYLOAD_TOO_LARGE',
            `the gzip body decompresses to more than limits.maxDecompressedBytes (${maxBytes} bytes)`,
          ),
        );
      } else {
        reject(
          new GatewayError('SYSRAY_ERR_INVALID_PAYLOAD', `invalid gzip body: ${error.message}`, {
            cause: error,
          }),
        );
      }
    });
  });
}

/** Any error of the OTLP route as a GatewayError (fastify's own: 413 body limit, 415 media type, 400 framing). */
function asGatewayError(error: FastifyError | GatewayError | Error): GatewayError {
  if (isGatewayError(error)) return error;
  const status = (error as FastifyError).statusCode ?? 500;
  if (status === 413) {
    return new GatewayError(
      'SYSRAY_ERR_PAYLOAD_TOO_LARGE',
      `the body is larger than limits.maxRequestBytes`,
      {
        cause: error,
      },
    );
  }
  if (status === 415) {
    return new GatewayError(
      'SYSRAY_ERR_UNSUPPORTED_MEDIA_TYPE',
      `Content-Type must be application/x-protobuf or application/json`,
      { cause: error },
    );
  }
  if (status >= 400 && status < 500)
    return new GatewayError('SYSRAY_ERR_BAD_REQUEST', error.message, { cause: error });
  return new GatewayError('SYSRAY_ERR_INTERNAL', 'internal error', { cause: error });
}

/** Sends an OTLP/HTTP failure in the request's format and counts it. */
function sendOtlpError(
  core: GatewayCore,
  error: GatewayError,
  request: FastifyRequest,
  reply: FastifyReply,
): FastifyReply {
  core.metrics.countRequestError('http', error.code);
  if (error.code === 'SYSRAY_ERR_INTERNAL')
    request.log.error({ err: error.cause ?? error }, 'OTLP/HTTP ingest failed');
  reply.code(error.httpStatus).header(ERROR_CODE_HEADER, error.code);
  if (error.code === 'SYSRAY_ERR_UNAVAILABLE') reply.header('retry-after', '5');
  if (isProtobuf(request)) {
    return reply
      .type('application/x-protobuf')
      .send(Buffer.from(encodeRpcStatus(error.grpcStatus, `${error.code}: ${error.message}`)));
  }
  return reply.type('application/json; charset=utf-8').send(error.toBody());
}

/** Registers POST /v1/metrics in its own encapsulated scope (its own body parsers and error handler). */
export function registerOtlpHttp(app: FastifyInstance, core: GatewayCore): void {
  const { limits } = core.config;
  app.register(async (scope) => {
    // Only the OTLP media types, read as raw bytes: decoding (and gunzip) is this route's business.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser(
      [...PROTOBUF_TYPES, JSON_TYPE],
      { parseAs: 'buffer', bodyLimit: limits.maxRequestBytes },
      (_request, body, done) => done(null, body),
    );
    scope.setErrorHandler((error: FastifyError | GatewayError, request, reply) =>
      sendOtlpError(core, asGatewayError(error), request, reply),
    );
    scope.addHook('onRequest', async (request) => {
      if (!core.ingestTokens.open && core.ingestTokens.match(request.headers.authorization) === null) {
        throw new GatewayError(
          'SYSRAY_ERR_UNAUTHORIZED',
          'missing or unknown bearer token in the Authorization header',
        );
      }
    });
    scope.post(
      OTLP_HTTP_PATH,
      {
        config: { access: 'ingest' },
        schema: {
          summary: 'OTLP/HTTP metrics ingest',
          description:
            'ExportMetricsServiceRequest as application/x-protobuf or application/json (OTLP JSON), optionally gzip ' +
            'Content-Encoding; answered with an ExportMetricsServiceResponse in the same content type ' +
            '(partial_success lists rejected data points). Needs an ingest token when auth.ingestTokens is set. ' +
            'Errors: 400 SYSRAY_ERR_INVALID_PAYLOAD, 401 SYSRAY_ERR_UNAUTHORIZED, 413 SYSRAY_ERR_PAYLOAD_TOO_LARGE, ' +
            '415 SYSRAY_ERR_UNSUPPORTED_MEDIA_TYPE, 503 SYSRAY_ERR_UNAVAILABLE; protobuf requests get a google.rpc.Status ' +
            'body, others the JSON error body.',
          tags: ['ingest'],
          consumes: [...PROTOBUF_TYPES, JSON_TYPE],
          produces: ['application/x-protobuf', JSON_TYPE],
          security: [{ ingestToken: [] }],
          response: {
            200: {
              description: 'ExportMetricsServiceResponse (protobuf or OTLP JSON).',
              type: 'object',
              additionalProperties: true,
            },
          },
        },
      },
      async (request, reply) => {
        const body = request.body;
        if (!Buffer.isBuffer(body)) {
          throw new GatewayError(
            'SYSRAY_ERR_UNSUPPORTED_MEDIA_TYPE',
            'Content-Type must be application/x-protobuf or application/json',
          );
        }
        const encoding = (request.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
        let payload: Buffer;
        if (encoding === 'gzip') {
          payload = await gunzipBounded(body, limits.maxDecompressedBytes);
        } else if (encoding === 'identity' || encoding === '') {
          if (body.byteLength > limits.maxDecompressedBytes) {
            throw new GatewayError(
              'SYSRAY_ERR_PAYLOAD_TOO_LARGE',
              `the body is larger than limits.maxDecompressedBytes (${limits.maxDecompressedBytes} bytes)`,
            );
          }
          payload = body;
        } else {
          throw new GatewayError(
            'SYSRAY_ERR_UNSUPPORTED_MEDIA_TYPE',
            `Content-Encoding ${encoding} is not supported; send gzip or no encoding`,
          );
        }
        const protobuf = isProtobuf(request);
        const decoded = protobuf
          ? decodeExportRequest(payload)
          : decodeExportRequestJson(payload.toString('utf8'));
        const outcome = core.pipeline.ingest(decoded, protobuf ? payload : null, 'http');
        if (protobuf) {
          return reply
            .type('application/x-protobuf')
            .send(Buffer.from(encodeExportResponse(outcome.response)));
        }
        // Serialized here, not by the route's schema: the OTLP JSON shape is fixed by the specification.
        return reply
          .type('application/json')
          .serializer(JSON.stringify)
          .send(exportResponseJson(outcome.response));
      },
    );
  });
}
