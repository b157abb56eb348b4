// admin/common.js — what every admin page shares: the page frame (heading, back link, busy and
// error states), accessible form fields whose 422 errors appear next to the field (role=alert,
// aria-invalid, aria-describedby), a confirmation dialog (<dialog>, keyboard usable), tables,
// "load more" paging and option lists (agents, organizations, groups). DOM through h() only.
import { h, mount } from '../dom.js';
import { t, fmtDate } from '../i18n.js';
import { ApiError } from '../api.js';

let seq = 0;
export const uid = (p = 'f') => `adm-${p}-${++seq}`;

export const LOCALES = ['en', 'lv', 'lt', 'ru', 'eo'];
export const localeName = (code) => t(`admin.locale.${code}`);

// The frame of an admin page: <section> with an <h1>, optional actions, a status line, body.
export function frame(root, titleKey, { back, actions } = {}) {
  const status = h('div', { class: 'admin-status', role: 'status', 'aria-live': 'polite' });
  const body = h('div', { class: 'admin-body' });
  const title = h('h1', { tabindex: '-1' }, typeof titleKey === 'string' ? t(titleKey) : titleKey.text);
  mount(root, h('section', { class: 'admin', 'data-testid': 'admin-page' },
    back ? h('p', { class: 'admin-back' }, h('a', { href: back }, '← ', t('admin.back'))) : null,
    h('header', { class: 'admin-head' }, title, actions ? h('div', { class: 'admin-actions' }, actions) : null),
    status, body));
  return { body, status, title };
}

// Shows an error (ApiError or other) as an alert in `where`, replacing what was there.
export function showError(where, err) {
  mount(where, h('p', { class: 'admin-error', role: 'alert' }, errorText(err)));
}

export function errorText(err) {
  if (err instanceof ApiError) {
    if (err.status === 403) return t('admin.error.forbidden');
    if (err.status === 404) return t('admin.error.not_found');
    if (err.status === 409) return t('admin.error.conflict');
    if (err.status === 429) return t('admin.error.rate_limited');
    if (err.status >= 500) return t('admin.error.server');
    return err.message || t('admin.error.generic');
  }
  return t('admin.error.network');
}

export const when = (iso) => (iso ? fmtDate(iso) : t('admin.never'));

// Runs fn while `button` is disabled and marked busy.
export async function busy(button, fn) {
  if (button) { button.disabled = true; button.setAttribute('aria-busy', 'true'); }
  try { return await fn(); } finally {
    if (button) { button.disabled = false; button.removeAttribute('aria-busy'); }
  }
}

// ---- fields ----
// spec: {name, label (i18n key), type: text|email|password|textarea|select|checkbox|number|
//   custom, options: [[value, labelText]], required, help (i18n key), rows, render (custom:
//   returns {el, get(), set(v), focus()})}. Returns {el, get, set, setError, focus, name}.
export function field(spec, value) {
  const id = uid(spec.name.replace(/[^a-z0-9]/gi, ''));
  const errId = id + '-err', helpId = id + '-help';
  const errBox = h('div', { id: errId, class: 'field-error' });
  const help = spec.help ? h('p', { id: helpId, class: 'field-help' }, t(spec.help)) : null;
  const described = [spec.help ? helpId : null, errId].filter(Boolean).join(' ');
  let input, get, set;
  if (spec.type === 'custom') {
    const c = spec.render(id, value);
    input = c.el; get = c.get; set = c.set || (() => {});
  } else if (spec.type === 'textarea') {
    input = h('textarea', { id, name: spec.name, rows: spec.rows || 6, required: !!spec.required,
      'aria-describedby': described, class: spec.mono ? 'mono' : null });
    input.value = value ?? '';
    get = () => input.value; set = (v) => { input.value = v ?? ''; };
  } else if (spec.type === 'select') {
    input = h('select', { id, name: spec.name, required: !!spec.required, 'aria-describedby': described },
      (spec.options || []).map(([v, label]) => h('option', { value: String(v ?? '') }, label)));
    set = (v) => { input.value = v === null || v === undefined ? '' : String(v); };
    set(value);
    get = () => input.value;
  } else if (spec.type === 'checkbox') {
    input = h('input', { id, name: spec.name, type: 'checkbox', checked: !!value, 'aria-describedby': described });
    get = () => input.checked; set = (v) => { input.checked = !!v; };
  } else {
    input = h('input', { id, name: spec.name, type: spec.type || 'text', required: !!spec.required,
      autocomplete: spec.autocomplete || 'off', 'aria-describedby': described,
      maxlength: spec.maxlength || null, minlength: spec.minlength || null });
    input.value = value ?? '';
    get = () => input.value; set = (v) => { input.value = v ?? ''; };
  }
  // a custom control labels itself (fieldset legends); others get a <label for>
  const label = spec.type === 'custom'
    ? (spec.label ? h('h3', { class: 'field-label' }, t(spec.label)) : null)
    : h('label', { for: id }, t(spec.label), spec.required ? h('span', { class: 'req', 'aria-hidden': 'true' }, ' *') : null);
  const el = spec.type === 'checkbox'
    ? h('div', { class: 'field field-check' }, input, label, help, errBox)
    : h('div', { class: 'field' }, label, input, help, errBox);
  const focusable = input.matches('input,select,textarea,button') ? input : input.querySelector('input,select,textarea,button');
  return {
    name: spec.name, el, get, set, errorKeys: spec.errorKeys || [],
    focus: () => focusable && focusable.focus(),
    setError(msg) {
      mount(errBox, msg ? h('p', { role: 'alert' }, msg) : null);
      if (focusable) {
        if (msg) focusable.setAttribute('aria-invalid', 'true');
        else focusable.removeAttribute('aria-invalid');
      }
    },
  };
}

// A form of fields. opts: {fields: [spec], values: record, submitLabel, onSubmit(values) →
// Promise (throws ApiError: 422 details go next to their fields), onCancel, extra: nodes}.
export function form(opts) {
  const fields = opts.fields.map((s) => field(s, opts.values ? opts.values[s.name] : s.default));
  const top = h('div', { class: 'form-error' });
  const submit = h('button', { type: 'submit', class: 'primary' }, t(opts.submitLabel || 'common.save'));
  const el = h('form', { class: 'admin-form', novalidate: true, onsubmit: async (e) => {
    e.preventDefault();
    mount(top);
    fields.forEach((f) => f.setError(null));
    const values = {};
    fields.forEach((f) => { values[f.name] = f.get(); });
    const missing = opts.fields.filter((s) => s.required && String(values[s.name] ?? '').trim() === '');
    if (missing.length) {
      missing.forEach((s) => fields.find((f) => f.name === s.name).setError(t('admin.error.required')));
      fields.find((f) => f.name === missing[0].name).focus();
      return;
    }
    await busy(submit, async () => {
      try {
        await opts.onSubmit(values);
      } catch (err) {
        fieldErrors(err, fields, top);
      }
    });
  } },
  top, fields.map((f) => f.el), opts.extra || null,
  h('div', { class: 'form-actions' }, submit,
    opts.onCancel ? h('button', { type: 'button', onclick: opts.onCancel }, t('common.cancel')) : null));
  return { el, fields, submit, get: (n) => fields.find((f) => f.name === n) };
}

// Puts a 422's details next to the named fields (first one focused); anything else on top.
export function fieldErrors(err, fields, top) {
  const details = err instanceof ApiError && err.body && err.body.details;
  let first = null, shown = false;
  if (details && typeof details === 'object') {
    for (const [name, list] of Object.entries(details)) {
      const f = fields.find((x) => x.name === name || x.errorKeys.includes(name)) ||
        fields.find((x) => name.startsWith(x.name + '.') || name.startsWith(x.name + '['));
      const msg = (Array.isArray(list) ? list : [list]).map((d) => (d && d.description) || String(d)).join(' ');
      if (f) { f.setError(msg); first = first || f; shown = true; }
    }
  }
  if (first) first.focus();
  if (!shown) showError(top, err);
}

// ---- confirmation ----
// Resolves true when the person confirms. A modal <dialog>: Esc cancels, focus starts on Cancel.
export function confirmDialog(message, confirmKey = 'admin.delete') {
  return new Promise((resolve) => {
    const cancel = h('button', { type: 'button', value: 'cancel' }, t('common.cancel'));
    const ok = h('button', { type: 'button', class: 'danger', value: 'ok' }, t(confirmKey));
    const msgId = uid('dlg');
    const dlg = h('dialog', { class: 'admin-dialog', 'aria-labelledby': msgId, 'data-testid': 'confirm' },
      h('p', { id: msgId }, message), h('div', { class: 'form-actions' }, ok, cancel));
    const done = (v) => { dlg.close(); dlg.remove(); resolve(v); };
    ok.addEventListener('click', () => done(true));
    cancel.addEventListener('click', () => done(false));
    dlg.addEventListener('cancel', (e) => { e.preventDefault(); done(false); });
    document.body.append(dlg);
    dlg.showModal();
    cancel.focus();
  });
}

// ---- tables ----
// columns: [{label: key, cell(row) → node|string, class}]; rows: records. Empty: message.
export function table(columns, rows, { caption, empty = 'admin.empty', testid } = {}) {
  if (!rows.length) return h('p', { class: 'admin-empty' }, t(empty));
  return h('table', { class: 'admin-table', 'data-testid': testid || null },
    caption ? h('caption', { class: 'visually-hidden' }, caption) : null,
    h('thead', {}, h('tr', {}, columns.map((c) => h('th', { scope: 'col', class: c.class || null }, c.label ? t(c.label) : '')))),
    h('tbody', {}, rows.map((r) => row(columns, r))));
}

// One table row: the first column is the row header; data-label names the column for the
// stacked (narrow screen) layout.
function row(columns, r) {
  return h('tr', { 'data-id': r.id }, columns.map((c, i) => i === 0
    ? h('th', { scope: 'row' }, c.cell(r))
    : h('td', { class: c.class || null, 'data-label': c.label ? t(c.label) : null }, c.cell(r))));
}

// Fetches every page of a list (cursor paging, up to `max` rows) → rows.
export async function all(api, path, key, max = 1000) {
  const rows = [];
  let url = path + (path.includes('?') ? '&' : '?') + 'page[size]=100';
  while (url && rows.length < max) {
    const body = await api('GET', url.replace(/^https?:\/\/[^/]+/, ''));
    rows.push(...(body[key] || []));
    url = body.meta && body.meta.has_more && body.links && body.links.next;
  }
  return rows;
}

// Option lists for selects, cached per page render.
export async function staffOptions(api) {
  const users = await all(api, '/users?role[]=agent&role[]=admin', 'users');
  return users.filter((u) => u.active !== false).map((u) => [u.id, `${u.name} <${u.email}>`]);
}
export async function orgOptions(api) {
  const orgs = await all(api, '/organizations', 'organizations');
  return orgs.map((o) => [o.id, o.name]);
}
export async function groupOptions(api) {
  const groups = await all(api, '/groups', 'groups');
  return groups.filter((g) => !g.deleted).map((g) => [g.id, g.name]);
}

// A link styled as a button, and a small button.
export const linkButton = (href, key, cls = 'button') => h('a', { href, class: cls }, t(key));
export const button = (key, onclick, cls, attrs = {}) =>
  h('button', { type: 'button', class: cls || null, onclick, ...attrs }, t(key));

// "Yes"/"No" text for booleans.
export const yesNo = (v) => t(v ? 'common.yes' : 'common.no');

// Focus the page heading after a page change so screen readers announce it.
export function focusTitle(fr) { fr.title.focus({ preventScroll: true }); }

// A table filled page by page (cursor paging, 50 rows a page) with a "Load more" button.
// Returns the element at once; rows arrive asynchronously (errors shown in place).
export function pagedTable(api, path, key, columns, { empty = 'admin.empty', testid, filter } = {}) {
  const wrap = h('div', { class: 'admin-paged', 'aria-busy': 'true' }, h('p', {}, t('admin.loading')));
  const tbody = h('tbody');
  const more = h('button', { type: 'button', class: 'more' }, t('admin.load_more'));
  let next = path + (path.includes('?') ? '&' : '?') + 'page[size]=50';
  let shown = 0;
  const load = async () => {
    try {
      const body = await api('GET', next.replace(/^https?:\/\/[^/]+/, ''));
      let rows = body[key] || [];
      if (filter) rows = rows.filter(filter);
      next = body.meta && body.meta.has_more && body.links && body.links.next;
      shown += rows.length;
      tbody.append(...rows.map((r) => row(columns, r)));
      if (!shown && !next) {
        mount(wrap, h('p', { class: 'admin-empty' }, t(empty)));
      } else {
        mount(wrap, h('table', { class: 'admin-table', 'data-testid': testid || null },
          h('thead', {}, h('tr', {}, columns.map((c) => h('th', { scope: 'col' }, c.label ? t(c.label) : '')))),
          tbody), next ? more : null);
      }
    } catch (err) {
      showError(wrap, err);
    }
    wrap.removeAttribute('aria-busy');
  };
  more.addEventListener('click', () => busy(more, load));
  load();
  return wrap;
}
