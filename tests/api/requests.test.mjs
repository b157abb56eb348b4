// tests/api/requests.test.mjs — /api/v2/requests, the end-user's view: create, list own,
// show, comment (always public), solve, public comments only, status lists.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
	fx, admin, agent, endA, endB, expectStatus, expectError, uniq, createEndUser, createTicket,
	Client, basic,
} from './lib/api.mjs';

async function createRequest(client = endA, fields = {}) {
	const r = await client.post('/api/v2/requests', {
		request: { subject: uniq('Help me '), comment: { body: 'My printer is broken' }, ...fields },
	});
	return expectStatus(r, 201, 'create request').request;
}

test('create: the requester is the caller, the comment public, channel web', async () => {
	const req = await createRequest(endA, { priority: 'high' });
	assert.equal(req.requester_id, fx.enda.id);
	assert.equal(req.status, 'new');
	assert.equal(req.can_be_solved_by_me, true);
	assert.equal(req.solved, false);
	const t = expectStatus(await admin.get(`/api/v2/tickets/${req.id}`), 200).ticket;
	assert.equal(t.requester_id, fx.enda.id);
	assert.equal(t.submitter_id, fx.enda.id);
	assert.equal(t.via.channel, 'web');
	const c = expectStatus(await admin.get(`/api/v2/tickets/${req.id}/comments`), 200).comments;
	assert.equal(c.length, 1);
	assert.equal(c[0].public, true);
	assert.equal(c[0].author_id, fx.enda.id);
	// fields a customer may not set are refused
	expectError(await endA.post('/api/v2/requests', { request: { subject: 'x', comment: { body: 'x' }, assignee_id: fx.agent.id } }), 422);
	expectError(await endA.post('/api/v2/requests', { request: { subject: 'x' } }), 422);
	expectError(await endA.post('/api/v2/requests', { ticket: { subject: 'x' } }), 400);
});

test('list: own requests only; status filters', async () => {
	const a = await createRequest(endA);
	const b = await createRequest(endB);
	const la = expectStatus(await endA.get('/api/v2/requests?per_page=100'), 200).requests;
	assert.ok(la.some((r) => r.id === a.id));
	assert.ok(!la.some((r) => r.id === b.id));
	assert.ok(la.every((r) => r.requester_id === fx.enda.id));
	const lb = expectStatus(await endB.get('/api/v2/requests.json'), 200).requests;
	assert.ok(lb.some((r) => r.id === b.id));
	assert.ok(!lb.some((r) => r.id === a.id));
	const open = expectStatus(await endA.get('/api/v2/requests/open'), 200).requests;
	assert.ok(open.some((r) => r.id === a.id));
	const solvedList = expectStatus(await endA.get('/api/v2/requests/solved'), 200).requests;
	assert.ok(!solvedList.some((r) => r.id === a.id));
	const byStatus = expectStatus(await endA.get('/api/v2/requests?status=new'), 200).requests;
	assert.ok(byStatus.every((r) => r.status === 'new'));
	expectError(await endA.get('/api/v2/requests?status=bogus'), [400, 422]);
});

test('show, comment and solve', async () => {
	const req = await createRequest(endA);
	const shown = expectStatus(await endA.get(`/api/v2/requests/${req.id}`), 200).request;
	assert.equal(shown.id, req.id);
	// staff add an internal note and a public reply
	expectStatus(await admin.put(`/api/v2/tickets/${req.id}`, { ticket: { comment: { body: 'internal: check the logs', public: false } } }), 200);
	expectStatus(await admin.put(`/api/v2/tickets/${req.id}`, { ticket: { comment: { body: 'Have you tried turning it off?' }, status: 'pending' } }), 200);
	// the customer sees public comments only
	const rc = expectStatus(await endA.get(`/api/v2/requests/${req.id}/comments`), 200).comments;
	assert.equal(rc.length, 2);
	assert.ok(rc.every((c) => c.public !== false));
	assert.ok(!rc.some((c) => /internal/.test(c.body)));
	// a reply from the customer reopens the pending request
	const replied = await endA.put(`/api/v2/requests/${req.id}`, { request: { comment: { body: 'Yes, still broken' } } });
	assert.equal(expectStatus(replied, 200).request.status, 'open');
	// comments from requests are always public, even when asked otherwise
	expectStatus(await endA.put(`/api/v2/requests/${req.id}`, { request: { comment: { body: 'secret?', public: false } } }), 200);
	const all = expectStatus(await admin.get(`/api/v2/tickets/${req.id}/comments`), 200).comments;
	assert.equal(all.length, 5);
	assert.equal(all.at(-1).public, true);
	assert.equal(all.at(-1).author_id, fx.enda.id);
	// the customer cannot change staff fields
	expectError(await endA.put(`/api/v2/requests/${req.id}`, { request: { status: 'hold' } }), 422);
	expectError(await endA.put(`/api/v2/requests/${req.id}`, { request: { priority: 'urgent' } }), 422);
	// solve
	const solved = expectStatus(await endA.put(`/api/v2/requests/${req.id}`, { request: { solved: true } }), 200).request;
	assert.equal(solved.status, 'solved');
	assert.equal(solved.solved, true);
	assert.equal(solved.can_be_solved_by_me, false);
	assert.equal(expectStatus(await admin.get(`/api/v2/tickets/${req.id}`), 200).ticket.status, 'solved');
	const sl = expectStatus(await endA.get('/api/v2/requests/solved'), 200).requests;
	assert.ok(sl.some((r) => r.id === req.id));
});

test('another customer\'s request is 404 everywhere', async () => {
	const req = await createRequest(endA);
	expectError(await endB.get(`/api/v2/requests/${req.id}`), 404);
	expectError(await endB.get(`/api/v2/requests/${req.id}/comments`), 404);
	expectError(await endB.put(`/api/v2/requests/${req.id}`, { request: { comment: { body: 'intruding' } } }), 404);
	expectError(await endB.put(`/api/v2/requests/${req.id}`, { request: { solved: true } }), 404);
	const t = expectStatus(await admin.get(`/api/v2/tickets/${req.id}`), 200).ticket;
	assert.equal(t.status, 'new');
	assert.equal(expectStatus(await admin.get(`/api/v2/tickets/${req.id}/comments`), 200).comments.length, 1);
	expectError(await endA.get('/api/v2/requests/99999999'), 404);
});

test('staff may use requests too (their view)', async () => {
	const req = await createRequest(endA);
	// the agent is not in the ticket's group: the request is invisible to them
	expectError(await agent.get(`/api/v2/requests/${req.id}`), 404);
	expectStatus(await admin.get(`/api/v2/requests/${req.id}`), 200);
	const list = expectStatus(await admin.get('/api/v2/requests?per_page=100&sort_by=id&sort_order=desc'), 200).requests;
	assert.ok(list.some((r) => r.id === req.id));
});

test('requests page through every one in order: offset pages and cursors both ways', async () => {
	const u = await createEndUser();
	const pw = 'paging-' + uniq('pw');
	expectStatus(await admin.put(`/api/v2/users/${u.id}/password`, { password: pw }), 200);
	const me = new Client(basic(u.email, pw));
	const ids = [];
	for (let i = 0; i < 7; i++)
		ids.push((await createTicket({ requester_id: u.id })).id);
	for (const id of [ids[2], ids[5]]) // touch two: they move to the front by updated_at
		expectStatus(await admin.put(`/api/v2/tickets/${id}`, { ticket: { priority: 'high' } }), 200);
	const all = expectStatus(await me.get('/api/v2/requests?per_page=100&sort_by=updated_at&sort_order=desc'), 200).requests;
	assert.equal(all.length, 7);
	const order = all.map((r) => r.id);
	const offset = [];
	for (let page = 1; page <= 3; page++)
		offset.push(...expectStatus(await me.get(`/api/v2/requests?per_page=3&page=${page}&sort_by=updated_at&sort_order=desc`), 200).requests.map((r) => r.id));
	assert.deepEqual(offset, order);
	const fwd = [];
	let res = expectStatus(await me.get('/api/v2/requests?page[size]=2&sort=-updated_at'), 200);
	fwd.push(...res.requests.map((r) => r.id));
	while (res.meta.has_more) {
		res = expectStatus(await me.get(res.links.next), 200);
		fwd.push(...res.requests.map((r) => r.id));
	}
	assert.deepEqual(fwd, order);
	const back = expectStatus(await me.get(`/api/v2/requests?page[size]=2&sort=-updated_at&page[before]=${res.meta.before_cursor}`), 200);
	assert.deepEqual(back.requests.map((r) => r.id), order.slice(-3, -1));
});
