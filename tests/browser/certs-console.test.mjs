// Issue 12, certificates from the console (Chinese first): a certificate type with a live PDF
// preview, issuing from a results page whose results were released at submit, the list with
// status filters, suspend / reinstate / reissue / revoke with a reason, a session's ZIP, key rotation with
// a confirm, and the public result lookup page. Against the real demo server.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, tabletContext, screenshot, apiCall, adminToken } from './harness.mjs';

let server;
let browser;
let staff;
let sessionId;
const NAME = '陈证书';
let ticket;

/** An 18-digit ID number with its check digit (ISO 7064 MOD 11-2). */
function idNumber(first17) {
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...first17].reduce((s, d, i) => s + Number(d) * w[i], 0);
  return first17 + '10X98765432'[sum % 11];
}

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  staff = await adminToken(server.base);
  // An exam everyone passes, released at submit, and one candidate who sits it.
  const exam = await apiCall(server.base, 'POST', '/api/exams', { token: staff, body: {
    name: '证书测试考试', time_limit_minutes: 30, pass_line: 0, release: 'at_submit',
    blueprint: { sections: [{ title: '一、单选题', cells: [{ bank: 'LAW', kind: 'single', count: 2, points: 5 }] }] },
  } });
  assert.equal(exam.status, 201, JSON.stringify(exam.body));
  const now = Date.now();
  const s = await apiCall(server.base, 'POST', '/api/sessions', { token: staff, body: {
    exam_id: exam.body.id, name: '证书测试场次', number: '第一期', venue: '广州站',
    starts_at: new Date(now - 3600e3).toISOString(), ends_at: new Date(now + 7200e3).toISOString(),
    rooms: [{ name: '第一考场', seats: 10 }],
  } });
  assert.equal(s.status, 201, JSON.stringify(s.body));
  sessionId = s.body.id;
  const id = idNumber('44010619850312301');
  const c = await apiCall(server.base, 'POST', `/api/sessions/${sessionId}/candidates`, { token: staff, body: { name: NAME, id_number: id } });
  assert.ok(c.status === 201 || c.status === 200, JSON.stringify(c.body));
  ticket = c.body.ticket || (c.body.items && c.body.items[0] && c.body.items[0].ticket) || c.body.candidate?.ticket;
  assert.ok(ticket, JSON.stringify(c.body));
  const login = await apiCall(server.base, 'POST', '/api/candidate/login', { body: { ticket, id_number: id } });
  assert.equal(login.status, 200, JSON.stringify(login.body));
  const sub = await apiCall(server.base, 'POST', `/api/attempts/${login.body.attempt_id}/submit`, { token: login.body.token, body: {} });
  assert.equal(sub.status, 200);
});

after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
});

async function openConsole() {
  const context = await tabletContext(browser, { orientation: 'landscape' });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
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
}

test('staff create a certificate type beside a live PDF preview, in Chinese', async () => {
  const { context, page, errors } = await openConsole();
  await page.click('[data-test="nav-certificates"]');
  await page.waitForSelector('[data-test=certs-address]');
  assert.equal(await page.getAttribute('[data-test=certs-address]', 'data-usable'), 'true');
  assert.match(await page.innerText('[data-test=certs-address]'), /证书二维码的查验网址/);
  await page.click('[data-test=certs-tab-types]');
  await page.click('[data-test=cert-type-new]');
  await page.fill('[data-test=cert-type-code]', 'GDAF-JX');
  await page.fill('[data-test=cert-type-title]', '广东省安防从业人员继续教育培训合格证');
  await page.fill('[data-test=cert-type-issuer_code]', 'GDAF');
  await page.fill('[data-test=cert-type-issuer_name]', '广东省安全技术防范协会');
  await page.click('[data-test=cert-type-refresh-preview]');
  // The preview is a PDF blob the server rendered from the unsaved form.
  await page.waitForFunction(() => {
    const f = document.querySelector('[data-test=cert-type-preview]');
    return f && f.src.startsWith('blob:') && Number(f.dataset.ready) >= 2;
  }, null, { timeout: 30000 });
  // (The console's CSP lets frames show blobs but no script fetch them: check what was framed.)
  assert.equal(await page.getAttribute('[data-test=cert-type-preview]', 'data-type'), 'application/pdf');
  assert.ok(Number(await page.getAttribute('[data-test=cert-type-preview]', 'data-bytes')) > 10000);
  await shot(page, 'certs-type-editor');
  await page.click('[data-test=cert-type-save]');
  await page.waitForSelector('[data-test=cert-type-saved]');
  assert.match(await page.innerText('[data-test=cert-type-saved]'), /已保存/);
  const types = await apiCall(server.base, 'GET', '/api/certificate-types', { token: staff });
  assert.ok(types.body.some((t) => t.code === 'GDAF-JX'));
  assert.deepEqual(errors, []);
  await context.close();
});

test('results released at submit issue certificates from the results page and the list manages them', async () => {
  const { context, page, errors } = await openConsole();
  // Choose the session's certificate type on the certificates screen.
  await page.goto(`${server.base}/console#/certificates?session=${sessionId}`);
  await page.waitForSelector('[data-test=certs-session-type]');
  const types = await apiCall(server.base, 'GET', '/api/certificate-types', { token: staff });
  const typeId = types.body.find((t) => t.code === 'GDAF-JX').id;
  await page.selectOption('[data-test=certs-session-type]', String(typeId));
  await page.waitForSelector('[data-test=certs-type-set]');

  // The results page: released at submit, so the issue button is enabled.
  await page.goto(`${server.base}/console#/sessions/${sessionId}/results`);
  await page.waitForSelector('[data-test=results-issue-certificates]');
  assert.equal(await page.isEnabled('[data-test=results-issue-certificates]'), true);
  await page.click('[data-test=results-issue-certificates]');
  await page.waitForSelector('[data-test=results-issue-report]');
  assert.match(await page.innerText('[data-test=results-issue-report]'), /本次颁发 1 张/);
  await shot(page, 'certs-results-issue');

  // The list, filtered by session; suspend, reinstate, revoke, each with a reason.
  await page.click('[data-test=results-certificates-link]');
  await page.waitForSelector('[data-test=certs-table] tbody tr');
  const row = page.locator('[data-test=certs-table] tbody tr').first();
  assert.equal(await row.getAttribute('data-status'), 'valid');
  assert.match(await row.innerText(), /有效/);
  await row.locator('[data-test=cert-suspend]').click();
  await page.click('[data-test=cert-action-confirm]');
  assert.match(await page.innerText('[data-test=certs-message]'), /请填写原因/);
  await page.fill('[data-test=cert-reason]', '核实身份信息');
  await page.click('[data-test=cert-action-confirm]');
  await page.waitForSelector('[data-test=certs-table] tbody tr[data-status=suspended]');
  await shot(page, 'certs-list');
  await page.selectOption('[data-test=certs-status]', 'valid');
  await page.waitForSelector('[data-test=certs-none]');
  await page.selectOption('[data-test=certs-status]', 'suspended');
  await page.waitForSelector('[data-test=certs-table] tbody tr[data-status=suspended]');
  await page.locator('[data-test=cert-reinstate]').first().click();
  await page.fill('[data-test=cert-reason]', '核实无误');
  await page.click('[data-test=cert-action-confirm]');
  await page.waitForSelector('[data-test=certs-none]');
  await page.selectOption('[data-test=certs-status]', '');
  await page.waitForSelector('[data-test=certs-table] tbody tr[data-status=valid]');

  // One PDF and the session's ZIP.
  const [pdf] = await Promise.all([page.waitForEvent('download'), page.locator('[data-test=cert-pdf]').first().click()]);
  assert.match(pdf.suggestedFilename(), /\.pdf$/);
  const [zip] = await Promise.all([page.waitForEvent('download'), page.click('[data-test=certs-zip]')]);
  assert.equal(zip.suggestedFilename(), `certificates-session-${sessionId}.zip`);

  // A correction: the name was misspelt; the old certificate is superseded by a new one.
  const before = (await apiCall(server.base, 'GET', `/api/certificates?session_id=${sessionId}`, { token: staff })).body;
  await page.locator('[data-test=cert-reissue]').first().click();
  const wrongName = await page.inputValue('[data-test=cert-reissue-name]');
  await page.fill('[data-test=cert-reissue-name]', `${wrongName}（更正）`);
  await page.fill('[data-test=cert-reason]', '姓名录入有误，更正补发');
  await page.click('[data-test=cert-action-confirm]');
  await page.waitForSelector('[data-test=cert-action-done]');
  await page.waitForSelector('[data-test=certs-table] tbody tr[data-status=superseded]');
  const after = (await apiCall(server.base, 'GET', `/api/certificates?session_id=${sessionId}`, { token: staff })).body;
  assert.equal(after.length, before.length + 1, 'a new certificate replaces the old one');
  assert.ok(after.some((c) => c.status === 'superseded'));
  assert.ok(after.some((c) => c.status === 'valid' && c.holder_name === `${wrongName}（更正）`));

  await page.locator('tr[data-status=valid] [data-test=cert-revoke]').first().click();
  await page.fill('[data-test=cert-reason]', '考试违纪，经核实撤销');
  await page.click('[data-test=cert-action-confirm]');
  await page.waitForSelector('[data-test=certs-table] tbody tr[data-status=revoked]');
  const list = await apiCall(server.base, 'GET', `/api/certificates?session_id=${sessionId}`, { token: staff });
  const revoked = list.body.find((c) => c.status === 'revoked');
  assert.ok(revoked, 'the corrected certificate is revoked');
  assert.equal(revoked.status_reason, '考试违纪，经核实撤销');
  assert.deepEqual(errors, []);
  await context.close();
});

test('admins rotate the signing key after a confirm', async () => {
  const { context, page, errors } = await openConsole();
  await page.goto(`${server.base}/console#/certificates/keys`);
  await page.waitForSelector('[data-test=cert-keys-table] tbody tr');
  const before = await page.locator('[data-test=cert-keys-table] tbody tr').count();
  await page.click('[data-test=cert-keys-rotate]');
  await page.click('[data-test=cert-keys-rotate-confirm]');
  await page.waitForSelector('[data-test=cert-keys-rotated]');
  assert.equal(await page.locator('[data-test=cert-keys-table] tbody tr').count(), before + 1);
  assert.equal(await page.locator('[data-test=cert-keys-table] [data-state=active]').count(), 1);
  await shot(page, 'certs-keys');
  assert.deepEqual(errors, []);
  await context.close();
});

test('a candidate looks up their own result on the public page with ticket and name', async () => {
  const context = await tabletContext(browser);
  const page = await context.newPage();
  await page.goto(`${server.base}/result`);
  assert.match(await page.innerText('h1'), /成绩与证书查询/);
  await page.fill('input[name=who]', ticket);
  await page.fill('input[name=name]', '别人');
  await page.click('button[type=submit]');
  assert.match(await page.innerText('.error'), /未找到/);
  await page.fill('input[name=who]', ticket);
  await page.fill('input[name=name]', NAME);
  await page.click('button[type=submit]');
  await page.waitForSelector('[data-test=public-result]');
  const text = await page.innerText('[data-test=public-result]');
  assert.match(text, /合格 Passed/);
  assert.match(text, /证书编号/);
  await screenshot(page, 'certs-public-result');
  await page.click('[data-test=public-result-verify]');
  await page.waitForSelector('.verdict');
  assert.match(await page.innerText('.verdict'), /已撤销/);
  assert.match(await page.innerText('ul'), /北京时间/);
  await screenshot(page, 'certs-verify-page');
  await context.close();
});
