// Issue 15, part A in the console: results publication (成绩公示) per event × group with its
// versions and what changed, finalising (确认最终成绩) with the reason it is refused; leader codes
// (领队账号) shown once with a print slip, and extra appeals; arbitration (申诉仲裁): the appeals of
// a competition, one appeal with everything the arbitration group needs, review and decision.
import { el, tc, call, errorText, heading, field, select, table, show, hasText } from './core.js';
import { lang } from '../i18n.js';
import { cc, loadCompetition, subnav, compHeading, rowsOf, saveFile, fmtScore, rerender, flash, eventOf } from './competition.js';

/** An appeals text: ac('pub.title') looks up console.appeals.pub.title. */
export const ac = (key, vars) => tc(`appeals.${key}`, vars);
const aword = (group, v) => (hasText(`appeals.${group}.${v}`) ? ac(`${group}.${v}`) : String(v ?? '—'));

const C = '/api/competitions';
export const apaths = {
  results: (eid) => `${C}/events/${eid}/results`,
  provisional: (eid) => `${C}/events/${eid}/results/provisional`,
  final: (eid) => `${C}/events/${eid}/results/final`,
  leaders: (id) => `${C}/${id}/leaders`,
  issue: (id) => `${C}/${id}/leaders/code`,
  grants: (id) => `${C}/${id}/appeal-grants`,
  registrations: (id) => `${C}/${id}/registrations`,
  appeals: (id) => `${C}/${id}/appeals`,
  register: (id, ext) => `${C}/${id}/appeals.${ext}`,
  appeal: (aid) => `${C}/appeals/${aid}`,
  file: (aid, fid) => `${C}/appeals/${aid}/files/${fid}`,
  review: (aid) => `${C}/appeals/${aid}/review`,
  decision: (aid) => `${C}/appeals/${aid}/decision`,
};

/** An instant in Beijing time, as the rules count the appeal window there. */
export const bj = (iso) => (iso ? ac('beijing', { time: new Date(iso).toLocaleString(lang() === 'zh' ? 'zh-CN' : 'en-GB', { timeZone: 'Asia/Shanghai', dateStyle: 'medium', timeStyle: 'short' }) }) : '—');

const statusChip = (s) => el('span', { class: `badge appeal-${s}`, 'data-test': 'appeal-status', 'data-status': s }, aword('status', s));
const stateChip = (s) => el('span', { class: `badge pub-${s}`, 'data-test': 'pub-state', 'data-state': s }, aword('state', s));
const rank = (r) => (r === null || r === undefined ? '—' : String(r));

/** One version's list of changes: before → after rank and total, and why. */
function changesTable(p) {
  const ch = rowsOf(p.changes);
  if (!ch.length) return el('p', { class: 'muted', 'data-test': 'pub-no-changes' }, p.version === 1 ? ac('pub.firstVersion') : ac('pub.noChanges'));
  return table([
    { head: ac('pub.number'), cell: (c) => el('code', {}, c.number), cls: 'nowrap' },
    { head: ac('pub.name'), cell: (c) => c.name },
    { head: ac('pub.rank'), cell: (c) => el('span', { 'data-test': 'change-rank' }, `${rank(c.before_rank)} → ${rank(c.after_rank)}`), cls: 'nowrap' },
    { head: ac('pub.total'), cell: (c) => el('span', { 'data-test': 'change-total' }, `${fmtScore(c.before_total)} → ${fmtScore(c.after_total)}`), cls: 'num nowrap' },
    { head: ac('pub.why'), cell: (c) => el('span', { 'data-test': 'change-why' }, c.why || '—') },
  ], ch, { 'aria-label': ac('pub.changes'), 'data-test': 'pub-changes' }, (c) => ({ 'data-number': c.number }));
}

/** #/competitions/{id}/publication?event=&group= */
export async function publication({ root, params, query, alive }) {
  const id = Number(params[0]);
  const view = await loadCompetition(id);
  if (!alive()) return;
  const eid = Number(query.get('event')) || view.events[0]?.id;
  const gid = Number(query.get('group')) || view.groups[0]?.id;
  const msg = el('div', { class: 'msg', 'data-test': 'pub-message', 'aria-live': 'polite' });
  const eventSel = select(view.events.map((e) => [e.id, e.name]), eid, { 'data-test': 'pub-event' });
  const groupSel = select(view.groups.map((g) => [g.id, g.name]), gid, { 'data-test': 'pub-group' });
  const go = () => { location.hash = `#/competitions/${id}/publication?event=${eventSel.value}&group=${groupSel.value}`; };
  eventSel.addEventListener('change', go);
  groupSel.addEventListener('change', go);
  root.append(compHeading(view, ac('pub.title')), subnav(view, 'publication'), el('p', { class: 'muted' }, ac('pub.intro')),
    el('div', { class: 'toolbar filters' }, field(cc('filters.event'), eventSel, { cls: 'inline' }), field(cc('filters.group'), groupSel, { cls: 'inline' })), msg);
  const said = flash.take();
  if (said) show(msg, 'ok', said, { 'data-test': 'pub-done' });
  if (!eid || !gid) { root.append(el('p', { class: 'muted' }, ac('pub.none'))); return; }
  let versions;
  try { versions = rowsOf(await call('GET', apaths.results(eid), { query: { group: gid } })); } catch (e) {
    if (alive()) root.append(el('div', { class: 'notice notice-error', 'data-test': 'pub-error', 'data-code': e.code || '' }, errorText(e)));
    return;
  }
  if (!alive()) return;
  const latest = versions[0];
  const isFinal = latest && latest.state === 'final';

  // Publish (again): the window and the reason.
  const minutes = el('input', { type: 'number', min: '0', max: '10080', step: '1', value: '120', inputmode: 'numeric', 'data-test': 'pub-window' });
  const reason = el('input', { maxlength: '500', 'data-test': 'pub-reason' });
  const publish = el('button', { type: 'submit', class: 'primary', 'data-test': 'pub-publish', disabled: isFinal }, latest ? ac('pub.republish') : ac('pub.publish'));
  const pubForm = el('form', { class: 'card', novalidate: true, 'data-test': 'pub-form' }, el('h2', {}, ac('pub.publishTitle')),
    el('div', { class: 'grid' }, field(ac('pub.window'), minutes, { hint: ac('pub.windowHint') }), field(ac('pub.reason'), reason, { hint: ac('pub.reasonHint') })),
    el('div', { class: 'actions' }, publish));
  pubForm.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    publish.disabled = true;
    try {
      const p = await call('POST', apaths.provisional(eid), { query: { group: gid }, body: { appeal_window_minutes: Number(minutes.value || 0), reason: reason.value.trim() } });
      flash.set(ac('pub.published', { v: p.version }));
      rerender();
    } catch (e) { show(msg, 'error', errorText(e), { 'data-test': 'pub-refused', 'data-code': e.code || '' }); publish.disabled = false; }
  });

  // Finalise: the server decides; a refusal says why (window open until…, appeals pending, …).
  const finalReason = el('input', { maxlength: '500', 'data-test': 'final-reason' });
  const finalise = el('button', { type: 'submit', class: 'primary', 'data-test': 'pub-final', disabled: isFinal }, ac('pub.finalise'));
  const finalMsg = el('div', { class: 'msg', 'aria-live': 'polite', 'data-test': 'final-message' });
  const open = latest && latest.state === 'provisional' && latest.appeal_closes_at && Date.parse(latest.appeal_closes_at) > Date.now();
  if (open) show(finalMsg, 'info', ac('pub.blockedWindow', { time: bj(latest.appeal_closes_at) }), { 'data-test': 'final-blocked' });
  const finalForm = el('form', { class: 'card', novalidate: true, 'data-test': 'final-form' }, el('h2', {}, ac('pub.finalTitle')),
    field(ac('pub.finalReason'), finalReason), finalMsg, el('div', { class: 'actions' }, finalise));
  finalForm.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    finalise.disabled = true;
    try {
      const p = await call('POST', apaths.final(eid), { query: { group: gid }, body: { reason: finalReason.value.trim() } });
      flash.set(ac('pub.finalised', { v: p.version }));
      rerender();
    } catch (e) {
      const text = e.code === 'appeal_window_open' && latest?.appeal_closes_at ? `${errorText(e)} ${ac('pub.blockedWindow', { time: bj(latest.appeal_closes_at) })}` : errorText(e);
      show(finalMsg, 'error', text, { 'data-test': 'final-refused', 'data-code': e.code || '' });
      finalise.disabled = false;
    }
  });

  const history = versions.length ? el('div', { 'data-test': 'pub-history' }, ...versions.map((p) => el('section', { class: 'card', 'data-test': 'pub-version', 'data-version': p.version, 'data-state': p.state },
    el('h3', {}, ac('pub.version', { v: p.version }), ' ', stateChip(p.state)),
    el('dl', { class: 'facts' },
      el('dt', {}, ac('pub.publishedAt')), el('dd', { 'data-test': 'pub-at' }, bj(p.published_at)),
      el('dt', {}, ac('pub.closes')), el('dd', { 'data-test': 'pub-closes' }, p.state === 'provisional' ? (p.appeal_closes_at ? bj(p.appeal_closes_at) : ac('pub.noWindow')) : '—'),
      el('dt', {}, ac('pub.reasonCol')), el('dd', { 'data-test': 'pub-version-reason' }, p.reason || '—')),
    el('h4', {}, ac('pub.changes')), changesTable(p),
    el('details', {}, el('summary', {}, ac('pub.rows', { n: rowsOf(p.ranking?.rows).length })),
      table([
        { head: ac('pub.rank'), cell: (r) => rank(r.rank), cls: 'nowrap' },
        { head: ac('pub.number'), cell: (r) => el('code', {}, r.number) },
        { head: ac('pub.name'), cell: (r) => r.name },
        { head: ac('pub.total'), cell: (r) => fmtScore(r.total), cls: 'num' },
      ], rowsOf(p.ranking?.rows), { 'aria-label': ac('pub.rows', { n: rowsOf(p.ranking?.rows).length }) }, (r) => ({ 'data-number': r.number }))))))
    : el('p', { class: 'muted', 'data-test': 'pub-none' }, ac('pub.none'));
  root.append(el('div', { class: 'grid' }, pubForm, finalForm), el('h2', {}, ac('pub.history')), history);
}

/** #/competitions/{id}/leaders */
export async function leaders({ root, params, alive }) {
  const id = Number(params[0]);
  const [view, list, regs] = await Promise.all([loadCompetition(id), call('GET', apaths.leaders(id)), call('GET', apaths.registrations(id), { query: { per_page: 500 } }).catch(() => [])]);
  if (!alive()) return;
  const msg = el('div', { class: 'msg', 'data-test': 'leaders-message', 'aria-live': 'polite' });
  const slot = el('div', { 'data-test': 'code-slot' });
  const issue = async (leader, btn) => {
    btn.disabled = true;
    try {
      const r = await call('POST', apaths.issue(id), { body: { leader } });
      slot.replaceChildren(slip(view, r));
      slot.scrollIntoView?.({ block: 'nearest' });
    } catch (e) { show(msg, 'error', errorText(e), { 'data-test': 'leaders-error' }); }
    btn.disabled = false;
  };
  const rows = rowsOf(list);
  root.append(compHeading(view, ac('leaders.title')), subnav(view, 'leaders'), el('p', { class: 'muted' }, ac('leaders.intro')), msg, slot,
    rows.length ? table([
      { head: ac('leaders.leader'), cell: (l) => el('strong', {}, l.leader) },
      { head: ac('leaders.contestants'), cell: (l) => String(l.contestants), cls: 'num' },
      { head: ac('leaders.issuedAt'), cell: (l) => (l.issued_at ? bj(l.issued_at) : el('span', { class: 'muted' }, ac('leaders.notIssued'))) },
      { head: '', cell: (l) => { const b = el('button', { type: 'button', 'data-test': 'leader-issue', onclick: () => issue(l.leader, b) }, l.issued_at ? ac('leaders.reissue') : ac('leaders.issue')); return b; } },
    ], rows, { 'aria-label': ac('leaders.title'), 'data-test': 'leaders-table' }, (l) => ({ 'data-leader': l.leader }))
      : el('p', { class: 'muted', 'data-test': 'leaders-none' }, ac('leaders.none')),
    grantForm(view, rowsOf(regs, 'registrations')));
}

/** The code once, on a slip the leader can be handed (printing hides the rest of the console). */
function slip(view, r) {
  return el('div', { class: 'card code-slip', 'data-test': 'leader-code-slip' },
    el('h2', {}, ac('leaders.codeTitle')),
    el('div', { class: 'print-slip' },
      el('h3', {}, ac('leaders.slipTitle')),
      el('dl', { class: 'facts' },
        el('dt', {}, ac('leaders.slipCompetition')), el('dd', {}, view.name),
        el('dt', {}, ac('leaders.slipLeader')), el('dd', { 'data-test': 'slip-leader' }, r.leader),
        el('dt', {}, ac('leaders.slipCode')), el('dd', {}, el('code', { class: 'big-code', 'data-test': 'leader-code' }, r.code)),
        el('dt', {}, ac('leaders.slipWhere')), el('dd', {}, `${location.origin}/appeal`)),
      el('p', { class: 'muted' }, ac('leaders.slipNote'))),
    el('div', { class: 'actions' }, el('button', { type: 'button', 'data-test': 'slip-print', onclick: () => window.print() }, ac('leaders.print'))));
}

/** Allow a contestant one more appeal on a stage, with a reason. */
function grantForm(view, regs) {
  const accepted = regs.filter((r) => !r.status || r.status === 'accepted');
  const who = select([['', '—'], ...accepted.map((r) => [r.id, `${r.number || ''} ${r.name || ''}`.trim()])], '', { 'data-test': 'grant-contestant' });
  const stage = select([['', '—'], ...view.stages.map((s) => { const ev = eventOf(view, s); return [s.id, `${ev ? `${ev.name} · ` : ''}${s.name}`]; })], '', { 'data-test': 'grant-stage' });
  const reason = el('input', { maxlength: '500', 'data-test': 'grant-reason' });
  const msg = el('div', { class: 'msg', 'aria-live': 'polite' });
  const go = el('button', { type: 'submit', class: 'primary', 'data-test': 'grant-submit' }, ac('leaders.grant'));
  const form = el('form', { class: 'card', novalidate: true, 'data-test': 'grant-form' }, el('h2', {}, ac('leaders.grantTitle')), el('p', { class: 'muted' }, ac('leaders.grantIntro')),
    el('div', { class: 'grid' }, field(ac('leaders.contestant'), who), field(ac('leaders.stage'), stage), field(ac('leaders.grantReason'), reason)), msg, el('div', { class: 'actions' }, go));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (!who.value || !stage.value || !reason.value.trim()) { show(msg, 'error', ac('leaders.pickContestant')); return; }
    go.disabled = true;
    try {
      await call('POST', apaths.grants(view.id), { body: { contestant_id: Number(who.value), stage_id: Number(stage.value), reason: reason.value.trim() } });
      show(msg, 'ok', ac('leaders.granted', { name: who.selectedOptions[0].textContent, stage: stage.selectedOptions[0].textContent }), { 'data-test': 'grant-done' });
      reason.value = '';
    } catch (e) { show(msg, 'error', errorText(e), { 'data-test': 'grant-error' }); }
    go.disabled = false;
  });
  return form;
}

const STATUSES = ['filed', 'under_review', 'upheld', 'rejected'];

/** #/arbitration and #/arbitration/{cid}?status= */
export async function arbitration({ root, params, query, alive }) {
  const comps = rowsOf(await call('GET', C), 'competitions');
  if (!alive()) return;
  const cid = Number(params[0]) || comps[0]?.id;
  const status = query.get('status') || '';
  const compSel = select(comps.map((c) => [c.id, c.name]), cid, { 'data-test': 'arb-competition' });
  const statusSel = select([['', ac('arb.all')], ...STATUSES.map((s) => [s, aword('status', s)])], status, { 'data-test': 'arb-status' });
  const go = () => { location.hash = `#/arbitration/${compSel.value}${statusSel.value ? `?status=${statusSel.value}` : ''}`; };
  compSel.addEventListener('change', go);
  statusSel.addEventListener('change', go);
  const msg = el('div', { class: 'msg', 'aria-live': 'polite' });
  root.append(heading(ac('arb.title')), el('p', { class: 'muted' }, ac('arb.intro')));
  if (!cid) { root.append(el('p', { class: 'muted' }, ac('arb.noCompetitions'))); return; }
  root.append(el('div', { class: 'toolbar filters' }, field(ac('arb.competition'), compSel, { cls: 'inline' }), field(ac('arb.filter'), statusSel, { cls: 'inline' })), msg);
  const all = rowsOf(await call('GET', apaths.appeals(cid)));
  if (!alive()) return;
  const rows = all.filter((a) => !status || a.status === status);
  root.append(
    rows.length ? table([
      { head: ac('arb.no'), cell: (a) => el('strong', {}, String(a.id)), cls: 'num' },
      { head: ac('arb.filedAt'), cell: (a) => bj(a.filed_at) },
      { head: ac('arb.contestant'), cell: (a) => el('span', {}, a.contestant_name, el('div', {}, el('code', { class: 'muted' }, a.contestant_number))) },
      { head: ac('arb.stage'), cell: (a) => [a.stage_name, a.task].filter(Boolean).join(' · ') },
      { head: ac('arb.status'), cell: (a) => statusChip(a.status) },
      { head: '', cell: (a) => el('a', { class: 'button', href: `#/arbitration/appeals/${a.id}`, 'data-test': 'arb-open' }, ac('arb.open')) },
    ], rows, { 'aria-label': ac('arb.title'), 'data-test': 'arb-table' }, (a) => ({ 'data-appeal': a.id, 'data-status': a.status }))
      : el('p', { class: 'muted', 'data-test': 'arb-none' }, ac('arb.none')),
    el('div', { class: 'actions' },
      el('button', { type: 'button', 'data-test': 'arb-register-pdf', onclick: () => saveFile(apaths.register(cid, 'pdf'), `appeals-${cid}.pdf`, msg) }, ac('arb.registerPdf')),
      el('button', { type: 'button', 'data-test': 'arb-register-xlsx', onclick: () => saveFile(apaths.register(cid, 'xlsx'), `appeals-${cid}.xlsx`, msg) }, ac('arb.registerXlsx'))));
}

/** #/arbitration/appeals/{aid}: what the arbitration group needs to decide one appeal. */
export async function appealDetail({ root, params, alive }) {
  const aid = Number(params[0]);
  const v = await call('GET', apaths.appeal(aid));
  if (!alive()) return;
  const a = v.appeal;
  const decided = a.status === 'upheld' || a.status === 'rejected';
  const msg = el('div', { class: 'msg', 'data-test': 'arb-message', 'aria-live': 'polite' });
  const said = flash.take();
  if (said) show(msg, 'ok', said, { 'data-test': 'arb-done' });
  const files = rowsOf(a.attachments);
  const pub = v.published;
  const row = pub && pub.row;
  const facts = el('dl', { class: 'facts', 'data-test': 'arb-facts' },
    el('dt', {}, ac('arb.status')), el('dd', {}, statusChip(a.status)),
    el('dt', {}, ac('arb.contestant')), el('dd', { 'data-test': 'arb-contestant' }, `${a.contestant_name}（${a.contestant_number}）`),
    el('dt', {}, ac('arb.stage')), el('dd', {}, a.stage_name),
    el('dt', {}, ac('arb.task')), el('dd', {}, a.task || '—'),
    el('dt', {}, ac('arb.filedAt')), el('dd', {}, bj(a.filed_at)),
    el('dt', {}, ac('arb.filedBy')), el('dd', {}, a.filed_by_kind === 'leader' ? ac('arb.byLeader', { name: a.filed_by_name }) : ac('arb.byContestant')),
    el('dt', {}, ac('arb.grounds')), el('dd', { 'data-test': 'arb-grounds', class: 'pre' }, a.grounds),
    el('dt', {}, ac('arb.attachments')), el('dd', {}, files.length ? el('ul', {}, ...files.map((f) => el('li', {},
      el('a', { href: '#', 'data-test': 'arb-file', onclick: (ev) => { ev.preventDefault(); saveFile(apaths.file(aid, f.id), f.name, msg); } }, f.name), ` (${f.mime}, ${Math.ceil(f.size / 1024)} KB)`))) : ac('arb.noAttachments')),
    ...(decided ? [el('dt', {}, ac('arb.decision')), el('dd', { 'data-test': 'arb-decision' }, `${aword('status', a.status)}：${a.decision_reason || ''}`), el('dt', {}, ac('arb.decidedAt')), el('dd', {}, bj(a.decided_at))] : []));

  const published = el('section', { class: 'card', 'data-test': 'arb-published' }, el('h2', {}, ac('arb.published')),
    pub ? [el('p', {}, ac('pub.version', { v: pub.version }), ' ', stateChip(pub.state), ' · ', bj(pub.published_at), pub.appeal_closes_at ? ` · ${ac('pub.closes')} ${bj(pub.appeal_closes_at)}` : ''),
      row ? table([
        { head: ac('pub.rank'), cell: (r) => rank(r.rank) },
        ...rowsOf(pub.stages).map((s, i) => ({ head: s, cell: (r) => fmtScore(rowsOf(r.stages)[i]), cls: 'num' })),
        { head: ac('pub.total'), cell: (r) => fmtScore(r.total), cls: 'num' },
      ], [row], { 'aria-label': ac('arb.published'), 'data-test': 'arb-row' }) : ''] : el('p', { class: 'muted' }, ac('arb.notPublished')),
    v.code ? el('p', {}, `${ac('arb.workCode')}：`, el('code', { 'data-test': 'arb-code' }, v.code)) : '');

  const sheets = el('section', { class: 'card', 'data-test': 'arb-sheets' }, el('h2', {}, ac('arb.sheets')),
    rowsOf(v.tasks).length ? rowsOf(v.tasks).map((t) => el('div', { class: 'task-sheets' },
      el('h3', {}, t.title),
      el('p', { class: 'muted' }, t.locked_at ? ac('arb.signedOff', { time: bj(t.locked_at) }) : ac('arb.notLocked')),
      t.candidate ? table([
        { head: ac('arb.judge'), cell: (s) => s.judge_name },
        ...rowsOf(t.aspects).map((asp, i) => ({ head: `${i + 1}. ${asp}`, cell: (s) => fmtScore(rowsOf(s.marks)[i] ?? rowsOf(s.entries)[i]), cls: 'num' })),
      ], rowsOf(t.candidate.sheets), { 'aria-label': t.title, class: 'marks-table' }) : el('p', { class: 'muted' }, ac('arb.noSheets'))))
      : el('p', { class: 'muted' }, ac('arb.noSheets')));

  const corr = rowsOf(v.corrections);
  const corrections = el('section', { class: 'card', 'data-test': 'arb-corrections' }, el('h2', {}, ac('arb.corrections')),
    corr.length ? table([
      { head: '#', cell: (c) => String(c.id), cls: 'num' },
      { head: ac('arb.judge'), cell: (c) => `${c.task_title} · ${c.judge_name}` },
      { head: ac('arb.corrAspect'), cell: (c) => c.aspect_text || String(c.aspect + 1) },
      { head: ac('arb.corrChange'), cell: (c) => `${fmtScore(c.old_entry)} → ${fmtScore(c.entry)}`, cls: 'nowrap' },
      { head: ac('arb.corrReason'), cell: (c) => c.reason },
      { head: ac('arb.corrStatus'), cell: (c) => c.status },
    ], corr, { 'aria-label': ac('arb.corrections') }, (c) => ({ 'data-correction': c.id, 'data-status': c.status })) : el('p', { class: 'muted' }, ac('arb.noCorrections')));

  const trailRows = rowsOf(v.trail);
  const trail = el('section', { class: 'card', 'data-test': 'arb-trail' }, el('h2', {}, ac('arb.trail')),
    trailRows.length ? table([
      { head: ac('arb.trailAt'), cell: (x) => bj(x.at), cls: 'nowrap' },
      { head: ac('arb.trailActor'), cell: (x) => x.actor },
      { head: ac('arb.trailAction'), cell: (x) => el('code', {}, x.action) },
      { head: ac('arb.trailDetail'), cell: (x) => el('span', { class: 'muted' }, `${x.target_type} ${x.target_id} ${x.detail || ''}`) },
    ], trailRows, { 'aria-label': ac('arb.trail') }) : el('p', { class: 'muted' }, ac('arb.noTrail')));

  const actions = el('div');
  if (!decided) {
    const reviewBtn = el('button', { type: 'button', 'data-test': 'arb-review', disabled: a.status !== 'filed', onclick: async () => {
      reviewBtn.disabled = true;
      try { await call('POST', apaths.review(aid)); flash.set(ac('arb.reviewed')); rerender(); } catch (e) { show(msg, 'error', errorText(e), { 'data-test': 'arb-error' }); reviewBtn.disabled = false; }
    } }, ac('arb.review'));
    const outcome = select([['upheld', ac('arb.upheld')], ['rejected', ac('arb.rejected')]], 'rejected', { 'data-test': 'arb-outcome' });
    const approved = corr.filter((c) => c.status === 'approved');
    const correction = select([['', ac('arb.noCorrection')], ...approved.map((c) => [c.id, `#${c.id} ${c.task_title} · ${c.aspect_text || c.aspect + 1}: ${fmtScore(c.old_entry)} → ${fmtScore(c.entry)}`])], '', { 'data-test': 'arb-correction' });
    const corrField = field(ac('arb.correction'), correction, { hint: ac('arb.correctionHint') });
    const syncOutcome = () => { corrField.hidden = outcome.value !== 'upheld'; };
    outcome.addEventListener('change', syncOutcome);
    syncOutcome();
    const reason = el('textarea', { rows: '3', maxlength: '2000', 'data-test': 'arb-reason' });
    const decide = el('button', { type: 'submit', class: 'primary', 'data-test': 'arb-decide' }, ac('arb.decide'));
    const form = el('form', { class: 'card', novalidate: true, 'data-test': 'arb-decide-form' }, el('h2', {}, ac('arb.decideTitle')),
      el('div', { class: 'grid' }, field(ac('arb.outcome'), outcome), corrField), field(ac('arb.reason'), reason, { hint: ac('arb.reasonHint') }),
      el('div', { class: 'actions' }, decide));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      if (!reason.value.trim()) { show(msg, 'error', ac('arb.needReason'), { 'data-test': 'arb-error' }); reason.focus(); return; }
      decide.disabled = true;
      try {
        await call('POST', apaths.decision(aid), { body: { outcome: outcome.value, reason: reason.value.trim(), correction_id: outcome.value === 'upheld' && correction.value ? Number(correction.value) : null } });
        flash.set(ac('arb.decided'));
        rerender();
      } catch (e) { show(msg, 'error', errorText(e), { 'data-test': 'arb-error', 'data-code': e.code || '' }); decide.disabled = false; }
    });
    actions.append(el('div', { class: 'actions' }, reviewBtn), form);
  }
  root.append(heading(ac('arb.detailTitle', { id: a.id }), { 'data-test': 'arb-heading' }),
    el('p', {}, el('a', { href: `#/arbitration/${a.competition_id}`, 'data-test': 'arb-back' }, ac('arb.back'))),
    msg, el('section', { class: 'card' }, facts), actions, published, sheets, corrections, trail);
}
