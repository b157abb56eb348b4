// tests/api/lib/api.mjs — what every black-box test file shares: the server URL and fixture
// users (made by scripts/test-api with the CLI), a tiny HTTP client over Node's fetch that
// returns {status, headers, body, text}, assertion helpers that print the response on failure,
// and fixture builders (tickets, groups, end-users) made through the API as admin.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';

export const BASE = process.env.HELPO_URL;
export const RL_BASE = process.env.HELPO_RL_URL;
if (!BASE || !process.env.HELPO_FIXTURES)
	throw new Error('run these tests through scripts/test-api (HELPO_URL, HELPO_FIXTURES unset)');
export const fx = JSON.parse(readFileSync(process.env.HELPO_FIXTURES, 'utf8'));

/** A unique word for this run, safe for search (letters only). */
export function uniq(prefix = 'w') {
	return prefix + randomUUID().replace(/[^a-f]/g, '').slice(0, 10) +
		Math.random().toString(36).replace(/[^a-z]/g, '').slice(0, 6);
}

export function basic(user, pass) {
	return 'Basic ' + Buffer.from(`${user}:${pass}`).toString('base64');
}

export class Client {
	/** auth: an Authorization header value, or null; base: server URL. */
	constructor(auth, base = BASE, extraHeaders = {}) {
		this.auth = auth;
		this.base = base;
		this.extra = extraHeaders;
	}

	/** Sends a request; body may be an object (JSON), a string or a Buffer (sent raw). */
	async req(method, path, body, headers = {}) {
		const h = { Accept: 'application/json', ...this.extra, ...headers };
		if (this.auth)
			h.Authorization = this.auth;
		let payload;
		if (body !== undefined && body !== null) {
			if (typeof body === 'string' || Buffer.isBuffer(body))
				payload = body;
			else
				payload = JSON.stringify(body);
			if (!Object.keys(h).some((k) => k.toLowerCase() === 'content-type'))
				h['Content-Type'] = 'application/json';
		}
		const url = path.startsWith('http') ? path : this.base + path;
		const res = await fetch(url, { method, headers: h, body: payload });
		const text = await res.text();
		let json = null;
		try {
			json = text ? JSON.parse(text) : null;
		} catch {
			json = null;
		}
		return { status: res.status, headers: res.headers, body: json, text, method, path };
	}
	get(p, h) { return this.req('GET', p, null, h); }
	post(p, b, h) { return this.req('POST', p, b, h); }
	put(p, b, h) { return this.req('PUT', p, b, h); }
	del(p, b, h) { return this.req('DELETE', p, b, h); }
}

export const tokenClient = (u, base = BASE) => new Client(basic(`${u.email}/token`, u.token), base);
export const admin = tokenClient(fx.admin);
export const agent = tokenClient(fx.agent);
export const agent2 = tokenClient(fx.agent2);
export const endA = tokenClient(fx.enda);
export const endB = tokenClient(fx.endb);
export const anon = new Client(null);

/** Asserts the status, showing the request and response when it differs. */
export function expectStatus(res, status, what = '') {
	const want = Array.isArray(status) ? status : [status];
	assert.ok(want.includes(res.status),
		`${what ? what + ': ' : ''}${res.method} ${res.path} -> ${res.status}, expected ` +
		`${want.join(' or ')}; body: ${res.text.slice(0, 600)}`);
	return res.body;
}

/** Asserts a Zendesk-style error body {error, description}. */
export function expectError(res, status, what = '') {
	expectStatus(res, status, what);
	assert.ok(res.body && typeof res.body.error === 'string',
		`${what}: error body must have "error": ${res.text.slice(0, 300)}`);
	return res.body;
}

let seq = 0;
/** Creates a ticket as `client` (admin by default) and returns it. */
export async function createTicket(fields = {}, client = admin) {
	seq++;
	const ticket = {
		subject: `Test ticket ${seq} ${uniq('s')}`,
		comment: { body: `First comment of test ticket ${seq}` },
		...fields,
	};
	const res = await client.post('/api/v2/tickets', { ticket });
	const body = expectStatus(res, 201, 'create ticket');
	assert.equal(typeof body.ticket.id, 'number');
	return body.ticket;
}

/** Creates a group as admin, optionally with agent members; returns the group. */
export async function createGroup(memberIds = [], name = uniq('Group ')) {
	const res = await admin.post('/api/v2/groups', { group: { name } });
	const g = expectStatus(res, 201, 'create group').group;
	for (const uid of memberIds) {
		const m = await admin.post('/api/v2/group_memberships',
			{ group_membership: { user_id: uid, group_id: g.id } });
		expectStatus(m, 201, 'create group membership');
	}
	return g;
}

/** Creates an end-user through the API as admin; returns the user. */
export async function createEndUser(fields = {}) {
	const name = uniq('User ');
	const res = await admin.post('/api/v2/users', {
		user: { name, email: `${uniq('u')}@example.test`, role: 'end-user', ...fields },
	});
	return expectStatus(res, 201, 'create user').user;
}

/** Walks a cursor-paginated list via links.next; returns every row and the page count. */
export async function walkCursor(client, firstPath, key) {
	const rows = [];
	let url = firstPath, pages = 0;
	while (url) {
		const res = await client.get(url);
		const body = expectStatus(res, 200, `page ${pages + 1}`);
		assert.ok(Array.isArray(body[key]), `"${key}" must be an array`);
		rows.push(...body[key]);
		pages++;
		assert.equal(typeof body.meta?.has_more, 'boolean', 'meta.has_more');
		if (body.meta.has_more) {
			assert.ok(body.links?.next, 'links.next when has_more');
			url = body.links.next;
		} else {
			url = null;
		}
		assert.ok(pages < 10000, 'runaway pagination');
	}
	return { rows, pages };
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
