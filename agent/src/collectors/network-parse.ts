import { Buffer } from 'node:buffer';
import {
  emptyTcpStateCounts,
  type InterfaceCounters,
  type ProtocolCounters,
  type TcpState,
} from '@sysray/proto';
import { fields } from './parse-util.js';

/**
 * Pure parsers for the network collector: `/proc/net/dev`, `/proc/net/tcp{,6}`, `/proc/net/snmp`,
 * `/proc/net/netstat`, `/proc/net/sockstat{,6}`, `/proc/net/vlan/config` and sysfs `uevent`, plus the rule
 * that names an interface's kind. No I/O here; network.ts reads the files.
 */

// ---------------------------------------------------------------- /proc/net/dev

export interface NetDevEntry {
  /** Interface name as the kernel prints it (at most 15 bytes, IFNAMSIZ - 1). */
  readonly name: string;
  /** Cumulative counters since the interface was created; bytes, packets or events per field name. */
  readonly counters: InterfaceCounters;
}

/**
 * Parses `/proc/net/dev` (net/core/net-procfs.c, dev_seq_printf_stats). Two header lines, then one line
 * per interface printed with `"%6s:%8llu %7llu ..."`: the name is right-aligned in six columns and the
 * first counter in eight, so a name of six or more characters or a counter of nine or more digits leaves
 * no space around the colon (`  eth0:48213377021 ...`). The line is therefore split at the first colon,
 * which is safe because dev_valid_name() rejects `:` in interface names.
 *
 * Sixteen fields follow: receive bytes packets errs drop fifo frame compressed multicast, then transmit
 * bytes packets errs drop fifo colls carrier compressed. The kernel folds rx_missed_errors into the
 * receive `drop` column. Lines with fewer than sixteen numbers (headers, garbage) are skipped.
 */
export function parseNetDev(text: string): NetDevEntry[] {
  const entries: NetDevEntry[] = [];
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim();
    if (name === '' || name.includes('|')) continue;
    const parts = fields(line.slice(colon + 1));
    if (parts.length < 16) continue;
    const values = parts.slice(0, 16).map(Number);
    if (!values.every((v) => Number.isFinite(v) && v >= 0)) continue;
    const at = (i: number): number => values[i] ?? 0;
    entries.push({
      name,
      counters: {
        rxBytes: at(0),
        rxPackets: at(1),
        rxErrors: at(2),
        rxDrops: at(3),
        rxMulticast: at(7),
        txBytes: at(8),
        txPackets: at(9),
        txErrors: at(10),
        txDrops: at(11),
        collisions: at(13),
      },
    });
  }
  return entries;
}

// ---------------------------------------------------------------- /proc/net/tcp and tcp6

/** Socket counts per TCP state, one key per state, sockets. */
export type TcpStateCounts = { [K in TcpState]: number };

/**
 * `st` column codes, from include/net/tcp_states.h (TCP_ESTABLISHED = 1 … TCP_NEW_SYN_RECV = 12). The
 * index is the code. TCP_BOUND_INACTIVE (13, Linux 6.6) never reaches these files: such sockets are not
 * in the hash tables the files walk.
 */
export const TCP_STATE_BY_CODE: readonly (TcpState | undefined)[] = [
  undefined,
  'established',
  'syn_sent',
  'syn_recv',
  'fin_wait1',
  'fin_wait2',
  'time_wait',
  'close',
  'close_wait',
  'last_ack',
  'listen',
  'closing',
  'new_syn_recv',
];

/** A tally of state codes 0..255, indexed by code; filled by countTcpStateLines. */
export type TcpStateTally = Float64Array;

export function createTcpStateTally(): TcpStateTally {
  return new Float64Array(256);
}

/** Folds a tally into per-state counts; codes the kernel does not define are ignored. */
export function tallyToTcpStates(tally: TcpStateTally): TcpStateCounts {
  const counts = emptyTcpStateCounts();
  TCP_STATE_BY_CODE.forEach((state, code) => {
    if (state !== undefined) counts[state] += tally[code] ?? 0;
  });
  return counts;
}

const SPACE = 0x20;
const TAB = 0x09;
const NEWLINE = 0x0a;

function isBlank(byte: number | undefined): boolean {
  return byte === SPACE || byte === TAB;
}

function hexDigit(byte: number | undefined): number {
  if (byte === undefined) return -1;
  if (byte >= 0x30 && byte <= 0x39) return byte - 0x30;
  if (byte >= 0x41 && byte <= 0x46) return byte - 0x41 + 10;
  if (byte >= 0x61 && byte <= 0x66) return byte - 0x61 + 10;
  return -1;
}

/** Reads the fourth whitespace-separated field of bytes[start, stop) as a two-digit hex state code. */
function tallyLine(bytes: Uint8Array, start: number, stop: number, tally: TcpStateTally): void {
  let i = start;
  // Skip `sl`, `local_address` and `rem_address`; the state is the next field.
  for (let field = 0; field < 3; field++) {
    while (i < stop && isBlank(bytes[i])) i++;
    while (i < stop && !isBlank(bytes[i])) i++;
  }
  while (i < stop && isBlank(bytes[i])) i++;
  if (i + 2 > stop) return;
  const high = hexDigit(bytes[i]);
  const low = hexDigit(bytes[i + 1]);
  // The header's `st` and any garbage fail here: exactly two hex digits, then a blank or the line end.
  if (high < 0 || low < 0 || (i + 2 < stop && !isBlank(bytes[i + 2]))) return;
  const code = high * 16 + low;
  tally[code] = (tally[code] ?? 0) + 1;
}

/**
 * Counts TCP states in the complete lines of bytes[0, end) from `/proc/net/tcp` or `/proc/net/tcp6`
 * (net/ipv4/tcp_ipv4.c tcp4_seq_show, net/ipv6/tcp_ipv6.c tcp6_seq_show): `sl local rem st ...`, the state
 * in hex in the fourth field. Only that field is looked at and no string is made, because a busy host
 * lists 100k sockets per read.
 *
 * Returns how many bytes were consumed: up to the end of the last complete line, so the caller can carry
 * a partial line into its next read. With `final` the trailing partial line is counted too (end of file).
 *
 * Request sockets (half-open connections) are printed by get_openreq4/get_openreq6 with TCP_SYN_RECV, so
 * `syn_recv` counts them and `new_syn_recv` stays 0 on every kernel to date; a 0C is still counted.
 */
export function countTcpStateLines(
  bytes: Uint8Array,
  end: number,
  tally: TcpStateTally,
  final = false,
): number {
  let position = 0;
  while (position < end) {
    let newline = bytes.indexOf(NEWLINE, position);
    if (newline === -1 || newline >= end) {
      if (!final) break;
      newline = end;
    }
    tallyLine(bytes, position, newline, tally);
    position = newline + 1;
  }
  return Math.min(position, end);
}

/** Counts TCP states in a whole `/proc/net/tcp{,6}` text; for tests and small inputs. */
export function parseTcpStates(text: string): TcpStateCounts {
  const bytes = Buffer.from(text, 'utf8');
  const tally = createTcpStateTally();
  countTcpStateLines(bytes, bytes.length, tally, true);
  return tallyToTcpStates(tally);
}

// ---------------------------------------------------------------- /proc/net/snmp and /proc/net/netstat

/** Counter tables by prefix (`Tcp`, `Udp`, `TcpExt`), then counter name; raw kernel values. */
export type ProtoTable = ReadonlyMap<string, ReadonlyMap<string, number>>;

/**
 * Parses the header/value line pairs of `/proc/net/snmp` and `/proc/net/netstat` (net/ipv4/proc.c):
 *
 *   Tcp: RtoAlgorithm RtoMin RtoMax MaxConn ActiveOpens ...
 *   Tcp: 1 200 120000 -1 1834567 ...
 *
 * A line names counters; the next line with the same prefix carries their values in the same order.
 * Pairing is by name, not position, because kernels add counters over time (Udp `IgnoredMulti` in 3.19,
 * `MemErrors` in 5.x, TcpExt grows nearly every release). A value that is not a number is skipped.
 */
export function parseProtoTable(text: string): Map<string, Map<string, number>> {
  const tables = new Map<string, Map<string, number>>();
  let headerPrefix: string | null = null;
  let headerNames: string[] = [];
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) {
      headerPrefix = null;
      continue;
    }
    const prefix = line.slice(0, colon).trim();
    const parts = fields(line.slice(colon + 1));
    const numeric = parts.length > 0 && Number.isFinite(Number(parts[0]));
    if (prefix === headerPrefix && numeric) {
      const table = tables.get(prefix) ?? new Map<string, number>();
      const count = Math.min(headerNames.length, parts.length);
      for (let i = 0; i < count; i++) {
        const value = Number(parts[i]);
        const name = headerNames[i];
        if (name !== undefined && Number.isFinite(value)) table.set(name, value);
      }
      tables.set(prefix, table);
      headerPrefix = null;
    } else if (numeric) {
      headerPrefix = null; // values without a header: nothing to pair them with
    } else {
      headerPrefix = prefix;
      headerNames = parts;
    }
  }
  return tables;
}

/**
 * The counters of ProtocolCounters from parsed `/proc/net/snmp` and `/proc/net/netstat`. A counter the
 * kernel does not print (an older kernel, a missing file) reads 0.
 */
export function protocolCountersFrom(snmp: ProtoTable, netstat: ProtoTable): ProtocolCounters {
  const tcp = snmp.get('Tcp');
  const udp = snmp.get('Udp');
  const tcpExt = netstat.get('TcpExt');
  const get = (table: ReadonlyMap<string, number> | undefined, name: string): number => table?.get(name) ?? 0;
  return {
    tcpActiveOpens: get(tcp, 'ActiveOpens'),
    tcpPassiveOpens: get(tcp, 'PassiveOpens'),
    tcpAttemptFails: get(tcp, 'AttemptFails'),
    tcpEstabResets: get(tcp, 'EstabResets'),
    tcpInSegs: get(tcp, 'InSegs'),
    tcpOutSegs: get(tcp, 'OutSegs'),
    tcpRetransSegs: get(tcp, 'RetransSegs'),
    tcpInErrs: get(tcp, 'InErrs'),
    tcpOutRsts: get(tcp, 'OutRsts'),
    tcpListenOverflows: get(tcpExt, 'ListenOverflows'),
    tcpListenDrops: get(tcpExt, 'ListenDrops'),
    tcpTimeouts: get(tcpExt, 'TCPTimeouts'),
    udpInDatagrams: get(udp, 'InDatagrams'),
    udpOutDatagrams: get(udp, 'OutDatagrams'),
    udpInErrors: get(udp, 'InErrors'),
    udpNoPorts: get(udp, 'NoPorts'),
    udpRcvbufErrors: get(udp, 'RcvbufErrors'),
    udpSndbufErrors: get(udp, 'SndbufErrors'),
  };
}

// ---------------------------------------------------------------- /proc/net/sockstat and sockstat6

/**
 * Parses `/proc/net/sockstat` (net/ipv4/proc.c sockstat_seq_show) and `/proc/net/sockstat6`
 * (net/ipv6/proc.c): `PROTO: key value key value ...` per line, e.g. `UDP: inuse 9 mem 3`.
 * Returns prefix → key → value; pairs whose value is not a number are skipped.
 */
export function parseSockstat(text: string): Map<string, Map<string, number>> {
  const result = new Map<string, Map<string, number>>();
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const parts = fields(line.slice(colon + 1));
    const values = new Map<string, number>();
    for (let i = 0; i + 1 < parts.length; i += 2) {
      const key = parts[i];
      const value = Number(parts[i + 1]);
      if (key !== undefined && Number.isFinite(value)) values.set(key, value);
    }
    result.set(line.slice(0, colon).trim(), values);
  }
  return result;
}

// ---------------------------------------------------------------- /proc/net/vlan/config and uevent

/**
 * Names of the VLAN devices in `/proc/net/vlan/config` (net/8021q/vlanproc.c, present while the 8021q
 * module is loaded): a `VLAN Dev name | VLAN ID` header, a `Name-Type:` line, then
 * `"%-15s| %d  | %s"` per device (name, VLAN id, real device). Maps name → VLAN id.
 */
export function parseVlanConfig(text: string): Map<string, number> {
  const vlans = new Map<string, number>();
  for (const line of text.split('\n')) {
    const [name, id] = line.split('|').map((part) => part.trim());
    if (name === undefined || name === '' || id === undefined || !/^\d+$/.test(id)) continue;
    vlans.set(name, Number(id));
  }
  return vlans;
}

/** Parses a sysfs `uevent` file (`KEY=value` per line) into a map. */
export function parseUevent(text: string): Map<string, string> {
  const values = new Map<string, string>();
  for (const line of text.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) values.set(line.slice(0, eq), line.slice(eq + 1).trim());
  }
  return values;
}

// ---------------------------------------------------------------- interface kind

/** What sysfs says about an interface, as read from `/sys/class/net/<if>/`. */
export interface InterfaceFacts {
  /** `type`: the ARPHRD_* hardware type (1 ether, 772 loopback); null when unreadable. */
  readonly type: number | null;
  /** `flags`: the IFF_* bits; null when unreadable. */
  readonly flags: number | null;
  /** Names in the interface's sysfs directory (`device`, `bridge`, `bonding`, `tun_flags`, `lower_*`). */
  readonly entries: ReadonlySet<string>;
  /** `DEVTYPE` from `uevent` (bridge, bond, vlan, vxlan, wlan, wireguard, …); null when none. */
  readonly devType: string | null;
  /** Listed in `/proc/net/vlan/config`. */
  readonly listedAsVlan: boolean;
  /** `ifindex` and `iflink`; they differ for a device tied to another (veth peer, vlan parent). */
  readonly ifindex: number | null;
  readonly iflink: number | null;
}

const ARPHRD_ETHER = 1;
const ARPHRD_LOOPBACK = 772;
const IFF_LOOPBACK = 0x8;

/**
 * Names an interface's kind: `loopback`, `bridge`, `bond`, `vlan`, `tun`, `physical`, the uevent DEVTYPE
 * of other virtual devices (`vxlan`, `geneve`, `wireguard`, …), `veth`, or `virtual`. First match wins:
 *
 * - loopback: type ARPHRD_LOOPBACK or the IFF_LOOPBACK flag;
 * - bridge and bond: their sysfs attribute groups `bridge/` (net/bridge/br_sysfs_br.c) and `bonding/`
 *   (drivers/net/bonding/bond_sysfs.c), or DEVTYPE;
 * - vlan: `/proc/net/vlan/config` or DEVTYPE=vlan (net/8021q/vlan_netlink.c sets vlan_type);
 * - tun (tun and tap alike): the `tun_flags` attribute of drivers/net/tun.c;
 * - physical: a `device` link to a bus device (PCI, virtio, xen vif, USB);
 * - veth sets no DEVTYPE (drivers/net/veth.c), so it is inferred: an Ethernet device whose `iflink`
 *   names another interface (its peer, possibly in another namespace) and that has no `lower_*` link
 *   (macvlan and ipvlan are linked to their lower device, a veth peer is not).
 */
export function classifyInterface(facts: InterfaceFacts): string {
  const { entries, devType } = facts;
  if (facts.type === ARPHRD_LOOPBACK || (facts.flags !== null && (facts.flags & IFF_LOOPBACK) !== 0)) {
    return 'loopback';
  }
  if (entries.has('bridge') || devType === 'bridge') return 'bridge';
  if (entries.has('bonding') || devType === 'bond') return 'bond';
  if (facts.listedAsVlan || devType === 'vlan') return 'vlan';
  if (entries.has('tun_flags')) return 'tun';
  if (entries.has('device')) return 'physical';
  if (devType !== null && devType !== '') return devType;
  const linked =
    facts.ifindex !== null && facts.iflink !== null && facts.iflink > 0 && facts.iflink !== facts.ifindex;
  const hasLower = [...entries].some((entry) => entry.startsWith('lower_'));
  if (facts.type === ARPHRD_ETHER && linked && !hasLower) return 'veth';
  return 'virtual';
}
