// The award ceremony reveal (颁奖揭晓). Three finalists' tasks are locked by code and the board
// frozen; the final is decrypted and its results published as final. In the console the
// operator starts the reveal and presses 下一步 three times; the hall's public page follows each
// step: from the bottom up, one line at a time takes its final place with its name and score,
// while the lines not yet revealed keep their codes. Ending the reveal unfreezes the board on
// the final results.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, apiCall, adminToken, tabletContext, screenshot } from './harness.mjs';
import { openConsole, text } from './console-support.mjs';
import { lockedFinal, person, openLayer, PASSPHRASE } from './competition-support.mjs';

let server;
let browser;
let staff;
let f;
const NAMES = ['周冠军', '吴亚军', '郑季军'];
const CODE = 'RVL26';

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  staff = await adminToken(server.base);
  f = await lockedFinal(server.base, staff, {
    code: CODE, tag: 'RVL', tasks: ['模块一 前端摄像机安装与调试'],
    people: NAMES.map((n, i) => person(71 + i, { name: n })),
    metOf: (i) => [6, 9, 7][i],
  });
  const put = await apiCall(server.base, 'PUT', `/api/competitions/${f.comp.id}/board/freeze`, { token: staff, body: { freeze_at: new Date().toISOString() } });
  assert.equal(put.status, 200, JSON.stringify(put.body));
  for (const [holder, layer, pass] of [[f.supervisor, 2, PASSPHRASE.supervisor], [f.encryptor, 1, PASSPHRASE.encryptor]]) {
    const r = await openLayer(server.base, f.comp, holder, layer, pass);
    assert.equal(r.status, 200, JSON.stringify(r.body));
  }
  const results = `/api/competitions/events/${f.comp.eventId}/results`;
  let r = await apiCall(server.base, 'POST', `${results}/provisional?group=${f.comp.groups.Z}`, { token: staff, body: { appeal_window_minutes: 0, reason: '' } });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  r = await apiCall(server.base, 'POST', `${results}/final?group=${f.comp.groups.Z}`, { token: staff, body: { reason: '' } });
  assert.equal(r.status, 201, JSON.stringify(r.body));
});

after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
});

const labels = (page) => page.locator('[data-test=board-row] td:nth-child(2)').allInnerTexts();

test('the operator steps through the reveal in the console and the hall board follows', async () => {
  const hall = await (await tabletContext(browser, { orientation: 'landscape' })).newPage();
  const hallErrors = [];
  hall.on('pageerror', (e) => hallErrors.push(e.message));
  await hall.goto(`${server.base}/board?c=${CODE}`);
  await hall.waitForSelector('[data-test=board-row]');
  assert.equal(await hall.locator('[data-test=board-phase]').getAttribute('data-phase'), 'frozen');
  const frozenLabels = await labels(hall);
  assert.equal(frozenLabels.length, 3);
  for (const n of NAMES) assert.ok(!frozenLabels.includes(n));

  const { context, page, errors } = await openConsole(browser, server.base);
  await page.goto(`${server.base}/console#/competitions/${f.comp.id}/board`);
  await page.waitForSelector('[data-test=reveal-start]');
  assert.equal(await page.locator('[data-test=board-status]').getAttribute('data-phase'), 'frozen');
  // Staff see the final results live while the public sees the freeze.
  assert.equal((await page.locator('[data-test=live-row]').allInnerTexts()).filter((t) => NAMES.some((n) => t.includes(n))).length, 3);
  await page.click('[data-test=reveal-start]');
  await page.waitForSelector('[data-test=reveal-step]');
  assert.match(await text(page, '[data-test=reveal-step]'), /0 \/ 3/);
  await hall.waitForFunction(() => document.querySelector('[data-test=board-phase]').dataset.phase === 'reveal');

  // From the bottom up of the final results (scores 90, 70, 60 went to codes by lot).
  const published = (await apiCall(server.base, 'GET', `/api/competitions/events/${f.comp.eventId}/results?group=${f.comp.groups.Z}`, { token: staff })).body;
  const finalOrder = published[0].ranking.rows.map((r) => r.name);
  const order = [...finalOrder].reverse();
  for (const [i, name] of order.entries()) {
    await page.click('[data-test=reveal-next]');
    await page.waitForFunction((n) => document.querySelector('[data-test=reveal-step]')?.textContent.includes(`${n} / 3`), i + 1);
    assert.match(await text(page, '[data-test=reveal-current]'), new RegExp(name));
    await hall.waitForFunction((n) => document.querySelector('tr.just td:nth-child(2)')?.textContent === n, name);
    const rows = await labels(hall);
    // The revealed lines sit at the bottom in final order; the rest keep their codes.
    assert.deepEqual(rows.slice(3 - (i + 1)), order.slice(0, i + 1).reverse());
    for (const l of rows.slice(0, 3 - (i + 1))) assert.ok(!NAMES.includes(l), `${l} shown before its step`);
    await screenshot(hall, `board-reveal-${i + 1}`);
  }
  assert.equal(await page.locator('[data-test=reveal-next]').isDisabled(), true);
  await page.click('[data-test=reveal-end]');
  await page.waitForFunction(() => document.querySelector('[data-test=board-status]')?.dataset.phase === 'live');
  await hall.waitForFunction(() => document.querySelector('[data-test=board-phase]').dataset.phase === 'live');
  assert.deepEqual(await labels(hall), finalOrder);
  assert.match(await text(hall, '[data-test=board-source]'), /最终成绩/);
  assert.deepEqual(errors, []);
  assert.deepEqual(hallErrors, []);
  await context.close();
});
