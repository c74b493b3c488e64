import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseSnapshot, type Snapshot } from '@sysray/proto';
import { render } from 'ink-testing-library';
import { createElement } from 'react';
import { App, type AppProps, type TuiActions } from '../../src/tui/components/App.js';
import { TuiModel } from '../../src/tui/model.js';
import { prepareSnapshot } from '../../src/tui/sanitize.js';
import { createRedactor } from '../../src/redact.js';
import { textWidth } from '../../src/tui/view/line.js';

export const GOLDEN_NAMES = ['v2-containers', 'hybrid-v1v2', 'no-psi', 'nvme-dm-md'] as const;

export function goldenPath(name: string): string {
  return fileURLToPath(new URL(`../golden/${name}.json`, import.meta.url));
}

export function fixtureRoot(name: string): string {
  return fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));
}

export function tuiFixture(name: string): string {
  return fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
}

export function loadSnapshot(file: string): Snapshot {
  return parseSnapshot(JSON.parse(readFileSync(file, 'utf8')));
}

export function loadGolden(name: string): Snapshot {
  return loadSnapshot(goldenPath(name));
}

/** Untyped JSON, for tests that edit Snapshots in place. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Loose = any;

/** A deep copy with `edit` applied to a mutable clone (tests build later samples from a golden one). */
export function edited(snapshot: Snapshot, edit: (s: Loose) => void): Snapshot {
  const copy = structuredClone(snapshot) as Loose;
  edit(copy);
  return copy as unknown as Snapshot;
}

/** A model fed `snapshots` in order, redacted and scrubbed the way the TUI does. */
export function modelOf(snapshots: readonly Snapshot[], model = new TuiModel()): TuiModel {
  const redactor = createRedactor();
  for (const s of snapshots) model.ingest(prepareSnapshot(s, redactor));
  return model;
}

export const noActions: TuiActions = {
  save: async () => 'saved',
  toggleRecording: async () => ({ recording: false, message: 'not recording' }),
};

export interface RenderedTui {
  /** The last frame as text: SGR styling (bold, inverse where there is no colour) removed. */
  readonly frame: () => string;
  /** The last frame exactly as ink wrote it. */
  readonly rawFrame: () => string;
  readonly press: (keys: string) => Promise<void>;
  readonly resize: (columns: number, rows: number) => Promise<void>;
  readonly unmount: () => void;
  readonly frames: string[];
}

/** Lets ink and React flush (input handlers, effects, a resize re-render). */
export async function settle(ms = 30): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, ms));
}

/** Key sequences as a terminal sends them. */
export const KEYS = {
  left: '\u001b[D',
  right: '\u001b[C',
  up: '\u001b[A',
  down: '\u001b[B',
  end: '\u001b[F',
  enter: '\r',
  escape: '\u001b',
  tab: '\t',
  shiftTab: '\u001b[Z',
  backspace: '\u007f',
} as const;

/**
 * Renders the App with ink-testing-library at `columns`×`rows`: the fake stdout's size is set and a
 * `resize` emitted, exactly what a terminal resize does.
 */
export async function renderTui(
  props: Partial<AppProps> & { model: TuiModel },
  size: { columns: number; rows: number } = { columns: 100, rows: 30 },
): Promise<RenderedTui> {
  const instance = render(createElement(App, { mode: 'live', actions: noActions, ...props }));
  const resize = async (columns: number, rows: number): Promise<void> => {
    Object.defineProperty(instance.stdout, 'columns', { configurable: true, get: () => columns });
    Object.defineProperty(instance.stdout, 'rows', { configurable: true, get: () => rows });
    const before = instance.frames.length;
    instance.stdout.emit('resize');
    for (let waited = 0; waited < 1000 && instance.frames.length === before; waited += 10) await settle(10);
    await settle(10);
  };
  await resize(size.columns, size.rows);
  return {
    frame: () => stripSgr(instance.lastFrame() ?? ''),
    rawFrame: () => instance.lastFrame() ?? '',
    press: async (keys: string) => {
      // Wait for the frame the key causes (a loaded machine can take a while); a key that changes
      // nothing renders nothing, so the wait is bounded.
      const before = instance.frames.length;
      instance.stdin.write(keys);
      for (let waited = 0; waited < 1000 && instance.frames.length === before; waited += 10) await settle(10);
      await settle(10);
    },
    resize,
    unmount: () => instance.unmount(),
    frames: instance.frames,
  };
}

/** Text without SGR (colour and style) sequences: what the user reads. */
export function stripSgr(text: string): string {
  return text.replace(/\u001b\[[0-9;]*m/g, '');
}

/** Printable width of each line of a frame (SGR sequences removed). */
export function lineWidths(frame: string): number[] {
  return frame.split('\n').map((l) => textWidth(stripSgr(l)));
}
