import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import type { OtlpExportMetricsServiceRequest } from '@sysray/proto';
import { buildApp } from '../../src/app.js';
import type { GatewayConfigInput } from '../../src/config.js';
import { encodeExportRequest } from '../../src/ingest/otlp-codec.js';
import { startGateway, type GatewayHandles } from '../../src/server.js';
import type { MetricStore } from '../../src/store/types.js';
import { T0 } from './otlp.js';

/** A wall clock that moves only when told, Unix epoch milliseconds. */
export class TestClock {
  constructor(public ms: number = T0) {}
  readonly nowMs = (): number => this.ms;
  advance(ms: number): void {
    this.ms += ms;
  }
}

export interface TestApp {
  readonly app: FastifyInstance;
  readonly clock: TestClock;
  readonly dataDir: string;
  /** POSTs a request as OTLP protobuf to /v1/metrics and returns the response. */
  post(
    request: OtlpExportMetricsServiceRequest,
    headers?: Record<string, string>,
  ): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

/** A gateway app on the real SQLite store in a temporary directory, with a manual clock. */
export function makeTestApp(
  config: GatewayConfigInput = {},
  options: { readonly dataDir?: string; readonly clock?: TestClock; readonly store?: MetricStore } = {},
): TestApp {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'sysray-gw-'));
  const clock = options.clock ?? new TestClock();
  const app = buildApp({
    config: { ...config, dataDir, store: { maintenanceIntervalMs: 0, ...config.store } },
    nowMs: clock.nowMs,
    store: options.store,
  });
  return {
    app,
    clock,
    dataDir,
    post: (request, headers = {}) =>
      app.inject({
        method: 'POST',
        url: '/v1/metrics',
        headers: { 'content-type': 'application/x-protobuf', ...headers },
        payload: Buffer.from(encodeExportRequest(request)),
      }),
    async close() {
      await app.close();
      if (options.dataDir === undefined) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Ports 0 on loopback for every listener. */
export const EPHEMERAL_LISTEN = {
  api: { host: '127.0.0.1', port: 0 },
  otlpHttp: { host: '127.0.0.1', port: 0 },
  otlpGrpc: { host: '127.0.0.1', port: 0 },
} as const;

export interface TestGateway {
  readonly gateway: GatewayHandles;
  readonly clock: TestClock;
  close(): Promise<void>;
}

/** startGateway on ephemeral loopback ports, a temporary data directory and a manual clock, logging off. */
export async function startTestGateway(
  config: GatewayConfigInput = {},
  options: { readonly clock?: TestClock; readonly store?: MetricStore } = {},
): Promise<TestGateway> {
  const dataDir = mkdtempSync(join(tmpdir(), 'sysray-gw-'));
  const clock = options.clock ?? new TestClock();
  try {
    const gateway = await startGateway(
      { listen: EPHEMERAL_LISTEN, ...config, dataDir, store: { maintenanceIntervalMs: 0, ...config.store } },
      {
        nowMs: clock.nowMs,
        logger: false,
        store: options.store,
      },
    );
    return {
      gateway,
      clock,
      async close() {
        await gateway.close();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
}
