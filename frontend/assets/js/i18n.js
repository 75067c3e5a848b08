// Text lookup, language switch and font size, shared by the tablet app and the staff console.
// All text lives in ../lang/<language>.js, one file per language; Chinese is the default.
import zh from '../lang/zh.js';
import en from '../lang/en.js';

const LANGS = { zh, en };
const LANG_KEY = 'exam.lang';
const FONT_KEY = 'exam.fontScale';
const FONT_STEPS = [1, 1.15, 1.3, 1.5];

let current = LANGS[localStorage.getItem(LANG_KEY)] ? localStorage.getItem(LANG_KEY) : 'zh';

function lookup(table, key) {
  return key.split('.').reduce((node, part) => (node && typeof node === 'object' ? node[part] : undefined), table);
}

/** The text for `key` ("candidate.login.title") in the current language, with {name} filled from `vars`. */
export function t(key, vars = {}) {
  let s = lookup(LANGS[current], key);
  if (typeof s !== 'string') s = lookup(zh, key);
  if (typeof s !== 'string') return key;
  return s.replace(/\{(\w+)\}/g, (m, name) => (name in vars ? String(vars[name]) : m));
}

const CJK = /[\u3400-\u9fff\uf900-\ufaff]/;

/** A sentence the server sent in both languages (e.g. `reason_zh` and `reason`): the one of the
 * current language. In Chinese an English-only sentence is not shown (''), so no English
 * fragment appears inside a Chinese screen; callers then show their own text for the code. */
export function serverText(zh, en) {
  if (current === 'zh') return zh || (en && CJK.test(en) ? en : '');
  return en || zh || '';
}

/** The current language code: "zh" or "en". */
export function lang() {
  return current;
}

/** Fills every element below `root` that names a text key: data-i18n (text), data-i18n-label
 * (aria-label), data-i18n-placeholder and data-i18n-title. */
export function applyI18n(root = document) {
  root.querySelectorAll('[data-i18n]').forEach((el) => { el.textContent = t(el.dataset.i18n); });
  root.querySelectorAll('[data-i18n-label]').forEach((el) => el.setAttribute('aria-label', t(el.dataset.i18nLabel)));
  root.querySelectorAll('[data-i18n-placeholder]').forEach((el) => el.setAttribute('placeholder', t(el.dataset.i18nPlaceholder)));
  root.querySelectorAll('[data-i18n-title]').forEach((el) => el.setAttribute('title', t(el.dataset.i18nTitle)));
  document.documentElement.lang = current === 'zh' ? 'zh-CN' : 'en';
}

/** Switches the language, remembers it on this device and re-renders through the 'langchange' event. */
export function setLang(code) {
  if (!LANGS[code]) return;
  current = code;
  localStorage.setItem(LANG_KEY, code);
  applyI18n();
  window.dispatchEvent(new CustomEvent('langchange'));
}

function applyFont() {
  const i = Number(localStorage.getItem(FONT_KEY) || 0);
  document.documentElement.style.setProperty('--font-scale', String(FONT_STEPS[i] || 1));
}

/** Makes text one step larger (delta 1) or smaller (-1); remembered on this device. */
export function stepFont(delta) {
  const i = Math.min(FONT_STEPS.length - 1, Math.max(0, Number(localStorage.getItem(FONT_KEY) || 0) + delta));
  localStorage.setItem(FONT_KEY, String(i));
  applyFont();
}

/** Wires the standard toolbar controls found in the page: [data-action=lang], [data-action=font-up|font-down]. */
export function wireToolbar(root = document) {
  root.querySelectorAll('[data-action="lang"]').forEach((b) => b.addEventListener('click', () => setLang(current === 'zh' ? 'en' : 'zh')));
  root.querySelectorAll('[data-action="font-up"]').forEach((b) => b.addEventListener('click', () => stepFont(1)));
  root.querySelectorAll('[data-action="font-down"]').forEach((b) => b.addEventListener('click', () => stepFont(-1)));
}

applyFont();
