// admin/groups.js — #/admin/groups: groups (list, create, rename, delete) and their members
// (group memberships: add an agent, remove one).
import { h, mount } from '../dom.js';
import { t } from '../i18n.js';
import {
  frame, form, pagedTable, linkButton, yesNo, showError, confirmDialog, errorText, busy, all,
  focusTitle, uid,
} from './common.js';

const fields = [
  { name: 'name', label: 'admin.groups.name', required: true, maxlength: 255 },
  { name: 'description', label: 'admin.groups.description', type: 'textarea', rows: 3 },
  { name: 'default', label: 'admin.groups.default', type: 'checkbox' },
];
const toBody = (v) => ({ group: { name: v.name.trim(), description: v.description, default: v.default } });

function list(root, m, ctx) {
  const fr = frame(root, 'admin.groups.title', { actions: linkButton('#/admin/groups/new', 'admin.groups.new', 'button primary') });
  mount(fr.body, pagedTable(ctx.api, '/groups', 'groups', [
    { label: 'admin.groups.name', cell: (g) => h('a', { href: `#/admin/groups/${g.id}` }, g.name) },
    { label: 'admin.groups.description', cell: (g) => g.description || '' },
    { label: 'admin.groups.default', cell: (g) => yesNo(g.default) },
  ], { empty: 'admin.groups.none', testid: 'admin-groups', filter: (g) => !g.deleted }));
}

function create(root, m, ctx) {
  const fr = frame(root, 'admin.groups.new', { back: '#/admin/groups' });
  const f = form({
    fields, submitLabel: 'admin.create',
    onSubmit: async (v) => {
      const res = await ctx.api('POST', '/groups', toBody(v));
      ctx.toast(t('admin.groups.created', { name: res.group.name }));
      ctx.navigate(`#/admin/groups/${res.group.id}`);
    },
    onCancel: () => ctx.navigate('#/admin/groups'),
  });
  mount(fr.body, f.el);
  f.fields[0].focus();
}

// The members section: a list with "Remove" buttons and an "Add agent" picker.
function members(ctx, groupId, groupName) {
  const box = h('section', { class: 'admin-sub', 'aria-labelledby': 'adm-grp-members', 'data-testid': 'group-members' });
  const status = h('div', { role: 'status', 'aria-live': 'polite', class: 'admin-status' });
  const draw = async () => {
    let staff, ms;
    try {
      [staff, ms] = await Promise.all([
        all(ctx.api, '/users?role[]=agent&role[]=admin', 'users'),
        all(ctx.api, `/groups/${groupId}/memberships`, 'group_memberships'),
      ]);
    } catch (err) { return showError(box, err); }
    const byId = new Map(staff.map((u) => [u.id, u]));
    const inGroup = new Set(ms.map((x) => x.user_id));
    const pickId = uid('agent');
    const pick = h('select', { id: pickId },
      staff.filter((u) => !inGroup.has(u.id) && u.active !== false)
        .map((u) => h('option', { value: u.id }, `${u.name} <${u.email}>`)));
    const errBox = h('div', { class: 'field-error' });
    const add = h('button', { type: 'submit' }, t('admin.groups.add_member'));
    const addForm = h('form', { class: 'admin-inline', onsubmit: async (e) => {
      e.preventDefault();
      if (!pick.value) return;
      await busy(add, async () => {
        try {
          const u = byId.get(Number(pick.value));
          await ctx.api('POST', '/group_memberships', { group_membership: { user_id: Number(pick.value), group_id: groupId } });
          ctx.toast(t('admin.groups.member_added', { name: u ? u.name : pick.value, group: groupName }));
          await draw();
          box.querySelector('select')?.focus();
        } catch (err) { mount(errBox, h('p', { role: 'alert' }, errorText(err))); }
      });
    } }, h('label', { for: pickId }, t('admin.groups.agent')), pick, add, errBox);
    if (!pick.options.length) { pick.disabled = true; add.disabled = true; }
    const rows = ms.map((x) => {
      const u = byId.get(x.user_id);
      const name = u ? u.name : `#${x.user_id}`;
      const rm = h('button', { type: 'button', 'aria-label': t('admin.groups.remove_member_named', { name }), onclick: async () => {
        if (!(await confirmDialog(t('admin.groups.remove_confirm', { name, group: groupName }), 'admin.groups.remove_member'))) return;
        await busy(rm, async () => {
          try {
            await ctx.api('DELETE', `/group_memberships/${x.id}`);
            ctx.toast(t('admin.groups.member_removed', { name, group: groupName }));
            await draw();
          } catch (err) { mount(status, h('p', { role: 'alert' }, errorText(err))); }
        });
      } }, t('admin.groups.remove_member'));
      return h('li', { 'data-user-id': x.user_id }, h('span', {}, name, u ? ` <${u.email}>` : ''), ' ', rm);
    });
    mount(box, h('h2', { id: 'adm-grp-members' }, t('admin.groups.members'), ' ',
      h('span', { class: 'count' }, t('admin.groups.member_count', { count: ms.length }))),
    status,
    rows.length ? h('ul', { class: 'admin-members' }, rows) : h('p', { class: 'admin-empty' }, t('admin.groups.no_members')),
    addForm);
  };
  draw();
  return box;
}

async function edit(root, m, ctx) {
  const id = Number(m[1]);
  const fr = frame(root, 'admin.groups.edit', { back: '#/admin/groups' });
  let group;
  try { group = (await ctx.api('GET', `/groups/${id}`)).group; } catch (err) { return showError(fr.body, err); }
  fr.title.textContent = group.name;
  const f = form({
    fields, values: group,
    onSubmit: async (v) => {
      const res = await ctx.api('PUT', `/groups/${id}`, toBody(v));
      group = res.group;
      fr.title.textContent = group.name;
      ctx.toast(t('admin.saved'));
    },
  });
  const out = h('div');
  const del = h('button', { type: 'button', class: 'danger', onclick: async () => {
    if (!(await confirmDialog(t('admin.groups.delete_confirm', { name: group.name })))) return;
    await busy(del, async () => {
      try {
        await ctx.api('DELETE', `/groups/${id}`);
        ctx.toast(t('admin.deleted'));
        ctx.navigate('#/admin/groups');
      } catch (err) { mount(out, h('p', { role: 'alert', class: 'admin-error' }, errorText(err))); }
    });
  } }, t('admin.delete'));
  mount(fr.body, f.el, members(ctx, id, group.name), h('section', { class: 'admin-sub' }, del, out));
  focusTitle(fr);
}

export const groupRoutes = [
  { path: /^admin\/groups$/, render: list },
  { path: /^admin\/groups\/new$/, render: create },
  { path: /^admin\/groups\/(\d+)$/, render: edit },
];
