import type { Browser } from 'playwright-core';
import { SyncEventKind } from '../../src/events/sync-event-kind.js';
import { launchChromium, screenshot } from '../support/browser.js';
import { startTestHub, type TestHub } from '../support/hub.js';

/** GraphiQL at GET /graphql for browsers: bundled (no CDN), token pre-filled in sandbox mode on loopback only. */
let hub: TestHub;
let browser: Browser;

beforeAll(async () => {
  hub = await startTestHub({ developmentToken: true });
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await hub?.close();
});

describe('GraphQL explorer', () => {
  it('answers a browser with the explorer and API clients with GraphQL', async () => {
    const page = await fetch(hub.http.url, { headers: { accept: 'text/html,application/xhtml+xml' } });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    const html = await page.text();
    expect(html).toContain('socgraph GraphQL explorer');
    expect(html).not.toMatch(/https?:\/\/(?!localhost|127\.0\.0\.1)[a-z]/i); // nothing from a CDN
    // A browser on this machine, hub in sandbox mode: the development token is in the page.
    expect(html).toContain(hub.developmentToken!);
    const api = await fetch(hub.http.url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${hub.tokens.VIEWER}` }, body: JSON.stringify({ query: '{ viewer { role } }' }) });
    expect(await api.json()).toEqual({ data: { viewer: { role: 'VIEWER' } } });
  });

  it('runs a query with the pre-filled token, offline (every request stays on the hub)', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const foreign: string[] = [];
    const origin = new URL(hub.http.url).origin;
    await page.route('**/*', (route) => {
      const url = route.request().url();
      if (!url.startsWith(origin) && !url.startsWith('ws')) {
        foreign.push(url);
        return route.abort();
      }
      return route.continue();
    });
    await page.goto(hub.http.url);
    await page.locator('.graphiql-container').waitFor();
    // Docs from introspection: the schema's root types are listed.
    await page.getByRole('button', { name: 'Show Documentation Explorer' }).click();
    await page.getByText('Root Types').waitFor();
    await page.locator('.graphiql-doc-explorer').getByText('Subscription', { exact: true }).waitFor();
    const unauthorised: string[] = [];
    page.on('response', (response) => { if (response.status() === 401) unauthorised.push(response.url()); });
    await page.getByRole('button', { name: /Execute query/i }).click();
    await page.locator('.result-window').filter({ hasText: '"role": "ADMIN"' }).waitFor();
    await screenshot(page, 'explorer');
    expect(foreign).toEqual([]);
    expect(unauthorised).toEqual([]);

    // A subscription runs over graphql-ws with the same headers (as connectionParams): a new event shows up.
    await page.locator('.graphiql-query-editor .CodeMirror').first().evaluate((editor) => {
      (editor as unknown as { CodeMirror: { setValue(text: string): void } }).CodeMirror.setValue('subscription { syncEvents(kinds: [SYNC_WARNING]) { kind message } }');
    });
    // GraphiQL re-parses the editor's document after an edit (debounced); run it once it knows it is a subscription,
    // or it would be sent over HTTP (and refused there: SUBSCRIPTION_OVER_HTTP).
    await page.waitForTimeout(750);
    await page.getByRole('button', { name: /Execute query/i }).click();
    await new Promise((resolve) => setTimeout(resolve, 1000));
    await hub.services.events.publish({ kind: SyncEventKind.SYNC_WARNING, message: 'seen by the explorer' });
    await page.locator('.result-window').filter({ hasText: 'seen by the explorer' }).waitFor();
    await context.close();
  });
});
