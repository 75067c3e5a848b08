// Keeps the tablet app's shell so a reload while the venue Wi-Fi is down still opens the exam.
// App files: network first (a fixed app reaches the venue at once), the cached copy when offline.
// API calls are never cached: answers queue in the page and sync when the network is back.
const CACHE = 'exam-shell-v2';
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
];

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
  const shell = url.pathname === '/' || url.pathname.startsWith('/assets/');
  if (!shell) return;
  event.respondWith(
    fetch(event.request)
      .then((res) => {
        if (res.ok) {
          const copy = res.clone();
          caches.open(CACHE).then((c) => c.put(url.pathname === '/' ? '/' : event.request, copy));
        }
        return res;
      })
      .catch(() => caches.match(url.pathname === '/' ? '/' : event.request)),
  );
});
