// app.js — the agent workspace entry point: session check, sign-in, the shell (sidebar,
// header) and the hash router (#/tickets/12, #/views/3, #/admin/users ...).
//
// Page contract (used by js/admin/index.js and the workspace pages):
//   route = { path: RegExp matched against the hash without "#/", render(root, match, ctx) }
//   ctx   = { me, api, t, navigate(hash), toast(text) }   me: the signed-in user record
// Pages build their DOM with h() from dom.js and strings with t() from i18n.js.
import { api, setCsrf, ApiError } from './api.js';
import { t, loadLang, pickLang } from './i18n.js';
import { h, mount } from './dom.js';
import { adminRoutes, adminNav } from './admin/index.js';

const root = document.getElementById('app');
const ctx = { me: null, api, t, navigate, toast };
const routes = [...adminRoutes];

export function navigate(hash) { location.hash = hash; }

export function toast(text) {
  const el = h('div', { class: 'toast', role: 'status' }, text);
  document.body.append(el);
  setTimeout(() => el.remove(), 4000);
}

async function start() {
  let session = null;
  try { session = (await api('GET', '/sessions/current')).session; } catch { session = null; }
  if (!session || !session.user || session.role === 'end-user') {
    await loadLang(pickLang(null));
    return signIn();
  }
  setCsrf(session.csrf_token);
  ctx.me = session.user;
  await loadLang(pickLang(ctx.me.locale));
  window.addEventListener('hashchange', route);
  route();
}

function signIn(error) {
  const email = h('input', { id: 'email', type: 'email', autocomplete: 'username', required: true });
  const pass = h('input', { id: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const form = h('form', { class: 'signin', onsubmit: async (e) => {
    e.preventDefault();
    try {
      await api('POST', '/sessions', { session: { email: email.value, password: pass.value } });
      location.reload();
    } catch (err) {
      signIn(err instanceof ApiError && err.status === 429 ? t('auth.too_many') : t('auth.failed'));
    }
  } },
  h('h1', {}, 'Helpo'),
  error ? h('p', { class: 'error', role: 'alert' }, error) : null,
  h('label', { for: 'email' }, t('auth.email')), email,
  h('label', { for: 'password' }, t('auth.password')), pass,
  h('button', { type: 'submit' }, t('auth.sign_in')));
  mount(root, form);
  email.focus();
}

function shell(main) {
  const nav = h('nav', { class: 'sidebar', 'aria-label': t('nav.views') },
    ctx.me.role === 'admin' ? adminNav.map(n => h('a', { href: n.href }, t(n.label))) : null);
  mount(root, nav, main);
}

async function route() {
  const path = location.hash.replace(/^#\/?/, '');
  const main = h('main', { id: 'main', tabindex: '-1' });
  shell(main);
  for (const r of routes) {
    const m = path.match(r.path);
    if (m) return r.render(main, m, ctx);
  }
  mount(main, h('h1', {}, t('nav.views')));
}

start();
