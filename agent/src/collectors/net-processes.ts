import type { NetNamespace, NetNamespaceInterface, NetProcess, NetProcessesData } from '@sysray/proto';
import { procPath, type HostRoots } from '../platform/host-roots.js';
import { isPermissionError, listDirSync, readKernelFileSync, readLinkSync } from '../platform/read.js';
import {
  ToolError,
  firstLine,
  notFoundMessage,
  runTool as defaultRunTool,
  type RunTool,
} from './gpu-exec.js';
import { isProcfs, openFdCount } from './gpu-fdinfo.js';
import { readProcessIdentity } from './gpu.js';
import { parseNetDev } from './network-parse.js';
import {
  namespaceInodeOfLink,
  parseProcNetInodes,
  parseSsTcp,
  socketInodeOfLink,
  socketSentBytes,
} from './net-processes-parse.js';
import { counterRate, intervalSeconds } from './rates.js';
import { ok, unsupported, type CollectContext, type Collector } from './types.js';

/**
 * The `netProcesses` section: TCP bytes and socket counts per process, top talkers first, and traffic per
 * network namespace attributed to its container or pod.
 *
 * Linux keeps byte counters per TCP socket (struct tcp_info: bytes_received, bytes_sent, bytes_acked), not
 * per process; they are read through sock_diag netlink with `ss -tinHe` (iproute2), the one reader of them
 * that ships everywhere, on the collector's cadence with a timeout. Sockets are tied to processes through
 * the `socket:[inode]` links in `/proc/<pid>/fd`. Reading every fd link every tick would cost one readlink
 * per open file on the host, so the inode→pid map is kept and refreshed where it can have changed: new
 * processes, processes that hold sockets and whose fd count changed, a rolling slice of the rest (every
 * process at least once in `rescanTicks` ticks), and — only when ss shows sockets no known process holds —
 * every process whose fd count changed.
 *
 * Per-namespace totals come from `/proc/<pid>/net/dev` of one process per network namespace
 * (`/proc/<pid>/ns/net`), so they need no ss. ss and `/proc/net/udp` see the agent's own network
 * namespace: per-process figures cover the host's namespace (hostNetwork in Kubernetes), the namespace
 * totals cover containers with their own.
 */

export interface NetProcessesCollectorOptions {
  /** The ss executable, looked up on PATH without a slash; null leaves the per-process part out. */
  readonly ss?: string | null;
  /** Longest one ss run may take, milliseconds. */
  readonly timeoutMs?: number;
  /** Top talkers reported. */
  readonly limit?: number;
  /** Every process's fd links are re-read at least once in this many ticks. */
  readonly rescanTicks?: number;
  /** Test injection: runs the tool. */
  readonly runTool?: RunTool;
}

const DEFAULT_LIMIT = 20;
const DEFAULT_TIMEOUT_MS = 5000;
const DEFAULT_RESCAN_TICKS = 12;
/** ss prints about 600 bytes per socket with -i -e: 64 MiB is ~100,000 sockets. */
const MAX_SS_OUTPUT_BYTES = 64 * 1024 * 1024;
export const SS_ARGS: readonly string[] = ['-tinHe'];

interface FdScan {
  fdCount: number;
  sockets: number[];
}

/** Per-process accumulation of TCP bytes, kept while the process lives. */
interface ProcessTotals {
  received: number;
  sent: number;
  seenTick: number;
}

/** Inode → owning pid, kept between ticks and refreshed where it can have changed. */
class SocketOwners {
  private readonly scans = new Map<number, FdScan>();
  private unattributable = new Set<number>();
  owners = new Map<number, number>();
  scannedProcesses = 0;
  deniedProcesses = 0;
  private procfsOf: string | null = null;
  private procfs = false;

  constructor(private readonly rescanTicks: number) {}

  /** Reads `fd/` links; null when the process is gone or not ours to read. */
  private scan(fdDir: string): FdScan | null {
    let entries: string[];
    try {
      entries = listDirSync(fdDir);
    } catch (error) {
      if (isPermissionError(error)) {
        this.deniedProcesses += 1;
        return null;
      }
      throw new Error(`reading ${fdDir}: ${(error as Error).message}`, { cause: error });
    }
    if (entries.length === 0) return null; // gone (listDirSync gives [] for ENOENT), or a kernel thread
    const sockets: number[] = [];
    for (const entry of entries) {
      let target: string | null;
      try {
        target = readLinkSync(`${fdDir}/${entry}`);
      } catch (error) {
        if (isPermissionError(error)) {
          this.deniedProcesses += 1;
          return null;
        }
        throw new Error(`reading ${fdDir}/${entry}: ${(error as Error).message}`, { cause: error });
      }
      const inode = target === null ? null : socketInodeOfLink(target);
      if (inode !== null) sockets.push(inode);
    }
    this.scannedProcesses += 1;
    // Counted the way later checks count (see openFdCount): the listing itself holds an fd when the process
    // is the agent, so listing and stat() differ by one for it.
    const fdCount = this.procfs ? this.fdCount(fdDir) : entries.length;
    return { fdCount, sockets };
  }

  private fdCount(fdDir: string): number {
    try {
      return openFdCount(fdDir, this.procfs);
    } catch {
      return -1;
    }
  }

  private rebuild(): void {
    const owners = new Map<number, number>();
    // Scans iterate in pid order (inserted sorted on first scan; rebuilt below): the lowest pid owns a
    // socket shared by a parent and its children.
    const pids = [...this.scans.keys()].sort((a, b) => a - b);
    for (const pid of pids) {
      for (const inode of (this.scans.get(pid) as FdScan).sockets)
        if (!owners.has(inode)) owners.set(inode, pid);
    }
    this.owners = owners;
  }

  refresh(
    procDir: string,
    pids: readonly number[],
    tick: number,
    wanted: readonly number[],
    signal: AbortSignal,
  ): void {
    if (this.procfsOf !== procDir) {
      this.procfsOf = procDir;
      this.procfs = isProcfs(procDir);
    }
    this.scannedProcesses = 0;
    this.deniedProcesses = 0;
    const present = new Set(pids);
    for (const pid of this.scans.keys()) if (!present.has(pid)) this.scans.delete(pid);
    const slice = tick % this.rescanTicks;
    const checkedCount = new Set<number>();
    for (const pid of pids) {
      if (signal.aborted) break;
      const fdDir = `${procDir}/${pid}/fd`;
      const known = this.scans.get(pid);
      let rescan = known === undefined || pid % this.rescanTicks === slice;
      if (!rescan && known !== undefined && known.sockets.length > 0) {
        checkedCount.add(pid);
        rescan = this.fdCount(fdDir) !== known.fdCount;
      }
      if (!rescan) continue;
      const scan = this.scan(fdDir);
      if (scan === null) this.scans.delete(pid);
      else this.scans.set(pid, scan);
    }
    this.rebuild();

    // Sockets ss sees that no known process holds: a process opened one without its fd count changing
    // visibly to the checks above. Look at every process whose fd count changed, once.
    const missing = wanted.filter((inode) => !this.owners.has(inode) && !this.unattributable.has(inode));
    if (missing.length > 0) {
      for (const pid of pids) {
        if (signal.aborted) break;
        if (checkedCount.has(pid)) continue;
        const known = this.scans.get(pid);
        const fdDir = `${procDir}/${pid}/fd`;
        if (known !== undefined && this.fdCount(fdDir) === known.fdCount) continue;
        const scan = this.scan(fdDir);
        if (scan === null) this.scans.delete(pid);
        else this.scans.set(pid, scan);
      }
      this.rebuild();
    }
    // What is still missing belongs to processes out of reach (other users for a non-root agent, other pid
    // namespaces) or closed meanwhile: not worth another search until the rolling rescan finds it.
    const wantedSet = new Set(wanted);
    const still = new Set<number>();
    for (const inode of this.unattributable) if (wantedSet.has(inode)) still.add(inode);
    for (const inode of wanted) if (!this.owners.has(inode)) still.add(inode);
    this.unattributable = still;
  }
}

function listPids(procDir: string): number[] {
  return listDirSync(procDir)
    .filter((entry) => entry.charCodeAt(0) >= 48 && entry.charCodeAt(0) <= 57)
    .map(Number)
    .filter((pid) => Number.isInteger(pid))
    .sort((a, b) => a - b);
}

function readNamespaceInode(roots: HostRoots, pid: number | string): number | null {
  const path = procPath(roots, pid, 'ns', 'net');
  let target: string | null;
  try {
    target = readLinkSync(path);
  } catch (error) {
    // ns links need ptrace read access, like fd/: another user's process for a non-root agent.
    if (isPermissionError(error)) return null;
    throw new Error(`reading ${path}: ${(error as Error).message}`, { cause: error });
  }
  return target === null ? null : namespaceInodeOfLink(target);
}

export function createNetProcessesCollector(
  options: NetProcessesCollectorOptions = {},
): Collector<'netProcesses'> {
  const ss = options.ss === undefined ? 'ss' : options.ss;
  const timeoutMs = Math.max(100, options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  const limit = Math.max(0, Math.floor(options.limit ?? DEFAULT_LIMIT));
  const rescanTicks = Math.max(1, Math.floor(options.rescanTicks ?? DEFAULT_RESCAN_TICKS));
  const run = options.runTool ?? defaultRunTool;

  const owners = new SocketOwners(rescanTicks);
  let previousSockets = new Map<number, { received: number; sent: number }>();
  const processTotals = new Map<number, ProcessTotals>();
  let previousMs: number | undefined;
  let tick = 0;
  /** Namespace of each pid, re-read for new pids and in the rolling slice. */
  const namespaceOf = new Map<number, number | null>();
  const previousInterfaces = new Map<string, { rx: number; tx: number }>();

  /** Runs ss; the sockets, or the reason there are none. */
  const readSockets = async (): Promise<ReturnType<typeof parseSsTcp> | string> => {
    if (ss === null) return 'disabled (no ss command configured)';
    let result;
    try {
      result = await run(ss, SS_ARGS, { timeoutMs, maxBufferBytes: MAX_SS_OUTPUT_BYTES });
    } catch (error) {
      if (error instanceof ToolError && error.notFound) {
        return `${notFoundMessage(ss)}: per-process TCP bytes need ss from iproute2`;
      }
      return (error as Error).message;
    }
    if (result.exitCode !== 0) {
      return `${ss} ${SS_ARGS.join(' ')} exited with status ${result.exitCode}: ${
        firstLine(result.stderr) || firstLine(result.stdout) || 'no output'
      }`;
    }
    return parseSsTcp(result.stdout);
  };

  const readUdpInodes = (roots: HostRoots): number[] => {
    const inodes: number[] = [];
    for (const file of ['udp', 'udp6']) {
      const path = procPath(roots, 'net', file);
      let text: string | null;
      try {
        text = readKernelFileSync(path);
      } catch (error) {
        throw new Error(`reading ${path}: ${(error as Error).message}`, { cause: error });
      }
      // udp6 is absent with IPv6 disabled (ipv6.disable=1).
      if (text !== null) inodes.push(...parseProcNetInodes(text));
    }
    return inodes;
  };

  const collectNamespaces = (
    roots: HostRoots,
    pids: readonly number[],
    seconds: number,
    signal: AbortSignal,
  ): { namespaces: NetNamespace[]; reason: string | null } => {
    const present = new Set(pids);
    for (const pid of namespaceOf.keys()) if (!present.has(pid)) namespaceOf.delete(pid);
    const slice = tick % rescanTicks;
    const members = new Map<number, number[]>();
    for (const pid of pids) {
      if (signal.aborted) break;
      let inode = namespaceOf.get(pid);
      if (inode === undefined || pid % rescanTicks === slice) {
        inode = readNamespaceInode(roots, pid);
        namespaceOf.set(pid, inode);
      }
      if (inode === null) continue;
      const list = members.get(inode);
      if (list === undefined) members.set(inode, [pid]);
      else list.push(pid);
    }
    if (members.size === 0) {
      return {
        namespaces: [],
        reason: `no readable ${procPath(roots, '<pid>', 'ns', 'net')} link (reading them needs root)`,
      };
    }
    // The host's namespace is pid 1's; where pid 1 is out of reach (a sandbox), the agent's own.
    const hostInode = namespaceOf.get(1) ?? readNamespaceInode(roots, 1) ?? readNamespaceInode(roots, 'self');
    const namespaces: NetNamespace[] = [];
    const seenInterfaces = new Set<string>();
    for (const [inode, list] of members) {
      // The lowest pid: for a pod, its sandbox (pause) process, whose cgroup names the pod.
      let chosen: number | null = null;
      let entries: ReturnType<typeof parseNetDev> = [];
      for (const pid of list) {
        const path = procPath(roots, pid, 'net', 'dev');
        let text: string | null;
        try {
          text = readKernelFileSync(path);
        } catch (error) {
          if (isPermissionError(error)) continue;
          throw new Error(`reading ${path}: ${(error as Error).message}`, { cause: error });
        }
        if (text === null) continue; // exited meanwhile: try the next process of the namespace
        entries = parseNetDev(text);
        chosen = pid;
        break;
      }
      if (chosen === null) continue;
      const interfaces: NetNamespaceInterface[] = [];
      let rxBytes = 0;
      let txBytes = 0;
      let rxRate: number | null = 0;
      let txRate: number | null = 0;
      for (const entry of entries) {
        if (entry.name === 'lo') continue;
        const key = `${inode}/${entry.name}`;
        seenInterfaces.add(key);
        const c = entry.counters;
        const before = previousInterfaces.get(key);
        const rx = counterRate(c.rxBytes, before?.rx, seconds);
        const tx = counterRate(c.txBytes, before?.tx, seconds);
        previousInterfaces.set(key, { rx: c.rxBytes, tx: c.txBytes });
        interfaces.push({
          name: entry.name,
          rxBytes: c.rxBytes,
          txBytes: c.txBytes,
          rxPackets: c.rxPackets,
          txPackets: c.txPackets,
          rxDrops: c.rxDrops,
          txDrops: c.txDrops,
          rxBytesPerSec: rx,
          txBytesPerSec: tx,
        });
        rxBytes += c.rxBytes;
        txBytes += c.txBytes;
        rxRate = rxRate === null || rx === null ? null : rxRate + rx;
        txRate = txRate === null || tx === null ? null : txRate + tx;
      }
      namespaces.push({
        inode,
        host: inode === hostInode,
        pid: chosen,
        processes: list.length,
        container: inode === hostInode ? null : readProcessIdentity(roots, chosen).container,
        interfaces,
        rxBytes,
        txBytes,
        rxBytesPerSec: interfaces.length === 0 ? null : rxRate,
        txBytesPerSec: interfaces.length === 0 ? null : txRate,
      });
    }
    for (const key of previousInterfaces.keys()) if (!seenInterfaces.has(key)) previousInterfaces.delete(key);
    namespaces.sort((a, b) => Number(b.host) - Number(a.host) || a.inode - b.inode);
    return { namespaces, reason: null };
  };

  return {
    section: 'netProcesses',
    async collect(context: CollectContext) {
      const { roots, clock, signal } = context;
      const sockets = await readSockets();
      tick += 1;
      const nowMs = clock.monotonicMs();
      const seconds = intervalSeconds(nowMs, previousMs);
      const procDir = procPath(roots);
      const pids = listPids(procDir);
      const unavailable: Record<string, string> = {};

      let top: NetProcess[] = [];
      const totals = { tcpConnections: 0, udpSockets: 0, unattributedSockets: 0 };
      if (typeof sockets === 'string') {
        unavailable.processes = sockets;
        previousSockets = new Map();
        processTotals.clear();
      } else {
        const udp = readUdpInodes(roots);
        const attached = sockets.filter((s) => s.inode > 0);
        owners.refresh(procDir, pids, tick, [...attached.map((s) => s.inode), ...udp], signal);
        totals.tcpConnections = sockets.length;
        totals.udpSockets = udp.length;

        const perProcess = new Map<
          number,
          {
            tcp: number;
            udp: number;
            received: number;
            sent: number;
            deltaReceived: number;
            deltaSent: number;
          }
        >();
        const entryFor = (pid: number) => {
          let entry = perProcess.get(pid);
          if (entry === undefined) {
            entry = { tcp: 0, udp: 0, received: 0, sent: 0, deltaReceived: 0, deltaSent: 0 };
            perProcess.set(pid, entry);
          }
          return entry;
        };
        const current = new Map<number, { received: number; sent: number }>();
        const hadPrevious = previousMs !== undefined;
        for (const socket of sockets) {
          if (socket.inode === 0) {
            // Orphaned (closed by its process, still draining): no file holds it.
            totals.unattributedSockets += 1;
            continue;
          }
          const received = socket.bytesReceived;
          const sent = socketSentBytes(socket);
          current.set(socket.inode, { received, sent });
          const pid = owners.owners.get(socket.inode);
          if (pid === undefined) {
            totals.unattributedSockets += 1;
            continue;
          }
          const entry = entryFor(pid);
          entry.tcp += 1;
          entry.received += received;
          entry.sent += sent;
          // A socket absent from the previous listing opened since then: all of its bytes are new. A socket
          // that closed since then is simply gone, with whatever it moved after the previous sample.
          const before = previousSockets.get(socket.inode);
          if (before === undefined) {
            if (hadPrevious) {
              entry.deltaReceived += received;
              entry.deltaSent += sent;
            }
          } else {
            entry.deltaReceived += Math.max(0, received - before.received);
            entry.deltaSent += Math.max(0, sent - before.sent);
          }
        }
        for (const inode of udp) {
          const pid = owners.owners.get(inode);
          if (pid === undefined) totals.unattributedSockets += 1;
          else entryFor(pid).udp += 1;
        }
        previousSockets = current;

        const ranked: (NetProcess & { rank: number })[] = [];
        for (const [pid, entry] of perProcess) {
          const known = processTotals.get(pid);
          let received: number;
          let sent: number;
          let receivedRate: number | null = null;
          let sentRate: number | null = null;
          if (known === undefined) {
            // First sight: what its open sockets have moved so far.
            received = entry.received;
            sent = entry.sent;
            if (hadPrevious && seconds > 0) {
              receivedRate = entry.deltaReceived / seconds;
              sentRate = entry.deltaSent / seconds;
            }
          } else {
            received = known.received + entry.deltaReceived;
            sent = known.sent + entry.deltaSent;
            if (seconds > 0) {
              receivedRate = entry.deltaReceived / seconds;
              sentRate = entry.deltaSent / seconds;
            }
          }
          processTotals.set(pid, { received, sent, seenTick: tick });
          const rank =
            receivedRate === null || sentRate === null
              ? entry.received + entry.sent
              : receivedRate + sentRate;
          ranked.push({
            pid,
            name: '',
            container: null,
            tcpConnections: entry.tcp,
            udpSockets: entry.udp,
            receivedBytes: received,
            sentBytes: sent,
            receivedBytesPerSec: receivedRate,
            sentBytesPerSec: sentRate,
            rank,
          });
        }
        for (const [pid, state] of processTotals) if (state.seenTick !== tick) processTotals.delete(pid);
        ranked.sort(
          (a, b) =>
            b.rank - a.rank ||
            b.receivedBytes + b.sentBytes - (a.receivedBytes + a.sentBytes) ||
            a.pid - b.pid,
        );
        top = [];
        for (const { rank: _rank, ...process } of ranked.slice(0, limit)) {
          const who = readProcessIdentity(roots, process.pid);
          top.push({ ...process, name: who.name ?? '', container: who.container });
        }
        if (owners.deniedProcesses > 0 && totals.unattributedSockets > 0) {
          unavailable.attribution = `fd links of ${owners.deniedProcesses} processes not readable: attributing their sockets needs root`;
        }
      }

      const { namespaces, reason } = collectNamespaces(roots, pids, seconds, signal);
      if (reason !== null) unavailable.namespaces = reason;
      previousMs = nowMs;

      if (unavailable.processes !== undefined && namespaces.length === 0) {
        return unsupported(
          `${unavailable.processes}; ${unavailable.namespaces ?? 'no network namespace readable'}`,
        );
      }
      const data: NetProcessesData = { top, totals, namespaces, unavailable };
      return ok(data);
    },
  };
}
