// tests/e2e/portal.test.mjs — the customer's journey on the portal, in a real browser:
// submit a request (anonymously and signed in), see the agent's public reply (never an internal
// note), reply back, mark it solved; the agent sees every step through the API.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHelpo, launchBrowser, newPage, signInPortal, shot, watchErrors, ok }
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

/** The customer's tickets as the admin sees them, newest first. */
async function requestedBy(userId) {
	const body = ok(await helpo.api.admin.get(
		`/api/v2/users/${userId}/tickets/requested?sort_by=created_at&sort_order=desc`), 200);
	return body.tickets;
}

async function comments(id) {
	return ok(await helpo.api.admin.get(`/api/v2/tickets/${id}/comments`), 200).comments;
}

test('the portal home shows the knowledge-base search and the submit link', async () => {
	const page = await newPage(browser);
	const errs = watchErrors(page);
	const res = await page.goto(helpo.url + '/');
	assert.equal(res.status(), 200);
	assert.match(res.headers()['content-type'], /text\/html/);
	assert.match(res.headers()['content-security-policy'], /script-src 'self'/);
	await page.getByRole('link', { name: 'Submit a request' }).first().waitFor();
	assert.ok(await page.getByLabel('Search the knowledge base').isVisible());
	errs.assertClean();
	await page.context().close();
});

test('an anonymous visitor submits a request; it lands on their existing account', async () => {
	const page = await newPage(browser);
	const errs = watchErrors(page);
	const subject = `Printer on fire`;
	await page.goto(helpo.url + '/requests/new');
	await page.getByLabel('Your name').fill(helpo.customer.name);
	await page.getByLabel('Email').fill(helpo.customer.email);
	await page.getByLabel('Subject').fill(subject);
	await page.getByLabel('Description').fill('It smells of toner and smoke.');
	await shot(page, 'portal-new-request');
	await page.getByRole('button', { name: 'Submit' }).click();
	await page.getByRole('heading', { name: 'Thank you — check your email' }).waitFor();

	const mine = await requestedBy(helpo.customer.id);
	const t = mine.find((x) => x.subject === subject);
	assert.ok(t, `the request "${subject}" exists for the customer: ${JSON.stringify(mine.map((x) => x.subject))}`);
	assert.equal(t.requester_id, helpo.customer.id);
	const c = await comments(t.id);
	assert.equal(c[0].body.trim(), 'It smells of toner and smoke.');
	assert.equal(c[0].author_id, helpo.customer.id);
	errs.assertClean();
	await page.context().close();
});

test('the honeypot field stores nothing', async () => {
	const page = await newPage(browser);
	const subject = `Cheap pills`;
	await page.goto(helpo.url + '/requests/new');
	await page.getByLabel('Your name').fill('Bot');
	await page.getByLabel('Email').fill(helpo.customer.email);
	await page.getByLabel('Subject').fill(subject);
	await page.getByLabel('Description').fill('buy now');
	// a bot fills every field, the hidden one too
	await page.locator('#website').evaluate((el) => { el.value = 'http://spam.example'; });
	await page.getByRole('button', { name: 'Submit' }).click();
	await page.getByRole('heading', { name: 'Thank you — check your email' }).waitFor();
	const mine = await requestedBy(helpo.customer.id);
	assert.ok(!mine.some((x) => x.subject === subject), 'no ticket from the honeypot');
	await page.context().close();
});

test('customer submits signed in, sees the agent reply (not the note), replies, solves', async () => {
	const page = await newPage(browser);
	const errs = watchErrors(page);
	await signInPortal(page, helpo.url, helpo.customer);

	// submit while signed in: straight to the new request's page
	const subject = `VPN drops every hour`;
	await page.goto(helpo.url + '/requests/new');
	await page.getByLabel('Subject').fill(subject);
	await page.getByLabel('Description').fill('Since Monday the VPN drops at :00.');
	await Promise.all([
		page.waitForURL(/\/requests\/\d+$/),
		page.getByRole('button', { name: 'Submit' }).click(),
	]);
	const id = Number(new URL(page.url()).pathname.split('/').pop());
	await page.getByRole('heading', { name: subject }).waitFor();

	// the agent sees it through the API and answers: a public reply and an internal note
	const t = ok(await helpo.api.admin.get(`/api/v2/tickets/${id}`), 200).ticket;
	assert.equal(t.subject, subject);
	assert.equal(t.requester_id, helpo.customer.id);
	const reply = `Please restart the client`;
	const note = `Internal: probably the DHCP lease`;
	ok(await helpo.api.admin.put(`/api/v2/tickets/${id}`,
		{ ticket: { comment: { body: note, public: false } } }), 200, 'note');
	ok(await helpo.api.admin.put(`/api/v2/tickets/${id}`,
		{ ticket: { status: 'pending', comment: { body: reply, public: true } } }), 200, 'reply');

	// the customer's list shows the request; the page shows the reply and not the note
	await page.goto(helpo.url + '/requests');
	await page.getByRole('link', { name: subject }).click();
	await page.waitForURL(new RegExp(`/requests/${id}$`));
	const conv = page.getByTestId('conversation');
	await conv.getByText(reply).waitFor();
	assert.equal(await conv.getByText(note).count(), 0, 'the internal note is not shown');
	assert.equal(await page.getByText(note).count(), 0, 'the internal note is nowhere');
	assert.equal(await page.getByTestId('comment').count(), 2, 'description and reply');
	await shot(page, 'portal-request');

	// the customer replies back
	const back = `Restarted, still drops`;
	await page.getByLabel('Your reply').fill(back);
	await page.getByRole('button', { name: 'Send reply' }).click();
	await page.getByTestId('conversation').getByText(back).waitFor();
	assert.equal(await page.getByTestId('comment').count(), 3);

	// the agent sees the customer's reply, public and by the customer; the ticket reopened
	const c = await comments(id);
	const last = c[c.length - 1];
	assert.equal(last.body.trim(), back);
	assert.equal(last.author_id, helpo.customer.id);
	assert.equal(last.public, true);
	const after = ok(await helpo.api.admin.get(`/api/v2/tickets/${id}`), 200).ticket;
	assert.equal(after.status, 'open', 'a customer reply reopens a pending ticket');

	// mark as solved
	await Promise.all([
		page.waitForResponse((r) => r.request().method() === 'POST' &&
			new URL(r.url()).pathname === `/requests/${id}`),
		page.getByRole('button', { name: 'Mark as solved' }).click(),
	]);
	await page.waitForLoadState();
	assert.equal(await page.getByRole('button', { name: 'Mark as solved' }).count(), 0,
		'no "mark as solved" on a solved request');
	const solved = ok(await helpo.api.admin.get(`/api/v2/tickets/${id}`), 200).ticket;
	assert.equal(solved.status, 'solved',
		`status after "Mark as solved"; the page says:\n${await page.locator('main').innerText()}`);

	// home while signed in lists the request
	await page.goto(helpo.url + '/');
	await page.getByRole('link', { name: subject }).waitFor();
	await shot(page, 'portal-home');
	errs.assertClean();
	await page.context().close();
});

test('a customer cannot open another customer\'s request', async () => {
	// a ticket requested by someone else (the demo data has plenty)
	const all = ok(await helpo.api.admin.get('/api/v2/tickets?sort_by=id&sort_order=asc'), 200)
		.tickets;
	const other = all.find((x) => x.requester_id !== helpo.customer.id);
	assert.ok(other, 'a ticket of another requester exists');
	const page = await newPage(browser);
	await signInPortal(page, helpo.url, helpo.customer);
	const res = await page.goto(`${helpo.url}/requests/${other.id}`);
	assert.equal(res.status(), 404);
	assert.equal(await page.getByText(other.subject, { exact: true }).count(), 0);
	await page.context().close();
});

test('sign-in with a wrong password fails; return_to only goes to local paths', async () => {
	const page = await newPage(browser);
	await page.goto(helpo.url + '/login');
	const form = page.locator('form').filter({ has: page.getByLabel('Password', { exact: true }) });
	await form.getByLabel('Email').fill(helpo.customer.email);
	await form.getByLabel('Password', { exact: true }).fill('not-the-password');
	await form.getByRole('button', { name: 'Sign in' }).click();
	await page.waitForLoadState();
	assert.match(new URL(page.url()).pathname, /^\/login/);
	assert.equal((await page.context().cookies()).filter((c) => c.name === 'helpo_session')
		.length, 0, 'no session after a wrong password');

	await signInPortal(page, helpo.url, helpo.customer, '//evil.example/steal');
	const u = new URL(page.url());
	assert.equal(u.origin, helpo.url, 'stays on this site');
	await page.context().close();
});
