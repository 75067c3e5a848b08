// JSON over HTTP to the platform's API. Every failure becomes an ApiError with the server's
// stable code; a request that never reached the server has status 0 and code "network".

/** An API error: HTTP status (0 when the network failed), stable code, message (English),
 * messageZh (the server's Chinese sentence, when it has one), details. */
export class ApiError extends Error {
  constructor(status, code, message, details, retryAfter, messageZh) {
    super(message || code);
    this.status = status;
    this.code = code;
    this.details = details;
    this.retryAfter = retryAfter;
    this.messageZh = messageZh || '';
  }
}

/** Calls the API. `body` is sent as JSON unless `raw` (bytes or a File) is given; `accept: 'blob'`
 * returns a Blob (exports). */
export async function api(method, path, { token, body, raw, query, accept, timeoutMs = 15000 } = {}) {
  const url = new URL(path, location.origin);
  if (query) Object.entries(query).forEach(([k, v]) => { if (v !== undefined && v !== null && v !== '') url.searchParams.set(k, v); });
  const headers = {};
  if (token) headers.authorization = `Bearer ${token}`;
  let payload;
  if (raw !== undefined) { payload = raw; headers['content-type'] = 'application/octet-stream'; }
  else if (body !== undefined) { payload = JSON.stringify(body); headers['content-type'] = 'application/json'; }
  const ctrl = new AbortController();
  const timer = setTimeout(() => ctrl.abort(), timeoutMs);
  let res;
  try {
    res = await fetch(url, { method, headers, body: payload, signal: ctrl.signal, cache: 'no-store' });
  } catch (e) {
    throw new ApiError(0, 'network', String(e && e.message || e));
  } finally {
    clearTimeout(timer);
  }
  if (!res.ok) {
    let err = {};
    try { err = (await res.json()).error || {}; } catch (_) { /* not JSON */ }
    throw new ApiError(res.status, err.code || `http_${res.status}`, err.message || res.statusText, err.details, Number(res.headers.get('retry-after')) || undefined, err.message_zh);
  }
  if (accept === 'blob') return res.blob();
  if (res.status === 204) return null;
  const text = await res.text();
  return text ? JSON.parse(text) : null;
}

/** Creates an element: el('button', {class: 'primary', onclick: fn}, 'text', child, ...). */
export function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') e.addEventListener(k.slice(2), v);
    else if (k === 'class') e.className = v;
    else if (k === 'dataset') Object.assign(e.dataset, v);
    else if (v === true) e.setAttribute(k, '');
    else e.setAttribute(k, String(v));
  }
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}
