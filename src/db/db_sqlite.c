/*
 * db_sqlite.c — the SQLite backend of db.h.
 *
 * Each connection: WAL, synchronous=FULL unless relaxed, foreign keys on, a busy timeout,
 * and a small cache of prepared statements keyed by SQL text (prepared once per connection).
 * Writes use BEGIN IMMEDIATE so two writers never deadlock on a lock upgrade.
 */
#include "db/db.h"
#include "db/db_int.h"
#include "util/log.h"
#include "util/text.h"
#include "util/timeutil.h"
#include <pthread.h>
#include <sqlite3.h>

/*
 * Writers in this process take this lock before BEGIN IMMEDIATE: threads queue on a mutex
 * (woken the moment the lock frees) instead of in SQLite's busy handler, which sleeps and
 * retries. Other processes (the CLI, `helpo mail-in`) still meet the busy timeout.
 */
static pthread_mutex_t write_lock = PTHREAD_MUTEX_INITIALIZER;

#define STMT_CACHE 128

struct db_stmt {
	sqlite3_stmt *st;
	struct db *db;
	uint64_t hash;
	bool cached;
	bool in_use;
};

struct db {
	sqlite3 *h;
	bool writing; /* holds write_lock */
	struct db_stmt cache[STMT_CACHE];
};

static int map_rc(struct db *db, int rc)
{
	switch (rc & 0xff) {
	case SQLITE_OK:
	case SQLITE_DONE: return 0;
	case SQLITE_ROW: return DB_ROW;
	case SQLITE_BUSY:
	case SQLITE_LOCKED: return HELPO_EBUSY;
	case SQLITE_CONSTRAINT: return HELPO_ECONFLICT;
	case SQLITE_NOMEM: return HELPO_ENOMEM;
	case SQLITE_TOOBIG: return HELPO_ETOOBIG;
	case SQLITE_FULL:
	case SQLITE_IOERR:
	case SQLITE_CANTOPEN: return HELPO_EIO;
	default:
		log_warn("sqlite: %s (rc=%d)", sqlite3_errmsg(db->h), rc);
		return HELPO_EDB;
	}
}

static int exec_plain(struct db *db, const char *sql)
{
	char *err = NULL;
	int rc = sqlite3_exec(db->h, sql, NULL, NULL, &err);
	if (rc != SQLITE_OK) {
		log_warn("sqlite: %s", err ? err : sqlite3_errstr(rc));
		sqlite3_free(err);
		return map_rc(db, rc);
	}
	return 0;
}

int db_open(struct db **out, const char *path, const struct db_options *opt)
{
	struct db *db = calloc(1, sizeof *db);
	int flags = opt->readonly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
	char pragmas[256];
	int rc;
	if (!db)
		return HELPO_ENOMEM;
	rc = sqlite3_open_v2(path, &db->h, flags | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		log_error("cannot open database %s: %s", path,
			  db->h ? sqlite3_errmsg(db->h) : sqlite3_errstr(rc));
		sqlite3_close(db->h);
		free(db);
		return HELPO_EIO;
	}
	sqlite3_extended_result_codes(db->h, 1);
	sqlite3_busy_timeout(db->h, opt->busy_timeout_ms);
	snprintf(pragmas, sizeof pragmas,
		 "PRAGMA journal_mode=WAL; PRAGMA synchronous=%s; PRAGMA foreign_keys=ON;"
		 "PRAGMA temp_store=MEMORY; PRAGMA cache_size=-8000;",
		 opt->synchronous_full ? "FULL" : "NORMAL");
	if (!opt->readonly && (rc = exec_plain(db, pragmas))) {
		db_close(db);
		return rc;
	}
	*out = db;
	return 0;
}

void db_close(struct db *db)
{
	if (!db)
		return;
	db_rollback(db);
	for (int i = 0; i < STMT_CACHE; i++)
		sqlite3_finalize(db->cache[i].st);
	sqlite3_close(db->h);
	free(db);
}

const char *db_engine(struct db *db)
{
	(void)db;
	return "sqlite";
}

const char *db_errmsg(struct db *db)
{
	return sqlite3_errmsg(db->h);
}

int db_changes(struct db *db)
{
	return sqlite3_changes(db->h);
}

int db_schema_version(struct db *db, int *version)
{
	int64_t v = 0;
	int rc = db_int(db, &v, "SELECT coalesce(max(version), 0) FROM schema_migrations", "");
	*version = (int)v;
	return rc;
}

int db_migrate(struct db *db, int *applied)
{
	int rc, n = 0, current = 0;
	if ((rc = exec_plain(db, "CREATE TABLE IF NOT EXISTS schema_migrations ("
				 "version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
				 "applied_at INTEGER NOT NULL)")))
		return rc;
	if ((rc = db_schema_version(db, &current)))
		return rc;
	for (const struct db_migration *m = db_sqlite_migrations; m->sql; m++) {
		if (m->version <= current)
			continue;
		if ((rc = db_begin(db)))
			return rc;
		if ((rc = exec_plain(db, m->sql)) ||
		    (rc = db_exec(db,
				  "INSERT INTO schema_migrations (version, name, applied_at) "
				  "VALUES (?, ?, ?)",
				  "isi", (int64_t)m->version, m->name, time_now_ms())) ||
		    (rc = db_commit(db))) {
			log_error("migration %s failed", m->name);
			db_rollback(db);
			return rc;
		}
		n++;
	}
	if (applied)
		*applied = n;
	return 0;
}

int db_begin(struct db *db)
{
	int rc;
	helpo_assert(!db->writing);
	pthread_mutex_lock(&write_lock);
	db->writing = true;
	if ((rc = exec_plain(db, "BEGIN IMMEDIATE"))) {
		db->writing = false;
		pthread_mutex_unlock(&write_lock);
	}
	return rc;
}

static void release_write_lock(struct db *db)
{
	if (db->writing) {
		db->writing = false;
		pthread_mutex_unlock(&write_lock);
	}
}

int db_begin_read(struct db *db)
{
	return exec_plain(db, "BEGIN");
}

int db_commit(struct db *db)
{
	int rc = exec_plain(db, "COMMIT");
	if (rc && !sqlite3_get_autocommit(db->h))
		return rc; /* still in the transaction: the caller rolls back */
	release_write_lock(db);
	return rc;
}

void db_rollback(struct db *db)
{
	if (!sqlite3_get_autocommit(db->h))
		exec_plain(db, "ROLLBACK");
	release_write_lock(db);
}

static uint64_t hash_sql(const char *s)
{
	uint64_t h = 1469598103934665603ull;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

static int prepare(struct db *db, struct db_stmt **out, const char *sql)
{
	uint64_t h = hash_sql(sql);
	struct db_stmt *slot = &db->cache[h % STMT_CACHE];
	sqlite3_stmt *st;
	int rc;
	if (slot->st && slot->hash == h && !slot->in_use &&
	    !strcmp(sqlite3_sql(slot->st), sql)) {
		slot->in_use = true;
		*out = slot;
		return 0;
	}
	rc = sqlite3_prepare_v3(db->h, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL);
	if (rc != SQLITE_OK) {
		log_warn("sqlite prepare: %s", sqlite3_errmsg(db->h));
		return map_rc(db, rc) ? map_rc(db, rc) : HELPO_EDB;
	}
	if (!slot->in_use) {
		sqlite3_finalize(slot->st);
		slot->st = st;
		slot->db = db;
		slot->hash = h;
		slot->cached = true;
		slot->in_use = true;
		*out = slot;
		return 0;
	}
	/* The slot is busy (nested use): an uncached statement, finalized by db_done. */
	slot = calloc(1, sizeof *slot);
	if (!slot) {
		sqlite3_finalize(st);
		return HELPO_ENOMEM;
	}
	slot->st = st;
	slot->db = db;
	slot->in_use = true;
	*out = slot;
	return 0;
}

static int bind_one(struct db_stmt *s, int idx, char type, int64_t i, const char *str,
		    const void *blob, size_t blen)
{
	int rc;
	switch (type) {
	case 'i': rc = sqlite3_bind_int64(s->st, idx, i); break;
	case 'I':
		rc = i ? sqlite3_bind_int64(s->st, idx, i) : sqlite3_bind_null(s->st, idx);
		break;
	case 's':
		rc = str ? sqlite3_bind_text(s->st, idx, str, -1, SQLITE_STATIC)
			 : sqlite3_bind_null(s->st, idx);
		break;
	case 'n': rc = sqlite3_bind_null(s->st, idx); break;
	case 'b': rc = sqlite3_bind_blob64(s->st, idx, blob, blen, SQLITE_STATIC); break;
	default: helpo_assert(!"bad bind type"); rc = SQLITE_MISUSE;
	}
	return rc == SQLITE_OK ? 0 : map_rc(s->db, rc);
}

int db_vquery(struct db *db, struct db_stmt **out, const char *sql, const char *fmt, va_list ap)
{
	struct db_stmt *s;
	int rc, idx = 1;
	if ((rc = prepare(db, &s, sql)))
		return rc;
	for (const char *f = fmt; *f; f++) {
		int64_t i = 0;
		const char *str = NULL;
		const void *blob = NULL;
		size_t blen = 0;
		if (*f == ' ')
			continue;
		if (*f == 'i' || *f == 'I')
			i = va_arg(ap, int64_t);
		else if (*f == 's')
			str = va_arg(ap, const char *);
		else if (*f == 'b') {
			blob = va_arg(ap, const void *);
			blen = va_arg(ap, size_t);
		}
		if ((rc = bind_one(s, idx++, *f, i, str, blob, blen))) {
			db_done(s);
			return rc;
		}
	}
	*out = s;
	return 0;
}

int db_query(struct db *db, struct db_stmt **st, const char *sql, const char *fmt, ...)
{
	va_list ap;
	int rc;
	va_start(ap, fmt);
	rc = db_vquery(db, st, sql, fmt, ap);
	va_end(ap);
	return rc;
}

int db_args_int(struct db_args *a, int64_t v)
{
	if (a->n >= DB_MAX_ARGS)
		return HELPO_ETOOBIG;
	a->v[a->n].type = 'i';
	a->v[a->n++].i = v;
	return 0;
}

int db_args_text(struct db_args *a, const char *s)
{
	if (a->n >= DB_MAX_ARGS)
		return HELPO_ETOOBIG;
	a->v[a->n].type = 's';
	a->v[a->n++].s = s;
	return 0;
}

int db_query_args(struct db *db, struct db_stmt **out, const char *sql, const struct db_args *a)
{
	struct db_stmt *s;
	int rc;
	if ((rc = prepare(db, &s, sql)))
		return rc;
	for (int k = 0; k < a->n; k++)
		if ((rc = bind_one(s, k + 1, a->v[k].type, a->v[k].i, a->v[k].s, NULL, 0))) {
			db_done(s);
			return rc;
		}
	*out = s;
	return 0;
}

int db_step(struct db_stmt *s)
{
	int rc = sqlite3_step(s->st);
	if (rc == SQLITE_ROW)
		return DB_ROW;
	if (rc == SQLITE_DONE)
		return DB_DONE;
	return map_rc(s->db, rc) ? map_rc(s->db, rc) : HELPO_EDB;
}

void db_done(struct db_stmt *s)
{
	if (!s)
		return;
	if (s->cached) {
		sqlite3_reset(s->st);
		sqlite3_clear_bindings(s->st);
		s->in_use = false;
	} else {
		sqlite3_finalize(s->st);
		free(s);
	}
}

int db_exec(struct db *db, const char *sql, const char *fmt, ...)
{
	struct db_stmt *s;
	va_list ap;
	int rc;
	va_start(ap, fmt);
	rc = db_vquery(db, &s, sql, fmt, ap);
	va_end(ap);
	if (rc)
		return rc;
	while ((rc = db_step(s)) == DB_ROW)
		;
	db_done(s);
	return rc;
}

int db_int(struct db *db, int64_t *out, const char *sql, const char *fmt, ...)
{
	struct db_stmt *s;
	va_list ap;
	int rc;
	va_start(ap, fmt);
	rc = db_vquery(db, &s, sql, fmt, ap);
	va_end(ap);
	if (rc)
		return rc;
	rc = db_step(s);
	if (rc == DB_ROW) {
		*out = sqlite3_column_int64(s->st, 0);
		rc = 0;
	} else if (rc == DB_DONE)
		rc = HELPO_ENOTFOUND;
	db_done(s);
	return rc;
}

int64_t db_col_int(struct db_stmt *s, int col)
{
	return sqlite3_column_int64(s->st, col);
}

const char *db_col_text(struct db_stmt *s, int col)
{
	return (const char *)sqlite3_column_text(s->st, col);
}

const void *db_col_blob(struct db_stmt *s, int col, size_t *len)
{
	const void *p = sqlite3_column_blob(s->st, col);
	*len = (size_t)sqlite3_column_bytes(s->st, col);
	return p;
}

bool db_col_null(struct db_stmt *s, int col)
{
	return sqlite3_column_type(s->st, col) == SQLITE_NULL;
}

/* ---- full-text search (FTS5) ---- */

static char *folded(const char *s)
{
	char *c = strdup(s ? s : "");
	if (c)
		text_fold_yo(c);
	return c;
}

int db_fts_set(struct db *db, int64_t id, const char *subject, const char *pub,
	       const char *internal)
{
	char *a = folded(subject), *b = folded(pub), *c = folded(internal);
	int rc = HELPO_ENOMEM;
	if (a && b && c) {
		rc = db_exec(db, "DELETE FROM ticket_fts WHERE rowid = ?", "i", id);
		if (!rc)
			rc = db_exec(db,
				     "INSERT INTO ticket_fts (rowid, subject, pub, internal) "
				     "VALUES (?, ?, ?, ?)",
				     "isss", id, a, b, c);
	}
	free(a);
	free(b);
	free(c);
	return rc;
}

int db_fts_append(struct db *db, int64_t id, const char *text, bool public_text)
{
	char *t = folded(text);
	int rc;
	if (!t)
		return HELPO_ENOMEM;
	rc = db_exec(db,
		     public_text
			     ? "UPDATE ticket_fts SET pub = pub || char(10) || ? WHERE rowid = ?"
			     : "UPDATE ticket_fts SET internal = internal || char(10) || ? "
			       "WHERE rowid = ?",
		     "si", t, id);
	free(t);
	return rc;
}

int db_fts_subject(struct db *db, int64_t id, const char *subject)
{
	char *t = folded(subject);
	int rc;
	if (!t)
		return HELPO_ENOMEM;
	rc = db_exec(db, "UPDATE ticket_fts SET subject = ? WHERE rowid = ?", "si", t, id);
	free(t);
	return rc;
}

int db_fts_delete(struct db *db, int64_t id)
{
	return db_exec(db, "DELETE FROM ticket_fts WHERE rowid = ?", "i", id);
}

/*
 * Turns free text into an FTS5 query that cannot carry FTS5 syntax: every word becomes a
 * quoted string with a prefix star ("word"*), joined by implicit AND. A word is a run of
 * letters/digits (any non-ASCII byte counts as a letter); everything else separates words.
 */
int db_fts_match(struct db *db, struct buf *sql, const char *id_expr, const char *words,
		 bool public_only, struct buf *param)
{
	const unsigned char *p = (const unsigned char *)words;
	int n = 0, rc;
	(void)db;
	buf_reset(param);
	if (public_only && (rc = buf_adds(param, "{subject pub} : (")))
		return rc;
	while (*p) {
		const unsigned char *start;
		while (*p && !(*p >= 0x80 || (*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'z') ||
			       (*p >= 'A' && *p <= 'Z')))
			p++;
		start = p;
		while (*p >= 0x80 || (*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'z') ||
		       (*p >= 'A' && *p <= 'Z'))
			p++;
		if (p == start)
			continue;
		if (n++ && (rc = buf_addc(param, ' ')))
			return rc;
		if ((rc = buf_addc(param, '"')) ||
		    (rc = buf_add(param, start, (size_t)(p - start))) ||
		    (rc = buf_adds(param, "\"*")))
			return rc;
	}
	if (!n)
		return HELPO_EINVAL;
	if (public_only && (rc = buf_addc(param, ')')))
		return rc;
	text_fold_yo(param->data);
	return buf_addf(sql, "%s IN (SELECT rowid FROM ticket_fts WHERE ticket_fts MATCH ?)",
			id_expr);
}

int db_backup(struct db *db, const char *path)
{
	sqlite3 *dst;
	sqlite3_backup *b;
	int rc = sqlite3_open_v2(path, &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
	if (rc != SQLITE_OK) {
		log_error("backup: cannot create %s: %s", path, sqlite3_errstr(rc));
		sqlite3_close(dst);
		return HELPO_EIO;
	}
	b = sqlite3_backup_init(dst, "main", db->h, "main");
	if (!b) {
		log_error("backup: %s", sqlite3_errmsg(dst));
		sqlite3_close(dst);
		return HELPO_EIO;
	}
	do {
		rc = sqlite3_backup_step(b, 256);
		if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
			sqlite3_sleep(20);
	} while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
	sqlite3_backup_finish(b);
	if (rc == SQLITE_DONE)
		rc = sqlite3_exec(dst, "PRAGMA journal_mode=DELETE", NULL, NULL, NULL);
	sqlite3_close(dst);
	if (rc != SQLITE_OK) {
		log_error("backup: %s", sqlite3_errstr(rc));
		return HELPO_EIO;
	}
	return 0;
}
