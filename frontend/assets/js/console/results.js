// A session's results: totals, the ranked table, a histogram of final scores in 10-point bins
// (inline SVG built with DOM calls), CSV/XLSX export and releasing results to candidates.
import { el, tc, call, errorText, heading, table, show, fmtNum, fmtPct, fmtDate, download, session, checkbox } from './core.js';
import { addressBanner } from './certificates.js';

const SVG = 'http://www.w3.org/2000/svg';
function svg(tag, attrs = {}, ...children) {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined && v !== null) e.setAttribute(k, String(v));
  for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return e;
}

/** Counts of final scores in bins of 10 points, the last bin closed so a full score lands in it. */
export function bins(scores, max) {
  const n = Math.max(1, Math.ceil(max / 10));
  const counts = new Array(n).fill(0);
  for (const s of scores) counts[Math.min(n - 1, Math.max(0, Math.floor(s / 10)))] += 1;
  return counts.map((count, i) => ({ from: i * 10, to: Math.min(max, (i + 1) * 10), count, last: i === n - 1 }));
}

function histogram(rows, passLine) {
  const finals = rows.filter((r) => r.status === 'final' && r.score !== null);
  const max = Math.max(10, ...rows.map((r) => r.max || 0));
  const data = bins(finals.map((r) => r.score), max);
  // The band above the plot holds the pass-line label, clear of the bar counts.
  const W = 640; const H = 280; const left = 36; const bottom = 40; const top = 44; const right = 8;
  const plotW = W - left - right; const plotH = H - top - bottom;
  const peak = Math.max(1, ...data.map((d) => d.count));
  const bw = plotW / data.length;
  const ticks = [...new Set([0, Math.ceil(peak / 2), peak])];
  const titleId = `hist-title-${Math.random().toString(36).slice(2)}`;
  const label = (d) => `${d.from}–${fmtNum(d.to)}`;
  const chart = svg('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-labelledby': titleId, class: 'histogram-svg', preserveAspectRatio: 'xMidYMid meet' },
    svg('title', { id: titleId }, tc('results.histogramAlt', { list: data.map((d) => `${label(d)}: ${d.count}`).join('; ') })),
    ...ticks.map((t) => {
      const y = top + plotH - (t / peak) * plotH;
      return svg('g', { class: 'tick' },
        svg('line', { x1: left, x2: W - right, y1: y, y2: y, class: 'grid-line' }),
        svg('text', { x: left - 6, y: y + 5, 'text-anchor': 'end', class: 'axis-text' }, String(t)));
    }),
    ...data.map((d, i) => {
      const h = (d.count / peak) * plotH;
      const x = left + i * bw + 3;
      const y = top + plotH - h;
      const pass = passLine !== null && d.from >= passLine;
      return svg('g', { class: 'bin', 'data-test': 'histogram-bin', 'data-from': d.from, 'data-count': d.count },
        svg('rect', { x, y, width: Math.max(1, bw - 6), height: Math.max(0, h), class: pass ? 'bar bar-pass' : 'bar' }),
        d.count ? svg('text', { x: x + (bw - 6) / 2, y: y - 5, 'text-anchor': 'middle', class: 'count-text' }, String(d.count)) : '',
        svg('text', { x: x + (bw - 6) / 2, y: top + plotH + 18, 'text-anchor': 'middle', class: 'axis-text' }, label(d)));
    }),
    svg('line', { x1: left, x2: W - right, y1: top + plotH, y2: top + plotH, class: 'axis-line' }),
    svg('text', { x: left + plotW / 2, y: H - 4, 'text-anchor': 'middle', class: 'axis-title' }, tc('results.scoreAxis')));
  if (passLine !== null && passLine <= max) {
    const x = left + (passLine / (data.length * 10)) * plotW;
    const rightHalf = x > left + plotW / 2;
    chart.append(svg('line', { x1: x, x2: x, y1: 6, y2: top + plotH, class: 'pass-line' }),
      svg('text', { x: rightHalf ? x - 6 : x + 6, y: 18, 'text-anchor': rightHalf ? 'end' : 'start', class: 'pass-text' }, tc('results.passLineMark', { n: fmtNum(passLine) })));
  }
  return el('figure', { class: 'histogram card', 'data-test': 'results-histogram', 'data-finals': finals.length },
    chart,
    el('figcaption', {}, tc('results.histogramCaption', { n: finals.length })));
}

/** #/sessions/{id}/results */
export async function render({ root, params, alive }) {
  const id = Number(params[0]);
  const s = await call('GET', `/api/sessions/${id}`);
  let passLine = null;
  // Only authors may read exams; without the pass line the histogram just leaves out its marker.
  if (session.has('author')) {
    try { passLine = (await call('GET', `/api/exams/${s.exam_id}`)).definition.pass_line; } catch (_) { /* no marker */ }
  }
  let certBanner = null;
  let certsUsable = false;
  if (session.has('author')) {
    try {
      const b = await addressBanner();
      certBanner = b.node;
      certsUsable = b.settings.usable;
    } catch (_) { /* the issue button stays off */ }
  }
  if (!alive()) return;
  const body = el('div');
  const msg = el('div', { class: 'msg', 'data-test': 'results-message' });
  root.append(heading(tc('results.title', { name: `${s.name} ${s.number}`.trim() })), msg, body);

  async function load() {
    const r = await call('GET', `/api/sessions/${id}/results`);
    // The results carry the pass line, so proctors (who cannot read exams) get the marker too.
    if (r.pass_line !== null && r.pass_line !== undefined) passLine = r.pass_line;
    body.replaceChildren(...view(r));
  }

  function view(r) {
    const stat = (key, value, test) => el('div', { class: 'stat' }, el('span', { class: 'stat-label' }, tc(`results.${key}`)), el('strong', { 'data-test': test }, value));
    const summary = el('div', { class: 'stats card', 'data-test': 'results-summary' },
      stat('candidates', String(r.candidates), 'results-candidates'),
      stat('sat', String(r.sat), 'results-sat'),
      stat('final', String(r.final_results), 'results-final'),
      stat('passed', String(r.passed), 'results-passed'),
      stat('passRate', fmtPct(r.pass_rate), 'pass-rate'),
      stat('mean', r.mean === null || r.mean === undefined ? '—' : fmtNum(r.mean), 'mean-score'),
      stat('released', r.released ? tc('results.yes') : tc('results.no'), 'results-released'));
    const pending = r.rows.filter((x) => x.status === 'submitted').length;
    // Full ID numbers for the authorities: admins only, each export audited by the server.
    const fullIds = session.has('admin') && (session.user.roles || []).includes('admin') ? checkbox(tc('edit.exportFullIds'), false, { 'data-test': 'results-full-ids', title: tc('edit.exportFullIdsHint') }) : null;
    const exportBtn = (format) => el('button', { type: 'button', 'data-test': `results-export-${format}`, onclick: async (ev) => {
      const b = ev.currentTarget;
      b.disabled = true;
      try {
        const full = fullIds && fullIds.input.checked ? 'true' : '';
        const blob = await call('GET', `/api/sessions/${id}/results`, { query: { format, full_ids: full }, accept: 'blob', timeoutMs: 60000 });
        download(blob, `results-session-${id}.${format}`);
      } catch (e) { show(msg, 'error', errorText(e)); } finally { b.disabled = false; }
    } }, tc(`results.export.${format}`));
    const release = el('button', { type: 'button', class: 'primary', 'data-test': 'results-release', disabled: r.released }, r.released ? tc('results.alreadyReleased') : tc('results.release'));
    const confirmSlot = el('div', { class: 'confirm-slot' });
    release.addEventListener('click', () => {
      // A second, explicit step: releasing cannot be undone.
      const yes = el('button', { type: 'button', class: 'primary danger', 'data-test': 'results-release-confirm', onclick: async () => {
        yes.disabled = true;
        try {
          const after = await call('POST', `/api/sessions/${id}/release`);
          body.replaceChildren(...view(after));
          show(msg, 'ok', tc('results.releasedNow'), { 'data-test': 'results-released-notice' });
        } catch (e) { show(msg, 'error', errorText(e)); yes.disabled = false; }
      } }, tc('results.releaseConfirm'));
      const no = el('button', { type: 'button', onclick: () => { confirmSlot.replaceChildren(); release.focus(); } }, tc('results.cancel'));
      confirmSlot.replaceChildren(el('div', { class: 'notice notice-warn', role: 'alertdialog', 'aria-label': tc('results.releaseConfirm') },
        tc(pending ? 'results.releaseQuestionPending' : 'results.releaseQuestion', { n: pending }), ' ', yes, ' ', no));
      yes.focus();
    });
    // Certificates follow from final, passed, released results however the release happened
    // (by staff here, or at submit by the exam's rule).
    const issueCerts = el('button', { type: 'button', 'data-test': 'results-issue-certificates', disabled: !r.released || !certsUsable, onclick: async () => {
      issueCerts.disabled = true;
      try {
        const rep = await call('POST', `/api/sessions/${id}/certificates`, { timeoutMs: 120000 });
        if (rep.certificate_type_id === null || rep.certificate_type_id === undefined) show(msg, 'warn', tc('certs.noType'), { 'data-test': 'results-issue-report' });
        else show(msg, 'ok', tc('certs.issued', { issued: rep.issued, already: rep.already_issued, notPassed: rep.not_passed }), { 'data-test': 'results-issue-report' });
      } catch (e) { show(msg, 'error', errorText(e)); } finally { issueCerts.disabled = !r.released || !certsUsable; }
    } }, tc('certs.issue'));
    const certTools = session.has('author') ? el('div', { class: 'actions', 'data-test': 'results-cert-tools' }, issueCerts,
      el('a', { class: 'button', href: `#/certificates?session=${id}`, 'data-test': 'results-certificates-link' }, tc('certs.open')),
      r.released ? '' : el('span', { class: 'muted' }, tc('certs.releaseFirst'))) : '';
    // A session with a practical part: the theory score, the practical score, its pass and
    // each task's score (out of 100); a result is final only with both parts.
    const passCell = (p) => (p === null || p === undefined ? '—' : el('span', { class: p ? 'ok' : 'error' }, p ? tc('results.pass') : tc('results.fail')));
    const practicalCols = r.has_practical ? [
      { head: tc('results.practicalScore'), cell: (x) => (x.practical_score === null || x.practical_score === undefined ? '—' : fmtNum(x.practical_score)), cls: 'num' },
      { head: tc('results.practicalPassedCol'), cell: (x) => passCell(x.practical_passed) },
      ...r.practical_tasks.map((t, i) => ({ head: tc('results.practicalTask', { title: t.title }), cell: (x) => (x.practical_tasks[i] === null || x.practical_tasks[i] === undefined ? '—' : fmtNum(x.practical_tasks[i])), cls: 'num' })),
    ] : [];
    const practicalPending = r.rows.filter((x) => x.status === 'practical_pending').length;
    const sectionCols = r.section_titles.map((title, i) => ({ head: title, cell: (x) => (x.sections.length ? fmtNum(x.sections[i]) : '—'), cls: 'num' }));
    const tableView = table([
      { head: tc('results.rank'), cell: (x) => (x.rank ?? '—'), cls: 'num' },
      { head: tc('results.ticket'), cell: (x) => el('code', {}, x.ticket) },
      { head: tc('results.name'), cell: (x) => x.name },
      { head: tc('results.room'), cell: (x) => x.room },
      { head: tc('results.seat'), cell: (x) => String(x.seat), cls: 'num' },
      { head: tc('results.status'), cell: (x) => el('span', { class: `badge rs-${x.status}` }, tc(`results.statuses.${x.status}`)) },
      { head: tc(r.has_practical ? 'results.theoryScore' : 'results.score'), cell: (x) => (x.score === null ? '—' : `${fmtNum(x.score)}${x.max ? ` / ${fmtNum(x.max)}` : ''}`), cls: 'num' },
      { head: tc('results.passedCol'), cell: (x) => passCell(x.passed) },
      ...sectionCols,
      ...practicalCols,
    ], r.rows, { 'aria-label': tc('results.tableLabel'), 'data-test': 'results-table', class: 'results-table' },
    (x) => ({ 'data-ticket': x.ticket, 'data-status': x.status }));
    return [
      summary,
      pending ? el('p', { class: 'warn', 'data-test': 'results-pending' }, tc('results.pendingMarks', { n: pending }), ' ', el('a', { href: `#/sessions/${id}/marking` }, tc('results.goMark'))) : '',
      practicalPending ? el('p', { class: 'warn', 'data-test': 'results-practical-pending' }, tc('results.practicalPending', { n: practicalPending })) : '',
      el('div', { class: 'actions' }, exportBtn('csv'), exportBtn('xlsx'), fullIds ? fullIds.wrap : '', session.has('author') ? release : '', el('button', { type: 'button', 'data-test': 'results-refresh', onclick: () => load().catch((e) => show(msg, 'error', errorText(e))) }, tc('results.refresh'))),
      confirmSlot,
      certBanner || '',
      certTools,
      el('h2', {}, tc('results.distribution')),
      histogram(r.rows, passLine),
      el('h2', {}, tc('results.table')),
      tableView,
      el('p', { class: 'muted' }, tc('results.updatedAt', { at: fmtDate(new Date().toISOString()) })),
    ];
  }
  await load();
}
