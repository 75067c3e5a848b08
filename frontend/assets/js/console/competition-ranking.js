// The ranking (排名) of one event × group, on locked and decrypted scores only: rank (shared
// ranks marked 并列), 参赛证号, name, organisation, each stage's score, the weighted total, and a
// note where the tie chain broke a tie ("同分，按实操成绩"). Team events show teams with their
// members. XLSX and PDF downloads.
import { el, call, errorText, field, select, table, show } from './core.js';
import { cc, word, paths, loadCompetition, subnav, compHeading, rowsOf, saveFile, fmtScore, stagesOf } from './competition.js';

/** A ranked row's note: which key of the chain separated it from the rows it tied with. */
export function tieNote(r) {
  const key = r.broken_by ?? r.tie_broken_by ?? r.tiebreak ?? r.decided_by ?? null;
  if (key && typeof key === 'object') {
    // {key: 'modules', module: 2} → 同分，按模块成绩（模块 2）
    return key.module ? cc('rank.brokenByModule', { key: word('tie', key.key), n: key.module }) : cc('rank.brokenBy', { key: word('tie', key.key) });
  }
  if (key) return cc('rank.brokenBy', { key: word('tie', key) });
  if (r.shared ?? r.tied) return cc('rank.shared');
  return '';
}

/** The score of a stage on a row, whether the row carries a list or a map. */
function stageScore(r, stage, i) {
  const list = r.stages ?? r.stage_scores ?? r.scores;
  if (Array.isArray(list)) {
    const hit = list.find((x) => (x.stage_id ?? x.id) === stage.id) ?? list[i];
    return hit && typeof hit === 'object' ? hit.score : hit;
  }
  if (list && typeof list === 'object') return list[stage.id] ?? list[String(stage.id)];
  return stage.kind === 'theory' ? r.theory : r.practical;
}

/** #/competitions/{id}/ranking?event=&group= */
export async function render({ root, params, query, alive }) {
  const id = Number(params[0]);
  const view = await loadCompetition(id);
  if (!alive()) return;
  const eid = Number(query.get('event')) || view.events[0]?.id;
  const gid = Number(query.get('group')) || view.groups[0]?.id;
  const ev = view.events.find((e) => e.id === eid);
  const msg = el('div', { class: 'msg', 'data-test': 'ranking-message', 'aria-live': 'polite' });
  const eventSel = select(view.events.map((e) => [e.id, e.name]), eid, { 'data-test': 'ranking-event' });
  const groupSel = select(view.groups.map((g) => [g.id, g.name]), gid, { 'data-test': 'ranking-group' });
  const go = () => { location.hash = `#/competitions/${id}/ranking?event=${eventSel.value}&group=${groupSel.value}`; };
  eventSel.addEventListener('change', go);
  groupSel.addEventListener('change', go);
  root.append(compHeading(view, cc('tabs.ranking')), subnav(view, 'ranking'),
    el('div', { class: 'toolbar filters' }, field(cc('filters.event'), eventSel, { cls: 'inline' }), field(cc('filters.group'), groupSel, { cls: 'inline' })), msg);
  if (!ev || !gid) { root.append(el('p', { class: 'muted' }, cc('rank.nothing'))); return; }
  let res;
  try { res = await call('GET', paths.ranking(eid), { query: { group: gid } }); } catch (e) {
    if (!alive()) return;
    root.append(el('div', { class: `notice notice-${['scores_not_locked', 'not_decrypted', 'recheck_pending'].includes(e.code) ? 'info' : 'error'}`, 'data-test': 'ranking-refused', 'data-code': e.code || '' }, errorText(e)));
    return;
  }
  if (!alive()) return;
  const stages = stagesOf(view, eid);
  const team = ev.kind === 'team' || Array.isArray(res.teams);
  const rows = rowsOf(team ? (res.teams ?? res.rows) : res, 'rows', 'ranking', 'contestants');
  const chain = (res.tie_chain ?? ev.tie_chain ?? []).map((k) => word('tie', k)).join(' → ');
  const rankCell = (r) => el('span', { class: 'rank' }, el('strong', {}, String(r.rank)), (r.shared ?? r.tied) ? el('span', { class: 'badge tie', 'data-test': 'rank-shared' }, cc('rank.sharedShort')) : '');
  const columns = [
    { head: cc('rank.rank'), cell: rankCell, cls: 'nowrap' },
    ...(team
      ? [
        { head: cc('rank.team'), cell: (r) => el('span', {}, el('strong', {}, r.name || r.team_name || ''), el('div', { class: 'muted' }, rowsOf(r.members).map((m) => `${m.name}${m.number ? `（${m.number}）` : ''}`).join('、'))) },
        { head: cc('reg.organisation'), cell: (r) => r.organisation || rowsOf(r.members)[0]?.organisation || '' },
      ]
      : [
        { head: cc('reg.number'), cell: (r) => el('code', {}, r.number || ''), cls: 'nowrap' },
        { head: cc('reg.name'), cell: (r) => r.name || '' },
        { head: cc('reg.organisation'), cell: (r) => r.organisation || '' },
      ]),
    ...stages.map((s, i) => ({ head: cc('rank.stageHead', { name: s.name, w: s.weight }), cell: (r) => fmtScore(stageScore(r, s, i)), cls: 'num' })),
    { head: cc('rank.total'), cell: (r) => el('strong', {}, fmtScore(r.total)), cls: 'num' },
    { head: cc('rank.note'), cell: (r) => { const n = tieNote(r); return n ? el('span', { class: 'tie-note', 'data-test': 'tie-note' }, n) : ''; } },
  ];
  root.append(
    el('p', { class: 'muted', 'data-test': 'ranking-chain' }, cc('rank.chain', { chain: chain || '—' }), team ? ` · ${cc('rank.teamScore', { how: word('teamScore', ev.team_score) })}` : ''),
    rows.length ? table(columns, rows, { 'aria-label': cc('rank.tableOf', { event: ev.name }), 'data-test': 'ranking-table', class: 'ranking-table' },
      (r) => ({ 'data-rank': r.rank, 'data-number': r.number ?? '', 'data-name': r.name ?? '', class: (r.shared ?? r.tied) ? 'tie-row' : '' }))
      : el('p', { class: 'muted', 'data-test': 'ranking-empty' }, cc('rank.empty')),
    el('div', { class: 'actions' },
      el('button', { type: 'button', 'data-test': 'ranking-xlsx', onclick: () => saveFile(paths.rankingFile(eid, 'xlsx'), `ranking-${ev.code}-${gid}.xlsx`, msg, { group: gid }) }, cc('rank.xlsx')),
      el('button', { type: 'button', 'data-test': 'ranking-pdf', onclick: () => saveFile(paths.rankingFile(eid, 'pdf'), `ranking-${ev.code}-${gid}.pdf`, msg, { group: gid }) }, cc('rank.pdf'))));
}
