// tests/api/uploads.test.mjs — POST /api/v2/uploads and "uploads" tokens in a comment: the file
// becomes the comment's attachment, only its uploader can use or see an unused upload, bad
// names and unknown tokens are refused and nothing is half-stored.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fx, admin, agent, endA, expectStatus, expectError, createTicket } from './lib/api.mjs';

async function upload(client, name, bytes, type = 'text/plain') {
	return client.req('POST', `/api/v2/uploads?filename=${encodeURIComponent(name)}`,
		Buffer.from(bytes), { 'Content-Type': type });
}

test('an upload attached to a reply shows on the comment and downloads', async () => {
	const up = expectStatus(await upload(admin, 'notes ā.txt', 'hello file'), 201).upload;
	assert.equal(typeof up.token, 'string');
	assert.equal(up.attachment.file_name, 'notes ā.txt');
	assert.equal(up.attachment.size, 10);
	const t = await createTicket();
	expectStatus(await admin.put(`/api/v2/tickets/${t.id}`,
		{ ticket: { comment: { body: 'see attached', uploads: [up.token] } } }), 200);
	const comments = expectStatus(await admin.get(`/api/v2/tickets/${t.id}/comments`), 200).comments;
	const last = comments[comments.length - 1];
	assert.equal(last.attachments.length, 1);
	assert.equal(last.attachments[0].file_name, 'notes ā.txt');
	const res = await fetch(last.attachments[0].content_url, { headers: { Authorization: admin.auth } });
	assert.equal(res.status, 200);
	assert.equal(await res.text(), 'hello file');
	// a token is spent once attached
	expectError(await admin.put(`/api/v2/tickets/${t.id}`,
		{ ticket: { comment: { body: 'again', uploads: [up.token] } } }), 422);
});

test('another user can neither see nor attach my unused upload', async () => {
	const up = expectStatus(await upload(agent, 'secret.txt', 'agent only'), 201).upload;
	expectError(await admin.get(`/api/v2/attachments/${up.attachment.id}`), 404);
	const t = await createTicket({ requester_id: fx.enda.id });
	const before = expectStatus(await admin.get(`/api/v2/tickets/${t.id}/comments`), 200).comments.length;
	expectError(await admin.put(`/api/v2/tickets/${t.id}`,
		{ ticket: { comment: { body: 'steal', uploads: [up.token] } } }), 422);
	const after = expectStatus(await admin.get(`/api/v2/tickets/${t.id}/comments`), 200).comments.length;
	assert.equal(after, before, 'nothing half-stored');
});

test('an end-user can attach an upload to their own request', async () => {
	const t = await createTicket({ requester_id: fx.enda.id });
	const up = expectStatus(await upload(endA, 'photo.png', 'PNGDATA', 'image/png'), 201).upload;
	expectStatus(await endA.put(`/api/v2/requests/${t.id}`,
		{ request: { comment: { body: 'photo', uploads: [up.token] } } }), 200);
	const comments = expectStatus(await endA.get(`/api/v2/requests/${t.id}/comments`), 200).comments;
	assert.equal(comments[comments.length - 1].attachments[0].file_name, 'photo.png');
});

test('bad uploads are refused', async () => {
	expectError(await admin.req('POST', '/api/v2/uploads', Buffer.from('x')), 422);
	expectError(await upload(admin, 'a'.repeat(300), 'x'), 422);
	const t = await createTicket();
	expectError(await admin.put(`/api/v2/tickets/${t.id}`,
		{ ticket: { comment: { body: 'x', uploads: 'nope' } } }), 422);
	expectError(await admin.put(`/api/v2/tickets/${t.id}`,
		{ ticket: { comment: { body: 'x', uploads: ['no-such-token'] } } }), 422);
});
