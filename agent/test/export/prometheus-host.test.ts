import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ATTRIBUTE_CATALOG, metricDefinition, type Snapshot } from '@sysray/proto';
import { describe, expect, it } from 'vitest';
import { snapshotToPrometheus } from '../../src/export/prometheus.js';
import { snapshotMetrics } from '../../src/otel/snapshot-metrics.js';
import { resolveHostRoots } from '../../src/platform/host-roots.js';
import { HostSession } from '../../src/snapshot/host-session.js';

/**
 * The whole path on real collector output: host (or fixture tree) → Snapshot → mapping → exposition →
 * promtool. Only structural checks here (values depend on the host); the exact values are asserted on
 * the sample Snapshot in prometheus.test.ts.
 */

const hasPromtool = spawnSync('promtool', ['--version'], { stdio: 'ignore' }).status === 0;

async function collect(rootfs?: string): Promise<Snapshot> {
  const roots = rootfs === undefined ? resolveHostRoots({}, {}) : resolveHostRoots({ rootfs }, {});
  return new HostSession({ roots }).sample(100);
}

/** Every observation names a catalog metric, carries only its attributes, with catalog values. */
function checkAgainstCatalog(snapshot: Snapshot): void {
  const { observations, errors } = snapshotMetrics(snapshot, { includeCommandLine: true });
  expect(errors).toEqual([]);
  const values = new Map(ATTRIBUTE_CATALOG.map((attribute) => [attribute.key, attribute.values]));
  for (const observation of observations) {
    const definition = metricDefinition(observation.name);
    expect(definition, observation.name).toBeDefined();
    if (definition?.valueType === 'int')
      expect(Number.isInteger(observation.value), observation.name).toBe(true);
    for (const [key, value] of Object.entries(observation.attributes)) {
      expect(definition?.attributes, `${observation.name} ${key}`).toContain(key);
      const allowed = values.get(key);
      if (allowed !== undefined) expect(allowed, `${observation.name} ${key}=${value}`).toContain(value);
    }
  }
}

describe('exposition of real collector output', () => {
  it.runIf(process.platform === 'linux')(
    'maps the live host within the catalog, and promtool accepts it',
    async () => {
      const snapshot = await collect();
      checkAgainstCatalog(snapshot);
      const text = await snapshotToPrometheus(snapshot, {
        serviceVersion: '0.1.0',
        env: {},
        includeCommandLine: true,
      });
      expect(text).toMatch(/^sysray_collector_success\{sysray_collector="cpu"\} 1$/m);
      expect(text).toMatch(/^system_cpu_time_seconds_total\{cpu_mode="idle",cpu_logical_number="0"\} \d/m);
      expect(text).toMatch(/^system_memory_limit_bytes [1-9]\d*$/m);
      if (hasPromtool) {
        const result = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
        expect(`${result.stdout}${result.stderr}`).toBe('');
        expect(result.status).toBe(0);
      }
    },
  );

  it.each(['v2-containers', 'nvme-dm-md', 'no-psi'])(
    'maps the %s fixture tree within the catalog',
    async (tree) => {
      const snapshot = await collect(fileURLToPath(new URL(`../fixtures/${tree}`, import.meta.url)));
      checkAgainstCatalog(snapshot);
      const text = await snapshotToPrometheus(snapshot, { serviceVersion: '0.1.0', env: {} });
      // The no-psi host has neither PSI nor cgroup v2: absent, successfully.
      if (tree === 'no-psi') {
        expect(text).not.toMatch(/^sysray_pressure_/m);
        expect(text).toMatch(/^sysray_collector_success\{sysray_collector="pressure"\} 1$/m);
      } else {
        expect(text).toMatch(/^sysray_pressure_stall_time_seconds_total\{sysray_pressure_resource="memory"/m);
        expect(text).toMatch(/^container_memory_usage_bytes\{sysray_cgroup_path="\/"/m);
      }
      if (hasPromtool) {
        const result = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
        expect(`${result.stdout}${result.stderr}`).toBe('');
      }
    },
  );
});
