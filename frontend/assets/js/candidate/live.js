// Live changes from the proctor: the attempt's event stream.
import { t } from '../i18n.js';
import { refreshState, tick } from './clock.js';
import { adoptProctor } from './pause.js';
import { renderResult } from './result.js';
import { S, saveLocal } from './state.js';
import { flush } from './sync.js';
import { renderTakenOver } from './takeover.js';
import { showBanner } from './ui.js';

let live = null;

/** Opens the attempt's live stream: a pause, extra time, a forced submission or another device
 * taking over shows at once (the 15 s state poll stays as the fallback). */
export function openLive() {
  if (live || !S.attemptId || S.status === 'submitted' || !window.EventSource) return;
  live = new EventSource(`/api/attempts/${S.attemptId}/live?access_token=${encodeURIComponent(S.token)}`);
  live.addEventListener('state', (ev) => {
    const st = JSON.parse(ev.data);
    const was = S.status;
    S.offsetMs = Date.parse(st.server_time) - Date.now();
    S.status = st.status;
    S.deadlineMs = Date.parse(st.deadline);
    S.remainingAtSync = st.remaining_seconds;
    S.submittedBy = st.submitted_by;
    saveLocal();
    adoptProctor(st);
    if (st.status === 'paused') showBanner(t('candidate.paused'), true);
    else if (was === 'paused') { showBanner(t('candidate.resumed')); flush(); }
    if (st.status === 'submitted') {
      closeLive();
      refreshState().then(renderResult).catch(() => renderResult());
    }
    tick();
  });
  live.addEventListener('taken_over', () => { closeLive(); renderTakenOver(); });
}

export function closeLive() {
  if (live) live.close();
  live = null;
}
