// The console's bank keeping without curl: a new bank, a new question in it with an image
// uploaded into the stem and shown in the preview, a short answer that cannot be marked kept as a
// draft, and an import taken in as drafts.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, launchBrowser, apiCall, adminToken } from './harness.mjs';
import { openConsole, text, shot } from './console-support.mjs';

let server;
let browser;
let staff;
let dir;

/** A 240×120 24-bit BMP: a grey detector body with a red lens, enough to see in a screenshot. */
function bmp() {
  const w = 240; const h = 120; const row = Math.ceil((w * 3) / 4) * 4;
  const buf = Buffer.alloc(54 + row * h);
  buf.write('BM', 0); buf.writeUInt32LE(buf.length, 2); buf.writeUInt32LE(54, 10);
  buf.writeUInt32LE(40, 14); buf.writeInt32LE(w, 18); buf.writeInt32LE(h, 22); buf.writeUInt16LE(1, 26); buf.writeUInt16LE(24, 28);
  buf.writeUInt32LE(row * h, 34);
  for (let y = 0; y < h; y += 1) {
    for (let x = 0; x < w; x += 1) {
      const lens = (x - 170) ** 2 + (y - 60) ** 2 < 900;
      const body = x > 30 && x < 210 && y > 20 && y < 100;
      const [r, g, b] = lens ? [200, 30, 30] : body ? [150, 150, 150] : [255, 255, 255];
      const o = 54 + y * row + x * 3;
      buf[o] = b; buf[o + 1] = g; buf[o + 2] = r;
    }
  }
  return buf;
}

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  staff = await adminToken(server.base);
  dir = mkdtempSync(join(tmpdir(), 'console-banks-'));
});

after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('a new bank gets its first question, with an uploaded image seen in the preview', async () => {
  const { context, page, errors } = await openConsole(browser, server.base);
  await page.click('[data-test=nav-banks]');
  await page.click('[data-test=bank-new-open]');
  await page.fill('[data-test=bank-code]', 'ALARM');
  await page.fill('[data-test=bank-name]', '入侵报警系统');
  await page.fill('[data-test=bank-description]', '入侵和紧急报警系统技术要求');
  await shot(page, 'console-bank-new');
  await page.click('[data-test=bank-create]');

  // The new question screen opens for the new bank.
  await page.waitForSelector('[data-test=question-form]');
  assert.match(await text(page, 'h1'), /新建试题/);
  assert.match(await text(page, '[data-test=question-message]'), /ALARM/);
  assert.equal(await page.inputValue('[data-test=q-bank]'), 'ALARM');
  await page.fill('[data-test=q-stem]', '下图所示探测器属于哪一类？');
  const image = join(dir, 'detector.bmp');
  writeFileSync(image, bmp());
  await page.setInputFiles('[data-test=q-image-file]', image);
  await page.click('[data-test=q-image-insert]');
  await page.waitForSelector('[data-test=q-image-done]');
  assert.match(await page.inputValue('[data-test=q-stem]'), /!\[图片\]\(\/api\/media\/[0-9a-f]{64}\)/);
  await page.waitForSelector('[data-test=q-preview] img[data-test=q-preview-image]');
  // The image loads (the preview shows it as the tablet would).
  await page.waitForFunction(() => { const i = document.querySelector('[data-test=q-preview-image]'); return i && i.complete && i.naturalWidth > 0; });
  for (const [i, o] of ['被动红外探测器', '微波探测器', '振动探测器', '玻璃破碎探测器'].entries()) await page.fill(`[data-test=q-option-${i}]`, o);
  await page.check('[data-test=q-correct-0]');
  await page.fill('[data-test=q-points]', '2');
  await page.fill('[data-test=q-source]', 'GB 50394-2007');
  await shot(page, 'console-question-new');
  await page.click('[data-test=q-save]');
  // The bank's own "created" flash is still on the new-question page: wait for the move.
  await page.waitForURL(/#\/questions\/\d+$/);
  await page.waitForFunction(() => /试题 .* 已创建/.test(document.querySelector('[data-test=question-flash]')?.textContent || ''));
  assert.match(page.url(), /#\/questions\/\d+$/);
  assert.equal(await text(page, '[data-test=question-status]'), '启用');
  const found = await apiCall(server.base, 'GET', '/api/questions?bank=ALARM', { token: staff });
  assert.equal(found.body.total, 1);
  assert.equal(errors.length, 0, errors.join('\n'));
  await context.close();
});

test('a short answer without a reference answer can only be saved as a draft', async () => {
  const { context, page, errors } = await openConsole(browser, server.base, { allow: [422] });
  await page.goto(`${server.base}/console#/questions/new?bank=LAW`);
  await page.waitForSelector('[data-test=question-form]');
  await page.selectOption('[data-test=q-kind]', 'short');
  await page.fill('[data-test=q-stem]', '简述保安员的权利和义务。');
  await page.fill('[data-test=q-points]', '5');
  await page.click('[data-test=q-save]');
  await page.waitForSelector('[data-test=question-message] .notice-error');
  assert.match(await text(page, '[data-test=question-message]'), /无法评分/);
  await shot(page, 'console-question-not-markable');
  await page.selectOption('[data-test=q-status]', 'draft');
  await page.click('[data-test=q-save]');
  await page.waitForSelector('[data-test=question-flash]');
  assert.equal(await text(page, '[data-test=question-status]'), '草稿');
  // Activating it is refused, with the reason.
  await page.click('[data-test=status-active]');
  await page.waitForSelector('[data-test=question-message] .notice-error');
  assert.match(await text(page, '[data-test=question-message]'), /无法评分/);
  assert.equal(await text(page, '[data-test=question-status]'), '草稿');
  assert.equal(errors.length, 0, errors.join('\n'));
  await context.close();
});

test('an import taken in as drafts, and a GIFT essay without an answer always a draft', async () => {
  const { context, page, errors } = await openConsole(browser, server.base);
  const file = join(dir, 'essays.gift');
  writeFileSync(file, '::GE1:: 简述视频监控系统的组成。 {}\n\n::GT1:: 保安员上岗应持有保安员证。 {T}\n');
  await page.click('[data-test=nav-import]');
  await page.waitForSelector('[data-test=import-form]');
  await page.selectOption('[data-test=import-bank]', 'LAW');
  await page.setInputFiles('[data-test=import-file]', file);
  await page.click('[data-test=import-dry-run]');
  await page.waitForSelector('[data-test=import-report]');
  assert.match(await text(page, '[data-test=import-report-table] [data-outcome=imported]'), /草稿/);
  await page.check('[data-test=import-as-drafts]');
  // Changing the option needs a new dry run.
  assert.equal(await page.isDisabled('[data-test=import-run]'), true);
  await page.click('[data-test=import-dry-run]');
  await page.waitForFunction(() => !document.querySelector('[data-test=import-run]').disabled);
  await shot(page, 'console-import-as-drafts');
  await page.click('[data-test=import-run]');
  await page.waitForSelector('[data-test=import-done]');
  const drafts = await apiCall(server.base, 'GET', '/api/questions?bank=LAW&status=draft&q=G', { token: staff });
  const idents = drafts.body.items.map((q) => q.ident).sort();
  assert.deepEqual(idents, ['GE1', 'GT1']);
  assert.equal(errors.length, 0, errors.join('\n'));
  await context.close();
});
