// tests/mail/outbound.test.mjs — outgoing mail end to end (run by scripts/test-mail): an agent's
// public reply through the API reaches the harness' SMTP sink with the right headers; the
// customer's answer to it, piped into `helpo mail-in`, threads onto the same ticket by
// In-Reply-To; with the relay down the row stays queued with attempts counted and is delivered
// once the relay is back; a permanent 5xx fails the row and leaves an internal note.
//
// Retries are made immediate by setting outbox.next_attempt_at to 0 with the sqlite3 CLI (the
// backoff itself is unit-tested in tests/unit/jobs/mail_out.c): no test-only switch in helpo.
// The down/up/5xx cases run their own `helpo serve` against a tiny SMTP server in this file,
// since the harness' sink is shared and cannot be stopped or told to refuse.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import {
	env, uniq, waitFor, api, get, makeMessage, helpo, helpoSpawn, sql, freshData, sleep,
} from './lib/env.mjs';

/** Header value (unfolded) of a raw message, or null. */
function header(raw, name) {
	const head = raw.split(/\r?\n\r?\n/)[0].replace(/\r?\n[ \t]+/g, ' ');
	const re = new RegExp(`^${name}:[ \\t]*(.*)$`, 'im');
	const m = head.match(re);
	return m ? m[1].trim() : null;
}

/** Sink messages (raw text) whose body or headers contain s. */
function sinkFind(s) {
	const dir = path.join(env.sinkDir, 'new');
	let files = [];
	try {
		files = fs.readdirSync(dir);
	} catch {
		return [];
	}
	return files.map((f) => fs.readFileSync(path.join(dir, f), 'utf8')).filter((t) => t.includes(s));
}

async function newTicket(base, token, groupId, customer, subject) {
	const r = await api('POST', '/api/v2/tickets', {
		ticket: {
			subject,
			comment: { body: 'My printer is on fire.' },
			requester: { email: customer, name: 'Carla Customer' },
			...(groupId ? { group_id: groupId } : {}),
		},
	}, token, base);
	assert.equal(r.status, 201, r.text);
	return r.body.ticket;
}

async function reply(base, token, id, body) {
	const r = await api('PUT', `/api/v2/tickets/${id}`,
		{ ticket: { comment: { body, public: true } } }, token, base);
	assert.equal(r.status, 200, r.text);
}

test('an agent reply is mailed with threading and loop headers; the answer threads back', async () => {
	// aiosmtpd's Maildir handler creates tmp/new/cur only for a directory it makes itself
	for (const d of ['tmp', 'new', 'cur']) fs.mkdirSync(path.join(env.sinkDir, d), { recursive: true });
	const customer = `${uniq('carla')}@customer.example.org`;
	const subject = uniq('Outbound');
	const t = await newTicket(env.url, env.adminToken, env.groupId, customer, subject);
	const word = uniq('answer');
	await reply(env.url, env.agentToken, t.id, `Please unplug it. ${word}`);
	const [raw] = await waitFor(() => {
		const m = sinkFind(word);
		return m.length ? m : null;
	}, { what: 'the reply in the SMTP sink' });
	assert.match(header(raw, 'X-RcptTo') || '', new RegExp(customer.replace(/\./g, '\\.')));
	assert.match(header(raw, 'From'), /<support@helpo\.test>/);
	assert.match(header(raw, 'To'), new RegExp(customer.replace(/\./g, '\\.')));
	assert.match(header(raw, 'Subject'), new RegExp(`\\[#${t.id}-[0-9a-f]{10}\\]`));
	const mid = header(raw, 'Message-ID');
	assert.match(mid, new RegExp(`^<helpo-T${t.id}-R\\d+-[0-9a-f]{8}@helpo\\.test>$`));
	assert.equal(header(raw, 'X-Loop'), 'helpo.test');
	assert.equal(header(raw, 'Auto-Submitted'), null, 'a person wrote it');
	assert.ok(header(raw, 'Date'));
	assert.match(header(raw, 'MIME-Version'), /1\.0/);
	assert.match(header(raw, 'Content-Type'), /multipart\/alternative/);
	assert.match(raw, /Reply to this e-mail to add to your request/);
	// the outbox row is sent
	const db = path.join(env.data, 'helpo.db');
	assert.equal(sql(db, `SELECT status FROM outbox WHERE message_id = '${mid.slice(1, -1)}'`), 'sent');

	// the customer answers (no tag in the subject: threading by In-Reply-To alone)
	const back = uniq('thanks');
	const msg = makeMessage({
		from: `Carla Customer <${customer}>`, to: 'support@helpo.test', subject: 'Re: your mail',
		inReplyTo: mid, references: mid, body: `It worked. ${back}`,
	});
	const r = helpo(['mail-in', '--data', env.data, '--mailbox', 'support@helpo.test'], { input: msg });
	assert.equal(r.status, 0, r.stderr);
	const c = await waitFor(async () => {
		const cs = (await get(`/api/v2/tickets/${t.id}/comments`)).comments;
		return cs.find((x) => (x.body || '').includes(back));
	}, { what: 'the customer answer on the ticket' });
	assert.equal(c.public, true);
	assert.equal(c.author_id, t.requester_id);
});

/** A tiny SMTP server: mode 'ok' accepts, 'reject' answers 550 to RCPT. */
function smtpServer(port, state) {
	const srv = net.createServer((sock) => {
		let data = false, buf = '';
		sock.write('220 test ESMTP\r\n');
		sock.on('data', (chunk) => {
			buf += chunk.toString('latin1');
			for (;;) {
				if (data) {
					const end = buf.indexOf('\r\n.\r\n');
					if (end < 0) return;
					state.messages.push(buf.slice(0, end));
					buf = buf.slice(end + 5);
					data = false;
					sock.write('250 queued\r\n');
					continue;
				}
				const nl = buf.indexOf('\r\n');
				if (nl < 0) return;
				const line = buf.slice(0, nl);
				buf = buf.slice(nl + 2);
				const cmd = line.slice(0, 4).toUpperCase();
				if (cmd === 'EHLO' || cmd === 'HELO') sock.write('250 test\r\n');
				else if (cmd === 'MAIL') sock.write('250 ok\r\n');
				else if (cmd === 'RCPT') sock.write(state.mode === 'reject' ? '550 5.1.1 no such user\r\n' : '250 ok\r\n');
				else if (cmd === 'DATA') { data = true; sock.write('354 go\r\n'); }
				else if (cmd === 'QUIT') { sock.end('221 bye\r\n'); return; }
				else sock.write('250 ok\r\n');
			}
		});
		sock.on('error', () => {});
	});
	return new Promise((resolve) => srv.listen(port, '127.0.0.1', () => resolve(srv)));
}

function freePort() {
	return new Promise((resolve) => {
		const s = net.createServer().listen(0, '127.0.0.1', () => {
			const p = s.address().port;
			s.close(() => resolve(p));
		});
	});
}

const children = [];
after(() => {
	for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
});

test('relay down: queued with attempts; delivered when back; a 5xx fails with a note', async () => {
	const smtpPort = await freePort();
	const httpPort = await freePort();
	const data = freshData(uniq('outbound'), {
		mailbox: 'help@helpo.test',
		conf: `mail_hostname = helpo.test\nsmtp_url = smtp://127.0.0.1:${smtpPort}\n` +
			'mail_poll_ms = 100\nlogin_max_failures = 1000\n',
	});
	const pw = path.join(data, 'pw');
	fs.writeFileSync(pw, 'a-long-password-1\n');
	assert.equal(helpo(['user', 'add', '--data', data, '--role', 'admin', '--email',
		'boss@example.test', '--name', 'Boss', '--password-file', pw]).status, 0);
	const tok = helpo(['token', 'create', '--data', data, '--email', 'boss@example.test']);
	assert.equal(tok.status, 0, tok.stderr);
	const token = tok.stdout.trim().split(/\s+/).pop();
	const serve = helpoSpawn(['serve', '--data', data, '--listen', `127.0.0.1:${httpPort}`]);
	children.push(serve);
	let log = '';
	serve.stderr.on('data', (d) => { log += d; });
	const base = `http://127.0.0.1:${httpPort}`;
	await waitFor(async () => (await fetch(`${base}/api/v2/tickets`).catch(() => null)) !== null,
		{ what: 'helpo serve' });
	const db = path.join(data, 'helpo.db');

	// nothing listens on smtpPort: the reply stays queued, attempts counted
	const customer = `${uniq('dora')}@customer.example.org`;
	const t = await newTicket(base, token, 0, customer, uniq('Down'));
	const word = uniq('retry');
	await reply(base, token, t.id, `We are looking. ${word}`);
	const row = sql(db, `SELECT id FROM outbox WHERE ticket_id = ${t.id} AND kind = 'reply'`);
	assert.ok(row, 'a reply row was queued');
	await waitFor(() => Number(sql(db, `SELECT attempts FROM outbox WHERE id = ${row}`)) > 0,
		{ what: 'a failed attempt' });
	assert.equal(sql(db, `SELECT status FROM outbox WHERE id = ${row}`), 'queued');
	assert.ok(Number(sql(db, `SELECT next_attempt_at - ${Date.now()} FROM outbox WHERE id = ${row}`)) > 30000,
		'backed off about a minute');

	// the relay comes back; make the retry due now
	const state = { mode: 'ok', messages: [] };
	const srv = await smtpServer(smtpPort, state);
	try {
		sql(db, `UPDATE outbox SET next_attempt_at = 0 WHERE id = ${row}`);
		await waitFor(() => sql(db, `SELECT status FROM outbox WHERE id = ${row}`) === 'sent',
			{ what: 'delivery after the relay came back' });
		assert.ok(state.messages.some((m) => m.includes(word)));

		// a permanent rejection: failed at once, and an internal note on the ticket
		state.mode = 'reject';
		await reply(base, token, t.id, 'Second reply');
		const row2 = sql(db, `SELECT max(id) FROM outbox WHERE ticket_id = ${t.id} AND kind = 'reply'`);
		await waitFor(() => sql(db, `SELECT status FROM outbox WHERE id = ${row2}`) === 'failed',
			{ what: 'the 5xx to fail the row' });
		assert.equal(sql(db, `SELECT attempts FROM outbox WHERE id = ${row2}`), '1');
		const cs = (await api('GET', `/api/v2/tickets/${t.id}/comments`, undefined, token, base)).body.comments;
		const note = cs.find((x) => (x.body || '').startsWith(`Mail to ${customer} could not be delivered`));
		assert.ok(note, `no failure note in ${JSON.stringify(cs.map((x) => x.body))}`);
		assert.equal(note.public, false);
		assert.match(note.body, /550/);
	} finally {
		serve.kill('SIGTERM');
		await new Promise((r) => (serve.exitCode !== null ? r() : serve.on('exit', r)));
		srv.close();
	}
	assert.equal(serve.exitCode, 0, log.slice(-2000));
	await sleep(0);
});
