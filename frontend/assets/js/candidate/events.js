// Events for the proctor: focus losses, leaving fullscreen, the network going and coming
// back, and heartbeats, sent in small batches, each with the tablet's own time.
import { api } from '../api.js';
import { S } from './state.js';
import { updateSyncBadge, flush } from './sync.js';
import { renderTakenOver } from './takeover.js';

const pendingEvents = [];
let eventTimer = null;

function report(kind) {
  if (!S.attemptId || S.status === 'submitted') return;
  pendingEvents.push({ kind, at: Date.now() });
  clearTimeout(eventTimer);
  eventTimer = setTimeout(sendEvents, 200);
}

export async function sendEvents() {
  if (!S.attemptId || S.status === 'submitted') return;
  const batch = pendingEvents.splice(0, 100);
  if (!batch.length) batch.push({ kind: 'heartbeat', at: Date.now() });
  try {
    // Each event carries this tablet's time; `sent_at` lets the server measure the clock's offset
    // and stamp an outage with when it really began, not when it was reported.
    await api('POST', `/api/attempts/${S.attemptId}/events`, { token: S.token, body: { events: batch, sent_at: Date.now() } });
  } catch (e) {
    if (e.code === 'taken_over') { renderTakenOver(); return; }
    // Kept for the next try unless the server refused them as such.
    if (e.status === 0 || e.status >= 500) pendingEvents.unshift(...batch.filter((b) => b.kind !== 'heartbeat'));
  }
}

document.addEventListener('visibilitychange', () => report(document.hidden ? 'page_hidden' : 'page_visible'));
window.addEventListener('blur', () => report('window_blur'));
window.addEventListener('focus', () => report('window_focus'));
document.addEventListener('fullscreenchange', () => { if (!document.fullscreenElement) report('fullscreen_exit'); });
window.addEventListener('offline', () => { updateSyncBadge(true); report('network_offline'); });
window.addEventListener('online', () => { updateSyncBadge(); report('network_online'); flush(); });
