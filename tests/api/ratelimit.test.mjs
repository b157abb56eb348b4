// tests/api/ratelimit.test.mjs — failed sign-ins lock out progressively: 429 with
// Retry-After on both doors (Basic and sessions), even for the right password while locked,
// a longer wait after more failures, and a clean slate after a successful sign-in. Runs
// against the second server scripts/test-api starts (HELPO_RL_URL, default limiter of 5),
// because the limiter also counts per IP and every test comes from 127.0.0.1.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RL_BASE, fx, Client, basic, expectStatus, expectError, sleep } from './lib/api.mjs';

const u = fx.rl.locked;
const other = fx.rl.enda;
const withPw = (user, pw) => new Client(basic(user.email, pw), RL_BASE);
const anonRL = new Client(null, RL_BASE);

test('repeated failures lock out with 429 and Retry-After, progressively', async () => {
	assert.ok(RL_BASE, 'HELPO_RL_URL is set by scripts/test-api');
	const me = (user, pw) => withPw(user, pw).get('/api/v2/users/me');
	// the right password works at first
	expectStatus(await me(u, u.password), 200);
	for (let i = 0; i < 5; i++)
		expectError(await me(u, `wrong-${i}`), 401, `failure ${i + 1}`);
	const locked = await me(u, 'wrong-again');
	expectError(locked, 429);
	const ra1 = Number(locked.headers.get('retry-after'));
	assert.ok(Number.isInteger(ra1) && ra1 >= 1, `Retry-After: ${locked.headers.get('retry-after')}`);

	// after the wait, each further failure locks for longer
	await sleep(ra1 * 1000 + 300);
	expectError(await me(u, 'wrong-late'), 401);
	const l2 = await me(u, 'wrong-late-2');
	expectError(l2, 429);
	const ra2 = Number(l2.headers.get('retry-after'));
	assert.ok(ra2 > ra1, `the delay grows: ${ra1} then ${ra2}`);
	await sleep(ra2 * 1000 + 300);
	expectError(await me(u, 'wrong-later'), 401);

	// now locked for a while: even the right password is refused (it reveals nothing) ...
	const l3 = await me(u, u.password);
	expectError(l3, 429);
	const ra3 = Number(l3.headers.get('retry-after'));
	assert.ok(ra3 > ra2, `the delay grows: ${ra2} then ${ra3}`);
	// ... the session door shares the limiter ...
	const s = await anonRL.post('/api/v2/sessions', { session: { email: u.email, password: u.password } });
	expectError(s, 429);
	assert.ok(Number(s.headers.get('retry-after')) >= 1);
	assert.equal(s.headers.get('set-cookie'), null);
	// ... and the IP is limited too: another account from the same address waits as well
	expectError(await me(other, 'wrong-other'), 429);

	// after that wait the right password works and clears the slate
	await sleep(ra3 * 1000 + 300);
	const ok = expectStatus(await me(u, u.password), 200).user;
	assert.equal(ok.id, u.id);
	expectError(await me(u, 'wrong-after-reset'), 401);
	expectStatus(await me(u, u.password), 200);
	const login = await anonRL.post('/api/v2/sessions', { session: { email: u.email, password: u.password } });
	expectStatus(login, 201);
	expectStatus(await me(other, other.password), 200);
});
