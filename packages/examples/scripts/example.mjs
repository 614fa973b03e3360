#!/usr/bin/env node
// `pnpm --filter @fluxgate/examples example <name>`: runs one of the examples in src/examples
// (built first when needed). Without a name, lists them with what each one teaches.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ensureBuilt } from './ensure-built.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const sources = path.resolve(here, '../src/examples');
const names = readdirSync(sources)
  .filter((file) => file.endsWith('.ts'))
  .map((file) => file.slice(0, -3));
const name = process.argv[2];

if (name === undefined || !names.includes(name)) {
  if (name !== undefined) console.error(`no example named '${name}'\n`);
  console.log('Usage: pnpm --filter @fluxgate/examples example <name>\n');
  for (const example of names) {
    const text = readFileSync(path.join(sources, `${example}.ts`), 'utf8');
    const title = /^ \* Example: (.*)$/m.exec(text)?.[1] ?? '';
    console.log(`  ${example.padEnd(22)} ${title}`);
  }
  process.exitCode = name === undefined ? 0 : 2;
} else {
  ensureBuilt();
  await import(pathToFileURL(path.resolve(here, `../dist/examples/${name}.js`)).href);
}
