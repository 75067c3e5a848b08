// Issue 13: a judge marks a sheet on the tablet with the network cut, reloads the page while
// still offline (the service worker keeps the app, the device keeps the queue), comes back
// online, and every mark reaches the server in order; then the sheet is submitted.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, screenshot, apiCall, adminToken } from './harness.mjs';
import { practicalSession, openJudge, openSheet, enter, waitSynced, judgeToken } from './judge-support.mjs';

let server;
let browser;
let s;
before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  const staff = await adminToken(server.base);
  s = await practicalSession(server.base, staff, {
    tag: 'OFF',
    judges: [{ username: 'pingfen.li', name: '考评员 李明', affiliation: '广东省职业技能鉴定指导中心' }],
    candidates: [{ name: '赵一', employer: '深圳某安防工程公司' }],
  });
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

const pending = (page) => page.locator('[data-test=sync-indicator]').getAttribute('data-pending').then(Number);

test('marks entered offline survive a reload and reach the server once the network is back', async () => {
  const { context, page, errors } = await openJudge(browser, server.base, 'pingfen.li');
  const code = s.codes[0].code;
  const token = await judgeToken(server.base, 'pingfen.li');
  const sheetPath = `/api/judging/tasks/${s.taskId}/sheets/${code}`;
  // The service worker holds the app before the network goes.
  await page.evaluate(() => navigator.serviceWorker.ready);
  await openSheet(page, s.taskId, code);
  assert.match(await page.textContent('[data-test=sync-indicator]'), /已保存/);

  await context.setOffline(true);
  await enter(page, 0, 2);
  await enter(page, 1, 3.5);
  await enter(page, 2, 1);
  await enter(page, 3, 1);
  assert.equal(await pending(page), 4);
  assert.match(await page.textContent('[data-test=sync-indicator]'), /离线 · 4 条待同步/);
  // 2/3 of 4 + half of 2 (3.5 mm is within 5 mm) + 4 − 1 = 6.67
  assert.match(await page.textContent('[data-test=total]'), /合计 6\.67 \/ 10 分/);
  await screenshot(page, 'judge-offline-marked');
  const during = await apiCall(server.base, 'GET', sheetPath, { token });
  assert.equal(during.status, 200);
  assert.equal(during.body.marks.length, 0, 'nothing reached the server while offline');

  await page.reload();
  await page.waitForSelector(`[data-test=sheet][data-code="${code}"]`);
  assert.equal(await pending(page), 4, 'the queue survived the reload');
  assert.ok(await page.locator('[data-test=stale]').count(), 'the sheet says it is the copy kept on the tablet');
  for (const [aspect, entry] of [[0, 2], [1, 3.5], [2, 1], [3, 1]]) {
    assert.equal(await page.getAttribute(`[data-test=aspect][data-aspect="${aspect}"]`, 'data-entry'), String(entry), `aspect ${aspect} still shows its entry`);
  }
  await screenshot(page, 'judge-offline-reloaded');
  await page.click('[data-test=submit-sheet]');
  await page.click('[data-test=confirm-ok]');
  await page.waitForSelector('[data-test=submit-error]');
  assert.match(await page.textContent('[data-test=submit-error]'), /离线|未同步/, 'no submission while marks are still on the tablet');

  await context.setOffline(false);
  await waitSynced(page);
  assert.match(await page.textContent('[data-test=sync-indicator]'), /已保存/);
  const held = await apiCall(server.base, 'GET', sheetPath, { token });
  const byAspect = new Map(held.body.marks.map((m) => [m.aspect, m]));
  assert.deepEqual([0, 1, 2, 3].map((a) => byAspect.get(a)?.entry), [2, 3.5, 1, 1], 'the server holds every mark');
  assert.equal(held.body.submitted_at, null);

  await page.click('[data-test=submit-sheet]');
  await page.click('[data-test=confirm-ok]');
  await page.waitForSelector('[data-test=sheet][data-submitted=true]');
  const after = await apiCall(server.base, 'GET', sheetPath, { token });
  assert.ok(after.body.submitted_at, 'the sheet is submitted on the server');
  assert.equal(await page.locator('[data-test=level-3]:not([disabled])').count(), 0, 'a submitted sheet is read-only');
  await screenshot(page, 'judge-offline-submitted');
  assert.deepEqual(errors, []);
  await context.close();
});
