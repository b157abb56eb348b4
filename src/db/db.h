/*
 * db.h — the one storage API the domain uses, over SQLite today and PostgreSQL later.
 *
 * SQL given to this API is the portable subset both engines share: `?` placeholders,
 * RETURNING, ON CONFLICT, integer millisecond times, JSON stored as text. Engine specifics
 * (pragmas, full-text search, DDL) live in the backend file (db_sqlite.c; db_pg.c later) and
 * in db/<backend>/NNNN_*.sql migrations. A connection belongs to one thread.
 *
 * Binding uses a compact format string: 'i' int64_t, 'I' int64_t with 0 bound as NULL (for
 * optional foreign keys), 's' const char * (NULL binds NULL),
 * 'n' NULL (consumes no argument), 'b' const void * + size_t (blob).
 *
 * Ownership: db_open returns a connection freed by db_close. A statement from db_query is
 * owned by the connection; call db_done() when finished (it resets and returns it to the
 * cache). Text returned by db_col_text is borrowed until the next db_step/db_done.
 */
#ifndef HELPO_DB_H
#define HELPO_DB_H

#include "util/common.h"
#include "util/buf.h"
#include <stdarg.h>

struct db;
struct db_stmt;

struct db_options {
	bool synchronous_full; /* durable commits (default) */
	int busy_timeout_ms;
	bool readonly;
};

enum { DB_DONE = 0, DB_ROW = 1 };

int db_open(struct db **out, const char *path, const struct db_options *opt);
void db_close(struct db *db);
/* Applies pending migrations; *applied gets how many ran (may be NULL). */
int db_migrate(struct db *db, int *applied);
int db_schema_version(struct db *db, int *version);

/* Write transactions take the write lock up front (no upgrade deadlocks). */
int db_begin(struct db *db);
int db_begin_read(struct db *db);
int db_commit(struct db *db);
void db_rollback(struct db *db);

/*
 * Deferred commits, for batch work (the mail worker): while on, db_commit returns as soon as
 * the transaction joined its commit group, before it is on disk; db_sync then returns once
 * every deferred commit of this connection is durable (0), or the group's error — in which
 * case none of them committed. Do nothing that must follow durability (unlinking a spooled
 * message, answering a client) before db_sync says 0. db_close syncs.
 */
void db_defer_commits(struct db *db, bool on);
int db_sync(struct db *db);

/* Prepares (cached by SQL text), binds per fmt. Use db_step/db_col_*, then db_done. */
int db_query(struct db *db, struct db_stmt **st, const char *sql, const char *fmt, ...);
int db_vquery(struct db *db, struct db_stmt **st, const char *sql, const char *fmt, va_list ap);
/* Returns DB_ROW, DB_DONE or a negative HELPO_E* code. */
int db_step(struct db_stmt *st);
void db_done(struct db_stmt *st);
/* Runs a statement without rows; HELPO_ECONFLICT on a unique/constraint violation. */
int db_exec(struct db *db, const char *sql, const char *fmt, ...);
/* Runs a statement and reads one int64 from the first column of the first row.
 * HELPO_ENOTFOUND when there is no row. */
int db_int(struct db *db, int64_t *out, const char *sql, const char *fmt, ...);

int64_t db_col_int(struct db_stmt *st, int col);
const char *db_col_text(struct db_stmt *st, int col); /* NULL for SQL NULL */
const void *db_col_blob(struct db_stmt *st, int col, size_t *len);
bool db_col_null(struct db_stmt *st, int col);
int db_changes(struct db *db);
const char *db_errmsg(struct db *db);

/*
 * Full-text search (engine specific). db_fts_set replaces the indexed text of a ticket;
 * db_fts_append adds a comment's text. db_fts_match appends to `sql` a boolean SQL condition
 * with exactly one `?`, true for rows whose `id_expr` matches every word in `words` (prefix
 * match on each word, diacritics and case ignored, ё=е); `param` receives the value to bind
 * to that `?`. public_only restricts the match to the subject and public comments.
 * HELPO_EINVAL when `words` holds no searchable word.
 */
int db_fts_set(struct db *db, int64_t ticket_id, const char *subject, const char *pub,
	       const char *internal);
int db_fts_append(struct db *db, int64_t ticket_id, const char *text, bool public_text);
int db_fts_subject(struct db *db, int64_t ticket_id, const char *subject);
int db_fts_delete(struct db *db, int64_t ticket_id);
int db_fts_match(struct db *db, struct buf *sql, const char *id_expr, const char *words,
		 bool public_only, struct buf *param);

/* Arguments collected at run time, for SQL built from a query (search, filters). */
#define DB_MAX_ARGS 160 /* show_many ids (100) plus filters */
struct db_args {
	int n;
	struct {
		char type; /* 'i' or 's' */
		int64_t i;
		const char *s; /* borrowed: must outlive the query */
	} v[DB_MAX_ARGS];
};
int db_args_int(struct db_args *a, int64_t v);
int db_args_text(struct db_args *a, const char *s);
int db_query_args(struct db *db, struct db_stmt **st, const char *sql, const struct db_args *a);

/* Online copy of the whole database into a new file at path. */
int db_backup(struct db *db, const char *path);
/* "sqlite" or "postgresql". */
const char *db_engine(struct db *db);

#endif
