// A competition's setup (竞赛设置): its own fields (name, code, first day, theory cap, the
// registered schools), events (赛项: individual or team, size, team score, the tie chain as an
// ordered list of keys), groups (组别 with their eligibility rules) and each event's stages
// (kind, weight with a live check that weights sum to 1 and theory stays under the cap, the cut
// rule, 加密裁判 and 监督, recheck settings). The server checks everything again.
import { el, tc, call, errorText, field, select, show, checkbox, table, session } from './core.js';
import {
  cc, word, paths, loadCompetition, subnav, compHeading, staffList, personName, rerender, flash,
  TIE_KEYS, CUT_KINDS, dayToUtc, utcToDay, stagesOf,
} from './competition.js';

const num = (v, d = 0) => (v === '' || v === null || v === undefined || Number.isNaN(Number(v)) ? d : Number(v));
const round6 = (x) => Math.round(x * 1e6) / 1e6;

/** The check of one event's stage weights: Σ = 1 and the theory stages' share ≤ cap. */
export function weightCheck(stages, cap) {
  const sum = round6(stages.reduce((s, x) => s + num(x.weight), 0));
  const theory = round6(stages.filter((x) => x.kind === 'theory').reduce((s, x) => s + num(x.weight), 0));
  return { sum, theory, sumOk: Math.abs(sum - 1) < 1e-6, capOk: theory <= cap + 1e-9 };
}

/** The tie-chain editor: the chosen keys in order (up, down, remove) and a picker for the others. */
function tieChainEditor(chain, prefix) {
  const keys = [...chain];
  const wrap = el('div', { class: 'tie-chain', 'data-test': `${prefix}-tie-chain` });
  function paint() {
    const unused = TIE_KEYS.filter((k) => !keys.includes(k));
    const add = select([['', cc('tie.add')], ...unused.map((k) => [k, word('tie', k)])], '', { 'data-test': `${prefix}-tie-add`, 'aria-label': cc('tie.add') });
    add.addEventListener('change', () => { if (add.value) { keys.push(add.value); paint(); } });
    wrap.replaceChildren(
      el('ol', { class: 'tie-list' }, ...keys.map((k, i) => el('li', { 'data-key': k, 'data-test': `${prefix}-tie-${k}` },
        el('span', { class: 'tie-name' }, word('tie', k)),
        el('button', { type: 'button', class: 'small', disabled: i === 0, 'aria-label': cc('tie.up', { key: word('tie', k) }), onclick: () => { [keys[i - 1], keys[i]] = [keys[i], keys[i - 1]]; paint(); } }, '↑'),
        el('button', { type: 'button', class: 'small', disabled: i === keys.length - 1, 'aria-label': cc('tie.down', { key: word('tie', k) }), onclick: () => { [keys[i + 1], keys[i]] = [keys[i], keys[i + 1]]; paint(); } }, '↓'),
        el('button', { type: 'button', class: 'small danger', 'aria-label': cc('tie.remove', { key: word('tie', k) }), onclick: () => { keys.splice(i, 1); paint(); } }, '×')))),
      keys.length ? '' : el('p', { class: 'muted' }, cc('tie.empty')),
      unused.length ? add : '');
  }
  paint();
  return { wrap, value: () => [...keys] };
}

/** The competition's own fields. */
function competitionForm(view) {
  const name = el('input', { value: view.name, maxlength: '200', 'data-test': 'comp-name' });
  const code = el('input', { value: view.code, maxlength: '12', 'data-test': 'comp-code', autocapitalize: 'characters' });
  const heldOn = el('input', { type: 'date', value: utcToDay(view.held_on), 'data-test': 'comp-held-on' });
  const cap = el('input', { type: 'number', min: '0', max: '1', step: '0.05', value: String(view.theory_cap ?? 0.3), 'data-test': 'comp-theory-cap' });
  const schools = el('textarea', { rows: '4', 'data-test': 'comp-schools' });
  schools.value = (view.schools || []).join('\n');
  const msg = el('div', { class: 'msg', 'data-test': 'comp-message' });
  const save = el('button', { type: 'submit', class: 'primary', 'data-test': 'comp-save' }, cc('setup.save'));
  const f = el('form', { class: 'card', novalidate: true, 'data-test': 'comp-form' },
    el('h2', {}, cc('setup.competition')),
    el('div', { class: 'grid' },
      field(cc('fields.name'), name), field(cc('fields.code'), code, { hint: cc('fields.codeHint') }),
      field(cc('fields.heldOn'), heldOn, { hint: cc('fields.heldOnHint') }), field(cc('fields.theoryCap'), cap, { hint: cc('fields.theoryCapHint') })),
    field(cc('fields.schools'), schools, { hint: cc('fields.schoolsHint') }),
    msg, el('div', { class: 'actions' }, save));
  f.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    save.disabled = true;
    try {
      await call('PUT', paths.one(view.id), { body: {
        name: name.value.trim(), code: code.value.trim().toUpperCase(), held_on: dayToUtc(heldOn.value), theory_cap: num(cap.value, 0.3),
        schools: schools.value.split('\n').map((s) => s.trim()).filter(Boolean),
      } });
      flash.set(cc('setup.saved'));
      rerender();
    } catch (e) { show(msg, 'error', errorText(e), { 'data-test': 'comp-error' }); save.disabled = false; }
  });
  return f;
}

/** A new or changed event (赛项). */
function eventForm(view, ev, onDone) {
  const p = ev ? `event-${ev.id}` : 'event-new';
  const name = el('input', { value: ev?.name || '', maxlength: '200', 'data-test': `${p}-name` });
  const code = el('input', { value: ev?.code || '', maxlength: '4', 'data-test': `${p}-code`, autocapitalize: 'characters' });
  const kind = select([['individual', word('eventKind', 'individual')], ['team', word('eventKind', 'team')]], ev?.kind || 'individual', { 'data-test': `${p}-kind` });
  const size = el('input', { type: 'number', min: '1', max: '10', step: '1', value: String(ev?.team_size || 1), 'data-test': `${p}-team-size` });
  const score = select([['sum', word('teamScore', 'sum')], ['mean', word('teamScore', 'mean')]], ev?.team_score || 'sum', { 'data-test': `${p}-team-score` });
  const chain = tieChainEditor(ev?.tie_chain || ['practical', 'modules', 'theory', 'time'], p);
  const teamBits = el('div', { class: 'grid' }, field(cc('fields.teamSize'), size), field(cc('fields.teamScore'), score));
  const sync = () => { teamBits.hidden = kind.value !== 'team'; };
  kind.addEventListener('change', sync);
  sync();
  const msg = el('div', { class: 'msg', 'data-test': `${p}-message` });
  const save = el('button', { type: 'submit', class: 'primary', 'data-test': `${p}-save` }, ev ? cc('setup.save') : cc('setup.addEvent'));
  const f = el('form', { class: 'card event-form', novalidate: true, 'data-test': `${p}-form` },
    el('h3', {}, ev ? cc('setup.editEvent', { name: ev.name }) : cc('setup.newEvent')),
    el('div', { class: 'grid' }, field(cc('fields.eventName'), name), field(cc('fields.eventCode'), code, { hint: cc('fields.eventCodeHint') }), field(cc('fields.eventKind'), kind)),
    teamBits,
    el('fieldset', {}, el('legend', {}, cc('fields.tieChain')), el('p', { class: 'hint muted' }, cc('fields.tieChainHint')), chain.wrap),
    msg, el('div', { class: 'actions' }, save, ev ? el('button', { type: 'button', onclick: onDone }, tc('edit.cancel')) : ''));
  f.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (!name.value.trim() || !code.value.trim()) { show(msg, 'error', cc('setup.eventMissing')); return; }
    const team = kind.value === 'team';
    const body = { name: name.value.trim(), code: code.value.trim().toUpperCase(), kind: kind.value, team_size: team ? num(size.value, 2) : 1, team_score: score.value, tie_chain: chain.value() };
    save.disabled = true;
    try {
      await call(ev ? 'PUT' : 'POST', ev ? paths.event(ev.id) : paths.events(view.id), { body });
      flash.set(cc('setup.eventSaved', { name: body.name }));
      rerender();
    } catch (err) { show(msg, 'error', errorText(err), { 'data-test': `${p}-error` }); save.disabled = false; }
  });
  return f;
}

/** A new or changed group (组别) with its eligibility rules. */
function groupForm(view, g, onDone) {
  const p = g ? `group-${g.id}` : 'group-new';
  const r = g?.rules || {};
  const name = el('input', { value: g?.name || '', maxlength: '100', 'data-test': `${p}-name` });
  const code = el('input', { value: g?.code || '', maxlength: '1', 'data-test': `${p}-code`, autocapitalize: 'characters' });
  const orgKind = select([['', cc('rules.anyOrg')], ['employer', word('orgKind', 'employer')], ['school', word('orgKind', 'school')]], r.org_kind || '', { 'data-test': `${p}-org-kind` });
  const registered = checkbox(cc('rules.registeredSchool'), !!r.registered_school, { 'data-test': `${p}-registered-school` });
  const minAge = el('input', { type: 'number', min: '0', max: '100', step: '1', value: r.min_age ?? '', 'data-test': `${p}-min-age` });
  const maxAge = el('input', { type: 'number', min: '0', max: '100', step: '1', value: r.max_age ?? '', 'data-test': `${p}-max-age` });
  const msg = el('div', { class: 'msg', 'data-test': `${p}-message` });
  const save = el('button', { type: 'submit', class: 'primary', 'data-test': `${p}-save` }, g ? cc('setup.save') : cc('setup.addGroup'));
  const f = el('form', { class: 'card group-form', novalidate: true, 'data-test': `${p}-form` },
    el('h3', {}, g ? cc('setup.editGroup', { name: g.name }) : cc('setup.newGroup')),
    el('div', { class: 'grid' }, field(cc('fields.groupName'), name), field(cc('fields.groupCode'), code, { hint: cc('fields.groupCodeHint') })),
    el('fieldset', {}, el('legend', {}, cc('rules.title')),
      el('div', { class: 'grid' }, field(cc('rules.orgKind'), orgKind), field(cc('rules.minAge'), minAge, { hint: cc('rules.ageHint') }), field(cc('rules.maxAge'), maxAge)),
      registered.wrap),
    msg, el('div', { class: 'actions' }, save, g ? el('button', { type: 'button', onclick: onDone }, tc('edit.cancel')) : ''));
  f.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (!name.value.trim() || !/^[A-Za-z]$/.test(code.value.trim())) { show(msg, 'error', cc('setup.groupMissing')); return; }
    const age = (i) => (i.value === '' ? null : num(i.value));
    const body = { name: name.value.trim(), code: code.value.trim().toUpperCase(), rules: {
      org_kind: orgKind.value || null, registered_school: registered.input.checked, min_age: age(minAge), max_age: age(maxAge),
    } };
    if (body.rules.min_age !== null && body.rules.max_age !== null && body.rules.min_age > body.rules.max_age) { show(msg, 'error', cc('rules.ageOrder')); return; }
    save.disabled = true;
    try {
      await call(g ? 'PUT' : 'POST', g ? paths.group(g.id) : paths.groups(view.id), { body });
      flash.set(cc('setup.groupSaved', { name: body.name }));
      rerender();
    } catch (err) { show(msg, 'error', errorText(err), { 'data-test': `${p}-error` }); save.disabled = false; }
  });
  return f;
}

// The cut on a stage admits contestants to it from the stage before; the first stage has none.
const blankStage = (kind, first) => ({ id: null, name: kind === 'theory' ? cc('setup.theoryName') : cc('setup.practicalName'), kind, weight: kind === 'theory' ? 0.3 : 0.7, cut_kind: first ? 'none' : 'top_n', cut_value: first ? 0 : 30, encryptor_id: null, supervisor_id: null, recheck_top: 10, recheck_share: 0.15, recheck_error_limit: 0.05 });

/** One event's stages, edited together so the weights can be checked as a whole. */
function stagesForm(view, ev, staff) {
  const p = `stages-${ev.id}`;
  const draft = stagesOf(view, ev.id).map((s) => ({ ...s }));
  const cap = num(view.theory_cap, 0.3);
  const check = el('div', { class: 'weight-check', 'data-test': `${p}-check`, 'aria-live': 'polite' });
  const rows = el('div', {});
  const msg = el('div', { class: 'msg', 'data-test': `${p}-message` });
  const people = [['', cc('stage.nobody')], ...staff.map((u) => [String(u.id), u.display_name || u.username])];
  const supervisors = [['', cc('stage.nobody')], ...staff.filter((u) => u.roles.includes('supervisor') || u.roles.includes('admin')).map((u) => [String(u.id), u.display_name || u.username])];

  function paintCheck() {
    const c = weightCheck(draft, cap);
    check.dataset.state = c.sumOk && c.capOk ? 'ok' : 'bad';
    check.replaceChildren(
      el('span', { class: c.sumOk ? 'ok' : 'error', 'data-test': `${p}-sum` }, cc('stage.sum', { sum: c.sum })), ' ',
      el('span', { class: c.capOk ? 'ok' : 'error', 'data-test': `${p}-theory` }, cc('stage.theoryShare', { share: c.theory, cap })));
    return c;
  }

  function stageRow(s, i) {
    const sp = `${p}-${i + 1}`;
    const bind = (input, key, conv = (v) => v) => { input.addEventListener('input', () => { s[key] = conv(input.value); paintCheck(); }); input.addEventListener('change', () => { s[key] = conv(input.value); paintCheck(); }); return input; };
    const name = bind(el('input', { value: s.name, maxlength: '100', 'data-test': `${sp}-name` }), 'name');
    const kind = bind(select([['theory', word('stageKind', 'theory')], ['practical', word('stageKind', 'practical')]], s.kind, { 'data-test': `${sp}-kind` }), 'kind');
    const weight = bind(el('input', { type: 'number', min: '0', max: '1', step: '0.05', value: String(s.weight), 'data-test': `${sp}-weight` }), 'weight', Number);
    const cutKind = bind(select(CUT_KINDS.map((k) => [k, word('cutKind', k)]), s.cut_kind, { 'data-test': `${sp}-cut-kind` }), 'cut_kind');
    const cutValue = bind(el('input', { type: 'number', min: '0', step: 'any', value: String(s.cut_value ?? 0), 'data-test': `${sp}-cut-value` }), 'cut_value', Number);
    const encryptor = bind(select(people, s.encryptor_id ?? '', { 'data-test': `${sp}-encryptor` }), 'encryptor_id', (v) => (v ? Number(v) : null));
    const supervisor = bind(select(supervisors, s.supervisor_id ?? '', { 'data-test': `${sp}-supervisor` }), 'supervisor_id', (v) => (v ? Number(v) : null));
    const top = bind(el('input', { type: 'number', min: '0', step: '1', value: String(s.recheck_top ?? 10), 'data-test': `${sp}-recheck-top` }), 'recheck_top', Number);
    const share = bind(el('input', { type: 'number', min: '0', max: '1', step: '0.01', value: String(s.recheck_share ?? 0.15), 'data-test': `${sp}-recheck-share` }), 'recheck_share', Number);
    const limit = bind(el('input', { type: 'number', min: '0', max: '1', step: '0.01', value: String(s.recheck_error_limit ?? 0.05), 'data-test': `${sp}-recheck-limit` }), 'recheck_error_limit', Number);
    const cutHint = () => cc(`cutHint.${cutKind.value}`);
    const hint = el('div', { class: 'hint' }, cutHint());
    cutKind.addEventListener('change', () => { hint.textContent = cutHint(); cutValue.disabled = cutKind.value === 'none'; });
    cutValue.disabled = s.cut_kind === 'none';
    // The first stage admits everyone accepted.
    if (i === 0) { cutKind.value = 'none'; cutKind.disabled = true; cutValue.disabled = true; s.cut_kind = 'none'; }
    const practicalBits = el('div', { class: 'grid' },
      field(cc('stage.encryptor'), encryptor, { hint: cc('stage.encryptorHint') }),
      field(cc('stage.supervisor'), supervisor, { hint: cc('stage.supervisorHint') }),
      field(cc('stage.recheckTop'), top), field(cc('stage.recheckShare'), share, { hint: cc('stage.shareHint') }), field(cc('stage.recheckLimit'), limit, { hint: cc('stage.shareHint') }));
    const syncKind = () => { practicalBits.hidden = kind.value !== 'practical'; };
    kind.addEventListener('change', syncKind);
    syncKind();
    return el('fieldset', { class: 'stage-row', 'data-test': `${sp}`, 'data-stage': s.id ?? '' },
      el('legend', {}, cc('stage.n', { n: i + 1 }), s.encryptor_id && s.id ? ` · ${cc('stage.heldBy', { enc: personName(staff, s.encryptor_id), sup: personName(staff, s.supervisor_id) })}` : ''),
      el('div', { class: 'grid' }, field(cc('stage.name'), name), field(cc('stage.kind'), kind), field(cc('stage.weight'), weight),
        field(cc('stage.cutKind'), cutKind, { hint: cc('stage.cutKindHint') }), el('div', { class: 'field' }, el('label', { for: cutValue.id || (cutValue.id = `cv-${sp}`) }, cc('stage.cutValue')), cutValue, hint)),
      practicalBits,
      el('div', { class: 'actions' },
        el('button', { type: 'button', class: 'small', disabled: i === 0, onclick: () => { [draft[i - 1], draft[i]] = [draft[i], draft[i - 1]]; paint(); } }, cc('stage.earlier')),
        el('button', { type: 'button', class: 'small danger', 'data-test': `${sp}-remove`, onclick: () => { draft.splice(i, 1); paint(); } }, cc('stage.remove'))));
  }

  function paint() {
    rows.replaceChildren(...draft.map(stageRow));
    paintCheck();
  }
  paint();
  const save = el('button', { type: 'submit', class: 'primary', 'data-test': `${p}-save` }, cc('stage.save'));
  const f = el('form', { class: 'card stages-form', novalidate: true, 'data-test': p, 'data-event': ev.id },
    el('h3', {}, cc('stage.title', { name: ev.name })), rows, check,
    el('div', { class: 'actions' },
      el('button', { type: 'button', 'data-test': `${p}-add-theory`, onclick: () => { draft.push(blankStage('theory', !draft.length)); paint(); } }, cc('stage.addTheory')),
      el('button', { type: 'button', 'data-test': `${p}-add-practical`, onclick: () => { draft.push(blankStage('practical', !draft.length)); paint(); } }, cc('stage.addPractical'))),
    msg, el('div', { class: 'actions' }, save));
  f.addEventListener('submit', async (e) => {
    e.preventDefault();
    const c = paintCheck();
    if (!draft.length) { show(msg, 'error', cc('stage.none')); return; }
    if (!c.sumOk || !c.capOk) { show(msg, 'error', !c.sumOk ? cc('stage.sumBad', { sum: c.sum }) : cc('stage.capBad', { share: c.theory, cap })); return; }
    save.disabled = true;
    try {
      // The whole list at once: the server checks the weights together.
      await call('PUT', paths.eventStages(ev.id), { body: draft.map((s, i) => ({
        name: s.name, kind: s.kind, weight: num(s.weight), cut_kind: i === 0 ? 'none' : s.cut_kind, cut_value: i === 0 ? 0 : num(s.cut_value),
        encryptor_id: s.encryptor_id ?? null, supervisor_id: s.supervisor_id ?? null,
        recheck_top: num(s.recheck_top, 10), recheck_share: num(s.recheck_share, 0.15), recheck_error_limit: num(s.recheck_error_limit, 0.05),
      })) });
      flash.set(cc('stage.saved', { name: ev.name }));
      rerender();
    } catch (err) { show(msg, 'error', errorText(err), { 'data-test': `${p}-error` }); save.disabled = false; }
  });
  return f;
}

/** #/competitions/{id}: the setup. */
export async function render({ root, params, alive }) {
  const id = Number(params[0]);
  const [view, staff] = await Promise.all([loadCompetition(id), session.has('author') ? staffList() : []]);
  if (!alive()) return;
  const msg = el('div', { class: 'msg', 'data-test': 'setup-message', 'aria-live': 'polite' });
  const f = flash.take();
  if (f) show(msg, 'ok', f, { 'data-test': 'setup-flash' });
  const eventSlot = el('div', {});
  const groupSlot = el('div', {});
  const rules = (g) => {
    const r = g.rules || {};
    const bits = [];
    if (r.org_kind) bits.push(word('orgKind', r.org_kind));
    if (r.registered_school) bits.push(cc('rules.registeredShort'));
    if (r.min_age !== null && r.min_age !== undefined) bits.push(cc('rules.minShort', { n: r.min_age }));
    if (r.max_age !== null && r.max_age !== undefined) bits.push(cc('rules.maxShort', { n: r.max_age }));
    return bits.length ? bits.join('，') : cc('rules.none');
  };
  root.append(compHeading(view, cc('tabs.setup')), subnav(view, 'setup'), msg,
    competitionForm(view),
    el('section', { 'aria-labelledby': 'ev-h', 'data-test': 'events' }, el('h2', { id: 'ev-h' }, cc('setup.events')),
      view.events.length ? table([
        { head: cc('fields.eventCode'), cell: (e) => el('code', {}, e.code), cls: 'nowrap' },
        { head: cc('fields.eventName'), cell: (e) => e.name },
        { head: cc('fields.eventKind'), cell: (e) => (e.kind === 'team' ? cc('setup.teamOf', { n: e.team_size, score: word('teamScore', e.team_score) }) : word('eventKind', e.kind)) },
        { head: cc('fields.tieChain'), cell: (e) => (e.tie_chain || []).map((k) => word('tie', k)).join(' → ') || '—' },
        { head: '', cell: (e) => el('button', { type: 'button', class: 'small', 'data-test': `event-${e.id}-edit`, onclick: () => eventSlot.replaceChildren(eventForm(view, e, () => eventSlot.replaceChildren())) }, cc('setup.edit')) },
      ], view.events, { 'aria-label': cc('setup.events'), 'data-test': 'events-table' }, (e) => ({ 'data-event': e.id })) : el('p', { class: 'muted' }, cc('setup.noEvents')),
      eventSlot, el('details', { class: 'new-bank' }, el('summary', { 'data-test': 'event-new-open' }, cc('setup.newEvent')), eventForm(view, null))),
    el('section', { 'aria-labelledby': 'gr-h', 'data-test': 'groups' }, el('h2', { id: 'gr-h' }, cc('setup.groups')),
      view.groups.length ? table([
        { head: cc('fields.groupCode'), cell: (g) => el('code', {}, g.code), cls: 'nowrap' },
        { head: cc('fields.groupName'), cell: (g) => g.name },
        { head: cc('rules.title'), cell: rules },
        { head: '', cell: (g) => el('button', { type: 'button', class: 'small', 'data-test': `group-${g.id}-edit`, onclick: () => groupSlot.replaceChildren(groupForm(view, g, () => groupSlot.replaceChildren())) }, cc('setup.edit')) },
      ], view.groups, { 'aria-label': cc('setup.groups'), 'data-test': 'groups-table' }, (g) => ({ 'data-group': g.id })) : el('p', { class: 'muted' }, cc('setup.noGroups')),
      groupSlot, el('details', { class: 'new-bank' }, el('summary', { 'data-test': 'group-new-open' }, cc('setup.newGroup')), groupForm(view, null))),
    el('section', { 'aria-labelledby': 'st-h', 'data-test': 'stages' }, el('h2', { id: 'st-h' }, cc('setup.stages')),
      el('p', { class: 'muted' }, cc('setup.stagesIntro', { cap: view.theory_cap ?? 0.3 })),
      ...(view.events.length ? view.events.map((e) => stagesForm(view, e, staff)) : [el('p', { class: 'muted' }, cc('setup.eventsFirst'))])));
}
