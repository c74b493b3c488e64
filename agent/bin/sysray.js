#!/usr/bin/env node
// Thin launcher: the CLI is compiled to dist/ by `npm ci` (the root `prepare` script runs `tsc -b`).
import { main } from '../dist/cli/main.js';

process.exitCode = await main(process.argv.slice(2));
