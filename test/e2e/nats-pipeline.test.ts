import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from '@nats-io/transport-node';
import type { Snapshot } from '@sysray/proto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createNatsExport, type NatsExport, type NatsExportStatus } from '../../agent/src/export/nats.js';
import { collectSnapshotMetrics } from '../../agent/src/otel/instruments.js';
import { buildResource } from '../../agent/src/otel/resource.js';
import { resolveHostRoots } from '../../agent/src/platform/host-roots.js';
import { HostSession } from '../../agent/src/snapshot/host-session.js';
import { sampleSnapshot } from '../../agent/test/otel/sample-snapshot.js';
import {
  NatsConsumerError,
  startNatsConsumer,
  type NatsConsumer,
} from '../../gateway/src/ingest/nats-consumer.js';
import { openSqliteStore } from '../../gateway/src/store/sqlite-store.js';
import type { MetricStore } from '../../gateway/src/store/types.js';
import { startNatsServer, type NatsServerHandle } from '../helpers/nats-server.js';
import { waitFor } from '../helpers/ports.js';

/**
 * The fleet's NATS path end to end, with real parts only: the agent's NATS export publishes OTLP to a
 * real nats-server (JetStream), the gateway's durable consumer commits into the real SQLite store.
 */

const dirs: string[] = [];
function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}

async function nextStatus(
  statuses: AsyncIterator<NatsExportStatus>,
  type: NatsExportStatus['type'],
): Promise<NatsExportStatus> {
  for (;;) {
    const { value, done } = await statuses.next();
    if (done) throw new Error(`status stream ended before ${type}`);
    if (value.type === type) return value;
  }
}

describe('agent → NATS JetStream → gateway → store', () => {
  let server: NatsServerHandle;
  let store: MetricStore;
  let consumer: NatsConsumer;
  const exports: NatsExport[] = [];

  beforeAll(async () => {
    server = await startNatsServer({ jetstream: true });
    store = openSqliteStore({ dataDir: tempDir('sysray-e2e-store-') });
    consumer = await startNatsConsumer({ servers: server.url, store, ackWaitMs: 2_000 });
  });

  afterEach(async () => {
    for (const e of exports.splice(0)) await e.close(1_000);
  });

  afterAll(async () => {
    await consumer?.close();
    store?.close();
    await server?.close();
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  function agentExport(servers = server.url, extra: { token?: string } = {}): NatsExport {
    const e = createNatsExport({
      servers,
      ...extra,
      name: 'sysray-agent-e2e',
      reconnectWaitMs: 200,
      retryInitialMs: 100,
      retryMaxMs: 1_000,
      spool: { dir: tempDir('sysray-e2e-spool-'), maxBytes: 16 << 20, fsync: 'never' },
    });
    exports.push(e);
    return e;
  }

  async function publishSnapshot(e: NatsExport, snapshot: Snapshot): Promise<number> {
    const resource = buildResource(snapshot, { serviceVersion: '0.1.0', env: {} });
    const metrics = await collectSnapshotMetrics({ snapshot, resource });
    e.publish(metrics);
    return metrics.scopeMetrics.reduce(
      (n, s) => n + s.metrics.reduce((m, x) => m + x.dataPoints.length, 0),
      0,
    );
  }

  it('makes a fixture host and its series queryable in the store', async () => {
    const e = agentExport();
    e.start();
    await nextStatus(e.status()[Symbol.asyncIterator](), 'connected');
    const before = consumer.stats.committed;
    const points = await publishSnapshot(e, sampleSnapshot());
    await e.idle();
    await waitFor('the batch to be committed', () => consumer.stats.committed === before + 1);

    const host = store.hosts().find((h) => h.hostId === '4c4c4544004b3510804bb2c04f503232');
    expect(host?.resource['host.name']).toBe('k8s-node-1');
    expect(host?.resource['service.name']).toBe('sysray-agent');
    const series = store.series({ hostId: '4c4c4544004b3510804bb2c04f503232' });
    expect(series.length).toBe(points);
    const memory = store.series({
      hostId: '4c4c4544004b3510804bb2c04f503232',
      metric: 'system.memory.usage',
    });
    expect(memory.map((s) => s.attributes['system.memory.state']).sort()).toContain('used');
    const now = Date.now();
    const cpu = store.query({
      hostId: '4c4c4544004b3510804bb2c04f503232',
      metric: 'system.cpu.time',
      fromMs: now - 60_000,
      toMs: now + 60_000,
      stepMs: 120_000,
      agg: 'count',
    });
    expect(cpu.length).toBeGreaterThan(0);
    expect(cpu[0]!.kind).toBe('counter');
    expect(cpu[0]!.points[0]![1]).toBe(1);
  });

  it.runIf(process.platform === 'linux')('carries a real snapshot of this host', async () => {
    const session = new HostSession({ roots: resolveHostRoots({}, {}), intervalMs: 1_000 });
    const snapshot = await session.sample(200);
    const hostId = snapshot.host.id ?? snapshot.host.name;
    const e = agentExport();
    e.start();
    const before = consumer.stats.committed;
    const points = await publishSnapshot(e, snapshot);
    expect(points).toBeGreaterThan(20);
    await e.idle();
    await waitFor('the host batch to be committed', () => consumer.stats.committed === before + 1);
    const series = store.series({ hostId });
    expect(series.length).toBeGreaterThan(20);
    const names = new Set(series.map((s) => s.metric));
    expect(names.has('system.cpu.time')).toBe(true);
    expect(names.has('system.memory.usage')).toBe(true);
  });

  it('terminates garbage and truncated protobuf, counts them, and keeps consuming', async () => {
    const nc = await connect({ servers: server.url });
    const before = { ...consumer.stats };
    // A valid request to cut short: the agent's own encoding of the fixture snapshot.
    const snapshot = sampleSnapshot();
    const { ProtobufMetricsSerializer } = await import('@opentelemetry/otlp-transformer');
    const bytes = ProtobufMetricsSerializer.serializeRequest(
      await collectSnapshotMetrics({
        snapshot,
        resource: buildResource(snapshot, { serviceVersion: '0.1.0', env: {} }),
      }),
    )!;
    nc.publish('sysray.v1.metrics.evil', Buffer.from('\x00\xffgarbage, not protobuf\x07\x08'));
    nc.publish('sysray.v1.metrics.evil', bytes.subarray(0, Math.floor(bytes.length * 0.6)));
    await nc.flush();
    await waitFor(
      'both to be counted as undecodable',
      () => consumer.stats.undecodable === before.undecodable + 2,
    );
    expect(consumer.stats.lastUndecodable).toMatch(
      /on sysray\.v1\.metrics\.evil: invalid ExportMetricsServiceRequest/,
    );

    const e = agentExport();
    e.start();
    await publishSnapshot(e, snapshot);
    await e.idle();
    await waitFor('the next good batch', () => consumer.stats.committed === before.committed + 1);
    // Terminated: not redelivered after the ack wait, and nothing is left unacknowledged.
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect(consumer.stats.undecodable).toBe(before.undecodable + 2);
    expect(consumer.stats.received).toBe(before.received + 3);
    await consumer.refreshLag();
    expect(consumer.stats).toMatchObject({ lag: 0, ackPending: 0 });
    await nc.close();
  });

  it('reports a wrong token clearly on both sides', async () => {
    const secured = await startNatsServer({ jetstream: true, auth: { token: 'fleet-secret' } });
    try {
      // Gateway: refuses to start, naming the cause.
      let thrown: unknown;
      try {
        await startNatsConsumer({ servers: secured.url, token: 'wrong', store });
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(NatsConsumerError);
      expect((thrown as Error).message).toBe(
        `NATS ${secured.url} rejected the gateway's credentials (check token, user/pass, nkeySeedFile or credsFile): Authorization Violation`,
      );
      // Agent: keeps running, reports the failure as a status, spools.
      const e = agentExport(secured.url, { token: 'wrong' });
      const statuses = e.status()[Symbol.asyncIterator]();
      e.start();
      const failed = await nextStatus(statuses, 'connect-failed');
      expect((failed as { message: string }).message).toBe(
        `NATS ${secured.url} rejected the credentials (check token, user/pass, nkeySeedFile or credsFile): Authorization Violation`,
      );
      expect(await publishSnapshot(e, sampleSnapshot())).toBeGreaterThan(0);
      expect(e.stats).toMatchObject({ connected: false, pending: 1, published: 0 });
    } finally {
      await secured.close();
    }
  });
});
