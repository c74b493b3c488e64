import { validateRuleDocument, type RuleError, type RuleSet } from '@sysray/proto';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';

/**
 * (The same as gateway/src/alerts/rule-file.ts: the agent cannot import the gateway.) A rule file's YAML → a validated RuleSet, or errors naming the rule and the line. The YAML parser's
 * node ranges and LineCounter give the line of any path the validator complains about.
 */
export function parseRuleYaml(text: string): { ruleSet: RuleSet | null; errors: RuleError[] } {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (document.errors.length > 0) {
    return {
      ruleSet: null,
      errors: document.errors.map((error) => ({
        rule: null,
        line: error.linePos?.[0].line ?? lineCounter.linePos(error.pos[0]).line,
        path: '(yaml)',
        message: error.message.split('\n')[0] ?? error.message,
      })),
    };
  }
  const locate = (path: readonly (string | number)[]): number | null => {
    let node: unknown = document.contents;
    let offset: number | null = (node as Node | null)?.range?.[0] ?? null;
    for (const segment of path) {
      if (isMap(node)) {
        const pair = node.items.find(
          (item) => isScalar(item.key) && String(item.key.value) === String(segment),
        );
        if (pair === undefined) break;
        offset = (pair.key as Node).range?.[0] ?? offset;
        node = pair.value;
      } else if (isSeq(node) && typeof segment === 'number') {
        node = node.items[segment];
        if (node === undefined) break;
        offset = (node as Node).range?.[0] ?? offset;
      } else break;
    }
    return offset === null ? null : lineCounter.linePos(offset).line;
  };
  return validateRuleDocument(document.toJS() as unknown, locate);
}
