import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { NetProcessesData } from '@sysray/proto';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunTool } from '../../src/collectors/gpu-exec.js';
import { SS_ARGS, createNetProcessesCollector } from '../../src/collectors/net-processes.js';
import {
  namespaceInodeOfLink,
  parseProcNetInodes,
  parseSsTcp,
  socketInodeOfLink,
  socketSentBytes,
} from '../../src/collectors/net-processes-parse.js';
import type { CollectContext, CollectOutcome } from '../../src/collectors/types.js';
import { snapshotMetrics } from '../../src/otel/snapshot-metrics.js';
import { ManualClock } from '../../src/platform/clock.js';
import { resolveHostRoots } from '../../src/platform/host-roots.js';
import { SAMPLE_IDS, sampleSnapshot } from '../otel/sample-snapshot.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));

/** iproute2 6.1 `ss -tinHe` on Linux 6.x, as captured (with the padding ss adds when stdout is not a TTY). */
const SS_CAPTURED = `ESTAB 0      0      127.0.0.1:38949 127.0.0.1:59738 ino:214726 sk:1 cgroup:/ <->
\t ts sack bbr wscale:10,10 rto:204 rtt:0.014/0.007 ato:40 mss:32768 pmtu:65535 rcvmss:34518 advmss:65483 cwnd:10 bytes_received:100000 segs_out:2 segs_in:5 data_segs_in:3 bbr:(bw:0bps,mrtt:0.014) send 187245714286bps lastsnd:108 lastrcv:104 lastack:104 pacing_rate 535120425240bps delivered:1 app_limited rcv_rtt:0.03 rcv_space:67259 rcv_ssthresh:94833 minrtt:0.014 snd_wnd:65536
ESTAB 0      0      127.0.0.1:59738 127.0.0.1:38949 ino:214725 sk:2 cgroup:/ <->
\t ts sack bbr wscale:10,10 rto:204 rtt:0.104/0.176 mss:47616 pmtu:65535 rcvmss:536 advmss:65483 cwnd:13 bytes_sent:100000 bytes_acked:100001 segs_out:5 segs_in:3 data_segs_out:3 bbr:(bw:10883656488bps,mrtt:0.018,pacing_gain:2.88672,cwnd_gain:2.88672) send 47616000000bps lastsnd:104 lastrcv:108 lastack:104 pacing_rate 415861833024bps delivery_rate 1117090904bps delivered:4 rcv_space:65495                    
FIN-WAIT-2 0 0 [2001:db8::5]:44400 [2001:db8::22]:80 timer:(timewait,50sec,0) ino:0 sk:4 -->
\t cubic wscale:7,7 rto:204 rtt:1.2/0.6 bytes_received:100
`;

describe('parseSsTcp', () => {
  it('reads state, addresses, inode and byte counters from captured ss output', () => {
    expect(parseSsTcp(SS_CAPTURED)).toEqual([
      {
        state: 'ESTAB',
        inode: 214726,
        local: '127.0.0.1:38949',
        peer: '127.0.0.1:59738',
        bytesReceived: 100000,
        bytesAcked: 0,
        bytesSent: 0,
        bytesRetrans: 0,
      },
      {
        state: 'ESTAB',
        inode: 214725,
        local: '127.0.0.1:59738',
        peer: '127.0.0.1:38949',
        bytesReceived: 0,
        bytesAcked: 100001,
        bytesSent: 100000,
        bytesRetrans: 0,
      },
      {
        state: 'FIN-WAIT-2',
        inode: 0,
        local: '[2001:db8::5]:44400',
        peer: '[2001:db8::22]:80',
        bytesReceived: 100,
        bytesAcked: 0,
        bytesSent: 0,
        bytesRetrans: 0,
      },
    ]);
  });

  it('takes bytes_sent as unknown on kernels before 4.19, where only bytes_acked exists', () => {
    const [socket] = parseSsTcp(
      'ESTAB 0 0 10.0.0.5:22 10.0.0.9:51234 uid:0 ino:30002 sk:ffff8801 <->\n\t cubic rto:204 bytes_acked:5001 bytes_received:300 segs_out:9\n',
    );
    expect(socket?.bytesSent).toBeNull();
    expect(socketSentBytes(socket!)).toBe(5000);
  });

  it('subtracts retransmissions from bytes_sent', () => {
    const [socket] = parseSsTcp(
      'ESTAB 0 0 a:1 b:2 ino:7 sk:1 <->\n\t bytes_sent:1500 bytes_retrans:500 bytes_acked:1001 bytes_received:1\n',
    );
    expect(socketSentBytes(socket!)).toBe(1000);
  });

  it('ignores garbage and continuation lines without a socket line', () => {
    expect(parseSsTcp('\t bytes_received:5\nnonsense\n\n')).toEqual([]);
  });
});

describe('socket and namespace helpers', () => {
  it('parses the inode column of /proc/net/udp and udp6', () => {
    const udp = readFileSync(path.join(FIXTURES, 'gpu-amd/proc/net/udp'), 'utf8');
    expect(parseProcNetInodes(udp)).toEqual([41003, 18234]);
    const udp6 = readFileSync(path.join(FIXTURES, 'gpu-amd/proc/net/udp6'), 'utf8');
    expect(parseProcNetInodes(udp6)).toEqual([30003]);
    expect(parseProcNetInodes('garbage\n  1: short line\n')).toEqual([]);
  });

  it('reads socket and namespace links', () => {
    expect(socketInodeOfLink('socket:[41001]')).toBe(41001);
    expect(socketInodeOfLink('pipe:[41001]')).toBeNull();
    expect(socketInodeOfLink('/dev/dri/renderD128')).toBeNull();
    expect(socketInodeOfLink('socket:[]')).toBeNull();
    expect(namespaceInodeOfLink('net:[4026531840]')).toBe(4026531840);
    expect(namespaceInodeOfLink('mnt:[4026531840]')).toBeNull();
  });
});

/** The ss output of the gpu-amd host at one tick: inode → [bytes_received, bytes_sent]. */
function ssOutput(sockets: Record<number, readonly [number, number]>): string {
  let text = '';
  let n = 0;
  for (const [inode, [received, sent]] of Object.entries(sockets)) {
    n += 1;
    text += `ESTAB 0      0      10.0.0.5:${40000 + n} 10.0.0.${n}:443 ino:${inode} sk:${n} <->\n`;
    text += `\t ts sack cubic wscale:7,7 rto:204 rtt:0.5/0.25 mss:1448 cwnd:10 bytes_sent:${sent + 10} bytes_retrans:10 bytes_acked:${sent + 1} bytes_received:${received} segs_out:10\n`;
  }
  // An orphan still closing: no file, no owner.
  text +=
    'FIN-WAIT-2 0 0 10.0.0.5:44400 10.0.0.22:80 timer:(timewait,50sec,0) ino:0 sk:99 -->\n\t cubic bytes_received:100\n';
  return text;
}

describe('netProcesses collector on fixture trees', () => {
  let tmp: string | undefined;
  afterEach(() => {
    if (tmp !== undefined) rmSync(tmp, { recursive: true, force: true });
    tmp = undefined;
  });
  const copyTree = (variant: string): string => {
    tmp = mkdtempSync(path.join(tmpdir(), 'sysray-netproc-'));
    const root = path.join(tmp, variant);
    cpSync(path.join(FIXTURES, variant), root, { recursive: true, verbatimSymlinks: true });
    return root;
  };
  const contextFor = (rootfs: string): CollectContext & { clock: ManualClock } => ({
    roots: resolveHostRoots({ rootfs }, {}),
    clock: new ManualClock(),
    signal: new AbortController().signal,
  });
  const dataOf = (outcome: CollectOutcome<NetProcessesData>): NetProcessesData => {
    if (outcome.kind !== 'ok') throw new Error(`expected ok, got ${outcome.reason}`);
    return outcome.data;
  };
  /** A runner that answers `ss -tinHe` with the next canned output. */
  const cannedSs = (outputs: string[]): { runTool: RunTool; calls: string[][] } => {
    const calls: string[][] = [];
    return {
      calls,
      runTool: async (file, args) => {
        calls.push([file, ...args]);
        return { exitCode: 0, stdout: outputs.shift() ?? '', stderr: '' };
      },
    };
  };

  it('attributes sockets to processes, accumulates their bytes and ranks top talkers by rate', async () => {
    const root = copyTree('gpu-amd');
    const ss = cannedSs([
      ssOutput({ 30002: [2000, 1000], 41001: [10_000_000, 499_000], 41002: [3000, 2000], 99999: [7, 0] }),
      ssOutput({
        30002: [3000, 1000],
        41001: [14_000_000, 1_500_000],
        41004: [600_000, 100_000],
        99999: [7, 0],
      }),
    ]);
    const collector = createNetProcessesCollector({ runTool: ss.runTool });
    const context = contextFor(root);

    const first = dataOf(await collector.collect(context));
    expect(ss.calls).toEqual([['ss', ...SS_ARGS]]);
    // First sample: ranked by what their sockets have moved so far; no rates yet.
    expect(
      first.top.map((p) => [p.pid, p.name, p.tcpConnections, p.udpSockets, p.receivedBytes, p.sentBytes]),
    ).toEqual([
      [3100, 'python3', 2, 0, 10_003_000, 501_000],
      [2000, 'sshd', 1, 0, 2000, 1000],
      [3101, 'python3', 0, 1, 0, 0],
    ]);
    expect(first.top.every((p) => p.receivedBytesPerSec === null && p.sentBytesPerSec === null)).toBe(true);
    // 5 TCP (one an orphan, one unknown inode 99999) and 3 UDP (two held by processes outside the tree).
    expect(first.totals).toEqual({ tcpConnections: 5, udpSockets: 3, unattributedSockets: 4 });

    // 41002 closed (its last interval is lost); 41004 opened on a new fd of 3100, all of it new.
    symlinkSync('socket:[41004]', path.join(root, 'proc/3100/fd/8'));
    context.clock.advance(2_000);
    const second = dataOf(await collector.collect(context));
    const python = second.top[0];
    expect(python).toEqual({
      pid: 3100,
      name: 'python3',
      container: {
        containerId: null,
        runtime: null,
        podUid: null,
        qosClass: null,
        systemdUnit: 'session-3.scope',
      },
      tcpConnections: 2,
      udpSockets: 0,
      receivedBytes: 10_003_000 + 4_000_000 + 600_000,
      sentBytes: 501_000 + 1_001_000 + 100_000,
      receivedBytesPerSec: 2_300_000,
      sentBytesPerSec: 550_500,
    });
    expect(second.top.slice(1).map((p) => [p.pid, p.receivedBytesPerSec, p.sentBytesPerSec])).toEqual([
      [2000, 500, 0],
      [3101, 0, 0],
    ]);
  });

  it('bounds the top list', async () => {
    const ss = cannedSs([ssOutput({ 30002: [2000, 1000], 41001: [10, 10] })]);
    const collector = createNetProcessesCollector({ runTool: ss.runTool, limit: 1 });
    const data = dataOf(await collector.collect(contextFor(path.join(FIXTURES, 'gpu-amd'))));
    expect(data.top.map((p) => p.pid)).toEqual([2000]);
  });

  it('reports each network namespace through one process, attributed to its container, with rates', async () => {
    const root = copyTree('gpu-amd');
    const collector = createNetProcessesCollector({ ss: null });
    const context = contextFor(root);
    const first = dataOf(await collector.collect(context));
    expect(
      first.namespaces.map((n) => [n.inode, n.host, n.pid, n.processes, n.interfaces.map((i) => i.name)]),
    ).toEqual([
      [4026531840, true, 1, 5, ['enp5s0', 'docker0', 'veth3f1a2b4']],
      [4026532581, false, 4100, 2, ['eth0']],
    ]);
    const container = first.namespaces[1];
    expect(container?.container).toEqual({
      containerId: '1f0e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0',
      runtime: 'docker',
      podUid: null,
      qosClass: null,
      systemdUnit: null,
    });
    expect(container?.interfaces[0]).toMatchObject({ rxBytes: 7_654_321, txBytes: 123_456_789, rxDrops: 3 });
    expect(container?.rxBytesPerSec).toBeNull();
    expect(first.unavailable).toEqual({ processes: 'disabled (no ss command configured)' });

    const dev = path.join(root, 'proc/4100/net/dev');
    writeFileSync(
      dev,
      readFileSync(dev, 'utf8').replace(
        '  eth0: 7654321',
        `  eth0:${String(7_654_321 + 2_048_000).padStart(8)}`,
      ),
    );
    context.clock.advance(2_000);
    const second = dataOf(await collector.collect(context));
    expect(second.namespaces[1]?.rxBytesPerSec).toBe(1_024_000);
    expect(second.namespaces[1]?.txBytesPerSec).toBe(0);
    expect(second.namespaces[0]?.rxBytesPerSec).toBe(0);
  });

  it('attributes a pod namespace to its sandbox, with the pod UID', async () => {
    const data = dataOf(
      await createNetProcessesCollector({ ss: null }).collect(contextFor(path.join(FIXTURES, 'gpu-intel'))),
    );
    const pod = data.namespaces.find((n) => !n.host);
    expect(pod?.pid).toBe(6050);
    expect(pod?.container?.podUid).toBe('7d2c4a1e-9b3f-4c8d-a6e5-2f1b0c9d8e7a');
    expect(pod?.container?.containerId).toBe(
      '0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9',
    );
  });

  it('without ss the per-process part says why, and the namespaces still come', async () => {
    const collector = createNetProcessesCollector({ ss: 'sysray-no-such-ss' });
    const data = dataOf(await collector.collect(contextFor(path.join(FIXTURES, 'gpu-amd'))));
    expect(data.unavailable.processes).toBe(
      'sysray-no-such-ss not found on PATH: per-process TCP bytes need ss from iproute2',
    );
    expect(data.top).toEqual([]);
    expect(data.namespaces).toHaveLength(2);
  });

  it('an ss that fails reports its status and message', async () => {
    const collector = createNetProcessesCollector({
      runTool: async () => ({
        exitCode: 1,
        stdout: '',
        stderr: 'Cannot open netlink socket: Protocol not supported\n',
      }),
    });
    const data = dataOf(await collector.collect(contextFor(path.join(FIXTURES, 'gpu-amd'))));
    expect(data.unavailable.processes).toBe(
      'ss -tinHe exited with status 1: Cannot open netlink socket: Protocol not supported',
    );
  });

  it('is unsupported when neither part has anything (no ss, no readable namespace)', async () => {
    const outcome = await createNetProcessesCollector({ ss: null }).collect(
      contextFor(path.join(FIXTURES, 'no-psi')),
    );
    expect(outcome.kind).toBe('unsupported');
    expect(outcome.kind === 'unsupported' && outcome.reason).toMatch(
      /^disabled \(no ss command configured\); no readable/,
    );
  });
});

describe('netProcesses collector on the live host', () => {
  it.runIf(process.platform === 'linux')(
    'sees 10 MB moved over a loopback TCP connection attributed to this process within one interval',
    async () => {
      const collector = createNetProcessesCollector({ limit: 10_000 });
      const clock = new ManualClock();
      const context: CollectContext = {
        roots: resolveHostRoots({}, {}),
        clock,
        signal: new AbortController().signal,
      };
      const before = await collector.collect(context);
      if (before.kind === 'ok' && before.data.unavailable.processes !== undefined) {
        throw new Error(`per-process network needs ss (iproute2): ${before.data.unavailable.processes}`);
      }

      const TOTAL = 10 * 1024 * 1024;
      let received = 0;
      const server = net.createServer((socket) => {
        socket.on('data', (chunk: Buffer) => {
          received += chunk.length;
        });
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const port = (server.address() as net.AddressInfo).port;
      const client = net.connect(port, '127.0.0.1');
      try {
        await new Promise<void>((resolve) => client.on('connect', resolve));
        await new Promise<void>((resolve) => client.write(Buffer.alloc(TOTAL, 7), () => resolve()));
        while (received < TOTAL) await new Promise((resolve) => setTimeout(resolve, 10));

        clock.advance(1_000);
        const after = await collector.collect(context);
        expect(after.kind).toBe('ok');
        if (after.kind !== 'ok') return;
        const me = after.data.top.find((p) => p.pid === process.pid);
        expect(me, `pid ${process.pid} in ${JSON.stringify(after.data.top.map((p) => p.pid))}`).toBeDefined();
        // Both ends are this process: it received and sent the 10 MB within the one-second interval.
        expect(me?.receivedBytesPerSec).toBeGreaterThanOrEqual(TOTAL);
        expect(me?.sentBytesPerSec).toBeGreaterThanOrEqual(TOTAL);
        expect(me?.tcpConnections).toBeGreaterThanOrEqual(2);
        expect(after.data.namespaces.some((n) => n.host)).toBe(true);
      } finally {
        client.destroy();
        await new Promise((resolve) => server.close(resolve));
      }
    },
  );
});

describe('netProcesses section as OpenTelemetry metrics', () => {
  const { observations } = snapshotMetrics(sampleSnapshot());
  const of = (name: string) => observations.filter((o) => o.name === name);

  it('gives top talkers per-process byte counters and socket counts', () => {
    expect(
      of('sysray.process.network.io').map((o) => [o.attributes['network.io.direction'], o.value]),
    ).toEqual([
      ['receive', 123_456_789],
      ['transmit', 987_654_321],
    ]);
    expect(
      of('sysray.process.network.sockets').map((o) => [o.attributes['network.transport'], o.value]),
    ).toEqual([
      ['tcp', 42],
      ['udp', 1],
    ]);
    expect(of('sysray.process.network.io')[0]?.attributes['container.id']).toBe(SAMPLE_IDS.DOCKER_ID);
    expect(of('sysray.network.sockets.unattributed').map((o) => o.value)).toEqual([2]);
  });

  it('maps container namespaces to container.network.io and leaves the host namespace to system.network.io', () => {
    expect(of('container.network.io')).toEqual([
      {
        name: 'container.network.io',
        value: 7_654_321,
        attributes: {
          'sysray.netns.inode': 4_026_532_581,
          'container.id': SAMPLE_IDS.DOCKER_ID,
          'container.runtime.name': 'docker',
          'network.interface.name': 'eth0',
          'network.io.direction': 'receive',
        },
      },
      {
        name: 'container.network.io',
        value: 123_456_789,
        attributes: {
          'sysray.netns.inode': 4_026_532_581,
          'container.id': SAMPLE_IDS.DOCKER_ID,
          'container.runtime.name': 'docker',
          'network.interface.name': 'eth0',
          'network.io.direction': 'transmit',
        },
      },
    ]);
    expect(of('sysray.container.network.packet.dropped').map((o) => o.value)).toEqual([3, 0]);
  });

  it('emits no unattributed count when ss was unavailable (unknown, not zero)', () => {
    const sections = sampleSnapshot().sections;
    if (sections.netProcesses.status !== 'ok') throw new Error('sample netProcesses is ok');
    const snapshot = sampleSnapshot({
      netProcesses: {
        ...sections.netProcesses,
        data: { ...sections.netProcesses.data, top: [], unavailable: { processes: 'ss not found on PATH' } },
      },
    });
    expect(
      snapshotMetrics(snapshot).observations.some((o) => o.name === 'sysray.network.sockets.unattributed'),
    ).toBe(false);
  });
});
