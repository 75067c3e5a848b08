// Item analytics (题目分析): per session, exam and bank. The item table sorts by any statistic
// (click a heading), shows the flags and sends a question back to review; the plots are inline
// SVG drawn here: facility × discrimination with the flag zones shaded, each option's choice
// rate in the lower → middle → upper groups, and the score histogram with α and SEM. Exports
// come from the server (XLSX, PDF).
import { el, tc, call, errorText, heading, table, show, fmtNum, fmtPct, fmtDate, download, session, select, checkbox, field, kindText, statusText, banks as bankList } from './core.js';

const SVG = 'http://www.w3.org/2000/svg';
function svg(tag, attrs = {}, ...children) {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined && v !== null) e.setAttribute(k, String(v));
  for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return e;
}

const f3 = (x) => (x === null || x === undefined ? '—' : Number(x).toFixed(3));
const uid = () => Math.random().toString(36).slice(2);
const OPTION_COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b', '#e377c2', '#17becf'];
const letter = (i) => String.fromCharCode(65 + i);

/** The sortable columns: key, text key, value of a row (null sorts last), cell text. */
const COLUMNS = [
  ['bank', 'bank', (r) => r.bank, (r) => r.bank],
  ['ident', 'ident', (r) => r.ident, (r) => r.ident],
  ['kind', 'kind', (r) => r.kind, (r) => kindText(r.kind)],
  ['status', 'status', (r) => r.status, (r) => statusText(r.status)],
  ['n', 'n', (r) => r.stats.n, (r) => String(r.stats.n)],
  ['facility', 'facility', (r) => r.stats.facility, (r) => f3(r.stats.facility)],
  ['sd', 'sd', (r) => r.stats.sd, (r) => f3(r.stats.sd)],
  ['r', 'r', (r) => r.stats.item_rest_r, (r) => f3(r.stats.item_rest_r)],
  ['d', 'd', (r) => r.stats.upper_lower_d, (r) => f3(r.stats.upper_lower_d)],
  ['de', 'de', (r) => r.stats.discriminative_efficiency, (r) => f3(r.stats.discriminative_efficiency)],
  ['omit', 'omit', (r) => r.stats.omission_rate, (r) => fmtPct(r.stats.omission_rate)],
  ['b', 'b', (r) => (r.calibration ? r.calibration.b : null), (r) => (r.calibration ? `${f3(r.calibration.b)} ± ${f3(r.calibration.se)}` : '—')],
  ['sessions', 'sessions', (r) => r.sessions, (r) => String(r.sessions)],
  ['flags', 'flags', (r) => r.flags.length, null],
];

/** Rows sorted by a column; missing values last whichever the direction. */
export function sortRows(rows, key, dir) {
  const col = COLUMNS.find((c) => c[0] === key);
  if (!col) return rows.slice();
  const value = col[2];
  const sign = dir === 'desc' ? -1 : 1;
  return rows.slice().sort((a, b) => {
    const x = value(a); const y = value(b);
    const xm = x === null || x === undefined; const ym = y === null || y === undefined;
    if (xm || ym) return xm === ym ? 0 : xm ? 1 : -1;
    if (typeof x === 'string') return sign * x.localeCompare(y, 'zh-CN');
    return sign * (x - y);
  });
}

// Short badges (the figures behind each flag in its tooltip), so a row stays one line high.
const isEnglish = () => (document.documentElement.lang || 'zh').startsWith('en');
const flagBadges = (r) => el('span', { class: 'flags' }, ...r.flags.map((f) => el('span', { class: f.code === 'few_responses' ? 'badge' : 'badge flag', 'data-test': 'analytics-flag', 'data-code': f.code, title: `${isEnglish() ? f.en : f.zh} (${f.detail})` }, tc(`analytics.flag.${f.code}`))));
/** Flags that would send the question to review (not a mere lack of responses). */
const reviewFlags = (r) => r.flags.filter((f) => f.code !== 'few_responses');

/** Difficulty × discrimination, with the flag zones shaded from the report's thresholds. */
function scatter(rep) {
  const t = rep.settings.thresholds;
  const W = 520; const H = 360; const left = 48; const right = 12; const top = 16; const bottom = 44;
  const pw = W - left - right; const ph = H - top - bottom;
  const yMin = -0.5; const yMax = 1;
  const x = (p) => left + p * pw;
  const y = (r) => top + (yMax - Math.max(yMin, Math.min(yMax, r))) / (yMax - yMin) * ph;
  const titleId = `scatter-${uid()}`;
  const points = rep.items.map((r) => ({ r, d: r.stats.item_rest_r ?? r.stats.upper_lower_d }));
  const flagged = rep.items.filter((r) => reviewFlags(r).length).length;
  const zone = (x1, y1, x2, y2, fill, label, test) => svg('g', { 'data-test': test },
    svg('rect', { x: Math.min(x1, x2), y: Math.min(y1, y2), width: Math.abs(x2 - x1), height: Math.abs(y2 - y1), fill, 'fill-opacity': 0.18 }),
    label ? svg('text', { x: Math.min(x1, x2) + 4, y: Math.min(y1, y2) + 12, class: 'axis-text', 'font-size': 11, fill: '#555' }, label) : '');
  const ticksX = [0, 0.2, 0.4, 0.6, 0.8, 1];
  const ticksY = [-0.5, 0, 0.2, 0.5, 1];
  return el('figure', { class: 'card analytics-plot', 'data-test': 'analytics-scatter' },
    svg('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-labelledby': titleId, class: 'histogram-svg' },
      svg('title', { id: titleId }, tc('analytics.scatterAlt', { n: rep.items.length, flagged })),
      zone(x(0), y(yMax), x(t.min_facility), y(yMin), '#d62728', tc('analytics.zoneHard'), 'zone-hard'),
      zone(x(t.max_facility), y(yMax), x(1), y(yMin), '#ff7f0e', tc('analytics.zoneEasy'), 'zone-easy'),
      zone(x(0), y(t.min_item_rest_r), x(1), y(yMin), '#9467bd', '', 'zone-low'),
      svg('text', { x: x(0.5), y: y(t.min_item_rest_r) + 14, 'text-anchor': 'middle', 'font-size': 11, fill: '#555' }, tc('analytics.zoneLow')),
      ...ticksX.map((v) => svg('g', {},
        svg('line', { x1: x(v), x2: x(v), y1: top, y2: top + ph, stroke: '#ddd' }),
        svg('text', { x: x(v), y: top + ph + 16, 'text-anchor': 'middle', 'font-size': 11 }, String(v)))),
      ...ticksY.map((v) => svg('g', {},
        svg('line', { x1: left, x2: left + pw, y1: y(v), y2: y(v), stroke: v === 0 ? '#888' : '#ddd' }),
        svg('text', { x: left - 6, y: y(v) + 4, 'text-anchor': 'end', 'font-size': 11 }, String(v)))),
      ...points.filter((p) => p.d !== null && p.d !== undefined).map((p) => svg('circle', {
        cx: x(p.r.stats.facility), cy: y(p.d), r: 5, 'data-test': 'scatter-point', 'data-ident': p.r.ident,
        fill: reviewFlags(p.r).length ? '#d62728' : '#1f77b4', 'fill-opacity': 0.8, stroke: '#fff',
      }, svg('title', {}, `${p.r.ident}: p = ${f3(p.r.stats.facility)}, r = ${f3(p.d)}`))),
      svg('text', { x: left + pw / 2, y: H - 6, 'text-anchor': 'middle', 'font-size': 12 }, tc('analytics.scatterX')),
      svg('text', { x: 12, y: top + ph / 2, 'text-anchor': 'middle', 'font-size': 12, transform: `rotate(-90 12 ${top + ph / 2})` }, tc('analytics.scatterY'))),
    el('figcaption', {}, tc('analytics.scatterTitle')));
}

/** One item's options: choice rate in the lower, middle and upper groups, one line each. */
export function distractors(row) {
  const W = 420; const H = 260; const left = 44; const right = 110; const top = 14; const bottom = 36;
  const pw = W - left - right; const ph = H - top - bottom;
  const groups = ['lower', 'middle', 'upper'];
  const x = (i) => left + (i / 2) * pw;
  const y = (v) => top + (1 - v) * ph;
  const titleId = `distractor-${uid()}`;
  const options = row.stats.options || [];
  return el('figure', { class: 'card analytics-plot', 'data-test': 'analytics-distractor', 'data-ident': row.ident },
    svg('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-labelledby': titleId, class: 'histogram-svg' },
      svg('title', { id: titleId }, tc('analytics.distractorAlt', { ident: row.ident })),
      ...[0, 0.25, 0.5, 0.75, 1].map((v) => svg('g', {},
        svg('line', { x1: left, x2: left + pw, y1: y(v), y2: y(v), stroke: '#ddd' }),
        svg('text', { x: left - 6, y: y(v) + 4, 'text-anchor': 'end', 'font-size': 11 }, `${v * 100}%`))),
      ...groups.map((g, i) => svg('text', { x: x(i), y: top + ph + 18, 'text-anchor': 'middle', 'font-size': 12 }, tc(`analytics.${g}`))),
      ...options.map((o, k) => {
        const colour = OPTION_COLOURS[k % OPTION_COLOURS.length];
        const pts = groups.map((g, i) => `${x(i)},${y(o[g])}`).join(' ');
        return svg('g', { 'data-test': 'distractor-line', 'data-option': o.index, 'data-key': o.key },
          svg('polyline', { points: pts, fill: 'none', stroke: colour, 'stroke-width': o.key ? 3.5 : 2, 'stroke-dasharray': o.key ? null : '5 3' }),
          ...groups.map((g, i) => svg('circle', { cx: x(i), cy: y(o[g]), r: 3.5, fill: colour },
            svg('title', {}, `${letter(o.index)} ${tc(`analytics.${g}`)}: ${fmtPct(o[g])}`))),
          svg('text', { x: left + pw + 10, y: y(o.upper) + 4, 'font-size': 12, fill: colour }, `${letter(o.index)}${o.key ? tc('analytics.key') : ''} ${fmtPct(o.overall)}`));
      })),
    el('figcaption', {}, tc('analytics.distractorTitle', { ident: row.ident })));
}

/** The score distribution (% of the maximum) with α and SEM. */
function histogram(test) {
  const data = test.histogram || [];
  const W = 520; const H = 240; const left = 36; const right = 8; const top = 16; const bottom = 36;
  const pw = W - left - right; const ph = H - top - bottom;
  const peak = Math.max(1, ...data.map((d) => d.count));
  const bw = pw / Math.max(1, data.length);
  const titleId = `hist-${uid()}`;
  return el('figure', { class: 'card analytics-plot', 'data-test': 'analytics-histogram' },
    svg('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-labelledby': titleId, class: 'histogram-svg' },
      svg('title', { id: titleId }, tc('analytics.histogramAlt', { list: data.map((d) => `${fmtNum(d.from)}–${fmtNum(d.to)}: ${d.count}`).join('; ') })),
      ...data.map((d, i) => {
        const h = (d.count / peak) * ph;
        const x = left + i * bw + 2;
        return svg('g', { 'data-test': 'histogram-bin', 'data-count': d.count },
          svg('rect', { x, y: top + ph - h, width: Math.max(1, bw - 4), height: h, fill: '#4a7bc8' }),
          d.count ? svg('text', { x: x + (bw - 4) / 2, y: top + ph - h - 3, 'text-anchor': 'middle', 'font-size': 10 }, String(d.count)) : '',
          i % 2 === 0 ? svg('text', { x, y: top + ph + 14, 'font-size': 10 }, fmtNum(d.from)) : '');
      }),
      svg('line', { x1: left, x2: left + pw, y1: top + ph, y2: top + ph, stroke: '#333' })),
    el('figcaption', {}, `${tc('analytics.histogramTitle')} — ${tc('analytics.histogramCaption', { alpha: f3(test.alpha), sem: test.sem === null || test.sem === undefined ? '—' : `${fmtNum(test.sem)}%` })}`));
}

function testSummary(test, rep) {
  const stat = (key, value, test_) => el('div', { class: 'stat' }, el('span', { class: 'stat-label' }, tc(`analytics.${key}`)), ' ', el('strong', { 'data-test': test_ }, value));
  return el('div', { class: 'stats card', 'data-test': 'analytics-summary' },
    stat('persons', String(test.persons), 'analytics-persons'),
    stat('mean', `${fmtNum(test.mean)}%`, 'analytics-mean'),
    stat('sd', `${fmtNum(test.sd)}%`, 'analytics-sd'),
    stat('range', `${fmtNum(test.min)}–${fmtNum(test.max)}%`, 'analytics-range'),
    stat('alpha', f3(test.alpha), 'analytics-alpha'),
    stat('sem', test.sem === null || test.sem === undefined ? '—' : `${fmtNum(test.sem)}%`, 'analytics-sem'),
    stat('items', String(rep.items.length), 'analytics-items'),
    stat('flagged', String(rep.items.filter((r) => reviewFlags(r).length).length), 'analytics-flagged'));
}

/** The sortable item table; `onOptions(row)` shows a row's option curves. */
function itemTable(rep, msg, onOptions) {
  let key = 'ident'; let dir = 'asc';
  const wrap = el('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': tc('analytics.title') });
  const note = el('p', { class: 'muted', 'data-test': 'analytics-sorted', 'aria-live': 'polite' }, tc('analytics.sortHint'));
  const review = (r) => el('button', { type: 'button', 'data-test': 'analytics-review', onclick: async (ev) => {
    const b = ev.currentTarget;
    b.disabled = true;
    try {
      const reason = reviewFlags(r).map((f) => `${f.zh}（${f.detail}）`).join('；');
      const out = await call('POST', `/api/analytics/questions/${r.stats.question_id}/review`, { body: { reason } });
      show(msg, out.flagged ? 'ok' : 'warn', tc(out.flagged ? 'analytics.reviewed' : 'analytics.notActive', { ident: r.ident }));
    } catch (e) { show(msg, 'error', errorText(e)); } finally { b.disabled = false; }
  } }, tc('analytics.review'));
  function draw() {
    const rows = sortRows(rep.items, key, dir);
    const head = COLUMNS.map(([k, text]) => {
      const sorted = k === key;
      return el('th', { scope: 'col', 'aria-sort': sorted ? (dir === 'asc' ? 'ascending' : 'descending') : 'none' },
        el('button', { type: 'button', class: 'link sort', 'data-test': `analytics-sort-${k}`, onclick: () => {
          if (key === k) dir = dir === 'asc' ? 'desc' : 'asc'; else { key = k; dir = ['bank', 'ident', 'kind', 'status'].includes(k) ? 'asc' : 'desc'; }
          draw();
          note.textContent = tc('analytics.sortedBy', { col: tc(`analytics.col.${k}`), dir: tc(`analytics.${dir}`) });
          wrap.querySelector(`[data-test="analytics-sort-${k}"]`).focus();
        } }, tc(`analytics.col.${text}`), sorted ? (dir === 'asc' ? ' ▲' : ' ▼') : ''));
    });
    head.push(el('th', { scope: 'col' }, tc('analytics.col.actions')));
    wrap.replaceChildren(el('table', { 'data-test': 'analytics-table', class: 'analytics-table' },
      el('thead', {}, el('tr', {}, ...head)),
      el('tbody', {}, ...rows.map((r) => el('tr', { 'data-test': 'analytics-row', 'data-ident': r.ident, class: r.flags.length ? 'flagged' : null },
        ...COLUMNS.map(([k, , , text]) => el('td', { class: ['bank', 'ident', 'kind', 'status', 'flags'].includes(k) ? null : 'num', 'data-col': k },
          k === 'flags' ? flagBadges(r) : text(r))),
        el('td', { class: 'analytics-actions' }, el('div', { class: 'actions' },
          (r.stats.options || []).length ? el('button', { type: 'button', 'data-test': 'analytics-options', onclick: () => onOptions(r) }, tc('analytics.options')) : '',
          reviewFlags(r).length && r.status === 'active' ? review(r) : '')))))));
  }
  draw();
  return el('div', {}, note, wrap);
}

function exportButtons(base, name, msg) {
  return ['xlsx', 'pdf'].map((format) => el('button', { type: 'button', 'data-test': `analytics-export-${format}`, onclick: async (ev) => {
    const b = ev.currentTarget;
    b.disabled = true;
    try {
      const blob = await call('GET', base, { query: { format }, accept: 'blob', timeoutMs: 120000 });
      download(blob, `${name}.${format}`);
    } catch (e) { show(msg, 'error', errorText(e)); } finally { b.disabled = false; }
  } }, tc(format === 'xlsx' ? 'analytics.exportXlsx' : 'analytics.exportPdf')));
}

/** DIF between two groups of a session (by employer or competition group). */
function difPanel(sessionId) {
  const by = select([['employer', tc('analytics.dif.employer')], ['group', tc('analytics.dif.group')]], 'employer', { 'data-test': 'dif-by' });
  const out = el('div', { 'data-test': 'dif-result' });
  const run = el('button', { type: 'button', 'data-test': 'dif-run', onclick: async () => {
    run.disabled = true;
    try {
      const r = await call('GET', `/api/sessions/${sessionId}/analytics/dif`, { query: { by: by.value } });
      if (!r.reference) { out.replaceChildren(el('p', { class: 'muted' }, tc('analytics.dif.noGroups'))); return; }
      out.replaceChildren(
        el('p', {}, `${tc('analytics.dif.reference')}: ${r.reference} · ${tc('analytics.dif.focal')}: ${r.focal}`),
        table([
          { head: tc('analytics.col.ident'), cell: (x) => x.ident },
          { head: tc('analytics.dif.nRef'), cell: (x) => String(x.result.n_reference), cls: 'num' },
          { head: tc('analytics.dif.nFocal'), cell: (x) => String(x.result.n_focal), cls: 'num' },
          { head: tc('analytics.dif.alphaMh'), cell: (x) => f3(x.result.alpha_mh), cls: 'num' },
          { head: tc('analytics.dif.deltaMh'), cell: (x) => f3(x.result.delta_mh), cls: 'num' },
          { head: tc('analytics.dif.class'), cell: (x) => el('strong', {}, x.result.class) },
        ], r.items, { 'aria-label': tc('analytics.dif.title') }));
    } catch (e) { out.replaceChildren(el('div', { class: 'notice notice-error', role: 'alert' }, errorText(e))); } finally { run.disabled = false; }
  } }, tc('analytics.dif.run'));
  return el('section', { class: 'card', 'data-test': 'dif-panel' }, el('h2', {}, tc('analytics.dif.title')),
    el('div', { class: 'actions' }, field(tc('analytics.dif.by'), by), run), out);
}

async function report({ root, alive }, kind, id, title) {
  const base = kind === 'session' ? `/api/sessions/${id}/analytics` : kind === 'exam' ? `/api/exams/${id}/analytics` : `/api/banks/${encodeURIComponent(id)}/analytics`;
  let rep = await call('GET', base, { timeoutMs: 120000 });
  if (!alive()) return;
  const msg = el('div', { class: 'msg', 'data-test': 'analytics-message', 'aria-live': 'polite' });
  const body = el('div');
  function draw() {
    const curves = el('div', { 'data-test': 'analytics-curves' }, el('p', { class: 'muted' }, tc('analytics.distractorHint')));
    const showCurves = (row) => { curves.replaceChildren(distractors(row)); curves.scrollIntoView({ block: 'nearest' }); };
    const notes = [];
    if (rep.pending) notes.push(el('div', { class: 'notice notice-warn', 'data-test': 'analytics-pending' }, tc('analytics.pending', { n: rep.pending })));
    if (rep.terminated) notes.push(el('div', { class: 'notice notice-info' }, tc('analytics.terminated', { n: rep.terminated })));
    const recompute = kind === 'session' ? el('button', { type: 'button', 'data-test': 'analytics-recompute', onclick: async (ev) => {
      const b = ev.currentTarget;
      b.disabled = true;
      try {
        rep = await call('POST', `${base}/recompute`, { timeoutMs: 120000 });
        draw();
        show(msg, 'ok', tc('analytics.recomputed'));
      } catch (e) { show(msg, 'error', errorText(e)); b.disabled = false; }
    } }, tc('analytics.recompute')) : '';
    const sessions = rep.sessions.length ? el('section', { class: 'card', 'data-test': 'analytics-sessions' }, el('h2', {}, tc('analytics.sessionsTitle')),
      table([
        { head: tc('analytics.session'), cell: (s) => el('a', { href: `#/sessions/${s.session_id}/analytics` }, s.title) },
        { head: tc('analytics.persons'), cell: (s) => String(s.test.persons), cls: 'num' },
        { head: tc('analytics.mean'), cell: (s) => `${fmtNum(s.test.mean)}%`, cls: 'num' },
        { head: tc('analytics.sd'), cell: (s) => `${fmtNum(s.test.sd)}%`, cls: 'num' },
        { head: tc('analytics.alpha'), cell: (s) => f3(s.test.alpha), cls: 'num' },
        { head: tc('analytics.sem'), cell: (s) => (s.test.sem === null || s.test.sem === undefined ? '—' : `${fmtNum(s.test.sem)}%`), cls: 'num' },
      ], rep.sessions, { 'aria-label': tc('analytics.sessionsTitle') })) : '';
    body.replaceChildren(
      el('p', { class: 'muted' }, el('span', { class: 'badge', 'data-test': 'analytics-source', 'data-source': rep.source }, tc(`analytics.source.${rep.source}`)), ' ', tc('analytics.computedAt', { at: fmtDate(rep.computed_at) })),
      ...notes,
      el('div', { class: 'actions' }, ...exportButtons(base, `analytics-${kind}-${id}`, msg), recompute),
      msg,
      rep.items.length ? '' : el('p', { class: 'muted', 'data-test': 'analytics-empty' }, tc('analytics.noData')),
      rep.test ? testSummary(rep.test, rep) : '',
      el('div', { class: 'analytics-plots' }, rep.items.length ? scatter(rep) : '', rep.test ? histogram(rep.test) : ''),
      sessions,
      rep.items.length ? itemTable(rep, msg, showCurves) : '',
      rep.items.length ? curves : '',
      kind === 'session' ? difPanel(id) : '');
  }
  draw();
  root.append(heading(title(rep)), body);
}

/** #/sessions/{id}/analytics */
export async function sessionView(ctx) {
  const id = Number(ctx.params[0]);
  await report(ctx, 'session', id, (rep) => tc('analytics.sessionTitle', { name: rep.title }));
}

/** #/exams/{id}/analytics */
export async function examView(ctx) {
  const id = Number(ctx.params[0]);
  await report(ctx, 'exam', id, (rep) => tc('analytics.examTitle', { name: rep.title }));
}

/** #/banks/{code}/analytics */
export async function bankView(ctx) {
  const code = decodeURIComponent(ctx.params[0]);
  await report(ctx, 'bank', code, (rep) => tc('analytics.bankTitle', { name: rep.title }));
}

function settingsForm(s) {
  const admin = session.has('admin') && (session.user.roles || []).includes('admin');
  const num = (v, step, test) => el('input', { type: 'number', step, value: v, 'data-test': test, disabled: !admin });
  const minF = num(s.thresholds.min_facility, '0.01', 'setting-min-facility');
  const maxF = num(s.thresholds.max_facility, '0.01', 'setting-max-facility');
  const minR = num(s.thresholds.min_item_rest_r, '0.01', 'setting-min-r');
  const minN = num(s.thresholds.min_responses, '1', 'setting-min-responses');
  const minC = num(s.min_responses_calibration, '1', 'setting-min-calibration');
  const auto = checkbox(tc('analytics.settings.autoFlag'), s.auto_flag, { 'data-test': 'setting-auto-flag', disabled: !admin });
  const msg = el('div', { class: 'msg', 'aria-live': 'polite', 'data-test': 'settings-message' });
  const save = el('button', { type: 'submit', class: 'primary', 'data-test': 'settings-save', disabled: !admin }, tc('analytics.settings.save'));
  const form = el('form', { class: 'card', 'data-test': 'analytics-settings', novalidate: true },
    el('h2', {}, tc('analytics.settings.title')),
    field(tc('analytics.settings.minFacility'), minF),
    field(tc('analytics.settings.maxFacility'), maxF),
    field(tc('analytics.settings.minR'), minR),
    field(tc('analytics.settings.minResponses'), minN),
    field(tc('analytics.settings.minCalibration'), minC),
    auto.wrap,
    admin ? '' : el('p', { class: 'muted' }, tc('analytics.settings.adminOnly')),
    msg,
    el('div', { class: 'actions' }, save));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    save.disabled = true;
    const body = { ...s, thresholds: { ...s.thresholds, min_facility: Number(minF.value), max_facility: Number(maxF.value), min_item_rest_r: Number(minR.value), min_responses: Number(minN.value) },
      min_responses_calibration: Number(minC.value), auto_flag: auto.input.checked };
    try {
      Object.assign(s, await call('PUT', '/api/analytics/settings', { body }));
      show(msg, 'ok', tc('analytics.settings.saved'));
    } catch (e) { show(msg, 'error', errorText(e)); } finally { save.disabled = false; }
  });
  return form;
}

/** #/analytics: pick a session, exam or bank; the settings. */
export async function pick({ root, alive }) {
  const [sessions, exams, bankRows, settings] = await Promise.all([
    call('GET', '/api/sessions'), call('GET', '/api/exams'), bankList(), call('GET', '/api/analytics/settings')]);
  if (!alive()) return;
  const list = (items, test) => (items.length ? el('ul', { 'data-test': test }, ...items) : el('p', { class: 'muted' }, tc('analytics.none')));
  root.append(
    heading(tc('analytics.pickTitle')),
    el('p', { class: 'muted' }, tc('analytics.pickIntro')),
    el('div', { class: 'analytics-pick' },
      el('section', { class: 'card' }, el('h2', {}, tc('analytics.sessions')),
        list(sessions.map((s) => el('li', {}, el('a', { href: `#/sessions/${s.id}/analytics`, 'data-test': 'analytics-session-link', 'data-id': s.id }, `${s.name} ${s.number} ${s.venue || ''}`.trim()))), 'analytics-sessions-list')),
      el('section', { class: 'card' }, el('h2', {}, tc('analytics.exams')),
        list(exams.map((e) => el('li', {}, el('a', { href: `#/exams/${e.id}/analytics`, 'data-test': 'analytics-exam-link' }, e.definition.name))), 'analytics-exams-list')),
      el('section', { class: 'card' }, el('h2', {}, tc('analytics.banks')),
        list(bankRows.map((b) => el('li', {}, el('a', { href: `#/banks/${encodeURIComponent(b.code)}/analytics`, 'data-test': 'analytics-bank-link' }, `${b.code} ${b.name}`))), 'analytics-banks-list'))),
    settingsForm(settings));
}
