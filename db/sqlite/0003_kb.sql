-- 0003_kb.sql — the knowledge base (Zendesk Help Center): categories contain sections, sections
-- contain articles; every one of them has per-locale translations (en, lv, lt, ru, eo) holding
-- the text. Articles are written in Markdown; body_html is the sanitized rendering. Votes (one
-- per signed-in user or per anonymous voter key), view counts, deflection records (a suggested
-- article opened from the request form), and an FTS5 index over article translations.

CREATE TABLE kb_categories (
	id INTEGER PRIMARY KEY,
	position INTEGER NOT NULL DEFAULT 0,
	source_locale TEXT NOT NULL DEFAULT 'en',
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL
);

CREATE TABLE kb_sections (
	id INTEGER PRIMARY KEY,
	category_id INTEGER NOT NULL REFERENCES kb_categories(id) ON DELETE CASCADE,
	position INTEGER NOT NULL DEFAULT 0,
	source_locale TEXT NOT NULL DEFAULT 'en',
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL
);
CREATE INDEX kb_sections_category ON kb_sections(category_id, position, id);

CREATE TABLE kb_articles (
	id INTEGER PRIMARY KEY,
	section_id INTEGER NOT NULL REFERENCES kb_sections(id) ON DELETE CASCADE,
	author_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
	source_locale TEXT NOT NULL DEFAULT 'en',
	position INTEGER NOT NULL DEFAULT 0,
	promoted INTEGER NOT NULL DEFAULT 0,
	label_names TEXT NOT NULL DEFAULT '[]',  -- JSON array (the kb_labels rows, for reading)
	vote_sum INTEGER NOT NULL DEFAULT 0,     -- up votes minus down votes
	vote_count INTEGER NOT NULL DEFAULT 0,
	view_count INTEGER NOT NULL DEFAULT 0,
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL
);
CREATE INDEX kb_articles_section ON kb_articles(section_id, position, id);

-- The text of a category, section or article in one locale. For categories and sections,
-- title is the name and body_markdown/body_html the description. An article (or its
-- translation) is public when draft = 0.
CREATE TABLE kb_translations (
	id INTEGER PRIMARY KEY,
	kind TEXT NOT NULL CHECK (kind IN ('category', 'section', 'article')),
	source_id INTEGER NOT NULL,
	locale TEXT NOT NULL CHECK (locale IN ('en', 'lv', 'lt', 'ru', 'eo')),
	title TEXT NOT NULL,
	body_markdown TEXT NOT NULL DEFAULT '',
	body_html TEXT NOT NULL DEFAULT '',      -- sanitized rendering of body_markdown
	body_text TEXT NOT NULL DEFAULT '',      -- plain text (snippets, meta description)
	draft INTEGER NOT NULL DEFAULT 0,
	outdated INTEGER NOT NULL DEFAULT 0,
	author_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL,
	UNIQUE (kind, source_id, locale)
);
CREATE INDEX kb_translations_locale ON kb_translations(kind, locale, draft, source_id);

CREATE TABLE kb_labels (
	article_id INTEGER NOT NULL REFERENCES kb_articles(id) ON DELETE CASCADE,
	name TEXT NOT NULL,
	PRIMARY KEY (article_id, name)
) WITHOUT ROWID;
CREATE INDEX kb_labels_name ON kb_labels(name, article_id);

-- One vote per article and voter: a signed-in user (user_id) or an anonymous visitor
-- (voter_key: SHA-256 hex of the visitor cookie). value is +1 or -1.
CREATE TABLE kb_votes (
	id INTEGER PRIMARY KEY,
	article_id INTEGER NOT NULL REFERENCES kb_articles(id) ON DELETE CASCADE,
	user_id INTEGER REFERENCES users(id) ON DELETE CASCADE,
	voter_key TEXT,
	ip TEXT,                                 -- for the per-address cap on anonymous votes
	value INTEGER NOT NULL CHECK (value IN (1, -1)),
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL,
	CHECK ((user_id IS NULL) <> (voter_key IS NULL))
);
CREATE UNIQUE INDEX kb_votes_user ON kb_votes(article_id, user_id) WHERE user_id IS NOT NULL;
CREATE UNIQUE INDEX kb_votes_key ON kb_votes(article_id, voter_key) WHERE voter_key IS NOT NULL;
CREATE INDEX kb_votes_ip ON kb_votes(article_id, ip, created_at);

-- An article opened from the request form's suggestions (?deflect=TOKEN). ticket_id is set
-- when the same form was then submitted; an open without a ticket counts as deflected.
CREATE TABLE kb_deflections (
	id INTEGER PRIMARY KEY,
	token TEXT NOT NULL,
	article_id INTEGER NOT NULL REFERENCES kb_articles(id) ON DELETE CASCADE,
	query TEXT NOT NULL DEFAULT '',
	ticket_id INTEGER,
	created_at INTEGER NOT NULL,
	submitted_at INTEGER,
	UNIQUE (token, article_id)
);
CREATE INDEX kb_deflections_article ON kb_deflections(article_id);
CREATE INDEX kb_deflections_created ON kb_deflections(created_at);

-- Full-text index over article translations (rowid = kb_translations.id): title and the plain
-- text of the body, ё folded to е before indexing (as for ticket_fts).
CREATE VIRTUAL TABLE kb_fts USING fts5(title, body,
	tokenize = 'unicode61 remove_diacritics 2');
