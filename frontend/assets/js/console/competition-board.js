// 成绩大屏 in the console (admins): what the public sees now and the live results beside it
// (staff see live during a freeze), the freeze time (封榜), and the award ceremony reveal
// (颁奖揭晓) step by step with 下一步; the public page /board follows each step.
import { el, call, errorText, field, show, fmtDate } from './core.js';
import { t } from '../i18n.js';
import { loadCompetition, subnav, compHeading, fmtScore } from './competition.js';

const bt = (key, vars) => t(`board.console.${key}`, vars);

function sectionTable(s, test) {
  return el('div', { class: 'board-section', 'data-test': test },
    el('h3', {}, `${s.event_name} · ${s.group_name} — ${t(`board.source.${s.source}`)}`),
    s.rows.length
      ? el('table', { class: 'data' },
        el('thead', {}, el('tr', {}, el('th', {}, t('board.rank')), el('th', {}, s.source === 'codes' ? t('board.code') : t('board.name')),
          ...s.columns.map((c) => el('th', { class: 'num' }, c)), el('th', { class: 'num' }, t('board.total')))),
        el('tbody', {}, ...s.rows.map((r) => el('tr', { 'data-test': `${test}-row`, 'data-key': r.key, 'data-revealed': String(!!r.revealed) },
          el('td', {}, r.rank ?? ''), el('td', {}, r.label), ...r.scores.map((v) => el('td', { class: 'num' }, fmtScore(v))), el('td', { class: 'num' }, fmtScore(r.total))))))
      : el('p', { class: 'muted' }, t('board.empty')));
}

/** #/competitions/{id}/board */
export async function render({ root, params, alive }) {
  const id = Number(params[0]);
  const view = await loadCompetition(id);
  if (!alive()) return;
  const msg = el('div', { class: 'msg', 'data-test': 'board-message', 'aria-live': 'polite' });
  const body = el('div', {});
  root.append(compHeading(view, bt('title', { name: view.code })), subnav(view, 'board'), msg, body);
  const path = `/api/competitions/${id}/board`;
  const act = async (method, p, payload) => {
    try {
      await call(method, p, payload ? { body: payload } : {});
      show(msg, 'success', bt('saved'), { 'data-test': 'board-saved' });
      await load();
    } catch (e) { show(msg, 'error', errorText(e), { 'data-test': 'board-error', 'data-code': e.code || '' }); }
  };
  async function load() {
    let v;
    try { v = await call('GET', path); } catch (e) { show(msg, 'error', errorText(e)); return; }
    if (!alive()) return;
    const when = el('input', { type: 'datetime-local', 'data-test': 'freeze-at' });
    const phase = v.public.phase;
    const status = v.snapshot_taken_at
      ? bt('snapshotTaken', { time: fmtDate(v.snapshot_taken_at) })
      : v.freeze_at ? bt('pending', { time: fmtDate(v.freeze_at) }) : bt('notFrozen');
    const rv = v.public.reveal;
    const current = rv?.current;
    body.replaceChildren(
      el('p', {}, el('a', { href: `/board?c=${encodeURIComponent(v.public.code)}`, target: '_blank', 'data-test': 'open-board' }, bt('open'))),
      el('p', { 'data-test': 'board-status', 'data-phase': phase }, `${t(`board.${phase}`)} · ${status}`),
      el('div', { class: 'toolbar' },
        field(bt('freezeAt'), when, { cls: 'inline' }),
        el('button', { type: 'button', 'data-test': 'set-freeze', onclick: () => when.value && act('PUT', `${path}/freeze`, { freeze_at: new Date(when.value).toISOString() }) }, bt('setFreeze')),
        el('button', { type: 'button', 'data-test': 'freeze-now', onclick: () => act('PUT', `${path}/freeze`, { freeze_at: new Date().toISOString() }) }, bt('freezeNow')),
        el('button', { type: 'button', 'data-test': 'lift-freeze', onclick: () => act('DELETE', `${path}/freeze`) }, bt('lift'))),
      el('div', { class: 'toolbar' },
        el('button', { type: 'button', 'data-test': 'reveal-start', disabled: phase !== 'frozen' ? '' : null, onclick: () => act('POST', `${path}/reveal`) }, bt('startReveal')),
        el('button', { type: 'button', class: 'primary', 'data-test': 'reveal-next', disabled: !rv || rv.step >= rv.steps ? '' : null, onclick: () => act('POST', `${path}/reveal/next`) }, bt('next')),
        el('button', { type: 'button', 'data-test': 'reveal-end', disabled: !rv ? '' : null, onclick: () => act('POST', `${path}/reveal/end`) }, bt('endReveal')),
        rv ? el('span', { 'data-test': 'reveal-step' }, bt('step', { step: rv.step, steps: rv.steps })) : '',
        current ? el('span', { 'data-test': 'reveal-current' }, bt('revealed', { label: current.row.label, rank: current.row.rank ?? '—' })) : ''),
      el('h2', {}, bt('publicNow')),
      ...v.public.sections.map((s) => sectionTable(s, 'public')),
      el('h2', {}, bt('liveNow')),
      ...v.live.sections.map((s) => sectionTable(s, 'live')));
  }
  await load();
}
