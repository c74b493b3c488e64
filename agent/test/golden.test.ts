import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Snapshot } from '@sysray/proto';
import { DEFAULT_COLLECTORS_CONFIG } from '../src/collectors/config.js';
import type { StatfsFunction } from '../src/collectors/filesystems.js';
import { createLinuxCollectors } from '../src/collectors/index.js';
import { ManualClock } from '../src/platform/clock.js';
import { resolveHostRoots } from '../src/platform/host-roots.js';
import { CollectionScheduler } from '../src/snapshot/scheduler.js';
import { snapshotSchemaErrors } from './schema-validator.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const VARIANTS = ['v2-containers', 'hybrid-v1v2', 'no-psi', 'nvme-dm-md'] as const;
const UPDATE = process.env.SYSRAY_UPDATE_GOLDEN === '1';

/** A deterministic statfs: sizes derived from the mount point, so every machine gets the same figures. */
const fixtureStatfs: StatfsFunction = async (mountPath) => {
  const seed = [...mountPath.split('/fixtures/')[1]!].reduce((sum, ch) => sum + ch.charCodeAt(0), 0);
  return {
    type: 0,
    bsize: 4096,
    blocks: 1_000_000 + seed * 1000,
    bfree: 400_000 + seed * 100,
    bavail: 350_000 + seed * 100,
    files: 655_360,
    ffree: 600_000 + seed,
  };
};

async function collectFixture(variant: string): Promise<Snapshot> {
  const clock = new ManualClock(0, Date.UTC(2026, 10, 22, 12, 0, 0));
  const scheduler = new CollectionScheduler({
    collectors: createLinuxCollectors(DEFAULT_COLLECTORS_CONFIG, {
      arch: 'x64',
      pageSizeBytes: 4096,
      statfs: fixtureStatfs,
      // nvidia-smi and ss ask the running host, not the tree: left out so the golden files hold on every machine.
      gpu: { nvidia: { command: null } },
      netProcesses: { ss: null },
    }),
    roots: resolveHostRoots({ rootfs: path.join(here, 'fixtures', variant) }, {}),
    clock,
    intervalMs: 1000,
  });
  await scheduler.collectAll();
  // Agent version changes with releases; the golden file pins the rest.
  const snapshot = scheduler.snapshot();
  return { ...snapshot, agent: { name: 'sysray', version: 'golden' } };
}

describe.each(VARIANTS)('golden Snapshot of %s', (variant) => {
  it('validates against the JSON Schema and matches the golden file', async () => {
    const snapshot = await collectFixture(variant);
    expect(snapshotSchemaErrors(snapshot)).toBeNull();
    const file = path.join(here, 'golden', `${variant}.json`);
    // Messages name the paths they read; the checkout's location is not part of the golden output.
    const text = `${JSON.stringify(snapshot, null, 2)}\n`.replaceAll(
      path.join(here, 'fixtures', variant),
      '<rootfs>',
    );
    if (UPDATE || !existsSync(file)) {
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, text);
    }
    expect(JSON.parse(text)).toEqual(JSON.parse(readFileSync(file, 'utf8')));
  });
});

describe('fixture trees cover the host variants', () => {
  it('each tree shows its defining trait', async () => {
    const [v2, hybrid, noPsi, storage] = await Promise.all(VARIANTS.map(collectFixture));
    expect(v2!.sections.cgroups.status === 'ok' && v2!.sections.cgroups.data.mode).toBe('v2');
    expect(
      v2!.sections.cgroups.status === 'ok' && v2!.sections.cgroups.data.groups.some((g) => g.kind === 'pod'),
    ).toBe(true);
    expect(hybrid!.sections.cgroups.status === 'ok' && hybrid!.sections.cgroups.data.mode).toBe('hybrid');
    expect(noPsi!.sections.pressure.status).toBe('unsupported');
    expect(noPsi!.sections.cgroups.status).toBe('unsupported');
    // A Xen guest has no hwmon chip or RAPL zone; the bare-metal trees have both.
    expect(noPsi!.sections.sensors.status).toBe('unsupported');
    expect(v2!.sections.sensors.status === 'ok' && v2!.sections.sensors.data.powerZones.length).toBe(2);
    const kinds =
      storage!.sections.disks.status === 'ok' ? storage!.sections.disks.data.devices.map((d) => d.kind) : [];
    expect(new Set(kinds)).toEqual(new Set(['nvme', 'scsi', 'dm', 'md', 'mmc', 'virtio', 'other']));
    for (const snapshot of [v2, hybrid, noPsi, storage]) {
      for (const [name, section] of Object.entries(snapshot!.sections)) {
        expect(section.status, `${name}: ${JSON.stringify(section)}`.slice(0, 300)).not.toBe('error');
      }
    }
  });
});
