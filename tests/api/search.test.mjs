// tests/api/search.test.mjs — GET /api/v2/search: free text, the property terms (type:,
// status<, priority:, assignee:me/none, requester:, group:, tags:, created>), order_by/sort,
// paging, search/count, and hostile query text (SQL and FTS5 syntax) answered sanely.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import {
	fx, admin, agent, expectStatus, expectError, createTicket, createGroup, uniq,
} from './lib/api.mjs';

const W = uniq('zq'); // a word only this file's tickets carry
let g, t1, t2, t3, t4, reqEmail;

async function search(q, client = admin, extra = '') {
	const r = await client.get(`/api/v2/search.json?query=${encodeURIComponent(q)}${extra}`);
	const body = expectStatus(r, 200, `search ${q}`);
	assert.ok(Array.isArray(body.results));
	assert.equal(typeof body.count, 'number');
	return body;
}
const ids = (body) => body.results.map((x) => x.id).sort((a, b) => a - b);

before(async () => {
	g = await createGroup([fx.agent.id]);
	reqEmail = `${uniq('sr')}@example.test`;
	t1 = await createTicket({ subject: `${W} printer jammed`, priority: 'high', tags: ['vip'], group_id: g.id, assignee_id: fx.agent.id });
	t2 = await createTicket({ subject: `${W} screen flickers`, priority: 'low', requester: { email: reqEmail, name: 'Sr' } });
	t3 = await createTicket({ subject: `${W} closed matter`, status: 'solved' });
	t4 = await createTicket({ subject: 'unrelated words only', comment: { body: `the body mentions bodyword${W} here` } });
});

test('free text matches subjects and comments, prefix and case-insensitive', async () => {
	assert.deepEqual(ids(await search(W)), [t1.id, t2.id, t3.id].sort((a, b) => a - b));
	assert.deepEqual(ids(await search(`${W} printer`)), [t1.id]);
	assert.deepEqual(ids(await search(`${W.toUpperCase()} PRINTER`)), [t1.id]);
	assert.deepEqual(ids(await search(`bodyword${W}`)), [t4.id]);
	assert.deepEqual(ids(await search(`${W} -printer`)), [t2.id, t3.id].sort((a, b) => a - b));
	assert.deepEqual(ids(await search(`"${W} screen"`)), [t2.id]);
	const r = await search(`${W} printer`);
	assert.equal(r.results[0].result_type, 'ticket');
	assert.match(r.results[0].url, new RegExp(`/api/v2/tickets/${t1.id}\\.json$`));
	assert.equal(r.count, 1);
	// comments added later are searchable
	const later = uniq('later');
	expectStatus(await admin.put(`/api/v2/tickets/${t2.id}`, { ticket: { comment: { body: `now with ${later}` } } }), 200);
	assert.deepEqual(ids(await search(later)), [t2.id]);
});

test('type:, status<, priority:, tags:', async () => {
	assert.deepEqual(ids(await search(`type:ticket ${W}`)), [t1.id, t2.id, t3.id].sort((a, b) => a - b));
	assert.deepEqual(ids(await search(`${W} status<solved`)), [t1.id, t2.id].sort((a, b) => a - b));
	assert.deepEqual(ids(await search(`${W} status:solved`)), [t3.id]);
	assert.deepEqual(ids(await search(`${W} priority:high`)), [t1.id]);
	assert.deepEqual(ids(await search(`${W} priority>normal`)), [t1.id]);
	assert.deepEqual(ids(await search(`${W} priority:low`)), [t2.id]);
	assert.deepEqual(ids(await search(`${W} tags:vip`)), [t1.id]);
	assert.deepEqual(ids(await search(`${W} tag:vip`)), [t1.id]);
	assert.deepEqual(ids(await search(`${W} -tags:vip`)), [t2.id, t3.id].sort((a, b) => a - b));
});

test('assignee:me / none, requester:email, group:', async () => {
	assert.deepEqual(ids(await search(`${W} assignee:me`, agent)), [t1.id]);
	assert.deepEqual(ids(await search(`${W} assignee:${fx.agent.email}`)), [t1.id]);
	// t3 was solved at creation, which assigns the solver
	assert.deepEqual(ids(await search(`${W} assignee:none`)), [t2.id]);
	assert.deepEqual(ids(await search(`${W} requester:${reqEmail}`)), [t2.id]);
	assert.deepEqual(ids(await search(`requester:${reqEmail}`)), [t2.id]);
	assert.deepEqual(ids(await search(`${W} group:${g.id}`)), [t1.id]);
	assert.deepEqual(ids(await search(`${W} group:"${g.name}"`)), [t1.id]);
	assert.deepEqual(ids(await search(`${W} group:none`)), [t2.id, t3.id].sort((a, b) => a - b));
});

test('created> dates', async () => {
	const d = (days) => new Date(Date.now() + days * 86400e3).toISOString().slice(0, 10);
	assert.deepEqual(ids(await search(`${W} created>${d(-2)}`)), [t1.id, t2.id, t3.id].sort((a, b) => a - b));
	assert.deepEqual(ids(await search(`${W} created>${d(2)}`)), []);
	assert.deepEqual(ids(await search(`${W} created<${d(-2)}`)), []);
	assert.deepEqual(ids(await search(`${W} created>1hours`)), [t1.id, t2.id, t3.id].sort((a, b) => a - b));
	expectError(await admin.get(`/api/v2/search?query=${encodeURIComponent(`${W} created>someday`)}`), 422);
	expectError(await admin.get(`/api/v2/search?query=${encodeURIComponent(`${W} status:sleeping`)}`), 422);
});

test('order_by / sort and sort_by / sort_order', async () => {
	const asc = await search(`${W} order_by:created sort:asc`);
	assert.deepEqual(asc.results.map((x) => x.id), [t1.id, t2.id, t3.id]);
	const desc = await search(`${W} order_by:created sort:desc`);
	assert.deepEqual(desc.results.map((x) => x.id), [t3.id, t2.id, t1.id]);
	const dflt = await search(W);
	assert.deepEqual(dflt.results.map((x) => x.id), [t3.id, t2.id, t1.id], 'newest first by default');
	const p = await search(`${W} order_by:priority sort:desc`);
	assert.equal(p.results[0].id, t1.id);
	const qs = await search(W, admin, '&sort_by=created_at&sort_order=asc');
	assert.deepEqual(qs.results.map((x) => x.id), [t1.id, t2.id, t3.id]);
	expectError(await admin.get(`/api/v2/search?query=${W}&sort_by=subject`), 400);
});

test('paging through results; search/count', async () => {
	const p1 = await search(W, admin, '&per_page=2');
	assert.equal(p1.results.length, 2);
	assert.equal(p1.count, 3);
	assert.ok(p1.next_page);
	const p2 = expectStatus(await admin.get(p1.next_page), 200);
	assert.equal(p2.results.length, 1);
	assert.equal(p2.next_page, null);
	const all = [...p1.results, ...p2.results].map((x) => x.id).sort((a, b) => a - b);
	assert.deepEqual(all, [t1.id, t2.id, t3.id].sort((a, b) => a - b));
	const c = expectStatus(await admin.get(`/api/v2/search/count?query=${encodeURIComponent(W)}`), 200);
	assert.equal(c.count, 3);
});

test('type:user and type:organization', async () => {
	const word = uniq('Quux');
	const u = expectStatus(await admin.post('/api/v2/users', { user: { name: `${word} Person`, email: `${uniq('q')}@example.test` } }), 201).user;
	const o = expectStatus(await admin.post('/api/v2/organizations', { organization: { name: `${word} Corp` } }), 201).organization;
	const users = await search(`type:user ${word}`);
	assert.deepEqual(users.results.map((x) => [x.result_type, x.id]), [['user', u.id]]);
	const orgs = await search(`type:organization ${word}`);
	assert.deepEqual(orgs.results.map((x) => [x.result_type, x.id]), [['organization', o.id]]);
});

test('hostile query text: SQL and FTS5 syntax answer 200 with sane results', async () => {
	const hostile = ['"', '*', 'NEAR(', "') OR 1=1 --", "' OR '1'='1", 'a OR b', 'NOT', 'AND',
		'"unterminated', '^', 'col:*', '(', ')', '{}', '-', '--', ';', '\\', '%', '_', 'NEAR(a b, 3)',
		`${W}*`, `${W}"`, `"${W}`, `${W} OR 1=1`, 'subject:x', '\u0451\u0436', '\u{1F600}',
		'status:', 'tags:', 'assignee:', 'created>'];
	for (const q of hostile) {
		const r = await admin.get(`/api/v2/search?query=${encodeURIComponent(q)}`);
		if (r.status === 422) {
			expectError(r, 422, q); // a property with a missing value may be refused
			continue;
		}
		const body = expectStatus(r, 200, `query ${JSON.stringify(q)}`);
		assert.ok(Array.isArray(body.results));
		// an injection would match everything
		if (/1=/.test(q))
			assert.ok(!body.results.some((x) => x.id === t4.id), `${q} matched an unrelated ticket`);
	}
	// an injected OR must not widen a query
	const inj = await search(`${W} printer') OR 1=1 --`);
	assert.ok(inj.results.every((x) => x.id === t1.id), 'injection widened the result');
	// still serving
	assert.deepEqual(ids(await search(`${W} printer`)), [t1.id]);
	// missing / too long query
	expectError(await admin.get('/api/v2/search'), [400, 422]);
	expectError(await admin.get(`/api/v2/search?query=${'a'.repeat(2000)}`), [400, 422]);
	expectError(await admin.get(`/api/v2/search?query=${Array.from({ length: 60 }, (_, i) => `w${i}`).join('+')}`), [400, 422]);
});
