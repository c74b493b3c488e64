import { afterEach, describe, expect, it } from 'vitest';
import { Metadata, status } from '@grpc/grpc-js';
import { ValueType } from '@opentelemetry/api';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-grpc';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AggregationType,
  MeterProvider,
  MetricReader,
  type PushMetricExporter,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import { otlpAttributesToRecord } from '../../proto/src/otlp/decoded.js';
import { findMetrics, latestMetric, startOtlpReceiver, type OtlpReceiver } from './otlp-receiver.js';

/** A reader that collects only when asked, so a test can hand one ResourceMetrics to an exporter. */
class ManualReader extends MetricReader {
  protected override async onShutdown(): Promise<void> {}
  protected override async onForceFlush(): Promise<void> {}
}

type ExportResult = Parameters<Parameters<PushMetricExporter['export']>[1]>[0];

function exportOnce(exporter: OTLPMetricExporter, metrics: ResourceMetrics): Promise<ExportResult> {
  return new Promise((resolve) => exporter.export(metrics, resolve));
}

/** One MeterProvider with every instrument kind, recorded with known values, collected once. */
async function collectSample(): Promise<ResourceMetrics> {
  const reader = new ManualReader();
  const provider = new MeterProvider({
    resource: resourceFromAttributes({ 'host.name': 'receiver-test', 'service.name': 'sysray-test' }),
    readers: [reader],
    views: [
      {
        instrumentName: 'test.latency',
        aggregation: { type: AggregationType.EXPLICIT_BUCKET_HISTOGRAM, options: { boundaries: [1, 10] } },
      },
      { instrumentName: 'test.size', aggregation: { type: AggregationType.EXPONENTIAL_HISTOGRAM } },
    ],
  });
  const meter = provider.getMeter('sysray-test', '1.2.3');
  const requests = meter.createCounter('test.requests', { unit: '{request}', valueType: ValueType.INT });
  requests.add(2, { route: '/a', ok: true, code: 200, ratio: 1.5, tags: ['x', 'y'] });
  requests.add(3, { route: '/a', ok: true, code: 200, ratio: 1.5, tags: ['x', 'y'] });
  const queue = meter.createUpDownCounter('test.queue', { unit: '{item}' });
  queue.add(4);
  queue.add(-1.5);
  meter
    .createObservableGauge('test.temperature', { unit: 'Cel', description: 'Sensor temperature.' })
    .addCallback((result) => result.observe(21.5, { sensor: 'a' }));
  const latency = meter.createHistogram('test.latency', { unit: 's' });
  for (const value of [0.5, 5, 50]) latency.record(value);
  const size = meter.createHistogram('test.size', { unit: 'By' });
  for (const value of [1, 2, 4]) size.record(value);
  const { resourceMetrics, errors } = await reader.collect();
  expect(errors).toEqual([]);
  await provider.shutdown();
  return resourceMetrics;
}

describe('startOtlpReceiver', () => {
  let receiver: OtlpReceiver | undefined;
  let exporter: OTLPMetricExporter | undefined;

  afterEach(async () => {
    await exporter?.shutdown();
    await receiver?.close();
    exporter = undefined;
    receiver = undefined;
  });

  it('decodes what the OpenTelemetry SDK exporter sends, with every data kind and field', async () => {
    receiver = await startOtlpReceiver();
    expect(receiver.endpoint).toBe(`http://127.0.0.1:${receiver.port}`);
    exporter = new OTLPMetricExporter({ url: receiver.endpoint });
    const before = BigInt(Date.now()) * 1_000_000n;
    const result = await exportOnce(exporter, await collectSample());
    expect(result.code).toBe(0);
    expect(receiver.requests).toHaveLength(1);
    const request = receiver.requests[0]!;

    const resourceMetrics = request.resource_metrics[0]!;
    expect(otlpAttributesToRecord(resourceMetrics.resource?.attributes ?? [])).toMatchObject({
      'host.name': 'receiver-test',
      'service.name': 'sysray-test',
    });
    const scope = resourceMetrics.scope_metrics[0]!.scope;
    expect(scope?.name).toBe('sysray-test');
    expect(scope?.version).toBe('1.2.3');

    const counter = latestMetric(receiver.requests, 'test.requests')!.metric;
    expect(counter.unit).toBe('{request}');
    expect(counter.data).toBe('sum');
    expect(counter.sum?.is_monotonic).toBe(true);
    expect(counter.sum?.aggregation_temporality).toBe('AGGREGATION_TEMPORALITY_CUMULATIVE');
    const point = counter.sum!.data_points[0]!;
    expect(point.value).toBe('as_int');
    expect(point.as_int).toBe('5');
    expect(otlpAttributesToRecord(point.attributes)).toEqual({
      route: '/a',
      ok: true,
      code: 200,
      ratio: 1.5,
      tags: ['x', 'y'],
    });
    // Nanosecond timestamps survive as exact decimal strings.
    expect(point.time_unix_nano).toMatch(/^\d{19}$/);
    expect(BigInt(point.time_unix_nano)).toBeGreaterThanOrEqual(BigInt(point.start_time_unix_nano));
    expect(BigInt(point.time_unix_nano)).toBeGreaterThanOrEqual(before - 1_000_000_000n);
    expect(point.flags).toBe(0);

    const queue = latestMetric(receiver.requests, 'test.queue')!.metric;
    expect(queue.sum?.is_monotonic).toBe(false);
    expect(queue.sum?.data_points[0]?.value).toBe('as_double');
    expect(queue.sum?.data_points[0]?.as_double).toBe(2.5);

    const gauge = latestMetric(receiver.requests, 'test.temperature')!.metric;
    expect(gauge.data).toBe('gauge');
    expect(gauge.unit).toBe('Cel');
    expect(gauge.description).toBe('Sensor temperature.');
    expect(gauge.gauge?.data_points[0]?.as_double).toBe(21.5);
    expect(otlpAttributesToRecord(gauge.gauge?.data_points[0]?.attributes ?? [])).toEqual({ sensor: 'a' });

    const histogram = latestMetric(receiver.requests, 'test.latency')!.metric;
    expect(histogram.data).toBe('histogram');
    expect(histogram.histogram?.aggregation_temporality).toBe('AGGREGATION_TEMPORALITY_CUMULATIVE');
    expect(histogram.histogram?.data_points[0]).toMatchObject({
      count: '3',
      sum: 55.5,
      bucket_counts: ['1', '1', '1'],
      explicit_bounds: [1, 10],
      min: 0.5,
      max: 50,
    });

    const exponential = latestMetric(receiver.requests, 'test.size')!.metric;
    expect(exponential.data).toBe('exponential_histogram');
    const expPoint = exponential.exponential_histogram!.data_points[0]!;
    expect(expPoint).toMatchObject({ count: '3', sum: 7, zero_count: '0', min: 1, max: 4 });
    expect(typeof expPoint.scale).toBe('number');
    const positive = expPoint.positive!.bucket_counts.reduce((total, count) => total + Number(count), 0);
    expect(positive).toBe(3);
  });

  it('refuses calls without the required header, and accepts them with it', async () => {
    receiver = await startOtlpReceiver({ requireHeaders: { authorization: 'Bearer s3cret' } });
    const sample = await collectSample();

    exporter = new OTLPMetricExporter({ url: receiver.endpoint });
    const refused = await exportOnce(exporter, sample);
    expect(refused.code).toBe(1);
    expect(receiver.rejected).toHaveLength(1);
    expect(receiver.requests).toHaveLength(0);
    await exporter.shutdown();

    const metadata = new Metadata();
    metadata.set('authorization', 'Bearer s3cret');
    exporter = new OTLPMetricExporter({ url: receiver.endpoint, metadata });
    const accepted = await exportOnce(exporter, sample);
    expect(accepted.code).toBe(0);
    expect(receiver.requests).toHaveLength(1);
    expect(receiver.received[0]?.metadata.authorization).toBe('Bearer s3cret');
  });

  it('answers with the reply callback: a partial success is still success, an error is a failure', async () => {
    let answer: 'partial' | 'error' = 'partial';
    receiver = await startOtlpReceiver({
      reply: () =>
        answer === 'partial'
          ? { partial_success: { rejected_data_points: 2, error_message: 'over quota' } }
          : { code: status.INVALID_ARGUMENT, details: 'bad request' },
    });
    exporter = new OTLPMetricExporter({ url: receiver.endpoint });
    const sample = await collectSample();
    expect((await exportOnce(exporter, sample)).code).toBe(0);
    answer = 'error';
    const failed = await exportOnce(exporter, sample);
    expect(failed.code).toBe(1);
    expect(String(failed.error)).toMatch(/bad request|INVALID_ARGUMENT/);
    // The refused call is neither an accepted request nor a header rejection.
    expect(receiver.requests).toHaveLength(1);
    expect(receiver.rejected).toHaveLength(0);
  });

  it('waitFor resolves on a later request and rejects after its timeout', async () => {
    receiver = await startOtlpReceiver({ measureWireBytes: true });
    expect(receiver.wireBytes()).toBe(0);
    exporter = new OTLPMetricExporter({ url: receiver.endpoint });
    const waiting = receiver.waitFor((requests) => findMetrics(requests, 'test.queue').length > 0, 5000);
    await exportOnce(exporter, await collectSample());
    await expect(waiting).resolves.toHaveLength(1);
    expect(receiver.wireBytes()).toBeGreaterThan(100);
    await expect(receiver.waitFor(() => false, 50)).rejects.toThrow(/within 50 ms \(1 accepted, 0 rejected/);
  });
});
