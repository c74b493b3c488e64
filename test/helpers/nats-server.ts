import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect as tcpConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

/**
 * A real nats-server for tests, never a mock of the protocol (the nats.js habit). Two ways to run it:
 * - a Docker engine is reachable (testcontainers' `getContainerRuntimeClient()` answers within a few
 *   seconds): the official `nats` image through testcontainers, its host port fixed and its storage
 *   bind-mounted so `restart()` keeps both;
 * - otherwise the `nats-server` binary (Debian/Ubuntu package `nats-server`, 2.9+), spawned with a
 *   generated config file on 127.0.0.1.
 * `SYSRAY_TEST_NATS=binary|docker` forces one; `SYSRAY_NATS_SERVER_BIN` names the binary.
 */

export type NatsServerAuth = { readonly token: string } | { readonly user: string; readonly pass: string };

export interface NatsServerTls {
  /** PEM files (paths) of the server certificate chain and key; the SAN must cover 127.0.0.1/localhost. */
  readonly certFile: string;
  readonly keyFile: string;
  /** PEM CA bundle; with `verify`, clients must present a certificate it signed (mutual TLS). */
  readonly caFile?: string;
  readonly verify?: boolean;
  /** TLS before the NATS INFO (`handshake_first`, nats-server 2.10.4+). */
  readonly handshakeFirst?: boolean;
}

export interface NatsServerOptions {
  /** Enable JetStream (file storage in the helper's temp dir). Default true. */
  readonly jetstream?: boolean;
  readonly auth?: NatsServerAuth;
  readonly tls?: NatsServerTls;
  /** Host port; default a free one. */
  readonly port?: number;
  /** How long to wait for the server to accept connections, milliseconds. Default 20 000. */
  readonly startTimeoutMs?: number;
}

export interface NatsServerHandle {
  /** `nats://127.0.0.1:<port>` (`tls://` with TLS). */
  readonly url: string;
  readonly port: number;
  readonly mode: 'docker' | 'binary';
  /** JetStream storage directory on this machine (bind-mounted in Docker mode). */
  readonly storeDir: string;
  /** Whether the server is running now. */
  running(): boolean;
  /** Stops the server gracefully (SIGTERM, JetStream flushed); its port and storage stay reserved. */
  stop(): Promise<void>;
  /** Starts it again on the same port with the same storage (stopping it first if running). */
  restart(): Promise<void>;
  /** Stops it for good and deletes its temp dir. */
  close(): Promise<void>;
}

const INSTALL_HINT =
  'cannot run nats-server for the tests: install the nats-server binary (Debian/Ubuntu: `apt-get install nats-server`; ' +
  'others: https://github.com/nats-io/nats-server/releases) and put it on PATH or set SYSRAY_NATS_SERVER_BIN, ' +
  'or start a Docker engine so testcontainers can run the `nats` image';

/** A TCP port that was free a moment ago. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  return address.port;
}

/** The nats-server binary, or null. Debian installs it in /usr/sbin, which a user's PATH may lack. */
export function findNatsServerBinary(env: NodeJS.ProcessEnv = process.env): string | null {
  const explicit = env.SYSRAY_NATS_SERVER_BIN;
  const dirs = [...(env.PATH ?? '').split(delimiter), '/usr/sbin', '/usr/local/sbin', '/usr/local/bin'];
  const candidates = explicit ? [explicit] : dirs.filter(Boolean).map((dir) => join(dir, 'nats-server'));
  for (const candidate of candidates) {
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // next
    }
  }
  return null;
}

let dockerProbe: Promise<boolean> | null = null;

/** Whether a container runtime answers within `timeoutMs` (cached for the test process). */
export function dockerAvailable(timeoutMs = 3_000): Promise<boolean> {
  dockerProbe ??= (async () => {
    try {
      const { getContainerRuntimeClient } = await import('testcontainers');
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<false>((resolve) => {
        timer = setTimeout(() => resolve(false), timeoutMs);
        timer.unref();
      });
      const probe = getContainerRuntimeClient().then(
        () => true,
        () => false,
      );
      const result = await Promise.race([probe, timeout]);
      clearTimeout(timer);
      return result;
    } catch {
      return false;
    }
  })();
  return dockerProbe;
}

/** nats-server configuration text (its own format: quoted strings are JSON-compatible). */
export function natsServerConfig(options: {
  readonly listen: string;
  readonly storeDir: string | null;
  readonly auth?: NatsServerAuth;
  readonly tls?: NatsServerTls;
}): string {
  const q = (text: string): string => JSON.stringify(text);
  const lines = [`listen: ${q(options.listen)}`];
  if (options.storeDir !== null) lines.push(`jetstream { store_dir: ${q(options.storeDir)} }`);
  if (options.auth !== undefined) {
    lines.push(
      'token' in options.auth
        ? `authorization { token: ${q(options.auth.token)} }`
        : `authorization { user: ${q(options.auth.user)}, password: ${q(options.auth.pass)} }`,
    );
  }
  if (options.tls !== undefined) {
    const tls = [`cert_file: ${q(options.tls.certFile)}`, `key_file: ${q(options.tls.keyFile)}`];
    if (options.tls.caFile !== undefined) tls.push(`ca_file: ${q(options.tls.caFile)}`);
    if (options.tls.verify === true) tls.push('verify: true');
    if (options.tls.handshakeFirst === true) tls.push('handshake_first: true');
    lines.push(`tls { ${tls.join(', ')} }`);
  }
  return `${lines.join('\n')}\n`;
}

/**
 * Waits until something on `port` sends a NATS INFO line (the server's greeting), polling connects for
 * at most `timeoutMs`; with `handshakeFirst` the server talks only after TLS, so a TCP accept suffices.
 */
async function waitForInfo(
  port: number,
  timeoutMs: number,
  handshakeFirst: boolean,
  failed: () => Error | null,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError = 'nothing answered';
  while (Date.now() < deadline) {
    const early = failed();
    if (early !== null) throw early;
    const ok = await new Promise<boolean>((resolve) => {
      const socket = tcpConnect(port, '127.0.0.1');
      let text = '';
      const done = (result: boolean, why?: string): void => {
        if (why !== undefined) lastError = why;
        socket.destroy();
        resolve(result);
      };
      socket.setTimeout(1_000, () => done(false, 'no INFO within 1 s'));
      socket.on('error', (error) => done(false, error.message));
      socket.on('connect', () => {
        if (handshakeFirst) done(true);
      });
      socket.on('data', (chunk: Buffer) => {
        text += chunk.toString('latin1');
        if (text.includes('\r\n'))
          done(text.startsWith('INFO '), `unexpected greeting ${JSON.stringify(text.slice(0, 40))}`);
      });
    });
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(
    `nats-server on 127.0.0.1:${port} did not accept connections within ${timeoutMs} ms (${lastError})`,
  );
}

function binaryServer(
  binary: string,
  dir: string,
  port: number,
  options: NatsServerOptions,
): Omit<NatsServerHandle, 'url' | 'port' | 'storeDir' | 'mode'> {
  const storeDir = join(dir, 'jetstream');
  const configFile = join(dir, 'nats.conf');
  writeFileSync(
    configFile,
    natsServerConfig({
      listen: `127.0.0.1:${port}`,
      storeDir: options.jetstream === false ? null : storeDir,
      ...(options.auth ? { auth: options.auth } : {}),
      ...(options.tls ? { tls: options.tls } : {}),
    }),
  );
  let child: ChildProcess | null = null;
  let exited: Promise<void> = Promise.resolve();
  let closed = false;

  const start = async (): Promise<void> => {
    let output = '';
    let exitError: Error | null = null;
    const proc = spawn(binary, ['-c', configFile], { stdio: ['ignore', 'pipe', 'pipe'] });
    child = proc;
    const collect = (chunk: Buffer): void => {
      output = (output + chunk.toString()).slice(-4_000);
    };
    proc.stdout?.on('data', collect);
    proc.stderr?.on('data', collect);
    exited = new Promise<void>((resolve) => {
      proc.once('exit', (code, signal) => {
        exitError = new Error(
          `nats-server exited (code ${String(code)}, signal ${String(signal)}) while starting:\n${output}`,
        );
        if (child === proc) child = null;
        resolve();
      });
      proc.once('error', (error) => {
        exitError = new Error(`cannot run ${binary}: ${error.message}. ${INSTALL_HINT}`);
        if (child === proc) child = null;
        resolve();
      });
    });
    try {
      await waitForInfo(
        port,
        options.startTimeoutMs ?? 20_000,
        options.tls?.handshakeFirst === true,
        () => exitError,
      );
    } catch (error) {
      proc.kill('SIGKILL');
      await exited;
      throw error;
    }
  };

  const stop = async (): Promise<void> => {
    const proc = child;
    if (proc === null) return;
    proc.kill('SIGTERM');
    const killer = setTimeout(() => proc.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(killer);
  };

  // startNatsServer starts it through restart(), which is stop() (a no-op then) and start().
  return {
    running: () => child !== null,
    stop,
    restart: async () => {
      if (closed) throw new Error('nats-server helper is closed');
      await stop();
      await start();
    },
    close: async () => {
      closed = true;
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function dockerServer(
  dir: string,
  port: number,
  options: NatsServerOptions,
): Promise<Omit<NatsServerHandle, 'url' | 'port' | 'storeDir' | 'mode'>> {
  const { GenericContainer, Wait } = await import('testcontainers');
  type Started = Awaited<ReturnType<InstanceType<typeof GenericContainer>['start']>>;
  // Everything the server reads lives under the bind-mounted dir: config, certificates, JetStream data.
  const mount = '/sysray';
  const inContainer = (path: string): string => {
    const name = `tls-${path.split('/').pop() ?? 'file'}`;
    writeFileSync(join(dir, name), readFileSync(path));
    return `${mount}/${name}`;
  };
  const tls =
    options.tls === undefined
      ? undefined
      : {
          ...options.tls,
          certFile: inContainer(options.tls.certFile),
          keyFile: inContainer(options.tls.keyFile),
          ...(options.tls.caFile ? { caFile: inContainer(options.tls.caFile) } : {}),
        };
  writeFileSync(
    join(dir, 'nats.conf'),
    natsServerConfig({
      listen: '0.0.0.0:4222',
      storeDir: options.jetstream === false ? null : `${mount}/jetstream`,
      ...(options.auth ? { auth: options.auth } : {}),
      ...(tls ? { tls } : {}),
    }),
  );
  let container: Started | null = null;
  let closed = false;
  const start = async (): Promise<void> => {
    container = await new GenericContainer('nats:2.10-alpine')
      .withCommand(['-c', `${mount}/nats.conf`])
      .withBindMounts([{ source: dir, target: mount, mode: 'rw' }])
      .withExposedPorts({ container: 4222, host: port })
      .withWaitStrategy(Wait.forLogMessage(/Server is ready/))
      .withStartupTimeout(options.startTimeoutMs ?? 60_000)
      .start();
  };
  const stop = async (): Promise<void> => {
    const current = container;
    container = null;
    if (current !== null) await current.stop({ timeout: 10_000 });
  };
  return {
    running: () => container !== null,
    stop,
    restart: async () => {
      if (closed) throw new Error('nats-server helper is closed');
      await stop();
      await start();
    },
    close: async () => {
      closed = true;
      await stop();
      // The container wrote as root; removal may fail for a non-root user, which is harmless in tmp.
      rmSync(dir, { recursive: true, force: true, maxRetries: 1 });
    },
  };
}

/**
 * Starts a nats-server (JetStream on unless `jetstream: false`) and waits until it accepts connections.
 * Throws, naming what to install, when neither Docker nor the binary is available.
 */
export async function startNatsServer(options: NatsServerOptions = {}): Promise<NatsServerHandle> {
  const forced = process.env.SYSRAY_TEST_NATS;
  const binary = findNatsServerBinary();
  let mode: 'docker' | 'binary';
  if (forced === 'binary' || forced === 'docker') mode = forced;
  else if (await dockerAvailable()) mode = 'docker';
  else if (binary !== null) mode = 'binary';
  else throw new Error(INSTALL_HINT);
  if (mode === 'binary' && binary === null) throw new Error(INSTALL_HINT);

  const port = options.port ?? (await freePort());
  const dir = mkdtempSync(join(tmpdir(), 'sysray-nats-'));
  mkdirSync(join(dir, 'jetstream'), { recursive: true });
  const server =
    mode === 'binary' ? binaryServer(binary!, dir, port, options) : await dockerServer(dir, port, options);
  try {
    await server.restart();
  } catch (error) {
    await server.close().catch(() => undefined);
    throw error;
  }
  return {
    url: `${options.tls ? 'tls' : 'nats'}://127.0.0.1:${port}`,
    port,
    mode,
    storeDir: join(dir, 'jetstream'),
    ...server,
  };
}

/** A CA, a server certificate for 127.0.0.1/localhost and a client certificate, made with openssl. */
export interface TestPki {
  readonly dir: string;
  readonly caFile: string;
  readonly serverCertFile: string;
  readonly serverKeyFile: string;
  readonly clientCertFile: string;
  readonly clientKeyFile: string;
}

export function createTestPki(): TestPki {
  const dir = mkdtempSync(join(tmpdir(), 'sysray-nats-pki-'));
  // Runs in `dir` with relative file names, so splitting the command line on spaces is safe.
  const openssl = (commandLine: string): void => {
    execFileSync('openssl', commandLine.split(' '), { cwd: dir, stdio: 'pipe' });
  };
  const ecKey = '-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes';
  openssl(
    `req -x509 ${ecKey} -keyout ca.key -out ca.pem -days 2 -subj /CN=sysray-test-ca ` +
      '-addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign',
  );
  const leaf = (name: string, extensions: string): void => {
    writeFileSync(join(dir, `${name}.ext`), extensions);
    openssl(`req ${ecKey} -keyout ${name}.key -out ${name}.csr -subj /CN=${name}`);
    openssl(
      `x509 -req -in ${name}.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out ${name}.pem -days 2 -extfile ${name}.ext`,
    );
  };
  leaf('server', 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
  leaf('client', 'extendedKeyUsage=clientAuth\n');
  return {
    dir,
    caFile: join(dir, 'ca.pem'),
    serverCertFile: join(dir, 'server.pem'),
    serverKeyFile: join(dir, 'server.key'),
    clientCertFile: join(dir, 'client.pem'),
    clientKeyFile: join(dir, 'client.key'),
  };
}
