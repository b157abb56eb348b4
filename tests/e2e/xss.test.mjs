// tests/e2e/xss.test.mjs — script payloads stored in a ticket subject, a user's name, comments
// (plain text and HTML) and a KB article (Markdown with raw HTML) render as inert text on every
// page that shows them: portal request list and page, KB home/search/article, and the agent
// workspace's ticket list and ticket page. Nothing runs (window.__xss stays undefined), no
// data-borne <script>, on* attribute or javascript: URL reaches the DOM.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHelpo, launchBrowser, newPage, signInAgent, signInPortal, ok, sleep }
	from './lib/e2e.mjs';

const IMG = '<img src=x onerror=window.__xss=1>';
const SCRIPT = '"><script>window.__xss=1</script>';
const PAYLOAD = `${IMG}${SCRIPT}`;
const HTC = '/api/v2/help_center';

let helpo, browser;
const fx = {};

before(async () => {
	helpo = await startHelpo();
	browser = await launchBrowser();
	const api = helpo.api.admin;
	// the customer's display name carries the payload
	fx.name = `Eve ${PAYLOAD}`;
	ok(await api.put(`/api/v2/users/${helpo.customer.id}`, { user: { name: fx.name } }), 200,
		'rename customer');
	fx.subject = `Help ${PAYLOAD} 'x' & "y"`;
	fx.plain = `Plain ${IMG} and ${SCRIPT} and javascript:window.__xss=1`;
	fx.ticket = ok(await api.post('/api/v2/tickets', {
		ticket: {
			subject: fx.subject, requester_id: helpo.customer.id, assignee_id: helpo.agent2.id,
			group_id: helpo.groupIds[0],
			status: 'open', comment: { body: fx.plain, public: true },
		},
	}), 201, 'create ticket').ticket;
	fx.htmlMarker = 'Rich reply marker';
	ok(await api.put(`/api/v2/tickets/${fx.ticket.id}`, {
		ticket: {
			comment: {
				public: true,
				html_body: `<p>${fx.htmlMarker} ${IMG}<a href="javascript:window.__xss=1">` +
					`click me</a><script>window.__xss=1</script>` +
					`<svg onload="window.__xss=1"></svg><iframe src="javascript:window.__xss=1">` +
					`</iframe><b onmouseover="window.__xss=1">bold</b></p>`,
			},
		},
	}), 200, 'html comment');

	const cat = ok(await api.post(`${HTC}/categories`,
		{ category: { name: `Cat ${PAYLOAD}`, locale: 'en' } }), 201, 'category').category;
	const sec = ok(await api.post(`${HTC}/categories/${cat.id}/sections`,
		{ section: { name: `Sec ${PAYLOAD}`, locale: 'en' } }), 201, 'section').section;
	fx.articleTitle = `Zebra article ${PAYLOAD}`;
	fx.article = ok(await api.post(`${HTC}/sections/${sec.id}/articles`, {
		article: {
			title: fx.articleTitle, locale: 'en', draft: false,
			body_markdown: `Zebra body ${IMG}\n\n<script>window.__xss=1</script>\n\n` +
				`[md link](javascript:window.__xss=1) <a href="javascript:window.__xss=1">raw</a>` +
				`\n\n<div onclick="window.__xss=1">div</div>\n\n` +
				`![pic](javascript:window.__xss=1)\n`,
		},
	}), 201, 'article').article;
});
after(async () => {
	await browser?.close();
	await helpo?.stop();
});

/**
 * Asserts the page (and every frame) is free of injected code: window.__xss unset, no inline
 * script mentioning __xss, no on* attributes, no javascript: URLs in any attribute, iframe
 * srcdoc documents clean too.
 */
async function assertInert(page, where) {
	await page.waitForLoadState('load');
	await sleep(300); // let any onerror / onload fire
	for (const frame of page.frames()) {
		let report;
		try {
			report = await frame.evaluate(() => {
				const bad = [];
				if (window.__xss !== undefined)
					bad.push('window.__xss is set');
				for (const s of document.querySelectorAll('script')) {
					if (/__xss/.test(s.textContent))
						bad.push('inline script from data: ' + s.outerHTML.slice(0, 120));
					if (s.src && new URL(s.src).origin !== location.origin && location.origin !== 'null')
						bad.push('foreign script: ' + s.src);
				}
				for (const el of document.querySelectorAll('*')) {
					for (const a of el.attributes) {
						if (/^on/i.test(a.name))
							bad.push(`${el.tagName} has ${a.name}="${a.value.slice(0, 60)}"`);
						if (/^\s*javascript:/i.test(a.value))
							bad.push(`${el.tagName} ${a.name}="${a.value.slice(0, 60)}"`);
						if (a.name === 'srcdoc' && /<script|onerror|onload|javascript:/i.test(a.value))
							bad.push(`iframe srcdoc holds code: ${a.value.slice(0, 120)}`);
					}
				}
				return bad;
			});
		} catch (e) {
			// a sandboxed frame without scripts cannot be evaluated in: its srcdoc was checked
			// through the parent document above
			if (/sandbox|Execution context/i.test(String(e)))
				continue;
			throw e;
		}
		assert.deepEqual(report, [], `${where}: injected code in ${frame.url() || 'a frame'}`);
	}
	assert.equal(await page.evaluate(() => window.__xss), undefined, `${where}: window.__xss`);
}

/** Asserts `text` shows up literally (as text, not markup) somewhere on the page. */
async function assertShownAsText(page, text, where) {
	const body = await page.locator('body').innerText();
	assert.ok(body.includes(text), `${where}: "${text}" should be visible as text`);
}

test('portal: request list and page show the payloads as text', async () => {
	const page = await newPage(browser);
	await signInPortal(page, helpo.url, helpo.customer);
	await page.goto(helpo.url + '/requests');
	await assertShownAsText(page, fx.subject, 'portal list');
	await assertInert(page, 'portal list');

	await page.goto(`${helpo.url}/requests/${fx.ticket.id}`);
	await page.getByTestId('conversation').waitFor();
	assert.equal((await page.getByRole('heading', { level: 1 }).first().textContent()).trim(),
		fx.subject);
	await assertShownAsText(page, fx.plain, 'portal request: plain comment');
	await assertShownAsText(page, fx.htmlMarker, 'portal request: html comment');
	await assertShownAsText(page, 'click me', 'portal request: link text kept');
	await assertInert(page, 'portal request');

	// the customer replies with a payload through the form; it comes back as text
	const reply = `Reply ${PAYLOAD} <a href="javascript:window.__xss=1">x</a>`;
	await page.getByLabel('Your reply').fill(reply);
	await page.getByRole('button', { name: 'Send reply' }).click();
	await page.getByTestId('conversation').getByText(reply).waitFor();
	await assertInert(page, 'portal request after reply');
	// the home page lists the request too
	await page.goto(helpo.url + '/');
	await assertShownAsText(page, fx.subject, 'portal home');
	await assertInert(page, 'portal home');
	await page.context().close();
});

test('portal: the submit form re-shows rejected input as text', async () => {
	const page = await newPage(browser);
	await page.goto(helpo.url + '/requests/new');
	await page.getByLabel('Your name').fill(PAYLOAD);
	await page.getByLabel('Email').fill('not-an-address');
	await page.getByLabel('Subject').fill(PAYLOAD);
	await page.getByLabel('Description').fill(PAYLOAD);
	// the browser's own check would stop an invalid e-mail: post it anyway
	await page.locator('form.request-form, form[action="/requests/new"]').first()
		.evaluate((f) => { f.noValidate = true; });
	await page.getByRole('button', { name: 'Submit' }).click();
	await page.waitForLoadState();
	assert.equal(await page.getByLabel('Subject').inputValue(), PAYLOAD, 'value kept verbatim');
	await assertInert(page, 'portal form with errors');
	await page.context().close();
});

test('knowledge base: category, section, search and article render payloads as text', async () => {
	const page = await newPage(browser);
	await page.goto(helpo.url + '/hc/en');
	await assertShownAsText(page, `Cat ${PAYLOAD}`, 'kb home');
	await assertInert(page, 'kb home');

	await page.goto(helpo.url + '/hc/en/search?query=zebra');
	await assertShownAsText(page, fx.articleTitle, 'kb search');
	await assertInert(page, 'kb search');

	await page.goto(`${helpo.url}/hc/en/articles/${fx.article.id}`);
	assert.equal((await page.getByRole('heading', { level: 1 }).first().textContent()).trim(),
		fx.articleTitle);
	await assertShownAsText(page, 'Zebra body', 'kb article body');
	assert.match(await page.title(), /Zebra article/);
	// the head holds exactly one description and no markup leaked out of it
	assert.equal(await page.locator('head meta[name="description"]').count(), 1);
	await assertInert(page, 'kb article');
	// the search page reflects the query safely
	await page.goto(helpo.url + '/hc/en/search?query=' + encodeURIComponent(SCRIPT));
	await assertInert(page, 'kb search with a payload query');
	await page.context().close();
});

test('agent workspace: the ticket list and the ticket page render payloads as text', async () => {
	const page = await newPage(browser);
	await signInAgent(page, helpo.url, helpo.agent2);
	// "My open tickets" (the first view, shown by default) holds the ticket assigned to agent2
	await page.getByTestId('view-list').waitFor();
	const row = page.getByTestId('ticket-row').filter({ hasText: 'Help' }).first();
	await row.waitFor();
	assert.ok((await row.innerText()).includes(fx.subject), 'the row shows the subject as text');
	await assertInert(page, 'agent list');

	await page.evaluate((id) => { location.hash = `#/tickets/${id}`; }, fx.ticket.id);
	await page.getByTestId('conversation').waitFor();
	await page.getByTestId('comment').nth(1).waitFor();
	await assertShownAsText(page, fx.subject, 'agent ticket: subject');
	await assertShownAsText(page, fx.plain, 'agent ticket: plain comment');
	await assertShownAsText(page, fx.name, 'agent ticket: requester name');
	await assertInert(page, 'agent ticket');
	// the customer's HTML comment is in a sandboxed frame without scripts, or shown as text
	const frames = await page.getByTestId('conversation').locator('iframe').evaluateAll((fs) =>
		fs.map((f) => ({ sandbox: f.getAttribute('sandbox') })));
	for (const f of frames) {
		assert.notEqual(f.sandbox, null, 'comment frames are sandboxed');
		assert.ok(!/allow-scripts/.test(f.sandbox), 'comment frames cannot run scripts');
	}
	await page.context().close();
});
