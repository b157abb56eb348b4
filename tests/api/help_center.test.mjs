// tests/api/help_center.test.mjs — the Help Center API (/api/v2/help_center): categories,
// sections, articles and translations; locale variants; drafts visible to staff only; writes
// by staff (categories/sections and deletes by admins); Markdown sanitized; search ignoring
// diacritics and case with ё = е and prefixes; votes; deflection stats; bad input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { admin, agent, endA, anon, expectStatus, expectError, uniq, BASE } from './lib/api.mjs';

const HC = '/api/v2/help_center';

async function tree() {
	const w = uniq('kb');
	const cat = expectStatus(await admin.post(`${HC}/categories`, { category: { name: `Cat ${w}`, description: 'About *it*' } }), 201).category;
	const sec = expectStatus(await admin.post(`${HC}/categories/${cat.id}/sections`, { section: { name: `Sec ${w}` } }), 201).section;
	return { w, cat, sec };
}

test('help center: create a tree, read it publicly, Zendesk shapes', async () => {
	const { w, cat, sec } = await tree();
	assert.equal(cat.description.trim(), '<p>About <em>it</em></p>');
	assert.equal(sec.category_id, cat.id);
	const r = await agent.post(`${HC}/sections/${sec.id}/articles`, {
		article: { title: `Article ${w}`, body_markdown: `# Hello\n\nSome **text** ${w}\n\n<script>alert(1)</script>\n\n[x](javascript:alert(1))`, label_names: ['a', 'b'] },
	});
	const a = expectStatus(r, 201).article;
	assert.match(r.headers.get('location'), new RegExp(`/api/v2/help_center/articles/${a.id}\\.json$`));
	assert.equal(a.url, `${BASE}${HC}/articles/${a.id}.json`);
	assert.equal(a.html_url, `${BASE}/hc/en/articles/${a.id}-article-${w.toLowerCase()}`);
	assert.equal(a.section_id, sec.id);
	assert.equal(a.locale, 'en');
	assert.equal(a.source_locale, 'en');
	assert.equal(a.draft, false);
	assert.deepEqual(a.label_names, ['a', 'b']);
	assert.match(a.body, /<strong>text<\/strong>/);
	assert.doesNotMatch(a.body, /<script|javascript:/i);
	assert.match(a.body_markdown, /<script>/, 'the source is kept as written');
	for (const k of ['vote_sum', 'vote_count', 'view_count', 'position', 'author_id', 'created_at', 'updated_at'])
		assert.ok(k in a, k);
	// public reads
	const got = expectStatus(await anon.get(`${HC}/articles/${a.id}`), 200).article;
	assert.equal(got.title, `Article ${w}`);
	const list = expectStatus(await anon.get(`${HC}/sections/${sec.id}/articles`), 200);
	assert.deepEqual(list.articles.map((x) => x.id), [a.id]);
	assert.equal(list.count, 1);
	const secs = expectStatus(await anon.get(`${HC}/categories/${cat.id}/sections`), 200).sections;
	assert.deepEqual(secs.map((s) => s.id), [sec.id]);
	expectStatus(await anon.get(`${HC}/categories/${cat.id}/articles`), 200);
	expectStatus(await anon.get(`${HC}/categories`), 200);
	expectStatus(await anon.get(`${HC}/articles?label_names=b&per_page=100`), 200);
	const byLabel = expectStatus(await anon.get(`${HC}/articles?label_names=b&per_page=100`), 200).articles;
	assert.ok(byLabel.some((x) => x.id === a.id));
	// update (agent) and delete (admin only)
	const up = expectStatus(await agent.put(`${HC}/articles/${a.id}`, { article: { title: `Renamed ${w}`, position: 5 } }), 200).article;
	assert.equal(up.title, `Renamed ${w}`);
	assert.equal(up.position, 5);
	expectError(await agent.del(`${HC}/articles/${a.id}`), 403);
	expectError(await agent.post(`${HC}/categories`, { category: { name: 'nope' } }), 403);
	expectStatus(await admin.del(`${HC}/articles/${a.id}`), 204);
	expectError(await anon.get(`${HC}/articles/${a.id}`), 404);
	expectStatus(await admin.del(`${HC}/categories/${cat.id}`), 204);
	expectError(await anon.get(`${HC}/sections/${sec.id}`), 404);
});

test('help center: translations and locale variants', async () => {
	const { w, sec } = await tree();
	const a = expectStatus(await agent.post(`${HC}/sections/${sec.id}/articles`, { article: { title: `Password ${w}`, body: 'Change it.' } }), 201).article;
	const t = expectStatus(await agent.post(`${HC}/articles/${a.id}/translations`, { translation: { locale: 'lv', title: `Kā nomainīt paroli ${w}`, body: 'Atveriet iestatījumus.' } }), 201).translation;
	assert.equal(t.locale, 'lv');
	assert.equal(t.source_id, a.id);
	assert.equal(t.source_type, 'article');
	expectError(await agent.post(`${HC}/articles/${a.id}/translations`, { translation: { locale: 'lv', title: 'again' } }), 422);
	expectError(await agent.post(`${HC}/articles/${a.id}/translations`, { translation: { locale: 'de', title: 'x' } }), 422);
	expectError(await agent.post(`${HC}/articles/${a.id}/translations`, { translation: { title: 'x' } }), 422);
	// PUT upserts
	const ru = expectStatus(await agent.put(`${HC}/articles/${a.id}/translations/ru`, { translation: { title: `Как сменить пароль ${w}`, body: 'Откройте настройки, ещё раз.' } }), 200).translation;
	assert.equal(ru.locale, 'ru');
	const all = expectStatus(await anon.get(`${HC}/articles/${a.id}/translations`), 200).translations;
	assert.deepEqual(all.map((x) => x.locale).sort(), ['en', 'lv', 'ru']);
	const lv = expectStatus(await anon.get(`${HC}/lv/articles/${a.id}`), 200).article;
	assert.equal(lv.locale, 'lv');
	assert.equal(lv.title, `Kā nomainīt paroli ${w}`);
	assert.match(lv.html_url, new RegExp(`/hc/lv/articles/${a.id}-ka-nomainit-paroli-`));
	expectError(await anon.get(`${HC}/lt/articles/${a.id}`), 404);
	const lvList = expectStatus(await anon.get(`${HC}/lv/sections/${sec.id}/articles`), 200).articles;
	assert.deepEqual(lvList.map((x) => x.id), [a.id]);
	expectStatus(await anon.get(`${HC}/articles/${a.id}/translations/ru`), 200);
	// draft translation: hidden from the public
	expectStatus(await agent.put(`${HC}/articles/${a.id}/translations/eo`, { translation: { title: 'Malneto', body: 'x', draft: true } }), 200);
	expectError(await anon.get(`${HC}/eo/articles/${a.id}`), 404);
	expectError(await endA.get(`${HC}/articles/${a.id}/translations/eo`), 404);
	expectStatus(await agent.get(`${HC}/articles/${a.id}/translations/eo`), 200);
	// deleting: source locale refused, others by admins
	expectError(await admin.del(`${HC}/articles/${a.id}/translations/en`), 422);
	expectError(await agent.del(`${HC}/articles/${a.id}/translations/ru`), 403);
	expectStatus(await admin.del(`${HC}/articles/${a.id}/translations/ru`), 204);
	expectError(await anon.get(`${HC}/ru/articles/${a.id}`), 404);
});

test('help center: drafts are staff-only; end-users and visitors cannot write', async () => {
	const { w, sec } = await tree();
	const d = expectStatus(await agent.post(`${HC}/sections/${sec.id}/articles`, { article: { title: `Draft ${w}`, body: 'secret', draft: true } }), 201).article;
	assert.equal(d.draft, true);
	expectError(await anon.get(`${HC}/articles/${d.id}`), 404);
	expectError(await endA.get(`${HC}/articles/${d.id}`), 404);
	expectStatus(await agent.get(`${HC}/articles/${d.id}`), 200);
	assert.equal(expectStatus(await endA.get(`${HC}/sections/${sec.id}/articles`), 200).articles.length, 0);
	assert.equal(expectStatus(await agent.get(`${HC}/sections/${sec.id}/articles`), 200).articles.length, 1);
	assert.equal(expectStatus(await anon.get(`${HC}/articles/search?query=${w}`), 200).results.length, 0);
	assert.equal(expectStatus(await agent.get(`${HC}/articles/search?query=${w}`), 200).results.length, 1);
	expectError(await endA.post(`${HC}/sections/${sec.id}/articles`, { article: { title: 'x' } }), 403);
	expectError(await anon.post(`${HC}/sections/${sec.id}/articles`, { article: { title: 'x' } }), 401);
	expectError(await endA.put(`${HC}/articles/${d.id}`, { article: { title: 'x' } }), 403);
	expectError(await endA.put(`${HC}/articles/${d.id}/translations/en`, { translation: { title: 'x' } }), 403);
	expectError(await endA.del(`${HC}/categories/1`), 403);
	// publish: now public
	expectStatus(await agent.put(`${HC}/articles/${d.id}`, { article: { draft: false } }), 200);
	expectStatus(await anon.get(`${HC}/articles/${d.id}`), 200);
});

test('help center: bad input', async () => {
	const { sec } = await tree();
	const P = `${HC}/sections/${sec.id}/articles`;
	expectError(await agent.post(P, '{not json'), 400);
	expectError(await agent.post(P, { nope: {} }), [400, 422]);
	expectError(await agent.post(P, { article: { title: '' } }), 422);
	expectError(await agent.post(P, { article: { title: 'x'.repeat(300) } }), 422);
	expectError(await agent.post(P, { article: { title: 'x', draft: 'yes' } }), 422);
	expectError(await agent.post(P, { article: { title: 'x', locale: 'xx' } }), 422);
	expectError(await agent.post(P, { article: { title: 'x', label_names: 'a,b' } }), 422);
	expectError(await agent.post(P, { article: { title: 'x', unknown_field: 1 } }), 422);
	expectError(await agent.post(`${HC}/sections/99999999/articles`, { article: { title: 'x' } }), 422);
	expectError(await agent.put(`${HC}/articles/99999999`, { article: { title: 'x' } }), 404);
	expectError(await admin.post(`${HC}/categories`, { category: { name: 42 } }), 422);
	expectError(await anon.get(`${HC}/articles?sort_by=body`), 400);
	expectError(await anon.get(`${HC}/articles/search`), 400);
	expectError(await anon.get(`${HC}/articles/search?query=%20***%20`), 400);
	expectError(await anon.get(`${HC}/articles/search?query=x&locale=klingon`), 400);
	expectError(await anon.get(`${HC}/articles/99999999`), 404);
	expectError(await anon.get(`${HC}/xx/articles`), 404);
	expectError(await agent.get(`${HC}/deflections/stats?since=abc`), 400);
});

test('help center: search ignores diacritics and case, folds ё, matches prefixes', async () => {
	const { w, sec } = await tree();
	const mk = async (locale, title, body) => expectStatus(await agent.post(`${HC}/sections/${sec.id}/articles`, { article: { locale, title, body } }), 201).article;
	const lv = await mk('lv', `Kā nomainīt paroli ${w}`, `Atveriet **Iestatījumi** ${w}.`);
	const ru = await mk('ru', `Как сменить пароль ${w}`, `Откройте настройки. Ещё ёлка ${w}.`);
	const s = async (q, extra = '') => expectStatus(await anon.get(`${HC}/articles/search?query=${encodeURIComponent(q)}${extra}`), 200);
	const r1 = await s(`ka nomainit paroli ${w}`);
	assert.deepEqual(r1.results.map((x) => x.id), [lv.id]);
	assert.equal(r1.count, 1);
	const hit = r1.results[0];
	assert.equal(hit.title, `Kā nomainīt paroli ${w}`);
	assert.equal(hit.locale, 'lv');
	assert.equal(hit.result_type, 'article');
	assert.match(hit.html_url, /\/hc\/lv\/articles\//);
	assert.equal(typeof hit.snippet, 'string');
	assert.deepEqual((await s(`KĀ NOMAINĪT ${w}`, '&locale=lv')).results.map((x) => x.id), [lv.id]);
	assert.equal((await s(`paroli ${w}`, '&locale=ru')).results.length, 0);
	assert.deepEqual((await s(`парол ${w}`)).results.map((x) => x.id), [ru.id]);
	assert.deepEqual((await s(`еще елка ${w}`)).results.map((x) => x.id), [ru.id]);
	assert.deepEqual((await s(`ЁЛКА ${w}`)).results.map((x) => x.id), [ru.id]);
	const v = expectStatus(await anon.get(`${HC}/lv/articles/search?query=${encodeURIComponent('nomain ' + w)}`), 200);
	assert.deepEqual(v.results.map((x) => x.id), [lv.id]);
	// FTS syntax is not interpreted
	expectStatus(await anon.get(`${HC}/articles/search?query=${encodeURIComponent('"a" OR NEAR(b c) *')}`), 200);
});

test('help center: votes (signed-in users, one each) and deflection stats', async () => {
	const { w, sec } = await tree();
	const a = expectStatus(await agent.post(`${HC}/sections/${sec.id}/articles`, { article: { title: `Vote ${w}`, body: 'x' } }), 201).article;
	expectError(await anon.post(`${HC}/articles/${a.id}/up`), 401);
	const v = expectStatus(await endA.post(`${HC}/articles/${a.id}/up`), 200).vote;
	assert.equal(v.value, 1);
	assert.equal(v.article_id, a.id);
	expectStatus(await endA.post(`${HC}/articles/${a.id}/up`), 200);
	expectStatus(await agent.post(`${HC}/articles/${a.id}/down`), 200);
	let got = expectStatus(await anon.get(`${HC}/articles/${a.id}`), 200).article;
	assert.equal(got.vote_count, 2);
	assert.equal(got.vote_sum, 0);
	expectStatus(await endA.post(`${HC}/articles/${a.id}/down`), 200);
	got = expectStatus(await anon.get(`${HC}/articles/${a.id}`), 200).article;
	assert.equal(got.vote_count, 2);
	assert.equal(got.vote_sum, -2);
	expectError(await endA.post(`${HC}/articles/99999999/up`), 404);
	const st = expectStatus(await agent.get(`${HC}/deflections/stats`), 200).deflection_stats;
	for (const k of ['opened', 'submitted', 'deflected', 'articles'])
		assert.ok(k in st, k);
	expectStatus(await agent.get(`${HC}/deflections/stats?since=30`), 200);
	expectError(await endA.get(`${HC}/deflections/stats`), 403);
	expectError(await anon.get(`${HC}/deflections/stats`), 401);
});

// ---- public pages (/hc, src/portal/kb_pages.c) ----

const page = (path, headers = {}) => fetch(BASE + path, { redirect: 'manual', headers });

test('kb pages: clean URLs, slug redirects, hreflang, 404 for drafts and unknown ids', async () => {
	const { w, cat, sec } = await tree();
	const a = expectStatus(await agent.post(`${HC}/sections/${sec.id}/articles`, { article: { title: `Kā nomainīt paroli ${w}`, locale: 'lv', body_markdown: `Teksts <img src=x onerror=alert(1)> **${w}**` } }), 201).article;
	expectStatus(await agent.put(`${HC}/articles/${a.id}/translations/ru`, { translation: { title: `Как сменить пароль ${w}`, body: 'Текст' } }), 200);
	const canon = `/hc/lv/articles/${a.id}-ka-nomainit-paroli-${w.toLowerCase()}`;
	let res = await page(`/hc/lv/articles/${a.id}`);
	assert.equal(res.status, 301);
	assert.equal(new URL(res.headers.get('location'), BASE).pathname, canon);
	res = await page(`/hc/lv/articles/${a.id}-wrong-slug`);
	assert.equal(res.status, 301);
	res = await page(canon);
	assert.equal(res.status, 200);
	assert.match(res.headers.get('content-security-policy'), /script-src 'self'/);
	const html = await res.text();
	assert.match(html, /<html lang="lv">/);
	assert.match(html, new RegExp(`<title>Kā nomainīt paroli ${w}`));
	assert.match(html, /<meta name="description" content="Teksts/);
	assert.match(html, /<link rel="alternate" hreflang="ru" href="[^"]+\/hc\/ru\/articles\//);
	assert.match(html, /<link rel="alternate" hreflang="lv"/);
	assert.match(html, /class="kb-crumbs"/);
	assert.match(html, new RegExp(`<strong>${w}</strong>`));
	assert.doesNotMatch(html, /onerror|<script/i);
	assert.match(html, /method="post" action="\/hc\/lv\/articles\/\d+\/vote"/);
	// other pages
	assert.equal((await page(`/hc/lv`)).status, 200);
	res = await page(`/hc/lv/categories/${cat.id}`);
	assert.equal(res.status, 301);
	assert.equal((await page(new URL(res.headers.get('location'), BASE).pathname)).status, 200);
	assert.equal((await page(`/hc/lv/sections/${sec.id}`)).status, 301);
	res = await page(`/hc/lv/search?query=${encodeURIComponent('ka nomainit paroli ' + w)}`);
	assert.equal(res.status, 200);
	assert.match(await res.text(), new RegExp(`href="${canon}"`));
	res = await page('/hc', { 'Accept-Language': 'ru-RU,ru;q=0.9' });
	assert.equal(res.status, 303);
	assert.equal(res.headers.get('location'), '/hc/ru');
	res = await page(`${canon}?lang=ru`);
	assert.equal(res.status, 303);
	assert.match(res.headers.get('location'), new RegExp(`^/hc/ru/articles/${a.id}`));
	assert.equal((await page(`/hc/lt/articles/${a.id}`)).status, 404, 'no lt translation');
	assert.equal((await page('/hc/lv/articles/99999999')).status, 404);
	assert.equal((await page('/hc/xx')).status, 404);
	assert.equal((await page('/hc/lv/nothing')).status, 404);
	const d = expectStatus(await agent.post(`${HC}/sections/${sec.id}/articles`, { article: { title: `Draft ${w}`, body: 'x', draft: true } }), 201).article;
	assert.equal((await page(`/hc/en/articles/${d.id}-draft-${w.toLowerCase()}`)).status, 404);
	// sitemap: published only
	res = await page('/hc/sitemap.xml');
	assert.equal(res.status, 200);
	assert.match(res.headers.get('content-type'), /xml/);
	const xml = await res.text();
	assert.ok(xml.includes(canon));
	assert.ok(!xml.includes(`/articles/${d.id}-`));
});

test('kb pages: "Was this article helpful?" one vote per visitor, deflection recorded', async () => {
	const { w, sec } = await tree();
	const a = expectStatus(await agent.post(`${HC}/sections/${sec.id}/articles`, { article: { title: `Helpful ${w}`, body: 'x' } }), 201).article;
	const path = `/hc/en/articles/${a.id}/vote`;
	const form = { 'Content-Type': 'application/x-www-form-urlencoded' };
	let res = await fetch(BASE + path, { method: 'POST', redirect: 'manual', headers: form, body: 'value=up' });
	assert.equal(res.status, 303);
	const cookie = res.headers.get('set-cookie').split(';')[0];
	assert.match(cookie, /^helpo_kbv=/);
	assert.match(res.headers.get('location'), /voted=1#vote$/);
	// the same visitor again (down): replaces, does not add
	res = await fetch(BASE + path, { method: 'POST', redirect: 'manual', headers: { ...form, Cookie: cookie }, body: 'value=down' });
	assert.equal(res.status, 303);
	let got = expectStatus(await anon.get(`${HC}/articles/${a.id}`), 200).article;
	assert.equal(got.vote_count, 1);
	assert.equal(got.vote_sum, -1);
	// bad value, foreign origin
	res = await fetch(BASE + path, { method: 'POST', redirect: 'manual', headers: form, body: 'value=maybe' });
	assert.equal(res.status, 400);
	res = await fetch(BASE + path, { method: 'POST', redirect: 'manual', headers: { ...form, Origin: 'https://evil.example' }, body: 'value=up' });
	assert.equal(res.status, 403);
	// deflection: opened from the request form's suggestions, then not submitted
	const token = uniq('tok');
	res = await page(`/hc/en/articles/${a.id}-helpful-${w.toLowerCase()}?deflect=${token}&query=help`);
	assert.equal(res.status, 200);
	const st = expectStatus(await agent.get(`${HC}/deflections/stats`), 200).deflection_stats;
	const row = st.articles.find((x) => x.article_id === a.id);
	assert.ok(row, 'article listed in deflection stats');
	assert.equal(row.opened, 1);
	assert.equal(row.deflected, 1);
});
