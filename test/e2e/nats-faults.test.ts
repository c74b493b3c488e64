import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { afterEach, describe, expect, it } from 'vitest';
import { createNatsExport, type NatsExport } from '../../agent/src/export/nats.js';
import { collectSnapshotMetrics } from '../../agent/src/otel/instruments.js';
import { buildResource } from '../../agent/src/otel/resource.js';
import { sampleSnapshot } from '../../agent/test/otel/sample-snapshot.js';
import { startNatsConsumer, type NatsConsumer } from '../../gateway/src/ingest/nats-consumer.js';
import { openSqliteStore } from '../../gateway/src/store/sqlite-store.js';
import type { AppendResult, IngestBatch, MetricStore } from '../../gateway/src/store/types.js';
import { startNatsServer, type NatsServerHandle } from '../helpers/nats-server.js';
import { waitFor } from '../helpers/ports.js';

/**
 * Faults on the NATS path, counted sample by sample in the real store: the gateway's consumer crashing
 * between commit and ack, and nats-server going away for 30 s while the agent keeps exporting.
 */

const HOST_ID = '4c4c4544004b3510804bb2c04f503232';
const snapshot = sampleSnapshot();
const resource = buildResource(snapshot, { serviceVersion: '0.1.0', env: {} });
const startTimeMs = Date.now();
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** One collection of the fixture host, stamped now; returns it with its timestamp (ms) and point count. */
async function collect(): Promise<{ metrics: ResourceMetrics; timeMs: number; points: number }> {
  const metrics = await collectSnapshotMetrics({ snapshot, resource, startTimeMs });
  const all = metrics.scopeMetrics.flatMap((s) =>
    s.metrics.flatMap((m) => (m.dataPoints as readonly { endTime: [number, number] }[]).slice()),
  );
  const [seconds, nanos] = all[0]!.endTime;
  return { metrics, timeMs: seconds * 1000 + Math.floor(nanos / 1e6), points: all.length };
}

interface Harness {
  server: NatsServerHandle;
  store: MetricStore;
  /** Non-duplicate commits, in commit order: the timestamp of each batch's points. */
  committed: number[];
  duplicates: number;
  onBatch: (batch: IngestBatch, result: AppendResult) => void;
  dirs: string[];
}

const harnesses: Harness[] = [];
const cleanups: (() => Promise<void>)[] = [];

async function harness(): Promise<Harness> {
  const dirs = [mkdtempSync(join(tmpdir(), 'sysray-e2e-faults-'))];
  const h: Harness = {
    server: await startNatsServer({ jetstream: true }),
    store: openSqliteStore({ dataDir: dirs[0]! }),
    committed: [],
    duplicates: 0,
    onBatch: (batch, result) => {
      if (result.duplicate) h.duplicates += 1;
      else h.committed.push(batch.points[0]!.timestampMs);
    },
    dirs,
  };
  harnesses.push(h);
  return h;
}

function agentExport(h: Harness): NatsExport {
  const dir = mkdtempSync(join(tmpdir(), 'sysray-e2e-spool-'));
  h.dirs.push(dir);
  const e = createNatsExport({
    servers: h.server.url,
    reconnectWaitMs: 250,
    retryInitialMs: 100,
    retryMaxMs: 1_000,
    publishTimeoutMs: 2_000,
    spool: { dir, maxBytes: 64 << 20 },
  });
  cleanups.push(() => e.close(1_000));
  return e;
}

async function consumer(
  h: Harness,
  extra: { ackWaitMs?: number; batchSize?: number; onBatch?: Harness['onBatch'] } = {},
): Promise<NatsConsumer> {
  const c = await startNatsConsumer({
    servers: h.server.url,
    store: h.store,
    reconnectWaitMs: 250,
    ackWaitMs: extra.ackWaitMs ?? 2_000,
    ...(extra.batchSize ? { batchSize: extra.batchSize } : {}),
    onBatch: extra.onBatch ?? h.onBatch,
  });
  cleanups.push(() => c.close());
  return c;
}

/** Samples of one series in the store (raw tier), over the whole test. */
function sampleCount(store: MetricStore, metric: string, match: Record<string, string>): number {
  const now = Date.now();
  const result = store.query({
    hostId: HOST_ID,
    metric,
    match,
    fromMs: startTimeMs - 60_000,
    toMs: now + 60_000,
    stepMs: 10 * 60_000,
    agg: 'count',
  });
  expect(result).toHaveLength(1);
  return result[0]!.points.reduce((sum, [, count]) => sum + count, 0);
}

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
  for (const h of harnesses.splice(0)) {
    h.store.close();
    await h.server.close();
    for (const dir of h.dirs) rmSync(dir, { recursive: true, force: true });
  }
});

describe('NATS path faults, counted in the store', () => {
  it('a consumer killed between commit and ack and restarted loses and duplicates no sample', async () => {
    const h = await harness();
    let first: NatsConsumer | null = null;
    let killed = false;
    first = await consumer(h, {
      batchSize: 4,
      onBatch: (batch, result) => {
        h.onBatch(batch, result);
        // Kill it in the middle of the stream, right after a commit and before its ack; messages it had
        // pulled but not handled are abandoned too.
        if (!killed && h.committed.length === 7) {
          killed = true;
          void first!.close({ abandon: true });
        }
      },
    });
    const e = agentExport(h);
    e.start();
    const sent: number[] = [];
    let points = 0;
    for (let i = 0; i < 20; i += 1) {
      const { metrics, timeMs, points: n } = await collect();
      points = n;
      sent.push(timeMs);
      e.publish(metrics);
      await sleep(5); // distinct timestamps
    }
    await waitFor(
      'the agent to publish everything',
      async () => (await Promise.race([e.idle().then(() => true), sleep(100)])) === true,
    );
    expect(e.stats).toMatchObject({ published: 20, pending: 0, dropped: 0 });
    await waitFor('the consumer to be killed', () => killed);
    expect(first.stats.committed).toBeLessThan(8);

    const second = await consumer(h, { ackWaitMs: 1_000 });
    await waitFor('every batch to be committed', () => h.committed.length === 20, 30_000);
    await waitFor(
      'the redelivered batch to be acked',
      async () => (await second.refreshLag()) === 0 && second.stats.ackPending === 0,
    );

    // Exactly once: every sent batch is in the store once, whatever was redelivered.
    expect([...h.committed].sort((a, b) => a - b)).toEqual(sent);
    expect(h.duplicates).toBeGreaterThanOrEqual(1); // the batch committed but not acked came back
    expect(second.stats.redelivered).toBeGreaterThanOrEqual(1);
    expect(h.store.stats().rawSamples).toBe(20 * points);
    expect(sampleCount(h.store, 'system.memory.usage', { 'system.memory.state': 'used' })).toBe(20);
  }, 60_000);

  it('nats-server down for 30 s while the agent exports every second: the spool drains, each sample once, in order', async () => {
    const h = await harness();
    const c = await consumer(h);
    const e = agentExport(h);
    e.start();
    await waitFor('the agent to connect', () => e.stats.connected);
    const sent: number[] = [];
    let points = 0;
    let maxPending = 0;
    const tick = async (): Promise<void> => {
      const started = Date.now();
      const { metrics, timeMs, points: n } = await collect();
      points = n;
      sent.push(timeMs);
      e.publish(metrics);
      maxPending = Math.max(maxPending, e.stats.pending);
      await sleep(Math.max(0, 1_000 - (Date.now() - started)));
    };

    for (let i = 0; i < 4; i += 1) await tick();
    await h.server.stop();
    const outageStart = Date.now();
    while (Date.now() - outageStart < 30_000) await tick();
    const spooledDuringOutage = e.stats.pending;
    await h.server.restart();
    for (let i = 0; i < 4; i += 1) await tick();

    await waitFor('the spool to drain', () => e.stats.pending === 0 && e.stats.connected, 30_000);
    await waitFor('every batch to be committed', () => h.committed.length >= sent.length, 30_000);
    await sleep(500); // anything extra (a duplicate) would show up now

    expect(spooledDuringOutage).toBeGreaterThanOrEqual(25);
    expect(maxPending).toBeGreaterThanOrEqual(spooledDuringOutage);
    expect(e.stats).toMatchObject({ pending: 0, dropped: 0, rejected: 0 });
    expect(e.stats.spooled).toBeGreaterThanOrEqual(spooledDuringOutage);
    // Exactly once and in order: the commit order is the send order.
    expect(h.committed).toEqual(sent);
    expect(h.store.stats().rawSamples).toBe(sent.length * points);
    expect(sampleCount(h.store, 'system.memory.usage', { 'system.memory.state': 'used' })).toBe(sent.length);
    expect(c.stats.undecodable).toBe(0);
  }, 120_000);
});
