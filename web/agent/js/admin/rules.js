// admin/rules.js — the structured editors for view conditions ({field, operator, value} rows,
// "all" and "any") and macro actions ({field, value} rows): one row per rule, a field picker,
// an operator picker (conditions), a value control that fits the field, add/remove buttons.
// Used as 'custom' fields of common.js forms: render(id, value) → {el, get, set}.
import { h, mount } from '../dom.js';
import { t } from '../i18n.js';

const STATUSES = ['new', 'open', 'pending', 'hold', 'solved', 'closed'];
const PRIORITIES = ['low', 'normal', 'high', 'urgent'];
const TYPES = ['question', 'incident', 'problem', 'task'];

// opts = {groups: [[id, name]], staff: [[id, label]]} — loaded by the page.
function valueKinds(opts) {
  const enumOf = (list, prefix) => list.map((v) => [v, t(`${prefix}.${v}`)]);
  return {
    status: { kind: 'select', options: enumOf(STATUSES, 'status') },
    priority: { kind: 'select', options: enumOf(PRIORITIES, 'priority') },
    type: { kind: 'select', options: enumOf(TYPES, 'type') },
    group_id: { kind: 'select', options: [['current_groups', t('admin.rules.current_groups')], ...opts.groups], id: true },
    assignee_id: { kind: 'select', options: [['current_user', t('admin.rules.current_user')], ['', t('admin.rules.unassigned')], ...opts.staff], id: true },
    requester_id: { kind: 'select', options: [['current_user', t('admin.rules.current_user')], ...opts.staff], id: true },
    tags: { kind: 'text' },
  };
}

export const CONDITION_FIELDS = ['status', 'priority', 'type', 'group_id', 'assignee_id', 'requester_id', 'tags'];
const OPERATORS = {
  status: ['is', 'is_not', 'less_than', 'greater_than'],
  priority: ['is', 'is_not', 'less_than', 'greater_than'],
  type: ['is', 'is_not'],
  group_id: ['is', 'is_not'],
  assignee_id: ['is', 'is_not'],
  requester_id: ['is', 'is_not'],
  tags: ['includes', 'not_includes'],
};

export const ACTION_FIELDS = ['status', 'priority', 'type', 'assignee_id', 'group_id', 'set_tags',
  'current_tags', 'remove_tags', 'comment_value', 'comment_mode_is_public'];

function actionKinds(opts) {
  const k = valueKinds(opts);
  return {
    status: k.status, priority: k.priority, type: k.type,
    assignee_id: { kind: 'select', options: [['current_user', t('admin.rules.current_user')], ...opts.staff], id: true },
    group_id: { kind: 'select', options: opts.groups, id: true },
    set_tags: { kind: 'text' }, current_tags: { kind: 'text' }, remove_tags: { kind: 'text' },
    comment_value: { kind: 'textarea' },
    comment_mode_is_public: { kind: 'select', options: [['true', t('admin.rules.public_reply')], ['false', t('admin.rules.internal_note')]], bool: true },
  };
}

// A value control for a field kind; returns {el, get}.
function valueControl(kind, value, label) {
  let el;
  if (kind.kind === 'select') {
    el = h('select', { 'aria-label': label }, kind.options.map(([v, l]) => h('option', { value: String(v) }, l)));
    const v = value === null || value === undefined ? '' : String(value);
    if (![...el.options].some((o) => o.value === v) && v !== '') el.append(h('option', { value: v }, v));
    el.value = v;
  } else if (kind.kind === 'textarea') {
    el = h('textarea', { 'aria-label': label, rows: 4 });
    el.value = value ?? '';
  } else {
    el = h('input', { type: 'text', 'aria-label': label, value: Array.isArray(value) ? value.join(' ') : (value ?? '') });
  }
  return {
    el,
    get() {
      const v = el.value;
      if (kind.bool) return v === 'true';
      if (kind.id && /^\d+$/.test(v)) return Number(v);
      return v;
    },
  };
}

// One list of rows (a fieldset). withOperator: conditions; fields: allowed field names; kinds.
function ruleList(legendKey, rows, { withOperator, fields, kinds, testid, addKey }) {
  const body = h('div', { class: 'rule-rows' });
  const items = [];
  const renumber = () => items.forEach((it, i) => it.setIndex(i + 1));
  const addRow = (rule = {}) => {
    const item = {};
    const fieldSel = h('select', {}, fields.map((f) => h('option', { value: f }, t(`admin.rules.field.${f}`))));
    fieldSel.value = fields.includes(rule.field) ? rule.field : fields[0];
    const opSel = withOperator ? h('select', {}) : null;
    const valueBox = h('span', { class: 'rule-value' });
    let val;
    const drawOps = (op) => {
      if (!opSel) return;
      const ops = OPERATORS[fieldSel.value];
      mount(opSel, ops.map((o) => h('option', { value: o }, t(`admin.rules.op.${o}`))));
      opSel.value = ops.includes(op) ? op : ops[0];
    };
    const drawValue = (v) => {
      val = valueControl(kinds[fieldSel.value], v, t('admin.rules.value_n', { n: item.n || 1 }));
      mount(valueBox, val.el);
    };
    fieldSel.addEventListener('change', () => { drawOps(); drawValue(); });
    const rm = h('button', { type: 'button', class: 'rule-remove' }, t('admin.rules.remove'));
    const row = h('div', { class: 'rule-row', 'data-testid': testid + '-row' }, fieldSel, opSel, valueBox, rm);
    rm.addEventListener('click', () => {
      const i = items.indexOf(item);
      items.splice(i, 1);
      row.remove();
      renumber();
      (items[i] || items[i - 1])?.focus() || add.focus();
    });
    item.setIndex = (n) => {
      item.n = n;
      fieldSel.setAttribute('aria-label', t('admin.rules.field_n', { n }));
      if (opSel) opSel.setAttribute('aria-label', t('admin.rules.operator_n', { n }));
      val.el.setAttribute('aria-label', t('admin.rules.value_n', { n }));
      rm.setAttribute('aria-label', t('admin.rules.remove_n', { n }));
    };
    item.focus = () => { fieldSel.focus(); return true; };
    item.get = () => {
      const r = { field: fieldSel.value };
      if (opSel) r.operator = opSel.value;
      r.value = val.get();
      return r;
    };
    drawOps(rule.operator);
    drawValue(rule.value);
    items.push(item);
    body.append(row);
    renumber();
    return item;
  };
  const add = h('button', { type: 'button', class: 'rule-add' }, t(addKey));
  add.addEventListener('click', () => addRow().focus());
  (rows || []).forEach((r) => addRow(r));
  const el = h('fieldset', { class: 'rules', 'data-testid': testid }, h('legend', {}, t(legendKey)), body, add);
  return { el, get: () => items.map((i) => i.get()) };
}

// conditions editor: value {all: [...], any: [...]}.
export function conditionsEditor(opts) {
  return (id, value) => {
    const kinds = valueKinds(opts);
    const common = { withOperator: true, fields: CONDITION_FIELDS, kinds, addKey: 'admin.rules.add_condition' };
    const allL = ruleList('admin.rules.all', value && value.all, { ...common, testid: 'conditions-all' });
    const anyL = ruleList('admin.rules.any', value && value.any, { ...common, testid: 'conditions-any' });
    const el = h('div', { id, class: 'rules-editor', tabindex: '-1' }, allL.el, anyL.el);
    return { el, get: () => ({ all: allL.get(), any: anyL.get() }) };
  };
}

// actions editor: value [{field, value}].
export function actionsEditor(opts) {
  return (id, value) => {
    const l = ruleList('admin.rules.actions', value || [], {
      withOperator: false, fields: ACTION_FIELDS, kinds: actionKinds(opts), testid: 'actions', addKey: 'admin.rules.add_action',
    });
    const el = h('div', { id, class: 'rules-editor', tabindex: '-1' }, l.el);
    return { el, get: l.get };
  };
}

