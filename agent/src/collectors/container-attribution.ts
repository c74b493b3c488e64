import type { CgroupAttribution, ContainerRuntime } from '@sysray/proto';

/**
 * Who owns a cgroup, read from its path alone. Container runtimes and the kubelet name their cgroups after
 * the container id and pod UID, so a path such as
 *
 *   /kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod<uid_with_underscores>.slice/cri-containerd-<id>.scope
 *
 * says runtime, pod, QoS class and container without asking any runtime's API. Layouts recognised:
 *
 * - Docker: `docker-<id>.scope` (systemd cgroup driver), `/docker/<id>` (cgroupfs driver).
 * - Kubernetes: `kubepods.slice/kubepods-<qos>.slice/kubepods-<qos>-pod<uid>.slice/…` (systemd driver: the
 *   pod UID's dashes are escaped to `_` because `-` separates slice nesting, see systemd.slice(5)) and
 *   `/kubepods/<qos>/pod<uid>/<id>` (cgroupfs driver). Guaranteed pods have no QoS level in the path.
 * - containerd (`cri-containerd-<id>.scope`), CRI-O (`crio-<id>.scope`; `crio-conmon-<id>.scope` is the
 *   container monitor and is attributed to the pod, not to a container), Podman (`libpod-<id>.scope`, rootful
 *   under machine.slice or rootless under `user@<uid>.service`; `libpod-conmon-<id>.scope` is its monitor),
 *   nerdctl (`nerdctl-<id>.scope`, containerd without Kubernetes).
 * - LXC 4.0+ (`lxc.payload.<name>`; `lxc.monitor.<name>` is the monitor) and the older `/lxc/<name>`.
 * - systemd-nspawn (`/machine.slice/systemd-nspawn@<name>.service`).
 * - Anything else: the innermost systemd unit (`*.service`, `*.scope`, `*.slice`).
 *
 * Plain string work (no regular expression on the common path): it runs for every detailed process and
 * every cgroup walked.
 */

/** What the last component of a cgroup path is, for the cgroups collector's `kind`. */
export type CgroupLeafRole = 'root' | 'container' | 'pod' | 'slice' | 'service' | 'scope' | 'other';

export interface CgroupPathAnalysis {
  readonly attribution: CgroupAttribution;
  readonly leaf: CgroupLeafRole;
  /** Container name for LXC and systemd-nspawn (their id is a name, not a hash); null otherwise. */
  readonly containerName: string | null;
}

type QosClass = NonNullable<CgroupAttribution['qosClass']>;

/** `<prefix><64 hex>[.scope]` container cgroups of the systemd driver (and CRI-O's cgroupfs driver). */
const CONTAINER_PREFIXES: readonly (readonly [prefix: string, runtime: ContainerRuntime])[] = [
  ['docker-', 'docker'],
  ['cri-containerd-', 'containerd'],
  ['crio-', 'cri-o'],
  ['libpod-', 'podman'],
  ['nerdctl-', 'containerd'],
];

/** Runtime monitors: they serve one container but are not inside it. Checked before the prefixes above. */
const MONITOR_PREFIXES: readonly (readonly [prefix: string, runtime: ContainerRuntime])[] = [
  ['crio-conmon-', 'cri-o'],
  ['libpod-conmon-', 'podman'],
];

const CONTAINER_ID_LENGTH = 64;

/** A full container id: 64 lowercase hex characters (Docker, containerd, CRI-O and Podman all use sha256). */
export function isContainerId(text: string): boolean {
  if (text.length !== CONTAINER_ID_LENGTH) return false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102))) return false;
  }
  return true;
}

/** `<id>` from `<prefix><id>` or `<prefix><id>.scope`, when the id is a container id. */
function idAfter(part: string, prefix: string): string | null {
  if (!part.startsWith(prefix)) return null;
  const end = part.endsWith('.scope') ? part.length - '.scope'.length : part.length;
  const id = part.slice(prefix.length, end);
  return isContainerId(id) ? id : null;
}

function unitSuffix(part: string): 'slice' | 'service' | 'scope' | null {
  if (part.endsWith('.slice')) return 'slice';
  if (part.endsWith('.service')) return 'service';
  if (part.endsWith('.scope')) return 'scope';
  return null;
}

/** Undoes systemd's `\xNN` unit-name escaping (systemd.unit(5)): `debian\x2dtest` → `debian-test`. */
function unescapeUnitName(text: string): string {
  if (!text.includes('\\x')) return text;
  return text.replace(/\\x([0-9a-fA-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

function qosFromName(name: string): QosClass | null {
  if (name === 'burstable') return 'burstable';
  if (name === 'besteffort') return 'besteffort';
  return null;
}

/**
 * A kubelet slice of the systemd cgroup driver: `kubepods.slice`, `kubepods-<qos>.slice`,
 * `kubepods-pod<uid>.slice` (guaranteed) or `kubepods-<qos>-pod<uid>.slice`, possibly under a custom
 * `--cgroup-root` that prefixes the name (`kubelet-kubepods-….slice` in kind). systemd.slice(5) uses `-`
 * for nesting, so the kubelet writes the pod UID's dashes as `_`; they are restored here.
 */
function parseKubepodsSlice(part: string): { qos: QosClass | null; podUid: string | null } | null {
  if (!part.endsWith('.slice')) return null;
  const segments = part.slice(0, -'.slice'.length).split('-');
  const at = segments.indexOf('kubepods');
  if (at < 0) return null;
  let qos: QosClass | null = null;
  let podUid: string | null = null;
  for (const segment of segments.slice(at + 1)) {
    const level = qosFromName(segment);
    if (level !== null && qos === null && podUid === null) qos = level;
    else if (segment.startsWith('pod') && segment.length > 3 && podUid === null)
      podUid = segment.slice(3).replaceAll('_', '-');
    else return null;
  }
  return { qos, podUid };
}

const ROOT_ANALYSIS: CgroupPathAnalysis = Object.freeze({
  attribution: Object.freeze({
    containerId: null,
    runtime: null,
    podUid: null,
    qosClass: null,
    systemdUnit: null,
  }),
  leaf: 'root',
  containerName: null,
});

/** Classifies every component of a cgroup path; see the module comment for the layouts. */
export function analyzeCgroupPath(path: string): CgroupPathAnalysis {
  const parts = path.split('/').filter((part) => part !== '');
  if (parts.length === 0) return ROOT_ANALYSIS;

  let containerId: string | null = null;
  let containerName: string | null = null;
  let runtime: ContainerRuntime | null = null;
  let monitorRuntime: ContainerRuntime | null = null;
  let podUid: string | null = null;
  let qosClass: QosClass | null = null;
  let inKubepods = false;
  let unit: string | null = null;
  let leaf: CgroupLeafRole = 'other';

  for (let i = 0; i < parts.length; i += 1) {
    const part = parts[i] as string;
    const previous = i > 0 ? parts[i - 1] : undefined;
    leaf = 'other';

    const kubeSlice = parseKubepodsSlice(part);
    if (kubeSlice !== null) {
      inKubepods = true;
      if (kubeSlice.podUid !== null) {
        podUid = kubeSlice.podUid;
        // Guaranteed pods sit directly under kubepods.slice, with no QoS level in the name.
        qosClass = kubeSlice.qos ?? qosClass ?? 'guaranteed';
        leaf = 'pod';
      } else {
        qosClass = kubeSlice.qos ?? qosClass;
        unit = part;
        leaf = 'slice';
      }
      continue;
    }
    if (part === 'kubepods') {
      // cgroupfs driver: `/kubepods/<qos>/pod<uid>/<id>`, `/kubepods/pod<uid>/<id>` for guaranteed pods.
      inKubepods = true;
      continue;
    }
    if (inKubepods && podUid === null) {
      const qos = qosFromName(part);
      if (qos !== null) {
        qosClass = qos;
        continue;
      }
      if (part.startsWith('pod') && part.length > 3) {
        podUid = part.slice(3);
        qosClass = qosClass ?? 'guaranteed';
        leaf = 'pod';
        continue;
      }
    }

    const monitor = MONITOR_PREFIXES.find(([prefix]) => idAfter(part, prefix) !== null);
    if (monitor !== undefined) {
      monitorRuntime = monitor[1];
      unit = part;
      leaf = 'scope';
      continue;
    }
    const prefixed = CONTAINER_PREFIXES.find(([prefix]) => idAfter(part, prefix) !== null);
    if (prefixed !== undefined) {
      // The innermost container wins: docker-in-docker nests `/docker/<inner>` below the outer scope.
      containerId = idAfter(part, prefixed[0]);
      containerName = null;
      runtime = prefixed[1];
      leaf = 'container';
      continue;
    }
    if (isContainerId(part) && (previous === 'docker' || podUid !== null)) {
      containerId = part;
      containerName = null;
      // Under a cgroupfs-driver pod the bare id does not say which CRI runtime made it.
      runtime = previous === 'docker' ? 'docker' : null;
      leaf = 'container';
      continue;
    }
    if (part.startsWith('lxc.payload.') && part.length > 'lxc.payload.'.length) {
      containerName = part.slice('lxc.payload.'.length);
      containerId = containerName;
      runtime = 'lxc';
      leaf = 'container';
      continue;
    }
    if (previous === 'lxc' && i === 1) {
      // LXC before 4.0 put containers at `/lxc/<name>`.
      containerName = part;
      containerId = part;
      runtime = 'lxc';
      leaf = 'container';
      continue;
    }
    if (part.startsWith('lxc.monitor.')) {
      monitorRuntime = 'lxc';
      continue;
    }
    if (part.startsWith('systemd-nspawn@') && part.endsWith('.service')) {
      const name = unescapeUnitName(part.slice('systemd-nspawn@'.length, part.length - '.service'.length));
      if (name !== '') {
        containerName = name;
        containerId = name;
        runtime = 'systemd-nspawn';
        leaf = 'container';
        continue;
      }
    }
    const suffix = unitSuffix(part);
    if (suffix !== null) {
      unit = part;
      leaf = suffix;
    }
  }

  let attribution: CgroupAttribution;
  if (containerId !== null) {
    attribution = { containerId, runtime, podUid, qosClass, systemdUnit: null };
  } else if (podUid !== null) {
    attribution = { containerId: null, runtime: monitorRuntime, podUid, qosClass, systemdUnit: null };
  } else {
    attribution = { containerId: null, runtime: monitorRuntime, podUid: null, qosClass, systemdUnit: unit };
  }
  return { attribution, leaf, containerName };
}

/** The owner of a cgroup path; all fields null for the root (`/`). */
export function parseCgroupAttribution(path: string): CgroupAttribution {
  return analyzeCgroupPath(path).attribution;
}
