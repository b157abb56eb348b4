-- 0004_views_macros.sql — views (saved ticket lists defined by conditions) and macros (canned
-- replies that set fields and insert text), both in Zendesk's shape, plus the shared ones every
-- desk starts with. restriction_user_id NULL = shared; otherwise personal to that user.
-- conditions / execution / actions are JSON text validated by src/desk/view.c and macro.c.

CREATE TABLE views (
	id INTEGER PRIMARY KEY,
	title TEXT NOT NULL,
	description TEXT NOT NULL DEFAULT '',
	restriction_user_id INTEGER REFERENCES users(id) ON DELETE CASCADE,
	conditions TEXT NOT NULL DEFAULT '{"all":[],"any":[]}',  -- JSON {all: [...], any: [...]}
	execution TEXT NOT NULL DEFAULT '{"sort_by":"id","sort_order":"asc"}', -- JSON
	position INTEGER NOT NULL DEFAULT 0,
	active INTEGER NOT NULL DEFAULT 1,
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL
);
CREATE INDEX views_restriction ON views(restriction_user_id, position, id);

CREATE TABLE macros (
	id INTEGER PRIMARY KEY,
	title TEXT NOT NULL,
	title_key TEXT NOT NULL,                 -- folded title (case, diacritics, ё→е), for search
	description TEXT NOT NULL DEFAULT '',
	restriction_user_id INTEGER REFERENCES users(id) ON DELETE CASCADE,
	actions TEXT NOT NULL DEFAULT '[]',      -- JSON [{field, value}]
	position INTEGER NOT NULL DEFAULT 0,
	active INTEGER NOT NULL DEFAULT 1,
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL
);
CREATE INDEX macros_restriction ON macros(restriction_user_id, position, id);

-- The six shared views of the agent workspace (ids 1-6; the app translates their titles by id
-- with the keys agent.view.1 ... agent.view.6).
INSERT INTO views (id, title, description, conditions, execution, position, created_at,
	updated_at) VALUES
(1, 'My open tickets', 'Unsolved tickets assigned to me',
	'{"all":[{"field":"assignee_id","operator":"is","value":"current_user"},{"field":"status","operator":"less_than","value":"solved"}],"any":[]}',
	'{"sort_by":"updated_at","sort_order":"desc"}', 1,
	CAST(strftime('%s', 'now') AS INTEGER) * 1000, CAST(strftime('%s', 'now') AS INTEGER) * 1000),
(2, 'Unassigned tickets in my groups', 'Unsolved tickets of my groups that nobody has taken',
	'{"all":[{"field":"assignee_id","operator":"is","value":""},{"field":"group_id","operator":"is","value":"current_groups"},{"field":"status","operator":"less_than","value":"solved"}],"any":[]}',
	'{"sort_by":"created_at","sort_order":"asc"}', 2,
	CAST(strftime('%s', 'now') AS INTEGER) * 1000, CAST(strftime('%s', 'now') AS INTEGER) * 1000),
(3, 'All open tickets in my groups', 'Unsolved tickets of my groups',
	'{"all":[{"field":"group_id","operator":"is","value":"current_groups"},{"field":"status","operator":"less_than","value":"solved"}],"any":[]}',
	'{"sort_by":"updated_at","sort_order":"desc"}', 3,
	CAST(strftime('%s', 'now') AS INTEGER) * 1000, CAST(strftime('%s', 'now') AS INTEGER) * 1000),
(4, 'Pending', 'Tickets waiting for the requester',
	'{"all":[{"field":"status","operator":"is","value":"pending"}],"any":[]}',
	'{"sort_by":"updated_at","sort_order":"desc"}', 4,
	CAST(strftime('%s', 'now') AS INTEGER) * 1000, CAST(strftime('%s', 'now') AS INTEGER) * 1000),
(5, 'On hold', 'Tickets waiting for a third party',
	'{"all":[{"field":"status","operator":"is","value":"hold"}],"any":[]}',
	'{"sort_by":"updated_at","sort_order":"desc"}', 5,
	CAST(strftime('%s', 'now') AS INTEGER) * 1000, CAST(strftime('%s', 'now') AS INTEGER) * 1000),
(6, 'Recently solved', 'Solved tickets, most recently updated first',
	'{"all":[{"field":"status","operator":"is","value":"solved"}],"any":[]}',
	'{"sort_by":"updated_at","sort_order":"desc"}', 6,
	CAST(strftime('%s', 'now') AS INTEGER) * 1000, CAST(strftime('%s', 'now') AS INTEGER) * 1000);

-- Shared macros for a fresh desk (titles in English; admins rename or translate them).
INSERT INTO macros (id, title, title_key, description, actions, position, created_at,
	updated_at) VALUES
(1, 'Close and thank', 'close and thank', 'Public thank-you reply and solve the ticket',
	'[{"field":"status","value":"solved"},{"field":"comment_mode_is_public","value":true},{"field":"comment_value","value":"Hi {{ticket.requester.first_name}},\n\nThank you for contacting us. We consider this request solved; just reply to this message if anything is still not right.\n\nBest regards,\n{{current_user.name}}"}]',
	1, CAST(strftime('%s', 'now') AS INTEGER) * 1000, CAST(strftime('%s', 'now') AS INTEGER) * 1000),
(2, 'Ask for details', 'ask for details', 'Ask the requester for more information and wait',
	'[{"field":"status","value":"pending"},{"field":"comment_mode_is_public","value":true},{"field":"comment_value","value":"Hi {{ticket.requester.first_name}},\n\nThank you for your message about \"{{ticket.title}}\". To help you further, could you tell us a bit more: what exactly happens, since when, and what you expected instead? A screenshot helps too.\n\nBest regards,\n{{current_user.name}}"}]',
	2, CAST(strftime('%s', 'now') AS INTEGER) * 1000, CAST(strftime('%s', 'now') AS INTEGER) * 1000),
(3, 'Escalate to Technical', 'escalate to technical', 'Raise the priority and hand over to the technical team with an internal note',
	'[{"field":"priority","value":"high"},{"field":"current_tags","value":"escalated"},{"field":"comment_mode_is_public","value":false},{"field":"comment_value","value":"Escalated by {{current_user.name}}: ticket #{{ticket.id}} needs a technical look. Requester: {{ticket.requester.name}} <{{ticket.requester.email}}>."}]',
	3, CAST(strftime('%s', 'now') AS INTEGER) * 1000, CAST(strftime('%s', 'now') AS INTEGER) * 1000),
(4, 'Take it', 'take it', 'Assign the ticket to me and open it',
	'[{"field":"assignee_id","value":"current_user"},{"field":"status","value":"open"}]',
	4, CAST(strftime('%s', 'now') AS INTEGER) * 1000, CAST(strftime('%s', 'now') AS INTEGER) * 1000);
