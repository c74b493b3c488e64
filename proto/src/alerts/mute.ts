import type { LabelMatcher, QuietHours, Silence, Weekday } from './types.js';

/**
 * Muting: silences (one-off, matchers + time window, like Alertmanager's) and quiet hours (recurring:
 * days of week and a local time range in an IANA time zone, resolved with Intl so daylight saving
 * time is the zone's, not the server's).
 */

const regexCache = new Map<string, RegExp>();

function anchored(pattern: string): RegExp {
  let regex = regexCache.get(pattern);
  if (regex === undefined) {
    // Anchored at both ends, as Alertmanager matchers are.
    regex = new RegExp(`^(?:${pattern})$`);
    if (regexCache.size > 1000) regexCache.clear();
    regexCache.set(pattern, regex);
  }
  return regex;
}

export function matcherMatches(matcher: LabelMatcher, labels: Readonly<Record<string, string>>): boolean {
  const value = labels[matcher.name] ?? '';
  const hit = matcher.isRegex ? anchored(matcher.value).test(value) : value === matcher.value;
  return hit === matcher.isEqual;
}

export function matchersMatch(
  matchers: readonly LabelMatcher[],
  labels: Readonly<Record<string, string>>,
): boolean {
  return matchers.every((matcher) => matcherMatches(matcher, labels));
}

export function silenceActive(silence: Silence, nowMs: number): boolean {
  return silence.startsAtMs <= nowMs && nowMs < silence.endsAtMs;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Day of week and minute of the day at `nowMs` in `timeZone`. Throws RangeError for an unknown zone. */
export function localTime(nowMs: number, timeZone: string): { day: Weekday; minute: number } {
  let format = formatters.get(timeZone);
  if (format === undefined) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      weekday: 'short',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(timeZone, format);
  }
  let day = 'mon';
  let hour = 0;
  let minute = 0;
  for (const part of format.formatToParts(nowMs)) {
    if (part.type === 'weekday') day = part.value.toLowerCase().slice(0, 3);
    else if (part.type === 'hour') hour = Number(part.value);
    else if (part.type === 'minute') minute = Number(part.value);
  }
  return { day: day as Weekday, minute: (hour % 24) * 60 + minute };
}

const PREVIOUS_DAY: Readonly<Record<Weekday, Weekday>> = {
  mon: 'sun',
  tue: 'mon',
  wed: 'tue',
  thu: 'wed',
  fri: 'thu',
  sat: 'fri',
  sun: 'sat',
};

/**
 * Inside the quiet window now? A window that wraps midnight (22:00–06:00) belongs to the day it starts:
 * Friday 22:00–06:00 covers Saturday 03:00.
 */
export function inQuietHours(quiet: QuietHours, nowMs: number): boolean {
  const { day, minute } = localTime(nowMs, quiet.timeZone);
  const { startMinute: start, endMinute: end } = quiet;
  if (start === end) return quiet.days.includes(day);
  if (start < end) return quiet.days.includes(day) && minute >= start && minute < end;
  if (minute >= start) return quiet.days.includes(day);
  if (minute < end) return quiet.days.includes(PREVIOUS_DAY[day]);
  return false;
}

/** Ids of what mutes these labels now: active silences, and `quiet:<name>` for quiet hours. */
export function mutedBy(
  labels: Readonly<Record<string, string>>,
  silences: readonly Silence[],
  quietHours: readonly QuietHours[],
  nowMs: number,
): string[] {
  const ids: string[] = [];
  for (const silence of silences) {
    if (silenceActive(silence, nowMs) && matchersMatch(silence.matchers, labels)) ids.push(silence.id);
  }
  for (const quiet of quietHours) {
    if (matchersMatch(quiet.matchers, labels) && inQuietHours(quiet, nowMs)) ids.push(`quiet:${quiet.name}`);
  }
  return ids;
}
