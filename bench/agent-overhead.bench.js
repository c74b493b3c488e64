// Steady CPU (% of one core) and RSS of `sysray agent` with Prometheus and OTLP export on and 1,000 extra
// processes on the host, at 5 s and 1 s intervals, beside prometheus-node-exporter scraped at the same
// interval when it is installed. Targets: ≤ 0.5% of one core at 5 s, ≤ 64 MB RSS.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnIdleProcesses } from './lib/idle-processes.js';
import { startOtlpSink } from './lib/otlp-sink.js';
import { cpuSeconds, rssBytes } from './lib/proc-usage.js';
import { mib } from './lib/stats.js';

const cli = fileURLToPath(new URL('../agent/bin/sysray.js', import.meta.url));
const WINDOWS = [
  { intervalS: 5, measureS: Number(process.env.SYSRAY_BENCH_WINDOW_5S ?? 60) },
  { intervalS: 1, measureS: Number(process.env.SYSRAY_BENCH_WINDOW_1S ?? 30) },
];

async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitReady(url) {
  for (let i = 0; i < 300; i += 1) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  throw new Error(`${url} never became ready`);
}

/** Scrapes `url` every interval while measuring the process's CPU and RSS over the window. */
async function measure(pid, url, intervalS, measureS) {
  const scrape = async () => {
    const response = await fetch(url);
    await response.text();
  };
  // Warm up: a few cycles so JIT, caches and first-sample work are behind us.
  for (let i = 0; i < 3; i += 1) {
    await scrape();
    await sleep(intervalS * 1000);
  }
  const cpu0 = cpuSeconds(pid);
  const t0 = performance.now();
  let rssMax = 0;
  while (performance.now() - t0 < measureS * 1000) {
    await scrape();
    rssMax = Math.max(rssMax, rssBytes(pid));
    await sleep(intervalS * 1000);
  }
  const elapsedS = (performance.now() - t0) / 1000;
  return { cpuPercent: ((cpuSeconds(pid) - cpu0) / elapsedS) * 100, rss: rssBytes(pid), rssMax };
}

async function measureAgent(intervalS, measureS, otlpEndpoint) {
  const dir = mkdtempSync(path.join(tmpdir(), 'sysray-bench-'));
  const port = await freePort();
  const config = path.join(dir, 'sysray.toml');
  writeFileSync(
    config,
    [
      '[agent]',
      `interval = "${intervalS}s"`,
      '[http]',
      `listen = "127.0.0.1:${port}"`,
      '[exporters.otlp]',
      'enabled = true',
      `endpoint = "${otlpEndpoint}"`,
      `interval = "${intervalS}s"`,
      '[logging]',
      'level = "warn"',
      '',
    ].join('\n'),
  );
  const child = spawn(process.execPath, [cli, 'agent', '--config', config], { stdio: 'ignore' });
  try {
    await waitReady(`http://127.0.0.1:${port}/readyz`);
    return await measure(child.pid, `http://127.0.0.1:${port}/metrics`, intervalS, measureS);
  } finally {
    child.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}

async function measureNodeExporter(intervalS, measureS) {
  const port = await freePort();
  const child = spawn('prometheus-node-exporter', [`--web.listen-address=127.0.0.1:${port}`], {
    stdio: 'ignore',
  });
  try {
    await waitReady(`http://127.0.0.1:${port}/metrics`);
    return await measure(child.pid, `http://127.0.0.1:${port}/metrics`, intervalS, measureS);
  } finally {
    child.kill('SIGTERM');
  }
}

if (process.platform !== 'linux') {
  console.log('agent overhead: skipped (needs Linux)');
  process.exit(0);
}

const hasNodeExporter =
  spawnSync('prometheus-node-exporter', ['--version'], { stdio: 'ignore' }).status === 0;
const stop = await spawnIdleProcesses(1000);
const sink = await startOtlpSink();
try {
  console.log(
    'agent overhead (Prometheus scraped at the interval, OTLP pushed at the interval, 1,000 extra processes)',
  );
  for (const { intervalS, measureS } of WINDOWS) {
    const agent = await measureAgent(intervalS, measureS, sink.endpoint);
    console.log(
      `  sysray agent @${intervalS}s: CPU ${agent.cpuPercent.toFixed(2)}% of one core, RSS ${mib(agent.rss)} (max ${mib(agent.rssMax)}) over ${measureS}s`,
    );
    if (hasNodeExporter) {
      const reference = await measureNodeExporter(intervalS, measureS);
      console.log(
        `  node_exporter @${intervalS}s (reference): CPU ${reference.cpuPercent.toFixed(2)}% of one core, RSS ${mib(reference.rss)}`,
      );
    }
  }
  if (!hasNodeExporter)
    console.log('  node_exporter: not installed (Debian: prometheus-node-exporter), no reference figures');
  console.log(`  OTLP sink received ${sink.stats.requests} exports, ${sink.stats.datapoints} data points`);
  console.log('  targets: ≤ 0.5% of one core at 5 s, ≤ 64 MB RSS');
} finally {
  sink.close();
  stop();
}
