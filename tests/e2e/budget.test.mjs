// tests/e2e/budget.test.mjs — the agent workspace loads and signs in, and stays within its
// performance budget: the first load (cold cache, signed in) transfers ≤ 300 KB on the wire
// (gzip allowed) and opening a ticket once the app runs costs ≤ 3 /api/ requests.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHelpo, launchBrowser, newPage, signInAgent, shot, watchErrors, ok, sleep }
	from './lib/e2e.mjs';

const FIRST_LOAD_BUDGET = 300 * 1024;
const TICKET_API_BUDGET = 3;

let helpo, browser;
before(async () => {
	helpo = await startHelpo();
	browser = await launchBrowser();
});
after(async () => {
	await browser?.close();
	await helpo?.stop();
});

test('/agent shows the sign-in form and the admin signs in', async () => {
	const page = await newPage(browser);
	const errs = watchErrors(page);
	const res = await page.goto(helpo.url + '/agent');
	assert.equal(res.status(), 200);
	const csp = res.headers()['content-security-policy'] || '';
	const scriptSrc = csp.match(/script-src[^;]*/)?.[0] || '';
	assert.match(scriptSrc, /'self'/, 'the workspace is served with a script CSP');
	assert.doesNotMatch(scriptSrc, /unsafe-inline|unsafe-eval/, 'no inline scripts allowed');
	assert.match(csp, /frame-ancestors 'none'/);
	assert.equal(res.headers()['x-content-type-options'], 'nosniff');
	await page.getByLabel('Email').waitFor();
	assert.ok(await page.getByLabel('Password', { exact: true }).isVisible());
	assert.ok(await page.getByRole('button', { name: 'Sign in' }).isVisible());
	await shot(page, 'agent-signin');

	// a wrong password keeps the form and says so
	await page.getByLabel('Email').fill(helpo.admin.email);
	await page.getByLabel('Password', { exact: true }).fill('wrong-password');
	await page.getByRole('button', { name: 'Sign in' }).click();
	await page.getByRole('alert').waitFor();
	assert.ok(await page.getByLabel('Password', { exact: true }).isVisible());

	await signInAgent(page, helpo.url, helpo.admin);
	// signed in: the session cookie is set and the API knows who we are
	const cookies = await page.context().cookies();
	const session = cookies.find((c) => c.name === 'helpo_session');
	assert.ok(session, 'helpo_session cookie set');
	assert.equal(session.httpOnly, true);
	const me = await page.evaluate(async () => (await (await fetch('/api/v2/users/me')).json()).user);
	assert.equal(me.email, helpo.admin.email);
	// the workspace shell shows the views sidebar
	await page.getByTestId('view-list').waitFor();
	// the 401s of "not signed in yet" and of the wrong password are expected
	errs.assertClean((e) => !/^http 401: (GET|POST) \S+\/api\/v2\/sessions(\/current)?$/.test(e));
	await page.context().close();
});

/** Records every response's encoded size (headers + body on the wire) through CDP. */
async function recordTransfer(page) {
	const cdp = await page.context().newCDPSession(page);
	await cdp.send('Network.enable');
	const urls = new Map();
	const sizes = [];
	cdp.on('Network.responseReceived', (e) => urls.set(e.requestId, e.response.url));
	cdp.on('Network.loadingFinished', (e) =>
		sizes.push({ url: urls.get(e.requestId), bytes: e.encodedDataLength }));
	return sizes;
}

/** Collects /api/ requests made by the page. */
function recordApi(page) {
	const calls = [];
	page.on('request', (r) => {
		const u = new URL(r.url());
		if (u.pathname.startsWith('/api/'))
			calls.push({ at: Date.now(), what: `${r.method()} ${u.pathname}${u.search}` });
	});
	return calls;
}

/** Waits until no /api/ request has started for `quietMs`. */
async function apiQuiet(calls, quietMs = 1000, maxMs = 10000) {
	const start = Date.now();
	for (;;) {
		const last = calls.length ? calls[calls.length - 1].at : start;
		if (Date.now() - last >= quietMs || Date.now() - start > maxMs)
			return;
		await sleep(100);
	}
}

test('the workspace first load transfers ≤ 300 KB and opening a ticket costs ≤ 3 API calls',
	async () => {
		// sign in once, then load the workspace on a cold cache with that session
		// agent2 is in every group: "All open tickets in my groups" (view 3) is a full list
		const signin = await newPage(browser);
		await signInAgent(signin, helpo.url, helpo.agent2);
		const state = await signin.context().storageState();
		await signin.context().close();

		const page = await newPage(browser, { storageState: state });
		const sizes = await recordTransfer(page);
		const calls = recordApi(page);
		await page.goto(helpo.url + '/agent#/views/3');
		await page.getByTestId('view-list').waitFor();
		await page.getByTestId('ticket-row').first().waitFor();
		await apiQuiet(calls);
		const total = sizes.reduce((a, s) => a + s.bytes, 0);
		const list = sizes.map((s) => `${s.bytes}\t${s.url}`).join('\n');
		assert.ok(sizes.length > 0, 'responses were recorded');
		assert.ok(sizes.some((s) => /\/agent\/js\//.test(s.url)), 'the app scripts were loaded');
		assert.ok(total <= FIRST_LOAD_BUDGET,
			`first load transferred ${total} bytes > ${FIRST_LOAD_BUDGET}:\n${list}`);
		console.log(`# first load: ${sizes.length} responses, ${total} bytes on the wire`);
		await shot(page, 'agent-views');

		// a ticket with a conversation: open it through the hash route
		const tickets = ok(await helpo.api.admin.get('/api/v2/tickets?sort_by=id&sort_order=asc'))
			.tickets;
		assert.ok(tickets.length > 0, 'demo tickets exist');
		const id = tickets[0].id;
		const before = calls.length;
		await page.evaluate((tid) => { location.hash = `#/tickets/${tid}`; }, id);
		await page.getByTestId('conversation').waitFor();
		await page.getByTestId('comment').first().waitFor();
		await apiQuiet(calls, 1500);
		const opened = calls.slice(before).map((c) => c.what)
			.filter((w) => !/^GET \/api\/v2\/stream\b/.test(w));
		assert.ok(opened.length >= 1, 'opening a ticket fetched it through the API');
		console.log(`# open ticket: ${opened.length} API calls: ${opened.join(', ')}`);
		await shot(page, 'agent-ticket');

		// and the next one, from the list, costs no more
		await page.evaluate(() => { location.hash = '#/views/3'; });
		await page.getByTestId('ticket-row').first().waitFor();
		await apiQuiet(calls);
		const id2 = tickets[1].id;
		const before2 = calls.length;
		await page.evaluate((tid) => { location.hash = `#/tickets/${tid}`; }, id2);
		await page.getByTestId('conversation').waitFor();
		await apiQuiet(calls, 1500);
		const opened2 = calls.slice(before2).map((c) => c.what)
			.filter((w) => !/^GET \/api\/v2\/stream\b/.test(w));
		console.log(`# open a second ticket: ${opened2.length} API calls: ${opened2.join(', ')}`);
		assert.ok(opened.length <= TICKET_API_BUDGET,
			`opening a ticket made ${opened.length} API calls:\n${opened.join('\n')}`);
		assert.ok(opened2.length <= TICKET_API_BUDGET,
			`opening a second ticket made ${opened2.length} API calls:\n${opened2.join('\n')}`);
		await page.context().close();
	});
