// tests/api/pagination.test.mjs — cursor pagination (page[size], page[after], page[before],
// meta.has_more, links.next) and offset pagination (page, per_page, next_page, count): every
// page walk returns every ticket exactly once; bad paging parameters are 400.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { admin, expectStatus, expectError, createTicket, uniq } from './lib/api.mjs';

const N = 23;
let requesterId;
let ids = [];

before(async () => {
	const email = `${uniq('pager')}@example.test`;
	const first = await createTicket({ requester: { email, name: 'Pager' } });
	requesterId = first.requester_id;
	ids.push(first.id);
	for (let i = 1; i < N; i++)
		ids.push((await createTicket({ requester_id: requesterId })).id);
	ids.sort((a, b) => a - b);
});

const sorted = (xs) => [...xs].sort((a, b) => a - b);

function assertExactlyOnce(seen, expected) {
	const counts = new Map();
	for (const id of seen)
		counts.set(id, (counts.get(id) || 0) + 1);
	for (const [id, n] of counts)
		assert.equal(n, 1, `ticket ${id} appeared ${n} times`);
	for (const id of expected)
		assert.ok(counts.has(id), `ticket ${id} never appeared`);
}

test('cursor: walk all pages via links.next, each ticket exactly once', async () => {
	const base = `/api/v2/users/${requesterId}/tickets/requested.json?page[size]=5`;
	const seen = [];
	let url = base, pages = 0, last;
	while (url) {
		const body = expectStatus(await admin.get(url), 200);
		pages++;
		assert.ok(body.tickets.length <= 5);
		assert.equal(body.count, undefined, 'cursor pages carry no offset fields');
		seen.push(...body.tickets.map((t) => t.id));
		assert.equal(typeof body.meta.has_more, 'boolean');
		if (body.meta.has_more) {
			assert.equal(body.tickets.length, 5);
			assert.match(body.links.next, /page%5Bafter%5D=|page\[after\]=/);
			assert.ok(body.meta.after_cursor);
			url = body.links.next;
		} else {
			assert.equal(body.links.next, null);
			url = null;
		}
		last = body;
	}
	assert.equal(pages, Math.ceil(N / 5));
	assert.equal(seen.length, N);
	assertExactlyOnce(seen, ids);
	assert.deepEqual(seen, ids, 'default order is id ascending');
	assert.ok(last.links.prev, 'the last page links back');
});

test('cursor: page[after] by hand and page[before] back', async () => {
	const p1 = expectStatus(await admin.get(`/api/v2/users/${requesterId}/tickets/requested?page[size]=10`), 200);
	assert.deepEqual(p1.tickets.map((t) => t.id), ids.slice(0, 10));
	assert.equal(p1.meta.has_more, true);
	const after = encodeURIComponent(p1.meta.after_cursor);
	const p2 = expectStatus(await admin.get(`/api/v2/users/${requesterId}/tickets/requested?page[size]=10&page[after]=${after}`), 200);
	assert.deepEqual(p2.tickets.map((t) => t.id), ids.slice(10, 20));
	const back = encodeURIComponent(p2.meta.before_cursor);
	const p1b = expectStatus(await admin.get(`/api/v2/users/${requesterId}/tickets/requested?page[size]=10&page[before]=${back}`), 200);
	assert.deepEqual(p1b.tickets.map((t) => t.id), ids.slice(0, 10));
});

test('cursor: descending sort walks the same set in reverse', async () => {
	const seen = [];
	let url = `/api/v2/users/${requesterId}/tickets/requested?page[size]=4&sort=-id`;
	while (url) {
		const body = expectStatus(await admin.get(url), 200);
		seen.push(...body.tickets.map((t) => t.id));
		url = body.meta.has_more ? body.links.next : null;
	}
	assert.deepEqual(seen, [...ids].reverse());
});

test('cursor: the whole ticket list walks with no duplicates', async () => {
	const seen = [];
	let url = '/api/v2/tickets?page[size]=100', pages = 0;
	while (url) {
		const body = expectStatus(await admin.get(url), 200);
		seen.push(...body.tickets.map((t) => t.id));
		url = body.meta.has_more ? body.links.next : null;
		pages++;
		assert.ok(pages < 1000);
	}
	assertExactlyOnce(seen, ids);
	assert.deepEqual(seen, sorted(seen));
});

test('offset: page and per_page, next_page/previous_page, count', async () => {
	const seen = [];
	let url = `/api/v2/users/${requesterId}/tickets/requested.json?per_page=5`, pages = 0, prev = null;
	while (url) {
		const body = expectStatus(await admin.get(url), 200);
		pages++;
		assert.equal(body.count, N);
		seen.push(...body.tickets.map((t) => t.id));
		if (pages === 1)
			assert.equal(body.previous_page, null);
		else
			assert.match(body.previous_page, new RegExp(`page=${pages - 1}`));
		prev = body;
		url = body.next_page;
		if (url)
			assert.match(url, new RegExp(`page=${pages + 1}`));
	}
	assert.equal(prev.next_page, null);
	assert.equal(pages, Math.ceil(N / 5));
	assertExactlyOnce(seen, ids);
	const p3 = expectStatus(await admin.get(`/api/v2/users/${requesterId}/tickets/requested?page=3&per_page=5`), 200);
	assert.deepEqual(p3.tickets.map((t) => t.id), ids.slice(10, 15));
	const past = expectStatus(await admin.get(`/api/v2/users/${requesterId}/tickets/requested?page=99&per_page=5`), 200);
	assert.deepEqual(past.tickets, []);
	assert.equal(past.next_page, null);
	// per_page above the cap is clamped, not an error
	const big = expectStatus(await admin.get('/api/v2/tickets?per_page=5000'), 200);
	assert.ok(big.tickets.length <= 100);
});

test('bad paging parameters are 400', async () => {
	for (const q of ['page[size]=0', 'page[size]=101', 'page[size]=abc', 'page[after]=notacursor',
		'page[before]=zzzz', 'page=0', 'page=-3', 'page=x', 'per_page=0', 'per_page=1e3',
		'page[size]=5&page[after]=' + 'A'.repeat(500)])
		expectError(await admin.get(`/api/v2/tickets?${q}`), 400, q);
});
