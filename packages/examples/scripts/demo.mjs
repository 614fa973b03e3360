#!/usr/bin/env node
// `pnpm demo [options]`: builds what is missing or out of date, then runs the demo
// (dist/demo/main.js) in this process with the same arguments. `--help` lists the options.
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ensureBuilt } from './ensure-built.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
ensureBuilt();
await import(pathToFileURL(path.resolve(here, '../dist/demo/main.js')).href);
