import type { Section, SectionError, SectionOk, SectionTiming, SectionUnsupported } from './snapshot.js';

export function sectionOk<T>(data: T, timing: SectionTiming): SectionOk<T> {
  return { status: 'ok', data, ...timing };
}

export function sectionUnsupported(reason: string, timing: SectionTiming): SectionUnsupported {
  return { status: 'unsupported', reason, ...timing };
}

export function sectionError(message: string, timing: SectionTiming): SectionError {
  return { status: 'error', message, ...timing };
}

/** The section's data when it is `ok`, else undefined: for readers that show what there is. */
export function sectionData<T>(section: Section<T> | undefined): T | undefined {
  return section?.status === 'ok' ? section.data : undefined;
}
