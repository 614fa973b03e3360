/**
 * The demo's command line, run as a child process: a port that is taken, a bad option, and the
 * live table (forced with --view live, since the tests' stdout is not a terminal).
 */
import { createServer, type Server } from 'node:net';
import { exitCode, runTs, stopGroup, type Child } from './support/processes';

const children: Child[] = [];
const run = (args: readonly string[], env: NodeJS.ProcessEnv = {}) => {
  const child = runTs('src/demo/main.ts', args, env);
  children.push(child);
  return child;
};

afterAll(async () => {
  await Promise.all(children.map((child) => stopGroup(child)));
});

describe('when the port is taken', () => {
  let blocker: Server;
  let port = 0;

  beforeAll(async () => {
    blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    port = (blocker.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((resolve) => blocker.close(() => resolve())));

  it.each([
    ['--port', (p: number) => [['--port', String(p)], {}] as const],
    ['PORT', (p: number) => [[], { PORT: String(p) }] as const],
  ])(
    'given with %s, says so and how to pick another one, and exits 1',
    async (_how, setup) => {
      const [args, env] = setup(port);
      const child = run([...args, '--duration', '5s', '--view', 'log'], env);
      expect(await exitCode(child, 15_000)).toBe(1);
      expect(child.stderr()).toContain(`port ${port} on 127.0.0.1 is already in use`);
      expect(child.stderr()).toContain(`--port ${port + 1}`);
      expect(child.stdout()).toBe(''); // nothing started
    },
    20_000,
  );
});

it('rejects a bad option with the usage, and exits 2', async () => {
  const child = run(['--speed', 'fast']);
  expect(await exitCode(child, 15_000)).toBe(2);
  expect(child.stderr()).toContain("--speed must be a number from 0.1 to 20, got 'fast'");
  expect(child.stderr()).toContain('Usage: pnpm demo [options]');
}, 20_000);

it('--view live redraws a table in place, then prints the summary', async () => {
  const child = run(['--port', '0', '--speed', '4', '--duration', '2500ms', '--view', 'live']);
  expect(await exitCode(child, 15_000)).toBe(0);
  const out = child.stdout();
  expect(out).toContain('\x1b[?25l'); // cursor hidden while drawing...
  expect(out).toContain('\x1b[?25h'); // ...and given back
  // eslint-disable-next-line no-control-regex -- back up over the last frame and clear it
  expect(out).toMatch(/\x1b\[\d+F\x1b\[J/);
  const frames = out.split('\x1b[J').length - 1;
  expect(frames).toBeGreaterThan(3);
  expect(out).toMatch(
    /^circuit +state +in state +failure rate +calls +ok +failed +rejected +downstream$/m,
  );
  expect(out).toMatch(/^payment_api +(closed|open|half_open) /m);
  expect(out).toContain('recent transitions');
  expect(out).toMatch(/^Summary: /m);
}, 20_000);
