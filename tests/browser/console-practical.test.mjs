// The practical part from the console: an admin gives a judge an affiliation and the supervisor
// role on the users screen; an author sets up the practical part of the demo session (stations,
// first slot in Beijing time, a task with its panel and head judge), a bad spread is refused with
// the server's message, a candidate is checked in (检录) and the work code is shown big with the
// places; afterwards the setup is locked. Then a correction a head judge asks for on a locked
// task: the supervisor who asked may not approve it, an admin does.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, apiCall, adminToken } from './harness.mjs';
import { openConsole, text, shot } from './console-support.mjs';

let server;
let browser;
let staff;
let sid;
let questionId;
const JUDGE_PASSWORD = 'judge-pass-1';

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  staff = await adminToken(server.base);
  for (const [username, name, affiliation, roles] of [['caipan2', '钱裁判', '华南理工大学', ['judge']], ['caipan3', '孙裁判', '', ['judge']]]) {
    const r = await apiCall(server.base, 'POST', '/api/users', { token: staff, body: { username, display_name: name, affiliation, password: JUDGE_PASSWORD, roles } });
    assert.equal(r.status, 201, JSON.stringify(r.body));
  }
  const q = await apiCall(server.base, 'POST', '/api/banks/LAW/questions', { token: staff, body: {
    kind: 'practical', stem: '安装并调试一台网络摄像机\n按图纸完成安装、接线和调试。', key: { type: 'open', reference: '' }, points: 10, minutes: 60,
    status: 'active',
    equipment: [{ name: '网络摄像机', spec: '200 万像素', quantity: 1, unit: '台' }],
    scheme: [
      { group: 'A 摄像机安装', text: '安装牢固', points: 4, kind: { type: 'judgement', descriptors: ['0 未完成', '1 松动', '2 基本牢固', '3 牢固美观'] } },
      { group: 'B 调试', text: '画面清晰', points: 6 },
    ],
  } });
  assert.equal(q.status, 201, JSON.stringify(q.body));
  questionId = q.body.id;
  // The demo's continuing-education session has no practical part (its assessment session has).
  const sessions = (await apiCall(server.base, 'GET', '/api/sessions', { token: staff })).body;
  for (const s of sessions) {
    if ((await apiCall(server.base, 'GET', `/api/sessions/${s.id}/practical`, { token: staff })).status === 404) { sid = s.id; break; }
  }
  assert.ok(sid, 'a session without a practical part');
});

after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
});

test('an admin makes a judge with an affiliation who is also a supervisor', async () => {
  const { context, page, errors } = await openConsole(browser, server.base);
  await page.click('[data-test=nav-users]');
  await page.click('[data-test=user-new-open]');
  await page.fill('[data-test=user-new-username]', 'caipan1');
  await page.fill('[data-test=user-new-name]', '赵裁判');
  await page.fill('[data-test=user-new-affiliation]', '广州某安防科技有限公司');
  await page.fill('[data-test=user-new-password]', JUDGE_PASSWORD);
  await page.uncheck('[data-test=user-new-role-proctor]');
  await page.check('[data-test=user-new-role-judge]');
  await page.check('[data-test=user-new-role-supervisor]');
  await page.click('[data-test=user-create]');
  await page.waitForSelector('[data-test=users-flash]');
  const row = page.locator('[data-test=users-table] tr[data-username=caipan1]');
  assert.match(await row.innerText(), /广州某安防科技有限公司/);
  assert.match(await row.innerText(), /监督/);
  const users = (await apiCall(server.base, 'GET', '/api/users', { token: staff })).body;
  const made = users.find((u) => u.username === 'caipan1');
  assert.equal(made.affiliation, '广州某安防科技有限公司');
  assert.deepEqual([...made.roles].sort(), ['judge', 'supervisor']);
  assert.deepEqual(errors, []);
  await context.close();
});

test('an author sets up the practical part, checks a candidate in and reads out the work code', async () => {
  const { context, page, errors } = await openConsole(browser, server.base, { allow: [404, 422] });
  await page.goto(`${server.base}/console#/sessions/${sid}`);
  await page.click('[data-test=practical-open]');
  await page.waitForSelector('[data-test=practical-none]');
  await page.click('[data-test=practical-add]');
  await page.fill('[data-test=practical-stations]', '4');
  await page.fill('[data-test=practical-slot-minutes]', '60');
  await page.fill('[data-test=practical-first-slot]', '2026-12-10T09:00');
  await page.selectOption('[data-test=practical-draw-mode]', 'check_in');
  await page.fill('[data-test=practical-pass-line]', '60');
  await page.selectOption('[data-test=task-1-question]', String(questionId));
  await page.selectOption('[data-test=task-1-aggregation]', 'median');
  // No judge yet: the console says so before asking the server.
  await page.click('[data-test=practical-save]');
  assert.match(await text(page, '[data-test=practical-message]'), /至少需要一名裁判/);
  for (const u of ['caipan1', 'caipan2', 'caipan3']) await page.check(`[data-test=task-1-judge-${u}]`);
  assert.match(await text(page, '[data-test=practical-task]'), /华南理工大学/);
  await page.selectOption('[data-test=task-1-head]', { label: '赵裁判（广州某安防科技有限公司）' });
  // A spread outside 0..3 is the server's to refuse; its message is shown and nothing is saved.
  await page.fill('[data-test=task-1-spread]', '5');
  await page.click('[data-test=practical-save]');
  await page.waitForSelector('[data-test=practical-error]');
  assert.equal((await apiCall(server.base, 'GET', `/api/sessions/${sid}/practical`, { token: staff })).status, 404);
  await page.fill('[data-test=task-1-spread]', '1');
  await shot(page, 'console-practical-setup');
  await page.click('[data-test=practical-save]');
  await page.waitForSelector('[data-test=practical-saved]');
  const part = (await apiCall(server.base, 'GET', `/api/sessions/${sid}/practical`, { token: staff })).body;
  assert.equal(part.stations, 4);
  assert.equal(part.slot_minutes, 60);
  assert.equal(Date.parse(part.first_slot_at), Date.parse('2026-12-10T01:00:00Z'), 'the first slot is 09:00 Beijing time');
  assert.equal(part.tasks.length, 1);
  assert.equal(part.tasks[0].question_id, questionId);
  assert.equal(part.tasks[0].aggregation, 'median');
  assert.equal(part.tasks[0].judges.length, 3);
  const head = part.tasks[0].judges.find((j) => j.id === part.tasks[0].head_judge);
  assert.equal(head.name, '赵裁判');
  assert.match(await text(page, '[data-test=practical-facts]'), /抽签于检录/);

  // Check-in: the ticket, the identity check, the code read out.
  const cand = (await apiCall(server.base, 'GET', `/api/sessions/${sid}/candidates`, { token: staff })).body[0];
  await page.click('[data-test=practical-checkin-link]');
  await page.waitForSelector('[data-test=checkin-ticket]');
  await page.fill('[data-test=checkin-ticket]', 'K00000000000X');
  await page.press('[data-test=checkin-ticket]', 'Enter');
  await page.waitForSelector('[data-test=checkin-error]');
  await page.fill('[data-test=checkin-ticket]', cand.ticket.toLowerCase());
  await page.press('[data-test=checkin-ticket]', 'Enter');
  await page.waitForSelector('[data-test=checkin-identity]');
  assert.equal(await text(page, '[data-test=checkin-name]'), cand.name);
  assert.match(await text(page, '[data-test=checkin-id]'), /\*{4}/, 'the ID number is masked');
  assert.equal(await text(page, '[data-test=checkin-employer]'), cand.employer || '—');
  await page.click('[data-test=checkin-confirm]');
  await page.waitForSelector('[data-test=checkin-code]');
  const code = (await text(page, '[data-test=checkin-code]')).trim();
  assert.match(code, /^[ABCDEFGHJKLMNPQRSTUVWXYZ23456789]{6}$/);
  assert.match(await text(page, '[data-test=checkin-places]'), /安装并调试一台网络摄像机/);
  assert.match(await text(page, '[data-test=checkin-places]'), /号工位/);
  await page.waitForSelector(`[data-test=checkin-table] tr[data-ticket="${cand.ticket}"]`);
  assert.match(await text(page, '[data-test=checkin-counts]'), /已检录 1/);
  await shot(page, 'console-practical-checkin');
  const schedule = (await apiCall(server.base, 'GET', `/api/sessions/${sid}/practical/schedule`, { token: staff })).body;
  const row = schedule.rows.find((r) => r.ticket === cand.ticket);
  assert.equal(row.code, code);
  // A second check-in shows the same code.
  await page.click('[data-test=checkin-next]');
  await page.fill('[data-test=checkin-ticket]', cand.ticket);
  await page.press('[data-test=checkin-ticket]', 'Enter');
  await page.click('[data-test=checkin-confirm]');
  await page.waitForSelector('[data-test=checkin-again]');
  assert.equal((await text(page, '[data-test=checkin-code]')).trim(), code);

  // Once someone is checked in the setup cannot change.
  await page.goto(`${server.base}/console#/sessions/${sid}`);
  // A session with a practical part opens its section by itself.
  await page.waitForSelector('[data-test=practical-started-note]');
  assert.ok(await page.locator('[data-test=practical-save]').isDisabled());
  assert.deepEqual(errors, []);
  await context.close();
});

/** Logs a judge in through the API. */
async function judgeToken(username) {
  const r = await apiCall(server.base, 'POST', '/api/auth/login', { body: { username, password: JUDGE_PASSWORD } });
  assert.equal(r.status, 200);
  return r.body.token;
}

test('a correction the supervisor asked for as head judge is refused to them and approved by an admin', async () => {
  const part = (await apiCall(server.base, 'GET', `/api/sessions/${sid}/practical`, { token: staff })).body;
  const task = part.tasks[0];
  const code = (await apiCall(server.base, 'GET', `/api/sessions/${sid}/practical/schedule`, { token: staff })).body.rows.find((r) => r.code).code;
  const ids = new Map(task.judges.map((j) => [j.name, j.id]));
  // Every judge marks the one checked-in candidate and submits; the head judge signs off.
  for (const username of ['caipan1', 'caipan2', 'caipan3']) {
    const t = await judgeToken(username);
    for (const [aspect, entry, seq] of [[0, 2, 1], [1, 1, 2]]) {
      const r = await apiCall(server.base, 'PUT', `/api/judging/tasks/${task.id}/sheets/${code}/marks/${aspect}`, { token: t, body: { entry, seq } });
      assert.equal(r.status, 200, JSON.stringify(r.body));
    }
    const s = await apiCall(server.base, 'POST', `/api/judging/tasks/${task.id}/sheets/${code}/submit`, { token: t });
    assert.equal(s.status, 200, JSON.stringify(s.body));
  }
  const head = await judgeToken('caipan1');
  const signed = await apiCall(server.base, 'POST', `/api/judging/tasks/${task.id}/sign-off`, { token: head });
  assert.equal(signed.status, 200, JSON.stringify(signed.body));
  const asked = await apiCall(server.base, 'POST', `/api/judging/tasks/${task.id}/corrections`, { token: head, body: {
    code, judge_id: ids.get('钱裁判'), aspect: 0, entry: 3, reason: '复核现场照片：安装牢固美观', password: JUDGE_PASSWORD,
  } });
  assert.equal(asked.status, 200, JSON.stringify(asked.body));
  const correction = asked.body;

  // The progress screen shows the task locked and the candidate's practical result.
  const admin = await openConsole(browser, server.base);
  await admin.page.goto(`${server.base}/console#/sessions/${sid}/practical`);
  await admin.page.waitForSelector('[data-test=task-locked]');
  await admin.page.waitForSelector('[data-test=practical-results-table]');
  await shot(admin.page, 'console-practical-progress');

  // The supervisor who asked (as head judge) sees it but may not approve it.
  const sup = await openConsole(browser, server.base, { username: 'caipan1', password: JUDGE_PASSWORD, allow: [403] });
  await sup.page.click('[data-test=nav-corrections]');
  await sup.page.waitForSelector(`[data-test=corrections-list] [data-correction="${correction.id}"]`);
  assert.match(await text(sup.page, '[data-test=correction-change]'), /2\s*→\s*3/);
  await sup.page.click(`[data-test=correction-approve-${correction.id}]`);
  await sup.page.waitForSelector('[data-test=correction-error]');
  assert.match(await text(sup.page, '[data-test=correction-error]'), /申请人以外/);
  await sup.context.close();
  const still = (await apiCall(server.base, 'GET', '/api/practical/corrections?status=pending', { token: staff })).body;
  assert.ok(still.some((c) => c.id === correction.id), 'still pending after the refused self-approval');

  // An admin approves it.
  await admin.page.click('[data-test=nav-corrections]');
  await admin.page.waitForSelector(`[data-test=corrections-list] [data-correction="${correction.id}"]`);
  await shot(admin.page, 'console-practical-corrections');
  await admin.page.click(`[data-test=correction-approve-${correction.id}]`);
  await admin.page.waitForSelector('[data-test=corrections-flash]');
  await admin.page.waitForSelector('[data-test=corrections-none]');
  const approved = (await apiCall(server.base, 'GET', '/api/practical/corrections?status=approved', { token: staff })).body;
  const done = approved.find((c) => c.id === correction.id);
  assert.equal(done.status, 'approved');
  assert.equal(done.entry, 3);
  assert.deepEqual(admin.errors, []);
  await admin.context.close();
});
