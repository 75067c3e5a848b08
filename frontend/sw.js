// Keeps the tablet apps' shells (the candidates' exam at /, the judges' marking at /judge) so a
// reload while the venue Wi-Fi is down still opens them.
// App files: network first (a fixed app reaches the venue at once), the cached copy when offline.
// API calls are never cached: answers and marks queue in the page and sync when the network is back.
const CACHE = 'exam-shell-v7';
const SHELL = [
  '/',
  '/assets/css/base.css',
  '/assets/css/candidate.css',
  '/assets/js/candidate.js',
  '/assets/js/candidate/ui.js',
  '/assets/js/candidate/state.js',
  '/assets/js/candidate/clock.js',
  '/assets/js/candidate/sync.js',
  '/assets/js/candidate/events.js',
  '/assets/js/candidate/live.js',
  '/assets/js/candidate/login.js',
  '/assets/js/candidate/rules.js',
  '/assets/js/candidate/question.js',
  '/assets/js/candidate/navigator.js',
  '/assets/js/candidate/confirm.js',
  '/assets/js/candidate/result.js',
  '/assets/js/candidate/takeover.js',
  '/assets/js/candidate/pause.js',
  '/assets/js/candidate/review.js',
  '/assets/favicon.svg',
  '/assets/js/i18n.js',
  '/assets/js/api.js',
  '/assets/lang/zh.js',
  '/assets/lang/en.js',
  '/assets/lang/competition-zh.js',
  '/assets/lang/competition-en.js',
  // zh.js and en.js import these: without them the shell cannot start offline.
  '/assets/lang/awards-zh.js',
  '/assets/lang/awards-en.js',
  '/assets/lang/appeals-zh.js',
  '/assets/lang/appeals-en.js',
  '/assets/lang/board-zh.js',
  '/assets/lang/board-en.js',
  '/assets/lang/review-zh.js',
  '/assets/lang/review-en.js',
  '/assets/lang/analytics-zh.js',
  '/assets/lang/analytics-en.js',
  '/judge',
  '/assets/css/judge.css',
  '/assets/js/judge.js',
  '/assets/js/console/core.js',
  '/assets/js/judge/core.js',
  '/assets/js/judge/scheme.js',
  '/assets/js/judge/queue.js',
  '/assets/js/judge/login.js',
  '/assets/js/judge/tasks.js',
  '/assets/js/judge/task.js',
  '/assets/js/judge/aspect.js',
  '/assets/js/judge/sheet.js',
  '/assets/js/judge/overview.js',
  '/assets/js/judge/correction.js',
];
// The pages among them, kept under their own path (no query string).
const PAGES = ['/', '/judge'];

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((c) => c.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== 'GET' || url.origin !== location.origin) return;
  if (url.pathname.startsWith('/api/')) return;
  const page = PAGES.includes(url.pathname);
  const shell = page || url.pathname.startsWith('/assets/');
  if (!shell) return;
  const key = page ? url.pathname : event.request;
  event.respondWith(
    fetch(event.request)
      .then((res) => {
        if (res.ok) {
          const copy = res.clone();
          caches.open(CACHE).then((c) => c.put(key, copy));
        }
        return res;
      })
      .catch(() => caches.match(key)),
  );
});
