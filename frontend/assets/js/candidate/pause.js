// What the proctor changes on this tablet from afar: a pause covers the paper with the
// proctor's reason (the question and the navigator cannot be touched until resumed), and extra
// time is announced ("监考老师为您延长了 10 分钟") for a per-candidate or a room-wide extension.
import { el } from '../api.js';
import { t } from '../i18n.js';
import { S, saveLocal } from './state.js';
import { main, showBanner } from './ui.js';

let cover = null;

/** Takes the proctor's part of a state from the server (GET /attempts/{id}, the live `state`
 * event): the pause reason and the minutes of extra time, announcing any new ones. */
export function adoptProctor(st) {
  S.pauseReason = st.pause_reason || null;
  if (typeof st.extended_minutes === 'number') {
    const before = S.extendedMinutes;
    S.extendedMinutes = st.extended_minutes;
    // The first state a tablet sees only sets the mark: earlier extensions were announced elsewhere.
    if (typeof before === 'number' && st.extended_minutes > before && st.status !== 'submitted') {
      showBanner(t('tablet.extended', { n: st.extended_minutes - before }));
    }
  }
  saveLocal();
  updatePauseCover();
}

/** Shows the cover over the paper while the attempt is paused, and takes it away once resumed. */
export function updatePauseCover() {
  const paused = !!S.attemptId && S.status === 'paused';
  main.inert = paused;
  if (!paused) {
    if (cover) cover.hidden = true;
    return;
  }
  if (!cover) {
    cover = el('div', { class: 'pause-cover', role: 'alertdialog', 'aria-modal': 'true', 'aria-labelledby': 'pause-title', 'data-test': 'pause-cover' });
    document.body.append(cover);
  }
  cover.replaceChildren(el('div', { class: 'card' },
    el('h1', { id: 'pause-title' }, t('tablet.pause.title')),
    el('p', { class: 'reason', 'data-test': 'pause-reason' }, S.pauseReason ? t('tablet.pause.reason', { reason: S.pauseReason }) : t('tablet.pause.noReason')),
    el('p', { class: 'muted' }, t('tablet.pause.wait'))));
  cover.hidden = false;
}

// The cover and `inert` stop taps; a tap that still gets through (e.g. sent by a script) stops here,
// before any answer control sees it.
for (const kind of ['click', 'input', 'change', 'keydown']) {
  main.addEventListener(kind, (e) => {
    if (S.attemptId && S.status === 'paused') { e.stopPropagation(); e.preventDefault(); }
  }, true);
}
