import { Buffer } from 'node:buffer';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { NetworkData } from '@sysray/proto';
import { emptyTcpStateCounts } from '@sysray/proto';
import { createNetworkCollector, type NetworkCollectorOptions } from '../../src/collectors/network.js';
import {
  classifyInterface,
  countTcpStateLines,
  createTcpStateTally,
  parseNetDev,
  parseProtoTable,
  parseSockstat,
  parseTcpStates,
  parseUevent,
  parseVlanConfig,
  protocolCountersFrom,
  tallyToTcpStates,
  type InterfaceFacts,
} from '../../src/collectors/network-parse.js';
import type { CollectContext } from '../../src/collectors/types.js';
import { ManualClock } from '../../src/platform/clock.js';
import { resolveHostRoots, type HostRoots } from '../../src/platform/host-roots.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));

function fixtureRoots(variant: string): HostRoots {
  return resolveHostRoots({ rootfs: path.join(FIXTURES, variant) }, {});
}

function context(
  roots: HostRoots,
  clock = new ManualClock(),
  signal = new AbortController().signal,
): CollectContext {
  return { roots, clock, signal };
}

async function collectData(
  roots: HostRoots,
  options?: NetworkCollectorOptions,
  clock = new ManualClock(),
): Promise<NetworkData> {
  const outcome = await createNetworkCollector(options).collect(context(roots, clock));
  if (outcome.kind !== 'ok') throw new Error(`expected ok, got ${outcome.kind}: ${outcome.reason}`);
  return outcome.data;
}

function iface(data: NetworkData, name: string) {
  const found = data.interfaces.find((i) => i.name === name);
  if (found === undefined) throw new Error(`no interface ${name}`);
  return found;
}

const temps: string[] = [];
afterEach(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Copies the network part of a fixture tree to a temp dir so a test can edit it. */
function copyTree(variant: string): { dir: string; roots: HostRoots } {
  const dir = mkdtempSync(path.join(tmpdir(), `sysray-network-${variant}-`));
  temps.push(dir);
  for (const sub of ['proc/net', 'sys/class/net']) {
    cpSync(path.join(FIXTURES, variant, sub), path.join(dir, sub), { recursive: true });
  }
  return { dir, roots: resolveHostRoots({ rootfs: dir }, {}) };
}

/** One `/proc/net/dev` line in the kernel's format (net/core/net-procfs.c). */
function devLine(name: string, values: readonly number[]): string {
  const widths = [8, 7, 4, 4, 4, 5, 10, 9, 8, 7, 4, 4, 4, 5, 7, 10];
  const columns = values.map((v, i) => String(v).padStart(widths[i] ?? 0));
  return `${name.padStart(6)}:${columns.join(' ')}`;
}

function replaceLine(file: string, pattern: RegExp, line: string): void {
  const text = readFileSync(file, 'utf8');
  if (!pattern.test(text)) throw new Error(`no line ${pattern} in ${file}`);
  writeFileSync(file, text.replace(pattern, line));
}

// ---------------------------------------------------------------- parsers

describe('parseNetDev', () => {
  const header =
    'Inter-|   Receive                                                |  Transmit\n' +
    ' face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\n';

  it('maps the sixteen columns and skips the two header lines', () => {
    const text =
      header +
      '    lo:    3193      29    0    0    0     0          0         0     3193      29    0    0    0     0       0          0\n' +
      '  eth0: 1000000    2000    3    4    5     6          7         8  9000000    1000   11   12   13    14      15         16\n';
    expect(parseNetDev(text)).toEqual([
      {
        name: 'lo',
        counters: {
          rxBytes: 3193,
          rxPackets: 29,
          rxErrors: 0,
          rxDrops: 0,
          rxMulticast: 0,
          txBytes: 3193,
          txPackets: 29,
          txErrors: 0,
          txDrops: 0,
          collisions: 0,
        },
      },
      {
        name: 'eth0',
        counters: {
          rxBytes: 1000000,
          rxPackets: 2000,
          rxErrors: 3,
          rxDrops: 4,
          rxMulticast: 8,
          txBytes: 9000000,
          txPackets: 1000,
          txErrors: 11,
          txDrops: 12,
          collisions: 14,
        },
      },
    ]);
  });

  it('reads a counter glued to the colon and names longer than six characters', () => {
    const text =
      header +
      '  eth0:48213377021 39512004    0   12    0     0          0    120431 9876543210 21003456    0    0    0     0       0          0\n' +
      'veth3b8f0d21:556677889 1234567    0    0    0     0          0         0 667788990 1345678    0    0    0     0       0          0\n';
    const entries = parseNetDev(text);
    expect(entries.map((e) => e.name)).toEqual(['eth0', 'veth3b8f0d21']);
    expect(entries[0]?.counters.rxBytes).toBe(48213377021);
    expect(entries[0]?.counters.rxPackets).toBe(39512004);
    expect(entries[0]?.counters.rxMulticast).toBe(120431);
    expect(entries[1]?.counters.rxBytes).toBe(556677889);
    expect(entries[1]?.counters.txPackets).toBe(1345678);
  });

  it('skips garbage, short and non-numeric lines', () => {
    const text =
      header +
      'garbage without a colon\n' +
      '  eth1: 1 2 3\n' +
      '  eth2: a b c d e f g h i j k l m n o p\n' +
      '  eth3: 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 -16\n' +
      '  eth4: 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16\n' +
      '\n';
    expect(parseNetDev(text).map((e) => e.name)).toEqual(['eth4']);
    expect(parseNetDev('')).toEqual([]);
  });
});

describe('TCP state counting', () => {
  const v4Header =
    '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode'.padEnd(
      149,
    ) + '\n';
  const row = (sl: number, st: string): string =>
    `${String(sl).padStart(4)}: 0100007F:0016 00000000:0000 ${st} 00000000:00000000 00:00000000 00000000     0        0 1163 1 000000001ab822b9 100 0 0 10 0`.padEnd(
      149,
    ) + '\n';

  it('counts every state code and ignores the header', () => {
    const codes = ['01', '02', '03', '04', '05', '06', '07', '08', '09', '0A', '0B', '0C', '0A', '01', '06'];
    const text = v4Header + codes.map((c, i) => row(i, c)).join('');
    expect(parseTcpStates(text)).toEqual({
      established: 2,
      syn_sent: 1,
      syn_recv: 1,
      fin_wait1: 1,
      fin_wait2: 1,
      time_wait: 2,
      close: 1,
      close_wait: 1,
      last_ack: 1,
      listen: 2,
      closing: 1,
      new_syn_recv: 1,
    });
  });

  it('reads tcp6 lines, lower-case hex, sl wider than four digits and a last line without newline', () => {
    const text =
      '  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n' +
      '   0: 00000000000000000000000000000000:0016 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1 0000000000000000 100 0 0 10 0\n' +
      '12345: 0000000000000000FFFF00000F01000A:280A 0000000000000000FFFF00000A00000A:C822 0a 00000000:00000000 00:00000000 00000000     0        0 2 1 0000000000000000 20 4 0 10 0\n' +
      '   2: 0000000000000000FFFF00000F01000A:280A 0000000000000000FFFF00000A00000A:C823 01 00000000:00000000 00:00000000 00000000     0        0 3 1 0000000000000000';
    const counts = parseTcpStates(text);
    expect(counts.listen).toBe(2);
    expect(counts.established).toBe(1);
  });

  it('skips garbage lines, unknown codes and malformed state fields', () => {
    const text =
      v4Header +
      'garbage\n' +
      '\n' +
      '   0: 0100007F:0016 00000000:0000\n' + // truncated before the state
      '   1: 0100007F:0016 00000000:0000 0ZZ 00000000:00000000\n' +
      '   2: 0100007F:0016 00000000:0000 1 00000000:00000000\n' +
      '   3: 0100007F:0016 00000000:0000 0D 00000000:00000000\n' + // TCP_BOUND_INACTIVE: not a TcpState
      '   4: 0100007F:0016 00000000:0000 010 00000000:00000000\n' +
      row(5, '01');
    expect(parseTcpStates(text)).toEqual({ ...emptyTcpStateCounts(), established: 1 });
  });

  it('consumes only complete lines until told the input is final', () => {
    const text = row(0, '01') + row(1, '0A').slice(0, 40);
    const bytes = Buffer.from(text);
    const tally = createTcpStateTally();
    const consumed = countTcpStateLines(bytes, bytes.length, tally);
    expect(consumed).toBe(row(0, '01').length);
    expect(tallyToTcpStates(tally)).toEqual({ ...emptyTcpStateCounts(), established: 1 });
    // Bytes beyond `end` (stale data in a reused buffer) are never read.
    const stale = Buffer.from(row(0, '06') + row(1, '06'));
    expect(countTcpStateLines(stale, 20, createTcpStateTally())).toBe(0);
    countTcpStateLines(bytes.subarray(consumed), bytes.length - consumed, tally, true);
    expect(tallyToTcpStates(tally)).toEqual({ ...emptyTcpStateCounts(), established: 1, listen: 1 });
  });
});

describe('parseProtoTable and protocolCountersFrom', () => {
  const snmp =
    'Ip: Forwarding DefaultTTL InReceives\n' +
    'Ip: 1 64 7733\n' +
    'Tcp: RtoAlgorithm RtoMin RtoMax MaxConn ActiveOpens PassiveOpens AttemptFails EstabResets CurrEstab InSegs OutSegs RetransSegs InErrs OutRsts InCsumErrors\n' +
    'Tcp: 1 200 120000 -1 76 2 3 4 5 7641 4382 9 10 134 0\n' +
    'Udp: InDatagrams NoPorts InErrors OutDatagrams RcvbufErrors SndbufErrors InCsumErrors IgnoredMulti MemErrors\n' +
    'Udp: 91 7 8 92 11 12 0 0 0\n';
  const netstat =
    'TcpExt: SyncookiesSent ListenOverflows ListenDrops TCPTimeouts\n' +
    'TcpExt: 0 17 19 2345\n' +
    'IpExt: InNoRoutes\n' +
    'IpExt: 0\n';

  it('pairs header and value lines by name, signed values included', () => {
    const table = parseProtoTable(snmp);
    expect([...table.keys()]).toEqual(['Ip', 'Tcp', 'Udp']);
    expect(table.get('Tcp')?.get('MaxConn')).toBe(-1);
    expect(table.get('Tcp')?.get('RetransSegs')).toBe(9);
    expect(table.get('Udp')?.get('MemErrors')).toBe(0);
  });

  it('maps the counters of ProtocolCounters', () => {
    expect(protocolCountersFrom(parseProtoTable(snmp), parseProtoTable(netstat))).toEqual({
      tcpActiveOpens: 76,
      tcpPassiveOpens: 2,
      tcpAttemptFails: 3,
      tcpEstabResets: 4,
      tcpInSegs: 7641,
      tcpOutSegs: 4382,
      tcpRetransSegs: 9,
      tcpInErrs: 10,
      tcpOutRsts: 134,
      tcpListenOverflows: 17,
      tcpListenDrops: 19,
      tcpTimeouts: 2345,
      udpInDatagrams: 91,
      udpOutDatagrams: 92,
      udpInErrors: 8,
      udpNoPorts: 7,
      udpRcvbufErrors: 11,
      udpSndbufErrors: 12,
    });
  });

  it('reads counters an older kernel lacks, or a missing file, as 0', () => {
    // Linux 2.6.17 and older: Udp without RcvbufErrors and SndbufErrors.
    const old = 'Udp: InDatagrams NoPorts InErrors OutDatagrams\nUdp: 5 6 7 8\n';
    const counters = protocolCountersFrom(parseProtoTable(old), new Map());
    expect(counters.udpInDatagrams).toBe(5);
    expect(counters.udpOutDatagrams).toBe(8);
    expect(counters.udpRcvbufErrors).toBe(0);
    expect(counters.tcpListenDrops).toBe(0);
    expect(counters.tcpInSegs).toBe(0);
  });

  it('survives unpaired, repeated and garbage lines', () => {
    const text =
      'Tcp: ActiveOpens PassiveOpens\n' + // header never followed by values
      'Udp: 1 2 3\n' + // values with no header
      'garbage line\n' +
      'Tcp: ActiveOpens PassiveOpens InSegs\n' +
      'Tcp: 10 x 30 40\n' + // non-numeric value and one value too many
      'Udp: InDatagrams\n' +
      'Icmp: InMsgs\n' + // a different prefix breaks the pair
      'Udp: 99\n';
    const table = parseProtoTable(text);
    expect(table.get('Tcp')).toEqual(
      new Map([
        ['ActiveOpens', 10],
        ['InSegs', 30],
      ]),
    );
    expect(table.has('Udp')).toBe(false);
    expect(parseProtoTable('')).toEqual(new Map());
  });
});

describe('parseSockstat, parseVlanConfig, parseUevent', () => {
  it('parses sockstat and sockstat6', () => {
    const v4 = parseSockstat(
      'sockets: used 15\nTCP: inuse 1 orphan 0 tw 0 alloc 1 mem 234\nUDP: inuse 3 mem 1\nUDPLITE: inuse 0\nRAW: inuse 0\nFRAG: inuse 0 memory 0\n',
    );
    expect(v4.get('UDP')?.get('inuse')).toBe(3);
    expect(v4.get('TCP')?.get('mem')).toBe(234);
    expect(v4.get('sockets')?.get('used')).toBe(15);
    const v6 = parseSockstat(
      'TCP6: inuse 2\nUDP6: inuse 4\nUDPLITE6: inuse 0\nRAW6: inuse 0\nFRAG6: inuse 0 memory 0\n',
    );
    expect(v6.get('UDP6')?.get('inuse')).toBe(4);
    expect(parseSockstat('UDP: inuse\ngarbage\n').get('UDP')?.has('inuse')).toBe(false);
  });

  it('parses /proc/net/vlan/config', () => {
    const text =
      'VLAN Dev name\t | VLAN ID\n' +
      'Name-Type: VLAN_NAME_TYPE_RAW_PLUS_VID_NO_PAD\n' +
      'bond0.100      | 100  | bond0\n' +
      'eth0.4094      | 4094  | eth0\n';
    expect(parseVlanConfig(text)).toEqual(
      new Map([
        ['bond0.100', 100],
        ['eth0.4094', 4094],
      ]),
    );
    expect(parseVlanConfig('')).toEqual(new Map());
  });

  it('parses uevent', () => {
    const uevent = parseUevent('DEVTYPE=vxlan\nINTERFACE=flannel.1\nIFINDEX=4\n');
    expect(uevent.get('DEVTYPE')).toBe('vxlan');
    expect(uevent.get('IFINDEX')).toBe('4');
    expect(parseUevent('INTERFACE=eth0\n').has('DEVTYPE')).toBe(false);
  });
});

describe('classifyInterface', () => {
  const base: InterfaceFacts = {
    type: 1,
    flags: 0x1003,
    entries: new Set(['address', 'mtu', 'operstate']),
    devType: null,
    listedAsVlan: false,
    ifindex: 5,
    iflink: 5,
  };
  const withEntries = (...names: string[]): ReadonlySet<string> => new Set([...base.entries, ...names]);

  it.each<[string, Partial<InterfaceFacts>, string]>([
    ['loopback by type', { type: 772, flags: 0x9 }, 'loopback'],
    ['loopback by IFF_LOOPBACK alone', { type: null, flags: 0x9 }, 'loopback'],
    ['bridge by bridge/', { entries: withEntries('bridge') }, 'bridge'],
    ['bridge by DEVTYPE', { devType: 'bridge' }, 'bridge'],
    ['bond by bonding/', { entries: withEntries('bonding') }, 'bond'],
    ['vlan by /proc/net/vlan/config', { listedAsVlan: true, iflink: 4 }, 'vlan'],
    ['vlan by DEVTYPE', { devType: 'vlan', iflink: 4 }, 'vlan'],
    ['tun by tun_flags', { entries: withEntries('tun_flags'), type: 65534 }, 'tun'],
    ['physical by device', { entries: withEntries('device') }, 'physical'],
    ['wlan with a device is physical', { entries: withEntries('device'), devType: 'wlan' }, 'physical'],
    [
      'bond slave is physical',
      { entries: withEntries('device', 'bonding_slave'), flags: 0x1803 },
      'physical',
    ],
    ['vxlan by DEVTYPE', { devType: 'vxlan' }, 'vxlan'],
    ['wireguard by DEVTYPE', { devType: 'wireguard', type: 65534 }, 'wireguard'],
    ['veth: ether linked to a peer', { iflink: 2 }, 'veth'],
    ['macvlan: linked but has a lower device', { iflink: 2, entries: withEntries('lower_eth0') }, 'virtual'],
    ['ipip tunnel with iflink 0', { type: 768, iflink: 0 }, 'virtual'],
    ['dummy device', {}, 'virtual'],
    [
      'unreadable sysfs',
      { type: null, flags: null, entries: new Set(), ifindex: null, iflink: null },
      'virtual',
    ],
  ])('%s', (_label, facts, kind) => {
    expect(classifyInterface({ ...base, ...facts })).toBe(kind);
  });
});

// ---------------------------------------------------------------- fixture trees

describe('network collector on fixture trees', () => {
  it('v2-containers: container networking, counters, TCP, UDP and protocol counters', async () => {
    const data = await collectData(fixtureRoots('v2-containers'));
    expect(data.interfaces.map((i) => [i.name, i.kind])).toEqual([
      ['lo', 'loopback'],
      ['eth0', 'physical'],
      ['docker0', 'bridge'],
      ['flannel.1', 'vxlan'],
      ['cni0', 'bridge'],
      ['veth6c1e2a9', 'veth'],
      ['veth3b8f0d21', 'veth'],
    ]);
    expect(iface(data, 'eth0')).toEqual({
      name: 'eth0',
      state: 'up',
      speedBitsPerSec: 25_000_000_000,
      mtu: 9001,
      macAddress: '02:4f:8a:1c:3e:d7',
      kind: 'physical',
      counters: {
        rxBytes: 48213377021,
        txBytes: 9876543210,
        rxPackets: 39512004,
        txPackets: 21003456,
        rxErrors: 0,
        txErrors: 0,
        rxDrops: 12,
        txDrops: 0,
        rxMulticast: 120431,
        collisions: 0,
      },
      rates: null,
    });
    const lo = iface(data, 'lo');
    expect([lo.state, lo.speedBitsPerSec, lo.mtu, lo.macAddress]).toEqual([
      'unknown',
      null,
      65536,
      '00:00:00:00:00:00',
    ]);
    expect(lo.counters.rxBytes).toBe(987654321);
    // Bridges report SPEED_UNKNOWN (-1); vxlan has no `speed` at all; veth claims 10 Gb/s.
    expect(iface(data, 'docker0').speedBitsPerSec).toBeNull();
    expect(iface(data, 'docker0').counters.txDrops).toBe(3);
    expect(iface(data, 'flannel.1')).toMatchObject({ state: 'unknown', speedBitsPerSec: null, mtu: 8951 });
    expect(iface(data, 'flannel.1').counters.txDrops).toBe(58);
    expect(iface(data, 'veth3b8f0d21')).toMatchObject({
      speedBitsPerSec: 10_000_000_000,
      macAddress: 'd2:5b:0e:a4:31:66',
      counters: { rxBytes: 556677889, txPackets: 1345678 },
    });
    expect(data.tcp.v4).toEqual({
      ...emptyTcpStateCounts(),
      established: 9,
      syn_sent: 1,
      syn_recv: 1,
      fin_wait2: 1,
      time_wait: 4,
      close_wait: 2,
      last_ack: 1,
      listen: 6,
    });
    expect(data.tcp.v6).toEqual({ ...emptyTcpStateCounts(), established: 2, time_wait: 1, listen: 3 });
    expect(data.udp).toEqual({ v4Sockets: 9, v6Sockets: 4 });
    expect(data.protocol).toEqual({
      tcpActiveOpens: 1834567,
      tcpPassiveOpens: 923456,
      tcpAttemptFails: 12345,
      tcpEstabResets: 6789,
      tcpInSegs: 987654321,
      tcpOutSegs: 876543210,
      tcpRetransSegs: 123456,
      tcpInErrs: 42,
      tcpOutRsts: 34567,
      tcpListenOverflows: 17,
      tcpListenDrops: 19,
      tcpTimeouts: 2345,
      udpInDatagrams: 4567890,
      udpOutDatagrams: 4678901,
      udpInErrors: 56,
      udpNoPorts: 1234,
      udpRcvbufErrors: 12,
      udpSndbufErrors: 3,
    });
    expect(data.protocolRates).toBeNull();
  });

  it('hybrid-v1v2: a 1 Gb/s NIC with errors and drops, a busy web server', async () => {
    const data = await collectData(fixtureRoots('hybrid-v1v2'));
    expect(data.interfaces.map((i) => i.name)).toEqual(['lo', 'eth0']);
    expect(iface(data, 'eth0')).toMatchObject({
      kind: 'physical',
      state: 'up',
      speedBitsPerSec: 1_000_000_000,
      mtu: 1500,
      macAddress: '3c:ec:ef:12:34:56',
      counters: {
        rxBytes: 98765432109,
        rxErrors: 3,
        rxDrops: 1024,
        rxMulticast: 45678,
        txBytes: 123456789012,
      },
    });
    expect(data.tcp.v4).toEqual({
      ...emptyTcpStateCounts(),
      established: 17,
      syn_recv: 2,
      fin_wait1: 1,
      fin_wait2: 2,
      time_wait: 8,
      close_wait: 1,
      listen: 6,
      closing: 1,
    });
    expect(data.tcp.v6).toEqual({ ...emptyTcpStateCounts(), established: 1, time_wait: 2, listen: 3 });
    expect(data.udp).toEqual({ v4Sockets: 5, v6Sockets: 2 });
    expect(data.protocol).toMatchObject({
      tcpActiveOpens: 234567,
      tcpPassiveOpens: 8765432,
      tcpRetransSegs: 345678,
      tcpListenOverflows: 250,
      tcpListenDrops: 262,
      tcpTimeouts: 98765,
      udpNoPorts: 210,
      // Linux 5.4 prints the Udp line with RcvbufErrors and SndbufErrors at 0.
      udpRcvbufErrors: 0,
    });
  });

  it('no-psi: a Xen guest booted without IPv6 reads zero v6 sockets and a vif with no speed', async () => {
    const data = await collectData(fixtureRoots('no-psi'));
    expect(iface(data, 'eth0')).toMatchObject({
      kind: 'physical',
      speedBitsPerSec: null,
      mtu: 9001,
      macAddress: '0a:7e:3c:91:5d:2b',
      counters: { rxBytes: 7654321098, txBytes: 6543210987, rxPackets: 23456789 },
    });
    expect(data.tcp.v4).toEqual({ ...emptyTcpStateCounts(), established: 4, time_wait: 2, listen: 3 });
    expect(data.tcp.v6).toEqual(emptyTcpStateCounts());
    expect(data.udp).toEqual({ v4Sockets: 3, v6Sockets: 0 });
    expect(data.protocol).toMatchObject({ tcpActiveOpens: 45678, tcpTimeouts: 1234, udpInDatagrams: 87654 });
  });

  it('nvme-dm-md: a bond of two NICs with a VLAN on top', async () => {
    const data = await collectData(fixtureRoots('nvme-dm-md'));
    expect(data.interfaces.map((i) => [i.name, i.kind, i.speedBitsPerSec, i.mtu])).toEqual([
      ['lo', 'loopback', null, 65536],
      ['eno1', 'physical', 10_000_000_000, 9000],
      ['eno2', 'physical', 10_000_000_000, 9000],
      ['bond0', 'bond', 20_000_000_000, 9000],
      ['bond0.100', 'vlan', 20_000_000_000, 1500],
    ]);
    const eno1 = iface(data, 'eno1').counters;
    const eno2 = iface(data, 'eno2').counters;
    const bond = iface(data, 'bond0').counters;
    expect(bond.rxBytes).toBe(eno1.rxBytes + eno2.rxBytes);
    expect(bond.txPackets).toBe(eno1.txPackets + eno2.txPackets);
    expect(bond.rxBytes).toBe(1611111111010);
    expect(iface(data, 'bond0.100').macAddress).toBe('b4:96:91:2a:7c:10');
    expect(data.tcp.v4).toEqual({ ...emptyTcpStateCounts(), established: 8, time_wait: 3, listen: 5 });
    expect(data.tcp.v6).toEqual({ ...emptyTcpStateCounts(), listen: 4 });
    expect(data.udp).toEqual({ v4Sockets: 6, v6Sockets: 3 });
    expect(data.protocol.tcpInSegs).toBe(3456789012);
  });

  it('finds a VLAN through /proc/net/vlan/config when uevent has no DEVTYPE', async () => {
    const { dir, roots } = copyTree('nvme-dm-md');
    writeFileSync(path.join(dir, 'sys/class/net/bond0.100/uevent'), 'INTERFACE=bond0.100\nIFINDEX=5\n');
    expect(iface(await collectData(roots), 'bond0.100').kind).toBe('vlan');
    rmSync(path.join(dir, 'proc/net/vlan'), { recursive: true });
    // Without either, a device stacked on another (its lower_bond0 link) is only known to be virtual.
    expect(iface(await collectData(roots), 'bond0.100').kind).toBe('virtual');
  });

  it('applies the interface filter', async () => {
    const roots = fixtureRoots('v2-containers');
    const withoutVeth = await collectData(roots, { interfaces: { exclude: ['veth.*', 'lo'] } });
    expect(withoutVeth.interfaces.map((i) => i.name)).toEqual(['eth0', 'docker0', 'flannel.1', 'cni0']);
    const only = await collectData(roots, { interfaces: { include: ['eth\\d+', 'cni0'] } });
    expect(only.interfaces.map((i) => i.name)).toEqual(['eth0', 'cni0']);
    // The filter is about interfaces only: sockets are still counted.
    expect(only.tcp.v4.listen).toBe(6);
  });

  it('gives the same TCP counts when lines straddle reads', async () => {
    const roots = fixtureRoots('hybrid-v1v2');
    const whole = await collectData(roots);
    for (const chunk of [1, 7, 149, 150, 151, 4096]) {
      const split = await collectData(roots, { interfaces: {}, tcpReadChunkBytes: chunk });
      expect(split.tcp, `chunk ${chunk}`).toEqual(whole.tcp);
    }
  });

  it('is unsupported without /proc/net/dev', async () => {
    const empty = mkdtempSync(path.join(tmpdir(), 'sysray-network-empty-'));
    temps.push(empty);
    const outcome = await createNetworkCollector().collect(context(resolveHostRoots({ rootfs: empty }, {})));
    expect(outcome).toEqual({
      kind: 'unsupported',
      reason: `${path.join(empty, 'proc/net/dev')} not present (kernel without network procfs)`,
    });
  });

  it('treats missing optional files as zeros and nulls', async () => {
    const { dir, roots } = copyTree('v2-containers');
    for (const file of ['tcp', 'tcp6', 'sockstat', 'sockstat6', 'snmp', 'netstat']) {
      rmSync(path.join(dir, 'proc/net', file));
    }
    rmSync(path.join(dir, 'sys/class/net/eth0'), { recursive: true });
    const data = await collectData(roots);
    expect(data.tcp).toEqual({ v4: emptyTcpStateCounts(), v6: emptyTcpStateCounts() });
    expect(data.udp).toEqual({ v4Sockets: 0, v6Sockets: 0 });
    expect(Object.values(data.protocol).every((v) => v === 0)).toBe(true);
    expect(iface(data, 'eth0')).toMatchObject({
      state: 'unknown',
      speedBitsPerSec: null,
      mtu: null,
      macAddress: null,
      kind: 'virtual',
    });
    expect(iface(data, 'eth0').counters.rxBytes).toBe(48213377021);
  });

  it('fails with the path when a file cannot be read', async () => {
    const { dir, roots } = copyTree('v2-containers');
    const tcp = path.join(dir, 'proc/net/tcp');
    rmSync(tcp);
    mkdirSync(tcp); // reading a directory fails with EISDIR, which is not "absent"
    await expect(createNetworkCollector().collect(context(roots))).rejects.toThrow(
      `network: cannot read ${tcp}: EISDIR`,
    );
  });

  it('stops when the signal is aborted', async () => {
    const controller = new AbortController();
    controller.abort(new Error('collector timeout'));
    await expect(
      createNetworkCollector().collect(
        context(fixtureRoots('v2-containers'), new ManualClock(), controller.signal),
      ),
    ).rejects.toThrow('collector timeout');
  });
});

// ---------------------------------------------------------------- rates

describe('network rates', () => {
  const eth0Before = [48213377021, 39512004, 0, 12, 0, 0, 0, 120431, 9876543210, 21003456, 0, 0, 0, 0, 0, 0];

  it('computes per-second rates between two collections', async () => {
    const { dir, roots } = copyTree('v2-containers');
    const clock = new ManualClock();
    const collector = createNetworkCollector();
    const first = await collector.collect(context(roots, clock));
    expect(first.kind === 'ok' && first.data.interfaces.every((i) => i.rates === null)).toBe(true);

    const dev = path.join(dir, 'proc/net/dev');
    const after = [...eth0Before];
    after[0] = 48213377021 + 250_000_000; // rx bytes
    after[1] = 39512004 + 200_000; // rx packets
    after[2] = 4; // rx errs
    after[3] = 12 + 6; // rx drop
    after[7] = 120431 + 50; // multicast
    after[8] = 9876543210 + 20_000_000; // tx bytes
    after[9] = 21003456 + 30_000; // tx packets
    after[11] = 2; // tx drop
    replaceLine(dev, /^ {2}eth0:.*$/m, devLine('eth0', after));
    const snmp = path.join(dir, 'proc/net/snmp');
    replaceLine(
      snmp,
      /^Tcp: 1 200 .*$/m,
      'Tcp: 1 200 120000 -1 1834667 923476 12345 6789 13 987664321 876548210 123476 42 34577 0',
    );
    replaceLine(snmp, /^Udp: \d.*$/m, 'Udp: 4568890 1244 56 4679401 12 3 0 789 0');
    const netstat = path.join(dir, 'proc/net/netstat');
    const text = readFileSync(netstat, 'utf8');
    const [header, values] = text.split('\n');
    const names = (header ?? '').split(' ');
    const numbers = (values ?? '').split(' ');
    numbers[names.indexOf('TCPTimeouts')] = String(2345 + 8);
    writeFileSync(netstat, text.replace(values ?? '', numbers.join(' ')));

    clock.advance(2000);
    const second = await collector.collect(context(roots, clock));
    if (second.kind !== 'ok') throw new Error('expected ok');
    expect(iface(second.data, 'eth0').rates).toEqual({
      rxBytesPerSec: 125_000_000,
      txBytesPerSec: 10_000_000,
      rxPacketsPerSec: 100_000,
      txPacketsPerSec: 15_000,
      rxErrorsPerSec: 2,
      txErrorsPerSec: 0,
      rxDropsPerSec: 3,
      txDropsPerSec: 1,
      rxMulticastPerSec: 25,
      collisionsPerSec: 0,
    });
    expect(iface(second.data, 'lo').rates?.rxBytesPerSec).toBe(0);
    expect(second.data.protocolRates).toEqual({
      tcpActiveOpens: 50,
      tcpPassiveOpens: 10,
      tcpAttemptFails: 0,
      tcpEstabResets: 0,
      tcpInSegs: 5000,
      tcpOutSegs: 2500,
      tcpRetransSegs: 10,
      tcpInErrs: 0,
      tcpOutRsts: 5,
      tcpListenOverflows: 0,
      tcpListenDrops: 0,
      tcpTimeouts: 4,
      udpInDatagrams: 500,
      udpOutDatagrams: 250,
      udpInErrors: 0,
      udpNoPorts: 5,
      udpRcvbufErrors: 0,
      udpSndbufErrors: 0,
    });
  });

  it('reads a counter that went backwards as 0 per second and a new interface as no rate', async () => {
    const { dir, roots } = copyTree('v2-containers');
    const clock = new ManualClock();
    const collector = createNetworkCollector();
    await collector.collect(context(roots, clock));

    const dev = path.join(dir, 'proc/net/dev');
    const reset = [...eth0Before];
    reset[0] = 1000; // the driver reset its counters
    reset[1] = 39512004 + 4000;
    replaceLine(dev, /^ {2}eth0:.*$/m, devLine('eth0', reset));
    writeFileSync(dev, readFileSync(dev, 'utf8') + devLine('veth0a1b2c3', Array(16).fill(5)) + '\n');
    clock.advance(4000);
    const second = await collector.collect(context(roots, clock));
    if (second.kind !== 'ok') throw new Error('expected ok');
    const eth0 = iface(second.data, 'eth0');
    expect(eth0.rates?.rxBytesPerSec).toBe(0);
    expect(eth0.rates?.rxPacketsPerSec).toBe(1000);
    const added = iface(second.data, 'veth0a1b2c3');
    expect(added.rates).toBeNull();
    expect(added.counters.rxBytes).toBe(5);
    expect(added.kind).toBe('virtual'); // no sysfs directory in the fixture

    clock.advance(1000);
    const third = await collector.collect(context(roots, clock));
    if (third.kind !== 'ok') throw new Error('expected ok');
    expect(iface(third.data, 'veth0a1b2c3').rates?.rxBytesPerSec).toBe(0);
  });

  it('gives no rates when no time has passed', async () => {
    const clock = new ManualClock();
    const collector = createNetworkCollector();
    const roots = fixtureRoots('no-psi');
    await collector.collect(context(roots, clock));
    const again = await collector.collect(context(roots, clock));
    if (again.kind !== 'ok') throw new Error('expected ok');
    expect(again.data.protocolRates).toBeNull();
    expect(again.data.interfaces.every((i) => i.rates === null)).toBe(true);
  });

  it('keeps state per instance', async () => {
    const roots = fixtureRoots('no-psi');
    const clock = new ManualClock();
    const a = createNetworkCollector();
    await a.collect(context(roots, clock));
    clock.advance(1000);
    const fresh = await createNetworkCollector().collect(context(roots, clock));
    const second = await a.collect(context(roots, clock));
    expect(fresh.kind === 'ok' && fresh.data.protocolRates).toBeNull();
    expect(second.kind === 'ok' && second.data.protocolRates?.tcpInSegs).toBe(0);
  });

  it('caches an interface kind until its ifindex changes', async () => {
    const { dir, roots } = copyTree('v2-containers');
    const collector = createNetworkCollector();
    const kindOf = async (): Promise<string> => {
      const outcome = await collector.collect(context(roots));
      if (outcome.kind !== 'ok') throw new Error('expected ok');
      return iface(outcome.data, 'flannel.1').kind;
    };
    const sys = path.join(dir, 'sys/class/net/flannel.1');
    expect(await kindOf()).toBe('vxlan');
    writeFileSync(path.join(sys, 'uevent'), 'DEVTYPE=geneve\nINTERFACE=flannel.1\nIFINDEX=4\n');
    expect(await kindOf()).toBe('vxlan');
    writeFileSync(path.join(sys, 'ifindex'), '9\n'); // deleted and recreated under the same name
    expect(await kindOf()).toBe('geneve');
  });
});

// ---------------------------------------------------------------- live host

describe('network collector on the live host', () => {
  it.runIf(process.platform === 'linux')('reports sane values', async () => {
    const roots = resolveHostRoots({}, {});
    const clock = new ManualClock();
    const collector = createNetworkCollector();
    const first = await collector.collect(context(roots, clock));
    if (first.kind !== 'ok') throw new Error(`expected ok, got ${first.reason}`);
    const lo = iface(first.data, 'lo');
    expect(lo.kind).toBe('loopback');
    expect(lo.speedBitsPerSec).toBeNull();
    expect(lo.mtu).toBeGreaterThan(0);
    for (const i of first.data.interfaces) {
      expect(i.name).toMatch(/^[^\s:/]{1,15}$/);
      for (const value of Object.values(i.counters) as number[]) {
        expect(Number.isInteger(value) && value >= 0).toBe(true);
      }
    }
    const sockets = [...Object.values(first.data.tcp.v4), ...Object.values(first.data.tcp.v6)];
    expect(sockets.every((n) => Number.isInteger(n) && n >= 0)).toBe(true);
    expect(first.data.udp.v4Sockets).toBeGreaterThanOrEqual(0);
    expect(first.data.protocol.tcpActiveOpens + first.data.protocol.tcpPassiveOpens).toBeGreaterThanOrEqual(
      0,
    );

    clock.advance(1000);
    const second = await collector.collect(context(roots, clock));
    if (second.kind !== 'ok') throw new Error('expected ok');
    expect(second.data.protocolRates).not.toBeNull();
    const loRates = iface(second.data, 'lo').rates as Record<string, number> | null;
    expect(loRates).not.toBeNull();
    expect(Object.values(loRates ?? {}).every((r) => r >= 0)).toBe(true);
  });
});
