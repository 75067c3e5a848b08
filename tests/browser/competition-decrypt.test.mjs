// The decryption ceremony (解密) of a final whose marks are locked and rechecked: before it no
// one (an admin included) reads the code table; the 加密裁判 cannot go first (the step is
// disabled with the reason, and the API refuses it out of order); the 监督 opens 二次 (a wrong
// passphrase is refused), then the 加密裁判 opens 一次; then the organisers see the table of
// marking code → 检录号 → contestant.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, apiCall, adminToken } from './harness.mjs';
import { openConsole, text, shot } from './console-support.mjs';
import { lockedFinal, person, openLayer, PASSWORD, PASSPHRASE } from './competition-support.mjs';

let server;
let browser;
let staff;
let f;

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  staff = await adminToken(server.base);
  f = await lockedFinal(server.base, staff, {
    code: 'DEC26', tag: 'DEC', tasks: ['前端摄像机安装与调试'],
    people: [person(21, { name: '张伟' }), person(22, { name: '王芳' }), person(23, { name: '李强' })],
    metOf: (i) => 6 + i,
  });
});

after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
});

const mapping = (token) => apiCall(server.base, 'GET', `/api/competitions/stages/${f.comp.final}/mapping`, { token });

test('before decryption the table is sealed and the 加密裁判 cannot go first', async () => {
  const sealed = await mapping(staff);
  assert.equal(sealed.status, 403);
  assert.equal(sealed.body.error.code, 'mapping_sealed');
  const early = await openLayer(server.base, f.comp, f.encryptor, 1, PASSPHRASE.encryptor);
  assert.equal(early.status, 409);
  assert.equal(early.body.error.code, 'decryption_out_of_order');

  const { context, page, errors } = await openConsole(browser, server.base, { username: f.encryptor.username, password: PASSWORD, allow: [403] });
  await page.goto(`${server.base}/console#/competitions/stages/${f.comp.final}/decrypt`);
  await page.waitForSelector('[data-test=decrypt-first]');
  assert.equal(await page.locator('[data-test=decrypt-first-open]').isDisabled(), true);
  assert.match(await text(page, '[data-test=decrypt-first-why]'), /须先由监督解开二次加密/);
  // The supervisor's step is not the encryptor's to take.
  assert.equal(await page.locator('[data-test=decrypt-second-open]').isDisabled(), true);
  assert.match(await text(page, '[data-test=decrypt-second-why]'), /只有本阶段的监督/);
  assert.equal(await page.locator('[data-test=mapping-table]').count(), 0);
  assert.match(await text(page, '[data-test=mapping-sealed]'), /对照表保持密封/);
  await shot(page, 'competition-decrypt-waiting');
  assert.deepEqual(errors, []);
  await context.close();
});

test('the 监督 opens 二次, then the 加密裁判 opens 一次; then the table shows who is behind each code', async () => {
  const sup = await openConsole(browser, server.base, { username: f.supervisor.username, password: PASSWORD, allow: [403] });
  await sup.page.click('[data-test=nav-competition-stage]');
  await sup.page.fill('[data-test=stage-number]', String(f.comp.final));
  await sup.page.click('[data-test=pick-decrypt]');
  await sup.page.waitForSelector('[data-test=decrypt-second-open]:not([disabled])');
  await sup.page.fill('[data-test=decrypt-second-pass]', 'not-the-passphrase');
  await sup.page.click('[data-test=decrypt-second-open]');
  await sup.page.click('[data-test=decrypt-second-box-yes]');
  await sup.page.waitForSelector('[data-test=decrypt-second-message] [data-test=decrypt-error]');
  assert.match(await text(sup.page, '[data-test=decrypt-second-message]'), /口令不正确/);
  await sup.page.fill('[data-test=decrypt-second-pass]', PASSPHRASE.supervisor);
  await sup.page.click('[data-test=decrypt-second-open]');
  await sup.page.click('[data-test=decrypt-second-box-yes]');
  await sup.page.waitForSelector('[data-test=decrypt-second][data-done=true]');
  assert.equal(await sup.page.locator('[data-test=decrypt-first-open]').isDisabled(), true, 'the second step is the encryptor\'s');
  assert.match(await text(sup.page, '[data-test=decrypt-first-why]'), /只有本阶段的加密裁判/);
  assert.equal((await mapping(staff)).status, 403, 'one layer open: still sealed');
  assert.deepEqual(sup.errors, []);
  await sup.context.close();

  const enc = await openConsole(browser, server.base, { username: f.encryptor.username, password: PASSWORD, allow: [403] });
  await enc.page.goto(`${server.base}/console#/competitions/stages/${f.comp.final}/decrypt`);
  await enc.page.waitForSelector('[data-test=decrypt-first-open]:not([disabled])');
  await enc.page.fill('[data-test=decrypt-first-pass]', PASSPHRASE.encryptor);
  await enc.page.click('[data-test=decrypt-first-open]');
  await enc.page.click('[data-test=decrypt-first-box-yes]');
  await enc.page.waitForSelector('[data-test=decrypt-first][data-done=true]');
  assert.deepEqual(enc.errors, []);
  await enc.context.close();

  const open = await mapping(staff);
  assert.equal(open.status, 200, JSON.stringify(open.body));
  const { context, page, errors } = await openConsole(browser, server.base);
  await page.goto(`${server.base}/console#/competitions/${f.comp.id}/stages/${f.comp.final}`);
  await page.click('[data-test=final-decrypt]');
  await page.waitForSelector('[data-test=mapping-table]');
  const rows = page.locator('[data-test=mapping-table] tbody tr');
  assert.equal(await rows.count(), 3);
  for (const r of f.regs) {
    const row = page.locator(`[data-test=mapping-table] tr[data-number="${r.number}"]`);
    assert.match(await row.innerText(), new RegExp(r.name));
    const line = open.body.find((x) => x.number === r.number);
    assert.equal(await row.getAttribute('data-code'), line.marking_code);
    assert.ok(f.codes.includes(line.marking_code), 'the codes the judge marked');
    assert.match(await row.innerText(), new RegExp(r.ticket.code), 'the 检录号 given at the door');
    assert.match(await row.innerText(), /职工组/);
  }
  await shot(page, 'competition-decrypt-open');
  assert.deepEqual(errors, []);
  await context.close();
});
