/** Characters JSON.stringify would escape in a string: quote, backslash, controls, lone surrogates. */
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

function jsonString(text: string): string {
  return NEEDS_ESCAPE.test(text) ? JSON.stringify(text) : `"${text}"`;
}

/**
 * Attributes as canonical JSON: an object with keys in ascending code-unit order and string values, built
 * by hand because a JavaScript object would put integer-like keys ("10", "2") first. Two attribute sets are
 * the same series exactly when their canonical JSON is equal. On the append path for every point, so it
 * skips the sort when keys already come in order and JSON.stringify when a string needs no escaping.
 */
export function canonicalJson(record: Readonly<Record<string, string>>): string {
  let keys = Object.keys(record);
  for (let i = 1; i < keys.length; i += 1) {
    if (keys[i - 1]! > keys[i]!) {
      keys = keys.sort();
      break;
    }
  }
  let out = '{';
  for (let i = 0; i < keys.length; i += 1) {
    const key = keys[i]!;
    if (i > 0) out += ',';
    out += `${jsonString(key)}:${jsonString(String(record[key]))}`;
  }
  return `${out}}`;
}

/** Parses canonical JSON written by canonicalJson (or any JSON object of strings). */
export function parseAttributes(json: string): Record<string, string> {
  const parsed: unknown = JSON.parse(json);
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new Error(`attributes are not a JSON object: ${json.slice(0, 80)}`);
  }
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(parsed)) out[key] = String(value);
  return out;
}
