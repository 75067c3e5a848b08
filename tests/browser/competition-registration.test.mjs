// Registration review (报名审核) in the console: an organiser opens the competition, sees the
// pending registrations with their status chips, accepts one (a 参赛证号 appears), refuses
// another in the reason dialog (an empty reason is not taken), accepts two more at once, and a
// student from a school that is not registered is refused at entry with a Chinese message and
// nothing stored.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, apiCall, adminToken } from './harness.mjs';
import { openConsole, text, shot } from './console-support.mjs';
import { setUp, register, person } from './competition-support.mjs';

let server;
let browser;
let staff;
let comp;
let regs;

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  staff = await adminToken(server.base);
  comp = await setUp(server.base, staff, { code: 'REG26' });
  regs = await register(server.base, staff, comp, [
    { ...person(1, { name: '张伟' }), group: 'Z' },
    { ...person(2, { name: '王芳' }), group: 'Z' },
    { ...person(3, { name: '李强' }), group: 'Z' },
    { ...person(4, { name: '陈晨', student: true }), group: 'X' },
  ]);
});

after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
});

const statusOf = async (id) => {
  const page = (await apiCall(server.base, 'GET', `/api/competitions/${comp.id}/registrations?per_page=500`, { token: staff })).body;
  return page.items.find((r) => r.id === id);
};
const row = (page, name) => page.locator(`[data-test=registrations-table] tr[data-name="${name}"]`);

test('an organiser accepts, refuses with a reason and accepts in bulk; each registration shows its status', async () => {
  const { context, page, errors } = await openConsole(browser, server.base);
  await page.click('[data-test=nav-competitions]');
  await page.click(`[data-test=competitions-table] tr[data-competition="${comp.id}"] [data-test=competition-link]`);
  await page.waitForSelector('[data-test=competition-tabs]');
  await page.click('[data-test=tab-registrations]');
  await page.waitForSelector('[data-test=registrations-table]');
  assert.match(await text(page, '[data-test=chip-pending]'), /待审核 4/);
  assert.match(await text(page, '[data-test=chip-accepted]'), /已通过 0/);
  await shot(page, 'competition-registrations-pending');

  // Accept one: the 参赛证号 is {code}-{event}{group}{serial}.
  await row(page, '张伟').locator(`[data-test=accept-${regs[0].id}]`).click();
  await page.waitForSelector('[data-test=registrations-table] tr[data-name="张伟"][data-status=accepted]');
  assert.match(await text(page, '[data-test=registrations-flash]'), /已通过：张伟/);
  assert.match(await row(page, '张伟').innerText(), /已通过/);
  assert.match(await row(page, '张伟').locator('[data-test=reg-number]').innerText(), /^REG26-AZ0001$/);
  assert.equal((await statusOf(regs[0].id)).status, 'accepted');

  // Refuse one: the dialog wants a reason.
  await row(page, '王芳').locator(`[data-test=refuse-${regs[1].id}]`).click();
  await page.waitForSelector('[data-test=refuse-dialog]');
  await page.click('[data-test=refuse-confirm]');
  assert.match(await text(page, '[data-test=refuse-message]'), /请填写不通过的原因/);
  assert.equal((await statusOf(regs[1].id)).status, 'pending', 'nothing changes without a reason');
  await page.fill('[data-test=refuse-reason]', '身份证复印件不清晰，请重新提交');
  await shot(page, 'competition-registrations-refuse');
  await page.click('[data-test=refuse-confirm]');
  await page.waitForSelector('[data-test=registrations-table] tr[data-name="王芳"][data-status=refused]');
  assert.match(await row(page, '王芳').innerText(), /未通过/);
  assert.match(await row(page, '王芳').innerText(), /身份证复印件不清晰/);
  const refused = await statusOf(regs[1].id);
  assert.equal(refused.status, 'refused');
  assert.equal(refused.reason, '身份证复印件不清晰，请重新提交');
  assert.equal(refused.number, null);

  // Two at once.
  await page.check(`[data-test=select-${regs[2].id}]`);
  await page.check(`[data-test=select-${regs[3].id}]`);
  assert.match(await text(page, '[data-test=bulk-accept]'), /2/);
  await page.click('[data-test=bulk-accept]');
  await page.waitForSelector('[data-test=registrations-table] tr[data-name="陈晨"][data-status=accepted]');
  assert.match(await text(page, '[data-test=registrations-flash]'), /已通过 2 项报名/);
  assert.match(await text(page, '[data-test=chip-accepted]'), /已通过 3/);
  assert.match(await text(page, '[data-test=chip-pending]'), /待审核 0/);
  assert.match(await row(page, '陈晨').locator('[data-test=reg-number]').innerText(), /^REG26-AX0001$/);

  // The 已通过 chip filters the list.
  await page.click('[data-test=chip-accepted]');
  await page.waitForSelector('[data-test=chip-accepted][aria-pressed=true]');
  assert.equal(await page.locator('[data-test=registrations-table] tbody tr').count(), 3);
  assert.equal(await row(page, '王芳').count(), 0);
  await shot(page, 'competition-registrations-accepted');
  assert.deepEqual(errors, []);
  await context.close();
});

test('a student of a school that is not registered is refused at entry, in Chinese, and nothing is stored', async () => {
  const { context, page, errors } = await openConsole(browser, server.base, { allow: [422] });
  await page.goto(`${server.base}/console#/competitions/${comp.id}/registrations`);
  await page.click('[data-test=reg-new-open]');
  await page.selectOption('[data-test=reg-group]', String(comp.groups.X));
  await page.selectOption('[data-test=reg-org-kind]', 'school');
  const p = person(9, { student: true, name: '周敏', organisation: '某某培训中心' });
  await page.fill('[data-test=reg-1-name]', p.name);
  await page.fill('[data-test=reg-1-id-number]', p.id_number);
  await page.fill('[data-test=reg-1-organisation]', p.organisation);
  await page.click('[data-test=reg-save]');
  await page.waitForSelector('[data-test=reg-error]');
  const said = await text(page, '[data-test=reg-error]');
  assert.match(said, /不符合该组别的(参赛|报名)条件/);
  assert.match(said, /某某培训中心/, 'the message names the school that is not registered');
  assert.doesNotMatch(said, /[A-Za-z]+(?:[ ,'-]+[A-Za-z]+){2,}/, 'no English sentence in the Chinese console');
  const all = (await apiCall(server.base, 'GET', `/api/competitions/${comp.id}/registrations?per_page=500`, { token: staff })).body;
  assert.equal(all.total, 4, 'nothing stored');
  assert.deepEqual(errors, []);
  await context.close();
});
