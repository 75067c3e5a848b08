// The console's practical task editor: a shipped task shows its time, equipment and scheme aspect
// by aspect with the running sum; changing points shows the mismatch until the task's points
// match; a new deduction and a changed tolerance band are saved as a new version with every
// other aspect's kind kept.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
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

test('a practical task is edited aspect by aspect with the running sum, and saved with every kind kept', async () => {
  const found = await apiCall(server.base, 'GET', '/api/questions?bank=PRA&q=PRA-0001', { token: staff });
  const id = found.body.items.find((q) => q.ident === 'PRA-0001').id;
  const before = (await apiCall(server.base, 'GET', `/api/questions/${id}`, { token: staff })).body.body;
  const { context, page, errors } = await openConsole(browser, server.base);
  await page.goto(`${server.base}/console#/questions/${id}`);
  await page.waitForSelector('[data-test=q-practical]');

  // What is stored is shown: time, equipment, each aspect with its kind and parameters.
  assert.equal(await page.inputValue('[data-test=q-minutes]'), String(before.minutes));
  assert.equal(await page.locator('[data-test^=equipment-name-]').count(), before.equipment.length);
  assert.equal(await page.locator('[data-test=q-aspects] > fieldset').count(), before.scheme.length);
  assert.equal(await page.inputValue('[data-test=aspect-kind-0]'), 'measurement');
  assert.equal(await page.inputValue('[data-test=aspect-unit-0]'), 'mm');
  assert.equal(await page.inputValue('[data-test=aspect-within-0-0]'), '20');
  assert.equal(await page.inputValue('[data-test=aspect-kind-2]'), 'judgement');
  assert.equal(await page.inputValue('[data-test=aspect-level-2-3]'), before.scheme[2].kind.descriptors[3]);
  assert.equal(await page.inputValue('[data-test=aspect-kind-3]'), 'deduction');
  assert.match(await text(page, '[data-test=q-scheme-sum]'), /合计 100 分 \/ 本题 100 分/);
  assert.equal(await page.getAttribute('[data-test=q-scheme-sum]', 'data-state'), 'ok');

  // More points on one aspect: the sum says how far off it is; the task's points or another
  // aspect's bring it back.
  await page.fill('[data-test=aspect-points-1]', '7');
  assert.match(await text(page, '[data-test=q-scheme-sum]'), /多出 2 分/);
  assert.equal(await page.getAttribute('[data-test=q-scheme-sum]', 'data-state'), 'mismatch');
  await page.fill('[data-test=q-points]', '102');
  assert.equal(await page.getAttribute('[data-test=q-scheme-sum]', 'data-state'), 'ok');
  await page.fill('[data-test=q-points]', '100');
  assert.equal(await page.getAttribute('[data-test=q-scheme-sum]', 'data-state'), 'mismatch');
  await page.fill('[data-test=aspect-points-0]', '6');
  assert.equal(await page.getAttribute('[data-test=q-scheme-sum]', 'data-state'), 'ok');

  // A looser second band, and a new deduction in the same sub-criterion (not counted in the sum).
  await page.fill('[data-test=aspect-within-0-1]', '60');
  await page.click('[data-test=q-add-aspect]');
  const n = before.scheme.length;
  await page.fill(`[data-test=aspect-group-${n}]`, before.scheme[0].group);
  await page.fill(`[data-test=aspect-text-${n}]`, '梯子未设专人扶梯（每发现一次）');
  await page.selectOption(`[data-test=aspect-kind-${n}]`, 'deduction');
  await page.fill(`[data-test=aspect-points-${n}]`, '2');
  await page.fill(`[data-test=aspect-per-${n}]`, '1');
  assert.equal(await page.getAttribute('[data-test=q-scheme-sum]', 'data-state'), 'ok');
  await shot(page, 'console-practical-scheme');
  await page.click('[data-test=q-save]');
  await page.waitForSelector('[data-test=question-saved], [data-test=question-message] .notice', { timeout: 10000 });
  assert.equal(await page.locator('[data-test=question-saved]').count(), 1, await text(page, '[data-test=question-message]'));

  const after = (await apiCall(server.base, 'GET', `/api/questions/${id}`, { token: staff })).body;
  assert.equal(after.version, 2);
  const s = after.body.scheme;
  assert.equal(s.length, n + 1);
  assert.deepEqual(s[0].kind.bands, [{ within: 20, fraction: 1 }, { within: 60, fraction: 0.5 }]);
  assert.equal(s[0].points, 6);
  assert.equal(s[1].points, 7);
  assert.deepEqual(s[2].kind, before.scheme[2].kind);
  assert.deepEqual(s[n], { group: before.scheme[0].group, text: '梯子未设专人扶梯（每发现一次）', points: 2, kind: { type: 'deduction', per: 1 } });
  assert.deepEqual(after.body.equipment, before.equipment);
  assert.equal(after.body.minutes, before.minutes);
  assert.deepEqual(errors, []);
  await context.close();
});

test('a scheme that does not add up is refused on save with the reason and nothing changes', async () => {
  const found = await apiCall(server.base, 'GET', '/api/questions?bank=PRA&q=PRA-0003', { token: staff });
  const id = found.body.items.find((q) => q.ident === 'PRA-0003').id;
  const { context, page, errors } = await openConsole(browser, server.base, { allow: [422] });
  await page.goto(`${server.base}/console#/questions/${id}`);
  await page.waitForSelector('[data-test=q-practical]');
  await page.click('[data-test=aspect-remove-1]');
  assert.match(await text(page, '[data-test=q-scheme-sum]'), /还差 5 分/);
  await page.click('[data-test=q-save]');
  await page.waitForSelector('[data-test=question-invalid]');
  assert.match(await text(page, '[data-test=question-invalid]'), /评分细则合计 95 分/);
  const after = (await apiCall(server.base, 'GET', `/api/questions/${id}`, { token: staff })).body;
  assert.equal(after.version, 1);
  assert.deepEqual(errors, []);
  await context.close();
});
