import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import { connect, nanos, type NatsConnection } from '@nats-io/transport-node';
import type { OtlpExportMetricsServiceRequest, OtlpResourceMetrics } from '@sysray/proto';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  DEFAULT_NATS_DURABLE,
  DEFAULT_NATS_STREAM,
  NatsConsumerError,
  describeNatsError,
  messageBatchId,
  natsConnectionOptions,
  startNatsConsumer,
  type NatsConsumer,
  type NatsConsumerOptions,
  type NatsConsumerStatus,
} from '../../src/ingest/nats-consumer.js';
import { encodeExportRequest } from '../../src/ingest/otlp-codec.js';
import type {
  AppendResult,
  HostRecord,
  IngestBatch,
  MaintenanceReport,
  MetricStore,
  SeriesInfo,
  SeriesResult,
  StoreStats,
} from '../../src/store/types.js';
import { startNatsServer, type NatsServerHandle } from '../../../test/helpers/nats-server.js';

/** An in-memory MetricStore with batchId idempotency and a switch to make append fail. */
class MemoryStore implements MetricStore {
  readonly batches: IngestBatch[] = [];
  readonly seen = new Set<string>();
  failing = false;
  appendCalls = 0;

  append(batch: IngestBatch): AppendResult {
    this.appendCalls += 1;
    if (this.failing) throw new Error('SQLITE_BUSY: database is locked');
    if (batch.batchId !== undefined && this.seen.has(batch.batchId)) {
      return { accepted: 0, rejected: 0, rejectReasons: [], duplicate: true };
    }
    if (batch.batchId !== undefined) this.seen.add(batch.batchId);
    this.batches.push(batch);
    return { accepted: batch.points.length, rejected: 0, rejectReasons: [], duplicate: false };
  }
  query(): SeriesResult[] {
    return [];
  }
  series(): SeriesInfo[] {
    return [];
  }
  hosts(): HostRecord[] {
    return [];
  }
  maintain(): MaintenanceReport {
    return { chunksPacked: 0, rollupRows: 0, deletedRows: 0, durationMs: 0 };
  }
  stats(): StoreStats {
    return { sizeBytes: 0, hosts: 0, series: 0, rawSamples: 0 };
  }
  close(): void {}
}

const NOW_MS = Date.now();

function resourceMetrics(hostId: string, value: number, timeMs = NOW_MS): OtlpResourceMetrics {
  return {
    schema_url: '',
    resource: {
      attributes: [
        { key: 'host.id', value: { value: 'string_value', string_value: hostId }, key_strindex: 0 },
      ],
      dropped_attributes_count: 0,
      entity_refs: [],
    },
    scope_metrics: [
      {
        schema_url: '',
        scope: { name: 'sysray', version: '0.1.0', attributes: [], dropped_attributes_count: 0 },
        metrics: [
          {
            name: 'system.memory.usage',
            description: '',
            unit: 'By',
            data: 'gauge',
            metadata: [],
            gauge: {
              data_points: [
                {
                  attributes: [
                    {
                      key: 'system.memory.state',
                      value: { value: 'string_value', string_value: 'used' },
                      key_strindex: 0,
                    },
                  ],
                  start_time_unix_nano: '0',
                  time_unix_nano: `${BigInt(timeMs) * 1_000_000n}`,
                  value: 'as_int',
                  as_int: String(value),
                  exemplars: [],
                  flags: 0,
                },
              ],
            },
          },
        ],
      },
    ],
  };
}

function requestBytes(...resources: OtlpResourceMetrics[]): Uint8Array {
  const request: OtlpExportMetricsServiceRequest = { resource_metrics: resources };
  return encodeExportRequest(request);
}

async function waitFor(
  check: () => boolean | Promise<boolean>,
  timeoutMs = 10_000,
  what = 'condition',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('helpers', () => {
  it('keys batches by msg id, else by stream sequence', () => {
    expect(messageBatchId('S', 7, 'abc')).toBe('nats-msg:abc');
    expect(messageBatchId('S', 7, undefined)).toBe('nats-seq:S:7');
  });

  it('validates connection options', () => {
    expect(() => natsConnectionOptions({ servers: [] })).toThrow(NatsConsumerError);
    expect(() => natsConnectionOptions({ servers: 'x', token: 'a', credsFile: '/c' })).toThrow(
      'choose one NATS authentication method, got token and credsFile',
    );
    expect(natsConnectionOptions({ servers: 'x', user: 'gw', pass: 'pw' })).toMatchObject({
      servers: ['x'],
      name: 'sysray-gateway',
      maxReconnectAttempts: -1,
    });
    expect(
      describeNatsError(
        Object.assign(new Error('jetstream is not enabled'), { name: 'JetStreamNotEnabled' }),
        'n',
      ),
    ).toMatch(/^JetStream is not enabled on NATS n \(start nats-server with -js/);
  });
});

describe('NATS consumer against a real nats-server', () => {
  let server: NatsServerHandle;
  let nc: NatsConnection;
  let js: JetStreamClient;
  let jsm: JetStreamManager;
  let store: MemoryStore;
  const consumers: NatsConsumer[] = [];

  beforeAll(async () => {
    server = await startNatsServer({ jetstream: true });
    nc = await connect({ servers: server.url });
    js = jetstream(nc);
    jsm = await jetstreamManager(nc);
  });

  afterAll(async () => {
    await nc?.close();
    await server?.close();
  });

  beforeEach(() => {
    store = new MemoryStore();
  });

  afterEach(async () => {
    for (const c of consumers.splice(0)) await c.close();
    for (const name of await jsm.streams.names().next()) await jsm.streams.delete(name);
  });

  async function start(options: Partial<NatsConsumerOptions> = {}): Promise<NatsConsumer> {
    const consumer = await startNatsConsumer({ servers: server.url, store, ackWaitMs: 1_000, ...options });
    consumers.push(consumer);
    return consumer;
  }

  it('creates the stream and a durable pull consumer with the configured limits', async () => {
    const statuses: NatsConsumerStatus[] = [];
    const consumer = await start({
      maxAgeMs: 3_600_000,
      maxBytes: 64 * 1024 * 1024,
      duplicateWindowMs: 90_000,
      maxAckPending: 50,
      ackWaitMs: 7_000,
      onStatus: (s) => statuses.push(s),
    });
    expect(consumer.stream).toBe(DEFAULT_NATS_STREAM);
    const stream = await jsm.streams.info(DEFAULT_NATS_STREAM);
    expect(stream.config).toMatchObject({
      subjects: ['sysray.v1.metrics.>'],
      storage: 'file',
      retention: 'limits',
      discard: 'old',
      max_age: nanos(3_600_000),
      max_bytes: 64 * 1024 * 1024,
      duplicate_window: nanos(90_000),
    });
    const info = await jsm.consumers.info(DEFAULT_NATS_STREAM, DEFAULT_NATS_DURABLE);
    expect(info.config).toMatchObject({
      durable_name: 'sysray-gateway',
      ack_policy: 'explicit',
      ack_wait: nanos(7_000),
      max_ack_pending: 50,
      filter_subject: 'sysray.v1.metrics.>',
    });
    expect(statuses).toContainEqual({
      type: 'consumer-ready',
      stream: 'SYSRAY_METRICS',
      durable: 'sysray-gateway',
      created: true,
    });
    expect(statuses).toContainEqual({
      type: 'connected',
      server: `127.0.0.1:${server.port}`,
      reconnect: false,
    });
  });

  it('leaves an existing stream as configured and updates the consumer', async () => {
    await jsm.streams.add({
      name: DEFAULT_NATS_STREAM,
      subjects: ['sysray.v1.metrics.>'],
      max_age: nanos(60_000),
    });
    await start({ maxAgeMs: 3_600_000, maxAckPending: 10 });
    await (consumers.pop() as NatsConsumer).close();
    await start({ maxAckPending: 20 });
    expect((await jsm.streams.info(DEFAULT_NATS_STREAM)).config.max_age).toBe(nanos(60_000));
    expect((await jsm.consumers.info(DEFAULT_NATS_STREAM, DEFAULT_NATS_DURABLE)).config.max_ack_pending).toBe(
      20,
    );
  });

  it('commits each message to the store with its msg id as batchId, then acks it', async () => {
    const committed: string[] = [];
    const requests: Uint8Array[] = [];
    const consumer = await start({
      onBatch: (batch) => committed.push(batch.batchId ?? ''),
      onRequest: (bytes) => requests.push(bytes),
    });
    const first = requestBytes(resourceMetrics('host-a', 1234));
    await js.publish('sysray.v1.metrics.host-a', first, { msgID: 'b-1' });
    await js.publish('sysray.v1.metrics.host-a', requestBytes(resourceMetrics('host-a', 1300)));
    await waitFor(() => store.batches.length === 2, 10_000, 'two batches');
    expect(store.batches[0]).toMatchObject({
      hostId: 'host-a',
      batchId: 'nats-msg:b-1',
      resource: { 'host.id': 'host-a' },
      points: [
        {
          metric: 'system.memory.usage',
          unit: 'By',
          kind: 'gauge',
          attributes: { 'system.memory.state': 'used' },
          timestampMs: NOW_MS,
          value: 1234,
        },
      ],
    });
    // No msg id: the stream sequence identifies it.
    expect(store.batches[1]!.batchId).toBe('nats-seq:SYSRAY_METRICS:2');
    expect(committed).toEqual(['nats-msg:b-1', 'nats-seq:SYSRAY_METRICS:2']);
    // The raw request of each newly committed message, for forwarding.
    expect(requests).toHaveLength(2);
    expect(Buffer.from(requests[0]!)).toEqual(Buffer.from(first));
    await waitFor(async () => (await consumer.refreshLag()) === 0 && consumer.stats.ackPending === 0);
    expect(consumer.stats).toMatchObject({
      received: 2,
      committed: 2,
      duplicates: 0,
      acceptedPoints: 2,
      lag: 0,
    });
  });

  it('gives each resource of a message its own batchId', async () => {
    await start();
    await js.publish(
      'sysray.v1.metrics.x',
      requestBytes(resourceMetrics('h1', 1), resourceMetrics('h2', 2)),
      {
        msgID: 'multi',
      },
    );
    await waitFor(() => store.batches.length === 2);
    expect(store.batches.map((b) => [b.hostId, b.batchId])).toEqual([
      ['h1', 'nats-msg:multi#0'],
      ['h2', 'nats-msg:multi#1'],
    ]);
  });

  it('acks a message whose batch was committed before as a duplicate', async () => {
    store.append({ hostId: 'h', resource: {}, points: [], batchId: 'nats-msg:dup-1', receivedAtMs: NOW_MS });
    const forwarded: Uint8Array[] = [];
    const consumer = await start({ onRequest: (bytes) => forwarded.push(bytes) });
    await js.publish('sysray.v1.metrics.h', requestBytes(resourceMetrics('h', 5)), { msgID: 'dup-1' });
    await waitFor(() => consumer.stats.duplicates === 1);
    expect(store.batches).toHaveLength(1); // only the pre-seeded one
    expect(forwarded).toHaveLength(0); // a duplicate is not forwarded again
    await waitFor(async () => (await consumer.refreshLag()) === 0 && consumer.stats.ackPending === 0);
  });

  it('terminates garbage and truncated payloads, counts them, and keeps consuming', async () => {
    const consumer = await start({ ackWaitMs: 500 });
    const good = requestBytes(resourceMetrics('h', 7));
    await js.publish('sysray.v1.metrics.h', Buffer.from('definitely not protobuf \xff\xfe'));
    await js.publish('sysray.v1.metrics.h', good.subarray(0, Math.floor(good.length / 2)));
    await js.publish('sysray.v1.metrics.h', new Uint8Array(0));
    await js.publish('sysray.v1.metrics.h', good, { msgID: 'after-garbage' });
    await waitFor(() => store.batches.length === 1 && consumer.stats.undecodable === 3);
    expect(store.batches[0]!.batchId).toBe('nats-msg:after-garbage');
    expect(consumer.stats.lastUndecodable).toMatch(
      /^message 3 on sysray\.v1\.metrics\.h: not an OTLP metrics request/,
    );
    // Terminated messages are not redelivered, even after the ack wait.
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    expect(consumer.stats).toMatchObject({ received: 4, undecodable: 3, committed: 1, redelivered: 0 });
    const info = await jsm.consumers.info(DEFAULT_NATS_STREAM, DEFAULT_NATS_DURABLE);
    expect(info.num_ack_pending).toBe(0);
    expect(info.num_redelivered).toBe(0);
  });

  it('naks with a delay when the store fails, and commits on redelivery', async () => {
    store.failing = true;
    const errors: string[] = [];
    const consumer = await start({
      nakDelayMs: 300,
      onStatus: (s) => {
        if (s.type === 'error') errors.push(s.message);
      },
    });
    await js.publish('sysray.v1.metrics.h', requestBytes(resourceMetrics('h', 9)), { msgID: 'retry-me' });
    await waitFor(() => consumer.stats.storeFailures >= 1);
    expect(errors[0]).toMatch(/the store could not commit NATS message 1: SQLITE_BUSY/);
    store.failing = false;
    await waitFor(() => store.batches.length === 1, 5_000, 'redelivery');
    expect(consumer.stats.redelivered).toBeGreaterThanOrEqual(1);
    expect(consumer.stats.committed).toBe(1);
    expect(store.batches[0]!.batchId).toBe('nats-msg:retry-me');
  });

  it('reports lag: messages not yet delivered while max_ack_pending is reached', async () => {
    store.failing = true;
    const consumer = await start({ maxAckPending: 1, nakDelayMs: 60_000 });
    for (let i = 0; i < 5; i += 1)
      await js.publish('sysray.v1.metrics.h', requestBytes(resourceMetrics('h', i)));
    await waitFor(() => consumer.stats.storeFailures === 1);
    expect(await consumer.refreshLag()).toBe(4);
    expect(consumer.stats).toMatchObject({ lag: 4, ackPending: 1 });
  });

  it('after an abandoned close (a crash between commit and ack), the redelivery is a duplicate', async () => {
    let first: NatsConsumer | null = null;
    let crashed = false;
    first = await start({
      ackWaitMs: 500,
      onBatch: () => {
        if (!crashed) {
          crashed = true;
          void first?.close({ abandon: true });
        }
      },
    });
    await js.publish('sysray.v1.metrics.h', requestBytes(resourceMetrics('h', 11)), { msgID: 'crash-1' });
    await waitFor(() => crashed && store.batches.length === 1);
    expect(first.stats.committed).toBe(0); // committed to the store, never acked
    const second = await start({ ackWaitMs: 500 });
    await waitFor(() => second.stats.duplicates === 1, 5_000, 'redelivery');
    expect(store.batches).toHaveLength(1);
    expect(second.stats.redelivered).toBe(1);
  });

  it('refuses to start with wrong credentials, naming the cause', async () => {
    const secured = await startNatsServer({ jetstream: true, auth: { token: 'right' } });
    try {
      const attempt = startNatsConsumer({ servers: secured.url, token: 'wrong', store });
      await expect(attempt).rejects.toThrow(NatsConsumerError);
      await expect(startNatsConsumer({ servers: secured.url, token: 'wrong', store })).rejects.toThrow(
        `NATS ${secured.url} rejected the gateway's credentials (check token, user/pass, nkeySeedFile or credsFile): Authorization Violation`,
      );
      const ok = await startNatsConsumer({ servers: secured.url, token: 'right', store });
      await ok.close();
    } finally {
      await secured.close();
    }
  });

  it('refuses to start when JetStream is disabled', async () => {
    const plain = await startNatsServer({ jetstream: false });
    try {
      await expect(startNatsConsumer({ servers: plain.url, store })).rejects.toThrow(
        /cannot set up JetStream stream SYSRAY_METRICS \/ consumer sysray-gateway: JetStream is not enabled/,
      );
    } finally {
      await plain.close();
    }
  });

  it('sets the stream and consumer up again when an operator deletes the stream', async () => {
    const consumer = await start();
    await js.publish('sysray.v1.metrics.h', requestBytes(resourceMetrics('h', 1)), { msgID: 'before' });
    await waitFor(() => store.batches.length === 1);
    await jsm.streams.delete(DEFAULT_NATS_STREAM);
    await waitFor(
      async () => {
        try {
          await jsm.consumers.info(DEFAULT_NATS_STREAM, DEFAULT_NATS_DURABLE);
          return true;
        } catch {
          return false;
        }
      },
      15_000,
      'the consumer to be recreated',
    );
    await js.publish('sysray.v1.metrics.h', requestBytes(resourceMetrics('h', 2)), { msgID: 'after' });
    await waitFor(() => store.batches.length === 2, 10_000, 'the message after re-creation');
    expect(consumer.stats.committed).toBe(2);
  });
});
