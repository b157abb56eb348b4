// api.js — the one way the agent app talks to Helpo: fetch() against the public /api/v2 with
// the session cookie, the CSRF token on every write, JSON in and out, errors as ApiError.
let csrf = null;

export class ApiError extends Error {
  constructor(status, body) {
    super((body && (body.description || body.error)) || `HTTP ${status}`);
    this.status = status;
    this.body = body;
  }
}

export function setCsrf(token) { csrf = token; }

// api('GET', '/tickets/1') -> parsed JSON (null for 204). path is relative to /api/v2 unless it
// starts with /api/. body: an object (sent as JSON), or {raw: Blob|File, type} for uploads.
// opts: {keepalive: true} for a request that must outlive the page (pagehide).
export async function api(method, path, body, opts = {}) {
  const url = path.startsWith('/api/') ? path : '/api/v2' + path;
  // X-Requested-With: no Basic challenge on 401 (the browser would pop up its own dialog).
  const headers = { Accept: 'application/json', 'X-Requested-With': 'XMLHttpRequest' };
  let payload;
  if (body && body.raw !== undefined) {
    payload = body.raw;
    headers['Content-Type'] = body.type || 'application/octet-stream';
  } else if (body !== undefined) {
    payload = JSON.stringify(body);
    headers['Content-Type'] = 'application/json';
  }
  if (method !== 'GET' && method !== 'HEAD' && csrf) headers['X-CSRF-Token'] = csrf;
  const res = await fetch(url, { method, headers, body: payload, credentials: 'same-origin',
    keepalive: !!opts.keepalive });
  const text = res.status === 204 ? '' : await res.text();
  let data = null;
  if (text) { try { data = JSON.parse(text); } catch { data = { error: text }; } }
  if (!res.ok) throw new ApiError(res.status, data);
  return data;
}
