import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { createServer, type AddressInfo } from 'node:net';
import { Client, credentials, Metadata, type ServiceError } from '@grpc/grpc-js';
import { OTLP_METRICS_EXPORT_PATH } from '@sysray/proto';
import { afterEach, describe, expect, it } from 'vitest';
import { GatewayConfigError } from '../src/config.js';
import { decodeExportResponse, encodeExportRequest } from '../src/ingest/otlp-codec.js';
import { startTestGateway, type TestGateway } from './helpers/app.js';
import { T0, agentReport } from './helpers/otlp.js';
import { makePki, type TestPki } from './helpers/pki.js';

const hasOpenssl = spawnSync('openssl', ['version'], { stdio: 'ignore' }).status === 0;

let t: TestGateway | undefined;
let pki: TestPki | undefined;
afterEach(async () => {
  await t?.close();
  pki?.remove();
  t = undefined;
  pki = undefined;
});

const report = () =>
  Buffer.from(encodeExportRequest(agentReport({ id: 'srv-1', name: 'srv' }, T0, { load1: 0.5 })));

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function grpcExport(
  target: string,
  bytes: Buffer,
  channel = credentials.createInsecure(),
  metadata = new Metadata(),
) {
  // The server certificate names localhost too; SNI must not be an IP address (RFC 6066 §3).
  const client = new Client(target, channel, { 'grpc.ssl_target_name_override': 'localhost' });
  return new Promise<{ error: ServiceError | null; response?: Buffer }>((resolve) => {
    client.makeUnaryRequest(
      OTLP_METRICS_EXPORT_PATH,
      (value: Buffer) => value,
      (value: Buffer) => value,
      bytes,
      metadata,
      {},
      (error, response) => {
        client.close();
        resolve({ error, response });
      },
    );
  });
}

describe('startGateway', () => {
  it('listens for the API, OTLP/HTTP and OTLP/gRPC on separate loopback ports', async () => {
    t = await startTestGateway();
    const { api, otlpHttp, otlpGrpc } = t.gateway;
    expect(api.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(new Set([api.port, otlpHttp.port, otlpGrpc.port]).size).toBe(3);
    expect(otlpGrpc.url).toBe(`127.0.0.1:${otlpGrpc.port}`);
    expect(await (await fetch(`${api.url}/readyz`)).json()).toEqual({ status: 'ready' });

    const http = await fetch(`${otlpHttp.url}/v1/metrics`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-protobuf' },
      body: report(),
    });
    expect(http.status).toBe(200);
    // The OTLP/HTTP listener serves ingest only; the API listener accepts ingest too.
    const apiOnOtlp = await fetch(`${otlpHttp.url}/api/v1/hosts`);
    expect(apiOnOtlp.status).toBe(404);
    expect(await apiOnOtlp.json()).toMatchObject({ error: { code: 'SYSRAY_ERR_NOT_FOUND' } });
    const ingestOnApi = await fetch(`${api.url}/v1/metrics`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(ingestOnApi.status).toBe(200);

    const grpc = await grpcExport(otlpGrpc.url, report());
    expect(grpc.error).toBeNull();
    const hosts = (await (await fetch(`${api.url}/api/v1/hosts`)).json()) as { hosts: { id: string }[] };
    expect(hosts.hosts.map((host) => host.id)).toEqual(['srv-1']);
    expect(t.gateway.app.gateway.metrics.counter('requests', { transport: 'http' })).toBe(2);
    expect(t.gateway.app.gateway.metrics.counter('requests', { transport: 'grpc' })).toBe(1);
  });

  it('serves OTLP/HTTP from the API listener alone when both share an address', async () => {
    const port = await freePort();
    t = await startTestGateway({
      listen: { api: { host: '127.0.0.1', port }, otlpHttp: { host: '127.0.0.1', port } },
    });
    expect(t.gateway.otlpHttp).toEqual(t.gateway.api);
    expect(t.gateway.api.port).toBe(port);
  });

  it('closes every listener and the store, once', async () => {
    t = await startTestGateway();
    const { api, otlpHttp, otlpGrpc } = t.gateway;
    await t.gateway.close();
    await t.gateway.close();
    await expect(fetch(`${api.url}/healthz`)).rejects.toThrow();
    await expect(fetch(`${otlpHttp.url}/v1/metrics`, { method: 'POST' })).rejects.toThrow();
    const grpc = await grpcExport(otlpGrpc.url, report());
    expect(grpc.error?.code).toBe(14); // UNAVAILABLE: nothing listens
    expect(() => t!.gateway.app.gateway.store.stats()).toThrow(/closed/);
  });

  it('refuses to expose a listener beyond loopback without tokens', async () => {
    await expect(startTestGateway({ listen: { api: { host: '0.0.0.0', port: 0 } } })).rejects.toThrow(
      GatewayConfigError,
    );
    await expect(startTestGateway({ listen: { otlpGrpc: { host: '0.0.0.0', port: 0 } } })).rejects.toThrow(
      /listen\.otlpGrpc\.host 0\.0\.0\.0 is reachable from other machines and auth\.ingestTokens is empty/,
    );
  });

  it('fails to start, releasing what it opened, when a port is taken', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as AddressInfo;
    try {
      await expect(startTestGateway({ listen: { otlpGrpc: { host: '127.0.0.1', port } } })).rejects.toThrow();
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
    }
  });

  it('names the file when a TLS file cannot be read', async () => {
    await expect(
      startTestGateway({
        tls: { http: { certFile: '/nonexistent/cert.pem', keyFile: '/nonexistent/key.pem' } },
      }),
    ).rejects.toThrow(/cannot read the HTTP TLS certificate \/nonexistent\/cert\.pem/);
  });

  it.skipIf(!hasOpenssl)(
    'serves HTTPS and gRPC over TLS, with client certificates on gRPC when a CA is set',
    async () => {
      pki = makePki();
      const files = { certFile: pki.serverCertFile, keyFile: pki.serverKeyFile };
      t = await startTestGateway({ tls: { http: files, grpc: { ...files, caFile: pki.caFile } } });
      expect(t.gateway.api.url).toMatch(/^https:\/\//);
      const ca = pki.ca;
      const body = await new Promise<string>((resolve, reject) => {
        httpsRequest(`${t!.gateway.api.url}/healthz`, { ca, servername: 'localhost' }, (response) => {
          let text = '';
          response.on('data', (chunk: Buffer) => (text += chunk.toString()));
          response.on('end', () => resolve(text));
        })
          .on('error', reject)
          .end();
      });
      expect(JSON.parse(body)).toEqual({ status: 'ok' });

      const withoutClientCert = await grpcExport(t.gateway.otlpGrpc.url, report(), credentials.createSsl(ca));
      expect(withoutClientCert.error).not.toBeNull();
      const mutual = await grpcExport(
        t.gateway.otlpGrpc.url,
        report(),
        credentials.createSsl(ca, readFileSync(pki.clientKeyFile), readFileSync(pki.clientCertFile)),
      );
      expect(mutual.error).toBeNull();
      expect(decodeExportResponse(mutual.response!).partial_success ?? null).toBeNull();
    },
  );
});
