// `npm run gen`: rewrites proto/schema/snapshot.schema.json from proto/src/snapshot.ts.
import { writeFileSync } from 'node:fs';
import { SNAPSHOT_SCHEMA_PATH, generateSnapshotSchema } from './snapshot-schema.js';

writeFileSync(SNAPSHOT_SCHEMA_PATH, generateSnapshotSchema());
console.log(`wrote ${SNAPSHOT_SCHEMA_PATH}`);
