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
  const sessions = await apiCall(server.base, 'GET', '/api/sessions', { token: staff });
  sid = sessions.body[0].id;
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
  const cand = server.candidates[0];
  await page.click('[data-test=practical-checkin-link]');
  await page.waitForSelector('[data-test=checkin-ticket]');
  await page.fill('[data-test=checkin-ticket]', 'K00000000000X');
  await page.press('[data-test=checkin-ticket]', 'Enter');
  await page.waitForSelector('[data-test=checkin-error]');
  await page.fill('[data-test=checkin-ticket]', cand.ticket.toLowerCase());
  await page.press('[data-test=checkin-ticket]', 'Enter');
  await page.waitForSelector('[data-test=checkin-identity]');
  assert.equal(await text(page, '[data-test=checkin-name]'), cand.name);
  assert.ok(!(await text(page, '[data-test=checkin-id]')).includes(cand.idNumber), 'the ID number is masked');
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
  await page.waitForSelector('[data-test=practical-started-note]');
  assert.ok(await page.locator('[data-test=practical-save]').isDisabled());
  assert.deepEqual(errors.filter((e) => !/status of (404|422)/.test(e)), []);
  await context.close();
});
