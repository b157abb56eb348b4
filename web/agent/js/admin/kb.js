// admin/kb.js — #/admin/kb: knowledge base management over /api/v2/help_center: the tree of
// categories → sections → articles; create/edit/delete each; an article is written in
// Markdown (body_markdown), draft or published, with one translation per locale
// (en, lv, lt, ru, eo) edited side by side through /articles/:id/translations.
import { h, mount } from '../dom.js';
import { t } from '../i18n.js';
import {
  frame, form, linkButton, showError, confirmDialog, errorText, busy, all, LOCALES, localeName,
  focusTitle, when,
} from './common.js';

const HC = '/help_center';

async function tree(api) {
  const [categories, sections, articles] = await Promise.all([
    all(api, `${HC}/categories`, 'categories'),
    all(api, `${HC}/sections`, 'sections'),
    all(api, `${HC}/articles`, 'articles', 5000),
  ]);
  const byPos = (a, b) => (a.position ?? 0) - (b.position ?? 0) || a.id - b.id;
  return { categories: categories.sort(byPos), sections: sections.sort(byPos), articles: articles.sort(byPos) };
}

const badge = (draft) => h('span', { class: draft ? 'badge draft' : 'badge published' },
  t(draft ? 'admin.kb.draft' : 'admin.kb.published'));

async function overview(root, m, ctx) {
  const fr = frame(root, 'admin.kb.title', { actions: linkButton('#/admin/kb/categories/new', 'admin.kb.new_category', 'button primary') });
  let d;
  try { d = await tree(ctx.api); } catch (err) { return showError(fr.body, err); }
  if (!d.categories.length) return mount(fr.body, h('p', { class: 'admin-empty' }, t('admin.kb.no_categories')));
  mount(fr.body, h('div', { class: 'kb-tree', 'data-testid': 'kb-tree' }, d.categories.map((c) => {
    const secs = d.sections.filter((s) => s.category_id === c.id);
    return h('section', { class: 'kb-category', 'aria-labelledby': `kbc-${c.id}` },
      h('h2', { id: `kbc-${c.id}` }, h('a', { href: `#/admin/kb/categories/${c.id}` }, c.name)),
      h('p', { class: 'admin-actions' }, linkButton(`#/admin/kb/sections/new?category=${c.id}`, 'admin.kb.new_section')),
      secs.length ? secs.map((s) => {
        const arts = d.articles.filter((a) => a.section_id === s.id);
        return h('section', { class: 'kb-section', 'aria-labelledby': `kbs-${s.id}` },
          h('h3', { id: `kbs-${s.id}` }, h('a', { href: `#/admin/kb/sections/${s.id}` }, s.name)),
          arts.length
            ? h('ul', { class: 'kb-articles' }, arts.map((a) => h('li', {},
              h('a', { href: `#/admin/kb/articles/${a.id}` }, a.title), ' ', badge(a.draft),
              h('span', { class: 'meta' }, ' · ', localeName(a.source_locale || a.locale || 'en'), ' · ', when(a.updated_at)))))
            : h('p', { class: 'admin-empty' }, t('admin.kb.no_articles')),
          linkButton(`#/admin/kb/articles/new?section=${s.id}`, 'admin.kb.new_article'));
      }) : h('p', { class: 'admin-empty' }, t('admin.kb.no_sections')));
  })));
}

// Delete button with confirmation; after deleting goes to #/admin/kb.
function deleteButton(ctx, path, name, confirmKey) {
  const out = h('div');
  const b = h('button', { type: 'button', class: 'danger', onclick: async () => {
    if (!(await confirmDialog(t(confirmKey, { name })))) return;
    await busy(b, async () => {
      try {
        await ctx.api('DELETE', path);
        ctx.toast(t('admin.deleted'));
        ctx.navigate('#/admin/kb');
      } catch (err) { mount(out, h('p', { role: 'alert', class: 'admin-error' }, errorText(err))); }
    });
  } }, t('admin.delete'));
  return h('section', { class: 'admin-sub' }, b, out);
}

const qs = (s) => new URLSearchParams(s || '');

function categoryPage(isNew) {
  return async (root, m, ctx) => {
    const fr = frame(root, isNew ? 'admin.kb.new_category' : 'admin.kb.edit_category', { back: '#/admin/kb' });
    let rec = null;
    if (!isNew) {
      try { rec = (await ctx.api('GET', `${HC}/categories/${Number(m[1])}`)).category; } catch (err) { return showError(fr.body, err); }
      fr.title.textContent = rec.name;
    }
    const f = form({
      fields: [
        { name: 'name', label: 'admin.kb.name', required: true, maxlength: 255 },
        { name: 'description', label: 'admin.kb.description', type: 'textarea', rows: 3 },
        { name: 'position', label: 'admin.kb.position', type: 'number' },
      ],
      values: rec || { position: 0 },
      submitLabel: isNew ? 'admin.create' : 'common.save',
      onSubmit: async (v) => {
        const category = { name: v.name.trim(), description: v.description, position: Number(v.position) || 0 };
        if (isNew) {
          category.locale = 'en';
          const res = await ctx.api('POST', `${HC}/categories`, { category });
          ctx.toast(t('admin.kb.saved_named', { name: res.category.name }));
          ctx.navigate('#/admin/kb');
        } else {
          const res = await ctx.api('PUT', `${HC}/categories/${rec.id}`, { category });
          fr.title.textContent = res.category.name;
          ctx.toast(t('admin.saved'));
        }
      },
      onCancel: () => ctx.navigate('#/admin/kb'),
    });
    mount(fr.body, f.el, rec ? deleteButton(ctx, `${HC}/categories/${rec.id}`, rec.name, 'admin.kb.delete_category_confirm') : null);
    if (isNew) f.fields[0].focus(); else focusTitle(fr);
  };
}

function sectionPage(isNew) {
  return async (root, m, ctx) => {
    const fr = frame(root, isNew ? 'admin.kb.new_section' : 'admin.kb.edit_section', { back: '#/admin/kb' });
    let rec = null, cats;
    try {
      cats = await all(ctx.api, `${HC}/categories`, 'categories');
      if (!isNew) rec = (await ctx.api('GET', `${HC}/sections/${Number(m[1])}`)).section;
    } catch (err) { return showError(fr.body, err); }
    if (rec) fr.title.textContent = rec.name;
    const f = form({
      fields: [
        { name: 'category_id', label: 'admin.kb.category', type: 'select', options: cats.map((c) => [c.id, c.name]), required: true },
        { name: 'name', label: 'admin.kb.name', required: true, maxlength: 255 },
        { name: 'description', label: 'admin.kb.description', type: 'textarea', rows: 3 },
        { name: 'position', label: 'admin.kb.position', type: 'number' },
      ],
      values: rec || { category_id: qs(m[1]).get('category') || (cats[0] && cats[0].id), position: 0 },
      submitLabel: isNew ? 'admin.create' : 'common.save',
      onSubmit: async (v) => {
        const section = { name: v.name.trim(), description: v.description, position: Number(v.position) || 0 };
        if (isNew) {
          section.locale = 'en';
          const res = await ctx.api('POST', `${HC}/categories/${Number(v.category_id)}/sections`, { section });
          ctx.toast(t('admin.kb.saved_named', { name: res.section.name }));
          ctx.navigate('#/admin/kb');
        } else {
          section.category_id = Number(v.category_id);
          const res = await ctx.api('PUT', `${HC}/sections/${rec.id}`, { section });
          fr.title.textContent = res.section.name;
          ctx.toast(t('admin.saved'));
        }
      },
      onCancel: () => ctx.navigate('#/admin/kb'),
    });
    mount(fr.body, f.el, rec ? deleteButton(ctx, `${HC}/sections/${rec.id}`, rec.name, 'admin.kb.delete_section_confirm') : null);
    if (isNew) f.fields[0].focus(); else focusTitle(fr);
  };
}

const labelsOf = (s) => s.split(/,/).map((x) => x.trim()).filter(Boolean);

async function sectionOptions(api) {
  const [cats, secs] = await Promise.all([all(api, `${HC}/categories`, 'categories'), all(api, `${HC}/sections`, 'sections')]);
  const cname = new Map(cats.map((c) => [c.id, c.name]));
  return secs.map((s) => [s.id, `${cname.get(s.category_id) || ''} › ${s.name}`]);
}

async function newArticle(root, m, ctx) {
  const fr = frame(root, 'admin.kb.new_article', { back: '#/admin/kb' });
  let secs;
  try { secs = await sectionOptions(ctx.api); } catch (err) { return showError(fr.body, err); }
  if (!secs.length) return mount(fr.body, h('p', { class: 'admin-empty' }, t('admin.kb.no_sections')));
  const f = form({
    fields: [
      { name: 'section_id', label: 'admin.kb.section', type: 'select', options: secs, required: true },
      { name: 'locale', label: 'admin.kb.locale', type: 'select', options: LOCALES.map((l) => [l, localeName(l)]) },
      { name: 'title', label: 'admin.kb.article_title', required: true, maxlength: 255 },
      { name: 'body_markdown', label: 'admin.kb.body', type: 'textarea', rows: 14, mono: true, help: 'admin.kb.markdown_help', errorKeys: ['body'] },
      { name: 'label_names', label: 'admin.kb.labels', help: 'admin.kb.labels_help' },
      { name: 'draft', label: 'admin.kb.is_draft', type: 'checkbox' },
    ],
    values: { section_id: qs(m[1]).get('section') || secs[0][0], locale: ctx.me.locale && LOCALES.includes(ctx.me.locale) ? ctx.me.locale : 'en', draft: true },
    submitLabel: 'admin.create',
    onSubmit: async (v) => {
      const article = { title: v.title.trim(), body_markdown: v.body_markdown, locale: v.locale, draft: v.draft, label_names: labelsOf(v.label_names) };
      const res = await ctx.api('POST', `${HC}/sections/${Number(v.section_id)}/articles`, { article });
      ctx.toast(t('admin.kb.saved_named', { name: res.article.title }));
      ctx.navigate(`#/admin/kb/articles/${res.article.id}`);
    },
    onCancel: () => ctx.navigate('#/admin/kb'),
  });
  mount(fr.body, f.el);
  f.get('title').focus();
}

// One translation editor (title, Markdown body, draft) for `locale` of article `art`.
function translationForm(ctx, art, locale, existing, onSaved) {
  const f = form({
    fields: [
      { name: 'title', label: 'admin.kb.article_title', required: true, maxlength: 255 },
      { name: 'body_markdown', label: 'admin.kb.body', type: 'textarea', rows: 14, mono: true, help: 'admin.kb.markdown_help', errorKeys: ['body'] },
      { name: 'draft', label: 'admin.kb.is_draft', type: 'checkbox' },
    ],
    values: existing ? { ...existing, body_markdown: existing.body_markdown ?? '' } : { draft: true },
    submitLabel: existing ? 'common.save' : 'admin.kb.add_translation',
    onSubmit: async (v) => {
      const translation = { title: v.title.trim(), body_markdown: v.body_markdown, draft: v.draft };
      let res;
      if (existing) {
        res = await ctx.api('PUT', `${HC}/articles/${art.id}/translations/${locale}`, { translation });
      } else {
        res = await ctx.api('POST', `${HC}/articles/${art.id}/translations`, { translation: { ...translation, locale } });
      }
      ctx.toast(t('admin.kb.translation_saved', { lang: localeName(locale) }));
      onSaved(res.translation);
    },
  });
  return f;
}

async function editArticle(root, m, ctx) {
  const id = Number(m[1]);
  const fr = frame(root, 'admin.kb.edit_article', { back: '#/admin/kb' });
  let art, secs, trs;
  try {
    [art, secs, trs] = await Promise.all([
      ctx.api('GET', `${HC}/articles/${id}`).then((b) => b.article),
      sectionOptions(ctx.api),
      all(ctx.api, `${HC}/articles/${id}/translations`, 'translations'),
    ]);
  } catch (err) { return showError(fr.body, err); }
  fr.title.textContent = art.title;
  const byLocale = new Map(trs.map((x) => [x.locale, x]));
  // article settings
  const meta = form({
    fields: [
      { name: 'section_id', label: 'admin.kb.section', type: 'select', options: secs },
      { name: 'label_names', label: 'admin.kb.labels', help: 'admin.kb.labels_help' },
      { name: 'position', label: 'admin.kb.position', type: 'number' },
    ],
    values: { ...art, label_names: (art.label_names || []).join(', ') },
    onSubmit: async (v) => {
      await ctx.api('PUT', `${HC}/articles/${id}`, { article: {
        section_id: Number(v.section_id), label_names: labelsOf(v.label_names), position: Number(v.position) || 0 } });
      ctx.toast(t('admin.saved'));
    },
  });
  // translations: a tab per locale
  const panel = h('div', { class: 'kb-translation', role: 'tabpanel', id: 'kb-tr-panel', tabindex: '-1' });
  const tabs = [];
  const source = art.source_locale || art.locale || 'en';
  const show = (locale, focus) => {
    tabs.forEach((b) => {
      const on = b.dataset.locale === locale;
      b.setAttribute('aria-selected', on ? 'true' : 'false');
      b.tabIndex = on ? 0 : -1;
      if (on && focus) b.focus();
    });
    const ex = byLocale.get(locale);
    const tf = translationForm(ctx, art, locale, ex, (saved) => {
      byLocale.set(locale, { ...(ex || {}), ...saved, locale });
      if (locale === source && saved && saved.title) fr.title.textContent = saved.title;
      drawTabs();
      show(locale);
    });
    mount(panel, h('h3', {}, localeName(locale), ' ', locale === source ? h('span', { class: 'meta' }, t('admin.kb.source')) : null, ' ',
      ex ? badge(ex.draft) : h('span', { class: 'badge missing' }, t('admin.kb.missing'))),
    ex && ex.updated_at ? h('p', { class: 'meta' }, t('admin.kb.updated', { date: when(ex.updated_at) })) : null,
    tf.el);
  };
  const tabList = h('div', { role: 'tablist', class: 'kb-tabs', 'aria-label': t('admin.kb.translations') });
  const drawTabs = () => {
    tabs.length = 0;
    mount(tabList, LOCALES.map((l) => {
      const ex = byLocale.get(l);
      const b = h('button', { type: 'button', role: 'tab', 'aria-controls': 'kb-tr-panel', 'data-locale': l,
        class: ex ? (ex.draft ? 'draft' : 'published') : 'missing',
        onclick: () => show(l),
        onkeydown: (e) => {
          const i = LOCALES.indexOf(l);
          if (e.key === 'ArrowRight') { e.preventDefault(); show(LOCALES[(i + 1) % LOCALES.length], true); }
          if (e.key === 'ArrowLeft') { e.preventDefault(); show(LOCALES[(i + LOCALES.length - 1) % LOCALES.length], true); }
        } }, localeName(l), ex ? '' : ' +');
      tabs.push(b);
      return b;
    }));
  };
  drawTabs();
  show(byLocale.has(source) ? source : LOCALES[0]);
  mount(fr.body,
    art.html_url ? h('p', {}, h('a', { href: art.html_url, target: '_blank', rel: 'noopener' }, t('admin.kb.view_public'))) : null,
    h('section', { class: 'admin-sub', 'aria-labelledby': 'kb-tr-h' }, h('h2', { id: 'kb-tr-h' }, t('admin.kb.translations')), tabList, panel),
    h('section', { class: 'admin-sub', 'aria-labelledby': 'kb-meta-h' }, h('h2', { id: 'kb-meta-h' }, t('admin.kb.settings')), meta.el),
    deleteButton(ctx, `${HC}/articles/${id}`, art.title, 'admin.kb.delete_article_confirm'));
  focusTitle(fr);
}

export const kbRoutes = [
  { path: /^admin\/kb$/, render: overview },
  { path: /^admin\/kb\/categories\/new$/, render: categoryPage(true) },
  { path: /^admin\/kb\/categories\/(\d+)$/, render: categoryPage(false) },
  { path: /^admin\/kb\/sections\/new(?:\?(.*))?$/, render: sectionPage(true) },
  { path: /^admin\/kb\/sections\/(\d+)$/, render: sectionPage(false) },
  { path: /^admin\/kb\/articles\/new(?:\?(.*))?$/, render: newArticle },
  { path: /^admin\/kb\/articles\/(\d+)$/, render: editArticle },
];

