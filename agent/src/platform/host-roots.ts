import path from 'node:path';

/**
 * Where the host's kernel interfaces are mounted. On a host they are `/proc`, `/sys` and `/`; in a container
 * with the host mounted at `/host` they are `/host/proc`, `/host/sys` and `/host`; in tests, fixture trees.
 * Every path the agent reads is built here, never from a literal `/proc` or `/sys`.
 */
export interface HostRoots {
  readonly proc: string;
  readonly sys: string;
  readonly rootfs: string;
}

export const DEFAULT_HOST_ROOTS: HostRoots = Object.freeze({ proc: '/proc', sys: '/sys', rootfs: '/' });

export interface HostRootOverrides {
  readonly proc?: string | undefined;
  readonly sys?: string | undefined;
  readonly rootfs?: string | undefined;
}

/**
 * Resolves roots from flags first, then `SYSRAY_PROC_ROOT` / `SYSRAY_SYS_ROOT` / `SYSRAY_ROOTFS`, then
 * the defaults. With only `--rootfs` given, proc and sys default to `<rootfs>/proc` and `<rootfs>/sys`,
 * which is how a host mounted at `/host` is laid out.
 */
export function resolveHostRoots(
  flags: HostRootOverrides = {},
  env: Readonly<Record<string, string | undefined>> = process.env,
): HostRoots {
  const rootfs = flags.rootfs ?? env.SYSRAY_ROOTFS ?? DEFAULT_HOST_ROOTS.rootfs;
  const underRootfs = (sub: string): string =>
    rootfs === '/' ? `/${sub}` : path.join(path.resolve(rootfs), sub);
  return Object.freeze({
    proc: path.resolve(flags.proc ?? env.SYSRAY_PROC_ROOT ?? underRootfs('proc')),
    sys: path.resolve(flags.sys ?? env.SYSRAY_SYS_ROOT ?? underRootfs('sys')),
    rootfs: path.resolve(rootfs),
  });
}

/** `procPath(roots, 'pressure', 'cpu')` → `/host/proc/pressure/cpu`. */
export function procPath(roots: HostRoots, ...parts: readonly (string | number)[]): string {
  return path.join(roots.proc, ...parts.map(String));
}

export function sysPath(roots: HostRoots, ...parts: readonly (string | number)[]): string {
  return path.join(roots.sys, ...parts.map(String));
}

/**
 * A path on the host's filesystem (`/etc/os-release`, a mount point from mountinfo) as seen through rootfs.
 * Host paths are absolute; joining keeps them under rootfs even when they contain `..`.
 */
export function rootfsPath(roots: HostRoots, hostAbsolutePath: string): string {
  return path.join(roots.rootfs, path.resolve('/', hostAbsolutePath));
}

/**
 * Maps a path as the host sees it (a mount point from mountinfo such as `/sys/fs/cgroup`) to where it is
 * readable here: under the sys root, the proc root, or rootfs.
 */
export function hostPathToLocal(roots: HostRoots, hostAbsolutePath: string): string {
  const normalized = path.resolve('/', hostAbsolutePath);
  if (normalized === '/sys' || normalized.startsWith('/sys/'))
    return path.join(roots.sys, normalized.slice(4));
  if (normalized === '/proc' || normalized.startsWith('/proc/'))
    return path.join(roots.proc, normalized.slice(5));
  return rootfsPath(roots, normalized);
}
