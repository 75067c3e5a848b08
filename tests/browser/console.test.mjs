// End-to-end tests of the staff console (/console) at tablet size, against the real server
// with the demo data: import with a dry run, the blueprint builder's live feasibility check,
// sessions with a roster, marking short answers and the results screen.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startServer, launchBrowser, tabletContext, screenshot, apiCall, adminToken } from './harness.mjs';

let server;
let browser;
let staff;

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  staff = await adminToken(server.base);
});

after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
});

/** A new tablet context logged in to the console. `allow` lists HTTP statuses the test provokes
 * on purpose (the browser logs those as console errors); anything else logged fails the test. */
async function openConsole({ orientation = 'portrait', allow = [] } = {}) {
  const context = await tabletContext(browser, { orientation });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    const status = m.text().match(/status of (\d{3})/);
    if (status && allow.includes(Number(status[1]))) return;
    errors.push(m.text());
  });
  await page.goto(`${server.base}/console`);
  await page.fill('[data-test=login-username]', 'admin');
  await page.fill('[data-test=login-password]', 'demo-admin');
  await page.click('[data-test=login-submit]');
  await page.waitForSelector('[data-test=user-name]');
  return { context, page, errors };
}

const text = (page, sel) => page.locator(sel).first().innerText();

/** A full-page screenshot taken from the top (so sticky panels sit where they belong). Chromium
 * keeps a stale scroll position after one (the next click scrolls the page under the pointer and
 * misses), so scroll to the top again afterwards. */
async function shot(page, name) {
  await page.evaluate(() => window.scrollTo(0, 0));
  await screenshot(page, name);
  await page.evaluate(() => window.scrollTo(0, 0));
}

/** An 18-digit ID number with its check digit (ISO 7064 MOD 11-2). */
function idNumber(first17) {
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...first17].reduce((s, d, i) => s + Number(d) * w[i], 0);
  return first17 + '10X98765432'[sum % 11];
}

test('log in, import a CSV with a dry run, import it for real and find the questions', async () => {
  const { context, page, errors } = await openConsole({ allow: [401, 409, 422] });

  // A wrong password is refused with a clear message, then the right one works.
  await page.click('[data-test=logout]');
  await page.waitForSelector('[data-test=login-form]');
  await page.fill('[data-test=login-username]', 'admin');
  await page.fill('[data-test=login-password]', 'wrong-password');
  await page.click('[data-test=login-submit]');
  await page.waitForSelector('[data-test=login-error] .notice-error');
  assert.match(await text(page, '[data-test=login-error]'), /用户名或密码错误/);
  await page.fill('[data-test=login-password]', 'demo-admin');
  await page.click('[data-test=login-submit]');
  await page.waitForSelector('[data-test=user-name]');
  assert.equal(await text(page, '[data-test=user-name]'), 'Administrator');
  assert.match(await text(page, '[data-test=user-roles]'), /管理员/);
  assert.ok(await page.evaluate(() => sessionStorage.getItem('console.token')), 'the token is kept in sessionStorage');

  // The language switch relabels the console; switch back to Chinese.
  await page.click('[data-test=lang-switch]');
  await page.waitForFunction(() => document.querySelector('[data-test="nav-banks"]')?.textContent === 'Banks and questions');
  await page.click('[data-test=lang-switch]');
  await page.waitForFunction(() => document.querySelector('[data-test="nav-banks"]')?.textContent === '题库与试题');

  const csv = [
    '题型,题干,选项A,选项B,选项C,选项D,答案,解析,难度,分类,分值',
    '单选,浏览器导入测试：视频监控系统中 NVR 的含义是（ ）。,网络硬盘录像机,数字硬盘录像机,视频编码器,解码器,A,NVR 即 Network Video Recorder。,2,浏览器测试/导入,1',
    '多选,浏览器导入测试：下列属于视频编码标准的有（ ）。,H.264,H.265,RAID 5,PoE,AB,H.264 与 H.265 是编码标准。,3,浏览器测试/导入,2',
    '判断,浏览器导入测试：PoE 可以通过网线为摄像机供电。,,,,,对,PoE 即以太网供电。,1,浏览器测试/导入,1',
    '单选,浏览器导入测试：这一行的答案不是选项字母。,甲,乙,丙,丁,Z,,2,浏览器测试/导入,1',
  ].join('\n');

  await page.click('[data-test=nav-import]');
  await page.waitForSelector('[data-test=import-form]');
  await page.selectOption('[data-test=import-bank]', 'LAW');
  await page.setInputFiles('[data-test=import-file]', { name: 'browser-import.csv', mimeType: 'text/csv', buffer: Buffer.from(csv, 'utf8') });
  assert.equal(await page.locator('[data-test=import-run]').isDisabled(), true, 'no real import before a dry run');
  await page.click('[data-test=import-dry-run]');
  await page.waitForSelector('[data-test=import-report]');
  assert.match(await text(page, '[data-test=import-report] h2'), /试运行/);
  const totals = async () => Object.fromEntries(await page.$$eval('[data-test=import-report-totals] [data-total]', (els) => els.map((e) => [e.dataset.total, Number(e.querySelector('strong').textContent)])));
  assert.deepEqual(await totals(), { total: 4, imported: 3, updated: 0, unchanged: 0, skipped: 1, conflicts: 0, images: 0 });
  const rows = page.locator('[data-test=import-report-table] tbody tr');
  assert.equal(await rows.count(), 4);
  const skipped = page.locator('[data-test=import-report-table] tbody tr[data-outcome=skipped]');
  assert.equal(await skipped.count(), 1);
  const cells = await skipped.locator('td').allInnerTexts();
  assert.equal(cells[0], '5', 'the bad row is line 5 of the file');
  assert.match(cells.join(' '), /invalid_row/);
  assert.match(cells.join(' '), /答案/);
  // A dry run writes nothing.
  const before = await apiCall(server.base, 'GET', '/api/questions?bank=LAW&q=%E6%B5%8F%E8%A7%88%E5%99%A8%E5%AF%BC%E5%85%A5', { token: staff });
  assert.equal(before.body.total, 0);
  await shot(page, 'console-import-report');

  await page.click('[data-test=import-run]');
  await page.waitForSelector('[data-test=import-done]');
  assert.match(await text(page, '[data-test=import-report] h2'), /已写入/);
  assert.equal((await totals()).imported, 3);

  // The imported questions are found by the search, with paging information.
  await page.click('[data-test=import-view-bank]');
  await page.waitForSelector('[data-test=question-search]');
  assert.equal(await page.inputValue('[data-test=search-bank]'), 'LAW');
  await page.fill('[data-test=search-text]', '浏览器导入');
  await page.click('[data-test=search-submit]');
  await page.waitForFunction(() => /共找到 3 道题/.test(document.querySelector('[data-test=question-total]')?.textContent || ''));
  assert.equal(await page.locator('[data-test=question-results] tbody tr').count(), 3);
  assert.equal(await text(page, '[data-test=page-info]'), '第 1 / 1 页');
  await page.selectOption('[data-test=search-kind]', 'true_false');
  await page.click('[data-test=search-submit]');
  await page.waitForFunction(() => /共找到 1 道题/.test(document.querySelector('[data-test=question-total]')?.textContent || ''));

  // Open it and edit it: a new version; a stale edit is refused with the conflict message;
  // an invalid body is refused with the question's reason.
  await page.click('[data-test=question-link]');
  await page.waitForSelector('[data-test=question-form]');
  const qid = Number(page.url().match(/#\/questions\/(\d+)/)[1]);
  assert.match(await page.inputValue('[data-test=q-stem]'), /PoE 可以通过网线/);
  await page.fill('[data-test=q-explanation]', 'PoE（以太网供电）由 IEEE 802.3af/at 规定。');
  await page.click('[data-test=q-save]');
  await page.waitForSelector('[data-test=question-saved]');
  assert.match(await text(page, '[data-test=question-saved]'), /版本 2/);

  const current = await apiCall(server.base, 'GET', `/api/questions/${qid}`, { token: staff });
  const other = await apiCall(server.base, 'PUT', `/api/questions/${qid}`, { token: staff, body: { expected_version: 2, body: { ...current.body.body, difficulty: 2 } } });
  assert.equal(other.status, 200);
  await page.fill('[data-test=q-points]', '2');
  await page.click('[data-test=q-save]');
  await page.waitForSelector('[data-test=question-conflict]');
  assert.match(await text(page, '[data-test=question-conflict]'), /版本冲突/);
  await page.click('[data-test=question-conflict] button');
  await page.waitForFunction(() => /最新版本 3/.test(document.querySelector('[data-test=question-meta]')?.textContent || ''));
  await page.fill('[data-test=q-stem]', '');
  await page.click('[data-test=q-save]');
  await page.waitForSelector('[data-test=question-invalid]');
  assert.match(await text(page, '[data-test=question-invalid]'), /题干不能为空/);

  // Status change.
  await page.click('[data-test=status-retired]');
  await page.waitForFunction(() => document.querySelector('[data-test=question-status]')?.textContent === '停用');
  const retired = await apiCall(server.base, 'GET', `/api/questions/${qid}`, { token: staff });
  assert.equal(retired.body.body.status, 'retired');

  // A token near its expiry is renewed before the next call.
  const soon = Math.floor(Date.now() / 1000) + 60;
  await page.evaluate((t) => sessionStorage.setItem('console.expires', String(t)), soon);
  await page.click('[data-test=nav-exams]');
  await page.waitForSelector('[data-test=exams-table]');
  assert.ok(Number(await page.evaluate(() => sessionStorage.getItem('console.expires'))) > soon + 600, 'the token was refreshed');

  // A token the server refuses leads to the login, and back to the same screen after it.
  await page.evaluate(() => sessionStorage.setItem('console.token', 'not-a-valid-token'));
  await page.reload();
  await page.waitForSelector('[data-test=login-form]');
  assert.match(await text(page, '[data-test=login-error]'), /登录已过期/);
  await page.fill('[data-test=login-username]', 'admin');
  await page.fill('[data-test=login-password]', 'demo-admin');
  await page.click('[data-test=login-submit]');
  await page.waitForSelector('[data-test=exams-table]');
  assert.match(page.url(), /#\/exams$/);

  assert.deepEqual(errors, []);
  await context.close();
});

test('the blueprint builder flags a short cell live, turns feasible when lowered, and saves', async () => {
  const { context, page, errors } = await openConsole({ orientation: 'landscape', allow: [422] });
  await page.click('[data-test=nav-exams]');
  await page.waitForSelector('[data-test=exams-table]');
  await page.click('[data-test=exam-new]');
  await page.waitForSelector('[data-test=exam-form]');
  // Every control carries a label.
  const unlabelled = await page.$$eval('main input, main select, main textarea', (els) => els.filter((e) => !(e.labels && e.labels.length) && !e.getAttribute('aria-label')).map((e) => e.outerHTML));
  assert.deepEqual(unlabelled, []);

  await page.fill('[data-test=exam-name]', '浏览器组卷测试');
  await page.fill('[data-test=exam-time-limit]', '45');
  await page.selectOption('[data-test=exam-release]', 'by_staff');
  await page.selectOption('[data-test=exam-policy]', 'proportional');
  await page.locator('[data-test=bp-section-title]').first().fill('一、简答题');
  const cell = page.locator('[data-test=bp-cell]').first();
  await cell.locator('[data-test=bp-bank]').selectOption('VID');
  await cell.locator('[data-test=bp-kind]').selectOption('short');
  // VID has 5 active short answers since the 2026-12 bank review; ask for 6.
  await cell.locator('[data-test=bp-count]').fill('6');
  await cell.locator('[data-test=bp-points]').fill('5');
  await page.fill('[data-test=exam-pass-line]', '20');

  // A second section drawing single choice from LAW.
  await page.click('[data-test=bp-add-section]');
  const cell2 = page.locator('[data-test=bp-section]').nth(1).locator('[data-test=bp-cell]').first();
  await page.locator('[data-test=bp-section-title]').nth(1).fill('二、单项选择题');
  await cell2.locator('[data-test=bp-bank]').selectOption('LAW');
  await cell2.locator('[data-test=bp-kind]').selectOption('single');
  await cell2.locator('[data-test=bp-count]').fill('10');
  await cell2.locator('[data-test=bp-points]').fill('2');

  const feas = page.locator('[data-test=blueprint-feasibility]');
  // The last edit's check: 16 questions worth 50 points, one cell short.
  await page.waitForFunction(() => document.querySelector('[data-test=blueprint-feasibility]')?.dataset.state === 'infeasible'
    && document.querySelector('[data-test=bp-total-questions]')?.textContent === '16'
    && document.querySelector('[data-test=bp-total-points]')?.textContent === '50');
  assert.match(await feas.innerText(), /1 项规则题量不足/);
  const short = page.locator('[data-test=bp-cell][data-short=true]');
  assert.equal(await short.count(), 1);
  assert.equal(await short.getAttribute('data-section'), '1');
  assert.equal(await short.getAttribute('data-cell'), '1');
  assert.match(await short.locator('[data-test=bp-cell-shortage]').innerText(), /需要 6 题，可用 5 题，缺 1 题/);
  assert.match(await text(page, '[data-test=bp-shortages]'), /第 1 部分规则 1（VID 简答/);
  await shot(page, 'console-blueprint');

  // Saving it anyway is refused with the server's list of short cells.
  await page.click('[data-test=exam-save]');
  await page.waitForSelector('[data-test=exam-save-error]');
  assert.match(await text(page, '[data-test=exam-save-error]'), /需要 6，可用 5，缺 1/);

  // Lowering the count makes it feasible, without a save.
  await cell.locator('[data-test=bp-count]').fill('4');
  await page.waitForSelector('[data-test=blueprint-feasibility][data-state=feasible]');
  assert.equal(await short.count(), 0);
  assert.equal(await text(page, '[data-test=bp-total-questions]'), '14');
  assert.equal(await text(page, '[data-test=bp-total-points]'), '40');
  await shot(page, 'console-blueprint-feasible');

  await page.click('[data-test=exam-save]');
  await page.waitForURL(/#\/exams\/\d+$/);
  await page.waitForSelector('[data-test=exam-saved]');
  const id = Number(page.url().match(/#\/exams\/(\d+)/)[1]);
  const saved = await apiCall(server.base, 'GET', `/api/exams/${id}`, { token: staff });
  assert.equal(saved.status, 200);
  const def = saved.body.definition;
  assert.equal(def.name, '浏览器组卷测试');
  assert.equal(def.time_limit_minutes, 45);
  assert.equal(def.pass_line, 20);
  assert.equal(def.release, 'by_staff');
  assert.equal(def.multiple_policy, 'proportional');
  assert.deepEqual(def.blueprint.sections.map((s) => s.cells.map((c) => [c.bank, c.kind, c.count, c.points])), [[['VID', 'short', 4, 5]], [['LAW', 'single', 10, 2]]]);
  assert.equal(def.blueprint.sections[1].title, '二、单项选择题');

  // Editing it again: PUT with the version, listed with its totals.
  await page.fill('[data-test=exam-time-limit]', '50');
  await page.click('[data-test=exam-save]');
  await page.waitForFunction(() => /版本 2/.test(document.querySelector('[data-test=exam-saved]')?.textContent || ''));
  await page.click('[data-test=nav-exams]');
  await page.waitForSelector('[data-test=exams-table]');
  assert.match(await text(page, '[data-test=exams-table]'), /浏览器组卷测试/);

  assert.deepEqual(errors, []);
  await context.close();
});

test('sessions: create one, import a roster with a dry run, add a candidate, print tickets, release', async () => {
  const exam = await apiCall(server.base, 'POST', '/api/exams', { token: staff, body: {
    name: '浏览器场次测试', time_limit_minutes: 30, pass_line: 6, release: 'by_staff',
    blueprint: { sections: [{ title: '判断题', cells: [{ bank: 'STD', kind: 'true_false', count: 10, points: 1 }] }] },
  } });
  assert.equal(exam.status, 201);
  const { context, page, errors } = await openConsole({ allow: [422] });
  await page.click('[data-test=nav-sessions]');
  await page.waitForSelector('[data-test=sessions-table]');
  await page.click('[data-test=session-new]');
  await page.waitForSelector('[data-test=session-form]');
  await page.selectOption('[data-test=session-exam]', String(exam.body.id));
  await page.fill('[data-test=session-name]', '浏览器测试培训');
  await page.fill('[data-test=session-number]', '第一期');
  await page.fill('[data-test=session-venue]', '深圳站');
  await page.fill('[data-test=session-starts]', '2026-01-01T09:00');
  await page.fill('[data-test=session-ends]', '2099-01-01T11:00');
  await page.click('[data-test=room-add]');
  await page.locator('[data-test=room-seats]').nth(1).fill('2');
  await page.click('[data-test=session-create]');
  await page.waitForURL(/#\/sessions\/\d+$/);
  await page.waitForSelector('[data-test=roster-form]');
  const sid = Number(page.url().match(/#\/sessions\/(\d+)/)[1]);
  const s = await apiCall(server.base, 'GET', `/api/sessions/${sid}`, { token: staff });
  assert.equal(s.body.venue, '深圳站');
  assert.deepEqual(s.body.rooms.map((r) => [r.name, r.seats]), [['第一考场', 30], ['第 2 考场', 2]]);
  // 09:00 in Shanghai is 01:00 UTC.
  assert.equal(s.body.starts_at.slice(0, 16), '2026-01-01T01:00');

  const roster = [
    '姓名,身份证号,工作单位,手机,考场',
    `赵一,${idNumber('44010619900101123')},深圳示例安防公司,13800138000,第 2 考场`,
    `钱二,${idNumber('44010419880512234')},深圳示例保安公司,,`,
    '孙三,440106199001011234,深圳示例工程公司,,',
  ].join('\n');
  await page.setInputFiles('[data-test=roster-file]', { name: 'roster.csv', mimeType: 'text/csv', buffer: Buffer.from(roster, 'utf8') });
  await page.click('[data-test=roster-dry-run]');
  await page.waitForSelector('[data-test=roster-report]');
  assert.equal(await page.locator('[data-test=roster-report-table] tbody tr').count(), 3);
  const bad = page.locator('[data-test=roster-report-table] tbody tr[data-outcome=skipped]');
  assert.equal(await bad.count(), 1);
  assert.match((await bad.locator('td').allInnerTexts()).join(' '), /孙三.*bad_check_digit/);
  assert.equal(await page.locator('[data-test=candidates-table] tbody tr').count(), 0, 'a dry run adds nobody');
  await page.click('[data-test=roster-run]');
  await page.waitForSelector('[data-test=roster-done]');
  await page.waitForFunction(() => document.querySelectorAll('[data-test=candidates-table] tbody tr').length === 2);

  // One by hand; a bad ID number is refused with the reason.
  await page.fill('[data-test=cand-name]', '李四');
  await page.fill('[data-test=cand-id-number]', '440106199001011234');
  await page.click('[data-test=cand-add]');
  await page.waitForSelector('[data-test=cand-error]');
  assert.match(await text(page, '[data-test=cand-error]'), /校验位不正确/);
  await page.fill('[data-test=cand-id-number]', idNumber('44010619950707345'));
  await page.selectOption('[data-test=cand-room]', '第 2 考场');
  await page.click('[data-test=cand-add]');
  await page.waitForSelector('[data-test=cand-added]');
  assert.match(await text(page, '[data-test=cand-added]'), /李四：准考证号 K\d{11}[A-Z]，第 2 考场 2 号座/);
  await page.waitForFunction(() => document.querySelectorAll('[data-test=candidates-table] tbody tr').length === 3);
  const table = await text(page, '[data-test=candidates-table]');
  assert.match(table, /440106\*{8}\d{3}[\dX]/, 'ID numbers are masked');
  assert.doesNotMatch(table, /199001011235/);

  await page.click('[data-test=tickets-link]');
  await page.waitForSelector('[data-test=tickets]');
  assert.equal(await page.locator('[data-test=ticket]').count(), 3);
  await page.emulateMedia({ media: 'print' });
  assert.equal(await page.locator('.c-header').isVisible(), false, 'printing shows the tickets only');
  await shot(page, 'console-tickets-print');
  await page.emulateMedia({ media: 'screen' });

  // Results of a by_staff session before anyone sat: release is offered, needs a confirmation.
  await page.goto(`${server.base}/console#/sessions/${sid}/results`);
  await page.waitForSelector('[data-test=results-table]');
  assert.equal(await text(page, '[data-test=results-released]'), '否');
  await page.click('[data-test=results-release]');
  await page.click('[data-test=results-release-confirm]');
  await page.waitForSelector('[data-test=results-released-notice]');
  assert.equal(await text(page, '[data-test=results-released]'), '是');
  assert.equal(await page.locator('[data-test=results-release]').isDisabled(), true);
  const r = await apiCall(server.base, 'GET', `/api/sessions/${sid}/results`, { token: staff });
  assert.equal(r.body.released, true);

  assert.deepEqual(errors, []);
  await context.close();
});

/** The answer a candidate gives to a delivered question: the key (from the staff API) when
 * `right`, else a wrong one. */
function answer(q, body, right) {
  const key = body.key;
  if (q.kind === 'single' || q.kind === 'multiple') {
    const correct = key.correct.map((i) => body.options[i]);
    const ids = q.options.filter((o) => correct.includes(o.text)).map((o) => o.id);
    assert.equal(ids.length, correct.length, `options of question ${q.id} match the key`);
    return { type: 'choice', selected: right ? ids : [q.options.find((o) => !correct.includes(o.text)).id] };
  }
  if (q.kind === 'true_false') return { type: 'true_false', value: right ? key.value : !key.value };
  if (q.kind === 'fill') return { type: 'blanks', values: key.accepted.map((alts) => (right ? alts[0] : '不知道')) };
  throw new Error(`unexpected kind ${q.kind}`);
}

/** Sits the demo exam over the API: the first `share` of the objective questions right, the rest
 * wrong, the short answer `essay`; then submits. */
async function sit(cand, share, essay) {
  const login = await apiCall(server.base, 'POST', '/api/candidate/login', { body: { ticket: cand.ticket, id_number: cand.idNumber } });
  assert.equal(login.status, 200, JSON.stringify(login.body));
  const { token, attempt_id: att } = login.body;
  const paper = (await apiCall(server.base, 'GET', `/api/attempts/${att}/paper`, { token })).body;
  const objective = paper.questions.filter((q) => q.kind !== 'short');
  const right = Math.round(objective.length * share);
  let seq = 0;
  for (const q of paper.questions) {
    let response;
    if (q.kind === 'short') response = { type: 'text', text: essay };
    else {
      const { body } = (await apiCall(server.base, 'GET', `/api/questions/${q.id}`, { token: staff })).body;
      response = answer(q, body, objective.indexOf(q) < right);
    }
    seq += 1;
    const saved = await apiCall(server.base, 'PUT', `/api/attempts/${att}/answers/${q.id}`, { token, body: { response, seq } });
    assert.equal(saved.status, 200, JSON.stringify(saved.body));
  }
  const done = await apiCall(server.base, 'POST', `/api/attempts/${att}/submit`, { token });
  assert.equal(done.status, 200);
  assert.equal(done.body.status, 'submitted');
}

test('results: candidates sit, short answers are marked in the console, results table, histogram, pass rate, export', async () => {
  // Four of the demo's ten candidates sit; each essay says how many points it deserves.
  const essays = [
    ['现象是画面滚动横条；原因是两地接地电位差形成地环路；处理：单点接地、加视频隔离器、改光纤。', 15],
    ['画面出现横条干扰，因为接地有电位差，可以加隔离器。', 9],
    ['不清楚。', 0],
    ['有干扰，用光纤传输。', 5],
  ];
  const shares = [1, 0.7, 0.2, 0.5];
  const sitting = server.candidates.slice(0, 4);
  for (const [i, c] of sitting.entries()) await sit(c, shares[i], essays[i][0]);

  const { context, page, errors } = await openConsole({ orientation: 'landscape' });
  await page.click('[data-test=nav-sessions]');
  await page.waitForSelector('[data-test=sessions-table]');
  await page.click('[data-test=session-marking-1]');
  await page.waitForSelector('[data-test=marking-item]');
  assert.match(await text(page, '[data-test=marking-progress]'), /第 1 份，共 4 份待阅/);
  assert.ok((await text(page, '[data-test=marking-reference]')).length > 0);
  assert.ok((await text(page, '[data-test=marking-rubric]')).length > 0);
  assert.match(await text(page, '[data-test=marking-work-code]'), /^W[0-9A-F]+$/);
  // The marker sees a work code, never the name.
  for (const c of sitting) assert.doesNotMatch(await text(page, '[data-test=marking-item]'), new RegExp(c.name));

  // Points outside 0..max are caught before the request.
  await page.fill('[data-test=marking-points]', '99');
  await page.click('[data-test=marking-save]');
  assert.match(await text(page, '[data-test=marking-message]'), /0 到 15/);

  for (let n = 0; n < 4; n += 1) {
    const item = page.locator('[data-test=marking-item]');
    const id = await item.getAttribute('data-mark-id');
    const said = await text(page, '[data-test=marking-answer]');
    const points = essays.find(([e]) => e === said)[1];
    await page.fill('[data-test=marking-points]', String(points));
    await page.fill('[data-test=marking-comment]', points >= 9 ? '要点齐全' : '要点不全');
    await page.click('[data-test=marking-save]');
    await page.waitForFunction((prev) => document.querySelector('[data-test=marking-done]') || document.querySelector('[data-test=marking-item]')?.dataset.markId !== prev, id);
  }
  await page.waitForSelector('[data-test=marking-done]');
  assert.match(await text(page, '[data-test=marking-done]'), /本次共阅 4 份/);

  await page.click('[data-test=marking-to-results]');
  await page.waitForSelector('[data-test=results-table]');
  const api = (await apiCall(server.base, 'GET', '/api/sessions/1/results', { token: staff })).body;
  assert.equal(api.final_results, 4);
  assert.equal(api.sat, 4);
  assert.ok(api.passed >= 1 && api.passed < 4, `some pass, some fail (${api.passed})`);

  // The table: ten rows, the four sitters ranked first with their scores, the rest not started
  // (未开始: the session is still open; 缺考 only once it has closed).
  const rows = page.locator('[data-test=results-table] tbody tr');
  assert.equal(await rows.count(), 10);
  assert.equal(await page.locator('[data-test=results-table] tbody tr[data-status=final]').count(), 4);
  assert.equal(await page.locator('[data-test=results-table] tbody tr[data-status=not_started]').count(), 6);
  assert.equal(await page.locator('[data-test=results-table] tbody tr[data-status=absent]').count(), 0);
  const heads = await page.locator('[data-test=results-table] thead th').allInnerTexts();
  assert.deepEqual(heads.slice(0, 8), ['名次', '准考证号', '姓名', '考场', '座号', '状态', '得分', '是否及格']);
  assert.deepEqual(heads.slice(8), api.section_titles);
  const best = api.rows[0];
  assert.equal(best.ticket, sitting[0].ticket);
  const first = await rows.first().locator('td').allInnerTexts();
  assert.equal(first[0], '1');
  assert.equal(first[1], best.ticket);
  assert.equal(first[2], sitting[0].name);
  assert.match(first[6], new RegExp(`^${best.score} / 100$`));
  assert.equal(first[7], '及格');
  assert.equal(best.score, 100);

  // Pass rate and mean as the server computes them.
  assert.equal(await text(page, '[data-test=pass-rate]'), `${(api.pass_rate * 100).toFixed(1)}%`);
  assert.equal(await text(page, '[data-test=results-passed]'), String(api.passed));
  assert.equal(Number(await text(page, '[data-test=mean-score]')), Math.round(api.mean * 100) / 100);

  // The histogram: ten 10-point bins holding the four final scores.
  const bins = await page.$$eval('[data-test=results-histogram] [data-test=histogram-bin]', (els) => els.map((e) => [Number(e.dataset.from), Number(e.dataset.count)]));
  assert.equal(bins.length, 10);
  assert.equal(bins.reduce((s, [, n]) => s + n, 0), 4);
  for (const r of api.rows.filter((x) => x.status === 'final')) {
    const from = Math.min(90, Math.floor(r.score / 10) * 10);
    assert.ok(bins.find(([f]) => f === from)[1] >= 1, `score ${r.score} is in the ${from} bin`);
  }
  assert.ok(await page.locator('[data-test=results-histogram] svg title').count());
  await shot(page, 'console-results');

  // CSV and XLSX exports download as files.
  const [csv] = await Promise.all([page.waitForEvent('download'), page.click('[data-test=results-export-csv]')]);
  assert.equal(csv.suggestedFilename(), 'results-session-1.csv');
  const csvText = readFileSync(await csv.path(), 'utf8');
  assert.ok(csvText.startsWith('\uFEFF'), 'UTF-8 with BOM for Excel');
  assert.match(csvText, new RegExp(sitting[0].ticket));
  const [xlsx] = await Promise.all([page.waitForEvent('download'), page.click('[data-test=results-export-xlsx]')]);
  assert.equal(xlsx.suggestedFilename(), 'results-session-1.xlsx');
  assert.equal(readFileSync(await xlsx.path()).subarray(0, 2).toString(), 'PK');

  // The demo exam releases at submit, so there is nothing left to release.
  assert.equal(await text(page, '[data-test=results-released]'), '是');
  assert.equal(await page.locator('[data-test=results-release]').isDisabled(), true);

  assert.deepEqual(errors, []);
  await context.close();
});
