import { useApp, useInput, useStdout } from 'ink';
import { useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import type { Snapshot } from '@sysray/proto';
import type { ExplainSource } from '../explain.js';
import { reduceKey, splitKeys, type KeyEffect } from '../keymap.js';
import type { TuiModel } from '../model.js';
import { initialUiState, type UiState } from '../state.js';
import { THEMES } from '../themes.js';
import type { ChromeInfo } from '../view/chrome.js';
import type { ExplainView, ViewContext } from '../view/context.js';
import { listSize, screenLines, selectedProcess } from '../view/index.js';
import { seg, wrapText, type Line } from '../view/line.js';
import { ansiScreen, colorDepthOf } from '../ansi.js';
import { Screen } from './Screen.js';

/** What the keys `S`, `R` and pausing ask of whoever runs the TUI (file writes stay out of the view). */
export interface TuiActions {
  /** Writes the Snapshot shown; resolves to the message to show (the file written). */
  save(snapshot: Snapshot): Promise<string>;
  /** Starts or stops recording; resolves to whether it now records and the message to show. */
  toggleRecording(): Promise<{ readonly recording: boolean; readonly message: string }>;
  /** The view was paused (or scrubbed back) or resumed: a replay holds its playback meanwhile. */
  setPaused?(paused: boolean): void;
}

export interface AppProps {
  readonly model: TuiModel;
  readonly mode: 'live' | 'replay';
  readonly intervalMs?: number;
  readonly speed?: number;
  readonly actions: TuiActions;
  readonly explain?: ExplainSource | null;
  readonly initialState?: Partial<UiState>;
  /** Shown until the first sample arrives. */
  readonly waitingText?: string;
}

/** Smallest terminal the views are laid out for. */
export const MIN_COLUMNS = 60;
export const MIN_ROWS = 12;

/** Messages disappear after this long, milliseconds. */
const MESSAGE_MS = 6000;

function useTerminalSize(): { columns: number; rows: number } {
  const { stdout } = useStdout();
  const read = (): { columns: number; rows: number } => ({
    columns: stdout.columns > 0 ? stdout.columns : 80,
    rows: stdout.rows > 0 ? stdout.rows : 24,
  });
  const [size, setSize] = useState(read);
  useEffect(() => {
    const onResize = (): void => setSize(read());
    stdout.on('resize', onResize);
    return () => {
      stdout.off('resize', onResize);
    };
  }, [stdout]);
  return size;
}

function explainView(source: ExplainSource | null | undefined, state: UiState, width: number): ExplainView {
  if (!source) return { available: false, results: [], detail: [] };
  const query = state.helpQuery.trim();
  if (state.input !== 'help' || query === '') return { available: true, results: [], detail: [] };
  const results = source.search(query, 50);
  const chosen = results[Math.min(state.helpSelected, results.length - 1)];
  const detail = chosen ? source.detail(chosen.id).flatMap((p) => wrapText(p, width)) : [];
  return { available: true, results, detail };
}

/** The TUI: the model's samples through the views, keys through {@link reduceKey}. */
export function App(props: AppProps) {
  const { model, actions } = props;
  const version = useSyncExternalStore(model.subscribe, model.getVersion);
  const { columns, rows } = useTerminalSize();
  const { stdout } = useStdout();
  const [state, setState] = useState<UiState>(() => initialUiState(props.initialState));
  const [recording, setRecording] = useState(false);
  const { exit } = useApp();

  const frame = model.frameAt(state.pinned);
  const theme = THEMES[state.theme] ?? THEMES[0]!;
  const explain = useMemo(() => explainView(props.explain, state, columns), [props.explain, state, columns]);
  const context: Omit<ViewContext, 'height'> | null = frame
    ? { model, frame, state, theme, width: columns, explain }
    : null;

  // Keys read the latest render's context (rows in the list, the selected process) through a ref.
  const contextRef = useRef(context);
  contextRef.current = context;
  const stateRef = useRef(state);
  stateRef.current = state;

  // The local rules are costly: they run only while their tab is open.
  const insightsOpen = state.tab === 'insights';
  useEffect(() => model.setInsightsActive(insightsOpen), [model, insightsOpen]);

  const paused = state.pinned !== null;
  useEffect(() => actions.setPaused?.(paused), [actions, paused]);

  useEffect(() => {
    if (!state.message) return;
    const message = state.message;
    const timer = setTimeout(
      () => setState((s) => (s.message === message ? { ...s, message: null } : s)),
      MESSAGE_MS,
    );
    return () => clearTimeout(timer);
  }, [state.message]);

  const notice = model.notice;
  useEffect(() => {
    if (notice) setState((s) => ({ ...s, message: { text: notice.text, kind: notice.kind } }));
  }, [notice]);

  const show = (text: string, kind: 'info' | 'error'): void =>
    setState((s) => ({ ...s, message: { text, kind } }));

  const runEffect = (effect: KeyEffect): void => {
    if (effect === 'quit') {
      exit();
      return;
    }
    if (effect === 'save') {
      const shown = contextRef.current?.frame.snapshot;
      if (!shown) {
        show('nothing to save yet', 'error');
        return;
      }
      actions.save(shown).then(
        (message) => show(message, 'info'),
        (error: unknown) => show(`save failed: ${(error as Error).message}`, 'error'),
      );
      return;
    }
    actions.toggleRecording().then(
      (result) => {
        setRecording(result.recording);
        show(result.message, 'info');
      },
      (error: unknown) => show(`recording failed: ${(error as Error).message}`, 'error'),
    );
  };

  useInput((input, key) => {
    const ctx = contextRef.current;
    const full = ctx ? { ...ctx, height: Math.max(1, rows - 4) } : null;
    let next = stateRef.current;
    for (const [one, oneKey] of splitKeys(input, key)) {
      // The list size depends on the state (tab, filter), so it is measured before each key.
      const measured = full ? { ...full, state: next } : null;
      const result = reduceKey(next, one, oneKey, {
        latestSeq: model.latestSeq,
        oldestSeq: model.oldestSeq,
        rowCount: measured ? listSize(measured) : 0,
        pageSize: Math.max(1, rows - 8),
        selectedProcess: measured ? selectedProcess(measured) : null,
        helpResults: ctx?.explain?.results.length ?? 0,
      });
      next = result.state;
      if (result.effect) runEffect(result.effect);
      if (result.effect === 'quit') break;
    }
    if (next !== stateRef.current) {
      stateRef.current = next;
      setState(next);
    }
  });

  const info: ChromeInfo = {
    mode: props.mode,
    recording,
    ...(props.intervalMs === undefined ? {} : { intervalMs: props.intervalMs }),
    ...(props.speed === undefined ? {} : { speed: props.speed }),
  };

  const lines: readonly Line[] = useMemo(() => {
    if (columns < MIN_COLUMNS || rows < MIN_ROWS) {
      return [
        [
          seg(
            `terminal ${columns}×${rows} is too small: sysray needs ${MIN_COLUMNS}×${MIN_ROWS} (q quits)`,
            theme.warn,
          ),
        ],
      ];
    }
    if (!context) return [[seg(props.waitingText ?? 'sysray: collecting the first sample…', theme.dim)]];
    return screenLines(context, rows, info);
    // `version` changes on every sample: the model itself is mutable, so it stands in for the frame.
  }, [version, state, columns, rows, recording, explain, theme]);

  const depth = colorDepthOf(stdout as { getColorDepth?: () => number });
  const text = useMemo(() => ansiScreen(lines, depth, theme.text), [lines, depth, theme.text]);
  return <Screen text={text} width={columns} height={Math.max(1, rows - 1)} />;
}
