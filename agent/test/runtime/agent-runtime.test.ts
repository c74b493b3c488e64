import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { CpuData, Snapshot } from '@sysray/proto';
import { ok, type AnyCollector } from '../../src/collectors/types.js';
import { loadConfig } from '../../src/config/load.js';
import { AgentRuntime } from '../../src/runtime/agent-runtime.js';
import { createLogger } from '../../src/runtime/logger.js';
import { installReloadSignal } from '../../src/runtime/run.js';

const FIXTURE = fileURLToPath(new URL('../fixtures/v2-containers', import.meta.url));

interface LogLine {
  readonly level: number;
  readonly event?: string;
  readonly msg: string;
  readonly [key: string]: unknown;
}

class LogBuffer {
  readonly lines: LogLine[] = [];
  write(text: string): void {
    for (const line of text.split('\n')) if (line.trim() !== '') this.lines.push(JSON.parse(line) as LogLine);
  }
  events(event: string): LogLine[] {
    return this.lines.filter((line) => line.event === event);
  }
}

async function waitFor<T>(what: string, probe: () => T | undefined | false, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const running: AgentRuntime[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((runtime) => runtime.stop('test end')));
});

function setup(toml: string, extra: Partial<ConstructorParameters<typeof AgentRuntime>[0]> = {}) {
  const dir = mkdtempSync(path.join(tmpdir(), 'sysray-runtime-'));
  const configPath = path.join(dir, 'sysray.toml');
  writeFileSync(configPath, toml);
  const logs = new LogBuffer();
  const load = () => loadConfig({ configPath, env: {} });
  const loaded = load();
  const runtime = new AgentRuntime({
    loaded,
    reloadConfig: load,
    logger: createLogger({ level: 'debug', format: 'json', sink: logs }),
    env: {},
    shutdownTimeoutMs: 2000,
    ...extra,
  });
  running.push(runtime);
  return { runtime, logs, configPath };
}

const BASE = `[agent]
interval = "200ms"
rootfs = ${JSON.stringify(FIXTURE)}

[http]
listen = "127.0.0.1:0"
`;

describe('AgentRuntime on the v2-containers fixture', () => {
  it('serves metrics and a redacted snapshot, keeps its config on a bad reload, applies a good one, and stops', async () => {
    const { runtime, logs, configPath } = setup(BASE);
    await runtime.start();
    const url = runtime.url ?? '';
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(logs.events('config')[0]).toMatchObject({
      file: configPath,
      msg: `configuration loaded from ${configPath}`,
    });
    expect(logs.events('start')[0]).toMatchObject({ url, intervalMs: 200, prometheus: true, otlp: null });

    const ready = await fetch(`${url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ ready: true, pending: [] });

    const metrics = await fetch(`${url}/metrics`);
    expect(metrics.status).toBe(200);
    expect(metrics.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const text = await metrics.text();
    expect(text).toMatch(/^system_cpu_time_seconds_total\{cpu_mode="user",cpu_logical_number="0"\} \d/m);
    expect(text).toContain('host_name="k8s-node-1"');
    expect(text).toMatch(/^sysray_collector_success\{sysray_collector="cpu"\} 1$/m);
    expect(text).toMatch(/^sysray_export_success_total\{sysray_exporter="prometheus"\} \d+$/m);

    const snapshot = (await (await fetch(`${url}/snapshot`)).json()) as Snapshot;
    expect(snapshot.host.name).toBe('k8s-node-1');
    const processes = snapshot.sections.processes;
    if (processes.status !== 'ok') throw new Error(`processes section is ${processes.status}`);
    const mysql = processes.data.top.find((p) => p.command.startsWith('mysql '));
    expect(mysql?.command).toContain('--password=***');
    expect(JSON.stringify(snapshot)).not.toContain('hunter2');

    const healthz = await fetch(`${url}/healthz`);
    expect(healthz.status).toBe(200);
    const health = (await healthz.json()) as {
      collectors: { section: string; runs: number }[];
      exporters: { exporter: string }[];
    };
    expect(health.collectors.map((c) => c.section)).toEqual(runtime.config.agent.collectors);
    expect(health.collectors.every((c) => c.runs >= 1)).toBe(true);
    expect(health.exporters.map((e) => e.exporter)).toEqual(['prometheus']);

    // SIGHUP with a broken file: logged, the old configuration stays.
    const removeSignal = installReloadSignal(runtime);
    try {
      writeFileSync(configPath, `${BASE}\n[agent.intervals]\ncpu = "soon"\n[htttp]\n`);
      process.kill(process.pid, 'SIGHUP');
      const rejected = await waitFor('reload_rejected', () => logs.events('reload_rejected')[0]);
      expect(rejected.errors).toEqual([
        `${configPath}:9: agent.intervals.cpu: invalid duration "soon" (use e.g. 500ms, 2s, 1m, 1h, 7d)`,
        `${configPath}:10: htttp: unknown key (did you mean "http"?)`,
      ]);
      expect(rejected.level).toBe(50);
      expect(runtime.config.agent.intervalMs).toBe(200);
      expect(runtime.url).toBe(url);
      expect((await fetch(`${url}/snapshot`)).status).toBe(200);

      // A good file is applied: a token now guards /snapshot on the same socket.
      writeFileSync(configPath, `${BASE}token = "t0ken"\n[logging]\nlevel = "debug"\n`);
      process.kill(process.pid, 'SIGHUP');
      const reloaded = await waitFor('reload', () => logs.events('reload')[0]);
      expect(reloaded.changed).toEqual(['http', 'logging']);
    } finally {
      removeSignal();
    }
    expect(runtime.url).toBe(url);
    expect((await fetch(`${url}/snapshot`)).status).toBe(401);
    expect((await fetch(`${url}/snapshot`, { headers: { authorization: 'Bearer t0ken' } })).status).toBe(200);

    await runtime.stop('test');
    expect(logs.events('shutdown')).toEqual([
      expect.objectContaining({ reason: 'test', flushed: true, msg: 'sysray agent stopped' }),
    ]);
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
  });

  it('restarts collection when collector settings change on reload', async () => {
    const { runtime, logs, configPath } = setup(BASE);
    await runtime.start();
    writeFileSync(
      configPath,
      `${BASE}[agent.intervals]\n`.replace(
        'interval = "200ms"',
        'interval = "300ms"\ncollectors = ["cpu", "memory"]',
      ),
    );
    expect(await runtime.reload()).toBe(true);
    expect(logs.events('reload')[0]?.changed).toEqual(['collection']);
    expect(runtime.config.agent.intervalMs).toBe(300);
    const ready = await waitFor('ready again', () => runtime.readiness().ready && runtime.readiness());
    expect(ready).toEqual({ ready: true, pending: [] });
    expect(runtime.health().collectors.map((c) => c.section)).toEqual(['cpu', 'memory']);
    expect(runtime.snapshot()?.sections.system.status).toBe('unsupported');
  });

  it('fails to start when the address is taken, leaving nothing running', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const { runtime } = setup(BASE.replace('127.0.0.1:0', `127.0.0.1:${port}`));
      await expect(runtime.start()).rejects.toThrow(
        new RegExp(`^cannot listen on 127\\.0\\.0\\.1:${port} \\(http\\.listen\\): listen EADDRINUSE`),
      );
      expect(runtime.url).toBeNull();
      expect(runtime.readiness().ready).toBe(false);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  it('rejects a reload whose new listen address is taken and keeps serving on the old one', async () => {
    const { runtime, logs, configPath } = setup(BASE);
    await runtime.start();
    const url = runtime.url;
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      writeFileSync(configPath, BASE.replace('127.0.0.1:0', `127.0.0.1:${port}`));
      expect(await runtime.reload()).toBe(false);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
    expect(logs.events('reload_rejected')[0]?.errors).toEqual([expect.stringContaining('EADDRINUSE')]);
    expect(runtime.url).toBe(url);
    expect(runtime.config.http.listen).toBe('127.0.0.1:0');
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
  });
});

describe('AgentRuntime failure handling', () => {
  function collector(section: AnyCollector['section'], collect: () => Promise<unknown>): AnyCollector {
    return { section, collect } as unknown as AnyCollector;
  }

  it('logs a collector error when it changes or once per interval, logs recovery, and turns /healthz 503', async () => {
    let runs = 0;
    const { runtime, logs } = setup(BASE.replace('200ms', '100ms'), {
      createCollectors: () => [
        collector('cpu', async () => {
          runs += 1;
          if (runs <= 3) throw new Error('stat unreadable');
          if (runs <= 6) throw new Error('stat truncated');
          return ok({ logicalCpus: 1 } as unknown as CpuData);
        }),
        collector('memory', async () => {
          throw new Error('meminfo gone');
        }),
      ],
    });
    await runtime.start();
    const url = runtime.url ?? '';
    const failing = await fetch(`${url}/healthz`);
    expect(failing.status).toBe(503);
    expect(((await failing.json()) as { status: string }).status).toBe('failing');

    await waitFor('cpu recovery', () => logs.events('collector_recovered')[0]);
    const cpuErrors = logs.events('collector_error').filter((line) => line.collector === 'cpu');
    expect(cpuErrors.map((line) => line.error)).toEqual(['stat unreadable', 'stat truncated']);
    expect(cpuErrors[0]).toMatchObject({
      level: 50,
      msg: 'collector cpu failed: stat unreadable',
      errors: 1,
    });
    expect(logs.events('collector_recovered')).toEqual([expect.objectContaining({ collector: 'cpu' })]);
    // memory failed on every run but is logged once (same message, within the minute).
    expect(runtime.health().collectors.find((c) => c.section === 'memory')?.errors).toBeGreaterThan(3);
    expect(logs.events('collector_error').filter((line) => line.collector === 'memory')).toHaveLength(1);
    const degraded = await fetch(`${url}/healthz`);
    expect(degraded.status).toBe(200);
    expect(((await degraded.json()) as { status: string }).status).toBe('degraded');
  });

  it('keeps collecting and serving /metrics when the OTLP endpoint is unreachable, and says so', async () => {
    const port = await freePort();
    const { runtime, logs } = setup(
      `${BASE}\n[exporters.otlp]\nenabled = true\nendpoint = "http://127.0.0.1:${port}"\ninterval = "1s"\ntimeout = "500ms"\n`,
      { shutdownTimeoutMs: 1000 },
    );
    await runtime.start();
    expect(logs.events('start')[0]?.otlp).toBe(`http://127.0.0.1:${port}`);
    const failure = await waitFor('exporter_error', () => logs.events('exporter_error')[0], 15_000);
    expect(failure).toMatchObject({ exporter: 'otlp', level: 50 });
    expect(failure.msg).toMatch(
      new RegExp(`^the OTLP endpoint http://127\\.0\\.0\\.1:${port} is unreachable: `),
    );

    const url = runtime.url ?? '';
    const metrics = await fetch(`${url}/metrics`);
    expect(metrics.status).toBe(200);
    const text = await metrics.text();
    expect(text).toContain('system_cpu_time_seconds_total');
    expect(text).toMatch(/^sysray_export_failure_total\{sysray_exporter="otlp"\} [1-9]\d*$/m);
    expect(text).toMatch(/^sysray_export_dropped_total\{sysray_exporter="otlp"\} [1-9]\d*$/m);
    const health = (await (await fetch(`${url}/healthz`)).json()) as {
      status: string;
      exporters: { exporter: string; failures: number; lastError: string }[];
    };
    expect(health.status).toBe('degraded');
    expect(health.exporters.find((e) => e.exporter === 'otlp')?.failures).toBeGreaterThanOrEqual(1);

    const started = Date.now();
    await runtime.stop('test');
    expect(Date.now() - started).toBeLessThan(5000);
    expect(logs.events('shutdown')).toHaveLength(1);
  }, 30_000);

  it('says a TLS handshake failed when the OTLP endpoint does not speak TLS', async () => {
    const sockets = new Set<Socket>();
    const plain = createServer((socket) => {
      sockets.add(socket);
      socket.end('HTTP/1.1 400 Bad Request\r\n\r\n');
    });
    await new Promise<void>((resolve) => plain.listen(0, '127.0.0.1', resolve));
    const port = (plain.address() as { port: number }).port;
    try {
      const { runtime, logs } = setup(
        `${BASE}\n[exporters.otlp]\nenabled = true\nendpoint = "https://127.0.0.1:${port}"\ninterval = "1s"\ntimeout = "500ms"\n`,
        { shutdownTimeoutMs: 1000 },
      );
      await runtime.start();
      const failure = await waitFor('exporter_error', () => logs.events('exporter_error')[0], 15_000);
      expect(failure.msg).toMatch(
        new RegExp(`^TLS with the OTLP endpoint https://127\\.0\\.0\\.1:${port} failed \\(check ca_file`),
      );
      expect((await fetch(`${runtime.url ?? ''}/metrics`)).status).toBe(200);
      await runtime.stop('test');
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => plain.close(resolve));
    }
  }, 30_000);

  it('runs without OTLP in server mode whatever the configuration says', async () => {
    const { runtime, logs } = setup(
      `${BASE}\n[exporters.otlp]\nenabled = true\nendpoint = "http://127.0.0.1:1"\n`,
      {
        otlpAllowed: false,
      },
    );
    await runtime.start();
    expect(logs.events('start')[0]?.otlp).toBeNull();
    expect(runtime.health().exporters.map((e) => e.exporter)).toEqual(['prometheus']);
  });
});

describe('AgentRuntime on this host', () => {
  it.runIf(process.platform === 'linux')('collects the live host and serves its CPU time', async () => {
    const { runtime } = setup(
      '[agent]\ninterval = "500ms"\ncollectors = ["system", "cpu", "memory"]\n[http]\nlisten = "127.0.0.1:0"\n',
    );
    await runtime.start();
    const text = await (await fetch(`${runtime.url ?? ''}/metrics`)).text();
    const user = /^system_cpu_time_seconds_total\{cpu_mode="user",cpu_logical_number="0"\} ([\d.e+]+)$/m.exec(
      text,
    );
    expect(Number(user?.[1])).toBeGreaterThan(0);
    expect(runtime.health().collectors.every((c) => c.lastStatus === 'ok')).toBe(true);
  });
});
