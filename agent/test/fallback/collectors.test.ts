import { readFileSync } from 'node:fs';
import type { CpuInfo } from 'node:os';
import type { SectionDataMap, SectionName } from '@sysray/proto';
import { SECTION_NAMES } from '@sysray/proto';
import type { Systeminformation as Si } from 'systeminformation';
import { describe, expect, it } from 'vitest';
import type { CollectorsConfig } from '../../src/collectors/config.js';
import { DEFAULT_COLLECTORS_CONFIG } from '../../src/collectors/config.js';
import type { CollectContext, CollectOutcome, Collector } from '../../src/collectors/types.js';
import { ManualClock } from '../../src/platform/clock.js';
import { resolveHostRoots } from '../../src/platform/host-roots.js';
import { createFallbackCpuCollector } from '../../src/platform/fallback/cpu.js';
import { createFallbackDisksCollector } from '../../src/platform/fallback/disks.js';
import { createFallbackCollectors, fallbackPlaceholderFields } from '../../src/platform/fallback/index.js';
import { createFallbackMemoryCollector } from '../../src/platform/fallback/memory.js';
import { createFallbackNetworkCollector } from '../../src/platform/fallback/network.js';
import { createFallbackProcessesCollector } from '../../src/platform/fallback/processes.js';
import type { OsApi, SiApi } from '../../src/platform/fallback/source.js';
import { createFallbackSystemCollector } from '../../src/platform/fallback/system.js';

/** systeminformation outputs recorded on Linux and edited into a macOS and a Windows host. */
interface RecordedHost {
  osInfo: Si.OsData;
  uuid: Si.UuidData;
  cpu: Si.CpuData;
  system: Si.SystemData;
  time: Si.TimeData;
  mem: Si.MemData;
  diskLayout: Si.DiskLayoutData[];
  disksIO: Si.DisksIoData | null;
  fsStats: Si.FsStatsData | null;
  fsSize: Si.FsSizeData[];
  networkInterfaces: Si.NetworkInterfacesData[];
  networkStats: Si.NetworkStatsData[];
  networkConnections: Si.NetworkConnectionsData[];
  processes: Si.ProcessesData;
  os: { cpus: CpuInfo[]; loadavg: number[]; version: string };
}

type Platform = 'darwin' | 'win32';

function recorded(name: Platform): RecordedHost {
  return JSON.parse(
    readFileSync(new URL(`./recorded/${name}.json`, import.meta.url), 'utf8'),
  ) as RecordedHost;
}

/**
 * A systeminformation stand-in answering from a recorded host. Each answer is a copy of the host's current
 * data, so a test edits `host` between collections like counters moving on a live machine.
 */
class RecordedSi implements SiApi {
  readonly calls: string[] = [];
  constructor(public host: RecordedHost) {}
  private answer<T>(name: string, value: T): Promise<T> {
    this.calls.push(name);
    return Promise.resolve(structuredClone(value));
  }
  osInfo = () => this.answer('osInfo', this.host.osInfo);
  uuid = () => this.answer('uuid', this.host.uuid);
  cpu = () => this.answer('cpu', this.host.cpu);
  system = () => this.answer('system', this.host.system);
  time = () => {
    this.calls.push('time');
    return structuredClone(this.host.time);
  };
  mem = () => this.answer('mem', this.host.mem);
  diskLayout = () => this.answer('diskLayout', this.host.diskLayout);
  disksIO = () => this.answer('disksIO', this.host.disksIO);
  fsStats = () => this.answer('fsStats', this.host.fsStats);
  fsSize = () => this.answer('fsSize', this.host.fsSize);
  networkInterfaces = () => this.answer('networkInterfaces', this.host.networkInterfaces);
  networkStats = (ifaces: string) => {
    const wanted = new Set(ifaces.split(','));
    return this.answer(
      `networkStats(${ifaces})`,
      this.host.networkStats.filter((entry) => wanted.has(entry.iface)),
    );
  };
  networkConnections = () => this.answer('networkConnections', this.host.networkConnections);
  processes = () => this.answer('processes', this.host.processes);
}

function recordedOs(si: RecordedSi): OsApi {
  return {
    cpus: () => si.host.os.cpus,
    loadavg: () => si.host.os.loadavg,
    version: () => si.host.os.version,
  };
}

function setup(platform: Platform) {
  const si = new RecordedSi(recorded(platform));
  const clock = new ManualClock(10_000);
  const context: CollectContext = {
    roots: resolveHostRoots({}, {}),
    clock,
    signal: new AbortController().signal,
  };
  return { si, clock, context, sources: { si, os: recordedOs(si), platform } };
}

function data<T>(outcome: CollectOutcome<T>): T {
  if (outcome.kind !== 'ok') throw new Error(`expected ok, got unsupported: ${outcome.reason}`);
  return outcome.data;
}

async function collect<K extends SectionName>(collector: Collector<K>, context: CollectContext) {
  return data(await collector.collect(context));
}

describe('createFallbackCollectors', () => {
  it('gives one collector per section, in Snapshot order', () => {
    const { sources } = setup('darwin');
    const collectors = createFallbackCollectors(DEFAULT_COLLECTORS_CONFIG, sources);
    expect(collectors.map((collector) => collector.section)).toEqual(SECTION_NAMES);
  });

  it.each(['darwin', 'win32'] as const)('marks cgroups and pressure unsupported on %s', async (platform) => {
    const { sources, context } = setup(platform);
    const collectors = createFallbackCollectors(DEFAULT_COLLECTORS_CONFIG, sources);
    const bySection = new Map(collectors.map((collector) => [collector.section, collector]));
    expect(await bySection.get('cgroups')?.collect(context)).toEqual({
      kind: 'unsupported',
      reason: `cgroups are a Linux kernel feature; this host runs ${platform}`,
    });
    expect(await bySection.get('pressure')?.collect(context)).toEqual({
      kind: 'unsupported',
      reason: `pressure stall information (PSI) is a Linux kernel feature; this host runs ${platform}`,
    });
  });

  it('passes the config on: process limit and interface filter', async () => {
    const { sources, context } = setup('darwin');
    const config: CollectorsConfig = {
      ...DEFAULT_COLLECTORS_CONFIG,
      processes: { ...DEFAULT_COLLECTORS_CONFIG.processes, limit: 2, sortBy: 'memory' },
      network: { interfaces: { exclude: ['lo\\d+', 'awdl\\d+', 'llw\\d+'] } },
    };
    const collectors = createFallbackCollectors(config, sources);
    const find = (section: SectionName) => collectors.find((collector) => collector.section === section);
    const processes = await collect(find('processes') as Collector<'processes'>, context);
    expect(processes.sortedBy).toBe('memory');
    expect(processes.top.map((info) => info.pid)).toEqual([9120, 8812]);
    const network = await collect(find('network') as Collector<'network'>, context);
    expect(network.interfaces.map((nic) => nic.name)).toEqual(['en0', 'bridge0', 'utun3']);
    // Statistics are asked for the kept interfaces only.
    expect(sources.si.calls).toContain('networkStats(en0,bridge0,utun3)');
  });
});

describe('fallback system collector', () => {
  it('reads inventory once and the clock every time', async () => {
    const { si, sources, context } = setup('darwin');
    const collector = createFallbackSystemCollector(sources);
    const first = await collect(collector, context);
    si.host.time = {
      ...si.host.time,
      current: si.host.time.current + 60_000,
      uptime: si.host.time.uptime + 60,
    };
    const second = await collect(collector, context);
    expect(first.uptimeSeconds).toBe(86400);
    expect(second.uptimeSeconds).toBe(86460);
    expect(second.bootTime).toBe(1763700000);
    expect(second.hostname).toBe('mbp-dev.local');
    expect(si.calls.filter((call) => call === 'osInfo')).toHaveLength(1);
    expect(si.calls.filter((call) => call === 'system')).toHaveLength(1);
    expect(si.calls.filter((call) => call === 'time')).toHaveLength(2);
  });

  it('names the systeminformation function that failed', async () => {
    const { si, sources, context } = setup('win32');
    si.uuid = () => Promise.reject(new Error('powershell.exe not found'));
    await expect(createFallbackSystemCollector(sources).collect(context)).rejects.toThrow(
      'systeminformation uuid() failed: powershell.exe not found',
    );
  });
});

describe('fallback cpu collector', () => {
  it('gives utilization from the second sample, per core and for the machine', async () => {
    const { si, sources, context } = setup('win32');
    const collector = createFallbackCpuCollector(sources);
    const first = await collect(collector, context);
    expect(first.utilization).toBeNull();
    expect(first.logicalCpus).toBe(8);
    // Every core: 500 ms user, 250 ms system, 250 ms idle more.
    si.host.os.cpus = si.host.os.cpus.map((cpu) => ({
      ...cpu,
      times: {
        ...cpu.times,
        user: cpu.times.user + 500,
        sys: cpu.times.sys + 250,
        idle: cpu.times.idle + 250,
      },
    }));
    const second = await collect(collector, context);
    expect(second.utilization?.user).toBeCloseTo(0.5, 9);
    expect(second.utilization?.system).toBeCloseTo(0.25, 9);
    expect(second.utilization?.busy).toBeCloseTo(0.75, 9);
    expect(second.cores[7]?.utilization?.idle).toBeCloseTo(0.25, 9);
    expect(second.times.user - first.times.user).toBeCloseTo(4, 9);
  });
});

describe('fallback memory collector', () => {
  it('maps si.mem() for the platform and rejects an empty answer', async () => {
    const { si, sources, context } = setup('darwin');
    const collector = createFallbackMemoryCollector(sources);
    expect((await collect(collector, context)).cachedBytes).toBe(14710145024);
    si.host.mem = { ...si.host.mem, total: 0 };
    await expect(collector.collect(context)).rejects.toThrow('reported no total memory');
  });
});

describe('fallback disks collector', () => {
  it('computes rates from its own deltas with the injected clock', async () => {
    const { si, clock, sources, context } = setup('darwin');
    const collector = createFallbackDisksCollector(sources);
    const first = await collect(collector, context);
    expect(first.devices[0]?.rates).toBeNull();
    expect(first.devices[0]?.slaves).toEqual(['disk0', 'disk5']);
    si.host.disksIO = {
      ...si.host.disksIO!,
      rIO: si.host.disksIO!.rIO + 2000,
      wIO: si.host.disksIO!.wIO + 500,
    };
    si.host.fsStats = {
      ...si.host.fsStats!,
      rx: si.host.fsStats!.rx + 8_192_000,
      wx: si.host.fsStats!.wx + 2_048_000,
    };
    clock.advance(2000);
    const rates = (await collect(collector, context)).devices[0]?.rates;
    expect(rates).toMatchObject({
      readsPerSec: 1000,
      writesPerSec: 250,
      readBytesPerSec: 4_096_000,
      writeBytesPerSec: 1_024_000,
      // si reads no IO times on macOS.
      readAwaitMs: null,
      writeAwaitMs: null,
      utilization: 0,
    });
    // diskLayout is inventory: read once.
    expect(si.calls.filter((call) => call === 'diskLayout')).toHaveLength(1);
  });

  it('gives no rates inside si cache window and keeps the older baseline', async () => {
    const { si, clock, sources, context } = setup('darwin');
    const collector = createFallbackDisksCollector(sources);
    await collect(collector, context);
    si.host.disksIO = { ...si.host.disksIO!, rIO: si.host.disksIO!.rIO + 300 };
    clock.advance(200);
    expect((await collect(collector, context)).devices[0]?.rates).toBeNull();
    clock.advance(1300);
    const rates = (await collect(collector, context)).devices[0]?.rates;
    // Over the 1.5 s since the first sample, not the 1.3 s since the stale one.
    expect(rates?.readsPerSec).toBe(200);
  });

  it('gives null rates when a counter went backwards', async () => {
    const { si, clock, sources, context } = setup('darwin');
    const collector = createFallbackDisksCollector(sources);
    await collect(collector, context);
    si.host.fsStats = { ...si.host.fsStats!, rx: 0 };
    clock.advance(1000);
    expect((await collect(collector, context)).devices[0]?.rates).toBeNull();
  });

  it('is unsupported where si has no IO counters (Windows)', async () => {
    const { sources, context } = setup('win32');
    expect(await createFallbackDisksCollector(sources).collect(context)).toEqual({
      kind: 'unsupported',
      reason: 'systeminformation reads no disk IO counters on win32',
    });
  });
});

describe('fallback network collector', () => {
  it('computes per-interface rates from cumulative counters', async () => {
    const { si, clock, sources, context } = setup('win32');
    const collector = createFallbackNetworkCollector(sources);
    const first = await collect(collector, context);
    expect(first.interfaces.every((nic) => nic.rates === null)).toBe(true);
    si.host.networkStats = si.host.networkStats.map((entry) =>
      entry.iface === 'Ethernet'
        ? {
            ...entry,
            rx_bytes: entry.rx_bytes + 25_000_000,
            tx_bytes: entry.tx_bytes + 5_000_000,
            rx_dropped: entry.rx_dropped + 4,
          }
        : entry,
    );
    clock.advance(2500);
    const second = await collect(collector, context);
    const ethernet = second.interfaces.find((nic) => nic.name === 'Ethernet');
    expect(ethernet?.rates).toMatchObject({
      rxBytesPerSec: 10_000_000,
      txBytesPerSec: 2_000_000,
      rxDropsPerSec: 1.6,
      rxErrorsPerSec: 0,
      rxPacketsPerSec: 0,
    });
    expect(second.interfaces.find((nic) => nic.name === 'Ethernet 2')?.rates?.rxBytesPerSec).toBe(0);
  });

  it('nulls the rates of an interface whose counters restarted, and of a new one', async () => {
    const { si, clock, sources, context } = setup('darwin');
    const collector = createFallbackNetworkCollector(sources);
    await collect(collector, context);
    si.host.networkStats = si.host.networkStats.map((entry) =>
      entry.iface === 'utun3' ? { ...entry, rx_bytes: 1000, tx_bytes: 1000 } : entry,
    );
    si.host.networkInterfaces = [
      ...si.host.networkInterfaces,
      { ...si.host.networkInterfaces[1]!, iface: 'en7' },
    ];
    si.host.networkStats = [...si.host.networkStats, { ...si.host.networkStats[1]!, iface: 'en7' }];
    clock.advance(1000);
    const second = await collect(collector, context);
    expect(second.interfaces.find((nic) => nic.name === 'utun3')?.rates).toBeNull();
    expect(second.interfaces.find((nic) => nic.name === 'en7')?.rates).toBeNull();
    expect(second.interfaces.find((nic) => nic.name === 'en0')?.rates?.rxBytesPerSec).toBe(0);
  });
});

describe('fallback processes collector', () => {
  it('reports CPU use from the second sight of a process', async () => {
    const { si, sources, context } = setup('win32');
    const collector = createFallbackProcessesCollector({
      ...sources,
      config: { ...DEFAULT_COLLECTORS_CONFIG.processes, limit: 3 },
    });
    const first = await collect(collector, context);
    expect(first.top.map((info) => info.cpuPercent)).toEqual([null, null, null]);
    // sqlservr.exe busier; w3wp.exe restarted under the same pid.
    si.host.processes = {
      ...si.host.processes,
      list: si.host.processes.list.map((entry) =>
        entry.pid === 3120
          ? { ...entry, cpu: 12.5 }
          : entry.pid === 4410
            ? { ...entry, started: '2025-11-21 10:00:00', cpu: 3 }
            : entry,
      ),
    };
    const second = await collect(collector, context);
    expect(second.top.map((info) => [info.pid, info.cpuPercent, info.cpuPercentNormalized])).toEqual([
      [3120, 100, 12.5],
      [4410, null, null],
      [2840, 18.4, 2.3],
    ]);
  });

  it('bounds the command line with the configured length', async () => {
    const { sources, context } = setup('win32');
    const collector = createFallbackProcessesCollector({
      ...sources,
      config: { ...DEFAULT_COLLECTORS_CONFIG.processes, limit: 1, sortBy: 'memory', maxCommandLength: 16 },
    });
    const top = (await collect(collector, context)).top;
    expect(top.map((info) => [info.name, info.command])).toEqual([['sqlservr.exe', '"C:\\Program Fil…']]);
  });

  it('rejects an invalid include rule when built', () => {
    const { sources } = setup('darwin');
    expect(() =>
      createFallbackProcessesCollector({
        ...sources,
        config: { ...DEFAULT_COLLECTORS_CONFIG.processes, include: ['[a-'] },
      }),
    ).toThrow(/invalid process include pattern/);
  });
});

/** Every value a dotted path (with `*` for any element or key) reaches. */
function valuesAt(root: unknown, path: string): unknown[] {
  let current: unknown[] = [root];
  for (const part of path.split('.')) {
    current = current.flatMap((value) => {
      if (value === null || typeof value !== 'object') return [];
      const record = value as Record<string, unknown>;
      return part === '*' ? Object.values(record) : part in record ? [record[part]] : [];
    });
  }
  return current;
}

describe('fallbackPlaceholderFields', () => {
  it.each(['darwin', 'win32'] as const)(
    'lists only fields that carry the placeholder on %s',
    async (platform) => {
      const { si, clock, sources, context } = setup(platform);
      const collectors = createFallbackCollectors(DEFAULT_COLLECTORS_CONFIG, sources);
      await Promise.all(collectors.map((collector) => collector.collect(context)));
      si.host.os.cpus = si.host.os.cpus.map((cpu) => ({
        ...cpu,
        times: { ...cpu.times, user: cpu.times.user + 10 },
      }));
      clock.advance(1000);
      const outcomes = await Promise.all(collectors.map((collector) => collector.collect(context)));
      const fields = fallbackPlaceholderFields(platform);
      let checked = 0;
      outcomes.forEach((outcome, index) => {
        const section = collectors[index]!.section;
        if (outcome.kind !== 'ok') return;
        for (const path of fields[section]) {
          const values = valuesAt(outcome.data as SectionDataMap[typeof section], path);
          expect(values.length, `${section}.${path} resolves`).toBeGreaterThan(0);
          for (const value of values) expect([0, ''], `${section}.${path}`).toContain(value);
          checked += values.length;
        }
      });
      expect(checked).toBeGreaterThan(100);
    },
  );

  it('lists more placeholders on Windows than on macOS, and fewer on Linux', () => {
    const count = (platform: NodeJS.Platform) =>
      Object.values(fallbackPlaceholderFields(platform)).flat().length;
    expect(count('win32')).toBeGreaterThan(count('darwin'));
    expect(count('darwin')).toBeGreaterThan(count('linux'));
    expect(fallbackPlaceholderFields('win32').cpu).toContain('load.load1');
    expect(fallbackPlaceholderFields('darwin').cpu).not.toContain('load.load1');
  });
});
