/*
 * db_sqlite.c — the SQLite backend of db.h.
 *
 * Each connection: WAL, synchronous=FULL unless relaxed, foreign keys on, a busy timeout,
 * and a small cache of prepared statements keyed by SQL text (prepared once per connection).
 *
 * Writes use group commit. All writers of one database in this process share one writer
 * connection. A write transaction (db_begin .. db_commit) runs as a SAVEPOINT inside a group
 * transaction (BEGIN IMMEDIATE) on that connection, one writer at a time; when a writer finishes
 * and another is already waiting, it hands the open group on instead of committing, and the
 * last writer of the group commits all of them with one fsync. db_commit returns only after
 * the group is durable, so every caller still gets "committed means on disk". A writer whose
 * work fails rolls back only its own savepoint. Other processes (the CLI, `helpo mail-in`)
 * meet SQLite's busy timeout as usual.
 */
#include "db/db.h"
#include "db/db_int.h"
#include "util/log.h"
#include "util/text.h"
#include "util/timeutil.h"
#include <limits.h>
#include <pthread.h>
#include <sqlite3.h>

#define STMT_CACHE 128
#define GROUP_MAX 64    /* writers committed by one fsync at most */
#define RESULT_RING 256 /* outcomes of recent groups, for writers waiting on them */

struct conn;

struct db_stmt {
	sqlite3_stmt *st;
	struct conn *c;
	uint64_t hash;
	bool cached;
	bool in_use;
};

/* One SQLite handle and its statement cache. */
struct conn {
	sqlite3 *h;
	struct db_stmt cache[STMT_CACHE];
};

/* The shared writer of one database file, and its group-commit state (under mu). */
struct writer {
	char path[PATH_MAX];
	int refs;
	struct writer *next;
	struct conn conn;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int waiting;    /* writers waiting for their turn */
	bool busy;      /* a writer has its turn (uses conn) */
	bool open;      /* a group transaction is open */
	int members;    /* finished writers in the open group */
	int sync_waiters; /* finished writers sleeping until their group is durable */
	uint64_t gen;   /* number of the open (or last) group */
	uint64_t done;  /* last group that finished */
	int result[RESULT_RING]; /* outcome of group g at [g % RESULT_RING] */
};

struct db {
	struct conn own;   /* this thread's connection: reads, and writes without a writer */
	struct conn *cur;  /* own, or the writer's during a write transaction */
	struct writer *w;  /* NULL for read-only connections */
	bool writing;
	uint64_t gen;      /* group of the current write transaction */
	bool defer;        /* db_commit does not wait for durability (see db_defer_commits) */
	uint64_t pending;  /* group holding this connection's deferred commits, 0 if none */
};

static pthread_mutex_t writers_mu = PTHREAD_MUTEX_INITIALIZER;
static struct writer *writers;

static int map_rc(struct conn *c, int rc)
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
		log_warn("sqlite: %s (rc=%d)", sqlite3_errmsg(c->h), rc);
		return HELPO_EDB;
	}
}

static int conn_exec(struct conn *c, const char *sql)
{
	char *err = NULL;
	int rc = sqlite3_exec(c->h, sql, NULL, NULL, &err);
	if (rc != SQLITE_OK) {
		log_warn("sqlite: %s", err ? err : sqlite3_errstr(rc));
		sqlite3_free(err);
		return map_rc(c, rc);
	}
	return 0;
}

static int exec_plain(struct db *db, const char *sql)
{
	return conn_exec(db->cur, sql);
}

static int conn_open(struct conn *c, const char *path, const struct db_options *opt)
{
	int flags = opt->readonly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
	char pragmas[256];
	int rc = sqlite3_open_v2(path, &c->h, flags | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		log_error("cannot open database %s: %s", path,
			  c->h ? sqlite3_errmsg(c->h) : sqlite3_errstr(rc));
		sqlite3_close(c->h);
		c->h = NULL;
		return HELPO_EIO;
	}
	sqlite3_extended_result_codes(c->h, 1);
	sqlite3_busy_timeout(c->h, opt->busy_timeout_ms);
	/* a small page cache per connection: the OS caches the file; RSS stays low */
	snprintf(pragmas, sizeof pragmas,
		 "PRAGMA journal_mode=WAL; PRAGMA synchronous=%s; PRAGMA foreign_keys=ON;"
		 "PRAGMA temp_store=MEMORY; PRAGMA cache_size=-2000;",
		 opt->synchronous_full ? "FULL" : "NORMAL");
	if (!opt->readonly && (rc = conn_exec(c, pragmas)))
		return rc;
	return 0;
}

static void conn_close(struct conn *c)
{
	for (int i = 0; i < STMT_CACHE; i++)
		sqlite3_finalize(c->cache[i].st);
	sqlite3_close(c->h);
	memset(c, 0, sizeof *c);
}

/* Finds or opens the shared writer of path (by its real path). */
static int writer_get(const char *path, const struct db_options *opt, struct writer **out)
{
	char real[PATH_MAX];
	struct writer *w;
	int rc;
	if (!realpath(path, real))
		snprintf(real, sizeof real, "%s", path);
	pthread_mutex_lock(&writers_mu);
	for (w = writers; w; w = w->next)
		if (!strcmp(w->path, real))
			break;
	if (w) {
		w->refs++;
		pthread_mutex_unlock(&writers_mu);
		*out = w;
		return 0;
	}
	w = calloc(1, sizeof *w);
	if (!w) {
		pthread_mutex_unlock(&writers_mu);
		return HELPO_ENOMEM;
	}
	snprintf(w->path, sizeof w->path, "%s", real);
	if ((rc = conn_open(&w->conn, real, opt))) {
		conn_close(&w->conn);
		free(w);
		pthread_mutex_unlock(&writers_mu);
		return rc;
	}
	pthread_mutex_init(&w->mu, NULL);
	pthread_cond_init(&w->cv, NULL);
	w->refs = 1;
	w->next = writers;
	writers = w;
	pthread_mutex_unlock(&writers_mu);
	*out = w;
	return 0;
}

static void writer_put(struct writer *w)
{
	struct writer **pp;
	pthread_mutex_lock(&writers_mu);
	if (--w->refs > 0) {
		pthread_mutex_unlock(&writers_mu);
		return;
	}
	for (pp = &writers; *pp; pp = &(*pp)->next)
		if (*pp == w) {
			*pp = w->next;
			break;
		}
	pthread_mutex_unlock(&writers_mu);
	if (w->open)
		conn_exec(&w->conn, "ROLLBACK");
	conn_close(&w->conn);
	pthread_mutex_destroy(&w->mu);
	pthread_cond_destroy(&w->cv);
	free(w);
}

int db_open(struct db **out, const char *path, const struct db_options *opt)
{
	struct db *db = calloc(1, sizeof *db);
	int rc;
	if (!db)
		return HELPO_ENOMEM;
	db->cur = &db->own;
	if ((rc = conn_open(&db->own, path, opt)) ||
	    (!opt->readonly && (rc = writer_get(path, opt, &db->w)))) {
		conn_close(&db->own);
		free(db);
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
	db_sync(db);
	conn_close(&db->own);
	if (db->w)
		writer_put(db->w);
	free(db);
}

const char *db_engine(struct db *db)
{
	(void)db;
	return "sqlite";
}

const char *db_errmsg(struct db *db)
{
	return sqlite3_errmsg(db->cur->h);
}

int db_changes(struct db *db)
{
	return sqlite3_changes(db->cur->h);
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

/* ---- group commit (see the comment at the top) ---- */

/* Ends a group: COMMIT (or ROLLBACK when it already failed), record the outcome, wake every
 * writer. Called with w->mu held and w->busy set by the caller's turn. */
static int group_finish(struct writer *w, int rc)
{
	if (!rc && (rc = conn_exec(&w->conn, "COMMIT")))
		log_error("group commit of %d writes failed: %s", w->members, helpo_strerror(rc));
	if (!sqlite3_get_autocommit(w->conn.h))
		conn_exec(&w->conn, "ROLLBACK");
	w->open = false;
	w->members = 0;
	w->result[w->gen % RESULT_RING] = rc;
	w->done = w->gen;
	return rc;
}

/* Gives up a writer's turn: commits the open group when nobody is waiting to join it (or it
 * is full), else leaves it open for the next writer. Called with w->mu held. */
static void turn_end(struct writer *w)
{
	if (w->open && (w->waiting == 0 || w->members >= GROUP_MAX))
		group_finish(w, 0);
	w->busy = false;
	pthread_cond_broadcast(&w->cv);
}

int db_begin(struct db *db)
{
	struct writer *w = db->w;
	int rc = 0;
	helpo_assert(!db->writing);
	if (!w)
		return HELPO_EINVAL; /* read-only connection */
	pthread_mutex_lock(&w->mu);
	w->waiting++;
	while (w->busy)
		pthread_cond_wait(&w->cv, &w->mu);
	w->waiting--;
	w->busy = true;
	if (!w->open) {
		if ((rc = conn_exec(&w->conn, "BEGIN IMMEDIATE"))) {
			turn_end(w);
			pthread_mutex_unlock(&w->mu);
			return rc;
		}
		w->open = true;
		w->members = 0;
		w->gen++;
	}
	if ((rc = conn_exec(&w->conn, "SAVEPOINT helpo_write"))) {
		if (sqlite3_get_autocommit(w->conn.h)) /* the group is gone */
			group_finish(w, rc);
		turn_end(w);
		pthread_mutex_unlock(&w->mu);
		return rc;
	}
	db->gen = w->gen;
	pthread_mutex_unlock(&w->mu);
	db->writing = true;
	db->cur = &w->conn;
	return 0;
}

int db_begin_read(struct db *db)
{
	return exec_plain(db, "BEGIN");
}

int db_commit(struct db *db)
{
	struct writer *w = db->w;
	uint64_t gen = db->gen;
	int rc;
	if (!db->writing) /* a read transaction on the own connection */
		return exec_plain(db, "COMMIT");
	if ((rc = conn_exec(&w->conn, "RELEASE helpo_write")))
		return rc; /* still inside the savepoint: the caller rolls back */
	db->writing = false;
	db->cur = &db->own;
	pthread_mutex_lock(&w->mu);
	w->members++;
	if (db->defer) {
		/* deferred: leave the group open for more work; db_sync makes it durable. Commit
		 * now only when other writers already sleep on this group and nobody else will. */
		db->pending = gen;
		if ((w->waiting == 0 && w->sync_waiters > 0) || w->members >= GROUP_MAX)
			group_finish(w, 0);
		w->busy = false;
		pthread_cond_broadcast(&w->cv);
		pthread_mutex_unlock(&w->mu);
		return 0;
	}
	if (w->waiting == 0 || w->members >= GROUP_MAX) {
		rc = group_finish(w, 0);
		w->busy = false;
		pthread_cond_broadcast(&w->cv);
		pthread_mutex_unlock(&w->mu);
		return rc;
	}
	/* someone is waiting: hand the open group on, return once it is on disk */
	w->busy = false;
	pthread_cond_broadcast(&w->cv);
	w->sync_waiters++;
	while (w->done < gen)
		pthread_cond_wait(&w->cv, &w->mu);
	w->sync_waiters--;
	rc = w->result[gen % RESULT_RING];
	pthread_mutex_unlock(&w->mu);
	return rc;
}

void db_rollback(struct db *db)
{
	struct writer *w = db->w;
	if (!db->writing) {
		if (!sqlite3_get_autocommit(db->own.h))
			conn_exec(&db->own, "ROLLBACK");
		return;
	}
	db->writing = false;
	db->cur = &db->own;
	pthread_mutex_lock(&w->mu);
	if (sqlite3_get_autocommit(w->conn.h)) {
		/* SQLite rolled the whole group back (I/O error, disk full): all of it failed */
		group_finish(w, HELPO_EIO);
	} else if (conn_exec(&w->conn, "ROLLBACK TO helpo_write") ||
		   conn_exec(&w->conn, "RELEASE helpo_write")) {
		group_finish(w, HELPO_EIO);
	}
	turn_end(w);
	pthread_mutex_unlock(&w->mu);
}

void db_defer_commits(struct db *db, bool on)
{
	db->defer = on;
}

int db_sync(struct db *db)
{
	struct writer *w = db->w;
	uint64_t gen = db->pending;
	int rc;
	if (!w || !gen)
		return 0;
	db->pending = 0;
	pthread_mutex_lock(&w->mu);
	while (w->busy && w->done < gen)
		pthread_cond_wait(&w->cv, &w->mu);
	if (w->done < gen) {
		/* still open (nobody came to commit it): commit it ourselves */
		w->busy = true;
		group_finish(w, 0);
		w->busy = false;
		pthread_cond_broadcast(&w->cv);
	}
	rc = w->result[gen % RESULT_RING];
	pthread_mutex_unlock(&w->mu);
	return rc;
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
	struct conn *c = db->cur;
	uint64_t h = hash_sql(sql);
	struct db_stmt *slot = &c->cache[h % STMT_CACHE];
	sqlite3_stmt *st;
	int rc;
	if (slot->st && slot->hash == h && !slot->in_use &&
	    !strcmp(sqlite3_sql(slot->st), sql)) {
		slot->in_use = true;
		*out = slot;
		return 0;
	}
	rc = sqlite3_prepare_v3(c->h, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL);
	if (rc != SQLITE_OK) {
		log_warn("sqlite prepare: %s", sqlite3_errmsg(c->h));
		return map_rc(c, rc) ? map_rc(c, rc) : HELPO_EDB;
	}
	if (!slot->in_use) {
		sqlite3_finalize(slot->st);
		slot->st = st;
		slot->c = c;
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
	slot->c = c;
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
	return rc == SQLITE_OK ? 0 : map_rc(s->c, rc);
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
	return map_rc(s->c, rc) ? map_rc(s->c, rc) : HELPO_EDB;
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
	b = sqlite3_backup_init(dst, "main", db->own.h, "main");
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
