import type { Snapshot } from '@sysray/proto';
import { formatByteRate, formatBytes, formatFraction, formatPercent } from '../cli/render/format.js';

/**
 * The GPU section is rendered generically: the GPU collector is newer than this view and its vendors
 * differ in what they report, so the TUI reads `sections.gpu` as plain JSON — a list of device objects
 * with unit-suffixed field names, the Snapshot's convention — rather than binding to one shape.
 */

/** One GPU as the TUI shows it. */
export interface GpuDeviceView {
  /** Stable key for history series: the device's `index`, `id` or position. */
  readonly key: string;
  readonly title: string;
  /** Numeric fields, nested objects flattened with dots (`memory.usedBytes`), in source order. */
  readonly numbers: readonly (readonly [field: string, value: number | null])[];
  /** Text, boolean and list fields, formatted. */
  readonly texts: readonly (readonly [field: string, value: string])[];
}

export type GpuView =
  | { readonly status: 'absent' | 'unsupported' | 'error'; readonly reason: string }
  | {
      readonly status: 'ok';
      readonly devices: readonly GpuDeviceView[];
      /** Other lists of the section (processes using a GPU), one formatted line per item. */
      readonly lists: readonly { readonly name: string; readonly items: readonly string[] }[];
      /** Why a source contributed nothing (`unavailable` in the section's data). */
      readonly notes: readonly (readonly [source: string, reason: string])[];
    };

/** At most this many fields per device, and items per list, are kept: the view is a summary. */
const MAX_FIELDS = 48;
const MAX_ITEMS = 50;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function deviceListKey(data: Record<string, unknown>): string | null {
  for (const preferred of ['devices', 'gpus']) if (Array.isArray(data[preferred])) return preferred;
  for (const [key, value] of Object.entries(data)) {
    if (Array.isArray(value) && value.some(isRecord)) return key;
  }
  return null;
}

/** One list item (`{engine: 'gfx', utilization: 0.4}`) as `gfx 40.0%`: its scalars, formatted. */
function itemText(item: unknown): string {
  if (!isRecord(item)) return typeof item === 'string' || typeof item === 'number' ? String(item) : '';
  return Object.entries(item)
    .filter(([, v]) => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean')
    .map(([k, v]) => (typeof v === 'string' ? v : `${k} ${formatField(k, v as number | boolean)}`))
    .join(' ');
}

function flatten(
  value: Record<string, unknown>,
  prefix: string,
  numbers: [string, number | null][],
  texts: [string, string][],
  depth: number,
): void {
  for (const [key, item] of Object.entries(value)) {
    if (numbers.length + texts.length >= MAX_FIELDS) return;
    const field = prefix === '' ? key : `${prefix}.${key}`;
    // Timestamps (`sampledAt`) and identities (`index`) are facts, not series to graph.
    if (typeof item === 'number' && /(?:At|^index|^minor)$/.test(field))
      texts.push([field, formatField(field, item)]);
    else if (typeof item === 'number') numbers.push([field, Number.isFinite(item) ? item : null]);
    else if (item === null) numbers.push([field, null]);
    else if (typeof item === 'string') texts.push([field, item]);
    else if (typeof item === 'boolean') texts.push([field, item ? 'yes' : 'no']);
    else if (Array.isArray(item)) {
      if (item.length > 0) texts.push([field, item.slice(0, 16).map(itemText).join(', ')]);
    } else if (isRecord(item) && depth < 2) flatten(item, field, numbers, texts, depth + 1);
  }
}

function describe(device: Record<string, unknown>, position: number): GpuDeviceView {
  const numbers: [string, number | null][] = [];
  const texts: [string, string][] = [];
  flatten(device, '', numbers, texts, 0);
  const id = device.index ?? device.minor ?? device.id ?? device.uuid;
  const key = typeof id === 'number' || typeof id === 'string' ? String(id) : String(position);
  const name = device.name ?? device.model ?? device.productName;
  const title = `GPU ${key}${typeof name === 'string' ? ` ${name}` : ''}`;
  return { key, title, numbers, texts };
}

export function gpuView(snapshot: Snapshot): GpuView {
  const section: unknown = (snapshot.sections as unknown as Record<string, unknown>).gpu;
  if (!isRecord(section)) {
    return { status: 'absent', reason: 'this Snapshot has no GPU section (its agent has no GPU collector)' };
  }
  if (section.status === 'unsupported' || section.status === 'error') {
    const why = section.status === 'unsupported' ? section.reason : section.message;
    return { status: section.status, reason: typeof why === 'string' ? why : 'no reason given' };
  }
  if (section.status !== 'ok' || !isRecord(section.data)) {
    return { status: 'absent', reason: 'the GPU section carries no data' };
  }
  const data = section.data;
  const listKey = deviceListKey(data);
  const devices = (listKey === null ? [] : (data[listKey] as unknown[])).filter(isRecord).map(describe);
  const lists: { name: string; items: string[] }[] = [];
  const notes: [string, string][] = [];
  for (const [key, value] of Object.entries(data)) {
    if (key === listKey) continue;
    if (Array.isArray(value) && value.length > 0) {
      lists.push({ name: key, items: value.slice(0, MAX_ITEMS).map(itemText) });
    } else if (isRecord(value)) {
      for (const [source, reason] of Object.entries(value)) {
        if (typeof reason === 'string') notes.push([source, reason]);
      }
    } else if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
      notes.push([key, formatField(key, value)]);
    }
  }
  return { status: 'ok', devices, lists, notes };
}

export function gpuDevices(snapshot: Snapshot): readonly GpuDeviceView[] {
  const view = gpuView(snapshot);
  return view.status === 'ok' ? view.devices : [];
}

/** Field names that hold a fraction 0..1 without saying so (the Snapshot's `utilization` convention). */
function isFraction(field: string): boolean {
  return /(?:Fraction|^utilization|\.utilization|Busy)$/.test(field);
}

/** Formats a value by the unit its field name ends with (the Snapshot's naming convention). */
export function formatField(field: string, value: number | string | boolean | null): string {
  if (value === null) return '-';
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (typeof value === 'string') return value;
  if (/BytesPerSec$/.test(field)) return formatByteRate(value);
  if (/Bytes$/.test(field)) return formatBytes(value);
  if (isFraction(field)) return formatFraction(value);
  if (/Percent$/.test(field)) return formatPercent(value);
  if (/Celsius$/.test(field)) return `${value.toFixed(0)} °C`;
  if (/Watts$/.test(field)) return `${value.toFixed(1)} W`;
  if (/Joules$/.test(field)) return `${value.toFixed(0)} J`;
  if (/Rpm$/.test(field)) return `${value.toFixed(0)} rpm`;
  if (/Hz$/.test(field)) return value >= 1e6 ? `${(value / 1e6).toFixed(0)} MHz` : `${value.toFixed(0)} Hz`;
  if (/Seconds$/.test(field)) return `${value.toFixed(1)} s`;
  if (/(?:At|Ms)$/.test(field) && value > 1e12) return new Date(value).toISOString().slice(11, 19) + 'Z';
  return Number.isInteger(value) ? String(value) : value.toFixed(2);
}

/** The scale a GPU field graphs on: fractions and percents are absolute, the rest auto-scale. */
export function fieldScale(field: string): { min: number; max?: number } {
  if (isFraction(field)) return { min: 0, max: 1 };
  if (/Percent$/.test(field)) return { min: 0, max: 100 };
  return { min: 0 };
}
