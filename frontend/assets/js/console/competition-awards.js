// Awards (奖项) of one event × group: the event's award policy as JSON (template, errors shown
// with the field, version history), the award list evaluated on the final publication (评定奖项),
// certificates issued from it (颁发证书) with a link to verify each, and the results documents
// (成绩公示表, 获奖名单, 技术能手 and 五一劳动奖章 lists) as PDF or XLSX.
import { el, call, errorText, field, select, table, show, fmtDate, tc } from './core.js';
import { loadCompetition, subnav, compHeading, rowsOf, saveFile } from './competition.js';

const ac = (key, vars) => tc(`awards.${key}`, vars);
const base = (eid) => `/api/competitions/events/${eid}`;

/** The console's template: 一/二/三等奖 10/20/30 %, 技术能手 for 职工组, the 五一 list, the certificate at 60. */
function template(groups) {
  const employees = groups.find((g) => g.name === '职工组')?.name || groups[0]?.name || '职工组';
  return JSON.stringify({ rounding: 'round', ties: 'higher', awards: [
    { kind: 'first_prize', percent: 10, certificate: 'PACS-AWARD' },
    { kind: 'second_prize', percent: 20, certificate: 'PACS-AWARD' },
    { kind: 'third_prize', percent: 30, certificate: 'PACS-AWARD' },
    { kind: 'technical_expert', groups: [employees], top_by_team_size: { 1: 5, 2: 3, 3: 2 } },
    { kind: 'may_day_medal', top: 1 },
    { kind: 'skill_certificate', threshold: 60, certificate: 'PACS-ZXNL' },
  ] }, null, 2);
}

/** #/competitions/{id}/awards?event=&group= */
export async function render({ root, params, query, alive }) {
  const id = Number(params[0]);
  const view = await loadCompetition(id);
  if (!alive()) return;
  const eid = Number(query.get('event')) || view.events[0]?.id;
  const gid = Number(query.get('group')) || view.groups[0]?.id;
  const msg = el('div', { class: 'msg', 'data-test': 'awards-message', 'aria-live': 'polite' });
  const eventSel = select(view.events.map((e) => [e.id, e.name]), eid, { 'data-test': 'awards-event' });
  const groupSel = select(view.groups.map((g) => [g.id, g.name]), gid, { 'data-test': 'awards-group' });
  const go = () => { location.hash = `#/competitions/${id}/awards?event=${eventSel.value}&group=${groupSel.value}`; };
  eventSel.addEventListener('change', go);
  groupSel.addEventListener('change', go);
  root.append(compHeading(view, ac('title')), subnav(view, 'awards'),
    el('div', { class: 'toolbar filters' }, field(tc('competition.filters.event'), eventSel, { cls: 'inline' }), field(ac('group'), groupSel, { cls: 'inline' })), msg);
  if (!eid || !gid) return;

  // The policy editor.
  const versions = rowsOf(await call('GET', `${base(eid)}/award-policies`));
  if (!alive()) return;
  const text = el('textarea', { rows: 16, class: 'mono', 'data-test': 'policy-text', spellcheck: 'false' });
  text.value = versions[0] ? JSON.stringify(versions[0].policy, null, 2) : template(view.groups);
  const save = async () => {
    try {
      const v = await call('PUT', `${base(eid)}/award-policy`, { raw: new Blob([text.value]) });
      show(msg, 'ok', v.version === versions[0]?.version ? ac('unchanged', { v: v.version }) : ac('saved', { v: v.version }), { 'data-test': 'policy-saved' });
      if (v.version !== versions[0]?.version) go();
    } catch (e) {
      const f = e.details && e.details.field ? ` ${ac('field')}: ${e.details.field}` : '';
      show(msg, 'error', `${errorText(e)}${f}`, { 'data-test': 'policy-error', 'data-code': e.code || '' });
    }
  };
  root.append(el('section', {},
    el('h2', {}, ac('policy')), el('p', { class: 'muted' }, ac('policyHint')), text,
    el('div', { class: 'actions' },
      el('button', { type: 'button', class: 'primary', 'data-test': 'policy-save', onclick: save }, ac('save')),
      el('button', { type: 'button', 'data-test': 'policy-template', onclick: () => { text.value = template(view.groups); } }, ac('template'))),
    versions.length ? el('details', {}, el('summary', {}, ac('versions')),
      table([
        { head: ac('version'), cell: (v) => String(v.version) },
        { head: ac('savedAt'), cell: (v) => fmtDate(v.created_at) },
        { head: '', cell: (v) => el('button', { type: 'button', onclick: () => { text.value = JSON.stringify(v.policy, null, 2); } }, '↩') },
      ], versions, { 'data-test': 'policy-versions' })) : ''));

  // The award list.
  const list = el('div', { 'data-test': 'award-list' });
  const draw = (awards) => {
    list.replaceChildren(awards.length ? table([
      { head: ac('kind'), cell: (a) => a.label_zh },
      { head: ac('rank'), cell: (a) => (a.rank ? String(a.rank) : '—'), cls: 'num' },
      { head: ac('number'), cell: (a) => el('code', {}, a.number) },
      { head: ac('name'), cell: (a) => a.name },
      { head: ac('organisation'), cell: (a) => a.organisation },
      { head: ac('version'), cell: (a) => String(a.policy_version), cls: 'num' },
      { head: ac('certificate'), cell: (a) => (a.certificate_number
        ? el('span', {}, ...a.certificate_number.split(',').map((n) => el('a', { href: `#/certificates?number=${encodeURIComponent(n)}`, 'data-test': 'award-certificate' }, n, ' ')))
        : (a.certificate_type ? '—' : '')) },
    ], awards, { 'data-test': 'awards-table' }, (a) => ({ 'data-kind': a.kind })) : el('p', { class: 'muted' }, ac('none')));
  };
  const q = { query: { group: gid } };
  draw(rowsOf(await call('GET', `${base(eid)}/awards`, q)));
  if (!alive()) return;
  const act = async (path, done) => {
    try { done(await call('POST', path, q)); } catch (e) {
      show(msg, 'error', errorText(e), { 'data-test': 'awards-error', 'data-code': e.code || '' });
    }
  };
  const evaluate = () => act(`${base(eid)}/awards`, (awards) => {
    draw(rowsOf(awards));
    show(msg, 'ok', ac('evaluated', { n: awards.length, v: awards[0]?.policy_version ?? '—' }), { 'data-test': 'awards-evaluated' });
  });
  const issue = () => act(`${base(eid)}/awards/certificates`, async (s) => {
    show(msg, 'ok', ac('issued', { n: s.issued, m: s.already_issued }), { 'data-test': 'awards-issued' });
    draw(rowsOf(await call('GET', `${base(eid)}/awards`, q)));
  });
  const file = (kind, list2, ext) => () => saveFile(`${base(eid)}/${kind}/list.${ext}`, `${kind}-${eid}-${gid}${list2 ? `-${list2}` : ''}.${ext}`, msg, { group: gid, list: list2 });
  // The event's last stage is its final, whose judges' sheets are printed.
  const finalStage = view.stages.filter((st) => st.event_id === eid).pop();
  const docs = [
    ['publication', 'results', ''], ['prizes', 'awards', 'prizes'], ['experts', 'awards', 'technical_expert'], ['mayDay', 'awards', 'may_day_medal'],
  ];
  root.append(el('section', {},
    el('h2', {}, ac('awards')),
    el('div', { class: 'actions' },
      el('button', { type: 'button', class: 'primary', 'data-test': 'awards-evaluate', onclick: evaluate }, ac('evaluate')),
      el('button', { type: 'button', 'data-test': 'awards-issue', onclick: issue }, ac('issue'))),
    list),
  el('section', {},
    el('h2', {}, ac('documents')),
    el('ul', { class: 'plain' }, ...docs.map(([key, kind, l]) => el('li', {}, ac(key), ' ',
      el('button', { type: 'button', 'data-test': `doc-${key}-pdf`, onclick: file(kind, l, 'pdf') }, 'PDF'), ' ',
      el('button', { type: 'button', 'data-test': `doc-${key}-xlsx`, onclick: file(kind, l, 'xlsx') }, 'XLSX'))),
    finalStage ? el('ul', { class: 'plain' }, el('li', {}, ac('sheets'), ' ',
      ...['pdf', 'xlsx'].map((ext) => el('button', { type: 'button', 'data-test': `doc-sheets-${ext}`,
        onclick: () => saveFile(`/api/competitions/stages/${finalStage.id}/judge-sheets.${ext}`, `judge-sheets-${finalStage.id}.${ext}`, msg) }, ext.toUpperCase())))) : '')));
}
