// Item analytics in the console (题目分析): the demo's past session (第七十三期, 200 simulated
// sittings, released) opens with stored statistics; the item table sorts by a statistic when
// its heading is clicked; the scatter, histogram and an item's option curves are drawn; the
// XLSX and PDF exports download; the bank view pools the session's figures.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser } from './harness.mjs';
import { openConsole, text, shot } from './console-support.mjs';

let server;
let browser;

before(async () => {
  server = await startServer({ env: { DEMO_HISTORY: '1' } });
  browser = await launchBrowser();
});

after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
});

/** The numbers in one column of the item table, in row order. */
async function column(page, col) {
  return page.$$eval(`[data-test=analytics-row] td[data-col=${col}]`, (cells) => cells.map((c) => Number(c.textContent)));
}

test('the past session shows stored statistics, sorts by a heading, draws its plots and exports', async () => {
  const { context, page, errors } = await openConsole(browser, server.base);
  await page.click('[data-test="nav-analytics"]');
  await page.waitForSelector('[data-test=analytics-sessions-list]');
  await page.locator('[data-test=analytics-session-link]', { hasText: '第七十三期' }).click();
  await page.waitForSelector('[data-test=analytics-table]');
  assert.equal(await page.getAttribute('[data-test=analytics-source]', 'data-source'), 'stored');
  assert.equal(await text(page, '[data-test=analytics-persons]'), '200');
  assert.match(await text(page, '[data-test=analytics-alpha]'), /^0\.\d{3}$/);
  const rows = await page.locator('[data-test=analytics-row]').count();
  assert.ok(rows > 40, `${rows} items`);

  // Plots: a point per item with a discrimination, the shaded flag zones, the histogram.
  assert.ok(await page.locator('[data-test=scatter-point]').count() > 40);
  assert.equal(await page.locator('[data-test=analytics-scatter] [data-test=zone-hard]').count(), 1);
  assert.ok(await page.locator('[data-test=analytics-histogram] [data-test=histogram-bin]').count() >= 5);
  assert.ok(await page.locator('[data-test=analytics-flag]').count() > 0, 'flags shown');

  // Sort by facility: first click descending, second ascending.
  await page.click('[data-test=analytics-sort-facility]');
  let p = await column(page, 'facility');
  assert.deepEqual(p, [...p].sort((a, b) => b - a), 'descending');
  await page.click('[data-test=analytics-sort-facility]');
  p = await column(page, 'facility');
  assert.deepEqual(p, [...p].sort((a, b) => a - b), 'ascending');
  assert.match(await text(page, '[data-test=analytics-sorted]'), /难度/);
  assert.equal(await page.getAttribute('[data-test=analytics-table] th[aria-sort=ascending] button', 'data-test'), 'analytics-sort-facility');

  // The hardest item's option curves: one line per option, the key drawn among them.
  await page.locator('[data-test=analytics-row]').first().locator('[data-test=analytics-options]').click();
  await page.waitForSelector('[data-test=analytics-distractor]');
  const lines = await page.locator('[data-test=distractor-line]').count();
  assert.ok(lines >= 2, `${lines} option lines`);
  assert.equal(await page.locator('[data-test=distractor-line][data-key=true]').count() >= 1, true);
  await shot(page, 'analytics-session');

  for (const format of ['xlsx', 'pdf']) {
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.click(`[data-test=analytics-export-${format}]`),
    ]);
    assert.match(download.suggestedFilename(), new RegExp(`^analytics-session-\\d+\\.${format}$`));
  }

  // The bank view pools the recorded session.
  await page.goto(`${server.base}/console#/banks/LAW/analytics`);
  await page.waitForSelector('[data-test=analytics-table]');
  assert.equal(await page.getAttribute('[data-test=analytics-source]', 'data-source'), 'pooled');
  assert.ok(await page.locator('[data-test=analytics-sessions] tbody tr').count() >= 1);
  await shot(page, 'analytics-bank');
  assert.deepEqual(errors, []);
  await context.close();
});
