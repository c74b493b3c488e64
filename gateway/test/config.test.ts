import { describe, expect, it } from 'vitest';
import {
  DEFAULT_GATEWAY_CONFIG,
  GatewayConfigError,
  isLoopbackHost,
  parseForwardEndpoint,
  resolveGatewayConfig,
} from '../src/config.js';

function problems(input: Parameters<typeof resolveGatewayConfig>[0]): string[] {
  try {
    resolveGatewayConfig(input, '/srv');
  } catch (error) {
    if (error instanceof GatewayConfigError) return [...error.problems];
    throw error;
  }
  return [];
}

describe('resolveGatewayConfig', () => {
  it('gives a working local gateway on loopback with no auth by default', () => {
    const config = resolveGatewayConfig({}, '/srv');
    expect(config.dataDir).toBe('/srv/sysray-data');
    expect(config.listen).toEqual({
      api: { host: '127.0.0.1', port: 8080 },
      otlpHttp: { host: '127.0.0.1', port: 4318 },
      otlpGrpc: { host: '127.0.0.1', port: 4317 },
    });
    expect(config.auth).toEqual({ ingestTokens: [], apiTokens: [] });
    expect(config.status).toEqual({ staleAfterMs: 30_000, downAfterMs: 120_000, sweepIntervalMs: 1000 });
    expect(config.limits.maxDecompressedBytes).toBe(4 * 1024 * 1024);
    expect(config.store.retention).toEqual({
      rawMs: 172_800_000,
      minuteMs: 2_592_000_000,
      hourMs: 63_072_000_000,
      maxBytes: 0,
    });
  });

  it('merges nested input over the defaults and freezes the result deeply', () => {
    const config = resolveGatewayConfig(
      {
        dataDir: '/var/lib/sysray',
        listen: { api: { port: 9090 } },
        status: { staleAfterMs: 10_000 },
        auth: { apiTokens: [{ token: 'reader-token' }] },
        forward: [{ endpoint: 'https://collector.example:4317', headers: { Authorization: 'Bearer x' } }],
      },
      '/srv',
    );
    expect(config.dataDir).toBe('/var/lib/sysray');
    expect(config.listen.api).toEqual({ host: '127.0.0.1', port: 9090 });
    expect(config.status.staleAfterMs).toBe(10_000);
    expect(config.status.downAfterMs).toBe(120_000);
    expect(config.auth.apiTokens).toEqual([{ token: 'reader-token', role: 'read', name: '' }]);
    expect(config.forward[0]).toMatchObject({
      endpoint: 'https://collector.example:4317',
      queueSize: 1000,
      compression: 'gzip',
    });
    expect(config.forward[0]!.headers).toEqual({ authorization: 'Bearer x' });
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.listen.api)).toBe(true);
    expect(Object.isFrozen(config.forward[0]!.headers)).toBe(true);
    expect(() => {
      (config.listen.api as { port: number }).port = 1;
    }).toThrow(TypeError);
    // The defaults are untouched.
    expect(DEFAULT_GATEWAY_CONFIG.listen.api.port).toBe(8080);
  });

  it('names unknown keys and wrong types with their path', () => {
    const found = problems({
      listen: { api: { port: 70_000 }, apii: {} },
      limits: { maxRequestBytes: 'big' },
      stream: { heartbeatMs: 0 },
    } as never);
    expect(found).toContain('listen: must NOT have additional properties (apii)');
    expect(found).toContain('listen.api.port: must be <= 65535');
    expect(found).toContain('limits.maxRequestBytes: must be integer');
    expect(found).toContain('stream.heartbeatMs: must be >= 1');
  });

  it('throws on contradictions', () => {
    expect(problems({ status: { staleAfterMs: 60_000, downAfterMs: 30_000 } })).toEqual([
      'status.downAfterMs (30000) must be greater than status.staleAfterMs (60000)',
    ]);
    expect(problems({ query: { defaultRangeMs: 2_000, maxRangeMs: 1_000 } })).toEqual([
      'query.defaultRangeMs (2000) exceeds query.maxRangeMs (1000)',
    ]);
    expect(problems({ listen: { otlpGrpc: { port: 8080 } } })).toEqual([
      'listen.otlpGrpc and listen.api both bind 127.0.0.1:8080',
    ]);
    expect(
      problems({
        auth: {
          apiTokens: [
            { token: 'same-token', role: 'read' },
            { token: 'same-token', role: 'admin' },
          ],
        },
      }),
    ).toEqual(['an API token is listed with both roles read and admin']);
  });

  it('refuses to expose a listener beyond loopback without tokens, saying why', () => {
    const found = problems({ listen: { api: { host: '0.0.0.0' }, otlpGrpc: { host: '::' } } });
    expect(found).toEqual([
      'listen.api.host 0.0.0.0 is reachable from other machines and auth.apiTokens is empty: the API would be open to the network; add an API token or bind 127.0.0.1',
      'listen.otlpGrpc.host :: is reachable from other machines and auth.ingestTokens is empty: anyone could write metrics; add an ingest token or bind 127.0.0.1',
    ]);
    expect(
      problems({
        listen: { api: { host: '0.0.0.0' }, otlpHttp: { host: '0.0.0.0' }, otlpGrpc: { host: '0.0.0.0' } },
        auth: { apiTokens: [{ token: 'api-token-1' }], ingestTokens: ['ingest-token-1'] },
      }),
    ).toEqual([]);
  });

  it('checks forward endpoints', () => {
    expect(problems({ forward: [{ endpoint: 'http://10.0.0.5:4317' }] })).toEqual([
      'forward[0].endpoint http://10.0.0.5:4317 is plaintext to a non-loopback host; use https:// or set insecure: true',
    ]);
    expect(problems({ forward: [{ endpoint: 'http://10.0.0.5:4317', insecure: true }] })).toEqual([]);
    expect(problems({ forward: [{ endpoint: 'http://127.0.0.1:4317' }] })).toEqual([]);
    expect(problems({ forward: [{ endpoint: 'ftp://x/y' }] })[0]).toMatch(
      /^forward\[0\]: forward endpoint "ftp:\/\/x\/y"/,
    );
  });
});

describe('helpers', () => {
  it('knows loopback addresses', () => {
    for (const host of ['127.0.0.1', '127.1.2.3', '::1', '[::1]', 'localhost', '::ffff:127.0.0.1']) {
      expect(isLoopbackHost(host), host).toBe(true);
    }
    for (const host of ['0.0.0.0', '::', '10.0.0.1', 'example.com', '128.0.0.1']) {
      expect(isLoopbackHost(host), host).toBe(false);
    }
  });

  it('parses forward endpoints', () => {
    expect(parseForwardEndpoint('http://127.0.0.1:4317')).toEqual({
      address: '127.0.0.1:4317',
      host: '127.0.0.1',
      tls: false,
    });
    expect(parseForwardEndpoint('https://otel.example')).toEqual({
      address: 'otel.example:443',
      host: 'otel.example',
      tls: true,
    });
    expect(parseForwardEndpoint('otel.example')).toEqual({
      address: 'otel.example:4317',
      host: 'otel.example',
      tls: true,
    });
    expect(parseForwardEndpoint('[::1]:4317')).toEqual({ address: '[::1]:4317', host: '[::1]', tls: true });
  });
});
