import { Buffer } from 'node:buffer';
import { closeSync, openSync, readSync } from 'node:fs';
import type {
  InterfaceCounters,
  InterfaceRates,
  NetworkData,
  NetworkInterface,
  ProtocolCounters,
} from '@sysray/proto';
import { emptyTcpStateCounts } from '@sysray/proto';
import { procPath, sysPath, type HostRoots } from '../platform/host-roots.js';
import { isAbsentError, listDirSync, readKernelFileSync, readTrimmedSync } from '../platform/read.js';
import { DEFAULT_COLLECTORS_CONFIG } from './config.js';
import { createNameFilter, type NameFilterRules } from './name-filter.js';
import {
  classifyInterface,
  countTcpStateLines,
  createTcpStateTally,
  parseNetDev,
  parseProtoTable,
  parseSockstat,
  parseUevent,
  parseVlanConfig,
  protocolCountersFrom,
  tallyToTcpStates,
  type TcpStateCounts,
} from './network-parse.js';
import { counterRateOrZero, intervalSeconds } from './rates.js';
import { ok, unsupported, type Collector } from './types.js';

/**
 * The `network` collector: per-interface counters and rates, TCP connections by state, UDP socket
 * counts and the TCP/UDP protocol counters.
 *
 * Sources, all through the host roots:
 * - `/proc/net/dev`: the interfaces and their counters (its order, the kernel's ifindex order, is kept);
 * - `/sys/class/net/<if>/`: operstate, speed, mtu, address and what makes the kind (see classifyInterface);
 * - `/proc/net/tcp` and `/proc/net/tcp6`: connections by state, streamed (see countTcpStateLines);
 * - `/proc/net/sockstat` and `/proc/net/sockstat6`: UDP sockets (`UDP: inuse N`, `UDP6: inuse N`). These
 *   are the kernel's per-namespace in-use counters (sock_prot_inuse_get), the same set of bound sockets
 *   that `/proc/net/udp{,6}` lists, but read in O(1) instead of a walk of every UDP hash slot and one line
 *   per socket;
 * - `/proc/net/snmp` and `/proc/net/netstat`: protocol counters.
 *
 * `/proc/net` is `/proc/self/net`: it shows the network namespace of the agent itself, as does a sysfs
 * mounted from it, so the agent must share the host's network namespace (host networking in a container)
 * to report the host's interfaces and sockets.
 *
 * Rates: interface and protocol rates are per second over the monotonic interval since the previous
 * collection, null on the first one (and for an interface not seen before). The Snapshot's rate records
 * hold numbers only, so a counter that went backwards (a driver reset, a 32-bit counter wrapping on an
 * old driver, an interface recreated under the same name) reads 0 per second for that field for one
 * interval rather than a negative spike.
 */

export interface NetworkCollectorOptions {
  /** Which interfaces are reported, by name (`CollectorsConfig.network.interfaces`); default: all. */
  readonly interfaces: NameFilterRules;
  /**
   * Bytes asked for per read while streaming `/proc/net/tcp{,6}`; default 64 KiB. Tests shrink it so
   * lines straddle reads. The buffer grows past it only if one line is longer.
   */
  readonly tcpReadChunkBytes?: number;
}

const DEFAULT_TCP_READ_CHUNK_BYTES = 64 * 1024;

/** `speed` is Mb/s; SPEED_UNKNOWN is -1 printed with `%d`, or 4294967295 where printed unsigned. */
const SPEED_UNKNOWN_UNSIGNED = 0xffffffff;

interface PreviousSample {
  /** Monotonic milliseconds of the collection. */
  readonly atMs: number;
  readonly interfaces: ReadonlyMap<string, InterfaceCounters>;
  readonly protocol: ProtocolCounters;
}

interface CachedKind {
  readonly ifindex: number;
  readonly kind: string;
}

function readFailure(path: string, error: unknown): Error {
  const reason = error instanceof Error ? error.message : String(error);
  return new Error(`network: cannot read ${path}: ${reason}`, { cause: error });
}

/** A kernel file, null when absent; any other failure names the path. */
function readOptional(path: string): string | null {
  try {
    return readKernelFileSync(path);
  } catch (error) {
    throw readFailure(path, error);
  }
}

/** A one-value sysfs attribute; null when absent or refused (EINVAL from `speed` on a link that is down). */
function readAttribute(path: string): string | null {
  try {
    return readTrimmedSync(path);
  } catch (error) {
    throw readFailure(path, error);
  }
}

/** A numeric sysfs attribute; `Number` also reads the hex of `flags` (`0x1003`). */
function readNumberAttribute(path: string): number | null {
  const text = readAttribute(path);
  if (text === null || text === '') return null;
  const value = Number(text);
  return Number.isFinite(value) ? value : null;
}

function listEntries(path: string): Set<string> {
  try {
    return new Set(listDirSync(path));
  } catch (error) {
    throw readFailure(path, error);
  }
}

function speedBitsPerSec(megabits: number | null): number | null {
  if (megabits === null || megabits <= 0 || megabits === SPEED_UNKNOWN_UNSIGNED) return null;
  return megabits * 1_000_000;
}

function interfaceRates(
  current: InterfaceCounters,
  previous: InterfaceCounters,
  seconds: number,
): InterfaceRates {
  const rates: Record<string, number> = {};
  for (const key of Object.keys(current) as (keyof InterfaceCounters)[]) {
    rates[`${key}PerSec`] = counterRateOrZero(current[key], previous[key], seconds);
  }
  return rates as InterfaceRates;
}

function protocolRates(
  current: ProtocolCounters,
  previous: ProtocolCounters,
  seconds: number,
): { readonly [K in keyof ProtocolCounters]: number } {
  const rates: Partial<Record<keyof ProtocolCounters, number>> = {};
  for (const key of Object.keys(current) as (keyof ProtocolCounters)[]) {
    rates[key] = counterRateOrZero(current[key], previous[key], seconds);
  }
  return rates as { readonly [K in keyof ProtocolCounters]: number };
}

export function createNetworkCollector(
  options: NetworkCollectorOptions = DEFAULT_COLLECTORS_CONFIG.network,
): Collector<'network'> {
  const included = createNameFilter(options.interfaces);
  const chunkBytes = Math.max(1, Math.floor(options.tcpReadChunkBytes ?? DEFAULT_TCP_READ_CHUNK_BYTES));
  let buffer = Buffer.allocUnsafe(chunkBytes);
  let previous: PreviousSample | null = null;
  // An interface's kind is fixed when it is created, so it is cached by name and ifindex: a steady host
  // lists the directory and reads type, flags, uevent and iflink once per interface, not once per tick.
  // A name reused by a new device comes back with a new ifindex and is classified again.
  let kinds = new Map<string, CachedKind>();

  /** Streams a `/proc/net/tcp{,6}` file through the reused buffer; null when the file is absent. */
  function countTcpFile(path: string): TcpStateCounts | null {
    let fd: number;
    try {
      fd = openSync(path, 'r');
    } catch (error) {
      if (isAbsentError(error)) return null;
      throw readFailure(path, error);
    }
    const tally = createTcpStateTally();
    try {
      let carried = 0;
      for (;;) {
        if (carried === buffer.length) {
          const bigger = Buffer.allocUnsafe(buffer.length * 2);
          buffer.copy(bigger, 0, 0, carried);
          buffer = bigger;
        }
        const read = readSync(fd, buffer, carried, Math.min(chunkBytes, buffer.length - carried), null);
        if (read === 0) {
          countTcpStateLines(buffer, carried, tally, true);
          break;
        }
        const end = carried + read;
        const consumed = countTcpStateLines(buffer, end, tally);
        buffer.copyWithin(0, consumed, end);
        carried = end - consumed;
      }
    } catch (error) {
      throw readFailure(path, error);
    } finally {
      closeSync(fd);
    }
    return tallyToTcpStates(tally);
  }

  function describeInterface(
    roots: HostRoots,
    name: string,
    vlanNames: () => ReadonlyMap<string, number>,
    nextKinds: Map<string, CachedKind>,
  ): Omit<NetworkInterface, 'counters' | 'rates'> {
    // dev_valid_name() rejects `/`, `.` and `..`, so a name from /proc/net/dev is one path component.
    const attribute = (file: string): string => sysPath(roots, 'class', 'net', name, file);
    const ifindex = readNumberAttribute(attribute('ifindex'));
    const cached = kinds.get(name);
    let kind: string;
    if (cached !== undefined && ifindex !== null && cached.ifindex === ifindex) {
      kind = cached.kind;
    } else {
      const uevent = readOptional(attribute('uevent'));
      kind = classifyInterface({
        type: readNumberAttribute(attribute('type')),
        flags: readNumberAttribute(attribute('flags')),
        entries: listEntries(sysPath(roots, 'class', 'net', name)),
        devType: uevent === null ? null : (parseUevent(uevent).get('DEVTYPE') ?? null),
        listedAsVlan: vlanNames().has(name),
        ifindex,
        iflink: readNumberAttribute(attribute('iflink')),
      });
    }
    if (ifindex !== null) nextKinds.set(name, { ifindex, kind });
    const address = readAttribute(attribute('address'));
    return {
      name,
      state: readAttribute(attribute('operstate')) || 'unknown',
      // Reading `speed` on loopback always fails with EINVAL (no ethtool link settings): skip it.
      speedBitsPerSec: kind === 'loopback' ? null : speedBitsPerSec(readNumberAttribute(attribute('speed'))),
      mtu: readNumberAttribute(attribute('mtu')),
      // Kept as the kernel prints it, 00:00:00:00:00:00 on loopback included; null only when the file is
      // absent or empty (devices without a hardware address, addr_len 0: tun in tun mode, wireguard).
      macAddress: address === null || address === '' ? null : address,
      kind,
    };
  }

  return {
    section: 'network',
    async collect(context) {
      const { roots, clock, signal } = context;
      const devPath = procPath(roots, 'net', 'dev');
      const devText = readOptional(devPath);
      if (devText === null) return unsupported(`${devPath} not present (kernel without network procfs)`);

      const nowMs = clock.monotonicMs();
      const seconds = intervalSeconds(nowMs, previous?.atMs);
      const baseline = previous !== null && seconds > 0 ? previous : null;

      let vlanCache: ReadonlyMap<string, number> | null = null;
      const vlanNames = (): ReadonlyMap<string, number> => {
        if (vlanCache === null) {
          const text = readOptional(procPath(roots, 'net', 'vlan', 'config'));
          vlanCache = text === null ? new Map() : parseVlanConfig(text);
        }
        return vlanCache;
      };

      const interfaces: NetworkInterface[] = [];
      const counters = new Map<string, InterfaceCounters>();
      const nextKinds = new Map<string, CachedKind>();
      for (const entry of parseNetDev(devText)) {
        if (!included(entry.name)) continue;
        signal.throwIfAborted();
        const before = baseline?.interfaces.get(entry.name);
        interfaces.push({
          ...describeInterface(roots, entry.name, vlanNames, nextKinds),
          counters: entry.counters,
          rates:
            before === undefined || baseline === null
              ? null
              : interfaceRates(entry.counters, before, seconds),
        });
        counters.set(entry.name, entry.counters);
      }
      kinds = nextKinds;

      signal.throwIfAborted();
      // IPv4 cannot be compiled out, but IPv6 can be disabled (ipv6.disable=1), and then tcp6 and
      // sockstat6 do not exist: zero IPv6 sockets.
      const v4 = countTcpFile(procPath(roots, 'net', 'tcp')) ?? emptyTcpStateCounts();
      signal.throwIfAborted();
      const v6 = countTcpFile(procPath(roots, 'net', 'tcp6')) ?? emptyTcpStateCounts();

      const sockstat = readOptional(procPath(roots, 'net', 'sockstat'));
      const sockstat6 = readOptional(procPath(roots, 'net', 'sockstat6'));
      const udp = {
        v4Sockets: (sockstat === null ? undefined : parseSockstat(sockstat).get('UDP')?.get('inuse')) ?? 0,
        v6Sockets: (sockstat6 === null ? undefined : parseSockstat(sockstat6).get('UDP6')?.get('inuse')) ?? 0,
      };

      const snmp = readOptional(procPath(roots, 'net', 'snmp'));
      const netstat = readOptional(procPath(roots, 'net', 'netstat'));
      const protocol = protocolCountersFrom(
        snmp === null ? new Map() : parseProtoTable(snmp),
        netstat === null ? new Map() : parseProtoTable(netstat),
      );

      const data: NetworkData = {
        interfaces,
        tcp: { v4, v6 },
        udp,
        protocol,
        protocolRates: baseline === null ? null : protocolRates(protocol, baseline.protocol, seconds),
      };
      previous = { atMs: nowMs, interfaces: counters, protocol };
      return ok(data);
    },
  };
}
