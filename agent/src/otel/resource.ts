import { randomUUID } from 'node:crypto';
import { defaultResource, resourceFromAttributes, type Resource } from '@opentelemetry/resources';
import { sectionData, type Snapshot } from '@sysray/proto';

/** `service.name` unless OTEL_SERVICE_NAME or OTEL_RESOURCE_ATTRIBUTES say otherwise. */
export const DEFAULT_SERVICE_NAME = 'sysray-agent';

/** An environment to read: `process.env` in the agent, a plain object in tests. */
export type ResourceEnv = Readonly<Record<string, string | undefined>>;

/** Resource attribute values as the agent sets them: strings only (the spec makes env values strings too). */
export type ResourceAttributeMap = Readonly<Record<string, string>>;

/**
 * Kubernetes downward-API variables, each under its plain name and a `SYSRAY_`-prefixed one. The
 * DaemonSet manifest sets them from `spec.nodeName`, `metadata.name`, `metadata.uid` and
 * `metadata.namespace`; the container name has no downward-API field, so the manifest sets it literally.
 * The `SYSRAY_` name wins when both are set (it cannot collide with another tool's variable).
 */
export const KUBERNETES_ENV: readonly { readonly attribute: string; readonly names: readonly string[] }[] = [
  { attribute: 'k8s.node.name', names: ['SYSRAY_K8S_NODE_NAME', 'K8S_NODE_NAME'] },
  { attribute: 'k8s.pod.name', names: ['SYSRAY_K8S_POD_NAME', 'K8S_POD_NAME'] },
  { attribute: 'k8s.pod.uid', names: ['SYSRAY_K8S_POD_UID', 'K8S_POD_UID'] },
  { attribute: 'k8s.namespace.name', names: ['SYSRAY_K8S_NAMESPACE', 'K8S_NAMESPACE'] },
  { attribute: 'k8s.container.name', names: ['SYSRAY_K8S_CONTAINER_NAME', 'K8S_CONTAINER_NAME'] },
];

/** Longest OTEL_RESOURCE_ATTRIBUTES key or value accepted, as the OpenTelemetry JS env detector limits it. */
const MAX_ENV_ATTRIBUTE_LENGTH = 255;

export interface InvalidResourceEntry {
  readonly entry: string;
  readonly reason: string;
}

/** OTEL_RESOURCE_ATTRIBUTES holds entries that are not `key=value` with percent-encoding; all are listed. */
export class ResourceAttributesError extends Error {
  constructor(readonly invalid: readonly InvalidResourceEntry[]) {
    super(
      `OTEL_RESOURCE_ATTRIBUTES has invalid entries (expected comma-separated key=value, with ',' '=' and '%' percent-encoded): ${invalid
        .map(({ entry, reason }) => `${JSON.stringify(entry)} (${reason})`)
        .join(', ')}`,
    );
    this.name = 'ResourceAttributesError';
  }
}

function decode(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}

/**
 * Parses OTEL_RESOURCE_ATTRIBUTES per the OpenTelemetry resource SDK specification: a comma-separated
 * list of `key=value` (W3C Baggage format without properties), whitespace around keys and values
 * trimmed, both percent-decoded, `,` and `=` inside them percent-encoded. Empty entries (`a=1,,b=2`) are
 * skipped. The specification says to discard the whole value on any error; this throws a
 * `ResourceAttributesError` naming every invalid entry so the operator can fix them at once.
 */
export function parseResourceAttributesEnv(text: string): ResourceAttributeMap {
  const attributes: Record<string, string> = {};
  const invalid: InvalidResourceEntry[] = [];
  for (const raw of text.split(',')) {
    const entry = raw.trim();
    if (entry === '') continue;
    const parts = entry.split('=');
    if (parts.length !== 2) {
      invalid.push({
        entry,
        reason: parts.length < 2 ? "missing '='" : "more than one '=' (percent-encode it as %3D)",
      });
      continue;
    }
    const rawKey = (parts[0] ?? '').trim();
    const rawValue = (parts[1] ?? '').trim();
    if (rawKey === '') {
      invalid.push({ entry, reason: 'empty key' });
      continue;
    }
    const key = decode(rawKey);
    const value = decode(rawValue);
    if (key === undefined || value === undefined) {
      invalid.push({ entry, reason: 'invalid percent-encoding' });
      continue;
    }
    if (key.length > MAX_ENV_ATTRIBUTE_LENGTH || value.length > MAX_ENV_ATTRIBUTE_LENGTH) {
      invalid.push({ entry, reason: `key or value longer than ${MAX_ENV_ATTRIBUTE_LENGTH} characters` });
      continue;
    }
    attributes[key] = value;
  }
  if (invalid.length > 0) throw new ResourceAttributesError(invalid);
  return attributes;
}

/** `k8s.*` attributes from the downward-API variables that are set and non-empty. */
export function kubernetesAttributes(env: ResourceEnv): ResourceAttributeMap {
  const attributes: Record<string, string> = {};
  for (const { attribute, names } of KUBERNETES_ENV) {
    for (const name of names) {
      const value = env[name]?.trim();
      if (value) {
        attributes[attribute] = value;
        break;
      }
    }
  }
  return attributes;
}

/** Node's `process.platform` naming to the `os.type` registry values. */
function osType(platform: string): string {
  switch (platform) {
    case 'win32':
      return 'windows';
    case 'sunos':
      return 'solaris';
    default:
      return platform;
  }
}

export interface ResourceOptions {
  /** `service.version`: the agent's version. */
  readonly serviceVersion: string;
  /** Where OTEL_* and K8S_* variables are read; `process.env` by default. */
  readonly env?: ResourceEnv;
  /**
   * `service.instance.id` for a host without a machine-id. Defaults to a random UUID, which is stable for
   * the life of the agent process; pass a persisted id to keep it across restarts.
   */
  readonly fallbackInstanceId?: () => string;
}

/**
 * What the agent detects about itself and the host, before OTEL_RESOURCE_ATTRIBUTES: host and OS from the
 * Snapshot's system section (or its top-level identity when that section is not ok), the service, and
 * Kubernetes from the downward API.
 */
export function detectedResourceAttributes(
  snapshot: Snapshot | undefined,
  options: ResourceOptions,
): ResourceAttributeMap {
  const env = options.env ?? process.env;
  const system = sectionData(snapshot?.sections.system);
  const attributes: Record<string, string> = {};
  const hostName = system?.hostname ?? snapshot?.host.name;
  const hostId = system?.hostId ?? snapshot?.host.id ?? null;
  if (hostName) attributes['host.name'] = hostName;
  if (hostId) attributes['host.id'] = hostId;
  if (system !== undefined) {
    attributes['host.arch'] = system.arch;
    attributes['os.type'] = osType(system.osType);
    if (system.os.name) attributes['os.name'] = system.os.name;
    if (system.os.versionId) attributes['os.version'] = system.os.versionId;
    // The distribution and the kernel, e.g. "Ubuntu 24.04.1 LTS (Linux 6.8.0-45-generic)".
    const kernel = system.kernelRelease ? `Linux ${system.kernelRelease}` : null;
    const description =
      system.os.prettyName && kernel
        ? `${system.os.prettyName} (${kernel})`
        : (system.os.prettyName ?? kernel);
    if (description) attributes['os.description'] = description;
  }
  attributes['service.name'] = DEFAULT_SERVICE_NAME;
  attributes['service.version'] = options.serviceVersion;
  // Stable per host: the machine-id, so a restarted agent keeps its identity.
  attributes['service.instance.id'] = hostId ?? (options.fallbackInstanceId ?? randomUUID)();
  return { ...attributes, ...kubernetesAttributes(env) };
}

/**
 * The resource attributes the agent exports. Precedence, lowest first: detected values, then
 * OTEL_RESOURCE_ATTRIBUTES (explicit configuration wins over detection), then OTEL_SERVICE_NAME for
 * `service.name` only, as the OpenTelemetry SDK environment variable specification orders them.
 * Throws `ResourceAttributesError` when OTEL_RESOURCE_ATTRIBUTES is malformed.
 */
export function resourceAttributes(
  snapshot: Snapshot | undefined,
  options: ResourceOptions,
): ResourceAttributeMap {
  const env = options.env ?? process.env;
  const explicit = env.OTEL_RESOURCE_ATTRIBUTES
    ? parseResourceAttributesEnv(env.OTEL_RESOURCE_ATTRIBUTES)
    : {};
  const attributes: Record<string, string> = {
    ...detectedResourceAttributes(snapshot, options),
    ...explicit,
  };
  const serviceName = env.OTEL_SERVICE_NAME?.trim();
  if (serviceName) attributes['service.name'] = serviceName;
  return attributes;
}

/**
 * The Resource for the MeterProvider: the SDK defaults (`telemetry.sdk.*`) merged under the agent's
 * attributes. Build it once the first Snapshot is in, so host and OS are known.
 */
export function buildResource(snapshot: Snapshot | undefined, options: ResourceOptions): Resource {
  return defaultResource().merge(resourceFromAttributes(resourceAttributes(snapshot, options)));
}
