// tests/e2e/lib/e2e.mjs — what every browser test shares: startHelpo() runs a real
// `helpo serve` on a fresh demo data directory and its own port, with three known users
// (the demo admin, a second agent and an end-user customer); launchBrowser() starts Debian's
// Chromium through playwright-core (no downloaded browser); signInAgent()/signInPortal() sign
// in through the real forms; shot() saves docs/screenshots/NAME.png; client() is a tiny
// Basic-auth API client for arranging data and checking outcomes.
//
// The build comes from startHelpo({build}) or $HELPO_BUILD (a build directory such as
// build-san, relative to the repo root); scripts/test-e2e sets it.
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const SCREENSHOTS = join(ROOT, 'docs/screenshots');
export const CHROMIUM = process.env.HELPO_CHROMIUM || '/usr/bin/chromium';

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function freePort() {
	return new Promise((res, rej) => {
		const s = createServer();
		s.unref();
		s.on('error', rej);
		s.listen(0, '127.0.0.1', () => {
			const { port } = s.address();
			s.close(() => res(port));
		});
	});
}

function binary(build) {
	const dir = build || process.env.HELPO_BUILD || 'build';
	const bin = join(isAbsolute(dir) ? dir : join(ROOT, dir), 'helpo');
	if (!existsSync(bin))
		throw new Error(`e2e: ${bin} does not exist (build it, or set HELPO_BUILD)`);
	return bin;
}

export function basic(email, password) {
	return 'Basic ' + Buffer.from(`${email}:${password}`).toString('base64');
}

/**
 * A small API client authenticating as `who` ({email, password}) with HTTP Basic, or
 * anonymous when who is null. Methods return {status, body (parsed JSON or null), text,
 * headers}; ok(res, status) asserts the status and returns the body.
 */
export function client(url, who) {
	async function req(method, path, body, headers = {}) {
		const h = { Accept: 'application/json', ...headers };
		if (who)
			h.Authorization = basic(who.email, who.password);
		let payload;
		if (body !== undefined && body !== null) {
			payload = typeof body === 'string' ? body : JSON.stringify(body);
			h['Content-Type'] ??= 'application/json';
		}
		const res = await fetch(path.startsWith('http') ? path : url + path,
			{ method, headers: h, body: payload });
		const text = await res.text();
		let json = null;
		try { json = text ? JSON.parse(text) : null; } catch { json = null; }
		return { status: res.status, body: json, text, headers: res.headers, method, path };
	}
	return {
		req,
		get: (p, h) => req('GET', p, null, h),
		post: (p, b, h) => req('POST', p, b, h),
		put: (p, b, h) => req('PUT', p, b, h),
		del: (p, b, h) => req('DELETE', p, b, h),
	};
}

/** Asserts res.status is `status` (or one of an array), printing the body otherwise. */
export function ok(res, status = 200, what = '') {
	const want = Array.isArray(status) ? status : [status];
	assert.ok(want.includes(res.status),
		`${what ? what + ': ' : ''}${res.method} ${res.path} -> ${res.status}, expected ` +
		`${want.join(' or ')}; body: ${res.text.slice(0, 600)}`);
	return res.body;
}

/**
 * Starts Helpo on a fresh data dir with demo data. Returns {url, admin, agent2, customer,
 * api: {admin, agent2, customer, anon}, data, groupIds, joinGroups(userId), log(), stop()};
 * each user is {id, email,
 * password, name}. stop() sends SIGTERM, waits, and rejects when the server exited non-zero
 * or its log holds a sanitizer report (so an after() hook calling it fails the file).
 * opts: {build, conf: extra helpo.conf lines, keep: keep the data dir}.
 */
export async function startHelpo(opts = {}) {
	const bin = binary(opts.build);
	const data = mkdtempSync(join(tmpdir(), 'helpo-e2e-'));
	const run = (...args) => execFileSync(bin, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
	run('init', '--data', data);
	// many sign-ins from 127.0.0.1 in a row: raise the login limiter like scripts/test-api
	writeFileSync(join(data, 'helpo.conf'), ['login_max_failures = 1000', opts.conf || ''].join('\n') + '\n');
	const demo = run('demo', '--data', data);
	const m = demo.match(/admin login: (\S+) \/ (\S+)/);
	if (!m)
		throw new Error(`e2e: cannot find the admin login in the output of helpo demo:\n${demo}`);
	const port = await freePort();
	const url = `http://127.0.0.1:${port}`;
	const logPath = join(data, 'serve.log');
	let logText = '';
	const env = {
		...process.env,
		ASAN_OPTIONS: process.env.ASAN_OPTIONS || 'detect_leaks=1:abort_on_error=0',
		UBSAN_OPTIONS: process.env.UBSAN_OPTIONS || 'halt_on_error=1:print_stacktrace=1',
	};
	const proc = spawn(bin, ['serve', '--data', data, '--listen', `127.0.0.1:${port}`],
		{ env, stdio: ['ignore', 'pipe', 'pipe'] });
	proc.stdout.on('data', (d) => { logText += d; });
	proc.stderr.on('data', (d) => { logText += d; });
	let exited = null;
	const exitP = new Promise((res) => proc.on('exit', (code, signal) => {
		exited = { code, signal };
		res(exited);
	}));
	const log = () => logText;
	for (let i = 0; ; i++) {
		if (exited)
			throw new Error(`e2e: helpo serve died at start (${JSON.stringify(exited)}):\n${logText}`);
		try {
			const r = await fetch(url + '/healthz');
			if (r.status === 200)
				break;
		} catch { /* not listening yet */ }
		if (i > 300) {
			proc.kill('SIGKILL');
			throw new Error(`e2e: helpo serve did not answer on ${url}:\n${logText}`);
		}
		await sleep(100);
	}

	try {
		return await setUp();
	} catch (e) {
		// do not leave a server behind when the set-up fails
		proc.kill('SIGKILL');
		throw new Error(`${e.message}\nserver log:\n${logText.split('\n').slice(-40).join('\n')}`);
	}

	async function setUp() {
		const admin = { email: m[1], password: m[2], name: null, id: null };
		const adminApi = client(url, admin);
		const me = ok(await adminApi.get('/api/v2/users/me'), 200, 'admin /users/me').user;
		admin.id = me.id;
		admin.name = me.name;

		async function makeUser(role, name, email, password) {
			const u = ok(await adminApi.post('/api/v2/users', { user: { name, email, role } }),
				201, `create ${role} ${email}`).user;
			ok(await adminApi.post(`/api/v2/users/${u.id}/password`, { password }), 200,
				`set password of ${email}`);
			return { id: u.id, email, password, name };
		}
		const agent2 = await makeUser('agent', 'Agnese Otrā', 'agent2@example.test',
			'agent2-Pass-4821');
		const customer = await makeUser('end-user', 'Cora Customer', 'customer@example.test',
			'customer-Pass-7733');
		// agent2 joins every group the admin belongs to (so both see the same tickets), or all
		const groups = ok(await adminApi.get('/api/v2/groups'), 200, 'list groups').groups || [];
		const mine = ok(await adminApi.get(`/api/v2/users/${admin.id}/group_memberships`), [200, 404],
			'admin memberships');
		let ids = (mine?.group_memberships || []).map((g) => g.group_id);
		if (!ids.length)
			ids = groups.map((g) => g.id);
		/** Makes an agent a member of the groups the admin is in (tickets assigned to them need a
		 * group they belong to). */
		async function joinGroups(userId) {
			for (const gid of ids)
				ok(await adminApi.post('/api/v2/group_memberships',
					{ group_membership: { user_id: userId, group_id: gid } }), 201, 'group membership');
		}
		await joinGroups(agent2.id);
		agent2.group_ids = ids;

		async function stop() {
			if (!exited)
				proc.kill('SIGTERM');
			const t = setTimeout(() => proc.kill('SIGKILL'), 15000);
			const st = await exitP;
			clearTimeout(t);
			writeFileSync(logPath, logText);
			const san = /ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:/.test(logText);
			if (st.code !== 0 || san)
				throw new Error(`e2e: helpo serve exited with ${JSON.stringify(st)}` +
					`${san ? ' and a sanitizer report' : ''}; log (${logPath}):\n` +
					logText.split('\n').slice(-80).join('\n'));
			if (!opts.keep && !process.env.HELPO_KEEP_TMP)
				rmSync(data, { recursive: true, force: true });
		}

		return {
			url, data, admin, agent2, customer, log, stop, joinGroups,
			groupIds: ids, // the admin's groups, or all groups when the admin is in none
			api: {
				admin: adminApi,
				agent2: client(url, agent2),
				customer: client(url, customer),
				anon: client(url, null),
			},
		};
	}
}

/**
 * Launches Debian's Chromium headless through playwright-core. --no-sandbox only when running
 * as root (Chromium refuses its sandbox there).
 */
export async function launchBrowser(opts = {}) {
	const args = [];
	if (process.getuid && process.getuid() === 0)
		args.push('--no-sandbox');
	return chromium.launch({ executablePath: CHROMIUM, headless: true, args, ...opts });
}

/** A new page of a fresh context (own cookies) with a 1280x800 viewport unless given. */
export async function newPage(browser, opts = {}) {
	const context = await browser.newContext({
		viewport: { width: 1280, height: 800 }, locale: 'en-US', ...opts,
	});
	const page = await context.newPage();
	page.setDefaultTimeout(10000);
	return page;
}

/**
 * Signs `who` in through the /agent sign-in form (labels "Email"/"Password", button
 * "Sign in") and waits until the form is gone (the app shell is showing).
 */
export async function signInAgent(page, url, who) {
	await page.goto(url + '/agent');
	await page.getByLabel('Email').fill(who.email);
	await page.getByLabel('Password', { exact: true }).fill(who.password);
	await page.getByRole('button', { name: 'Sign in' }).click();
	await page.getByLabel('Password', { exact: true }).waitFor({ state: 'detached' });
}

/**
 * Signs `who` in through the portal's /login password form (labels "Email"/"Password",
 * button "Sign in") and waits for the redirect away from /login.
 */
export async function signInPortal(page, url, who, returnTo = '') {
	await page.goto(url + '/login' + (returnTo ? '?return_to=' + encodeURIComponent(returnTo) : ''));
	const form = page.locator('form').filter({ has: page.getByLabel('Password', { exact: true }) });
	await form.getByLabel('Email').fill(who.email);
	await form.getByLabel('Password', { exact: true }).fill(who.password);
	await Promise.all([
		page.waitForURL((u) => !u.pathname.startsWith('/login')),
		form.getByRole('button', { name: 'Sign in' }).click(),
	]);
}

/** Saves a PNG of the page to docs/screenshots/NAME.png (viewport, or full page when asked). */
export async function shot(page, name, opts = {}) {
	mkdirSync(SCREENSHOTS, { recursive: true });
	if (opts.viewport)
		await page.setViewportSize(opts.viewport);
	const path = join(SCREENSHOTS, `${name}.png`);
	await page.screenshot({ path, fullPage: !!opts.fullPage, animations: 'disabled' });
	return path;
}

/**
 * Collects what a page does wrong: uncaught errors, console errors (CSP violations show up
 * there) and HTTP answers >= 400 (with their URL; the browser's own /favicon.ico probe is
 * ignored). Returns {errors, assertClean(filter)}; filter(text) keeps an error when true.
 */
export function watchErrors(page) {
	const errors = [];
	page.on('pageerror', (e) => errors.push('pageerror: ' + e.message));
	page.on('console', (m) => {
		// "Failed to load resource" carries no URL; the response listener names it
		if (m.type() === 'error' && !/^Failed to load resource/.test(m.text()))
			errors.push('console: ' + m.text());
	});
	page.on('response', (r) => {
		if (r.status() >= 400 && new URL(r.url()).pathname !== '/favicon.ico')
			errors.push(`http ${r.status()}: ${r.request().method()} ${r.url()}`);
	});
	return {
		errors,
		assertClean(filter = () => true) {
			const bad = errors.filter(filter);
			assert.deepEqual(bad, [], 'the page logged errors');
		},
	};
}

export { readFileSync };

const catalogs = new Map();
/** The merged UI catalog of a language (locale/AREA/LANG.json, every area), as the server has it. */
export function catalog(lang) {
	if (!catalogs.has(lang)) {
		const merged = {};
		for (const area of ['common', 'agent', 'admin', 'portal', 'kb']) {
			const p = join(ROOT, 'locale', area, `${lang}.json`);
			if (existsSync(p))
				Object.assign(merged, JSON.parse(readFileSync(p, 'utf8')));
		}
		catalogs.set(lang, merged);
	}
	return catalogs.get(lang);
}

/**
 * A message of the catalog in `lang` with CLDR plural selection on vars.count and {name}
 * placeholders filled — what the UI should show. Throws on a missing key or plural form.
 */
export function tr(lang, key, vars = {}) {
	let msg = catalog(lang)[key];
	if (msg === undefined)
		throw new Error(`e2e: no "${key}" in the ${lang} catalog`);
	if (typeof msg === 'object') {
		const form = new Intl.PluralRules(lang).select(Number(vars.count ?? 0));
		if (typeof msg[form] !== 'string')
			throw new Error(`e2e: "${key}" in ${lang} has no "${form}" form`);
		msg = msg[form];
	}
	return msg.replace(/\{([a-z_][a-z0-9_]*)\}/g, (m, n) => (n in vars ? String(vars[n]) : m));
}
