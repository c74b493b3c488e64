import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach } from 'vitest';
import { parseSnapshot, type Snapshot } from '@sysray/proto';

const GOLDEN = fileURLToPath(new URL('../golden/v2-containers.json', import.meta.url));

let base: Snapshot | undefined;

/** The v2-containers golden Snapshot (a realistic size and shape) at another time. */
export function snapshotAt(timestamp: number, hostName = 'k8s-node-1'): Snapshot {
  base ??= parseSnapshot(JSON.parse(readFileSync(GOLDEN, 'utf8')));
  return { ...base, timestamp, host: { ...base.host, name: hostName } };
}

/** Epoch ms for a UTC time on 2026-11-22. */
export function utc(hour: number, minute = 0, second = 0): number {
  return Date.UTC(2026, 10, 22, hour, minute, second);
}

const made: string[] = [];

/** A temporary directory removed after the test. */
export function tempDir(prefix = 'sysray-record-'): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  made.push(dir);
  return dir;
}

afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** An `fs` style error with a code, as the kernel reports them. */
export function errnoError(code: string, message: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: ${message}`), { code });
}
