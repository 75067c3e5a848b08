// The tablet exam client in Debian's Chromium at a tablet viewport, against the real server with
// the demo data: a whole exam in Chinese, a network cut mid-exam, a reload while offline, and a
// takeover from a second tablet.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, tabletContext, screenshot, apiCall } from './harness.mjs';

/** How long the network stays down in the Wi-Fi test (the issue asks for a minute). */
const OFFLINE_MS = Number(process.env.OFFLINE_MS || 60000);

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

async function login(page, c) {
  await page.goto(server.base + '/');
  await page.fill('[data-test=login-ticket]', c.ticket);
  await page.fill('[data-test=login-id]', c.idNumber);
  await page.click('[data-test=login-submit]');
  await page.waitForSelector('[data-test=start]');
}

/** Answers the question on screen with something valid; returns its id. */
async function answerCurrent(page, i = 0) {
  const q = page.locator('[data-test=question]');
  const qid = Number(await q.getAttribute('data-qid'));
  const options = page.locator('[data-test=option]');
  if (await options.count()) {
    await options.nth(i % (await options.count())).click();
  } else if (await page.locator('[data-test=blank]').count()) {
    const blanks = page.locator('[data-test=blank]');
    for (let b = 0; b < (await blanks.count()); b++) await blanks.nth(b).fill(`答案${b + 1}`);
    await blanks.last().press('Tab');
  } else {
    await page.fill('[data-test=text-answer]', '应定期检查摄像机、录像存储和报警联动是否正常，并做好记录。');
    await page.locator('[data-test=text-answer]').press('Tab');
  }
  return qid;
}

async function pending(page) {
  return Number(await page.locator('[data-test=sync-indicator]').getAttribute('data-pending'));
}

async function waitSynced(page, timeout = 30000) {
  await page.waitForFunction(() => document.querySelector('[data-test=sync-indicator]')?.dataset.pending === '0', null, { timeout });
}

/** What the server holds for the attempt open in `page` (read with the page's own token). */
async function serverAnswers(page) {
  const s = await page.evaluate(() => JSON.parse(localStorage.getItem('exam.session')));
  const r = await apiCall(server.base, 'GET', `/api/attempts/${s.attemptId}`, { token: s.token });
  assert.equal(r.status, 200);
  return new Map(r.body.answers.map((a) => [a.question_id, a]));
}

test('a candidate sits the whole exam in Chinese and sees the score', async () => {
  const ctx = await tabletContext(browser, { orientation: 'portrait' });
  const page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await login(page, server.candidates[0]);
  assert.match(await page.textContent('main'), /考试须知/);
  await page.click('[data-test=start]');
  const total = Number((await page.textContent('#qhead')).match(/\/ (\d+)/)[1]);
  assert.equal(total, 44, 'the demo paper has 44 questions');
  await answerCurrent(page);
  await screenshot(page, 'candidate-question-portrait');
  await page.setViewportSize({ width: 1024, height: 768 });
  await screenshot(page, 'candidate-question-landscape');
  await page.setViewportSize({ width: 768, height: 1024 });
  // Answer all but the last two, flag one.
  for (let i = 1; i < total - 2; i++) {
    await page.click('[data-test=next]');
    await answerCurrent(page, i);
    if (i === 5) await page.click('[data-test=flag]');
  }
  await page.click('[data-test=open-navigator]');
  assert.equal(await page.locator('[data-test=nav-item].answered').count(), total - 2);
  assert.equal(await page.locator('[data-test=nav-item].flagged').count(), 1);
  await screenshot(page, 'candidate-navigator');
  await page.click('[data-test=open-submit]');
  const confirm = await page.textContent('[data-test=confirm]');
  assert.match(confirm, /未答题目（2）/);
  assert.match(confirm, /已标记题目（1）/);
  await screenshot(page, 'candidate-submit');
  await waitSynced(page);
  assert.equal((await serverAnswers(page)).size, total - 2, 'every tap reached the server');
  await page.click('[data-test=confirm-submit]');
  await page.waitForSelector('[data-test=score]');
  assert.match(await page.textContent('[data-test=score]'), /\d+(\.\d+)? \/ 100 分/);
  await screenshot(page, 'candidate-result');
  assert.deepEqual(errors, []);
  await ctx.close();
});

test('answers made while the network is down queue on the tablet and all reach the server', async () => {
  const ctx = await tabletContext(browser);
  const page = await ctx.newPage();
  await login(page, server.candidates[1]);
  await page.click('[data-test=start]');
  const online = [await answerCurrent(page)];
  await page.click('[data-test=next]');
  online.push(await answerCurrent(page));
  await waitSynced(page);

  await ctx.setOffline(true);
  const offline = [];
  for (let i = 0; i < 5; i++) {
    await page.click('[data-test=next]');
    offline.push(await answerCurrent(page, i + 1));
  }
  await page.waitForFunction(() => document.querySelector('[data-test=sync-indicator]')?.dataset.pending === '5');
  assert.match(await page.textContent('[data-test=sync-indicator]'), /网络已断开 · 5 条答案保存在本机/);
  await screenshot(page, 'candidate-offline');
  const during = await page.evaluate(() => JSON.parse(localStorage.getItem('exam.session')));
  // The server has only what was sent before the cut.
  const before = await apiCall(server.base, 'GET', `/api/attempts/${during.attemptId}`, { token: during.token });
  assert.equal(before.body.answers.length, 2);
  await page.waitForTimeout(OFFLINE_MS);
  assert.equal(await pending(page), 5, 'still queued after the outage');

  await ctx.setOffline(false);
  await waitSynced(page);
  const held = await serverAnswers(page);
  for (const qid of [...online, ...offline]) assert.ok(held.has(qid), `question ${qid} is on the server`);
  const seqs = offline.map((qid) => held.get(qid).seq);
  assert.deepEqual([...seqs].sort((a, b) => a - b), seqs, 'synced in order with their sequence numbers');
  await ctx.close();
});

test('a reload while offline keeps the queued answers and syncs them later', async () => {
  const ctx = await tabletContext(browser, { orientation: 'landscape' });
  const page = await ctx.newPage();
  await login(page, server.candidates[2]);
  // The service worker must hold the app before the network goes.
  await page.evaluate(() => navigator.serviceWorker.ready);
  await page.click('[data-test=start]');
  await ctx.setOffline(true);
  const queued = [await answerCurrent(page)];
  await page.click('[data-test=next]');
  queued.push(await answerCurrent(page, 1));
  await page.waitForFunction(() => document.querySelector('[data-test=sync-indicator]')?.dataset.pending === '2');
  await page.reload();
  await page.waitForSelector('[data-test=question]');
  assert.equal(await pending(page), 2, 'the queue survived the reload');
  assert.equal(await page.locator('[data-test=option][aria-checked=true]').count(), 1, 'the answer is still shown');
  await ctx.setOffline(false);
  await waitSynced(page);
  const held = await serverAnswers(page);
  for (const qid of queued) assert.ok(held.has(qid));
  await ctx.close();
});

test('logging in on a second tablet continues the exam and the first one is told at once', async () => {
  const first = await tabletContext(browser);
  const a = await first.newPage();
  await login(a, server.candidates[3]);
  await a.click('[data-test=start]');
  const qid = await answerCurrent(a);
  await waitSynced(a);

  const second = await tabletContext(browser);
  const b = await second.newPage();
  await login(b, server.candidates[3]);
  await b.click('[data-test=start]');
  await b.click('[data-test=open-navigator]');
  assert.equal(await b.locator(`[data-test=nav-item][data-qid="${qid}"].answered`).count(), 1, 'the answer from the first tablet is there');
  await b.click('[data-test=back-to-question]');

  // The first tablet is told at once, through its live stream, without another tap.
  await a.waitForSelector('[data-test=taken-over]', { timeout: 5000 });
  assert.match(await a.textContent('[data-test=taken-over]'), /其他设备/);
  await first.close();
  await second.close();
});

test('the English switch changes every label and stays after a reload', async () => {
  const ctx = await tabletContext(browser);
  const page = await ctx.newPage();
  await page.goto(server.base + '/');
  await page.click('[data-test=lang-switch]');
  assert.equal(await page.textContent('[data-test=login-submit]'), 'Log in');
  await page.reload();
  assert.equal(await page.textContent('[data-test=login-submit]'), 'Log in');
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  await page.fill('[data-test=login-ticket]', server.candidates[4].ticket);
  await page.fill('[data-test=login-id]', '440106198503120112');
  await page.click('[data-test=login-submit]');
  await page.waitForSelector('[data-test=login-error]:not(:empty)');
  assert.match(await page.textContent('[data-test=login-error]'), /not valid|do not match/);
  await ctx.close();
});

test('a tablet whose clock is three hours wrong still counts down the server\'s time', async () => {
  const ctx = await tabletContext(browser);
  const page = await ctx.newPage();
  await page.clock.install({ time: new Date(Date.now() + 3 * 3600 * 1000) });
  await login(page, server.candidates[5]);
  await page.click('[data-test=start]');
  await page.waitForFunction(() => !document.querySelector('[data-test=countdown]').hidden);
  const text = await page.textContent('[data-test=countdown]');
  const [, mm] = text.match(/(\d\d):\d\d/);
  assert.ok(Number(mm) >= 58, `about an hour left, not negative or three hours off: ${text}`);
  await ctx.close();
});
