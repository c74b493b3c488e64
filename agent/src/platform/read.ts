import { closeSync, openSync, readSync, readdirSync, readlinkSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';

/**
 * Thin readers over kernel files. `/proc` and `/sys` files are small, generated on read and never block on
 * storage, so the per-tick path reads them synchronously into one reused buffer: for thousands of
 * `/proc/<pid>/stat` files this is several times cheaper than a promise per file. Anything that can hang
 * (statfs on a network mount) stays asynchronous.
 *
 * "Absent" errors (the file or process is gone, the feature does not exist) return null; any other
 * failure throws with the path in the message.
 */

const ABSENT_CODES = new Set(['ENOENT', 'ESRCH', 'ENOTDIR', 'ENODEV', 'ENXIO']);

export function isAbsentError(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code !== undefined && ABSENT_CODES.has(code);
}

export function isPermissionError(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'EACCES' || code === 'EPERM';
}

let sharedBuffer = Buffer.allocUnsafe(64 * 1024);

/** Reads a whole kernel file synchronously; null when absent. Grows the shared buffer for large files. */
export function readKernelFileSync(path: string): string | null {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    if (isAbsentError(error)) return null;
    throw error;
  }
  try {
    let length = 0;
    for (;;) {
      if (length === sharedBuffer.length) {
        const bigger = Buffer.allocUnsafe(sharedBuffer.length * 2);
        sharedBuffer.copy(bigger, 0, 0, length);
        sharedBuffer = bigger;
      }
      const n = readSync(fd, sharedBuffer, length, sharedBuffer.length - length, null);
      if (n === 0) break;
      length += n;
    }
    return sharedBuffer.toString('utf8', 0, length);
  } catch (error) {
    // A process that exits between open and read yields ESRCH; treat like absent.
    if (isAbsentError(error)) return null;
    throw error;
  } finally {
    closeSync(fd);
  }
}

/** Reads a text file asynchronously; null when absent. */
export async function readTextFile(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if (isAbsentError(error)) return null;
    throw error;
  }
}

/** Trimmed single-value sysfs/procfs file (`/sys/block/sda/size`); null when absent or unreadable by design. */
export function readTrimmedSync(path: string): string | null {
  try {
    const text = readKernelFileSync(path);
    return text === null ? null : text.trim();
  } catch (error) {
    // Some sysfs attributes refuse reads (EINVAL on a disabled device, EACCES for root-only ones).
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EINVAL' || code === 'EACCES' || code === 'EPERM' || code === 'EIO') return null;
    throw error;
  }
}

/** Parses an integer sysfs file; null when absent or not a number. */
export function readIntSync(path: string): number | null {
  const text = readTrimmedSync(path);
  if (text === null || text === '') return null;
  const value = Number(text);
  return Number.isFinite(value) ? value : null;
}

export function listDirSync(path: string): string[] {
  try {
    return readdirSync(path);
  } catch (error) {
    if (isAbsentError(error)) return [];
    throw error;
  }
}

export async function listDir(path: string): Promise<string[]> {
  try {
    return await readdir(path);
  } catch (error) {
    if (isAbsentError(error)) return [];
    throw error;
  }
}

export function readLinkSync(path: string): string | null {
  try {
    return readlinkSync(path);
  } catch (error) {
    if (isAbsentError(error) || (error as NodeJS.ErrnoException).code === 'EINVAL') return null;
    throw error;
  }
}
