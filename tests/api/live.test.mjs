// tests/api/live.test.mjs — the realtime feed: GET /api/v2/stream (Server-Sent Events) delivers
// ticket events within a second, only for tickets the subscriber may see, resumes with
// Last-Event-ID without gaps or duplicates; ticket presence (PUT/GET, pushed as
// `event: presence`, expiring after 30 s); and collision detection on send (safe_update).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import {
	fx, admin, agent, agent2, endA, anon, expectStatus, expectError, createTicket, createGroup,
	uniq, sleep, BASE,
} from './lib/api.mjs';

/** An SSE connection read with fetch; collects {id, event, data} messages and comments. */
class Stream {
	constructor(client, { query = '', headers = {} } = {}) {
		this.client = client;
		this.query = query;
		this.headers = headers;
		this.events = [];
		this.comments = [];
		this.waiters = [];
		this.ended = false;
	}

	async open() {
		this.ctrl = new AbortController();
		const h = { Accept: 'text/event-stream', ...this.headers };
		if (this.client.auth)
			h.Authorization = this.client.auth;
		const res = await fetch(`${BASE}/api/v2/stream${this.query}`, { headers: h, signal: this.ctrl.signal });
		this.status = res.status;
		this.contentType = res.headers.get('content-type');
		if (res.status !== 200) {
			this.body = await res.text();
			return this;
		}
		this.reader = res.body.getReader();
		this.pump();
		// the first bytes ("retry:") show the subscription is registered on the server
		await this.until(() => this.sawRetry, 2000, 'stream start');
		await sleep(150); // the tail activates new subscribers on its next round (~100 ms)
		return this;
	}

	async pump() {
		const dec = new TextDecoder();
		let buf = '';
		try {
			for (;;) {
				const { value, done } = await this.reader.read();
				if (done)
					break;
				buf += dec.decode(value, { stream: true });
				let i;
				while ((i = buf.indexOf('\n\n')) >= 0) {
					this.parse(buf.slice(0, i));
					buf = buf.slice(i + 2);
				}
			}
		} catch {
			// aborted
		}
		this.ended = true;
		this.notify();
	}

	parse(block) {
		const msg = { id: null, event: 'message', data: null, at: Date.now() };
		let hasData = false;
		for (const line of block.split('\n')) {
			if (line.startsWith(':')) {
				this.comments.push(line);
				continue;
			}
			const c = line.indexOf(':');
			const k = c < 0 ? line : line.slice(0, c);
			const v = c < 0 ? '' : line.slice(c + 1).replace(/^ /, '');
			if (k === 'id') msg.id = Number(v);
			else if (k === 'event') msg.event = v;
			else if (k === 'data') { msg.data = JSON.parse(v); hasData = true; }
			else if (k === 'retry') this.sawRetry = true;
		}
		if (hasData)
			this.events.push(msg);
		this.notify();
	}

	notify() {
		for (const w of this.waiters.splice(0))
			w();
	}

	/** Resolves when pred() is true; fails after ms. */
	async until(pred, ms, what) {
		const end = Date.now() + ms;
		while (!pred()) {
			const left = end - Date.now();
			if (left <= 0 || this.ended)
				assert.fail(`${what}: not seen within ${ms} ms; got ${JSON.stringify(this.events)}`);
			await new Promise((r) => {
				const t = setTimeout(r, left);
				this.waiters.push(() => { clearTimeout(t); r(); });
			});
		}
	}

	ticketEvents(ticketId) {
		return this.events.filter((e) => e.event === 'ticket' && e.data.ticket_id === ticketId);
	}

	async waitTicket(ticketId, kind, ms = 1000) {
		await this.until(() => this.ticketEvents(ticketId).some((e) => e.data.kind === kind), ms,
			`${kind} for ticket ${ticketId}`);
		return this.ticketEvents(ticketId).find((e) => e.data.kind === kind);
	}

	close() {
		this.ctrl?.abort();
	}
}

const open = [];
async function stream(client, opts) {
	const s = new Stream(client, opts);
	open.push(s);
	return s.open();
}
after(() => open.forEach((s) => s.close()));

// One ticket-group setup: group G with `agent` as its only member; agent2 is in no group.
let G;
async function groupG() {
	if (!G)
		G = await createGroup([fx.agent.id]);
	return G;
}

test('stream: staff only (end-users 403, anonymous 401), text/event-stream', async () => {
	const e = await stream(endA);
	assert.equal(e.status, 403, e.body);
	assert.equal(JSON.parse(e.body).error, 'Forbidden');
	const a = await stream(anon);
	assert.equal(a.status, 401);
	const ok = await stream(agent);
	assert.equal(ok.status, 200);
	assert.match(ok.contentType, /^text\/event-stream/);
	ok.close();
});

test('stream: ticket.created and comment.added arrive within 1 s, without content', async () => {
	const g = await groupG();
	const s = await stream(agent);
	const t0 = Date.now();
	const t = await createTicket({ group_id: g.id, comment: { body: 'secret body text' } });
	const created = await s.waitTicket(t.id, 'ticket.created', 1000);
	assert.ok(created.at - t0 < 1000, `ticket.created after ${created.at - t0} ms`);
	assert.equal(created.event, 'ticket');
	assert.equal(created.data.id, created.id, 'data.id is the SSE id');
	assert.deepEqual(Object.keys(created.data).sort(),
		['actor_id', 'created_at', 'id', 'kind', 'ticket_id']);
	assert.equal(created.data.actor_id, fx.admin.id);
	assert.match(created.data.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
	const t1 = Date.now();
	expectStatus(await admin.put(`/api/v2/tickets/${t.id}`,
		{ ticket: { comment: { body: 'another secret reply', public: false } } }), 200);
	const added = await s.waitTicket(t.id, 'comment.added', 1000);
	assert.ok(added.at - t1 < 1000, `comment.added after ${added.at - t1} ms`);
	assert.ok(added.id > created.id, 'ids increase');
	for (const e of s.events)
		assert.ok(!JSON.stringify(e.data).includes('secret'), 'no ticket content in the stream');
	s.close();
});

test('stream: an agent without access to the ticket receives nothing for it', async () => {
	const g = await groupG();
	const seer = await stream(agent);
	const blind = await stream(agent2);
	const boss = await stream(admin);
	const t = await createTicket({ group_id: g.id });
	expectStatus(await admin.put(`/api/v2/tickets/${t.id}`, { ticket: { priority: 'high' } }), 200);
	await seer.waitTicket(t.id, 'ticket.updated');
	await boss.waitTicket(t.id, 'ticket.updated');
	// a later event that agent2 can see proves its stream is alive and has caught up
	const own = await createTicket({}, agent2);
	await blind.waitTicket(own.id, 'ticket.created');
	assert.deepEqual(blind.ticketEvents(t.id), [], 'agent2 got events of a ticket it cannot see');
	expectError(await agent2.get(`/api/v2/tickets/${t.id}`), 404);
	seer.close();
	blind.close();
	boss.close();
});

test('stream: after an agent leaves the group, its tickets stop arriving', async () => {
	const g2 = await createGroup([fx.agent2.id]);
	const ms = expectStatus(await admin.get(`/api/v2/groups/${g2.id}/memberships`), 200)
		.group_memberships;
	const s = await stream(agent2);
	const t = await createTicket({ group_id: g2.id });
	await s.waitTicket(t.id, 'ticket.created');
	expectStatus(await admin.del(`/api/v2/group_memberships/${ms[0].id}`), [200, 204]);
	expectStatus(await admin.put(`/api/v2/tickets/${t.id}`, { ticket: { priority: 'urgent' } }), 200);
	const own = await createTicket({}, agent2);
	await s.waitTicket(own.id, 'ticket.created');
	assert.equal(s.ticketEvents(t.id).filter((e) => e.data.kind === 'ticket.updated').length, 0,
		'an event of a ticket no longer visible was delivered');
	s.close();
});

test('stream: Last-Event-ID resumes with exactly the missed events, none twice', async () => {
	const ref = await stream(admin); // stays open: the reference sequence
	const a = await createTicket({});
	const first = await stream(admin);
	expectStatus(await admin.put(`/api/v2/tickets/${a.id}`, { ticket: { priority: 'low' } }), 200);
	const seen = await first.waitTicket(a.id, 'ticket.updated');
	first.close();
	// missed while disconnected
	const b = await createTicket({});
	expectStatus(await admin.put(`/api/v2/tickets/${a.id}`,
		{ ticket: { comment: { body: 'while away' } } }), 200);
	await ref.waitTicket(a.id, 'comment.added');
	const resumed = await stream(admin, { headers: { 'Last-Event-ID': String(seen.id) } });
	// and a live one after the resume
	expectStatus(await admin.put(`/api/v2/tickets/${b.id}`, { ticket: { priority: 'high' } }), 200);
	await resumed.waitTicket(b.id, 'ticket.updated');
	await ref.waitTicket(b.id, 'ticket.updated');
	const want = ref.events.filter((e) => e.event === 'ticket' && e.id > seen.id).map((e) => e.id);
	const got = resumed.events.filter((e) => e.event === 'ticket').map((e) => e.id);
	assert.deepEqual(got.slice(0, want.length), want, 'replay + live = the reference, in order');
	assert.equal(new Set(got).size, got.length, 'no event twice');
	assert.ok(want.length >= 4, `expected the missed events, got ${want}`);
	// the query-string form does the same
	const q = await stream(admin, { query: `?last_event_id=${seen.id}` });
	await q.until(() => q.events.some((e) => e.id === want[want.length - 1]), 1000, 'replay');
	assert.deepEqual(q.events.filter((e) => e.event === 'ticket').map((e) => e.id).slice(0, want.length), want);
	// a resume point the client made up is refused
	const bad = await stream(admin, { headers: { 'Last-Event-ID': 'abc' } });
	assert.equal(bad.status, 400);
	[ref, resumed, q].forEach((s) => s.close());
});

test('stream: replay is authorized like live events', async () => {
	const g = await groupG();
	const s = await stream(agent2);
	const own = await createTicket({}, agent2);
	const mark = await s.waitTicket(own.id, 'ticket.created');
	s.close();
	const hidden = await createTicket({ group_id: g.id });
	const visible = await createTicket({}, agent2);
	const r = await stream(agent2, { headers: { 'Last-Event-ID': String(mark.id) } });
	await r.waitTicket(visible.id, 'ticket.created');
	assert.deepEqual(r.ticketEvents(hidden.id), []);
	r.close();
});

let presenceExpiry = null; // {ticket, at}: checked by the last test (30 s TTL)

test('presence: PUT by one agent is seen by another (stream and GET); left clears it', async () => {
	const g = await createGroup([fx.agent.id, fx.agent2.id]);
	const t = await createTicket({ group_id: g.id });
	const s2 = await stream(agent2);
	const body = expectStatus(await agent.put(`/api/v2/tickets/${t.id}/presence`,
		{ presence: { state: 'viewing' } }), 200);
	assert.equal(body.presence.ticket_id, t.id);
	assert.deepEqual(body.presence.viewers,
		[{ user_id: fx.agent.id, name: 'Test agent', state: 'viewing' }]);
	await s2.until(() => s2.events.some((e) => e.event === 'presence' && e.data.ticket_id === t.id),
		1000, 'presence event');
	const ev = s2.events.find((e) => e.event === 'presence' && e.data.ticket_id === t.id);
	assert.equal(ev.id, null, 'presence messages carry no id');
	assert.deepEqual(ev.data.viewers, [{ user_id: fx.agent.id, name: 'Test agent', state: 'viewing' }]);
	// typing is a change too
	expectStatus(await agent.put(`/api/v2/tickets/${t.id}/presence`, { presence: { state: 'typing' } }), 200);
	await s2.until(() => s2.events.some((e) => e.event === 'presence' &&
		e.data.viewers.some((v) => v.state === 'typing')), 1000, 'typing');
	const got = expectStatus(await agent2.get(`/api/v2/tickets/${t.id}/presence`), 200);
	assert.deepEqual(got.presence.viewers, [{ user_id: fx.agent.id, name: 'Test agent', state: 'typing' }]);
	// left
	expectStatus(await agent.put(`/api/v2/tickets/${t.id}/presence`, { presence: { state: 'left' } }), 200);
	await s2.until(() => s2.events.some((e) => e.event === 'presence' && e.data.ticket_id === t.id &&
		e.data.viewers.length === 0), 1000, 'left');
	assert.deepEqual(expectStatus(await agent2.get(`/api/v2/tickets/${t.id}/presence`), 200)
		.presence.viewers, []);
	s2.close();
	// one more, left to expire (checked by the last test)
	expectStatus(await agent2.put(`/api/v2/tickets/${t.id}/presence`, { presence: { state: 'viewing' } }), 200);
	presenceExpiry = { ticket: t.id, at: Date.now() };
});

test('presence: not visible -> 404, bad state -> 422, end-users 403, no leak to others', async () => {
	const g = await groupG();
	const t = await createTicket({ group_id: g.id });
	const blind = await stream(agent2);
	expectError(await agent2.put(`/api/v2/tickets/${t.id}/presence`, { presence: { state: 'viewing' } }), 404);
	expectError(await agent2.get(`/api/v2/tickets/${t.id}/presence`), 404);
	expectError(await agent.put(`/api/v2/tickets/${t.id}/presence`, { presence: { state: 'sleeping' } }), 422);
	expectError(await agent.put(`/api/v2/tickets/${t.id}/presence`, { presence: {} }), 422);
	expectError(await agent.put(`/api/v2/tickets/${t.id}/presence`, { state: 'viewing' }), 400);
	expectError(await agent.put(`/api/v2/tickets/999999999/presence`, { presence: { state: 'viewing' } }), 404);
	expectError(await endA.get(`/api/v2/tickets/${t.id}/presence`), 403);
	expectStatus(await agent.put(`/api/v2/tickets/${t.id}/presence`, { presence: { state: 'viewing' } }), 200);
	const own = await createTicket({}, agent2);
	await blind.waitTicket(own.id, 'ticket.created');
	await sleep(200);
	assert.ok(!blind.events.some((e) => e.event === 'presence' && e.data.ticket_id === t.id),
		'presence of an invisible ticket was pushed');
	expectStatus(await agent.put(`/api/v2/tickets/${t.id}/presence`, { presence: { state: 'left' } }), 200);
	blind.close();
});

test('safe_update: a stale updated_stamp is a 409 and nothing is written; current one works', async () => {
	const t = await createTicket({ subject: uniq('Collide ') });
	const loaded = expectStatus(await agent.get(`/api/v2/tickets/${t.id}`), [200, 404]);
	const seen = expectStatus(await admin.get(`/api/v2/tickets/${t.id}`), 200).ticket;
	await sleep(1100); // a later second, so updated_at visibly moves
	// a comment moves updated_at
	expectStatus(await admin.put(`/api/v2/tickets/${t.id}`,
		{ ticket: { comment: { body: 'someone else replied', public: true } } }), 200);
	const now = expectStatus(await admin.get(`/api/v2/tickets/${t.id}`), 200).ticket;
	assert.notEqual(now.updated_at, seen.updated_at, 'a comment changes updated_at');
	const comments = (await admin.get(`/api/v2/tickets/${t.id}/comments`)).body.comments.length;
	const res = await admin.put(`/api/v2/tickets/${t.id}`, {
		ticket: { subject: 'mine', comment: { body: 'my reply' }, safe_update: true,
			updated_stamp: seen.updated_at },
	});
	const err = expectError(res, 409);
	assert.equal(err.error, 'UpdateConflict');
	assert.equal(err.description, 'The ticket was updated by someone else since you loaded it');
	const after1 = expectStatus(await admin.get(`/api/v2/tickets/${t.id}`), 200).ticket;
	assert.equal(after1.subject, t.subject, 'nothing written');
	assert.equal(after1.updated_at, now.updated_at);
	assert.equal((await admin.get(`/api/v2/tickets/${t.id}/comments`)).body.comments.length, comments);
	// with the current stamp it goes through
	const ok = expectStatus(await admin.put(`/api/v2/tickets/${t.id}`, {
		ticket: { subject: 'mine', comment: { body: 'my reply' }, safe_update: true,
			updated_stamp: now.updated_at },
	}), 200);
	assert.equal(ok.ticket.subject, 'mine');
	// without safe_update a stale stamp is ignored (Zendesk: omit it to force)
	expectStatus(await admin.put(`/api/v2/tickets/${t.id}`,
		{ ticket: { priority: 'low', updated_stamp: seen.updated_at } }), 200);
	// a stamp that is not a time is a conflict too, never a silent overwrite
	expectError(await admin.put(`/api/v2/tickets/${t.id}`,
		{ ticket: { priority: 'high', safe_update: true, updated_stamp: 'yesterday' } }), 409);
	void loaded;
});

test('presence: an entry expires 30 s after its last PUT', async () => {
	assert.ok(presenceExpiry, 'the presence test ran');
	const t = presenceExpiry.ticket;
	const s = await stream(agent);
	const left = presenceExpiry.at + 30000 - Date.now();
	if (left > 1500) {
		// still there before the deadline
		const v = expectStatus(await agent.get(`/api/v2/tickets/${t}/presence`), 200).presence.viewers;
		assert.deepEqual(v.map((x) => x.user_id), [fx.agent2.id]);
	}
	await s.until(() => s.events.some((e) => e.event === 'presence' && e.data.ticket_id === t &&
		e.data.viewers.length === 0), Math.max(left, 0) + 2000, 'expiry pushed');
	assert.deepEqual(expectStatus(await agent.get(`/api/v2/tickets/${t}/presence`), 200)
		.presence.viewers, []);
	s.close();
});
