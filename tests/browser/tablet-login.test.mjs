// Issue 12, item 9 (the candidate's side): a malformed ticket, a login lockout counting down in
// minutes and seconds, a rules card that says the clock already runs and counts down, flags and
// the current question following the candidate to a new tablet, and no 404 (favicon) on either page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, tabletContext, screenshot, apiCall, adminToken } from './harness.mjs';

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

/** A well-formed 18-digit ID number (check character as the standard computes it). */
function validId(birth, seq) {
  const first17 = `440106${birth}${String(seq).padStart(3, '0')}`;
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...first17].reduce((s, c, i) => s + Number(c) * weights[i], 0);
  return first17 + '10X98765432'[sum % 11];
}

async function tryLogin(page, ticket, idNumber) {
  await page.fill('[data-test=login-ticket]', ticket);
  await page.fill('[data-test=login-id]', idNumber);
  await page.click('[data-test=login-submit]');
}

test('an over-long or malformed ticket is told "准考证号格式不正确", by the tablet and by the server', async () => {
  const ctx = await tabletContext(browser);
  const page = await ctx.newPage();
  let sent = 0;
  page.on('request', (r) => { if (r.url().endsWith('/api/candidate/login')) sent += 1; });
  await page.goto(server.base + '/');
  const c = server.candidates[0];
  await tryLogin(page, `${c.ticket}1234567890`, c.idNumber);
  await page.waitForSelector('[data-test=login-error]:not(:empty)');
  assert.match(await page.textContent('[data-test=login-error]'), /准考证号格式不正确/);
  await tryLogin(page, 'K-2026-01', c.idNumber);
  assert.match(await page.textContent('[data-test=login-error]'), /准考证号格式不正确/);
  assert.equal(sent, 0, 'refused on the tablet, nothing sent');
  // The right shape but a wrong check letter: the server refuses it, with the same words.
  const wrong = c.ticket.slice(0, -1) + (c.ticket.endsWith('A') ? 'B' : 'A');
  await tryLogin(page, wrong, c.idNumber);
  await page.waitForFunction(() => /准考证号格式不正确/.test(document.querySelector('[data-test=login-error]').textContent) && document.querySelector('[data-test=login-submit]').disabled === false);
  assert.equal(sent, 1);
  await ctx.close();
});

test('a login lockout counts down in minutes and seconds', async () => {
  const ctx = await tabletContext(browser);
  const page = await ctx.newPage();
  await page.goto(server.base + '/');
  const c = server.candidates[1];
  const wrongId = validId('19850312', 11); // well formed, but not this candidate's
  for (let i = 0; i < 12; i++) {
    await tryLogin(page, c.ticket, wrongId);
    await page.waitForFunction(() => document.querySelector('[data-test=login-error]').textContent !== '', null, { timeout: 20000 });
    if (/后重试/.test(await page.textContent('[data-test=login-error]'))) break;
    await page.waitForFunction(() => !document.querySelector('[data-test=login-submit]').disabled, null, { timeout: 20000 });
    await page.evaluate(() => { document.querySelector('[data-test=login-error]').textContent = ''; });
  }
  const first = await page.textContent('[data-test=login-error]');
  assert.match(first, /请在 \d+ 分 \d+ 秒后重试/);
  assert.equal(await page.locator('[data-test=login-submit]').isDisabled(), true, 'no tries while locked');
  await page.waitForFunction((was) => document.querySelector('[data-test=login-error]').textContent !== was, first, { timeout: 3000 });
  await screenshot(page, 'tablet-login-locked');
  await ctx.close();
});

test('a candidate who logs in before the session opens sees the time to the opening count down', async () => {
  const admin = await adminToken(server.base);
  const exams = await apiCall(server.base, 'GET', '/api/exams', { token: admin });
  const examId = exams.body[0].id;
  const now = Date.now();
  const session = await apiCall(server.base, 'POST', '/api/sessions', {
    token: admin,
    body: {
      name: '稍后开考', number: '第二期', venue: '广州站', rooms: [{ name: '第一考场', seats: 10 }], exam_id: examId,
      starts_at: new Date(now + 10 * 60000).toISOString(), ends_at: new Date(now + 3 * 3600000).toISOString(),
    },
  });
  assert.equal(session.status, 201, JSON.stringify(session.body));
  const id = validId('19900101', 888);
  const seated = await apiCall(server.base, 'POST', `/api/sessions/${session.body.id}/candidates`, { token: admin, body: { name: '早到考生', id_number: id } });
  assert.equal(seated.status, 201, JSON.stringify(seated.body));
  const ctx = await tabletContext(browser);
  const page = await ctx.newPage();
  await page.goto(server.base + '/');
  await tryLogin(page, seated.body.ticket, id);
  await page.waitForFunction(() => /考试将于 \d\d:\d\d 开始，还有 9 分 \d+ 秒/.test(document.querySelector('[data-test=login-error]').textContent), null, { timeout: 5000 });
  const was = await page.textContent('[data-test=login-error]');
  await page.waitForFunction((w) => document.querySelector('[data-test=login-error]').textContent !== w, was, { timeout: 3000 });
  await screenshot(page, 'tablet-login-opens-in');
  await ctx.close();
});

test('the rules card says the clock already runs and counts down; flags and the question follow to a new tablet', async () => {
  const first = await tabletContext(browser);
  const a = await first.newPage();
  const c = server.candidates[2];
  await a.goto(server.base + '/');
  await tryLogin(a, c.ticket, c.idNumber);
  await a.waitForSelector('[data-test=rules-running]');
  const before = await a.textContent('[data-test=rules-running]');
  assert.match(before, /计时已经开始，剩余 \d+:\d\d/);
  await a.waitForFunction((was) => document.querySelector('[data-test=rules-running]').textContent !== was, before, { timeout: 3000 });
  await screenshot(a, 'tablet-rules-running');
  await a.click('[data-test=start]');
  await a.click('[data-test=flag]');
  const flagged = [Number(await a.getAttribute('[data-test=question]', 'data-qid'))];
  for (let i = 0; i < 4; i++) await a.click('[data-test=next]');
  await a.click('[data-test=flag]');
  flagged.push(Number(await a.getAttribute('[data-test=question]', 'data-qid')));
  const current = flagged[1];
  // Stored on the server a moment after the last change (quick taps are sent once).
  await a.waitForTimeout(2500);

  const second = await tabletContext(browser);
  const b = await second.newPage();
  await b.goto(server.base + '/');
  await tryLogin(b, c.ticket, c.idNumber);
  await b.click('[data-test=start]');
  assert.equal(Number(await b.getAttribute('[data-test=question]', 'data-qid')), current, 'the same question');
  assert.match(await b.textContent('#qhead'), /第 5 \//);
  assert.equal(await b.getAttribute('[data-test=flag]', 'aria-pressed'), 'true');
  await b.click('[data-test=open-navigator]');
  for (const qid of flagged) assert.equal(await b.locator(`[data-test=nav-item][data-qid="${qid}"].flagged`).count(), 1, `question ${qid} is flagged`);
  await first.close();
  await second.close();
});

test('neither the tablet app nor the console asks for anything that is not there (no favicon 404)', async () => {
  const ctx = await tabletContext(browser);
  const page = await ctx.newPage();
  const missing = [];
  page.on('response', (r) => { if (r.status() === 404) missing.push(r.url()); });
  page.on('console', (m) => { if (m.type() === 'error') missing.push(m.text()); });
  for (const path of ['/', '/console']) {
    await page.goto(server.base + path);
    await page.waitForLoadState('networkidle');
  }
  const icon = await page.request.get(server.base + '/favicon.ico');
  assert.equal(icon.status(), 200);
  assert.deepEqual(missing, []);
  await ctx.close();
});
