import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
// @ts-expect-error -- a plain ESM script without type declarations
import { SNAPSHOT_SCHEMA_PATH, generateSnapshotSchema } from '../scripts/snapshot-schema.js';
import { parseSnapshot, scrubText, SnapshotFormatError } from '@sysray/proto';

describe('Snapshot JSON Schema', () => {
  it('matches the TypeScript types (run `npm run gen` after changing proto/src/snapshot.ts)', () => {
    const committed = readFileSync(SNAPSHOT_SCHEMA_PATH as string, 'utf8');
    expect(committed).toBe((generateSnapshotSchema as () => string)());
  });
});

describe('parseSnapshot', () => {
  const minimal = { schema: 1, timestamp: 1_700_000_000_000, host: { name: 'h', id: 'abc' } };

  it('defaults every missing section to unsupported, never to zero', () => {
    const snapshot = parseSnapshot(minimal);
    expect(snapshot.sections.cpu).toMatchObject({
      status: 'unsupported',
      reason: 'absent from this snapshot',
    });
    expect(snapshot.sections.pressure.status).toBe('unsupported');
    expect(snapshot.host).toEqual({ name: 'h', id: 'abc' });
  });

  it('keeps known sections and ignores unknown fields', () => {
    const snapshot = parseSnapshot({
      ...minimal,
      futureField: { anything: true },
      sections: {
        pressure: { status: 'error', message: 'boom', collectedAt: 1, durationMs: 2 },
        tapeLibrary: { status: 'ok', data: {} },
      },
    });
    expect(snapshot.sections.pressure).toEqual({
      status: 'error',
      message: 'boom',
      collectedAt: 1,
      durationMs: 2,
    });
    expect(Object.keys(snapshot.sections)).not.toContain('tapeLibrary');
  });

  it('rejects another schema version and non-objects with the reason', () => {
    expect(() => parseSnapshot({ ...minimal, schema: 2 })).toThrow(/unsupported snapshot schema 2/);
    expect(() => parseSnapshot('x')).toThrow(SnapshotFormatError);
    expect(() => parseSnapshot({ schema: 1 })).toThrow(/timestamp/);
  });
});

describe('scrubText', () => {
  it('replaces control characters, including ESC and C1, with a visible mark', () => {
    expect(scrubText('a\u001b[2Jb\u0007c\u009bd\u007fe')).toBe('a?[2Jb?c?d?e');
  });

  it('bounds the length and marks the cut', () => {
    expect(scrubText('abcdefghij', 5)).toBe('abcd…');
    expect(scrubText('abc', 5)).toBe('abc');
  });
});
