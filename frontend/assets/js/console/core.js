// What every console screen shares: the staff session (token in sessionStorage, refreshed
// before it expires), API calls with the token, error texts, and small DOM builders.
import { api, ApiError, el } from '../api.js';
import { t, lang, serverText } from '../i18n.js';

export { el, ApiError };

/** A console text: tc('login.title') looks up console.login.title. */
export const tc = (key, vars) => t(`console.${key}`, vars);

/** True when the console has a text for `key` (so error codes can fall back to the server's message). */
export const hasText = (key) => t(`console.${key}`) !== `console.${key}`;

const TOKEN_KEY = 'console.token';
const EXP_KEY = 'console.expires';
const USER_KEY = 'console.user';
// Renew this long before expiry, so a long edit never meets a 401.
const REFRESH_MARGIN_S = 300;

export const session = {
  get token() { return sessionStorage.getItem(TOKEN_KEY); },
  get expiresAt() { return Number(sessionStorage.getItem(EXP_KEY) || 0); },
  get user() {
    try { return JSON.parse(sessionStorage.getItem(USER_KEY) || 'null'); } catch (_) { return null; }
  },
  save(login) {
    sessionStorage.setItem(TOKEN_KEY, login.token);
    sessionStorage.setItem(EXP_KEY, String(login.expires_at));
    if (login.user) sessionStorage.setItem(USER_KEY, JSON.stringify(login.user));
  },
  setUser(user) { sessionStorage.setItem(USER_KEY, JSON.stringify(user)); },
  clear() { [TOKEN_KEY, EXP_KEY, USER_KEY].forEach((k) => sessionStorage.removeItem(k)); },
  /** Admins may do everything; otherwise the role must be held. */
  has(...roles) {
    const held = (this.user && this.user.roles) || [];
    return held.includes('admin') || roles.some((r) => held.includes(r));
  },
};

let onUnauthorized = () => {};
/** What to do when the server no longer accepts the token (the console shows the login). */
export function setUnauthorizedHandler(fn) { onUnauthorized = fn; }

let refreshing = null;
async function freshToken() {
  const now = Date.now() / 1000;
  const exp = session.expiresAt;
  if (session.token && exp && exp - now < REFRESH_MARGIN_S && exp > now) {
    // One refresh for all the calls that notice at once.
    refreshing = refreshing || api('POST', '/api/auth/refresh', { token: session.token })
      .then((r) => session.save(r))
      .catch(() => {})
      .finally(() => { refreshing = null; });
    await refreshing;
  }
  return session.token;
}

/** Calls the API with the staff token; a 401 ends the session and shows the login. */
export async function call(method, path, opts = {}) {
  const token = await freshToken();
  try {
    return await api(method, path, { ...opts, token });
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) {
      session.clear();
      onUnauthorized(e);
    }
    throw e;
  }
}

/** A sentence for an API error: the console's own text for known codes, else the server's message. */
export function errorText(e) {
  if (!(e instanceof ApiError)) return String((e && e.message) || e);
  if (e.status === 0) return t('common.networkError');
  if (e.status === 429) return tc('errors.rate_limited', { seconds: e.retryAfter || 60 });
  const reason = e.details && typeof e.details === 'object' && typeof e.details.reason === 'string' ? e.details.reason : null;
  const own = hasText(`errors.${e.code}`) ? tc(`errors.${e.code}`) : null;
  const why = reason && hasText(`reasons.${reason}`) ? tc(`reasons.${reason}`) : null;
  // The server's sentence names the exact field or value; keep it (in the console's language)
  // after our headline. In Chinese an English-only sentence is left out.
  const said = e.message !== e.code ? serverText(e.messageZh, e.message) : '';
  if (own) return [own, why, said && said !== own && said !== why ? `（${said}）` : ''].filter(Boolean).join(' ');
  return said || tc('server.failed', { code: e.code });
}

/** A report line's identifier: a name from the file, or its position ("row 7", "question 3"),
 * which reads 第 7 行 / 第 3 题 in Chinese. */
export function identText(ident) {
  const m = /^(row|question|item) (\d+)$/.exec(String(ident || ''));
  return m ? tc(`server.position.${m[1]}`, { n: m[2] }) : ident;
}

/** A message box: kind is 'error', 'ok', 'warn' or 'info'. */
export function notice(kind, text, attrs = {}) {
  return el('div', { class: `notice notice-${kind}`, role: kind === 'error' ? 'alert' : 'status', ...attrs }, text);
}

/** Replaces the contents of a message slot. */
export function show(slot, kind, text, attrs) {
  slot.replaceChildren(text ? notice(kind, text, attrs) : '');
}

let uid = 0;
/** A fresh element id. */
export const nextId = (p = 'f') => `${p}-${++uid}`;

/** A labelled control: the label's `for` points at the control (which gets an id if it has none). */
export function field(labelText, control, { hint, cls, input } = {}) {
  // `input` is the labelled control when `control` wraps it (a file picker).
  const target = input || control;
  if (!target.id) target.id = nextId();
  const parts = [el('label', { for: target.id }, labelText), control];
  if (hint) {
    const h = el('div', { class: 'hint', id: nextId('h') }, hint);
    target.setAttribute('aria-describedby', h.id);
    parts.push(h);
  }
  return el('div', { class: `field${cls ? ` ${cls}` : ''}` }, ...parts);
}

/** A file picker with the console's own button text (the native one follows the browser's
 * language, not the console's) and the chosen file's name. The input stays focusable. */
export function filePicker(attrs = {}) {
  const input = el('input', { type: 'file', id: nextId(), class: 'file-native', ...attrs });
  const name = el('span', { class: 'file-name', 'aria-hidden': 'true' }, tc('file.none'));
  input.addEventListener('change', () => { name.textContent = input.files[0] ? input.files[0].name : tc('file.none'); });
  const wrap = el('div', { class: 'file-picker' }, input, el('label', { for: input.id, class: 'button file-button', 'aria-hidden': 'true' }, tc('file.choose')), name);
  return { wrap, input };
}

/** A <select> from [[value, text], ...]. */
export function select(options, value, attrs = {}) {
  const s = el('select', attrs, ...options.map(([v, text]) => el('option', { value: v }, text)));
  if (value !== undefined && value !== null) s.value = String(value);
  return s;
}

/** A checkbox with its label, as one large touch target. */
export function checkbox(labelText, checked, attrs = {}) {
  const input = el('input', { type: 'checkbox', id: nextId(), ...attrs });
  input.checked = !!checked;
  const wrap = el('label', { class: 'check', for: input.id }, input, el('span', {}, labelText));
  return { wrap, input };
}

/** A table: columns [{head, cell(row) → node|text, cls}], rows; extra attributes for the <table>. */
export function table(columns, rows, attrs = {}, rowAttrs = () => ({})) {
  return el('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': attrs['aria-label'] || '' },
    el('table', attrs,
      el('thead', {}, el('tr', {}, ...columns.map((c) => el('th', { scope: 'col', class: c.cls }, c.head)))),
      el('tbody', {}, ...rows.map((r, i) => el('tr', rowAttrs(r, i), ...columns.map((c) => el('td', { class: c.cls }, c.cell(r, i))))))));
}

/** The page heading, focusable so navigation can move the keyboard focus to it. */
export const heading = (text, attrs = {}) => el('h1', { tabindex: '-1', ...attrs }, text);

/** Runs `fn` once input has paused for `ms`. */
export function debounce(fn, ms) {
  let timer;
  return (...args) => { clearTimeout(timer); timer = setTimeout(() => fn(...args), ms); };
}

const locale = () => (lang() === 'zh' ? 'zh-CN' : 'en-GB');
/** A date and time in the viewer's zone. */
export const fmtDate = (iso) => (iso ? new Date(iso).toLocaleString(locale(), { dateStyle: 'medium', timeStyle: 'short' }) : '—');
/** A number with at most two decimals. */
export const fmtNum = (n) => (n === null || n === undefined ? '—' : Number(n).toLocaleString(locale(), { maximumFractionDigits: 2 }));
/** A share 0..1 as a percentage. */
export const fmtPct = (x) => `${(Number(x || 0) * 100).toLocaleString(locale(), { minimumFractionDigits: 1, maximumFractionDigits: 1 })}%`;

/** Saves a Blob under a file name through a temporary <a download>. */
export function download(blob, filename) {
  const url = URL.createObjectURL(blob);
  const a = el('a', { href: url, download: filename, class: 'visually-hidden' });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

/** Texts of the fixed vocabularies, with the raw code when the console does not know it. */
export const kindText = (k) => (hasText(`kinds.${k}`) ? tc(`kinds.${k}`) : k);
export const statusText = (s) => (hasText(`qstatus.${s}`) ? tc(`qstatus.${s}`) : s);
export const outcomeText = (o) => (hasText(`outcomes.${o}`) ? tc(`outcomes.${o}`) : o);

export const KINDS = ['single', 'multiple', 'true_false', 'fill', 'short', 'practical'];
export const QSTATUSES = ['draft', 'in_review', 'active', 'flagged', 'retired'];

/** The banks, fetched once per page load (imports change counts, so `fresh` re-reads). */
let banksCache = null;
export async function banks(fresh = false) {
  if (!banksCache || fresh) banksCache = call('GET', '/api/banks').catch((e) => { banksCache = null; throw e; });
  return banksCache;
}

/** An import-style report: totals line and a table of items (line, identifier, outcome, code, reason). */
export function reportView(rep, { test, rowsKey = 'items', extraColumns = [], totals }) {
  const rows = rep[rowsKey] || [];
  const columns = [
    { head: tc('report.line'), cell: (r) => (r.line ?? '—'), cls: 'num' },
    { head: tc('report.ident'), cell: (r) => identText(r.ident), cls: 'nowrap' },
    { head: tc('report.outcome'), cell: (r) => el('span', { class: `badge outcome-${r.outcome}` }, outcomeText(r.outcome)) },
    ...extraColumns,
    { head: tc('report.code'), cell: (r) => (r.code ? el('code', {}, r.code) : '') },
    { head: tc('report.reason'), cell: (r) => [serverText(r.reason_zh, r.reason), ...(r.warnings || []).map((w, i) => el('div', { class: 'warn' }, serverText((r.warnings_zh || [])[i], w)))] },
  ];
  return el('section', { class: 'report', 'data-test': test, 'aria-label': tc('report.title') },
    el('h2', {}, rep.dry_run ? tc('report.dryTitle') : tc('report.realTitle')),
    el('p', { class: 'totals', 'data-test': `${test}-totals` },
      ...totals.map(([key, n]) => el('span', { class: 'total', 'data-total': key }, el('span', {}, tc(`report.${key}`)), ' ', el('strong', {}, String(n))))),
    table(columns, rows, { 'aria-label': tc('report.title'), 'data-test': `${test}-table` },
      (r) => ({ class: `outcome-row-${r.outcome}`, 'data-outcome': r.outcome })));
}
