// admin/rulesets.js — #/admin/macros and #/admin/views: list (with activate/deactivate and
// delete), create and edit, for the Zendesk-shaped /api/v2/macros and /api/v2/views. Both share
// one page builder; they differ in their rules (macro actions vs view conditions + sort).
import { h, mount } from '../dom.js';
import { t } from '../i18n.js';
import {
  frame, form, linkButton, yesNo, showError, confirmDialog, errorText, busy, all, table,
  staffOptions, groupOptions, focusTitle,
} from './common.js';
import { conditionsEditor, actionsEditor } from './rules.js';

const SORTS = ['updated_at', 'created_at', 'id', 'priority', 'status'];

const KINDS = {
  macros: {
    path: '/macros', key: 'macros', root: 'macro', prefix: 'admin.macros',
    rules: (opts) => [{ name: 'actions', label: null, type: 'custom', render: actionsEditor(opts) }],
    rulesBody: (v) => ({ actions: v.actions }),
    defaults: { active: true, actions: [{ field: 'comment_value', value: '' }] },
    summary: (x) => t('admin.macros.action_count', { count: (x.actions || []).length }),
  },
  views: {
    path: '/views', key: 'views', root: 'view', prefix: 'admin.views',
    rules: (opts) => [
      { name: 'conditions', label: null, type: 'custom', render: conditionsEditor(opts) },
      { name: 'sort_by', label: 'admin.views.sort_by', type: 'select', errorKeys: ['execution', 'execution.sort_by'],
        options: SORTS.map((s) => [s, t(`admin.views.sort.${s}`)]) },
      { name: 'sort_order', label: 'admin.views.sort_order', type: 'select', errorKeys: ['execution.sort_order'],
        options: [['desc', t('admin.views.desc')], ['asc', t('admin.views.asc')]] },
    ],
    rulesBody: (v) => ({ conditions: v.conditions, execution: { sort_by: v.sort_by, sort_order: v.sort_order } }),
    defaults: { active: true, conditions: { all: [{ field: 'status', operator: 'less_than', value: 'solved' }], any: [] },
      sort_by: 'updated_at', sort_order: 'desc' },
    summary: (x) => t('admin.views.condition_count',
      { count: ((x.conditions && x.conditions.all) || []).length + ((x.conditions && x.conditions.any) || []).length }),
  },
};

const ownerOf = (x) => (x.restriction && x.restriction.type === 'User' ? x.restriction.id : null);

function fieldsFor(k, opts, me, rec) {
  const owner = rec ? ownerOf(rec) : null;
  const avail = [['shared', t('admin.rules.shared')], ['me', t('admin.rules.only_me')]];
  if (owner && owner !== me.id) {
    const who = opts.staff.find(([id]) => id === owner);
    avail.push([`user:${owner}`, t('admin.rules.only_user', { name: who ? who[1] : `#${owner}` })]);
  }
  return [
    { name: 'title', label: `${k.prefix}.name`, required: true, maxlength: 255 },
    { name: 'description', label: 'admin.rules.description', type: 'textarea', rows: 2 },
    { name: 'active', label: 'admin.rules.active', type: 'checkbox' },
    { name: 'availability', label: 'admin.rules.availability', type: 'select', options: avail, errorKeys: ['restriction'] },
    ...k.rules(opts),
  ];
}

function toValues(k, rec, me) {
  const owner = ownerOf(rec);
  const v = { ...rec, availability: owner ? (owner === me.id ? 'me' : `user:${owner}`) : 'shared' };
  if (rec.execution) { v.sort_by = rec.execution.sort_by; v.sort_order = rec.execution.sort_order; }
  return v;
}

function toBody(k, v, me) {
  let restriction = null;
  if (v.availability === 'me') restriction = { type: 'User', id: me.id };
  else if (v.availability.startsWith('user:')) restriction = { type: 'User', id: Number(v.availability.slice(5)) };
  return { [k.root]: { title: v.title.trim(), description: v.description, active: v.active, restriction, ...k.rulesBody(v) } };
}

async function loadOpts(api) {
  const [staff, groups] = await Promise.all([staffOptions(api), groupOptions(api)]);
  return { staff, groups };
}

function listPage(kind) {
  const k = KINDS[kind];
  return async (root, m, ctx) => {
    const fr = frame(root, `${k.prefix}.title`, { actions: linkButton(`#/admin/${kind}/new`, `${k.prefix}.new`, 'button primary') });
    const out = h('div');
    const draw = async () => {
      let rows;
      try { rows = await all(ctx.api, k.path, k.key); } catch (err) { return showError(fr.body, err); }
      rows.sort((a, b) => (a.position ?? 0) - (b.position ?? 0) || a.id - b.id);
      mount(fr.body, out, table([
        { label: `${k.prefix}.name`, cell: (x) => h('a', { href: `#/admin/${kind}/${x.id}` }, x.title) },
        { label: 'admin.rules.availability', cell: (x) => (ownerOf(x) ? t('admin.rules.personal') : t('admin.rules.shared')) },
        { label: 'admin.rules.rules', cell: (x) => k.summary(x) },
        { label: 'admin.rules.active', cell: (x) => yesNo(x.active) },
        { label: null, cell: (x) => {
          const toggle = h('button', { type: 'button', 'aria-pressed': x.active ? 'true' : 'false',
            'aria-label': t(x.active ? 'admin.rules.deactivate_named' : 'admin.rules.activate_named', { name: x.title }),
            onclick: () => busy(toggle, async () => {
              try {
                await ctx.api('PUT', `${k.path}/${x.id}`, { [k.root]: { active: !x.active } });
                ctx.toast(t(x.active ? 'admin.rules.deactivated' : 'admin.rules.activated', { name: x.title }));
                await draw();
              } catch (err) { mount(out, h('p', { role: 'alert', class: 'admin-error' }, errorText(err))); }
            }) }, t(x.active ? 'admin.rules.deactivate' : 'admin.rules.activate'));
          const del = h('button', { type: 'button', class: 'danger', 'aria-label': t('admin.delete_named', { name: x.title }),
            onclick: async () => {
              if (!(await confirmDialog(t('admin.rules.delete_confirm', { name: x.title })))) return;
              await busy(del, async () => {
                try {
                  await ctx.api('DELETE', `${k.path}/${x.id}`);
                  ctx.toast(t('admin.deleted'));
                  await draw();
                } catch (err) { mount(out, h('p', { role: 'alert', class: 'admin-error' }, errorText(err))); }
              });
            } }, t('admin.delete'));
          return h('span', { class: 'row-actions' }, toggle, ' ', del);
        } },
      ], rows, { empty: `${k.prefix}.none`, testid: `admin-${kind}` }));
    };
    await draw();
  };
}

function editPage(kind, isNew) {
  const k = KINDS[kind];
  return async (root, m, ctx) => {
    const fr = frame(root, isNew ? `${k.prefix}.new` : `${k.prefix}.edit`, { back: `#/admin/${kind}` });
    let opts, rec = null;
    try {
      opts = await loadOpts(ctx.api);
      if (!isNew) rec = (await ctx.api('GET', `${k.path}/${Number(m[1])}`))[k.root];
    } catch (err) { return showError(fr.body, err); }
    if (rec) fr.title.textContent = rec.title;
    const f = form({
      fields: fieldsFor(k, opts, ctx.me, rec),
      values: rec ? toValues(k, rec, ctx.me) : { ...k.defaults, availability: 'shared' },
      submitLabel: isNew ? 'admin.create' : 'common.save',
      onSubmit: async (v) => {
        const body = toBody(k, v, ctx.me);
        if (isNew) {
          const res = await ctx.api('POST', k.path, body);
          ctx.toast(t('admin.rules.created', { name: res[k.root].title }));
          ctx.navigate(`#/admin/${kind}`);
        } else {
          const res = await ctx.api('PUT', `${k.path}/${rec.id}`, body);
          fr.title.textContent = res[k.root].title;
          ctx.toast(t('admin.saved'));
        }
      },
      onCancel: () => ctx.navigate(`#/admin/${kind}`),
    });
    mount(fr.body, f.el);
    if (isNew) f.fields[0].focus(); else focusTitle(fr);
  };
}

export const macroRoutes = [
  { path: /^admin\/macros$/, render: listPage('macros') },
  { path: /^admin\/macros\/new$/, render: editPage('macros', true) },
  { path: /^admin\/macros\/(\d+)$/, render: editPage('macros', false) },
];
export const viewRoutes = [
  { path: /^admin\/views$/, render: listPage('views') },
  { path: /^admin\/views\/new$/, render: editPage('views', true) },
  { path: /^admin\/views\/(\d+)$/, render: editPage('views', false) },
];
