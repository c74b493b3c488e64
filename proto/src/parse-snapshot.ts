import { sectionUnsupported } from './section.js';
import type { Section, SectionName, Sections, Snapshot } from './snapshot.js';
import { SECTION_NAMES, SNAPSHOT_SCHEMA_VERSION } from './snapshot.js';

export class SnapshotFormatError extends Error {
  override readonly name = 'SnapshotFormatError';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const MISSING = { collectedAt: 0, durationMs: 0 };

/**
 * Reads a Snapshot written by any version of this schema: unknown fields are kept but ignored, missing
 * sections become `unsupported` ("absent from this snapshot") so absence never reads as zero.
 * A newer incompatible schema or a value that is not a snapshot is rejected with the reason.
 */
export function parseSnapshot(value: unknown): Snapshot {
  if (!isRecord(value)) throw new SnapshotFormatError('snapshot must be a JSON object');
  if (value.schema !== SNAPSHOT_SCHEMA_VERSION) {
    throw new SnapshotFormatError(
      `unsupported snapshot schema ${JSON.stringify(value.schema)} (this build reads schema ${SNAPSHOT_SCHEMA_VERSION})`,
    );
  }
  if (typeof value.timestamp !== 'number')
    throw new SnapshotFormatError('snapshot.timestamp must be a number');
  const rawSections = isRecord(value.sections) ? value.sections : {};
  const sections: Partial<Record<SectionName, Section<unknown>>> = {};
  for (const name of SECTION_NAMES) {
    const raw = rawSections[name];
    if (isRecord(raw) && (raw.status === 'ok' || raw.status === 'unsupported' || raw.status === 'error')) {
      sections[name] = raw as unknown as Section<unknown>;
    } else {
      sections[name] = sectionUnsupported('absent from this snapshot', MISSING);
    }
  }
  const host = isRecord(value.host) ? value.host : {};
  const agent = isRecord(value.agent) ? value.agent : {};
  return {
    schema: SNAPSHOT_SCHEMA_VERSION,
    timestamp: value.timestamp,
    agent: { name: 'sysray', version: typeof agent.version === 'string' ? agent.version : 'unknown' },
    host: {
      name: typeof host.name === 'string' ? host.name : 'unknown',
      id: typeof host.id === 'string' ? host.id : null,
    },
    sections: sections as Sections,
  };
}
