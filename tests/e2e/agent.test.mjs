// tests/e2e/agent.test.mjs — an agent's working journey in the /agent workspace, in a real
// browser: sign in, open a view (counts in the sidebar), open a ticket from the list, answer it
// with a macro ("Submit as Solved"), add an internal note with the keyboard (n, Ctrl+Enter),
// attach a file to a comment,
// see the shortcut help (?), bulk-update two tickets from the list; every outcome is checked
// through the API.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHelpo, launchBrowser, newPage, signInAgent, shot, watchErrors, ok }
	from './lib/e2e.mjs';

let helpo, browser, article;
const tickets = [];

before(async () => {
	helpo = await startHelpo();
	browser = await launchBrowser();
	// the admin works the groups' tickets too ("my groups" views; assignment needs membership)
	const mine = ok(await helpo.api.admin.get(`/api/v2/users/${helpo.admin.id}/group_memberships`));
	if (!mine.group_memberships.length)
		await helpo.joinGroups(helpo.admin.id);
	// three open tickets assigned to the admin: "My open tickets" (view 1) lists them
	for (let i = 0; i < 3; i++) {
		const tk = ok(await helpo.api.admin.post('/api/v2/tickets', {
			ticket: {
				subject: `Agent journey ${i} ${Math.random().toString(36).slice(2, 7)}`,
				comment: { body: `Hello, I need help with case ${i}.` },
				requester_id: helpo.customer.id, assignee_id: helpo.admin.id,
				group_id: helpo.groupIds[0], status: 'open', priority: 'normal',
			},
		}), 201, 'create ticket').ticket;
		tickets.push(tk);
	}
	// one published help-center article for the KB panel
	const HC = '/api/v2/help_center';
	const cat = ok(await helpo.api.admin.post(`${HC}/categories`,
		{ category: { name: 'Accounts' } }), 201).category;
	const sec = ok(await helpo.api.admin.post(`${HC}/categories/${cat.id}/sections`,
		{ section: { name: 'Sign-in' } }), 201).section;
	article = ok(await helpo.api.admin.post(`${HC}/sections/${sec.id}/articles`,
		{ article: { title: 'Resetting a forgotten password', body: 'Use the *reset* link.' } }),
	201).article;
});
after(async () => {
	await browser?.close();
	await helpo?.stop();
});

async function get(id) {
	return ok(await helpo.api.admin.get(`/api/v2/tickets/${id}`)).ticket;
}
async function comments(id) {
	return ok(await helpo.api.admin.get(`/api/v2/tickets/${id}/comments`)).comments;
}

test('an agent answers with a macro, adds a note and bulk-updates', async () => {
	const page = await newPage(browser);
	const errs = watchErrors(page);
	await signInAgent(page, helpo.url, helpo.admin);

	// the sidebar lists the views with counts; view 1 holds our three tickets
	const nav = page.getByTestId('view-list');
	await nav.waitFor();
	const v1 = nav.locator('a[data-view-id="1"]');
	await v1.locator('.count').filter({ hasText: /^3$/ }).waitFor();
	assert.equal(await v1.locator('.count').getAttribute('title'), '3 tickets');
	await v1.click();
	await page.getByRole('heading', { name: 'My open tickets' }).waitFor();
	const rows = page.getByTestId('ticket-row');
	await rows.nth(2).waitFor();
	assert.equal(await rows.count(), 3);
	assert.ok((await page.locator('main').innerText()).includes('3 tickets'));
	await shot(page, 'agent-view');

	// sort by id descending through the column header, then open the first ticket with j + o
	await page.getByRole('link', { name: '#', exact: true }).click();
	await page.getByRole('link', { name: '# ▲', exact: true }).click();
	await page.waitForFunction(() => location.hash.includes('sort_order=desc'));
	await rows.first().waitFor();
	assert.equal(Number(await rows.first().getAttribute('data-id')), tickets[2].id);
	await page.locator('body').press('j');
	await page.keyboard.press('Escape');
	await page.locator('main').focus();
	await page.keyboard.press('o');
	await page.waitForFunction((id) => location.hash === `#/tickets/${id}`, tickets[2].id);
	const target = tickets[2];

	// the ticket page: conversation, editor, requester card, KB panel
	const conv = page.getByTestId('conversation');
	await conv.getByTestId('comment').first().waitFor();
	assert.equal(await conv.getByTestId('comment').first().getAttribute('data-public'), 'true');
	await page.getByTestId('kb-panel').waitFor();
	assert.ok((await page.locator('.requester').innerText()).includes(helpo.customer.name));

	// macro picker: search by name, apply "Close and thank"
	await page.getByRole('button', { name: 'Apply macro' }).click();
	const picker = page.getByTestId('macro-picker');
	await picker.getByLabel('Search macros by name').fill('thank');
	await picker.getByRole('button', { name: /Close and thank/ }).click();
	const editor = page.getByTestId('editor');
	const body = editor.getByRole('textbox');
	await page.waitForFunction(() => document.querySelector('#reply-body').value.length > 0);
	const text = await body.inputValue();
	assert.ok(text.startsWith('Hi Cora,'), `macro text with the first name placeholder: ${text}`);
	assert.equal(await page.getByTestId('send').innerText(), 'Submit as Solved');
	await shot(page, 'agent-macro');
	await page.getByTestId('send').click();
	await conv.getByTestId('comment').nth(1).waitFor();
	let tk = await get(target.id);
	assert.equal(tk.status, 'solved');
	let cs = await comments(target.id);
	assert.equal(cs.length, 2);
	assert.equal(cs[1].public, true);
	assert.ok(cs[1].body.includes('Thank you for contacting us'));
	assert.ok(cs[1].body.includes(helpo.admin.name), 'current_user placeholder rendered');

	// internal note with the keyboard: n focuses the note editor, Ctrl+Enter submits
	await page.locator('main').focus();
	await page.keyboard.press('n');
	assert.equal(await editor.getByRole('button', { name: 'Internal note' }).getAttribute('aria-pressed'), 'true');
	await page.keyboard.type('Checked the logs; nothing else to do.');
	await page.keyboard.press('Control+Enter');
	const note = conv.locator('[data-testid="comment"][data-public="false"]');
	await note.waitFor();
	assert.ok((await note.textContent()).includes('Internal note'));
	cs = await comments(target.id);
	assert.equal(cs.length, 3);
	assert.equal(cs[2].public, false);
	assert.equal(cs[2].body, 'Checked the logs; nothing else to do.');
	assert.equal((await get(target.id)).status, 'solved', 'a note keeps the status');
	await shot(page, 'agent-ticket-note', { fullPage: true });

	// a file attached in the editor (POST /api/v2/uploads) goes with the next comment
	await page.locator('#reply-files').setInputFiles({ name: 'server-log.txt', mimeType: 'text/plain',
		buffer: Buffer.from('12:00 disk full\n') });
	await editor.getByText('server-log.txt').waitFor();
	await body.fill('The log is attached.');
	await body.press('Control+Enter');
	await conv.getByRole('link', { name: /server-log\.txt/ }).waitFor();
	cs = await comments(target.id);
	assert.equal(cs.length, 4);
	assert.equal(cs[3].body, 'The log is attached.');
	assert.deepEqual(cs[3].attachments.map((a) => [a.file_name, a.size]), [['server-log.txt', 16]]);

	// the KB panel finds the article and inserts its link into the reply
	const kb = page.getByTestId('kb-panel');
	await kb.getByLabel('Search articles').fill('forgotten passw');
	await kb.getByRole('button', { name: 'Search' }).click();
	await kb.getByRole('link', { name: 'Resetting a forgotten password' }).waitFor();
	await kb.getByRole('button', { name: 'Insert link' }).first().click();
	const withLink = await body.inputValue();
	assert.ok(withLink.includes('Resetting a forgotten password: ') &&
		withLink.includes(`/articles/${article.id}`), `link inserted: ${withLink}`);
	await shot(page, 'agent-kb');
	await body.fill('');

	// shortcut help
	await page.locator('main').focus();
	await page.keyboard.press('?');
	await page.getByTestId('shortcut-help').waitFor();
	await shot(page, 'agent-shortcuts');
	await page.keyboard.press('Escape');
	await page.getByTestId('shortcut-help').waitFor({ state: 'detached' });

	// back to the view (g v): the solved ticket left it; bulk-update the other two
	await page.keyboard.press('g');
	await page.keyboard.press('v');
	await page.getByRole('heading', { name: 'My open tickets' }).waitFor();
	await page.waitForFunction(() => document.querySelectorAll('[data-testid="ticket-row"]').length === 2);
	const boxes = rows.getByRole('checkbox');
	await boxes.nth(0).check();
	await boxes.nth(1).check();
	const bar = page.getByTestId('bulk-bar');
	await bar.getByText('2 tickets selected').waitFor();
	await bar.getByLabel('Status').selectOption('pending');
	await bar.getByLabel('Add tags').fill('bulk-e2e');
	await shot(page, 'agent-bulk');
	await bar.getByRole('button', { name: 'Apply to selected' }).click();
	await page.getByText('2 tickets updated').waitFor();
	for (const t of tickets.slice(0, 2)) {
		tk = await get(t.id);
		assert.equal(tk.status, 'pending', `ticket ${t.id} pending`);
		assert.ok(tk.tags.includes('bulk-e2e'), `ticket ${t.id} tagged`);
	}
	// the view keeps pending tickets (status < solved); the badges show the new status
	await page.getByTestId('ticket-row').filter({ hasText: 'Pending' }).nth(1).waitFor();
	errs.assertClean((e) => !/favicon|401: GET \S+\/sessions\/current/.test(e));
	await page.context().close();
});

test('settings: the language and the password can be changed; sign out', async () => {
	const page = await newPage(browser);
	await signInAgent(page, helpo.url, helpo.agent2);
	await page.getByTestId('view-list').waitFor();
	await page.evaluate(() => { location.hash = '#/settings'; });
	await page.getByLabel('Interface language').selectOption('lv');
	await page.getByRole('button', { name: 'Save' }).click();
	await page.getByRole('heading', { name: 'Iestatījumi' }).waitFor();
	assert.equal(ok(await helpo.api.agent2.get('/api/v2/users/me')).user.locale, 'lv');
	await page.getByLabel('Pašreizējā parole').fill('wrong-password');
	await page.getByLabel('Jaunā parole').fill('New-Pass-99881');
	await page.getByLabel('Atkārtojiet jauno paroli').fill('New-Pass-99881');
	await page.getByRole('button', { name: 'Mainīt paroli' }).click();
	await page.getByText('Pašreizējā parole ir nepareiza.').waitFor();
	await page.getByLabel('Pašreizējā parole').fill(helpo.agent2.password);
	await page.getByRole('button', { name: 'Mainīt paroli' }).click();
	await page.getByText('Jūsu parole ir nomainīta.').waitFor();
	await shot(page, 'agent-settings-lv');
	// the new password works through the API; then sign out
	ok(await helpo.api.anon.get('/api/v2/users/me', {
		Authorization: 'Basic ' + Buffer.from(`${helpo.agent2.email}:New-Pass-99881`).toString('base64'),
	}));
	await page.getByRole('navigation', { name: 'Skati' }).waitFor();
	await page.locator('header').getByRole('button', { name: 'Iziet' }).click();
	await page.getByLabel('Password', { exact: true }).or(page.getByLabel('Parole', { exact: true })).waitFor();
	await page.context().close();
});
