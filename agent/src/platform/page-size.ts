import { closeSync, openSync, readSync } from 'node:fs';
import { procPath, type HostRoots } from './host-roots.js';
import { isAbsentError, isPermissionError } from './read.js';

/**
 * The kernel's page size, bytes. `/proc/<pid>/stat` and `statm` count memory in pages, and a page is not
 * always 4 KiB: arm64 kernels can be built with 16 KiB or 64 KiB pages (RHEL 9 and Ubuntu's
 * `linux-generic-64k` for arm64 use 64 KiB), ppc64 uses 64 KiB. Node has no `sysconf(_SC_PAGESIZE)`, and
 * shelling out to `getconf` is not for the agent, so the size is read from the kernel itself: every mapping
 * in `/proc/<pid>/smaps` carries `KernelPageSize:`, which for ordinary (non-hugetlb) mappings is PAGE_SIZE
 * (Documentation/filesystems/proc.rst). The first mapping is the executable's text, an ordinary one.
 */

/** Used only when no smaps could be read (fixture trees, a proc root without `self`): the x86 size. */
export const DEFAULT_PAGE_SIZE_BYTES = 4096;

/** The first mapping's lines are within the first few hundred bytes; read no more than this. */
const HEAD_BYTES = 4096;

function readHead(path: string): string | null {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    if (isAbsentError(error) || isPermissionError(error)) return null;
    throw error;
  }
  try {
    const buffer = Buffer.allocUnsafe(HEAD_BYTES);
    const n = readSync(fd, buffer, 0, HEAD_BYTES, null);
    return buffer.toString('latin1', 0, n);
  } catch (error) {
    if (isAbsentError(error) || isPermissionError(error)) return null;
    throw error;
  } finally {
    closeSync(fd);
  }
}

/** `KernelPageSize:        4 kB` → 4096; null when the text has no such line. */
export function parseKernelPageSize(smapsText: string): number | null {
  const at = smapsText.indexOf('KernelPageSize:');
  if (at < 0) return null;
  const end = smapsText.indexOf('\n', at);
  const rest = smapsText.slice(at + 'KernelPageSize:'.length, end < 0 ? undefined : end).trim();
  const match = /^(\d+)\s*kB$/.exec(rest);
  if (match === null) return null;
  const bytes = Number(match[1]) * 1024;
  return bytes > 0 ? bytes : null;
}

/**
 * Reads the page size from the agent's own smaps under the proc root (`self`), then from pid 1's (readable
 * when the agent runs as root in a container whose `self` does not resolve in the host's proc). The page
 * size is a property of the running kernel, so any process on it answers. Null when neither says.
 */
export function readPageSizeBytes(roots: HostRoots): number | null {
  for (const pid of ['self', '1']) {
    const text = readHead(procPath(roots, pid, 'smaps'));
    const size = text === null ? null : parseKernelPageSize(text);
    if (size !== null) return size;
  }
  return null;
}
