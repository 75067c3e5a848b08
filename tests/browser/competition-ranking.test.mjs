// A tie broken by the chain (同分排序) on the ranking screen. Four finalists sit the theory alike
// (60); the final has two modules marked by code: one code gets 100 then 50, another 50 then 100
// (the same practical score 75 and total 70.5: the chain's module key puts the first one ahead,
// "同分，按模块1成绩"), and two get 60 and 60 (equal on every key: a shared rank, 并列). Before
// decryption the ranking is refused; after it, the screen shows the ranks with those notes, and
// who is behind each code comes from the opened table.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, apiCall, adminToken } from './harness.mjs';
import { openConsole, text, shot } from './console-support.mjs';
import { lockedFinal, person, openLayer, PASSPHRASE } from './competition-support.mjs';

let server;
let browser;
let staff;
let f;
// Aspects met of ten, by code (in the judge's order) and module.
const MET = [[10, 5], [5, 10], [6, 6], [6, 6]];

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  staff = await adminToken(server.base);
  f = await lockedFinal(server.base, staff, {
    code: 'RNK26', tag: 'RNK', tasks: ['模块一 前端摄像机安装与调试', '模块二 视频监控平台配置'],
    tieChain: ['practical', 'modules', 'theory'],
    people: [person(31, { name: '张伟' }), person(32, { name: '王芳' }), person(33, { name: '李强' }), person(34, { name: '赵敏' })],
    metOf: (i, t) => MET[i][t],
  });
});

after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
});

const rankingUrl = () => `${server.base}/console#/competitions/${f.comp.id}/ranking?event=${f.comp.eventId}&group=${f.comp.groups.Z}`;

test('no ranking before decryption: the screen says why', async () => {
  const { context, page, errors } = await openConsole(browser, server.base, { allow: [409] });
  await page.goto(rankingUrl());
  await page.waitForSelector('[data-test=ranking-refused]');
  assert.equal(await page.locator('[data-test=ranking-refused]').getAttribute('data-code'), 'not_decrypted');
  assert.match(await text(page, '[data-test=ranking-refused]'), /尚未解密/);
  assert.equal(await page.locator('[data-test=ranking-table]').count(), 0);
  assert.deepEqual(errors, []);
  await context.close();
});

test('after decryption the chain breaks the tie on module 1, and equal rows share a rank (并列)', async () => {
  for (const [holder, layer, pass] of [[f.supervisor, 2, PASSPHRASE.supervisor], [f.encryptor, 1, PASSPHRASE.encryptor]]) {
    const r = await openLayer(server.base, f.comp, holder, layer, pass);
    assert.equal(r.status, 200, JSON.stringify(r.body));
  }
  const table = (await apiCall(server.base, 'GET', `/api/competitions/stages/${f.comp.final}/mapping`, { token: staff })).body;
  const behind = (i) => table.find((x) => x.marking_code === f.codes[i]);
  const first = behind(0);
  const second = behind(1);
  const shared = [behind(2), behind(3)];

  const { context, page, errors } = await openConsole(browser, server.base);
  await page.click('[data-test=nav-competitions]');
  await page.click(`[data-test=competitions-table] tr[data-competition="${f.comp.id}"] [data-test=competition-link]`);
  await page.click('[data-test=tab-ranking]');
  await page.waitForSelector('[data-test=ranking-table]');
  assert.match(await text(page, '[data-test=ranking-chain]'), /实操成绩 → 模块成绩 → 理论成绩/);
  const row = (number) => page.locator(`[data-test=ranking-table] tr[data-number="${number}"]`);

  // 70.5 each: the practical scores are equal (75), module 1 decides.
  assert.equal(await row(first.number).getAttribute('data-rank'), '1');
  assert.equal(await row(second.number).getAttribute('data-rank'), '2');
  for (const n of [first.number, second.number]) assert.match(await row(n).locator('[data-test=total]').innerText(), /^70\.50$/);
  assert.match(await row(first.number).locator('[data-test=tie-note]').innerText(), /同分.*模块\s?1/);
  assert.match(await row(first.number).innerText(), new RegExp(first.name));
  assert.match(await row(first.number).locator('[data-test=modules]').innerText(), /100\.00 \/ 50\.00/);
  assert.match(await row(second.number).locator('[data-test=modules]').innerText(), /50\.00 \/ 100\.00/);

  // Equal on the total and every key of the chain: rank 3 twice, marked 并列; no rank 4.
  for (const s of shared) {
    assert.equal(await row(s.number).getAttribute('data-rank'), '3');
    assert.equal(await row(s.number).getAttribute('data-shared'), 'true');
    assert.match(await row(s.number).innerText(), /并列/);
  }
  assert.equal(await page.locator('[data-test=ranking-table] tr[data-rank="4"]').count(), 0);
  await shot(page, 'competition-ranking-tie');
  assert.deepEqual(errors, []);
  await context.close();
});
