// HTTPS on a venue network: the certificate `exam-platform tls` makes for a venue host name is
// trusted by a tablet that installed the venue CA, the service worker registers there, and a
// reload while the Wi-Fi is down keeps the app and its queued answers (on plain HTTP at a LAN
// address this showed Chromium's English error page).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { BIN, CHROMIUM, startServer, tabletContext, screenshot } from './harness.mjs';

/** The venue's host name: not loopback, resolved to this machine by Chromium's resolver rules. */
const HOST = 'exam.venue.test';

let tlsDir;
let home;
let server;
let browser;
let base;
let ca;

before(async () => {
  tlsDir = mkdtempSync(join(tmpdir(), 'exam-tls-'));
  const made = execFileSync(BIN, ['tls', '--host', HOST, '--out', tlsDir, '--port', '8443'], { encoding: 'utf8' });
  assert.match(made, /考点根证书/);
  assert.match(made, /TLS_CERT=\S+server\.crt TLS_KEY=\S+server\.key BIND=0\.0\.0\.0:8443/);
  ca = readFileSync(join(tlsDir, 'ca.crt'));
  server = await startServer({
    env: { TLS_CERT: join(tlsDir, 'server.crt'), TLS_KEY: join(tlsDir, 'server.key') },
  });
  assert.match(server.base, /^https:\/\/127\.0\.0\.1:\d+$/);
  base = `https://${HOST}:${new URL(server.base).port}`;
  // A tablet that installed the venue CA: Chromium on Linux trusts what the NSS database in
  // $HOME/.pki/nssdb trusts.
  home = mkdtempSync(join(tmpdir(), 'exam-home-'));
  const nss = join(home, '.pki', 'nssdb');
  mkdirSync(nss, { recursive: true });
  execFileSync('certutil', ['-d', `sql:${nss}`, '-N', '--empty-password']);
  execFileSync('certutil', ['-d', `sql:${nss}`, '-A', '-t', 'C,,', '-n', 'exam venue CA', '-i', join(tlsDir, 'ca.crt')]);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', `--host-resolver-rules=MAP ${HOST} 127.0.0.1`],
    env: { ...process.env, HOME: home },
  });
});
after(async () => {
  await browser?.close();
  await server?.stop();
  for (const d of [tlsDir, home]) if (d) rmSync(d, { recursive: true, force: true });
});

/** Calls the API over HTTPS at the venue name, trusting only the venue CA. */
function api(method, path, { token, body } = {}) {
  const port = Number(new URL(server.base).port);
  const headers = { 'content-type': 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', servername: HOST, port, path, method, headers, ca }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode, body: text ? JSON.parse(text) : null }));
    });
    req.on('error', reject);
    if (body !== undefined) req.write(JSON.stringify(body));
    req.end();
  });
}

async function answerCurrent(page, i = 0) {
  const qid = Number(await page.locator('[data-test=question]').getAttribute('data-qid'));
  const options = page.locator('[data-test=option]');
  if (await options.count()) {
    await options.nth(i % (await options.count())).click();
  } else if (await page.locator('[data-test=blank]').count()) {
    const blanks = page.locator('[data-test=blank]');
    for (let b = 0; b < (await blanks.count()); b++) await blanks.nth(b).fill(`答案${b + 1}`);
    await blanks.last().press('Tab');
  } else {
    await page.fill('[data-test=text-answer]', '应定期检查摄像机、录像存储和报警联动是否正常。');
    await page.locator('[data-test=text-answer]').press('Tab');
  }
  return qid;
}

const pendingCount = (page) => page.locator('[data-test=sync-indicator]').getAttribute('data-pending').then(Number);

test('the venue CA is trusted and the page is a secure context with a service worker', async () => {
  const ctx = await tabletContext(browser);
  const page = await ctx.newPage();
  const res = await page.goto(base + '/');
  assert.equal(res.status(), 200);
  const security = await res.securityDetails();
  assert.ok(security, 'served over TLS');
  assert.equal(security.subjectName, HOST);
  assert.match(security.issuer, /Exam venue CA/);
  assert.equal(await page.evaluate(() => window.isSecureContext), true);
  assert.equal(await page.evaluate(async () => !!(await navigator.serviceWorker.ready).active), true);
  await ctx.close();

  // A tablet without the venue CA is refused: the trust above came from the installed CA.
  const strangerHome = mkdtempSync(join(tmpdir(), 'exam-home-'));
  const stranger = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', `--host-resolver-rules=MAP ${HOST} 127.0.0.1`],
    env: { ...process.env, HOME: strangerHome },
  });
  try {
    const p = await (await stranger.newContext()).newPage();
    await assert.rejects(p.goto(base + '/'), /ERR_CERT_AUTHORITY_INVALID/);
  } finally {
    await stranger.close();
    rmSync(strangerHome, { recursive: true, force: true });
  }
});

test('over HTTPS at a venue name, a reload while offline keeps the app and the queued answer', async () => {
  const ctx = await tabletContext(browser);
  const page = await ctx.newPage();
  const c = server.candidates[3];
  await page.goto(base + '/');
  await page.fill('[data-test=login-ticket]', c.ticket);
  await page.fill('[data-test=login-id]', c.idNumber);
  await page.click('[data-test=login-submit]');
  await page.waitForSelector('[data-test=start]');
  // The service worker must hold the app before the network goes.
  await page.evaluate(() => navigator.serviceWorker.ready);
  await page.click('[data-test=start]');
  const online = await answerCurrent(page);
  await page.waitForFunction(() => document.querySelector('[data-test=sync-indicator]')?.dataset.pending === '0');

  await ctx.setOffline(true);
  await page.click('[data-test=next]');
  const offline = await answerCurrent(page, 1);
  await page.waitForFunction(() => document.querySelector('[data-test=sync-indicator]')?.dataset.pending === '1');
  const wasChecked = await page.locator('[data-test=option][aria-checked=true]').count();
  await page.reload();
  // The app, not Chromium's error page.
  await page.waitForSelector('[data-test=question]');
  assert.doesNotMatch(await page.content(), /ERR_INTERNET_DISCONNECTED|This site can.t be reached/);
  assert.equal(await pendingCount(page), 1, 'the queued answer survived the reload');
  assert.equal(await page.locator('[data-test=option][aria-checked=true]').count(), wasChecked, 'the answer is still shown');
  assert.match(await page.textContent('[data-test=sync-indicator]'), /网络已断开/);
  await screenshot(page, 'venue-https-offline-reload');

  await ctx.setOffline(false);
  await page.waitForFunction(() => document.querySelector('[data-test=sync-indicator]')?.dataset.pending === '0', null, { timeout: 30000 });
  const s = await page.evaluate(() => JSON.parse(localStorage.getItem('exam.session')));
  const held = await api('GET', `/api/attempts/${s.attemptId}`, { token: s.token });
  assert.equal(held.status, 200);
  const ids = held.body.answers.map((a) => a.question_id);
  assert.ok(ids.includes(online), 'the answer made online is on the server');
  assert.ok(ids.includes(offline), 'the answer queued offline reached the server');
  await ctx.close();
});
