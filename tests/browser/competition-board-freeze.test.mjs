// The scoreboard's freeze (封榜) hunted for leaks. Three finalists' tasks are locked by code;
// staff freeze the board; then the final is decrypted and its provisional and final results
// published. The public board page (its whole network log: page, JSON, the live stream) and
// direct requests to every public route (JSON with and without If-None-Match, HEAD, gzip, a
// new live stream, and every GET the OpenAPI document lists without a login) must show the
// snapshot byte for byte and nothing newer: no name, no number, no "published", no new tag.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, apiCall, adminToken, tabletContext, screenshot } from './harness.mjs';
import { lockedFinal, person, openLayer, PASSPHRASE } from './competition-support.mjs';

let server;
let browser;
let staff;
let f;
const NAMES = ['冯封榜', '陈不漏', '韩保密'];
const CODE = 'FRZ26';

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  staff = await adminToken(server.base);
  f = await lockedFinal(server.base, staff, {
    code: CODE, tag: 'FRZ', tasks: ['模块一 前端摄像机安装与调试'],
    people: NAMES.map((n, i) => person(61 + i, { name: n })),
    metOf: (i) => [9, 6, 7][i],
  });
});

after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
});

/** The first SSE event of a fresh stream, raw. */
async function firstEvent(url) {
  const ctrl = new AbortController();
  const res = await fetch(url, { signal: ctrl.signal });
  assert.equal(res.status, 200);
  const reader = res.body.getReader();
  let buf = '';
  while (!buf.includes('\n\n')) {
    const { value, done } = await reader.read();
    if (done) break;
    buf += new TextDecoder().decode(value);
  }
  ctrl.abort();
  return buf.slice(0, buf.indexOf('\n\n') + 2);
}

const field = (event, name) => event.split('\n').find((l) => l.startsWith(`${name}: `))?.slice(name.length + 2);

/** Nothing that came after the freeze: names, contestant numbers, a publication. */
function assertNoLeak(what, text) {
  for (const n of NAMES) assert.ok(!text.includes(n), `${what} shows ${n}`);
  assert.ok(!text.includes(`${CODE}-AZ`), `${what} shows a contestant number`);
  assert.ok(!/"source":"(provisional|final)"/.test(text), `${what} shows a publication`);
}

test('while frozen, nothing newer than the snapshot comes out of any public route', async () => {
  const put = await apiCall(server.base, 'PUT', `/api/competitions/${f.comp.id}/board/freeze`, { token: staff, body: { freeze_at: new Date().toISOString() } });
  assert.equal(put.status, 200, JSON.stringify(put.body));
  const first = await fetch(`${server.base}/api/board/${CODE}`);
  const snapshot = await first.text();
  const tag = first.headers.get('etag');
  const length = first.headers.get('content-length');
  assert.equal(JSON.parse(snapshot).phase, 'frozen');
  assert.equal(JSON.parse(snapshot).sections[0].source, 'codes');
  assertNoLeak('the snapshot', snapshot);

  // The hall's screen opens the board and keeps it open while everything happens.
  const context = await tabletContext(browser, { orientation: 'landscape' });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const log = [];
  page.on('response', async (r) => {
    if (!r.url().includes('/api/')) return;
    const entry = { url: r.url(), status: r.status(), etag: r.headers().etag, lastModified: r.headers()['last-modified'] };
    log.push(entry);
    if (!r.url().endsWith('/live')) entry.body = await r.text().catch(() => null);
  });
  // The page's live stream, as the page receives it.
  await page.addInitScript(() => {
    window.__events = [];
    const Orig = window.EventSource;
    window.EventSource = class extends Orig {
      constructor(...a) {
        super(...a);
        this.addEventListener('board', (e) => window.__events.push({ id: e.lastEventId, data: e.data }));
      }
    };
  });
  await page.goto(`${server.base}/board?c=${CODE}`);
  await page.waitForSelector('[data-test=board-row]');
  await page.waitForFunction(() => window.__events.length >= 1);
  assert.equal(await page.locator('[data-test=board-phase]').getAttribute('data-phase'), 'frozen');

  // After the freeze: decryption, provisional and final results.
  for (const [holder, layer, pass] of [[f.supervisor, 2, PASSPHRASE.supervisor], [f.encryptor, 1, PASSPHRASE.encryptor]]) {
    const r = await openLayer(server.base, f.comp, holder, layer, pass);
    assert.equal(r.status, 200, JSON.stringify(r.body));
  }
  const results = `/api/competitions/events/${f.comp.eventId}/results`;
  let r = await apiCall(server.base, 'POST', `${results}/provisional?group=${f.comp.groups.Z}`, { token: staff, body: { appeal_window_minutes: 0, reason: '' } });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  r = await apiCall(server.base, 'POST', `${results}/final?group=${f.comp.groups.Z}`, { token: staff, body: { reason: '' } });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  // Staff see it live…
  const live = (await apiCall(server.base, 'GET', `/api/competitions/${f.comp.id}/board`, { token: staff })).body;
  assert.equal(live.live.sections[0].source, 'final');
  // …give any leak time to reach the hall, and reload the page too.
  await new Promise((res) => setTimeout(res, 1500));
  await page.reload();
  await page.waitForSelector('[data-test=board-row]');
  await page.waitForFunction(() => window.__events.length >= 1);
  await new Promise((res) => setTimeout(res, 500));
  await screenshot(page, 'board-frozen');

  // The page: what it shows and everything it received.
  assertNoLeak('the page', await page.content());
  assert.equal(await page.locator('[data-test=board-phase]').getAttribute('data-phase'), 'frozen');
  const events = await page.evaluate(() => window.__events);
  for (const e of events) {
    assert.equal(e.data, snapshot, 'an SSE event differs from the snapshot');
    assert.equal(`"${e.id}"`, tag, 'an SSE event id differs from the snapshot tag');
  }
  assert.ok(log.some((e) => e.url.endsWith(`/api/board/${CODE}`)));
  for (const e of log) {
    assert.ok(e.status === 200 || e.status === 304, `${e.url}: ${e.status}`);
    assert.equal(e.lastModified, undefined, `${e.url} sends Last-Modified`);
    if (e.body !== undefined && e.body !== null && !e.url.endsWith('/live')) {
      assert.equal(e.body, snapshot, `${e.url} differs from the snapshot`);
      assert.equal(e.etag, tag);
    }
  }

  // Direct requests to the board's routes.
  const again = await fetch(`${server.base}/api/board/${CODE}`);
  assert.equal(await again.text(), snapshot);
  assert.equal(again.headers.get('etag'), tag);
  assert.equal(again.headers.get('content-length'), length);
  const head = await fetch(`${server.base}/api/board/${CODE}`, { method: 'HEAD' });
  assert.equal(head.headers.get('etag'), tag);
  assert.equal(head.headers.get('content-length'), length);
  const cond = await fetch(`${server.base}/api/board/${CODE}`, { headers: { 'if-none-match': tag } });
  assert.equal(cond.status, 304);
  const lower = await fetch(`${server.base}/api/board/${CODE.toLowerCase()}`);
  assert.equal(await lower.text(), snapshot);
  const ev = await firstEvent(`${server.base}/api/board/${CODE}/live`);
  assert.equal(field(ev, 'data'), snapshot);
  assert.equal(`"${field(ev, 'id')}"`, tag);

  // Every other route anyone can reach without a login.
  const doc = await (await fetch(`${server.base}/api/openapi.json`)).json();
  let hunted = 0;
  for (const [path, ops] of Object.entries(doc.paths)) {
    const op = ops.get;
    if (!op || (op.security && op.security.length)) continue;
    if (path.endsWith('/live')) continue;
    const url = path.replace(/^\/api/, '').replace('{code}', CODE).replace(/\{[^}]+\}/g, '1');
    const res = await fetch(`${server.base}/api${url}`);
    const body = await res.text();
    hunted += 1;
    if (url.startsWith('/board/')) assert.equal(body, snapshot, url);
    else assertNoLeak(url, body);
  }
  assert.ok(hunted >= 2, `only ${hunted} public routes hunted`);
  assert.deepEqual(errors, []);
  await context.close();
});
