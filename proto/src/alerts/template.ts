/**
 * `{{host}}`, `{{hostname}}`, `{{value}}`, `{{rule}}`, `{{severity}}` and `{{labels.<name>}}` in labels
 * and annotations. Unknown placeholders are left as written so a typo shows in the notification.
 */

export interface TemplateContext {
  readonly host: string;
  readonly hostname: string;
  readonly rule: string;
  readonly severity: string;
  readonly value: number | null;
  readonly labels: Readonly<Record<string, string>>;
}

/** A value readable in a notification: up to 4 significant digits, no exponent for everyday sizes. */
export function formatValue(value: number | null): string {
  if (value === null) return 'n/a';
  if (Number.isInteger(value)) return String(value);
  const abs = Math.abs(value);
  if (abs >= 1000) return value.toFixed(0);
  return String(Number(value.toPrecision(4)));
}

const PLACEHOLDER = /\{\{\s*([A-Za-z_][\w.-]*)\s*\}\}/g;

export function renderTemplate(text: string, context: TemplateContext): string {
  if (!text.includes('{{')) return text;
  return text.replace(PLACEHOLDER, (whole, name: string) => {
    switch (name) {
      case 'host':
        return context.host;
      case 'hostname':
        return context.hostname;
      case 'rule':
        return context.rule;
      case 'severity':
        return context.severity;
      case 'value':
        return formatValue(context.value);
      default:
        if (name.startsWith('labels.')) return context.labels[name.slice(7)] ?? '';
        return whole;
    }
  });
}

/** Placeholders a template uses that renderTemplate does not know (validation reports them). */
export function unknownPlaceholders(text: string): string[] {
  const known = new Set(['host', 'hostname', 'rule', 'severity', 'value']);
  return [...text.matchAll(PLACEHOLDER)]
    .map((match) => match[1]!)
    .filter((name) => !known.has(name) && !name.startsWith('labels.'));
}
