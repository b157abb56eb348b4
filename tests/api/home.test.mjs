// tests/api/home.test.mjs — the answers outside /api/v2: "/" is the portal's HTML page with the
// page security headers, "/healthz" reports the database, unknown API paths are JSON 404s and
// unknown pages HTML 404s; and behind
// a trusted proxy (the rate-limit server trusts 127.0.0.1) X-Forwarded-For names the client,
// so one client's failed sign-ins never lock out another's address.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, RL_BASE, Client, basic, expectStatus, expectError, uniq } from './lib/api.mjs';

const anon = new Client(null);

test('"/" is an HTML page with security headers', async () => {
	const r = await anon.get('/');
	expectStatus(r, 200);
	assert.match(r.headers.get('content-type'), /^text\/html/);
	assert.match(r.text, /<h1>How can we help\?<\/h1>/);
	const csp = r.headers.get('content-security-policy');
	assert.match(csp, /default-src 'none'/);
	assert.match(csp, /script-src 'self'/);
	assert.match(csp, /frame-ancestors 'none'/);
	assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
	assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
	assert.equal(r.headers.get('referrer-policy'), 'same-origin');
});

test('unknown pages are HTML 404s; a browser fetch() gets no Basic challenge', async () => {
	const r = await anon.get('/no/such/page');
	assert.equal(r.status, 404);
	assert.match(r.headers.get('content-type'), /^text\/html/);
	assert.match(r.text, /Page not found/);
	const api = await anon.get('/api/v2/users/me');
	assert.equal(api.status, 401);
	assert.match(api.headers.get('www-authenticate') ?? '', /Basic/);
	const browser = await anon.get('/api/v2/users/me', { 'Sec-Fetch-Dest': 'empty' });
	assert.equal(browser.status, 401);
	assert.equal(browser.headers.get('www-authenticate'), null);
});

test('"/healthz" answers ok with the database', async () => {
	const r = await anon.get('/healthz');
	expectStatus(r, 200);
	assert.deepEqual(r.body, { status: 'ok', database: 'ok' });
	expectError(await anon.get('/api/v2/no/such/path'), 404);
	expectError(await anon.req('POST', '/healthz', {}), 405);
});

test('a trusted proxy\'s X-Forwarded-For separates clients for the limiter', async () => {
	assert.ok(RL_BASE && BASE);
	const email = `${uniq('nobody')}@example.test`;
	const from = (ip) => new Client(basic(email, 'wrong-password'), RL_BASE,
		{ 'X-Forwarded-For': `203.0.113.9, ${ip}` });
	const a = from('198.51.100.7');
	for (let i = 0; i < 5; i++)
		expectError(await a.get('/api/v2/users/me'), 401, `failure ${i + 1}`);
	expectError(await a.get('/api/v2/users/me'), 429);
	// another client behind the same proxy, another (unknown) account: not locked
	const other = new Client(basic(`${uniq('else')}@example.test`, 'x'), RL_BASE,
		{ 'X-Forwarded-For': '198.51.100.8' });
	expectError(await other.get('/api/v2/users/me'), 401);
});
