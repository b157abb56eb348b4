// tests/api/concurrency.test.mjs — Idempotency-Key (the same key gives the same ticket, one
// stored, also when the two requests race) and 50 concurrent creates (all 201, unique ids,
// all stored).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fx, admin, agent, expectStatus, uniq } from './lib/api.mjs';

async function requestedIds(userId) {
	const out = [];
	let url = `/api/v2/users/${userId}/tickets/requested?page[size]=100`;
	while (url) {
		const body = expectStatus(await admin.get(url), 200);
		out.push(...body.tickets.map((t) => t.id));
		url = body.meta.has_more ? body.links.next : null;
	}
	return out;
}

test('Idempotency-Key: the same key twice gives the same ticket, stored once', async () => {
	const email = `${uniq('idem')}@example.test`;
	const key = uniq('key-');
	const body = { ticket: { subject: 'idempotent', comment: { body: 'once' }, requester: { email } } };
	const a = expectStatus(await admin.post('/api/v2/tickets', body, { 'Idempotency-Key': key }), [200, 201]).ticket;
	const b = expectStatus(await admin.post('/api/v2/tickets', body, { 'Idempotency-Key': key }), [200, 201]).ticket;
	assert.equal(a.id, b.id);
	assert.deepEqual(await requestedIds(a.requester_id), [a.id]);
	const comments = expectStatus(await admin.get(`/api/v2/tickets/${a.id}/comments`), 200).comments;
	assert.equal(comments.length, 1, 'the comment was stored once');
	// another key makes another ticket; keys belong to their user
	const c = expectStatus(await admin.post('/api/v2/tickets', body, { 'Idempotency-Key': uniq('key-') }), 201).ticket;
	assert.notEqual(c.id, a.id);
	const d = expectStatus(await agent.post('/api/v2/tickets', body, { 'Idempotency-Key': key }), 201).ticket;
	assert.notEqual(d.id, a.id);
	assert.deepEqual((await requestedIds(a.requester_id)).sort((x, y) => x - y), [a.id, c.id, d.id].sort((x, y) => x - y));
});

test('Idempotency-Key: racing duplicates still store one ticket', async () => {
	const email = `${uniq('race')}@example.test`;
	const key = uniq('race-');
	const body = { ticket: { subject: 'race', comment: { body: 'race' }, requester: { email } } };
	const rs = await Promise.all(Array.from({ length: 8 }, () =>
		admin.post('/api/v2/tickets', body, { 'Idempotency-Key': key })));
	const ok = rs.filter((r) => r.status === 200 || r.status === 201);
	for (const r of rs)
		expectStatus(r, [200, 201, 409, 503], 'racing duplicate');
	assert.ok(ok.length >= 1);
	const ids = new Set(ok.map((r) => r.body.ticket.id));
	assert.equal(ids.size, 1, 'every success names the same ticket');
	const requester = ok[0].body.ticket.requester_id;
	assert.deepEqual(await requestedIds(requester), [...ids]);
});

test('50 concurrent creates: all 201, unique ids, 50 more tickets', async () => {
	const email = `${uniq('burst')}@example.test`;
	const first = expectStatus(await admin.post('/api/v2/tickets',
		{ ticket: { subject: 'burst seed', comment: { body: 'seed' }, requester: { email } } }), 201).ticket;
	const requester = first.requester_id;
	const before = expectStatus(await admin.get('/api/v2/tickets/count'), 200).count.value;
	const rs = await Promise.all(Array.from({ length: 50 }, (_, i) =>
		admin.post('/api/v2/tickets', { ticket: { subject: `burst ${i}`, comment: { body: `burst body ${i}` }, requester_id: requester } })));
	for (const [i, r] of rs.entries())
		expectStatus(r, 201, `concurrent create ${i}`);
	const ids = rs.map((r) => r.body.ticket.id);
	assert.equal(new Set(ids).size, 50, 'ids are unique');
	const stored = await requestedIds(requester);
	assert.equal(stored.length, 51);
	for (const id of ids)
		assert.ok(stored.includes(id), `ticket ${id} is stored`);
	const afterCount = expectStatus(await admin.get('/api/v2/tickets/count'), 200).count.value;
	assert.ok(afterCount >= before + 50, `count grew by at least 50 (${before} -> ${afterCount})`);
	// each has its subject and first comment
	const subjects = new Set(rs.map((r) => r.body.ticket.subject));
	assert.equal(subjects.size, 50);
	const sample = expectStatus(await admin.get(`/api/v2/tickets/${ids[17]}/comments`), 200).comments;
	assert.equal(sample.length, 1);
	assert.match(sample[0].body, /^burst body \d+$/);
});

test('concurrent updates of one ticket: all applied, none lost', async () => {
	const t = expectStatus(await admin.post('/api/v2/tickets', { ticket: { subject: 'many hands', comment: { body: 'start' } } }), 201).ticket;
	const rs = await Promise.all(Array.from({ length: 20 }, (_, i) =>
		admin.put(`/api/v2/tickets/${t.id}`, { ticket: { comment: { body: `reply ${i}`, public: i % 2 === 0 } } })));
	for (const r of rs)
		expectStatus(r, 200, 'concurrent update');
	const comments = expectStatus(await admin.get(`/api/v2/tickets/${t.id}/comments`), 200).comments;
	assert.equal(comments.length, 21);
	const tags = await Promise.all(Array.from({ length: 10 }, (_, i) =>
		admin.put(`/api/v2/tickets/${t.id}/tags`, { tags: [`c${i}`] })));
	for (const r of tags)
		expectStatus(r, 200, 'concurrent tag add');
	const final = expectStatus(await admin.get(`/api/v2/tickets/${t.id}/tags`), 200).tags;
	assert.equal(final.length, 10, `every added tag survives: ${final}`);
	assert.equal(fx.admin.role, 'admin');
});
