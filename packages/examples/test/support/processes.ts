/**
 * Child processes for the tests: the demo and the examples run from their TypeScript sources
 * (see register-ts.cjs), each in a process group of its own so that nothing survives a test.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { connect, createServer, type AddressInfo } from 'node:net';
import path from 'node:path';

export const PACKAGE = path.resolve(__dirname, '../..');
export const ROOT = path.resolve(PACKAGE, '../..');
const REGISTER = path.join(__dirname, 'register-ts.cjs');

/** A running child with everything it printed so far. */
export interface Child {
  readonly process: ChildProcess;
  readonly pid: number;
  stdout(): string;
  stderr(): string;
  /** Settles with the exit code (or the signal's name) when the process has exited. */
  readonly exited: Promise<number | string>;
}

/** Runs `file` (a .ts file of this package) with `node`, as its own process group. */
export function runTs(
  file: string,
  args: readonly string[] = [],
  env: NodeJS.ProcessEnv = {},
): Child {
  return spawnChild(
    process.execPath,
    ['--enable-source-maps', '-r', REGISTER, path.resolve(PACKAGE, file), ...args],
    env,
  );
}

/** Runs `command` in this package's directory, as its own process group. */
export function spawnChild(
  command: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv = {},
): Child {
  const child = spawn(command, args, {
    cwd: PACKAGE,
    env: { ...process.env, NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // its own process group: stopGroup() ends it and anything it started
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<number | string>((resolve) => {
    child.on('close', (code, signal) => resolve(code ?? signal ?? 'unknown'));
  });
  return {
    process: child,
    pid: child.pid!,
    stdout: () => stdout,
    stderr: () => stderr,
    exited,
  };
}

/** Whether any process of the group `pgid` is still alive. */
export function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Ends the whole process group: SIGTERM, then SIGKILL after `grace` ms. Never throws. */
export async function stopGroup(child: Child | undefined, grace = 3_000): Promise<void> {
  if (child === undefined || !groupAlive(child.pid)) return;
  try {
    process.kill(-child.pid, 'SIGTERM');
  } catch {
    return;
  }
  const deadline = Date.now() + grace;
  while (groupAlive(child.pid) && Date.now() < deadline) await sleep(50);
  if (groupAlive(child.pid)) {
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

/** The child's exit code, or `'still running'` if it has not exited within `timeout` ms. */
export async function exitCode(child: Child, timeout: number): Promise<number | string> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve('still running'), timeout);
  });
  try {
    return await Promise.race([child.exited, late]);
  } finally {
    clearTimeout(timer);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Polls `probe` until it returns something other than `undefined`; fails after `timeout` ms
 * naming `what` and the last error.
 */
export async function waitFor<T>(
  what: string,
  probe: () => T | undefined | Promise<T | undefined>,
  { timeout = 15_000, interval = 100 }: { timeout?: number; interval?: number } = {},
): Promise<T> {
  const deadline = Date.now() + timeout;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      const detail = last instanceof Error ? `: ${last.message}` : '';
      throw new Error(`timed out after ${timeout} ms waiting for ${what}${detail}`);
    }
    await sleep(interval);
  }
}

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Whether something accepts TCP connections on 127.0.0.1:`port`. */
export function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** The path of a command on $PATH, or a thrown error saying how to get it. */
export function requireCommand(command: string, hint: string): string {
  const found = spawnSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' });
  const file = found.stdout.trim();
  if (found.status !== 0 || file === '') {
    throw new Error(`${command} is not installed: ${hint}`);
  }
  return file;
}

/** The demo's base URL and downstream ports, read from its start-up lines. */
export function parseStartup(
  stdout: string,
): { url: string; downstreamPorts: number[] } | undefined {
  const url = /fluxgate demo on (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout)?.[1];
  const downstreamPorts = [...stdout.matchAll(/downstream http:\/\/127\.0\.0\.1:(\d+)\//g)].map(
    (m) => Number(m[1]),
  );
  return url && downstreamPorts.length === 3 ? { url, downstreamPorts } : undefined;
}
