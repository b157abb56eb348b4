// tests/api/zendesk.test.mjs — the node-zendesk client from npm, unchanged, pointed at Helpo
// with endpointUri: tickets (create, list across several cursor pages, show, update, comment),
// search, and users (create, list, show, update). Outcomes are checked through the raw API.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import zendesk from 'node-zendesk';
import { BASE, fx, admin, expectStatus, uniq } from './lib/api.mjs';

let zd;
const requests = [];

before(() => {
	zd = zendesk.createClient({
		username: fx.admin.email,
		token: fx.admin.token,
		endpointUri: `${BASE}/api/v2`,
		// the client's documented transport hook, used only to count the requests it makes
		transportConfig: {
			transportFn(uri, options) {
				requests.push(String(uri));
				return fetch(uri, options);
			},
			responseAdapter(res) {
				return {
					json: () => res.json(), status: res.status, statusText: res.statusText,
					headers: { get: (h) => res.headers.get(h) },
				};
			},
		},
	});
});

// node-zendesk resolves to {response, result} for single calls and to an array for lists.
const result = (x) => (x && x.result !== undefined ? x.result : x);

test('node-zendesk: create, show, update, comment', async () => {
	const subject = uniq('zd ');
	const created = result(await zd.tickets.create({
		ticket: { subject, comment: { body: 'from node-zendesk' }, priority: 'normal', tags: ['zd'] },
	}));
	assert.equal(typeof created.id, 'number');
	assert.equal(created.subject, subject);
	const raw = expectStatus(await admin.get(`/api/v2/tickets/${created.id}`), 200).ticket;
	assert.equal(raw.subject, subject);
	assert.deepEqual(raw.tags, ['zd']);

	const shown = result(await zd.tickets.show(created.id));
	assert.equal(shown.id, created.id);
	assert.equal(shown.priority, 'normal');

	const updated = result(await zd.tickets.update(created.id, {
		ticket: { status: 'pending', priority: 'high', comment: { body: 'reply via client', public: false } },
	}));
	assert.equal(updated.status, 'pending');
	assert.equal(updated.priority, 'high');
	const comments = expectStatus(await admin.get(`/api/v2/tickets/${created.id}/comments`), 200).comments;
	assert.equal(comments.length, 2);
	assert.equal(comments[1].body, 'reply via client');
	assert.equal(comments[1].public, false);
	const after = expectStatus(await admin.get(`/api/v2/tickets/${created.id}`), 200).ticket;
	assert.equal(after.status, 'pending');
});

test('node-zendesk: list walks more than one cursor page', async () => {
	const mine = [];
	for (let i = 0; i < 105; i++) {
		const r = await admin.post('/api/v2/tickets', { ticket: { subject: `zd list ${i}`, comment: { body: 'x' } } });
		mine.push(expectStatus(r, 201).ticket.id);
	}
	requests.length = 0;
	const all = await zd.tickets.list();
	assert.ok(Array.isArray(all));
	const ids = all.map((t) => t.id);
	assert.equal(new Set(ids).size, ids.length, 'no ticket twice');
	for (const id of mine)
		assert.ok(ids.includes(id), `ticket ${id} is listed`);
	assert.ok(ids.length > 100);
	const pages = requests.filter((u) => u.includes('/api/v2/tickets'));
	assert.ok(pages.some((u) => u.includes('page%5Bafter%5D') || u.includes('page[after]')), `pages: ${pages}`);
	assert.ok(pages.length >= 2, `the client fetched ${pages.length} page(s)`);
});

test('node-zendesk: search', async () => {
	const word = uniq('zdsearch');
	const t = expectStatus(await admin.post('/api/v2/tickets', { ticket: { subject: `${word} item`, comment: { body: 'x' }, priority: 'urgent' } }), 201).ticket;
	const found = result(await zd.search.query(`${word} priority:urgent`));
	const rows = Array.isArray(found) ? found : found.results;
	assert.deepEqual(rows.map((x) => x.id), [t.id]);
	const none = result(await zd.search.query(`${word} priority:low`));
	assert.deepEqual(Array.isArray(none) ? none : none.results, []);
});

test('node-zendesk: users create, list, show, update', async () => {
	const email = `${uniq('zdu')}@example.test`;
	const u = result(await zd.users.create({ user: { name: 'Zed User', email, role: 'end-user' } }));
	assert.equal(typeof u.id, 'number');
	assert.equal(u.email, email);
	const shown = result(await zd.users.show(u.id));
	assert.equal(shown.name, 'Zed User');
	const upd = result(await zd.users.update(u.id, { user: { name: 'Zed Renamed', phone: '+371 1' } }));
	assert.equal(upd.name, 'Zed Renamed');
	const raw = expectStatus(await admin.get(`/api/v2/users/${u.id}`), 200).user;
	assert.equal(raw.name, 'Zed Renamed');
	assert.equal(raw.phone, '+371 1');
	const list = await zd.users.list();
	assert.ok(Array.isArray(list));
	assert.ok(list.some((x) => x.id === u.id));
	assert.ok(list.some((x) => x.id === fx.admin.id));
	const me = result(await zd.users.auth());
	assert.equal(me.id, fx.admin.id);
});

test('node-zendesk: errors surface as rejections', async () => {
	await assert.rejects(zd.tickets.show(99999999));
	const bad = zendesk.createClient({ username: fx.admin.email, token: 'wrong', endpointUri: `${BASE}/api/v2` });
	await assert.rejects(bad.tickets.show(1));
});
