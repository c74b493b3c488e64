// Cost per cycle of the per-process network collector and the GPU collector on the live host, with 500
// loopback TCP connections (1,000 sockets) open in this process. The GPU collector runs the stand-in
// nvidia-smi (agent/test/fixtures/bin/nvidia-smi), so the figures are the agent's side of the work: spawning
// and parsing, not NVML's (a real `nvidia-smi pmon` samples for about a second, off the collector's thread).
import { readFileSync, readdirSync } from 'node:fs';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { ManualClock, resolveHostRoots, systemClock } from '@sysray/agent';
import { createGpuCollector } from '../agent/dist/collectors/gpu.js';
import { DrmFdinfoScanner } from '../agent/dist/collectors/gpu-fdinfo.js';
import { createNetProcessesCollector } from '../agent/dist/collectors/net-processes.js';
import { ms, summarize } from './lib/stats.js';

const CONNECTIONS = 500;
const ROUNDS = 40;
const WARMUP = 3;
const STAND_IN = fileURLToPath(new URL('../agent/test/fixtures/bin/nvidia-smi', import.meta.url));

if (process.platform !== 'linux') {
  console.log('gpu and per-process network: skipped (the live-host benchmark needs Linux)');
  process.exit(0);
}

/** Opens `count` loopback connections and moves a little data over each; returns a closer. */
async function openConnections(count) {
  const accepted = [];
  const server = net.createServer((socket) => {
    accepted.push(socket);
    socket.on('data', () => {});
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  const clients = [];
  for (let i = 0; i < count; i += 1) {
    const client = net.connect(port, '127.0.0.1');
    await new Promise((resolve, reject) => {
      client.once('connect', resolve);
      client.once('error', reject);
    });
    client.write(Buffer.alloc(4096, i));
    clients.push(client);
  }
  while (accepted.length < count) await new Promise((resolve) => setTimeout(resolve, 5));
  return async () => {
    for (const socket of [...clients, ...accepted]) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  };
}

/** CPU of this process's reaped children (the tools it ran), milliseconds: cutime + cstime of /proc/self/stat. */
function childrenCpuMs() {
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
  return (Number(fields[13]) + Number(fields[14])) * 10; // USER_HZ = 100
}

async function timeRounds(fn, rounds = ROUNDS) {
  const times = [];
  for (let i = 0; i < WARMUP + rounds; i += 1) {
    const start = performance.now();
    await fn(i);
    if (i >= WARMUP) times.push(performance.now() - start);
  }
  return summarize(times);
}

const close = await openConnections(CONNECTIONS);
try {
  const roots = resolveHostRoots({}, {});
  const signal = new AbortController().signal;
  const processCount = readdirSync('/proc').filter((e) => /^\d+$/.test(e)).length;

  // Per-process network: ss -tinHe, the inode→pid map refresh, /proc/net/udp*, namespaces.
  const netCollector = createNetProcessesCollector({ limit: 20 });
  const netContext = { roots, clock: systemClock, signal };
  const firstStart = performance.now();
  const first = await netCollector.collect(netContext);
  const firstMs = performance.now() - firstStart;
  if (first.kind !== 'ok' || first.data.unavailable.processes !== undefined) {
    console.log(
      `per-process network: ss unavailable (${first.kind === 'ok' ? first.data.unavailable.processes : first.reason})`,
    );
  }
  const cpuBefore = process.cpuUsage();
  const childBefore = childrenCpuMs();
  const netCycle = await timeRounds(() => netCollector.collect(netContext));
  const cycles = WARMUP + ROUNDS;
  const cpu = process.cpuUsage(cpuBefore);
  const agentCpuMs = (cpu.user + cpu.system) / 1000 / cycles;
  const ssCpuMs = (childrenCpuMs() - childBefore) / cycles;
  const last = await netCollector.collect(netContext);
  const tcp = last.kind === 'ok' ? last.data.totals.tcpConnections : 0;
  const mine = last.kind === 'ok' ? last.data.top.find((p) => p.pid === process.pid) : undefined;

  // GPU: every cycle a cadence boundary (the clock moves 5 s), so each one runs the stand-in nvidia-smi
  // three times (query-gpu, query-compute-apps, pmon) and waits for it; then cycles served from the cache.
  const gpuClock = new ManualClock();
  const gpu = createGpuCollector({ nvidia: { command: STAND_IN, maxWaitMs: 10_000 } });
  const gpuContext = { roots, clock: gpuClock, signal };
  const gpuRefresh = await timeRounds(async () => {
    gpuClock.advance(5_000);
    await gpu.collect(gpuContext);
    await gpu.idle();
  }, 20);
  const gpuCached = await timeRounds(async () => {
    gpuClock.advance(10);
    await gpu.collect(gpuContext);
  });

  // The DRM fd scan on its own (it runs only on hosts with an AMD or Intel GPU): the first tick reads every
  // process's fd links, later ticks new processes plus a rolling 1/12.
  const scanner = new DrmFdinfoScanner();
  const scanStart = performance.now();
  scanner.sample(roots, 0);
  const scanFirstMs = performance.now() - scanStart;
  let tick = 0;
  const scanSteady = await timeRounds(() => {
    tick += 1;
    scanner.sample(roots, tick * 1000);
  });

  console.log(
    `gpu and per-process network (${processCount} processes, ${tcp} connected TCP sockets, ${ROUNDS} rounds)`,
  );
  console.log(`  netProcesses first cycle (full fd scan):  ${ms(firstMs)}`);
  console.log(`  netProcesses cycle:                       p50 ${ms(netCycle.p50)}  p95 ${ms(netCycle.p95)}`);
  console.log(
    `  netProcesses CPU per cycle: agent ${ms(agentCpuMs)}, ss ${ms(ssCpuMs)} (the rest of the cycle is waiting)`,
  );
  console.log(
    `  this process: ${mine?.tcpConnections ?? 0} TCP sockets attributed, ${mine?.receivedBytes ?? 0} B received`,
  );
  console.log(
    `  gpu cycle running nvidia-smi (stand-in):  p50 ${ms(gpuRefresh.p50)}  p95 ${ms(gpuRefresh.p95)}`,
  );
  console.log(
    `  gpu cycle served from cache:              p50 ${ms(gpuCached.p50)}  p95 ${ms(gpuCached.p95)}`,
  );
  console.log(`  DRM fd scan, first tick:                  ${ms(scanFirstMs)}`);
  console.log(
    `  DRM fd scan, later ticks:                 p50 ${ms(scanSteady.p50)}  p95 ${ms(scanSteady.p95)}`,
  );
} finally {
  await close();
}
