// Appeals (申诉) and arbitration (仲裁) through the screens. A decrypted, locked final with two
// finalists; the organiser publishes the provisional results (公示) in the console with a
// two-hour window, and finalising is refused while it is open. A contestant logs in on the
// public appeal page (参赛证号 + 身份证号), files an appeal with a photo (scaled down in the
// browser) and a PDF; an arbitrator (监督仲裁组) opens it in the console, takes it under review and
// rejects it with a reason; the contestant sees the decision, and a second appeal on the same
// stage is refused with its text.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, adminToken, tabletContext } from './harness.mjs';
import { openConsole, text, shot } from './console-support.mjs';
import { lockedFinal, person, openLayer, makeStaff, PASSPHRASE, PASSWORD } from './competition-support.mjs';

let server;
let browser;
let staff;
let f;
let arbitrator;

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  staff = await adminToken(server.base);
  f = await lockedFinal(server.base, staff, {
    code: 'APL26', tag: 'APL', tasks: ['模块一 前端摄像机安装与调试'],
    people: [person(41, { name: '孙立' }), person(42, { name: '周敏' })],
    metOf: (i) => [8, 6][i],
  });
  for (const [holder, layer, pass] of [[f.supervisor, 2, PASSPHRASE.supervisor], [f.encryptor, 1, PASSPHRASE.encryptor]]) {
    const r = await openLayer(server.base, f.comp, holder, layer, pass);
    assert.equal(r.status, 200, JSON.stringify(r.body));
  }
  arbitrator = (await makeStaff(server.base, staff, [{ username: 'apl.zhongcai', name: '钱仲裁', roles: ['arbitrator'] }]))['apl.zhongcai'];
});

after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
});

/** A 24-bit BMP of w×h noise: far over 200 KB, an image type the server refuses as it is, so the
 * page must redraw it as a JPEG under the limit. */
function noiseBmp(w, h) {
  const row = Math.ceil((w * 3) / 4) * 4;
  const size = 54 + row * h;
  const b = Buffer.alloc(size);
  b.write('BM', 0); b.writeUInt32LE(size, 2); b.writeUInt32LE(54, 10); b.writeUInt32LE(40, 14);
  b.writeInt32LE(w, 18); b.writeInt32LE(h, 22); b.writeUInt16LE(1, 26); b.writeUInt16LE(24, 28); b.writeUInt32LE(row * h, 34);
  let seed = 7;
  for (let i = 54; i < size; i += 1) { seed = (seed * 1103515245 + 12345) & 0x7fffffff; b[i] = (seed >> 16) & 0xff; }
  return b;
}
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n');

async function appealPage(allow = []) {
  const context = await tabletContext(browser, { orientation: 'portrait' });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    const status = m.text().match(/status of (\d{3})/);
    if (status && allow.includes(Number(status[1]))) return;
    errors.push(m.text());
  });
  await page.goto(`${server.base}/appeal`);
  const c = f.regs[0];
  await page.fill('[data-test=login-number]', c.number);
  await page.fill('[data-test=login-id-number]', c.id_number);
  await page.click('[data-test=contestant-login-submit]');
  await page.waitForSelector('[data-test=covered]');
  return { context, page, errors };
}

test('the organiser publishes provisional results; finalising is refused while the window is open', async () => {
  const { context, page, errors } = await openConsole(browser, server.base, { allow: [409] });
  await page.click('[data-test=nav-competitions]');
  await page.click(`[data-test=competitions-table] tr[data-competition="${f.comp.id}"] [data-test=competition-link]`);
  await page.click('[data-test=tab-publication]');
  await page.waitForSelector('[data-test=pub-none]');
  assert.match(await text(page, '[data-test=pub-none]'), /尚未公示/);
  await page.fill('[data-test=pub-window]', '120');
  await page.click('[data-test=pub-publish]');
  await page.waitForSelector('[data-test=pub-version][data-version="1"]');
  assert.match(await text(page, '[data-test=pub-done]'), /已公示第 1 版/);
  const v1 = page.locator('[data-test=pub-version][data-version="1"]');
  assert.equal(await v1.getAttribute('data-state'), 'provisional');
  assert.match(await v1.locator('[data-test=pub-state]').innerText(), /公示中/);
  assert.match(await v1.locator('[data-test=pub-closes]').innerText(), /北京时间/);
  assert.match(await v1.innerText(), /首次公示/);
  assert.match(await text(page, '[data-test=final-blocked]'), /申诉期到 .* 结束/);

  await page.click('[data-test=pub-final]');
  await page.waitForSelector('[data-test=final-refused]');
  assert.equal(await page.locator('[data-test=final-refused]').getAttribute('data-code'), 'appeal_window_open');
  assert.match(await text(page, '[data-test=final-refused]'), /申诉期尚未结束/);
  assert.equal(await page.locator('[data-test=pub-version]').count(), 1);
  await shot(page, 'competition-appeal-publication');
  assert.deepEqual(errors, []);
  await context.close();
});

test('a contestant logs in on the appeal page and files an appeal with a scaled photo and a PDF', async () => {
  const { context, page, errors } = await appealPage();
  const c = f.regs[0];
  assert.match(await text(page, '[data-test=appellant-name]'), new RegExp(c.name));
  const row = page.locator(`[data-test=covered] tr[data-contestant="${c.id}"]`);
  assert.equal(await row.getAttribute('data-open'), 'true');
  assert.match(await row.locator('[data-test=window]').innerText(), /可以申诉/);
  assert.match(await row.locator('[data-test=pub-state]').innerText(), /公示中，申诉截止/);
  await page.selectOption('[data-test=file-stage]', String(f.comp.final));
  await page.fill('[data-test=file-task]', '模块一 实操成绩');
  await page.fill('[data-test=file-grounds]', '第 3 项评分点已完成，现场照片为证。');
  assert.match(await text(page, '[data-test=grounds-counter]'), /^19 \/ 2000 字$/);
  const bmp = noiseBmp(400, 300);
  assert.ok(bmp.length > 300 * 1024);
  await page.setInputFiles('[data-test=file-attachments]', [
    { name: '现场照片.bmp', mimeType: 'image/bmp', buffer: bmp },
    { name: '说明.pdf', mimeType: 'application/pdf', buffer: PDF },
  ]);
  await page.waitForFunction(() => document.querySelectorAll('[data-test=file-picked]').length === 2);
  const photo = await page.locator('[data-test=file-picked]').first().innerText();
  assert.match(photo, /现场照片\.jpg \((\d+) KB\)/);
  assert.ok(Number(photo.match(/\((\d+) KB\)/)[1]) <= 200, photo);
  await page.click('[data-test=file-submit]');
  await page.waitForSelector('[data-test=filed]');
  assert.match(await text(page, '[data-test=filed]'), /申诉已提交（第 \d+ 号）/);
  const mine = page.locator('[data-test=mine] tbody tr');
  assert.equal(await mine.count(), 1);
  assert.match(await mine.first().locator('[data-test=mine-status]').innerText(), /已提交/);
  await shot(page, 'competition-appeal-filed');
  assert.deepEqual(errors, []);
  await context.close();
});

test('an arbitrator opens the appeal in the console, takes it under review and rejects it with a reason', async () => {
  const { context, page, errors } = await openConsole(browser, server.base, { username: arbitrator.username, password: PASSWORD });
  // The arbitrator lands on 申诉仲裁; nothing of the organisers' screens is in the nav.
  await page.waitForSelector('[data-test=arb-table]');
  assert.equal(await page.locator('[data-test=nav-competitions]').count(), 0);
  assert.match(await text(page, '[data-test=nav-arbitration]'), /申诉仲裁/);
  await page.selectOption('[data-test=arb-competition]', String(f.comp.id));
  await page.waitForSelector('[data-test=arb-table] tr[data-appeal]');
  const row = page.locator('[data-test=arb-table] tr[data-appeal]').first();
  assert.match(await row.innerText(), new RegExp(f.regs[0].name));
  assert.equal(await row.getAttribute('data-status'), 'filed');
  await row.locator('[data-test=arb-open]').click();
  await page.waitForSelector('[data-test=arb-heading]');
  assert.match(await text(page, '[data-test=arb-grounds]'), /第 3 项评分点已完成/);
  assert.equal(await page.locator('[data-test=arb-file]').count(), 2);
  assert.match(await text(page, '[data-test=arb-published]'), /第 1 版/);
  assert.equal(await page.locator('[data-test=arb-row] tbody tr').count(), 1);
  assert.match(await text(page, '[data-test=arb-sheets]'), /模块一 前端摄像机安装与调试/);
  assert.match(await text(page, '[data-test=arb-sheets]'), /赵裁判/);

  await page.click('[data-test=arb-review]');
  await page.waitForSelector('[data-test=arb-done]');
  assert.equal(await page.locator('[data-test=arb-facts] [data-test=appeal-status]').getAttribute('data-status'), 'under_review');
  assert.match(await text(page, '[data-test=arb-facts] [data-test=appeal-status]'), /审查中/);

  // A decision needs a reason.
  await page.selectOption('[data-test=arb-outcome]', 'rejected');
  await page.click('[data-test=arb-decide]');
  assert.match(await text(page, '[data-test=arb-error]'), /请填写裁决理由/);
  await page.fill('[data-test=arb-reason]', '复核评分记录，第 3 项未达到评分标准，维持原评分。');
  await page.click('[data-test=arb-decide]');
  await page.waitForSelector('[data-test=arb-decision]');
  assert.match(await text(page, '[data-test=arb-decision]'), /申诉不成立：复核评分记录/);
  assert.equal(await page.locator('[data-test=arb-decide-form]').count(), 0);
  await shot(page, 'competition-appeal-decided');
  assert.deepEqual(errors, []);
  await context.close();
});

test('the contestant sees the decision, and a second appeal on the stage is refused with its text', async () => {
  const { context, page, errors } = await appealPage([409]);
  const mine = page.locator('[data-test=mine] tbody tr').first();
  assert.equal(await mine.getAttribute('data-status'), 'rejected');
  assert.match(await mine.locator('[data-test=mine-status]').innerText(), /申诉不成立/);
  assert.match(await mine.locator('[data-test=mine-reason]').innerText(), /维持原评分/);

  await page.selectOption('[data-test=file-stage]', String(f.comp.final));
  await page.fill('[data-test=file-grounds]', '再次申诉。');
  await page.click('[data-test=file-submit]');
  await page.waitForSelector('[data-test=file-error]');
  assert.equal(await page.locator('[data-test=file-error]').getAttribute('data-code'), 'appeal_limit_reached');
  assert.match(await text(page, '[data-test=file-error]'), /已提出过申诉/);
  assert.equal(await page.locator('[data-test=mine] tbody tr').count(), 1);
  assert.deepEqual(errors, []);
  await context.close();
});

test('the organiser issues a leader code once, on a slip; the leader logs in with it and sees both contestants', async () => {
  const { context, page, errors } = await openConsole(browser, server.base);
  await page.goto(`${server.base}/console#/competitions/${f.comp.id}/leaders`);
  const row = page.locator('[data-test=leaders-table] tr[data-leader="陈领队"]');
  await row.waitFor();
  assert.match(await row.innerText(), /未发放/);
  await row.locator('[data-test=leader-issue]').click();
  await page.waitForSelector('[data-test=leader-code]');
  const code = await text(page, '[data-test=leader-code]');
  assert.match(code, /^[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}$/);
  assert.match(await text(page, '[data-test=slip-leader]'), /陈领队/);
  await context.close();
  assert.deepEqual(errors, []);

  const appellant = await tabletContext(browser, { orientation: 'portrait' });
  const p = await appellant.newPage();
  await p.goto(`${server.base}/appeal`);
  await p.fill('[data-test=login-code]', code);
  await p.fill('[data-test=login-leader]', '陈领队');
  await p.click('[data-test=leader-login-submit]');
  await p.waitForSelector('[data-test=covered]');
  assert.match(await text(p, '[data-test=appellant-name]'), /领队：陈领队/);
  assert.equal(await p.locator('[data-test=covered] tbody tr').count(), 2);
  // The leader sees the appeal filed by their contestant, with its decision.
  assert.match(await p.locator('[data-test=mine] tbody tr').first().innerText(), /申诉不成立/);
  await appellant.close();
});
