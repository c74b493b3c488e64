import { status } from '@grpc/grpc-js';
import type { OtlpExportMetricsServiceResponse } from '@sysray/proto';
import { afterEach, describe, expect, it } from 'vitest';
import { startOtlpReceiver, type OtlpReceiver } from '../../../test/helpers/otlp-receiver.js';
import { resolveGatewayConfig } from '../../src/config.js';
import { Forwarder } from '../../src/forward/forwarder.js';
import { encodeExportRequest } from '../../src/ingest/otlp-codec.js';
import { makeTestApp, type TestApp } from '../helpers/app.js';
import { T0, agentReport, exportRequest, gauge } from '../helpers/otlp.js';

const NO_ERROR: OtlpExportMetricsServiceResponse = {};

let receiver: OtlpReceiver | undefined;
let t: TestApp | undefined;
const forwarders: Forwarder[] = [];
afterEach(async () => {
  for (const forwarder of forwarders.splice(0)) forwarder.close();
  await t?.close();
  await receiver?.close();
  t = undefined;
  receiver = undefined;
});

function upstream(endpoint: string, overrides: Record<string, unknown> = {}) {
  return resolveGatewayConfig({
    forward: [{ endpoint, initialBackoffMs: 20, maxBackoffMs: 100, ...overrides }],
  }).forward[0]!;
}

describe('forwarding through the gateway', () => {
  it('forwards every received request as-is, protobuf and JSON, with the configured headers', async () => {
    receiver = await startOtlpReceiver({ requireHeaders: { authorization: 'Bearer upstream-token' } });
    t = makeTestApp({
      forward: [{ endpoint: receiver.endpoint, headers: { Authorization: 'Bearer upstream-token' } }],
    });
    const request = agentReport({ id: 'fwd-1', name: 'fwd' }, T0, { cpuIdle: 0.5, load1: 0.25 });
    expect((await t.post(request)).statusCode).toBe(200);
    const json = {
      resourceMetrics: [
        {
          resource: { attributes: [{ key: 'host.name', value: { stringValue: 'json-fwd' } }] },
          scopeMetrics: [
            {
              metrics: [
                {
                  name: 'temp',
                  unit: 'Cel',
                  gauge: { dataPoints: [{ timeUnixNano: String(T0 * 1e6), asDouble: 20 }] },
                },
              ],
            },
          ],
        },
      ],
    };
    const response = await t.app.inject({
      method: 'POST',
      url: '/v1/metrics',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify(json),
    });
    expect(response.statusCode).toBe(200);
    const received = await receiver.waitFor((requests) => requests.length === 2);
    // Byte-for-byte the same message: decoded, the first equals what the agent sent.
    expect(received[0]).toEqual(request);
    const second = received[1]!.resource_metrics[0]!;
    expect(second.resource?.attributes[0]?.value?.string_value).toBe('json-fwd');
    expect(second.scope_metrics[0]!.metrics[0]!.gauge?.data_points[0]?.as_double).toBe(20);
    expect(receiver.rejected).toHaveLength(0);
    await t.app.gateway.forward.idle();
    expect(t.app.gateway.forward.stats()[0]).toMatchObject({ sent: 2, queueLength: 0, queueBytes: 0 });
  });
});

describe('Forwarder', () => {
  it('retries retryable failures with backoff until the upstream accepts', async () => {
    let calls = 0;
    receiver = await startOtlpReceiver({
      reply: () => (++calls <= 2 ? { code: status.UNAVAILABLE, details: 'warming up' } : NO_ERROR),
    });
    const errors: string[] = [];
    const forwarder = new Forwarder(upstream(receiver.endpoint), {
      onError: (message) => errors.push(message),
    });
    forwarders.push(forwarder);
    const bytes = encodeExportRequest(
      exportRequest({ 'host.name': 'r' }, [gauge('g', '1', [{ ms: T0, value: 1 }])]),
    );
    expect(forwarder.enqueue(bytes)).toBe(true);
    await receiver.waitFor((requests) => requests.length === 1);
    await forwarder.idle();
    expect(calls).toBe(3);
    expect(forwarder.stats()).toMatchObject({
      sent: 1,
      retries: 2,
      queueLength: 0,
      dropped: { queue_full: 0, rejected: 0, shutdown: 0 },
    });
    // One log line per failure streak, not per attempt.
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/retrying: 14 UNAVAILABLE: warming up/);
  });

  it('drops a request the upstream refuses for good and goes on with the next', async () => {
    let calls = 0;
    receiver = await startOtlpReceiver({
      reply: () => (++calls === 1 ? { code: status.INVALID_ARGUMENT, details: 'bad data' } : NO_ERROR),
    });
    const forwarder = new Forwarder(upstream(receiver.endpoint));
    forwarders.push(forwarder);
    const one = encodeExportRequest(exportRequest({ 'host.name': 'one' }, []));
    const two = encodeExportRequest(exportRequest({ 'host.name': 'two' }, []));
    forwarder.enqueue(one);
    forwarder.enqueue(two);
    const received = await receiver.waitFor((requests) => requests.length === 1);
    expect(received[0]!.resource_metrics[0]!.resource?.attributes[0]?.value?.string_value).toBe('two');
    await forwarder.idle();
    expect(forwarder.stats()).toMatchObject({ sent: 1, dropped: { rejected: 1 } });
  });

  it('drops (and counts) what does not fit the queue, never blocking the caller', async () => {
    // Nothing listens on port 9 of loopback: every attempt fails UNAVAILABLE and is retried.
    const forwarder = new Forwarder(
      upstream('http://127.0.0.1:9', { queueSize: 2, initialBackoffMs: 10_000, maxBackoffMs: 10_000 }),
    );
    forwarders.push(forwarder);
    const bytes = encodeExportRequest(exportRequest({ 'host.name': 'q' }, []));
    const started = performance.now();
    const accepted = Array.from({ length: 5 }, () => forwarder.enqueue(bytes));
    expect(performance.now() - started).toBeLessThan(50);
    expect(accepted).toEqual([true, true, false, false, false]);
    expect(forwarder.stats()).toMatchObject({
      queueLength: 2,
      queueBytes: 2 * bytes.byteLength,
      dropped: { queue_full: 3 },
    });
    forwarder.close();
    expect(forwarder.stats()).toMatchObject({ queueLength: 0, dropped: { queue_full: 3, shutdown: 2 } });
    expect(forwarder.enqueue(bytes)).toBe(false);
  });

  it('bounds the queue by bytes too', () => {
    const forwarder = new Forwarder(
      upstream('http://127.0.0.1:9', { maxQueueBytes: 1024, initialBackoffMs: 10_000, maxBackoffMs: 10_000 }),
    );
    forwarders.push(forwarder);
    expect(forwarder.enqueue(new Uint8Array(1000))).toBe(true);
    expect(forwarder.enqueue(new Uint8Array(100))).toBe(false);
    expect(forwarder.stats().dropped.queue_full).toBe(1);
  });
});
