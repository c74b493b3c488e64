/**
 * Recording and replay: the recorder writes Snapshots to rotating segment files, the reader reads them
 * back in time order. The TUI and the commands use only what is exported here.
 */
export type { Compression, SegmentFile, SegmentListing, SegmentName } from './segments.js';
export {
  COMPRESSIONS,
  compareSegments,
  formatSegmentTime,
  listSegments,
  parseSegmentName,
  segmentFileName,
} from './segments.js';
export type { RecorderOptions, RecorderStats, RotatePolicy, WriteFunction } from './recorder.js';
export { ROTATE_POLICIES, Recorder, isDiskFullError } from './recorder.js';
export type { RetentionCandidate, RetentionPolicy } from './retention.js';
export { planRetention } from './retention.js';
export type { ReadRecordingOptions, RecordedSnapshot, RecordingIssue } from './reader.js';
export {
  firstRecordedSnapshot,
  lastRecordedSnapshot,
  readRecording,
  recordedSnapshotAt,
  recordingTimeRange,
} from './reader.js';
export type { ContentEncoding } from './compression.js';
export { compressSegment, openDecompressed, sniffEncoding } from './compression.js';
export type { LoadZstdOptions, ZstdBackendName, ZstdCodec } from './zstd.js';
export { hasNativeZstd, loadZstd, zstdFrameLength } from './zstd.js';
export type { TimeBound } from './time-bound.js';
export { parseTimeBound, resolveTimeBound } from './time-bound.js';
export type { ReplayTuiModule, ReplayTuiOptions, ReplayTuiRecording } from './replay-tui.js';
export { TUI_UNAVAILABLE, loadReplayTui } from './replay-tui.js';
