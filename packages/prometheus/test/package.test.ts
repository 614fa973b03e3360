/**
 * The manifest: the dependencies the SPEC asks for, and subpath exports that point at shipped
 * files. `publint --strict` and `attw --pack` check the built package in CI.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

const PACKAGE = path.resolve(__dirname, '..');

interface Manifest {
  name: string;
  type: string;
  sideEffects: boolean;
  files: string[];
  exports: Record<string, unknown>;
  dependencies: Record<string, string>;
  peerDependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  publishConfig: { access: string };
}

const manifest = JSON.parse(readFileSync(path.join(PACKAGE, 'package.json'), 'utf8')) as Manifest;

describe('package.json', () => {
  it('depends on @fluxgate/core, and on prom-client >= 14 as a peer', () => {
    expect(manifest.dependencies).toEqual({ '@fluxgate/core': 'workspace:^' });
    expect(manifest.peerDependencies).toEqual({ 'prom-client': '>=14' });
    expect(manifest.devDependencies['prom-client']).toMatch(/^\^15\./);
  });

  it('is a public ES module package without side effects', () => {
    expect(manifest).toMatchObject({
      name: '@fluxgate/prometheus',
      type: 'module',
      sideEffects: false,
    });
    expect(manifest.publishConfig.access).toBe('public');
  });

  it.each([
    ['./grafana/dashboard.json', 'grafana'],
    ['./alerts/rules.yml', 'alerts'],
    ['./alerts/rules.test.yml', 'alerts'],
  ])('exports %s, a shipped file', (subpath, folder) => {
    expect(manifest.exports[subpath]).toBe(subpath);
    expect(existsSync(path.join(PACKAGE, subpath))).toBe(true);
    expect(manifest.files).toContain(folder);
  });

  it('exports the code for import and require, types first', () => {
    expect(manifest.exports['.']).toEqual({
      import: { types: './dist/esm/index.d.ts', default: './dist/esm/index.js' },
      require: { types: './dist/cjs/index.d.ts', default: './dist/cjs/index.js' },
    });
  });
});
