// The result screen after submission (or the note that results are not released yet), and the
// time-up notice shown at once when answers are still on the tablet at the deadline.
import { api, el } from '../api.js';
import { t } from '../i18n.js';
import { closeLive } from './live.js';
import { renderLogin } from './login.js';
import { reviewSection } from './review.js';
import { S, forget } from './state.js';
import { updateSyncBadge } from './sync.js';
import { clockBadge, showBanner, screen } from './ui.js';

/** Time is up while answers are still on the tablet (or the network is down): says at once how
 * many did not reach the server and to tell the proctor. The result follows once the network is
 * back (the server takes no answers after the deadline, so those stay uncounted). */
export function renderTimeUp(n) {
  clockBadge.hidden = true;
  showBanner('');
  screen(el('section', { class: 'time-up card', 'data-test': 'time-up', 'data-unsent': String(n) },
    el('h1', {}, t('tablet.timeUp.title')),
    n > 0 ? el('p', { class: 'error unsent', role: 'alert', 'data-test': 'unsent' }, t('tablet.timeUp.unsent', { n }))
      : el('p', { class: 'ok' }, t('tablet.timeUp.allSent')),
    n > 0 ? el('p', { class: 'muted' }, t('tablet.timeUp.serverRule')) : null,
    el('p', { class: 'muted' }, t('tablet.timeUp.waiting'))));
}

/** The certificate line with its download button, once one is issued to the candidate. */
async function certificateLine(box) {
  try {
    const c = await api('GET', '/api/candidate/certificate', { token: S.token });
    const err = el('p', { class: 'error', role: 'alert' });
    const btn = el('button', { type: 'button', class: 'primary', 'data-test': 'download-certificate' }, t('tablet.result.download'));
    btn.addEventListener('click', async () => {
      err.textContent = '';
      try {
        const blob = await api('GET', '/api/candidate/certificate/pdf', { token: S.token, accept: 'blob' });
        const a = el('a', { href: URL.createObjectURL(blob), download: `${c.number}.pdf` });
        document.body.append(a);
        a.click();
        a.remove();
      } catch (e) {
        err.textContent = t('tablet.result.downloadFailed');
      }
    });
    box.replaceChildren(el('p', { 'data-test': 'certificate' }, t('tablet.result.certificate', { number: c.number })), btn, err);
  } catch (_) {
    // None issued (yet), or not reachable: nothing to offer.
  }
}

/** The practical part of the assessment, when the session has one: its score, whether it passed
 * and each task's score out of 100 (never who judged). `passed` above is then both parts'. */
function practicalSection(p) {
  if (!p) return '';
  const fmt = (x) => String(Math.round(x * 10) / 10);
  return el('div', { class: 'practical', 'data-test': 'practical' },
    el('h2', {}, t('tablet.result.practical')),
    p.score === null || p.score === undefined ? '' : el('p', { class: 'score', 'data-test': 'practical-score' }, t('tablet.result.practicalScore', { score: fmt(p.score) })),
    p.final ? el('p', { class: p.passed ? 'pass' : 'fail', 'data-test': 'practical-verdict' }, t(p.passed ? 'tablet.result.practicalPassed' : 'tablet.result.practicalFailed')) : '',
    p.tasks.length ? el('table', {}, el('thead', {}, el('tr', {}, el('th', {}, t('tablet.result.practicalTask')), el('th', {}, t('candidate.result.points')))),
      el('tbody', {}, ...p.tasks.map((x) => el('tr', { 'data-test': 'practical-task' }, el('td', {}, x.title), el('td', {}, `${fmt(x.score)} / 100`))))) : '');
}

export function renderResult() {
  clockBadge.hidden = true;
  updateSyncBadge();
  showBanner('');
  const r = S.result;
  const leave = el('button', { type: 'button', 'data-test': 'leave' }, t('candidate.result.leave'));
  leave.addEventListener('click', () => { forget(); renderLogin(); });
  closeLive();
  const parts = [el('h1', {}, t('candidate.result.title'))];
  const unsent = (S.unsent || []).length + (S.queue || []).length;
  if (unsent) parts.push(el('p', { class: 'error unsent', role: 'alert', 'data-test': 'unsent' }, t('tablet.result.unsent', { n: unsent })));
  if (S.submittedBy === 'terminated') parts.push(el('p', { class: 'error', 'data-test': 'terminated' }, t('candidate.result.terminated')));
  else if (S.submittedBy === 'staff') parts.push(el('p', { class: 'muted' }, t('candidate.result.byStaff')));
  if (r) {
    const verdict = r.passed === true ? el('p', { class: 'pass', 'data-test': 'verdict' }, t('candidate.result.passed'))
      : r.passed === false ? el('p', { class: 'fail', 'data-test': 'verdict' }, t('candidate.result.failed'))
        : r.practical && (r.can_still_pass === null || r.can_still_pass === undefined) ? el('p', { class: 'muted', 'data-test': 'verdict' }, t('tablet.result.practicalPending'))
        : r.can_still_pass === false ? el('p', { class: 'fail', 'data-test': 'verdict' }, t('tablet.result.outOfReach'))
          : el('p', { class: 'muted', 'data-test': 'verdict' }, t('tablet.result.mayPass'));
    const cert = el('div', { class: 'certificate', 'data-test': 'certificate-box' });
    parts.push(
      el('p', { class: 'score', 'data-test': 'score' }, r.practical ? `${t('tablet.result.theory')}：` : '', t('candidate.result.score', { total: r.total, max: r.max })),
      verdict,
      el('p', { class: 'muted' }, t('candidate.result.passLine', { line: r.pass_line })),
      el('table', {}, el('thead', {}, el('tr', {}, el('th', {}, t('candidate.result.section')), el('th', {}, t('candidate.result.points')))),
        el('tbody', {}, ...r.sections.map((s) => el('tr', {}, el('td', {}, s.title || String(s.index + 1)), el('td', {}, `${s.earned} / ${s.max}`))))),
      practicalSection(r.practical),
      cert,
      reviewSection(r));
    if (r.passed === true) certificateLine(cert);
  } else {
    parts.push(el('p', { 'data-test': 'not-released' }, t('candidate.result.notReleased')));
  }
  parts.push(el('div', { class: 'actions' }, leave));
  screen(el('section', { class: 'result', 'data-test': 'result' }, ...parts));
}
