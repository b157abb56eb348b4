-- 0005_portal.sql — the customer portal: one-time sign-in links (stored hashed), the log of
-- portal mail per address (at most one confirmation / sign-in mail per address per window),
-- and template values for outbox rows that carry more than the ticket (the sign-in link).

-- A sign-in link e-mailed to a customer: the SHA-256 (hex) of the token, never the token.
-- Valid once (used_at set in the transaction that signs in) until expires_at.
CREATE TABLE portal_login_tokens (
	id INTEGER PRIMARY KEY,
	token_hash TEXT NOT NULL UNIQUE,
	user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	return_to TEXT NOT NULL DEFAULT '/',     -- local path to open after signing in
	created_at INTEGER NOT NULL,
	expires_at INTEGER NOT NULL,
	used_at INTEGER
);
CREATE INDEX portal_login_tokens_user ON portal_login_tokens(user_id);

-- Portal mail queued per address (lower-cased), for the one-mail-per-window rule.
CREATE TABLE portal_mail_log (
	address TEXT NOT NULL,
	kind TEXT NOT NULL,                      -- portal_confirm | portal_signin
	sent_at INTEGER NOT NULL
);
CREATE INDEX portal_mail_log_address ON portal_mail_log(address, sent_at);

-- Template values of an outbox row beyond its ticket (JSON object of strings, e.g.
-- {"link": "...", "locale": "lv"}); NULL for the mail desk/notify.c queues.
ALTER TABLE outbox ADD COLUMN vars TEXT;
