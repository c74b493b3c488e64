import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SystemData } from '@sysray/proto';
import { afterEach, describe, expect, it } from 'vitest';
import {
  countCoresAndSockets,
  countStatCpus,
  createSystemCollector,
  detectVirtualization,
  mapArch,
  parseBootTime,
  parseCpuInfo,
  parseCpuList,
  parseOsRelease,
  parseOsReleaseFields,
  parseUptime,
  type VirtualizationEvidence,
} from '../../src/collectors/system.js';
import type { CollectContext, CollectOutcome } from '../../src/collectors/types.js';
import { ManualClock } from '../../src/platform/clock.js';
import { resolveHostRoots } from '../../src/platform/host-roots.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));

function contextFor(rootfs: string): CollectContext {
  return {
    roots: resolveHostRoots({ rootfs }, {}),
    clock: new ManualClock(),
    signal: new AbortController().signal,
  };
}

function dataOf<T>(outcome: CollectOutcome<T>): T {
  if (outcome.kind !== 'ok') throw new Error(`expected ok, got unsupported: ${outcome.reason}`);
  return outcome.data;
}

const temps: string[] = [];
function copyFixture(variant: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), `sysray-system-${variant}-`));
  temps.push(dir);
  // Only what the system collector reads; the trees hold much more.
  for (const sub of [
    'proc/stat',
    'proc/uptime',
    'proc/cpuinfo',
    'proc/sys',
    'etc',
    'sys/devices/system/cpu',
    'sys/class/dmi',
    'sys/hypervisor',
  ]) {
    const from = path.join(FIXTURES, variant, sub);
    if (existsSync(from)) cpSync(from, path.join(dir, sub), { recursive: true });
  }
  return dir;
}
afterEach(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('parseOsRelease', () => {
  it('reads double-quoted, single-quoted and bare values per os-release(5)', () => {
    const text = [
      '# comment line',
      '',
      'NAME="Debian GNU/Linux"',
      "PRETTY_NAME='Debian GNU/Linux 12 (bookworm)'",
      'ID=debian',
      'VERSION_ID="12"',
      'not an assignment',
      '  HOME_URL="https://www.debian.org/"  ',
    ].join('\n');
    expect(parseOsRelease(text)).toEqual({
      id: 'debian',
      name: 'Debian GNU/Linux',
      versionId: '12',
      prettyName: 'Debian GNU/Linux 12 (bookworm)',
    });
    expect(parseOsReleaseFields(text).get('HOME_URL')).toBe('https://www.debian.org/');
  });

  it('undoes shell escapes inside double quotes and leaves single quotes literal', () => {
    const fields = parseOsReleaseFields(
      ['NAME="Say \\"hi\\" for \\$5 \\\\ \\`x\\`"', "LITERAL='a\\$b'", 'BARE=a\\ b'].join('\n'),
    );
    expect(fields.get('NAME')).toBe('Say "hi" for $5 \\ `x`');
    expect(fields.get('LITERAL')).toBe('a\\$b');
    expect(fields.get('BARE')).toBe('a b');
  });

  it('gives null for absent and empty fields', () => {
    expect(parseOsRelease('ID=alpine\nPRETTY_NAME=""\n')).toEqual({
      id: 'alpine',
      name: null,
      versionId: null,
      prettyName: null,
    });
    expect(parseOsRelease('')).toEqual({ id: null, name: null, versionId: null, prettyName: null });
  });
});

describe('small parsers', () => {
  it('parses /proc/uptime and rejects garbage', () => {
    expect(parseUptime('354712.43 2144166.91\n')).toBe(354712.43);
    expect(parseUptime('')).toBeNull();
    expect(parseUptime('abc def')).toBeNull();
  });

  it('finds btime in /proc/stat', () => {
    expect(parseBootTime('cpu  1 2 3 4\nbtime 1763700000\nprocesses 5\n')).toBe(1763700000);
    expect(parseBootTime('cpu  1 2 3 4\n')).toBeNull();
  });

  it('counts per-CPU lines of /proc/stat, not the aggregate', () => {
    expect(countStatCpus('cpu  1 2 3 4\ncpu0 1 1 1 1\ncpu2 1 1 1 1\nintr 5\n')).toBe(2);
  });

  it('parses sysfs CPU lists', () => {
    expect(parseCpuList('0-3,5,7-8\n')).toEqual([0, 1, 2, 3, 5, 7, 8]);
    expect(parseCpuList('0\n')).toEqual([0]);
    expect(parseCpuList('\n')).toEqual([]);
    expect(parseCpuList('x,2-a,4')).toEqual([4]);
  });

  it('maps Node architectures to OpenTelemetry host.arch', () => {
    expect(mapArch('x64')).toBe('amd64');
    expect(mapArch('arm64')).toBe('arm64');
    expect(mapArch('ia32')).toBe('x86');
    expect(mapArch('ppc64')).toBe('ppc64');
    expect(mapArch('s390x')).toBe('s390x');
    expect(mapArch('arm')).toBe('arm32');
    expect(mapArch('riscv64')).toBe('riscv64');
  });

  it('counts cores as distinct (package, core) pairs', () => {
    // AMD Zen numbers cores sparsely; two sockets reuse the same core ids.
    const cpus = [0, 1, 4, 5].flatMap((core) => [0, 1].map((packageId) => ({ packageId, coreId: core })));
    expect(countCoresAndSockets([...cpus, ...cpus])).toEqual({ physicalCores: 8, sockets: 2 });
    expect(countCoresAndSockets([{ packageId: null, coreId: 0 }])).toEqual({
      physicalCores: null,
      sockets: null,
    });
  });
});

describe('parseCpuInfo', () => {
  it('reads x86 model, vendor, hypervisor flag and core ids', () => {
    const block = (n: number, core: number) =>
      [
        `processor\t: ${n}`,
        'vendor_id\t: GenuineIntel',
        'model name\t: Intel(R) Xeon(R) CPU E5-2676 v3 @ 2.40GHz   ',
        'physical id\t: 0',
        `core id\t\t: ${core}`,
        'flags\t\t: fpu vme de hypervisor lahf_lm',
        '',
      ].join('\n');
    const info = parseCpuInfo(block(0, 0) + block(1, 1));
    expect(info.model).toBe('Intel(R) Xeon(R) CPU E5-2676 v3 @ 2.40GHz');
    expect(info.vendor).toBe('GenuineIntel');
    expect(info.hypervisorFlag).toBe(true);
    expect(info.processors).toEqual([
      { processor: 0, physicalId: 0, coreId: 0 },
      { processor: 1, physicalId: 0, coreId: 1 },
    ]);
  });

  it('names arm64 cores from CPU implementer and part (Graviton2)', () => {
    const text = [
      'processor\t: 0',
      'BogoMIPS\t: 243.75',
      'Features\t: fp asimd evtstrm aes pmull sha1 sha2 crc32 atomics fphp asimdhp cpuid asimdrdm lrcpc dcpop asimddp ssbs',
      'CPU implementer\t: 0x41',
      'CPU architecture: 8',
      'CPU variant\t: 0x3',
      'CPU part\t: 0xd0c',
      'CPU revision\t: 1',
      '',
    ].join('\n');
    const info = parseCpuInfo(text);
    expect(info.model).toBe('ARM Neoverse-N1');
    expect(info.vendor).toBe('ARM');
    expect(info.hypervisorFlag).toBe(false);
    expect(info.processors).toEqual([{ processor: 0, physicalId: null, coreId: null }]);
  });

  it('falls back to Hardware, then Model, then the raw part code on arm', () => {
    const arm = (extra: string) => `processor\t: 0\nCPU implementer\t: 0x41\nCPU part\t: 0xfff\n\n${extra}`;
    expect(parseCpuInfo(arm('Hardware\t: BCM2835\nModel\t\t: Raspberry Pi 4 Model B Rev 1.1\n')).model).toBe(
      'BCM2835',
    );
    expect(parseCpuInfo(arm('Model\t\t: Raspberry Pi 4 Model B Rev 1.1\n')).model).toBe(
      'Raspberry Pi 4 Model B Rev 1.1',
    );
    expect(parseCpuInfo(arm('')).model).toBe('ARM part 0xfff');
  });

  it('prefers model name when a 32-bit ARM kernel prints one', () => {
    const text =
      'processor\t: 0\nmodel name\t: ARMv7 Processor rev 3 (v7l)\nCPU implementer\t: 0x41\nCPU part\t: 0xd08\n';
    expect(parseCpuInfo(text).model).toBe('ARMv7 Processor rev 3 (v7l)');
  });

  it('gives nulls for empty or foreign text', () => {
    expect(parseCpuInfo('')).toEqual({ model: null, vendor: null, hypervisorFlag: false, processors: [] });
    expect(parseCpuInfo('garbage\n:::\n').model).toBeNull();
  });
});

describe('detectVirtualization', () => {
  const none: VirtualizationEvidence = {
    containerMarker: false,
    kernelRelease: '6.8.0-45-generic',
    hypervisorType: null,
    xenDom0: false,
    dmiSysVendor: null,
    dmiProductName: null,
    dmiBiosVendor: null,
    dmiBoardVendor: null,
    cpuHypervisorFlag: false,
  };

  it.each<[string, Partial<VirtualizationEvidence>, string | null]>([
    ['bare metal', { dmiSysVendor: 'Supermicro', dmiProductName: 'AS -1114S-WN10RT' }, null],
    ['docker', { containerMarker: true, dmiSysVendor: 'Amazon EC2' }, 'container'],
    ['wsl2', { kernelRelease: '5.15.153.1-microsoft-standard-WSL2', cpuHypervisorFlag: true }, 'wsl'],
    ['wsl1', { kernelRelease: '4.4.0-19041-Microsoft' }, 'wsl'],
    ['xen from sysfs', { hypervisorType: 'xen' }, 'xen'],
    ['xen dom0 is the host', { hypervisorType: 'xen', xenDom0: true }, null],
    [
      'ec2 nitro',
      { dmiSysVendor: 'Amazon EC2', dmiProductName: 'c5.2xlarge', cpuHypervisorFlag: true },
      'amazon',
    ],
    ['ec2 bare metal', { dmiSysVendor: 'Amazon EC2', dmiProductName: 'm5.metal' }, null],
    ['gce', { dmiSysVendor: 'Google', dmiProductName: 'Google Compute Engine' }, 'google'],
    ['vmware', { dmiSysVendor: 'VMware, Inc.', dmiProductName: 'VMware Virtual Platform' }, 'vmware'],
    ['qemu', { dmiSysVendor: 'QEMU', dmiProductName: 'Standard PC (Q35 + ICH9, 2009)' }, 'qemu'],
    ['openstack', { dmiSysVendor: 'OpenStack Foundation', dmiProductName: 'OpenStack Nova' }, 'kvm'],
    ['hyper-v', { dmiSysVendor: 'Microsoft Corporation', dmiProductName: 'Virtual Machine' }, 'hyperv'],
    ['surface laptop', { dmiSysVendor: 'Microsoft Corporation', dmiProductName: 'Surface Laptop 5' }, null],
    ['virtualbox via bios vendor', { dmiBiosVendor: 'innotek GmbH' }, 'virtualbox'],
    ['only the cpuid bit', { cpuHypervisorFlag: true }, 'vm'],
  ])('%s', (_name, evidence, expected) => {
    expect(detectVirtualization({ ...none, ...evidence })).toBe(expected);
  });
});

describe('system collector on fixture trees', () => {
  const expected: Record<string, SystemData> = {
    'v2-containers': {
      hostname: 'k8s-node-1',
      hostId: '8f3c2a7e51d94b0e9a6c4d2f10b7e385',
      osType: 'linux',
      os: { id: 'ubuntu', name: 'Ubuntu', versionId: '24.04', prettyName: 'Ubuntu 24.04.1 LTS' },
      kernelRelease: '6.8.0-45-generic',
      kernelVersion: '#45-Ubuntu SMP PREEMPT_DYNAMIC Fri Aug 30 12:02:04 UTC 2024',
      arch: 'amd64',
      bootTime: 1763700000,
      uptimeSeconds: 354712.43,
      cpuModel: 'Intel(R) Xeon(R) Platinum 8275CL CPU @ 3.00GHz',
      cpuVendor: 'GenuineIntel',
      logicalCpus: 8,
      physicalCores: 4,
      sockets: 1,
      virtualization: 'amazon',
    },
    'hybrid-v1v2': {
      hostname: 'web-01',
      hostId: '2b6e0d41c8a94f7fb3e95a10c6d2874e',
      osType: 'linux',
      os: { id: 'ubuntu', name: 'Ubuntu', versionId: '20.04', prettyName: 'Ubuntu 20.04.6 LTS' },
      kernelRelease: '5.4.0-150-generic',
      kernelVersion: '#167-Ubuntu SMP Mon May 15 17:35:05 UTC 2023',
      arch: 'amd64',
      bootTime: 1763700000,
      uptimeSeconds: 86412.57,
      cpuModel: 'Intel(R) Xeon(R) Gold 6248R CPU @ 3.00GHz',
      cpuVendor: 'GenuineIntel',
      logicalCpus: 4,
      physicalCores: 4,
      sockets: 1,
      virtualization: 'vmware',
    },
    'no-psi': {
      hostname: 'legacy-xen',
      hostId: 'c0ffee15d2b44e8c8e7a6f5b4c3d2e1f',
      osType: 'linux',
      os: { id: 'ubuntu', name: 'Ubuntu', versionId: '18.04', prettyName: 'Ubuntu 18.04.6 LTS' },
      kernelRelease: '4.15.0-213-generic',
      kernelVersion: '#224-Ubuntu SMP Mon Jun 19 13:30:12 UTC 2023',
      arch: 'amd64',
      bootTime: 1763700000,
      uptimeSeconds: 1209655.2,
      cpuModel: 'Intel(R) Xeon(R) CPU E5-2676 v3 @ 2.40GHz',
      cpuVendor: 'GenuineIntel',
      logicalCpus: 2,
      physicalCores: 2,
      sockets: 1,
      virtualization: 'xen',
    },
    'nvme-dm-md': {
      hostname: 'storage-01',
      hostId: '5d1e9f0a7b3c4c26a8e2f4b6d0c9a713',
      osType: 'linux',
      os: {
        id: 'debian',
        name: 'Debian GNU/Linux',
        versionId: '12',
        prettyName: 'Debian GNU/Linux 12 (bookworm)',
      },
      kernelRelease: '6.1.0-18-amd64',
      kernelVersion: '#1 SMP PREEMPT_DYNAMIC Debian 6.1.76-1 (2024-02-01)',
      arch: 'amd64',
      bootTime: 1763700000,
      uptimeSeconds: 604833.91,
      cpuModel: 'AMD EPYC 7232P 8-Core Processor',
      cpuVendor: 'AuthenticAMD',
      logicalCpus: 16,
      physicalCores: 8,
      sockets: 1,
      virtualization: null,
    },
  };

  for (const [variant, want] of Object.entries(expected)) {
    it(`reports ${variant}`, async () => {
      const collector = createSystemCollector({ arch: 'x64', fallbackHostname: () => 'unused' });
      expect(collector.section).toBe('system');
      const data = dataOf(await collector.collect(contextFor(path.join(FIXTURES, variant))));
      expect(data).toEqual(want);
    });
  }

  it('maps the arch option', async () => {
    const collector = createSystemCollector({ arch: 'arm64' });
    const data = dataOf(await collector.collect(contextFor(path.join(FIXTURES, 'v2-containers'))));
    expect(data.arch).toBe('arm64');
  });
});

describe('system collector fallbacks', () => {
  it('uses /etc/hostname, the D-Bus machine id and /usr/lib/os-release when the primary files are absent', async () => {
    const root = copyFixture('nvme-dm-md');
    rmSync(path.join(root, 'proc/sys/kernel/hostname'));
    writeFileSync(path.join(root, 'etc/hostname'), '# set by installer\nstorage-01-alt\n');
    rmSync(path.join(root, 'etc/machine-id'));
    mkdirSync(path.join(root, 'var/lib/dbus'), { recursive: true });
    writeFileSync(path.join(root, 'var/lib/dbus/machine-id'), 'ABCDEF0123456789ABCDEF0123456789\n');
    rmSync(path.join(root, 'etc/os-release'));
    mkdirSync(path.join(root, 'usr/lib'), { recursive: true });
    writeFileSync(path.join(root, 'usr/lib/os-release'), 'ID=debian\nVERSION_ID="13"\n');

    const data = dataOf(await createSystemCollector({ arch: 'x64' }).collect(contextFor(root)));
    expect(data.hostname).toBe('storage-01-alt');
    expect(data.hostId).toBe('abcdef0123456789abcdef0123456789');
    expect(data.os).toEqual({ id: 'debian', name: null, versionId: '13', prettyName: null });
  });

  it('reports null identity fields when nothing is there, and the injected hostname as last resort', async () => {
    const root = copyFixture('no-psi');
    for (const file of [
      'proc/sys/kernel/hostname',
      'proc/sys/kernel/osrelease',
      'proc/sys/kernel/version',
      'proc/uptime',
      'etc/hostname',
      'etc/machine-id',
      'etc/os-release',
    ]) {
      rmSync(path.join(root, file));
    }
    const data = dataOf(
      await createSystemCollector({ arch: 'x64', fallbackHostname: () => 'from-uname' }).collect(
        contextFor(root),
      ),
    );
    expect(data.hostname).toBe('from-uname');
    expect(data.hostId).toBeNull();
    expect(data.kernelRelease).toBeNull();
    expect(data.kernelVersion).toBeNull();
    expect(data.uptimeSeconds).toBeNull();
    expect(data.os).toEqual({ id: null, name: null, versionId: null, prettyName: null });
    // Xen still comes from /sys/hypervisor/type.
    expect(data.virtualization).toBe('xen');
  });

  it('rejects a malformed machine id', async () => {
    const root = copyFixture('hybrid-v1v2');
    writeFileSync(path.join(root, 'etc/machine-id'), 'uninitialized\n');
    const data = dataOf(await createSystemCollector().collect(contextFor(root)));
    expect(data.hostId).toBeNull();
  });

  it('counts cores from cpuinfo when sysfs has no topology', async () => {
    const root = copyFixture('nvme-dm-md');
    rmSync(path.join(root, 'sys/devices/system/cpu'), { recursive: true });
    const data = dataOf(await createSystemCollector().collect(contextFor(root)));
    expect(data.logicalCpus).toBe(16);
    expect(data.physicalCores).toBe(8);
    expect(data.sockets).toBe(1);
  });

  it('says container when rootfs carries a container marker', async () => {
    const docker = copyFixture('v2-containers');
    writeFileSync(path.join(docker, '.dockerenv'), '');
    expect(dataOf(await createSystemCollector().collect(contextFor(docker))).virtualization).toBe(
      'container',
    );

    const podman = copyFixture('nvme-dm-md');
    mkdirSync(path.join(podman, 'run'), { recursive: true });
    writeFileSync(path.join(podman, 'run/.containerenv'), 'engine="podman-4.9.3"\n');
    expect(dataOf(await createSystemCollector().collect(contextFor(podman))).virtualization).toBe(
      'container',
    );
  });

  it('caches boot-time facts but rereads hostname, uptime and the CPU set', async () => {
    const root = copyFixture('v2-containers');
    const collector = createSystemCollector({ arch: 'x64' });
    const context = contextFor(root);
    const first = dataOf(await collector.collect(context));
    expect(first.physicalCores).toBe(4);

    writeFileSync(path.join(root, 'proc/sys/kernel/hostname'), 'k8s-node-renamed\n');
    writeFileSync(path.join(root, 'proc/sys/kernel/osrelease'), '9.9.9-changed\n');
    writeFileSync(path.join(root, 'proc/uptime'), '354714.43 2144180.00\n');
    // Both threads of core 1 (cpu1 and cpu5) go offline: /proc/stat drops their lines and sysfs their bits.
    const stat = path.join(root, 'proc/stat');
    writeFileSync(
      stat,
      readFileSync(stat, 'utf8')
        .split('\n')
        .filter((line) => !line.startsWith('cpu1 ') && !line.startsWith('cpu5 '))
        .join('\n'),
    );
    writeFileSync(path.join(root, 'sys/devices/system/cpu/online'), '0,2-4,6-7\n');

    const second = dataOf(await collector.collect(context));
    expect(second.hostname).toBe('k8s-node-renamed');
    expect(second.kernelRelease).toBe('6.8.0-45-generic');
    expect(second.uptimeSeconds).toBe(354714.43);
    expect(second.logicalCpus).toBe(6);
    expect(second.physicalCores).toBe(3);
    expect(second.sockets).toBe(1);
  });
});

describe('system collector on the live host', () => {
  it.runIf(process.platform === 'linux')('reports sane values', async () => {
    const collector = createSystemCollector();
    const outcome = await collector.collect({
      roots: resolveHostRoots({}, {}),
      clock: new ManualClock(),
      signal: new AbortController().signal,
    });
    const data = dataOf(outcome);
    expect(data.hostname.length).toBeGreaterThan(0);
    expect(data.osType).toBe('linux');
    expect(data.logicalCpus).toBeGreaterThanOrEqual(1);
    expect(data.bootTime).toBeGreaterThan(1_000_000_000);
    expect(data.bootTime).toBeLessThanOrEqual(Date.now() / 1000);
    expect(data.uptimeSeconds).toBeGreaterThan(0);
    expect(data.kernelRelease).toMatch(/^\d+\.\d+/);
    if (data.physicalCores !== null) expect(data.physicalCores).toBeLessThanOrEqual(data.logicalCpus);
    if (data.hostId !== null) expect(data.hostId).toMatch(/^[0-9a-f]{32}$/);
  });
});
