import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { Snapshot } from '@sysray/proto';
import type { CollectorHealth } from '../../src/snapshot/collector-health.js';
import { summarizeHealth, summarizeReadiness, type ExporterStats } from '../../src/http/health.js';
import {
  createRequestHandler,
  METRICS_CONTENT_TYPE,
  startHttpServer,
  type EndpointSources,
  type RunningHttpServer,
} from '../../src/http/server.js';

function health(
  section: CollectorHealth['section'],
  lastStatus: CollectorHealth['lastStatus'],
  runs = 1,
): CollectorHealth {
  return {
    section,
    lastStatus,
    lastRunAt: runs > 0 ? 1000 : null,
    lastSuccessAt: lastStatus === 'ok' ? 1000 : null,
    lastDurationMs: runs > 0 ? 2 : null,
    runs,
    errors: lastStatus === 'error' ? runs : 0,
    lastError: lastStatus === 'error' ? 'boom' : null,
  };
}

const otlpStats: ExporterStats = {
  exporter: 'otlp',
  successes: 3,
  failures: 0,
  droppedDataPoints: 0,
  lastSuccessAt: 5,
  lastFailureAt: null,
  lastError: null,
};

const SNAPSHOT = { schema: 1, timestamp: 42, host: { name: 'h', id: null } } as unknown as Snapshot;

interface Fixture {
  collectors: CollectorHealth[];
  snapshot: Snapshot | undefined;
  metrics: EndpointSources['metrics'];
  metricsResults: (Error | null)[];
}

let server: RunningHttpServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function serve(
  token: string | null,
  overrides: Partial<Fixture> = {},
): Promise<{ url: string; fixture: Fixture }> {
  const fixture: Fixture = {
    collectors: [health('cpu', 'ok'), health('memory', 'ok')],
    snapshot: SNAPSHOT,
    metrics: async () => '# TYPE up gauge\nup 1\n',
    metricsResults: [],
    ...overrides,
  };
  const handler = createRequestHandler(
    {
      metrics: fixture.metrics,
      snapshot: () => fixture.snapshot,
      health: () => summarizeHealth(fixture.collectors, [otlpStats]),
      readiness: () => summarizeReadiness(fixture.collectors),
    },
    { token, onMetricsResult: (error) => fixture.metricsResults.push(error) },
  );
  server = await startHttpServer('127.0.0.1:0', handler);
  return { url: server.url, fixture };
}

describe('HTTP endpoint', () => {
  it('binds the port it was given and reports it', async () => {
    const { url } = await serve(null);
    expect(server?.address.host).toBe('127.0.0.1');
    expect(server?.address.port).toBeGreaterThan(0);
    expect(url).toBe(`http://127.0.0.1:${server?.address.port}`);
  });

  it('serves /metrics as Prometheus text 0.0.4 and reports each render', async () => {
    const { url, fixture } = await serve('t');
    const response = await fetch(`${url}/metrics?name[]=up`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe(METRICS_CONTENT_TYPE);
    expect(METRICS_CONTENT_TYPE).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(await response.text()).toBe('# TYPE up gauge\nup 1\n');
    expect(fixture.metricsResults).toEqual([null]);
  });

  it('answers HEAD with the headers of GET and no body', async () => {
    const { url } = await serve(null);
    const response = await fetch(`${url}/metrics`, { method: 'HEAD' });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-length')).toBe(String('# TYPE up gauge\nup 1\n'.length));
    expect(await response.text()).toBe('');
  });

  it('is 500 with the cause when rendering fails, 503 while starting, 404 when disabled', async () => {
    const failing = await serve(null, {
      metrics: async () => {
        throw new Error('collect failed');
      },
    });
    const response = await fetch(`${failing.url}/metrics`);
    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({ error: 'metrics_failed', message: 'collect failed' });
    expect(failing.fixture.metricsResults.map((e) => e?.message)).toEqual(['collect failed']);
    await server?.close();

    const starting = await serve(null, { metrics: async () => undefined });
    const notReady = await fetch(`${starting.url}/metrics`);
    expect(notReady.status).toBe(503);
    expect(notReady.headers.get('retry-after')).toBe('1');
    await server?.close();

    const disabled = await serve(null, { metrics: null });
    const off = await fetch(`${disabled.url}/metrics`);
    expect(off.status).toBe(404);
    expect(((await off.json()) as { message: string }).message).toContain('exporters.prometheus.enabled');
  });

  it('serves /snapshot as JSON without a token when none is configured', async () => {
    const { url } = await serve(null);
    const response = await fetch(`${url}/snapshot`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await response.json()).toEqual(SNAPSHOT);
  });

  it('requires the bearer token for /snapshot when one is configured', async () => {
    const { url } = await serve('s3cret-token');
    for (const authorization of [
      undefined,
      'Bearer wrong',
      'Basic czNjcmV0LXRva2Vu',
      'Bearer s3cret-token-longer',
      'Bearer',
    ]) {
      const response = await fetch(`${url}/snapshot`, authorization ? { headers: { authorization } } : {});
      expect(response.status, authorization).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe('Bearer realm="sysray"');
      expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
      expect(await response.json()).toEqual({
        error: 'unauthorized',
        message: 'a valid bearer token is required for /snapshot',
      });
    }
    const ok = await fetch(`${url}/snapshot`, { headers: { authorization: 'bearer s3cret-token' } });
    expect(ok.status).toBe(200);
    // The token guards /snapshot only: scrapes and probes stay open.
    expect((await fetch(`${url}/metrics`)).status).toBe(200);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
  });

  it('is 503 on /snapshot before the first collection', async () => {
    const { url } = await serve(null, { snapshot: undefined });
    const response = await fetch(`${url}/snapshot`);
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({ error: 'not_ready', message: 'no snapshot collected yet' });
  });

  it('reports per-collector and exporter health on /healthz, 503 only when every collector fails', async () => {
    const { url, fixture } = await serve(null, {
      collectors: [health('cpu', 'ok'), health('memory', 'error', 3)],
    });
    const degraded = await fetch(`${url}/healthz`);
    expect(degraded.status).toBe(200);
    const body = (await degraded.json()) as {
      status: string;
      collectors: CollectorHealth[];
      exporters: ExporterStats[];
    };
    expect(body.status).toBe('degraded');
    expect(body.collectors[1]).toMatchObject({
      section: 'memory',
      lastStatus: 'error',
      errors: 3,
      lastError: 'boom',
    });
    expect(body.exporters).toEqual([otlpStats]);

    fixture.collectors = [health('cpu', 'error'), health('memory', 'error')];
    const failing = await fetch(`${url}/healthz`);
    expect(failing.status).toBe(503);
    expect(((await failing.json()) as { status: string }).status).toBe('failing');
  });

  it('is ready on /readyz once every collector ran', async () => {
    const { url, fixture } = await serve(null, {
      collectors: [health('cpu', 'ok'), health('memory', 'never', 0)],
    });
    const pending = await fetch(`${url}/readyz`);
    expect(pending.status).toBe(503);
    expect(await pending.json()).toEqual({ ready: false, pending: ['memory'] });
    fixture.collectors = [health('cpu', 'ok'), health('memory', 'unsupported')];
    const ready = await fetch(`${url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ ready: true, pending: [] });
  });

  it('is 404 JSON for other paths and 405 for other methods', async () => {
    const { url } = await serve(null);
    const missing = await fetch(`${url}/favicon.ico`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(((await missing.json()) as { error: string }).error).toBe('not_found');
    for (const method of ['POST', 'PUT', 'DELETE']) {
      const response = await fetch(`${url}/metrics`, { method });
      expect(response.status, method).toBe(405);
      expect(response.headers.get('allow')).toBe('GET, HEAD');
      expect(((await response.json()) as { error: string }).error).toBe('method_not_allowed');
    }
  });

  it('swaps its handler without closing the socket', async () => {
    const { url } = await serve(null);
    server?.setHandler((_request, response) => {
      response.writeHead(418).end();
    });
    expect((await fetch(`${url}/metrics`)).status).toBe(418);
  });

  it('rejects with the bind error when the address is taken', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      await expect(startHttpServer(`127.0.0.1:${port}`, () => undefined)).rejects.toMatchObject({
        code: 'EADDRINUSE',
      });
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });
});

describe('health summaries', () => {
  it('is ok with no runs yet, degraded when an exporter last failed', () => {
    expect(summarizeHealth([health('cpu', 'never', 0)], []).status).toBe('ok');
    const failedExport: ExporterStats = {
      ...otlpStats,
      failures: 1,
      lastFailureAt: 9,
      lastError: 'unreachable',
    };
    expect(summarizeHealth([health('cpu', 'ok')], [failedExport]).status).toBe('degraded');
    expect(summarizeHealth([health('cpu', 'ok')], [{ ...failedExport, lastSuccessAt: 10 }]).status).toBe(
      'ok',
    );
  });
});
