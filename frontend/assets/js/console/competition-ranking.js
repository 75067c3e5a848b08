// The ranking (排名) of one event × group, on locked and decrypted scores only: rank (shared
// ranks marked 并列), 参赛证号, name, organisation, each stage's score, the weighted total, and a
// note where the tie chain broke a tie ("同分，按实操成绩"). Team events show teams with their
// members. XLSX and PDF downloads.
import { el, call, errorText, field, select, table } from './core.js';
import { serverText } from '../i18n.js';
import { cc, word, paths, loadCompetition, subnav, compHeading, rowsOf, saveFile, fmtScore } from './competition.js';

/** What separated a row from its neighbour (C's `Split`: {by: 'practical'|'module'|…, index}) as
 * a note, when the total alone did not decide. */
function splitNote(sp) {
  if (!sp || sp.by === 'total' || sp.by === 'tied') return '';
  if (sp.by === 'module') return cc('rank.brokenByModule', { n: Number(sp.index) + 1 });
  return cc('rank.brokenBy', { key: word('tie', sp.by) });
}

/** A ranked row's note: the server's sentence, else ours from the splits; 并列 for a shared rank. */
export function tieNote(r) {
  const said = serverText(r.note_zh, r.note_en);
  if (said) return said;
  const own = splitNote(r.above) || splitNote(r.below);
  if (own) return own;
  return r.shared ? cc('rank.shared') : '';
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
  const stages = rowsOf(res.stages);
  const modules = rowsOf(res.modules);
  const team = res.kind === 'team' || ev.kind === 'team';
  const rows = rowsOf(res.rows);
  const chain = rowsOf(res.chain ?? ev.tie_chain).map((k) => word('tie', k)).join(' → ');
  const rankCell = (r) => (r.rank ? el('span', { class: 'rank' }, el('strong', { 'data-test': 'rank' }, String(r.rank)), r.shared ? el('span', { class: 'badge tie', 'data-test': 'rank-shared' }, cc('rank.sharedShort')) : '') : '—');
  const columns = [
    { head: cc('rank.rank'), cell: rankCell, cls: 'nowrap' },
    // The number under the name keeps the table inside a tablet's width.
    { head: team ? cc('rank.teamAndNumber') : cc('rank.nameAndNumber'), cell: (r) => el('span', {},
      el('strong', {}, r.name),
      team ? el('div', { class: 'muted' }, rowsOf(r.members).join('、')) : '',
      el('div', {}, el('code', { class: 'muted', 'data-test': 'number' }, r.number))) },
    { head: cc('reg.organisation'), cell: (r) => r.organisation },
    ...stages.map((s, i) => ({ head: cc('rank.stageHead', { name: s.name, w: s.weight }), cell: (r) => fmtScore(rowsOf(r.stages)[i]), cls: 'num' })),
    // The modules in one column (task order), so a tablet keeps the note in view.
    ...(modules.length > 1 ? [{ head: cc('rank.modules', { names: modules.map((m, i) => `${i + 1}`).join(' / ') }), cell: (r) => el('span', { title: modules.map((m, i) => `${cc('rank.moduleHead', { n: i + 1, name: m })}: ${fmtScore(rowsOf(r.modules)[i])}`).join('\n'), 'data-test': 'modules' }, rowsOf(r.modules).map((x) => fmtScore(x)).join(' / ')), cls: 'num nowrap' }] : []),
    { head: cc('rank.total'), cell: (r) => el('strong', { 'data-test': 'total' }, fmtScore(r.total)), cls: 'num' },
    { head: cc('rank.note'), cell: (r) => { const n = tieNote(r); return n ? el('span', { class: 'tie-note', 'data-test': 'tie-note' }, n) : ''; } },
  ];
  root.append(
    modules.length > 1 ? el('p', { class: 'muted', 'data-test': 'ranking-modules' }, cc('rank.moduleList', { list: modules.map((m, i) => cc('rank.moduleHead', { n: i + 1, name: m })).join('；') })) : '',
    el('p', { class: 'muted', 'data-test': 'ranking-chain' }, cc('rank.chain', { chain: chain ? `${cc('rank.totalFirst')} → ${chain}` : cc('rank.totalFirst') }), team ? ` · ${cc('rank.teamScore', { how: word('teamScore', ev.team_score) })}` : ''),
    rows.length ? table(columns, rows, { 'aria-label': cc('rank.tableOf', { event: ev.name }), 'data-test': 'ranking-table', class: 'ranking-table' },
      (r) => ({ 'data-rank': r.rank ?? '', 'data-number': r.number, 'data-name': r.name, 'data-shared': String(!!r.shared), class: r.shared ? 'tie-row' : '' }))
      : el('p', { class: 'muted', 'data-test': 'ranking-empty' }, cc('rank.empty')),
    el('div', { class: 'actions' },
      el('button', { type: 'button', 'data-test': 'ranking-xlsx', onclick: () => saveFile(paths.rankingFile(eid, 'xlsx'), `ranking-${ev.code}-${gid}.xlsx`, msg, { group: gid }) }, cc('rank.xlsx')),
      el('button', { type: 'button', 'data-test': 'ranking-pdf', onclick: () => saveFile(paths.rankingFile(eid, 'pdf'), `ranking-${ev.code}-${gid}.pdf`, msg, { group: gid }) }, cc('rank.pdf'))));
}
