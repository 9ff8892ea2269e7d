import type { Browser, Page } from 'playwright-core';
import type { RunningSandbox } from '../../src/sandbox/kit/index.js';
import { registeredManifests } from '../../src/sources/index.js';
import { launchChromium, screenshot, seriousAxeViolations } from '../support/browser.js';
import { startTestHub, type TestHub } from '../support/hub.js';
import { control } from '../support/sandbox-control.js';

/**
 * The operations console in Chromium against a real hub on every vendor's sandbox: sign in, live incidents
 * (and their resumption after a dropped socket), closing an incident, a CFTR incident from threat data, a
 * backfill's progress, the vendor filters (from the hub's `vendors` query), and an accessibility scan of each page.
 */
let hub: TestHub;
let browser: Browser;
let page: Page;
let origin: string;
let ctp: RunningSandbox;
let ctix: RunningSandbox;
let cftr: RunningSandbox;

beforeAll(async () => {
  hub = await startTestHub({ config: { sandboxes: 'all', jobs: { 'ctp-resilient-sync': { intervalSeconds: 0 }, 'ivanti-enrichment': { intervalSeconds: 0 } } } });
  ctp = hub.sandboxes.get('secureworks-ctp')!;
  ctix = hub.sandboxes.get('cyware-ctix')!;
  cftr = hub.sandboxes.get('cyware-cftr')!;
  origin = hub.http.url.replace(/\/graphql$/, '');
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await hub?.close();
});

async function runSync(): Promise<void> {
  const data = await hub.query('mutation { runJob(name: "ctp-resilient-sync") { state error } }', undefined, hub.tokens.OPERATOR);
  if (data.runJob.state !== 'COMPLETED') throw new Error(`sync run ${data.runJob.state}: ${data.runJob.error}`);
}

async function newTickets(count: number, title: string): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i += 1) {
    ids.push((await control(ctp, 'POST', '/tickets', { status: 'New', priority: 'HIGH', symptomDescription: `${title} ${i}` })).ticketId);
  }
  return ids;
}

const rowsShown = () => page.locator('tbody tr[data-incident-id]').count();

async function graphIncidentIds(): Promise<string[]> {
  const data = await hub.query('{ incidents(first: 100) { nodes { id } } }');
  return data.incidents.nodes.map((n: { id: string }) => n.id).sort();
}

async function shownIncidentIds(): Promise<string[]> {
  return (await page.locator('tbody tr[data-incident-id]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-incident-id')!))).sort();
}

describe('operations console', () => {
  it('signs in with a token; a wrong token is refused with the reason', async () => {
    await page.goto(`${origin}/`);
    await page.getByLabel('API token').fill('sgt_not-a-token');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').waitFor();
    expect(await page.getByRole('alert').textContent()).toMatch(/UNAUTHENTICATED/);
    await screenshot(page, 'sign-in');

    await page.getByLabel('API token').fill(hub.tokens.OPERATOR);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Incidents' }).waitFor();
    await page.getByRole('status').filter({ hasText: 'Live' }).waitFor();
    expect(await page.getByText('test-operator (OPERATOR)').count()).toBe(1);
  });

  it('shows incidents created by the CTP sync live, without a reload', async () => {
    const before = await rowsShown();
    await newTickets(3, 'Live logon');
    await runSync();
    await page.waitForFunction((n) => (globalThis as any).document.querySelectorAll('tbody tr[data-incident-id]').length === n, before + 3);
    expect(await shownIncidentIds()).toEqual(await graphIncidentIds());
    await screenshot(page, 'incidents');
  });

  it('resumes after the socket drops with no missing row', async () => {
    const before = await rowsShown();
    await page.evaluate(() => (globalThis as any).__socgraphLive.dropConnection());
    await page.getByRole('status').filter({ hasText: 'Reconnecting' }).waitFor();
    await newTickets(4, 'While away');
    await runSync();
    // Nothing arrives while the socket is down: the rows below come from the resumed subscription.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(await rowsShown()).toBe(before);

    await page.evaluate(() => (globalThis as any).__socgraphLive.resumeConnection());
    await page.getByRole('status').filter({ hasText: 'Live' }).waitFor();
    await page.waitForFunction((n) => (globalThis as any).document.querySelectorAll('tbody tr[data-incident-id]').length === n, before + 4);
    expect(await shownIncidentIds()).toEqual(await graphIncidentIds());
  });

  it('closes an incident through the UI with a listed close code; the CTP sandbox records the close', async () => {
    const [ticketId] = await newTickets(1, 'To close');
    await runSync();
    const row = page.locator('tbody tr', { hasText: `for Ticket ID ${ticketId}` });
    await row.waitFor();
    await row.getByRole('link').click();
    await page.getByRole('heading', { name: 'Close' }).waitFor();
    await page.getByLabel('Close code').selectOption('True Positive');
    await page.getByLabel('Resolution summary').fill('Contained by the SOC');
    await screenshot(page, 'incident-detail');
    await page.getByRole('button', { name: 'Close incident' }).click();
    await page.getByTestId('incident-status').filter({ hasText: 'CLOSED' }).waitFor();
    // The timeline follows the incident live.
    await page.locator('.timeline li', { hasText: 'INCIDENT_CLOSED' }).first().waitFor();

    const closes = await control(ctp, 'GET', `/writes?kind=close&ticketId=${ticketId}`);
    expect(closes.count).toBe(1);
    const ticket = await control(ctp, 'GET', `/tickets/${ticketId}`);
    expect(JSON.stringify(ticket.ticket)).toMatch(/True Positive/);
  });

  it('creates a CFTR incident from selected threat data, showing the linked and skipped IOCs', async () => {
    const name = `Console report ${Date.now()}`;
    await control(ctix, 'POST', '/threat-data', { objects: [{
      type: 'report', name, confidence_score: 80, tlp: 'AMBER',
      indicators: [{ ioc_type: 'ipv4-addr', value: '203.0.113.77' }, { ioc_type: 'SSDEEP', value: '3:ab:cd' }],
    }] });
    const before = (await control(cftr, 'GET', '/incidents')).incidents.length;
    await page.getByRole('link', { name: 'Threat intel' }).click();
    await page.getByLabel('Search').fill(name);
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.getByLabel(`Select ${name}`).check();
    await screenshot(page, 'threat-intel');
    await page.getByRole('button', { name: /Create CFTR incident from 1 selected/ }).click();
    const created = page.getByTestId('created-incident');
    await created.waitFor();
    expect(await created.textContent()).toMatch(/Linked IOCs \(1\): 203\.0\.113\.77/);
    expect(await created.textContent()).toMatch(/Skipped IOCs \(1\): 3:ab:cd \(SSDEEP: UNMAPPED_TYPE\)/);
    expect((await control(cftr, 'GET', '/incidents')).incidents.length).toBe(before + 1);
  });

  it("shows a 2,000-ticket backfill's progress moving on the Jobs page", async () => {
    await control(ctp, 'POST', '/seed', { count: 2000 });
    await page.getByRole('link', { name: 'Jobs' }).click();
    await page.getByRole('heading', { name: 'ctp-resilient-sync' }).waitFor();
    await page.getByRole('button', { name: 'Run now: ctp-resilient-sync' }).click();
    const card = page.locator('[data-job="ctp-resilient-sync"]');
    // "done of total": the total is the feed's count when the run started (the 2,000 and any ticket changed earlier).
    const seen: Array<{ done: number; total: number }> = [];
    const deadline = Date.now() + 180_000;
    for (;;) {
      const text = await card.getByTestId('progress-text').textContent().catch(() => null);
      const figures = /^(\d+) of (\d+) done/.exec(text ?? '');
      const last = seen[seen.length - 1];
      if (figures && (!last || last.done !== Number(figures[1]))) seen.push({ done: Number(figures[1]), total: Number(figures[2]) });
      if (seen.length === 4) await screenshot(page, 'jobs');
      const state = await card.getByTestId('run-state').textContent();
      if (state === 'COMPLETED' && seen.length > 0 && seen[seen.length - 1]!.total >= 2000 && seen[seen.length - 1]!.done === seen[seen.length - 1]!.total) break;
      if (Date.now() > deadline) throw new Error(`backfill did not finish; seen ${JSON.stringify(seen)}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    // Figures in between were shown while it ran, rising, before the last.
    const run = seen.filter((s) => s.total >= 2000);
    const partial = run.filter((s) => s.done > 0 && s.done < s.total);
    expect(partial.length).toBeGreaterThanOrEqual(2);
    expect(run.map((s) => s.done)).toEqual([...run.map((s) => s.done)].sort((a, b) => a - b));
  }, 240_000);

  it("filters events by every registered vendor and incidents by the incident platforms, by display name", async () => {
    const options = async (label: string, count: number) => {
      const select = page.getByRole('combobox', { name: label });
      await select.locator('option').nth(count - 1).waitFor({ state: 'attached' });
      return select.locator('option').evaluateAll((all) => all.map((o) => [(o as any).value as string, o.textContent]));
    };
    await page.goto(`${origin}/events`);
    await page.getByRole('heading', { name: 'Events', exact: true }).waitFor();
    const vendors = registeredManifests().map((m) => [m.vendor, m.displayName]);
    expect(await options('Vendor', vendors.length + 1)).toEqual([['', 'All'], ...vendors]);

    await page.goto(`${origin}/`);
    await page.getByRole('heading', { name: 'Incidents', exact: true }).waitFor();
    const platforms = registeredManifests().filter((m) => m.capabilities.incidents).map((m) => [m.vendor, m.displayName]);
    expect(platforms.length).toBeGreaterThan(0);
    expect(await options('Platform', platforms.length + 1)).toEqual([['', 'All'], ...platforms]);
  });

  it('has no serious accessibility violations on any page (axe-core)', async () => {
    const pages: Array<[string, string]> = [['/', 'Incidents'], ['/threat-intel', 'Threat intel'], ['/jobs', 'Jobs'], ['/sources', 'Sources'], ['/events', 'Events']];
    const found: Record<string, unknown> = {};
    for (const [path, heading] of pages) {
      await page.goto(`${origin}${path}`);
      await page.getByRole('heading', { name: heading, exact: true }).waitFor();
      await page.waitForTimeout(500);
      if (path === '/sources') await screenshot(page, 'sources');
      if (path === '/events') await screenshot(page, 'events');
      const violations = await seriousAxeViolations(page);
      if (violations.length) found[path] = violations;
    }
    const incident = (await hub.query('{ incidents(first: 1) { nodes { id } } }')).incidents.nodes[0].id;
    await page.goto(`${origin}/incidents/${encodeURIComponent(incident)}`);
    await page.getByRole('heading', { name: 'Timeline' }).waitFor();
    const detail = await seriousAxeViolations(page);
    if (detail.length) found['/incidents/:id'] = detail;
    expect(found).toEqual({});
  });

  it('fits a narrow screen: the navigation wraps and no page scrolls sideways', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${origin}/`);
    await page.getByRole('heading', { name: 'Incidents' }).waitFor();
    const overflow = await page.evaluate(() => (globalThis as any).document.documentElement.scrollWidth - (globalThis as any).document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await screenshot(page, 'incidents-narrow');
    await page.setViewportSize({ width: 1280, height: 800 });
  });
});
