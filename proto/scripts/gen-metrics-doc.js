// Writes docs/metrics.md from the metric catalog (proto/src/catalog), formatted with the repository's
// prettier settings so `prettier --check` agrees with it. Reads the build output: run `npx tsc -b proto`
// first. `--check` compares instead of writing and exits 1 when the file is stale.
import { readFileSync, writeFileSync } from 'node:fs';
import { URL, fileURLToPath } from 'node:url';
import * as prettier from 'prettier';
import { renderMetricsMarkdown } from '../dist/catalog/index.js';

const target = fileURLToPath(new URL('../../docs/metrics.md', import.meta.url));

/** The document as committed: the catalog's Markdown after prettier with the repository config. */
async function formattedMetricsDoc() {
  const config = (await prettier.resolveConfig(target)) ?? {};
  return prettier.format(renderMetricsMarkdown(), { ...config, filepath: target });
}

const text = await formattedMetricsDoc();
if (process.argv.includes('--check')) {
  let current = '';
  try {
    current = readFileSync(target, 'utf8');
  } catch {
    // A missing file is stale too.
  }
  if (current !== text) {
    console.error(`${target} is out of date: run npx tsc -b proto && node proto/scripts/gen-metrics-doc.js`);
    process.exit(1);
  }
  console.log(`${target} is up to date`);
} else {
  writeFileSync(target, text);
  console.log(`wrote ${target}`);
}
