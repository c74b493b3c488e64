// Generates the Snapshot JSON Schema from the TypeScript types, so the two cannot drift apart.
import { fileURLToPath } from 'node:url';
import { createGenerator } from 'ts-json-schema-generator';

const protoDir = fileURLToPath(new URL('..', import.meta.url));

export const SNAPSHOT_SCHEMA_PATH = `${protoDir}schema/snapshot.schema.json`;

export function generateSnapshotSchema() {
  const generator = createGenerator({
    path: `${protoDir}src/snapshot.ts`,
    tsconfig: `${protoDir}tsconfig.json`,
    type: 'Snapshot',
    expose: 'export',
    topRef: true,
    jsDoc: 'extended',
    additionalProperties: true,
    skipTypeCheck: true,
  });
  const schema = generator.createSchema('Snapshot');
  schema.$id = 'https://sysray.dev/schema/snapshot-v1.json';
  schema.title = 'Sysray Snapshot (schema 1)';
  return `${JSON.stringify(schema, null, 2)}\n`;
}
