import type {
  InterfaceCounters,
  InterfaceRates,
  NetworkData,
  NetworkInterface,
  ProtocolCounters,
  TcpState,
} from '@sysray/proto';
import { emptyTcpStateCounts } from '@sysray/proto';
import type { Systeminformation as Si } from 'systeminformation';
import type { CollectorsConfig } from '../../collectors/config.js';
import type { NameFilter } from '../../collectors/name-filter.js';
import { createNameFilter } from '../../collectors/name-filter.js';
import { counterRate, intervalSeconds } from '../../collectors/rates.js';
import type { CollectContext, Collector, CollectOutcome } from '../../collectors/types.js';
import { ok } from '../../collectors/types.js';
import type { FallbackSourceOptions } from './source.js';
import {
  SI_CACHE_WINDOW_MS,
  UNAVAILABLE,
  callSi,
  finiteOrNull,
  resolveFallbackSources,
  textOrNull,
} from './source.js';

/**
 * The interface kind from si's inventory and the name conventions of each OS: macOS `lo0`, `bridge0`,
 * `utun3` (VPN and system tunnels), `vlan0`, `bond0`, `awdl0`/`llw0`/`anpi0`/`ap1` (Apple Wireless Direct
 * Link, low-latency WLAN, the Apple silicon inter-processor and access-point interfaces); Windows
 * `vEthernet (…)` Hyper-V switches (si's `virtual` flag) and the `Loopback Pseudo-Interface`.
 */
export function interfaceKind(nic: Si.NetworkInterfacesData): string {
  const name = nic.iface.toLowerCase();
  const description = (nic.ifaceName ?? '').toLowerCase();
  if (nic.internal || /^lo\d*$/.test(name) || description.includes('loopback')) return 'loopback';
  if (/^(bridge|br)\d+/.test(name) || /^(docker|virbr)\d+/.test(name)) return 'bridge';
  // A VLAN on a bond (`bond0.100`) is a VLAN; Windows' `vEthernet (…)` is a Hyper-V port, not a veth.
  if (/^vlan\d+/.test(name) || /\.\d+$/.test(name)) return 'vlan';
  if (/^bond\d+/.test(name)) return 'bond';
  if (/^veth(?!ernet)/.test(name)) return 'veth';
  if (/^(utun|tun|tap|ipsec|ppp|wg)\d+/.test(name)) return 'tun';
  if (/^(awdl|llw|anpi|ap|gif|stf)\d+/.test(name) || nic.virtual) return 'virtual';
  return 'physical';
}

const ZERO_COUNTERS: InterfaceCounters = {
  rxBytes: 0,
  txBytes: 0,
  rxPackets: 0,
  txPackets: 0,
  rxErrors: 0,
  txErrors: 0,
  rxDrops: 0,
  txDrops: 0,
  rxMulticast: 0,
  collisions: 0,
};

/**
 * Counters from `si.networkStats()`: `/sys/class/net` on Linux, `netstat -bdnI` on macOS,
 * `Get-NetAdapterStatistics` on Windows. si keeps bytes, errors and drops and discards packet counts and
 * collisions even where netstat prints them (UNAVAILABLE). On macOS netstat has one `Drop` column, which
 * si reports as both rx and tx drops.
 */
export function interfaceCounters(stats: Si.NetworkStatsData): InterfaceCounters {
  const count = (value: unknown): number => finiteOrNull(value) ?? UNAVAILABLE;
  return {
    rxBytes: count(stats.rx_bytes),
    txBytes: count(stats.tx_bytes),
    rxPackets: UNAVAILABLE,
    txPackets: UNAVAILABLE,
    rxErrors: count(stats.rx_errors),
    txErrors: count(stats.tx_errors),
    rxDrops: count(stats.rx_dropped),
    txDrops: count(stats.tx_dropped),
    rxMulticast: UNAVAILABLE,
    collisions: UNAVAILABLE,
  };
}

/** Per-second rates between two samples; null on first sight or when any counter went backwards. */
export function interfaceRates(
  current: InterfaceCounters,
  previous: InterfaceCounters | undefined,
  interval: number,
): InterfaceRates | null {
  if (previous === undefined || !(interval > 0)) return null;
  const rates: Record<string, number> = {};
  for (const key of Object.keys(current) as (keyof InterfaceCounters)[]) {
    const rate = counterRate(current[key], previous[key], interval);
    if (rate === null) return null;
    rates[`${key}PerSec`] = rate;
  }
  return rates as InterfaceRates;
}

const TCP_STATES: Readonly<Record<string, TcpState>> = {
  ESTABLISHED: 'established',
  SYN_SENT: 'syn_sent',
  SYN_RECV: 'syn_recv',
  SYN_RECEIVED: 'syn_recv',
  FIN_WAIT1: 'fin_wait1',
  FIN_WAIT_1: 'fin_wait1',
  FIN_WAIT2: 'fin_wait2',
  FIN_WAIT_2: 'fin_wait2',
  TIME_WAIT: 'time_wait',
  CLOSE: 'close',
  CLOSED: 'close',
  CLOSE_WAIT: 'close_wait',
  LAST_ACK: 'last_ack',
  LISTEN: 'listen',
  LISTENING: 'listen',
  CLOSING: 'closing',
};

/** The TCP state of a netstat/ss state word, or null for what the Snapshot has no name for (`UNKNOWN`, `BOUND`). */
export function tcpState(state: string): TcpState | null {
  return TCP_STATES[state.trim().toUpperCase().replace(/-/g, '_')] ?? null;
}

/**
 * IPv6 sockets: macOS names the protocol `tcp6`/`udp6` (`tcp46`/`udp46` for dual-stack sockets, which are
 * AF_INET6), Linux netstat `tcp6`/`udp6`; Windows netstat says `TCP`/`UDP` for both and only the address
 * (`[::]:135`, brackets stripped by si) tells them apart.
 */
export function isIpv6Socket(connection: Si.NetworkConnectionsData): boolean {
  return /6$/.test(connection.protocol.toLowerCase()) || connection.localAddress.includes(':');
}

/** Socket counts by state from `si.networkConnections()` (netstat on every OS). */
export function socketCounts(
  connections: readonly Si.NetworkConnectionsData[],
): Pick<NetworkData, 'tcp' | 'udp'> {
  const v4 = emptyTcpStateCounts();
  const v6 = emptyTcpStateCounts();
  let udp4 = 0;
  let udp6 = 0;
  for (const connection of connections) {
    const protocol = connection.protocol.toLowerCase();
    const ipv6 = isIpv6Socket(connection);
    if (protocol.startsWith('udp')) {
      if (ipv6) udp6 += 1;
      else udp4 += 1;
    } else if (protocol.startsWith('tcp')) {
      const state = tcpState(connection.state ?? '');
      if (state !== null) (ipv6 ? v6 : v4)[state] += 1;
    }
  }
  return { tcp: { v4, v6 }, udp: { v4Sockets: udp4, v6Sockets: udp6 } };
}

const ZERO_PROTOCOL: ProtocolCounters = {
  tcpActiveOpens: 0,
  tcpPassiveOpens: 0,
  tcpAttemptFails: 0,
  tcpEstabResets: 0,
  tcpInSegs: 0,
  tcpOutSegs: 0,
  tcpRetransSegs: 0,
  tcpInErrs: 0,
  tcpOutRsts: 0,
  tcpListenOverflows: 0,
  tcpListenDrops: 0,
  tcpTimeouts: 0,
  udpInDatagrams: 0,
  udpOutDatagrams: 0,
  udpInErrors: 0,
  udpNoPorts: 0,
  udpRcvbufErrors: 0,
  udpSndbufErrors: 0,
};

export interface NetworkInput {
  readonly interfaces: readonly Si.NetworkInterfacesData[];
  readonly stats: readonly Si.NetworkStatsData[];
  readonly connections: readonly Si.NetworkConnectionsData[];
}

/**
 * The network section. Link speed is si's Mbit/s (0 on Windows for a link that is down: unknown, null);
 * `mtu` is '' on Windows (null). An interface si has no statistics for keeps zero counters and null rates.
 * The protocol counters of /proc/net/snmp have no si source: 0 (UNAVAILABLE), `protocolRates` null.
 */
export function mapNetwork(
  input: NetworkInput,
  previous: ReadonlyMap<string, InterfaceCounters> | null,
  interval: number,
  filter: NameFilter = () => true,
): NetworkData {
  const stats = new Map(input.stats.map((entry) => [entry.iface, entry]));
  const interfaces: NetworkInterface[] = input.interfaces
    .filter((nic) => filter(nic.iface))
    .map((nic) => {
      const entry = stats.get(nic.iface);
      const counters = entry === undefined ? ZERO_COUNTERS : interfaceCounters(entry);
      const speed = finiteOrNull(nic.speed);
      const mtu = finiteOrNull(nic.mtu);
      const mac = textOrNull(nic.mac);
      return {
        name: nic.iface,
        state: textOrNull(nic.operstate) ?? textOrNull(entry?.operstate) ?? 'unknown',
        speedBitsPerSec: speed !== null && speed > 0 ? speed * 1e6 : null,
        mtu: mtu !== null && mtu > 0 ? mtu : null,
        macAddress: mac === null || /^(00:){5}00$/.test(mac) ? null : mac.toLowerCase(),
        kind: interfaceKind(nic),
        counters,
        rates:
          entry === undefined || previous === null
            ? null
            : interfaceRates(counters, previous.get(nic.iface), interval),
      };
    });
  return {
    interfaces,
    ...socketCounts(input.connections),
    protocol: ZERO_PROTOCOL,
    protocolRates: null,
  };
}

export interface FallbackNetworkCollectorOptions extends FallbackSourceOptions {
  readonly filter?: CollectorsConfig['network']['interfaces'] | undefined;
}

export function createFallbackNetworkCollector(
  options: FallbackNetworkCollectorOptions = {},
): Collector<'network'> {
  const sources = resolveFallbackSources(options);
  const filter = createNameFilter(options.filter ?? {});
  let previous: { counters: Map<string, InterfaceCounters>; atMs: number } | null = null;
  return {
    section: 'network',
    async collect(context: CollectContext): Promise<CollectOutcome<NetworkData>> {
      const si = await sources.si();
      const listed = await callSi('networkInterfaces', () => si.networkInterfaces());
      const interfaces = (Array.isArray(listed) ? listed : [listed]).filter((nic) => filter(nic.iface));
      // Statistics only for the interfaces kept: on Windows and macOS si runs a command per interface.
      const names = interfaces.map((nic) => nic.iface).join(',');
      const [stats, connections] = await Promise.all([
        names === '' ? Promise.resolve([]) : callSi('networkStats', () => si.networkStats(names)),
        callSi('networkConnections', () => si.networkConnections()),
      ]);
      const nowMs = context.clock.monotonicMs();
      const fresh = previous === null || nowMs - previous.atMs >= SI_CACHE_WINDOW_MS;
      const data = mapNetwork(
        { interfaces, stats: stats ?? [], connections: connections ?? [] },
        fresh ? (previous?.counters ?? null) : null,
        intervalSeconds(nowMs, previous?.atMs),
      );
      if (fresh) {
        // Only interfaces si had statistics for: a zero placeholder must not become a baseline.
        const counted = new Set((stats ?? []).map((entry) => entry.iface));
        const counters = data.interfaces
          .filter((nic) => counted.has(nic.name))
          .map((nic) => [nic.name, nic.counters] as const);
        previous = { counters: new Map(counters), atMs: nowMs };
      }
      return ok(data);
    },
  };
}
