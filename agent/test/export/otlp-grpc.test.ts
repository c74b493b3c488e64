import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import {
  OTLP_GRPC_DEFAULTS,
  OtlpConfigError,
  createOtlpGrpcExport,
  isLoopbackHost,
  parseOtlpHeaders,
  resolveOtlpOptions,
  type OtlpEnv,
  type OtlpGrpcExport,
  type OtlpGrpcOptions,
} from '../../src/export/otlp-grpc.js';
import { otlpAttributesToRecord } from '../../../proto/src/otlp/decoded.js';
import { collectSnapshotMetrics } from '../../src/otel/instruments.js';
import { buildResource } from '../../src/otel/resource.js';
import { sampleSnapshot } from '../otel/sample-snapshot.js';
import {
  findMetrics,
  latestMetric,
  startOtlpReceiver,
  type OtlpReceiver,
  type OtlpReceiverOptions,
} from '../../../test/helpers/otlp-receiver.js';

function configError(run: () => unknown): OtlpConfigError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(OtlpConfigError);
    return error as OtlpConfigError;
  }
  throw new Error('expected an OtlpConfigError');
}

describe('resolveOtlpOptions', () => {
  it('defaults to plaintext localhost:4317, no compression, 10 s timeout, 60 s interval, cumulative', () => {
    const options = resolveOtlpOptions({}, {});
    expect(options).toMatchObject({
      endpoint: 'http://localhost:4317',
      target: 'localhost:4317',
      tls: false,
      insecure: false,
      headers: {},
      caFile: null,
      clientCertFile: null,
      clientKeyFile: null,
      compression: 'none',
      timeoutMs: 10_000,
      intervalMs: 60_000,
      temporality: 'cumulative',
    });
    expect(Object.values(options.sources).every((source) => source === 'default')).toBe(true);
    expect(OTLP_GRPC_DEFAULTS.endpoint).toBe(options.endpoint);
  });

  // One row per option: explicit config > OTEL_EXPORTER_OTLP_METRICS_* > OTEL_EXPORTER_OTLP_* > default.
  const precedence: {
    readonly field: 'endpoint' | 'compression' | 'timeoutMs' | 'caFile' | 'clientCertFile' | 'insecure';
    readonly explicit: OtlpGrpcOptions;
    readonly suffix: string;
    readonly envValues: readonly [metrics: string, generic: string];
    readonly expected: readonly [explicit: unknown, metrics: unknown, generic: unknown];
    /** Context every case needs to be valid (e.g. an https endpoint for certificate files). */
    readonly base?: OtlpGrpcOptions;
  }[] = [
    {
      field: 'endpoint',
      explicit: { endpoint: 'http://127.0.0.1:1111' },
      suffix: 'ENDPOINT',
      envValues: ['http://127.0.0.2:2222', 'http://127.0.0.3:3333'],
      expected: ['http://127.0.0.1:1111', 'http://127.0.0.2:2222', 'http://127.0.0.3:3333'],
    },
    {
      field: 'compression',
      explicit: { compression: 'none' },
      suffix: 'COMPRESSION',
      envValues: ['gzip', 'none'],
      expected: ['none', 'gzip', 'none'],
    },
    {
      field: 'timeoutMs',
      explicit: { timeoutMs: 1000 },
      suffix: 'TIMEOUT',
      envValues: ['2000', '3000'],
      expected: [1000, 2000, 3000],
    },
    {
      field: 'caFile',
      explicit: { caFile: '/explicit/ca.pem' },
      suffix: 'CERTIFICATE',
      envValues: ['/metrics/ca.pem', '/generic/ca.pem'],
      expected: ['/explicit/ca.pem', '/metrics/ca.pem', '/generic/ca.pem'],
      base: { endpoint: 'https://collector.example:4317' },
    },
    {
      field: 'clientCertFile',
      explicit: { clientCertFile: '/explicit/cert.pem' },
      suffix: 'CLIENT_CERTIFICATE',
      envValues: ['/metrics/cert.pem', '/generic/cert.pem'],
      expected: ['/explicit/cert.pem', '/metrics/cert.pem', '/generic/cert.pem'],
      base: { endpoint: 'https://collector.example:4317', clientKeyFile: '/key.pem' },
    },
    {
      field: 'insecure',
      explicit: { insecure: false },
      suffix: 'INSECURE',
      envValues: ['TRUE', 'false'],
      expected: [false, true, false],
      base: { endpoint: 'http://127.0.0.1:4317' },
    },
  ];

  for (const row of precedence) {
    it(`takes ${row.field} from explicit config, then OTEL_EXPORTER_OTLP_METRICS_${row.suffix}, then OTEL_EXPORTER_OTLP_${row.suffix}`, () => {
      const metricsVar = `OTEL_EXPORTER_OTLP_METRICS_${row.suffix}`;
      const genericVar = `OTEL_EXPORTER_OTLP_${row.suffix}`;
      const both: OtlpEnv = { [metricsVar]: row.envValues[0], [genericVar]: row.envValues[1] };
      const all = resolveOtlpOptions({ ...row.base, ...row.explicit }, both);
      expect(all[row.field]).toBe(row.expected[0]);
      expect(all.sources[row.field]).toBe(row.field);
      const envOnly = resolveOtlpOptions({ ...row.base }, both);
      expect(envOnly[row.field]).toBe(row.expected[1]);
      expect(envOnly.sources[row.field]).toBe(metricsVar);
      const genericOnly = resolveOtlpOptions({ ...row.base }, { [genericVar]: row.envValues[1] });
      expect(genericOnly[row.field]).toBe(row.expected[2]);
      expect(genericOnly.sources[row.field]).toBe(genericVar);
      // An empty metrics-specific variable counts as unset (specification), so the generic one applies.
      const emptyMetrics = resolveOtlpOptions(
        { ...row.base },
        { [metricsVar]: '  ', [genericVar]: row.envValues[1] },
      );
      expect(emptyMetrics[row.field]).toBe(row.expected[2]);
    });
  }

  it('merges headers by key: explicit over metrics-specific over generic, keys lowercased, values percent-decoded', () => {
    const options = resolveOtlpOptions(
      { headers: { Authorization: 'Bearer explicit' } },
      {
        OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Bearer%20generic, x-tenant = generic ,x-region=eu',
        OTEL_EXPORTER_OTLP_METRICS_HEADERS: 'X-Tenant=metrics,x-token=YWJj==',
      },
    );
    expect(options.headers).toEqual({
      authorization: 'Bearer explicit',
      'x-tenant': 'metrics',
      'x-region': 'eu',
      'x-token': 'YWJj==',
    });
    expect(options.sources.headers).toBe(
      'OTEL_EXPORTER_OTLP_HEADERS+OTEL_EXPORTER_OTLP_METRICS_HEADERS+headers',
    );
  });

  it('rejects malformed header entries and never echoes a header value', () => {
    expect(() => parseOtlpHeaders('novalue', 'OTEL_EXPORTER_OTLP_HEADERS')).toThrow(
      /OTEL_EXPORTER_OTLP_HEADERS: entry without "="/,
    );
    expect(() => parseOtlpHeaders('=v', 'X')).toThrow(/empty name/);
    expect(() => parseOtlpHeaders('a=%E0%A4%A', 'X')).toThrow(/percent-encoding/);
    expect(parseOtlpHeaders(' a=1,, b = 2 ', 'X')).toEqual({ a: '1', b: '2' });
    const badKey = configError(() => resolveOtlpOptions({ headers: { 'bad key': 'v' } }, {}));
    expect(badKey.option).toBe('headers');
    const binary = configError(() => resolveOtlpOptions({}, { OTEL_EXPORTER_OTLP_HEADERS: 'trace-bin=abc' }));
    expect(binary.message).toMatch(/-bin/);
    const secret = configError(() =>
      resolveOtlpOptions({ headers: { authorization: 'Bearer top\nsecret' } }, {}),
    );
    expect(secret.message).toMatch(/authorization/);
    expect(secret.message).not.toMatch(/secret/);
  });

  it('refuses plaintext to a non-loopback host unless insecure is explicitly true', () => {
    const error = configError(() => resolveOtlpOptions({ endpoint: 'http://10.0.0.5:4317' }, {}));
    expect(error.option).toBe('insecure');
    expect(error.message).toMatch(/http:\/\/10\.0\.0\.5:4317 \(endpoint\).*insecure: true/);
    const fromEnv = configError(() =>
      resolveOtlpOptions({}, { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4317' }),
    );
    expect(fromEnv.message).toMatch(/OTEL_EXPORTER_OTLP_ENDPOINT/);

    expect(resolveOtlpOptions({ endpoint: 'http://10.0.0.5:4317', insecure: true }, {})).toMatchObject({
      tls: false,
      endpoint: 'http://10.0.0.5:4317',
    });
    expect(
      resolveOtlpOptions(
        {},
        { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4317', OTEL_EXPORTER_OTLP_INSECURE: 'true' },
      ).tls,
    ).toBe(false);
    for (const loopback of [
      'http://localhost:4317',
      'http://127.0.0.1:4317',
      'http://127.8.9.10:4317',
      'http://[::1]:4317',
    ]) {
      expect(resolveOtlpOptions({ endpoint: loopback }, {}).tls).toBe(false);
    }
  });

  it('uses TLS for https:// and for scheme-less endpoints unless insecure, with the scheme default port', () => {
    expect(resolveOtlpOptions({ endpoint: 'https://collector.example' }, {})).toMatchObject({
      tls: true,
      target: 'collector.example:443',
      endpoint: 'https://collector.example:443',
    });
    expect(resolveOtlpOptions({ endpoint: 'collector.example:4317' }, {})).toMatchObject({
      tls: true,
      endpoint: 'https://collector.example:4317',
    });
    expect(resolveOtlpOptions({ endpoint: 'collector.example:4317', insecure: true }, {})).toMatchObject({
      tls: false,
      endpoint: 'http://collector.example:4317',
    });
    expect(resolveOtlpOptions({ endpoint: 'http://[::1]' }, {}).target).toBe('[::1]:80');
  });

  it('throws on contradictions and malformed values, naming the option or variable', () => {
    const cases: readonly [OtlpGrpcOptions, OtlpEnv, string, RegExp][] = [
      [{ endpoint: 'https://c:4317', insecure: true }, {}, 'insecure', /https/],
      [
        { endpoint: 'https://c:4317' },
        { OTEL_EXPORTER_OTLP_INSECURE: 'true' },
        'OTEL_EXPORTER_OTLP_INSECURE',
        /https/,
      ],
      [{ endpoint: 'http://localhost:4318/v1/metrics' }, {}, 'endpoint', /no path.*OTLP\/HTTP/],
      [{ endpoint: 'grpc://c:4317' }, {}, 'endpoint', /unsupported scheme "grpc:\/\/"/],
      [{ endpoint: 'https://user:pw@c:4317' }, {}, 'endpoint', /credentials/],
      [{ endpoint: 'http://' }, {}, 'endpoint', /not a valid endpoint|no host/],
      [{ caFile: '/ca.pem' }, {}, 'caFile', /plaintext/],
      [
        {},
        { OTEL_EXPORTER_OTLP_CLIENT_KEY: '/k.pem', OTEL_EXPORTER_OTLP_ENDPOINT: 'https://c' },
        'OTEL_EXPORTER_OTLP_CLIENT_KEY',
        /without clientCertFile/,
      ],
      [{ endpoint: 'https://c', clientCertFile: '/c.pem' }, {}, 'clientCertFile', /without clientKeyFile/],
      [{}, { OTEL_EXPORTER_OTLP_COMPRESSION: 'zstd' }, 'OTEL_EXPORTER_OTLP_COMPRESSION', /"gzip" or "none"/],
      [{ compression: 'br' as 'gzip' }, {}, 'compression', /"gzip" or "none"/],
      [
        {},
        { OTEL_EXPORTER_OTLP_METRICS_TIMEOUT: '10s' },
        'OTEL_EXPORTER_OTLP_METRICS_TIMEOUT',
        /milliseconds/,
      ],
      [{ intervalMs: 0 }, {}, 'intervalMs', /positive/],
      [{}, { OTEL_EXPORTER_OTLP_INSECURE: 'yes' }, 'OTEL_EXPORTER_OTLP_INSECURE', /"true" or "false"/],
      [
        {},
        { OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE: 'sometimes' },
        'OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE',
        /lowmemory/,
      ],
      [{ timeoutMs: 5000, intervalMs: 1000 }, {}, 'timeoutMs', /exceeds intervalMs/],
      [
        {},
        { OTEL_EXPORTER_OTLP_TIMEOUT: '5000', OTEL_METRIC_EXPORT_INTERVAL: '1000' },
        'OTEL_EXPORTER_OTLP_TIMEOUT',
        /exceeds OTEL_METRIC_EXPORT_INTERVAL/,
      ],
    ];
    for (const [explicit, env, option, message] of cases) {
      const error = configError(() => resolveOtlpOptions(explicit, env));
      expect({ input: [explicit, env], option: error.option }).toEqual({ input: [explicit, env], option });
      expect(error.message).toMatch(message);
    }
  });

  it('reads the interval and temporality from their variables and clamps a defaulted timeout to the interval', () => {
    const options = resolveOtlpOptions(
      {},
      { OTEL_METRIC_EXPORT_INTERVAL: '2000', OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE: 'Delta' },
    );
    expect(options.intervalMs).toBe(2000);
    expect(options.timeoutMs).toBe(2000);
    expect(options.temporality).toBe('delta');
    expect(resolveOtlpOptions({ timeoutMs: 90_000 }, {}).intervalMs).toBe(60_000);
    expect(resolveOtlpOptions({ timeoutMs: 90_000 }, {}).timeoutMs).toBe(60_000);
    expect(resolveOtlpOptions({ temporality: 'lowmemory' }, {}).temporality).toBe('lowmemory');
  });

  it('knows loopback hosts', () => {
    for (const host of [
      'localhost',
      'LOCALHOST',
      '127.0.0.1',
      '127.255.0.1',
      '[::1]',
      '::1',
      '[::ffff:7f00:1]',
    ]) {
      expect({ host, loopback: isLoopbackHost(host) }).toEqual({ host, loopback: true });
    }
    for (const host of [
      '10.0.0.1',
      '128.0.0.1',
      'localhost.example',
      '[::2]',
      '[::ffff:a00:1]',
      'collector',
    ]) {
      expect({ host, loopback: isLoopbackHost(host) }).toEqual({ host, loopback: false });
    }
  });
});

/** A CA, a server certificate for localhost and a client certificate, made with openssl in a temp dir. */
interface TestPki {
  readonly dir: string;
  readonly caFile: string;
  readonly otherCaFile: string;
  readonly serverCert: Buffer;
  readonly serverKey: Buffer;
  readonly clientCertFile: string;
  readonly clientKeyFile: string;
  readonly ca: Buffer;
}

function makePki(): TestPki {
  const dir = mkdtempSync(join(tmpdir(), 'sysray-otlp-tls-'));
  const at = (name: string): string => join(dir, name);
  // Runs in `dir` with relative file names, so splitting the command line on spaces is safe.
  const openssl = (commandLine: string): void => {
    execFileSync('openssl', commandLine.split(' '), { cwd: dir, stdio: 'pipe' });
  };
  const ecKey = '-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes';
  const newCa = (name: string): void =>
    openssl(
      `req -x509 ${ecKey} -keyout ${name}.key -out ${name}.pem -days 2 -subj /CN=${name} ` +
        '-addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign',
    );
  const newLeaf = (name: string, extensions: string): void => {
    writeFileSync(at(`${name}.ext`), extensions);
    openssl(`req ${ecKey} -keyout ${name}.key -out ${name}.csr -subj /CN=${name}`);
    openssl(
      `x509 -req -in ${name}.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out ${name}.pem -days 2 -extfile ${name}.ext`,
    );
  };
  newCa('ca');
  newCa('other-ca');
  newLeaf('server', 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
  newLeaf('client', 'extendedKeyUsage=clientAuth\n');
  return {
    dir,
    caFile: at('ca.pem'),
    otherCaFile: at('other-ca.pem'),
    serverCert: readFileSync(at('server.pem')),
    serverKey: readFileSync(at('server.key')),
    clientCertFile: at('client.pem'),
    clientKeyFile: at('client.key'),
    ca: readFileSync(at('ca.pem')),
  };
}

/** A port that was just free and is now closed: connections to it are refused. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

describe('createOtlpGrpcExport', () => {
  const receivers: OtlpReceiver[] = [];
  const providers: MeterProvider[] = [];
  let pki: TestPki;

  beforeAll(() => {
    pki = makePki();
  });
  afterAll(() => {
    rmSync(pki.dir, { recursive: true, force: true });
  });
  afterEach(async () => {
    await Promise.all(providers.splice(0).map((provider) => provider.shutdown().catch(() => undefined)));
    await Promise.all(receivers.splice(0).map((receiver) => receiver.close()));
  });

  async function receiver(options: OtlpReceiverOptions = {}): Promise<OtlpReceiver> {
    const started = await startOtlpReceiver(options);
    receivers.push(started);
    return started;
  }

  /** A MeterProvider with a host resource whose only reader is the export under test. */
  function provider(exporting: OtlpGrpcExport): MeterProvider {
    const meterProvider = new MeterProvider({
      resource: resourceFromAttributes({
        'host.name': 'k8s-node-1',
        'host.id': '3f1e9d7c2b8a4e6f9a0b1c2d3e4f5a6b',
        'os.type': 'linux',
        'service.name': 'sysray-agent',
      }),
      readers: [exporting.reader],
    });
    providers.push(meterProvider);
    return meterProvider;
  }

  it('fails at construction when a certificate file cannot be read, naming the file and the option', () => {
    const missing = join(pki.dir, 'missing-ca.pem');
    const error = configError(() =>
      createOtlpGrpcExport({ endpoint: 'https://127.0.0.1:4317', caFile: missing }, {}),
    );
    expect(error.option).toBe('caFile');
    expect(error.message).toContain(missing);
    expect(error.message).toMatch(/CA certificate.*ENOENT/);
    const fromEnv = configError(() =>
      createOtlpGrpcExport(
        { endpoint: 'https://127.0.0.1:4317' },
        { OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE: pki.clientCertFile, OTEL_EXPORTER_OTLP_CLIENT_KEY: missing },
      ),
    );
    expect(fromEnv.option).toBe('OTEL_EXPORTER_OTLP_CLIENT_KEY');
    expect(fromEnv.message).toContain(missing);
  });

  it('fails at construction on certificate files that hold no usable PEM, naming them', () => {
    const garbage = join(pki.dir, 'garbage.pem');
    writeFileSync(garbage, 'not a certificate\n');
    const badCa = configError(() =>
      createOtlpGrpcExport({ endpoint: 'https://127.0.0.1:4317', caFile: garbage }, {}),
    );
    expect(badCa.option).toBe('caFile');
    expect(badCa.message).toMatch(/garbage\.pem \(caFile\) holds no PEM certificate/);
    const badKey = configError(() =>
      createOtlpGrpcExport(
        { endpoint: 'https://127.0.0.1:4317', clientCertFile: pki.clientCertFile, clientKeyFile: garbage },
        {},
      ),
    );
    expect(badKey.message).toContain('garbage.pem');
    expect(badKey.message).toMatch(/invalid OTLP TLS material/);
  });

  it('exports counters and gauges every interval with units, attributes, resource, gzip and a custom header', async () => {
    const otlp = await receiver({ requireHeaders: { authorization: 'Bearer t0k3n' } });
    const exporting = createOtlpGrpcExport(
      {
        endpoint: otlp.endpoint,
        // The deadline of each export shrinks to the interval: 1 s keeps a loaded CI machine from
        // timing an export out, which this test would count as a failure.
        intervalMs: 1000,
        compression: 'gzip',
        headers: { Authorization: 'Bearer t0k3n' },
      },
      {},
    );
    expect(exporting.options.compression).toBe('gzip');
    const meter = provider(exporting).getMeter('sysray', '0.1.0');
    const cpu = meter.createCounter('test.cpu.time', { unit: 's', description: 'CPU time.' });
    cpu.add(1.25, { 'cpu.mode': 'user' });
    cpu.add(0.5, { 'cpu.mode': 'system' });
    const memory = meter.createGauge('test.memory.usage', { unit: 'By' });
    memory.record(1024, { 'system.memory.state': 'used' });

    const requests = await otlp.waitFor((all) => findMetrics(all, 'test.memory.usage').length > 0, 5000);
    const counter = latestMetric(requests, 'test.cpu.time')!;
    expect(counter.metric.unit).toBe('s');
    expect(counter.metric.description).toBe('CPU time.');
    expect(counter.metric.sum?.aggregation_temporality).toBe('AGGREGATION_TEMPORALITY_CUMULATIVE');
    expect(counter.metric.sum?.is_monotonic).toBe(true);
    const byMode = Object.fromEntries(
      counter.metric.sum!.data_points.map((point) => [
        otlpAttributesToRecord(point.attributes)['cpu.mode'],
        point.as_double,
      ]),
    );
    expect(byMode).toEqual({ user: 1.25, system: 0.5 });
    expect(otlpAttributesToRecord(counter.resource?.attributes ?? [])).toMatchObject({
      'host.name': 'k8s-node-1',
      'host.id': '3f1e9d7c2b8a4e6f9a0b1c2d3e4f5a6b',
      'os.type': 'linux',
      'service.name': 'sysray-agent',
    });
    expect(counter.scope).toMatchObject({ name: 'sysray', version: '0.1.0' });

    const gauge = latestMetric(requests, 'test.memory.usage')!.metric;
    expect(gauge.unit).toBe('By');
    expect(gauge.data).toBe('gauge');
    expect(gauge.gauge?.data_points[0]?.as_double).toBe(1024);
    expect(otlpAttributesToRecord(gauge.gauge?.data_points[0]?.attributes ?? [])).toEqual({
      'system.memory.state': 'used',
    });

    expect(otlp.rejected).toHaveLength(0);
    expect(otlp.received[0]?.metadata.authorization).toBe('Bearer t0k3n');
    expect(otlp.received[0]?.metadata['user-agent']).toMatch(/^sysray-agent\/\d+\.\d+\.\d+ /);
    // Periodic: a second export follows the first without any flush.
    await otlp.waitFor((all) => all.length >= 2, 5000);
    // The receiver records a request before its response reaches the exporter.
    await vi.waitFor(() => expect(exporting.stats.successes).toBeGreaterThanOrEqual(2));
    expect(exporting.stats.failures).toBe(0);
    expect(exporting.stats.lastSuccessAt).toBeGreaterThan(Date.now() - 60_000);
    expect(exporting.stats.lastError).toBeNull();
  });

  it('sends deltas for counters under the delta preference, and keeps up-down counters cumulative', async () => {
    const otlp = await receiver();
    const exporting = createOtlpGrpcExport(
      { endpoint: otlp.endpoint, temporality: 'delta', intervalMs: 60_000 },
      {},
    );
    const meterProvider = provider(exporting);
    const meter = meterProvider.getMeter('sysray');
    const bytes = meter.createCounter('test.io', { unit: 'By' });
    const queue = meter.createUpDownCounter('test.queue', { unit: '{item}' });
    bytes.add(5);
    queue.add(2);
    await meterProvider.forceFlush();
    bytes.add(3);
    queue.add(2);
    await meterProvider.forceFlush();

    const io = findMetrics(otlp.requests, 'test.io').map(({ metric }) => metric.sum!);
    expect(io.map((sum) => sum.aggregation_temporality)).toEqual([
      'AGGREGATION_TEMPORALITY_DELTA',
      'AGGREGATION_TEMPORALITY_DELTA',
    ]);
    expect(io.map((sum) => sum.data_points[0]?.as_double)).toEqual([5, 3]);
    // A delta point starts where the previous one ended.
    expect(io[1]?.data_points[0]?.start_time_unix_nano).toBe(io[0]?.data_points[0]?.time_unix_nano);
    const queued = findMetrics(otlp.requests, 'test.queue').map(({ metric }) => metric.sum!);
    expect(queued.map((sum) => sum.aggregation_temporality)).toEqual([
      'AGGREGATION_TEMPORALITY_CUMULATIVE',
      'AGGREGATION_TEMPORALITY_CUMULATIVE',
    ]);
    expect(queued.map((sum) => sum.data_points[0]?.as_double)).toEqual([2, 4]);
    expect(exporting.stats.successes).toBe(2);
  });

  it('compresses with gzip on the wire', async () => {
    const gzipped = await receiver({ measureWireBytes: true });
    const plain = await receiver({ measureWireBytes: true });
    const gzipExport = createOtlpGrpcExport({ endpoint: gzipped.endpoint, compression: 'gzip' }, {});
    const plainExport = createOtlpGrpcExport(
      { endpoint: plain.endpoint },
      { OTEL_EXPORTER_OTLP_COMPRESSION: 'none' },
    );
    const meterProvider = new MeterProvider({ readers: [gzipExport.reader, plainExport.reader] });
    providers.push(meterProvider);
    const requests = meterProvider.getMeter('sysray').createCounter('test.requests');
    for (let i = 0; i < 300; i += 1) {
      requests.add(1, {
        'url.path': `/api/v1/namespaces/default/pods/web-${i}/status`,
        'http.method': 'GET',
      });
    }
    await meterProvider.forceFlush();
    expect(gzipped.requests).toHaveLength(1);
    expect(plain.requests).toHaveLength(1);
    expect(findMetrics(gzipped.requests, 'test.requests')[0]?.metric.sum?.data_points).toHaveLength(300);
    expect(gzipped.wireBytes()).toBeGreaterThan(0);
    expect(gzipped.wireBytes()).toBeLessThan(plain.wireBytes() / 3);
  });

  it('exports over TLS with the CA file, and over mutual TLS with a client certificate', async () => {
    const tls = await receiver({ tls: { cert: pki.serverCert, key: pki.serverKey } });
    expect(tls.endpoint).toMatch(/^https:\/\/localhost:\d+$/);
    const exporting = createOtlpGrpcExport({ endpoint: tls.endpoint, caFile: pki.caFile }, {});
    expect(exporting.options.tls).toBe(true);
    const meterProvider = provider(exporting);
    meterProvider.getMeter('sysray').createCounter('test.tls', { unit: '1' }).add(7);
    await meterProvider.forceFlush();
    expect(latestMetric(tls.requests, 'test.tls')?.metric.sum?.data_points[0]?.as_double).toBe(7);
    expect(exporting.stats).toMatchObject({ successes: 1, failures: 0 });

    const mutual = await receiver({ tls: { cert: pki.serverCert, key: pki.serverKey, ca: pki.ca } });
    const withClientCert = createOtlpGrpcExport(
      { endpoint: mutual.endpoint },
      {
        OTEL_EXPORTER_OTLP_CERTIFICATE: pki.caFile,
        OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE: pki.clientCertFile,
        OTEL_EXPORTER_OTLP_CLIENT_KEY: pki.clientKeyFile,
      },
    );
    const mutualProvider = provider(withClientCert);
    mutualProvider.getMeter('sysray').createCounter('test.mtls').add(1);
    await mutualProvider.forceFlush();
    expect(findMetrics(mutual.requests, 'test.mtls')).toHaveLength(1);
    expect(withClientCert.stats.successes).toBe(1);

    // Without a client certificate the mutual-TLS receiver refuses the handshake: counted, not thrown.
    const withoutClientCert = createOtlpGrpcExport(
      { endpoint: mutual.endpoint, caFile: pki.caFile, timeoutMs: 500 },
      {},
    );
    const refusedProvider = provider(withoutClientCert);
    refusedProvider.getMeter('sysray').createCounter('test.mtls').add(1);
    await refusedProvider.forceFlush();
    expect(withoutClientCert.stats).toMatchObject({ successes: 0, failures: 1 });
    expect(findMetrics(mutual.requests, 'test.mtls')).toHaveLength(1);
  });

  it('counts a server certificate from the wrong CA as a failure and keeps running', async () => {
    const tls = await receiver({ tls: { cert: pki.serverCert, key: pki.serverKey } });
    const exporting = createOtlpGrpcExport(
      { endpoint: tls.endpoint, caFile: pki.otherCaFile, timeoutMs: 500 },
      {},
    );
    const meterProvider = provider(exporting);
    const counter = meterProvider.getMeter('sysray').createCounter('test.untrusted');
    counter.add(1);
    await expect(meterProvider.forceFlush()).resolves.toBeUndefined();
    counter.add(1);
    await expect(meterProvider.forceFlush()).resolves.toBeUndefined();
    expect(exporting.stats.successes).toBe(0);
    expect(exporting.stats.failures).toBe(2);
    expect(exporting.stats.lastError).toBeInstanceOf(Error);
    expect(exporting.stats.lastFailureAt).toBeGreaterThan(Date.now() - 60_000);
    expect(exporting.stats.lastSuccessAt).toBeNull();
    expect(tls.requests).toHaveLength(0);
  });

  it('pushes a real Snapshot mapping: system.cpu.time in seconds under the host resource', async () => {
    const otlp = await receiver();
    const exporting = createOtlpGrpcExport({ endpoint: otlp.endpoint }, {});
    const snapshot = sampleSnapshot();
    const metrics = await collectSnapshotMetrics({
      snapshot,
      resource: buildResource(snapshot, { serviceVersion: '0.1.0', env: {} }),
    });
    await expect(exporting.push(metrics)).resolves.toBe(true);
    await exporting.exporter.shutdown();
    expect(exporting.stats.successes).toBe(1);

    const cpu = latestMetric(otlp.requests, 'system.cpu.time')!;
    expect(cpu.metric.unit).toBe('s');
    expect(cpu.metric.sum?.is_monotonic).toBe(true);
    expect(cpu.metric.sum?.aggregation_temporality).toBe('AGGREGATION_TEMPORALITY_CUMULATIVE');
    const modes = new Set(
      cpu.metric.sum!.data_points.map((point) => otlpAttributesToRecord(point.attributes)['cpu.mode']),
    );
    expect(modes).toContain('user');
    expect(cpu.metric.sum!.data_points.every((point) => (point.as_double ?? -1) >= 0)).toBe(true);
    const resource = otlpAttributesToRecord(cpu.resource?.attributes ?? []);
    expect(resource['host.name']).toBe('k8s-node-1');
    expect(resource['service.name']).toBe('sysray-agent');
  });

  it('counts failures against an unreachable endpoint without throwing', async () => {
    const port = await closedPort();
    const exporting = createOtlpGrpcExport({ endpoint: `http://127.0.0.1:${port}`, timeoutMs: 300 }, {});
    const meterProvider = provider(exporting);
    meterProvider.getMeter('sysray').createCounter('test.lost').add(1);
    await expect(meterProvider.forceFlush()).resolves.toBeUndefined();
    expect(exporting.stats.failures).toBe(1);
    expect(exporting.stats.successes).toBe(0);
    expect(String(exporting.stats.lastError)).toMatch(/UNAVAILABLE|ECONNREFUSED|connect/i);
    // push() reports the same outcome without rejecting.
    await expect(exporting.push({ resource: resourceFromAttributes({}), scopeMetrics: [] })).resolves.toBe(
      false,
    );
    expect(exporting.stats.failures).toBe(2);
  });
});
