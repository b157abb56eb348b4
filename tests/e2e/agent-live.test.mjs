// tests/e2e/agent-live.test.mjs — two agents on one ticket, each in their own browser context:
// each sees the other in the presence list, the second sees the first one's reply appear live
// (no reload) with the collision warning, and sending the draft anyway is refused once (409 via
// safe_update) and goes through on the second try; a new ticket appears live in an open view.
// Then a Russian-language agent sees the Russian workspace with the right plural forms in the
// view counts.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startHelpo, launchBrowser, newPage, signInAgent, shot, watchErrors, ok, ROOT }
	from './lib/e2e.mjs';

let helpo, browser, ticket;

before(async () => {
	helpo = await startHelpo();
	browser = await launchBrowser();
	// the admin works the groups' tickets too ("my groups" views; assignment needs membership)
	const mine = ok(await helpo.api.admin.get(`/api/v2/users/${helpo.admin.id}/group_memberships`));
	if (!mine.group_memberships.length)
		await helpo.joinGroups(helpo.admin.id);
	ticket = ok(await helpo.api.admin.post('/api/v2/tickets', {
		ticket: {
			subject: 'Live collision check', comment: { body: 'Both of you, please look.' },
			requester_id: helpo.customer.id, group_id: helpo.groupIds[0], status: 'open',
		},
	}), 201).ticket;
});
after(async () => {
	await browser?.close();
	await helpo?.stop();
});

async function comments(id) {
	return ok(await helpo.api.admin.get(`/api/v2/tickets/${id}/comments`)).comments;
}

test('a second agent sees the reply live and gets the collision warning', async () => {
	const a = await newPage(browser);
	const b = await newPage(browser);
	const errsA = watchErrors(a);
	await signInAgent(a, helpo.url, helpo.admin);
	await signInAgent(b, helpo.url, helpo.agent2);
	for (const p of [a, b]) {
		await p.evaluate((id) => { location.hash = `#/tickets/${id}`; }, ticket.id);
		await p.getByTestId('comment').first().waitFor();
	}
	// presence: each sees the other (viewing), then B sees A typing
	await b.getByTestId('presence').getByText(`${helpo.admin.name}`).waitFor();
	await a.getByTestId('presence').getByText(helpo.agent2.name).waitFor();
	await b.getByTestId('editor').getByRole('textbox').fill('My draft answer');
	await a.getByTestId('editor').getByRole('textbox').fill('The fix is deployed.');
	await b.getByTestId('presence').getByText(/typing/).waitFor();

	// A sends; within a second B sees the new comment and the warning, without reloading
	const t0 = Date.now();
	await a.getByTestId('send').click();
	const convB = b.getByTestId('conversation');
	await convB.getByText('The fix is deployed.').waitFor({ timeout: 3000 });
	const warn = b.getByTestId('collision-warning');
	await warn.waitFor();
	const elapsed = Date.now() - t0;
	assert.ok(elapsed < 2500, `the reply showed up live after ${elapsed} ms`);
	assert.ok((await warn.innerText()).includes(helpo.admin.name), 'the warning names who replied');
	assert.equal(await b.getByTestId('editor').getByRole('textbox').inputValue(), 'My draft answer',
		'the draft is kept');
	await shot(b, 'agent-collision');

	// B sends anyway: safe_update refuses once (409), the draft stays; the second send works
	await b.getByTestId('send').click();
	await warn.getByText(/Not sent/).waitFor();
	assert.equal((await comments(ticket.id)).length, 2, 'nothing was written by the refused send');
	assert.equal(await b.getByTestId('editor').getByRole('textbox').inputValue(), 'My draft answer');
	await b.getByTestId('send').click();
	await convB.getByText('My draft answer').waitFor();
	await warn.waitFor({ state: 'hidden' });
	const cs = await comments(ticket.id);
	assert.deepEqual(cs.map((c) => c.body).slice(1), ['The fix is deployed.', 'My draft answer']);
	// and A sees B's reply live too
	await a.getByTestId('conversation').getByText('My draft answer').waitFor({ timeout: 3000 });
	errsA.assertClean((e) => !/favicon|409|401: GET \S+\/sessions\/current/.test(e));

	// a new ticket appears in an open view without a reload
	await a.evaluate(() => { location.hash = '#/views/3'; });
	await a.getByTestId('ticket-row').first().waitFor();
	const subject = `Brand new ${Math.random().toString(36).slice(2, 7)}`;
	ok(await helpo.api.customer.post('/api/v2/requests', {
		request: { subject, comment: { body: 'Just arrived.' } },
	}), 201);
	const fresh = ok(await helpo.api.admin.get('/api/v2/search?query=' +
		encodeURIComponent(`"${subject}"`))).results[0];
	ok(await helpo.api.admin.put(`/api/v2/tickets/${fresh.id}`,
		{ ticket: { group_id: helpo.groupIds[0] } }));
	await a.getByTestId('ticket-row').filter({ hasText: subject }).waitFor({ timeout: 3000 });
	await a.context().close();
	await b.context().close();
});

function tr(lang, key, vars = {}) {
	for (const area of ['common', 'agent']) {
		const cat = JSON.parse(readFileSync(join(ROOT, 'locale', area, `${lang}.json`), 'utf8'));
		let msg = cat[key];
		if (msg === undefined)
			continue;
		if (typeof msg === 'object')
			msg = msg[new Intl.PluralRules(lang).select(vars.count ?? 0)];
		return msg.replace(/\{(\w+)\}/g, (m, k) => (k in vars ? String(vars[k]) : m));
	}
	throw new Error(`no key ${key}`);
}

test('a Russian-language agent gets the Russian workspace with plural forms', async () => {
	const u = ok(await helpo.api.admin.post('/api/v2/users', {
		user: { name: 'Иван Петров', email: 'ivan@example.test', role: 'agent', locale: 'ru' },
	}), 201).user;
	ok(await helpo.api.admin.post(`/api/v2/users/${u.id}/password`, { password: 'ivan-Pass-3141' }));
	await helpo.joinGroups(u.id);
	// 1 open ticket assigned to him (one), 3 pending in his groups (few)
	const mk = (fields) => helpo.api.admin.post('/api/v2/tickets', {
		ticket: { subject: 'Проверка ' + Math.random().toString(36).slice(2, 6),
			comment: { body: 'Текст' }, group_id: helpo.groupIds[0], ...fields },
	});
	ok(await mk({ assignee_id: u.id, status: 'open' }), 201);
	const page = await newPage(browser);
	await signInAgent(page, helpo.url, { email: 'ivan@example.test', password: 'ivan-Pass-3141' });
	const nav = page.getByTestId('view-list');
	await nav.getByText(tr('ru', 'agent.view.1')).waitFor();
	assert.ok(!(await nav.innerText()).includes('My open tickets'), 'no English view title');
	// each count carries its phrase with the Russian plural form of its number
	const counts = nav.locator('.count');
	await counts.first().waitFor();
	const n = await counts.count();
	assert.equal(n, 6);
	const forms = new Set();
	for (let i = 0; i < n; i++) {
		const c = counts.nth(i);
		const value = Number(await c.innerText());
		const label = await c.getAttribute('title');
		assert.equal(label, tr('ru', 'count.tickets', { count: value }), `count ${value}`);
		forms.add(new Intl.PluralRules('ru').select(value));
	}
	await page.getByTestId('ticket-row').first().waitFor();
	const main = await page.locator('main').innerText();
	assert.ok(main.includes(tr('ru', 'count.tickets', { count: 1 })), main.slice(0, 200));
	assert.ok(main.includes(tr('ru', 'ticket.subject')), 'Russian column headers');
	assert.ok(forms.size >= 2, `several plural forms on screen: ${[...forms]}`);
	await page.locator('main').focus();
	await page.keyboard.press('?');
	const help = page.getByTestId('shortcut-help');
	await help.waitFor();
	assert.ok((await help.innerText()).includes(tr('ru', 'agent.shortcuts.title')));
	await page.keyboard.press('Escape');
	await shot(page, 'agent-views-ru');
	await page.context().close();
});
