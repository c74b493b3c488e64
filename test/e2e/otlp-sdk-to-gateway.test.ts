import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-grpc';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AggregationTemporality,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type GatewayHandles } from '../../gateway/src/server.js';

/**
 * End to end with a sender that is not Sysray's agent: the official OpenTelemetry JS SDK and its OTLP/gRPC
 * metric exporter push to a started gateway (real listeners on loopback, the SQLite store in a temporary
 * directory), and the REST API shows the host and answers its series.
 */

interface SeriesAnswer {
  readonly agg: string;
  readonly series: {
    readonly attributes: Record<string, string>;
    readonly kind: string;
    readonly unit: string;
    readonly points: [number, number][];
  }[];
}

let gateway: GatewayHandles;
let dataDir: string;
const providers: MeterProvider[] = [];

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'sysray-e2e-'));
  const port = { host: '127.0.0.1', port: 0 };
  gateway = await startGateway(
    { dataDir, listen: { api: port, otlpHttp: port, otlpGrpc: port }, store: { maintenanceIntervalMs: 0 } },
    { logger: false },
  );
});

afterAll(async () => {
  for (const provider of providers) await provider.shutdown().catch(() => undefined);
  await gateway?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

function sdk(
  hostName: string,
  temporality: AggregationTemporality,
): { provider: MeterProvider; reader: PeriodicExportingMetricReader } {
  const exporter = new OTLPMetricExporter({
    url: `http://${gateway.otlpGrpc.url}`,
    temporalityPreference: temporality,
  });
  // A long interval: the test exports with forceFlush.
  const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 });
  const provider = new MeterProvider({
    resource: resourceFromAttributes({ 'service.name': 'checkout', 'host.name': hostName }),
    readers: [reader],
  });
  providers.push(provider);
  return { provider, reader };
}

async function api<T>(path: string): Promise<T> {
  const response = await fetch(`${gateway.api.url}${path}`);
  expect(response.status, `${path}: ${response.status}`).toBe(200);
  return (await response.json()) as T;
}

function lastValue(answer: SeriesAnswer, index = 0): number | undefined {
  return answer.series[index]?.points.at(-1)?.[1];
}

describe('OpenTelemetry JS SDK → gateway over OTLP/gRPC', () => {
  it('shows the SDK host in the API and serves its series', async () => {
    const { provider, reader } = sdk('web-7', AggregationTemporality.CUMULATIVE);
    const meter = provider.getMeter('checkout-service', '1.0.0');
    meter.createCounter('checkout.orders', { unit: '{order}' }).add(3, { region: 'eu' });
    meter.createUpDownCounter('checkout.carts.open', { unit: '{cart}' }).add(5);
    meter
      .createObservableGauge('checkout.queue.depth', { unit: '{item}' })
      .addCallback((result) => result.observe(7));
    const latency = meter.createHistogram('checkout.latency', { unit: 'ms' });
    latency.record(12);
    latency.record(30);
    await reader.forceFlush();

    const hosts = await api<{
      hosts: {
        id: string;
        name: string;
        status: string;
        agentVersion: string | null;
        resource: Record<string, string>;
      }[];
    }>('/api/v1/hosts');
    const web7 = hosts.hosts.find((host) => host.name === 'web-7');
    expect(web7).toBeDefined();
    expect(web7).toMatchObject({ id: 'web-7', status: 'up', agentVersion: null });
    expect(web7!.resource['service.name']).toBe('checkout');
    expect(web7!.resource['host.name']).toBe('web-7');

    const detail = await api<{ metrics: { name: string; kind: string }[] }>('/api/v1/hosts/web-7');
    expect(Object.fromEntries(detail.metrics.map((metric) => [metric.name, metric.kind]))).toEqual({
      'checkout.carts.open': 'updowncounter',
      'checkout.latency.count': 'counter',
      'checkout.latency.sum': 'counter',
      'checkout.orders': 'counter',
      'checkout.queue.depth': 'gauge',
    });

    const orders = await api<SeriesAnswer>(
      '/api/v1/hosts/web-7/series?metric=checkout.orders&agg=last&from=-5m&to=now%2B1m&step=1m',
    );
    expect(orders.series).toHaveLength(1);
    expect(orders.series[0]).toMatchObject({
      attributes: { region: 'eu' },
      kind: 'counter',
      unit: '{order}',
    });
    expect(lastValue(orders)).toBe(3);
    const carts = await api<SeriesAnswer>(
      '/api/v1/hosts/web-7/series?metric=checkout.carts.open&agg=last&from=-5m&to=now%2B1m&step=1m',
    );
    expect(lastValue(carts)).toBe(5);
    const queue = await api<SeriesAnswer>(
      '/api/v1/hosts/web-7/series?metric=checkout.queue.depth&from=-5m&to=now%2B1m&step=1m',
    );
    expect(queue.agg).toBe('avg');
    expect(lastValue(queue)).toBe(7);
    const count = await api<SeriesAnswer>(
      '/api/v1/hosts/web-7/series?metric=checkout.latency.count&agg=last&from=-5m&to=now%2B1m&step=1m',
    );
    expect(lastValue(count)).toBe(2);
    const sum = await api<SeriesAnswer>(
      '/api/v1/hosts/web-7/series?metric=checkout.latency.sum&agg=last&from=-5m&to=now%2B1m&step=1m',
    );
    expect(lastValue(sum)).toBe(42);

    const catalog = await api<{ metrics: { name: string; inCatalog: boolean; seen: boolean }[] }>(
      '/api/v1/metrics',
    );
    expect(catalog.metrics.find((metric) => metric.name === 'checkout.orders')).toMatchObject({
      inCatalog: false,
      seen: true,
    });
  });

  it('accumulates DELTA temporality into a cumulative counter', async () => {
    const { provider, reader } = sdk('web-8', AggregationTemporality.DELTA);
    const counter = provider
      .getMeter('checkout-service')
      .createCounter('checkout.refunds', { unit: '{refund}' });
    counter.add(4);
    await reader.forceFlush();
    // Delta points must be newer than the last one of their series: export the next interval later.
    await new Promise((resolve) => setTimeout(resolve, 5));
    counter.add(6);
    await reader.forceFlush();
    const refunds = await api<SeriesAnswer>(
      '/api/v1/hosts/web-8/series?metric=checkout.refunds&agg=max&from=-5m&to=now%2B1m&step=1m',
    );
    expect(refunds.series[0]?.kind).toBe('counter');
    expect(lastValue(refunds)).toBe(10);
  });

  it('counts what arrived in the gateway self-metrics', async () => {
    const text = await (await fetch(`${gateway.api.url}/metrics`)).text();
    const requests = /^sysray_gateway_ingest_requests_total\{transport="grpc"\} (\d+)$/m.exec(text);
    expect(Number(requests?.[1])).toBeGreaterThanOrEqual(3);
    expect(text).toMatch(/^sysray_gateway_hosts\{status="up"\} 2$/m);
  });
});
