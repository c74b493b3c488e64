import { gzipSync } from 'node:zlib';
import {
  Client,
  credentials,
  loadPackageDefinition,
  Metadata,
  status,
  type ServiceError,
} from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import {
  OTLP_METRICS_EXPORT_PATH,
  OTLP_METRICS_SERVICE_PROTO,
  otlpProtoLoaderOptions,
  type OtlpExportMetricsServiceRequest,
  type OtlpExportMetricsServiceResponse,
} from '@sysray/proto';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeExportRequest } from '../../src/ingest/otlp-codec.js';
import { startTestGateway, type TestGateway } from '../helpers/app.js';
import { T0, agentReport, exportRequest, gauge } from '../helpers/otlp.js';
import { sample } from '../helpers/prom.js';

type ExportClient = Client & {
  Export(
    request: OtlpExportMetricsServiceRequest,
    metadata: Metadata,
    callback: (error: ServiceError | null, response?: OtlpExportMetricsServiceResponse) => void,
  ): void;
};

let t: TestGateway;
const clients: Client[] = [];
afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  await t?.close();
});

/** A client built the way any OTLP receiver's tests would: proto-loader over the .proto files. */
function exportClient(options: Record<string, unknown> = {}): ExportClient {
  const definition = loadPackageDefinition(
    loadSync(OTLP_METRICS_SERVICE_PROTO, otlpProtoLoaderOptions()),
  ) as unknown as {
    opentelemetry: {
      proto: { collector: { metrics: { v1: { MetricsService: new (...args: unknown[]) => ExportClient } } } };
    };
  };
  const { MetricsService } = definition.opentelemetry.proto.collector.metrics.v1;
  const client = new MetricsService(t.gateway.otlpGrpc.url, credentials.createInsecure(), options);
  clients.push(client);
  return client;
}

function exportCall(
  request: OtlpExportMetricsServiceRequest,
  metadata = new Metadata(),
  options: Record<string, unknown> = {},
): Promise<{ error: ServiceError | null; response?: OtlpExportMetricsServiceResponse }> {
  return new Promise((resolve) => {
    exportClient(options).Export(request, metadata, (error, response) => resolve({ error, response }));
  });
}

/** Sends raw bytes as the request message (garbage the decoder must refuse). */
function rawCall(bytes: Buffer): Promise<ServiceError | null> {
  const client = new Client(t.gateway.otlpGrpc.url, credentials.createInsecure());
  clients.push(client);
  return new Promise((resolve) => {
    client.makeUnaryRequest(
      OTLP_METRICS_EXPORT_PATH,
      (value: Buffer) => value,
      (value: Buffer) => value,
      bytes,
      new Metadata(),
      {},
      (error) => resolve(error),
    );
  });
}

async function metricsText(): Promise<string> {
  return (await fetch(`${t.gateway.api.url}/metrics`)).text();
}

const errors = (text: string, reason: string): number | undefined =>
  sample(text, 'sysray_gateway_ingest_request_errors_total', { reason, transport: 'grpc' });

describe('OTLP/gRPC ingest', () => {
  it('accepts Export on a real listener and the host shows in the API', async () => {
    t = await startTestGateway();
    const { error, response } = await exportCall(
      agentReport({ id: 'm-1', name: 'grpc-host' }, T0, { cpuIdle: 0.9 }),
    );
    expect(error).toBeNull();
    expect(response?.partial_success ?? null).toBeNull();
    const hosts = (await (await fetch(`${t.gateway.api.url}/api/v1/hosts`)).json()) as {
      hosts: { id: string; name: string; metrics: { cpuUtilization: number } }[];
    };
    expect(hosts.hosts.map((host) => host.name)).toEqual(['grpc-host']);
    expect(hosts.hosts[0]!.metrics.cpuUtilization).toBeCloseTo(0.1, 10);
    const text = await metricsText();
    expect(sample(text, 'sysray_gateway_ingest_requests_total', { transport: 'grpc' })).toBe(1);
    expect(sample(text, 'sysray_gateway_ingest_datapoints_total', { transport: 'grpc' })).toBe(2);
  });

  it('answers partial_success for rejected points', async () => {
    t = await startTestGateway();
    const { error, response } = await exportCall(
      exportRequest({ 'host.name': 'h' }, [
        gauge('g', '1', [
          { ms: T0, value: 1 },
          { ms: 0, value: 2, attributes: { a: 'b' } },
        ]),
      ]),
    );
    expect(error).toBeNull();
    expect(response?.partial_success).toEqual({
      rejected_data_points: '1',
      error_message: '1 data point rejected: 1 time_unix_nano is zero or not a valid integer',
    });
  });

  it('answers INVALID_ARGUMENT for bytes that are not an ExportMetricsServiceRequest', async () => {
    t = await startTestGateway();
    const error = await rawCall(Buffer.from('\u00ff\u00ffgarbage'));
    expect(error?.code).toBe(status.INVALID_ARGUMENT);
    expect(error?.details).toMatch(
      /^SYSRAY_ERR_INVALID_PAYLOAD: invalid ExportMetricsServiceRequest protobuf/,
    );
    expect(error?.metadata.get('x-sysray-error-code')).toEqual(['SYSRAY_ERR_INVALID_PAYLOAD']);
    // A valid request right after still works.
    expect((await exportCall(agentReport({ id: 'a', name: 'a' }, T0, { load1: 1 }))).error).toBeNull();
    expect(errors(await metricsText(), 'invalid_payload')).toBe(1);
  });

  it('answers RESOURCE_EXHAUSTED past the size limit, compressed or not (gzip bombs)', async () => {
    t = await startTestGateway({ limits: { maxRequestBytes: 64 * 1024, maxDecompressedBytes: 64 * 1024 } });
    const big = exportRequest({ 'host.name': 'big' }, [
      gauge(
        'g',
        '1',
        Array.from({ length: 4000 }, (_, i) => ({ ms: T0, value: i, attributes: { i: String(i) } })),
      ),
    ]);
    expect(encodeExportRequest(big).length).toBeGreaterThan(64 * 1024);
    const plain = await exportCall(big);
    expect(plain.error?.code).toBe(status.RESOURCE_EXHAUSTED);
    // gzip on the wire: small as sent, too large once decompressed.
    expect(gzipSync(encodeExportRequest(big)).length).toBeLessThan(64 * 1024);
    const compressed = await exportCall(big, new Metadata(), { 'grpc.default_compression_algorithm': 2 });
    expect(compressed.error?.code).toBe(status.RESOURCE_EXHAUSTED);
    expect(compressed.error?.details).toMatch(/decompresses to a size larger than/);
    const small = await exportCall(agentReport({ id: 's', name: 's' }, T0, { uptime: 5 }), new Metadata(), {
      'grpc.default_compression_algorithm': 2,
    });
    expect(small.error).toBeNull();
    expect(errors(await metricsText(), 'payload_too_large')).toBe(2);
  });

  it('answers UNAUTHENTICATED without the ingest token', async () => {
    t = await startTestGateway({ auth: { ingestTokens: ['grpc-ingest-token'] } });
    const missing = await exportCall(agentReport({ id: 'x', name: 'x' }, T0, { load1: 1 }));
    expect(missing.error?.code).toBe(status.UNAUTHENTICATED);
    const wrong = new Metadata();
    wrong.set('authorization', 'Bearer grpc-ingest-tokeN');
    expect((await exportCall(agentReport({ id: 'x', name: 'x' }, T0, { load1: 1 }), wrong)).error?.code).toBe(
      status.UNAUTHENTICATED,
    );
    const right = new Metadata();
    right.set('authorization', 'Bearer grpc-ingest-token');
    expect((await exportCall(agentReport({ id: 'x', name: 'x' }, T0, { load1: 1 }), right)).error).toBeNull();
    const text = await metricsText();
    expect(errors(text, 'unauthorized')).toBe(2);
    expect(sample(text, 'sysray_gateway_ingest_requests_total', { transport: 'grpc' })).toBe(1);
  });
});
