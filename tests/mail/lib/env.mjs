// tests/mail/lib/env.mjs — shared helpers for the e-mail suite run by scripts/test-mail: the
// environment it exports, an API client, a small SMTP client for sending to Postfix, running
// the helpo CLI, fresh data directories, Postfix queue/log inspection and polling.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

function need(name) {
	const v = process.env[name];
	if (!v) throw new Error(`${name} is not set: run the mail tests through scripts/test-mail`);
	return v;
}

export const env = {
	bin: need('HELPO_BIN'),
	data: need('HELPO_DATA'),
	url: need('HELPO_URL'),
	adminEmail: need('HELPO_ADMIN_EMAIL'),
	adminToken: need('HELPO_ADMIN_TOKEN'),
	agentEmail: need('HELPO_AGENT_EMAIL'),
	agentToken: need('HELPO_AGENT_TOKEN'),
	groupId: Number(process.env.HELPO_GROUP_ID || 0),
	mailbox: process.env.HELPO_MAILBOX || 'support@helpo.test',
	postfixHost: need('POSTFIX_HOST'),
	postfixPort: Number(need('POSTFIX_PORT')),
	postfixConf: process.env.POSTFIX_CONF || '',
	postfixLog: process.env.POSTFIX_LOG || '',
	imapHost: need('IMAP_HOST'),
	imapPort: Number(need('IMAP_PORT')),
	imapUser: need('IMAP_USER'),
	imapPass: need('IMAP_PASS'),
	imapMaildir: need('IMAP_MAILDIR'),
	sinkPort: Number(need('SINK_PORT')),
	sinkDir: need('SINK_DIR'),
	tmp: need('MAIL_TMP'),
};

/** A unique token for subjects, Message-IDs and addresses. */
export function uniq(prefix = 'm') {
	return `${prefix}-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Polls fn() until it returns a truthy value (returned) or the timeout passes (throws). */
export async function waitFor(fn, { timeout = 20000, interval = 150, what = 'condition' } = {}) {
	const end = Date.now() + timeout;
	let last;
	for (;;) {
		try {
			last = await fn();
			if (last) return last;
		} catch (e) {
			last = e;
		}
		if (Date.now() > end) {
			throw new Error(`timed out waiting for ${what}` +
				(last instanceof Error ? `: ${last.message}` : ''));
		}
		await sleep(interval);
	}
}

/** API call with a token (admin by default); returns {status, body, text, headers}. */
export async function api(method, p, body, token = env.adminToken, base = env.url) {
	const headers = { Authorization: `Bearer ${token}` };
	if (body !== undefined) headers['Content-Type'] = 'application/json';
	const r = await fetch(base + p, {
		method,
		headers,
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	const text = await r.text();
	let json = null;
	try {
		json = text ? JSON.parse(text) : null;
	} catch {
		json = null;
	}
	return { status: r.status, body: json, text, headers: r.headers };
}

/** GET that must answer 200; returns the body. */
export async function get(p, token) {
	const r = await api('GET', p, undefined, token);
	assert.equal(r.status, 200, `GET ${p}: ${r.status} ${r.text}`);
	return r.body;
}

/** Every ticket (admin view), newest last. */
export async function allTickets(base = env.url, token = env.adminToken) {
	const out = [];
	let p = '/api/v2/tickets?page[size]=100';
	for (;;) {
		const r = await api('GET', p, undefined, token, base);
		assert.equal(r.status, 200, r.text);
		out.push(...r.body.tickets);
		if (!r.body.meta?.has_more) break;
		p = `/api/v2/tickets?page[size]=100&page[after]=${encodeURIComponent(r.body.meta.after_cursor)}`;
	}
	return out;
}

/** Finds the ticket whose subject contains s (or null). */
export async function ticketBySubject(s) {
	const t = await allTickets();
	return t.find((x) => (x.subject || '').includes(s)) || null;
}

/** A simple RFC 5322 message (CRLF line ends). */
export function makeMessage({
	from = 'Customer <customer@example.org>', to = env.mailbox, subject = uniq('subject'),
	messageId = `<${uniq('id')}@example.org>`, inReplyTo, references, body = 'Hello, I need help.',
	headers = {},
} = {}) {
	const h = [
		`From: ${from}`,
		`To: ${to}`,
		`Subject: ${subject}`,
		`Date: ${new Date().toUTCString().replace('GMT', '+0000')}`,
		`Message-ID: ${messageId}`,
		'MIME-Version: 1.0',
		'Content-Type: text/plain; charset=utf-8',
		'Content-Transfer-Encoding: 8bit',
	];
	if (inReplyTo) h.push(`In-Reply-To: ${inReplyTo}`);
	if (references) h.push(`References: ${references}`);
	for (const [k, v] of Object.entries(headers)) h.push(`${k}: ${v}`);
	return `${h.join('\r\n')}\r\n\r\n${body.replace(/\r?\n/g, '\r\n')}\r\n`;
}

/**
 * Sends raw message bytes over SMTP (to Postfix by default). Resolves with the final reply
 * {code, text} after DATA; rejects on a connection error. Never throws on an SMTP 4xx/5xx: the
 * code of the first failing step is returned instead (step tells which).
 */
export function smtpSend({ host = env.postfixHost, port = env.postfixPort,
	from = 'customer@example.org', to = [env.mailbox], data } = {}) {
	return new Promise((resolve, reject) => {
		const sock = net.connect(port, host);
		const rcpts = Array.isArray(to) ? to : [to];
		const steps = [
			['banner', null],
			['ehlo', 'EHLO client.example.org'],
			['mail', `MAIL FROM:<${from}>`],
			...rcpts.map((r) => ['rcpt', `RCPT TO:<${r}>`]),
			['data', 'DATA'],
			['body', null],
			['quit', 'QUIT'],
		];
		let i = 0;
		let buf = '';
		let result = null;
		const done = (v) => {
			if (!result) result = v;
			sock.end();
		};
		sock.setTimeout(60000, () => sock.destroy(new Error('SMTP timeout')));
		sock.on('error', reject);
		sock.on('close', () => resolve(result || { code: 0, step: 'close', text: buf }));
		sock.on('data', (d) => {
			buf += d.toString('latin1');
			// a complete reply: last line "NNN text\r\n"
			const lines = buf.split('\r\n');
			if (lines.length < 2) return;
			const last = lines[lines.length - 2];
			if (!/^\d{3} /.test(last)) return;
			const code = Number(last.slice(0, 3));
			const text = buf;
			buf = '';
			const [step] = steps[i];
			if (step === 'quit') return;
			const ok = step === 'data' ? code === 354 : code < 400;
			if (!ok) {
				done({ code, step, text });
				return;
			}
			if (step === 'body') result = { code, step, text };
			i++;
			const [next, cmd] = steps[i];
			if (next === 'body') {
				let raw = Buffer.isBuffer(data) ? data.toString('latin1') : data;
				raw = raw.replace(/\r?\n/g, '\r\n');
				if (!raw.endsWith('\r\n')) raw += '\r\n';
				raw = raw.replace(/^\./gm, '..');
				sock.write(Buffer.from(raw + '.\r\n', 'latin1'));
			} else {
				sock.write(cmd + '\r\n');
			}
		});
	});
}

/** Runs a helpo command synchronously; returns {status, stdout, stderr}. */
export function helpo(args, { input, env: extra, timeout = 120000 } = {}) {
	const r = spawnSync(env.bin, args, {
		input,
		env: { ...process.env, ...extra },
		timeout,
		maxBuffer: 64 * 1024 * 1024,
	});
	if (r.error) throw r.error;
	return { status: r.status, signal: r.signal, stdout: r.stdout.toString(), stderr: r.stderr.toString() };
}

/** Runs any program synchronously (throws on spawn errors). */
export function run(cmd, args, opts = {}) {
	const r = spawnSync(cmd, args, { maxBuffer: 64 * 1024 * 1024, ...opts });
	if (r.error) throw r.error;
	return { status: r.status, signal: r.signal, stdout: r.stdout.toString(), stderr: r.stderr.toString() };
}

/** Starts a helpo command in the background (for kill tests). */
export function helpoSpawn(args, opts = {}) {
	return spawn(env.bin, args, { stdio: ['ignore', 'pipe', 'pipe'], ...opts });
}

/** Runs sqlite3 on a database; returns trimmed stdout (asserts exit 0). */
export function sql(db, query) {
	const r = run('sqlite3', ['-cmd', '.timeout 10000', db, query]);
	assert.equal(r.status, 0, `sqlite3 ${query}: ${r.stderr}`);
	return r.stdout.trim();
}

/** A fresh data directory under MAIL_TMP, initialized with `helpo init` and a mailbox. */
export function freshData(name = uniq('data'), { mailbox = env.mailbox, conf = '' } = {}) {
	const dir = path.join(env.tmp, name);
	const r = helpo(['init', '--data', dir]);
	assert.equal(r.status, 0, r.stderr);
	if (conf) fs.writeFileSync(path.join(dir, 'helpo.conf'), conf);
	if (mailbox) {
		const m = helpo(['mailbox', 'add', '--data', dir, '--email', mailbox]);
		assert.equal(m.status, 0, m.stderr);
	}
	return dir;
}

/** Files in DIR/spool/new (and tmp). */
export function spoolFiles(dir, sub = 'new') {
	try {
		return fs.readdirSync(path.join(dir, 'spool', sub)).sort();
	} catch (e) {
		if (e.code === 'ENOENT') return [];
		throw e;
	}
}

/** Postfix queue listing (postqueue -p) for the harness' instance. */
export function postqueue(...args) {
	return run('/usr/sbin/postqueue', ['-c', env.postfixConf, ...args]);
}

/** Postfix log text. */
export function postfixLog() {
	try {
		return fs.readFileSync(env.postfixLog, 'utf8');
	} catch {
		return '';
	}
}
