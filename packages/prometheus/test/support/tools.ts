import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import path from 'node:path';

/** Where the Prometheus binaries come from, and how to get them. */
const HINT =
  'Install Prometheus: `apt-get install prometheus` on Debian/Ubuntu (CI does this in ' +
  'scripts/test.sh), `brew install prometheus` on macOS, or download it from ' +
  'https://prometheus.io/download/ and set PROMETHEUS_BIN and PROMTOOL_BIN to the binaries.';

const ENV = { prometheus: 'PROMETHEUS_BIN', promtool: 'PROMTOOL_BIN' } as const;

export type Tool = keyof typeof ENV;

/** The path of `tool`: `$PROMETHEUS_BIN`/`$PROMTOOL_BIN`, else the first one on the PATH. */
export function findTool(tool: Tool): string | undefined {
  const override = process.env[ENV[tool]];
  if (override) return override;
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, tool);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/**
 * `describe` for tests that need `tool`. Without it they fail in CI (`CI` set) and are skipped,
 * with the install instructions in the title, elsewhere.
 */
export function describeWithTool(tool: Tool, title: string, body: (binary: string) => void): void {
  const binary = findTool(tool);
  if (binary !== undefined) {
    describe(title, () => body(binary));
  } else if (process.env.CI) {
    describe(title, () => {
      it(`needs ${tool}`, () => {
        throw new Error(`${tool} not found on the PATH. ${HINT}`);
      });
    });
  } else {
    describe.skip(`${title} (skipped: ${tool} not found. ${HINT})`, () => body(''));
  }
}

/** What a promtool run printed (stdout then stderr) and its exit code. */
export interface PromtoolResult {
  code: number;
  output: string;
}

/** Runs promtool `binary` with `args` in `cwd`, feeding it `input` on stdin. */
export function promtool(
  binary: string,
  args: readonly string[],
  { cwd, input = '' }: { cwd?: string; input?: string } = {},
): Promise<PromtoolResult> {
  return new Promise((resolve) => {
    const child = execFile(
      binary,
      args,
      { cwd, timeout: 30_000, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, output: `${stdout}${stderr}` });
      },
    );
    child.stdin?.end(input);
  });
}
