// Shared by the browser tests: starts the real server binary with the demo data on a fresh
// database and a free port, launches Debian's Chromium through playwright-core (never a
// downloaded browser), gives tablet-sized contexts and saves screenshots.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { chromium } from 'playwright-core';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The server binary (built by `cargo build`; EXAM_BIN overrides). */
export const BIN = process.env.EXAM_BIN || join(ROOT, 'target', 'debug', 'exam-platform');
/** Where screenshots go (CI prints this path). */
export const SCREENSHOT_DIR = process.env.SCREENSHOT_DIR || join(ROOT, 'target', 'screenshots');
/** Debian's Chromium. */
export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
/** The demo's staff password. */
export const ADMIN_PASSWORD = 'demo-admin';

/** PostgreSQL server (e.g. postgres://postgres@127.0.0.1:5432) to run on instead of SQLite: CI
 * runs the competition tests again on it, each server on a database of its own. */
const POSTGRES = process.env.BROWSER_POSTGRES_URL;
let databases = 0;

/** A fresh database for one server: a SQLite file in `dir`, or a new PostgreSQL database. */
function freshDatabase(dir) {
  if (!POSTGRES) return { url: `sqlite://${join(dir, 'demo.db')}`, drop() {} };
  const name = `exam_test_browser_${process.pid}_${Date.now()}_${databases++}`;
  const admin = `${POSTGRES}/postgres`;
  execFileSync('psql', [admin, '-qc', `CREATE DATABASE "${name}"`]);
  return {
    url: `${POSTGRES}/${name}`,
    drop() {
      try { execFileSync('psql', [admin, '-qc', `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`]); } catch { /* best effort */ }
    },
  };
}

/** Starts `exam-platform demo` on a fresh database (SQLite, or PostgreSQL with BROWSER_POSTGRES_URL); resolves with the base URL and the
 * printed candidates ({ticket, idNumber, name}). `stop()` ends it (SIGKILL, then cleans up).
 * Optional: `env`, more environment variables (e.g. TLS_CERT and TLS_KEY), and `args`, more
 * command-line arguments after `demo`. */
export async function startServer({ env = {}, args = [] } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'exam-e2e-'));
  const database = freshDatabase(dir);
  const child = spawn(BIN, ['demo', ...args], {
    cwd: ROOT,
    env: {
      ...process.env,
      BIND: '127.0.0.1:0',
      DATABASE_URL: database.url,
      RUST_LOG: 'warn',
      // The demo competition takes seconds to make; the competition tests make their own.
      DEMO_COMPETITION: '0',
      // The past session of the item-analytics demo (200 sittings) too; analytics.test.mjs asks for it.
      DEMO_HISTORY: '0',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout });
  const candidates = [];
  let base;
  const ready = new Promise((resolveReady, reject) => {
    const timer = setTimeout(() => reject(new Error('the server did not start within 60 s')), 60000);
    child.on('exit', (code) => reject(new Error(`the server exited early (${code})`)));
    lines.on('line', (line) => {
      const listen = line.match(/^Listening on (https?:\/\/\S+)/);
      if (listen) base = listen[1];
      const row = line.match(/^\s+(K\d{11}[A-Z])\s+(\d{17}[\dX])\s+(\S+)/);
      if (row) candidates.push({ ticket: row[1], idNumber: row[2], name: row[3] });
      // The hint after the table means every candidate line has been printed.
      if (base && candidates.length && /^Sit the exam/.test(line)) { clearTimeout(timer); resolveReady(); }
    });
  });
  await ready;
  return {
    base,
    candidates,
    dir,
    async stop() {
      child.kill('SIGKILL');
      await new Promise((r) => (child.exitCode !== null ? r() : child.on('exit', r)));
      rmSync(dir, { recursive: true, force: true });
      database.drop();
    },
  };
}

/** Launches headless Chromium from Debian's package. */
export async function launchBrowser() {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
}

/** A tablet-sized browser context: 768×1024 portrait or 1024×768 landscape, touch, Chinese locale. */
export async function tabletContext(browser, { orientation = 'portrait', locale = 'zh-CN' } = {}) {
  const viewport = orientation === 'portrait' ? { width: 768, height: 1024 } : { width: 1024, height: 768 };
  return browser.newContext({ viewport, hasTouch: true, isMobile: false, locale, timezoneId: 'Asia/Shanghai' });
}

/** Saves a full-page screenshot as SCREENSHOT_DIR/<name>.png and returns its path. */
export async function screenshot(page, name) {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** Calls the API directly from the test (e.g. to check what the server holds). */
export async function apiCall(base, method, path, { token, body } = {}) {
  const headers = { 'content-type': 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  const res = await fetch(base + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

/** Logs in as the demo admin and returns a staff token. */
export async function adminToken(base) {
  const r = await apiCall(base, 'POST', '/api/auth/login', { body: { username: 'admin', password: ADMIN_PASSWORD } });
  if (r.status !== 200) throw new Error(`admin login: ${r.status}`);
  return r.body.token;
}
