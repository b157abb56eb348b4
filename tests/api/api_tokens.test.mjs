// tests/api/api_tokens.test.mjs — /api/v2/api_tokens: admins only; a created token works at once
// for Basic "email/token" and Bearer, its secret is answered once and never listed; a revoked
// token stops working at once; bad input is a 400/422.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
	fx, admin, agent, endA, anon, Client, basic, expectStatus, expectError, uniq, BASE,
} from './lib/api.mjs';

const bearer = (tok) => new Client('Bearer ' + tok);
const basicTok = (email, tok) => new Client(basic(`${email}/token`, tok));

test('api_tokens: agents, end-users and anonymous callers are refused', async () => {
	for (const c of [agent, endA]) {
		expectError(await c.get('/api/v2/api_tokens'), 403);
		expectError(await c.post('/api/v2/api_tokens', { api_token: { description: 'x' } }), 403);
		expectError(await c.get('/api/v2/api_tokens/1'), 403);
		expectError(await c.del('/api/v2/api_tokens/1'), 403);
	}
	expectError(await anon.get('/api/v2/api_tokens'), 401);
	expectError(await anon.post('/api/v2/api_tokens', { api_token: { description: 'x' } }), 401);
});

test('api_tokens: create shows the secret once; it works for Basic and Bearer', async () => {
	const description = uniq('Script ');
	const r = await admin.post('/api/v2/api_tokens', { api_token: { description } });
	const t = expectStatus(r, 201, 'create').api_token;
	assert.equal(typeof t.id, 'number');
	assert.equal(t.description, description);
	assert.equal(t.user_id, fx.admin.id, 'defaults to the caller');
	assert.match(t.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
	assert.equal(t.last_used_at, null);
	assert.equal(typeof t.token, 'string');
	assert.ok(t.token.length >= 32, 'a long secret');
	assert.equal(t.url, `${BASE}/api/v2/api_tokens/${t.id}.json`);
	assert.equal(r.headers.get('location'), `${BASE}/api/v2/api_tokens/${t.id}.json`);
	assert.equal(r.headers.get('cache-control'), 'no-store');

	const me1 = expectStatus(await basicTok(fx.admin.email, t.token).get('/api/v2/users/me'), 200).user;
	assert.equal(me1.id, fx.admin.id);
	const me2 = expectStatus(await bearer(t.token).get('/api/v2/users/me'), 200).user;
	assert.equal(me2.id, fx.admin.id);
	// the token is the admin's: another user's e-mail with it does not authenticate
	expectError(await basicTok(fx.agent.email, t.token).get('/api/v2/users/me'), 401);

	// the secret is never shown again: not in the list, not in show
	const list = expectStatus(await admin.get('/api/v2/api_tokens?per_page=100'), 200);
	assert.ok(Array.isArray(list.api_tokens));
	const listed = list.api_tokens.find((x) => x.id === t.id);
	assert.ok(listed, 'the new token is listed');
	assert.equal(listed.description, description);
	assert.equal(listed.user_id, fx.admin.id);
	assert.equal(listed.token, null);
	assert.match(listed.last_used_at ?? '', /^\d{4}-/, 'last use is recorded');
	assert.ok(list.api_tokens.every((x) => x.token === null), 'no secret in any row');
	assert.ok(!JSON.stringify(list).includes(t.token), 'the secret appears nowhere in the list');
	const shown = expectStatus(await admin.get(`/api/v2/api_tokens/${t.id}`), 200).api_token;
	assert.equal(shown.token, null);
	assert.equal(shown.id, t.id);
	assert.ok(!JSON.stringify(shown).includes(t.token));
});

test('api_tokens: a token for another user acts as that user (agent: no admin rights)', async () => {
	const t = expectStatus(await admin.post('/api/v2/api_tokens',
		{ api_token: { description: 'agent script', user_id: fx.agent.id } }), 201).api_token;
	assert.equal(t.user_id, fx.agent.id);
	const c = basicTok(fx.agent.email, t.token);
	assert.equal(expectStatus(await c.get('/api/v2/users/me'), 200).user.id, fx.agent.id);
	expectError(await c.get('/api/v2/api_tokens'), 403);
	expectStatus(await admin.del(`/api/v2/api_tokens/${t.id}`), 204);
});

test('api_tokens: revoking stops the token at once; revoking twice is a 404', async () => {
	const t = expectStatus(await admin.post('/api/v2/api_tokens',
		{ api_token: { description: uniq('Revoke me ') } }), 201).api_token;
	const b = bearer(t.token), c = basicTok(fx.admin.email, t.token);
	expectStatus(await b.get('/api/v2/users/me'), 200);
	const del = await admin.del(`/api/v2/api_tokens/${t.id}`);
	expectStatus(del, 204);
	assert.equal(del.text, '');
	expectError(await b.get('/api/v2/users/me'), 401);
	expectError(await c.get('/api/v2/users/me'), 401);
	expectError(await admin.get(`/api/v2/api_tokens/${t.id}`), 404);
	expectError(await admin.del(`/api/v2/api_tokens/${t.id}`), 404);
	const list = expectStatus(await admin.get('/api/v2/api_tokens?per_page=100'), 200).api_tokens;
	assert.ok(!list.some((x) => x.id === t.id), 'a revoked token is not listed');
	// the admin's own fixture token still works
	expectStatus(await admin.get('/api/v2/users/me'), 200);
});

test('api_tokens: a token revoked with itself cannot be used afterwards', async () => {
	const t = expectStatus(await admin.post('/api/v2/api_tokens',
		{ api_token: { description: 'self' } }), 201).api_token;
	const b = bearer(t.token);
	expectStatus(await b.del(`/api/v2/api_tokens/${t.id}`), 204);
	expectError(await b.get('/api/v2/api_tokens'), 401);
});

test('api_tokens: bad input is 400 or 422 and creates nothing', async () => {
	const before = expectStatus(await admin.get('/api/v2/api_tokens?per_page=100'), 200).api_tokens.length;
	const cases = [
		[{}, 400],
		[{ api_token: 'x' }, 400],
		[{ api_token: {} }, 422, 'description'],
		[{ api_token: { description: '' } }, 422, 'description'],
		[{ api_token: { description: '   ' } }, 422, 'description'],
		[{ api_token: { description: 42 } }, 422, 'description'],
		[{ api_token: { description: 'x'.repeat(300) } }, 422, 'description'],
		[{ api_token: { description: 'ok', user_id: 99999999 } }, 422, 'user_id'],
		[{ api_token: { description: 'ok', user_id: 'me' } }, 422, 'user_id'],
		[{ api_token: { description: 'ok', user_id: -1 } }, 422, 'user_id'],
		[{ api_token: { description: 'ok', scopes: ['read'] } }, 422, 'scopes'],
	];
	for (const [body, status, field] of cases) {
		const res = await admin.post('/api/v2/api_tokens', body);
		const e = expectError(res, status, JSON.stringify(body));
		if (field)
			assert.ok(e.details && e.details[field], `details.${field} for ${JSON.stringify(body)}: ${res.text}`);
	}
	expectError(await admin.post('/api/v2/api_tokens', '{"api_token": {"description": '), 400);
	expectError(await admin.get('/api/v2/api_tokens?sort_by=token_hash'), 400);
	expectError(await admin.get('/api/v2/api_tokens/abc'), 404);
	const after = expectStatus(await admin.get('/api/v2/api_tokens?per_page=100'), 200).api_tokens.length;
	assert.equal(after, before, 'nothing was created');
});

test('api_tokens: a deactivated user cannot be given a token', async () => {
	const u = expectStatus(await admin.post('/api/v2/users', {
		user: { name: 'Gone', email: `${uniq('gone')}@example.test`, role: 'agent' },
	}), 201).user;
	expectStatus(await admin.del(`/api/v2/users/${u.id}`), [200, 204]);
	expectError(await admin.post('/api/v2/api_tokens',
		{ api_token: { description: 'x', user_id: u.id } }), 422);
});

test('api_tokens: cursor paging walks every token', async () => {
	const ids = [];
	for (let i = 0; i < 3; i++)
		ids.push(expectStatus(await admin.post('/api/v2/api_tokens',
			{ api_token: { description: `page ${i}` } }), 201).api_token.id);
	const seen = [];
	let url = '/api/v2/api_tokens?page[size]=2';
	for (let n = 0; url && n < 100; n++) {
		const body = expectStatus(await admin.get(url), 200);
		seen.push(...body.api_tokens.map((x) => x.id));
		url = body.meta.has_more ? body.links.next : null;
	}
	for (const id of ids)
		assert.ok(seen.includes(id), `token ${id} seen`);
	assert.equal(new Set(seen).size, seen.length, 'no duplicates');
	for (const id of ids)
		expectStatus(await admin.del(`/api/v2/api_tokens/${id}`), 204);
});
