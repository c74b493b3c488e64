/**
 * `/proc/<pid>/mountinfo` (Linux 2.6.26+), one mount per line, format from proc(5) and
 * Documentation/filesystems/proc.rst:
 *
 *   36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue
 *   (1)(2) (3)   (4)   (5)      (6)      (7)   (8) (9)   (10)         (11)
 *
 * (1) mount ID, (2) parent ID, (3) major:minor of st_dev, (4) root of the mount within the filesystem,
 * (5) mount point, (6) per-mount options, (7) zero or more optional fields (`shared:N`, `master:N`,
 * `propagate_from:N`, `unbindable`), (8) a lone `-`, (9) filesystem type (`type.subtype` for FUSE),
 * (10) mount source, (11) per-superblock options.
 */
export interface MountInfoEntry {
  readonly mountId: number;
  readonly parentId: number;
  /** `major:minor` of the filesystem's device (st_dev). */
  readonly devNumber: string;
  /** Path inside the filesystem that is mounted here (`/` unless a bind mount of a subtree). */
  readonly root: string;
  readonly mountPoint: string;
  /** Per-mount options: `rw`/`ro`, `nosuid`, `relatime`, … */
  readonly mountOptions: readonly string[];
  readonly optionalFields: readonly string[];
  readonly fsType: string;
  /** Mount source, or `none` when the filesystem has none. */
  readonly source: string;
  /** Per-superblock options. */
  readonly superOptions: readonly string[];
}

/**
 * The kernel writes space, tab, newline and backslash in paths as three-digit octal escapes (`\040`,
 * `\011`, `\012`, `\134`; fs/proc_namespace.c, mangle()). Other bytes, UTF-8 included, are written as they
 * are, so only these escapes need decoding; any `\ooo` is decoded for robustness.
 */
export function unescapeMountField(text: string): string {
  if (!text.includes('\\')) return text;
  return text.replace(/\\([0-3][0-7]{2})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));
}

function splitOptions(text: string | undefined): string[] {
  return text === undefined || text === '' ? [] : text.split(',');
}

/** Parses one mountinfo line; null for a line that does not have the shape above. */
export function parseMountInfoLine(line: string): MountInfoEntry | null {
  // Fields are separated by single spaces and never contain one (it is escaped), so an empty field stays a
  // field instead of shifting the others.
  const parts = line.replace(/\r?\n?$/, '').split(' ');
  const separator = parts.indexOf('-', 6);
  if (separator < 0 || parts.length < separator + 3) return null;
  const mountId = Number(parts[0]);
  const parentId = Number(parts[1]);
  const devNumber = parts[2] ?? '';
  if (!Number.isInteger(mountId) || !Number.isInteger(parentId) || !/^\d+:\d+$/.test(devNumber)) return null;
  const fsType = parts[separator + 1] ?? '';
  if (fsType === '') return null;
  return {
    mountId,
    parentId,
    devNumber,
    root: unescapeMountField(parts[3] ?? ''),
    mountPoint: unescapeMountField(parts[4] ?? ''),
    mountOptions: splitOptions(parts[5]),
    optionalFields: parts.slice(6, separator).filter((field) => field !== ''),
    fsType: unescapeMountField(fsType),
    source: unescapeMountField(parts[separator + 2] ?? ''),
    superOptions: splitOptions(parts[separator + 3]),
  };
}

/** Parses a whole mountinfo file in order (later lines are mounted later, on top of earlier ones). */
export function parseMountInfo(text: string): MountInfoEntry[] {
  const entries: MountInfoEntry[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const entry = parseMountInfoLine(line);
    if (entry !== null) entries.push(entry);
  }
  return entries;
}

/**
 * A mount is read-only when its per-mount flags say `ro` (`mount -o remount,ro`, a read-only bind) or its
 * superblock is read-only (ext4 `errors=remount-ro` after an error flips the superblock only, and mountinfo
 * then still shows `rw` in the per-mount field; fs/proc_namespace.c show_mountinfo prints the two apart).
 */
export function isReadOnlyMount(entry: MountInfoEntry): boolean {
  return entry.mountOptions.includes('ro') || entry.superOptions.includes('ro');
}
