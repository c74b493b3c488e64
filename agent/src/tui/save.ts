import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Snapshot } from '@sysray/proto';

/** `2025-11-21T12:00:05.123Z` → `20251121T120005Z`: sortable, and no `:` (not allowed in Windows names). */
export function utcStamp(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace(/\.\d+Z$/, 'Z')
    .replace(/[-:]/g, '');
}

/**
 * Writes `snapshot` as pretty JSON to `<dir>/sysray-snapshot-<UTC of the snapshot>.json` and returns the
 * path. An existing file is never overwritten: a second save of the same sample gets `-1`, `-2`, ….
 */
export async function saveSnapshotFile(snapshot: Snapshot, dir: string): Promise<string> {
  const base = `sysray-snapshot-${utcStamp(snapshot.timestamp)}`;
  const text = `${JSON.stringify(snapshot, null, 2)}\n`;
  for (let n = 0; n < 1000; n += 1) {
    const file = path.join(dir, `${base}${n === 0 ? '' : `-${n}`}.json`);
    try {
      await writeFile(file, text, { flag: 'wx', mode: 0o644 });
      return file;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new Error(`cannot write ${file}: ${(error as Error).message}`);
      }
    }
  }
  throw new Error(`cannot write ${path.join(dir, base)}.json: 1000 files of that name exist`);
}
