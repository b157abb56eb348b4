// admin/users.js — #/admin/users: agents and end-users. A list with search (GET /users/search)
// and a role filter (GET /users?role=), a create form, and an edit page (name, e-mail, role,
// language, organization, active) with a password reset and deactivation.
import { h, mount } from '../dom.js';
import { t } from '../i18n.js';
import {
  frame, form, pagedTable, linkButton, yesNo, LOCALES, localeName, orgOptions, showError, when,
  confirmDialog, errorText, busy, focusTitle,
} from './common.js';

const ROLES = ['end-user', 'agent', 'admin'];
const roleName = (r) => t(`admin.role.${r}`);

function userFields(orgs, isNew) {
  return [
    { name: 'name', label: 'admin.users.name', required: true, maxlength: 255 },
    { name: 'email', label: 'admin.users.email', type: 'email', required: isNew },
    { name: 'role', label: 'admin.users.role', type: 'select', options: ROLES.map((r) => [r, roleName(r)]), default: 'end-user' },
    { name: 'locale', label: 'admin.users.locale', type: 'select', default: 'en',
      options: LOCALES.map((l) => [l, localeName(l)]) },
    { name: 'organization_id', label: 'admin.users.organization', type: 'select',
      options: [['', t('admin.none')], ...orgs] },
    ...(isNew ? [] : [{ name: 'active', label: 'admin.users.active', type: 'checkbox' }]),
  ];
}

function toBody(v) {
  const user = { name: v.name.trim(), role: v.role, locale: v.locale,
    organization_id: v.organization_id ? Number(v.organization_id) : null };
  if (v.email.trim()) user.email = v.email.trim();
  if ('active' in v) user.active = v.active;
  return { user };
}

function parseQuery(s) {
  const p = new URLSearchParams(s || '');
  return { query: p.get('query') || '', role: ROLES.includes(p.get('role')) ? p.get('role') : '' };
}

async function list(root, m, ctx) {
  const q = parseQuery(m[1]);
  const fr = frame(root, 'admin.users.title', { actions: linkButton('#/admin/users/new', 'admin.users.new', 'button primary') });
  const input = h('input', { id: 'adm-user-q', type: 'search', value: q.query, name: 'query', autocomplete: 'off' });
  const role = h('select', { id: 'adm-user-role', name: 'role' },
    h('option', { value: '' }, t('admin.users.all_roles')), ROLES.map((r) => h('option', { value: r }, roleName(r))));
  role.value = q.role;
  const search = h('form', { class: 'admin-filter', role: 'search', onsubmit: (e) => {
    e.preventDefault();
    const p = new URLSearchParams();
    if (input.value.trim()) p.set('query', input.value.trim());
    if (role.value) p.set('role', role.value);
    ctx.navigate('#/admin/users' + (p.toString() ? '?' + p : ''));
  } },
  h('label', { for: 'adm-user-q' }, t('admin.users.search')), input,
  h('label', { for: 'adm-user-role' }, t('admin.users.role')), role,
  h('button', { type: 'submit' }, t('admin.search')));
  let path;
  if (q.query) path = '/users/search?query=' + encodeURIComponent(q.query);
  else path = '/users' + (q.role ? '?role=' + q.role : '');
  const columns = [
    { label: 'admin.users.name', cell: (u) => h('a', { href: `#/admin/users/${u.id}` }, u.name) },
    { label: 'admin.users.email', cell: (u) => u.email || '' },
    { label: 'admin.users.role', cell: (u) => roleName(u.role) },
    { label: 'admin.users.active', cell: (u) => yesNo(u.active) },
    { label: 'admin.users.last_login', cell: (u) => when(u.last_login_at) },
  ];
  mount(fr.body, search, pagedTable(ctx.api, path, 'users', columns, {
    empty: 'admin.users.none', testid: 'admin-users',
    filter: q.query && q.role ? (u) => u.role === q.role : null,
  }));
}

async function create(root, m, ctx) {
  const fr = frame(root, 'admin.users.new', { back: '#/admin/users' });
  let orgs = [];
  try { orgs = await orgOptions(ctx.api); } catch (err) { return showError(fr.body, err); }
  const f = form({
    fields: userFields(orgs, true), submitLabel: 'admin.create',
    onSubmit: async (v) => {
      const res = await ctx.api('POST', '/users', toBody(v));
      ctx.toast(t('admin.users.created', { name: res.user.name }));
      ctx.navigate(`#/admin/users/${res.user.id}`);
    },
    onCancel: () => ctx.navigate('#/admin/users'),
  });
  mount(fr.body, f.el);
  f.fields[0].focus();
}

async function edit(root, m, ctx) {
  const id = Number(m[1]);
  const fr = frame(root, 'admin.users.edit', { back: '#/admin/users' });
  let user, orgs;
  try {
    [user, orgs] = await Promise.all([ctx.api('GET', `/users/${id}`).then((b) => b.user), orgOptions(ctx.api)]);
  } catch (err) { return showError(fr.body, err); }
  fr.title.textContent = user.name;
  const f = form({
    fields: userFields(orgs, false), values: { ...user, locale: LOCALES.includes(user.locale) ? user.locale : 'en' },
    onSubmit: async (v) => {
      const res = await ctx.api('PUT', `/users/${id}`, toBody(v));
      fr.title.textContent = res.user.name;
      ctx.toast(t('admin.saved'));
    },
  });
  // password reset
  const pw = form({
    fields: [{ name: 'password', label: 'admin.users.new_password', type: 'password', required: true,
      autocomplete: 'new-password', help: 'admin.users.password_help' }],
    submitLabel: 'admin.users.set_password',
    onSubmit: async (v) => {
      await ctx.api('POST', `/users/${id}/password`, { password: v.password });
      pw.get('password').set('');
      ctx.toast(t('admin.users.password_set'));
    },
  });
  const delOut = h('div');
  const deactivate = h('button', { type: 'button', class: 'danger', onclick: async () => {
    if (!(await confirmDialog(t('admin.users.deactivate_confirm', { name: user.name }), 'admin.users.deactivate'))) return;
    await busy(deactivate, async () => {
      try {
        await ctx.api('DELETE', `/users/${id}`);
        ctx.toast(t('admin.users.deactivated', { name: user.name }));
        ctx.navigate('#/admin/users');
      } catch (err) { mount(delOut, h('p', { role: 'alert', class: 'admin-error' }, errorText(err))); }
    });
  } }, t('admin.users.deactivate'));
  mount(fr.body, f.el,
    h('section', { class: 'admin-sub', 'aria-labelledby': 'adm-pw-h' }, h('h2', { id: 'adm-pw-h' }, t('admin.users.password')), pw.el),
    user.id !== ctx.me.id && user.active
      ? h('section', { class: 'admin-sub', 'aria-labelledby': 'adm-del-h' },
        h('h2', { id: 'adm-del-h' }, t('admin.users.deactivate')), h('p', {}, t('admin.users.deactivate_help')), deactivate, delOut)
      : null);
  focusTitle(fr);
}

export const userRoutes = [
  { path: /^admin\/users(?:\?(.*))?$/, render: list },
  { path: /^admin\/users\/new$/, render: create },
  { path: /^admin\/users\/(\d+)$/, render: edit },
];
