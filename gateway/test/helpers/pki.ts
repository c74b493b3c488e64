import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A test CA with a server certificate for 127.0.0.1/localhost and a client certificate, made with openssl. */
export interface TestPki {
  readonly dir: string;
  readonly caFile: string;
  readonly serverCertFile: string;
  readonly serverKeyFile: string;
  readonly clientCertFile: string;
  readonly clientKeyFile: string;
  readonly ca: Buffer;
  remove(): void;
}

export function makePki(): TestPki {
  const dir = mkdtempSync(join(tmpdir(), 'sysray-gw-tls-'));
  const at = (name: string): string => join(dir, name);
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
    writeFileSync(at(`${name}.ext`), extensions);
    openssl(`req ${ecKey} -keyout ${name}.key -out ${name}.csr -subj /CN=${name}`);
    openssl(
      `x509 -req -in ${name}.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out ${name}.pem -days 2 -extfile ${name}.ext`,
    );
  };
  leaf('server', 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
  leaf('client', 'extendedKeyUsage=clientAuth\n');
  return {
    dir,
    caFile: at('ca.pem'),
    serverCertFile: at('server.pem'),
    serverKeyFile: at('server.key'),
    clientCertFile: at('client.pem'),
    clientKeyFile: at('client.key'),
    ca: readFileSync(at('ca.pem')),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
