import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { CliIO } from '../../src/cli/cli-io.js';
import { main } from '../../src/cli/main.js';
import { snapshotSchemaErrors } from '../schema-validator.js';

const FIXTURE = fileURLToPath(new URL('../fixtures/v2-containers', import.meta.url));
const STORAGE = fileURLToPath(new URL('../fixtures/nvme-dm-md', import.meta.url));

async function run(args: readonly string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIO = {
    stdout: { write: (text: string) => (out += text), isTTY: false, columns: 120 },
    stderr: { write: (text: string) => (err += text) },
    env: {},
    interrupted: new Promise(() => {}),
  };
  const code = await main(args, io);
  return { code, out, err };
}

describe('sysray CLI', () => {
  it('prints help for the program and every command', async () => {
    const top = await run(['--help']);
    expect(top.code).toBe(0);
    for (const command of ['snapshot', 'top', 'watch', 'inventory', 'agent', 'server', 'config']) {
      expect(top.out).toContain(command);
      const sub = await run([command, '--help']);
      expect(sub.code, command).toBe(0);
      expect(sub.out).toContain(`Usage: sysray ${command}`);
    }
  });

  it('rejects bad flags and values with one line and exit code 2', async () => {
    const bad = await run(['top', '--limit', 'many']);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--limit.*not an integer/);
    expect((await run(['snapshot', '--format', 'xml'])).code).toBe(2);
    expect((await run(['snapshot', '--sample', 'soon'])).code).toBe(2);
    expect((await run(['frobnicate'])).code).toBe(2);
  });

  it('snapshot --format json prints a schema-valid Snapshot of the host tree it is pointed at', async () => {
    const result = await run(['--rootfs', FIXTURE, 'snapshot', '--sample', '50ms']);
    expect(result.code).toBe(0);
    const snapshot = JSON.parse(result.out) as { host: { name: string } };
    expect(snapshotSchemaErrors(snapshot)).toBeNull();
    expect(snapshot.host.name).toBe('k8s-node-1');
    // The fixture's mysql process carries --password=hunter2: it never leaves the agent in clear.
    expect(result.out).not.toContain('hunter2');
    expect(result.out).toContain('--password=***');
  });

  it('snapshot --format csv prints long-form rows with labels', async () => {
    const result = await run(['--rootfs', FIXTURE, 'snapshot', '--format', 'csv', '--sample', '50ms']);
    const lines = result.out.trim().split('\n');
    expect(lines[0]).toBe('timestamp,metric,labels,value');
    expect(lines.some((l) => /,memory\.totalBytes,,\d+$/.test(l))).toBe(true);
    expect(
      lines.some((l) =>
        l.includes(',disks.devices.counters.readsCompleted,device=259:0;name=nvme0n1,148302'),
      ),
    ).toBe(true);
    expect(lines.some((l) => l.includes('collector.status,section=pressure,1'))).toBe(true);
  });

  it('top renders the summary and the process table, sorted as asked', async () => {
    const result = await run([
      '--rootfs',
      FIXTURE,
      'top',
      '--sort',
      'mem',
      '--limit',
      '3',
      '--sample',
      '50ms',
    ]);
    expect(result.code).toBe(0);
    const lines = result.out.split('\n');
    expect(lines[0]).toMatch(/^sysray top — k8s-node-1 — /);
    expect(result.out).toMatch(/tasks \d+ \(R \d+, S \d+, D \d+, Z \d+\)/);
    const header = lines.findIndex((l) => l.trimStart().startsWith('PID'));
    const rows = lines.slice(header + 1).filter((l) => l.trim() !== '');
    expect(rows).toHaveLength(3);
  });

  it('inventory shows the storage stack: LVM on a partition, md on two disks', async () => {
    const result = await run(['--rootfs', STORAGE, 'inventory']);
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/nvme0n1p2[\s\S]*dm-0 \(vg0-root\)[^\n]*\/ \[ext4\]/);
    // md0 is built on a partition of each SATA disk, so it shows under both, as lsblk shows it.
    expect(result.out).toMatch(/ sda {2}scsi[^\n]*\n {2}└─ sda1 {2}part\n {5}└─ md0 {2}md/);
    expect(result.out).toMatch(/ sdb {2}scsi[^\n]*\n {2}└─ sdb1 {2}part\n {5}└─ md0 {2}md/);
    const json = JSON.parse((await run(['--rootfs', STORAGE, 'inventory', '--format', 'json'])).out) as {
      host: { name: string };
    };
    expect(json.host.name).toBe('storage-01');
  });

  it('watch fails clearly for a pid that does not exist', async () => {
    const result = await run(['--rootfs', FIXTURE, 'watch', '--pid', '424242', '--iterations', '1']);
    expect(result.code).toBe(1);
    expect(result.err).toBe('sysray: no process with pid 424242\n');
  });

  it('watch shows one process of the tree', async () => {
    const result = await run([
      '--rootfs',
      FIXTURE,
      'watch',
      '--pid',
      '1',
      '--iterations',
      '1',
      '--interval',
      '200ms',
    ]);
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/^pid 1 {2}ppid 0 {2}systemd/);
  });
});
