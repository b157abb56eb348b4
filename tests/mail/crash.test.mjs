// tests/mail/crash.test.mjs — exactly-once under crashes: 1,000 distinct messages spooled with
// `helpo mail-in`, then `helpo mail-process` killed with SIGKILL at random moments and restarted
// until the spool is empty. Every message must end up as exactly one ticket (ledger, tickets and
// Message-IDs all count 1,000) and the database must pass PRAGMA integrity_check.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { env, freshData, makeMessage, spoolFiles, sql, helpo, helpoSpawn, sleep, uniq } from './lib/env.mjs';

const N = 1000;

function mailIn(dir, input) {
	return new Promise((resolve, reject) => {
		const p = spawn(env.bin, ['mail-in', '--data', dir, '--mailbox', env.mailbox],
			{ stdio: ['pipe', 'ignore', 'pipe'] });
		let err = '';
		p.stderr.on('data', (d) => { err += d; });
		p.on('error', reject);
		p.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`mail-in ${code}: ${err}`))));
		p.stdin.end(input);
	});
}

test(`${N} spooled messages survive SIGKILLs of the worker: exactly ${N} tickets`, { timeout: 170000 }, async () => {
	// synchronous=NORMAL: WAL commits survive a killed process either way (only a power cut
	// needs FULL), and it keeps this test fast
	const dir = freshData(uniq('crash'), { conf: 'db_synchronous_full = no\n' });
	const t0 = Date.now();
	const tag = uniq('crash');
	// spool N distinct messages, 8 mail-in processes at a time
	let next = 0;
	async function feeder() {
		while (next < N) {
			const i = next++;
			await mailIn(dir, makeMessage({
				from: `customer${i % 50}@example.org`,
				subject: `${tag} #${i}`,
				messageId: `<${tag}-${i}@example.org>`,
				body: `Message ${i} of the crash test.\n${'Some text. '.repeat(20 + (i % 30))}`,
			}));
		}
	}
	await Promise.all(Array.from({ length: 8 }, feeder));
	assert.equal(spoolFiles(dir).length, N);
	const t1 = Date.now();

	// kill the worker at random moments until the spool is empty (bounded)
	let kills = 0;
	for (let round = 0; round < 60 && spoolFiles(dir).length > 0; round++) {
		const p = helpoSpawn(['mail-process', '--data', dir]);
		const exited = new Promise((r) => p.on('close', (code, sig) => r({ code, sig })));
		const res = await Promise.race([exited, sleep(40 + Math.floor(Math.random() * 120))
			.then(() => null)]);
		if (res === null) {
			p.kill('SIGKILL');
			const r = await exited;
			if (r.sig === 'SIGKILL') kills++;
		} else {
			assert.equal(res.code, 0, 'mail-process failed');
		}
	}
	// and finish without interruptions
	const last = helpo(['mail-process', '--data', dir], { timeout: 120000 });
	assert.equal(last.status, 0, last.stderr);
	assert.deepEqual(spoolFiles(dir), [], 'the spool is empty');
	console.log(`spooled ${N} in ${t1 - t0} ms; processed with ${kills} kills in ${Date.now() - t1} ms`);
	assert.ok(kills >= 2, `the worker was killed mid-run (${kills} times)`);

	const db = path.join(dir, 'helpo.db');
	assert.equal(sql(db, 'PRAGMA integrity_check'), 'ok');
	assert.equal(Number(sql(db, 'SELECT count(*) FROM mail_ingest')), N);
	assert.equal(Number(sql(db, 'SELECT count(DISTINCT message_id) FROM mail_ingest')), N);
	assert.equal(Number(sql(db, "SELECT count(*) FROM mail_ingest WHERE outcome = 'ticket'")), N);
	assert.equal(Number(sql(db, `SELECT count(*) FROM tickets WHERE subject LIKE '${tag} #%'`)), N);
	assert.equal(Number(sql(db, `SELECT count(DISTINCT subject) FROM tickets WHERE subject LIKE '${tag} #%'`)), N);
	assert.equal(Number(sql(db, 'SELECT count(*) FROM mail_quarantine')), 0);
	// every message's Message-ID is threaded to its own ticket
	assert.equal(Number(sql(db, `SELECT count(DISTINCT ticket_id) FROM mail_threads WHERE message_id LIKE '${tag}-%'`)), N);
});
