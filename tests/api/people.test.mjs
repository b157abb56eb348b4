// tests/api/people.test.mjs — users (list, show, show_many, create, update, me, search,
// delete), organizations, groups and group memberships, with who may do what.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
	fx, admin, agent, endA, endB, expectStatus, expectError, uniq, createGroup, BASE,
} from './lib/api.mjs';

test('users: list (staff only), role filter', async () => {
	const body = expectStatus(await admin.get('/api/v2/users?per_page=100'), 200);
	const ids = body.users.map((u) => u.id);
	for (const k of ['admin', 'agent', 'enda', 'endb'])
		assert.ok(ids.includes(fx[k].id), `${k} is listed`);
	assert.ok(body.count >= 6);
	assert.equal(body.users.find((u) => u.id === fx.admin.id).url, `${BASE}/api/v2/users/${fx.admin.id}.json`);
	const agents = expectStatus(await agent.get('/api/v2/users?role=agent&per_page=100'), 200).users;
	assert.ok(agents.length >= 2);
	assert.ok(agents.every((u) => u.role === 'agent'));
	assert.ok(agents.some((u) => u.id === fx.agent.id));
	const staff = expectStatus(await admin.get('/api/v2/users?role[]=agent&role[]=admin&per_page=100'), 200).users;
	assert.ok(staff.every((u) => u.role !== 'end-user'));
	assert.ok(staff.some((u) => u.role === 'admin'));
	expectError(await admin.get('/api/v2/users?role=king'), 400);
	expectError(await endA.get('/api/v2/users'), 403);
	expectError(await admin.get('/api/v2/users?sort_by=password_hash'), 400);
});

test('users: show, me, show_many; end-users see only themselves', async () => {
	const u = expectStatus(await agent.get(`/api/v2/users/${fx.enda.id}`), 200).user;
	assert.equal(u.email, fx.enda.email);
	assert.equal(u.role, 'end-user');
	assert.equal(u.password, undefined, 'no password field');
	assert.equal(u.password_hash, undefined, 'no password hash');
	expectStatus(await endA.get(`/api/v2/users/${fx.enda.id}.json`), 200);
	expectError(await endA.get(`/api/v2/users/${fx.endb.id}`), 404);
	expectError(await endA.get(`/api/v2/users/${fx.admin.id}`), 404);
	const me = expectStatus(await endB.get('/api/v2/users/me'), 200).user;
	assert.equal(me.id, fx.endb.id);
	const many = expectStatus(await admin.get(`/api/v2/users/show_many?ids=${fx.enda.id},${fx.endb.id}`), 200);
	assert.deepEqual(many.users.map((x) => x.id).sort((a, b) => a - b), [fx.enda.id, fx.endb.id].sort((a, b) => a - b));
	expectError(await admin.get('/api/v2/users/99999999'), 404);
});

test('users: create (admin any role, agent end-users only), duplicates, validation', async () => {
	const email = `${uniq('new')}@Example.test`;
	const r = await admin.post('/api/v2/users', { user: { name: 'New Agent', email, role: 'agent', time_zone: 'Europe/Riga', locale: 'lv' } });
	const u = expectStatus(r, 201).user;
	assert.equal(u.email, email.toLowerCase());
	assert.equal(u.role, 'agent');
	assert.equal(u.time_zone, 'Europe/Riga');
	assert.equal(u.locale, 'lv');
	assert.equal(u.active, true);
	assert.equal(r.headers.get('location'), `${BASE}/api/v2/users/${u.id}.json`);
	expectStatus(await admin.get(`/api/v2/users/${u.id}`), 200);
	// duplicate e-mail (any case)
	const dup = await admin.post('/api/v2/users', { user: { name: 'Dup', email: email.toUpperCase() } });
	assert.ok(expectError(dup, [409, 422]).details.email, dup.text);
	// agents create end-users, not agents
	const byAgent = await agent.post('/api/v2/users', { user: { name: 'Cust', email: `${uniq('c')}@example.test` } });
	assert.equal(expectStatus(byAgent, 201).user.role, 'end-user');
	expectError(await agent.post('/api/v2/users', { user: { name: 'X', email: `${uniq('x')}@example.test`, role: 'admin' } }), 403);
	expectError(await endA.post('/api/v2/users', { user: { name: 'X', email: `${uniq('x')}@example.test` } }), 403);
	// validation
	expectError(await admin.post('/api/v2/users', { user: { name: '', email: `${uniq('x')}@example.test` } }), 422);
	expectError(await admin.post('/api/v2/users', { user: { name: 'Bad Mail', email: 'not-an-email' } }), 422);
	expectError(await admin.post('/api/v2/users', { user: { name: 'Bad role', role: 'king' } }), 422);
	expectError(await admin.post('/api/v2/users', { user: { name: 'X', favourite_colour: 'blue' } }), 422);
	expectError(await admin.post('/api/v2/users', { user: { name: 'Y', password: 'short' } }), 422);
});

test('users: update; end-users edit only their own harmless fields', async () => {
	const u = expectStatus(await admin.post('/api/v2/users', { user: { name: 'Before', email: `${uniq('up')}@example.test` } }), 201).user;
	const r = await admin.put(`/api/v2/users/${u.id}`, { user: { name: 'After', phone: '+371 2000 0000', notes: 'likes tea', tags: ['Gold'] } });
	const v = expectStatus(r, 200).user;
	assert.equal(v.name, 'After');
	assert.equal(v.phone, '+371 2000 0000');
	assert.equal(v.notes, 'likes tea');
	assert.deepEqual(v.tags, ['gold']);
	assert.equal(expectStatus(await admin.get(`/api/v2/users/${u.id}`), 200).user.name, 'After');
	// an end-user renames themselves, but cannot promote themselves or touch others
	const me = expectStatus(await endB.put(`/api/v2/users/${fx.endb.id}`, { user: { name: 'B Renamed' } }), 200).user;
	assert.equal(me.name, 'B Renamed');
	expectError(await endB.put(`/api/v2/users/${fx.endb.id}`, { user: { role: 'admin' } }), [403, 422]);
	assert.equal(expectStatus(await admin.get(`/api/v2/users/${fx.endb.id}`), 200).user.role, 'end-user');
	expectError(await endB.put(`/api/v2/users/${fx.enda.id}`, { user: { name: 'Hijack' } }), 404);
	// agents cannot change roles
	expectError(await agent.put(`/api/v2/users/${u.id}`, { user: { role: 'admin' } }), 403);
	expectError(await admin.put(`/api/v2/users/${u.id}`, { user: { name: 42 } }), 422);
	expectError(await admin.put('/api/v2/users/99999999', { user: { name: 'Ghost' } }), 404);
});

test('users: search by name, e-mail and exact e-mail', async () => {
	const word = uniq('Zed');
	const email = `${uniq('srch')}@example.test`;
	const u = expectStatus(await admin.post('/api/v2/users', { user: { name: `${word} Searchable`, email } }), 201).user;
	const byName = expectStatus(await agent.get(`/api/v2/users/search?query=${encodeURIComponent(word)}`), 200).users;
	assert.deepEqual(byName.map((x) => x.id), [u.id]);
	const byEmail = expectStatus(await admin.get(`/api/v2/users/search.json?query=${encodeURIComponent(email)}`), 200).users;
	assert.deepEqual(byEmail.map((x) => x.id), [u.id]);
	const exact = expectStatus(await admin.get(`/api/v2/users/search?email=${encodeURIComponent(email)}`), 200).users;
	assert.deepEqual(exact.map((x) => x.id), [u.id]);
	const none = expectStatus(await admin.get(`/api/v2/users/search?query=${uniq('nomatch')}`), 200).users;
	assert.deepEqual(none, []);
	// LIKE wildcards are literal
	const pct = expectStatus(await admin.get('/api/v2/users/search?query=%25'), 200).users;
	assert.ok(pct.every((x) => x.name.includes('%') || (x.email || '').includes('%')));
	expectError(await admin.get('/api/v2/users/search'), 400);
	expectError(await endA.get(`/api/v2/users/search?query=${word}`), 403);
});

test('users: delete deactivates (admin only)', async () => {
	const u = expectStatus(await admin.post('/api/v2/users', { user: { name: 'Leaving', email: `${uniq('bye')}@example.test` } }), 201).user;
	expectError(await agent.del(`/api/v2/users/${u.id}`), 403);
	const d = expectStatus(await admin.del(`/api/v2/users/${u.id}`), 200).user;
	assert.equal(d.active, false);
	// admins cannot deactivate themselves
	expectError(await admin.del(`/api/v2/users/${fx.admin.id}`), [403, 422]);
	expectStatus(await admin.get('/api/v2/users/me'), 200);
});

test('organizations: CRUD, unique names, who sees what', async () => {
	const name = uniq('Acme ');
	const r = await admin.post('/api/v2/organizations', { organization: { name, domain_names: ['acme.test'], details: 'd', tags: ['Big'] } });
	const o = expectStatus(r, 201).organization;
	assert.equal(o.name, name);
	assert.deepEqual(o.domain_names, ['acme.test']);
	assert.deepEqual(o.tags, ['big']);
	assert.equal(expectStatus(await agent.get(`/api/v2/organizations/${o.id}.json`), 200).organization.id, o.id);
	const list = expectStatus(await agent.get('/api/v2/organizations?per_page=100'), 200).organizations;
	assert.ok(list.some((x) => x.id === o.id));
	const dup = await admin.post('/api/v2/organizations', { organization: { name: name.toUpperCase() } });
	expectError(dup, [409, 422]);
	const u = expectStatus(await admin.put(`/api/v2/organizations/${o.id}`, { organization: { notes: 'vip customer' } }), 200).organization;
	assert.equal(u.notes, 'vip customer');
	expectError(await agent.post('/api/v2/organizations', { organization: { name: uniq('No ') } }), 403);
	expectError(await agent.put(`/api/v2/organizations/${o.id}`, { organization: { notes: 'x' } }), 403);
	expectError(await admin.post('/api/v2/organizations', { organization: { name: '' } }), 422);
	expectError(await admin.post('/api/v2/organizations', { organization: { name: 'x', size: 'big' } }), 422);
	// an end-user sees their own organization only
	const member = expectStatus(await admin.post('/api/v2/users', { user: { name: 'Member', email: `${uniq('m')}@example.test`, organization_id: o.id } }), 201).user;
	assert.equal(member.organization_id, o.id);
	expectError(await endA.get(`/api/v2/organizations/${o.id}`), 404);
	const endList = expectStatus(await endA.get('/api/v2/organizations'), 200).organizations;
	assert.ok(!endList.some((x) => x.id === o.id));
	const members = expectStatus(await admin.get(`/api/v2/organizations/${o.id}/users`), 200).users;
	assert.deepEqual(members.map((x) => x.id), [member.id]);
	// delete: users stay, without the organization
	expectError(await agent.del(`/api/v2/organizations/${o.id}`), 403);
	expectStatus(await admin.del(`/api/v2/organizations/${o.id}`), [200, 204]);
	expectError(await admin.get(`/api/v2/organizations/${o.id}`), 404);
	assert.equal(expectStatus(await admin.get(`/api/v2/users/${member.id}`), 200).user.organization_id, null);
});

test('groups: CRUD (admin), agents read, end-users shut out', async () => {
	const name = uniq('Tier ');
	const g = expectStatus(await admin.post('/api/v2/groups', { group: { name, description: 'second line' } }), 201).group;
	assert.equal(g.name, name);
	const list = expectStatus(await agent.get('/api/v2/groups'), 200).groups;
	assert.ok(list.some((x) => x.id === g.id));
	assert.equal(expectStatus(await agent.get(`/api/v2/groups/${g.id}`), 200).group.name, name);
	const renamed = expectStatus(await admin.put(`/api/v2/groups/${g.id}`, { group: { name: `${name} B` } }), 200).group;
	assert.equal(renamed.name, `${name} B`);
	expectError(await admin.post('/api/v2/groups', { group: { name: `${name} B` } }), [409, 422]);
	expectError(await admin.post('/api/v2/groups', { group: { name: '' } }), 422);
	expectError(await agent.post('/api/v2/groups', { group: { name: uniq('No ') } }), 403);
	expectError(await endA.get('/api/v2/groups'), 403);
	expectError(await endA.get(`/api/v2/groups/${g.id}`), 403);
	expectStatus(await admin.del(`/api/v2/groups/${g.id}`), [200, 204]);
	const after = await admin.get(`/api/v2/groups/${g.id}`);
	if (after.status === 200)
		assert.equal(after.body.group.deleted, true);
	else
		expectError(after, 404);
	assert.ok(!expectStatus(await agent.get('/api/v2/groups'), 200).groups.some((x) => x.id === g.id && !x.deleted));
});

test('group memberships: create, list three ways, duplicates, delete', async () => {
	const g = await createGroup();
	const r = await admin.post('/api/v2/group_memberships', { group_membership: { user_id: fx.agent2.id, group_id: g.id } });
	const m = expectStatus(r, 201).group_membership;
	assert.equal(m.user_id, fx.agent2.id);
	assert.equal(m.group_id, g.id);
	expectStatus(await agent.get(`/api/v2/group_memberships/${m.id}`), 200);
	const all = expectStatus(await admin.get('/api/v2/group_memberships?per_page=100'), 200).group_memberships;
	assert.ok(all.some((x) => x.id === m.id));
	const byUser = expectStatus(await admin.get(`/api/v2/users/${fx.agent2.id}/group_memberships`), 200).group_memberships;
	assert.ok(byUser.some((x) => x.id === m.id));
	const byGroup = expectStatus(await admin.get(`/api/v2/groups/${g.id}/memberships`), 200).group_memberships;
	assert.deepEqual(byGroup.map((x) => x.user_id), [fx.agent2.id]);
	const users = expectStatus(await admin.get(`/api/v2/groups/${g.id}/users`), 200).users;
	assert.deepEqual(users.map((x) => x.id), [fx.agent2.id]);
	const groups = expectStatus(await admin.get(`/api/v2/users/${fx.agent2.id}/groups`), 200).groups;
	assert.ok(groups.some((x) => x.id === g.id));
	expectError(await admin.post('/api/v2/group_memberships', { group_membership: { user_id: fx.agent2.id, group_id: g.id } }), [409, 422]);
	expectError(await admin.post('/api/v2/group_memberships', { group_membership: { user_id: fx.enda.id, group_id: g.id } }), 422);
	expectError(await admin.post('/api/v2/group_memberships', { group_membership: { user_id: fx.agent2.id, group_id: 99999999 } }), 422);
	expectError(await admin.post('/api/v2/group_memberships', { group_membership: { user_id: fx.agent2.id } }), 422);
	expectError(await agent.post('/api/v2/group_memberships', { group_membership: { user_id: fx.agent.id, group_id: g.id } }), 403);
	expectError(await agent.del(`/api/v2/group_memberships/${m.id}`), 403);
	expectStatus(await admin.del(`/api/v2/group_memberships/${m.id}`), [200, 204]);
	expectError(await admin.get(`/api/v2/group_memberships/${m.id}`), 404);
	assert.deepEqual(expectStatus(await admin.get(`/api/v2/groups/${g.id}/memberships`), 200).group_memberships, []);
});
