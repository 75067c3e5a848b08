// The public scoreboard (成绩大屏), /board?c=<competition code>. One live stream of the
// whole board (SSE, the same bytes as GET /api/board/{code}); pages of rows that fit the screen,
// turning by themselves; rows are kept by key and updated in place, and moved with transforms
// (FLIP) so a reveal step animates a row to its final place without reflowing the page.
import { t, applyI18n, lang, setLang } from './i18n.js';

const PAGE_EVERY_MS = 10000;
const code = (new URLSearchParams(location.search).get('c') || '').trim();
const $ = (id) => document.getElementById(id);
let board = null;
let pageIndex = 0;
let pages = [];
let pinned = null; // during a reveal: the page of the step just taken
const rowsByKey = new Map();

function fmt(v) {
  return v === null || v === undefined ? '—' : (Math.round(v * 100) / 100).toFixed(2);
}

function rowsPerPage() {
  const free = window.innerHeight - 72 - 76 - 40 - 40;
  return Math.max(5, Math.floor(free / 44));
}

function paginate() {
  const per = rowsPerPage();
  const out = [];
  (board?.sections || []).forEach((s, si) => {
    const n = Math.max(1, Math.ceil(s.rows.length / per));
    for (let p = 0; p < n; p++) out.push({ si, from: p * per, to: Math.min(s.rows.length, (p + 1) * per), p, n });
  });
  return out;
}

// Codes only before publication; during a reveal the columns are already the final results'.
const byCode = (s) => s.source === 'codes' && board.phase !== 'reveal';

function header(s) {
  const head = $('head');
  const cells = [[t('board.rank'), 'num'], [byCode(s) ? t('board.code') : t('board.name'), '']];
  if (!byCode(s)) cells.push([t('board.organisation'), '']);
  s.columns.forEach((c) => cells.push([c, 'num']));
  cells.push([byCode(s) ? t('board.practical') : t('board.total'), 'num']);
  const sig = JSON.stringify(cells);
  if (head.dataset.sig === sig) return;
  head.dataset.sig = sig;
  head.replaceChildren(...cells.map(([text, cls]) => {
    const th = document.createElement('th');
    th.textContent = text;
    if (cls) th.className = cls;
    return th;
  }));
}

function cellsOf(s, r) {
  const out = [[r.rank === null ? '' : String(r.rank) + (r.shared ? '=' : ''), 'num'],
    [r.members && r.members.length ? `${r.label}（${r.members.join('、')}）` : r.label, '']];
  if (!byCode(s)) out.push([r.organisation, '']);
  r.scores.forEach((v) => out.push([fmt(v), 'num']));
  out.push([fmt(r.total), 'num']);
  return out;
}

function render() {
  if (!board) return;
  $('title').textContent = t('board.title', { name: board.name });
  document.title = board.name;
  const phase = $('phase');
  phase.dataset.phase = board.phase;
  phase.textContent = t(`board.${board.phase}`);
  $('freeze').textContent = board.freeze_at ? t('board.freezeAt', { time: new Date(board.freeze_at).toLocaleString(lang() === 'zh' ? 'zh-CN' : 'en-GB', { timeZone: 'Asia/Shanghai' }) }) : '';
  $('step').textContent = board.reveal ? t('board.revealStep', { step: board.reveal.step, steps: board.reveal.steps }) : '';
  pages = paginate();
  const cur = board.reveal?.current;
  if (cur) {
    const s = board.sections[cur.section];
    const at = s ? s.rows.findIndex((r) => r.key === cur.row.key) : -1;
    const pi = pages.findIndex((p) => p.si === cur.section && at >= p.from && at < p.to);
    pinned = pi >= 0 ? pi : null;
  } else pinned = null;
  if (pinned !== null) pageIndex = pinned;
  if (pageIndex >= pages.length) pageIndex = 0;
  const pg = pages[pageIndex];
  const s = pg ? board.sections[pg.si] : null;
  $('page').textContent = pages.length > 1 ? t('board.page', { page: pageIndex + 1, pages: pages.length }) : '';
  if (!s) {
    $('section').textContent = '';
    $('source').textContent = t('board.empty');
    $('rows').replaceChildren();
    return;
  }
  $('section').textContent = `${s.event_name} · ${s.group_name}`;
  $('source').textContent = board.phase === 'reveal' ? t('board.reveal') : t(`board.source.${s.source}`);
  header(s);
  const tbody = $('rows');
  // FLIP: where each kept row is now, before the change.
  const before = new Map();
  for (const [k, tr] of rowsByKey) before.set(k, tr.getBoundingClientRect().top);
  const slice = s.rows.slice(pg.from, pg.to);
  const keep = new Set();
  const ordered = slice.map((r) => {
    // A reveal step replaces frozen rows (a code by its owner's line): start from the first.
    let tr = rowsByKey.get(r.key);
    if (!tr && cur && cur.row.key === r.key) {
      const old = cur.replaces.map((k) => rowsByKey.get(k)).find(Boolean);
      if (old) { before.set(r.key, old.getBoundingClientRect().top); }
    }
    if (!tr) {
      tr = document.createElement('tr');
      tr.dataset.test = 'board-row';
      rowsByKey.set(r.key, tr);
    }
    tr.dataset.key = r.key;
    keep.add(r.key);
    const cells = cellsOf(s, r);
    while (tr.children.length > cells.length) tr.lastChild.remove();
    cells.forEach(([text, cls], i) => {
      let td = tr.children[i];
      if (!td) { td = document.createElement('td'); tr.appendChild(td); }
      if (td.textContent !== text) td.textContent = text;
      if (td.className !== cls) td.className = cls;
    });
    tr.classList.toggle('revealed', !!r.revealed);
    tr.classList.toggle('just', !!cur && cur.row.key === r.key);
    return tr;
  });
  for (const [k, tr] of rowsByKey) if (!keep.has(k)) { tr.remove(); rowsByKey.delete(k); }
  ordered.forEach((tr, i) => { if (tbody.children[i] !== tr) tbody.insertBefore(tr, tbody.children[i] || null); });
  for (const tr of ordered) {
    const was = before.get(tr.dataset.key);
    if (was === undefined) continue;
    const dy = was - tr.getBoundingClientRect().top;
    if (Math.abs(dy) < 1) continue;
    tr.classList.remove('moving');
    tr.style.transform = `translateY(${dy}px)`;
    requestAnimationFrame(() => requestAnimationFrame(() => { tr.classList.add('moving'); tr.style.transform = ''; }));
  }
}

function message(text) {
  $('section').textContent = '';
  $('source').textContent = '';
  $('rows').replaceChildren();
  const p = document.createElement('p');
  p.className = 'b-message';
  p.dataset.test = 'board-message';
  p.textContent = text;
  const td = document.createElement('td');
  td.appendChild(p);
  const tr = document.createElement('tr');
  tr.appendChild(td);
  $('rows').appendChild(tr);
}

function connect() {
  $('status').textContent = t('board.connecting');
  const es = new EventSource(`/api/board/${encodeURIComponent(code)}/live`);
  es.addEventListener('board', (e) => {
    $('status').textContent = '';
    try { board = JSON.parse(e.data); } catch { return; }
    render();
  });
  es.onerror = () => { $('status').textContent = t('board.reconnecting'); };
}

async function start() {
  applyI18n();
  document.querySelector('[data-action="lang"]').addEventListener('click', () => {
    setLang(lang() === 'zh' ? 'en' : 'zh');
    applyI18n();
    $('head').dataset.sig = '';
    render();
  });
  if (!code) { message(t('board.missingCode')); return; }
  const res = await fetch(`/api/board/${encodeURIComponent(code)}`).catch(() => null);
  if (res && res.status === 404) { message(t('board.notFound')); return; }
  if (res && res.ok) { board = await res.json(); render(); }
  connect();
  setInterval(() => {
    if (pinned !== null || pages.length < 2) return;
    pageIndex = (pageIndex + 1) % pages.length;
    render();
  }, PAGE_EVERY_MS);
  let resize;
  window.addEventListener('resize', () => { clearTimeout(resize); resize = setTimeout(render, 200); });
}

start();
