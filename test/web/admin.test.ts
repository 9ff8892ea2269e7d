import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../support/browser.js';
import { startTestHub, type TestHub } from '../support/hub.js';

/** ADMIN actions in the console: a source turned off and its interval changed; an IOC type mapping added. */
let hub: TestHub;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  hub = await startTestHub({ config: { sandboxes: 'all', jobs: { 'ctp-resilient-sync': { intervalSeconds: 0 }, 'ivanti-enrichment': { intervalSeconds: 0 } } } });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(hub.http.url.replace(/\/graphql$/, '/sources'));
  await page.getByLabel('API token').fill(hub.tokens.ADMIN);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Sources' }).waitFor();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await hub?.close();
});

const source = async (name: string) => (await hub.query('{ sources { name enabled pollIntervalSeconds } }')).sources.find((s: { name: string }) => s.name === name);

describe('console, ADMIN', () => {
  it('turns a source off and changes its poll interval; a SOURCE_UPDATED event records each', async () => {
    // The box follows the hub: it changes once the update is answered and the list read again.
    await page.getByLabel('ivanti-itsm enabled').click();
    await page.getByRole('status').filter({ hasText: 'ivanti-itsm updated.' }).waitFor();
    await page.locator('input[aria-label="ivanti-itsm enabled"]:not(:checked)').waitFor();
    await page.getByLabel('ivanti-itsm poll interval in seconds').fill('300');
    await page.getByLabel('ivanti-itsm poll interval in seconds').press('Enter');
    for (let i = 0; i < 50 && (await source('ivanti-itsm')).pollIntervalSeconds !== 300; i += 1) await new Promise((r) => setTimeout(r, 100));
    expect(await source('ivanti-itsm')).toEqual({ name: 'ivanti-itsm', enabled: false, pollIntervalSeconds: 300 });
    const events = await hub.query('{ syncEvents(filter: { kinds: [SOURCE_UPDATED] }) { totalCount } }');
    expect(events.syncEvents.totalCount).toBe(2);
  });

  it('adds an IOC type mapping on the Threat intel page', async () => {
    await page.getByRole('link', { name: 'Threat intel' }).click();
    await page.getByRole('heading', { name: 'IOC type mappings' }).waitFor();
    await page.getByLabel('CTIX type').fill('SHA-512');
    await page.getByLabel('Respond field').fill('SHA512');
    await page.getByRole('button', { name: 'Save mapping' }).click();
    await page.getByRole('cell', { name: 'SHA-512', exact: true }).waitFor();
    const mappings = await hub.query('{ indicatorTypeMappings { ctixType cftrField } }');
    expect(mappings.indicatorTypeMappings).toContainEqual({ ctixType: 'SHA-512', cftrField: 'SHA512' });
  });
});
