// Issue 12, item 9 (the result page): a result that can no longer reach the pass line says so;
// the per-question review with the key and 解析 shows when the exam's review rule allows it
// (and a note says when it will show otherwise).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, tabletContext, screenshot, apiCall, adminToken } from './harness.mjs';

let server;
let browser;
let admin;
before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  admin = await adminToken(server.base);
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

/** A valid 18-digit ID number (the check character computed as the standard says). */
function idNumber(seq) {
  const first17 = `44010619900101${String(seq).padStart(3, '0')}`;
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...first17].reduce((s, c, i) => s + Number(c) * weights[i], 0);
  return first17 + '10X98765432'[sum % 11];
}

async function sitDown(page, ticket, id) {
  await page.goto(server.base + '/');
  await page.fill('[data-test=login-ticket]', ticket);
  await page.fill('[data-test=login-id]', id);
  await page.click('[data-test=login-submit]');
  await page.click('[data-test=start]');
  await page.waitForSelector('[data-test=question]');
}

async function submit(page) {
  await page.click('[data-test=open-submit]');
  await page.click('[data-test=confirm-submit]');
  await page.waitForSelector('[data-test=result]');
}

test('a result whose points still to be marked cannot reach the pass line says so', async () => {
  const ctx = await tabletContext(browser);
  const page = await ctx.newPage();
  const c = server.candidates[0];
  await sitDown(page, c.ticket, c.idNumber);
  // Only the short answer (15 points, marked by hand) is answered: 0 + 15 < 60.
  await page.click('[data-test=open-navigator]');
  await page.locator('[data-test=nav-item]').last().click();
  await page.fill('[data-test=text-answer]', '应定期检查摄像机和录像存储。');
  await page.locator('[data-test=text-answer]').press('Tab');
  await page.waitForFunction(() => document.querySelector('[data-test=sync-indicator]')?.dataset.pending === '0');
  await submit(page);
  assert.match(await page.textContent('[data-test=verdict]'), /剩余待阅分值不足以及格/);
  // The demo exam shows its review after the session closes, and says so.
  assert.match(await page.textContent('[data-test=review-withheld]'), /考试结束后可查看/);
  await screenshot(page, 'tablet-result-out-of-reach');
  await ctx.close();
});

test('the result page shows each question with its key and 解析 when the exam allows it', async () => {
  const exam = await apiCall(server.base, 'POST', '/api/exams', {
    token: admin,
    body: {
      name: '回顾测试', time_limit_minutes: 30, pass_line: 3, attempts_allowed: 1, release: 'at_submit',
      review: 'no_sittings_left', show_explanations: true,
      blueprint: { sections: [{ title: '判断题', cells: [{ bank: 'LAW', kind: 'true_false', count: 5, points: 1 }] }] },
    },
  });
  assert.equal(exam.status, 201, JSON.stringify(exam.body));
  const now = Date.now();
  const session = await apiCall(server.base, 'POST', '/api/sessions', {
    token: admin,
    body: {
      name: '回顾测试场', number: '第一期', venue: '广州站', rooms: [{ name: '第一考场', seats: 10 }], exam_id: exam.body.id,
      starts_at: new Date(now - 60000).toISOString(), ends_at: new Date(now + 3600000).toISOString(),
    },
  });
  assert.equal(session.status, 201, JSON.stringify(session.body));
  const id = idNumber(777);
  const seated = await apiCall(server.base, 'POST', `/api/sessions/${session.body.id}/candidates`, { token: admin, body: { name: '回顾考生', id_number: id } });
  assert.equal(seated.status, 201, JSON.stringify(seated.body));

  const ctx = await tabletContext(browser);
  const page = await ctx.newPage();
  await sitDown(page, seated.body.ticket, id);
  for (let i = 0; i < 5; i++) {
    await page.locator('[data-test=option]').first().click();
    if (i < 4) await page.click('[data-test=next]');
  }
  await page.waitForFunction(() => document.querySelector('[data-test=sync-indicator]')?.dataset.pending === '0');
  await submit(page);
  await page.waitForSelector('[data-test=review]');
  assert.equal(await page.locator('[data-test=review-item]').count(), 5);
  const text = await page.textContent('[data-test=review]');
  assert.match(text, /逐题回顾/);
  assert.match(text, /参考答案：(正确|错误)/);
  assert.match(text, /正确|错误/);
  await screenshot(page, 'tablet-result-review');
  await ctx.close();
});

test('the candidate downloads their certificate on the tablet once it is issued', async () => {
  const exam = await apiCall(server.base, 'POST', '/api/exams', {
    token: admin,
    body: {
      name: '证书测试', time_limit_minutes: 30, pass_line: 0, release: 'by_staff',
      blueprint: { sections: [{ title: '判断题', cells: [{ bank: 'LAW', kind: 'true_false', count: 3, points: 1 }] }] },
    },
  });
  assert.equal(exam.status, 201, JSON.stringify(exam.body));
  const now = Date.now();
  const session = await apiCall(server.base, 'POST', '/api/sessions', {
    token: admin,
    body: {
      name: '证书测试场', number: '第三期', venue: '广州站', rooms: [{ name: '第一考场', seats: 10 }], exam_id: exam.body.id,
      starts_at: new Date(now - 60000).toISOString(), ends_at: new Date(now + 3600000).toISOString(),
    },
  });
  const sid = session.body.id;
  const type = await apiCall(server.base, 'POST', '/api/certificate-types', {
    token: admin,
    body: {
      code: 'TABLET-T', title: '安防从业人员继续教育培训合格证', title_en: 'Certificate of Continuing Education',
      wording: '{name}同志参加{course}（{session}），经考核成绩合格，特发此证。', course: '安防从业人员继续教育培训',
      validity_years: 3, issuer_code: 'GDAF', issuer_name: '广东省安全技术防范协会', show_score: true,
    },
  });
  assert.equal(type.status, 201, JSON.stringify(type.body));
  const set = await apiCall(server.base, 'PUT', `/api/sessions/${sid}/certificate-type`, { token: admin, body: { certificate_type_id: type.body.id } });
  assert.equal(set.status, 200, JSON.stringify(set.body));
  const id = idNumber(779);
  const seated = await apiCall(server.base, 'POST', `/api/sessions/${sid}/candidates`, { token: admin, body: { name: '持证考生', id_number: id } });

  const ctx = await tabletContext(browser);
  const page = await ctx.newPage();
  await sitDown(page, seated.body.ticket, id);
  await submit(page);
  await page.waitForSelector('[data-test=not-released]');
  assert.equal((await apiCall(server.base, 'POST', `/api/sessions/${sid}/release`, { token: admin, body: {} })).status, 200);
  const issued = await apiCall(server.base, 'POST', `/api/sessions/${sid}/certificates`, { token: admin, body: {} });
  assert.equal(issued.status, 200, JSON.stringify(issued.body));

  await page.reload();
  await page.waitForSelector('[data-test=download-certificate]', { timeout: 10000 });
  assert.match(await page.textContent('[data-test=certificate]'), /您的证书已签发/);
  await screenshot(page, 'tablet-result-certificate');
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-test=download-certificate]')]);
  const path = await download.path();
  const { readFileSync } = await import('node:fs');
  assert.equal(readFileSync(path).subarray(0, 4).toString(), '%PDF');
  await ctx.close();
});
