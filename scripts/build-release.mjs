#!/usr/bin/env node
// Release build: `npm run build:release [-- --no-sea] [-- --out DIR]`.
//
// 1. Bundles the CLI (agent/src/cli/main.ts and everything it imports, from the TypeScript sources) into one
//    ES module, dist-release/sysray.mjs, with esbuild: `node sysray.mjs …` runs anywhere Node 20.19+ is.
//    ES module, not CommonJS: the TUI's ink and yoga-layout use top-level await, which CommonJS cannot hold.
// 2. Turns it into a single executable, dist-release/sysray, with Node's single-executable applications
//    (https://nodejs.org/api/single-executable-applications.html). Node 20 runs only a CommonJS main script
//    in an executable, so the main is a small loader (sea-main.cjs) that imports the bundle, embedded as an
//    asset, from a data: URL. `node --experimental-sea-config` writes the preparation blob and postject
//    injects it into a copy of this Node binary under the sentinel fuse. Linux x64 only (the binary is a
//    copy of the running node); `--no-sea` stops after step 1.
// 3. Writes SHA256SUMS for what it built (`sha256sum -c SHA256SUMS` checks them).
//
// The single executable covers the agent and the local tools (TUI, snapshot, top, watch, inventory,
// service). The gateway needs better-sqlite3, a native addon that cannot live inside the blob: the bundle
// replaces @sysray/gateway with a stub that fails as a missing package does, so `sysray gateway` says to
// use the npm install or the gateway container image.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import * as esbuild from 'esbuild';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The sentinel Node looks for to know a blob was injected (node/src/node_sea.cc, postject docs). */
export const SEA_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';

/** Packages left out of the bundle: the gateway (its native SQLite addon) is not part of a release binary. */
// react-devtools-core: ink imports it only when DEV=true (an optional peer, not installed).
const LEFT_OUT = ['@sysray/gateway', 'better-sqlite3', 'react-devtools-core'];

function log(message) {
  process.stderr.write(`build-release: ${message}\n`);
}

/**
 * The bundle. `require` (for the CommonJS dependencies' built-in modules) is made from the bundle's own
 * URL; `import.meta.url` is that URL when the bundle is a file and the executable's path when it runs from
 * a data: URL, where relative URLs cannot be resolved. The agent's version, which version.ts reads from
 * agent/package.json next to the sources, is fixed at build time.
 */
export async function bundle(outDir) {
  const version = JSON.parse(readFileSync(join(ROOT, 'agent/package.json'), 'utf8')).version;
  const outfile = join(outDir, 'sysray.mjs');
  const plugin = {
    name: 'sysray-release',
    setup(build) {
      build.onLoad({ filter: /[\\/]agent[\\/]src[\\/]version\.ts$/ }, () => ({
        contents: `export const AGENT_VERSION: string = ${JSON.stringify(version)};\n`,
        loader: 'ts',
      }));
      const leftOut = new RegExp(`^(${LEFT_OUT.map((name) => name.replace(/[/.]/g, '\\$&')).join('|')})$`);
      build.onResolve({ filter: leftOut }, (args) => ({ path: args.path, namespace: 'left-out' }));
      build.onLoad({ filter: /.*/, namespace: 'left-out' }, (args) => ({
        contents: [
          `const error = new Error(${JSON.stringify(`Cannot find package '${args.path}' (not part of the sysray release binary)`)});`,
          "error.code = 'ERR_MODULE_NOT_FOUND';",
          'throw error;',
        ].join('\n'),
        loader: 'js',
      }));
    },
  };
  const result = await esbuild.build({
    stdin: {
      contents: [
        "import { main } from './agent/src/cli/main.ts';",
        'process.exitCode = await main(process.argv.slice(2));',
      ].join('\n'),
      resolveDir: ROOT,
      sourcefile: 'sysray-entry.ts',
      loader: 'ts',
    },
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    outfile,
    // The sibling workspace from its sources, as vitest resolves it; no `tsc -b` needed first.
    alias: { '@sysray/proto': join(ROOT, 'proto/src/index.ts') },
    define: { 'import.meta.url': '__sysrayModuleUrl', 'process.env.NODE_ENV': '"production"' },
    banner: {
      js: [
        '#!/usr/bin/env node',
        `// sysray ${version}: the CLI bundled by scripts/build-release.mjs.`,
        "import { createRequire as __sysrayCreateRequire } from 'node:module';",
        "import { pathToFileURL as __sysrayPathToFileURL } from 'node:url';",
        "const __sysrayModuleUrl = import.meta.url.startsWith('file:') ? import.meta.url : __sysrayPathToFileURL(process.execPath).href;",
        'const require = __sysrayCreateRequire(__sysrayModuleUrl);',
      ].join('\n'),
    },
    plugins: [plugin],
    legalComments: 'none',
    logLevel: 'warning',
    metafile: true,
  });
  chmodSync(outfile, 0o755);
  return { outfile, version, inputs: Object.keys(result.metafile.inputs).length };
}

/** The CommonJS main of the single executable: imports the embedded bundle (an asset) from a data: URL. */
const SEA_MAIN = `// The single executable's main script (scripts/build-release.mjs): Node 20 runs only CommonJS here, the
// CLI is an ES module with top-level await, so it is imported from the embedded asset.
const { getAsset } = require('node:sea');
const source = Buffer.from(getAsset('sysray.mjs'));
import('data:text/javascript;base64,' + source.toString('base64')).catch((error) => {
  process.stderr.write('sysray: ' + (error && error.stack ? error.stack : String(error)) + '\\n');
  process.exitCode = 1;
});
`;

/** The single executable from the bundle: Linux x64 only. */
export async function singleExecutable(outDir, bundleFile) {
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error(
      `the single executable is built for linux-x64 from a linux-x64 node, not ${process.platform}-${process.arch}; use --no-sea`,
    );
  }
  const blob = join(outDir, 'sea-prep.blob');
  const seaConfig = join(outDir, 'sea-config.json');
  const seaMain = join(outDir, 'sea-main.cjs');
  writeFileSync(seaMain, SEA_MAIN);
  const config = {
    main: seaMain,
    output: blob,
    disableExperimentalSEAWarning: true,
    assets: { 'sysray.mjs': bundleFile },
  };
  writeFileSync(seaConfig, `${JSON.stringify(config, null, 2)}\n`);
  const prep = spawnSync(process.execPath, ['--experimental-sea-config', seaConfig], { encoding: 'utf8' });
  if (prep.status !== 0)
    throw new Error(`node --experimental-sea-config failed: ${prep.stderr || prep.stdout}`);
  const executable = join(outDir, 'sysray');
  rmSync(executable, { force: true });
  copyFileSync(process.execPath, executable);
  chmodSync(executable, 0o755);
  const { inject } = await import('postject');
  await inject(executable, 'NODE_SEA_BLOB', readFileSync(blob), { sentinelFuse: SEA_FUSE });
  for (const file of [blob, seaConfig, seaMain]) rmSync(file, { force: true });
  return executable;
}

/** `<sha256>  <name>` lines, the format `sha256sum -c` reads. */
export function writeChecksums(outDir, files) {
  const lines = files.map((file) => {
    const hash = createHash('sha256').update(readFileSync(file)).digest('hex');
    return `${hash}  ${basename(file)}\n`;
  });
  const path = join(outDir, 'SHA256SUMS');
  writeFileSync(path, lines.join(''));
  return path;
}

async function run() {
  const { values } = parseArgs({
    options: {
      out: { type: 'string', default: join(ROOT, 'dist-release') },
      'no-sea': { type: 'boolean', default: false },
    },
  });
  const outDir = resolve(values.out);
  mkdirSync(outDir, { recursive: true });
  const started = Date.now();
  const { outfile, version, inputs } = await bundle(outDir);
  log(
    `bundled ${inputs} modules into ${outfile} (${(statSync(outfile).size / 1e6).toFixed(1)} MB), version ${version}`,
  );
  const built = [outfile];
  if (!values['no-sea']) {
    const executable = await singleExecutable(outDir, outfile);
    log(`single executable ${executable} (${(statSync(executable).size / 1e6).toFixed(1)} MB)`);
    built.push(executable);
  }
  log(`checksums in ${writeChecksums(outDir, built)} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  run().catch((error) => {
    log(error instanceof Error ? error.message : String(error));
    process.exitCode = 1;
  });
}
