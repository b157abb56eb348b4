// tests/mail/imap.test.mjs — the IMAP poller against a real Dovecot (run by scripts/test-mail):
// `helpo imap add|list|poll` then `helpo mail-process` on fresh data directories, one Maildir
// folder per test so the tests do not see each other's mail: messages become tickets once; a
// second poll fetches nothing; a changed UIDVALIDITY re-fetches without doubles; messages end
// \Seen and are never deleted; an over-size message is skipped (left unread) and later mail
// still comes; a wrong password or a spool failure sets last_error without losing anything;
// STARTTLS with a self-signed certificate works only with --ca-file and never falls back to
// plain text (Dovecot counts loopback as secure, so only the client side can be tested there);
// the running `helpo serve` polls by itself (imap_poll_s=1); usage errors exit 2.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import {
	env, uniq, helpo, helpoSpawn, run, sql, freshData, makeMessage, waitFor, ticketBySubject, sleep,
} from './lib/env.mjs';

const NOBODY = 65534;
const MAX_MESSAGE_BYTES = 32 * 1024 * 1024; // HELPO_MAX_MESSAGE_BYTES

// ---- helpers ----

function chownR(p) {
	fs.chownSync(p, NOBODY, NOBODY);
	if (fs.statSync(p).isDirectory()) {
		for (const e of fs.readdirSync(p)) chownR(path.join(p, e));
	}
}

/** Creates (or recreates) Maildir folder NAME in maildir with the given messages in cur/.
 * uidvalidity forces the folder's UIDVALIDITY (dovecot-uidlist). Returns the subjects. */
function makeFolder(name, messages, { maildir = env.imapMaildir, uidvalidity } = {}) {
	const dir = path.join(maildir, `.${name}`);
	fs.rmSync(dir, { recursive: true, force: true });
	for (const sub of ['cur', 'new', 'tmp']) fs.mkdirSync(path.join(dir, sub), { recursive: true });
	const names = [];
	messages.forEach((m, i) => {
		const file = `${Date.now()}.M${i}P${process.pid}.helpo-test`;
		fs.writeFileSync(path.join(dir, 'cur', `${file}:2,`), m);
		names.push(file);
	});
	if (uidvalidity) {
		const lines = [`3 V${uidvalidity} N${names.length + 1}`];
		names.forEach((n, i) => lines.push(`${i + 1} :${n}`));
		fs.writeFileSync(path.join(dir, 'dovecot-uidlist'), lines.join('\n') + '\n');
	}
	chownR(dir);
	return dir;
}

/** Drops one more message into a folder's new/ (as an MTA would). */
function deliver(folderDir, raw) {
	const p = path.join(folderDir, 'new', `${Date.now()}.N${uniq('n')}.helpo-test`);
	fs.writeFileSync(p, raw);
	fs.chownSync(p, NOBODY, NOBODY);
}

/** Runs one IMAP command with curl; returns its untagged answer. */
function imapCmd(folder, cmd, { port = env.imapPort, extra = [] } = {}) {
	const r = run('curl', ['-sS', '--max-time', '20', ...extra, '-u',
		`${env.imapUser}:${env.imapPass}`, `imap://${env.imapHost}:${port}/${folder}`, '-X', cmd]);
	assert.equal(r.status, 0, `curl ${cmd}: ${r.stderr}`);
	return r.stdout;
}

/** UID -> {seen} for every message in a folder. */
function flags(folder, opts) {
	const out = new Map();
	for (const m of imapCmd(folder, 'UID FETCH 1:* (UID FLAGS)', opts).matchAll(
		/\* \d+ FETCH \(UID (\d+) FLAGS \(([^)]*)\)\)/g)) {
		out.set(Number(m[1]), { seen: /\\Seen/i.test(m[2]) });
	}
	return out;
}

function passwordFile(pw) {
	const p = path.join(env.tmp, uniq('pw'));
	fs.mkdirSync(env.tmp, { recursive: true });
	fs.writeFileSync(p, `${pw}\n`, { mode: 0o600 });
	return p;
}

function url(folder, port = env.imapPort) {
	return `imap://${env.imapHost}:${port}/${folder}`;
}

function addAccount(data, folder, { pw = env.imapPass, port, args = [] } = {}) {
	const r = helpo(['imap', 'add', '--data', data, '--url', url(folder, port), '--username',
		env.imapUser, '--password-file', passwordFile(pw), ...args]);
	assert.equal(r.status, 0, r.stderr);
	const m = /imap account (\d+) added/.exec(r.stdout);
	assert.ok(m, r.stdout);
	return Number(m[1]);
}

function poll(data) {
	const r = helpo(['imap', 'poll', '--data', data]);
	const m = /^fetched (\d+)$/m.exec(r.stdout);
	assert.ok(m, `imap poll printed: ${r.stdout} ${r.stderr}`);
	return { ...r, fetched: Number(m[1]) };
}

function processSpool(data) {
	const r = helpo(['mail-process', '--data', data]);
	assert.equal(r.status, 0, r.stderr);
}

/** imap list as objects keyed by id. */
function accounts(data) {
	const r = helpo(['imap', 'list', '--data', data]);
	assert.equal(r.status, 0, r.stderr);
	const [head, ...rows] = r.stdout.trim().split('\n');
	const cols = head.split('\t');
	const out = new Map();
	for (const row of rows) {
		const v = row.split('\t');
		const o = Object.fromEntries(cols.map((c, i) => [c, v[i]]));
		out.set(Number(o.id), o);
	}
	return { out, text: r.stdout };
}

const db = (data) => path.join(data, 'helpo.db');
const count = (data, table) => Number(sql(db(data), `SELECT count(*) FROM ${table}`));
const subjects = (data) => sql(db(data), 'SELECT subject FROM tickets ORDER BY id').split('\n')
	.filter(Boolean);

function messages(n, tag) {
	return Array.from({ length: n }, (_, i) => makeMessage({
		subject: `${tag} message ${i + 1}`,
		from: `Customer ${i} <imap-${tag}-${i}@example.org>`,
	}));
}

// ---- tests ----

test('poll: three messages become three tickets; polling again adds nothing; all \\Seen', () => {
	const tag = uniq('imap');
	const folder = `F${tag.replace(/-/g, '')}`;
	makeFolder(folder, messages(3, tag));
	const data = freshData();
	const id = addAccount(data, folder, { args: ['--mailbox', env.mailbox.toUpperCase()] });

	const before = flags(folder);
	assert.equal(before.size, 3);
	for (const f of before.values()) assert.equal(f.seen, false);

	const p1 = poll(data);
	assert.equal(p1.status, 0, p1.stderr);
	assert.equal(p1.fetched, 3);
	processSpool(data);
	assert.deepEqual(subjects(data), [1, 2, 3].map((i) => `${tag} message ${i}`));

	const a = accounts(data).out.get(id);
	assert.equal(a.last_uid, '3');
	assert.equal(a.last_error, '-');
	assert.equal(a.mailbox, env.mailbox);
	assert.match(a.uidvalidity, /^\d+$/);

	// \Seen on the server, nothing deleted or moved
	const after1 = flags(folder);
	assert.equal(after1.size, 3);
	for (const f of after1.values()) assert.equal(f.seen, true);

	const p2 = poll(data);
	assert.equal(p2.status, 0, p2.stderr);
	assert.equal(p2.fetched, 0);
	processSpool(data);
	assert.equal(count(data, 'tickets'), 3);

	// new mail arriving later is picked up, and only it
	const dir = path.join(env.imapMaildir, `.${folder}`);
	deliver(dir, makeMessage({ subject: `${tag} late`, from: `imap-${tag}-late@example.org` }));
	const p3 = poll(data);
	assert.equal(p3.fetched, 1);
	processSpool(data);
	assert.equal(count(data, 'tickets'), 4);
	assert.equal(subjects(data)[3], `${tag} late`);
	assert.equal(accounts(data).out.get(id).last_uid, '4');
});

test('a changed UIDVALIDITY re-fetches the mailbox without doubling tickets', () => {
	const tag = uniq('uidv');
	const folder = `V${tag.replace(/-/g, '')}`;
	const msgs = messages(3, tag);
	makeFolder(folder, msgs, { uidvalidity: 1600000000 });
	const data = freshData();
	const id = addAccount(data, folder);

	assert.equal(poll(data).fetched, 3);
	processSpool(data);
	assert.equal(count(data, 'tickets'), 3);
	assert.equal(accounts(data).out.get(id).uidvalidity, '1600000000');

	// the server renumbers the mailbox: same messages, new UIDVALIDITY
	makeFolder(folder, msgs, { uidvalidity: 1600000777 });
	assert.match(imapCmd('', `EXAMINE ${folder}`), /UIDVALIDITY 1600000777/);
	const p = poll(data);
	assert.equal(p.status, 0, p.stderr);
	assert.equal(p.fetched, 3, 'everything is fetched again under the new UIDVALIDITY');
	assert.match(p.stderr, /UIDVALIDITY changed/);
	processSpool(data);
	assert.equal(count(data, 'tickets'), 3, 'the ingest ledger dropped the copies');
	assert.equal(count(data, 'mail_ingest'), 3);
	const a = accounts(data).out.get(id);
	assert.equal(a.uidvalidity, '1600000777');
	assert.equal(a.last_uid, '3');
	assert.equal(poll(data).fetched, 0);
});

test('an over-size message is skipped with a warning, left unread, and later mail still comes',
	() => {
		const tag = uniq('big');
		const folder = `B${tag.replace(/-/g, '')}`;
		const line = `${'x'.repeat(1022)}\r\n`;
		const big = makeMessage({ subject: `${tag} huge` }).replace(/\r\n$/, '\r\n' +
			line.repeat(Math.ceil(MAX_MESSAGE_BYTES / line.length) + 16));
		assert.ok(Buffer.byteLength(big) > MAX_MESSAGE_BYTES);
		makeFolder(folder, [big, makeMessage({ subject: `${tag} small` })]);
		const data = freshData();
		const id = addAccount(data, folder);
		const p = poll(data);
		assert.equal(p.status, 0, p.stderr);
		assert.equal(p.fetched, 1);
		assert.match(p.stderr, /UID 1 is \d+ bytes, over the \d+-byte message limit: skipped/);
		processSpool(data);
		assert.deepEqual(subjects(data), [`${tag} small`]);
		assert.equal(accounts(data).out.get(id).last_uid, '2');
		const f = flags(folder);
		assert.equal(f.get(1).seen, false, 'the skipped message is left unread for a human');
		assert.equal(f.get(2).seen, true);
		assert.equal(poll(data).fetched, 0);
	});

test('a wrong password sets last_error, other accounts still poll, nothing is printed secret',
	() => {
		const tag = uniq('pw');
		const folder = `P${tag.replace(/-/g, '')}`;
		makeFolder(folder, messages(2, tag));
		const data = freshData();
		const secret = `wrong-${uniq('secret')}`;
		const bad = addAccount(data, folder, { pw: secret });
		const good = addAccount(data, folder);
		const p = poll(data);
		assert.equal(p.status, 1, 'a failed account makes the one-shot poll exit 1');
		assert.equal(p.fetched, 2, 'the good account was polled anyway');
		assert.ok(!p.stderr.includes(secret) && !p.stdout.includes(secret));
		const { out, text } = accounts(data);
		assert.match(out.get(bad).last_error, /login denied/i);
		assert.equal(out.get(bad).last_uid, '0');
		assert.equal(out.get(good).last_error, '-');
		assert.ok(!text.includes(secret) && !text.includes(env.imapPass), 'list shows no passwords');
		processSpool(data);
		assert.equal(count(data, 'tickets'), 2);

		// fixing the password lets the account fetch (copies dropped by the ledger)
		sql(db(data), `UPDATE imap_accounts SET password = '${env.imapPass}' WHERE id = ${bad}`);
		const p2 = poll(data);
		assert.equal(p2.status, 0, p2.stderr);
		assert.equal(p2.fetched, 2, 'the fixed account fetches its mail (deduplicated later)');
		assert.equal(accounts(data).out.get(bad).last_error, '-', 'a success clears last_error');
		processSpool(data);
		assert.equal(count(data, 'tickets'), 2);
	});

test('a spool failure sets last_error, leaves the message unread and its UID unconsumed', () => {
	const tag = uniq('spool');
	const folder = `S${tag.replace(/-/g, '')}`;
	makeFolder(folder, messages(1, tag));
	const data = freshData();
	const id = addAccount(data, folder);
	// spool/new is a plain file: spool_put cannot rename into it
	fs.mkdirSync(path.join(data, 'spool', 'tmp'), { recursive: true });
	fs.rmSync(path.join(data, 'spool', 'new'), { recursive: true, force: true });
	fs.writeFileSync(path.join(data, 'spool', 'new'), 'not a directory');
	const p = poll(data);
	assert.notEqual(p.status, 0);
	assert.equal(p.fetched, 0);
	const a = accounts(data).out.get(id);
	assert.equal(a.last_uid, '0');
	assert.notEqual(a.last_error, '-');
	assert.equal(flags(folder).get(1).seen, false, '\\Seen taken off again');

	fs.rmSync(path.join(data, 'spool', 'new'));
	fs.mkdirSync(path.join(data, 'spool', 'new'));
	const p2 = poll(data);
	assert.equal(p2.status, 0, p2.stderr);
	assert.equal(p2.fetched, 1);
	processSpool(data);
	assert.deepEqual(subjects(data), [`${tag} message 1`]);
	assert.equal(flags(folder).get(1).seen, true);
});

// ---- STARTTLS against a second Dovecot with a self-signed certificate ----

function freePort() {
	return new Promise((resolve, reject) => {
		const s = net.createServer();
		s.on('error', reject);
		s.listen(0, '127.0.0.1', () => {
			const { port } = s.address();
			s.close(() => resolve(port));
		});
	});
}

async function waitPort(port) {
	await waitFor(() => new Promise((resolve) => {
		const c = net.connect(port, '127.0.0.1', () => {
			c.end();
			resolve(true);
		});
		c.on('error', () => resolve(false));
	}), { timeout: 15000, what: `port ${port}` });
}

let tlsDovecot = null;
after(() => {
	if (tlsDovecot) {
		try {
			process.kill(Number(fs.readFileSync(path.join(tlsDovecot, 'run', 'master.pid'), 'utf8')));
		} catch {
			// already gone
		}
	}
});

test('STARTTLS with a self-signed certificate: works with --ca-file, fails without', async () => {
	const dv = path.join(env.tmp, uniq('dovecot-tls'));
	const maildir = path.join(dv, 'mail', 'support', 'Maildir');
	for (const d of ['run', 'state', 'mail/support/Maildir/cur', 'mail/support/Maildir/new',
		'mail/support/Maildir/tmp']) fs.mkdirSync(path.join(dv, d), { recursive: true });
	fs.chmodSync(dv, 0o755);
	const o = run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj',
		'/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost', '-keyout',
		path.join(dv, 'key.pem'), '-out', path.join(dv, 'cert.pem')]);
	assert.equal(o.status, 0, o.stderr);
	const port = await freePort();
	fs.writeFileSync(path.join(dv, 'passwd'),
		`${env.imapUser}:{PLAIN}${env.imapPass}:${NOBODY}:${NOBODY}::${dv}/mail/support::\n`);
	fs.writeFileSync(path.join(dv, 'dovecot.conf'), `protocols = imap
listen = 127.0.0.1
base_dir = ${dv}/run
state_dir = ${dv}/state
log_path = ${dv}/dovecot.log
ssl = required
ssl_cert = <${dv}/cert.pem
ssl_key = <${dv}/key.pem
disable_plaintext_auth = yes
mail_location = maildir:~/Maildir
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${dv}/passwd
}
userdb {
  driver = passwd-file
  args = username_format=%u ${dv}/passwd
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = ${port}
  }
  inet_listener imaps {
    port = 0
  }
}
`);
	const tag = uniq('tls');
	makeFolder('TLS', messages(2, tag), { maildir });
	chownR(path.join(dv, 'mail'));
	// the daemon keeps inherited pipes open: give it none, or spawnSync waits forever
	const s = spawnSync('/usr/sbin/dovecot', ['-c', path.join(dv, 'dovecot.conf')],
		{ stdio: 'ignore', timeout: 30000 });
	assert.equal(s.status, 0, `dovecot failed to start (see ${dv}/dovecot.log)`);
	tlsDovecot = dv;
	await waitPort(port);

	const data = freshData();
	const noCa = addAccount(data, 'TLS', { port, args: ['--starttls', 'yes'] });
	let p = poll(data);
	assert.equal(p.status, 1);
	assert.equal(p.fetched, 0);
	assert.match(accounts(data).out.get(noCa).last_error, /certificate/i);

	const withCa = addAccount(data, 'TLS', { port, args: ['--starttls', 'yes', '--ca-file',
		path.join(dv, 'cert.pem')] });
	p = poll(data);
	assert.equal(p.fetched, 2, p.stderr);
	const { out } = accounts(data);
	assert.equal(out.get(withCa).last_error, '-');
	assert.equal(out.get(withCa).starttls, 'yes');
	assert.equal(out.get(withCa).last_uid, '2');
	processSpool(data);
	assert.equal(count(data, 'tickets'), 2);
	// the login went over TLS (Dovecot notes "TLS" on the login line; "secured" for plain)
	assert.match(fs.readFileSync(path.join(dv, 'dovecot.log'), 'utf8'),
		/imap-login: (?:Info: )?Login: user=<[^>]+>.*\bTLS\b/);
});

test('--starttls yes never falls back to plain text when the server offers no STARTTLS', () => {
	const tag = uniq('nostls');
	const folder = `N${tag.replace(/-/g, '')}`;
	makeFolder(folder, messages(1, tag));
	const data = freshData();
	// the harness' Dovecot runs with ssl=no
	const id = addAccount(data, folder, { args: ['--starttls', 'yes'] });
	const p = poll(data);
	assert.equal(p.status, 1);
	assert.equal(p.fetched, 0);
	assert.notEqual(accounts(data).out.get(id).last_error, '-');
	assert.equal(flags(folder).get(1).seen, false);
});

test('the running helpo serve polls by itself (imap_poll_s=1)', async () => {
	const tag = uniq('serve');
	const folder = `R${tag.replace(/-/g, '')}`;
	makeFolder(folder, messages(2, tag));
	const id = addAccount(env.data, folder, { args: ['--mailbox', env.mailbox] });
	try {
		for (const i of [1, 2]) {
			await waitFor(() => ticketBySubject(`${tag} message ${i}`),
				{ timeout: 30000, what: `ticket ${i} from IMAP` });
		}
		await waitFor(() => [...flags(folder).values()].every((f) => f.seen),
			{ timeout: 10000, what: '\\Seen' });
		// a few more poll rounds: still exactly one ticket each
		await sleep(2500);
		const n = Number(sql(db(env.data),
			`SELECT count(*) FROM tickets WHERE subject LIKE '${tag} message %'`));
		assert.equal(n, 2);
	} finally {
		sql(db(env.data), `UPDATE imap_accounts SET enabled = 0 WHERE id = ${id}`);
	}
});

test('imap CLI: --help, usage errors exit 2 with one line, bad values refused', () => {
	const data = freshData();
	for (const args of [['imap', '--help'], ['imap', 'add', '--help'], ['imap', 'list', '--help'],
		['imap', 'poll', '--help']]) {
		const r = helpo(args);
		assert.equal(r.status, 0, `${args.join(' ')}: ${r.stderr}`);
		assert.match(r.stdout, /usage: helpo imap/);
	}
	const pw = passwordFile('x');
	const bad = [
		['imap'],
		['imap', 'frob', '--data', data],
		['imap', 'add', '--data', data],
		['imap', 'add', '--data', data, '--url', url('INBOX'), '--username', 'u'],
		['imap', 'add', '--data', data, '--url', 'http://h/INBOX', '--username', 'u',
			'--password-file', pw],
		['imap', 'add', '--data', data, '--url', 'imap://u:p@h/INBOX', '--username', 'u',
			'--password-file', pw],
		['imap', 'add', '--data', data, '--url', 'imap://h/IN%22BOX', '--username', 'u',
			'--password-file', pw],
		['imap', 'add', '--data', data, '--url', url('INBOX'), '--username', 'u',
			'--password-file', pw, '--starttls', 'maybe'],
		['imap', 'add', '--data', data, '--url', 'imaps://h/INBOX', '--username', 'u',
			'--password-file', pw, '--starttls', 'yes'],
		['imap', 'list', '--data', data, '--bogus'],
		['imap', 'poll', '--data', data, 'extra'],
	];
	for (const args of bad) {
		const r = helpo(args);
		assert.equal(r.status, 2, `${args.join(' ')} exited ${r.status}: ${r.stderr}`);
		assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
	}
	// not usage errors but still refused: unknown mailbox, unreadable files
	for (const args of [
		['--mailbox', 'nobody@helpo.test'],
		['--ca-file', path.join(env.tmp, 'missing.pem')],
	]) {
		const r = helpo(['imap', 'add', '--data', data, '--url', url('INBOX'), '--username', 'u',
			'--password-file', pw, ...args]);
		assert.equal(r.status, 1, r.stderr);
	}
	const r = helpo(['imap', 'add', '--data', data, '--url', url('INBOX'), '--username', 'u',
		'--password-file', path.join(env.tmp, 'missing-pw')]);
	assert.equal(r.status, 1);
	assert.equal(count(data, 'imap_accounts'), 0, 'nothing was added');
	// no accounts: poll succeeds with nothing to do
	const p = poll(data);
	assert.equal(p.status, 0, p.stderr);
	assert.equal(p.fetched, 0);
});

// ---- a hostile server (a tiny fake IMAP server in this process) ----

/** Starts a fake IMAP server; answer(cmd, args) returns the untagged lines for a command (a
 * string) or null for "NO". Returns {port, close, commands}. */
async function fakeImap(answer) {
	const commands = [];
	const server = net.createServer((sock) => {
		let buf = '';
		sock.on('error', () => {});
		sock.write('* OK fake IMAP ready\r\n');
		sock.on('data', (d) => {
			buf += d.toString('latin1');
			let i;
			while ((i = buf.indexOf('\r\n')) >= 0) {
				const line = buf.slice(0, i);
				buf = buf.slice(i + 2);
				const [tag, cmd, ...rest] = line.split(' ');
				const args = rest.join(' ');
				commands.push(`${cmd} ${args}`.trim());
				let out;
				if (/^CAPABILITY$/i.test(cmd)) out = '* CAPABILITY IMAP4rev1\r\n';
				else if (/^LOGIN$/i.test(cmd)) out = '';
				else if (/^LOGOUT$/i.test(cmd)) out = '* BYE\r\n';
				else out = answer(cmd.toUpperCase(), args);
				if (out === null) sock.write(`${tag} NO refused\r\n`);
				else sock.write(Buffer.from(`${out}${tag} OK done\r\n`, 'latin1'));
			}
		});
	});
	await new Promise((r) => server.listen(0, '127.0.0.1', r));
	return {
		port: server.address().port,
		commands,
		close: () => new Promise((r) => {
			server.close(r);
			server.unref();
		}),
	};
}

/** `helpo imap poll` without blocking this process (the fake server lives in it). */
function pollAsync(data) {
	return new Promise((resolve, reject) => {
		const c = helpoSpawn(['imap', 'poll', '--data', data]);
		let stdout = '';
		let stderr = '';
		c.stdout.on('data', (d) => { stdout += d; });
		c.stderr.on('data', (d) => { stderr += d; });
		c.on('error', reject);
		c.on('close', (status) => {
			const m = /^fetched (\d+)$/m.exec(stdout);
			if (!m) reject(new Error(`imap poll printed: ${stdout} ${stderr}`));
			else resolve({ status, stdout, stderr, fetched: Number(m[1]) });
		});
	});
}

const SELECT_OK = '* 2 EXISTS\r\n* OK [UIDVALIDITY 42] ok\r\n';

test('hostile server answers: capped, rejected, recorded — never a crash or a bad commit',
	async () => {
		const cases = [
			{ // an endless EXAMINE answer: over the response cap
				what: /EXAMINE: (answer over \d+ bytes|too large response)/i,
				answer: (cmd) => (cmd === 'EXAMINE' ? `* OK ${'x'.repeat(1000)}\r\n`.repeat(5000) :
					null),
			},
			{ // no UIDVALIDITY at all
				what: /no valid UIDVALIDITY/,
				answer: (cmd) => (cmd === 'EXAMINE' ? '* 2 EXISTS\r\n' : null),
			},
			{ // UIDVALIDITY out of range
				what: /no valid UIDVALIDITY/,
				answer: (cmd) => (cmd === 'EXAMINE' ? '* OK [UIDVALIDITY 99999999999] x\r\n' : null),
			},
			{ // garbage among the UIDs
				what: /SEARCH: malformed answer/,
				answer: (cmd, args) => {
					if (cmd === 'EXAMINE' || cmd === 'SELECT') return SELECT_OK;
					if (cmd === 'UID' && /^SEARCH/i.test(args)) return '* SEARCH 1 2 ../../etc\r\n';
					return null;
				},
			},
			{ // a FETCH answer with a literal where a flag list belongs
				what: /FETCH flags: malformed answer/,
				answer: (cmd, args) => {
					if (cmd === 'EXAMINE' || cmd === 'SELECT') return SELECT_OK;
					if (cmd === 'UID' && /^SEARCH/i.test(args)) return '* SEARCH 1\r\n';
					if (cmd === 'UID' && /^FETCH 1 \(/i.test(args)) {
						return '* 1 FETCH (UID 1 FLAGS {5}\r\n';
					}
					return null;
				},
			},
			{ // the body fetch is refused: nothing committed, UID not consumed
				what: /FETCH/,
				answer: (cmd, args) => {
					if (cmd === 'EXAMINE' || cmd === 'SELECT') return SELECT_OK;
					if (cmd === 'UID' && /^SEARCH/i.test(args)) return '* SEARCH 1\r\n';
					if (cmd === 'UID' && /^FETCH 1 \(/i.test(args)) {
						return '* 1 FETCH (UID 1 RFC822.SIZE 10 FLAGS ())\r\n';
					}
					return null;
				},
			},
		];
		for (const c of cases) {
			const srv = await fakeImap(c.answer);
			try {
				const data = freshData();
				const id = addAccount(data, 'INBOX', { port: srv.port });
				const p = await pollAsync(data);
				assert.equal(p.status, 1, p.stderr);
				assert.equal(p.fetched, 0);
				const a = accounts(data).out.get(id);
				assert.match(a.last_error, c.what);
				assert.equal(a.last_uid, '0');
				assert.equal(count(data, 'mail_ingest'), 0);
				// never deletes, moves or expunges
				assert.ok(!srv.commands.some((x) => /EXPUNGE|MOVE|COPY|\\Deleted/i.test(x)),
					srv.commands.join('\n'));
			} finally {
				await srv.close();
			}
		}
	});

test('large or sparse mailboxes are searched in bounded UID windows below UIDNEXT', async () => {
	const raw = makeMessage({ subject: 'window test', from: 'imap-window@example.org' });
	const examine = '* 1 EXISTS\r\n* OK [UIDVALIDITY 77] ok\r\n* OK [UIDNEXT 50001] next\r\n';
	const srv = await fakeImap((cmd, args) => {
		if (cmd === 'EXAMINE' || cmd === 'SELECT') return examine;
		let m;
		if (cmd === 'UID' && (m = /^SEARCH UID (\d+):(\d+)$/i.exec(args))) {
			const [lo, hi] = [Number(m[1]), Number(m[2])];
			// the one message, plus a hostile UID outside every range asked
			return `* SEARCH${lo <= 45000 && 45000 <= hi ? ' 45000' : ''} 60000\r\n`;
		}
		if (cmd === 'UID' && /^FETCH 45000 \(/i.test(args)) {
			return `* 1 FETCH (UID 45000 RFC822.SIZE ${Buffer.byteLength(raw)} FLAGS ())\r\n`;
		}
		if (cmd === 'UID' && /^FETCH 45000 BODY\[\]/i.test(args)) {
			return `* 1 FETCH (UID 45000 BODY[] {${Buffer.byteLength(raw)}}\r\n${raw})\r\n`;
		}
		if (cmd === 'UID' && /^STORE 45000 \+FLAGS/i.test(args)) return '';
		return null;
	});
	try {
		const data = freshData();
		const id = addAccount(data, 'INBOX', { port: srv.port });
		const p = await pollAsync(data);
		assert.equal(p.status, 0, p.stderr);
		assert.equal(p.fetched, 1);
		const searches = srv.commands.filter((c) => /^UID SEARCH/i.test(c));
		assert.deepEqual(searches, ['UID SEARCH UID 1:20000', 'UID SEARCH UID 20001:40000',
			'UID SEARCH UID 40001:50000']);
		assert.ok(srv.commands.some((c) => /^UID STORE 45000 \+FLAGS/i.test(c)));
		const a = accounts(data).out.get(id);
		assert.equal(a.last_uid, '50000', 'exhausted windows move last_uid up to UIDNEXT-1');
		assert.equal(a.uidvalidity, '77');
		processSpool(data);
		assert.deepEqual(subjects(data), ['window test']);
		// nothing new below UIDNEXT: the next poll does not search at all
		srv.commands.length = 0;
		const p2 = await pollAsync(data);
		assert.equal(p2.status, 0, p2.stderr);
		assert.equal(p2.fetched, 0);
		assert.ok(!srv.commands.some((c) => /SEARCH/i.test(c)), srv.commands.join('\n'));
	} finally {
		await srv.close();
	}
});

test('a server lying about RFC822.SIZE: the download is cut at the cap and skipped', async () => {
	const big = `Subject: liar\r\n\r\n${'y'.repeat(MAX_MESSAGE_BYTES + 1024)}\r\n`;
	const srv = await fakeImap((cmd, args) => {
		if (cmd === 'EXAMINE' || cmd === 'SELECT') {
			return '* 1 EXISTS\r\n* OK [UIDVALIDITY 5] ok\r\n* OK [UIDNEXT 2] next\r\n';
		}
		if (cmd === 'UID' && /^SEARCH UID 1:1$/i.test(args)) return '* SEARCH 1\r\n';
		if (cmd === 'UID' && /^FETCH 1 \(/i.test(args)) {
			return '* 1 FETCH (UID 1 RFC822.SIZE 100 FLAGS ())\r\n';
		}
		if (cmd === 'UID' && /^FETCH 1 BODY\[\]/i.test(args)) {
			return `* 1 FETCH (UID 1 BODY[] {${big.length}}\r\n${big})\r\n`;
		}
		if (cmd === 'UID' && /^STORE 1 [-+]FLAGS/i.test(args)) return '';
		return null;
	});
	try {
		const data = freshData();
		const id = addAccount(data, 'INBOX', { port: srv.port });
		const p = await pollAsync(data);
		assert.equal(p.status, 0, p.stderr);
		assert.equal(p.fetched, 0);
		assert.match(p.stderr, /UID 1 is over the message size limit: skipped/);
		assert.equal(accounts(data).out.get(id).last_uid, '1');
		// it was unread before: the \Seen the fetch implied is taken off again
		assert.ok(srv.commands.some((c) => /^UID STORE 1 -FLAGS/i.test(c)), srv.commands.join('\n'));
		assert.ok(!srv.commands.some((c) => /^UID STORE 1 \+FLAGS/i.test(c)));
		assert.equal(count(data, 'mail_ingest'), 0);
	} finally {
		await srv.close();
	}
});
