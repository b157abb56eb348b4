-- 0002_mail.sql — the e-mail channel: mailboxes (support addresses), the ingest ledger that
-- makes every accepted message count exactly once, quarantine, attachments, collaborators,
-- the outbox of mail to send, and install-wide secrets (for signed ticket tags).

CREATE TABLE mailboxes (                     -- Zendesk: recipient_addresses
	id INTEGER PRIMARY KEY,
	email TEXT NOT NULL UNIQUE,              -- lower-cased support address
	name TEXT NOT NULL DEFAULT '',           -- sender name on outgoing mail
	group_id INTEGER REFERENCES groups(id) ON DELETE SET NULL,
	signature TEXT NOT NULL DEFAULT '',
	locale TEXT NOT NULL DEFAULT 'en',       -- language of notifications
	is_default INTEGER NOT NULL DEFAULT 0,
	send_ack INTEGER NOT NULL DEFAULT 0,     -- acknowledge new tickets by mail
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL
);

-- One row per message accepted from the spool. ingest_id is the SHA-256 of the raw bytes:
-- the same message delivered, replayed or re-polled twice commits once.
CREATE TABLE mail_ingest (
	id INTEGER PRIMARY KEY,
	ingest_id TEXT NOT NULL UNIQUE,
	message_id TEXT,                         -- the message's own Message-ID (no <>)
	mailbox_id INTEGER,
	ticket_id INTEGER,
	comment_id INTEGER,
	outcome TEXT NOT NULL,                   -- ticket | comment | review | bounce | ignored
	detail TEXT NOT NULL DEFAULT '',
	created_at INTEGER NOT NULL
);
CREATE INDEX mail_ingest_message ON mail_ingest(message_id);

-- Every Message-ID known on a ticket (received or sent), for In-Reply-To/References threading.
CREATE TABLE mail_threads (
	message_id TEXT PRIMARY KEY,
	ticket_id INTEGER NOT NULL REFERENCES tickets(id) ON DELETE CASCADE,
	created_at INTEGER NOT NULL
) WITHOUT ROWID;

-- Messages that failed processing repeatedly: kept whole, visible to admins, retryable.
CREATE TABLE mail_quarantine (
	id INTEGER PRIMARY KEY,
	ingest_id TEXT NOT NULL UNIQUE,
	mailbox TEXT,                            -- address it was delivered for, if known
	reason TEXT NOT NULL,
	attempts INTEGER NOT NULL DEFAULT 0,
	raw BLOB NOT NULL,
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL
);

CREATE TABLE attachments (
	id INTEGER PRIMARY KEY,
	ticket_id INTEGER REFERENCES tickets(id) ON DELETE CASCADE,
	comment_id INTEGER REFERENCES comments(id) ON DELETE CASCADE,
	upload_token TEXT,                       -- API uploads not yet attached to a comment
	uploader_id INTEGER,
	file_name TEXT NOT NULL,                 -- display only; never used as a path
	content_type TEXT NOT NULL,
	size INTEGER NOT NULL,
	sha256 TEXT NOT NULL,
	content_id TEXT,                         -- for inline images (cid:)
	is_inline INTEGER NOT NULL DEFAULT 0,
	data BLOB NOT NULL,
	created_at INTEGER NOT NULL
);
CREATE INDEX attachments_comment ON attachments(comment_id);
CREATE INDEX attachments_upload ON attachments(upload_token);

-- People copied on a ticket (CC on e-mail): they receive public replies and may reply.
CREATE TABLE ticket_collaborators (
	ticket_id INTEGER NOT NULL REFERENCES tickets(id) ON DELETE CASCADE,
	user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	PRIMARY KEY (ticket_id, user_id)
) WITHOUT ROWID;

-- Mail to send, written in the same transaction as the change that causes it, sent by the
-- outbound worker. The Message-ID is fixed here so retries send the same message.
CREATE TABLE outbox (
	id INTEGER PRIMARY KEY,
	kind TEXT NOT NULL,                      -- reply | ack | notify_new | notify_assign
	ticket_id INTEGER REFERENCES tickets(id) ON DELETE CASCADE,
	comment_id INTEGER,
	mailbox_id INTEGER,
	recipients TEXT NOT NULL,                -- JSON array of e-mail addresses
	message_id TEXT NOT NULL UNIQUE,         -- ours, without <>
	automatic INTEGER NOT NULL DEFAULT 0,    -- RFC 3834 auto-replied (ack)
	status TEXT NOT NULL DEFAULT 'queued',   -- queued | sending | sent | failed
	attempts INTEGER NOT NULL DEFAULT 0,
	next_attempt_at INTEGER NOT NULL,
	last_error TEXT,
	created_at INTEGER NOT NULL,
	sent_at INTEGER
);
CREATE INDEX outbox_due ON outbox(status, next_attempt_at);

-- Automatic mail sent per address, for the hourly/daily caps.
CREATE TABLE auto_replies (
	address TEXT NOT NULL,
	sent_at INTEGER NOT NULL
);
CREATE INDEX auto_replies_address ON auto_replies(address, sent_at);

-- Install-wide secrets and values (e.g. the key that signs ticket tags in subjects).
CREATE TABLE settings (
	name TEXT PRIMARY KEY,
	value TEXT NOT NULL
) WITHOUT ROWID;

ALTER TABLE users ADD COLUMN notify_new_tickets INTEGER NOT NULL DEFAULT 1;
ALTER TABLE users ADD COLUMN notify_assignments INTEGER NOT NULL DEFAULT 1;
ALTER TABLE comments ADD COLUMN flags TEXT NOT NULL DEFAULT '';  -- e.g. "review", "bounce"

-- IMAP accounts polled by `helpo serve`. The password is needed to log in, so it is stored
-- (the data directory is 0700); it is never shown by the API or logs.
CREATE TABLE imap_accounts (
	id INTEGER PRIMARY KEY,
	url TEXT NOT NULL,                       -- imap://host:port/INBOX or imaps://...
	username TEXT NOT NULL,
	password TEXT NOT NULL,
	mailbox_id INTEGER REFERENCES mailboxes(id) ON DELETE SET NULL,
	starttls INTEGER NOT NULL DEFAULT 0,     -- require STARTTLS on imap://
	ca_file TEXT,                            -- extra CA bundle (self-signed servers)
	uidvalidity INTEGER,                     -- last seen UIDVALIDITY
	last_uid INTEGER NOT NULL DEFAULT 0,     -- highest UID committed
	enabled INTEGER NOT NULL DEFAULT 1,
	last_error TEXT,
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL
);
