import { readFileSync } from 'node:fs';
import type { CpuInfo } from 'node:os';
import type { Systeminformation as Si } from 'systeminformation';
import { describe, expect, it } from 'vitest';
import { cpuTimesFromNode, cpuUtilization, mapCpu } from '../../src/platform/fallback/cpu.js';
import { diskRates, diskTotalsFromSi, mapDisks, physicalDisks } from '../../src/platform/fallback/disks.js';
import { mapFilesystems, mapMount } from '../../src/platform/fallback/filesystems.js';
import { linuxOnlyReason } from '../../src/platform/fallback/linux-only.js';
import { mapMemory } from '../../src/platform/fallback/memory.js';
import {
  interfaceKind,
  interfaceRates,
  isIpv6Socket,
  mapNetwork,
  socketCounts,
  tcpState,
} from '../../src/platform/fallback/network.js';
import {
  commandLine,
  compileIncludeRules,
  cpuPercents,
  mapProcess,
  mapProcesses,
  parseStarted,
  processSightings,
  seenBefore,
  stateLetter,
} from '../../src/platform/fallback/processes.js';
import { finiteOrNull } from '../../src/platform/fallback/source.js';
import {
  mapOsRelease,
  mapSystem,
  mapVirtualization,
  normalizeOsType,
  otelArch,
} from '../../src/platform/fallback/system.js';

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

function recorded(name: 'darwin' | 'win32'): RecordedHost {
  return JSON.parse(
    readFileSync(new URL(`./recorded/${name}.json`, import.meta.url), 'utf8'),
  ) as RecordedHost;
}

const darwin = recorded('darwin');
const win32 = recorded('win32');

function systemInput(host: RecordedHost) {
  return { ...host, cpus: host.os.cpus, osVersion: host.os.version };
}

describe('mapSystem', () => {
  it('maps a macOS host', () => {
    expect(mapSystem(systemInput(darwin))).toEqual({
      hostname: 'mbp-dev.local',
      hostId: '8d5e7f36-2b1a-5c4e-9f0d-3a6b7c8d9e0f',
      osType: 'darwin',
      os: { id: 'macos', name: 'macOS', versionId: '14.5', prettyName: 'macOS 14.5 (Sonoma)' },
      kernelRelease: '23.5.0',
      kernelVersion:
        'Darwin Kernel Version 23.5.0: Wed May  1 20:12:58 PDT 2024; root:xnu-10063.121.3~5/RELEASE_ARM64_T6020',
      arch: 'arm64',
      bootTime: 1763700000,
      uptimeSeconds: 86400,
      cpuModel: 'Apple M2 Pro',
      cpuVendor: 'Apple',
      logicalCpus: 12,
      physicalCores: 12,
      sockets: 1,
      virtualization: null,
    });
  });

  it('maps a Windows Hyper-V guest', () => {
    const system = mapSystem(systemInput(win32));
    expect(system.osType).toBe('win32');
    expect(system.os).toEqual({
      id: 'windows',
      name: 'Microsoft Windows Server 2022 Datacenter',
      versionId: '10.0.20348',
      prettyName: 'Microsoft Windows Server 2022 Datacenter 21H2',
    });
    expect(system.hostname).toBe('WIN-SQL-02');
    expect(system.hostId).toBe('5f2d6c1e-8a4b-4f3c-9d2e-1b7a6c5d4e3f');
    expect(system.arch).toBe('amd64');
    expect(system.bootTime).toBe(1763786400 - 1209600);
    expect(system.cpuModel).toBe('Intel(R) Xeon(R) Gold 6338 CPU @ 2.00GHz');
    expect(system.cpuVendor).toBe('GenuineIntel');
    expect(system.logicalCpus).toBe(8);
    expect(system.physicalCores).toBe(4);
    expect(system.kernelVersion).toBe('Windows Server 2022 Datacenter');
    expect(system.virtualization).toBe('hyperv');
  });

  it('falls back to si for the CPU model and counts when Node lists no CPUs, and nulls what is empty', () => {
    const system = mapSystem({
      ...systemInput(darwin),
      cpus: [],
      osVersion: '',
      uuid: { os: '', hardware: '', macs: [] },
      time: { ...darwin.time, uptime: Number.NaN },
    });
    expect(system.cpuModel).toBe('Apple M2 Pro');
    expect(system.logicalCpus).toBe(12);
    expect(system.hostId).toBeNull();
    expect(system.kernelVersion).toBeNull();
    expect(system.bootTime).toBeNull();
    expect(system.uptimeSeconds).toBeNull();
  });

  it('normalizes platform and arch names', () => {
    expect(normalizeOsType('Windows')).toBe('win32');
    expect(normalizeOsType('darwin')).toBe('darwin');
    expect(otelArch('x64')).toBe('amd64');
    expect(otelArch('ia32')).toBe('x86');
    expect(otelArch('riscv64')).toBe('riscv64');
  });

  it('names the hypervisor si found, and says vm when it found none', () => {
    const base: Si.SystemData = { ...win32.system };
    expect(mapVirtualization({ ...base, virtual: false })).toBeNull();
    expect(
      mapVirtualization({ ...base, manufacturer: 'QEMU', model: 'Standard PC', virtualHost: 'KVM' }),
    ).toBe('kvm');
    expect(mapVirtualization({ ...base, manufacturer: 'Xen', model: 'HVM domU', virtualHost: 'Xen' })).toBe(
      'xen',
    );
    expect(
      mapVirtualization({ ...base, manufacturer: 'innotek', model: 'x', virtualHost: 'Virtual PC' }),
    ).toBe('hyperv');
    expect(mapVirtualization({ ...base, manufacturer: 'Acme', model: 'Box', virtualHost: '' })).toBe('vm');
  });

  it('leaves os-release fields null when si knows nothing', () => {
    expect(mapOsRelease({ ...darwin.osInfo, distro: 'unknown', release: 'unknown', codename: '' })).toEqual({
      id: 'macos',
      name: null,
      versionId: null,
      prettyName: null,
    });
    // si sets the codename to the platform name when it has no better one.
    expect(mapOsRelease({ ...darwin.osInfo, release: '27.0', codename: 'macOS' }).prettyName).toBe(
      'macOS 27.0',
    );
  });
});

describe('cpu', () => {
  it('converts Node milliseconds to seconds and reports modes without a source as 0', () => {
    expect(cpuTimesFromNode({ user: 1500, nice: 10, sys: 250, idle: 9000, irq: 40 })).toEqual({
      user: 1.5,
      nice: 0.01,
      system: 0.25,
      idle: 9,
      iowait: 0,
      irq: 0.04,
      softirq: 0,
      steal: 0,
      guest: 0,
      guestNice: 0,
    });
  });

  it('sums the recorded macOS cores and keeps utilization null on a first sample', () => {
    const { data } = mapCpu({ cpus: darwin.os.cpus, loadavg: darwin.os.loadavg, platform: 'darwin' }, null);
    expect(data.logicalCpus).toBe(12);
    expect(data.times.user).toBeCloseTo(18956.487, 6);
    expect(data.times.system).toBeCloseTo(10443.793, 6);
    expect(data.times.idle).toBeCloseTo(117460.961, 6);
    expect(data.utilization).toBeNull();
    expect(data.cores[11]?.utilization).toBeNull();
    // Apple silicon: Node's 2400 MHz is the timebase product, not a frequency.
    expect(data.cores[0]?.frequencyHz).toBeNull();
    expect(data.load).toEqual({ load1: 3.12, load5: 2.87, load15: 2.54 });
    expect(data.rates).toBeNull();
    expect(data.counters.softInterrupts).toBeNull();
  });

  it('reads interrupt time on Windows, where the load average is always 0', () => {
    const { data } = mapCpu({ cpus: win32.os.cpus, loadavg: win32.os.loadavg, platform: 'win32' }, null);
    expect(data.times.irq).toBeCloseTo(196.064, 6);
    expect(data.load).toEqual({ load1: 0, load5: 0, load15: 0 });
  });

  it('reports a current frequency only on Linux', () => {
    const cpus: CpuInfo[] = [
      { model: 'x', speed: 2995, times: { user: 1, nice: 0, sys: 1, idle: 1, irq: 0 } },
    ];
    expect(mapCpu({ cpus, loadavg: [0, 0, 0], platform: 'linux' }, null).data.cores[0]?.frequencyHz).toBe(
      2.995e9,
    );
    const zero: CpuInfo[] = [{ ...cpus[0]!, speed: 0 }];
    expect(
      mapCpu({ cpus: zero, loadavg: [0, 0, 0], platform: 'linux' }, null).data.cores[0]?.frequencyHz,
    ).toBeNull();
  });

  it('computes utilization from two samples and nulls it when a counter went backwards', () => {
    const before = cpuTimesFromNode({ user: 1000, nice: 0, sys: 1000, idle: 2000, irq: 0 });
    const after = cpuTimesFromNode({ user: 1500, nice: 0, sys: 1250, idle: 2250, irq: 0 });
    expect(cpuUtilization(after, before)).toEqual({
      user: 0.5,
      nice: 0,
      system: 0.25,
      idle: 0.25,
      iowait: 0,
      irq: 0,
      softirq: 0,
      steal: 0,
      guest: 0,
      guestNice: 0,
      busy: 0.75,
    });
    expect(cpuUtilization(before, after)).toBeNull();
    expect(cpuUtilization(before, before)).toBeNull();
    expect(cpuUtilization(after, undefined)).toBeNull();
  });

  it('gives no machine-wide utilization when the CPU count changed', () => {
    const one: CpuInfo[] = [
      { model: 'x', speed: 0, times: { user: 100, nice: 0, sys: 100, idle: 100, irq: 0 } },
    ];
    const { state } = mapCpu({ cpus: one, loadavg: [], platform: 'darwin' }, null);
    const two = [...one, ...one].map((cpu) => ({
      ...cpu,
      times: { ...cpu.times, user: cpu.times.user + 100, idle: cpu.times.idle + 100 },
    }));
    const { data } = mapCpu({ cpus: two, loadavg: [], platform: 'darwin' }, state);
    expect(data.utilization).toBeNull();
    expect(data.cores[0]?.utilization?.user).toBeCloseTo(0.5, 9);
    expect(data.cores[1]?.utilization).toBeNull();
    expect(data.load).toEqual({ load1: 0, load5: 0, load15: 0 });
  });
});

describe('mapMemory', () => {
  it('maps macOS: app memory is used, file-backed and purgeable pages are cache', () => {
    const memory = mapMemory(darwin.mem, 'darwin');
    expect(memory.totalBytes).toBe(34359738368);
    expect(memory.freeBytes).toBe(1395982336);
    expect(memory.availableBytes).toBe(16106127360);
    expect(memory.usedBytes).toBe(18253611008);
    expect(memory.usedFraction).toBe(0.53125);
    expect(memory.cachedBytes).toBe(14710145024);
    // `reclaimable` is the inactive list on macOS, not slab.
    expect(memory.slabReclaimableBytes).toBe(0);
    expect(memory.dirtyBytes).toBe(0);
    expect(memory.swap).toEqual({
      totalBytes: 2147483648,
      freeBytes: 1143996416,
      usedBytes: 1003487232,
      cachedBytes: 0,
    });
    expect(memory.paging.oomKill).toBeNull();
    expect(memory.pagingRates).toBeNull();
  });

  it('maps Windows: available is free memory, swap is the page file', () => {
    const memory = mapMemory(win32.mem, 'win32');
    expect(memory.availableBytes).toBe(10737418240);
    expect(memory.usedBytes).toBe(34359201792 - 10737418240);
    expect(memory.cachedBytes).toBe(0);
    expect(memory.swap).toEqual({
      totalBytes: 5100273664,
      freeBytes: 4966055936,
      usedBytes: 134217728,
      cachedBytes: 0,
    });
  });

  it('maps Linux meminfo fields one to one, slab split into reclaimable and not', () => {
    const mem: Si.MemData = {
      ...darwin.mem,
      total: 16 * 2 ** 30,
      free: 2 * 2 ** 30,
      available: 10 * 2 ** 30,
      buffers: 100,
      cached: 2000,
      slab: 900,
      reclaimable: 600,
      dirty: 4096,
      writeback: 8192,
      swapfree: Number.NaN,
      swaptotal: 1000,
      swapused: 400,
    };
    const memory = mapMemory(mem, 'linux');
    expect(memory.usedBytes).toBe(6 * 2 ** 30);
    expect(memory.buffersBytes).toBe(100);
    expect(memory.cachedBytes).toBe(2000);
    expect(memory.slabReclaimableBytes).toBe(600);
    expect(memory.slabUnreclaimableBytes).toBe(300);
    expect(memory.dirtyBytes).toBe(4096);
    expect(memory.writebackBytes).toBe(8192);
    // A swap free figure si could not parse is derived from total and used.
    expect(memory.swap.freeBytes).toBe(600);
  });
});

describe('disks', () => {
  it('takes operations from disksIO and bytes from fsStats, times only on Linux', () => {
    expect(diskTotalsFromSi(darwin.disksIO, darwin.fsStats, 'darwin')).toEqual({
      readOps: 48213456,
      writeOps: 31234567,
      readBytes: 1523456789504,
      writeBytes: 987654321408,
      readTimeMs: null,
      writeTimeMs: null,
      ioTimeMs: null,
    });
    expect(diskTotalsFromSi(win32.disksIO, win32.fsStats, 'win32')).toBeNull();
    const linux = diskTotalsFromSi(
      { ...darwin.disksIO!, rWaitTime: 15208, wWaitTime: 4345, tWaitTime: 20450 },
      null,
      'linux',
    );
    expect(linux).toMatchObject({ readTimeMs: 15208, writeTimeMs: 4345, ioTimeMs: 20450, readBytes: null });
  });

  it('lists physical disks from diskLayout by kernel or BSD name', () => {
    expect(physicalDisks(darwin.diskLayout)).toEqual([
      { name: 'disk0', sizeBytes: 1000555581440, model: 'APPLE SSD AP1024Z', rotational: false },
      { name: 'disk5', sizeBytes: 2000365289472, model: 'WD Elements 25A3', rotational: true },
    ]);
    expect(physicalDisks([{ ...darwin.diskLayout[0]!, device: '/dev/nvme0n1', type: 'Unknown' }])).toEqual([
      { name: 'nvme0n1', sizeBytes: 1000555581440, model: 'APPLE SSD AP1024Z', rotational: null },
    ]);
  });

  it('reports one aggregate device over the physical disks', () => {
    const totals = diskTotalsFromSi(darwin.disksIO, darwin.fsStats, 'darwin')!;
    const data = mapDisks({ totals, disks: physicalDisks(darwin.diskLayout) }, null, 0);
    expect(data.devices).toHaveLength(1);
    const device = data.devices[0]!;
    expect(device).toMatchObject({
      name: 'all',
      displayName: 'all disks',
      kind: 'other',
      sizeBytes: 3000920870912,
      rotational: null,
      model: null,
      slaves: ['disk0', 'disk5'],
      rates: null,
    });
    expect(device.counters).toMatchObject({
      readsCompleted: 48213456,
      writesCompleted: 31234567,
      readBytes: 1523456789504,
      writeBytes: 987654321408,
      readTimeSeconds: 0,
      discardsCompleted: null,
      flushesCompleted: null,
    });
    const onlyInternal = mapDisks(
      { totals, disks: physicalDisks(darwin.diskLayout) },
      null,
      0,
      (name) => name === 'disk0',
    );
    expect(onlyInternal.devices[0]).toMatchObject({
      slaves: ['disk0'],
      model: 'APPLE SSD AP1024Z',
      rotational: false,
    });
  });

  it('computes rates, await and utilization where si has times', () => {
    const before = {
      readOps: 1000,
      writeOps: 500,
      readBytes: 1e6,
      writeBytes: 2e6,
      readTimeMs: 100,
      writeTimeMs: 50,
      ioTimeMs: 400,
    };
    const after = {
      readOps: 1400,
      writeOps: 700,
      readBytes: 3e6,
      writeBytes: 2.5e6,
      readTimeMs: 900,
      writeTimeMs: 250,
      ioTimeMs: 2400,
    };
    expect(diskRates(after, before, 2, 2)).toEqual({
      readsPerSec: 200,
      writesPerSec: 100,
      readBytesPerSec: 1e6,
      writeBytesPerSec: 250000,
      readMergesPerSec: 0,
      writeMergesPerSec: 0,
      readAwaitMs: 2,
      writeAwaitMs: 1,
      utilization: 0.5,
      queueDepth: 0,
      discardsPerSec: null,
      flushesPerSec: null,
    });
    // No operation completed: no await.
    expect(diskRates(before, before, 1, 1)?.readAwaitMs).toBeNull();
    // A counter that went backwards (si summed over a disk that went away) gives no rates.
    expect(diskRates(before, after, 2, 2)).toBeNull();
    expect(diskRates(after, null, 2, 2)).toBeNull();
  });
});

describe('filesystems', () => {
  it('maps macOS mounts: lower-case types, sealed root read-only, NFS rw unknown', () => {
    const data = mapFilesystems(darwin.fsSize, 'darwin');
    expect(data.failed).toEqual([]);
    expect(data.mounts).toHaveLength(10);
    const root = data.mounts.find((mount) => mount.mountPoint === '/')!;
    expect(root).toMatchObject({
      device: '/dev/disk3s3s1',
      fsType: 'apfs',
      readOnly: true,
      options: ['ro'],
      totalBytes: 994662584320,
      usedBytes: 11209805824,
      availableBytes: 412395692032,
      freeBytes: 994662584320 - 11209805824,
      inodesUsedFraction: null,
    });
    expect(root.usedFraction).toBeCloseTo(11209805824 / (11209805824 + 412395692032), 12);
    const nfs = data.mounts.find((mount) => mount.mountPoint === '/Volumes/home')!;
    expect(nfs).toMatchObject({ fsType: 'nfs', readOnly: false, options: [] });
    expect(data.mounts.find((mount) => mount.mountPoint === '/Volumes/BACKUP')?.fsType).toBe('exfat');
  });

  it('maps Windows drive letters', () => {
    const data = mapFilesystems(win32.fsSize, 'win32');
    expect(data.mounts.map((mount) => mount.mountPoint)).toEqual(['C:', 'D:', 'Z:']);
    expect(data.mounts[0]).toMatchObject({
      device: 'C:',
      fsType: 'ntfs',
      readOnly: false,
      options: ['rw'],
      freeBytes: 175038531584,
      availableBytes: 175038531584,
    });
  });

  it('applies the mount point and type filters', () => {
    const data = mapFilesystems(
      darwin.fsSize,
      'darwin',
      (mountPoint) => !mountPoint.startsWith('/System/Volumes/'),
      (fsType) => fsType !== 'nfs',
    );
    expect(data.mounts.map((mount) => mount.mountPoint)).toEqual(['/', '/Volumes/BACKUP']);
  });

  it('gives zero usage, not NaN, for an empty entry', () => {
    const mount = mapMount(
      { fs: 'X:', type: 'FAT32', size: 0, used: 0, available: 0, use: 0, mount: 'X:', rw: null },
      'win32',
    );
    expect(mount).toMatchObject({ usedFraction: 0, readOnly: false, options: [], fsType: 'fat32' });
  });
});

describe('network', () => {
  it('maps macOS interfaces with their kinds and netstat counters', () => {
    const data = mapNetwork(
      {
        interfaces: darwin.networkInterfaces,
        stats: darwin.networkStats,
        connections: darwin.networkConnections,
      },
      null,
      0,
    );
    expect(data.interfaces.map((nic) => [nic.name, nic.kind, nic.state])).toEqual([
      ['lo0', 'loopback', 'unknown'],
      ['en0', 'physical', 'up'],
      ['bridge0', 'bridge', 'down'],
      ['awdl0', 'virtual', 'up'],
      ['llw0', 'virtual', 'unknown'],
      ['utun3', 'tun', 'unknown'],
    ]);
    const en0 = data.interfaces[1]!;
    expect(en0).toMatchObject({
      speedBitsPerSec: 1.2e9,
      mtu: 1500,
      macAddress: 'a0:78:17:9e:42:11',
      rates: null,
    });
    expect(en0.counters).toEqual({
      rxBytes: 98234123456,
      txBytes: 12345678901,
      rxPackets: 0,
      txPackets: 0,
      rxErrors: 3,
      txErrors: 0,
      rxDrops: 12,
      txDrops: 12,
      rxMulticast: 0,
      collisions: 0,
    });
    expect(data.interfaces[0]).toMatchObject({ macAddress: null, mtu: 16384, speedBitsPerSec: null });
    expect(data.interfaces[5]?.mtu).toBe(1380);
    expect(data.protocolRates).toBeNull();
    expect(data.protocol.tcpRetransSegs).toBe(0);
  });

  it('counts macOS sockets by state and family, dual-stack as IPv6', () => {
    const { tcp, udp } = socketCounts(darwin.networkConnections);
    expect(tcp.v4).toMatchObject({
      established: 5,
      listen: 3,
      time_wait: 2,
      close_wait: 1,
      fin_wait2: 1,
      syn_sent: 0,
    });
    expect(tcp.v6).toMatchObject({ established: 1, listen: 2, time_wait: 0 });
    expect(udp).toEqual({ v4Sockets: 3, v6Sockets: 2 });
  });

  it('maps Windows adapters: names with spaces, Hyper-V switch virtual, loopback without a MAC', () => {
    const data = mapNetwork(
      {
        interfaces: win32.networkInterfaces,
        stats: win32.networkStats,
        connections: win32.networkConnections,
      },
      null,
      0,
    );
    expect(data.interfaces.map((nic) => [nic.name, nic.kind])).toEqual([
      ['Ethernet', 'physical'],
      ['Ethernet 2', 'physical'],
      ['vEthernet (nat)', 'virtual'],
      ['Loopback Pseudo-Interface 1', 'loopback'],
    ]);
    expect(data.interfaces[0]).toMatchObject({
      speedBitsPerSec: 1e10,
      mtu: null,
      macAddress: '00:15:5d:0a:01:17',
    });
    expect(data.interfaces[0]?.counters).toMatchObject({
      rxBytes: 584930219837,
      txBytes: 1290348812345,
      rxDrops: 1342,
    });
    expect(data.interfaces[3]).toMatchObject({ macAddress: null, state: 'down', speedBitsPerSec: null });
    expect(data.tcp.v4).toMatchObject({
      listen: 6,
      established: 4,
      time_wait: 3,
      close_wait: 1,
      syn_sent: 1,
    });
    expect(data.tcp.v6).toMatchObject({ listen: 4, established: 1 });
    expect(data.udp).toEqual({ v4Sockets: 5, v6Sockets: 3 });
  });

  it('normalizes state words of netstat and ss on every OS', () => {
    expect(tcpState('ESTAB')).toBeNull();
    expect(tcpState('LISTENING')).toBe('listen');
    expect(tcpState('FIN_WAIT_1')).toBe('fin_wait1');
    expect(tcpState('SYN-RECV')).toBe('syn_recv');
    expect(tcpState('CLOSED')).toBe('close');
    expect(tcpState('UNKNOWN')).toBeNull();
    expect(tcpState('')).toBeNull();
    const socket = darwin.networkConnections[0]!;
    expect(isIpv6Socket({ ...socket, protocol: 'tcp', localAddress: '::' })).toBe(true);
    expect(isIpv6Socket({ ...socket, protocol: 'tcp46', localAddress: '*' })).toBe(true);
    expect(isIpv6Socket({ ...socket, protocol: 'TCP', localAddress: '10.0.0.1' })).toBe(false);
  });

  it('classifies interface names of Linux hosts too', () => {
    const nic = darwin.networkInterfaces[1]!;
    const kind = (iface: string, extra: Partial<Si.NetworkInterfacesData> = {}) =>
      interfaceKind({ ...nic, iface, ifaceName: iface, ...extra });
    expect(kind('docker0')).toBe('bridge');
    expect(kind('bond0')).toBe('bond');
    expect(kind('bond0.100')).toBe('vlan');
    expect(kind('veth1a2b3c')).toBe('veth');
    expect(kind('wg0')).toBe('tun');
    expect(kind('eth0', { virtual: true })).toBe('virtual');
    expect(kind('eth0')).toBe('physical');
  });

  it('computes interface rates, null when a counter went backwards', () => {
    const before = {
      rxBytes: 1000,
      txBytes: 2000,
      rxPackets: 0,
      txPackets: 0,
      rxErrors: 1,
      txErrors: 0,
      rxDrops: 0,
      txDrops: 0,
      rxMulticast: 0,
      collisions: 0,
    };
    const after = { ...before, rxBytes: 5000, txBytes: 2500, rxErrors: 3 };
    expect(interfaceRates(after, before, 2)).toMatchObject({
      rxBytesPerSec: 2000,
      txBytesPerSec: 250,
      rxErrorsPerSec: 1,
      rxPacketsPerSec: 0,
    });
    expect(interfaceRates(before, after, 2)).toBeNull();
    expect(interfaceRates(after, undefined, 2)).toBeNull();
  });

  it('keeps an interface without statistics at zero counters and null rates', () => {
    const earlier = mapNetwork(
      { interfaces: darwin.networkInterfaces, stats: darwin.networkStats, connections: [] },
      null,
      0,
    );
    const previous = new Map(earlier.interfaces.map((nic) => [nic.name, nic.counters]));
    const data = mapNetwork(
      { interfaces: darwin.networkInterfaces.slice(0, 2), stats: [], connections: [] },
      previous,
      1,
    );
    expect(data.interfaces[1]?.counters.rxBytes).toBe(0);
    expect(data.interfaces[1]?.rates).toBeNull();
    expect(data.tcp.v4.established).toBe(0);
  });
});

describe('processes', () => {
  const list = darwin.processes.list;
  const byPid = (pid: number) => list.find((entry) => entry.pid === pid)!;
  const noneSeen = new Map<number, number | null>();

  it('joins si path, command and params back into the command line off Windows', () => {
    expect(commandLine(byPid(9120), 'darwin')).toBe('/opt/homebrew/bin/node dist/server.js');
    expect(commandLine(byPid(398), 'darwin')).toBe(
      '/System/Library/PrivateFrameworks/SkyLight.framework/Resources/WindowServer -daemon',
    );
    expect(commandLine(byPid(9101), 'darwin')).toBe('-zsh');
    const sql = win32.processes.list.find((entry) => entry.pid === 3120)!;
    expect(commandLine(sql, 'win32')).toBe(
      '"C:\\Program Files\\Microsoft SQL Server\\MSSQL16.MSSQLSERVER\\MSSQL\\Binn\\sqlservr.exe" -sMSSQLSERVER',
    );
  });

  it('maps one macOS process: sizes from KiB, pcpu is percent of one core', () => {
    const seen = processSightings(list);
    const info = mapProcess(byPid(9120), {
      platform: 'darwin',
      logicalCpus: 12,
      maxCommandLength: 1024,
      seen,
    });
    expect(info).toMatchObject({
      pid: 9120,
      ppid: 9101,
      name: 'server.js',
      user: 'dev',
      uid: null,
      state: 'R',
      cpuPercent: 103.2,
      rssBytes: 1140736 * 1024,
      virtualBytes: 413270016 * 1024,
      threads: 0,
      userSeconds: 0,
      openFds: null,
      ioReadBytes: null,
      cgroupPath: null,
      container: null,
      startTime: new Date(2025, 10, 21, 9, 2, 31).getTime() / 1000,
    });
    expect(info.cpuPercentNormalized).toBeCloseTo(8.6, 9);
  });

  it('keeps CPU use null on first sight and for a reused pid', () => {
    const entry = byPid(8812);
    const options = { platform: 'darwin' as const, logicalCpus: 12, maxCommandLength: 1024 };
    expect(mapProcess(entry, { ...options, seen: noneSeen }).cpuPercent).toBeNull();
    const reused = new Map([[8812, parseStarted('2025-11-20 08:00:00')]]);
    expect(mapProcess(entry, { ...options, seen: reused }).cpuPercent).toBeNull();
    // ps etime is whole seconds: a start a second off is the same process.
    const jitter = new Map([[8812, parseStarted('2025-11-21 08:12:47')]]);
    expect(mapProcess(entry, { ...options, seen: jitter }).cpuPercent).toBe(42.5);
    expect(seenBefore(new Map([[1, null]]), 1, 5)).toBe(true);
  });

  it('derives both percentages from si per OS', () => {
    expect(cpuPercents(4.6, 'win32', 8)).toEqual({ cpuPercent: 36.8, cpuPercentNormalized: 4.6 });
    expect(cpuPercents(4.6, 'linux', 2)).toEqual({ cpuPercent: 9.2, cpuPercentNormalized: 4.6 });
    expect(cpuPercents(150, 'darwin', 10)).toEqual({ cpuPercent: 150, cpuPercentNormalized: 15 });
  });

  it('maps si state words to stat letters', () => {
    expect(
      [
        'running',
        'sleeping',
        'blocked',
        'stopped',
        'zombie',
        'dead',
        'ready',
        'suspended blocked',
        'unknown',
        '',
      ].map(stateLetter),
    ).toEqual(['R', 'S', 'D', 'T', 'Z', 'X', 'R', 'T', '?', '?']);
  });

  it('parses si start times as local time and rejects garbage', () => {
    expect(parseStarted('2025-11-21 06:00:02')).toBe(new Date(2025, 10, 21, 6, 0, 2).getTime() / 1000);
    expect(parseStarted('')).toBeNull();
    expect(parseStarted('yesterday')).toBeNull();
  });

  it('ranks the macOS top N by si CPU and counts states over all processes', () => {
    const data = mapProcesses(
      darwin.processes,
      { limit: 5, sortBy: 'cpu', maxCommandLength: 1024, include: [] },
      { platform: 'darwin', logicalCpus: 12, seen: noneSeen },
    );
    expect(data.sortedBy).toBe('cpu');
    expect(data.top.map((info) => info.pid)).toEqual([9120, 8812, 398, 512, 8790]);
    expect(data.top.every((info) => info.cpuPercent === null)).toBe(true);
    expect(data.counts).toEqual({
      total: 12,
      threads: 0,
      running: 2,
      sleeping: 8,
      blocked: 0,
      zombie: 1,
      stopped: 1,
      idle: 0,
    });
  });

  it('keeps include matches beyond the top N, in sort order', () => {
    const data = mapProcesses(
      darwin.processes,
      {
        limit: 2,
        sortBy: 'cpu',
        maxCommandLength: 1024,
        include: compileIncludeRules(['^postgres$', 'homebrew/var']),
      },
      { platform: 'darwin', logicalCpus: 12, seen: noneSeen },
    );
    expect(data.top.map((info) => info.pid)).toEqual([9120, 8812, 733]);
  });

  it('sorts by memory, pid and name; an io sort falls back to CPU and says so', () => {
    const run = (sortBy: 'memory' | 'pid' | 'name' | 'io') =>
      mapProcesses(
        darwin.processes,
        { limit: 3, sortBy, maxCommandLength: 1024, include: [] },
        { platform: 'darwin', logicalCpus: 12, seen: noneSeen },
      );
    expect(run('memory').top.map((info) => info.pid)).toEqual([9120, 8812, 398]);
    expect(run('pid').top.map((info) => info.pid)).toEqual([1, 312, 398]);
    expect(run('name').top.map((info) => info.name)).toEqual(['-zsh', '<defunct>', 'Google Chrome']);
    const io = run('io');
    expect(io.sortedBy).toBe('cpu');
    expect(io.top.map((info) => info.pid)).toEqual([9120, 8812, 398]);
  });

  it('leaves out the Windows idle process and uses all-core shares', () => {
    const seen = processSightings(win32.processes.list);
    const data = mapProcesses(
      win32.processes,
      { limit: 3, sortBy: 'cpu', maxCommandLength: 1024, include: [] },
      { platform: 'win32', logicalCpus: 8, seen },
    );
    expect(data.counts.total).toBe(10);
    expect(data.counts.running).toBe(0);
    expect(data.top.map((info) => [info.pid, info.name, info.state])).toEqual([
      [3120, 'sqlservr.exe', '?'],
      [2840, 'MsMpEng.exe', '?'],
      [4410, 'w3wp.exe', '?'],
    ]);
    expect(data.top[0]?.cpuPercent).toBeCloseTo(36.8, 9);
    expect(data.top[0]?.cpuPercentNormalized).toBe(4.6);
    expect(data.top[0]?.user).toBeNull();
    expect(data.top[0]?.rssBytes).toBe(8 * 2 ** 30);
    expect(data.top[1]?.command).toBe('MsMpEng.exe');
  });

  it('scrubs control characters and bounds names and command lines', () => {
    const hostile = {
      ...byPid(9120),
      name: 'evil\u001b[2Jname',
      user: 'dev\u0007',
      path: '',
      command: 'evil\u001b[2J',
      params: `--flag ${'x'.repeat(100)}`,
    };
    const info = mapProcess(hostile, {
      platform: 'darwin',
      logicalCpus: 12,
      maxCommandLength: 20,
      seen: noneSeen,
    });
    expect(info.name).toBe('evil?[2Jname');
    expect(info.user).toBe('dev?');
    expect(info.command).toHaveLength(20);
    expect(info.command).toBe('evil?[2J --flag xxx…');
  });

  it('rejects an invalid include pattern at construction', () => {
    expect(() => compileIncludeRules(['('])).toThrow(/invalid process include pattern "\("/);
  });
});

describe('helpers', () => {
  it('treats what si leaves empty as null', () => {
    expect(finiteOrNull('')).toBeNull();
    expect(finiteOrNull(null)).toBeNull();
    expect(finiteOrNull('1234')).toBe(1234);
    expect(finiteOrNull(Number.NaN)).toBeNull();
  });

  it('words the reason for a Linux-only section per platform', () => {
    expect(linuxOnlyReason('cgroups', 'are', 'darwin')).toBe(
      'cgroups are a Linux kernel feature; this host runs darwin',
    );
    expect(linuxOnlyReason('cgroups', 'are', 'linux')).toMatch(/Linux collectors/);
  });
});
