import { existsSync, rmSync } from 'node:fs';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, type ConnectionOptions, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import {
  createTestPki,
  findNatsServerBinary,
  natsServerConfig,
  startNatsServer,
  type NatsServerHandle,
  type TestPki,
} from './nats-server.js';

const servers: NatsServerHandle[] = [];
const connections: NatsConnection[] = [];

async function start(...args: Parameters<typeof startNatsServer>): Promise<NatsServerHandle> {
  const server = await startNatsServer(...args);
  servers.push(server);
  return server;
}

async function dial(options: ConnectionOptions): Promise<NatsConnection> {
  const nc = await connect({ reconnect: false, timeout: 3_000, ...options });
  connections.push(nc);
  return nc;
}

afterEach(async () => {
  for (const nc of connections.splice(0)) await nc.close().catch(() => undefined);
  for (const server of servers.splice(0)) await server.close();
});

describe('natsServerConfig', () => {
  it('writes listen, JetStream, auth and TLS blocks with quoted values', () => {
    expect(
      natsServerConfig({
        listen: '127.0.0.1:4222',
        storeDir: '/tmp/js "x"',
        auth: { user: 'agent', pass: 'p@ss' },
        tls: { certFile: '/c.pem', keyFile: '/k.pem', caFile: '/ca.pem', verify: true },
      }),
    ).toBe(
      'listen: "127.0.0.1:4222"\n' +
        'jetstream { store_dir: "/tmp/js \\"x\\"" }\n' +
        'authorization { user: "agent", password: "p@ss" }\n' +
        'tls { cert_file: "/c.pem", key_file: "/k.pem", ca_file: "/ca.pem", verify: true }\n',
    );
    expect(natsServerConfig({ listen: '0.0.0.0:4222', storeDir: null, auth: { token: 't' } })).toBe(
      'listen: "0.0.0.0:4222"\nauthorization { token: "t" }\n',
    );
  });

  it('finds the binary named by SYSRAY_NATS_SERVER_BIN only if it is executable', () => {
    expect(findNatsServerBinary({ SYSRAY_NATS_SERVER_BIN: '/nonexistent/nats-server', PATH: '' })).toBeNull();
  });
});

describe('startNatsServer', () => {
  it('runs JetStream and keeps its data and port across stop/restart', async () => {
    const server = await start({ jetstream: true });
    expect(server.url).toBe(`nats://127.0.0.1:${server.port}`);
    expect(server.running()).toBe(true);
    let nc = await dial({ servers: server.url });
    const jsm = await jetstreamManager(nc);
    await jsm.streams.add({ name: 'HELPER', subjects: ['helper.>'] });
    const js = jetstream(nc);
    for (let i = 0; i < 3; i += 1) {
      const ack = await js.publish('helper.x', `m${i}`);
      expect(ack.seq).toBe(i + 1);
    }
    await nc.close();

    await server.stop();
    expect(server.running()).toBe(false);
    await expect(dial({ servers: server.url })).rejects.toThrow();

    await server.restart();
    expect(server.running()).toBe(true);
    nc = await dial({ servers: server.url });
    const info = await (await jetstreamManager(nc)).streams.info('HELPER');
    expect(info.state.messages).toBe(3);
    expect(info.state.last_seq).toBe(3);
  });

  it('deletes its storage on close', async () => {
    const server = await startNatsServer({});
    expect(existsSync(server.storeDir)).toBe(true);
    await server.close();
    expect(server.running()).toBe(false);
    expect(existsSync(server.storeDir)).toBe(false);
  });

  it('requires the token when given one', async () => {
    const server = await start({ auth: { token: 's3cret' } });
    await expect(dial({ servers: server.url })).rejects.toThrow(/Authorization Violation/i);
    await expect(dial({ servers: server.url, token: 'wrong' })).rejects.toThrow(/Authorization Violation/i);
    const nc = await dial({ servers: server.url, token: 's3cret' });
    expect(nc.info?.jetstream).toBe(true);
  });

  it('requires the user and password when given them', async () => {
    const server = await start({ auth: { user: 'agent', pass: 'pw' } });
    await expect(dial({ servers: server.url, user: 'agent', pass: 'nope' })).rejects.toThrow(
      /Authorization Violation/i,
    );
    const nc = await dial({ servers: server.url, user: 'agent', pass: 'pw' });
    expect(nc.getServer()).toBe(`127.0.0.1:${server.port}`);
  });

  describe('with TLS', () => {
    let pki: TestPki | undefined;
    afterAll(() => {
      if (pki) rmSync(pki.dir, { recursive: true, force: true });
    });

    it('serves TLS with the given certificate and, with verify, requires a client certificate', async () => {
      pki = createTestPki();
      const server = await start({
        tls: { certFile: pki.serverCertFile, keyFile: pki.serverKeyFile, caFile: pki.caFile, verify: true },
      });
      expect(server.url).toBe(`tls://127.0.0.1:${server.port}`);
      // No client certificate: the server refuses the handshake.
      await expect(dial({ servers: server.url, tls: { caFile: pki.caFile } })).rejects.toThrow();
      const nc = await dial({
        servers: server.url,
        tls: { caFile: pki.caFile, certFile: pki.clientCertFile, keyFile: pki.clientKeyFile },
      });
      expect(nc.info?.tls_required).toBe(true);
      await nc.flush();
    });
  });
});
