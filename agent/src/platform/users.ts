import { statSync } from 'node:fs';
import { rootfsPath, type HostRoots } from './host-roots.js';
import { isAbsentError, isPermissionError, readKernelFileSync } from './read.js';

/**
 * User names for uids, from the host's `/etc/passwd` (through rootfs, so an agent in a container names
 * the host's users, not its image's). Only local accounts: users from LDAP/SSSD are not in the file and are
 * shown by uid, as `ps` does when NSS cannot answer.
 */

/** Parses passwd(5) lines `name:password:uid:gid:gecos:home:shell`; the first entry for a uid wins. */
export function parsePasswd(text: string): Map<number, string> {
  const names = new Map<number, string>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const first = line.indexOf(':');
    const second = first < 0 ? -1 : line.indexOf(':', first + 1);
    const third = second < 0 ? -1 : line.indexOf(':', second + 1);
    if (first <= 0 || third < 0) continue;
    const uidText = line.slice(second + 1, third);
    if (uidText === '') continue;
    const uid = Number(uidText);
    if (!Number.isInteger(uid) || uid < 0) continue;
    if (!names.has(uid)) names.set(uid, line.slice(0, first));
  }
  return names;
}

export interface UserNames {
  /** Re-reads the file when it changed (mtime, size, inode) since the last look; call once per collection. */
  refresh(): void;
  /** The account name for a uid, or the uid as text when the file does not name it. */
  nameOf(uid: number): string;
}

/** A cached view of `<rootfs>/etc/passwd`: parsed once, parsed again only when the file changes. */
export function createUserNames(roots: HostRoots): UserNames {
  const path = rootfsPath(roots, '/etc/passwd');
  let names = new Map<number, string>();
  // mtime, size and inode: an editor that replaces the file within the same millisecond still changes one.
  let loadedVersion: string | null = null;
  let loaded = false;

  const refresh = (): void => {
    let version: string | null;
    try {
      const stat = statSync(path);
      version = `${stat.mtimeMs}:${stat.size}:${stat.ino}`;
    } catch (error) {
      if (!isAbsentError(error) && !isPermissionError(error)) {
        throw new Error(`stat ${path}: ${(error as Error).message}`);
      }
      version = null;
    }
    if (loaded && version === loadedVersion) return;
    let text: string | null = null;
    if (version !== null) {
      try {
        text = readKernelFileSync(path);
      } catch (error) {
        if (!isPermissionError(error)) throw new Error(`reading ${path}: ${(error as Error).message}`);
      }
    }
    names = text === null ? new Map() : parsePasswd(text);
    loadedVersion = version;
    loaded = true;
  };

  return {
    refresh,
    nameOf: (uid) => names.get(uid) ?? String(uid),
  };
}
