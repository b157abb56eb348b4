// tests/mail/faults.test.mjs — faults around the spool: the database locked while mail comes in
// (mail-in never touches it: still exit 0; the worker waits and retries without loss or counted
// attempts), and a full disk during mail-in (exit 75, nothing half-written in tmp/ or new/; with
// Postfix the message stays deferred and is delivered once, after space is back).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {
	env, uniq, waitFor, freshData, makeMessage, helpo, run, spoolFiles, sql, smtpSend,
	ticketBySubject, postfixLog, postqueue, allTickets,
} from './lib/env.mjs';

/** Holds BEGIN EXCLUSIVE on db in a sqlite3 process; resolves once the lock is taken. */
function holdExclusive(db) {
	return new Promise((resolve, reject) => {
		const p = spawn('sqlite3', [db], { stdio: ['pipe', 'pipe', 'pipe'] });
		let out = '';
		p.on('error', reject);
		p.stdout.on('data', (d) => {
			out += d;
			if (out.includes('locked-now')) resolve({
				release: () => new Promise((r) => {
					p.on('close', r);
					p.stdin.end('COMMIT;\n.quit\n');
				}),
			});
		});
		p.stdin.write("BEGIN EXCLUSIVE; INSERT INTO settings(name, value) VALUES ('lock-test', 'x') " +
			"ON CONFLICT(name) DO UPDATE SET value = 'y'; SELECT 'locked-now';\n");
	});
}

test('database locked: mail-in still accepts (exit 0); the worker retries later without loss', async () => {
	const dir = freshData(uniq('locked'), { conf: 'db_busy_timeout_ms = 300\n' });
	const db = path.join(dir, 'helpo.db');
	const subject = uniq('while-locked');
	const lock = await holdExclusive(db);
	let released = false;
	try {
		const t0 = Date.now();
		const r = helpo(['mail-in', '--data', dir, '--mailbox', env.mailbox],
			{ input: makeMessage({ subject }) });
		assert.equal(r.status, 0, r.stderr);
		assert.ok(Date.now() - t0 < 3000, 'mail-in does not wait for the database');
		assert.equal(spoolFiles(dir).length, 1);
		// the worker cannot commit while the lock is held: it stops, the file stays as it was
		const p = helpo(['mail-process', '--data', dir]);
		assert.notEqual(p.status, 0, 'mail-process reports the busy database');
		const files = spoolFiles(dir);
		assert.equal(files.length, 1);
		assert.doesNotMatch(files[0], /,\d+$/, 'a busy database is not a counted attempt');
		await lock.release();
		released = true;
	} finally {
		if (!released) await lock.release();
	}
	const ok = helpo(['mail-process', '--data', dir]);
	assert.equal(ok.status, 0, ok.stderr);
	assert.equal(ok.stdout.trim(), 'processed 1');
	assert.deepEqual(spoolFiles(dir), []);
	assert.equal(sql(db, `SELECT count(*) FROM tickets WHERE subject = '${subject}'`), '1');
	assert.equal(sql(db, 'PRAGMA integrity_check'), 'ok');
});

/** Mounts a tiny tmpfs at dir (root only). */
function mountTiny(dir, size = '64k') {
	fs.mkdirSync(dir, { recursive: true });
	const r = run('mount', ['-t', 'tmpfs', '-o', `size=${size},mode=2770`, 'tmpfs', dir]);
	assert.equal(r.status, 0, `mount tmpfs: ${r.stderr}`);
}
function unmount(dir) {
	const r = run('umount', [dir]);
	if (r.status !== 0) assert.equal(run('umount', ['-l', dir]).status, 0);
}

test('disk full during mail-in: exit 75, nothing half-written; fine again once space is back', () => {
	const dir = path.join(env.tmp, uniq('full'));
	assert.equal(helpo(['init', '--data', dir]).status, 0);
	const spool = path.join(dir, 'spool');
	mountTiny(spool);
	try {
		const big = makeMessage({ subject: uniq('big'), body: 'y'.repeat(200 * 1024) });
		const r = helpo(['mail-in', '--data', dir], { input: big });
		assert.equal(r.status, 75, r.stderr);
		assert.equal(r.stderr.trim().split('\n').length, 1);
		assert.match(r.stderr, /cannot spool/);
		assert.deepEqual(spoolFiles(dir, 'tmp'), [], 'tmp/ cleaned up');
		assert.deepEqual(spoolFiles(dir, 'new'), [], 'nothing in new/');
		// a message that fits is accepted
		const small = helpo(['mail-in', '--data', dir], { input: makeMessage() });
		assert.equal(small.status, 0, small.stderr);
		assert.equal(spoolFiles(dir).length, 1);
	} finally {
		unmount(spool);
	}
	// the same through RLIMIT_FSIZE (write() fails with EFBIG): 75, nothing left behind
	const r2 = run('sh', ['-c', `ulimit -f 16; exec "$0" mail-in --data "$1"`, env.bin, dir],
		{ input: makeMessage({ body: 'z'.repeat(100 * 1024) }) });
	assert.equal(r2.status, 75, r2.stderr);
	assert.deepEqual(spoolFiles(dir, 'tmp'), []);
	assert.deepEqual(spoolFiles(dir), []); // the spool dir is the original (empty) one again
});

test('disk full under Postfix: the message stays deferred, then is delivered once', async () => {
	const spool = path.join(env.data, 'spool');
	const subject = uniq('deferred');
	mountTiny(spool);
	let mounted = true;
	try {
		for (const sub of ['tmp', 'new']) {
			fs.mkdirSync(path.join(spool, sub));
			run('chgrp', ['nogroup', path.join(spool, sub)]);
			fs.chmodSync(path.join(spool, sub), 0o2770);
		}
		run('chgrp', ['nogroup', spool]);
		const r = await smtpSend({ data: makeMessage({ subject, body: 'w'.repeat(200 * 1024) }) });
		assert.equal(r.code, 250, r.text);
		const id = /queued as ([0-9A-F]+)/.exec(r.text)[1];
		const line = await waitFor(() => postfixLog().split('\n')
			.find((l) => l.includes(`${id}: to=<support@helpo.test>`) && /status=/.test(l)),
		{ what: 'the delivery attempt', timeout: 30000 });
		assert.match(line, /status=deferred/);
		assert.match(line, /cannot spool/);
		assert.match(postqueue('-p').stdout, new RegExp(id));
		unmount(spool);
		mounted = false;
		// space is back: flush the queue; the message arrives exactly once
		assert.equal(postqueue('-f').status, 0);
		await waitFor(() => postfixLog().split('\n')
			.some((l) => l.includes(`${id}: to=<support@helpo.test>`) && /status=sent/.test(l)),
		{ what: 'the delivery after the flush', timeout: 30000 });
		const t = await waitFor(() => ticketBySubject(subject), { what: 'the deferred ticket' });
		assert.ok(t);
		await waitFor(() => spoolFiles(env.data).length === 0, { what: 'an empty spool' });
		const same = (await allTickets()).filter((x) => x.subject === subject);
		assert.equal(same.length, 1);
	} finally {
		if (mounted) unmount(spool);
	}
});
