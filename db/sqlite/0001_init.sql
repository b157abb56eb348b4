-- 0001_init.sql — the core schema: people, organizations, groups, tickets, comments, tags,
-- the event log, credentials. Times are integer milliseconds since the epoch (UTC).

CREATE TABLE organizations (
	id INTEGER PRIMARY KEY,
	name TEXT NOT NULL,
	name_key TEXT NOT NULL UNIQUE,          -- lower-cased name, for uniqueness
	details TEXT,
	notes TEXT,
	external_id TEXT,
	domain_names TEXT NOT NULL DEFAULT '[]', -- JSON array
	tags TEXT NOT NULL DEFAULT '[]',         -- JSON array
	group_id INTEGER REFERENCES groups(id) ON DELETE SET NULL,
	shared_tickets INTEGER NOT NULL DEFAULT 0,
	shared_comments INTEGER NOT NULL DEFAULT 0,
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL
);

CREATE TABLE users (
	id INTEGER PRIMARY KEY,
	role TEXT NOT NULL CHECK (role IN ('end-user', 'agent', 'admin')),
	name TEXT NOT NULL,
	email TEXT UNIQUE,                      -- lower-cased; NULL allowed (e.g. chat visitors)
	locale TEXT NOT NULL DEFAULT 'en',
	time_zone TEXT NOT NULL DEFAULT 'UTC',
	phone TEXT,
	details TEXT,
	notes TEXT,
	external_id TEXT,
	tags TEXT NOT NULL DEFAULT '[]',
	organization_id INTEGER REFERENCES organizations(id) ON DELETE SET NULL,
	default_group_id INTEGER REFERENCES groups(id) ON DELETE SET NULL,
	password_hash TEXT,
	active INTEGER NOT NULL DEFAULT 1,
	suspended INTEGER NOT NULL DEFAULT 0,
	verified INTEGER NOT NULL DEFAULT 0,
	last_login_at INTEGER,
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL
);
CREATE INDEX users_org ON users(organization_id);
CREATE INDEX users_role ON users(role, id);

CREATE TABLE groups (
	id INTEGER PRIMARY KEY,
	name TEXT NOT NULL,
	name_key TEXT NOT NULL UNIQUE,
	description TEXT NOT NULL DEFAULT '',
	is_public INTEGER NOT NULL DEFAULT 1,
	is_default INTEGER NOT NULL DEFAULT 0,
	deleted INTEGER NOT NULL DEFAULT 0,
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL
);

CREATE TABLE group_memberships (
	id INTEGER PRIMARY KEY,
	group_id INTEGER NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
	user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	is_default INTEGER NOT NULL DEFAULT 0,
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL,
	UNIQUE (user_id, group_id)
);
CREATE INDEX group_memberships_group ON group_memberships(group_id);

CREATE TABLE tickets (
	id INTEGER PRIMARY KEY,
	subject TEXT NOT NULL DEFAULT '',
	description TEXT NOT NULL DEFAULT '',   -- the first comment's body
	status TEXT NOT NULL DEFAULT 'new'
		CHECK (status IN ('new', 'open', 'pending', 'hold', 'solved', 'closed')),
	priority TEXT CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
	type TEXT CHECK (type IN ('question', 'incident', 'problem', 'task')),
	via TEXT NOT NULL DEFAULT 'api',
	requester_id INTEGER NOT NULL REFERENCES users(id),
	submitter_id INTEGER NOT NULL REFERENCES users(id),
	assignee_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
	group_id INTEGER REFERENCES groups(id) ON DELETE SET NULL,
	organization_id INTEGER REFERENCES organizations(id) ON DELETE SET NULL,
	tags TEXT NOT NULL DEFAULT '[]',         -- JSON array; ticket_tags is the index
	custom_fields TEXT NOT NULL DEFAULT '[]',-- JSON array of {id, value}
	external_id TEXT,
	due_at INTEGER,
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL,
	solved_at INTEGER
);
CREATE INDEX tickets_group_status ON tickets(group_id, status, id);
CREATE INDEX tickets_status ON tickets(status, id);
CREATE INDEX tickets_requester ON tickets(requester_id, id);
CREATE INDEX tickets_assignee ON tickets(assignee_id, status, id);
CREATE INDEX tickets_org ON tickets(organization_id, id);
CREATE INDEX tickets_updated ON tickets(updated_at, id);
CREATE INDEX tickets_created ON tickets(created_at, id);
-- "newest open tickets of a group" (views, search order_by:created) without a sort
CREATE INDEX tickets_group_status_created ON tickets(group_id, status, created_at);
CREATE INDEX tickets_status_created ON tickets(status, created_at);

CREATE TABLE ticket_tags (
	ticket_id INTEGER NOT NULL REFERENCES tickets(id) ON DELETE CASCADE,
	tag TEXT NOT NULL,
	PRIMARY KEY (ticket_id, tag)
) WITHOUT ROWID;
CREATE INDEX ticket_tags_tag ON ticket_tags(tag, ticket_id);

CREATE TABLE comments (
	id INTEGER PRIMARY KEY,
	ticket_id INTEGER NOT NULL REFERENCES tickets(id) ON DELETE CASCADE,
	author_id INTEGER NOT NULL REFERENCES users(id),
	public INTEGER NOT NULL DEFAULT 1,
	body TEXT NOT NULL,
	html_body TEXT,                          -- sanitized HTML, when the comment came as HTML
	via TEXT NOT NULL DEFAULT 'api',
	message_id TEXT,                         -- e-mail Message-ID, for threading
	created_at INTEGER NOT NULL
);
CREATE INDEX comments_ticket ON comments(ticket_id, id);

-- The event log: audit trail, metric source, job outbox and realtime feed.
CREATE TABLE events (
	id INTEGER PRIMARY KEY,
	ticket_id INTEGER,                       -- NULL for events about users, orgs, groups
	actor_id INTEGER,                        -- NULL for the system
	kind TEXT NOT NULL,                      -- e.g. ticket.created, ticket.updated, comment.added
	payload TEXT NOT NULL DEFAULT '{}',      -- JSON
	created_at INTEGER NOT NULL
);
CREATE INDEX events_ticket ON events(ticket_id, id);

CREATE TABLE api_tokens (
	id INTEGER PRIMARY KEY,
	user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	token_hash TEXT NOT NULL UNIQUE,         -- SHA-256 hex of the token; the token is never stored
	description TEXT NOT NULL DEFAULT '',
	created_at INTEGER NOT NULL,
	last_used_at INTEGER
);

CREATE TABLE sessions (
	id INTEGER PRIMARY KEY,
	user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	token_hash TEXT NOT NULL UNIQUE,         -- SHA-256 hex of the cookie value
	csrf_token TEXT NOT NULL,
	created_at INTEGER NOT NULL,
	expires_at INTEGER NOT NULL
);

CREATE TABLE idempotency_keys (
	user_id INTEGER NOT NULL,
	key TEXT NOT NULL,
	ticket_id INTEGER NOT NULL,
	created_at INTEGER NOT NULL,
	PRIMARY KEY (user_id, key)
) WITHOUT ROWID;

-- Full-text index over ticket subjects and comments: one row per ticket (rowid = ticket id).
-- `pub` holds public comments, `internal` internal notes (never matched for end-users).
CREATE VIRTUAL TABLE ticket_fts USING fts5(subject, pub, internal,
	tokenize = 'unicode61 remove_diacritics 2');
