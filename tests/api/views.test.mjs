// tests/api/views.test.mjs — /api/v2/views: the six seeded shared views, personal views and who
// may see and change them, every condition field and operator, the tickets of a view (sorted by
// the view's execution or ?sort_by, offset and cursor paging), counts and count_many, and the
// authorization of every listed or counted ticket (a view never shows a ticket its reader
// cannot open); bad input answers 400/422 naming the culprit; end-users get 403.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import zendesk from 'node-zendesk';
import {
	fx, admin, agent, agent2, endA, expectStatus, expectError, createTicket, createGroup, uniq,
	walkCursor, BASE,
} from './lib/api.mjs';

let group; // agent2 is a member, agent is not

before(async () => {
	group = await createGroup([fx.agent2.id]);
});

/** Every ticket id of a view for a client (offset pages of 100), plus the reported count. */
async function viewIds(client, id, query = '') {
	const ids = [];
	let url = `/api/v2/views/${id}/tickets?per_page=100${query}`;
	let count = null;
	while (url) {
		const body = expectStatus(await client.get(url), 200, `view ${id} tickets`);
		ids.push(...body.tickets.map((t) => t.id));
		count ??= body.count;
		url = body.next_page;
	}
	assert.equal(count, ids.length, 'count of the list = rows listed');
	const c = expectStatus(await client.get(`/api/v2/views/${id}/count`), 200).view_count;
	assert.equal(c.view_id, id);
	assert.equal(c.value, ids.length, 'view count = rows listed');
	assert.equal(c.fresh, true);
	return ids;
}

async function createView(client, view, status = 201) {
	const res = await client.post('/api/v2/views', { view });
	return expectStatus(res, status, 'create view').view;
}

test('seeded: six shared views in order, Zendesk shape', async () => {
	const body = expectStatus(await agent.get('/api/v2/views'), 200);
	const seeded = body.views.filter((v) => v.id <= 6);
	assert.deepEqual(seeded.map((v) => v.id), [1, 2, 3, 4, 5, 6]);
	assert.deepEqual(seeded.map((v) => v.title), ['My open tickets',
		'Unassigned tickets in my groups', 'All open tickets in my groups', 'Pending', 'On hold',
		'Recently solved']);
	for (const [i, v] of seeded.entries()) {
		assert.equal(v.position, i + 1);
		assert.equal(v.restriction, null);
		assert.equal(v.active, true);
		assert.ok(Array.isArray(v.conditions.all) && Array.isArray(v.conditions.any));
		assert.equal(typeof v.execution.sort_by, 'string');
		assert.equal(v.url, `${BASE}/api/v2/views/${v.id}.json`);
		assert.match(v.created_at, /^\d{4}-\d\d-\d\dT/);
	}
	assert.deepEqual(seeded[0].conditions.all, [
		{ field: 'assignee_id', operator: 'is', value: 'current_user' },
		{ field: 'status', operator: 'less_than', value: 'solved' }]);
	assert.deepEqual(seeded[5].execution, { sort_by: 'updated_at', sort_order: 'desc' });
	assert.equal(typeof body.count, 'number');
	const active = expectStatus(await agent.get('/api/v2/views/active'), 200).views;
	assert.ok(active.every((v) => v.active));
	assert.deepEqual(active.filter((v) => v.id <= 6).map((v) => v.id), [1, 2, 3, 4, 5, 6]);
	const one = expectStatus(await agent.get('/api/v2/views/4.json'), 200).view;
	assert.equal(one.title, 'Pending');
});

test('seeded views resolve current_user / current_groups from the reader', async () => {
	const mine = await createTicket({ assignee_id: fx.agent.id, subject: uniq('Mine ') });
	const queued = await createTicket({ group_id: group.id, subject: uniq('Queued ') });
	const solved = await createTicket({ assignee_id: fx.agent.id });
	expectStatus(await admin.put(`/api/v2/tickets/${solved.id}`, { ticket: { status: 'solved' } }), 200);

	const a1 = await viewIds(agent, 1);
	assert.ok(a1.includes(mine.id), 'my open tickets has the ticket assigned to me');
	assert.ok(!a1.includes(solved.id), 'solved is not open');
	assert.ok(!(await viewIds(agent2, 1)).includes(mine.id), 'not in another agent\'s view 1');

	const b2 = await viewIds(agent2, 2), b3 = await viewIds(agent2, 3);
	assert.ok(b2.includes(queued.id) && b3.includes(queued.id), 'in my groups');
	assert.ok(!(await viewIds(agent, 2)).includes(queued.id), 'agent is not in the group');
	assert.ok(!(await viewIds(agent, 3)).includes(queued.id));

	const s6 = await viewIds(agent, 6);
	assert.ok(s6.includes(solved.id), 'recently solved');
	// view 6 is sorted by updated_at desc: the just-solved ticket comes first for the admin
	const a6 = expectStatus(await admin.get('/api/v2/views/6/tickets'), 200).tickets;
	assert.equal(a6[0].id, solved.id);
	// the records have the shape of GET /tickets
	const shown = expectStatus(await admin.get(`/api/v2/tickets/${solved.id}`), 200).ticket;
	assert.deepEqual(a6[0], shown);
});

test('a view never lists or counts tickets its reader may not see', async () => {
	const tag = uniq('secret');
	const hidden = await createTicket({ group_id: group.id, tags: [tag] });
	const v = await createView(admin, {
		title: uniq('Tagged '),
		conditions: { all: [{ field: 'tags', operator: 'includes', value: tag }], any: [] },
	});
	assert.equal(v.restriction, null, 'admin views are shared by default');
	assert.deepEqual(await viewIds(admin, v.id), [hidden.id]);
	assert.deepEqual(await viewIds(agent2, v.id), [hidden.id], 'group member sees it');
	assert.deepEqual(await viewIds(agent, v.id), [], 'agent outside the group sees nothing');
	const many = expectStatus(await agent.get(`/api/v2/views/count_many?ids=${v.id},1`), 200);
	assert.deepEqual(many.view_counts.find((c) => c.view_id === v.id).value, 0);
	// cursor paging applies the same rule
	const { rows } = await walkCursor(agent, `/api/v2/views/${v.id}/tickets?page[size]=1`, 'tickets');
	assert.deepEqual(rows, []);
});

test('conditions: every field and operator', async () => {
	const tag = uniq('cond');
	const mk = (f) => createTicket({ tags: [tag], ...f });
	const tNew = await mk({ priority: 'low', type: 'question' });
	const tOpen = await mk({ priority: 'high', type: 'incident', assignee_id: fx.agent.id });
	const tPend = await mk({ priority: 'urgent', requester_id: fx.enda.id, group_id: group.id });
	expectStatus(await admin.put(`/api/v2/tickets/${tPend.id}`, { ticket: { status: 'pending' } }), 200);
	const tSolved = await mk({ tags: [tag, `${tag}x`] });
	expectStatus(await admin.put(`/api/v2/tickets/${tSolved.id}`, { ticket: { status: 'solved', assignee_id: fx.admin.id } }), 200);
	const all = [tNew.id, tOpen.id, tPend.id, tSolved.id];
	const recs = [];
	for (const id of all)
		recs.push(expectStatus(await admin.get(`/api/v2/tickets/${id}`), 200).ticket);
	const byGroup = (pred) => recs.filter((t) => pred(t.group_id)).map((t) => t.id);
	const base = { field: 'tags', operator: 'includes', value: tag };
	const cases = [
		[{ field: 'status', operator: 'is', value: 'pending' }, [tPend.id]],
		[{ field: 'status', operator: 'is_not', value: 'pending' }, [tNew.id, tOpen.id, tSolved.id]],
		[{ field: 'status', operator: 'less_than', value: 'pending' }, [tNew.id, tOpen.id]],
		[{ field: 'status', operator: 'greater_than', value: 'open' }, [tPend.id, tSolved.id]],
		[{ field: 'status', operator: 'less_than', value: 'new' }, []],
		[{ field: 'priority', operator: 'is', value: 'high' }, [tOpen.id]],
		[{ field: 'priority', operator: 'greater_than', value: 'normal' }, [tOpen.id, tPend.id]],
		[{ field: 'priority', operator: 'is', value: '' }, [tSolved.id]],
		[{ field: 'priority', operator: 'is_not', value: 'low' }, [tOpen.id, tPend.id, tSolved.id]],
		[{ field: 'type', operator: 'is', value: 'incident' }, [tOpen.id]],
		[{ field: 'type', operator: 'is_not', value: 'question' }, [tOpen.id, tPend.id, tSolved.id]],
		// the group may also come from an assignee's default group: expect from the records
		[{ field: 'group_id', operator: 'is', value: group.id }, byGroup((g) => g === group.id)],
		[{ field: 'group_id', operator: 'is', value: String(group.id) }, byGroup((g) => g === group.id)],
		[{ field: 'group_id', operator: 'is_not', value: group.id }, byGroup((g) => g !== group.id)],
		[{ field: 'group_id', operator: 'is', value: null }, byGroup((g) => g === null)],
		[{ field: 'assignee_id', operator: 'is', value: fx.agent.id }, [tOpen.id]],
		[{ field: 'assignee_id', operator: 'is', value: 'current_user' }, [tSolved.id]],
		[{ field: 'assignee_id', operator: 'is', value: '' }, [tNew.id, tPend.id]],
		[{ field: 'assignee_id', operator: 'is_not', value: '' }, [tOpen.id, tSolved.id]],
		[{ field: 'requester_id', operator: 'is', value: fx.enda.id }, [tPend.id]],
		[{ field: 'requester_id', operator: 'is_not', value: 'current_user' }, [tPend.id]],
		[{ field: 'tags', operator: 'includes', value: `nothing ${tag}x` }, [tSolved.id]],
		[{ field: 'tags', operator: 'not_includes', value: `${tag}x` }, [tNew.id, tOpen.id, tPend.id]],
	];
	for (const [cond, want] of cases) {
		const v = await createView(admin, { title: uniq('Cond '), all: [base, cond] });
		const got = await viewIds(admin, v.id);
		assert.deepEqual(got.sort((a, b) => a - b), want.sort((a, b) => a - b),
			`${JSON.stringify(cond)}`);
		expectStatus(await admin.del(`/api/v2/views/${v.id}`), 204);
	}
	// any: at least one of
	const v = await createView(admin, {
		title: uniq('Any '),
		conditions: {
			all: [base],
			any: [{ field: 'status', operator: 'is', value: 'pending' },
				{ field: 'priority', operator: 'is', value: 'low' }],
		},
		execution: { sort_by: 'id', sort_order: 'desc' },
	});
	assert.deepEqual(await viewIds(admin, v.id), [tPend.id, tNew.id], 'sorted by execution');
	assert.deepEqual(await viewIds(admin, v.id, '&sort_by=id&sort_order=asc'), [tNew.id, tPend.id],
		'?sort_by overrides');
});

test('tickets of a view: cursor paging walks the same set as offset paging', async () => {
	const tag = uniq('page');
	const ids = [];
	for (let i = 0; i < 5; i++)
		ids.push((await createTicket({ tags: [tag] })).id);
	const v = await createView(admin, {
		title: uniq('Paged '), all: [{ field: 'tags', operator: 'includes', value: tag }],
		output: { sort_by: 'created_at', sort_order: 'desc', columns: ['subject'] },
	});
	assert.deepEqual(v.execution, { sort_by: 'created_at', sort_order: 'desc' }, 'Zendesk "output"');
	const { rows, pages } = await walkCursor(admin, `/api/v2/views/${v.id}/tickets?page[size]=2`, 'tickets');
	assert.equal(pages, 3);
	assert.deepEqual(rows.map((t) => t.id), [...ids].reverse());
	const p2 = expectStatus(await admin.get(`/api/v2/views/${v.id}/tickets?per_page=2&page=2`), 200);
	assert.deepEqual(p2.tickets.map((t) => t.id), [ids[2], ids[1]]);
	assert.equal(p2.count, 5);
	expectError(await admin.get(`/api/v2/views/${v.id}/tickets?sort_by=subject`), 400);
});

test('personal views: agents own theirs, others get 404, admins manage all', async () => {
	const v = await createView(agent, {
		title: uniq('Mine '), restriction: null,
		all: [{ field: 'assignee_id', operator: 'is', value: 'current_user' }],
	});
	assert.deepEqual(v.restriction, { type: 'User', id: fx.agent.id }, 'forced to the agent');
	const forced = await createView(agent, {
		title: uniq('Sneaky '), restriction: { type: 'User', id: fx.agent2.id },
		all: [{ field: 'status', operator: 'is', value: 'open' }],
	});
	assert.deepEqual(forced.restriction, { type: 'User', id: fx.agent.id });

	// agent2 cannot reach it by any door, and the answer is the same as for a missing view
	const missing = await agent2.get('/api/v2/views/99999999');
	expectError(missing, 404);
	for (const r of [await agent2.get(`/api/v2/views/${v.id}`),
		await agent2.get(`/api/v2/views/${v.id}/tickets`),
		await agent2.get(`/api/v2/views/${v.id}/count`),
		await agent2.put(`/api/v2/views/${v.id}`, { view: { title: 'taken' } }),
		await agent2.del(`/api/v2/views/${v.id}`)]) {
		expectError(r, 404);
		assert.equal(r.text, missing.text);
	}
	const list2 = expectStatus(await agent2.get('/api/v2/views?per_page=100'), 200).views;
	assert.ok(!list2.some((x) => x.id === v.id));
	const many = expectStatus(await agent2.get(`/api/v2/views/count_many?ids=${v.id},1`), 200);
	assert.deepEqual(many.view_counts.map((c) => c.view_id), [1]);

	// the owner lists, updates and filters by access
	const list = expectStatus(await agent.get('/api/v2/views?access=personal'), 200).views;
	assert.ok(list.some((x) => x.id === v.id) && list.every((x) => x.restriction?.id === fx.agent.id));
	const shared = expectStatus(await agent.get('/api/v2/views?access=shared'), 200).views;
	assert.ok(shared.every((x) => x.restriction === null));
	const up = expectStatus(await agent.put(`/api/v2/views/${v.id}`, { view: { title: 'Renamed', active: false } }), 200).view;
	assert.equal(up.title, 'Renamed');
	assert.equal(up.active, false);
	const active = expectStatus(await agent.get('/api/v2/views/active'), 200).views;
	assert.ok(!active.some((x) => x.id === v.id), 'inactive views are not in /active');

	// agents may not touch shared views; admins may touch anything
	expectError(await agent.put('/api/v2/views/1', { view: { title: 'Mine now' } }), 403);
	expectError(await agent.del('/api/v2/views/1'), 403);
	expectStatus(await admin.get(`/api/v2/views/${v.id}`), 200);
	const moved = expectStatus(await admin.put(`/api/v2/views/${v.id}`,
		{ view: { restriction: { type: 'User', id: fx.agent2.id } } }), 200).view;
	assert.deepEqual(moved.restriction, { type: 'User', id: fx.agent2.id });
	expectStatus(await agent2.get(`/api/v2/views/${v.id}`), 200);
	expectError(await agent.get(`/api/v2/views/${v.id}`), 404);
	expectStatus(await admin.del(`/api/v2/views/${v.id}`), 204);
	expectError(await admin.get(`/api/v2/views/${v.id}`), 404);
	expectStatus(await agent.del(`/api/v2/views/${forced.id}`), 204);
});

test('end-users get 403 from every views endpoint', async () => {
	expectError(await endA.get('/api/v2/views'), 403);
	expectError(await endA.get('/api/v2/views/active'), 403);
	expectError(await endA.get('/api/v2/views/1'), 403);
	expectError(await endA.get('/api/v2/views/1/tickets'), 403);
	expectError(await endA.get('/api/v2/views/1/count'), 403);
	expectError(await endA.get('/api/v2/views/count_many?ids=1'), 403);
	expectError(await endA.post('/api/v2/views', { view: { title: 'x', all: [{ field: 'status', operator: 'is', value: 'open' }] } }), 403);
	expectError(await endA.put('/api/v2/views/1', { view: { title: 'x' } }), 403);
	expectError(await endA.del('/api/v2/views/1'), 403);
});

test('bad input: 422 naming the field, operator or value; nothing stored', async () => {
	const before = expectStatus(await admin.get('/api/v2/views?per_page=1'), 200).count;
	const bad = async (view, needle, status = 422) => {
		const b = expectError(await admin.post('/api/v2/views', { view }), status, needle);
		assert.ok(JSON.stringify(b).includes(needle), `error names ${needle}: ${JSON.stringify(b)}`);
	};
	const ok = [{ field: 'status', operator: 'is', value: 'open' }];
	await bad({ title: 'x', all: [{ field: 'subject', operator: 'is', value: 'x' }] }, 'subject');
	await bad({ title: 'x', all: [{ field: 'status', operator: 'contains', value: 'open' }] }, 'contains');
	await bad({ title: 'x', all: [{ field: 'status', operator: 'is', value: 'bogus' }] }, 'status');
	await bad({ title: 'x', all: [{ field: 'type', operator: 'less_than', value: 'task' }] }, 'less_than');
	await bad({ title: 'x', all: [{ field: 'assignee_id', operator: 'is', value: 'someone' }] }, 'assignee_id');
	await bad({ title: 'x', all: [{ field: 'tags', operator: 'includes', value: '' }] }, 'tags');
	await bad({ title: 'x', all: [{ field: 'status', operator: 'is', value: 'open', extra: 1 }] }, 'extra');
	await bad({ title: 'x', all: 'status is open' }, 'conditions');
	await bad({ title: 'x' }, 'conditions');
	await bad({ title: '', all: ok }, 'title');
	await bad({ all: ok }, 'title');
	await bad({ title: 'x', all: ok, colour: 'red' }, 'colour');
	await bad({ title: 'x', all: ok, execution: { sort_by: 'subject' } }, 'sort_by');
	await bad({ title: 'x', all: ok, execution: { sort_order: 'sideways' } }, 'sort_order');
	await bad({ title: 'x', all: ok, restriction: { type: 'Group', id: 1 } }, 'restriction');
	await bad({ title: 'x', all: ok, restriction: { type: 'User', id: fx.enda.id } }, 'restriction');
	await bad({ title: 'x', all: ok, position: -1 }, 'position');
	// huge payloads
	await bad({ title: 'x'.repeat(100000), all: ok }, 'title');
	await bad({ title: 'x', all: Array(1000).fill(ok[0]) }, 'conditions');
	await bad({ title: 'x', all: [{ field: 'tags', operator: 'includes', value: 'a '.repeat(50) }] }, 'tags');
	await bad({ title: 'x', all: [{ field: 'tags', operator: 'includes', value: 'a'.repeat(100000) }] }, 'tags');
	// (bodies over 2 MiB are the server's 413, tested in badinput.test.mjs)
	await bad({ title: 'x', description: 'y'.repeat(2 * 1024 * 1024 - 200), all: ok }, 'description');
	expectError(await admin.post('/api/v2/views', '{"view": '), 400);
	expectError(await admin.put('/api/v2/views/1', { view: { all: [{ field: 'x', operator: 'is', value: 1 }] } }), 422);
	// nothing was stored, and view 1 is unchanged
	assert.equal(expectStatus(await admin.get('/api/v2/views?per_page=1'), 200).count, before);
	assert.equal(expectStatus(await admin.get('/api/v2/views/1'), 200).view.conditions.all.length, 2);
	// query parameters
	expectError(await admin.get('/api/v2/views/count_many'), 400);
	expectError(await admin.get('/api/v2/views/count_many?ids=1,x'), 400);
	expectError(await admin.get(`/api/v2/views/count_many?ids=${Array.from({ length: 21 }, (_, i) => i + 1).join(',')}`), 400);
	expectError(await admin.get('/api/v2/views?access=everyone'), 400);
	expectError(await admin.get('/api/v2/views?sort_by=title'), 400);
});

test('count_many: counts of visible views in the order asked', async () => {
	const body = expectStatus(await admin.get('/api/v2/views/count_many?ids=6,4,99999999'), 200);
	assert.deepEqual(body.view_counts.map((c) => c.view_id), [6, 4]);
	for (const c of body.view_counts) {
		const one = expectStatus(await admin.get(`/api/v2/views/${c.view_id}/count`), 200).view_count;
		assert.equal(c.value, one.value);
		assert.equal(c.pretty, String(c.value));
	}
});

test('node-zendesk: views list, show, create, update, tickets, counts', async () => {
	const zd = zendesk.createClient({ username: fx.agent.email, token: fx.agent.token, endpointUri: `${BASE}/api/v2` });
	const result = (x) => (x && x.result !== undefined ? x.result : x);
	const list = await zd.views.list();
	assert.deepEqual(list.filter((v) => v.id <= 6).map((v) => v.id), [1, 2, 3, 4, 5, 6]);
	const active = await zd.views.listActive();
	assert.ok(active.some((v) => v.id === 1));
	assert.equal(result(await zd.views.show(2)).title, 'Unassigned tickets in my groups');
	const t = await createTicket({ assignee_id: fx.agent.id });
	const made = result(await zd.views.create({
		view: { title: uniq('zd '), all: [{ field: 'assignee_id', operator: 'is', value: 'current_user' }],
			output: { columns: ['status', 'subject'], sort_by: 'created', sort_order: 'desc' } },
	}));
	assert.deepEqual(made.restriction, { type: 'User', id: fx.agent.id });
	assert.deepEqual(made.execution, { sort_by: 'created_at', sort_order: 'desc' });
	const renamed = result(await zd.views.update(made.id, { view: { title: 'zd renamed' } }));
	assert.equal(renamed.title, 'zd renamed');
	const pages = await zd.views.tickets(made.id);
	// node-zendesk's views client knows only the keys "views"/"view": it hands back the pages
	const tickets = pages.flatMap((p) => (p.tickets ? p.tickets : [p]));
	assert.equal(tickets[0].id, t.id, 'newest first');
	const count = result(await zd.views.showCount(made.id));
	assert.equal(count.view_count.value, tickets.length);
	const counts = result(await zd.views.showCounts([1, made.id]));
	assert.deepEqual(counts.view_counts.map((c) => c.view_id), [1, made.id]);
	expectStatus(await agent.del(`/api/v2/views/${made.id}`), 204);
});
