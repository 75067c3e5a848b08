// Review (审核) in the console under the two-person rule: an author writes a question, submits it,
// cannot approve it; a second reviewer approves it; it is flagged with a reason that the queue
// and the question show; the reviewer approves it again.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, apiCall, adminToken } from './harness.mjs';
import { openConsole, text, shot } from './console-support.mjs';

let server;
let browser;

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  const admin = await adminToken(server.base);
  let r = await apiCall(server.base, 'POST', '/api/banks', { token: admin, body: { code: 'RVW', name: '审核演示题库' } });
  assert.equal(r.status, 201);
  for (const username of ['rv-author', 'rv-reviewer']) {
    r = await apiCall(server.base, 'POST', '/api/users', { token: admin, body: { username, password: 'a-good-password', roles: ['author'] } });
    assert.equal(r.status, 201);
  }
});

after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
});

test('an author writes and submits, cannot approve, a second reviewer approves, flags and re-approves', async () => {
  // The two-person rule is switched on from the review screen.
  const author = await openConsole(browser, server.base, { username: 'rv-author', password: 'a-good-password', allow: [403] });
  let page = author.page;
  await page.click('[data-test=nav-review]');
  await page.selectOption('[data-test=review-bank]', 'RVW');
  await page.waitForSelector('[data-test=review-two-person]');
  await page.check('[data-test=review-two-person]');
  await page.waitForSelector('[data-test=review-message] .notice-ok');

  // The author writes a draft and submits it.
  await page.goto(`${server.base}/console#/questions/new?bank=RVW`);
  await page.waitForSelector('[data-test=question-form]');
  await page.fill('[data-test=q-stem]', '保安员应当年满多少周岁？');
  for (const [i, o] of ['16', '18', '20', '22'].entries()) await page.fill(`[data-test=q-option-${i}]`, o);
  await page.check('[data-test=q-correct-1]');
  await page.fill('[data-test=q-source]', '《保安服务管理条例》第十六条');
  await page.selectOption('[data-test=q-status]', 'draft');
  await page.click('[data-test=q-save]');
  await page.waitForSelector('[data-test=review-status]');
  assert.equal(await text(page, '[data-test=review-status]'), '草稿');
  const url = page.url();
  await page.click('[data-test=review-submit]');
  await page.waitForFunction(() => document.querySelector('[data-test=review-status]')?.textContent === '待审核');
  assert.equal(await text(page, '[data-test=question-status]'), '待审核');
  await page.waitForSelector('[data-test=review-own-work]');

  // Approving one's own question is refused with the rule's text.
  await page.click('[data-test=review-approve]');
  await page.waitForSelector('[data-test=review-panel-message] .notice-error');
  assert.match(await text(page, '[data-test=review-panel-message]'), /二人审核/);
  assert.equal(await text(page, '[data-test=review-status]'), '待审核');
  await shot(page, 'console-review-own');
  assert.equal(author.errors.length, 0, author.errors.join('\n'));
  await author.context.close();

  // The second reviewer finds it in the queue and approves it.
  const reviewer = await openConsole(browser, server.base, { username: 'rv-reviewer', password: 'a-good-password', allow: [422] });
  page = reviewer.page;
  await page.goto(`${server.base}/console#/review?bank=RVW`);
  await page.waitForSelector('[data-test=review-queue]');
  assert.equal(await text(page, '[data-test=review-count-in_review]'), '1');
  await shot(page, 'console-review-queue');
  await page.click('[data-test=review-queue] a');
  await page.waitForSelector('[data-test=review-approve]');
  assert.equal(page.url(), url);
  await page.fill('[data-test=review-comment]', '出处核对无误');
  await page.click('[data-test=review-approve]');
  await page.waitForFunction(() => document.querySelector('[data-test=review-status]')?.textContent === '启用');
  assert.match(await text(page, '[data-test=review-record-1]'), /出处核对无误/);

  // A flag needs a reason; with one, the question is out of the draw and the reason shows.
  await page.click('[data-test=review-flag]');
  await page.waitForSelector('[data-test=review-panel-message] .notice-error');
  await page.fill('[data-test=review-comment]', '统计：难度 p = 0.97');
  await page.click('[data-test=review-flag]');
  await page.waitForFunction(() => document.querySelector('[data-test=review-status]')?.textContent === '已标记');
  assert.match(await text(page, '[data-test=review-record-1]'), /统计：难度 p = 0.97/);
  await page.goto(`${server.base}/console#/review?bank=RVW`);
  await page.waitForSelector('[data-test=review-queue]');
  assert.equal(await text(page, '[data-test=review-count-flagged]'), '1');
  assert.equal(await text(page, '[data-test^=review-reason-]'), '统计：难度 p = 0.97');
  await shot(page, 'console-review-flagged');

  // Cleared by the reviewer, it is active again; still version 1.
  await page.click('[data-test=review-queue] a');
  await page.waitForSelector('[data-test=review-clear]');
  await page.click('[data-test=review-clear]');
  await page.waitForFunction(() => document.querySelector('[data-test=review-status]')?.textContent === '启用');
  const id = Number(url.split('/').pop());
  const token = (await apiCall(server.base, 'POST', '/api/auth/login', { body: { username: 'rv-reviewer', password: 'a-good-password' } })).body.token;
  const q = await apiCall(server.base, 'GET', `/api/questions/${id}`, { token });
  assert.equal(q.body.status, 'active');
  assert.equal(q.body.current_version, 1);
  assert.equal(reviewer.errors.length, 0, reviewer.errors.join('\n'));
  await reviewer.context.close();
});
