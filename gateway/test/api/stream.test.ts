import { afterEach, describe, expect, it } from 'vitest';
import { encodeExportRequest } from '../../src/ingest/otlp-codec.js';
import { startTestGateway, type TestGateway } from '../helpers/app.js';
import { T0, agentReport } from '../helpers/otlp.js';

interface SseEvent {
  readonly event: string;
  readonly id: string;
  readonly data: unknown;
}

/** An open event stream: collects text as it arrives and parses complete events. */
class StreamReader {
  text = '';
  private readonly waiters = new Set<() => void>();
  private readonly done: Promise<void>;

  constructor(
    readonly response: Response,
    private readonly abort: AbortController,
  ) {
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    this.done = (async () => {
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          this.text += decoder.decode(value, { stream: true });
          for (const wake of [...this.waiters]) wake();
        }
      } catch {
        // Aborted by the test.
      }
      for (const wake of [...this.waiters]) wake();
    })();
  }

  events(): SseEvent[] {
    return this.text
      .split('\n\n')
      .filter((block) => block.includes('event: '))
      .map((block) => {
        const field = (name: string) =>
          block
            .split('\n')
            .find((line) => line.startsWith(`${name}: `))
            ?.slice(name.length + 2) ?? '';
        return { event: field('event'), id: field('id'), data: JSON.parse(field('data')) as unknown };
      });
  }

  until(predicate: (reader: StreamReader) => boolean, timeoutMs = 5000): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        if (!predicate(this)) return;
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve();
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`stream condition not met in ${timeoutMs} ms; got:\n${this.text}`));
      }, timeoutMs);
      this.waiters.add(check);
      check();
    });
  }

  async close(): Promise<void> {
    this.abort.abort();
    await this.done;
  }
}

let t: TestGateway | undefined;
const readers: StreamReader[] = [];
afterEach(async () => {
  for (const reader of readers.splice(0)) await reader.close();
  await t?.close();
  t = undefined;
});

async function connect(): Promise<StreamReader> {
  const abort = new AbortController();
  const response = await fetch(`${t!.gateway.api.url}/api/v1/stream`, { signal: abort.signal });
  const reader = new StreamReader(response, abort);
  readers.push(reader);
  return reader;
}

async function ingest(report: Parameters<typeof encodeExportRequest>[0]): Promise<number> {
  const response = await fetch(`${t!.gateway.otlpHttp.url}/v1/metrics`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-protobuf' },
    body: Buffer.from(encodeExportRequest(report)),
  });
  return response.status;
}

describe('GET /api/v1/stream', () => {
  it('sends host events on ingest and status events on transitions', async () => {
    t = await startTestGateway({ stream: { hostThrottleMs: 0 } });
    const stream = await connect();
    expect(stream.response.status).toBe(200);
    expect(stream.response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    await stream.until((reader) => reader.text.includes(': connected'));
    expect(t.gateway.app.gateway.hub.size).toBe(1);

    expect(await ingest(agentReport({ id: 'sse-1', name: 'streamed' }, T0, { cpuIdle: 0.2 }))).toBe(200);
    await stream.until((reader) => reader.events().length >= 2);
    const [status, host] = stream.events();
    expect(status).toMatchObject({
      event: 'status',
      data: { hostId: 'sse-1', name: 'streamed', previous: null, current: 'up', atMs: T0 },
    });
    // A new host: its status event, then its view.
    expect(host).toMatchObject({ event: 'host', data: { id: 'sse-1', name: 'streamed', status: 'up' } });
    expect((host!.data as { metrics: { cpuUtilization: number } }).metrics.cpuUtilization).toBeCloseTo(
      0.8,
      10,
    );
    expect(Number(status!.id)).toBeLessThan(Number(host!.id));

    t.clock.advance(31_000);
    t.gateway.app.gateway.sweep();
    await stream.until((reader) => reader.events().length >= 3);
    expect(stream.events()[2]).toMatchObject({
      event: 'status',
      data: { hostId: 'sse-1', previous: 'up', current: 'stale', atMs: T0 + 31_000 },
    });
  });

  it('throttles host events per host and still sends the latest state', async () => {
    t = await startTestGateway({ stream: { hostThrottleMs: 300 } });
    const stream = await connect();
    await stream.until((reader) => reader.text.includes(': connected'));
    for (const uptime of [1, 2, 3, 4]) {
      expect(await ingest(agentReport({ id: 'busy', name: 'busy' }, T0 + uptime, { uptime }))).toBe(200);
    }
    const uptimes = (): number[] =>
      stream
        .events()
        .filter((event) => event.event === 'host')
        .map((event) => (event.data as { metrics: { uptimeSeconds: number } }).metrics.uptimeSeconds);
    await stream.until(() => uptimes().includes(4));
    await new Promise((resolve) => setTimeout(resolve, 400));
    // The first report goes out at once, the burst after it as one event with the latest state.
    expect(uptimes()[0]).toBe(1);
    expect(uptimes().at(-1)).toBe(4);
    expect(uptimes().length).toBeLessThan(4);
  });

  it('sends heartbeats and forgets clients that disconnect', async () => {
    t = await startTestGateway({ stream: { heartbeatMs: 50 } });
    const stream = await connect();
    await stream.until((reader) => (reader.text.match(/: heartbeat \d+/g) ?? []).length >= 2);
    await stream.close();
    const hub = t.gateway.app.gateway.hub;
    for (let i = 0; i < 100 && hub.size > 0; i += 1) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(hub.size).toBe(0);
    const metrics = await (await fetch(`${t.gateway.api.url}/metrics`)).text();
    expect(metrics).toContain('\nsysray_gateway_sse_clients 0\n');
  });

  it('refuses clients past stream.maxClients with 503', async () => {
    t = await startTestGateway({ stream: { maxClients: 1 } });
    const first = await connect();
    await first.until((reader) => reader.text.includes(': connected'));
    const second = await fetch(`${t.gateway.api.url}/api/v1/stream`);
    expect(second.status).toBe(503);
    expect(await second.json()).toEqual({
      error: { code: 'SYSRAY_ERR_UNAVAILABLE', message: 'the event stream has its maximum of 1 clients' },
    });
  });

  it('takes the API token as access_token on the stream only (browsers cannot set headers there)', async () => {
    t = await startTestGateway({ auth: { apiTokens: [{ token: 'stream-reader-1' }] } });
    const api = t.gateway.api.url;
    expect((await fetch(`${api}/api/v1/stream`)).status).toBe(401);
    expect((await fetch(`${api}/api/v1/stream?access_token=wrong-token`)).status).toBe(401);
    expect((await fetch(`${api}/api/v1/hosts?access_token=stream-reader-1`)).status).toBe(401);
    const abort = new AbortController();
    const response = await fetch(`${api}/api/v1/stream?access_token=stream-reader-1`, {
      signal: abort.signal,
    });
    const reader = new StreamReader(response, abort);
    readers.push(reader);
    expect(response.status).toBe(200);
    await reader.until((stream) => stream.text.includes(': connected'));
  });

  it('ends open streams when the gateway closes', async () => {
    t = await startTestGateway();
    const stream = await connect();
    await stream.until((reader) => reader.text.includes(': connected'));
    const closing = t.close();
    t = undefined;
    await closing;
    await stream.close();
    expect(stream.text).toContain(': connected');
  });
});
