import { html } from 'htm/preact';
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { byUnit } from './format.js';

/** One line of a chart: a label and [timestamp ms, value] points. */
export interface Line {
  readonly label: string;
  readonly points: readonly (readonly [number, number])[];
}

const PALETTE = ['#4e9af1', '#f1a24e', '#5cc98a', '#e0607e', '#b38ef0', '#e6d45c', '#5cd0d6', '#a0a0a0'];

/** Lines on one shared x axis (seconds, as uPlot wants), null where a line has no point at a time. */
export function align(lines: readonly Line[]): uPlot.AlignedData {
  const times = new Set<number>();
  for (const line of lines) for (const [t] of line.points) times.add(t);
  const xs = [...times].sort((a, b) => a - b);
  const index = new Map(xs.map((t, i) => [t, i]));
  const columns = lines.map((line) => {
    const column: (number | null)[] = new Array<number | null>(xs.length).fill(null);
    for (const [t, v] of line.points) column[index.get(t)!] = v;
    return column;
  });
  return [xs.map((t) => t / 1000), ...columns] as uPlot.AlignedData;
}

/**
 * A uPlot time chart. Dragging across it selects a time range: onZoom gets it in Unix epoch milliseconds
 * (the host page narrows its range and the URL to it). The element carries data-series and data-points so
 * tests and people can tell an empty chart from a drawn one.
 */
export function Chart(props: {
  title: string;
  unit: string;
  lines: readonly Line[];
  fromMs: number;
  toMs: number;
  stacked?: boolean;
  onZoom?: (fromMs: number, toMs: number) => void;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const zoom = useRef(props.onZoom);
  zoom.current = props.onZoom;
  const points = props.lines.reduce((sum, line) => sum + line.points.length, 0);

  useEffect(() => {
    const element = ref.current;
    if (element === null || points === 0) return;
    const width = Math.max(280, element.clientWidth);
    const plot = new uPlot(
      {
        width,
        height: 180,
        legend: { show: props.lines.length <= 8 },
        scales: { x: { time: true, min: props.fromMs / 1000, max: props.toMs / 1000 } },
        cursor: { drag: { x: true, y: false, setScale: false } },
        axes: [
          { stroke: 'var(--fg-dim)', grid: { stroke: 'var(--grid)' } },
          {
            stroke: 'var(--fg-dim)',
            grid: { stroke: 'var(--grid)' },
            size: 70,
            values: (_u, values) => values.map((v) => byUnit(v, props.unit)),
          },
        ],
        series: [
          {},
          ...props.lines.map((line, i) => ({
            label: line.label,
            stroke: PALETTE[i % PALETTE.length],
            width: 1.5,
            spanGaps: false,
            value: (_u: uPlot, v: number | null) => byUnit(v, props.unit),
          })),
        ],
        hooks: {
          setSelect: [
            (u) => {
              if (u.select.width < 4) return;
              const from = u.posToVal(u.select.left, 'x') * 1000;
              const to = u.posToVal(u.select.left + u.select.width, 'x') * 1000;
              u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
              zoom.current?.(Math.round(from), Math.round(to));
            },
          ],
        },
      },
      align(props.lines),
      element,
    );
    const resize = () => plot.setSize({ width: Math.max(280, element.clientWidth), height: 180 });
    window.addEventListener('resize', resize);
    return () => {
      window.removeEventListener('resize', resize);
      plot.destroy();
    };
  }, [props.lines, props.fromMs, props.toMs, props.unit]);

  return html`<section
    class="chart"
    data-chart=${props.title}
    data-series=${props.lines.length}
    data-points=${points}
  >
    <h3>${props.title}</h3>
    ${points === 0 ? html`<p class="empty">no data in this range</p>` : null}
    <div ref=${ref}></div>
  </section>`;
}

/** A tiny inline SVG line (fleet table sparklines): values 0..max, newest right. */
export function Sparkline(props: { values: readonly number[]; max?: number }) {
  const values = props.values;
  if (values.length < 2) return html`<svg class="spark" width="60" height="16"></svg>`;
  const max = props.max ?? Math.max(...values, 1e-9);
  const step = 60 / (values.length - 1);
  const d = values.map(
    (v, i) => `${(i * step).toFixed(1)},${(15 - (Math.min(v, max) / max) * 14).toFixed(1)}`,
  );
  return html`<svg class="spark" width="60" height="16" viewBox="0 0 60 16">
    <polyline points=${d.join(' ')} />
  </svg>`;
}
