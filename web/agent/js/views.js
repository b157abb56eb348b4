// views.js — the ticket lists: a view's tickets (#/views/:id) with sortable columns, keyboard
// cursor (j/k, o, x), multi-select and the bulk bar (PUT /tickets/update_many), live refresh;
// and the search results page (#/search?q=) with the /api/v2/search query syntax.
import { h, mount } from './dom.js';
import { fmtDate, fmtNumber } from './i18n.js';

const STATUSES = ['new', 'open', 'pending', 'hold', 'solved', 'closed'];
const SORTABLE = { id: 'id', status: 'status', priority: 'priority', updated: 'updated_at',
  created: 'created_at' };

// The six seeded views until /api/v2/views answers (search queries with the same meaning).
const FALLBACK = [
  { id: 1, q: 'assignee:me status<solved' },
  { id: 2, q: 'assignee:none status<solved' },
  { id: 3, q: 'status<solved' },
  { id: 4, q: 'status:pending' },
  { id: 5, q: 'status:hold' },
  { id: 6, q: 'status:solved order_by:updated sort:desc' },
];

export async function loadViews(ctx) {
  try {
    const r = await ctx.api('GET', '/views/active');
    const list = (r.views || []).slice().sort((a, b) => (a.position ?? 0) - (b.position ?? 0) || a.id - b.id);
    return list;
  } catch {
    return FALLBACK.map(v => ({ id: v.id, fallback: v.q, title: null }));
  }
}

export function viewTitle(v) {
  const key = 'agent.view.' + v.id;
  if (v.id >= 1 && v.id <= 6 && (v.fallback || !v.title || SEEDED_EN[v.id] === v.title)) return tr(key);
  return v.title || tr(key);
}
// Seeded titles (English in the DB): translated by id only while an admin has not renamed them.
const SEEDED_EN = { 1: 'My open tickets', 2: 'Unassigned tickets in my groups',
  3: 'All open tickets in my groups', 4: 'Pending', 5: 'On hold', 6: 'Recently solved' };
let tr = (k) => k;

export async function countViews(ctx, views) {
  tr = ctx.t;
  const out = {};
  if (views.length && views[0].fallback) {
    await Promise.all(views.map(async v => {
      const r = await ctx.api('GET', '/search/count?query=' + encodeURIComponent(v.fallback));
      out[v.id] = r.count;
    }));
    return out;
  }
  const r = await ctx.api('GET', '/views/count_many?ids=' + views.map(v => v.id).join(','));
  for (const c of r.view_counts || []) out[c.view_id] = c.value;
  return out;
}

export const listRoutes = [
  { path: /^views\/(\d+)(?:\?(.*))?$/, render: (root, m, ctx) => renderList(root, ctx, { viewId: Number(m[1]), params: new URLSearchParams(m[2] || '') }) },
  { path: /^search(?:\?(.*))?$/, render: (root, m, ctx) => renderList(root, ctx, { params: new URLSearchParams(m[1] || '') }) },
];

function statusBadge(t, s) {
  return h('span', { class: 'badge st-' + s, title: t('status.' + s) }, t('status.' + s));
}

async function renderList(root, ctx, opt) {
  const { t, api } = ctx;
  tr = t;
  const p = opt.params;
  const sortBy = p.get('sort_by') || '';
  const sortOrder = p.get('sort_order') || '';
  const page = Math.max(1, Number(p.get('page') || 1));
  const isSearch = !opt.viewId;
  const q = p.get('q') || '';
  const box = document.getElementById('global-search');
  if (box && isSearch) box.value = q;
  const base = isSearch ? '#/search' : '#/views/' + opt.viewId;
  const hashFor = (over) => {
    const np = new URLSearchParams(p);
    for (const [k, v] of Object.entries(over)) { if (v) np.set(k, v); else np.delete(k); }
    const s = np.toString();
    return base + (s ? '?' + s : '');
  };

  const heading = h('h1', { id: 'list-title' }, isSearch ? t('agent.search.results_for', { query: q }) : '');
  const summary = h('p', { class: 'muted', 'aria-live': 'polite' });
  const tbody = h('tbody');
  const bulk = h('div', { class: 'bulk-bar', 'data-testid': 'bulk-bar', hidden: true, role: 'region',
    'aria-label': t('agent.bulk.title') });
  const pager = h('nav', { class: 'pager', 'aria-label': t('agent.list.pages') });
  const selected = new Set();
  let rows = [];
  let cursor = -1;
  let users = new Map();
  let groups = new Map();
  let view = null;

  const col = (key, label) => {
    const field = SORTABLE[key];
    if (!field || isSearch && key === 'id') return h('th', { scope: 'col' }, label);
    const active = sortBy === field;
    const nextOrder = active && sortOrder !== 'desc' ? 'desc' : 'asc';
    return h('th', { scope: 'col', 'aria-sort': active ? (sortOrder === 'desc' ? 'descending' : 'ascending') : null },
      h('a', { href: hashFor({ sort_by: field, sort_order: nextOrder, page: null }), class: 'sort' }, label,
        active ? (sortOrder === 'desc' ? ' ▼' : ' ▲') : ''));
  };
  const allBox = h('input', { type: 'checkbox', id: 'select-all', 'aria-label': t('agent.list.select_all'),
    onchange: () => { for (const r of rows) { if (allBox.checked) selected.add(r.id); else selected.delete(r.id); } paint(); } });
  const table = h('table', { class: 'tickets', 'aria-labelledby': 'list-title' },
    h('thead', {}, h('tr', {}, h('th', { scope: 'col', class: 'sel' }, allBox), col('id', '#'),
      h('th', { scope: 'col' }, t('ticket.subject')), h('th', { scope: 'col', class: 'hide-sm' }, t('ticket.requester')),
      col('status', t('ticket.status')), col('priority', t('ticket.priority')),
      h('th', { scope: 'col', class: 'hide-sm' }, t('ticket.assignee')), h('th', { scope: 'col', class: 'hide-md' }, t('ticket.group')),
      col('updated', t('agent.list.updated')))),
    tbody);
  mount(root, h('div', { class: 'list-head' }, heading, summary), bulk, table, pager);

  async function load() {
    const qs = new URLSearchParams({ page: String(page), per_page: '50', include: 'users,groups' });
    if (sortBy) qs.set('sort_by', sortBy);
    if (sortOrder) qs.set('sort_order', sortOrder);
    let r;
    if (isSearch) {
      if (!q) { r = { results: [], count: 0 }; } else {
        qs.set('query', q);
        r = await api('GET', '/search?' + qs);
      }
    } else {
      const views = await loadViewsCached(ctx);
      view = views.find(v => v.id === opt.viewId) || null;
      if (view && view.fallback) {
        qs.set('query', view.fallback);
        r = await api('GET', '/search?' + qs);
        r.tickets = r.results;
      } else {
        r = await api('GET', '/views/' + opt.viewId + '/tickets?' + qs);
      }
      heading.textContent = view ? viewTitle(view) : t('agent.view.' + opt.viewId);
    }
    const list = isSearch ? (r.results || []) : (r.tickets || []);
    users = new Map((r.users || []).map(u => [u.id, u]));
    groups = new Map((r.groups || []).map(g => [g.id, g]));
    rows = list.filter(x => !x.result_type || x.result_type === 'ticket');
    const others = list.filter(x => x.result_type && x.result_type !== 'ticket');
    const total = r.count ?? rows.length;
    summary.textContent = t('count.tickets', { count: total });
    for (const id of [...selected]) if (!rows.some(x => x.id === id)) selected.delete(id);
    cursor = Math.min(cursor, rows.length - 1);
    ctx.list = { ids: rows.map(x => x.id), viewHash: location.hash };
    mount(tbody, rows.length ? rows.map(rowFor) :
      h('tr', {}, h('td', { colspan: 9, class: 'empty' }, t('agent.list.empty'))));
    if (others.length) {
      tbody.append(...others.map(o => h('tr', { class: 'other' }, h('td'), h('td'),
        h('td', { colspan: 7 }, t('agent.search.type.' + o.result_type), ': ', o.name || o.email || String(o.id),
          o.email && o.name ? ' <' + o.email + '>' : ''))));
    }
    const pages = [];
    if (r.previous_page || page > 1) pages.push(h('a', { href: hashFor({ page: String(page - 1) }) }, t('agent.list.prev_page')));
    if (r.next_page) pages.push(h('a', { href: hashFor({ page: String(page + 1) }) }, t('agent.list.next_page')));
    mount(pager, pages);
    paint();
  }

  function rowFor(tk) {
    const req = users.get(tk.requester_id);
    const asg = users.get(tk.assignee_id);
    const grp = groups.get(tk.group_id);
    const box = h('input', { type: 'checkbox', 'aria-label': t('agent.list.select', { id: tk.id }),
      checked: selected.has(tk.id),
      onchange: () => { if (box.checked) selected.add(tk.id); else selected.delete(tk.id); paint(); } });
    return h('tr', { 'data-testid': 'ticket-row', 'data-id': tk.id, class: 'prio-' + (tk.priority || 'none') },
      h('td', { class: 'sel' }, box),
      h('td', { class: 'num' }, fmtNumber(tk.id)),
      h('td', { class: 'subj' }, h('a', { href: '#/tickets/' + tk.id }, tk.subject || t('agent.ticket.no_subject'))),
      h('td', { class: 'hide-sm' }, req ? req.name : ''),
      h('td', {}, statusBadge(t, tk.status)),
      h('td', {}, tk.priority ? t('priority.' + tk.priority) : '—'),
      h('td', { class: 'hide-sm' }, asg ? asg.name : h('span', { class: 'muted' }, t('agent.unassigned'))),
      h('td', { class: 'hide-md' }, grp ? grp.name : ''),
      h('td', { class: 'date' }, h('time', { datetime: tk.updated_at }, fmtDate(tk.updated_at, { dateStyle: 'short', timeStyle: 'short' }))));
  }

  function paint() {
    tbody.querySelectorAll('tr[data-testid="ticket-row"]').forEach((tr, i) => {
      const id = Number(tr.dataset.id);
      tr.classList.toggle('selected', selected.has(id));
      tr.classList.toggle('cursor', i === cursor);
      const cb = tr.querySelector('input[type=checkbox]');
      if (cb) cb.checked = selected.has(id);
    });
    allBox.checked = rows.length > 0 && rows.every(r => selected.has(r.id));
    renderBulk();
  }

  let bulkBuilt = false;
  async function renderBulk() {
    bulk.hidden = selected.size === 0;
    if (bulk.hidden) { bulkBuilt = false; mount(bulk); return; }
    if (bulkBuilt) { bulk.querySelector('.bulk-count').textContent = t('agent.bulk.selected', { count: selected.size }); return; }
    bulkBuilt = true;
    const { groups: gl, agents } = await ctx.lookups();
    const sel = (id, label, opts) => [h('label', { for: id }, label),
      h('select', { id }, h('option', { value: '' }, t('agent.bulk.no_change')), opts)];
    const tagsAdd = h('input', { id: 'bulk-tags-add', type: 'text', autocomplete: 'off' });
    const tagsRem = h('input', { id: 'bulk-tags-remove', type: 'text', autocomplete: 'off' });
    mount(bulk,
      h('span', { class: 'bulk-count' }, t('agent.bulk.selected', { count: selected.size })),
      h('div', { class: 'field' }, sel('bulk-status', t('ticket.status'), STATUSES.filter(s => s !== 'new' && s !== 'closed').map(s => h('option', { value: s }, t('status.' + s))))),
      h('div', { class: 'field' }, sel('bulk-assignee', t('ticket.assignee'), [h('option', { value: 'none' }, t('agent.unassigned')),
        ...agents.map(a => h('option', { value: String(a.id) }, a.name))])),
      h('div', { class: 'field' }, sel('bulk-group', t('ticket.group'), gl.map(g => h('option', { value: String(g.id) }, g.name)))),
      h('div', { class: 'field' }, h('label', { for: 'bulk-tags-add' }, t('agent.bulk.add_tags')), tagsAdd),
      h('div', { class: 'field' }, h('label', { for: 'bulk-tags-remove' }, t('agent.bulk.remove_tags')), tagsRem),
      h('button', { type: 'button', class: 'primary', onclick: applyBulk }, t('agent.bulk.apply')),
      h('button', { type: 'button', onclick: () => { selected.clear(); paint(); } }, t('agent.bulk.clear')));
  }

  async function applyBulk() {
    const body = {};
    const v = (id) => bulk.querySelector('#' + id).value.trim();
    if (v('bulk-status')) body.status = v('bulk-status');
    if (v('bulk-assignee')) body.assignee_id = v('bulk-assignee') === 'none' ? null : Number(v('bulk-assignee'));
    if (v('bulk-group')) body.group_id = Number(v('bulk-group'));
    const add = v('bulk-tags-add').split(/[\s,]+/).filter(Boolean);
    const rem = v('bulk-tags-remove').split(/[\s,]+/).filter(Boolean);
    if (add.length) body.additional_tags = add;
    if (rem.length) body.remove_tags = rem;
    if (!Object.keys(body).length) { ctx.toast(t('agent.bulk.nothing')); return; }
    const ids = [...selected];
    try {
      const r = await api('PUT', '/tickets/update_many?ids=' + ids.join(','), { ticket: body });
      const results = (r.job_status && r.job_status.results) || [];
      const failed = results.filter(x => !x.success).length;
      ctx.toast(failed ? t('agent.bulk.partial', { count: failed }) : t('agent.bulk.done', { count: ids.length }), failed ? 'warn' : null);
      selected.clear();
      await load();
      ctx.refreshCounts();
    } catch (err) {
      ctx.toast(t('agent.error.save', { reason: err.message }), 'error');
    }
  }

  const move = (d) => {
    if (!rows.length) return;
    cursor = Math.max(0, Math.min(rows.length - 1, cursor + d));
    paint();
    const tr = tbody.querySelectorAll('tr[data-testid="ticket-row"]')[cursor];
    if (tr) { tr.scrollIntoView({ block: 'nearest' }); tr.querySelector('a').focus(); }
  };
  ctx.keys = {
    j: () => move(1), k: () => move(-1),
    o: () => { if (rows[cursor]) ctx.navigate('#/tickets/' + rows[cursor].id); },
    x: () => { const r = rows[cursor]; if (!r) return; if (selected.has(r.id)) selected.delete(r.id); else selected.add(r.id); paint(); },
  };

  // Live: reload when a ticket is created or changes (debounced; selection and cursor survive).
  let timer = null;
  const soon = () => { clearTimeout(timer); timer = setTimeout(() => load().catch(() => {}), 300); };
  ctx.onLeave(ctx.live.on('ticket', soon));
  ctx.onLeave(ctx.live.on('reset', soon));
  ctx.onLeave(() => clearTimeout(timer));
  await load();
}

let viewsP = null;
function loadViewsCached(ctx) {
  if (!viewsP) viewsP = loadViews(ctx);
  return viewsP;
}

export { STATUSES, statusBadge, fmtNumber };
