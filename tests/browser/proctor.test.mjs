// The proctor's live room view in the staff console, against candidates sitting on tablets in
// the same browser: focus loss, a pause (the tablet's countdown stops), extra time, and a
// tablet going offline, each showing on the proctor's screen.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, tabletContext, screenshot, ADMIN_PASSWORD } from './harness.mjs';

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

async function candidatePage(c) {
  const ctx = await tabletContext(browser);
  const page = await ctx.newPage();
  await page.goto(server.base + '/');
  await page.fill('[data-test=login-ticket]', c.ticket);
  await page.fill('[data-test=login-id]', c.idNumber);
  await page.click('[data-test=login-submit]');
  await page.click('[data-test=start]');
  await page.waitForSelector('[data-test=question]');
  return { ctx, page };
}

async function proctorPage() {
  const ctx = await browser.newContext({ viewport: { width: 1024, height: 768 }, hasTouch: true, locale: 'zh-CN' });
  const page = await ctx.newPage();
  await page.goto(server.base + '/console#/login');
  await page.fill('[data-test=login-username]', 'admin');
  await page.fill('[data-test=login-password]', ADMIN_PASSWORD);
  await page.click('[data-test=login-submit]');
  await page.waitForSelector('[data-test=user-name]');
  await page.goto(server.base + '/console#/sessions/1/room');
  await page.waitForSelector('[data-test=live-status].ok');
  return { ctx, page };
}

const tile = (page, name) => page.locator('[data-test=room-tile]', { hasText: name });

async function secondsLeft(page) {
  const text = await page.textContent('[data-test=countdown]');
  const m = text.match(/(\d+):(\d\d)(?::(\d\d))?/);
  return m[3] ? Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]) : Number(m[1]) * 60 + Number(m[2]);
}

test('the proctor sees a focus loss, pauses the tablet, gives extra time and sees it go offline', async () => {
  const proctor = await proctorPage();
  const c = server.candidates[6];
  const other = server.candidates[7];
  const a = await candidatePage(c);
  const b = await candidatePage(other);
  const p = proctor.page;
  await p.waitForFunction((name) => [...document.querySelectorAll('[data-test=room-tile]')].some((t) => t.textContent.includes(name) && t.dataset.state === 'in_progress'), c.name);
  await p.waitForFunction(() => /2/.test(document.querySelector('[data-test=total-in_progress]')?.textContent || ''), null, { timeout: 5000 });

  // Focus loss on the tablet shows within a moment.
  await a.page.evaluate(() => window.dispatchEvent(new Event('blur')));
  await p.waitForFunction((name) => [...document.querySelectorAll('[data-test=room-tile]')].find((t) => t.textContent.includes(name))?.querySelector('[data-test=tile-focus]').textContent.includes('1'), c.name, { timeout: 3000 });

  // Pause: the proctor acts on the tile; the tablet's countdown stops and says why.
  await tile(p, c.name).click();
  await p.fill('[data-test=action-reason]', '考生设备故障');
  await p.click('[data-test=act-pause]');
  await a.page.waitForFunction(() => /已暂停/.test(document.querySelector('[data-test=countdown]').textContent), null, { timeout: 3000 });
  await p.waitForFunction((name) => [...document.querySelectorAll('[data-test=room-tile]')].find((t) => t.textContent.includes(name))?.dataset.state === 'paused', c.name, { timeout: 3000 });
  assert.match(await a.page.textContent('[data-test=banner]'), /暂停/);
  const frozen = await secondsLeft(a.page);
  await a.page.waitForTimeout(2500);
  assert.equal(await secondsLeft(a.page), frozen, 'the countdown stands still while paused');
  await screenshot(p, 'console-room');
  await screenshot(a.page, 'candidate-paused');

  // Resume and ten more minutes: the tablet's time left grows by ten minutes.
  await p.click('[data-test=act-resume]');
  await a.page.waitForFunction(() => !/已暂停/.test(document.querySelector('[data-test=countdown]').textContent), null, { timeout: 3000 });
  const before = await secondsLeft(a.page);
  await p.fill('[data-test=action-minutes]', '10');
  await p.click('[data-test=act-extend]');
  await a.page.waitForFunction((was) => {
    const m = document.querySelector('[data-test=countdown]').textContent.match(/(\d+):(\d\d)(?::(\d\d))?/);
    const left = m && (m[3] ? Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]) : Number(m[1]) * 60 + Number(m[2]));
    return left > was + 500;
  }, before, { timeout: 3000 });
  const after = await secondsLeft(a.page);
  assert.ok(after - before > 590 && after - before < 610, `${before} + 600 ≈ ${after}`);

  // The second tablet loses its network: no heartbeat for 30 s and the proctor sees it offline.
  await b.ctx.setOffline(true);
  await p.selectOption('[data-test=sort]', 'offline');
  await p.waitForFunction((name) => [...document.querySelectorAll('[data-test=room-tile]')].find((t) => t.textContent.includes(name))?.dataset.state === 'offline', other.name, { timeout: 60000 });
  const first = await p.locator('[data-test=room-tile]').first().textContent();
  assert.ok(first.includes(other.name), 'offline first');
  await p.waitForFunction(() => /1/.test(document.querySelector('[data-test=total-offline]')?.textContent || ''), null, { timeout: 5000 });
  await screenshot(p, 'console-room-offline');
  await b.ctx.setOffline(false);
  await p.waitForFunction((name) => [...document.querySelectorAll('[data-test=room-tile]')].find((t) => t.textContent.includes(name))?.dataset.state === 'in_progress', other.name, { timeout: 30000 });

  await a.ctx.close();
  await b.ctx.close();
  await proctor.ctx.close();
});
