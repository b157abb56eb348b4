// tests/api/tickets.test.mjs — /api/v2/tickets: create (comment, requester find-or-create),
// show, show_many, update (every field a client sets), comments, tags, delete, count, the
// ticket lists under users and organizations, the .json suffix and the sort allowlist.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
	fx, admin, agent, agent2, endA, expectStatus, expectError, createTicket, createGroup, uniq,
	BASE,
} from './lib/api.mjs';

test('create: first comment, defaults, Location, url', async () => {
	const subject = uniq('Printer on fire ');
	const res = await admin.post('/api/v2/tickets', {
		ticket: { subject, comment: { body: 'It is really on fire.' }, priority: 'high', type: 'incident' },
	});
	const t = expectStatus(res, 201).ticket;
	assert.equal(t.subject, subject);
	assert.equal(t.status, 'new');
	assert.equal(t.priority, 'high');
	assert.equal(t.type, 'incident');
	assert.equal(t.requester_id, fx.admin.id);
	assert.equal(t.submitter_id, fx.admin.id);
	assert.equal(t.description, 'It is really on fire.');
	assert.deepEqual(t.tags, []);
	assert.equal(t.via.channel, 'api');
	assert.match(t.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
	assert.equal(t.url, `${BASE}/api/v2/tickets/${t.id}.json`);
	assert.equal(res.headers.get('location'), t.url);
	const shown = expectStatus(await admin.get(`/api/v2/tickets/${t.id}`), 200).ticket;
	assert.deepEqual({ ...shown, url: undefined }, { ...t, url: undefined });
	const comments = expectStatus(await admin.get(`/api/v2/tickets/${t.id}/comments`), 200).comments;
	assert.equal(comments.length, 1);
	assert.equal(comments[0].body, 'It is really on fire.');
	assert.equal(comments[0].public, true);
	assert.equal(comments[0].author_id, fx.admin.id);
});

test('create: subject defaults to the start of the comment', async () => {
	const t = await createTicket({ subject: undefined, comment: { body: 'Line one here\nline two' } });
	assert.equal(t.subject, 'Line one here');
});

test('create: requester {name, email} finds or creates the end-user', async () => {
	const email = `${uniq('req')}@Example.test`;
	const t1 = await createTicket({ requester: { name: 'Rita Requester', email } });
	assert.notEqual(t1.requester_id, fx.admin.id);
	assert.equal(t1.submitter_id, fx.admin.id);
	const u = expectStatus(await admin.get(`/api/v2/users/${t1.requester_id}`), 200).user;
	assert.equal(u.email, email.toLowerCase());
	assert.equal(u.name, 'Rita Requester');
	assert.equal(u.role, 'end-user');
	const t2 = await createTicket({ requester: { name: 'Other Name', email: email.toUpperCase() } });
	assert.equal(t2.requester_id, t1.requester_id, 'the same e-mail finds the same user');
	const list = expectStatus(await admin.get(`/api/v2/users/${t1.requester_id}/tickets/requested`), 200);
	assert.deepEqual(list.tickets.map((t) => t.id).sort((a, b) => a - b), [t1.id, t2.id]);
	assert.equal(list.count, 2);
	// requester_id of an existing user works too
	const t3 = await createTicket({ requester_id: fx.enda.id });
	assert.equal(t3.requester_id, fx.enda.id);
	// a requester without an e-mail is a 422
	const bad = await admin.post('/api/v2/tickets',
		{ ticket: { subject: 'x', comment: { body: 'x' }, requester: { name: 'No Mail' } } });
	expectError(bad, 422);
});

test('create: validation errors are 422 with details', async () => {
	const noComment = await admin.post('/api/v2/tickets', { ticket: { subject: 'no comment' } });
	const e1 = expectError(noComment, 422);
	assert.ok(e1.details && e1.details.comment, `details.comment: ${noComment.text}`);
	const badStatus = await admin.post('/api/v2/tickets',
		{ ticket: { comment: { body: 'x' }, status: 'sleeping' } });
	assert.ok(expectError(badStatus, 422).details.status);
	const closed = await admin.post('/api/v2/tickets',
		{ ticket: { comment: { body: 'x' }, status: 'closed' } });
	expectError(closed, 422);
	const noAssignee = await admin.post('/api/v2/tickets',
		{ ticket: { comment: { body: 'x' }, assignee_id: 99999999 } });
	assert.ok(expectError(noAssignee, 422).details.assignee_id);
	const endUserAssignee = await admin.post('/api/v2/tickets',
		{ ticket: { comment: { body: 'x' }, assignee_id: fx.enda.id } });
	assert.ok(expectError(endUserAssignee, 422).details.assignee_id);
	const blank = await admin.post('/api/v2/tickets', { ticket: { comment: { body: '' } } });
	expectError(blank, 422);
});

test('end-users cannot create through /tickets (they use /requests)', async () => {
	const r = await endA.post('/api/v2/tickets', { ticket: { subject: 'x', comment: { body: 'x' } } });
	expectError(r, 403);
});

test('show and show_many; missing ids are 404', async () => {
	const a = await createTicket(), b = await createTicket();
	expectStatus(await admin.get(`/api/v2/tickets/${a.id}.json`), 200);
	const many = expectStatus(await admin.get(`/api/v2/tickets/show_many.json?ids=${a.id},${b.id},99999999`), 200);
	assert.deepEqual(many.tickets.map((t) => t.id).sort((x, y) => x - y), [a.id, b.id]);
	expectError(await admin.get('/api/v2/tickets/99999999'), 404);
	expectError(await admin.get('/api/v2/tickets/show_many?ids=abc'), 400);
	expectError(await admin.get('/api/v2/tickets/show_many'), 400);
	expectError(await admin.get('/api/v2/tickets/0'), 404);
	expectError(await admin.get('/api/v2/tickets/-1'), 404);
});

test('update: status, priority, type, assignee, group, tags, custom fields, comments', async () => {
	const g = await createGroup([fx.agent.id]);
	const t = await createTicket();
	let r = await admin.put(`/api/v2/tickets/${t.id}`, {
		ticket: {
			status: 'pending', priority: 'urgent', type: 'task', group_id: g.id,
			assignee_id: fx.agent.id, tags: ['Billing', 'vip', 'vip'],
			custom_fields: [{ id: 7, value: 'gold' }, { id: 8, value: 42 }],
			subject: 'Renamed subject',
		},
	});
	let u = expectStatus(r, 200).ticket;
	assert.equal(u.status, 'pending');
	assert.equal(u.priority, 'urgent');
	assert.equal(u.type, 'task');
	assert.equal(u.group_id, g.id);
	assert.equal(u.assignee_id, fx.agent.id);
	assert.deepEqual([...u.tags].sort(), ['billing', 'vip']);
	assert.deepEqual(u.custom_fields, [{ id: 7, value: 'gold' }, { id: 8, value: 42 }]);
	assert.equal(u.subject, 'Renamed subject');
	// the assigned agent (a group member) now sees and works it
	expectStatus(await agent.get(`/api/v2/tickets/${t.id}`), 200);

	// a public reply with html and an internal note
	r = await agent.put(`/api/v2/tickets/${t.id}.json`, {
		ticket: { comment: { body: 'Public answer', html_body: '<p>Public <b>answer</b></p>', public: true } },
	});
	expectStatus(r, 200);
	r = await agent.put(`/api/v2/tickets/${t.id}`, {
		ticket: { comment: { body: 'Internal note only', public: false }, status: 'open' },
	});
	assert.equal(expectStatus(r, 200).ticket.status, 'open');
	const comments = expectStatus(await admin.get(`/api/v2/tickets/${t.id}/comments`), 200).comments;
	assert.equal(comments.length, 3);
	assert.deepEqual(comments.map((c) => c.public), [true, true, false]);
	assert.equal(comments[1].author_id, fx.agent.id);
	assert.match(comments[1].html_body, /answer/);
	assert.equal(comments[2].body, 'Internal note only');
	// "comment" may also be a plain string
	r = await admin.put(`/api/v2/tickets/${t.id}`, { ticket: { comment: 'string comment' } });
	expectStatus(r, 200);

	// unassign / ungroup with null
	r = await admin.put(`/api/v2/tickets/${t.id}`, { ticket: { assignee_id: null, priority: null } });
	u = expectStatus(r, 200).ticket;
	assert.equal(u.assignee_id, null);
	assert.equal(u.priority, null);

	// solving assigns the solver when unassigned; solved_at is set
	r = await admin.put(`/api/v2/tickets/${t.id}`, { ticket: { status: 'solved' } });
	u = expectStatus(r, 200).ticket;
	assert.equal(u.status, 'solved');
	assert.equal(u.assignee_id, fx.admin.id);
	assert.ok(u.solved_at);
	// nothing goes back to new
	expectError(await admin.put(`/api/v2/tickets/${t.id}`, { ticket: { status: 'new' } }), 422);
	// closed tickets cannot change
	expectStatus(await admin.put(`/api/v2/tickets/${t.id}`, { ticket: { status: 'closed' } }), 200);
	expectError(await admin.put(`/api/v2/tickets/${t.id}`, { ticket: { subject: 'again' } }), 422);
});

test('update: PATCH works as PUT; bad values are 422; unknown ticket 404', async () => {
	const t = await createTicket();
	const r = await admin.req('PATCH', `/api/v2/tickets/${t.id}`, { ticket: { priority: 'low' } });
	assert.equal(expectStatus(r, 200).ticket.priority, 'low');
	expectError(await admin.put(`/api/v2/tickets/${t.id}`, { ticket: { priority: 'meh' } }), 422);
	expectError(await admin.put(`/api/v2/tickets/${t.id}`, { ticket: { group_id: 99999999 } }), 422);
	expectError(await admin.put(`/api/v2/tickets/${t.id}`, { ticket: { custom_fields: 'x' } }), 422);
	expectError(await admin.put('/api/v2/tickets/99999999', { ticket: { priority: 'low' } }), 404);
	// an agent who is not a member of the group cannot be assigned there
	const g = await createGroup([]);
	expectError(await admin.put(`/api/v2/tickets/${t.id}`,
		{ ticket: { group_id: g.id, assignee_id: fx.agent2.id } }), 422);
});

test('update_many applies to each ticket', async () => {
	const a = await createTicket(), b = await createTicket();
	const r = await admin.put(`/api/v2/tickets/update_many?ids=${a.id},${b.id}`, { ticket: { priority: 'high' } });
	const js = expectStatus(r, 200).job_status;
	assert.equal(js.results.length, 2);
	assert.ok(js.results.every((x) => x.success === true));
	for (const id of [a.id, b.id])
		assert.equal(expectStatus(await admin.get(`/api/v2/tickets/${id}`), 200).ticket.priority, 'high');
});

test('tags: GET, POST sets, PUT adds, DELETE removes', async () => {
	const t = await createTicket({ tags: ['one'] });
	const path = `/api/v2/tickets/${t.id}/tags`;
	assert.deepEqual(expectStatus(await admin.get(path), 200).tags, ['one']);
	assert.deepEqual(expectStatus(await admin.post(path, { tags: ['a', 'b'] }), 200).tags.sort(), ['a', 'b']);
	assert.deepEqual(expectStatus(await admin.put(path, { tags: ['c', 'a'] }), 200).tags.sort(), ['a', 'b', 'c']);
	assert.deepEqual(expectStatus(await admin.del(path, { tags: ['b'] }), 200).tags.sort(), ['a', 'c']);
	assert.deepEqual(expectStatus(await admin.get(`/api/v2/tickets/${t.id}`), 200).ticket.tags.sort(), ['a', 'c']);
	expectError(await admin.post(path, { tags: 'notalist' }), [400, 422]);
	expectError(await admin.post(path, '{"tags": ['), 400);
	expectError(await admin.post(path, { tags: ['x'.repeat(500)] }), 422);
	expectError(await admin.get('/api/v2/tickets/99999999/tags'), 404);
	// end-users may not change tags (their own ticket: 403)
	const mine = await createTicket({ requester_id: fx.enda.id });
	expectError(await endA.put(`/api/v2/tickets/${mine.id}/tags`, { tags: ['x'] }), 403);
	assert.deepEqual(expectStatus(await endA.get(`/api/v2/tickets/${mine.id}/tags`), 200).tags, []);
});

test('delete: admins only; the ticket is gone afterwards', async () => {
	const t = await createTicket();
	expectError(await agent.del(`/api/v2/tickets/${t.id}`), 403);
	expectError(await endA.del(`/api/v2/tickets/${t.id}`), 403);
	expectStatus(await admin.get(`/api/v2/tickets/${t.id}`), 200);
	const r = await admin.del(`/api/v2/tickets/${t.id}`);
	expectStatus(r, 204);
	expectError(await admin.get(`/api/v2/tickets/${t.id}`), 404);
	expectError(await admin.get(`/api/v2/tickets/${t.id}/comments`), 404);
	expectError(await admin.del(`/api/v2/tickets/${t.id}`), 404);
	const many = expectStatus(await admin.get(`/api/v2/tickets/show_many?ids=${t.id}`), 200);
	assert.equal(many.tickets.length, 0);
});

test('count, status filter, events', async () => {
	const c = expectStatus(await admin.get('/api/v2/tickets/count'), 200);
	assert.ok(Number.isInteger(c.count.value) && c.count.value > 0);
	const t = await createTicket();
	const list = expectStatus(await admin.get('/api/v2/tickets?status=new&per_page=100&sort_by=id&sort_order=desc'), 200);
	assert.ok(list.tickets.every((x) => x.status === 'new'));
	assert.ok(list.tickets.some((x) => x.id === t.id));
	expectError(await admin.get('/api/v2/tickets?status=bogus'), 400);
	const ev = expectStatus(await admin.get(`/api/v2/tickets/${t.id}/events`), 200).events;
	assert.ok(ev.some((e) => e.kind === 'ticket.created'));
	expectError(await endA.get(`/api/v2/tickets/${t.id}/events`), 403);
});

test('sort_by allowlist: allowed keys sort, others are 400', async () => {
	await createTicket({ priority: 'low' });
	await createTicket({ priority: 'urgent' });
	for (const key of ['id', 'created_at', 'updated_at', 'status', 'priority'])
		expectStatus(await admin.get(`/api/v2/tickets?sort_by=${key}&sort_order=asc`), 200, key);
	for (const key of ['subject', 'id;drop table tickets', 'requester_id', '', '1'])
		expectError(await admin.get(`/api/v2/tickets?sort_by=${encodeURIComponent(key)}`), 400, key);
	expectError(await admin.get('/api/v2/tickets?sort_order=sideways'), 400);
	const desc = expectStatus(await admin.get('/api/v2/tickets?sort_by=id&sort_order=desc&per_page=50'), 200).tickets;
	for (let i = 1; i < desc.length; i++)
		assert.ok(desc[i - 1].id > desc[i].id, 'ids descend');
	const cur = expectStatus(await admin.get('/api/v2/tickets?sort=-id&page[size]=20'), 200).tickets;
	for (let i = 1; i < cur.length; i++)
		assert.ok(cur[i - 1].id > cur[i].id, 'sort=-id descends');
	const pri = expectStatus(await admin.get('/api/v2/tickets?sort_by=priority&sort_order=desc&per_page=100'), 200).tickets;
	const rank = { urgent: 4, high: 3, normal: 2, low: 1 };
	for (let i = 1; i < pri.length; i++)
		assert.ok((rank[pri[i - 1].priority] || 0) >= (rank[pri[i].priority] || 0), 'priority order');
});

test('.json suffix is optional everywhere', async () => {
	const t = await createTicket();
	for (const p of [`/api/v2/tickets/${t.id}`, '/api/v2/tickets', `/api/v2/tickets/${t.id}/comments`,
		`/api/v2/tickets/${t.id}/tags`, '/api/v2/users/me', '/api/v2/search?query=x']) {
		const plain = await admin.get(p);
		const q = p.indexOf('?');
		const withJson = q < 0 ? `${p}.json` : `${p.slice(0, q)}.json${p.slice(q)}`;
		const suffixed = await admin.get(withJson);
		expectStatus(plain, 200, p);
		expectStatus(suffixed, 200, withJson);
	}
});

test('organization tickets and requested tickets', async () => {
	const orgRes = await admin.post('/api/v2/organizations', { organization: { name: uniq('Org ') } });
	const org = expectStatus(orgRes, 201).organization;
	const userRes = await admin.post('/api/v2/users', {
		user: { name: 'Org Member', email: `${uniq('om')}@example.test`, role: 'end-user', organization_id: org.id },
	});
	const member = expectStatus(userRes, 201).user;
	assert.equal(member.organization_id, org.id);
	const t1 = await createTicket({ requester_id: member.id });
	const t2 = await createTicket({ requester_id: member.id });
	await createTicket(); // not in the organization
	assert.equal(t1.organization_id, org.id, 'the ticket takes the requester\'s organization');
	const list = expectStatus(await admin.get(`/api/v2/organizations/${org.id}/tickets`), 200);
	assert.deepEqual(list.tickets.map((t) => t.id).sort((a, b) => a - b), [t1.id, t2.id]);
	const req = expectStatus(await admin.get(`/api/v2/users/${member.id}/tickets/requested.json`), 200);
	assert.deepEqual(req.tickets.map((t) => t.id).sort((a, b) => a - b), [t1.id, t2.id]);
	expectError(await admin.get('/api/v2/organizations/99999999/tickets'), 404);
	// another organization's tickets are invisible to an end-user outside it
	expectError(await endA.get(`/api/v2/organizations/${org.id}/tickets`), 404);
	// assigned list (staff)
	const g = await createGroup([fx.agent2.id]);
	const t3 = await createTicket({ group_id: g.id, assignee_id: fx.agent2.id });
	const asg = expectStatus(await agent2.get(`/api/v2/users/${fx.agent2.id}/tickets/assigned`), 200);
	assert.ok(asg.tickets.some((t) => t.id === t3.id));
	assert.ok(asg.tickets.every((t) => t.assignee_id === fx.agent2.id));
});
