// admin/orgs.js — #/admin/orgs: organizations (Zendesk's Organizations API): list, create, edit
// (name, domains, details, notes, shared tickets/comments), members, delete with confirmation.
import { h, mount } from '../dom.js';
import { t } from '../i18n.js';
import {
  frame, form, pagedTable, linkButton, yesNo, showError, confirmDialog, errorText, busy, focusTitle,
} from './common.js';

const fields = [
  { name: 'name', label: 'admin.orgs.name', required: true, maxlength: 255 },
  { name: 'domain_names', label: 'admin.orgs.domains', help: 'admin.orgs.domains_help' },
  { name: 'details', label: 'admin.orgs.details', type: 'textarea', rows: 3 },
  { name: 'notes', label: 'admin.orgs.notes', type: 'textarea', rows: 3 },
  { name: 'shared_tickets', label: 'admin.orgs.shared_tickets', type: 'checkbox' },
  { name: 'shared_comments', label: 'admin.orgs.shared_comments', type: 'checkbox' },
];

const toBody = (v) => ({ organization: {
  name: v.name.trim(),
  domain_names: v.domain_names.split(/[\s,]+/).filter(Boolean),
  details: v.details, notes: v.notes, shared_tickets: v.shared_tickets, shared_comments: v.shared_comments,
} });
const toValues = (o) => ({ ...o, domain_names: (o.domain_names || []).join(', ') });

function list(root, m, ctx) {
  const fr = frame(root, 'admin.orgs.title', { actions: linkButton('#/admin/orgs/new', 'admin.orgs.new', 'button primary') });
  mount(fr.body, pagedTable(ctx.api, '/organizations', 'organizations', [
    { label: 'admin.orgs.name', cell: (o) => h('a', { href: `#/admin/orgs/${o.id}` }, o.name) },
    { label: 'admin.orgs.domains', cell: (o) => (o.domain_names || []).join(', ') },
    { label: 'admin.orgs.shared_tickets', cell: (o) => yesNo(o.shared_tickets) },
  ], { empty: 'admin.orgs.none', testid: 'admin-orgs' }));
}

function create(root, m, ctx) {
  const fr = frame(root, 'admin.orgs.new', { back: '#/admin/orgs' });
  const f = form({
    fields, submitLabel: 'admin.create',
    onSubmit: async (v) => {
      const res = await ctx.api('POST', '/organizations', toBody(v));
      ctx.toast(t('admin.orgs.created', { name: res.organization.name }));
      ctx.navigate(`#/admin/orgs/${res.organization.id}`);
    },
    onCancel: () => ctx.navigate('#/admin/orgs'),
  });
  mount(fr.body, f.el);
  f.fields[0].focus();
}

async function edit(root, m, ctx) {
  const id = Number(m[1]);
  const fr = frame(root, 'admin.orgs.edit', { back: '#/admin/orgs' });
  let org;
  try { org = (await ctx.api('GET', `/organizations/${id}`)).organization; } catch (err) { return showError(fr.body, err); }
  fr.title.textContent = org.name;
  const f = form({
    fields, values: toValues(org),
    onSubmit: async (v) => {
      const res = await ctx.api('PUT', `/organizations/${id}`, toBody(v));
      fr.title.textContent = res.organization.name;
      ctx.toast(t('admin.saved'));
    },
  });
  const out = h('div');
  const del = h('button', { type: 'button', class: 'danger', onclick: async () => {
    if (!(await confirmDialog(t('admin.orgs.delete_confirm', { name: org.name })))) return;
    await busy(del, async () => {
      try {
        await ctx.api('DELETE', `/organizations/${id}`);
        ctx.toast(t('admin.deleted'));
        ctx.navigate('#/admin/orgs');
      } catch (err) { mount(out, h('p', { role: 'alert', class: 'admin-error' }, errorText(err))); }
    });
  } }, t('admin.delete'));
  mount(fr.body, f.el,
    h('section', { class: 'admin-sub', 'aria-labelledby': 'adm-org-members' },
      h('h2', { id: 'adm-org-members' }, t('admin.orgs.members')),
      pagedTable(ctx.api, `/organizations/${id}/users`, 'users', [
        { label: 'admin.users.name', cell: (u) => h('a', { href: `#/admin/users/${u.id}` }, u.name) },
        { label: 'admin.users.email', cell: (u) => u.email || '' },
      ], { empty: 'admin.orgs.no_members' })),
    h('section', { class: 'admin-sub' }, del, out));
  focusTitle(fr);
}

export const orgRoutes = [
  { path: /^admin\/orgs$/, render: list },
  { path: /^admin\/orgs\/new$/, render: create },
  { path: /^admin\/orgs\/(\d+)$/, render: edit },
];
