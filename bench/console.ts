import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { launchChromium } from '../test/support/browser.js';
import { startTestHub } from '../test/support/hub.js';
import { control } from '../test/support/sandbox-control.js';

/**
 * console: the operations console's budgets, in Debian's Chromium against a hub on its sandboxes.
 * - JavaScript the console page loads, gzipped (budget 300 KB; the explorer, a separate page, is listed too);
 * - first load on loopback: navigation to the sign-in form, and a signed-in load to the incidents table (≤ 1 s);
 * - responsiveness under live load: BENCH_INCIDENTS (default 1,000) incidents created by the CTP sync over
 *   BENCH_SECONDS (default 60) while the Incidents page is open; frame time p95 from requestAnimationFrame
 *   (budget 50 ms) and the longest task (PerformanceObserver 'longtask').
 */
const INCIDENTS = Number(process.env.BENCH_INCIDENTS ?? 1000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 60);
const BATCHES = 20;
const dist = fileURLToPath(new URL('../../web/dist/', import.meta.url));

function pageScripts(html: string): string[] {
  const srcs = [...html.matchAll(/<script[^>]*src="([^"]+)"/g), ...html.matchAll(/<link[^>]*rel="modulepreload"[^>]*href="([^"]+)"/g)].map((m) => m[1]!);
  return [...new Set(srcs)];
}

function gzippedKb(files: string[]): number {
  return Math.round(files.reduce((sum, file) => sum + gzipSync(readFileSync(`${dist}${file.replace(/^\//, '')}`), { level: 9 }).length, 0) / 102.4) / 10;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length ? Math.round(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! * 10) / 10 : 0;
}

export async function run(): Promise<void> {
  const consoleJsKb = gzippedKb(pageScripts(readFileSync(`${dist}index.html`, 'utf8')));
  const explorerJsKb = gzippedKb(pageScripts(readFileSync(`${dist}explorer.html`, 'utf8')));

  const hub = await startTestHub({ config: { sandboxes: 'all', jobs: { 'ctp-resilient-sync': { intervalSeconds: 0 }, 'ivanti-enrichment': { intervalSeconds: 0 } } } });
  const browser = await launchChromium();
  try {
    const origin = hub.http.url.replace(/\/graphql$/, '');
    const ctp = hub.sandboxes.get('secureworks-ctp')!;

    // First load: a fresh browser context each time (nothing cached), median of 5.
    const signInMs: number[] = [];
    const signedInMs: number[] = [];
    for (let i = 0; i < 5; i += 1) {
      const fresh = await browser.newContext();
      const page = await fresh.newPage();
      let started = Date.now();
      await page.goto(`${origin}/`);
      await page.locator('#token').waitFor();
      signInMs.push(Date.now() - started);
      await fresh.close();
      const signed = await browser.newContext();
      await signed.addInitScript((token) => (globalThis as any).sessionStorage.setItem('socgraph.token', token), hub.tokens.OPERATOR);
      const page2 = await signed.newPage();
      started = Date.now();
      await page2.goto(`${origin}/`);
      await page2.getByTestId('incident-total').waitFor();
      signedInMs.push(Date.now() - started);
      await signed.close();
    }

    // Live load: the Incidents page open while the sync creates incidents in batches over the period.
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    await context.addInitScript((token) => (globalThis as any).sessionStorage.setItem('socgraph.token', token), hub.tokens.OPERATOR);
    const page = await context.newPage();
    await page.goto(`${origin}/`);
    await page.getByRole('status').filter({ hasText: 'Live' }).waitFor();
    await page.evaluate(() => {
      const scope = globalThis as any;
      scope.__frames = [] as number[];
      scope.__longest = 0;
      let last = scope.performance.now();
      const tick = (now: number) => { scope.__frames.push(now - last); last = now; scope.requestAnimationFrame(tick); };
      scope.requestAnimationFrame(tick);
      new scope.PerformanceObserver((list: any) => {
        for (const entry of list.getEntries()) scope.__longest = Math.max(scope.__longest, entry.duration);
      }).observe({ type: 'longtask', buffered: false });
    });
    const perBatch = Math.ceil(INCIDENTS / BATCHES);
    const started = Date.now();
    for (let batch = 0; batch < BATCHES; batch += 1) {
      await control(ctp, 'POST', '/seed', { count: perBatch });
      await hub.services.jobs.runNow('ctp-resilient-sync');
      const next = started + ((batch + 1) * SECONDS * 1000) / BATCHES;
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, next - Date.now())));
    }
    const expected = perBatch * BATCHES;
    await page.waitForFunction((n) => Number((globalThis as any).document.querySelector('[data-testid="incident-total"]')?.textContent) >= n, expected, { timeout: 60_000 });
    const liveSeconds = (Date.now() - started) / 1000;
    const { frames, longest } = await page.evaluate(() => ({ frames: (globalThis as any).__frames as number[], longest: (globalThis as any).__longest as number }));
    const shown = Number(await page.getByTestId('incident-total').textContent());

    const figures = {
      consoleJsGzipKb: consoleJsKb,
      explorerJsGzipKb: explorerJsKb,
      firstLoadSignInMedianMs: percentile(signInMs, 50),
      firstLoadSignedInMedianMs: percentile(signedInMs, 50),
      liveIncidents: expected,
      liveSeconds: Math.round(liveSeconds),
      incidentsShown: shown,
      frames: frames.length,
      frameP50Ms: percentile(frames, 50),
      frameP95Ms: percentile(frames, 95),
      frameMaxMs: percentile(frames, 100),
      longestTaskMs: Math.round(longest),
      budgets: { consoleJsGzipKb: 300, firstLoadMs: 1000, frameP95Ms: 50 },
    };
    console.log(`console (Chromium ${browser.version()}, loopback; ${expected} incidents created live over ${figures.liveSeconds} s)\n`);
    console.log('measure                               value      budget');
    const rows: Array<[string, number, number | string]> = [
      ['console JavaScript, gzipped (KB)', figures.consoleJsGzipKb, 300],
      ['explorer JavaScript, gzipped (KB)', figures.explorerJsGzipKb, '—'],
      ['first load to sign-in form (ms)', figures.firstLoadSignInMedianMs, 1000],
      ['first load signed in, table (ms)', figures.firstLoadSignedInMedianMs, 1000],
      ['frame time p50 (ms)', figures.frameP50Ms, '—'],
      ['frame time p95 (ms)', figures.frameP95Ms, 50],
      ['frame time max (ms)', figures.frameMaxMs, '—'],
      ['longest task (ms)', figures.longestTaskMs, '—'],
      ['incidents shown live', figures.incidentsShown, expected],
    ];
    for (const [name, value, budget] of rows) console.log(`${name.padEnd(37)} ${String(value).padStart(6)} ${String(budget).padStart(11)}`);
    console.log(JSON.stringify({ bench: 'console', ...figures }));
  } finally {
    await browser.close();
    await hub.close();
  }
}
