// 检录 at the door of a competition final, on a tablet: the 加密裁判 and the 监督 take their
// seals; at the door a wrong ID number and an unknown contestant number are refused in Chinese;
// each finalist gets a 检录号 and a station drawn by lot (three finalists, three stations: each
// station once), the lot's seed is recorded, and a second check-in is refused (the code is
// shown once).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, apiCall, adminToken } from './harness.mjs';
import { openConsole, text, shot } from './console-support.mjs';
import {
  makeStaff, setUp, register, accept, person, sitTheory, confirmCut, prepareFinal, PASSWORD, PASSPHRASE,
} from './competition-support.mjs';

let server;
let browser;
let staff;
let comp;
let regs;
let users;

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  staff = await adminToken(server.base);
  users = await makeStaff(server.base, staff, [
    { username: 'chk.jiami', name: '刘加密', roles: ['judge'] },
    { username: 'chk.jiandu', name: '郑监督', roles: ['supervisor'] },
    { username: 'chk.caipan', name: '赵裁判', roles: ['judge'], affiliation: '省安防协会' },
  ]);
  comp = await setUp(server.base, staff, { code: 'CHK26', encryptor: users['chk.jiami'].id, supervisor: users['chk.jiandu'].id });
  regs = await accept(server.base, staff, await register(server.base, staff, comp, [
    { ...person(11, { name: '张伟' }), group: 'Z' },
    { ...person(12, { name: '王芳' }), group: 'Z' },
    { ...person(13, { name: '李强' }), group: 'Z' },
  ]));
  await sitTheory(server.base, staff, comp, regs, () => 60, 'CHK');
  await confirmCut(server.base, staff, comp);
  await prepareFinal(server.base, staff, comp, { tag: 'CHK', tasks: ['前端摄像机安装与调试'], judge: users['chk.caipan'], stations: 3 });
});

after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
});

test('the 加密裁判 and the 监督 each take their seal on the console (passphrase twice)', async () => {
  for (const [username, who] of [['chk.jiami', 'encryptor'], ['chk.jiandu', 'supervisor']]) {
    const { context, page, errors } = await openConsole(browser, server.base, { username, password: PASSWORD, orientation: 'portrait' });
    await page.click('[data-test=nav-competition-stage]');
    await page.fill('[data-test=stage-number]', String(comp.final));
    await page.click('[data-test=pick-seal]');
    await page.waitForSelector(`[data-test=seal-${who}-take]`);
    // The other holder's form is not offered to this one.
    assert.equal(await page.locator(`[data-test=seal-${who === 'encryptor' ? 'supervisor' : 'encryptor'}-take]`).count(), 0);
    await page.fill(`[data-test=seal-${who}-pass]`, PASSPHRASE[who]);
    await page.fill(`[data-test=seal-${who}-pass2]`, `${PASSPHRASE[who]}x`);
    await page.click(`[data-test=seal-${who}-take]`);
    assert.match(await text(page, `[data-test=seal-${who}-message]`), /两次输入的口令不一致/);
    await page.fill(`[data-test=seal-${who}-pass2]`, PASSPHRASE[who]);
    await page.click(`[data-test=seal-${who}-take]`);
    await page.waitForSelector(`[data-test=seal-${who}-taken]`);
    if (who === 'supervisor') await shot(page, 'competition-seals');
    assert.deepEqual(errors, []);
    await context.close();
  }
  const state = (await apiCall(server.base, 'GET', `/api/competitions/stages/${comp.final}/seal`, { token: staff })).body;
  assert.ok(state.layers.every((l) => l.taken_at), JSON.stringify(state));
});

test('at the door each finalist gets a 检录号 and a station drawn by lot; errors are plain Chinese', async () => {
  const { context, page, errors } = await openConsole(browser, server.base, { allow: [404, 409, 422], orientation: 'portrait' });
  await page.goto(`${server.base}/console#/competitions/${comp.id}/stages/${comp.final}`);
  await page.click('[data-test=final-checkin]');
  await page.waitForSelector('[data-test=door-number]');
  assert.match(await text(page, '[data-test=door-counts]'), /已检录 0/);

  // The ID card of someone else.
  await page.fill('[data-test=door-number]', regs[0].number.toLowerCase());
  await page.fill('[data-test=door-id]', regs[1].id_number);
  await page.click('[data-test=door-submit]');
  await page.waitForSelector('[data-test=door-error]');
  assert.match(await text(page, '[data-test=door-error]'), /参赛证号与身份证号不一致/);
  assert.equal(await page.locator('[data-test=door-slip]').count(), 0);
  // A number nobody holds.
  await page.fill('[data-test=door-number]', 'CHK26-AZ0099');
  await page.fill('[data-test=door-id]', regs[0].id_number);
  await page.click('[data-test=door-submit]');
  await page.waitForSelector('[data-test=door-error][data-code]:not([data-code="identity_mismatch"])');
  assert.match(await text(page, '[data-test=door-error]'), /参赛证号|决赛名单|选手/);

  const stations = [];
  const codes = [];
  for (const [i, r] of regs.entries()) {
    await page.fill('[data-test=door-number]', r.number);
    await page.fill('[data-test=door-id]', r.id_number);
    await page.click('[data-test=door-submit]');
    await page.waitForSelector(`[data-test=door-slip][data-number="${r.number}"]`);
    assert.equal(await text(page, '[data-test=door-name]'), r.name);
    const code = (await text(page, '[data-test=door-code]')).trim();
    assert.match(code, /^[A-Z0-9-]{4,}$/);
    codes.push(code);
    const station = Number(await page.locator('[data-test=door-places] tr[data-station]').first().getAttribute('data-station'));
    assert.ok(station >= 1 && station <= 3, `station ${station}`);
    assert.match(await text(page, '[data-test=door-places]'), new RegExp(`${station} 号工位`));
    stations.push(station);
    if (i === 0) await shot(page, 'competition-door-slip');
    assert.match(await text(page, '[data-test=door-counts]'), new RegExp(`已检录 ${i + 1}`));
    await page.click('[data-test=door-next]');
    await page.waitForFunction(() => !document.querySelector('[data-test=door-slip]'));
  }
  assert.deepEqual([...stations].sort(), [1, 2, 3], 'three stations, each drawn once');
  assert.equal(new Set(codes).size, 3);

  // Again: refused, the code is not shown twice.
  await page.fill('[data-test=door-number]', regs[0].number);
  await page.fill('[data-test=door-id]', regs[0].id_number);
  await page.click('[data-test=door-submit]');
  await page.waitForSelector('[data-test=door-error][data-code="already_checked_in"]');
  assert.match(await text(page, '[data-test=door-error]'), /已经检录/);
  assert.equal(await page.locator('[data-test=door-slip]').count(), 0);

  // The lot is recorded: its seed is on the progress and shown at the door.
  const prog = (await apiCall(server.base, 'GET', `/api/competitions/stages/${comp.final}/progress`, { token: staff })).body;
  assert.equal(prog.checked_in, 3);
  assert.ok(prog.draw_seed, 'the lot seed is recorded');
  await page.reload();
  await page.waitForSelector('[data-test=door-number]');
  assert.match(await page.locator('main').innerText(), new RegExp(`抽签种子 ${prog.draw_seed}`));
  assert.deepEqual(errors, []);
  await context.close();
});
