import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, waitFor } from '../helpers/ports.js';
import { hasPrometheus, startPrometheus, type RunningPrometheus } from '../helpers/prometheus.js';

const cli = fileURLToPath(new URL('../../agent/bin/sysray.js', import.meta.url));

/**
 * A real Prometheus (Debian's package) scrapes a real `sysray agent` process on this host, and the
 * series come back through Prometheus's own query API: the exposition is accepted end to end.
 */
describe.runIf(process.platform === 'linux' && hasPrometheus)('Prometheus scrapes the agent', () => {
  let agent: ChildProcess;
  let prometheus: RunningPrometheus;
  let agentPort: number;

  beforeAll(async () => {
    agentPort = await freePort();
    const dir = mkdtempSync(path.join(tmpdir(), 'sysray-scrape-'));
    const config = path.join(dir, 'sysray.toml');
    writeFileSync(
      config,
      [
        '[agent]',
        'interval = "1s"',
        '[http]',
        `listen = "127.0.0.1:${agentPort}"`,
        '[logging]',
        'level = "warn"',
        '',
      ].join('\n'),
    );
    agent = spawn(process.execPath, [cli, 'agent', '--config', config], { stdio: 'ignore' });
    await waitFor(
      'the agent to be ready',
      async () => (await fetch(`http://127.0.0.1:${agentPort}/readyz`)).ok,
    );
    prometheus = await startPrometheus({ targets: [`127.0.0.1:${agentPort}`], scrapeIntervalSeconds: 1 });
  }, 60_000);

  afterAll(async () => {
    agent?.kill('SIGTERM');
    await prometheus?.close();
  });

  it('reads back up == 1, a CPU series and a PSI series through the Prometheus API', async () => {
    const up = await waitFor('up == 1', async () => {
      const result = await prometheus.query('up{job="sysray"}');
      return result.find((r) => r.value[1] === '1');
    });
    expect(up.metric.instance).toBe(`127.0.0.1:${agentPort}`);

    const cpu = await prometheus.query('system_cpu_time_seconds_total{cpu_mode="idle"}');
    expect(cpu.length).toBeGreaterThan(0);
    expect(Number(cpu[0]!.value[1])).toBeGreaterThan(0);

    const psi = await prometheus.query('sysray_pressure_stall_average_percent');
    const psiResources = new Set(psi.map((r) => r.metric.sysray_pressure_resource));
    expect(psiResources.has('cpu') && psiResources.has('memory') && psiResources.has('io')).toBe(true);

    // The scrape itself was healthy: Prometheus saw no sample-level problems.
    const scraped = await prometheus.query('scrape_samples_scraped{job="sysray"}');
    expect(Number(scraped[0]!.value[1])).toBeGreaterThan(100);
  }, 60_000);
});
