import { gzipSync } from 'node:zlib';
import type { LightMyRequestResponse } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeExportResponse, decodeRpcStatus, encodeExportRequest } from '../../src/ingest/otlp-codec.js';
import { makeTestApp, type TestApp } from '../helpers/app.js';
import { T0, agentReport, exportRequest, gauge, ns } from '../helpers/otlp.js';
import { sample } from '../helpers/prom.js';

const LIMITS = { maxRequestBytes: 64 * 1024, maxDecompressedBytes: 256 * 1024 };
const HOST = { id: 'machine-1', name: 'web-1' };

let t: TestApp;
afterEach(async () => {
  await t?.close();
});

function post(
  body: Buffer | string,
  headers: Record<string, string> = { 'content-type': 'application/x-protobuf' },
): Promise<LightMyRequestResponse> {
  return t.app.inject({ method: 'POST', url: '/v1/metrics', headers, payload: body });
}

async function metricsText(): Promise<string> {
  return (await t.app.inject({ url: '/metrics' })).body;
}

function errorsCounted(text: string, reason: string): number | undefined {
  return sample(text, 'sysray_gateway_ingest_request_errors_total', { reason, transport: 'http' });
}

const validProtobuf = (): Buffer => Buffer.from(encodeExportRequest(agentReport(HOST, T0, { cpuIdle: 0.4 })));

describe('OTLP/HTTP protobuf', () => {
  it('accepts a request, answers an empty ExportMetricsServiceResponse and stores the points', async () => {
    t = makeTestApp({ limits: LIMITS });
    const response = await post(validProtobuf());
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('application/x-protobuf');
    expect(decodeExportResponse(response.rawPayload).partial_success ?? null).toBeNull();
    const series = t.app.gateway.store.series({ hostId: 'machine-1', metric: 'system.cpu.utilization' });
    expect(series.map((entry) => [entry.attributes['cpu.mode'], entry.lastValue]).sort()).toEqual([
      ['idle', 0.4],
      ['user', 0.6],
    ]);
    const text = await metricsText();
    expect(sample(text, 'sysray_gateway_ingest_requests_total', { transport: 'http' })).toBe(1);
    expect(sample(text, 'sysray_gateway_ingest_datapoints_total', { transport: 'http' })).toBe(2);
    expect(sample(text, 'sysray_gateway_ingest_batches_total', { transport: 'http' })).toBe(1);
  });

  it('answers partial_success with the rejected count and reasons', async () => {
    t = makeTestApp({ limits: LIMITS });
    const request = exportRequest({ 'host.name': 'web-2' }, [
      gauge('g', '1', [
        { ms: T0, value: 1 },
        { ms: T0, value: Number.NaN, attributes: { a: '1' } },
        { ms: T0 + 3_600_000, value: 1, attributes: { a: '2' } },
      ]),
    ]);
    const response = await post(Buffer.from(encodeExportRequest(request)));
    expect(response.statusCode).toBe(200);
    const decoded = decodeExportResponse(response.rawPayload);
    expect(decoded.partial_success?.rejected_data_points).toBe('2');
    expect(decoded.partial_success?.error_message).toBe(
      '2 data points rejected: 1 value is NaN or infinite; 1 timestamp too far in the future',
    );
    const text = await metricsText();
    expect(
      sample(text, 'sysray_gateway_ingest_rejected_datapoints_total', { reason: 'non_finite_value' }),
    ).toBe(1);
    expect(
      sample(text, 'sysray_gateway_ingest_rejected_datapoints_total', { reason: 'future_timestamp' }),
    ).toBe(1);
  });

  it('accepts gzip bodies', async () => {
    t = makeTestApp({ limits: LIMITS });
    const response = await post(gzipSync(validProtobuf()), {
      'content-type': 'application/x-protobuf',
      'content-encoding': 'gzip',
    });
    expect(response.statusCode).toBe(200);
    expect(t.app.gateway.fleet.host('machine-1', T0)?.metrics.cpuUtilization).toBeCloseTo(0.6, 10);
  });

  it('answers garbage and truncated protobuf with 400 and a google.rpc.Status, and keeps serving', async () => {
    t = makeTestApp({ limits: LIMITS });
    const garbage = await post(Buffer.from('this is not protobuf at all'));
    expect(garbage.statusCode).toBe(400);
    expect(garbage.headers['x-sysray-error-code']).toBe('SYSRAY_ERR_INVALID_PAYLOAD');
    expect(garbage.headers['content-type']).toBe('application/x-protobuf');
    const status = decodeRpcStatus(garbage.rawPayload);
    expect(status.code).toBe(3); // INVALID_ARGUMENT
    expect(status.message).toMatch(
      /^SYSRAY_ERR_INVALID_PAYLOAD: invalid ExportMetricsServiceRequest protobuf: /,
    );

    const valid = validProtobuf();
    const truncated = await post(valid.subarray(0, valid.length - 7));
    expect(truncated.statusCode).toBe(400);
    expect(decodeRpcStatus(truncated.rawPayload).message).toContain('index out of range');

    const badGzip = await post(Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 1, 2, 3]), {
      'content-type': 'application/x-protobuf',
      'content-encoding': 'gzip',
    });
    expect(badGzip.statusCode).toBe(400);
    expect(decodeRpcStatus(badGzip.rawPayload).message).toContain('invalid gzip body');

    expect((await post(valid)).statusCode).toBe(200);
    expect(errorsCounted(await metricsText(), 'invalid_payload')).toBe(3);
  });
});

describe('OTLP/HTTP JSON', () => {
  const json = {
    resourceMetrics: [
      {
        resource: {
          attributes: [
            { key: 'host.name', value: { stringValue: 'json-host' } },
            { key: 'host.cpus', value: { intValue: '8' } },
          ],
        },
        scopeMetrics: [
          {
            scope: { name: 'manual' },
            metrics: [
              {
                name: 'requests',
                unit: '{request}',
                sum: {
                  aggregationTemporality: 2,
                  isMonotonic: true,
                  dataPoints: [
                    {
                      attributes: [
                        { key: 'ok', value: { boolValue: true } },
                        {
                          key: 'tags',
                          value: { arrayValue: { values: [{ stringValue: 'a' }, { doubleValue: 1.5 }] } },
                        },
                      ],
                      timeUnixNano: ns(T0),
                      asInt: '42',
                      exemplars: [
                        {
                          timeUnixNano: ns(T0),
                          asDouble: 1,
                          traceId: '5b8efff798038103d269b633813fc60c',
                          spanId: 'eee19b7ec3c1b174',
                        },
                      ],
                    },
                  ],
                },
              },
              {
                name: 'temperature',
                unit: 'Cel',
                gauge: { dataPoints: [{ timeUnixNano: Number(ns(T0)), asDouble: 21.5 }] },
              },
            ],
          },
        ],
      },
    ],
  };

  it('accepts OTLP JSON (camelCase, int64 strings, enum ints, hex ids) and answers JSON', async () => {
    t = makeTestApp({ limits: LIMITS });
    const response = await post(JSON.stringify(json), { 'content-type': 'application/json' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(response.json()).toEqual({});
    const requests = t.app.gateway.store.series({ hostId: 'json-host', metric: 'requests' });
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({
      kind: 'counter',
      unit: '{request}',
      lastValue: 42,
      lastTimestampMs: T0,
    });
    expect(requests[0]!.attributes).toEqual({ ok: 'true', tags: '["a",1.5]' });
    const temperature = t.app.gateway.store.series({ hostId: 'json-host', metric: 'temperature' });
    expect(temperature[0]).toMatchObject({ kind: 'gauge', lastValue: 21.5 });
    expect(t.app.gateway.fleet.host('json-host', T0)?.resource['host.cpus']).toBe('8');
  });

  it('answers partialSuccess in OTLP JSON', async () => {
    t = makeTestApp({ limits: LIMITS });
    const body = structuredClone(json);
    body.resourceMetrics[0]!.scopeMetrics[0]!.metrics[1]!.gauge!.dataPoints[0]!.timeUnixNano = 0;
    const response = await post(gzipSync(JSON.stringify(body)), {
      'content-type': 'application/json; charset=utf-8',
      'content-encoding': 'gzip',
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      partialSuccess: {
        rejectedDataPoints: '1',
        errorMessage: '1 data point rejected: 1 time_unix_nano is zero or not a valid integer',
      },
    });
  });

  it('answers invalid JSON and non-object bodies with 400 and the JSON error body', async () => {
    t = makeTestApp({ limits: LIMITS });
    for (const [body, message] of [
      ['{"resourceMetrics": [', /^invalid JSON: /],
      ['[1,2]', /body must be a JSON object/],
      ['{"resourceMetrics": "nope"}', /resource_metrics: array expected/],
      ['{"resourceMetrics": [{"resource": 5}]}', /object expected/],
    ] as const) {
      const response = await post(body, { 'content-type': 'application/json' });
      expect(response.statusCode).toBe(400);
      expect(response.headers['x-sysray-error-code']).toBe('SYSRAY_ERR_INVALID_PAYLOAD');
      const error = response.json() as { error: { code: string; message: string } };
      expect(error.error.code).toBe('SYSRAY_ERR_INVALID_PAYLOAD');
      expect(error.error.message).toMatch(message);
    }
    expect(errorsCounted(await metricsText(), 'invalid_payload')).toBe(4);
  });
});

describe('OTLP/HTTP limits and media types', () => {
  it('refuses a body over maxRequestBytes with 413 before reading it all', async () => {
    t = makeTestApp({ limits: LIMITS });
    const response = await post(Buffer.alloc(LIMITS.maxRequestBytes + 1, 7));
    expect(response.statusCode).toBe(413);
    expect(response.headers['x-sysray-error-code']).toBe('SYSRAY_ERR_PAYLOAD_TOO_LARGE');
    expect(decodeRpcStatus(response.rawPayload).code).toBe(8); // RESOURCE_EXHAUSTED
  });

  it('refuses a gzip bomb with 413 once it decompresses past maxDecompressedBytes', async () => {
    t = makeTestApp({ limits: LIMITS });
    const bomb = gzipSync(Buffer.alloc(16 * 1024 * 1024));
    expect(bomb.length).toBeLessThan(LIMITS.maxRequestBytes);
    const response = await post(bomb, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
    expect(response.statusCode).toBe(413);
    expect(response.json()).toEqual({
      error: {
        code: 'SYSRAY_ERR_PAYLOAD_TOO_LARGE',
        message: `the gzip body decompresses to more than limits.maxDecompressedBytes (${LIMITS.maxDecompressedBytes} bytes)`,
      },
    });
    // Still serving.
    expect((await post(validProtobuf())).statusCode).toBe(200);
    expect(errorsCounted(await metricsText(), 'payload_too_large')).toBe(1);
  });

  it('refuses an identity body larger than maxDecompressedBytes', async () => {
    t = makeTestApp({ limits: { maxRequestBytes: 128 * 1024, maxDecompressedBytes: 64 * 1024 } });
    const response = await post(Buffer.alloc(100 * 1024));
    expect(response.statusCode).toBe(413);
  });

  it('answers 415 for other content types and encodings', async () => {
    t = makeTestApp({ limits: LIMITS });
    const text = await post('hello', { 'content-type': 'text/plain' });
    expect(text.statusCode).toBe(415);
    expect(text.json()).toMatchObject({ error: { code: 'SYSRAY_ERR_UNSUPPORTED_MEDIA_TYPE' } });
    const brotli = await post(validProtobuf(), {
      'content-type': 'application/x-protobuf',
      'content-encoding': 'br',
    });
    expect(brotli.statusCode).toBe(415);
    expect(decodeRpcStatus(brotli.rawPayload).message).toContain('Content-Encoding br is not supported');
    const none = await t.app.inject({ method: 'POST', url: '/v1/metrics' });
    expect(none.statusCode).toBe(415);
    expect(errorsCounted(await metricsText(), 'unsupported_media_type')).toBe(3);
  });
});

describe('OTLP/HTTP auth', () => {
  const TOKEN = 'ingest-token-1';

  it('answers 401 without or with a wrong token, 200 with the right one', async () => {
    t = makeTestApp({
      limits: LIMITS,
      auth: { ingestTokens: [TOKEN], apiTokens: [{ token: 'api-read-token', role: 'read' }] },
    });
    const missing = await post(validProtobuf());
    expect(missing.statusCode).toBe(401);
    expect(decodeRpcStatus(missing.rawPayload).code).toBe(16); // UNAUTHENTICATED
    const wrong = await post(validProtobuf(), {
      'content-type': 'application/x-protobuf',
      authorization: 'Bearer nope-nope',
    });
    expect(wrong.statusCode).toBe(401);
    // An API token is not an ingest token.
    const api = await post('{}', {
      'content-type': 'application/json',
      authorization: 'Bearer api-read-token',
    });
    expect(api.statusCode).toBe(401);
    expect(api.json()).toMatchObject({ error: { code: 'SYSRAY_ERR_UNAUTHORIZED' } });
    const good = await post(validProtobuf(), {
      'content-type': 'application/x-protobuf',
      authorization: `bearer ${TOKEN}`,
    });
    expect(good.statusCode).toBe(200);
    const text = (
      await t.app.inject({ url: '/metrics', headers: { authorization: 'Bearer api-read-token' } })
    ).body;
    expect(errorsCounted(text, 'unauthorized')).toBe(3);
    expect(sample(text, 'sysray_gateway_ingest_requests_total', { transport: 'http' })).toBe(1);
  });
});

describe('OTLP/HTTP store failure', () => {
  it('answers 503 (retryable) when the store cannot commit', async () => {
    const { MemoryStore } = await import('../helpers/memory-store.js');
    const store = new MemoryStore();
    t = makeTestApp({ limits: LIMITS }, { store });
    store.failAppend = new Error('disk I/O error');
    const response = await post(
      '{"resourceMetrics":[{"resource":{"attributes":[{"key":"host.name","value":{"stringValue":"x"}}]}}]}',
      {
        'content-type': 'application/json',
      },
    );
    expect(response.statusCode).toBe(503);
    expect(response.headers['retry-after']).toBe('5');
    expect(response.json()).toEqual({
      error: {
        code: 'SYSRAY_ERR_UNAVAILABLE',
        message: 'the store could not commit the batch of host x: disk I/O error',
      },
    });
    expect(errorsCounted(await metricsText(), 'unavailable')).toBe(1);
  });
});
