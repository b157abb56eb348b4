// tests/api/portal.test.mjs — the customer portal (src/portal/portal.c) driven with plain fetch
// and a cookie jar, no browser: anonymous submission (urlencoded and multipart with a file),
// honeypot, sign-in by password, own requests only, reply and "mark as solved", CSRF on every
// form, safe return_to, escaping of hostile text, security headers, rate limits (429), and the
// one-time sign-in link read from real outbound mail (a server of this file's own with an SMTP
// sink, since the shared servers send no mail).
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BASE, RL_BASE, fx, admin, endB, uniq, expectStatus, Client, basic, sleep } from './lib/api.mjs';

/** A browser without JavaScript: a cookie jar, no redirects followed. */
class Browser {
	constructor(base = BASE, headers = {}) {
		this.base = base;
		this.jar = new Map();
		this.headers = headers;
	}

	cookieHeader() {
		return [...this.jar].map(([k, v]) => `${k}=${v}`).join('; ');
	}

	async req(method, p, { form, multipart, headers = {} } = {}) {
		const h = { ...this.headers, ...headers };
		if (this.jar.size) h.Cookie = this.cookieHeader();
		let body;
		if (form) {
			body = new URLSearchParams(form).toString();
			h['Content-Type'] = 'application/x-www-form-urlencoded';
		} else if (multipart) {
			body = multipart; // FormData: fetch sets the boundary
		}
		const res = await fetch(this.base + p, { method, headers: h, body, redirect: 'manual' });
		for (const c of res.headers.getSetCookie()) {
			const [pair] = c.split(';');
			const eq = pair.indexOf('=');
			const name = pair.slice(0, eq), value = pair.slice(eq + 1);
			if (/Max-Age=0/i.test(c) || value === '') this.jar.delete(name);
			else this.jar.set(name, value);
		}
		const text = await res.text();
		return { status: res.status, headers: res.headers, text, location: res.headers.get('location') };
	}
	get(p, o) { return this.req('GET', p, o); }
	post(p, o) { return this.req('POST', p, o); }
}

/** The hidden inputs of the first form whose action is `action` (all forms when null). */
function hiddenFields(html, action = null) {
	let scope = html;
	if (action) {
		const i = html.indexOf(`action="${action}"`);
		assert.ok(i >= 0, `no form with action ${action}`);
		scope = html.slice(i, html.indexOf('</form>', i));
	}
	const out = {};
	for (const m of scope.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g))
		out[m[1]] = m[2].replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<')
			.replace(/&gt;/g, '>').replace(/&amp;/g, '&');
	return out;
}

function checkSecurityHeaders(res, what) {
	const csp = res.headers.get('content-security-policy') || '';
	assert.ok(csp.includes("frame-ancestors 'none'"), `${what}: CSP frame-ancestors: ${csp}`);
	assert.ok(csp.includes("script-src 'self'"), `${what}: CSP script-src: ${csp}`);
	assert.ok(!csp.includes('unsafe-inline') && !csp.includes('unsafe-eval'), `${what}: ${csp}`);
	assert.equal(res.headers.get('x-content-type-options'), 'nosniff', what);
	assert.ok(res.headers.get('referrer-policy'), `${what}: Referrer-Policy`);
}

/** Signs a browser in through the portal's password form. */
async function signIn(b, user, returnTo = null) {
	const page = await b.get('/login' + (returnTo ? `?return_to=${encodeURIComponent(returnTo)}` : ''));
	expectStatus(page, 200);
	const hid = hiddenFields(page.text, '/login');
	return b.post('/login', { form: { ...hid, email: user.email, password: user.password } });
}

async function userByEmail(email) {
	const res = await admin.get(`/api/v2/users/search?query=${encodeURIComponent(email)}`);
	const users = expectStatus(res, 200).users.filter((u) => u.email === email.toLowerCase());
	return users[0] || null;
}

async function ticketsOf(email) {
	const u = await userByEmail(email);
	if (!u) return [];
	const res = await admin.get(`/api/v2/users/${u.id}/tickets/requested`);
	return expectStatus(res, 200).tickets;
}

async function newForm(b) {
	const page = await b.get('/requests/new');
	expectStatus(page, 200);
	return hiddenFields(page.text, '/requests/new');
}

describe('portal pages', () => {
	test('every page carries the security headers; / is the portal home', async () => {
		const b = new Browser();
		for (const p of ['/', '/requests/new', '/login', '/requests', '/requests/1', '/login/link?token=x', '/nothing-here-portal']) {
			const res = await b.get(p);
			if (p === '/nothing-here-portal') {
				assert.equal(res.status, 404);
				continue;
			}
			checkSecurityHeaders(res, p);
		}
		const home = await b.get('/');
		expectStatus(home, 200);
		assert.match(home.headers.get('content-type'), /text\/html/);
		assert.match(home.text, /action="\/hc\/en\/search"/);
		assert.match(home.text, /href="\/requests\/new"/);
		assert.ok(!/<script>|<style>| style="| on[a-z]+="/.test(home.text), 'no inline code');
		const ru = await new Browser(BASE, { 'Accept-Language': 'ru' }).get('/');
		assert.match(ru.text, /<html lang="ru">/);
	});

	test('anonymous forms and signed-in pages refuse posts without their token', async () => {
		const b = new Browser();
		const hid = await newForm(b);
		const fields = { name: 'N', email: `${uniq('nocsrf')}@example.test`, subject: 'S', description: 'D' };
		let res = await b.post('/requests/new', { form: { ...fields } });
		assert.equal(res.status, 403, 'no form_token');
		res = await b.post('/requests/new', { form: { ...fields, form_token: 'x'.repeat(43) } });
		assert.equal(res.status, 403, 'wrong form_token');
		res = await b.post('/requests/new', {
			form: { ...hid, ...fields }, headers: { Origin: 'https://evil.example' },
		});
		assert.equal(res.status, 403, 'cross-site Origin');
		res = await b.post('/requests/new', {
			form: { ...hid, ...fields }, headers: { 'Sec-Fetch-Site': 'cross-site' },
		});
		assert.equal(res.status, 403, 'Sec-Fetch-Site: cross-site');
		res = await b.post('/requests/new', {
			form: { ...hid, ...fields, website: 'x' }, headers: { Origin: 'null', 'Sec-Fetch-Site': 'same-origin' },
		});
		assert.equal(res.status, 200, 'an opaque origin with the token is accepted (honeypot: nothing stored)');
		res = await b.post('/login', { form: { email: fx.enda.email, password: fx.enda.password } });
		assert.equal(res.status, 403, 'login without form_token');
		assert.ok(!b.jar.has('helpo_session'));
		assert.equal((await userByEmail(fields.email)), null, 'nothing stored');
	});
});

describe('anonymous submission', () => {
	test('urlencoded: the ticket exists, the submitter is not signed in', async () => {
		const b = new Browser();
		const hid = await newForm(b);
		assert.ok(hid.form_token && hid.deflection_token, 'form and deflection tokens');
		const email = `${uniq('anon')}@Example.test`;
		const subject = `Printer ${uniq('s')}`;
		const res = await b.post('/requests/new', {
			form: { ...hid, name: 'Ana Anon', email, subject, description: 'It jams.\nEvery day.', website: '' },
		});
		expectStatus(res, 200, 'check your email page');
		assert.ok(!b.jar.has('helpo_session'), 'never signed in by an anonymous submission');
		const tickets = await ticketsOf(email);
		assert.equal(tickets.length, 1);
		assert.equal(tickets[0].subject, subject);
		assert.equal(tickets[0].via.channel, 'web');
		const u = await userByEmail(email);
		assert.equal(u.name, 'Ana Anon');
		assert.equal(u.role, 'end-user');
	});

	test('an existing customer address gets the same answer and is not signed in', async () => {
		const nameBefore = (await userByEmail(fx.endb.email)).name;
		const b = new Browser();
		const hid = await newForm(b);
		const subject = `Known ${uniq('s')}`;
		const res = await b.post('/requests/new', {
			form: { ...hid, name: 'Whoever', email: fx.endb.email, subject, description: 'Hello' },
		});
		expectStatus(res, 200);
		assert.ok(!b.jar.has('helpo_session'));
		assert.ok((await b.get('/requests')).status === 303, 'still anonymous');
		const u = await userByEmail(fx.endb.email);
		assert.equal(u.name, nameBefore, 'the name of an existing user is not changed');
		assert.ok((await ticketsOf(fx.endb.email)).some((t) => t.subject === subject));
	});

	test('a staff address stores nothing and gets the same answer', async () => {
		const before = (await ticketsOf(fx.agent.email)).length;
		const b = new Browser();
		const res = await b.post('/requests/new', {
			form: { ...(await newForm(b)), name: 'Pretender', email: fx.agent.email, subject: `Staff ${uniq('s')}`, description: 'x' },
		});
		expectStatus(res, 200);
		assert.ok(!b.jar.has('helpo_session'));
		assert.equal((await ticketsOf(fx.agent.email)).length, before);
	});

	test('multipart with an attachment: the file is on the first comment', async () => {
		const b = new Browser();
		const hid = await newForm(b);
		const email = `${uniq('multi')}@example.test`;
		const bytes = Buffer.from([0, 1, 2, 255, 13, 10, 45, 45, 0x89, 0x50, 0x4e, 0x47]);
		const fd = new FormData();
		for (const [k, v] of Object.entries(hid)) fd.append(k, v);
		fd.append('name', 'Multi Part');
		fd.append('email', email);
		fd.append('subject', `Screenshot ${uniq('s')}`);
		fd.append('description', 'See the file.');
		fd.append('attachments', new Blob([bytes], { type: 'image/png' }), 'C:\\Users\\x\\shot "1".png');
		fd.append('attachments', new Blob([]), ''); // "no file chosen"
		fd.append('website', '');
		const res = await b.post('/requests/new', { multipart: fd });
		expectStatus(res, 200);
		const [t] = await ticketsOf(email);
		assert.ok(t, 'ticket created');
		const comments = expectStatus(await admin.get(`/api/v2/tickets/${t.id}/comments`), 200).comments;
		assert.equal(comments.length, 1);
		assert.equal(comments[0].attachments.length, 1);
		const a = comments[0].attachments[0];
		assert.equal(a.file_name, 'shot "1".png', 'no path in the stored name');
		assert.equal(a.size, bytes.length);
		const content = await fetch(`${BASE}/api/v2/attachments/${a.id}/content`, {
			headers: { Authorization: basic(`${fx.admin.email}/token`, fx.admin.token) },
		});
		assert.deepEqual(Buffer.from(await content.arrayBuffer()), bytes);
	});

	test('honeypot filled: the same answer, nothing stored', async () => {
		const b = new Browser();
		const hid = await newForm(b);
		const email = `${uniq('bot')}@example.test`;
		const res = await b.post('/requests/new', {
			form: { ...hid, name: 'Bot', email, subject: 'Cheap pills', description: 'spam', website: 'http://spam.example' },
		});
		expectStatus(res, 200);
		assert.equal(await userByEmail(email), null, 'no user made');
	});

	test('invalid fields come back with the form (422), values escaped', async () => {
		const b = new Browser();
		const hid = await newForm(b);
		const res = await b.post('/requests/new', {
			form: { ...hid, name: '"><script>alert(1)</script>', email: 'not-an-address', subject: '<b>x</b>', description: '' },
		});
		assert.equal(res.status, 422);
		assert.ok(!res.text.includes('<script>alert(1)'), 'name escaped');
		assert.ok(res.text.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
		assert.ok(res.text.includes('value="&lt;b&gt;x&lt;/b&gt;"'));
		assert.match(res.text, /role="alert"/);
	});
});

describe('signed-in customer', () => {
	let b, mine, theirs;

	before(async () => {
		b = new Browser();
		const res = await signIn(b, fx.enda);
		assert.equal(res.status, 303, res.text.slice(0, 300));
		assert.equal(res.location, '/');
		assert.ok(b.jar.has('helpo_session'));
		const m = await new Client(basic(`${fx.enda.email}/token`, fx.enda.token)).post('/api/v2/requests',
			{ request: { subject: `Mine ${uniq('s')}`, comment: { body: 'my request' } } });
		mine = expectStatus(m, 201).request;
		const t = await endB.post('/api/v2/requests',
			{ request: { subject: `Theirs ${uniq('s')}`, comment: { body: 'secret of B' } } });
		theirs = expectStatus(t, 201).request;
	});

	test('the list shows own requests only; another customer\'s is a 404', async () => {
		const list = await b.get('/requests');
		expectStatus(list, 200);
		assert.ok(list.text.includes(`href="/requests/${mine.id}"`));
		assert.ok(!list.text.includes(`href="/requests/${theirs.id}"`));
		assert.ok(!list.text.includes(theirs.subject));
		const other = await b.get(`/requests/${theirs.id}`);
		assert.equal(other.status, 404);
		assert.ok(!other.text.includes('secret of B'));
		checkSecurityHeaders(other, '404 page');
		const own = await b.get(`/requests/${mine.id}`);
		expectStatus(own, 200);
		assert.ok(own.text.includes('my request'));
		// an explicit language choice wins over the stored setting, and sticks (cookie)
		const jar = new Map(b.jar);
		const ru = await b.get('/requests?lang=ru');
		assert.match(ru.text, /<html lang="ru">/);
		assert.match((await b.get('/requests')).text, /<html lang="ru">/);
		b.jar = jar;
		assert.match((await b.get('/requests')).text, /<html lang="en">/);
	});

	test('reply and mark as solved need the CSRF token', async () => {
		const page = await b.get(`/requests/${mine.id}`);
		const reply = hiddenFields(page.text, `/requests/${mine.id}`);
		assert.ok(reply.csrf_token, 'csrf_token in the reply form');
		let res = await b.post(`/requests/${mine.id}`, { form: { action: 'reply', body: 'no token' } });
		assert.equal(res.status, 403);
		res = await b.post(`/requests/${mine.id}`, { form: { action: 'reply', body: 'bad token', csrf_token: 'nope' } });
		assert.equal(res.status, 403);
		res = await b.post(`/requests/${mine.id}`, { form: { ...reply, body: 'A reply from the portal' } });
		assert.equal(res.status, 303);
		assert.equal(res.location, `/requests/${mine.id}`);
		const comments = expectStatus(await admin.get(`/api/v2/tickets/${mine.id}/comments`), 200).comments;
		assert.equal(comments.at(-1).body, 'A reply from the portal');
		assert.equal(comments.at(-1).public, true);
		res = await b.post(`/requests/${mine.id}`, { form: { action: 'solve' } });
		assert.equal(res.status, 403, 'solve without token');
		res = await b.post(`/requests/${mine.id}`, { form: { action: 'solve', csrf_token: reply.csrf_token } });
		assert.equal(res.status, 303);
		const t = expectStatus(await admin.get(`/api/v2/tickets/${mine.id}`), 200).ticket;
		assert.equal(t.status, 'solved');
		res = await b.post(`/requests/${theirs.id}`, { form: { action: 'reply', body: 'x', csrf_token: reply.csrf_token } });
		assert.equal(res.status, 404, 'no reply to another customer\'s request');
	});

	test('a signed-in submission uses the session and lands on the new request', async () => {
		const hid = await newForm(b);
		assert.ok(hid.csrf_token && !hid.form_token);
		let res = await b.post('/requests/new', { form: { subject: 'x', description: 'y' } });
		assert.equal(res.status, 403);
		res = await b.post('/requests/new', { form: { ...hid, subject: `Signed ${uniq('s')}`, description: 'From the portal' } });
		assert.equal(res.status, 303);
		assert.match(res.location, /^\/requests\/\d+$/);
		const page = await b.get(res.location);
		expectStatus(page, 200);
		assert.ok(page.text.includes('From the portal'));
	});

	test('an organization that shares tickets: members see each other\'s requests', async () => {
		const org = expectStatus(await admin.post('/api/v2/organizations',
			{ organization: { name: uniq('Org '), shared_tickets: true } }), 201).organization;
		const pw = `pw-${uniq('p')}-123456`;
		const people = [];
		for (const n of ['one', 'two']) {
			const u = expectStatus(await admin.post('/api/v2/users', {
				user: { name: `Member ${n}`, email: `${uniq(n)}@example.test`, role: 'end-user', organization_id: org.id },
			}), 201).user;
			expectStatus(await admin.put(`/api/v2/users/${u.id}/password`, { password: pw }), 200);
			people.push(u);
		}
		const t = await admin.post('/api/v2/tickets', {
			ticket: { subject: `Org ticket ${uniq('s')}`, comment: { body: 'for the team' }, requester_id: people[1].id },
		});
		const ticket = expectStatus(t, 201).ticket;
		const b = new Browser();
		assert.equal((await signIn(b, { email: people[0].email, password: pw })).status, 303);
		const list = await b.get('/requests');
		expectStatus(list, 200);
		assert.ok(list.text.includes(`href="/requests/${ticket.id}"`), 'the colleague\'s request is listed');
		assert.match(list.text, /class="badge org"/);
		expectStatus(await b.get(`/requests/${ticket.id}`), 200);
	});

	test('sign-out is a POST with the token', async () => {
		const other = new Browser();
		await signIn(other, fx.enda);
		const page = await other.get('/');
		const hid = hiddenFields(page.text, '/logout');
		let res = await other.post('/logout', { form: {} });
		assert.equal(res.status, 403);
		res = await other.post('/logout', { form: hid });
		assert.equal(res.status, 303);
		assert.ok(!other.jar.has('helpo_session'));
		assert.equal((await other.get('/requests')).status, 303);
	});
});

describe('sign-in', () => {
	test('return_to goes only to local paths', async () => {
		for (const [to, want] of [['//evil.com', '/'], ['https://evil.com', '/'], ['/\\evil.com', '/'],
			['/requests', '/requests']]) {
			const b = new Browser();
			const res = await signIn(b, fx.enda, to);
			assert.equal(res.status, 303, to);
			assert.equal(res.location, want, to);
		}
		const b = new Browser();
		const page = await b.get('/login?return_to=' + encodeURIComponent('//evil.com'));
		assert.equal(hiddenFields(page.text, '/login').return_to, '/');
		const r = await b.get('/requests/12345');
		assert.equal(r.status, 303);
		assert.equal(r.location, '/login?return_to=/requests/12345');
	});

	test('a wrong password is a 401 page, not a session', async () => {
		const b = new Browser();
		const page = await b.get('/login');
		const res = await b.post('/login', { form: { ...hiddenFields(page.text, '/login'), email: fx.enda.email, password: 'wrong-password' } });
		assert.equal(res.status, 401);
		assert.ok(!b.jar.has('helpo_session'));
		checkSecurityHeaders(res, 'login failure');
	});

	test('a sign-in link request answers the same for unknown addresses; bad tokens are refused', async () => {
		for (const email of [fx.enda.email, `${uniq('nobody')}@example.test`]) {
			const b = new Browser();
			const page = await b.get('/login');
			const res = await b.post('/login/link', { form: { ...hiddenFields(page.text, '/login/link'), email } });
			expectStatus(res, 200);
			assert.ok(!b.jar.has('helpo_session'));
		}
		const b = new Browser();
		for (const tok of ['', 'short', 'A'.repeat(43), '<script>'.repeat(6)]) {
			const res = await b.get('/login/link?token=' + encodeURIComponent(tok));
			assert.equal(res.status, 400, tok);
			assert.ok(!b.jar.has('helpo_session'));
			assert.ok(!res.text.includes('<script>'));
		}
	});
});

describe('hostile text', () => {
	test('XSS payloads in name, subject and description come back escaped', async () => {
		const xName = `<img src=x onerror=alert(1)>${uniq('n')}`;
		const xSubject = `<script>alert("s")</script>"'><svg onload=alert(2)>`;
		const xBody = `<iframe src="javascript:alert(3)"></iframe> & <b onclick=alert(4)>bold</b>`;
		const pw = `pw-${uniq('p')}-123456`;
		const u = expectStatus(await admin.post('/api/v2/users', {
			user: { name: xName, email: `${uniq('xss')}@example.test`, role: 'end-user' },
		}), 201).user;
		expectStatus(await admin.put(`/api/v2/users/${u.id}/password`, { password: pw }), 200);
		const b = new Browser();
		const res = await signIn(b, { email: u.email, password: pw });
		assert.equal(res.status, 303);
		const hid = await newForm(b);
		const made = await b.post('/requests/new', { form: { ...hid, subject: xSubject, description: xBody } });
		assert.equal(made.status, 303);
		for (const p of [made.location, '/requests', '/']) {
			const page = await b.get(p);
			expectStatus(page, 200, p);
			for (const bad of ['<script>alert', '<svg onload', '<iframe', '<b onclick', '<img src=x'])
				assert.ok(!page.text.includes(bad), `${p} contains ${bad}`);
			assert.ok(page.text.includes('&lt;script&gt;alert('), `${p}: subject escaped`);
		}
		const thread = await b.get(made.location);
		assert.ok(thread.text.includes('&lt;img src=x onerror=alert(1)&gt;'), 'author name escaped');
		assert.ok(thread.text.includes('&lt;iframe'), 'description escaped');
	});
});

describe('rate limits', () => {
	// the rate-limit server trusts X-Forwarded-For from 127.0.0.1: each test is its own client
	const ip = () => `10.${(Math.random() * 250) | 0}.${(Math.random() * 250) | 0}.${1 + ((Math.random() * 250) | 0)}`;

	test('per-IP submissions: the 21st in ten minutes is a 429 page', async () => {
		const b = new Browser(RL_BASE, { 'X-Forwarded-For': ip() });
		const hid = await newForm(b);
		let last;
		for (let i = 0; i < 21; i++) {
			// honeypot posts count like real ones and store nothing
			last = await b.post('/requests/new', {
				form: { ...hid, name: 'R', email: `${uniq('rl')}@example.test`, subject: 's', description: 'd', website: 'x' },
			});
			if (i < 20) assert.equal(last.status, 200, `post ${i + 1}`);
		}
		assert.equal(last.status, 429);
		assert.ok(Number(last.headers.get('retry-after')) > 0);
		checkSecurityHeaders(last, '429 page');
		assert.match(last.headers.get('content-type'), /text\/html/);
		const other = new Browser(RL_BASE, { 'X-Forwarded-For': ip() });
		const ok = await other.post('/requests/new', {
			form: { ...(await newForm(other)), name: 'R', email: 'r@example.test', subject: 's', description: 'd', website: 'x' },
		});
		assert.equal(ok.status, 200, 'another address is not limited');
	});

	test('per-address submissions: the 6th for one address is a 429 page', async () => {
		const email = `${uniq('addr')}@example.test`;
		let last;
		for (let i = 0; i < 6; i++) {
			const b = new Browser(RL_BASE, { 'X-Forwarded-For': ip() });
			last = await b.post('/requests/new', {
				form: { ...(await newForm(b)), name: 'R', email, subject: `s${i}`, description: 'd' },
			});
			if (i < 5) assert.equal(last.status, 200, `post ${i + 1}`);
		}
		assert.equal(last.status, 429);
		const rl = new Client(basic(`${fx.rl.admin.email}/token`, fx.rl.admin.token), RL_BASE);
		const users = expectStatus(await rl.get(`/api/v2/users/search?query=${encodeURIComponent(email)}`), 200).users;
		const tickets = expectStatus(await rl.get(`/api/v2/users/${users[0].id}/tickets/requested`), 200).tickets;
		assert.equal(tickets.length, 5);
	});

	test('password failures and link requests are limited per IP', async () => {
		const b = new Browser(RL_BASE, { 'X-Forwarded-For': ip() });
		const hid = hiddenFields((await b.get('/login')).text, '/login');
		let last;
		for (let i = 0; i < 12 && (!last || last.status !== 429); i++)
			last = await b.post('/login', { form: { ...hid, email: `${uniq('x')}@example.test`, password: 'wrong-password' } });
		assert.equal(last.status, 429);
		const c = new Browser(RL_BASE, { 'X-Forwarded-For': ip() });
		const lh = hiddenFields((await c.get('/login')).text, '/login/link');
		for (let i = 0; i < 11; i++)
			last = await c.post('/login/link', { form: { ...lh, email: `${uniq('l')}@example.test` } });
		assert.equal(last.status, 429);
	});
});

// ---- mail: a server of our own whose outbound mail goes to an SMTP sink in this process ----

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..');
const bin = (() => {
	const b = process.env.HELPO_BIN || 'build/helpo';
	return path.isAbsolute(b) ? b : path.resolve(root, b);
})();

/** A minimal SMTP server that keeps every message it is given. */
function smtpSink() {
	const messages = [];
	const server = net.createServer((sock) => {
		let buf = '', data = false, msg = '';
		sock.write('220 sink ESMTP\r\n');
		sock.on('data', (chunk) => {
			buf += chunk.toString('latin1');
			let i;
			while ((i = buf.indexOf('\r\n')) >= 0) {
				const line = buf.slice(0, i);
				buf = buf.slice(i + 2);
				if (data) {
					if (line === '.') {
						data = false;
						messages.push(Buffer.from(msg, 'latin1').toString('utf8'));
						msg = '';
						sock.write('250 ok\r\n');
					} else msg += (line.startsWith('..') ? line.slice(1) : line) + '\r\n';
					continue;
				}
				const cmd = line.slice(0, 4).toUpperCase();
				if (cmd === 'EHLO' || cmd === 'HELO') sock.write('250 sink\r\n');
				else if (cmd === 'DATA') { data = true; sock.write('354 go\r\n'); }
				else if (cmd === 'QUIT') { sock.write('221 bye\r\n'); sock.end(); }
				else sock.write('250 ok\r\n');
			}
		});
		sock.on('error', () => {});
	});
	return { server, messages };
}

/** Decodes quoted-printable soft breaks and escapes (enough to read links). */
const unqp = (s) => s.replace(/=\r\n/g, '').replace(/=([0-9A-F]{2})/g, (_, h) => String.fromCharCode(parseInt(h, 16)));

describe('mail: confirmation and one-time sign-in links', () => {
	let dir, proc, url, sink, adminClient, log = '';

	before(async () => {
		assert.ok(existsSync(bin), `helpo binary ${bin} (set HELPO_BIN)`);
		sink = smtpSink();
		await new Promise((r) => sink.server.listen(0, '127.0.0.1', r));
		dir = mkdtempSync(path.join(tmpdir(), 'helpo-portal-'));
		const data = path.join(dir, 'data');
		const run = (args) => {
			const r = spawnSync(bin, args, { encoding: 'utf8' });
			assert.equal(r.status, 0, `helpo ${args.join(' ')}: ${r.stderr}`);
			return r.stdout.trim();
		};
		run(['init', '--data', data]);
		const port = await new Promise((r) => {
			const s = net.createServer().listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => r(p)); });
		});
		url = `http://127.0.0.1:${port}`;
		writeFileSync(path.join(data, 'helpo.conf'),
			`smtp_url = smtp://127.0.0.1:${sink.server.address().port}\nmail_poll_ms = 100\nbase_url = ${url}\n`);
		writeFileSync(path.join(dir, 'pw'), 'admin-password-1\n');
		run(['user', 'add', '--data', data, '--role', 'admin', '--email', 'admin@portal.test', '--name', 'Admin', '--password-file', path.join(dir, 'pw')]);
		const token = run(['token', 'create', '--data', data, '--email', 'admin@portal.test']);
		proc = spawn(bin, ['serve', '--data', data, '--listen', `127.0.0.1:${port}`],
			{ stdio: ['ignore', 'ignore', 'pipe'] });
		proc.stderr.on('data', (d) => { log = (log + d.toString()).slice(-20000); });
		adminClient = new Client(basic('admin@portal.test/token', token), url);
		for (let i = 0; i < 100; i++) {
			try {
				if ((await fetch(url + '/healthz')).status) break;
			} catch { /* not yet */ }
			await sleep(100);
		}
		expectStatus(await adminClient.post('/api/v2/recipient_addresses',
			{ recipient_address: { email: 'support@portal.test', name: 'Support', default: true } }), 201);
	});

	after(async () => {
		if (proc) {
			const exited = new Promise((r) => proc.once('exit', (code) => r(code)));
			proc.kill('SIGTERM');
			const code = await exited;
			assert.equal(code, 0, `the mail test server exited with ${code}: ${log.slice(-3000)}`);
			assert.ok(!/ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:/.test(log), log.slice(-3000));
		}
		sink?.server.close();
		if (dir) rmSync(dir, { recursive: true, force: true });
	});

	async function mailTo(address, since) {
		for (let i = 0; i < 100; i++) {
			const m = sink.messages.slice(since).find((x) => x.toLowerCase().includes(`to: ${address.toLowerCase()}`));
			if (m) return unqp(m);
			await sleep(100);
		}
		assert.fail(`no mail to ${address}`);
	}

	const linkIn = (mail) => {
		const m = mail.match(/\/login\/link\?token=([A-Za-z0-9_-]{43})/);
		assert.ok(m, `a sign-in link in: ${mail.slice(0, 1500)}`);
		return m[1];
	};

	test('anonymous submission: one confirmation mail whose link signs in once', async () => {
		const b = new Browser(url);
		const email = `${uniq('conf')}@example.test`;
		const subject = `Confirm ${uniq('s')}`;
		const since = sink.messages.length;
		const res = await b.post('/requests/new', {
			form: { ...(await newForm(b)), name: 'Conf', email, subject, description: 'Please confirm' },
		});
		expectStatus(res, 200);
		const mail = await mailTo(email, since);
		assert.ok(mail.includes(subject), 'the subject is in the confirmation');
		const token = linkIn(mail);
		const use = await b.get(`/login/link?token=${token}`);
		assert.equal(use.status, 303);
		assert.match(use.location, /^\/requests\/\d+$/);
		assert.ok(b.jar.has('helpo_session'));
		const page = await b.get(use.location);
		expectStatus(page, 200);
		assert.ok(page.text.includes(subject));
		const again = await new Browser(url).get(`/login/link?token=${token}`);
		assert.equal(again.status, 400, 'a used link is refused');
		// a second submission in the window: accepted, but no second mail
		const before2 = sink.messages.length;
		const b2 = new Browser(url);
		expectStatus(await b2.post('/requests/new', {
			form: { ...(await newForm(b2)), name: 'Conf', email, subject: 'second', description: 'x' },
		}), 200);
		await sleep(1500);
		assert.equal(sink.messages.slice(before2).filter((x) => x.toLowerCase().includes(`to: ${email.toLowerCase()}`)).length, 0,
			'at most one mail per address per window');
	});

	test('"email me a sign-in link": works once, returns to the page asked for', async () => {
		const email = `${uniq('link')}@example.test`;
		expectStatus(await adminClient.post('/api/v2/users', { user: { name: 'Link User', email, role: 'end-user' } }), 201);
		const b = new Browser(url);
		const page = await b.get('/login?return_to=/requests');
		const since = sink.messages.length;
		expectStatus(await b.post('/login/link', { form: { ...hiddenFields(page.text, '/login/link'), email } }), 200);
		const token = linkIn(await mailTo(email, since));
		const use = await b.get(`/login/link?token=${token}`);
		assert.equal(use.status, 303);
		assert.equal(use.location, '/requests');
		expectStatus(await b.get('/requests'), 200);
		assert.equal((await new Browser(url).get(`/login/link?token=${token}`)).status, 400);
	});

	test('an expired link is refused', async () => {
		const email = `${uniq('exp')}@example.test`;
		expectStatus(await adminClient.post('/api/v2/users', { user: { name: 'Late', email, role: 'end-user' } }), 201);
		const b = new Browser(url);
		const page = await b.get('/login');
		const since = sink.messages.length;
		expectStatus(await b.post('/login/link', { form: { ...hiddenFields(page.text, '/login/link'), email } }), 200);
		const token = linkIn(await mailTo(email, since));
		// time passes: the stored expiry (20 minutes ahead) is moved into the past
		const r = spawnSync('sqlite3', ['-cmd', '.timeout 5000', path.join(dir, 'data', 'helpo.db'),
			'UPDATE portal_login_tokens SET expires_at = created_at - 1 WHERE used_at IS NULL'], { encoding: 'utf8' });
		assert.equal(r.status, 0, r.stderr);
		const use = await b.get(`/login/link?token=${token}`);
		assert.equal(use.status, 400);
		assert.ok(!b.jar.has('helpo_session'));
	});
});
