import type { EntryText, Leveled } from '../types.js';

/** Builds an EntryText; keeps the text files compact. */
export function text(
  title: string,
  what: Leveled,
  healthy: Leveled,
  action: Leveled,
  keywords?: readonly string[],
): EntryText {
  return keywords ? { title, what, healthy, action, keywords } : { title, what, healthy, action };
}

/** A text with a plain version for beginners and a precise one for experts. */
export function lv(beginner: string, expert: string): Leveled {
  return { beginner, expert };
}
