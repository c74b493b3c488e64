import { METRIC_CATALOG } from '@sysray/proto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { matchParams, resolveRange } from '../../src/api/routes.js';
import { parseDurationMs, parseTimeMs } from '../../src/api/time.js';
import { DEFAULT_GATEWAY_CONFIG } from '../../src/config.js';
import { makeTestApp, TestClock, type TestApp } from '../helpers/app.js';
import { T0, agentReport, exportRequest, gauge, sum } from '../helpers/otlp.js';

const MIN = 60_000;

let t: TestApp;
afterEach(async () => {
  await t?.close();
});

/** 60 reports of host `h1` every 10 s from T0: idle 0.25 → busy 0.75, rx +1000 B per report. */
async function seed(app: TestApp): Promise<void> {
  for (let i = 0; i < 60; i += 1) {
    const ms = T0 + i * 10_000;
    const response = await app.post(
      agentReport({ id: 'h1', name: 'web-1', version: '0.4.0' }, ms, {
        cpuIdle: 0.25,
        memUsed: 0.5 + i / 1000,
        rxBytes: 1_000_000 + i * 1000,
        txBytes: 10,
        fsUsed: [0.4],
        psiCpu: 2,
      }),
    );
    expect(response.statusCode).toBe(200);
  }
  await app.post(
    agentReport({ id: 'h2', name: 'db-1' }, T0 + 590_000, {
      cpuIdle: 0.05,
      memUsed: 0.9,
      fsUsed: [0.97],
      psiCpu: 12,
      gpu: [0.5],
    }),
  );
  await app.post(
    exportRequest({ 'service.name': 'checkout' }, [
      gauge('checkout.queue', '{item}', [{ ms: T0 + 590_000, value: 3 }]),
    ]),
  );
}

describe('hosts and fleet', () => {
  beforeEach(async () => {
    t = makeTestApp({}, { clock: new TestClock(T0 + 600_000) });
    await seed(t);
  });

  it('GET /api/v1/hosts lists every host with status and key metrics', async () => {
    const response = await t.app.inject({ url: '/api/v1/hosts' });
    expect(response.statusCode).toBe(200);
    const body = response.json() as {
      hosts: Record<string, unknown>[];
      counts: unknown;
      generatedAtMs: number;
    };
    expect(body.hosts.map((host) => host.id)).toEqual(['checkout', 'h2', 'h1']);
    expect(body.counts).toEqual({ up: 3, stale: 0, down: 0, total: 3 });
    expect(body.generatedAtMs).toBe(T0 + 600_000);
    const web = body.hosts.find((host) => host.id === 'h1')!;
    expect(web).toMatchObject({
      name: 'web-1',
      status: 'up',
      agentVersion: '0.4.0',
      firstSeenMs: T0 + 600_000,
    });
    expect((web.metrics as { memoryUtilization: number }).memoryUtilization).toBeCloseTo(0.559, 12);
    expect({ ...(web.metrics as object), memoryUtilization: 0 }).toEqual({
      cpuUtilization: 0.75,
      memoryUtilization: 0,
      filesystemMaxUtilization: 0.4,
      pressureCpuSome10: 2,
      pressureMemorySome10: null,
      pressureIoSome10: null,
      networkReceiveBytesPerSecond: 100,
      networkTransmitBytesPerSecond: 0,
      load1: null,
      uptimeSeconds: null,
      gpuUtilization: null,
    });
    const checkout = body.hosts.find((host) => host.id === 'checkout')!;
    expect(checkout).toMatchObject({
      name: 'checkout',
      agentVersion: null,
      resource: { 'service.name': 'checkout' },
    });

    t.clock.advance(60_000);
    const stale = (await t.app.inject({ url: '/api/v1/hosts?status=stale' })).json() as {
      hosts: { id: string }[];
    };
    expect(stale.hosts.map((host) => host.id).sort()).toEqual(['checkout', 'h1', 'h2']);
    expect((await t.app.inject({ url: '/api/v1/hosts?status=sideways' })).statusCode).toBe(400);
  });

  it('GET /api/v1/hosts/:id gives the host and its metrics; unknown ids are 404', async () => {
    const response = await t.app.inject({ url: '/api/v1/hosts/h1' });
    expect(response.statusCode).toBe(200);
    const body = response.json() as {
      host: { id: string };
      metrics: { name: string; series: number; kind: string }[];
    };
    expect(body.host.id).toBe('h1');
    expect(body.metrics.find((metric) => metric.name === 'system.network.io')).toEqual({
      name: 'system.network.io',
      unit: 'By',
      kind: 'counter',
      series: 3,
      lastTimestampMs: T0 + 590_000,
    });
    expect(body.metrics.map((metric) => metric.name)).toEqual([
      'sysray.pressure.stall.average',
      'system.cpu.utilization',
      'system.filesystem.utilization',
      'system.memory.utilization',
      'system.network.io',
    ]);
    const missing = await t.app.inject({ url: '/api/v1/hosts/nope' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toEqual({
      error: { code: 'SYSRAY_ERR_NOT_FOUND', message: 'no host with id "nope"' },
    });
  });

  it('GET /api/v1/fleet and /api/v1/fleet/top rank hosts', async () => {
    const fleet = (await t.app.inject({ url: '/api/v1/fleet' })).json() as {
      counts: unknown;
      top: Record<string, { hostId: string; value: number }[]>;
    };
    expect(fleet.counts).toEqual({ up: 3, stale: 0, down: 0, total: 3 });
    expect(fleet.top.cpu!.map((entry) => entry.hostId)).toEqual(['h2', 'h1']);
    expect(fleet.top.disk!.map((entry) => [entry.hostId, entry.value])).toEqual([
      ['h2', 0.97],
      ['h1', 0.4],
    ]);
    expect(fleet.top.psi!.map((entry) => entry.value)).toEqual([12, 2]);
    expect(fleet.top.gpu!.map((entry) => entry.hostId)).toEqual(['h2']);
    expect(Object.keys(fleet.top)).toEqual(['cpu', 'memory', 'disk', 'psi', 'gpu']);

    const top = await t.app.inject({ url: '/api/v1/fleet/top?metric=memory&limit=1' });
    expect(top.json()).toEqual({
      metric: 'memory',
      unit: 'ratio 0..1',
      hosts: [{ hostId: 'h2', name: 'db-1', status: 'up', value: 0.9 }],
    });
    const network = (await t.app.inject({ url: '/api/v1/fleet/top?metric=network_rx' })).json() as {
      hosts: unknown[];
    };
    expect(network.hosts).toEqual([{ hostId: 'h1', name: 'web-1', status: 'up', value: 100 }]);
    expect((await t.app.inject({ url: '/api/v1/fleet/top?metric=bogus' })).statusCode).toBe(400);
    expect((await t.app.inject({ url: '/api/v1/fleet/top' })).json()).toMatchObject({
      error: { code: 'SYSRAY_ERR_BAD_REQUEST' },
    });
    expect((await t.app.inject({ url: '/api/v1/fleet/top?metric=cpu&limit=0' })).statusCode).toBe(400);
  });

  it('GET /api/v1/metrics serves the catalog plus names seen from other sources', async () => {
    const body = (await t.app.inject({ url: '/api/v1/metrics' })).json() as {
      metrics: {
        name: string;
        unit: string;
        kind: string;
        description: string | null;
        inCatalog: boolean;
        seen: boolean;
      }[];
    };
    expect(body.metrics.filter((metric) => metric.inCatalog)).toHaveLength(METRIC_CATALOG.length);
    expect(body.metrics.find((metric) => metric.name === 'system.cpu.utilization')).toMatchObject({
      unit: '1',
      kind: 'gauge',
      inCatalog: true,
      seen: true,
    });
    expect(body.metrics.find((metric) => metric.name === 'system.uptime')).toMatchObject({
      inCatalog: true,
      seen: false,
    });
    expect(body.metrics.find((metric) => metric.name === 'checkout.queue')).toEqual({
      name: 'checkout.queue',
      unit: '{item}',
      kind: 'gauge',
      description: null,
      inCatalog: false,
      seen: true,
    });
    const names = body.metrics.map((metric) => metric.name);
    expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b)));
  });
});

describe('GET /api/v1/hosts/:id/series', () => {
  beforeEach(async () => {
    t = makeTestApp({ query: { maxSeries: 2 } }, { clock: new TestClock(T0 + 600_000) });
    await seed(t);
  });

  const url = (query: string) => `/api/v1/hosts/h1/series?${query}`;

  it('aggregates per step with match[key]=value', async () => {
    const response = await t.app.inject({
      url: url(
        `metric=system.memory.utilization&match[system.memory.state]=used&from=${T0}&to=${T0 + 10 * MIN}&step=1m&agg=max`,
      ),
    });
    expect(response.statusCode).toBe(200);
    const body = response.json() as {
      series: { attributes: unknown; points: [number, number][]; tier: string; unit: string }[];
    };
    expect(body).toMatchObject({
      hostId: 'h1',
      metric: 'system.memory.utilization',
      fromMs: T0,
      toMs: T0 + 10 * MIN,
      stepMs: MIN,
      agg: 'max',
    });
    expect(body.series).toHaveLength(1);
    expect(body.series[0]!.attributes).toEqual({ 'system.memory.state': 'used' });
    // A 1 m step is served by the 1m tier once rolled up, else from raw samples.
    expect(['raw', '1m']).toContain(body.series[0]!.tier);
    expect(body.series[0]!.unit).toBe('1');
    // Six reports per minute: the max of minute k is report 6k+5.
    expect(body.series[0]!.points).toHaveLength(10);
    body.series[0]!.points.forEach(([ts, value], k) => {
      expect(ts).toBe(T0 + k * MIN);
      expect(value).toBeCloseTo(0.5 + (6 * k + 5) / 1000, 12);
    });
    const avg = (
      await t.app.inject({
        url: url(
          `metric=system.memory.utilization&match[system.memory.state]=used&from=${T0}&to=${T0 + MIN}&step=1m&agg=avg`,
        ),
      })
    ).json() as { series: { points: [number, number][] }[] };
    expect(avg.series[0]!.points[0]![1]).toBeCloseTo(0.5025, 12);
  });

  it('defaults to a per-second rate for counters', async () => {
    const body = (
      await t.app.inject({
        url: url(
          `metric=system.network.io&match[network.interface.name]=eth0&match[network.io.direction]=receive&from=${T0}&to=${T0 + 10 * MIN}&step=60000`,
        ),
      })
    ).json() as { agg: string; series: { unit: string; points: [number, number][] }[] };
    expect(body.agg).toBe('rate');
    expect(body.series[0]!.unit).toBe('By/s');
    const rates = body.series[0]!.points.map(([, value]) => value);
    expect(rates.length).toBeGreaterThanOrEqual(9);
    for (const rate of rates) expect(rate).toBeCloseTo(100, 6);
  });

  it('resolves relative and ISO times and picks a default step', async () => {
    const relative = (
      await t.app.inject({ url: url('metric=system.cpu.utilization&match[cpu.mode]=idle&from=-10m') })
    ).json() as {
      fromMs: number;
      toMs: number;
      stepMs: number;
      agg: string;
      series: { points: [number, number][] }[];
    };
    expect(relative.toMs).toBe(T0 + 600_000);
    expect(relative.fromMs).toBe(T0);
    expect(relative.stepMs).toBe(2000);
    expect(relative.agg).toBe('avg');
    expect(relative.series[0]!.points.every(([, value]) => value === 0.25)).toBe(true);
    const iso = (
      await t.app.inject({
        url: url(
          `metric=system.cpu.utilization&match[cpu.mode]=idle&from=${new Date(T0).toISOString()}&to=now-5m`,
        ),
      })
    ).json() as { fromMs: number; toMs: number };
    expect(iso).toMatchObject({ fromMs: T0, toMs: T0 + 300_000 });
    const defaults = (
      await t.app.inject({ url: url('metric=system.cpu.utilization&match[cpu.mode]=idle') })
    ).json() as {
      fromMs: number;
      stepMs: number;
    };
    expect(defaults.fromMs).toBe(T0 + 600_000 - 3_600_000);
    expect(defaults.stepMs).toBe(12_000);
  });

  it('answers an unknown metric with no series', async () => {
    const body = (await t.app.inject({ url: url('metric=no.such.metric') })).json() as { series: unknown[] };
    expect(body.series).toEqual([]);
  });

  it('refuses ranges and point counts beyond the bounds, naming the bound', async () => {
    const long = await t.app.inject({ url: url('metric=system.cpu.utilization&from=-401d') });
    expect(long.statusCode).toBe(400);
    expect(long.json()).toEqual({
      error: {
        code: 'SYSRAY_ERR_RANGE_TOO_LARGE',
        message: 'the range spans 401d, more than query.maxRangeMs (400d)',
      },
    });
    const dense = await t.app.inject({ url: url('metric=system.cpu.utilization&from=-1d&step=1s') });
    expect(dense.statusCode).toBe(400);
    expect(dense.json()).toEqual({
      error: {
        code: 'SYSRAY_ERR_RANGE_TOO_LARGE',
        message:
          'a step of 1s over 1d gives 86400 points per series, more than query.maxPoints (11000); use a larger step',
      },
    });
    const many = await t.app.inject({ url: url('metric=system.network.io') });
    expect(many.statusCode).toBe(400);
    expect(many.json()).toEqual({
      error: {
        code: 'SYSRAY_ERR_TOO_MANY_SERIES',
        message:
          '3 series of system.network.io match, more than query.maxSeries (2); narrow with match[key]=value',
      },
    });
  });

  it('answers malformed parameters with 400 and unknown hosts with 404', async () => {
    const cases: [string, string, RegExp][] = [
      [url('from=-1h'), 'SYSRAY_ERR_BAD_REQUEST', /metric/],
      [url('metric=x&from=yesterday'), 'SYSRAY_ERR_BAD_REQUEST', /^from=yesterday: not epoch milliseconds/],
      [url('metric=x&to=2025-11-21'), 'SYSRAY_ERR_BAD_REQUEST', /^to=2025-11-21/],
      [url('metric=x&from=-1h&to=-2h'), 'SYSRAY_ERR_BAD_REQUEST', /must be before/],
      [url('metric=x&step=fast'), 'SYSRAY_ERR_BAD_REQUEST', /^step=fast/],
      [url('metric=x&agg=median'), 'SYSRAY_ERR_BAD_REQUEST', /agg/],
      [url('metric=x&match[a]=1&match[a]=2'), 'SYSRAY_ERR_BAD_REQUEST', /match\[a\]/],
      ['/api/v1/hosts/zzz/series?metric=x', 'SYSRAY_ERR_NOT_FOUND', /zzz/],
    ];
    for (const [path, code, message] of cases) {
      const response = await t.app.inject({ url: path });
      const body = response.json() as { error: { code: string; message: string } };
      expect(body.error.code, path).toBe(code);
      expect(body.error.message, path).toMatch(message);
      expect(response.headers['x-sysray-error-code']).toBe(code);
    }
  });
});

describe('API auth, health and errors', () => {
  const auth = {
    apiTokens: [
      { token: 'reader-token-1', role: 'read' as const, name: 'dashboard' },
      { token: 'admin-token-1', role: 'admin' as const },
    ],
  };

  it('requires a read token on API routes when tokens are configured; health stays open', async () => {
    t = makeTestApp({ auth });
    t.app.get('/api/v1/admin-probe', { config: { access: 'admin' } }, async () => ({ ok: true }));
    const none = await t.app.inject({ url: '/api/v1/hosts' });
    expect(none.statusCode).toBe(401);
    expect(none.json()).toEqual({
      error: {
        code: 'SYSRAY_ERR_UNAUTHORIZED',
        message: 'missing or unknown bearer token in the Authorization header',
      },
    });
    expect(
      (await t.app.inject({ url: '/api/v1/hosts', headers: { authorization: 'Bearer wrong-token' } }))
        .statusCode,
    ).toBe(401);
    expect(
      (await t.app.inject({ url: '/api/v1/hosts', headers: { authorization: 'Basic cmVhZGVyLXRva2VuLTE=' } }))
        .statusCode,
    ).toBe(401);
    expect(
      (await t.app.inject({ url: '/api/v1/hosts', headers: { authorization: 'Bearer reader-token-1' } }))
        .statusCode,
    ).toBe(200);
    expect(
      (await t.app.inject({ url: '/api/v1/hosts', headers: { authorization: 'Bearer admin-token-1' } }))
        .statusCode,
    ).toBe(200);
    expect((await t.app.inject({ url: '/metrics' })).statusCode).toBe(401);
    expect((await t.app.inject({ url: '/api/v1/openapi.json' })).statusCode).toBe(401);
    const forbidden = await t.app.inject({
      url: '/api/v1/admin-probe',
      headers: { authorization: 'Bearer reader-token-1' },
    });
    expect(forbidden.statusCode).toBe(403);
    expect(forbidden.json()).toMatchObject({ error: { code: 'SYSRAY_ERR_FORBIDDEN' } });
    expect(
      (
        await t.app.inject({ url: '/api/v1/admin-probe', headers: { authorization: 'Bearer admin-token-1' } })
      ).json(),
    ).toEqual({ ok: true });
    expect((await t.app.inject({ url: '/healthz' })).json()).toEqual({ status: 'ok' });
    expect((await t.app.inject({ url: '/readyz' })).json()).toEqual({ status: 'ready' });
  });

  it('routes host ids with slashes and long ids', async () => {
    t = makeTestApp();
    const long = `host-${'x'.repeat(250)}`;
    await t.post(exportRequest({ 'host.name': 'rack/7' }, [gauge('g', '1', [{ ms: T0, value: 1 }])]));
    await t.post(exportRequest({ 'host.id': long }, [gauge('g', '1', [{ ms: T0, value: 2 }])]));
    const slash = await t.app.inject({ url: '/api/v1/hosts/rack%2F7' });
    expect(slash.statusCode).toBe(200);
    expect((slash.json() as { host: { id: string } }).host.id).toBe('rack/7');
    const longHost = await t.app.inject({
      url: `/api/v1/hosts/${long}/series?metric=g&from=${T0 - MIN}&to=${T0 + MIN}&step=1m&agg=last`,
    });
    expect(longHost.statusCode).toBe(200);
    expect((longHost.json() as { series: { points: [number, number][] }[] }).series[0]!.points).toEqual([
      [T0, 2],
    ]);
  });

  it('is open without tokens', async () => {
    t = makeTestApp();
    expect((await t.app.inject({ url: '/api/v1/fleet' })).statusCode).toBe(200);
  });

  it('answers 404 for unknown routes and 503 from /readyz while not ready', async () => {
    t = makeTestApp();
    const missing = await t.app.inject({ url: '/api/v2/everything?x=1' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toEqual({
      error: { code: 'SYSRAY_ERR_NOT_FOUND', message: 'no route GET /api/v2/everything' },
    });
    await t.app.ready();
    t.app.gateway.ready = false;
    const notReady = await t.app.inject({ url: '/readyz' });
    expect(notReady.statusCode).toBe(503);
    expect(notReady.json()).toEqual({
      error: { code: 'SYSRAY_ERR_UNAVAILABLE', message: 'the gateway is starting or shutting down' },
    });
  });

  it('rebuilds the fleet from the store after a restart', async () => {
    const first = makeTestApp({}, { clock: new TestClock(T0 + 600_000) });
    await seed(first);
    const dataDir = first.dataDir;
    await first.app.close();
    t = makeTestApp({}, { dataDir, clock: new TestClock(T0 + 660_000) });
    const hosts = (await t.app.inject({ url: '/api/v1/hosts' })).json() as {
      hosts: {
        id: string;
        status: string;
        firstSeenMs: number;
        metrics: { cpuUtilization: number | null; networkReceiveBytesPerSecond: number | null };
      }[];
    };
    const h1 = hosts.hosts.find((host) => host.id === 'h1')!;
    expect(h1.status).toBe('stale');
    expect(h1.firstSeenMs).toBe(T0 + 600_000);
    expect(h1.metrics.cpuUtilization).toBe(0.75);
    // Rates need a new report; the previous counters came back from the store, so one is enough.
    expect(h1.metrics.networkReceiveBytesPerSecond).toBeNull();
    await t.post(
      exportRequest({ 'host.id': 'h1', 'host.name': 'web-1' }, [
        sum('system.network.io', 'By', [
          {
            ms: T0 + 600_000,
            value: 1_060_000,
            int: true,
            attributes: { 'network.interface.name': 'eth0', 'network.io.direction': 'receive' },
          },
        ]),
      ]),
    );
    expect(t.app.gateway.fleet.host('h1', T0 + 660_000)?.metrics.networkReceiveBytesPerSecond).toBe(100);
    expect(
      (
        (await t.app.inject({ url: '/api/v1/metrics' })).json() as { metrics: { name: string }[] }
      ).metrics.some((m) => m.name === 'checkout.queue'),
    ).toBe(true);
    const { rmSync } = await import('node:fs');
    rmSync(dataDir, { recursive: true, force: true });
  });
});

describe('parameter parsing', () => {
  it('parses times and durations', () => {
    const now = T0;
    expect(parseTimeMs('1763700000000', now)).toBe(T0);
    expect(parseTimeMs('now', now)).toBe(T0);
    expect(parseTimeMs('-1h', now)).toBe(T0 - 3_600_000);
    expect(parseTimeMs('now-90s', now)).toBe(T0 - 90_000);
    expect(parseTimeMs('now+1m', now)).toBe(T0 + 60_000);
    expect(parseTimeMs('2025-11-21T05:40:00+01:00', now)).toBe(T0);
    expect(parseTimeMs('2025-11-21', now)).toBeNull();
    expect(parseTimeMs('-1y', now)).toBeNull();
    expect(parseDurationMs('1.5m')).toBe(90_000);
    expect(parseDurationMs('250')).toBe(250);
    expect(parseDurationMs('2w')).toBe(1_209_600_000);
    expect(parseDurationMs('-5s')).toBeNull();
  });

  it('collects match parameters', () => {
    expect(matchParams({ metric: 'x', 'match[a.b]': '1', 'match[c]': '' })).toEqual({ 'a.b': '1', c: '' });
  });

  it('checks range bounds before the store sees the query', () => {
    const bounds = DEFAULT_GATEWAY_CONFIG.query;
    expect(resolveRange({ from: '0', to: '600000' }, bounds, T0)).toEqual({
      fromMs: 0,
      toMs: 600_000,
      stepMs: 2000,
    });
    expect(resolveRange({ from: '-1d' }, bounds, T0)).toEqual({
      fromMs: T0 - 86_400_000,
      toMs: T0,
      stepMs: 288_000,
    });
    expect(() => resolveRange({ from: '-1h', step: '0' }, bounds, T0)).toThrow(/not a positive duration/);
  });
});
