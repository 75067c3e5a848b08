// The page's fixed parts (the main area, the sync and clock badges, the banner) and
// showing a screen in the main area.

export const main = document.getElementById('main');
export const syncBadge = document.getElementById('sync');
export const clockBadge = document.getElementById('clock');
export const banner = document.getElementById('banner');

export function showBanner(text, bad = false) {
  banner.textContent = text;
  banner.classList.toggle('bad', bad);
  banner.hidden = !text;
}

export function screen(...children) {
  main.replaceChildren(...children);
  main.focus({ preventScroll: true });
  window.scrollTo(0, 0);
}
