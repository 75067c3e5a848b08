// What every judge screen shares: the staff session and API calls (the console's, so a judge
// signed in to the console is signed in here too), texts, the main area, and views kept on the
// device so a reload without network still shows the last sheet.
import { el, ApiError } from '../api.js';
import { t, lang } from '../i18n.js';
import { session, call, errorText } from '../console/core.js';

export { el, ApiError, session, call, errorText };

/** A judge app text: tj('sheet.submit') looks up judge.sheet.submit. */
export const tj = (key, vars) => t(`judge.${key}`, vars);

export const main = document.getElementById('main');

/** Shows a screen in the main area. */
export function screen(...children) {
  main.replaceChildren(...children);
  window.scrollTo(0, 0);
}

/** A message box: kind is 'error', 'ok', 'warn' or 'info'. */
export function notice(kind, text, attrs = {}) {
  return el('div', { class: `notice notice-${kind}`, role: kind === 'error' ? 'alert' : 'status', ...attrs }, text);
}

const CACHE_PREFIX = 'judge.cache.';
const cacheKey = (path) => `${CACHE_PREFIX}${session.user ? session.user.id : 0}.${path}`;

/** The last copy of a view kept on this device, or null. */
export function cached(path) {
  try { return JSON.parse(localStorage.getItem(cacheKey(path)) || 'null'); } catch (_) { return null; }
}

/** Keeps a copy of a view on this device. */
export function keep(path, data) {
  try { localStorage.setItem(cacheKey(path), JSON.stringify(data)); } catch (_) { /* storage full: the view is still shown */ }
}

/** Forgets every kept view (at logout; the save queue stays). */
export function forgetViews() {
  Object.keys(localStorage).filter((k) => k.startsWith(CACHE_PREFIX)).forEach((k) => localStorage.removeItem(k));
}

/** GETs a view; without network the kept copy is returned with `stale: true`. */
export async function load(path) {
  try {
    const data = await call('GET', path);
    keep(path, data);
    return { data, stale: false };
  } catch (e) {
    const copy = e instanceof ApiError && e.status === 0 ? cached(path) : null;
    if (copy) return { data: copy, stale: true };
    throw e;
  }
}

/** The notice shown above a view read from the device while offline. */
export const staleNotice = () => notice('warn', tj('stale'), { 'data-test': 'stale' });

const locale = () => (lang() === 'zh' ? 'zh-CN' : 'en-GB');
/** A number with at most two decimals. */
export const fmtNum = (n) => (n === null || n === undefined || Number.isNaN(n) ? '—' : Number(n).toLocaleString(locale(), { maximumFractionDigits: 2 }));
/** A time in Beijing time (the API gives UTC). */
export const fmtTime = (iso) => (iso ? new Date(iso).toLocaleString(locale(), { dateStyle: 'medium', timeStyle: 'short', timeZone: 'Asia/Shanghai' }) : '—');

/** The page heading, focusable so a new screen can move the keyboard focus to it. */
export const heading = (text, attrs = {}) => el('h1', { tabindex: '-1', ...attrs }, text);

/** A back link to `href`. */
export const back = (href, text) => el('a', { href, class: 'button j-back', 'data-test': 'back' }, `← ${text}`);

/** Asks for confirmation in a modal dialog; resolves true when confirmed. */
export function confirmDialog(title, body, okText) {
  return new Promise((resolve) => {
    const ok = el('button', { type: 'button', class: 'primary', 'data-test': 'confirm-ok' }, okText);
    const cancel = el('button', { type: 'button', 'data-test': 'confirm-cancel' }, tj('cancel'));
    const dlg = el('dialog', { class: 'j-dialog', 'data-test': 'confirm-dialog', 'aria-labelledby': 'dlg-title' },
      el('h2', { id: 'dlg-title' }, title), el('p', {}, body), el('div', { class: 'actions' }, cancel, ok));
    const done = (v) => { dlg.close(); dlg.remove(); resolve(v); };
    ok.addEventListener('click', () => done(true));
    cancel.addEventListener('click', () => done(false));
    dlg.addEventListener('cancel', (ev) => { ev.preventDefault(); done(false); });
    document.body.append(dlg);
    dlg.showModal();
    cancel.focus();
  });
}
