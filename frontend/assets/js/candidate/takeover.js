// The screen shown when the attempt was taken over by another device.
import { el } from '../api.js';
import { t } from '../i18n.js';
import { closeLive } from './live.js';
import { renderLogin } from './login.js';
import { syncBadge, clockBadge, screen } from './ui.js';

export function renderTakenOver() {
  closeLive();
  clockBadge.hidden = true;
  syncBadge.hidden = true;
  const again = el('button', { type: 'button', class: 'primary', 'data-test': 'login-again' }, t('candidate.takenOver.again'));
  again.addEventListener('click', () => renderLogin());
  screen(el('section', { class: 'card', 'data-test': 'taken-over' },
    el('h1', {}, t('candidate.takenOver.title')),
    el('p', {}, t('candidate.takenOver.body')),
    again));
}
