// Competitions (竞赛), shared by the competition screens: the list, loading a competition with
// its events (赛项), groups (组别) and stages, the sub-navigation, status chips, file downloads,
// and every path of the competition API in one place (the screens never spell a URL).
import { el, tc, call, errorText, heading, field, table, show, fmtDate, download, ApiError, hasText, session } from './core.js';
import { lang, t } from '../i18n.js';

/** A competition text: cc('list.title') looks up console.competition.list.title. */
export const cc = (key, vars) => tc(`competition.${key}`, vars);
const hasCc = (key) => hasText(`competition.${key}`);
/** A fixed-vocabulary word (status, kind, tie key) or the raw code when the console lacks it. */
export const word = (group, v) => (hasCc(`${group}.${v}`) ? cc(`${group}.${v}`) : String(v ?? '—'));

export const TIE_KEYS = ['practical', 'modules', 'theory', 'time'];
export const STATUSES = ['pending', 'accepted', 'refused', 'withdrawn'];
export const CUT_KINDS = ['none', 'top_n', 'top_percent', 'score_line'];

const C = '/api/competitions';
const S = `${C}/stages`;
/** Every competition path, so aligning to the server is one edit. */
export const paths = {
  list: () => C,
  one: (id) => `${C}/${id}`,
  events: (id) => `${C}/${id}/events`,
  event: (eid) => `${C}/events/${eid}`,
  eventStages: (eid) => `${C}/events/${eid}/stages`,
  teams: (id) => `${C}/${id}/teams`,
  groups: (id) => `${C}/${id}/groups`,
  group: (gid) => `${C}/groups/${gid}`,
  registrations: (id) => `${C}/${id}/registrations`,
  importFile: (id) => `${C}/${id}/registrations/import`,
  template: (id) => `${C}/${id}/registrations/template.xlsx`,
  acceptAll: (id) => `${C}/${id}/registrations/accept-all`,
  review: (rid) => `${C}/registrations/${rid}/review`,
  session: (sid) => `${S}/${sid}/session`,
  seat: (sid) => `${S}/${sid}/seat`,
  theoryScores: (sid) => `${S}/${sid}/theory-scores`,
  conflicts: (id) => `${C}/${id}/conflicts`,
  conflict: (id, cid) => `${C}/${id}/conflicts/${cid}`,
  prepare: (sid) => `${S}/${sid}/prepare`,
  seal: (sid) => `${S}/${sid}/seal`,
  checkin: (sid) => `${S}/${sid}/checkin`,
  encrypt: (sid) => `${S}/${sid}/encrypt`,
  decrypt: (sid) => `${S}/${sid}/decrypt`,
  mapping: (sid) => `${S}/${sid}/mapping`,
  progress: (sid) => `${S}/${sid}/progress`,
  cut: (sid) => `${S}/${sid}/cut`,
  cutPdf: (sid) => `${S}/${sid}/cut.pdf`,
  recheck: (sid) => `${S}/${sid}/recheck`,
  recheckEntries: (sid) => `${S}/${sid}/recheck/entries`,
  recheckFinish: (sid) => `${S}/${sid}/recheck/finish`,
  ranking: (eid) => `${C}/events/${eid}/ranking`,
  rankingFile: (eid, ext) => `${C}/events/${eid}/ranking.${ext}`,
};

/** A list the server may wrap ({items|rows|…: [...]}) or not. */
export const rowsOf = (x, ...keys) => (Array.isArray(x) ? x : [...keys, 'items', 'rows'].map((k) => x && x[k]).find(Array.isArray) || []);

/** A JSON column the server may send as text or already parsed. */
export function parsed(v, fallback) {
  if (typeof v !== 'string') return v ?? fallback;
  try { return JSON.parse(v); } catch (_) { return fallback; }
}

/** The competition with its events, groups and stages, flattened and in position order. */
export async function loadCompetition(id) {
  const v = await call('GET', paths.one(id));
  const comp = v.competition || v;
  const events = rowsOf(v.events).map((e) => ({ ...e, tie_chain: parsed(e.tie_chain, []) })).sort(byPos);
  const groups = rowsOf(v.groups).map((g) => ({ ...g, rules: parsed(g.rules, {}) })).sort(byPos);
  const stages = (v.stages ? rowsOf(v.stages) : events.flatMap((e) => rowsOf(e.stages).map((s) => ({ event_id: e.id, ...s }))))
    .map(normStage).sort((a, b) => a.event_id - b.event_id || a.position - b.position);
  return { ...comp, id: comp.id ?? Number(id), schools: parsed(comp.schools, []), events, groups, stages };
}
const byPos = (a, b) => (a.position ?? 0) - (b.position ?? 0) || a.id - b.id;

// Serde's names of CutRule's variants, should the server send them.
const CUT_NAMES = { None: 'none', TopN: 'top_n', TopPercent: 'top_percent', ScoreLine: 'score_line' };

/** A stage with its cut rule as {kind, value} whether the server sends columns or a tagged rule. */
export function normStage(s) {
  let cutKind = s.cut_kind;
  let cutValue = s.cut_value;
  if (!cutKind && s.cut) {
    cutKind = typeof s.cut === 'string' ? s.cut : (s.cut.kind || Object.keys(s.cut)[0]);
    cutValue = typeof s.cut === 'object' ? (s.cut.kind ? s.cut.value : Object.values(s.cut)[0]) : 0;
  }
  cutKind = CUT_NAMES[cutKind] || cutKind;
  return { ...s, cut_kind: cutKind || 'none', cut_value: Number(cutValue) || 0 };
}

/** A stage's event, and the competition's stages of that event. */
export const eventOf = (view, stage) => view.events.find((e) => e.id === stage.event_id);
export const stagesOf = (view, eventId) => view.stages.filter((s) => s.event_id === eventId);

/** A staff member's name from a list of {id, display_name, username}. */
export const personName = (staff, id) => {
  const u = staff.find((x) => x.id === id);
  return u ? (u.display_name || u.username) : (id ? `#${id}` : '—');
};

/** Staff accounts (authors may list them; others get an empty list). */
export async function staffList() {
  try { return await call('GET', '/api/staff'); } catch (_) { return []; }
}

/** A registration status chip. */
export const statusChip = (s) => el('span', { class: `badge reg-${s}`, 'data-status': s }, word('status', s));

/** Re-renders the current screen (after a change). */
export const rerender = () => window.dispatchEvent(new HashChangeEvent('hashchange'));

/** Keeps a one-line message across a re-render. */
export const flash = {
  set(text) { sessionStorage.setItem('console.flash', text); },
  take() { const f = sessionStorage.getItem('console.flash'); sessionStorage.removeItem('console.flash'); return f; },
};

/** Saves a file the API makes (the token goes in a header, so not a plain link). */
export async function saveFile(path, filename, msg, query = {}) {
  try {
    const blob = await call('GET', path, { accept: 'blob', timeoutMs: 60000, query: { lang: lang() === 'en' ? 'en' : 'zh', ...query } });
    download(blob, filename);
  } catch (e) { show(msg, 'error', errorText(e), { 'data-test': 'file-error' }); }
}

/** The tabs of one competition: setup, registrations, each stage, ranking. */
export function subnav(view, current) {
  const items = [
    [`#/competitions/${view.id}`, cc('tabs.setup'), 'setup'],
    [`#/competitions/${view.id}/registrations`, cc('tabs.registrations'), 'registrations'],
    ...view.stages.map((s) => {
      const ev = eventOf(view, s);
      return [`#/competitions/${view.id}/stages/${s.id}`, `${ev ? `${ev.name} · ` : ''}${s.name}`, `stage-${s.id}`];
    }),
    [`#/competitions/${view.id}/ranking`, cc('tabs.ranking'), 'ranking'],
    // Issue 15: publication (公示) and leader codes, next to the ranking they publish.
    [`#/competitions/${view.id}/publication`, tc('appeals.tabs.publication'), 'publication'],
    [`#/competitions/${view.id}/leaders`, tc('appeals.tabs.leaders'), 'leaders'],
    [`#/competitions/${view.id}/board`, t('board.pageTitle'), 'board'],
    [`#/competitions/${view.id}/awards`, tc('awards.title'), 'awards'],
  ];
  return el('nav', { class: 'subnav', 'aria-label': cc('tabs.label'), 'data-test': 'competition-tabs' },
    el('ul', {}, ...items.map(([href, text, key]) => el('li', {}, el('a', { href, 'aria-current': key === current ? 'page' : null, 'data-test': `tab-${key}` }, text)))));
}

/** The heading of a competition's screen: the competition's name and the screen's title. */
export const compHeading = (view, title) => heading(`${view.name} · ${title}`, { 'data-test': 'competition-heading' });

/** An inline confirm box in `slot`: the question, then 确定/取消; resolves true when confirmed. */
export function confirmBox(slot, question, { yes = cc('confirm.yes'), danger = false, test = 'confirm' } = {}) {
  return new Promise((resolve) => {
    const done = (v) => { slot.replaceChildren(); resolve(v); };
    const ok = el('button', { type: 'button', class: `primary${danger ? ' danger' : ''}`, 'data-test': `${test}-yes`, onclick: () => done(true) }, yes);
    const no = el('button', { type: 'button', 'data-test': `${test}-no`, onclick: () => done(false) }, cc('confirm.no'));
    slot.replaceChildren(el('div', { class: 'notice notice-warn confirm-box', role: 'alertdialog', 'aria-label': question, 'data-test': test },
      el('p', {}, question), el('div', { class: 'actions' }, ok, no)));
    ok.focus();
  });
}

/** True when an API error is "not found" (so a screen can say "not yet" instead of failing). */
export const isMissing = (e) => e instanceof ApiError && e.status === 404;

/** A score with two decimals, or — when there is none. */
export const fmtScore = (n) => (n === null || n === undefined || Number.isNaN(Number(n)) ? '—' : Number(n).toFixed(2));

/** The line naming a final's stage on its own screens: "竞赛 · 赛项 · 阶段" with a link back, when
 * the screen was opened from the competition (`?c=`) by someone who may read it; else "阶段 #n". */
export async function stageLine(sid, query) {
  const cid = Number(query && query.get('c'));
  if (cid && session.has('author')) {
    try {
      const view = await loadCompetition(cid);
      const st = view.stages.find((x) => x.id === sid);
      if (st) {
        const ev = eventOf(view, st);
        const line = el('p', { class: 'muted', 'data-test': 'stage-line' },
          el('a', { href: `#/competitions/${cid}/stages/${sid}` }, [view.name, ev && ev.name, st.name].filter(Boolean).join(' · ')));
        // The competition rides along, for screens that name its groups.
        line.competition = view;
        return line;
      }
    } catch (_) { /* the number alone */ }
  }
  return el('p', { class: 'muted', 'data-test': 'stage-line' }, cc('final.stageN', { id: sid }));
}

/** #/competitions: the list and a new competition. */
export async function list({ root, alive }) {
  const comps = rowsOf(await call('GET', paths.list()), 'competitions');
  if (!alive()) return;
  const msg = el('div', { class: 'msg', 'data-test': 'competitions-message', 'aria-live': 'polite' });
  const name = el('input', { maxlength: '200', required: true, 'data-test': 'competition-new-name', placeholder: cc('list.namePlaceholder') });
  const code = el('input', { maxlength: '12', required: true, 'data-test': 'competition-new-code', autocapitalize: 'characters', spellcheck: 'false', placeholder: 'PACS26' });
  const heldOn = el('input', { type: 'date', required: true, 'data-test': 'competition-new-held-on' });
  const create = el('button', { type: 'submit', class: 'primary', 'data-test': 'competition-create' }, cc('list.create'));
  const form = el('form', { class: 'card', novalidate: true, 'data-test': 'competition-new' },
    el('h2', {}, cc('list.newTitle')),
    el('div', { class: 'grid' }, field(cc('fields.name'), name), field(cc('fields.code'), code, { hint: cc('fields.codeHint') }), field(cc('fields.heldOn'), heldOn, { hint: cc('fields.heldOnHint') })),
    el('div', { class: 'actions' }, create));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (!name.value.trim() || !/^[A-Za-z0-9]{2,12}$/.test(code.value.trim()) || !heldOn.value) { show(msg, 'error', cc('list.missing')); return; }
    create.disabled = true;
    try {
      const made = await call('POST', paths.list(), { body: { name: name.value.trim(), code: code.value.trim().toUpperCase(), held_on: dayToUtc(heldOn.value), theory_cap: 0.3, schools: [] } });
      location.hash = `#/competitions/${(made.competition || made).id}`;
    } catch (e) { show(msg, 'error', errorText(e), { 'data-test': 'competition-error' }); create.disabled = false; }
  });
  root.append(heading(cc('list.title')), el('p', { class: 'muted' }, cc('list.intro')), msg,
    comps.length ? table([
      { head: cc('fields.name'), cell: (c) => el('a', { href: `#/competitions/${c.id}`, 'data-test': 'competition-link' }, c.name) },
      { head: cc('fields.code'), cell: (c) => el('code', {}, c.code), cls: 'nowrap' },
      { head: cc('fields.heldOn'), cell: (c) => fmtDay(c.held_on), cls: 'nowrap' },
      { head: cc('list.links'), cell: (c) => el('div', { class: 'row-actions' },
        el('a', { class: 'button', href: `#/competitions/${c.id}/registrations` }, cc('tabs.registrations')),
        el('a', { class: 'button', href: `#/competitions/${c.id}/ranking` }, cc('tabs.ranking'))) },
    ], comps, { 'aria-label': cc('list.title'), 'data-test': 'competitions-table' }, (c) => ({ 'data-competition': c.id }))
      : el('p', { class: 'muted', 'data-test': 'competitions-none' }, cc('list.none')),
    form);
}

/** #/competition-stage: the holders (加密裁判, 监督) and judges type the stage number they were given. */
export async function pickStage({ root }) {
  const msg = el('div', { class: 'msg' });
  const n = el('input', { type: 'number', min: '1', step: '1', inputmode: 'numeric', required: true, 'data-test': 'stage-number' });
  const go = (page) => () => {
    const v = Number(n.value);
    if (!Number.isInteger(v) || v < 1) { show(msg, 'error', cc('pick.needStage')); n.focus(); return; }
    location.hash = `#/competitions/stages/${v}/${page}`;
  };
  root.append(heading(cc('pick.title')), el('p', { class: 'muted' }, cc('pick.intro')),
    el('div', { class: 'card' }, field(cc('pick.stage'), n, { hint: cc('pick.stageHint') }), msg,
      el('div', { class: 'actions' },
        el('button', { type: 'button', class: 'primary', 'data-test': 'pick-seal', onclick: go('seal') }, cc('seal.title')),
        el('button', { type: 'button', 'data-test': 'pick-checkin', onclick: go('checkin') }, cc('checkin.title')),
        el('button', { type: 'button', 'data-test': 'pick-decrypt', onclick: go('decrypt') }, cc('decrypt.title')),
        el('button', { type: 'button', 'data-test': 'pick-progress', onclick: go('progress') }, cc('progress.title')))));
}

/** A day (YYYY-MM-DD) as the UTC instant of that day's start in Beijing. */
export function dayToUtc(day) {
  return day ? new Date(Date.parse(`${day}T00:00:00+08:00`)).toISOString().replace('.000Z', 'Z') : null;
}
/** The Beijing day of an instant, for a date input. */
export function utcToDay(iso) {
  return iso ? new Date(Date.parse(iso) + 8 * 3600e3).toISOString().slice(0, 10) : '';
}
/** A day as the reader's words. */
export const fmtDay = (iso) => (iso ? new Date(iso).toLocaleDateString(lang() === 'zh' ? 'zh-CN' : 'en-GB', { dateStyle: 'medium', timeZone: 'Asia/Shanghai' }) : '—');
export { fmtDate };
