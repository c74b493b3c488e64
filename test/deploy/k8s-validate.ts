import * as appsV1 from 'kubernetes-models/apps/v1';
import * as networkingV1 from 'kubernetes-models/networking.k8s.io/v1';
import * as policyV1 from 'kubernetes-models/policy/v1';
import * as rbacV1 from 'kubernetes-models/rbac.authorization.k8s.io/v1';
import * as coreV1 from 'kubernetes-models/v1';
import { parseAllDocuments } from 'yaml';

/** A Kubernetes object as parsed from YAML. */
export interface KubeObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: {
    readonly name: string;
    readonly namespace?: string;
    readonly labels?: Record<string, string>;
  };
  readonly [key: string]: unknown;
}

interface Validatable {
  validate(): void;
}
type ModelClass = new (data: never) => Validatable;

const GROUPS: Readonly<Record<string, Readonly<Record<string, unknown>>>> = {
  v1: coreV1,
  'apps/v1': appsV1,
  'rbac.authorization.k8s.io/v1': rbacV1,
  'networking.k8s.io/v1': networkingV1,
  'policy/v1': policyV1,
};

/**
 * The kubernetes-models class of an object, by apiVersion and kind (its JSON Schema, generated from the
 * Kubernetes OpenAPI definitions); throws for a kind these deploy files should not contain.
 */
export function modelFor(apiVersion: string, kind: string): ModelClass {
  const model = GROUPS[apiVersion]?.[kind];
  if (typeof model !== 'function') throw new Error(`no Kubernetes schema for ${apiVersion} ${kind}`);
  return model as ModelClass;
}

/** Validates one object against its Kubernetes schema; throws with the schema's error. */
export function validateObject(object: KubeObject): void {
  const Model = modelFor(object.apiVersion, object.kind);
  try {
    new Model(object as never).validate();
  } catch (error) {
    throw new Error(
      `${object.kind} ${object.metadata?.name}: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
}

/** Every document of a YAML stream; throws on a syntax error, naming the source. */
export function parseYamlDocuments(text: string, source: string): KubeObject[] {
  const objects: KubeObject[] = [];
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length > 0) throw new Error(`${source}: ${doc.errors.map((e) => e.message).join('; ')}`);
    const value = doc.toJS() as KubeObject | null;
    if (value !== null) objects.push(value);
  }
  return objects;
}

/** `Kind/name` → object, for assertions on one object. */
export function byKindName(objects: readonly KubeObject[]): Map<string, KubeObject> {
  return new Map(objects.map((o) => [`${o.kind}/${o.metadata.name}`, o]));
}
