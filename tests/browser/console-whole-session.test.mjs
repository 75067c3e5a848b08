// A whole session run from the staff console alone, in Chinese, on the demo server: a proctor
// account, a new bank with its questions, an exam drawn from it, a session with that proctor and a
// candidate added by hand, the candidate sitting it on the tablet with the ticket the console
// shows, the result in the console, and a certificate type, issued certificate and its PDF. Every
// change is made through the console's screens; the API is only read at the end to check what the
// server holds.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startServer, launchBrowser, tabletContext, screenshot, apiCall, adminToken } from './harness.mjs';
import { openConsole, text, shot, idNumber } from './console-support.mjs';

let server;
let browser;

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
});

after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
});

const BANK = 'FIRE';
const BANK_NAME = '消防设施操作';
const EXAM = '消防设施操作员结业考试';
const CANDIDATE = '黄考生';
const CANDIDATE_ID = idNumber('44030419910315201');
const PROCTOR = { username: 'zhoujk', name: '周监考', password: 'zhou-proctor-1' };
/** The questions made in the console; the candidate picks `right` on the tablet. */
const QUESTIONS = [
  { kind: 'single', stem: '发现火灾后应首先拨打的报警电话是（ ）。', options: ['119', '110', '120', '122'], correct: 0 },
  { kind: 'single', stem: '干粉灭火器使用前应先（ ）。', options: ['倒置瓶身', '拔出保险销', '拧开瓶底', '敲击瓶身'], correct: 1 },
  { kind: 'single', stem: '疏散指示标志的主要作用是（ ）。', options: ['装饰墙面', '照明办公', '指示安全出口方向', '标注消防水源'], correct: 2 },
  { kind: 'true_false', stem: '常闭式防火门平时应保持关闭状态。', value: true },
];

/** "YYYY-MM-DDTHH:MM" in Shanghai time (the console's datetime-local fields). */
const shanghai = (ms) => new Date(ms + 8 * 3600e3).toISOString().slice(0, 16);

test('a whole session from the console alone: accounts, bank, exam, session, sitting, results, certificate', async (t) => {
  const { context, page, errors } = await openConsole(browser, server.base);
  let sid;
  let ticket;

  await t.test('1 账号与角色: a proctor account with a password', async () => {
    await page.click('[data-test=nav-users]');
    await page.waitForSelector('[data-test=users-table]');
    await page.click('[data-test=user-new-open]');
    await page.fill('[data-test=user-new-username]', PROCTOR.username);
    await page.fill('[data-test=user-new-name]', PROCTOR.name);
    await page.fill('[data-test=user-new-password]', PROCTOR.password);
    await page.check('[data-test=user-new-role-proctor]');
    await page.click('[data-test=user-create]');
    await page.waitForSelector('[data-test=users-flash]');
    assert.match(await text(page, `[data-username=${PROCTOR.username}]`), /监考/);
    await shot(page, 'whole-session-1-proctor');
  });

  await t.test('2 题库与试题: a new bank and four active questions in it', async () => {
    await page.click('[data-test=nav-banks]');
    await page.click('[data-test=bank-new-open]');
    await page.fill('[data-test=bank-code]', BANK);
    await page.fill('[data-test=bank-name]', BANK_NAME);
    await page.fill('[data-test=bank-description]', '消防设施操作员培训考核题');
    await page.click('[data-test=bank-create]');
    await page.waitForSelector('[data-test=question-form]');
    for (const [n, q] of QUESTIONS.entries()) {
      if (n > 0) {
        // The question page has no "another question" link: back to the bank list for the next.
        await page.click('[data-test=nav-banks]');
        await page.click(`[data-test=bank-new-question-${BANK}]`);
        await page.waitForSelector('[data-test=question-form]');
      }
      assert.equal(await page.inputValue('[data-test=q-bank]'), BANK);
      if (q.kind !== 'single') await page.selectOption('[data-test=q-kind]', q.kind);
      await page.fill('[data-test=q-stem]', q.stem);
      if (q.kind === 'single') {
        for (const [i, o] of q.options.entries()) await page.fill(`[data-test=q-option-${i}]`, o);
        await page.check(`[data-test=q-correct-${q.correct}]`);
      } else {
        await page.check(`[data-test=q-tf-${q.value}]`);
      }
      await page.fill('[data-test=q-points]', '1');
      assert.equal(await page.inputValue('[data-test=q-status]'), 'active');
      if (n === 0) await shot(page, 'whole-session-2-question');
      await page.click('[data-test=q-save]');
      await page.waitForSelector('[data-test=question-flash]');
      assert.match(await text(page, '[data-test=question-flash]'), /已创建/);
      assert.equal(await text(page, '[data-test=question-status]'), '启用');
    }
    // The bank's questions, found by the console's search.
    await page.click('[data-test=nav-banks]');
    await page.click(`[data-test=bank-open-${BANK}]`);
    await page.waitForFunction(() => /共找到 4 道题/.test(document.querySelector('[data-test=question-total]')?.textContent || ''));
  });

  await t.test('3 考试与组卷: an exam drawing 3 single choice and 1 true/false from the new bank', async () => {
    await page.click('[data-test=nav-exams]');
    await page.waitForSelector('[data-test=exams-table]');
    await page.click('[data-test=exam-new]');
    await page.waitForSelector('[data-test=exam-form]');
    await page.fill('[data-test=exam-name]', EXAM);
    await page.fill('[data-test=exam-time-limit]', '20');
    await page.fill('[data-test=exam-pass-line]', '2');
    // Release of results: the default (at submit).
    assert.equal(await page.inputValue('[data-test=exam-release]'), 'at_submit');
    await page.locator('[data-test=bp-section-title]').first().fill('一、基础知识');
    const first = page.locator('[data-test=bp-cell]').first();
    await first.locator('[data-test=bp-bank]').selectOption(BANK);
    await first.locator('[data-test=bp-kind]').selectOption('single');
    await first.locator('[data-test=bp-count]').fill('3');
    await first.locator('[data-test=bp-points]').fill('1');
    await page.click('[data-test=bp-add-cell]');
    const second = page.locator('[data-test=bp-cell]').nth(1);
    await second.locator('[data-test=bp-bank]').selectOption(BANK);
    await second.locator('[data-test=bp-kind]').selectOption('true_false');
    await second.locator('[data-test=bp-count]').fill('1');
    await second.locator('[data-test=bp-points]').fill('1');
    await page.waitForFunction(() => document.querySelector('[data-test=blueprint-feasibility]')?.dataset.state === 'feasible'
      && document.querySelector('[data-test=bp-total-questions]')?.textContent === '4'
      && document.querySelector('[data-test=bp-total-points]')?.textContent === '4', null, { timeout: 30000 });
    await shot(page, 'whole-session-3-exam');
    await page.click('[data-test=exam-save]');
    await page.waitForURL(/#\/exams\/\d+$/);
    await page.waitForSelector('[data-test=exam-saved]');
    assert.match(await text(page, '[data-test=exam-saved]'), new RegExp(EXAM));
  });

  await t.test('4 场次与考生: a session with a room and the new proctor, one candidate by hand, tickets', async () => {
    await page.click('[data-test=nav-sessions]');
    await page.waitForSelector('[data-test=sessions-table]');
    await page.click('[data-test=session-new]');
    await page.waitForSelector('[data-test=session-form]');
    const examValue = await page.locator('[data-test=session-exam] option', { hasText: EXAM }).getAttribute('value');
    await page.selectOption('[data-test=session-exam]', examValue);
    await page.fill('[data-test=session-name]', '消防设施操作员培训');
    await page.fill('[data-test=session-number]', '第三期');
    await page.fill('[data-test=session-venue]', '深圳培训中心');
    // Open now (the default starts at the next hour), so the candidate can sit straight away.
    await page.fill('[data-test=session-starts]', shanghai(Date.now() - 3600e3));
    await page.fill('[data-test=session-ends]', shanghai(Date.now() + 3 * 3600e3));
    await page.locator('[data-test=room-name]').first().fill('201 教室');
    await page.locator('[data-test=room-seats]').first().fill('20');
    await page.locator('[data-test=room-proctors]').first().selectOption({ label: `${PROCTOR.name}（${PROCTOR.username}）` });
    await shot(page, 'whole-session-4-session-new');
    await page.click('[data-test=session-create]');
    await page.waitForURL(/#\/sessions\/\d+$/);
    await page.waitForSelector('[data-test=session-info]');
    sid = Number(page.url().match(/#\/sessions\/(\d+)/)[1]);
    assert.match(await text(page, '[data-test=session-info]'), new RegExp(EXAM));
    assert.match(await text(page, '[data-test=proctor-room]'), new RegExp(PROCTOR.name));

    await page.fill('[data-test=cand-name]', CANDIDATE);
    await page.fill('[data-test=cand-id-number]', CANDIDATE_ID);
    await page.fill('[data-test=cand-employer]', '深圳某物业公司');
    await page.click('[data-test=cand-add]');
    await page.waitForSelector('[data-test=cand-added]');
    assert.match(await text(page, '[data-test=cand-added]'), new RegExp(`${CANDIDATE}：准考证号 K\\d{11}[A-Z]，201 教室 1 号座`));
    await page.waitForFunction((n) => document.querySelector('[data-test=candidates-table]')?.innerText.includes(n), CANDIDATE);
    await shot(page, 'whole-session-4-session');

    await page.click('[data-test=tickets-link]');
    await page.waitForSelector('[data-test=ticket]');
    assert.equal(await page.locator('[data-test=ticket]').count(), 1);
    ticket = (await text(page, '[data-test=ticket-number]')).trim();
    assert.match(ticket, /^K\d{11}[A-Z]$/);
    assert.match(await text(page, '[data-test=ticket]'), new RegExp(CANDIDATE));
    assert.match(await text(page, '[data-test=ticket-seat]'), /201 教室/);
    await shot(page, 'whole-session-4-tickets');
  });

  await t.test('5 the candidate sits the exam on the tablet with the ticket from the console', async () => {
    const tablet = await tabletContext(browser, { orientation: 'portrait' });
    const cand = await tablet.newPage();
    const candErrors = [];
    cand.on('pageerror', (e) => candErrors.push(e.message));
    await cand.goto(`${server.base}/`);
    await cand.fill('[data-test=login-ticket]', ticket);
    await cand.fill('[data-test=login-id]', CANDIDATE_ID);
    await cand.click('[data-test=login-submit]');
    await cand.waitForSelector('[data-test=start]');
    await cand.click('[data-test=start]');
    await cand.waitForSelector('[data-test=question]');
    const total = Number((await cand.textContent('#qhead')).match(/\/ (\d+)/)[1]);
    assert.equal(total, 4);
    for (let i = 0; i < total; i += 1) {
      const stem = await cand.locator('[data-test=question]').innerText();
      const q = QUESTIONS.find((x) => stem.includes(x.stem.slice(0, 8)));
      assert.ok(q, `question ${i + 1} is one made in the console: ${stem}`);
      if (q.kind === 'true_false') {
        await cand.click(`[data-test=option][data-value=${q.value}]`);
      } else {
        await cand.locator('[data-test=option]', { hasText: q.options[q.correct] }).click();
      }
      await cand.waitForSelector('[data-test=option][aria-checked=true]');
      if (i === 0) await screenshot(cand, 'whole-session-5-tablet-question');
      if (i < total - 1) await cand.click('[data-test=next]');
    }
    await cand.click('[data-test=open-submit]');
    await cand.waitForFunction(() => document.querySelector('[data-test=sync-indicator]')?.dataset.pending === '0', null, { timeout: 60000 });
    await cand.click('[data-test=confirm-submit]');
    await cand.waitForSelector('[data-test=score]', { timeout: 60000 });
    assert.match(await cand.textContent('[data-test=score]'), /4 \/ 4 分/);
    await screenshot(cand, 'whole-session-5-tablet-score');
    assert.deepEqual(candErrors, []);
    await tablet.close();
  });

  await t.test('6 成绩: the results page shows the candidate as passed', async () => {
    await page.click('[data-test=nav-sessions]');
    await page.waitForSelector('[data-test=sessions-table]');
    await page.click(`[data-test=session-results-${sid}]`);
    await page.waitForSelector('[data-test=results-table]');
    const row = page.locator(`[data-test=results-table] tbody tr[data-ticket=${ticket}]`);
    await row.waitFor();
    assert.equal(await row.getAttribute('data-status'), 'final');
    const cells = await row.locator('td').allInnerTexts();
    assert.equal(cells[2], CANDIDATE);
    assert.equal(cells[6], '4 / 4');
    assert.equal(cells[7], '及格');
    assert.equal(await text(page, '[data-test=results-released]'), '是');
    await shot(page, 'whole-session-6-results');
  });

  await t.test('7 证书: a certificate type, set for the session, issued, listed as 有效, its PDF downloaded', async () => {
    await page.click('[data-test=nav-certificates]');
    await page.waitForSelector('[data-test=certs-address]');
    await page.click('[data-test=certs-tab-types]');
    await page.click('[data-test=cert-type-new]');
    await page.fill('[data-test=cert-type-code]', 'XF-CZY');
    await page.fill('[data-test=cert-type-title]', '消防设施操作员培训合格证');
    await page.fill('[data-test=cert-type-issuer_code]', 'SZXF');
    await page.fill('[data-test=cert-type-issuer_name]', '深圳市消防协会');
    await page.click('[data-test=cert-type-save]');
    await page.waitForSelector('[data-test=cert-type-saved]');
    assert.match(await text(page, '[data-test=cert-type-saved]'), /已保存/);

    // From the session's results page to its certificates, where the type is chosen.
    await page.click('[data-test=nav-sessions]');
    await page.click(`[data-test=session-results-${sid}]`);
    await page.waitForSelector('[data-test=results-certificates-link]');
    await page.click('[data-test=results-certificates-link]');
    await page.waitForSelector('[data-test=certs-session-type]');
    await page.selectOption('[data-test=certs-session-type]', { label: 'XF-CZY 消防设施操作员培训合格证' });
    await page.waitForSelector('[data-test=certs-type-set]');
    await page.click('[data-test=certs-issue]');
    await page.waitForSelector('[data-test=certs-issue-report]');
    assert.match(await text(page, '[data-test=certs-issue-report]'), /本次颁发 1 张/);
    const row = page.locator('[data-test=certs-table] tbody tr').first();
    await row.waitFor();
    assert.equal(await page.locator('[data-test=certs-table] tbody tr').count(), 1);
    assert.equal(await row.getAttribute('data-status'), 'valid');
    assert.match(await row.innerText(), /有效/);
    assert.match(await row.innerText(), new RegExp(CANDIDATE));
    await shot(page, 'whole-session-7-certificates');
    const [pdf] = await Promise.all([page.waitForEvent('download', { timeout: 90000 }), row.locator('[data-test=cert-pdf]').click()]);
    assert.match(pdf.suggestedFilename(), /\.pdf$/);
    const bytes = readFileSync(await pdf.path());
    assert.equal(bytes.subarray(0, 5).toString('latin1'), '%PDF-');
    assert.ok(bytes.length > 10000, `a real PDF (${bytes.length} bytes)`);
  });

  await t.test('what the server holds afterwards (read only)', async () => {
    const staff = await adminToken(server.base);
    const login = await apiCall(server.base, 'POST', '/api/auth/login', { body: { username: PROCTOR.username, password: PROCTOR.password } });
    assert.equal(login.status, 200, 'the proctor logs in with the password set in the console');
    const questions = await apiCall(server.base, 'GET', `/api/questions?bank=${BANK}&status=active`, { token: staff });
    assert.equal(questions.body.total, 4);
    const s = (await apiCall(server.base, 'GET', `/api/sessions/${sid}`, { token: staff })).body;
    assert.deepEqual(s.rooms.map((r) => [r.name, r.seats, r.proctors.length]), [['201 教室', 20, 1]]);
    const results = (await apiCall(server.base, 'GET', `/api/sessions/${sid}/results`, { token: staff })).body;
    assert.equal(results.passed, 1);
    assert.equal(results.rows[0].ticket, ticket);
    const certs = (await apiCall(server.base, 'GET', `/api/certificates?session_id=${sid}`, { token: staff })).body;
    assert.equal(certs.length, 1);
    assert.equal(certs[0].status, 'valid');
  });

  assert.deepEqual(errors, []);
  await context.close();
});
