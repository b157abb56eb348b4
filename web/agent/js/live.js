// live.js — the live feed: one EventSource on /api/v2/stream (Server-Sent Events) for the whole
// workspace. The browser resumes with Last-Event-ID by itself after a dropped connection;
// 'reset' means the resume point was too old (pages reload their data). Pages subscribe with
// live.on('ticket' | 'presence' | 'reset', fn) and get back an off() function.
export function startLive() {
  const subs = { ticket: new Set(), presence: new Set(), reset: new Set(), open: new Set() };
  let es = null;
  let retry = 1000;
  const emit = (name, data) => { for (const fn of subs[name]) { try { fn(data); } catch (e) { console.error(e); } } };
  function connect() {
    if (typeof EventSource === 'undefined') return;
    es = new EventSource('/api/v2/stream', { withCredentials: true });
    es.addEventListener('open', () => { retry = 1000; emit('open', null); });
    for (const name of ['ticket', 'presence']) {
      es.addEventListener(name, (m) => {
        let data = null;
        try { data = JSON.parse(m.data); } catch { return; }
        emit(name, data);
      });
    }
    es.addEventListener('reset', () => emit('reset', null));
    es.addEventListener('error', () => {
      // CLOSED: the server refused (e.g. 404 before the feed exists, or signed out): back off.
      if (es.readyState === EventSource.CLOSED) {
        setTimeout(connect, retry);
        retry = Math.min(retry * 2, 60000);
      }
    });
  }
  connect();
  return {
    on(name, fn) { subs[name].add(fn); return () => subs[name].delete(fn); },
    close() { if (es) es.close(); },
  };
}
