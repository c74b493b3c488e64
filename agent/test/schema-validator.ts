import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';

let validate: ValidateFunction | undefined;

/** Validates a value against proto/schema/snapshot.schema.json; returns the errors as text, or null. */
export function snapshotSchemaErrors(value: unknown): string | null {
  if (!validate) {
    const schemaPath = fileURLToPath(new URL('../../proto/schema/snapshot.schema.json', import.meta.url));
    const ajv = new Ajv({ allErrors: true, strict: false });
    validate = ajv.compile(JSON.parse(readFileSync(schemaPath, 'utf8')) as object);
  }
  return validate(value) ? null : describeAjvErrors(validate);
}

function describeAjvErrors(fn: ValidateFunction): string {
  return (fn.errors ?? [])
    .slice(0, 10)
    .map((e) => `${e.instancePath} ${e.message ?? ''}`)
    .join('\n');
}
