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

test('a candidate who passes the theory and the judged practical part gets a certificate printing both', async () => {
  const call = async (method, path, body, token = admin) => {
    const r = await apiCall(server.base, method, path, { token, body });
    assert.ok(r.status >= 200 && r.status < 300, `${method} ${path}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  };
  const exam = await call('POST', '/api/exams', {
    name: '专项职业能力 理论', time_limit_minutes: 30, pass_line: 0, release: 'by_staff',
    blueprint: { sections: [{ title: '判断题', cells: [{ bank: 'VID', kind: 'true_false', count: 3, points: 1 }] }] },
  });
  const now = Date.now();
  const session = await call('POST', '/api/sessions', {
    name: '视频监控技术应用专项职业能力考核', number: '第四期', venue: '广州实训基地', rooms: [{ name: '第一考场', seats: 10 }],
    exam_id: exam.id, starts_at: new Date(now - 60000).toISOString(), ends_at: new Date(now + 3600000).toISOString(),
  });
  const sid = session.id;
  const type = await call('POST', '/api/certificate-types', {
    code: 'ZXNL-T', title: '专项职业能力证书', title_en: 'Specialised Vocational Ability Certificate',
    wording: '{name}同志参加{course}（{session}），经考核成绩合格，特发此证。', course: '视频监控技术应用专项职业能力',
    validity_years: 3, issuer_code: 'GDAF', issuer_name: '广东省安全技术防范协会', show_score: true,
  });
  await call('PUT', `/api/sessions/${sid}/certificate-type`, { certificate_type_id: type.id });
  const id = idNumber(781);
  const seated = await call('POST', `/api/sessions/${sid}/candidates`, { name: '双合格考生', id_number: id });
  const judge = await call('POST', '/api/users', { username: 'both.parts.judge', password: 'judge-pass-1', roles: ['judge'], affiliation: '鉴定指导中心' });
  const found = await call('GET', '/api/questions?bank=PRA');
  const task = (found.items || found).find((q) => q.ident === 'PRA-0001');
  await call('PUT', `/api/sessions/${sid}/practical`, {
    stations: 2, slot_minutes: 90, pass_line: 60,
    tasks: [{ question_id: task.id, judges: [judge.id], head_judge: judge.id }],
  });
  const checkin = await call('POST', `/api/sessions/${sid}/practical/check-in`, { ticket: seated.ticket });

  // The theory on the tablet: nothing is shown before the practical part is judged and released.
  const ctx = await tabletContext(browser);
  const page = await ctx.newPage();
  await sitDown(page, seated.ticket, id);
  await submit(page);
  await page.waitForSelector('[data-test=not-released]');

  // The judge gives full marks: every judgement 3, every measurement met or on target, no deduction.
  const jt = (await apiCall(server.base, 'POST', '/api/auth/login', { body: { username: 'both.parts.judge', password: 'judge-pass-1' } })).body.token;
  const taskId = checkin.places[0].task_id;
  const board = await call('GET', `/api/judging/tasks/${taskId}`, undefined, jt);
  const entry = (a) => {
    const k = a.kind || { type: 'measurement', bands: [] };
    if (k.type === 'judgement') return 3;
    if (k.type === 'deduction') return 0;
    return (k.bands || []).length ? 0 : 1;
  };
  let seq = 0;
  for (const [i, a] of board.task.scheme.entries()) {
    seq += 1;
    await call('PUT', `/api/judging/tasks/${taskId}/sheets/${checkin.code}/marks/${i}`, { entry: entry(a), seq }, jt);
  }
  await call('POST', `/api/judging/tasks/${taskId}/sheets/${checkin.code}/submit`, {}, jt);
  await call('POST', `/api/judging/tasks/${taskId}/sign-off`, {}, jt);

  await call('POST', `/api/sessions/${sid}/release`, {});
  await call('POST', `/api/sessions/${sid}/certificates`, {});
  await page.reload();
  await page.waitForSelector('[data-test=download-certificate]', { timeout: 10000 });
  assert.match(await page.textContent('[data-test=practical-score]'), /100/);
  assert.match(await page.textContent('[data-test=practical-verdict]'), /合格/);
  await screenshot(page, 'tablet-result-both-parts');
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-test=download-certificate]')]);
  const { readFileSync } = await import('node:fs');
  const { execFileSync } = await import('node:child_process');
  const path = await download.path();
  assert.equal(readFileSync(path).subarray(0, 4).toString(), '%PDF');
  const text = execFileSync('pdftotext', [path, '-']).toString();
  assert.match(text.replace(/\s+/g, ''), /操作技能100/);
  await ctx.close();
});
