// ticket.js — the ticket page (#/tickets/:id): the conversation (public replies and internal
// notes told apart; customer HTML only inside <iframe sandbox srcdoc>), the reply/note editor
// with attachments and "Submit as <status>", the field controls, the requester card, the macro
// picker, the knowledge-base panel, presence and collision detection over the live feed.
// Opening a ticket costs 3 API calls: GET /tickets/:id?include=users,groups,organizations,
// GET /tickets/:id/comments?include=users and PUT /tickets/:id/presence.
import { h, mount } from './dom.js';
import { fmtDate, fmtNumber } from './i18n.js';
import { STATUSES, statusBadge } from './views.js';

const PRIORITIES = ['low', 'normal', 'high', 'urgent'];
const TYPES = ['question', 'incident', 'problem', 'task'];
const FORMATTING = /<(?!\/?(p|br)\b)[a-z]/i; // tags beyond paragraphs and line breaks

export const ticketRoutes = [
  { path: /^tickets\/(\d+)$/, render: (root, m, ctx) => renderTicket(root, Number(m[1]), ctx) },
];

function userName(users, id, t) {
  const u = users.get(id);
  return u ? u.name || u.email : t('agent.user_unknown', { id });
}

async function renderTicket(root, id, ctx) {
  const { t, api, me } = ctx;
  const state = {
    ticket: null, comments: [], users: new Map(), groups: new Map(), orgs: new Map(),
    stamp: null, dirty: new Set(), isPublic: true, uploads: [], sending: false, conflict: false,
  };

  const [tr, cr] = await Promise.all([
    api('GET', `/tickets/${id}?include=users,groups,organizations`),
    api('GET', `/tickets/${id}/comments?include=users&per_page=100`),
  ]);
  absorb(tr, cr);
  state.stamp = state.ticket.updated_at;

  // ---- layout ----
  const presenceEl = h('ul', { class: 'presence', 'data-testid': 'presence', 'aria-live': 'polite',
    'aria-label': t('agent.presence.label') });
  const collisionEl = h('div', { class: 'collision', 'data-testid': 'collision-warning', role: 'alert', hidden: true });
  const titleEl = h('h1', { class: 'ticket-title' });
  const conv = h('ol', { class: 'conversation', 'data-testid': 'conversation', 'aria-label': t('agent.ticket.conversation') });
  const fields = h('form', { class: 'fields', 'aria-label': t('agent.ticket.fields'), onsubmit: (e) => e.preventDefault() });
  const reqCard = h('section', { class: 'card requester', 'aria-labelledby': 'req-h' });
  const kbPanel = h('section', { class: 'card kb-panel', 'data-testid': 'kb-panel', 'aria-labelledby': 'kb-h' });

  // editor
  const modeReply = h('button', { type: 'button', class: 'tab', 'aria-pressed': 'true', onclick: () => setMode(true) }, t('agent.editor.public_reply'));
  const modeNote = h('button', { type: 'button', class: 'tab', 'aria-pressed': 'false', onclick: () => setMode(false) }, t('ticket.internal_note'));
  const textarea = h('textarea', { id: 'reply-body', rows: 6, oninput: onTyping });
  const fileInput = h('input', { id: 'reply-files', type: 'file', multiple: true, class: 'file-input', onchange: onFiles });
  const fileList = h('ul', { class: 'files' });
  const submitStatus = h('select', { id: 'submit-status', 'aria-label': t('ticket.submit_as'), onchange: () => { state.dirty.add('status'); paintSend(); } },
    STATUSES.filter(s => s !== 'new' && s !== 'closed').map(s => h('option', { value: s }, t('status.' + s))));
  const sendBtn = h('button', { type: 'submit', class: 'primary', 'data-testid': 'send' });
  const macroBtn = h('button', { type: 'button', 'aria-haspopup': 'dialog', 'aria-expanded': 'false', onclick: toggleMacros }, t('agent.macro.apply'));
  const macroBox = h('div', { class: 'macro-picker', 'data-testid': 'macro-picker', hidden: true, role: 'dialog', 'aria-label': t('agent.macro.title') });
  const textLabel = h('label', { for: 'reply-body' });
  const editor = h('form', { class: 'editor', 'data-testid': 'editor', onsubmit: (e) => { e.preventDefault(); send(); } },
    h('div', { class: 'tabs', role: 'group', 'aria-label': t('agent.editor.mode') }, modeReply, modeNote),
    textLabel, textarea,
    h('div', { class: 'editor-tools' },
      h('span', { class: 'file-pick' }, fileInput, h('label', { for: 'reply-files', class: 'file-label' }, t('agent.editor.attach'))),
      h('span', { class: 'macro-wrap' }, macroBtn, macroBox)),
    fileList,
    h('div', { class: 'send-row' }, h('span', { class: 'split' }, sendBtn, submitStatus)));

  mount(root, h('div', { class: 'ticket-page' },
    h('div', { class: 'ticket-head' },
      h('nav', { class: 'crumbs', 'aria-label': t('agent.ticket.nav') },
        ctx.list && ctx.list.viewHash ? h('a', { href: ctx.list.viewHash }, '← ', t('agent.ticket.back')) : null),
      titleEl, presenceEl),
    collisionEl,
    h('div', { class: 'ticket-cols' },
      h('aside', { class: 'col-fields' }, fields),
      h('div', { class: 'col-main' }, conv, editor),
      h('aside', { class: 'col-side' }, reqCard, kbPanel))));

  function absorb(tr, cr) {
    if (tr) {
      state.ticket = tr.ticket;
      for (const u of tr.users || []) state.users.set(u.id, u);
      for (const g of tr.groups || []) state.groups.set(g.id, g);
      for (const o of tr.organizations || []) state.orgs.set(o.id, o);
    }
    if (cr) {
      state.comments = cr.comments || [];
      for (const u of cr.users || []) state.users.set(u.id, u);
    }
  }

  // ---- header ----
  function paintHead() {
    const tk = state.ticket;
    mount(titleEl, h('span', { class: 'tid' }, '#' + fmtNumber(tk.id)), ' ', tk.subject || t('agent.ticket.no_subject'), ' ',
      statusBadge(t, tk.status));
    document.title = `#${tk.id} ${tk.subject || ''} — ${t('agent.title')}`;
  }

  // ---- conversation ----
  function commentEl(c) {
    const author = userName(state.users, c.author_id, t);
    const au = state.users.get(c.author_id);
    const staff = au && au.role !== 'end-user';
    const bodyText = h('div', { class: 'body text' }, c.body || c.plain_body || '');
    const bodyWrap = h('div', { class: 'body-wrap' }, bodyText);
    let toggle = null;
    if (c.html_body && FORMATTING.test(c.html_body)) {
      let formatted = false;
      toggle = h('button', { type: 'button', class: 'link', 'aria-pressed': 'false', onclick: () => {
        formatted = !formatted;
        toggle.setAttribute('aria-pressed', String(formatted));
        toggle.textContent = formatted ? t('agent.comment.show_text') : t('agent.comment.show_formatted');
        // no script may run in the frame, so it cannot size itself: estimate from the text
        const frame = h('iframe', { sandbox: '', class: 'html-body', title: t('agent.comment.formatted_title', { name: author }),
          srcdoc: '<!doctype html><meta charset="utf-8"><base target="_blank">' + c.html_body, referrerpolicy: 'no-referrer' });
        const lines = (c.body || '').split('\n').reduce((n, l) => n + 1 + Math.floor(l.length / 90), 0);
        frame.style.height = Math.min(Math.max(lines * 1.6 + 4, 8), 36) + 'rem';
        mount(bodyWrap, formatted ? frame : bodyText);
      } }, t('agent.comment.show_formatted'));
    }
    const atts = (c.attachments || []).map(a => h('li', {}, h('a', { href: a.content_url, download: a.file_name, rel: 'noopener' },
      a.file_name), ' ', h('span', { class: 'muted' }, fmtSize(a.size))));
    return h('li', { class: 'comment ' + (c.public ? 'public' : 'internal') + (staff ? ' staff' : ' customer'),
      'data-testid': 'comment', 'data-public': String(!!c.public), 'data-id': c.id },
    h('div', { class: 'meta' },
      h('strong', { class: 'author' }, author),
      h('span', { class: 'kind' }, c.public ? t('agent.comment.public') : t('agent.comment.internal')),
      h('time', { datetime: c.created_at }, fmtDate(c.created_at)),
      toggle),
    bodyWrap,
    atts.length ? h('ul', { class: 'attachments', 'aria-label': t('agent.comment.attachments') }, atts) : null);
  }

  function paintConversation() {
    const known = new Set([...conv.children].map(li => Number(li.dataset.id)));
    let added = 0;
    for (const c of state.comments) {
      if (known.has(c.id)) continue;
      conv.append(commentEl(c));
      added++;
    }
    return added;
  }

  // ---- fields ----
  let lookups = { groups: [], agents: [] };
  function paintFields() {
    const tk = state.ticket;
    // never rebuild the controls under the agent's hands (a live refresh while editing a field)
    if (fields.contains(document.activeElement) && fields.querySelector('#f-status')) { paintSend(); return; }
    const field = (name, label, control) => h('div', { class: 'field' }, h('label', { for: 'f-' + name }, label), control);
    const select = (name, value, opts, allowEmpty) => {
      const s = h('select', { id: 'f-' + name, name, onchange: () => {
        state.dirty.add(name);
        if (name === 'status' && [...submitStatus.options].some(o => o.value === s.value)) submitStatus.value = s.value;
        paintSend();
      } },
        allowEmpty ? h('option', { value: '' }, allowEmpty) : null,
        opts.map(([v, l]) => h('option', { value: String(v), selected: String(value ?? '') === String(v) }, l)));
      if (value === null || value === undefined) s.value = '';
      return s;
    };
    const agents = [...lookups.agents];
    if (tk.assignee_id && !agents.some(a => a.id === tk.assignee_id)) {
      agents.push({ id: tk.assignee_id, name: userName(state.users, tk.assignee_id, t) });
    }
    const groups = [...lookups.groups];
    if (tk.group_id && !groups.some(g => g.id === tk.group_id)) {
      const g = state.groups.get(tk.group_id);
      groups.push({ id: tk.group_id, name: g ? g.name : '#' + tk.group_id });
    }
    const tags = h('input', { id: 'f-tags', name: 'tags', type: 'text', value: (tk.tags || []).join(' '), autocomplete: 'off',
      oninput: () => state.dirty.add('tags') });
    const cfs = (tk.custom_fields || []).map(cf => field('cf-' + cf.id, t('agent.ticket.custom_field', { id: cf.id }),
      h('input', { id: 'f-cf-' + cf.id, name: 'cf-' + cf.id, type: 'text', value: cf.value === null ? '' : String(cf.value),
        oninput: () => state.dirty.add('custom_fields') })));
    const keep = new Map();
    for (const name of state.dirty) {
      const el = fields.querySelector('#f-' + name);
      if (el) keep.set(name, el.value);
    }
    mount(fields,
      h('h2', { class: 'sr-only' }, t('agent.ticket.fields')),
      field('status', t('ticket.status'), select('status', tk.status, STATUSES.map(s => [s, t('status.' + s)]))),
      field('priority', t('ticket.priority'), select('priority', tk.priority, PRIORITIES.map(s => [s, t('priority.' + s)]), '—')),
      field('type', t('ticket.type'), select('type', tk.type, TYPES.map(s => [s, t('type.' + s)]), '—')),
      field('assignee_id', t('ticket.assignee'), select('assignee_id', tk.assignee_id, agents.map(a => [a.id, a.name]), t('agent.unassigned'))),
      field('group_id', t('ticket.group'), select('group_id', tk.group_id, groups.map(g => [g.id, g.name]), '—')),
      field('tags', t('ticket.tags'), tags),
      cfs,
      h('p', { class: 'muted small' }, t('agent.ticket.created', { date: fmtDate(tk.created_at) }), h('br'),
        t('agent.ticket.updated', { date: fmtDate(tk.updated_at) })));
    for (const [name, v] of keep) { const el = fields.querySelector('#f-' + name); if (el) el.value = v; }
    if (!state.dirty.has('status')) {
      const next = tk.status === 'new' ? 'open' : tk.status === 'closed' ? 'solved' : tk.status;
      submitStatus.value = next;
    }
    paintSend();
  }

  function fieldChanges() {
    const out = {};
    const val = (n) => fields.querySelector('#f-' + n).value;
    for (const n of state.dirty) {
      if (n === 'status') continue; // the status comes from "Submit as"
      if (n === 'tags') out.tags = val('tags').split(/[\s,]+/).filter(Boolean);
      else if (n === 'assignee_id' || n === 'group_id') out[n] = val(n) ? Number(val(n)) : null;
      else if (n === 'priority' || n === 'type') out[n] = val(n) || null;
      else if (n === 'custom_fields') {
        out.custom_fields = (state.ticket.custom_fields || []).map(cf => ({ id: cf.id, value: val('cf-' + cf.id) || null }));
      }
    }
    return out;
  }

  // ---- requester card ----
  function paintRequester() {
    const tk = state.ticket;
    const u = state.users.get(tk.requester_id);
    const org = tk.organization_id ? state.orgs.get(tk.organization_id) : (u && u.organization_id ? state.orgs.get(u.organization_id) : null);
    const others = h('div', { class: 'others' });
    const det = h('details', { ontoggle: async () => {
      if (!det.open || others.dataset.loaded) return;
      others.dataset.loaded = '1';
      mount(others, h('p', { class: 'muted' }, t('agent.loading')));
      try {
        const r = await api('GET', `/users/${tk.requester_id}/tickets/requested?per_page=10&sort_by=updated_at&sort_order=desc`);
        const list = (r.tickets || []).filter(x => x.id !== tk.id);
        mount(others, list.length ? h('ul', { class: 'plain' }, list.map(x => h('li', {},
          h('a', { href: '#/tickets/' + x.id }, '#' + x.id + ' ' + (x.subject || '')), ' ', statusBadge(t, x.status))))
          : h('p', { class: 'muted' }, t('agent.requester.no_others')));
      } catch { mount(others, h('p', { class: 'error' }, t('agent.error.generic'))); }
    } }, h('summary', {}, t('agent.requester.other_tickets')), others);
    mount(reqCard,
      h('h2', { id: 'req-h' }, t('ticket.requester')),
      h('p', { class: 'req-name' }, u ? u.name : t('agent.user_unknown', { id: tk.requester_id })),
      u && u.email ? h('p', {}, h('a', { href: 'mailto:' + u.email }, u.email)) : null,
      org ? h('p', {}, t('agent.requester.organization'), ': ', h('strong', {}, org.name)) : null,
      u && u.locale ? h('p', { class: 'muted small' }, t('agent.requester.language'), ': ', u.locale) : null,
      det);
  }

  // ---- editor ----
  function setMode(pub) {
    state.isPublic = pub;
    modeReply.setAttribute('aria-pressed', String(pub));
    modeNote.setAttribute('aria-pressed', String(!pub));
    editor.classList.toggle('note', !pub);
    textLabel.textContent = pub ? t('agent.editor.reply_label') : t('agent.editor.note_label');
    textarea.placeholder = pub ? t('agent.editor.reply_placeholder') : t('agent.editor.note_placeholder');
    paintSend();
  }

  function paintClosed() {
    const closed = state.ticket.status === 'closed';
    editor.hidden = closed;
    fields.querySelectorAll('select, input').forEach(el => { el.disabled = closed; });
    if (closed && !closedNote.isConnected) editor.before(closedNote);
    if (!closed) closedNote.remove();
  }
  const closedNote = h('p', { class: 'closed-note', role: 'note' }, t('agent.ticket.closed'));

  function paintSend() {
    const sf = fields.querySelector('#f-status');
    if (sf && state.dirty.has('status')) sf.value = submitStatus.value;
    sendBtn.textContent = t('agent.editor.submit_as', { status: t('status.' + submitStatus.value) });
    sendBtn.disabled = state.sending;
  }

  async function onFiles() {
    for (const f of fileInput.files) {
      const item = h('li', {}, f.name, ' ', h('span', { class: 'muted' }, t('agent.editor.uploading')));
      fileList.append(item);
      try {
        const r = await api('POST', '/uploads?filename=' + encodeURIComponent(f.name), { raw: f, type: f.type || 'application/octet-stream' });
        const tok = r.upload && r.upload.token;
        state.uploads.push({ token: tok, name: f.name });
        mount(item, f.name, ' ', h('span', { class: 'muted' }, fmtSize(f.size)), ' ',
          h('button', { type: 'button', class: 'link', 'aria-label': t('agent.editor.remove_file', { name: f.name }), onclick: () => {
            state.uploads = state.uploads.filter(u => u.token !== tok); item.remove();
          } }, '×'));
      } catch (err) {
        mount(item, f.name, ' ', h('span', { class: 'error' }, t('agent.editor.upload_failed', { reason: err.message })));
      }
    }
    fileInput.value = '';
  }

  async function send() {
    if (state.sending) return;
    const text = textarea.value.trim();
    const changes = fieldChanges();
    const status = submitStatus.value;
    const body = { ticket: { ...changes, status, safe_update: true, updated_stamp: state.stamp } };
    if (text || state.uploads.length) {
      body.ticket.comment = { body: text || t('agent.editor.attachment_only'), public: state.isPublic };
      if (state.uploads.length) body.ticket.comment.uploads = state.uploads.map(u => u.token);
    }
    state.sending = true;
    paintSend();
    try {
      const r = await api('PUT', `/tickets/${id}`, body);
      textarea.value = '';
      state.uploads = [];
      mount(fileList);
      state.dirty.clear();
      hideCollision();
      ctx.toast(t('agent.editor.sent', { status: t('status.' + status) }));
      state.ticket = r.ticket || state.ticket;
      await reload(true);
      putPresence('viewing');
      ctx.refreshCounts();
    } catch (err) {
      if (err.status === 409) {
        await reload(false);
        showCollision(null, true);
      } else {
        ctx.toast(t('agent.error.save', { reason: err.message }), 'error');
      }
    } finally {
      state.sending = false;
      paintSend();
    }
  }

  // ---- collision ----
  function showCollision(actorId, conflict) {
    const who = actorId ? userName(state.users, actorId, t) : null;
    const ack = h('button', { type: 'button', onclick: () => { state.stamp = state.ticket.updated_at; hideCollision(); textarea.focus(); } },
      t('agent.collision.reviewed'));
    mount(collisionEl, h('p', {}, conflict ? t('agent.collision.conflict') :
      who ? t('agent.collision.replied', { name: who }) : t('agent.collision.changed')), ack);
    collisionEl.hidden = false;
    if (conflict) state.stamp = state.ticket.updated_at; // reviewed on screen; the next send may go
  }
  function hideCollision() { collisionEl.hidden = true; mount(collisionEl); }

  // Refetches the ticket and comments (live event or after sending). own: our own change.
  async function reload(own) {
    const [tr2, cr2] = await Promise.all([
      api('GET', `/tickets/${id}?include=users,groups,organizations`),
      api('GET', `/tickets/${id}/comments?include=users&per_page=100`),
    ]);
    absorb(tr2, cr2);
    if (own) state.stamp = state.ticket.updated_at;
    paintHead();
    paintFields();
    paintClosed();
    const added = paintConversation();
    if (added && !own) conv.lastElementChild.scrollIntoView({ block: 'nearest' });
  }

  // ---- presence ----
  let typingUntil = 0;
  let lastState = '';
  async function putPresence(s) {
    lastState = s;
    try {
      const r = await api('PUT', `/tickets/${id}/presence`, { presence: { state: s } });
      if (r && r.presence) paintPresence(r.presence.viewers);
    } catch { /* the feed is optional */ }
  }
  function onTyping() {
    const now = Date.now();
    if (lastState !== 'typing' || now > typingUntil - 5000) putPresence('typing');
    typingUntil = now + 8000;
  }
  function paintPresence(viewers) {
    const others = (viewers || []).filter(v => v.user_id !== me.id);
    mount(presenceEl, others.map(v => h('li', { class: 'viewer ' + v.state, 'data-user-id': v.user_id },
      v.state === 'typing' ? t('agent.presence.typing', { name: v.name }) : t('agent.presence.viewing', { name: v.name }))));
  }
  const beat = setInterval(() => putPresence(Date.now() < typingUntil ? 'typing' : 'viewing'), 10000);
  ctx.onLeave(() => { clearInterval(beat); putPresence('left'); });
  // closing the tab: say goodbye without waiting for the answer (the entry expires anyway)
  const bye = () => api('PUT', `/tickets/${id}/presence`, { presence: { state: 'left' } }, { keepalive: true }).catch(() => {});
  window.addEventListener('pagehide', bye);
  ctx.onLeave(() => window.removeEventListener('pagehide', bye));

  // ---- live ----
  let liveTimer = null;
  let pendingActor = null;
  ctx.onLeave(ctx.live.on('ticket', (ev) => {
    if (ev.ticket_id !== id) return;
    if (ev.actor_id && ev.actor_id !== me.id) pendingActor = pendingActor || { id: ev.actor_id, comment: ev.kind === 'comment.added' };
    else if (ev.kind === 'comment.added' && pendingActor) pendingActor.comment = true;
    clearTimeout(liveTimer);
    liveTimer = setTimeout(async () => {
      const who = pendingActor;
      pendingActor = null;
      if (!who || state.sending) return;
      try {
        await reload(false);
        showCollision(who.id, false);
      } catch { /* next event retries */ }
    }, 150);
  }));
  ctx.onLeave(ctx.live.on('presence', (ev) => { if (ev.ticket_id === id) paintPresence(ev.viewers); }));
  ctx.onLeave(ctx.live.on('reset', () => reload(false).catch(() => {})));
  ctx.onLeave(() => clearTimeout(liveTimer));

  // ---- macros ----
  let macroSearch = null;
  function toggleMacros() {
    if (!macroBox.hidden) return closeMacros();
    macroBox.hidden = false;
    macroBtn.setAttribute('aria-expanded', 'true');
    const input = h('input', { id: 'macro-q', type: 'search', autocomplete: 'off', oninput: () => {
      clearTimeout(macroSearch);
      macroSearch = setTimeout(() => loadMacros(input.value.trim()), 200);
    }, onkeydown: (e) => {
      if (e.key === 'Escape') { e.stopPropagation(); closeMacros(); macroBtn.focus(); }
      if (e.key === 'ArrowDown') { e.preventDefault(); const b = macroBox.querySelector('li button'); if (b) b.focus(); }
    } });
    const list = h('ul', { class: 'macro-list', id: 'macro-list' });
    mount(macroBox, h('label', { for: 'macro-q' }, t('agent.macro.search')), input, list);
    input.focus();
    loadMacros('');
  }
  function closeMacros() { macroBox.hidden = true; macroBtn.setAttribute('aria-expanded', 'false'); mount(macroBox); }
  async function loadMacros(q) {
    const list = macroBox.querySelector('#macro-list');
    if (!list) return;
    try {
      const r = await api('GET', q ? '/macros/search?query=' + encodeURIComponent(q) : '/macros/active');
      const ms = (r.macros || []).filter(m => m.active !== false);
      mount(list, ms.length ? ms.map(m => h('li', {}, h('button', { type: 'button', class: 'macro', 'data-macro-id': m.id,
        onclick: () => applyMacro(m), onkeydown: (e) => {
          const li = e.target.parentElement;
          if (e.key === 'ArrowDown' && li.nextElementSibling) { e.preventDefault(); li.nextElementSibling.firstChild.focus(); }
          if (e.key === 'ArrowUp') { e.preventDefault(); (li.previousElementSibling ? li.previousElementSibling.firstChild : macroBox.querySelector('input')).focus(); }
          if (e.key === 'Escape') { e.stopPropagation(); closeMacros(); macroBtn.focus(); }
        } }, m.title, m.restriction ? h('span', { class: 'muted small' }, ' · ', t('agent.macro.personal')) : null)))
        : h('li', { class: 'muted' }, t('agent.macro.none')));
    } catch (err) {
      mount(list, h('li', { class: 'error' }, t('agent.error.generic')));
    }
  }
  async function applyMacro(m) {
    try {
      const r = await api('GET', `/tickets/${id}/macros/${m.id}/apply`);
      const res = r.result || {};
      const tk = res.ticket || {};
      const set = (name, v) => {
        const el = fields.querySelector('#f-' + name);
        if (!el) return;
        if (name === 'tags') el.value = (Array.isArray(v) ? v : String(v || '').split(/\s+/)).join(' ');
        else {
          const sv = v === null || v === undefined ? '' : String(v);
          if (el.tagName === 'SELECT' && sv && ![...el.options].some(o => o.value === sv)) el.append(h('option', { value: sv }, userName(state.users, Number(sv), t)));
          el.value = sv;
        }
        state.dirty.add(name);
      };
      for (const k of ['priority', 'type', 'assignee_id', 'group_id', 'tags']) if (k in tk) set(k, tk[k]);
      if (tk.status) { submitStatus.value = tk.status === 'new' ? 'open' : tk.status === 'closed' ? 'solved' : tk.status; state.dirty.add('status'); }
      if (res.comment && res.comment.body) {
        setMode(res.comment.public !== false);
        const cur = textarea.value;
        textarea.value = cur ? cur.replace(/\s*$/, '\n\n') + res.comment.body : res.comment.body;
        textarea.scrollTop = 0;
      }
      closeMacros();
      paintSend();
      textarea.focus();
      ctx.toast(t('agent.macro.applied', { name: m.title }));
    } catch (err) {
      ctx.toast(t('agent.error.save', { reason: err.message }), 'error');
    }
  }

  // ---- knowledge base ----
  function paintKb() {
    const input = h('input', { id: 'kb-q', type: 'search', autocomplete: 'off', value: '' });
    const results = h('ul', { class: 'kb-results', 'aria-live': 'polite' });
    const form = h('form', { role: 'search', onsubmit: async (e) => {
      e.preventDefault();
      const q = input.value.trim();
      if (!q) return;
      mount(results, h('li', { class: 'muted' }, t('agent.loading')));
      try {
        const r = await api('GET', '/help_center/articles/search?query=' + encodeURIComponent(q));
        const arts = r.results || [];
        mount(results, arts.length ? arts.slice(0, 8).map(a => h('li', {},
          h('a', { href: a.html_url, target: '_blank', rel: 'noopener' }, a.title),
          a.snippet ? h('p', { class: 'small muted' }, stripTags(a.snippet)) : null,
          h('div', { class: 'kb-actions' },
            h('button', { type: 'button', class: 'small', onclick: () => insert(a.title + ': ' + absUrl(a.html_url)) }, t('agent.kb.insert_link')),
            h('button', { type: 'button', class: 'small', onclick: () => insertText(a) }, t('agent.kb.insert_text')))))
          : h('li', { class: 'muted' }, t('agent.kb.none')));
      } catch {
        mount(results, h('li', { class: 'error' }, t('agent.error.generic')));
      }
    } }, h('label', { for: 'kb-q' }, t('agent.kb.search')), h('div', { class: 'row' }, input,
      h('button', { type: 'submit' }, t('nav.search'))));
    mount(kbPanel, h('h2', { id: 'kb-h' }, t('kb.title')), form, results);
  }
  function insert(s) {
    const cur = textarea.value;
    textarea.value = cur ? cur.replace(/\s*$/, '\n\n') + s : s;
    textarea.focus();
  }
  async function insertText(a) {
    try {
      const r = await api('GET', `/help_center/articles/${a.id}`);
      const art = r.article || {};
      insert((art.title || a.title) + '\n\n' + (art.body_markdown || stripTags(art.body || '')) + '\n\n' + absUrl(a.html_url));
    } catch (err) {
      ctx.toast(t('agent.error.generic'), 'error');
    }
  }

  // ---- shortcuts ----
  const goto = (d) => {
    const ids = (ctx.list && ctx.list.ids) || [];
    const i = ids.indexOf(id);
    const next = ids[i + d];
    if (i >= 0 && next) ctx.navigate('#/tickets/' + next);
  };
  ctx.keys = {
    j: () => goto(1), k: () => goto(-1),
    r: () => { setMode(true); textarea.focus(); },
    n: () => { setMode(false); textarea.focus(); },
    submit: () => send(),
    escape: () => { if (!macroBox.hidden) { closeMacros(); macroBtn.focus(); } },
  };

  paintHead();
  paintConversation();
  setMode(true);
  paintFields();
  paintClosed();
  paintRequester();
  paintKb();
  putPresence('viewing');
  ctx.lookups().then(l => { lookups = l; paintFields(); paintClosed(); });
}

function fmtSize(n) {
  if (!n && n !== 0) return '';
  const units = ['byte', 'kilobyte', 'megabyte', 'gigabyte'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
  return new Intl.NumberFormat(document.documentElement.lang || 'en',
    { style: 'unit', unit: units[i], unitDisplay: 'short', maximumFractionDigits: 1 }).format(n);
}

function stripTags(s) {
  return new DOMParser().parseFromString(String(s), 'text/html').body.textContent || '';
}

function absUrl(u) {
  try { return new URL(u, location.origin).href; } catch { return u; }
}
