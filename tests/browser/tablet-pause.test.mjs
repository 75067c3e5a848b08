// Issue 12, item 5: a paused tablet covers the paper with the proctor's reason (nothing can be
// answered until resumed), the console's room-wide pause asks for that reason, and extra time
// is announced on the tablet for one candidate and for the whole session.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, tabletContext, screenshot, apiCall, adminToken, ADMIN_PASSWORD } from './harness.mjs';

let server;
let browser;
let admin;
before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  admin = await adminToken(server.base);
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

async function sitting(c) {
  const ctx = await tabletContext(browser);
  const page = await ctx.newPage();
  await page.goto(server.base + '/');
  await page.fill('[data-test=login-ticket]', c.ticket);
  await page.fill('[data-test=login-id]', c.idNumber);
  await page.click('[data-test=login-submit]');
  await page.click('[data-test=start]');
  await page.waitForSelector('[data-test=question]');
  const s = await page.evaluate(() => JSON.parse(localStorage.getItem('exam.session')));
  return { ctx, page, attempt: s.attemptId };
}

/** Whether a tap in the middle of the first option reaches it (not the cover). */
async function optionReachable(page) {
  return page.evaluate(() => {
    const o = document.querySelector('[data-test=option]');
    const r = o.getBoundingClientRect();
    const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
    return !!hit && o.contains(hit) && !document.getElementById('main').inert;
  });
}

test('a pause covers the paper with the proctor\'s reason until resumed, and no answer can be given', async () => {
  const a = await sitting(server.candidates[0]);
  assert.equal(await optionReachable(a.page), true);
  const r = await apiCall(server.base, 'POST', `/api/attempts/${a.attempt}/pause`, { token: admin, body: { reason: '' } });
  assert.equal(r.status, 422, 'a pause without a reason is refused');
  assert.equal(r.body.error.code, 'reason_required');
  await apiCall(server.base, 'POST', `/api/attempts/${a.attempt}/pause`, { token: admin, body: { reason: '平板电量不足，更换设备' } });
  await a.page.waitForSelector('[data-test=pause-cover]:not([hidden])', { timeout: 5000 });
  assert.match(await a.page.textContent('[data-test=pause-reason]'), /暂停原因：平板电量不足，更换设备/);
  assert.equal(await optionReachable(a.page), false, 'the paper cannot be touched');
  // Even a tap forced through changes nothing on the tablet.
  await a.page.locator('[data-test=option]').first().dispatchEvent('click');
  assert.equal(await a.page.locator('[data-test=option][aria-checked=true]').count(), 0);
  assert.equal(await a.page.locator('[data-test=sync-indicator]').getAttribute('data-pending'), '0');
  await screenshot(a.page, 'tablet-paused-cover');

  // A reload while paused keeps the cover and its reason.
  await a.page.reload();
  await a.page.waitForSelector('[data-test=pause-cover]:not([hidden])');
  assert.match(await a.page.textContent('[data-test=pause-reason]'), /平板电量不足/);

  await apiCall(server.base, 'POST', `/api/attempts/${a.attempt}/resume`, { token: admin, body: {} });
  await a.page.waitForSelector('[data-test=pause-cover]', { state: 'hidden', timeout: 5000 });
  assert.equal(await optionReachable(a.page), true);
  await a.page.locator('[data-test=option]').first().click();
  assert.equal(await a.page.locator('[data-test=option][aria-checked=true]').count(), 1);
  await a.ctx.close();
});

test('extra time is announced on the tablet, for one candidate and for the whole session', async () => {
  const a = await sitting(server.candidates[1]);
  await apiCall(server.base, 'POST', `/api/attempts/${a.attempt}/extend`, { token: admin, body: { minutes: 10, reason: '设备故障补时' } });
  await a.page.waitForFunction(() => /监考老师为您延长了 10 分钟/.test(document.querySelector('[data-test=banner]').textContent), null, { timeout: 5000 });
  await screenshot(a.page, 'tablet-extended');
  const r = await apiCall(server.base, 'POST', '/api/sessions/1/extend', { token: admin, body: { minutes: 5, reason: '全场补时' } });
  assert.equal(r.status, 200);
  await a.page.waitForFunction(() => /监考老师为您延长了 5 分钟/.test(document.querySelector('[data-test=banner]').textContent), null, { timeout: 5000 });
  await a.page.click('[data-test=lang-switch]');
  await apiCall(server.base, 'POST', `/api/attempts/${a.attempt}/extend`, { token: admin, body: { minutes: 3, reason: 'again' } });
  await a.page.waitForFunction(() => /The proctor gave you 3 more minutes/.test(document.querySelector('[data-test=banner]').textContent), null, { timeout: 5000 });
  await a.page.click('[data-test=lang-switch]');
  await a.ctx.close();
});

test('the console\'s room-wide pause asks for the reason, which the tablets then show', async () => {
  const a = await sitting(server.candidates[2]);
  const ctx = await browser.newContext({ viewport: { width: 1024, height: 768 }, locale: 'zh-CN' });
  const p = await ctx.newPage();
  await p.goto(server.base + '/console#/login');
  await p.fill('[data-test=login-username]', 'admin');
  await p.fill('[data-test=login-password]', ADMIN_PASSWORD);
  await p.click('[data-test=login-submit]');
  await p.waitForSelector('[data-test=user-name]');
  await p.goto(server.base + '/console#/sessions/1/room');
  await p.waitForSelector('[data-test=live-status].ok');
  // An empty answer pauses nothing.
  p.once('dialog', (d) => d.accept(''));
  await p.click('[data-test=room-pause]');
  await p.waitForFunction(() => /请填写原因/.test(document.body.textContent));
  assert.equal(await a.page.locator('[data-test=pause-cover]:not([hidden])').count(), 0);
  p.once('dialog', (d) => { assert.match(d.message(), /暂停原因/); d.accept('消防演练，请原地等候'); });
  await p.click('[data-test=room-pause]');
  await a.page.waitForSelector('[data-test=pause-cover]:not([hidden])', { timeout: 5000 });
  assert.match(await a.page.textContent('[data-test=pause-reason]'), /消防演练，请原地等候/);
  await p.click('[data-test=room-resume]');
  await a.page.waitForSelector('[data-test=pause-cover]', { state: 'hidden', timeout: 5000 });
  await ctx.close();
  await a.ctx.close();
});
