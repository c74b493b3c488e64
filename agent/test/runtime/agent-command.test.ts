import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { CliIO } from '../../src/cli/cli-io.js';
import { main } from '../../src/cli/main.js';
import { serverListen } from '../../src/cli/commands/server.js';

const FIXTURE = fileURLToPath(new URL('../fixtures/v2-containers', import.meta.url));

/** An empty configuration file, so a /etc/sysray/sysray.toml on the test machine plays no part. */
function emptyConfig(): string {
  const configPath = path.join(mkdtempSync(path.join(tmpdir(), 'sysray-agent-cmd-')), 'empty.toml');
  writeFileSync(configPath, '');
  return configPath;
}

function harness(env: Record<string, string> = {}) {
  let out = '';
  let err = '';
  let interrupt: () => void = () => undefined;
  const interrupted = new Promise<void>((resolve) => {
    interrupt = resolve;
  });
  const io: CliIO = {
    stdout: { write: (text: string) => (out += text) },
    stderr: { write: (text: string) => (err += text) },
    env: { SYSRAY_CONFIG: emptyConfig(), SYSRAY_ROOTFS: FIXTURE, ...env },
    interrupted,
  };
  const lines = (): Record<string, unknown>[] =>
    out
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  const started = async (): Promise<string> => {
    for (let i = 0; i < 500; i++) {
      const start = lines().find((line) => line.event === 'start');
      if (start) return start.url as string;
      if (err !== '') throw new Error(err);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error(`no start line in:\n${out}`);
  };
  return { io, interrupt, lines, started, err: () => err, out: () => out };
}

describe('sysray agent (in process)', () => {
  it('applies its flags over the environment, serves, and returns 0 when interrupted', async () => {
    const h = harness({ SYSRAY_AGENT_INTERVAL: '5s' });
    const exit = main(
      [
        'agent',
        '--interval',
        '250ms',
        '--listen',
        '127.0.0.1:0',
        '--no-prometheus',
        '--collectors',
        'cpu,memory',
      ],
      h.io,
    );
    const url = await h.started();
    const start = h.lines().find((line) => line.event === 'start');
    expect(start).toMatchObject({ intervalMs: 250, prometheus: false, collectors: ['cpu', 'memory'] });
    expect(h.lines()[0]?.sources).toEqual({
      'agent.interval': 'flag --interval',
      'agent.collectors': 'flag --collectors',
      'http.listen': 'flag --listen',
      'exporters.prometheus.enabled': 'flag --no-prometheus',
      'agent.rootfs': 'env SYSRAY_ROOTFS',
    });
    expect((await fetch(`${url}/metrics`)).status).toBe(404);
    h.interrupt();
    expect(await exit).toBe(0);
    expect(h.lines().at(-1)).toMatchObject({ event: 'shutdown' });
  });

  it('exits 2 without starting when the configuration is invalid', async () => {
    const h = harness();
    expect(await main(['agent', '--listen', '0.0.0.0:9464', '--log-level', 'chatty'], h.io)).toBe(2);
    expect(h.err()).toContain(
      'flag --listen: http.listen: 0.0.0.0:9464 is reachable beyond loopback but http.token is not set',
    );
    expect(h.err()).toContain('flag --log-level: logging.level: must be one of');
    expect(h.out()).toBe('');
  });

  it('logs pretty lines when asked', async () => {
    const h = harness();
    const exit = main(
      ['agent', '--listen', '127.0.0.1:0', '--log-format', 'pretty', '--collectors', 'cpu'],
      h.io,
    );
    for (let i = 0; i < 500 && !h.out().includes('started on'); i++)
      await new Promise((r) => setTimeout(r, 20));
    h.interrupt();
    expect(await exit).toBe(0);
    expect(h.out()).toMatch(
      /^\d\d:\d\d:\d\d\.\d{3} INFO {2}sysray agent [\d.]+ started on http:\/\/127\.0\.0\.1:\d+ /m,
    );
    expect(h.out()).not.toContain('{"level"');
  });
});

describe('sysray server', () => {
  it('serves the endpoint with Prometheus and without OTLP, whatever the configuration says', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sysray-server-'));
    const configPath = path.join(dir, 'sysray.toml');
    writeFileSync(
      configPath,
      '[exporters.prometheus]\nenabled = false\n[exporters.otlp]\nenabled = true\nendpoint = "https://otel.example:4317"\n',
    );
    const h = harness();
    const exit = main(['server', '--config', configPath, '--port', '0', '--interval', '300ms'], h.io);
    const url = await h.started();
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(h.lines().find((line) => line.event === 'start')).toMatchObject({ prometheus: true, otlp: null });
    for (let i = 0; i < 200 && (await fetch(`${url}/readyz`)).status !== 200; i++)
      await new Promise((r) => setTimeout(r, 20));
    const metrics = await fetch(`${url}/metrics`);
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toContain('system_cpu_time_seconds_total');
    h.interrupt();
    expect(await exit).toBe(0);
  });

  it('reads --port as 127.0.0.1:N, or as the port of --listen', () => {
    expect(serverListen({ port: 9100 })).toBe('127.0.0.1:9100');
    expect(serverListen({ port: 9100, listen: '[::1]:1' })).toBe('[::1]:9100');
    expect(serverListen({ listen: '127.0.0.2:5' })).toBe('127.0.0.2:5');
    expect(serverListen({})).toBeUndefined();
  });
});
