import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../harness/browser.js';
import { ROOT } from '../harness/built.js';
import { startStevedore, type RunningStevedore } from '../harness/stevedore.js';
import { tempDir, type TempDir } from '../harness/temp-dir.js';

/** Where the screenshots go, for CI to keep. */
const OUTPUT = join(ROOT, 'dist', 'test-output');

describe('the status page in a real browser', { timeout: 120_000 }, () => {
  let dir: TempDir;
  let s: RunningStevedore;
  let browser: Browser;
  const requests: string[] = [];

  before(async () => {
    mkdirSync(OUTPUT, { recursive: true });
    dir = tempDir('status-page');
    s = await startStevedore(
      dir,
      `service web { description "the shop's front end"; }
       service DB { description "orders and stock"; }
       service cache;
       service queue;`,
    );
    const reports = [
      { service: 'web', hostname: 'web-1', exitCode: 0, stdout: 'HTTP 200 in 12 ms' },
      { service: 'web', hostname: 'web-2', exitCode: 0, stdout: 'HTTP 200 in 15 ms' },
      { service: 'DB', hostname: 'db-primary', exitCode: 0, stdout: 'replication lag 0 s' },
      { service: 'DB', hostname: 'db-replica', exitCode: 0, stdout: '<script>window.pwned = 1</script><b>bold?</b>' },
      { service: 'cache', hostname: 'cache-1', exitCode: 7, stderr: 'connection refused: redis:6379' },
    ];
    for (const report of reports) assert.equal(await s.post(report), 204);
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await s?.process.stop();
    dir?.remove();
  });

  async function open(width: number, height: number, path = '/'): Promise<Page> {
    const page = await browser.newPage({ viewport: { width, height } });
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(`${s.readUrl}${path}`);
    return page;
  }
  const rowState = (page: Page, instance: string) => page.locator(`tr[data-instance="${instance}"]`).getAttribute('data-state');

  test('every service and instance, the failing first; output shown as text, never run', async () => {
    const page = await open(1280, 800);
    try {
      assert.deepEqual(await page.locator('section.service').evaluateAll((all) => all.map((e) => [e.getAttribute('data-service'), e.getAttribute('data-state')])), [
        ['cache', 'failing'], ['queue', 'unknown'], ['DB', 'ok'], ['web', 'ok'],
      ]);
      const replica = page.locator('tr[data-instance="db-replica"] td.output');
      assert.equal(await replica.textContent(), '<script>window.pwned = 1</script><b>bold?</b>');
      assert.equal(await page.evaluate('window.pwned'), undefined);
      assert.equal(await page.locator('tr[data-instance="cache-1"] td.exit').textContent(), '7');
      assert.equal(await page.locator('tr[data-instance="cache-1"] td.output').textContent(), 'connection refused: redis:6379');
      await page.screenshot({ path: join(OUTPUT, 'status-page-1280x800.png'), fullPage: false });
    } finally {
      await page.close();
    }
  });

  test('a failing report changes the row without a reload, and the service moves up', async () => {
    const page = await open(1280, 800);
    try {
      await page.evaluate('window.sameDocument = true');
      await page.locator('#live').filter({ hasText: 'live' }).waitFor();
      assert.equal(await rowState(page, 'db-primary'), 'ok');
      assert.equal(await s.post({ service: 'DB', hostname: 'db-primary', exitCode: 2, stdout: 'FATAL: too many connections' }), 204);
      await page.locator('tr[data-instance="db-primary"][data-state="failing"]').waitFor({ timeout: 10_000 });
      assert.equal(await page.locator('tr[data-instance="db-primary"] td.exit').textContent(), '2');
      assert.equal(await page.locator('tr[data-instance="db-primary"] td.output').textContent(), 'FATAL: too many connections');
      assert.equal(await page.locator('section[data-service="DB"]').getAttribute('data-state'), 'degraded');
      assert.deepEqual(await page.locator('tbody', { has: page.locator('tr[data-instance="db-primary"]') }).locator('tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-instance'))), ['db-primary', 'db-replica']);
      assert.equal(await page.evaluate('window.sameDocument'), true);
      assert.match(await page.title(), /^\(2\) stevedore$/);
    } finally {
      await page.close();
    }
  });

  test('filter by name and by state, as the operator types; and without JavaScript, by the form', async () => {
    const page = await open(1280, 800);
    try {
      await page.fill('input[name="q"]', 'web');
      assert.deepEqual(await page.locator('section.service:visible').evaluateAll((all) => all.map((e) => e.getAttribute('data-service'))), ['web']);
      await page.fill('input[name="q"]', '');
      await page.selectOption('select[name="state"]', 'failing');
      assert.deepEqual(await page.locator('tbody tr:visible').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-instance'))), ['cache-1', 'db-primary']);
    } finally {
      await page.close();
    }
    const plain = await browser.newPage({ javaScriptEnabled: false, viewport: { width: 1280, height: 800 } });
    try {
      await plain.goto(`${s.readUrl}/?q=db&state=ok`);
      assert.deepEqual(await plain.locator('tbody tr:visible').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-instance'))), ['db-replica']);
    } finally {
      await plain.close();
    }
  });

  test('on a phone: one card per instance, nothing wider than the screen', async () => {
    const page = await open(390, 844);
    try {
      assert.equal(await page.evaluate('document.documentElement.scrollWidth'), 390);
      await page.screenshot({ path: join(OUTPUT, 'status-page-390x844.png'), fullPage: false });
    } finally {
      await page.close();
    }
  });

  test('nothing is fetched but the page and its event stream', () => {
    const foreign = requests.filter((url) => !url.startsWith(s.readUrl));
    assert.deepEqual(foreign, []);
    assert.ok(requests.some((url) => url.startsWith(`${s.readUrl}/v1/events`)));
  });
});
