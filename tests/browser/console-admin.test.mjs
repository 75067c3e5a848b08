// The administrator's screens: accounts and roles (and what an admin cannot do to themselves),
// the audit log with filters and readable details, deleting an unused exam, and a results
// export with full ID numbers that lands in the audit log.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startServer, launchBrowser, apiCall, adminToken } from './harness.mjs';
import { openConsole, text, shot } from './console-support.mjs';

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

test('accounts: create, change roles, reset the password, disable; never one’s own admin role', async () => {
  const { context, page, errors } = await openConsole(browser, server.base);
  await page.click('[data-test=nav-users]');
  await page.waitForSelector('[data-test=users-table]');
  await page.click('[data-test=user-new-open]');
  await page.fill('[data-test=user-new-username]', 'wangfang');
  await page.fill('[data-test=user-new-name]', '王芳');
  await page.fill('[data-test=user-new-password]', 'first-pass-1');
  await page.check('[data-test=user-new-role-author]');
  await page.click('[data-test=user-create]');
  await page.waitForSelector('[data-test=users-flash]');
  assert.match(await text(page, '[data-username=wangfang]'), /命题与考务/);
  assert.match(await text(page, '[data-username=wangfang]'), /监考/);

  // Roles: no longer a proctor, now a judge.
  await page.click('[data-test=user-edit-wangfang]');
  await page.uncheck('[data-test=user-edit-role-proctor]');
  await page.check('[data-test=user-edit-role-judge]');
  await shot(page, 'console-users-edit');
  await page.click('[data-test=user-edit-save]');
  await page.waitForSelector('[data-test=users-flash]');
  const row = await text(page, '[data-username=wangfang]');
  assert.match(row, /评分员/);
  assert.doesNotMatch(row, /监考/);

  // A new password works; disabling ends the account.
  await page.click('[data-test=user-edit-wangfang]');
  await page.fill('[data-test=user-edit-password]', 'second-pass-2');
  await page.click('[data-test=user-password-save]');
  await page.waitForSelector('[data-test=user-password-done]');
  const login = await apiCall(server.base, 'POST', '/api/auth/login', { body: { username: 'wangfang', password: 'second-pass-2' } });
  assert.equal(login.status, 200);
  await page.click('[data-test=user-toggle]');
  await page.waitForSelector('[data-test=users-flash]');
  assert.match(await text(page, '[data-username=wangfang] [data-test=user-state]'), /已停用/);

  // One's own account: the admin role and the disable button are not offered.
  await page.click('[data-test=user-edit-admin]');
  assert.equal(await page.isDisabled('[data-test=user-edit-role-admin]'), true);
  assert.equal(await page.isDisabled('[data-test=user-toggle]'), true);
  await shot(page, 'console-users');
  assert.equal(errors.length, 0, errors.join('\n'));
  await context.close();
});

test('the audit log filters by actor and action and shows details as text in Chinese', async () => {
  const { context, page, errors } = await openConsole(browser, server.base);
  await apiCall(server.base, 'POST', '/api/banks', { token: staff, body: { code: 'AUD', name: '审计测试题库' } });
  await page.click('[data-test=nav-audit]');
  await page.waitForSelector('[data-test=audit-table]');
  await page.fill('[data-test=audit-actor]', 'admin');
  await page.selectOption('[data-test=audit-action]', 'bank.');
  await page.click('[data-test=audit-search]');
  await page.waitForFunction(() => [...document.querySelectorAll('[data-test=audit-table] tbody tr')].every((r) => r.dataset.action.startsWith('bank.')));
  const first = await text(page, '[data-test=audit-table] tbody tr');
  assert.match(first, /新建题库/);
  assert.match(first, /审计测试题库/);
  assert.doesNotMatch(first, /[{}"]/);
  assert.match(page.url(), /#\/audit\?actor=admin&action=bank\./);
  await shot(page, 'console-audit');
  // Nobody named so: nothing.
  await page.fill('[data-test=audit-actor]', 'nobody');
  await page.click('[data-test=audit-search]');
  await page.waitForFunction(() => !document.querySelector('[data-test=audit-table]'));
  assert.match(await text(page, '[data-test=audit-results]'), /没有符合条件的记录/);
  assert.equal(errors.length, 0, errors.join('\n'));
  await context.close();
});

test('an unused exam is deleted; one a session uses is refused with the reason', async () => {
  const { context, page, errors } = await openConsole(browser, server.base, { allow: [409] });
  const exam = await apiCall(server.base, 'POST', '/api/exams', { token: staff, body: {
    name: '多余的考试', time_limit_minutes: 30, pass_line: 6,
    blueprint: { sections: [{ cells: [{ bank: 'LAW', kind: 'single', count: 10, points: 1 }] }] },
  } });
  const used = (await apiCall(server.base, 'GET', '/api/sessions', { token: staff })).body[0].exam_id;
  await page.click('[data-test=nav-exams]');
  await page.click(`[data-test=exam-delete-${used}]`);
  await page.click('[data-test=exam-delete-confirm]');
  await page.waitForSelector('[data-test=exam-delete-error]');
  assert.match(await text(page, '[data-test=exam-delete-error]'), /已有场次使用/);
  await page.click(`[data-test=exam-delete-${exam.body.id}]`);
  await page.click('[data-test=exam-delete-confirm]');
  await page.waitForSelector('[data-test=exams-flash]');
  assert.match(await text(page, '[data-test=exams-flash]'), /多余的考试/);
  assert.equal(await page.locator(`[data-test=exam-delete-${exam.body.id}]`).count(), 0);
  assert.equal(errors.length, 0, errors.join('\n'));
  await context.close();
});

test('an admin exports results with full ID numbers and the export is audited', async () => {
  const { context, page, errors } = await openConsole(browser, server.base);
  const sid = (await apiCall(server.base, 'GET', '/api/sessions', { token: staff })).body.find((s) => s.name.includes('继续教育')).id;
  await page.goto(`${server.base}/console#/sessions/${sid}/results`);
  await page.waitForSelector('[data-test=results-full-ids]');
  await page.check('[data-test=results-full-ids]');
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-test=results-export-csv]')]);
  const csv = readFileSync(await download.path(), 'utf8');
  assert.ok(csv.includes(server.candidates[0].idNumber), 'the full ID number is in the file');
  const audit = await apiCall(server.base, 'GET', '/api/audit?action=export.full_ids', { token: staff });
  assert.equal(audit.body.length, 1);
  assert.equal(audit.body[0].detail.session_id, sid);
  await shot(page, 'console-results-full-ids');
  assert.equal(errors.length, 0, errors.join('\n'));
  await context.close();
});
