import { describe, expect, it } from 'vitest';
import {
  analyzeCgroupPath,
  isContainerId,
  parseCgroupAttribution,
} from '../../src/collectors/container-attribution.js';

const ID = '89c866da4e4b59dc94ea840d501610fed7e8988fd87b56a1d63efd8d872ecac5';
const ID2 = '02dedcaadb6a8191d5a63142c664fbb3f0ccb4e9df0fe7f71601c7787a916274';
const POD = '6f1e2d3c-4b5a-4978-8a6b-5c4d3e2f1a0b';
const POD_ESCAPED = POD.replaceAll('-', '_');

const none = { containerId: null, runtime: null, podUid: null, qosClass: null, systemdUnit: null };

describe('parseCgroupAttribution', () => {
  it('returns all-null fields for the root', () => {
    expect(parseCgroupAttribution('/')).toEqual(none);
    expect(parseCgroupAttribution('')).toEqual(none);
    expect(analyzeCgroupPath('/').leaf).toBe('root');
  });

  it('recognises Docker with the systemd driver and with cgroupfs', () => {
    expect(parseCgroupAttribution(`/system.slice/docker-${ID}.scope`)).toEqual({
      ...none,
      containerId: ID,
      runtime: 'docker',
    });
    expect(parseCgroupAttribution(`/docker/${ID}`)).toEqual({ ...none, containerId: ID, runtime: 'docker' });
    expect(analyzeCgroupPath(`/docker/${ID}`).leaf).toBe('container');
    // The /docker parent alone is no container.
    expect(analyzeCgroupPath('/docker')).toMatchObject({ leaf: 'other', attribution: none });
  });

  it('recognises containerd under a burstable pod (systemd driver) and restores the pod UID dashes', () => {
    const path = `/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${POD_ESCAPED}.slice/cri-containerd-${ID}.scope`;
    expect(parseCgroupAttribution(path)).toEqual({
      containerId: ID,
      runtime: 'containerd',
      podUid: POD,
      qosClass: 'burstable',
      systemdUnit: null,
    });
    expect(analyzeCgroupPath(path).leaf).toBe('container');
  });

  it('gives guaranteed pods, which have no QoS level in the path, the guaranteed class', () => {
    const pod = `/kubepods.slice/kubepods-pod${POD_ESCAPED}.slice`;
    expect(analyzeCgroupPath(pod)).toMatchObject({
      leaf: 'pod',
      attribution: { containerId: null, podUid: POD, qosClass: 'guaranteed', systemdUnit: null },
    });
    expect(parseCgroupAttribution(`${pod}/cri-containerd-${ID}.scope`)).toMatchObject({
      containerId: ID,
      podUid: POD,
      qosClass: 'guaranteed',
    });
  });

  it('recognises the kubepods layout of the cgroupfs driver', () => {
    expect(parseCgroupAttribution(`/kubepods/burstable/pod${POD}/${ID}`)).toEqual({
      containerId: ID,
      // A bare id under a cgroupfs pod does not name its CRI runtime.
      runtime: null,
      podUid: POD,
      qosClass: 'burstable',
      systemdUnit: null,
    });
    expect(parseCgroupAttribution(`/kubepods/besteffort/pod${POD}/${ID}`).qosClass).toBe('besteffort');
    expect(parseCgroupAttribution(`/kubepods/pod${POD}/${ID}`).qosClass).toBe('guaranteed');
    expect(analyzeCgroupPath(`/kubepods/burstable/pod${POD}`)).toMatchObject({
      leaf: 'pod',
      attribution: { podUid: POD, containerId: null },
    });
    // CRI-O with cgroupfs keeps its prefix without `.scope`.
    expect(parseCgroupAttribution(`/kubepods/besteffort/pod${POD}/crio-${ID}`)).toMatchObject({
      containerId: ID,
      runtime: 'cri-o',
    });
  });

  it('recognises kubepods slices under a custom cgroup root (kind: kubelet-kubepods-…)', () => {
    const path = `/kubelet.slice/kubelet-kubepods.slice/kubelet-kubepods-besteffort.slice/kubelet-kubepods-besteffort-pod${POD_ESCAPED}.slice/cri-containerd-${ID}.scope`;
    expect(parseCgroupAttribution(path)).toMatchObject({
      containerId: ID,
      podUid: POD,
      qosClass: 'besteffort',
      runtime: 'containerd',
    });
  });

  it('attributes a QoS slice to its class and unit, not to a pod', () => {
    expect(parseCgroupAttribution('/kubepods.slice/kubepods-besteffort.slice')).toEqual({
      ...none,
      qosClass: 'besteffort',
      systemdUnit: 'kubepods-besteffort.slice',
    });
    expect(parseCgroupAttribution('/kubepods.slice')).toEqual({ ...none, systemdUnit: 'kubepods.slice' });
  });

  it('recognises CRI-O containers and attributes crio-conmon to the pod, not to a container', () => {
    const pod = `/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod${POD_ESCAPED}.slice`;
    expect(parseCgroupAttribution(`${pod}/crio-${ID}.scope`)).toEqual({
      containerId: ID,
      runtime: 'cri-o',
      podUid: POD,
      qosClass: 'besteffort',
      systemdUnit: null,
    });
    const conmon = analyzeCgroupPath(`${pod}/crio-conmon-${ID}.scope`);
    expect(conmon.attribution).toEqual({
      containerId: null,
      runtime: 'cri-o',
      podUid: POD,
      qosClass: 'besteffort',
      systemdUnit: null,
    });
    expect(conmon.leaf).toBe('scope');
  });

  it('recognises rootful and rootless Podman, and its conmon scope as no container', () => {
    expect(parseCgroupAttribution(`/machine.slice/libpod-${ID}.scope`)).toEqual({
      ...none,
      containerId: ID,
      runtime: 'podman',
    });
    expect(
      parseCgroupAttribution(`/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-${ID2}.scope`),
    ).toEqual({ ...none, containerId: ID2, runtime: 'podman' });
    expect(parseCgroupAttribution(`/machine.slice/libpod-conmon-${ID}.scope`)).toEqual({
      ...none,
      runtime: 'podman',
      systemdUnit: `libpod-conmon-${ID}.scope`,
    });
  });

  it('recognises nerdctl (containerd without Kubernetes)', () => {
    expect(parseCgroupAttribution(`/system.slice/nerdctl-${ID}.scope`)).toMatchObject({
      containerId: ID,
      runtime: 'containerd',
    });
  });

  it('recognises LXC payloads by name, and processes nested in them', () => {
    expect(analyzeCgroupPath('/lxc.payload.web1')).toEqual({
      leaf: 'container',
      containerName: 'web1',
      attribution: { ...none, containerId: 'web1', runtime: 'lxc' },
    });
    expect(parseCgroupAttribution('/lxc.payload.web1/init.scope')).toEqual({
      ...none,
      containerId: 'web1',
      runtime: 'lxc',
    });
    expect(parseCgroupAttribution('/lxc/legacy1')).toMatchObject({ containerId: 'legacy1', runtime: 'lxc' });
    expect(analyzeCgroupPath('/lxc.monitor.web1')).toMatchObject({
      leaf: 'other',
      attribution: { ...none, runtime: 'lxc' },
    });
  });

  it('recognises systemd-nspawn machines and unescapes their names', () => {
    expect(analyzeCgroupPath('/machine.slice/systemd-nspawn@debian\\x2dtest.service')).toEqual({
      leaf: 'container',
      containerName: 'debian-test',
      attribution: { ...none, containerId: 'debian-test', runtime: 'systemd-nspawn' },
    });
    expect(
      parseCgroupAttribution('/machine.slice/systemd-nspawn@web.service/payload/init.scope'),
    ).toMatchObject({
      containerId: 'web',
      runtime: 'systemd-nspawn',
      systemdUnit: null,
    });
  });

  it('takes the innermost container when containers nest (docker in docker)', () => {
    expect(parseCgroupAttribution(`/system.slice/docker-${ID}.scope/docker/${ID2}`)).toMatchObject({
      containerId: ID2,
      runtime: 'docker',
    });
  });

  it('names the innermost systemd unit of plain paths', () => {
    expect(parseCgroupAttribution('/system.slice/nginx.service')).toEqual({
      ...none,
      systemdUnit: 'nginx.service',
    });
    expect(parseCgroupAttribution('/user.slice/user-1000.slice/session-3.scope')).toEqual({
      ...none,
      systemdUnit: 'session-3.scope',
    });
    expect(parseCgroupAttribution('/user.slice/user-1000.slice')).toEqual({
      ...none,
      systemdUnit: 'user-1000.slice',
    });
    expect(analyzeCgroupPath('/system.slice/nginx.service').leaf).toBe('service');
    expect(analyzeCgroupPath('/user.slice').leaf).toBe('slice');
    // A unit-less child keeps the unit of its parent but is not itself a unit.
    expect(analyzeCgroupPath('/system.slice/foo.service/worker')).toMatchObject({
      leaf: 'other',
      attribution: { systemdUnit: 'foo.service' },
    });
  });

  it('does not mistake ids that are not 64 lowercase hex characters for containers', () => {
    expect(parseCgroupAttribution(`/system.slice/docker-${ID.slice(1)}.scope`)).toEqual({
      ...none,
      systemdUnit: `docker-${ID.slice(1)}.scope`,
    });
    expect(parseCgroupAttribution(`/system.slice/docker-${ID.toUpperCase()}.scope`).containerId).toBeNull();
    expect(parseCgroupAttribution(`/somewhere/${ID}`).containerId).toBeNull();
    expect(isContainerId(ID)).toBe(true);
    expect(isContainerId(`${ID.slice(0, 63)}g`)).toBe(false);
  });
});
