// tests/api/auth.test.mjs — authentication: API tokens (Basic email/token:T and Bearer),
// Basic email:password, web sessions with their CSRF token, logout, and the identical 401 for
// a wrong password whether or not the account exists.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
	BASE, Client, fx, basic, admin, anon, expectStatus, expectError, uniq,
} from './lib/api.mjs';

test('no credentials: 401 with WWW-Authenticate, on reads and writes', async () => {
	const r = await anon.get('/api/v2/tickets');
	expectError(r, 401);
	assert.match(r.headers.get('www-authenticate') || '', /Basic/);
	expectError(await anon.post('/api/v2/tickets', { ticket: { comment: { body: 'x' } } }), 401);
	expectError(await anon.get('/api/v2/users/me'), 401);
});

test('Basic email/token:TOKEN authenticates', async () => {
	const c = new Client(basic(`${fx.admin.email}/token`, fx.admin.token));
	const body = expectStatus(await c.get('/api/v2/tickets'), 200);
	assert.ok(Array.isArray(body.tickets));
	const me = expectStatus(await c.get('/api/v2/users/me'), 200);
	assert.equal(me.user.id, fx.admin.id);
	assert.equal(me.user.email, fx.admin.email);
	assert.equal(me.user.role, 'admin');
});

test('Bearer TOKEN authenticates', async () => {
	const c = new Client(`Bearer ${fx.agent.token}`);
	const me = expectStatus(await c.get('/api/v2/users/me'), 200);
	assert.equal(me.user.id, fx.agent.id);
	assert.equal(me.user.role, 'agent');
});

test('Basic email:password authenticates', async () => {
	const c = new Client(basic(fx.enda.email, fx.enda.password));
	const me = expectStatus(await c.get('/api/v2/users/me'), 200);
	assert.equal(me.user.id, fx.enda.id);
	assert.equal(me.user.role, 'end-user');
});

test('a token is bound to its user: another e-mail with it fails', async () => {
	const c = new Client(basic(`${fx.enda.email}/token`, fx.admin.token));
	expectError(await c.get('/api/v2/tickets'), 401);
	expectError(await new Client(`Bearer ${fx.admin.token}x`).get('/api/v2/tickets'), 401);
	expectError(await new Client('Digest abc').get('/api/v2/tickets'), 401);
	expectError(await new Client('Basic !!!notbase64').get('/api/v2/tickets'), 401);
});

test('wrong password: same 401 body for an existing and a missing account', async () => {
	const existing = await new Client(basic(fx.agent2.email, 'wrong-password-1')).get('/api/v2/tickets');
	const missing = await new Client(basic(`${uniq('nobody')}@example.test`, 'wrong-password-1'))
		.get('/api/v2/tickets');
	expectError(existing, 401);
	expectError(missing, 401);
	assert.equal(existing.text, missing.text);
	// and through the session door
	const s1 = await anon.post('/api/v2/sessions',
		{ session: { email: fx.agent2.email, password: 'wrong-password-2' } });
	const s2 = await anon.post('/api/v2/sessions',
		{ session: { email: `${uniq('nobody')}@example.test`, password: 'wrong-password-2' } });
	expectError(s1, 401);
	expectError(s2, 401);
	assert.equal(s1.text, s2.text);
	assert.equal(s1.headers.get('set-cookie'), null);
});

test('sessions: cookie + csrf_token; writes need X-CSRF-Token; logout ends it', async () => {
	const login = await anon.post('/api/v2/sessions',
		{ session: { email: fx.admin.email, password: fx.admin.password } });
	const body = expectStatus(login, 201, 'sign in');
	assert.equal(body.session.user_id, fx.admin.id);
	assert.equal(body.session.role, 'admin');
	const csrf = body.session.csrf_token;
	assert.ok(typeof csrf === 'string' && csrf.length >= 16, 'csrf_token');
	const setCookie = login.headers.get('set-cookie') || '';
	assert.match(setCookie, /helpo_session=[^;]+/);
	assert.match(setCookie, /HttpOnly/i);
	assert.match(setCookie, /SameSite=Lax/i);
	const cookie = setCookie.match(/helpo_session=[^;]+/)[0];
	const s = new Client(null, BASE, { Cookie: cookie });

	// reads work with the cookie alone
	const cur = expectStatus(await s.get('/api/v2/sessions/current'), 200);
	assert.equal(cur.session.user_id, fx.admin.id);
	assert.equal(cur.session.csrf_token, csrf);
	expectStatus(await s.get('/api/v2/tickets'), 200);

	// a write without the CSRF header is refused and stores nothing
	const subject = uniq('csrf ');
	const bad = await s.post('/api/v2/tickets', { ticket: { subject, comment: { body: 'x' } } });
	expectError(bad, 403);
	const wrong = await s.post('/api/v2/tickets', { ticket: { subject, comment: { body: 'x' } } },
		{ 'X-CSRF-Token': csrf.slice(0, -2) + 'zz' });
	expectError(wrong, 403);
	// with it, the write works
	const good = await s.post('/api/v2/tickets', { ticket: { subject, comment: { body: 'x' } } },
		{ 'X-CSRF-Token': csrf });
	const t = expectStatus(good, 201).ticket;
	assert.equal(t.subject, subject);
	assert.equal(t.submitter_id, fx.admin.id);
	const found = expectStatus(await admin.get(`/api/v2/search?query=${encodeURIComponent(`"${subject}"`)}`), 200);
	assert.equal(found.count, 1, 'exactly one ticket with that subject was stored');

	// logout: needs the CSRF header too, then the cookie no longer works
	expectError(await s.del('/api/v2/sessions/current'), 403);
	const out = await s.del('/api/v2/sessions/current', null, { 'X-CSRF-Token': csrf });
	expectStatus(out, 204, 'logout');
	assert.match(out.headers.get('set-cookie') || '', /helpo_session=;|Max-Age=0/);
	expectError(await s.get('/api/v2/sessions/current'), 401);
	expectError(await s.get('/api/v2/tickets'), 401);
});

test('sign-in with missing fields is a 400, not a crash', async () => {
	expectError(await anon.post('/api/v2/sessions', { session: { email: fx.admin.email } }), 400);
	expectError(await anon.post('/api/v2/sessions', { session: { email: 1, password: 2 } }), 400);
	expectError(await anon.post('/api/v2/sessions', '{"session":'), 400);
});

test('security headers on every answer', async () => {
	const r = await admin.get('/api/v2/tickets.json');
	expectStatus(r, 200);
	assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
	assert.match(r.headers.get('content-type'), /application\/json/);
	const nf = await admin.get('/api/v2/no_such_thing');
	expectError(nf, 404);
});
