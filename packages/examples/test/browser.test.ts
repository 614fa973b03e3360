/**
 * The live page in a real browser: Debian's Chromium, driven by playwright-core (headless, no
 * sandbox, no GPU, no background networking, a fresh profile), loads the demo's `/`, sees the
 * circuits' states change and their transitions appear, and saves a screenshot under
 * test-output/examples/.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { parseStartup, ROOT, runTs, stopGroup, waitFor, type Child } from './support/processes';

const CHROMIUM = '/usr/bin/chromium';
const SCREENSHOT = path.join(ROOT, 'test-output/examples/demo-page.png');

describe('the live page (GET /) in Chromium', () => {
  let demo: Child | undefined;
  let context: BrowserContext | undefined;
  let profile: string | undefined;
  let page: Page;
  let url = '';
  const pageErrors: string[] = [];

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(
        `${CHROMIUM} is missing: apt-get install -y chromium (bash scripts/test.sh does)`,
      );
    }
    // --duration as a safety net: the demo ends by itself even if afterAll never runs.
    demo = runTs('src/demo/main.ts', [
      '--port',
      '0',
      '--speed',
      '4',
      '--view',
      'log',
      '--duration',
      '60s',
    ]);
    url = (
      await waitFor('the demo to start', () => {
        if (demo!.process.exitCode !== null) throw new Error(`the demo exited: ${demo!.stderr()}`);
        return parseStartup(demo!.stdout());
      })
    ).url;

    profile = mkdtempSync(path.join(tmpdir(), 'fluxgate-chromium-'));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1360, height: 940 },
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') pageErrors.push(message.text());
    });
  }, 60_000);

  afterAll(async () => {
    await context?.close().catch(() => undefined);
    if (profile) rmSync(profile, { recursive: true, force: true });
    await stopGroup(demo);
  });

  it('shows every circuit, then a state change and its transition, as they happen', async () => {
    await page.goto(`${url}/`);
    await page.waitForSelector('section.card[data-state]', { timeout: 10_000 });
    expect(await page.locator('section.card h2').allTextContents()).toEqual([
      'payment_api',
      'search_api',
      'shipping_api',
    ]);

    // Whatever the page showed first, a circuit's badge changes while we watch...
    const first = await page
      .locator('section.card')
      .evaluateAll((cards) => cards.map((card) => (card as HTMLElement).dataset.state));
    await page.waitForFunction(
      (initial) =>
        [...document.querySelectorAll<HTMLElement>('section.card')].some(
          (card, i) => card.dataset.state !== initial[i],
        ),
      first,
      { timeout: 20_000, polling: 100 },
    );
    // ...and the transitions list and the timeline show it.
    await page.waitForSelector('li.transition[data-to="open"]', { timeout: 10_000 });
    await page.waitForSelector('.timeline div[data-state="open"]', { timeout: 5_000 });

    // Then a recovery: the screenshot shows a whole story.
    await page.waitForSelector('li.transition[data-from="half_open"][data-to="closed"]', {
      timeout: 20_000,
    });
    const badges = await page.locator('[data-role="state"]').allTextContents();
    for (const badge of badges) expect(['closed', 'open', 'half_open']).toContain(badge);
    expect(await page.locator('#status').textContent()).toMatch(/^running for /);

    mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    expect(existsSync(SCREENSHOT)).toBe(true);
    expect(pageErrors).toEqual([]);
  }, 60_000);
});
