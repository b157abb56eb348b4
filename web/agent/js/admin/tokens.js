// admin/tokens.js — #/admin/tokens: API tokens. List (never the secret), create (the secret is
// shown once, with a copy button), revoke with confirmation.
import { h, mount } from '../dom.js';
import { t } from '../i18n.js';
import { frame, form, showError, confirmDialog, errorText, busy, all, table, when, staffOptions, uid } from './common.js';

// The once-only secret, with a copy button and a warning.
function secretBox(token) {
  const id = uid('secret');
  const input = h('input', { id, type: 'text', readonly: true, value: token.token, class: 'mono', 'data-testid': 'token-secret', spellcheck: 'false' });
  const copied = h('span', { role: 'status', 'aria-live': 'polite', class: 'admin-status' });
  const copy = h('button', { type: 'button', onclick: async () => {
    input.select();
    try {
      await navigator.clipboard.writeText(token.token);
    } catch {
      document.execCommand('copy');
    }
    copied.textContent = t('admin.tokens.copied');
  } }, t('admin.tokens.copy'));
  return h('div', { class: 'admin-secret', role: 'alert', 'data-testid': 'token-created' },
    h('p', {}, h('strong', {}, t('admin.tokens.created', { name: token.description }))),
    h('p', {}, t('admin.tokens.shown_once')),
    h('label', { for: id }, t('admin.tokens.secret')), h('div', { class: 'admin-inline' }, input, copy, copied));
}

async function page(root, m, ctx) {
  const fr = frame(root, 'admin.tokens.title');
  const secret = h('div');
  const listBox = h('div');
  let staff = [];
  try { staff = await staffOptions(ctx.api); } catch (err) { return showError(fr.body, err); }
  const names = new Map(staff.map(([id, label]) => [id, label]));
  const draw = async () => {
    let rows;
    try { rows = await all(ctx.api, '/api_tokens', 'api_tokens'); } catch (err) { return showError(listBox, err); }
    const revokeOut = h('div');
    mount(listBox, revokeOut, table([
      { label: 'admin.tokens.description', cell: (x) => x.description },
      { label: 'admin.tokens.user', cell: (x) => names.get(x.user_id) || `#${x.user_id}` },
      { label: 'admin.tokens.created_at', cell: (x) => when(x.created_at) },
      { label: 'admin.tokens.last_used', cell: (x) => when(x.last_used_at) },
      { label: null, cell: (x) => {
        const b = h('button', { type: 'button', class: 'danger', 'aria-label': t('admin.tokens.revoke_named', { name: x.description }),
          onclick: async () => {
            if (!(await confirmDialog(t('admin.tokens.revoke_confirm', { name: x.description }), 'admin.tokens.revoke'))) return;
            await busy(b, async () => {
              try {
                await ctx.api('DELETE', `/api_tokens/${x.id}`);
                ctx.toast(t('admin.tokens.revoked', { name: x.description }));
                await draw();
              } catch (err) { mount(revokeOut, h('p', { role: 'alert', class: 'admin-error' }, errorText(err))); }
            });
          } }, t('admin.tokens.revoke'));
        return b;
      } },
    ], rows, { empty: 'admin.tokens.none', testid: 'admin-tokens' }),
    rows.length ? h('p', { class: 'field-help' }, t('admin.tokens.count', { count: rows.length })) : null);
  };
  const f = form({
    fields: [
      { name: 'description', label: 'admin.tokens.description', required: true, maxlength: 255, help: 'admin.tokens.description_help' },
      { name: 'user_id', label: 'admin.tokens.user', type: 'select', options: staff, default: ctx.me.id, help: 'admin.tokens.user_help' },
    ],
    submitLabel: 'admin.tokens.create',
    onSubmit: async (v) => {
      const res = await ctx.api('POST', '/api_tokens', { api_token: { description: v.description.trim(), user_id: Number(v.user_id) } });
      f.get('description').set('');
      mount(secret, secretBox(res.api_token));
      secret.querySelector('input').focus();
      await draw();
    },
  });
  mount(fr.body,
    h('section', { class: 'admin-sub', 'aria-labelledby': 'adm-tok-new' }, h('h2', { id: 'adm-tok-new' }, t('admin.tokens.new')), f.el, secret),
    h('section', { class: 'admin-sub', 'aria-labelledby': 'adm-tok-list' }, h('h2', { id: 'adm-tok-list' }, t('admin.tokens.list')), listBox));
  await draw();
}

export const tokenRoutes = [{ path: /^admin\/tokens$/, render: page }];
