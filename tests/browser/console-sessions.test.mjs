// A session run from the console alone: made with proctors picked by name, switched to another
// exam before anyone starts, a candidate corrected and one removed, proctors added and removed,
// tickets printed with the login address and its QR code; and what the console says once a
// candidate has started.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, apiCall, adminToken } from './harness.mjs';
import { openConsole, text, shot, idNumber } from './console-support.mjs';

let server;
let browser;
let staff;
let otherExam;

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  staff = await adminToken(server.base);
  for (const [username, name, role] of [['zhangjk', '张监考', 'proctor'], ['lijk', '李监考', 'proctor'], ['wupf', '吴评分', 'judge']]) {
    const r = await apiCall(server.base, 'POST', '/api/users', { token: staff, body: { username, display_name: name, password: 'proctor-pass-1', roles: [role] } });
    assert.equal(r.status, 201);
  }
  const exam = await apiCall(server.base, 'POST', '/api/exams', { token: staff, body: {
    name: '法规专项考试', time_limit_minutes: 30, pass_line: 6,
    blueprint: { sections: [{ cells: [{ bank: 'LAW', kind: 'single', count: 10, points: 1 }] }] },
  } });
  assert.equal(exam.status, 201);
  otherExam = exam.body.id;
});

after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
});

test('a session made with proctors by name, switched to another exam, its roster corrected, tickets printed', async () => {
  const { context, page, errors } = await openConsole(browser, server.base);
  await page.click('[data-test=nav-sessions]');
  await page.click('[data-test=session-new]');
  await page.waitForSelector('[data-test=session-form]');
  await page.fill('[data-test=session-name]', '安防从业人员继续教育培训');
  await page.fill('[data-test=session-number]', '第七十五期');
  await page.fill('[data-test=session-venue]', '佛山站');
  const pick = page.locator('[data-test=room-proctors]').first();
  await pick.selectOption({ label: '张监考（zhangjk）' });
  await page.click('[data-test=session-create]');
  await page.waitForSelector('[data-test=session-info]');
  const sid = Number(page.url().match(/sessions\/(\d+)/)[1]);
  assert.match(await text(page, '[data-test=proctor-room]'), /张监考/);

  // Before anyone starts: another exam.
  await page.click('[data-test=edit-session-open]');
  await page.selectOption('[data-test=edit-session-exam]', String(otherExam));
  await page.fill('[data-test=edit-session-venue]', '佛山南海站');
  await shot(page, 'console-session-edit');
  await page.click('[data-test=edit-session-save]');
  await page.waitForSelector('[data-test=session-flash]');
  assert.match(await text(page, '[data-test=session-info]'), /法规专项考试/);
  assert.match(await text(page, '[data-test=session-info]'), /佛山南海站/);

  // Two candidates; one corrected, one removed.
  for (const [name, id] of [['陈小明', idNumber('44010619900101123')], ['林小红', idNumber('44010619920202234')]]) {
    await page.fill('[data-test=cand-name]', name);
    await page.fill('[data-test=cand-id-number]', id);
    await page.click('[data-test=cand-add]');
    await page.waitForSelector('[data-test=cand-added]');
    await page.waitForFunction((n) => document.querySelector('[data-test=candidates-table]')?.innerText.includes(n), name);
  }
  const list = (await apiCall(server.base, 'GET', `/api/sessions/${sid}/candidates`, { token: staff })).body;
  await page.click(`[data-test=cand-edit-${list[0].id}]`);
  await page.fill('[data-test=cand-edit-name]', '陈晓明');
  await page.fill('[data-test=cand-edit-employer]', '佛山某安防公司');
  await shot(page, 'console-candidate-edit');
  await page.click('[data-test=cand-edit-save]');
  await page.waitForSelector('[data-test=cand-edit-done]');
  await page.waitForFunction(() => document.querySelector('[data-test=candidates-table]')?.innerText.includes('陈晓明'));
  await page.click(`[data-test=cand-delete-${list[1].id}]`);
  await page.click('[data-test=cand-delete-confirm]');
  await page.waitForSelector('[data-test=cand-deleted]');
  await page.waitForFunction(() => !document.querySelector('[data-test=candidates-table]')?.innerText.includes('林小红'));

  // Proctors by name: add one, remove the other.
  const room = page.locator('[data-test=proctor-room]').first();
  const roomId = (await apiCall(server.base, 'GET', `/api/sessions/${sid}`, { token: staff })).body.rooms[0].id;
  await page.selectOption(`[data-test=proctor-pick-${roomId}]`, { label: '李监考（lijk）' });
  await page.click(`[data-test=proctor-add-${roomId}]`);
  await page.waitForSelector('[data-test=proctors-saved]');
  assert.match(await room.locator('.proctor-list').innerText(), /李监考/);
  const zhang = (await apiCall(server.base, 'GET', '/api/staff', { token: staff })).body.find((u) => u.username === 'zhangjk');
  await page.click(`[data-test=proctor-remove-${zhang.id}]`);
  await page.waitForFunction(() => [...document.querySelectorAll('[data-test=proctor]')].every((li) => !li.innerText.includes('张监考')));
  assert.match(await text(page, '[data-test=proctor]'), /李监考/);
  // Judges: one chosen, so only that judge marks this session.
  assert.match(await text(page, '[data-test=judges-none]'), /所有评分员/);
  await page.selectOption('[data-test=judge-pick]', { label: '吴评分（wupf）' });
  await page.click('[data-test=judge-add]');
  await page.waitForSelector('[data-test=judges-saved]');
  assert.match(await text(page, '[data-test=judge]'), /吴评分/);
  await shot(page, 'console-session-proctors');
  assert.equal((await apiCall(server.base, 'GET', `/api/sessions/${sid}`, { token: staff })).body.judges.length, 1);
  const after = (await apiCall(server.base, 'GET', `/api/sessions/${sid}`, { token: staff })).body;
  assert.deepEqual(after.rooms[0].proctors.length, 1);

  // Tickets: the login address (warned about while it is this machine's) and its QR code.
  await page.click('[data-test=tickets-link]');
  await page.waitForSelector('[data-test=ticket-qr]');
  await page.waitForSelector('[data-test=tickets-address-warn]');
  await page.fill('[data-test=tickets-address]', 'https://192.168.1.10:8443/');
  await page.dispatchEvent('[data-test=tickets-address]', 'change');
  await page.waitForSelector('[data-test=tickets-address-ok]');
  await page.waitForFunction(() => document.querySelector('[data-test=ticket-address]')?.innerText === 'https://192.168.1.10:8443/');
  assert.match(await text(page, '[data-test=ticket-seat]'), /第一考场/);
  assert.ok((await text(page, '[data-test=ticket-time]')).length > 5);
  await page.waitForFunction(() => { const i = document.querySelector('[data-test=ticket-qr]'); return i && i.complete && i.naturalWidth > 0; });
  await shot(page, 'console-tickets');
  // Printed: no console chrome and no page heading.
  await page.emulateMedia({ media: 'print' });
  assert.equal(await page.locator('h1').isVisible(), false);
  assert.equal(await page.locator('.c-nav').isVisible(), false);
  assert.equal(await page.locator('[data-test=ticket]').first().isVisible(), true);
  await shot(page, 'console-tickets-print');
  await page.emulateMedia({ media: 'screen' });
  assert.equal(errors.length, 0, errors.join('\n'));
  await context.close();
});

test('once a candidate has started, the console explains why the exam, the window and that candidate are fixed', async () => {
  const { context, page, errors } = await openConsole(browser, server.base, { allow: [409] });
  const sessions = (await apiCall(server.base, 'GET', '/api/sessions', { token: staff })).body;
  const demo = sessions.find((s) => s.exam_id !== otherExam && s.name.includes('继续教育'));
  const c = server.candidates[0];
  const login = await apiCall(server.base, 'POST', '/api/candidate/login', { body: { ticket: c.ticket, id_number: c.idNumber } });
  assert.equal(login.status, 200);
  await page.goto(`${server.base}/console#/sessions/${demo.id}`);
  await page.waitForSelector('[data-test=session-info]');
  await page.click('[data-test=edit-session-open]');
  await page.waitForSelector('[data-test=session-started-note]');
  assert.equal(await page.isDisabled('[data-test=edit-session-exam]'), true);
  assert.equal(await page.isDisabled('[data-test=session-delete]'), true);
  const started = (await apiCall(server.base, 'GET', `/api/sessions/${demo.id}/candidates`, { token: staff })).body.find((x) => x.ticket === c.ticket);
  await page.click(`[data-test=cand-delete-${started.id}]`);
  await page.click('[data-test=cand-delete-confirm]');
  await page.waitForSelector('[data-test=cand-edit-error]');
  assert.match(await text(page, '[data-test=cand-edit-error]'), /已开始作答/);
  await shot(page, 'console-session-started');
  assert.equal(errors.length, 0, errors.join('\n'));
  await context.close();
});
