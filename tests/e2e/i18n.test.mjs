// tests/e2e/i18n.test.mjs — the UI in Russian: the portal and the KB with ?lang=ru and with a
// Russian browser, the agent workspace for a user whose language is Russian, and CLDR plural
// forms (1 / 3 / 5 / 21 → one / few / many / one) in what the pages actually show. Expected
// strings come from the catalogs (locale/*/ru.json) so wording may change, but the form chosen
// for each count and the language must be right.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHelpo, launchBrowser, newPage, signInAgent, signInPortal, shot, ok, tr, catalog }
	from './lib/e2e.mjs';

let helpo, browser;
before(async () => {
	helpo = await startHelpo();
	browser = await launchBrowser();
});
after(async () => {
	await browser?.close();
	await helpo?.stop();
});

async function makeUser(role, name, email, password, extra = {}) {
	const u = ok(await helpo.api.admin.post('/api/v2/users',
		{ user: { name, email, role, ...extra } }), 201, 'create user').user;
	ok(await helpo.api.admin.post(`/api/v2/users/${u.id}/password`, { password }), 200);
	return { id: u.id, email, password, name };
}

const SUBJECTS = ['Не печатает принтер', 'Сброс пароля', 'Вопрос по счёту', 'Ошибка при входе',
	'Медленный VPN', 'Не приходит почта', 'Нужен доступ к папке'];
let made = 0;
async function ticketsFor(n, fields) {
	for (let i = 0; i < n; i++, made++)
		ok(await helpo.api.admin.post('/api/v2/tickets', {
			ticket: { subject: SUBJECTS[made % SUBJECTS.length],
				comment: { body: 'Здравствуйте! Опишу подробнее в ответе.' }, ...fields },
		}), 201, 'create ticket');
}

test('the Russian plural forms differ, so the checks below mean something', () => {
	const forms = [1, 3, 5].map((count) => tr('ru', 'count.tickets', { count }));
	assert.equal(new Set(forms).size, 3, `three forms: ${forms}`);
	assert.equal(tr('ru', 'count.tickets', { count: 21 }), forms[0].replace('1', '21'));
});

test('portal and KB with ?lang=ru and with a Russian browser', async () => {
	const page = await newPage(browser);
	await page.goto(helpo.url + '/?lang=ru');
	assert.equal(await page.locator('html').getAttribute('lang'), 'ru');
	const body = await page.locator('body').innerText();
	assert.ok(body.includes(tr('ru', 'portal.submit_request')), 'submit link in Russian');
	assert.ok(body.includes(tr('ru', 'portal.home.heading')), 'heading in Russian');
	assert.ok(!body.includes(tr('en', 'portal.home.heading')), 'no English heading');
	await shot(page, 'portal-home-ru');

	await page.goto(helpo.url + '/hc/ru');
	assert.equal(await page.locator('html').getAttribute('lang'), 'ru');
	assert.ok((await page.locator('body').innerText()).includes(tr('ru', 'kb.title')),
		'KB title in Russian');
	await page.context().close();

	// no ?lang: the browser's Accept-Language picks Russian
	const ru = await newPage(browser, { locale: 'ru-RU' });
	await ru.goto(helpo.url + '/requests/new');
	assert.equal(await ru.locator('html').getAttribute('lang'), 'ru');
	assert.ok((await ru.locator('body').innerText()).includes(tr('ru', 'portal.form.name')));
	await ru.context().close();
});

test('portal: a Russian customer\'s request count uses the right form (1, 3, 5, 21)', async () => {
	// the language follows the user's setting: no ?lang, an English browser
	const cust = await makeUser('end-user', 'Иван Петров', 'ivan@example.test', 'ivan-Pass-1234',
		{ locale: 'ru' });
	const page = await newPage(browser);
	await signInPortal(page, helpo.url, cust);
	let have = 0;
	for (const count of [1, 3, 5, 21]) {
		await ticketsFor(count - have, { requester_id: cust.id });
		have = count;
		await page.goto(helpo.url + '/requests');
		assert.equal(await page.locator('html').getAttribute('lang'), 'ru');
		const text = await page.locator('main').innerText();
		const want = tr('ru', 'portal.requests.count', { count });
		assert.ok(text.includes(want), `"${want}" on /requests (count ${count}):\n${text.slice(0, 300)}`);
		if (count === 5)
			await shot(page, 'portal-requests-ru');
	}
	await page.context().close();
});

test('agent workspace for a Russian user: Russian chrome and plural forms', async () => {
	const ag = await makeUser('agent', 'Ольга Смирнова', 'olga@example.test', 'olga-Pass-5678',
		{ locale: 'ru' });
	// the sign-in form follows the browser's language
	const page = await newPage(browser, { locale: 'ru-RU' });
	await page.goto(helpo.url + '/agent');
	await page.getByRole('button', { name: tr('ru', 'auth.sign_in') }).waitFor();
	await page.getByLabel(tr('ru', 'auth.email')).fill(ag.email);
	await page.getByLabel(tr('ru', 'auth.password'), { exact: true }).fill(ag.password);
	await page.getByRole('button', { name: tr('ru', 'auth.sign_in') }).click();
	await page.getByTestId('view-list').waitFor();
	assert.equal(await page.locator('html').getAttribute('lang'), 'ru');
	// the seeded views carry their Russian titles
	const nav = await page.getByTestId('view-list').innerText();
	assert.ok(nav.includes(tr('ru', 'agent.view.1')), `view titles in Russian: ${nav}`);
	assert.ok(!nav.includes(tr('en', 'agent.view.1')), 'no English view title');
	await page.context().close();

	// five open tickets assigned to her: "My open tickets" counts them
	await helpo.joinGroups(ag.id);
	await ticketsFor(5, { assignee_id: ag.id, group_id: helpo.groupIds[0], status: 'open' });
	const p2 = await newPage(browser);
	// an English browser: the sign-in form is English, the workspace follows her setting
	await signInAgent(p2, helpo.url, ag);
	await p2.getByTestId('ticket-row').nth(4).waitFor();
	const main = await p2.locator('main').innerText();
	assert.ok(main.includes(tr('ru', 'count.tickets', { count: 5 })),
		`"${tr('ru', 'count.tickets', { count: 5 })}" in the list:\n${main.slice(0, 300)}`);
	// selecting 1, 3, 5 rows: the bulk bar counts them with the right form
	const boxes = p2.getByTestId('ticket-row').getByRole('checkbox');
	const bar = p2.getByTestId('bulk-bar');
	let checked = 0;
	for (const count of [1, 3, 5]) {
		while (checked < count)
			await boxes.nth(checked++).check();
		const want = tr('ru', 'agent.bulk.selected', { count });
		await bar.getByText(want).waitFor();
		if (count === 3)
			await shot(p2, 'agent-bulk-ru');
	}
	// every text of the page chrome is Russian: no English label of the bulk bar shows
	const barText = await bar.innerText();
	assert.ok(!barText.includes(tr('en', 'agent.bulk.apply')), 'no English in the bulk bar');
	assert.ok(Object.keys(catalog('ru')).length > 100, 'the Russian catalog is complete');
	await p2.context().close();
});

test('a signed-in English customer switches the portal to Russian with the language links', async () => {
	const page = await newPage(browser);
	await signInPortal(page, helpo.url, helpo.customer);
	await page.goto(helpo.url + '/requests');
	assert.equal(await page.locator('html').getAttribute('lang'), 'en');
	await page.locator('a[hreflang="ru"]').last().click();
	await page.waitForLoadState();
	assert.equal(await page.locator('html').getAttribute('lang'), 'ru',
		'the explicit choice wins over the stored English setting');
	assert.ok((await page.locator('main').innerText()).includes(tr('ru', 'portal.your_requests')));
	await page.context().close();
});
