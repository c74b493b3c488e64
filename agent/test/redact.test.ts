import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { FilesystemMount, ProcessInfo, Snapshot } from '@sysray/proto';
import { sectionOk, sectionUnsupported } from '@sysray/proto';
import {
  createRedactor,
  DEFAULT_REDACTION_PATTERNS,
  normalizeArgumentName,
  noRedaction,
  redactSnapshot,
  REDACTED,
} from '../src/redact.js';

const redact = createRedactor();

describe('createRedactor with the default patterns', () => {
  it.each([
    ['--password=hunter2', '--password=***'],
    ['mysqld --user=app --password=hunter2', 'mysqld --user=app --password=***'],
    ['app --token abc123 --verbose', 'app --token *** --verbose'],
    ['app -token abc123', 'app -token ***'],
    ['app --passwd s3 --secret=x --client-secret y', 'app --passwd *** --secret=*** --client-secret ***'],
    [
      'env PASSWORD=x MYSQL_ROOT_PASSWORD=y HOME=/root cmd',
      'env PASSWORD=*** MYSQL_ROOT_PASSWORD=*** HOME=/root cmd',
    ],
    [
      'x --api-key=k1 --api_key k2 --apikey=k3 --apiKey k4 API_KEY=k5',
      'x --api-key=*** --api_key *** --apikey=*** --apiKey *** API_KEY=***',
    ],
    ['aws --aws-access-key AKIA1 --key k', 'aws --aws-access-key *** --key ***'],
    ['x --credentials /c.json --auth basic:pw', 'x --credentials *** --auth ***'],
    ['curl -H Authorization=xyz', 'curl -H Authorization=***'],
    [
      'java -Djavax.net.ssl.keyStorePassword=changeit -jar app.jar',
      'java -Djavax.net.ssl.keyStorePassword=*** -jar app.jar',
    ],
    ['psql postgres://app:hunter2@db:5432/app', 'psql postgres://app:***@db:5432/app'],
    ['git clone https://user:ghp_abc@github.com/x.git', 'git clone https://user:***@github.com/x.git'],
    [
      'curl https://api.example/v1?user=u&access_token=abc&x=1',
      'curl https://api.example/v1?user=u&access_token=***&x=1',
    ],
    [
      'sqlcmd Server=db;User=sa;Password=Pa55;Encrypt=yes',
      'sqlcmd Server=db;User=sa;Password=***;Encrypt=yes',
    ],
  ])('%s', (input, expected) => {
    expect(redact(input)).toBe(expected);
  });

  it.each([
    'nginx: worker process',
    'ssh git@github.com',
    'app --monkey=banana --author me --keyboard us --keepalive 5',
    'redis-server *:6379',
    'x --sort-by name --page 2',
    'curl https://example.com/path?q=1',
    '',
  ])('leaves %j alone', (input) => {
    expect(redact(input)).toBe(input);
  });

  it('does not take the next flag as a value', () => {
    expect(redact('app --token --verbose --password')).toBe('app --token --verbose --password');
  });

  it('keeps the spacing of the command line', () => {
    expect(redact('a  --token   abc\tb')).toBe('a  --token   ***\tb');
  });

  it('masks whatever value patterns match', () => {
    const withValues = createRedactor(DEFAULT_REDACTION_PATTERNS, {
      valuePatterns: ['AKIA[0-9A-Z]{16}', 'ghp_\\w+'],
    });
    expect(withValues('deploy AKIAABCDEFGHIJKLMNOP push ghp_xyz123')).toBe('deploy *** push ***');
  });

  it('uses the given name patterns instead of the defaults', () => {
    const custom = createRedactor(['^pin$']);
    expect(custom('app --pin 1234 --password x')).toBe('app --pin *** --password x');
    // URL passwords are masked whatever the patterns.
    expect(createRedactor([])('x ftp://u:p@h')).toBe('x ftp://u:***@h');
  });

  it('rejects an invalid pattern with its cause', () => {
    expect(() => createRedactor(['(open'])).toThrow(/invalid redaction pattern/);
  });

  it('normalizes kebab, snake, camel and dotted names alike', () => {
    expect(normalizeArgumentName('--DB-Password')).toBe('db_password');
    expect(normalizeArgumentName('apiKey')).toBe('api_key');
    expect(normalizeArgumentName('APIKey')).toBe('api_key');
    expect(normalizeArgumentName('MYSQL_ROOT_PASSWORD')).toBe('mysql_root_password');
    expect(normalizeArgumentName('Djavax.net.ssl.keyStorePassword')).toBe(
      'djavax_net_ssl_key_store_password',
    );
  });
});

describe('redactSnapshot', () => {
  const timing = { collectedAt: 1, durationMs: 1 };
  const process = (pid: number, command: string): ProcessInfo => ({ pid, command }) as unknown as ProcessInfo;
  const mount = (device: string, options: string[]): FilesystemMount =>
    ({ mountPoint: '/mnt', device, options }) as unknown as FilesystemMount;
  const snapshot = {
    schema: 1,
    timestamp: 1,
    agent: { name: 'sysray', version: '0' },
    host: { name: 'h', id: null },
    sections: {
      processes: sectionOk(
        {
          counts: {},
          sortedBy: 'cpu',
          top: [process(1, '/sbin/init'), process(2, 'mysql --password=hunter2')],
        },
        timing,
      ),
      filesystems: sectionOk(
        { mounts: [mount('//srv/share', ['rw', 'username=u', 'password=pw'])], failed: [] },
        timing,
      ),
      cpu: sectionUnsupported('test', timing),
    },
  } as unknown as Snapshot;

  it('masks command lines and mount credentials without touching the input', () => {
    const before = JSON.stringify(snapshot);
    const result = redactSnapshot(snapshot, redact);
    expect(JSON.stringify(snapshot)).toBe(before);
    const processes = result.sections.processes;
    const filesystems = result.sections.filesystems;
    if (processes.status !== 'ok' || filesystems.status !== 'ok') throw new Error('sections must stay ok');
    expect(processes.data.top.map((p) => p.command)).toEqual(['/sbin/init', `mysql --password=${REDACTED}`]);
    expect(processes.data.top[0]).toBe(
      (snapshot.sections.processes as { data: { top: unknown[] } }).data.top[0],
    );
    expect(filesystems.data.mounts[0]?.options).toEqual(['rw', 'username=u', `password=${REDACTED}`]);
    expect(result.sections.cpu).toBe(snapshot.sections.cpu);
    expect(JSON.stringify(result)).not.toContain('hunter2');
  });

  it('returns the snapshot itself when redaction is off', () => {
    expect(redactSnapshot(snapshot, noRedaction)).toBe(snapshot);
  });

  it('masks the secret in the v2-containers fixture command line', () => {
    const cmdline = readFileSync(
      new URL('./fixtures/v2-containers/proc/5230/cmdline', import.meta.url),
      'utf8',
    );
    const command = cmdline.split('\0').filter(Boolean).join(' ');
    expect(command).toContain('hunter2');
    expect(redact(command)).not.toContain('hunter2');
    expect(redact(command)).toContain('--password=***');
  });
});
