// The public appeal page (/appeal, 成绩申诉): a contestant (参赛证号 + 身份证号) or a team leader
// (领队: access code + name) logs in, sees the contestants they may appeal for and whether each
// event's provisional results are open for appeals, files an appeal with grounds and up to three
// attachments (photos scaled down here to fit the server's 200 KB), and follows their own appeals.
import { applyI18n, wireToolbar, t, lang, serverText } from './i18n.js';
import { api, ApiError, el } from './api.js';
import { shrinkImage, toBase64, sniff } from './appeal/files.js';

const at = (key, vars) => t(`appeal.${key}`, vars);
const main = document.getElementById('main');
const TOKEN = 'appeal.token';
const MAX_GROUNDS = 2000;
const MAX_FILES = 3;
const MAX_BYTES = 200 * 1024;

const token = () => sessionStorage.getItem(TOKEN);

/** Every error as a sentence: the console's text for the code (shared error texts), else the server's. */
function errorText(e) {
  if (!(e instanceof ApiError)) return String((e && e.message) || e);
  if (e.status === 0) return at('networkError');
  if (e.status === 429) return t('console.errors.rate_limited', { seconds: e.retryAfter || 60 });
  if (e.code === 'invalid_credentials') return at('wrongLogin');
  const key = `console.errors.${e.code}`;
  const own = t(key) !== key ? t(key) : '';
  const said = e.message !== e.code ? serverText(e.messageZh, e.message) : '';
  if (own) return said && said !== own ? `${own}（${said}）` : own;
  return said || at('failed', { code: e.code });
}

async function call(method, path, opts = {}) {
  try { return await api(method, path, { ...opts, token: token() }); } catch (e) {
    if (e instanceof ApiError && e.status === 401 && token()) { sessionStorage.removeItem(TOKEN); render(at('expired')); }
    throw e;
  }
}

const bj = (iso) => (iso ? t('console.appeals.beijing', { time: new Date(iso).toLocaleString(lang() === 'zh' ? 'zh-CN' : 'en-GB', { timeZone: 'Asia/Shanghai', dateStyle: 'medium', timeStyle: 'short' }) }) : '—');
const statusText = (s) => t(`console.appeals.status.${s}`);
const note = (kind, text, attrs = {}) => el('div', { class: `notice notice-${kind}`, role: kind === 'error' ? 'alert' : 'status', ...attrs }, text);
const show = (slot, kind, text, attrs) => slot.replaceChildren(text ? note(kind, text, attrs) : '');
let uid = 0;
function field(label, control, hint) {
  if (!control.id) control.id = `a-${++uid}`;
  const parts = [el('label', { for: control.id }, label), control];
  if (hint) { const h = el('div', { class: 'hint', id: `h-${++uid}` }, hint); control.setAttribute('aria-describedby', h.id); parts.push(h); }
  return el('div', { class: 'field' }, ...parts);
}

function loginView(message) {
  const msg = el('div', { class: 'msg', 'aria-live': 'polite', 'data-test': 'login-message' });
  if (message) show(msg, 'warn', message);
  const number = el('input', { autocomplete: 'off', spellcheck: 'false', 'data-test': 'login-number' });
  const idNumber = el('input', { autocomplete: 'off', spellcheck: 'false', 'data-test': 'login-id-number' });
  const code = el('input', { autocomplete: 'off', spellcheck: 'false', autocapitalize: 'characters', 'data-test': 'login-code' });
  const leader = el('input', { autocomplete: 'off', 'data-test': 'login-leader' });
  const form = (test, fields, path, body) => {
    const b = el('button', { type: 'submit', class: 'primary', 'data-test': `${test}-submit` }, at('login'));
    const f = el('form', { class: 'card', novalidate: true, 'data-test': test }, ...fields, el('div', { class: 'actions' }, b));
    f.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const b2 = body();
      if (Object.values(b2).some((v) => !v)) { show(msg, 'error', at('missing')); return; }
      b.disabled = true;
      try {
        const s = await api('POST', path, { body: b2 });
        sessionStorage.setItem(TOKEN, s.token);
        render();
      } catch (e) { show(msg, 'error', errorText(e), { 'data-test': 'login-error', 'data-code': e.code || '' }); b.disabled = false; }
    });
    return f;
  };
  return [el('h1', { tabindex: '-1' }, at('title')), el('p', { class: 'muted' }, at('intro')), msg,
    el('div', { class: 'grid' },
      form('contestant-login', [el('h2', {}, at('asContestant')), field(at('number'), number), field(at('idNumber'), idNumber)], '/api/appeals/login',
        () => ({ number: number.value.trim(), id_number: idNumber.value.trim() })),
      form('leader-login', [el('h2', {}, at('asLeader')), field(at('code'), code), field(at('leader'), leader)], '/api/appeals/leader-login',
        () => ({ code: code.value.trim(), leader: leader.value.trim() })))];
}

function pubText(c) {
  if (c.published === 'final') return at('final');
  if (c.published === 'provisional') return c.appeal_closes_at ? at('provisional', { time: bj(c.appeal_closes_at) }) : at('provisionalNoWindow');
  return at('notPublished');
}

function coveredTable(home) {
  const rows = home.contestants || [];
  if (!rows.length) return el('p', { class: 'muted', 'data-test': 'covered-none' }, at('noneCovered'));
  const th = (x) => el('th', { scope: 'col' }, x);
  return el('table', { 'data-test': 'covered', 'aria-label': at('covered') },
    el('thead', {}, el('tr', {}, th(at('contestant')), th(at('event')), th(at('group')), th(at('publication')), th(''))),
    el('tbody', {}, ...rows.map((c) => el('tr', { 'data-contestant': c.contestant_id, 'data-open': String(!!c.open) },
      el('td', {}, el('strong', {}, c.name), el('div', {}, el('code', { class: 'muted' }, c.number))),
      el('td', {}, c.event_name), el('td', {}, c.group_name),
      el('td', { 'data-test': 'pub-state' }, pubText(c)),
      el('td', {}, el('span', { class: `badge ${c.open ? 'appeal-open' : 'appeal-closed'}`, 'data-test': 'window' }, c.open ? at('open') : at('closed')))))));
}

function fileForm(home, onFiled) {
  const rows = home.contestants || [];
  const msg = el('div', { class: 'msg', 'aria-live': 'polite', 'data-test': 'file-message' });
  const who = el('select', { 'data-test': 'file-contestant' }, ...rows.map((c) => el('option', { value: c.contestant_id }, `${c.name}（${c.number}）· ${c.event_name}`)));
  const stage = el('select', { 'data-test': 'file-stage' });
  const fillStages = () => {
    const c = rows.find((x) => String(x.contestant_id) === who.value) || rows[0];
    stage.replaceChildren(...((c && c.stages) || []).map((s) => el('option', { value: s.id }, s.name)));
  };
  who.addEventListener('change', fillStages);
  fillStages();
  const task = el('input', { maxlength: '200', 'data-test': 'file-task' });
  const grounds = el('textarea', { rows: '6', maxlength: String(MAX_GROUNDS), 'data-test': 'file-grounds' });
  const counter = el('div', { class: 'hint', 'aria-live': 'polite', 'data-test': 'grounds-counter' });
  const count = () => { counter.textContent = at('counter', { n: [...grounds.value].length, max: MAX_GROUNDS }); };
  grounds.addEventListener('input', count);
  count();
  const picked = [];
  const list = el('ul', { class: 'file-list', 'data-test': 'file-list' });
  const redraw = () => list.replaceChildren(...picked.map((p, i) => el('li', { 'data-test': 'file-picked' }, `${p.name} (${Math.ceil(p.bytes.length / 1024)} KB) `,
    el('button', { type: 'button', onclick: () => { picked.splice(i, 1); redraw(); } }, at('remove')))));
  const input = el('input', { type: 'file', accept: 'image/*,application/pdf', multiple: true, 'data-test': 'file-attachments' });
  input.addEventListener('change', async () => {
    for (const f of [...input.files]) {
      if (picked.length >= MAX_FILES) { show(msg, 'error', at('tooMany')); break; }
      try {
        const raw = new Uint8Array(await f.arrayBuffer());
        const kind = sniff(raw);
        if (kind === 'pdf') {
          if (raw.length > MAX_BYTES) { show(msg, 'error', at('pdfTooLarge', { name: f.name })); continue; }
          picked.push({ name: f.name, bytes: raw });
        } else if (kind === 'image' || (f.type || '').startsWith('image/')) {
          const small = raw.length <= MAX_BYTES && kind === 'image' ? raw : await shrinkImage(f, MAX_BYTES);
          if (!small) { show(msg, 'error', at('shrinkFailed', { name: f.name })); continue; }
          picked.push({ name: small === raw ? f.name : f.name.replace(/\.[^.]*$/, '') + '.jpg', bytes: small });
        } else { show(msg, 'error', at('badType', { name: f.name })); }
      } catch (e) { show(msg, 'error', at('shrinkFailed', { name: f.name })); }
    }
    input.value = '';
    redraw();
  });
  const submit = el('button', { type: 'submit', class: 'primary', 'data-test': 'file-submit' }, at('submit'));
  const form = el('form', { class: 'card', novalidate: true, 'data-test': 'file-form' }, el('h2', {}, at('fileTitle')),
    el('div', { class: 'grid' }, field(at('contestant'), who), field(at('stage'), stage), field(at('task'), task, at('taskHint'))),
    field(at('grounds'), grounds, at('groundsHint', { max: MAX_GROUNDS })), counter,
    field(at('attachments'), input, at('attachmentsHint')), list, msg, el('div', { class: 'actions' }, submit));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (!grounds.value.trim()) { show(msg, 'error', at('needGrounds'), { 'data-test': 'file-error' }); grounds.focus(); return; }
    submit.disabled = true;
    submit.textContent = at('submitting');
    try {
      const a = await call('POST', '/api/appeals', { timeoutMs: 60000, body: {
        contestant_id: Number(who.value), stage_id: Number(stage.value), task: task.value.trim(), grounds: grounds.value.trim(),
        attachments: picked.map((p) => ({ name: p.name, data: toBase64(p.bytes) })) } });
      onFiled(at('filed', { id: a.id }));
    } catch (e) {
      show(msg, 'error', errorText(e), { 'data-test': 'file-error', 'data-code': e.code || '' });
      submit.disabled = false;
      submit.textContent = at('submit');
    }
  });
  return form;
}

function mineTable(mine) {
  if (!mine.length) return el('p', { class: 'muted', 'data-test': 'mine-none' }, at('noAppeals'));
  const th = (x) => el('th', { scope: 'col' }, x);
  return el('table', { 'data-test': 'mine', 'aria-label': at('mine') },
    el('thead', {}, el('tr', {}, th(at('no')), th(at('contestant')), th(at('stage')), th(at('filedAt')), th(at('status')), th(at('reason')))),
    el('tbody', {}, ...mine.map((a) => el('tr', { 'data-appeal': a.id, 'data-status': a.status },
      el('td', {}, String(a.id)), el('td', {}, `${a.contestant_name}（${a.contestant_number}）`),
      el('td', {}, [a.stage_name, a.task].filter(Boolean).join(' · ')), el('td', {}, bj(a.filed_at)),
      el('td', {}, el('span', { class: `badge appeal-${a.status}`, 'data-test': 'mine-status' }, statusText(a.status))),
      el('td', { 'data-test': 'mine-reason' }, a.decision_reason || '—')))));
}

async function homeView(flash) {
  const [home, mine] = await Promise.all([call('GET', '/api/appeals/me'), call('GET', '/api/appeals/mine')]);
  const who = document.getElementById('who');
  who.hidden = false;
  who.replaceChildren(el('span', { 'data-test': 'appellant-name' }, home.kind === 'leader' ? at('welcomeLeader', { name: home.name }) : at('welcomeContestant', { name: home.name })));
  const msg = el('div', { class: 'msg', 'aria-live': 'polite', 'data-test': 'home-message' });
  if (flash) show(msg, 'ok', flash, { 'data-test': 'filed' });
  const open = (home.contestants || []).some((c) => c.open);
  return [el('h1', { tabindex: '-1' }, at('title')), msg,
    el('section', { class: 'card' }, el('h2', {}, at('covered')), coveredTable(home)),
    // The form shows whenever a contestant is covered: the server says why a closed window refuses.
    (home.contestants || []).length ? fileForm(home, (text) => render(null, text)) : '',
    el('section', { class: 'card', 'data-test': 'mine-section', 'data-open': String(open) }, el('h2', {}, at('mine')), mineTable(mine),
      el('div', { class: 'actions' }, el('button', { type: 'button', 'data-test': 'mine-refresh', onclick: () => render() }, at('refresh'))))];
}

async function render(message, flash) {
  const out = document.getElementById('logout');
  out.hidden = !token();
  if (!token()) {
    document.getElementById('who').hidden = true;
    main.replaceChildren(...loginView(message));
    return;
  }
  try { main.replaceChildren(...await homeView(flash)); } catch (e) {
    if (token()) main.replaceChildren(note('error', errorText(e), { 'data-test': 'view-error' }));
  }
}

document.getElementById('logout').addEventListener('click', () => { sessionStorage.removeItem(TOKEN); render(); });
window.addEventListener('langchange', () => render());
applyI18n();
wireToolbar();
render();
