// tests/e2e/kb.test.mjs — the public knowledge base in a real browser: a Latvian search typed
// without diacritics finds the article written with them (and a Russian one with ё typed as е,
// by prefix), the article page carries hreflang alternates, a title and a meta description,
// drafts stay private, the sitemap lists published articles, and a visitor can vote.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHelpo, launchBrowser, newPage, shot, watchErrors, ok, sleep } from './lib/e2e.mjs';

let helpo, browser;
const kb = {};
const HC = '/api/v2/help_center';

before(async () => {
	helpo = await startHelpo();
	browser = await launchBrowser();
	const api = helpo.api.admin;
	kb.category = ok(await api.post(`${HC}/categories`,
		{ category: { name: 'Konts', locale: 'lv', description: 'Konta iestatījumi' } }), 201,
	'create category').category;
	kb.section = ok(await api.post(`${HC}/categories/${kb.category.id}/sections`,
		{ section: { name: 'Drošība', locale: 'lv' } }), 201, 'create section').section;
	kb.article = ok(await api.post(`${HC}/sections/${kb.section.id}/articles`, {
		article: {
			title: 'Paroles maiņa',
			locale: 'lv',
			draft: false,
			body_markdown: 'Kā nomainīt paroli: atveriet **Iestatījumi** un izvēlieties ' +
				'“Mainīt paroli”. Jaunajai parolei jābūt vismaz 12 rakstzīmes garai.',
		},
	}), 201, 'create lv article').article;
	ok(await api.post(`${HC}/articles/${kb.article.id}/translations`, {
		translation: {
			locale: 'en', title: 'Changing your password', draft: false,
			body_markdown: 'How to change your password: open **Settings** and choose ' +
				'"Change password".',
		},
	}), 201, 'en translation');
	ok(await api.post(`${HC}/articles/${kb.article.id}/translations`, {
		translation: {
			locale: 'ru', title: 'Смена пароля', draft: false,
			body_markdown: 'Как сменить пароль учётной записи: откройте **Настройки**.',
		},
	}), 201, 'ru translation');
	kb.draft = ok(await api.post(`${HC}/sections/${kb.section.id}/articles`, {
		article: {
			title: 'Paroles slepenais melnraksts', locale: 'lv', draft: true,
			body_markdown: 'Vēl nav gatavs.',
		},
	}), 201, 'create draft').article;
});
after(async () => {
	await browser?.close();
	await helpo?.stop();
});

const pathOf = (u) => new URL(u, helpo.url).pathname;

test('/hc goes to a language; the Latvian home lists the category', async () => {
	const page = await newPage(browser, { locale: 'lv-LV' });
	const errs = watchErrors(page);
	const res = await page.goto(helpo.url + '/hc');
	assert.equal(res.status(), 200);
	assert.match(new URL(page.url()).pathname, /^\/hc\/lv\/?$/);
	assert.equal(await page.locator('html').getAttribute('lang'), 'lv');
	await page.getByRole('link', { name: 'Konts' }).first().waitFor();
	await shot(page, 'kb-home');
	errs.assertClean();
	await page.context().close();
});

test('a Latvian search typed without diacritics finds the article', async () => {
	const page = await newPage(browser);
	const errs = watchErrors(page);
	await page.goto(helpo.url + '/hc/lv');
	const box = page.locator('input[name="query"]').first();
	await box.fill('paroles maina');
	await Promise.all([page.waitForURL(/\/hc\/lv\/search\?/), box.press('Enter')]);
	const link = page.getByRole('link', { name: 'Paroles maiņa' });
	await link.first().waitFor();
	// the draft is not public, though it matches "paroles"
	assert.equal(await page.getByText('Paroles slepenais melnraksts').count(), 0);
	await shot(page, 'kb-search');

	// another spelling: the verb without its diacritics, by prefix
	await page.goto(helpo.url + '/hc/lv/search?query=' + encodeURIComponent('mainit'));
	await page.getByRole('link', { name: 'Paroles maiņa' }).first().waitFor();
	// and a word that is nowhere finds nothing
	await page.goto(helpo.url + '/hc/lv/search?query=' + encodeURIComponent('zirafe'));
	assert.equal(await page.getByRole('link', { name: 'Paroles maiņa' }).count(), 0);

	// the API agrees (published only, anonymous)
	const r = ok(await helpo.api.anon.get(`${HC}/articles/search?query=paroles%20maina&locale=lv`));
	assert.ok(r.results.some((x) => x.id === kb.article.id && x.title === 'Paroles maiņa'));
	assert.ok(!r.results.some((x) => x.id === kb.draft.id));
	errs.assertClean();
	await page.context().close();
});

test('an inflected Latvian query without diacritics ("paroles mainas") finds "Paroles maiņa"',
	async () => {
		// "paroles maiņas" (genitive) is how people phrase it; typed without diacritics
		const page = await newPage(browser);
		await page.goto(helpo.url + '/hc/lv/search?query=' + encodeURIComponent('paroles mainas'));
		await page.getByRole('link', { name: 'Paroles maiņa' }).first().waitFor();
		await page.context().close();
	});

test('Russian: ё typed as е and a word prefix find the article', async () => {
	const page = await newPage(browser);
	await page.goto(helpo.url + '/hc/ru/search?query=' + encodeURIComponent('учетн'));
	await page.getByRole('link', { name: 'Смена пароля' }).first().waitFor();
	await page.context().close();
});

test('the article page has hreflang alternates, a title and a meta description', async () => {
	const page = await newPage(browser);
	const errs = watchErrors(page);
	await page.goto(helpo.url + '/hc/lv/search?query=' + encodeURIComponent('nomainit paroli'));
	await Promise.all([
		page.waitForURL(/\/hc\/lv\/articles\/\d+/),
		page.getByRole('link', { name: 'Paroles maiņa' }).first().click(),
	]);
	const path = new URL(page.url()).pathname;
	assert.match(path, new RegExp(`^/hc/lv/articles/${kb.article.id}-[a-z0-9-]+$`),
		'clean URL: /hc/lv/articles/ID-slug');
	assert.equal(await page.getByRole('heading', { level: 1 }).first().textContent(),
		'Paroles maiņa');
	assert.match(await page.title(), /Paroles maiņa/);
	const desc = await page.locator('meta[name="description"]').getAttribute('content');
	assert.ok(desc && /nomainīt paroli/.test(desc), `meta description: ${desc}`);
	assert.ok(!/[<>*]/.test(desc), 'the description is plain text');
	// markdown became HTML
	assert.equal(await page.locator('strong', { hasText: 'Iestatījumi' }).count(), 1);

	const alts = await page.locator('link[rel="alternate"][hreflang]').evaluateAll((ls) =>
		ls.map((l) => ({ lang: l.getAttribute('hreflang'), href: l.href })));
	const langs = alts.map((a) => a.lang).sort();
	for (const l of ['en', 'lv', 'ru'])
		assert.ok(langs.includes(l), `hreflang ${l} in ${JSON.stringify(alts)}`);
	assert.ok(!langs.includes('lt'), 'no alternate for a missing translation');
	const en = alts.find((a) => a.lang === 'en');
	assert.match(pathOf(en.href), new RegExp(`^/hc/en/articles/${kb.article.id}(-|$)`));
	await shot(page, 'kb-article');

	// the English alternate really is the English text
	await page.goto(en.href);
	assert.equal(await page.getByRole('heading', { level: 1 }).first().textContent(),
		'Changing your password');
	assert.equal(await page.locator('html').getAttribute('lang'), 'en');
	errs.assertClean();
	await page.context().close();
});

test('a draft article is not public; the sitemap lists published articles only', async () => {
	const page = await newPage(browser);
	const res = await page.goto(`${helpo.url}/hc/lv/articles/${kb.draft.id}`);
	assert.equal(res.status(), 404);
	const sm = await helpo.api.anon.get('/hc/sitemap.xml');
	assert.equal(sm.status, 200);
	assert.match(sm.headers.get('content-type'), /xml/);
	assert.match(sm.text, new RegExp(`/hc/lv/articles/${kb.article.id}-`));
	assert.match(sm.text, new RegExp(`/hc/en/articles/${kb.article.id}-`));
	assert.doesNotMatch(sm.text, new RegExp(`/articles/${kb.draft.id}-`));
	await page.context().close();
});

test('a visitor votes "helpful" and the view is counted', async () => {
	const before = ok(await helpo.api.admin.get(`${HC}/articles/${kb.article.id}`)).article;
	const page = await newPage(browser);
	await page.goto(`${helpo.url}/hc/en/articles/${kb.article.id}`);
	await page.getByRole('heading', { name: 'Changing your password' }).waitFor();
	await page.getByRole('button', { name: /^yes/i }).click();
	await page.waitForLoadState();
	const after = ok(await helpo.api.admin.get(`${HC}/articles/${kb.article.id}`)).article;
	assert.equal(after.vote_sum, before.vote_sum + 1);
	assert.equal(after.vote_count, before.vote_count + 1);
	// views are buffered in memory and written at most every 5 s (src/desk/kb.c), on the next
	// view after that: wait, look again, and the first visit must have been stored
	await sleep(5200);
	await page.goto(`${helpo.url}/hc/lv/articles/${kb.article.id}`);
	await page.getByRole('heading', { name: 'Paroles maiņa' }).waitFor();
	const later = ok(await helpo.api.admin.get(`${HC}/articles/${kb.article.id}`)).article;
	assert.ok(later.view_count > before.view_count,
		`the visit was counted: ${before.view_count} -> ${later.view_count}`);
	await page.context().close();
});
