// The gateway end to end: simulated agents POST OTLP/HTTP (protobuf-free JSON encoding, as any SDK can)
// with realistic payloads; a request is answered after the store committed it, so its round trip is the
// latency from send to queryable. Reports sustained datapoints/s and p50/p99 latency.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startGateway } from '@sysray/gateway';
import { ms, percentile } from './lib/stats.js';

const AGENTS = Number(process.env.SYSRAY_BENCH_AGENTS ?? 200);
const SERIES = 300;
const CONCURRENCY = 8;
const DURATION_MS = Number(process.env.SYSRAY_BENCH_SECONDS ?? 20) * 1000;

function payload(agent, round) {
  const ns = String(BigInt(Date.now()) * 1_000_000n);
  const metrics = [];
  for (let i = 0; i < SERIES; i += 1) {
    const counter = i % 3 === 0;
    const point = {
      timeUnixNano: ns,
      asDouble: counter ? round * 10 + i : Math.round(Math.random() * 1000) / 1000,
      attributes: [{ key: 'n', value: { stringValue: String(i % 10) } }],
    };
    const name = `bench.metric.${Math.floor(i / 10)}`;
    metrics.push(
      counter
        ? {
            name: `${name}.total`,
            unit: 's',
            sum: { dataPoints: [point], aggregationTemporality: 2, isMonotonic: true },
          }
        : { name, unit: '1', gauge: { dataPoints: [point] } },
    );
  }
  const host = `bench-${String(agent).padStart(4, '0')}`;
  return JSON.stringify({
    resourceMetrics: [
      {
        resource: {
          attributes: [
            { key: 'host.name', value: { stringValue: host } },
            { key: 'host.id', value: { stringValue: host } },
          ],
        },
        scopeMetrics: [{ scope: { name: 'bench' }, metrics }],
      },
    ],
  });
}

const dataDir = mkdtempSync(join(tmpdir(), 'sysray-ingest-bench-'));
const port = { host: '127.0.0.1', port: 0 };
const gateway = await startGateway(
  { dataDir, listen: { api: port, otlpHttp: port, otlpGrpc: port }, alerts: { enabled: false } },
  { logger: false },
);
const url = `${gateway.otlpHttp.url}/v1/metrics`;
const latencies = [];
let datapoints = 0;
let round = 0;
const started = performance.now();
async function worker(id) {
  for (let agent = id; performance.now() - started < DURATION_MS; agent = (agent + CONCURRENCY) % AGENTS) {
    if (agent < CONCURRENCY) round += 1;
    const body = payload(agent, round);
    const t0 = performance.now();
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    await response.arrayBuffer();
    if (response.status !== 200) throw new Error(`ingest answered ${response.status}`);
    latencies.push(performance.now() - t0);
    datapoints += SERIES;
  }
}
try {
  await Promise.all(Array.from({ length: CONCURRENCY }, (_, i) => worker(i)));
  const seconds = (performance.now() - started) / 1000;
  const stats = gateway.app.gateway.store.stats();
  console.log(
    `gateway ingest (OTLP/HTTP JSON, ${AGENTS} simulated agents × ${SERIES} series, ${CONCURRENCY} in flight, ${seconds.toFixed(0)} s)`,
  );
  console.log(
    `  sustained: ${Math.round(datapoints / seconds).toLocaleString('en-US')} datapoints/s (${latencies.length} requests)`,
  );
  console.log(
    `  send → queryable (request answered after the commit): p50 ${ms(percentile(latencies, 50))}  p99 ${ms(percentile(latencies, 99))}`,
  );
  console.log(`  store: ${stats.hosts} hosts, ${stats.series} series, ${stats.rawSamples} raw samples`);
} finally {
  await gateway.close();
  rmSync(dataDir, { recursive: true, force: true });
}
