// tests/mail/inbound.test.mjs — inbound mail end to end: SMTP to Postfix → pipe → `helpo
// mail-in` → spool → serve's worker → ticket; a reply threaded by In-Reply-To; a message over
// the size limit bounced by Postfix (mail-in exit 65) and never a ticket; mail-in's exit codes
// and its one-line errors when called directly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
	env, uniq, waitFor, get, smtpSend, makeMessage, ticketBySubject, helpo, run, postfixLog,
	spoolFiles,
} from './lib/env.mjs';

function queueId(reply) {
	const m = /queued as ([0-9A-F]+)/.exec(reply.text);
	assert.ok(m, `no queue id in ${reply.text}`);
	return m[1];
}

async function comments(ticketId) {
	return (await get(`/api/v2/tickets/${ticketId}/comments`)).comments;
}

test('a message sent to Postfix for support@helpo.test becomes a ticket; a reply threads', async () => {
	const subject = uniq('Printer on fire');
	const messageId = `<${uniq('orig')}@customer.example.org>`;
	const r = await smtpSend({
		from: 'alice@customer.example.org',
		data: makeMessage({ from: 'Alice Example <alice@customer.example.org>', subject, messageId,
			body: 'My printer is on fire.\nPlease help.' }),
	});
	assert.equal(r.code, 250, r.text);
	const t = await waitFor(() => ticketBySubject(subject), { what: `a ticket "${subject}"` });
	assert.equal(t.subject, subject);
	assert.equal(t.group_id, env.groupId, 'routed to the mailbox group');
	const requester = (await get(`/api/v2/users/${t.requester_id}`)).user;
	assert.equal(requester.email, 'alice@customer.example.org');
	assert.equal(requester.role, 'end-user');
	const c0 = (await comments(t.id)).filter((x) => x.author_id === t.requester_id && x.public);
	assert.equal(c0.length, 1);
	assert.match(c0[0].body, /printer is on fire/);

	// the customer's reply, threaded by In-Reply-To only (subject changed)
	const r2 = await smtpSend({
		from: 'alice@customer.example.org',
		data: makeMessage({ from: 'alice@customer.example.org', subject: uniq('other words'),
			inReplyTo: messageId, references: messageId, body: 'It is still burning.' }),
	});
	assert.equal(r2.code, 250, r2.text);
	// (other comments, e.g. notes from the outbound worker, may appear on the ticket too)
	const reply = await waitFor(async () => (await comments(t.id))
		.find((x) => /still burning/.test(x.body)), { what: 'the reply as a comment' });
	assert.equal(reply.author_id, t.requester_id);
	assert.equal(reply.public, true);
	const fromCustomer = (await comments(t.id)).filter((x) => x.author_id === t.requester_id && x.public);
	assert.equal(fromCustomer.length, 2);
	// no second ticket was opened for it
	const all = (await get('/api/v2/tickets?per_page=100')).tickets;
	assert.equal(all.filter((x) => x.requester_id === t.requester_id).length, 1);
});

test('a message over the size limit is bounced by Postfix (mail-in exit 65), never a ticket', async () => {
	const subject = uniq('huge');
	const filler = ('x'.repeat(998) + '\r\n').repeat(Math.ceil((33 * 1024 * 1024) / 1000));
	const r = await smtpSend({ data: makeMessage({ subject, body: filler }) });
	assert.equal(r.code, 250, r.text.slice(0, 200));
	const id = queueId(r);
	const line = await waitFor(() => postfixLog().split('\n')
		.find((l) => l.includes(`${id}: to=<support@helpo.test>`) && /status=(bounced|sent|deferred)/.test(l)),
	{ what: `Postfix's delivery of ${id}`, timeout: 60000 });
	assert.match(line, /status=bounced/);
	assert.match(line, /message too large/);
	// a normal message sent after it is processed, and the huge one never became a ticket
	const after = uniq('after-huge');
	assert.equal((await smtpSend({ data: makeMessage({ subject: after }) })).code, 250);
	await waitFor(() => ticketBySubject(after), { what: 'the message after the huge one' });
	assert.equal(await ticketBySubject(subject), null);
});

test('mail-in: 0 and a spooled file on success, nothing on stdout', () => {
	const dir = path.join(env.tmp, uniq('mailin'));
	assert.equal(helpo(['init', '--data', dir]).status, 0);
	const r = helpo(['mail-in', '--data', dir, '--mailbox', 'Support@Helpo.test'],
		{ input: makeMessage({ subject: 'direct' }) });
	assert.equal(r.status, 0, r.stderr);
	assert.equal(r.stdout, '');
	const files = spoolFiles(dir);
	assert.equal(files.length, 1);
	assert.match(files[0], /^\d+\.\d+\.[0-9a-f]{16}\.support@helpo\.test$/);
	assert.deepEqual(spoolFiles(dir, 'tmp'), []);
});

test('mail-in: 75 with one line when the spool is not writable (as the pipe user)', () => {
	const dir = path.join(env.tmp, uniq('ro'));
	assert.equal(helpo(['init', '--data', dir]).status, 0);
	fs.chmodSync(dir, 0o711);
	// helpo init made the spool (spool/tmp, spool/new); make it root's only
	fs.mkdirSync(path.join(dir, 'spool', 'tmp'), { recursive: true });
	fs.mkdirSync(path.join(dir, 'spool', 'new'), { recursive: true });
	fs.chmodSync(path.join(dir, 'spool'), 0o755);
	fs.chmodSync(path.join(dir, 'spool', 'tmp'), 0o755); // root's, not writable by nobody
	const r = run('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', env.bin,
		'mail-in', '--data', dir], { input: makeMessage() });
	assert.equal(r.status, 75, r.stderr);
	assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
	assert.match(r.stderr, /^helpo mail-in: cannot spool the message/);
	assert.deepEqual(spoolFiles(dir), []);
	// a data directory that does not exist: 75 too
	const r2 = helpo(['mail-in', '--data', path.join(dir, 'missing')], { input: makeMessage() });
	assert.equal(r2.status, 75);
	assert.equal(r2.stderr.trim().split('\n').length, 1);
});

test('mail-in: 65 with the sizes over HELPO_MAX_MESSAGE_BYTES, nothing spooled', () => {
	const dir = path.join(env.tmp, uniq('big'));
	assert.equal(helpo(['init', '--data', dir]).status, 0);
	const limit = 32 * 1024 * 1024;
	const r = helpo(['mail-in', '--data', dir], { input: Buffer.alloc(limit + 10, 'a') });
	assert.equal(r.status, 65);
	assert.equal(r.stderr.trim(), `helpo mail-in: message too large (${limit + 10} bytes; limit ${limit})`);
	assert.deepEqual(spoolFiles(dir), []);
	assert.deepEqual(spoolFiles(dir, 'tmp'), []);
	// exactly at the limit is accepted
	const ok = helpo(['mail-in', '--data', dir], { input: Buffer.alloc(limit, 'a') });
	assert.equal(ok.status, 0, ok.stderr);
	assert.equal(spoolFiles(dir).length, 1);
});

test('mail-in, mail-process: usage errors exit with one line; --help exits 0', () => {
	// mail-in answers 75 even for bad usage: a broken pipe configuration must leave the
	// message queued at the MTA, never bounce it
	for (const args of [['mail-in'], ['mail-in', '--bogus', 'x']]) {
		const r = helpo(args, { env: { HELPO_DATA: '' }, input: 'Subject: x\n\nx\n' });
		assert.equal(r.status, 75, `${args.join(' ')}: ${r.stderr}`);
		assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
	}
	for (const args of [['mail-process'],
		['mail-quarantine'], ['mail-quarantine', 'show', 'abc', '--data', env.tmp],
		['mailbox', 'add', '--data', env.tmp], ['mailbox', 'frob']]) {
		const r = helpo(args, { env: { HELPO_DATA: '' }, input: '' });
		assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
		assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
	}
	for (const cmd of [['mail-in'], ['mail-process'], ['mail-quarantine'], ['mailbox'],
		['mailbox', 'add']]) {
		const r = helpo([...cmd, '--help']);
		assert.equal(r.status, 0);
		assert.match(r.stdout, /usage: helpo/);
	}
});

test('the spool of the served data directory drains', async () => {
	await waitFor(() => spoolFiles(env.data).length === 0, { what: 'an empty spool' });
});
