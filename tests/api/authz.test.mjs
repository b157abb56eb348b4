// tests/api/authz.test.mjs — the authorization matrix: an end-user never reaches another
// end-user's ticket (show, comments, tags, requests, search, lists, counts: all 404 or
// absent), never sees internal notes, an agent outside a ticket's group gets 404, and admins
// see everything.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import {
	fx, admin, agent, agent2, endA, endB, expectStatus, expectError, createGroup, uniq,
} from './lib/api.mjs';

const WA = uniq('alpha'), WB = uniq('bravo'), NOTE = uniq('secretnote'), WG = uniq('grp');
let ta, tb, tg, g;

async function searchIds(client, q) {
	const r = await client.get(`/api/v2/search?query=${encodeURIComponent(q)}`);
	const body = expectStatus(r, 200, `search ${q}`);
	const c = expectStatus(await client.get(`/api/v2/search/count?query=${encodeURIComponent(q)}`), 200);
	assert.equal(c.count, body.count, 'search/count agrees with search');
	return { ids: body.results.map((x) => x.id), count: body.count };
}

async function listAll(client, path, key) {
	const out = [];
	let url = `${path}${path.includes('?') ? '&' : '?'}page[size]=100`;
	while (url) {
		const body = expectStatus(await client.get(url), 200, path);
		out.push(...body[key].map((x) => x.id));
		url = body.meta.has_more ? body.links.next : null;
	}
	return out;
}

before(async () => {
	ta = expectStatus(await endA.post('/api/v2/requests', { request: { subject: `${WA} my laptop`, comment: { body: `laptop ${WA} broke` } } }), 201).request;
	tb = expectStatus(await endB.post('/api/v2/requests', { request: { subject: `${WB} my phone`, comment: { body: `phone ${WB} broke` } } }), 201).request;
	// staff reply publicly and add an internal note on A's ticket
	expectStatus(await admin.put(`/api/v2/tickets/${ta.id}`, { ticket: { comment: { body: 'We are on it', public: true } } }), 200);
	expectStatus(await admin.put(`/api/v2/tickets/${ta.id}`, { ticket: { comment: { body: `internal ${NOTE} customer is difficult`, public: false } } }), 200);
	g = await createGroup([fx.agent2.id]);
	const r = await admin.post('/api/v2/tickets', { ticket: { subject: `${WG} group only`, comment: { body: `${WG}` }, group_id: g.id } });
	tg = expectStatus(r, 201).ticket;
});

test('end-user A cannot reach B\'s ticket by any door', async () => {
	expectError(await endA.get(`/api/v2/tickets/${tb.id}`), 404);
	expectError(await endA.get(`/api/v2/tickets/${tb.id}.json`), 404);
	expectError(await endA.get(`/api/v2/tickets/${tb.id}/comments`), 404);
	expectError(await endA.get(`/api/v2/tickets/${tb.id}/tags`), 404);
	expectError(await endA.get(`/api/v2/requests/${tb.id}`), 404);
	expectError(await endA.get(`/api/v2/requests/${tb.id}/comments`), 404);
	expectError(await endA.put(`/api/v2/requests/${tb.id}`, { request: { comment: { body: 'mine now' } } }), 404);
	expectError(await endA.put(`/api/v2/tickets/${tb.id}`, { ticket: { comment: { body: 'mine now' } } }), 404);
	// the same 404 as a ticket that does not exist: nothing leaks
	const missing = await endA.get('/api/v2/tickets/99999999');
	const other = await endA.get(`/api/v2/tickets/${tb.id}`);
	assert.equal(missing.text, other.text);
	// lists, show_many and search never include or count it
	const many = expectStatus(await endA.get(`/api/v2/tickets/show_many?ids=${ta.id},${tb.id}`), 200);
	assert.deepEqual(many.tickets.map((t) => t.id), [ta.id]);
	const all = await listAll(endA, '/api/v2/tickets', 'tickets');
	assert.ok(all.includes(ta.id));
	assert.ok(!all.includes(tb.id));
	const reqs = await listAll(endA, '/api/v2/requests', 'requests');
	assert.ok(!reqs.includes(tb.id));
	const bReq = await endA.get(`/api/v2/users/${fx.endb.id}/tickets/requested`);
	if (bReq.status === 200)
		assert.deepEqual(bReq.body.tickets, []);
	else
		expectError(bReq, [403, 404]);
	const s = await searchIds(endA, WB);
	assert.deepEqual(s.ids, []);
	assert.equal(s.count, 0);
	const sp = await searchIds(endA, `requester:${fx.endb.email}`);
	assert.equal(sp.count, 0);
	const sa = await searchIds(endA, WA);
	assert.deepEqual(sa.ids, [ta.id]);
	// and B's ticket is untouched
	const c = expectStatus(await admin.get(`/api/v2/tickets/${tb.id}/comments`), 200).comments;
	assert.equal(c.length, 1);
	const count = expectStatus(await endA.get('/api/v2/tickets/count'), 200).count.value;
	const own = await listAll(endA, '/api/v2/tickets', 'tickets');
	assert.equal(count, own.length, 'count counts only visible tickets');
});

test('end-users never see internal notes', async () => {
	const c = expectStatus(await endA.get(`/api/v2/tickets/${ta.id}/comments`), 200).comments;
	assert.equal(c.length, 2);
	assert.ok(c.every((x) => x.public === true));
	assert.ok(!JSON.stringify(c).includes(NOTE));
	const rc = expectStatus(await endA.get(`/api/v2/requests/${ta.id}/comments`), 200).comments;
	assert.ok(!JSON.stringify(rc).includes(NOTE));
	assert.equal(rc.length, 2);
	// the ticket itself does not leak it either
	const t = expectStatus(await endA.get(`/api/v2/tickets/${ta.id}`), 200);
	assert.ok(!JSON.stringify(t).includes(NOTE));
	// a word only in the internal note finds nothing for the customer, the ticket for staff
	const s = await searchIds(endA, NOTE);
	assert.deepEqual(s.ids, []);
	assert.equal(s.count, 0);
	assert.deepEqual((await searchIds(admin, NOTE)).ids, [ta.id]);
	// staff see all three comments
	const staff = expectStatus(await admin.get(`/api/v2/tickets/${ta.id}/comments`), 200).comments;
	assert.deepEqual(staff.map((x) => x.public), [true, true, false]);
});

test('agent outside the ticket\'s group gets 404; a member works it', async () => {
	expectError(await agent.get(`/api/v2/tickets/${tg.id}`), 404);
	expectError(await agent.get(`/api/v2/tickets/${tg.id}/comments`), 404);
	expectError(await agent.get(`/api/v2/tickets/${tg.id}/tags`), 404);
	expectError(await agent.get(`/api/v2/tickets/${tg.id}/events`), 404);
	expectError(await agent.put(`/api/v2/tickets/${tg.id}`, { ticket: { status: 'open' } }), 404);
	expectError(await agent.put(`/api/v2/tickets/${tg.id}/tags`, { tags: ['x'] }), 404);
	expectError(await agent.get(`/api/v2/requests/${tg.id}`), 404);
	const list = await listAll(agent, '/api/v2/tickets', 'tickets');
	assert.ok(!list.includes(tg.id));
	const s = await searchIds(agent, WG);
	assert.deepEqual(s.ids, []);
	assert.equal(s.count, 0);
	const many = expectStatus(await agent.get(`/api/v2/tickets/show_many?ids=${tg.id}`), 200);
	assert.deepEqual(many.tickets, []);
	// the group member sees and changes it
	expectStatus(await agent2.get(`/api/v2/tickets/${tg.id}`), 200);
	assert.deepEqual((await searchIds(agent2, WG)).ids, [tg.id]);
	const u = await agent2.put(`/api/v2/tickets/${tg.id}`, { ticket: { status: 'open', comment: { body: 'looking', public: false } } });
	assert.equal(expectStatus(u, 200).ticket.status, 'open');
	// end-users too are shut out of a ticket they did not request
	expectError(await endA.get(`/api/v2/tickets/${tg.id}`), 404);
});

test('admin sees everything', async () => {
	for (const t of [ta, tb, tg]) {
		expectStatus(await admin.get(`/api/v2/tickets/${t.id}`), 200);
		expectStatus(await admin.get(`/api/v2/tickets/${t.id}/comments`), 200);
		expectStatus(await admin.get(`/api/v2/requests/${t.id}`), 200);
	}
	const all = await listAll(admin, '/api/v2/tickets', 'tickets');
	for (const t of [ta, tb, tg])
		assert.ok(all.includes(t.id));
	assert.deepEqual((await searchIds(admin, WB)).ids, [tb.id]);
	assert.deepEqual((await searchIds(admin, WG)).ids, [tg.id]);
});

test('role gates: end-users cannot reach staff endpoints', async () => {
	expectError(await endA.get(`/api/v2/tickets/${ta.id}/events`), 403);
	expectError(await endA.put(`/api/v2/tickets/update_many?ids=${ta.id}`, { ticket: { status: 'open' } }), 403);
	expectError(await endA.get('/api/v2/users'), 403);
	expectError(await endA.get('/api/v2/groups'), 403);
	expectError(await endA.get('/api/v2/group_memberships'), 403);
	expectError(await endA.del(`/api/v2/tickets/${ta.id}`), 403);
	expectError(await agent.del(`/api/v2/tickets/${ta.id}`), 403);
	expectError(await agent.post('/api/v2/groups', { group: { name: uniq('g') } }), 403);
	// the end-user's own ticket: read yes, change through /tickets no
	expectError(await endA.put(`/api/v2/tickets/${ta.id}`, { ticket: { status: 'solved' } }), 403);
	expectError(await endA.put(`/api/v2/tickets/${ta.id}`, { ticket: { priority: 'urgent' } }), 403);
	const t = expectStatus(await admin.get(`/api/v2/tickets/${ta.id}`), 200).ticket;
	assert.notEqual(t.priority, 'urgent');
});
