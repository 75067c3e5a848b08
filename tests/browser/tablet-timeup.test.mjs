// Issue 12, item 6: at time-up while offline, the tablet says at once how many answers did not
// reach the server and to tell the proctor (the server takes no answer after the deadline).
// The tablet's clock is moved on with Playwright's clock; the server's deadline is not.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, tabletContext, screenshot } from './harness.mjs';

let server;
let browser;
before(async () => {
  server = await startServer();
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

test('at time-up while offline the tablet says how many answers did not reach the server', async () => {
  const ctx = await tabletContext(browser);
  const page = await ctx.newPage();
  await page.clock.install();
  const c = server.candidates[0];
  await page.goto(server.base + '/');
  await page.fill('[data-test=login-ticket]', c.ticket);
  await page.fill('[data-test=login-id]', c.idNumber);
  await page.click('[data-test=login-submit]');
  await page.click('[data-test=start]');
  await page.waitForSelector('[data-test=question]');
  await page.locator('[data-test=option]').first().click();
  await page.waitForFunction(() => document.querySelector('[data-test=sync-indicator]')?.dataset.pending === '0');

  await ctx.setOffline(true);
  for (let i = 0; i < 3; i++) {
    await page.click('[data-test=next]');
    await page.locator('[data-test=option]').first().click();
  }
  await page.waitForFunction(() => document.querySelector('[data-test=sync-indicator]')?.dataset.pending === '3');
  await page.clock.fastForward('01:01:00');
  await page.waitForSelector('[data-test=time-up]', { timeout: 5000 });
  assert.equal(await page.getAttribute('[data-test=time-up]', 'data-unsent'), '3');
  const text = await page.textContent('[data-test=time-up]');
  assert.match(text, /考试时间已到/);
  assert.match(text, /有 3 条答案未能上传到服务器/);
  assert.match(text, /告知监考老师/);
  assert.doesNotMatch(text, /^已交卷$/);
  await screenshot(page, 'tablet-time-up-offline');
  await ctx.close();
});
