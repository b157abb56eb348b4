// tests/api/macros.test.mjs — /api/v2/macros: the seeded shared macros, personal macros and who
// may see and change them, search by title (case and diacritics ignored), and applying a macro
// alone or to a ticket (/api/v2/tickets/:id/macros/:id/apply): fields to set, the comment with
// placeholders rendered as plain text (a requester name full of HTML comes back verbatim),
// unknown placeholders left as typed, and nothing changed on the ticket. Bad input is a 4xx
// naming the culprit; end-users get 403; invisible macros and tickets are 404.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import zendesk from 'node-zendesk';
import {
	fx, admin, agent, agent2, endA, expectStatus, expectError, createTicket, createGroup,
	createEndUser, uniq, BASE,
} from './lib/api.mjs';

const HTMLISH = '<b>Zoë&amp;"x"</b> O\'Brien <script>alert(1)</script>';
let group, groupA, requester;

before(async () => {
	group = await createGroup([fx.agent2.id]);
	groupA = await createGroup([fx.agent.id]);
	requester = await createEndUser({ name: HTMLISH });
});

async function createMacro(client, macro, status = 201) {
	return expectStatus(await client.post('/api/v2/macros', { macro }), status, 'create macro').macro;
}

test('seeded: shared macros with actions, Zendesk shape', async () => {
	const body = expectStatus(await agent.get('/api/v2/macros'), 200);
	const seeded = body.macros.filter((m) => m.id <= 4);
	assert.deepEqual(seeded.map((m) => m.title), ['Close and thank', 'Ask for details',
		'Escalate to Technical', 'Take it']);
	for (const m of seeded) {
		assert.equal(m.restriction, null);
		assert.equal(m.active, true);
		assert.ok(Array.isArray(m.actions) && m.actions.length > 0);
		assert.equal(m.url, `${BASE}/api/v2/macros/${m.id}.json`);
	}
	assert.deepEqual(seeded[0].actions.find((a) => a.field === 'status'), { field: 'status', value: 'solved' });
	const active = expectStatus(await agent.get('/api/v2/macros/active'), 200).macros;
	assert.ok(active.length >= 4 && active.every((m) => m.active));
	expectStatus(await agent.get('/api/v2/macros/1.json'), 200);
});

test('apply to a ticket: placeholders rendered as plain text, nothing changed', async () => {
	const t = await createTicket({ requester_id: requester.id, group_id: groupA.id, subject: 'Printer <i>jam</i> & co' });
	const res = expectStatus(await agent.get(`/api/v2/tickets/${t.id}/macros/1/apply`), 200).result;
	assert.deepEqual(res.ticket, { id: t.id, status: 'solved' });
	assert.equal(res.comment.public, true);
	assert.ok(res.comment.body.startsWith('Hi <b>Zoë&amp;"x"</b>,\n'), res.comment.body);
	assert.ok(res.comment.body.endsWith('\nTest agent'), 'current_user.name');
	const res2 = expectStatus(await admin.get(`/api/v2/tickets/${t.id}/macros/2/apply.json`), 200).result;
	assert.equal(res2.ticket.status, 'pending');
	assert.ok(res2.comment.body.includes('"Printer <i>jam</i> & co"'), 'ticket.title verbatim');
	const res3 = expectStatus(await admin.get(`/api/v2/tickets/${t.id}/macros/3/apply`), 200).result;
	assert.equal(res3.ticket.priority, 'high');
	assert.deepEqual(res3.ticket.additional_tags, ['escalated']);
	assert.equal(res3.comment.public, false);
	assert.ok(res3.comment.body.includes(`#${t.id} `));
	assert.ok(res3.comment.body.includes(`${HTMLISH} <${requester.email}>`), res3.comment.body);
	const res4 = expectStatus(await agent.get(`/api/v2/tickets/${t.id}/macros/4/apply`), 200).result;
	assert.deepEqual(res4.ticket, { id: t.id, assignee_id: fx.agent.id, status: 'open' });
	assert.equal(res4.comment, undefined);
	// applying changed nothing
	const after = expectStatus(await admin.get(`/api/v2/tickets/${t.id}`), 200).ticket;
	assert.equal(after.status, t.status);
	assert.equal(after.assignee_id, null);
	assert.equal(after.updated_at, t.updated_at);
});

test('every placeholder, spaces inside braces, unknown ones left as typed', async () => {
	const t = await createTicket({ requester_id: requester.id, assignee_id: fx.agent.id, subject: 'Subj' });
	const text = '{{ticket.id}}|{{ticket.title}}|{{ticket.status}}|{{ticket.requester.name}}|' +
		'{{ticket.requester.first_name}}|{{ticket.requester.email}}|{{ticket.assignee.name}}|' +
		'{{current_user.name}}|{{current_user.first_name}}|{{current_user.email}}|' +
		'{{ ticket.id }}|{{ticket.nope}}|{{satisfaction.rating_url}}|{{}}|{ticket.id}|{{ticket.id';
	const m = await createMacro(admin, {
		title: uniq('All placeholders '),
		actions: [{ field: 'comment_value', value: text }, { field: 'comment_mode_is_public', value: 'false' }],
	});
	const res = expectStatus(await agent.get(`/api/v2/tickets/${t.id}/macros/${m.id}/apply`), 200).result;
	assert.equal(res.comment.body, [t.id, 'Subj', 'open', HTMLISH, '<b>Zoë&amp;"x"</b>', requester.email,
		'Test agent', 'Test agent', 'Test', fx.agent.email, t.id, '{{ticket.nope}}',
		'{{satisfaction.rating_url}}', '{{}}', '{ticket.id}', '{{ticket.id'].join('|'));
	assert.equal(res.comment.public, false);
	// without a ticket nothing is rendered
	const alone = expectStatus(await agent.get(`/api/v2/macros/${m.id}/apply`), 200).result;
	assert.equal(alone.comment.body, text);
	assert.deepEqual(alone.ticket, {});
});

test('apply alone: fields in a ticket update\'s vocabulary', async () => {
	const m = await createMacro(agent, {
		title: uniq('Fields '),
		actions: [
			{ field: 'status', value: 'hold' }, { field: 'priority', value: 'urgent' },
			{ field: 'type', value: 'problem' }, { field: 'assignee_id', value: 'current_user' },
			{ field: 'group_id', value: String(groupA.id) }, { field: 'set_tags', value: 'b a  b' },
			{ field: 'current_tags', value: ['Plus'] }, { field: 'remove_tags', value: 'minus' },
		],
	});
	assert.deepEqual(m.actions.find((a) => a.field === 'group_id').value, groupA.id);
	const res = expectStatus(await agent.get(`/api/v2/macros/${m.id}/apply`), 200).result;
	assert.deepEqual(res.ticket, {
		status: 'hold', priority: 'urgent', type: 'problem', assignee_id: fx.agent.id,
		group_id: groupA.id, tags: ['a', 'b'], additional_tags: ['plus'], remove_tags: ['minus'],
	});
	// the result is a valid ticket update
	const t = await createTicket({ tags: ['minus', 'keep'] });
	const up = expectStatus(await admin.put(`/api/v2/tickets/${t.id}`, { ticket: { ...res.ticket, tags: undefined } }), 200).ticket;
	assert.equal(up.status, 'hold');
	assert.deepEqual(up.tags, ['keep', 'plus']);
});

test('personal macros: others get 404, admins manage all, agents not shared ones', async () => {
	const m = await createMacro(agent, {
		title: uniq('Private '), restriction: null,
		actions: [{ field: 'comment_value', value: 'hello' }],
	});
	assert.deepEqual(m.restriction, { type: 'User', id: fx.agent.id });
	const t = await createTicket({ group_id: group.id }); // visible to agent2, not to agent
	const missing = await agent2.get('/api/v2/macros/99999999');
	expectError(missing, 404);
	for (const r of [await agent2.get(`/api/v2/macros/${m.id}`),
		await agent2.get(`/api/v2/macros/${m.id}/apply`),
		await agent2.get(`/api/v2/tickets/${t.id}/macros/${m.id}/apply`),
		await agent2.put(`/api/v2/macros/${m.id}`, { macro: { title: 'taken' } }),
		await agent2.del(`/api/v2/macros/${m.id}`)]) {
		expectError(r, 404);
		assert.equal(r.text, missing.text);
	}
	assert.ok(!expectStatus(await agent2.get('/api/v2/macros?per_page=100'), 200).macros.some((x) => x.id === m.id));
	// a ticket the agent cannot see is a 404 too, even with a visible macro
	expectError(await agent.get(`/api/v2/tickets/${t.id}/macros/1/apply`), 404);
	expectError(await agent.get('/api/v2/tickets/99999999/macros/1/apply'), 404);
	expectStatus(await agent2.get(`/api/v2/tickets/${t.id}/macros/1/apply`), 200);
	// owner updates; agents cannot touch shared macros
	const up = expectStatus(await agent.put(`/api/v2/macros/${m.id}`, { macro: { title: 'Renamed', active: false } }), 200).macro;
	assert.equal(up.title, 'Renamed');
	assert.equal(up.active, false);
	assert.deepEqual(up.actions, m.actions, 'actions kept when not sent');
	assert.ok(!expectStatus(await agent.get('/api/v2/macros/active?per_page=100'), 200).macros.some((x) => x.id === m.id));
	expectError(await agent.put('/api/v2/macros/1', { macro: { title: 'Mine' } }), 403);
	expectError(await agent.del('/api/v2/macros/1'), 403);
	const forced = await createMacro(agent, { title: uniq('Sneaky '), actions: [{ field: 'status', value: 'open' }], restriction: { type: 'User', id: fx.agent2.id } });
	assert.deepEqual(forced.restriction, { type: 'User', id: fx.agent.id }, 'forced to the agent');
	expectStatus(await agent.del(`/api/v2/macros/${forced.id}`), 204);
	// admins see and change anyone's
	expectStatus(await admin.get(`/api/v2/macros/${m.id}`), 200);
	const shared = expectStatus(await admin.put(`/api/v2/macros/${m.id}`, { macro: { restriction: null } }), 200).macro;
	assert.equal(shared.restriction, null);
	expectStatus(await agent2.get(`/api/v2/macros/${m.id}`), 200);
	expectStatus(await admin.del(`/api/v2/macros/${m.id}`), 204);
	expectError(await admin.get(`/api/v2/macros/${m.id}`), 404);
});

test('search: by title, case and diacritics ignored, ё = е, only visible macros', async () => {
	const w = uniq('zz');
	const lv = await createMacro(admin, { title: `Ģērbšanās ${w} Žurnāls`, actions: [{ field: 'status', value: 'open' }] });
	const ru = await createMacro(admin, { title: `ЁЛКА ${w}`, actions: [{ field: 'status', value: 'open' }] });
	const mine = await createMacro(agent2, { title: `Private ${w}`, actions: [{ field: 'status', value: 'open' }] });
	const find = async (client, q) => expectStatus(await client.get(`/api/v2/macros/search?query=${encodeURIComponent(q)}`), 200).macros.map((m) => m.id);
	assert.deepEqual(await find(admin, `gerbsanas ${w}`), [lv.id]);
	assert.deepEqual(await find(admin, `${w.toUpperCase()} ZURN`), [lv.id]);
	assert.deepEqual(await find(admin, `елка ${w}`), [ru.id]);
	assert.deepEqual(await find(admin, `Ёлка ${w}`), [ru.id]);
	assert.deepEqual((await find(admin, w)).sort(), [lv.id, ru.id].sort(), 'not agent2\'s personal one');
	assert.deepEqual((await find(agent2, w)).sort(), [lv.id, ru.id, mine.id].sort());
	assert.deepEqual(await find(admin, `${w} 100%_`), [], 'LIKE wildcards are literal');
	assert.deepEqual(await find(admin, 'close thank'), [1]);
	expectError(await admin.get('/api/v2/macros/search'), 400);
	expectError(await admin.get('/api/v2/macros/search?query=%20'), 400);
	expectError(await admin.get(`/api/v2/macros/search?query=${'a '.repeat(20)}`), 422);
	expectError(await admin.get(`/api/v2/macros/search?query=${'a'.repeat(5000)}`), 422);
});

test('end-users get 403 from every macros endpoint', async () => {
	const t = expectStatus(await endA.post('/api/v2/requests', { request: { subject: 'help', comment: { body: 'please' } } }), 201).request;
	expectError(await endA.get('/api/v2/macros'), 403);
	expectError(await endA.get('/api/v2/macros/active'), 403);
	expectError(await endA.get('/api/v2/macros/search?query=close'), 403);
	expectError(await endA.get('/api/v2/macros/1'), 403);
	expectError(await endA.get('/api/v2/macros/1/apply'), 403);
	expectError(await endA.get(`/api/v2/tickets/${t.id}/macros/1/apply`), 403);
	expectError(await endA.post('/api/v2/macros', { macro: { title: 'x', actions: [{ field: 'status', value: 'open' }] } }), 403);
	expectError(await endA.put('/api/v2/macros/1', { macro: { title: 'x' } }), 403);
	expectError(await endA.del('/api/v2/macros/1'), 403);
});

test('bad input: 422 naming the field or value; nothing stored', async () => {
	const before = expectStatus(await admin.get('/api/v2/macros?per_page=1'), 200).count;
	const bad = async (macro, needle, status = 422) => {
		const b = expectError(await admin.post('/api/v2/macros', { macro }), status, needle);
		assert.ok(JSON.stringify(b).includes(needle), `error names ${needle}: ${JSON.stringify(b)}`);
	};
	const ok = [{ field: 'status', value: 'open' }];
	await bad({ title: 'x', actions: [{ field: 'subject', value: 'x' }] }, 'subject');
	await bad({ title: 'x', actions: [{ field: 'status', value: 'bogus' }] }, 'status');
	await bad({ title: 'x', actions: [{ field: 'status', value: 'new' }] }, 'status');
	await bad({ title: 'x', actions: [{ field: 'priority', value: 'asap' }] }, 'priority');
	await bad({ title: 'x', actions: [{ field: 'assignee_id', value: 99999999 }] }, 'agent 99999999');
	await bad({ title: 'x', actions: [{ field: 'assignee_id', value: fx.enda.id }] }, `agent ${fx.enda.id}`);
	await bad({ title: 'x', actions: [{ field: 'group_id', value: 'current_groups' }] }, 'group_id');
	await bad({ title: 'x', actions: [{ field: 'comment_mode_is_public', value: 'maybe' }] }, 'comment_mode_is_public');
	await bad({ title: 'x', actions: [{ field: 'set_tags', value: 'a,b c d e f g h i j k l m n o p q r s t u v w x y z' }] }, 'at most');
	await bad({ title: 'x', actions: [ok[0], ok[0]] }, 'duplicate');
	await bad({ title: 'x', actions: [{ field: 'status', value: 'open', when: 'now' }] }, 'when');
	await bad({ title: 'x', actions: [] }, 'actions');
	await bad({ title: 'x' }, 'actions');
	await bad({ title: 'x', actions: { field: 'status' } }, 'actions');
	await bad({ title: ' ', actions: ok }, 'title');
	await bad({ title: 'x', actions: ok, shortcut: 'k' }, 'shortcut');
	await bad({ title: 'x', actions: ok, restriction: { type: 'Group', id: group.id } }, 'restriction');
	// huge payloads
	await bad({ title: 'x'.repeat(10000), actions: ok }, 'title');
	await bad({ title: 'x', actions: Array(1000).fill(ok[0]) }, 'actions');
	await bad({ title: 'x', actions: [{ field: 'comment_value', value: 'y'.repeat(300 * 1024) }] }, 'comment_value');
	await bad({ title: 'x', actions: [{ field: 'comment_value', value: 'y'.repeat(2 * 1024 * 1024 - 200) }] }, 'comment_value');
	expectError(await admin.put('/api/v2/macros/1', { macro: { actions: [{ field: 'x', value: 1 }] } }), 422);
	assert.equal(expectStatus(await admin.get('/api/v2/macros?per_page=1'), 200).count, before);
	assert.equal(expectStatus(await admin.get('/api/v2/macros/1'), 200).macro.title, 'Close and thank');
	expectError(await admin.get('/api/v2/macros?access=all'), 400);
	expectError(await admin.get('/api/v2/macros?active=yes'), 400);
	expectError(await admin.get('/api/v2/macros?sort_by=usage_1h'), 400);
});

test('node-zendesk: macros list, search, create, update, apply, delete', async () => {
	const zd = zendesk.createClient({ username: fx.agent.email, token: fx.agent.token, endpointUri: `${BASE}/api/v2` });
	// node-zendesk's macros client knows only the key "macros": single records come wrapped
	const result = (x) => (x && x.result !== undefined ? x.result : x);
	const list = await zd.macros.list();
	assert.ok(list.some((m) => m.title === 'Close and thank'));
	const w = uniq('zd');
	const made = result(await zd.macros.create({
		macro: { title: `Zd ${w}`, actions: [{ field: 'comment_value', value: 'Hi {{ticket.requester.first_name}}' }] },
	})).macro;
	assert.deepEqual(made.restriction, { type: 'User', id: fx.agent.id });
	const found = result(await zd.macros.search(w.toUpperCase()));
	assert.deepEqual(found.map((m) => m.id), [made.id]);
	assert.equal(result(await zd.macros.update(made.id, { macro: { title: `Zd2 ${w}` } })).macro.title, `Zd2 ${w}`);
	const t = await createTicket({ requester_id: requester.id, group_id: groupA.id });
	const applied = result(await zd.macros.applyTicket(t.id, made.id));
	assert.equal(applied.result.comment.body, 'Hi <b>Zoë&amp;"x"</b>');
	const alone = result(await zd.macros.apply(made.id));
	assert.equal(alone.result.comment.body, 'Hi {{ticket.requester.first_name}}');
	expectStatus(await agent.del(`/api/v2/macros/${made.id}`), 204);
});
