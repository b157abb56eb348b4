// app.js — the agent workspace entry point: session check, sign-in, the shell (header with
// search, sidebar with views and counts), the hash router (#/views/3, #/tickets/12,
// #/search?q=, #/settings, #/admin/...), the live feed and the global keyboard shortcuts.
//
// Page contract (used by js/admin/index.js and the workspace pages):
//   route = { path: RegExp matched against the hash without "#/", render(root, match, ctx) }
//   ctx   = { me, api, t, navigate(hash), toast(text) }   me: the signed-in user record
// Pages build their DOM with h() from dom.js and strings with t() from i18n.js.
// Workspace pages also use (additions, optional for admin pages):
//   ctx.live.on(name, fn) -> off()   name: 'ticket' | 'presence' | 'reset' (see live feed)
//   ctx.lookups() -> Promise<{groups, agents}>   cached lists for the field controls
//   ctx.keys = {j, k, r, n, ...}     the current page's shortcut handlers (reset per route)
//   ctx.onLeave(fn)                  run when the route changes (presence 'left', timers)
//   ctx.refreshCounts()              refresh the view counts in the sidebar
//   ctx.list = {ids: [...], viewHash} the last ticket list shown (j/k on the ticket page)
import { api, setCsrf, ApiError } from './api.js';
import { t, loadLang, pickLang } from './i18n.js';
import { h, mount } from './dom.js';
import { adminRoutes, adminNav } from './admin/index.js';
import { listRoutes, loadViews, countViews, viewTitle } from './views.js';
import { ticketRoutes } from './ticket.js';
import { settingsRoutes } from './settings.js';
import { startLive } from './live.js';

const root = document.getElementById('app');
const ctx = {
  me: null, api, t, navigate, toast, keys: {}, list: null,
  live: { on: () => () => {} },
  lookups, onLeave, refreshCounts,
};
const routes = [...listRoutes, ...ticketRoutes, ...settingsRoutes, ...adminRoutes];
let leaveFns = [];
let views = [];
let viewNav = null;
let mainEl = null;
let searchInput = null;

export function navigate(hash) { location.hash = hash; }

export function toast(text, kind) {
  let box = document.getElementById('toasts');
  if (!box) {
    box = h('div', { id: 'toasts', class: 'toasts', role: 'status', 'aria-live': 'polite' });
    document.body.append(box);
  }
  const el = h('div', { class: 'toast' + (kind ? ' ' + kind : '') }, text);
  box.append(el);
  setTimeout(() => el.remove(), 5000);
}

function onLeave(fn) { leaveFns.push(fn); }

let lookupP = null;
function lookups() {
  if (!lookupP) {
    lookupP = Promise.all([
      api('GET', '/groups?per_page=100').then(r => r.groups || []).catch(() => []),
      api('GET', '/users?role[]=agent&role[]=admin&per_page=100').then(r => r.users || [])
        .catch(() => []),
    ]).then(([groups, agents]) => ({ groups, agents }));
  }
  return lookupP;
}

async function start() {
  let session = null;
  try { session = (await api('GET', '/sessions/current')).session; } catch { session = null; }
  if (!session || !session.user || session.role === 'end-user') {
    await loadLang(pickLang(null));
    return signIn(session && session.role === 'end-user' ? t('agent.signin.not_staff') : null);
  }
  setCsrf(session.csrf_token);
  ctx.me = session.user;
  await loadLang(pickLang(ctx.me.locale));
  document.title = t('agent.title');
  ctx.live = startLive();
  ctx.live.on('ticket', ev => {
    if (ev.kind === 'ticket.created' || ev.kind === 'ticket.updated' ||
        ev.kind === 'comment.added') countsSoon();
  });
  ctx.live.on('reset', () => countsSoon());
  buildShell();
  window.addEventListener('hashchange', route);
  document.addEventListener('keydown', onKey);
  await refreshViews();
  route();
  lookups(); // the field controls' lists, once per session (not per ticket)
}

function signIn(error) {
  const email = h('input', { id: 'email', type: 'email', autocomplete: 'username', required: true });
  const pass = h('input', { id: 'password', type: 'password', autocomplete: 'current-password',
    required: true });
  const remember = h('input', { id: 'remember', type: 'checkbox' });
  const form = h('form', { class: 'signin', onsubmit: async (e) => {
    e.preventDefault();
    try {
      await api('POST', '/sessions', { session: { email: email.value, password: pass.value,
        remember_me: remember.checked } });
      location.reload();
    } catch (err) {
      signIn(err instanceof ApiError && err.status === 429 ? t('auth.too_many') : t('auth.failed'));
    }
  } },
  h('h1', {}, t('agent.title')),
  error ? h('p', { class: 'error', role: 'alert' }, error) : null,
  h('label', { for: 'email' }, t('auth.email')), email,
  h('label', { for: 'password' }, t('auth.password')), pass,
  h('div', { class: 'check' }, remember, h('label', { for: 'remember' }, t('agent.signin.remember'))),
  h('button', { type: 'submit', class: 'primary' }, t('auth.sign_in')));
  mount(root, h('main', { class: 'signin-page' }, form));
  email.focus();
}

async function signOut() {
  try { await api('DELETE', '/sessions/current'); } catch { /* already gone */ }
  location.hash = '';
  location.reload();
}
ctx.signOut = signOut;

function buildShell() {
  searchInput = h('input', { id: 'global-search', type: 'search', 'data-testid': 'search',
    placeholder: t('agent.search.placeholder'), autocomplete: 'off' });
  const searchForm = h('form', { class: 'search-form', role: 'search', onsubmit: (e) => {
    e.preventDefault();
    const q = searchInput.value.trim();
    if (q) navigate('#/search?q=' + encodeURIComponent(q));
  } }, h('label', { for: 'global-search', class: 'sr-only' }, t('nav.search')), searchInput);
  const header = h('header', { class: 'topbar' },
    h('a', { class: 'skip', href: '#main', onclick: (e) => { e.preventDefault(); mainEl.focus(); } },
      t('agent.skip')),
    h('a', { class: 'brand', href: '#/' }, t('agent.title')),
    searchForm,
    h('div', { class: 'who' },
      h('button', { type: 'button', class: 'ghost', 'aria-label': t('agent.shortcuts.title'),
        title: t('agent.shortcuts.title'), onclick: showHelp }, '?'),
      h('a', { href: '#/settings' }, ctx.me.name || ctx.me.email),
      h('button', { type: 'button', class: 'ghost', onclick: signOut }, t('auth.sign_out'))));
  viewNav = h('ul', { class: 'views', 'data-testid': 'view-list' });
  const side = h('nav', { class: 'sidebar', 'aria-label': t('nav.views') },
    h('h2', {}, t('nav.views')), viewNav,
    ctx.me.role === 'admin' && adminNav.length ? [
      h('h2', {}, t('agent.nav.admin')),
      h('ul', { class: 'admin-nav' }, adminNav.map(n => h('li', {}, h('a', { href: n.href }, t(n.label))))),
    ] : null);
  mainEl = h('main', { id: 'main', tabindex: '-1' });
  mount(root, header, h('div', { class: 'layout' }, side, mainEl));
}

async function refreshViews() {
  views = await loadViews(ctx);
  renderViewNav();
  refreshCounts();
}

function renderViewNav(counts = {}) {
  const cur = location.hash.match(/^#\/views\/(\d+)/);
  mount(viewNav, views.map(v => {
    const c = counts[v.id];
    return h('li', {}, h('a', {
      href: '#/views/' + v.id, 'data-view-id': v.id,
      'aria-current': cur && Number(cur[1]) === v.id ? 'page' : null,
    }, h('span', { class: 'vt' }, viewTitle(v)),
    c === undefined ? null : h('span', { class: 'count', 'aria-label': t('count.tickets', { count: c }),
      title: t('count.tickets', { count: c }) }, String(c))));
  }));
}

let countsTimer = null;
function countsSoon() {
  clearTimeout(countsTimer);
  countsTimer = setTimeout(refreshCounts, 400);
}

let lastCounts = {};
async function refreshCounts() {
  if (!views.length) return;
  try {
    lastCounts = await countViews(ctx, views);
  } catch { /* keep the old counts */ }
  renderViewNav(lastCounts);
}

async function route() {
  for (const fn of leaveFns) { try { fn(); } catch { /* ignore */ } }
  leaveFns = [];
  ctx.keys = {};
  closeHelp();
  const path = location.hash.replace(/^#\/?/, '');
  if (!path && views.length) return navigate('#/views/' + views[0].id);
  renderViewNav(lastCounts);
  const main = h('main', { id: 'main', tabindex: '-1' });
  mainEl.replaceWith(main);
  mainEl = main;
  for (const r of routes) {
    const m = path.match(r.path);
    if (m) {
      try {
        await r.render(main, m, ctx);
      } catch (err) {
        mount(main, h('p', { class: 'error', role: 'alert' },
          err instanceof ApiError && err.status === 404 ? t('agent.error.not_found') : t('agent.error.generic')));
      }
      return;
    }
  }
  mount(main, h('h1', {}, t('agent.error.not_found')));
}

// ---- keyboard shortcuts ----
let gPending = 0;
function typingTarget(el) {
  return el && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName));
}

function onKey(e) {
  if (e.key === 'Escape') {
    if (closeHelp()) return;
    if (ctx.keys.escape) ctx.keys.escape(e);
    return;
  }
  if ((e.ctrlKey || e.metaKey) && e.key === 'Enter') {
    if (ctx.keys.submit) { e.preventDefault(); ctx.keys.submit(e); }
    return;
  }
  if (e.ctrlKey || e.metaKey || e.altKey || typingTarget(e.target)) return;
  if (e.key === '?') { e.preventDefault(); showHelp(); return; }
  if (e.key === '/') { e.preventDefault(); searchInput.focus(); searchInput.select(); return; }
  if (e.key === 'g') { gPending = Date.now(); return; }
  if (e.key === 'v' && Date.now() - gPending < 1500) {
    gPending = 0;
    const first = viewNav.querySelector('a');
    const last = ctx.list && ctx.list.viewHash;
    const target = last && last.startsWith('#/views/') ? last : first && first.getAttribute('href');
    if (target) navigate(target);
    return;
  }
  const fn = ctx.keys[e.key];
  if (fn) { e.preventDefault(); fn(e); }
}

let helpEl = null;
let helpReturn = null;
function showHelp() {
  if (helpEl) return;
  const rows = [
    ['j', 'agent.shortcuts.next'], ['k', 'agent.shortcuts.prev'], ['o', 'agent.shortcuts.open'],
    ['x', 'agent.shortcuts.select'], ['r', 'agent.shortcuts.reply'], ['n', 'agent.shortcuts.note'],
    ['Ctrl + Enter', 'agent.shortcuts.submit'], ['g v', 'agent.shortcuts.views'],
    ['/', 'agent.shortcuts.search'], ['?', 'agent.shortcuts.help'], ['Esc', 'agent.shortcuts.close'],
  ];
  const close = h('button', { type: 'button', onclick: closeHelp }, t('agent.close'));
  helpReturn = document.activeElement;
  helpEl = h('div', { class: 'overlay', onclick: (e) => { if (e.target === helpEl) closeHelp(); } },
    h('div', { class: 'dialog', role: 'dialog', 'aria-modal': 'true', 'aria-labelledby': 'sc-title',
      'data-testid': 'shortcut-help' },
    h('h2', { id: 'sc-title' }, t('agent.shortcuts.title')),
    h('table', { class: 'keys' }, h('tbody', {}, rows.map(([k, label]) =>
      h('tr', {}, h('td', {}, h('kbd', {}, k)), h('td', {}, t(label)))))),
    close));
  document.body.append(helpEl);
  close.focus();
}

function closeHelp() {
  if (!helpEl) return false;
  helpEl.remove();
  helpEl = null;
  if (helpReturn && helpReturn.focus) helpReturn.focus();
  return true;
}

start();
