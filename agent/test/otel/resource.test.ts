import { describe, expect, it } from 'vitest';
import {
  DEFAULT_SERVICE_NAME,
  ResourceAttributesError,
  buildResource,
  detectedResourceAttributes,
  kubernetesAttributes,
  parseResourceAttributesEnv,
  resourceAttributes,
} from '../../src/otel/resource.js';
import { failedSection, sampleSnapshot } from './sample-snapshot.js';

const HOST_ID = '4c4c4544004b3510804bb2c04f503232';
const base = { serviceVersion: '1.2.3', fallbackInstanceId: () => 'generated-uuid' };

describe('parseResourceAttributesEnv', () => {
  it('parses comma-separated key=value pairs, trimming and percent-decoding', () => {
    expect(
      parseResourceAttributesEnv(
        ' deployment.environment.name = prod ,team=sre%20core,note=a%2Cb%3Dc,empty=,,region=eu-west-1,',
      ),
    ).toEqual({
      'deployment.environment.name': 'prod',
      team: 'sre core',
      note: 'a,b=c',
      empty: '',
      region: 'eu-west-1',
    });
    expect(parseResourceAttributesEnv('')).toEqual({});
    // The last of a repeated key wins.
    expect(parseResourceAttributesEnv('a=1,a=2')).toEqual({ a: '2' });
  });

  it('rejects the whole value, listing every invalid entry and why', () => {
    let error: unknown;
    try {
      parseResourceAttributesEnv('good=1,novalue,=orphan,bad=%E0%A4%A,two=a=b');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ResourceAttributesError);
    const invalid = (error as ResourceAttributesError).invalid;
    expect(invalid).toEqual([
      { entry: 'novalue', reason: "missing '='" },
      { entry: '=orphan', reason: 'empty key' },
      { entry: 'bad=%E0%A4%A', reason: 'invalid percent-encoding' },
      { entry: 'two=a=b', reason: "more than one '=' (percent-encode it as %3D)" },
    ]);
    expect((error as Error).message).toContain('"novalue" (missing \'=\')');
    expect((error as Error).message).toContain('"two=a=b"');
    expect((error as Error).message).not.toContain('good=1');
  });

  it('rejects keys and values over 255 characters', () => {
    expect(() => parseResourceAttributesEnv(`k=${'x'.repeat(256)}`)).toThrow(/longer than 255/);
    expect(parseResourceAttributesEnv(`k=${'x'.repeat(255)}`).k).toHaveLength(255);
  });
});

describe('kubernetesAttributes', () => {
  it('reads the downward-API variables, preferring the SYSRAY_ names and ignoring empty ones', () => {
    expect(
      kubernetesAttributes({
        K8S_NODE_NAME: 'k8s-node-1',
        K8S_POD_NAME: 'sysray-agent-x7k2p',
        SYSRAY_K8S_POD_NAME: 'sysray-agent-abcde',
        K8S_POD_UID: '1d2e3f40-aaaa-bbbb-cccc-000000000001',
        SYSRAY_K8S_NAMESPACE: 'monitoring',
        K8S_CONTAINER_NAME: '',
      }),
    ).toEqual({
      'k8s.node.name': 'k8s-node-1',
      'k8s.pod.name': 'sysray-agent-abcde',
      'k8s.pod.uid': '1d2e3f40-aaaa-bbbb-cccc-000000000001',
      'k8s.namespace.name': 'monitoring',
    });
    expect(kubernetesAttributes({})).toEqual({});
  });
});

describe('resourceAttributes', () => {
  it('detects host, OS and service from the system section', () => {
    expect(resourceAttributes(sampleSnapshot(), { ...base, env: {} })).toEqual({
      'host.name': 'k8s-node-1',
      'host.id': HOST_ID,
      'host.arch': 'amd64',
      'os.type': 'linux',
      'os.name': 'Ubuntu',
      'os.version': '24.04',
      'os.description': 'Ubuntu 24.04.1 LTS (Linux 6.8.0-45-generic)',
      'service.name': DEFAULT_SERVICE_NAME,
      'service.version': '1.2.3',
      'service.instance.id': HOST_ID,
    });
  });

  it('lets OTEL_RESOURCE_ATTRIBUTES override detected values, and OTEL_SERVICE_NAME override both', () => {
    const env = {
      OTEL_RESOURCE_ATTRIBUTES:
        'host.name=edge-7,service.name=from-attributes,deployment.environment.name=prod',
      K8S_NODE_NAME: 'k8s-node-1',
    };
    const attributes = resourceAttributes(sampleSnapshot(), { ...base, env });
    expect(attributes['host.name']).toBe('edge-7');
    expect(attributes['service.name']).toBe('from-attributes');
    expect(attributes['deployment.environment.name']).toBe('prod');
    expect(attributes['k8s.node.name']).toBe('k8s-node-1');
    expect(
      resourceAttributes(sampleSnapshot(), { ...base, env: { ...env, OTEL_SERVICE_NAME: 'edge-agent' } })[
        'service.name'
      ],
    ).toBe('edge-agent');
    // Explicit configuration also wins over the downward API.
    const k8s = resourceAttributes(sampleSnapshot(), {
      ...base,
      env: { K8S_NODE_NAME: 'detected', OTEL_RESOURCE_ATTRIBUTES: 'k8s.node.name=configured' },
    });
    expect(k8s['k8s.node.name']).toBe('configured');
  });

  it('throws on a malformed OTEL_RESOURCE_ATTRIBUTES', () => {
    expect(() =>
      resourceAttributes(sampleSnapshot(), { ...base, env: { OTEL_RESOURCE_ATTRIBUTES: 'team=sre,broken' } }),
    ).toThrow(ResourceAttributesError);
  });

  it('falls back to the top-level identity when the system section failed, and to a generated instance id', () => {
    const attributes = detectedResourceAttributes(sampleSnapshot({ system: failedSection('system') }), {
      ...base,
      env: {},
    });
    expect(attributes['host.name']).toBe('k8s-node-1');
    expect(attributes['host.id']).toBe(HOST_ID);
    expect(attributes['os.type']).toBeUndefined();

    const noId = detectedResourceAttributes(undefined, { ...base, env: {} });
    expect(noId['host.name']).toBeUndefined();
    expect(noId['service.instance.id']).toBe('generated-uuid');
    expect(noId['service.name']).toBe('sysray-agent');
  });

  it('uses a random UUID as instance id by default when the host has none', () => {
    const attributes = detectedResourceAttributes(undefined, { serviceVersion: '1.2.3', env: {} });
    expect(attributes['service.instance.id']).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });
});

describe('buildResource', () => {
  it('merges the SDK defaults under the agent attributes', () => {
    const resource = buildResource(sampleSnapshot(), { ...base, env: { OTEL_SERVICE_NAME: 'node-agent' } });
    expect(resource.attributes['telemetry.sdk.language']).toBe('nodejs');
    expect(resource.attributes['telemetry.sdk.name']).toBe('opentelemetry');
    expect(resource.attributes['service.name']).toBe('node-agent');
    expect(resource.attributes['host.id']).toBe(HOST_ID);
  });
});
