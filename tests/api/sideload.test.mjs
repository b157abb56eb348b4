// tests/api/sideload.test.mjs — Zendesk sideloading (?include=users,groups,organizations) on
// ticket, comment, request and search answers: the referenced records come along, each one
// authorized for the caller, and nothing is added without ?include.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fx, admin, endA, expectStatus, createTicket, createGroup, createEndUser } from './lib/api.mjs';

test('ticket show with include=users,groups sideloads requester, assignee and group', async () => {
	const g = await createGroup([fx.agent.id]);
	const req = await createEndUser();
	const t = await createTicket({ requester_id: req.id, assignee_id: fx.agent.id, group_id: g.id });
	const body = expectStatus(await admin.get(`/api/v2/tickets/${t.id}?include=users,groups`), 200);
	const ids = body.users.map((u) => u.id).sort((a, b) => a - b);
	assert.deepEqual(ids, [fx.admin.id, fx.agent.id, req.id].sort((a, b) => a - b));
	assert.deepEqual(body.groups.map((x) => x.id), [g.id]);
	assert.equal(body.organizations, undefined, 'only what was asked for');
	const plain = expectStatus(await admin.get(`/api/v2/tickets/${t.id}`), 200);
	assert.equal(plain.users, undefined);
});

test('comments with include=users sideload every author', async () => {
	const t = await createTicket();
	expectStatus(await admin.put(`/api/v2/tickets/${t.id}`,
		{ ticket: { comment: { body: 'second', author_id: fx.agent.id } } }), 200);
	const body = expectStatus(await admin.get(`/api/v2/tickets/${t.id}/comments?include=users`), 200);
	const authors = new Set(body.comments.map((c) => c.author_id));
	for (const id of authors)
		assert.ok(body.users.some((u) => u.id === id), `author ${id} sideloaded`);
});

test('an end-user sideloading sees only records they may see', async () => {
	const t = await createTicket({ requester_id: fx.enda.id, assignee_id: fx.agent.id });
	const body = expectStatus(await endA.get(`/api/v2/requests/${t.id}?include=users`), 200);
	assert.ok(body.users.every((u) => u.id === fx.enda.id),
		`end-user got only themselves: ${JSON.stringify(body.users.map((u) => u.id))}`);
});
