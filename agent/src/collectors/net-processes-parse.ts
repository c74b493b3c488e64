/**
 * Pure parsers for the netProcesses collector: `ss -tinHe` (iproute2), `/proc/net/udp{,6}` inodes and the
 * `socket:[N]` / `net:[N]` links of `/proc/<pid>/fd` and `/proc/<pid>/ns/net`. No I/O here.
 */

/** One TCP socket from `ss -tinHe`, with the kernel's per-socket byte counters (struct tcp_info). */
export interface SsTcpSocket {
  /** ss's state name: `ESTAB`, `SYN-SENT`, `FIN-WAIT-1`, `CLOSE-WAIT`, … */
  readonly state: string;
  /** Socket inode, the number in the `socket:[N]` fd link; 0 for sockets no file holds (TIME-WAIT). */
  readonly inode: number;
  readonly local: string;
  readonly peer: string;
  /** `tcpi_bytes_received` (Linux 4.1+): payload bytes received. */
  readonly bytesReceived: number;
  /** `tcpi_bytes_acked` (Linux 4.1+): bytes the peer acknowledged (the SYN and FIN count one each). */
  readonly bytesAcked: number;
  /** `tcpi_bytes_sent` (Linux 4.19+): payload bytes sent, retransmissions included; null before 4.19. */
  readonly bytesSent: number | null;
  /** `tcpi_bytes_retrans` (Linux 4.19+). */
  readonly bytesRetrans: number;
}

/**
 * The value of ` <key>:<digits>` in a socket's text, or undefined. indexOf rather than a regular expression:
 * ss prints about 600 bytes per socket and a busy host has tens of thousands of sockets.
 */
function counterIn(text: string, key: string, from: number): number | undefined {
  const at = text.indexOf(key, from);
  if (at < 0) return undefined;
  let end = at + key.length;
  let value = 0;
  let digits = 0;
  for (; end < text.length; end += 1) {
    const c = text.charCodeAt(end);
    if (c < 48 || c > 57) break;
    value = value * 10 + (c - 48);
    digits += 1;
  }
  return digits === 0 ? undefined : value;
}

/**
 * Parses `ss -t -i -n -H -e` output. Each socket is a line that starts in column one (`State Recv-Q Send-Q
 * Local Peer` then the `-e` details `timer:(…) uid:N ino:N sk:… cgroup:…`), followed by lines that start with
 * whitespace carrying the `-i` TCP info (`bytes_sent:… bytes_acked:… bytes_received:…`). ss prints a byte
 * counter only when it is non-zero (misc/ss.c, tcp_stats_print), so a missing one is 0 — except
 * `bytes_sent`, which kernels before 4.19 do not report at all: with neither it nor `bytes_retrans` present
 * while `bytes_acked` is, it is taken as absent.
 */
export function parseSsTcp(text: string): SsTcpSocket[] {
  const sockets: SsTcpSocket[] = [];
  let main: string | null = null;
  let details = '';
  const flush = (): void => {
    if (main === null) return;
    const parts = main.trim().split(/\s+/);
    main = null;
    if (parts.length < 5) return;
    const inode = counterIn(` ${parts.slice(5).join(' ')}`, ' ino:', 0) ?? 0;
    // The keys are matched with their leading space so `bytes_sent:` is not found inside another word. The
    // -i counters are on the continuation lines; an ss that printed them on the socket line is read too.
    const info = details !== '' ? details : ` ${parts.slice(5).join(' ')}`;
    // ss prints them in this order after the first `bytes_` key; the search starts there.
    const from = Math.max(0, info.indexOf(' bytes_'));
    const acked = counterIn(info, ' bytes_acked:', from) ?? 0;
    const sent = counterIn(info, ' bytes_sent:', from);
    const retrans = counterIn(info, ' bytes_retrans:', from) ?? 0;
    sockets.push({
      state: parts[0] as string,
      inode,
      local: parts[3] as string,
      peer: parts[4] as string,
      bytesReceived: counterIn(info, ' bytes_received:', from) ?? 0,
      bytesAcked: acked,
      bytesSent: sent ?? (acked > 0 ? null : 0),
      bytesRetrans: retrans,
    });
    details = '';
  };
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    if (line.startsWith(' ') || line.startsWith('\t')) {
      if (main !== null) details += ` ${line.replaceAll('\t', ' ')}`;
      continue;
    }
    flush();
    details = '';
    main = line;
  }
  flush();
  return sockets;
}

/**
 * Payload bytes a socket sent: `bytes_sent - bytes_retrans` where the kernel reports bytes_sent (4.19+),
 * else `bytes_acked` less the SYN's sequence number (within a byte of the payload acknowledged).
 */
export function socketSentBytes(socket: SsTcpSocket): number {
  if (socket.bytesSent !== null) return Math.max(0, socket.bytesSent - socket.bytesRetrans);
  return Math.max(0, socket.bytesAcked - 1);
}

/**
 * Socket inodes from `/proc/net/udp` or `/proc/net/udp6` (net/ipv4/udp.c, udp4_format_sock): a header, then
 * `sl local rem st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode ref pointer drops` per socket.
 */
export function parseProcNetInodes(text: string): number[] {
  const inodes: number[] = [];
  for (const line of text.split('\n')) {
    const parts = line.trim().split(/\s+/);
    if (parts.length < 10 || !/^\d+:$/.test(parts[0] as string)) continue;
    const inode = Number(parts[9]);
    if (Number.isInteger(inode) && inode > 0) inodes.push(inode);
  }
  return inodes;
}

/** The inode of a `socket:[12345]` fd link, or null for anything else (files, pipes, anon inodes). */
export function socketInodeOfLink(target: string): number | null {
  if (!target.startsWith('socket:[') || !target.endsWith(']')) return null;
  const value = Number(target.slice(8, -1));
  return Number.isInteger(value) && value > 0 ? value : null;
}

/** The namespace inode of a `net:[4026531840]` link (`/proc/<pid>/ns/net`), or null. */
export function namespaceInodeOfLink(target: string): number | null {
  const match = /^net:\[(\d+)\]$/.exec(target.trim());
  return match === null ? null : Number(match[1]);
}
