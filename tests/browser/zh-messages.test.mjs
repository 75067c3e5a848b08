// Part ZH: what the server says reads in the console's language. In Chinese, a roster with a bad
// ID number, a single candidate refused, and a bank import whose key names an option the file
// does not have show Chinese sentences only (no run of English words), naming the file's own
// label (E) and its rows as 第 N 行 / 第 N 题; switched to English, the same reports read in English.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, tabletContext, screenshot, apiCall, adminToken } from './harness.mjs';

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

/** Three or more English words in a row: an untranslated sentence fragment. */
const ENGLISH_RUN = /[A-Za-z]+(?:[ ,'-]+[A-Za-z]+){2,}/;

async function openConsole(allow) {
  const context = await tabletContext(browser);
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    const status = m.text().match(/status of (\d{3})/);
    if (status && allow.includes(Number(status[1]))) return;
    errors.push(m.text());
  });
  await page.goto(`${server.base}/console`);
  await page.fill('[data-test=login-username]', 'admin');
  await page.fill('[data-test=login-password]', 'demo-admin');
  await page.click('[data-test=login-submit]');
  await page.waitForSelector('[data-test=user-name]');
  return { context, page, errors };
}

async function shot(page, name) {
  await page.evaluate(() => window.scrollTo(0, 0));
  await screenshot(page, name);
  await page.evaluate(() => window.scrollTo(0, 0));
}

/** The text a report's "reason" column shows for its skipped rows. */
const reasons = (page, table) => page.locator(`[data-test=${table}] tbody tr[data-outcome=skipped] td:last-child`).allInnerTexts();

function idNumber(first17) {
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...first17].reduce((s, d, i) => s + Number(d) * w[i], 0);
  return first17 + '10X98765432'[sum % 11];
}

test('a roster with a bad ID number and a refused candidate are reported in Chinese only', async () => {
  const exam = await apiCall(server.base, 'POST', '/api/exams', { token: staff, body: {
    name: '中文提示测试', time_limit_minutes: 30, pass_line: 6,
    blueprint: { sections: [{ cells: [{ bank: 'STD', kind: 'true_false', count: 10, points: 1 }] }] },
  } });
  assert.equal(exam.status, 201);
  const session = await apiCall(server.base, 'POST', '/api/sessions', { token: staff, body: {
    exam_id: exam.body.id, name: '中文提示测试培训', number: '第一期', venue: '广州站',
    starts_at: '2026-01-01T01:00:00Z', ends_at: '2099-01-01T03:00:00Z', rooms: [{ name: '第一考场', seats: 30 }],
  } });
  assert.equal(session.status, 201);
  const { context, page, errors } = await openConsole([422]);
  await page.goto(`${server.base}/console#/sessions/${session.body.id}`);
  await page.waitForSelector('[data-test=roster-form]');
  const roster = [
    '姓名,身份证号,工作单位,手机',
    `赵一,${idNumber('44010619900101123')},广州示例安防公司,13800138000`,
    '孙三,440106199001011234,广州示例工程公司,',
    `,${idNumber('44010419880512234')},,`,
  ].join('\n');
  await page.setInputFiles('[data-test=roster-file]', { name: 'roster.csv', mimeType: 'text/csv', buffer: Buffer.from(roster, 'utf8') });
  await page.click('[data-test=roster-dry-run]');
  await page.waitForSelector('[data-test=roster-report]');
  const [idReason, nameReason] = await reasons(page, 'roster-report-table');
  assert.match(idReason, /身份证号校验位不符/);
  assert.match(nameReason, /姓名/);
  const report = await page.locator('[data-test=roster-report]').innerText();
  assert.doesNotMatch(report, ENGLISH_RUN, report);
  assert.match(report, /第 4 行/, 'a row without a name is named by its row, in Chinese');
  await shot(page, 'zh-roster-report');

  await page.fill('[data-test=cand-name]', '李四');
  await page.fill('[data-test=cand-id-number]', '440106199001011234');
  await page.click('[data-test=cand-add]');
  await page.waitForSelector('[data-test=cand-error]');
  const refusal = await page.locator('[data-test=cand-error]').innerText();
  assert.match(refusal, /身份证号校验位不符/);
  assert.doesNotMatch(refusal, ENGLISH_RUN, refusal);

  // In English the same report reads in English.
  await page.click('[data-test=lang-switch]');
  await page.waitForFunction(() => document.querySelector('[data-test="nav-banks"]')?.textContent === 'Banks and questions');
  await page.waitForSelector('[data-test=roster-form]');
  await page.setInputFiles('[data-test=roster-file]', { name: 'roster.csv', mimeType: 'text/csv', buffer: Buffer.from(roster, 'utf8') });
  await page.click('[data-test=roster-dry-run]');
  await page.waitForFunction(() => /check character/.test(document.querySelector('[data-test=roster-report]')?.innerText || ''));
  await page.click('[data-test=lang-switch]');
  assert.deepEqual(errors, []);
  await context.close();
});

test('an import whose key names option E reports E, in Chinese only', async () => {
  const { context, page, errors } = await openConsole([]);
  await page.click('[data-test=nav-import]');
  await page.waitForSelector('[data-test=import-form]');
  await page.selectOption('[data-test=import-bank]', 'LAW');
  const csv = [
    '题型,题干,选项A,选项B,选项C,选项D,答案',
    '单选,中文提示测试：答案写了不存在的选项。,甲,乙,丙,丁,E',
    '单选,中文提示测试：正常的一题。,甲,乙,丙,丁,B',
    '单选,中文提示测试：答案不是字母。,甲,乙,丙,丁,第一个',
  ].join('\n');
  await page.setInputFiles('[data-test=import-file]', { name: 'zh-keys.csv', mimeType: 'text/csv', buffer: Buffer.from(csv, 'utf8') });
  await page.click('[data-test=import-dry-run]');
  await page.waitForSelector('[data-test=import-report]');
  const [keyReason, letterReason] = await reasons(page, 'import-report-table');
  assert.match(keyReason, /答案为 E，但本题没有选项 E/);
  assert.doesNotMatch(keyReason, /4/);
  assert.match(letterReason, /答案“第一个”不是 A–H 的选项字母/);
  let report = await page.locator('[data-test=import-report]').innerText();
  assert.doesNotMatch(report, ENGLISH_RUN, report);
  assert.match(report, /第 2 行/);
  await shot(page, 'zh-import-report');

  // Aiken names its questions by position: 第 1 题.
  const aiken = '中文提示测试：Aiken 的答案写了 E。\nA. 甲\nB. 乙\nC. 丙\nD. 丁\nANSWER: E\n';
  await page.setInputFiles('[data-test=import-file]', { name: 'zh-keys.txt', mimeType: 'text/plain', buffer: Buffer.from(aiken, 'utf8') });
  await page.selectOption('[data-test=import-format]', 'aiken');
  await page.click('[data-test=import-dry-run]');
  await page.waitForFunction(() => /第 1 题/.test(document.querySelector('[data-test=import-report]')?.innerText || ''));
  report = await page.locator('[data-test=import-report]').innerText();
  assert.match(report, /ANSWER 行写的是 E，但本题没有选项 E/);
  assert.doesNotMatch(report, ENGLISH_RUN, report);
  assert.deepEqual(errors, []);
  await context.close();
});
