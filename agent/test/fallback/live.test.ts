import { existsSync, readFileSync, statfsSync } from 'node:fs';
import os from 'node:os';
import type { SectionDataMap, SectionName } from '@sysray/proto';
import { describe, expect, it } from 'vitest';
import { DEFAULT_COLLECTORS_CONFIG } from '../../src/collectors/config.js';
import type { CollectContext, CollectOutcome } from '../../src/collectors/types.js';
import { systemClock } from '../../src/platform/clock.js';
import { resolveHostRoots } from '../../src/platform/host-roots.js';
import { createFallbackCollectors } from '../../src/platform/fallback/index.js';
import { SI_CACHE_WINDOW_MS } from '../../src/platform/fallback/source.js';

/**
 * The fallback collectors against the real systeminformation on this Linux machine: proves the library's
 * actual shapes match the mappings (the recorded macOS and Windows outputs are tested elsewhere).
 */
describe.runIf(process.platform === 'linux')('fallback collectors on the live host', () => {
  it('collect sane values from the real systeminformation', { timeout: 60_000 }, async () => {
    const collectors = createFallbackCollectors({
      ...DEFAULT_COLLECTORS_CONFIG,
      // Every process, so this test's own is among them.
      processes: { ...DEFAULT_COLLECTORS_CONFIG.processes, limit: 100_000, sortBy: 'pid' },
    });
    const context: CollectContext = {
      roots: resolveHostRoots({}, {}),
      clock: systemClock,
      signal: new AbortController().signal,
    };
    const run = async () => {
      const outcomes = await Promise.all(collectors.map((collector) => collector.collect(context)));
      return new Map(collectors.map((collector, index) => [collector.section, outcomes[index]]));
    };
    const ok = <K extends SectionName>(
      outcomes: Map<SectionName, unknown>,
      section: K,
    ): SectionDataMap[K] => {
      const outcome = outcomes.get(section) as CollectOutcome<SectionDataMap[K]>;
      expect(outcome.kind, section).toBe('ok');
      return (outcome as { data: SectionDataMap[K] }).data;
    };

    await run();
    // Past systeminformation's cache window, so the second sample reads fresh counters.
    await new Promise((resolve) => setTimeout(resolve, SI_CACHE_WINDOW_MS + 700));
    const outcomes = await run();

    const system = ok(outcomes, 'system');
    expect(system.osType).toBe('linux');
    expect(system.hostname).toBe(os.hostname());
    expect(system.logicalCpus).toBe(os.cpus().length);
    expect(system.uptimeSeconds).toBeGreaterThan(0);
    expect(Math.abs(system.bootTime! - (Date.now() / 1000 - os.uptime()))).toBeLessThan(5);
    if (existsSync('/etc/machine-id')) {
      expect(system.hostId).toBe(readFileSync('/etc/machine-id', 'utf8').trim());
    }

    const cpu = ok(outcomes, 'cpu');
    expect(cpu.logicalCpus).toBe(os.cpus().length);
    expect(cpu.times.idle).toBeGreaterThan(0);
    expect(cpu.utilization).not.toBeNull();
    expect(cpu.utilization!.busy).toBeGreaterThanOrEqual(0);
    expect(cpu.utilization!.busy).toBeLessThanOrEqual(1);

    const memory = ok(outcomes, 'memory');
    expect(memory.totalBytes).toBe(os.totalmem());
    expect(memory.availableBytes).toBeGreaterThan(0);
    expect(memory.availableBytes).toBeLessThanOrEqual(memory.totalBytes);
    expect(memory.usedFraction).toBeGreaterThan(0);
    expect(memory.usedFraction).toBeLessThan(1);

    const filesystems = ok(outcomes, 'filesystems');
    for (const mount of filesystems.mounts) {
      // si reads df -kP: 1 KiB blocks of the same statfs counts.
      const stat = statfsSync(mount.mountPoint);
      expect(Math.abs(mount.totalBytes - stat.blocks * stat.bsize), mount.mountPoint).toBeLessThan(
        1024 * 1024,
      );
      expect(mount.usedFraction).toBeGreaterThanOrEqual(0);
      expect(mount.usedFraction).toBeLessThanOrEqual(1);
    }

    const network = ok(outcomes, 'network');
    const lo = network.interfaces.find((nic) => nic.name === 'lo');
    expect(lo?.kind).toBe('loopback');
    expect(lo?.rates).not.toBeNull();
    expect(lo!.rates!.rxBytesPerSec).toBeGreaterThanOrEqual(0);

    const disks = outcomes.get('disks') as CollectOutcome<SectionDataMap['disks']>;
    if (disks.kind === 'ok') {
      const device = disks.data.devices[0]!;
      expect(device.name).toBe('all');
      expect(device.counters.readsCompleted).toBeGreaterThanOrEqual(0);
      expect(device.rates).not.toBeNull();
      expect(device.rates!.utilization).toBeGreaterThanOrEqual(0);
      expect(device.rates!.utilization).toBeLessThanOrEqual(1);
    }

    const processes = ok(outcomes, 'processes');
    expect(processes.counts.total).toBeGreaterThan(1);
    const self = processes.top.find((info) => info.pid === process.pid);
    expect(self, 'this test process').toBeDefined();
    expect(self!.ppid).toBe(process.ppid);
    expect(self!.rssBytes).toBeGreaterThan(0);
    expect(Math.abs(self!.startTime - (Date.now() / 1000 - process.uptime()))).toBeLessThan(5);
    // Seen in both samples: its CPU use is known.
    expect(self!.cpuPercent).not.toBeNull();

    expect(outcomes.get('cgroups')).toMatchObject({ kind: 'unsupported' });
    expect(outcomes.get('pressure')).toMatchObject({ kind: 'unsupported' });
  });
});
