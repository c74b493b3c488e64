import { readFile, stat } from 'node:fs/promises';
import { parseSnapshot, type Snapshot } from '@sysray/proto';
import { sniffEncoding } from '../record/compression.js';
import {
  firstRecordedSnapshot,
  lastRecordedSnapshot,
  recordedSnapshotAt,
  type RecordingIssue,
} from '../record/reader.js';
import { createRedactor, redactSnapshot } from '../redact.js';

/** One side of a diff: the snapshot and a description of where it came from (`file` or `file:line`). */
export interface DiffInput {
  readonly snapshot: Snapshot;
  readonly source: string;
  /** Whether it was picked from a recording (rather than a file holding one snapshot). */
  readonly fromRecording: boolean;
}

export interface LoadDiffInputOptions {
  /** Which snapshot of a recording to take when `atMs` is not given. */
  readonly which: 'first' | 'last';
  /** Take the last snapshot at or before this time, epoch milliseconds (recordings only). */
  readonly atMs?: number;
  readonly onIssue?: (issue: RecordingIssue) => void;
}

/** Larger plain files are taken for recordings without trying to parse them as one document. */
const SINGLE_SNAPSHOT_MAX_BYTES = 64 * 1024 * 1024;

/**
 * Whether a path holds one Snapshot (`sysray snapshot` output, pretty or compact) or a recording (a
 * directory, a compressed segment, or JSON lines): returns the parsed snapshot for the former.
 */
async function singleSnapshot(target: string): Promise<Snapshot | null> {
  let bytes: Buffer;
  try {
    const info = await stat(target);
    if (info.isDirectory() || info.size > SINGLE_SNAPSHOT_MAX_BYTES || /\.jsonl$/.test(target)) return null;
    bytes = await readFile(target);
  } catch (error) {
    throw new Error(`cannot read ${target}: ${(error as Error).message}`);
  }
  if (sniffEncoding(bytes.subarray(0, 4)) !== 'plain') return null;
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch {
    // Several JSON documents, one per line: a recording.
    return null;
  }
  try {
    return parseSnapshot(value);
  } catch (error) {
    throw new Error(`${target} is not a Sysray snapshot: ${(error as Error).message}`);
  }
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** Loads one side of a diff, redacted (command lines are printed). Throws with the path on failure. */
export async function loadDiffInput(target: string, options: LoadDiffInputOptions): Promise<DiffInput> {
  const single = await singleSnapshot(target);
  const redactor = createRedactor();
  if (single) {
    if (options.atMs !== undefined)
      throw new Error(`--at picks a snapshot in a recording; ${target} holds one snapshot`);
    return { snapshot: redactSnapshot(single, redactor), source: target, fromRecording: false };
  }
  const readOptions = options.onIssue ? { onIssue: options.onIssue } : {};
  const picked =
    options.atMs !== undefined
      ? await recordedSnapshotAt(target, options.atMs, readOptions)
      : options.which === 'first'
        ? await firstRecordedSnapshot(target, readOptions)
        : await lastRecordedSnapshot(target, readOptions);
  if (!picked) {
    if (options.atMs === undefined) throw new Error(`no snapshot in ${target}`);
    const first = await firstRecordedSnapshot(target);
    throw new Error(
      `no snapshot at or before ${iso(options.atMs)} in ${target}${first ? ` (it starts at ${iso(first.snapshot.timestamp)})` : ''}`,
    );
  }
  return {
    snapshot: redactSnapshot(picked.snapshot, redactor),
    source: `${picked.file}:${picked.line}`,
    fromRecording: true,
  };
}
