import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSync } from '@grpc/proto-loader';
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { connect, nkeys, type NatsConnection } from '@nats-io/transport-node';
import type { ResourceMetrics } from '@opentelemetry/sdk-metrics';
import {
  OTLP_METRICS_SERVICE_NAME,
  OTLP_METRICS_SERVICE_PROTO,
  otlpAttributesToRecord,
  otlpProtoLoaderOptions,
  type OtlpExportMetricsServiceRequest,
} from '@sysray/proto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_NATS_STREAM,
  DEFAULT_NATS_SUBJECT_PREFIX,
  NatsConfigError,
  createNatsExport,
  decodeNatsEnvelope,
  describeNatsError,
  encodeNatsEnvelope,
  metricsHostId,
  natsConnectionOptions,
  natsSubject,
  subjectToken,
  type NatsExport,
  type NatsExportOptions,
  type NatsExportStatus,
} from '../../src/export/nats.js';
import { PermanentSendError } from '../../src/export/spool.js';
import { collectSnapshotMetrics } from '../../src/otel/instruments.js';
import { buildResource } from '../../src/otel/resource.js';
import { sampleSnapshot } from '../otel/sample-snapshot.js';
import { createTestPki, startNatsServer, type NatsServerHandle } from '../../../test/helpers/nats-server.js';

const HOST_ID = '4c4c4544004b3510804bb2c04f503232';
const dirs: string[] = [];

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sysray-nats-export-'));
  dirs.push(dir);
  return dir;
}

afterAll(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

type Decoder = (bytes: Uint8Array) => OtlpExportMetricsServiceRequest;

function requestDecoder(): Decoder {
  const definition = loadSync(OTLP_METRICS_SERVICE_PROTO, otlpProtoLoaderOptions());
  const service = definition[OTLP_METRICS_SERVICE_NAME] as unknown as {
    Export: { requestDeserialize: (bytes: Buffer) => OtlpExportMetricsServiceRequest };
  };
  return (bytes) => service.Export.requestDeserialize(Buffer.from(bytes));
}

async function sampleMetrics(): Promise<ResourceMetrics> {
  const snapshot = sampleSnapshot();
  return collectSnapshotMetrics({
    snapshot,
    resource: buildResource(snapshot, { serviceVersion: '0.1.0', env: {} }),
  });
}

describe('subjects and envelopes', () => {
  it('builds `<prefix>.<host>` with the host made a single subject token', () => {
    expect(natsSubject(DEFAULT_NATS_SUBJECT_PREFIX, HOST_ID)).toBe(`sysray.v1.metrics.${HOST_ID}`);
    expect(subjectToken('web-01.example.com')).toBe('web-01_example_com');
    expect(subjectToken('a b*c>d')).toBe('a_b_c_d');
    expect(subjectToken('')).toBe('unknown');
  });

  it('takes the host from host.id, then host.name, then service.instance.id', async () => {
    const metrics = await sampleMetrics();
    expect(metricsHostId(metrics)).toBe(HOST_ID);
    const withName = { ...metrics, resource: { ...metrics.resource, attributes: { 'host.name': 'web-01' } } };
    expect(metricsHostId(withName as unknown as ResourceMetrics)).toBe('web-01');
    const bare = { ...metrics, resource: { ...metrics.resource, attributes: {} } };
    expect(metricsHostId(bare as unknown as ResourceMetrics)).toBe('unknown');
  });

  it('round-trips an envelope and refuses a damaged one for good', () => {
    const payload = Buffer.from([0, 1, 2, 250]);
    const encoded = encodeNatsEnvelope({ subject: 'sysray.v1.metrics.h', msgId: 'id-1', payload });
    expect(encoded.length).toBe(5 + 19 + 4 + 4);
    const decoded = decodeNatsEnvelope(encoded);
    expect(decoded.subject).toBe('sysray.v1.metrics.h');
    expect(decoded.msgId).toBe('id-1');
    expect(Buffer.from(decoded.payload)).toEqual(payload);
    expect(() => decodeNatsEnvelope(Buffer.from([2, 0, 0]))).toThrow(PermanentSendError);
    expect(() => decodeNatsEnvelope(Buffer.from([1, 200, 0, 65, 66]))).toThrow(/subject runs past the end/);
  });
});

describe('natsConnectionOptions', () => {
  it('builds reconnecting options with a token authenticator', () => {
    const options = natsConnectionOptions({ servers: 'nats://a:4222', token: 't0k', name: 'sysray-agent' });
    expect(options).toMatchObject({
      servers: ['nats://a:4222'],
      name: 'sysray-agent',
      reconnect: true,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 2_000,
      timeout: 5_000,
    });
    expect(options.waitOnFirstConnect).toBeUndefined();
    expect((options.authenticator as (nonce?: string) => unknown)()).toEqual({ auth_token: 't0k' });
  });

  it('signs the nonce with an NKey seed file, and rejects a file that is not a user seed', () => {
    const dir = tempDir();
    const user = nkeys.createUser();
    const seedFile = join(dir, 'user.nk');
    writeFileSync(seedFile, `${new TextDecoder().decode(user.getSeed())}\n`);
    const options = natsConnectionOptions({ servers: 'a', nkeySeedFile: seedFile });
    const auth = (options.authenticator as (nonce?: string) => { nkey: string; sig: string })('nonce');
    expect(auth.nkey).toBe(user.getPublicKey());
    // The signature of the nonce verifies with the user's public key.
    const sig = Buffer.from(auth.sig, 'base64url');
    expect(nkeys.fromPublic(user.getPublicKey()).verify(new TextEncoder().encode('nonce'), sig)).toBe(true);
    writeFileSync(seedFile, 'not a seed');
    expect(() => natsConnectionOptions({ servers: 'a', nkeySeedFile: seedFile })).toThrow(
      /does not hold a user seed/,
    );
  });

  it('names the option and file when something is contradictory or unreadable', () => {
    const missing = join(tempDir(), 'missing.creds');
    expect(() => natsConnectionOptions({ servers: [] })).toThrow(NatsConfigError);
    expect(() => natsConnectionOptions({ servers: 'a', token: 't', user: 'u', pass: 'p' })).toThrow(
      'choose one NATS authentication method, got token and user/pass',
    );
    expect(() => natsConnectionOptions({ servers: 'a', pass: 'p' })).toThrow('a NATS password needs a user');
    expect(() => natsConnectionOptions({ servers: 'a', credsFile: missing })).toThrow(
      `cannot read the NATS credentials file ${missing} (credsFile): ENOENT`,
    );
    const creds = join(tempDir(), 'x.creds');
    writeFileSync(creds, 'nothing');
    expect(() => natsConnectionOptions({ servers: 'a', credsFile: creds })).toThrow(/BEGIN NATS USER JWT/);
    expect(() => natsConnectionOptions({ servers: 'a', tls: { certFile: '/c.pem' } })).toThrow(
      /needs both tls.certFile and tls.keyFile/,
    );
    const notPem = join(tempDir(), 'ca.pem');
    writeFileSync(notPem, 'hello');
    try {
      natsConnectionOptions({ servers: 'a', tls: { caFile: notPem } });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(NatsConfigError);
      expect((error as NatsConfigError).option).toBe('tls.caFile');
    }
  });

  it('describes failures by cause', () => {
    const s = 'nats://a:4222';
    const err = (name: string, message: string): Error => Object.assign(new Error(message), { name });
    expect(describeNatsError(err('AuthorizationError', 'Authorization Violation'), s)).toMatch(
      /^NATS nats:\/\/a:4222 rejected the credentials/,
    );
    expect(describeNatsError(err('Error', 'connect ECONNREFUSED 127.0.0.1:4222'), s)).toMatch(
      /is unreachable/,
    );
    expect(describeNatsError(err('Error', 'unable to verify the first certificate'), s)).toMatch(
      /^TLS with NATS/,
    );
    expect(describeNatsError(err('NoRespondersError', 'no responders: sysray.v1.metrics.x'), s, 'S')).toMatch(
      /^no JetStream stream captures the subject on NATS nats:\/\/a:4222 \(the gateway creates stream S\)/,
    );
  });

  it('rejects an invalid subject prefix at construction', () => {
    expect(() =>
      createNatsExport({
        servers: 'a',
        subjectPrefix: 'sysray.*',
        spool: { dir: tempDir(), maxBytes: 1 << 20 },
      }),
    ).toThrow(/not a valid NATS subject/);
  });
});

describe('NATS export against a real nats-server', () => {
  let server: NatsServerHandle;
  let admin: NatsConnection;
  let jsm: JetStreamManager;
  const decode = requestDecoder();
  const exports: NatsExport[] = [];

  beforeAll(async () => {
    server = await startNatsServer({ jetstream: true });
    admin = await connect({ servers: server.url });
    jsm = await jetstreamManager(admin);
  });

  afterAll(async () => {
    await admin?.close();
    await server?.close();
  });

  afterEach(async () => {
    for (const e of exports.splice(0)) await e.close(1_000);
    for (const name of await jsm.streams.names().next()) await jsm.streams.delete(name);
  });

  async function createStream(name = DEFAULT_NATS_STREAM): Promise<void> {
    await jsm.streams.add({
      name,
      subjects: [`${DEFAULT_NATS_SUBJECT_PREFIX}.>`],
      duplicate_window: 120_000_000_000,
    });
  }

  function create(options: Partial<NatsExportOptions> = {}, ids?: () => string): NatsExport {
    const e = createNatsExport(
      {
        servers: server.url,
        reconnectWaitMs: 100,
        retryInitialMs: 50,
        retryMaxMs: 200,
        publishTimeoutMs: 2_000,
        spool: { dir: tempDir(), maxBytes: 8 << 20, fsync: 'never' },
        ...options,
      },
      ids ? { batchId: ids } : {},
    );
    exports.push(e);
    return e;
  }

  async function streamMessages(
    name = DEFAULT_NATS_STREAM,
  ): Promise<{ subject: string; msgId: string | undefined; data: Uint8Array }[]> {
    const info = await jsm.streams.info(name);
    const out = [];
    for (let seq = info.state.first_seq; seq <= info.state.last_seq; seq += 1) {
      const m = await jsm.streams.getMessage(name, { seq });
      if (m === null) continue;
      out.push({ subject: m.subject, msgId: m.header.get('Nats-Msg-Id') || undefined, data: m.data });
    }
    return out;
  }

  async function nextStatus(
    iterator: AsyncIterator<NatsExportStatus>,
    type: NatsExportStatus['type'],
  ): Promise<NatsExportStatus> {
    for (;;) {
      const { value, done } = await iterator.next();
      if (done) throw new Error(`status stream ended before ${type}`);
      if (value.type === type) return value;
    }
  }

  it('publishes one OTLP request per collection to sysray.v1.metrics.<host.id>, with a msg id', async () => {
    await createStream();
    let n = 0;
    const e = create({}, () => `batch-${++n}`);
    const statuses = e.status()[Symbol.asyncIterator]();
    e.start();
    const connected = await nextStatus(statuses, 'connected');
    expect(connected).toMatchObject({
      type: 'connected',
      reconnect: false,
      server: `127.0.0.1:${server.port}`,
    });
    const metrics = await sampleMetrics();
    expect(e.publish(metrics)).toBe('sending');
    await e.idle();
    expect(e.publish(metrics)).toBe('sending');
    await e.idle();
    const messages = await streamMessages();
    expect(messages.map((m) => [m.subject, m.msgId])).toEqual([
      [`sysray.v1.metrics.${HOST_ID}`, 'batch-1'],
      [`sysray.v1.metrics.${HOST_ID}`, 'batch-2'],
    ]);
    const request = decode(messages[0]!.data);
    const resource = otlpAttributesToRecord(request.resource_metrics[0]!.resource!.attributes);
    expect(resource['host.id']).toBe(HOST_ID);
    expect(resource['host.name']).toBe('k8s-node-1');
    const names = request.resource_metrics[0]!.scope_metrics.flatMap((s) => s.metrics.map((m) => m.name));
    expect(names).toContain('system.cpu.time');
    expect(names).toContain('system.memory.usage');
    expect(e.stats).toMatchObject({ published: 2, failed: 0, spooled: 0, pending: 0, connected: true });
  });

  it('lets JetStream drop a re-published batch id and counts the duplicate', async () => {
    await createStream();
    const e = create({}, () => 'same-id');
    e.start();
    await nextStatus(e.status()[Symbol.asyncIterator](), 'connected');
    e.publishRequest('h1', Buffer.from([0x0a, 0x00]));
    await e.idle();
    e.publishRequest('h1', Buffer.from([0x0a, 0x00]));
    await e.idle();
    expect((await streamMessages()).length).toBe(1);
    expect(e.stats).toMatchObject({ published: 2, duplicates: 1 });
  });

  it('spools while the stream is missing and delivers in order once it exists', async () => {
    let n = 0;
    const e = create({}, () => `m${++n}`);
    const statuses = e.status()[Symbol.asyncIterator]();
    e.start();
    const missing = await nextStatus(statuses, 'stream-missing');
    expect(missing).toMatchObject({ stream: DEFAULT_NATS_STREAM });
    expect((missing as { message: string }).message).toMatch(/does not exist .* yet/);
    for (let i = 0; i < 4; i += 1) e.publishRequest('h1', Buffer.from([0x0a, 0x00]));
    const failed = await nextStatus(statuses, 'publish-failed');
    expect((failed as { message: string }).message).toBe(
      `no JetStream stream captures the subject on NATS ${server.url} (the gateway creates stream SYSRAY_METRICS), or JetStream is not enabled there: jetstream is not enabled`,
    );
    expect(e.stats.pending).toBe(4);
    await createStream();
    await e.idle();
    expect((await streamMessages()).map((m) => m.msgId)).toEqual(['m1', 'm2', 'm3', 'm4']);
    expect(e.stats.failed).toBeGreaterThanOrEqual(1);
  });

  it('refuses a subject captured by another stream instead of publishing there', async () => {
    await createStream('OTHER');
    const e = create({}, () => 'x');
    e.start();
    const statuses = e.status()[Symbol.asyncIterator]();
    e.publishRequest('h1', Buffer.from([0x0a, 0x00]));
    const failed = await nextStatus(statuses, 'publish-failed');
    expect((failed as { message: string }).message).toBe(
      `the subject is captured by a JetStream stream other than SYSRAY_METRICS on NATS ${server.url} (check the stream option and the subject prefix): expected stream does not match`,
    );
    expect((await jsm.streams.info('OTHER')).state.messages).toBe(0);
    expect(e.stats.pending).toBe(1);
  });

  it('rejects a batch larger than the server max_payload instead of retrying it forever', async () => {
    await createStream();
    const e = create();
    e.start();
    await nextStatus(e.status()[Symbol.asyncIterator](), 'connected');
    e.publishRequest('h1', Buffer.alloc(2 * 1024 * 1024));
    e.publishRequest('h1', Buffer.from([0x0a, 0x00]));
    await e.idle();
    expect(e.stats).toMatchObject({ rejected: 1, published: 1, pending: 0 });
    expect(e.stats.lastError).toMatch(/exceeds the NATS server's max_payload \(1048576 bytes\)/);
  });

  it('spools while NATS is down at start, connects when it comes up, and sends in order', async () => {
    const down = await startNatsServer({ jetstream: true });
    const url = down.url;
    await down.stop();
    try {
      let n = 0;
      const e = create({ servers: url }, () => `early-${++n}`);
      const statuses = e.status()[Symbol.asyncIterator]();
      e.start();
      const failed = await nextStatus(statuses, 'connect-failed');
      expect((failed as { message: string }).message).toMatch(/is unreachable/);
      for (let i = 0; i < 3; i += 1)
        expect(e.publishRequest('h1', Buffer.from([0x0a, 0x00]))).toBe('spooled');
      expect(e.stats).toMatchObject({ pending: 3, connected: false });
      await down.restart();
      const nc = await connect({ servers: url });
      await (
        await jetstreamManager(nc)
      ).streams.add({ name: DEFAULT_NATS_STREAM, subjects: ['sysray.v1.metrics.>'] });
      await nextStatus(statuses, 'connected');
      await e.idle();
      const jsm2 = await jetstreamManager(nc);
      const ids = [];
      for (let seq = 1; seq <= 3; seq += 1) {
        ids.push((await jsm2.streams.getMessage(DEFAULT_NATS_STREAM, { seq }))?.header.get('Nats-Msg-Id'));
      }
      expect(ids).toEqual(['early-1', 'early-2', 'early-3']);
      await nc.close();
    } finally {
      await down.close();
    }
  });

  it('streams disconnect and reconnect as statuses, spooling in between', async () => {
    const own = await startNatsServer({ jetstream: true });
    try {
      const nc = await connect({ servers: own.url });
      await (
        await jetstreamManager(nc)
      ).streams.add({ name: DEFAULT_NATS_STREAM, subjects: ['sysray.v1.metrics.>'] });
      await nc.close();
      let n = 0;
      const e = create({ servers: own.url }, () => `r${++n}`);
      const seen: NatsExportStatus['type'][] = [];
      const statuses = e.status()[Symbol.asyncIterator]();
      e.start();
      expect(await nextStatus(statuses, 'connected')).toMatchObject({ reconnect: false });
      e.publishRequest('h1', Buffer.from([0x0a, 0x00]));
      await e.idle();
      await own.stop();
      expect(await nextStatus(statuses, 'disconnected')).toEqual({
        type: 'disconnected',
        server: `127.0.0.1:${own.port}`,
      });
      expect(e.stats.connected).toBe(false);
      expect(e.publishRequest('h1', Buffer.from([0x0a, 0x00]))).toBe('spooled');
      await own.restart();
      const back = await nextStatus(statuses, 'connected');
      expect(back).toEqual({ type: 'connected', server: `127.0.0.1:${own.port}`, reconnect: true });
      await e.idle();
      expect(e.stats).toMatchObject({ published: 2, pending: 0, connected: true });
      await e.close(500);
      for (;;) {
        const { value, done } = await statuses.next();
        if (done) break;
        seen.push(value.type);
      }
      expect(seen[seen.length - 1]).toBe('closed');
    } finally {
      await own.close();
    }
  });

  it('keeps unsent batches in the spool across a restart of the agent', async () => {
    const dir = tempDir();
    const spool = { dir, maxBytes: 1 << 20, fsync: 'never' as const };
    let n = 0;
    const first = create({ spool }, () => `kept-${++n}`);
    // Not started: nothing can be sent, everything is spooled.
    first.publishRequest('h1', Buffer.from([0x0a, 0x00]));
    first.publishRequest('h1', Buffer.from([0x0a, 0x00]));
    await first.close(500);
    await createStream();
    const second = create({ spool }, () => `new-${++n}`);
    second.start();
    second.publishRequest('h1', Buffer.from([0x0a, 0x00]));
    await second.idle();
    expect((await streamMessages()).map((m) => m.msgId)).toEqual(['kept-1', 'kept-2', 'new-3']);
  });

  it('reports wrong credentials as a clear connect failure, not an exception', async () => {
    const secured = await startNatsServer({ jetstream: true, auth: { token: 'right' } });
    try {
      const e = create({ servers: secured.url, token: 'wrong' });
      const statuses = e.status()[Symbol.asyncIterator]();
      e.start();
      const failed = await nextStatus(statuses, 'connect-failed');
      expect((failed as { message: string }).message).toBe(
        `NATS ${secured.url} rejected the credentials (check token, user/pass, nkeySeedFile or credsFile): Authorization Violation`,
      );
      expect(e.publishRequest('h1', Buffer.from([1]))).toBe('spooled');
      expect(e.stats.connected).toBe(false);
    } finally {
      await secured.close();
    }
  });

  it('connects over TLS with a client certificate', async () => {
    const pki = createTestPki();
    const secured = await startNatsServer({
      jetstream: true,
      tls: { certFile: pki.serverCertFile, keyFile: pki.serverKeyFile, caFile: pki.caFile, verify: true },
    });
    try {
      const nc = await connect({
        servers: secured.url,
        tls: { caFile: pki.caFile, certFile: pki.clientCertFile, keyFile: pki.clientKeyFile },
      });
      await (
        await jetstreamManager(nc)
      ).streams.add({ name: DEFAULT_NATS_STREAM, subjects: ['sysray.v1.metrics.>'] });
      const e = create({
        servers: secured.url,
        tls: { caFile: pki.caFile, certFile: pki.clientCertFile, keyFile: pki.clientKeyFile },
      });
      e.start();
      await nextStatus(e.status()[Symbol.asyncIterator](), 'connected');
      e.publish(await sampleMetrics());
      await e.idle();
      expect((await (await jetstreamManager(nc)).streams.info(DEFAULT_NATS_STREAM)).state.messages).toBe(1);
      await nc.close();
    } finally {
      await secured.close();
      rmSync(pki.dir, { recursive: true, force: true });
    }
  });
});
