import { describe, expect, it } from 'vitest';
import { resolveHostRoots } from '../src/platform/host-roots.js';
import { HostSession } from '../src/snapshot/host-session.js';
import { snapshotSchemaErrors } from './schema-validator.js';

describe.runIf(process.platform === 'linux')('live host smoke test', () => {
  it('collects every section without error, with real rates after one window', async () => {
    const session = new HostSession({ roots: resolveHostRoots({}, {}) });
    const snapshot = await session.sample(200);
    expect(snapshotSchemaErrors(snapshot)).toBeNull();
    for (const [name, section] of Object.entries(snapshot.sections)) {
      expect(section.status, `${name}: ${JSON.stringify(section).slice(0, 300)}`).not.toBe('error');
    }
    const { cpu, memory, processes, system } = snapshot.sections;
    expect(system.status === 'ok' && system.data.hostname.length).toBeGreaterThan(0);
    expect(cpu.status === 'ok' && cpu.data.utilization?.busy).toBeGreaterThanOrEqual(0);
    expect(memory.status === 'ok' && memory.data.totalBytes).toBeGreaterThan(0);
    const self =
      processes.status === 'ok' ? processes.data.top.find((p) => p.pid === process.pid) : undefined;
    expect(processes.status === 'ok' && processes.data.counts.total).toBeGreaterThan(1);
    // The test process itself is busy, so it ranks among the top by CPU and carries a rate.
    expect(self?.cpuPercent).toBeGreaterThanOrEqual(0);
  });
});
