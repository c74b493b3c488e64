export type {
  DiffOptions,
  DiffSide,
  DiffUnit,
  DiskChange,
  FilesystemChange,
  InterfaceChange,
  IntervalRates,
  KeyMetricChange,
  PresenceStatus,
  ProcessChanges,
  ProcessCpuChange,
  ProcessRef,
  ProcessRssChange,
  SnapshotDiff,
  ValueChange,
} from './snapshot-diff.js';
export { diffSnapshots } from './snapshot-diff.js';
export type { RenderDiffOptions } from './render.js';
export { renderDiffText } from './render.js';
export type { DiffInput, LoadDiffInputOptions } from './load.js';
export { loadDiffInput } from './load.js';
