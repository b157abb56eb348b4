/*
 * tests/unit/db/db.c — unit tests for src/db/db_sqlite.c: open + migrate (idempotent), the
 * durability pragmas, binds and columns, the prepared-statement cache under nested use,
 * constraint errors, transactions, online backup, and full-text search (diacritics, case,
 * ё=е, prefixes, FTS5 syntax in user words, public-only matching).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "db/db.h"
#include "util/buf.h"
#include "../testutil.h"
#include <sqlite3.h>

static const char *pragma_text(struct db *db, const char *sql, char *out, size_t len)
{
	struct db_stmt *st;
	assert_int_equal(db_query(db, &st, sql, ""), 0);
	assert_int_equal(db_step(st), DB_ROW);
	snprintf(out, len, "%s", db_col_text(st, 0));
	db_done(st);
	return out;
}

static void test_open_migrate(void **state)
{
	struct tdb *t = *state;
	int applied = -1, v1 = 0, v2 = 0;
	char text[32];
	int64_t n;
	assert_int_equal(db_schema_version(t->db, &v1), 0);
	assert_true(v1 >= 1);
	/* a second migrate applies nothing and keeps the version */
	assert_int_equal(db_migrate(t->db, &applied), 0);
	assert_int_equal(applied, 0);
	assert_int_equal(db_migrate(t->db, NULL), 0);
	assert_int_equal(db_schema_version(t->db, &v2), 0);
	assert_int_equal(v1, v2);
	assert_string_equal(db_engine(t->db), "sqlite");
	/* the core tables exist */
	assert_int_equal(db_int(t->db, &n,
	                        "SELECT count(*) FROM sqlite_master WHERE name IN ('users', "
	                        "'tickets', 'comments', 'events', 'ticket_fts', 'groups')",
	                        ""),
	                 0);
	assert_int_equal(n, 6);
	/* durability: WAL, synchronous=FULL (2), foreign keys on */
	assert_string_equal(pragma_text(t->db, "PRAGMA journal_mode", text, sizeof text), "wal");
	assert_int_equal(db_int(t->db, &n, "PRAGMA synchronous", ""), 0);
	assert_int_equal(n, 2);
	assert_int_equal(db_int(t->db, &n, "PRAGMA foreign_keys", ""), 0);
	assert_int_equal(n, 1);

	/* reopening the same file: migrations already applied */
	struct db *again;
	struct db_options opt = {.synchronous_full = false, .busy_timeout_ms = 100};
	assert_int_equal(db_open(&again, t->path, &opt), 0);
	assert_int_equal(db_migrate(again, &applied), 0);
	assert_int_equal(applied, 0);
	/* the relaxed setting gives NORMAL (1) */
	assert_int_equal(db_int(again, &n, "PRAGMA synchronous", ""), 0);
	assert_int_equal(n, 1);
	db_close(again);
	db_close(NULL); /* accepted */
}

static void test_open_errors(void **state)
{
	struct db *db = NULL;
	struct db_options opt = {.synchronous_full = true, .busy_timeout_ms = 100};
	struct db_options ro = {.readonly = true, .busy_timeout_ms = 100};
	(void)state;
	assert_int_equal(db_open(&db, "/nonexistent-dir/x/helpo.db", &opt), HELPO_EIO);
	assert_int_equal(db_open(&db, "/nonexistent-dir/x/helpo.db", &ro), HELPO_EIO);
}

static void test_readonly(void **state)
{
	struct tdb *t = *state;
	struct db *ro;
	struct db_options opt = {.readonly = true, .busy_timeout_ms = 100};
	int64_t n;
	t_user(t->db, "agent", "Ann", "ann@example.com", 0);
	assert_int_equal(db_open(&ro, t->path, &opt), 0);
	assert_int_equal(db_int(ro, &n, "SELECT count(*) FROM users", ""), 0);
	assert_int_equal(n, 1);
	int rc = db_exec(ro, "DELETE FROM users", "");
	assert_true(rc < 0);
	db_close(ro);
	assert_int_equal(db_int(t->db, &n, "SELECT count(*) FROM users", ""), 0);
	assert_int_equal(n, 1);
}

static void test_binds(void **state)
{
	struct tdb *t = *state;
	struct db_stmt *st;
	const void *blob;
	size_t blen;
	int64_t n;
	assert_int_equal(db_exec(t->db, "CREATE TABLE kv (k TEXT, i INTEGER, b BLOB, z TEXT)", ""),
	                 0);
	assert_int_equal(db_exec(t->db, "INSERT INTO kv VALUES (?, ?, ?, ?)", "sibn", "one",
	                         (int64_t)1 << 40, "a\0b", (size_t)3),
	                 0);
	assert_int_equal(db_changes(t->db), 1);
	assert_int_equal(db_exec(t->db, "INSERT INTO kv VALUES (?, ?, ?, ?)", "s i b s",
	                         (const char *)NULL, (int64_t)-7, "", (size_t)0, "Ёж"),
	                 0);
	assert_int_equal(db_query(t->db, &st, "SELECT k, i, b, z FROM kv ORDER BY rowid", ""), 0);
	assert_int_equal(db_step(st), DB_ROW);
	assert_string_equal(db_col_text(st, 0), "one");
	assert_int_equal(db_col_int(st, 1), (int64_t)1 << 40);
	blob = db_col_blob(st, 2, &blen);
	assert_int_equal(blen, 3);
	assert_memory_equal(blob, "a\0b", 3);
	assert_true(db_col_null(st, 3));
	assert_null(db_col_text(st, 3));
	assert_int_equal(db_step(st), DB_ROW);
	assert_true(db_col_null(st, 0));
	assert_null(db_col_text(st, 0));
	assert_int_equal(db_col_int(st, 1), -7);
	assert_string_equal(db_col_text(st, 3), "Ёж");
	assert_int_equal(db_step(st), DB_DONE);
	db_done(st);
	db_done(NULL); /* accepted */

	/* 'I' binds 0 as NULL (optional foreign keys) and other values as integers */
	assert_int_equal(db_int(t->db, &n, "SELECT ? IS NULL", "I", (int64_t)0), 0);
	assert_int_equal(n, 1);
	assert_int_equal(db_int(t->db, &n, "SELECT ?", "I", (int64_t)-3), 0);
	assert_int_equal(n, -3);
	assert_int_equal(db_int(t->db, &n, "SELECT ? IS NULL", "i", (int64_t)0), 0);
	assert_int_equal(n, 0);

	/* db_int: a value, and HELPO_ENOTFOUND without a row */
	assert_int_equal(db_int(t->db, &n, "SELECT i FROM kv WHERE k = ?", "s", "one"), 0);
	assert_int_equal(n, (int64_t)1 << 40);
	n = 99;
	assert_int_equal(db_int(t->db, &n, "SELECT i FROM kv WHERE k = ?", "s", "none"),
	                 HELPO_ENOTFOUND);
	/* SQL errors are reported, not fatal */
	assert_int_equal(db_exec(t->db, "SELEC nonsense", ""), HELPO_EDB);
	assert_int_equal(db_exec(t->db, "SELECT * FROM no_such_table", ""), HELPO_EDB);
	assert_non_null(db_errmsg(t->db));
	/* the connection still works afterwards */
	assert_int_equal(db_int(t->db, &n, "SELECT count(*) FROM kv", ""), 0);
	assert_int_equal(n, 2);
}

static void test_args(void **state)
{
	struct tdb *t = *state;
	struct db_args a = {0};
	struct db_stmt *st;
	for (int i = 0; i < DB_MAX_ARGS; i++)
		assert_int_equal(db_args_int(&a, i), 0);
	assert_int_equal(db_args_int(&a, 1), HELPO_ETOOBIG);
	assert_int_equal(db_args_text(&a, "x"), HELPO_ETOOBIG);
	assert_int_equal(a.n, DB_MAX_ARGS);

	memset(&a, 0, sizeof a);
	db_args_int(&a, 40);
	db_args_text(&a, "two");
	db_args_text(&a, NULL);
	assert_int_equal(db_query_args(t->db, &st, "SELECT ? + 2, ?, ? IS NULL", &a), 0);
	assert_int_equal(db_step(st), DB_ROW);
	assert_int_equal(db_col_int(st, 0), 42);
	assert_string_equal(db_col_text(st, 1), "two");
	assert_int_equal(db_col_int(st, 2), 1);
	db_done(st);
}

/* The statement cache: the same SQL text while it is in use (nested), and reuse after done. */
static void test_stmt_cache(void **state)
{
	struct tdb *t = *state;
	struct db_stmt *outer, *inner, *again;
	const char *q = "SELECT v FROM nums WHERE v >= ? ORDER BY v";
	int64_t sum = 0, pairs = 0;
	assert_int_equal(db_exec(t->db, "CREATE TABLE nums (v INTEGER)", ""), 0);
	for (int64_t i = 1; i <= 5; i++)
		assert_int_equal(db_exec(t->db, "INSERT INTO nums VALUES (?)", "i", i), 0);

	/* outer and inner use the very same SQL text; each must keep its own cursor */
	assert_int_equal(db_query(t->db, &outer, q, "i", (int64_t)1), 0);
	while (db_step(outer) == DB_ROW) {
		int64_t v = db_col_int(outer, 0);
		assert_int_equal(db_query(t->db, &inner, q, "i", v), 0);
		assert_ptr_not_equal(inner, outer);
		while (db_step(inner) == DB_ROW) {
			sum += db_col_int(inner, 0);
			pairs++;
			/* a third level, with another statement text */
			int64_t c;
			assert_int_equal(db_int(t->db, &c, "SELECT count(*) FROM nums WHERE v <= ?",
			                        "i", db_col_int(inner, 0)),
			                 0);
			assert_int_equal(c, db_col_int(inner, 0));
		}
		db_done(inner);
		assert_int_equal(db_col_int(outer, 0), v); /* outer cursor untouched */
	}
	db_done(outer);
	assert_int_equal(pairs, 15); /* 5+4+3+2+1 */
	assert_int_equal(sum, 55);   /* sum over v of sum(v..5) */

	/* after db_done, the cached statement is handed out again, reset and rebound */
	assert_int_equal(db_query(t->db, &outer, q, "i", (int64_t)4), 0);
	assert_int_equal(db_step(outer), DB_ROW);
	assert_int_equal(db_col_int(outer, 0), 4);
	db_done(outer);
	assert_int_equal(db_query(t->db, &again, q, "i", (int64_t)5), 0);
	assert_ptr_equal(again, outer);
	assert_int_equal(db_step(again), DB_ROW);
	assert_int_equal(db_col_int(again, 0), 5);
	assert_int_equal(db_step(again), DB_DONE);
	db_done(again);

	/* many distinct statements (more than the cache holds) stay correct */
	for (int i = 0; i < 400; i++) {
		char sql[64];
		int64_t v;
		snprintf(sql, sizeof sql, "SELECT %d + ?", i);
		assert_int_equal(db_int(t->db, &v, sql, "i", (int64_t)1), 0);
		assert_int_equal(v, i + 1);
	}
	for (int i = 0; i < 400; i++) {
		char sql[64];
		int64_t v;
		snprintf(sql, sizeof sql, "SELECT %d + ?", i);
		assert_int_equal(db_int(t->db, &v, sql, "i", (int64_t)2), 0);
		assert_int_equal(v, i + 2);
	}
}

static void test_conflict(void **state)
{
	struct tdb *t = *state;
	int64_t n;
	t_user(t->db, "agent", "Ann", "ann@example.com", 0);
	int64_t now = time_now_ms();
	assert_int_equal(db_exec(t->db,
	                         "INSERT INTO users (role, name, email, created_at, updated_at) "
	                         "VALUES ('end-user', 'Other', 'ann@example.com', ?, ?)",
	                         "ii", now, now),
	                 HELPO_ECONFLICT);
	/* CHECK and foreign-key violations are constraint errors too */
	assert_int_equal(db_exec(t->db,
	                         "INSERT INTO users (role, name, email, created_at, updated_at) "
	                         "VALUES ('boss', 'B', 'b@example.com', ?, ?)",
	                         "ii", now, now),
	                 HELPO_ECONFLICT);
	assert_int_equal(db_exec(t->db,
	                         "INSERT INTO group_memberships (group_id, user_id, created_at, "
	                         "updated_at) VALUES (999, 999, 0, 0)",
	                         ""),
	                 HELPO_ECONFLICT);
	assert_int_equal(db_int(t->db, &n, "SELECT count(*) FROM users", ""), 0);
	assert_int_equal(n, 1);
}

static void test_transactions(void **state)
{
	struct tdb *t = *state;
	int64_t n;
	db_rollback(t->db); /* no transaction: harmless */
	assert_int_equal(db_begin(t->db), 0);
	t_user(t->db, "agent", "Ann", "ann@example.com", 0);
	t_user(t->db, "agent", "Bob", "bob@example.com", 0);
	db_rollback(t->db);
	assert_int_equal(db_int(t->db, &n, "SELECT count(*) FROM users", ""), 0);
	assert_int_equal(n, 0);

	/* a failure inside a transaction, then rollback: nothing of it remains */
	assert_int_equal(db_begin(t->db), 0);
	t_user(t->db, "agent", "Ann", "ann@example.com", 0);
	assert_int_equal(db_exec(t->db,
	                         "INSERT INTO users (role, name, email, created_at, updated_at) "
	                         "VALUES ('agent', 'Dup', 'ann@example.com', 0, 0)",
	                         ""),
	                 HELPO_ECONFLICT);
	db_rollback(t->db);
	assert_int_equal(db_int(t->db, &n, "SELECT count(*) FROM users", ""), 0);
	assert_int_equal(n, 0);

	/* commit keeps */
	assert_int_equal(db_begin(t->db), 0);
	t_user(t->db, "agent", "Cid", "cid@example.com", 0);
	assert_int_equal(db_commit(t->db), 0);
	assert_int_equal(db_int(t->db, &n, "SELECT count(*) FROM users", ""), 0);
	assert_int_equal(n, 1);
	/* commit without a transaction is an error */
	assert_true(db_commit(t->db) < 0);

	/* a read transaction sees a consistent snapshot and ends cleanly */
	assert_int_equal(db_begin_read(t->db), 0);
	assert_int_equal(db_int(t->db, &n, "SELECT count(*) FROM users", ""), 0);
	assert_int_equal(n, 1);
	assert_int_equal(db_commit(t->db), 0);
}

/* Another writer (here a plain SQLite connection, as another process would be) holds the
 * write lock: db_begin waits its busy timeout, then fails with HELPO_EBUSY and leaves the
 * connection usable. */
static void test_busy(void **state)
{
	struct tdb *t = *state;
	struct db *mine;
	struct db_options opt = {.synchronous_full = true, .busy_timeout_ms = 50};
	sqlite3 *other;
	int64_t n;
	assert_int_equal(sqlite3_open(t->path, &other), SQLITE_OK);
	assert_int_equal(sqlite3_exec(other, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(db_open(&mine, t->path, &opt), 0);
	int64_t start = time_mono_ms();
	assert_int_equal(db_begin(mine), HELPO_EBUSY);
	assert_true(time_mono_ms() - start >= 40);
	/* reads still work while the other writer holds the lock (WAL) */
	assert_int_equal(db_int(mine, &n, "SELECT count(*) FROM users", ""), 0);
	assert_int_equal(sqlite3_exec(other, "ROLLBACK", NULL, NULL, NULL), SQLITE_OK);
	/* once released, the same connection can write */
	assert_int_equal(db_begin(mine), 0);
	t_user(mine, "agent", "Ann", "ann@example.com", 0);
	assert_int_equal(db_commit(mine), 0);
	db_close(mine);
	sqlite3_close(other);
}

static void test_backup(void **state)
{
	struct tdb *t = *state;
	char path[400];
	struct db *copy;
	struct db_options opt = {.synchronous_full = true, .busy_timeout_ms = 100};
	int64_t n;
	int v1, v2;
	t_user(t->db, "agent", "Ann", "ann@example.com", 0);
	t_user(t->db, "end-user", "Ēriks", "eriks@example.com", 0);
	assert_int_equal(db_fts_set(t->db, 7, "backup subject", "", ""), 0);
	snprintf(path, sizeof path, "%s/backup.db", t->dir);
	assert_int_equal(db_backup(t->db, path), 0);
	/* the live database keeps working */
	t_user(t->db, "agent", "Later", "later@example.com", 0);

	assert_int_equal(db_open(&copy, path, &opt), 0);
	assert_int_equal(db_int(copy, &n, "SELECT count(*) FROM users", ""), 0);
	assert_int_equal(n, 2);
	assert_int_equal(
	    db_int(copy, &n, "SELECT count(*) FROM users WHERE name = ?", "s", "Ēriks"), 0);
	assert_int_equal(n, 1);
	assert_int_equal(
	    db_int(copy, &n, "SELECT rowid FROM ticket_fts WHERE ticket_fts MATCH 'backup'", ""),
	    0);
	assert_int_equal(n, 7);
	assert_int_equal(db_schema_version(t->db, &v1), 0);
	assert_int_equal(db_schema_version(copy, &v2), 0);
	assert_int_equal(v1, v2);
	assert_int_equal(db_migrate(copy, &v2), 0);
	assert_int_equal(v2, 0);
	db_close(copy);

	/* a path that cannot be created */
	assert_int_equal(db_backup(t->db, "/nonexistent-dir/x/backup.db"), HELPO_EIO);
}

/* ---- full-text search ---- */

/* Runs the match over ids 1..8 and returns a bit mask of the matching ids, or the error. */
static int64_t fts_mask(struct db *db, const char *words, bool public_only)
{
	struct buf sql = BUF_INIT(4096), param = BUF_INIT(4096);
	struct db_stmt *st;
	int64_t mask = 0;
	int rc;
	buf_adds(&sql, "WITH ids(id) AS (VALUES (1), (2), (3), (4), (5), (6), (7), (8)) "
	               "SELECT id FROM ids WHERE ");
	rc = db_fts_match(db, &sql, "ids.id", words, public_only, &param);
	if (rc) {
		buf_release(&sql);
		buf_release(&param);
		return rc;
	}
	rc = db_query(db, &st, sql.data, "s", param.data);
	if (rc)
		fail_msg("query for '%s' failed to prepare: %d", words, rc);
	while ((rc = db_step(st)) == DB_ROW)
		mask |= (int64_t)1 << db_col_int(st, 0);
	db_done(st);
	if (rc < 0)
		fail_msg("match for '%s' (param %s) failed: %d", words, param.data, rc);
	buf_release(&sql);
	buf_release(&param);
	return mask;
}

#define B(i) ((int64_t)1 << (i))

static void fts_fixture(struct db *db)
{
	assert_int_equal(db_fts_set(db, 1, "Printer is broken", "The PRINTER on floor 2 jams",
	                            "escalate to vendor"),
	                 0);
	assert_int_equal(db_fts_set(db, 2, "Rēķins par Āboliņš", "Lūdzu, nosūtiet rēķinu", NULL),
	                 0);
	assert_int_equal(db_fts_set(db, 3, "Ёлка не горит", "Ёжик и ещё", "внутренняя заметка"), 0);
	assert_int_equal(db_fts_set(db, 4, "Password reset", "", "customer is a VIP zebra"), 0);
	assert_int_equal(db_fts_set(db, 5, "елка зелёная", "", ""), 0);
}

static void test_fts_words(void **state)
{
	struct tdb *t = *state;
	fts_fixture(t->db);
	/* case and prefix */
	assert_int_equal(fts_mask(t->db, "printer", false), B(1));
	assert_int_equal(fts_mask(t->db, "PRINT", false), B(1));
	assert_int_equal(fts_mask(t->db, "jam", false), B(1));
	/* every word must match */
	assert_int_equal(fts_mask(t->db, "printer broken", false), B(1));
	assert_int_equal(fts_mask(t->db, "printer zebra", false), 0);
	/* diacritics ignored, both ways */
	assert_int_equal(fts_mask(t->db, "rekins", false), B(2));
	assert_int_equal(fts_mask(t->db, "abolins", false), B(2));
	assert_int_equal(fts_mask(t->db, "ĀBOLIŅŠ", false), B(2));
	assert_int_equal(fts_mask(t->db, "nosutiet", false), B(2));
	assert_int_equal(fts_mask(t->db, "Lūdzu", false), B(2));
	/* Cyrillic case, and ё = е in text and in queries */
	assert_int_equal(fts_mask(t->db, "ёлка", false), B(3) | B(5));
	assert_int_equal(fts_mask(t->db, "ЕЛКА", false), B(3) | B(5));
	assert_int_equal(fts_mask(t->db, "Ёлка", false), B(3) | B(5));
	assert_int_equal(fts_mask(t->db, "еще", false), B(3));
	assert_int_equal(fts_mask(t->db, "зеленая", false), B(5));
	assert_int_equal(fts_mask(t->db, "зелё", false), B(5));
	assert_int_equal(fts_mask(t->db, "ежик", false), B(3));
	/* nothing matches an unknown word */
	assert_int_equal(fts_mask(t->db, "nonexistentword", false), 0);
	/* no searchable word at all */
	assert_int_equal(fts_mask(t->db, "", false), HELPO_EINVAL);
	assert_int_equal(fts_mask(t->db, "  ", false), HELPO_EINVAL);
	assert_int_equal(fts_mask(t->db, "\"*-:()", false), HELPO_EINVAL);
}

static void test_fts_public_only(void **state)
{
	struct tdb *t = *state;
	fts_fixture(t->db);
	assert_int_equal(fts_mask(t->db, "vendor", false), B(1));
	assert_int_equal(fts_mask(t->db, "vendor", true), 0);
	assert_int_equal(fts_mask(t->db, "zebra", false), B(4));
	assert_int_equal(fts_mask(t->db, "zebra", true), 0);
	assert_int_equal(fts_mask(t->db, "заметка", true), 0);
	assert_int_equal(fts_mask(t->db, "заметка", false), B(3));
	/* subject and public text still match */
	assert_int_equal(fts_mask(t->db, "password", true), B(4));
	assert_int_equal(fts_mask(t->db, "floor", true), B(1));
	/* one word public, one internal: not a public match */
	assert_int_equal(fts_mask(t->db, "printer vendor", true), 0);
	assert_int_equal(fts_mask(t->db, "printer vendor", false), B(1));
	/* a column filter typed by the user cannot reach the internal column */
	assert_int_equal(fts_mask(t->db, "internal:vendor", true), 0);
	assert_int_equal(fts_mask(t->db, "{internal}:zebra", true), 0);
	assert_int_equal(fts_mask(t->db, ") OR internal : zebra", true), 0);
}

static void test_fts_syntax(void **state)
{
	struct tdb *t = *state;
	const char *hostile[] = {
	    "\"",
	    "\"printer",
	    "printer\"",
	    "NEAR(printer broken)",
	    "NEAR(",
	    "printer*",
	    "*",
	    "-printer",
	    "printer -broken",
	    "subject:printer",
	    ":",
	    "printer OR zebra",
	    "OR",
	    "AND",
	    "NOT",
	    "printer NOT broken",
	    "^printer",
	    "(printer",
	    "printer)",
	    "{subject pub}: printer",
	    "printer + broken",
	    "a'b",
	    "\\",
	    "%_",
	    "—",
	    "«printer»",
	    "…",
	    "  printer  ,  broken  ",
	    "\xc2\xa0printer",
	    "\xf0\x9f\x98\x80",
	    "\xff\xfe",
	    "ёёё",
	    NULL,
	};
	fts_fixture(t->db);
	for (int i = 0; hostile[i]; i++) {
		for (int pub = 0; pub < 2; pub++) {
			int64_t m = fts_mask(t->db, hostile[i], pub);
			if (m < 0 && m != HELPO_EINVAL)
				fail_msg("words '%s' gave error %d", hostile[i], (int)m);
		}
	}
	/* the syntax is treated as words, so operators are plain words */
	assert_int_equal(fts_mask(t->db, "printer OR zebra", false), 0);
	assert_int_equal(fts_mask(t->db, "NEAR(printer broken)", false), 0); /* no "near" */
	assert_int_equal(fts_mask(t->db, "-printer", false), B(1));
	assert_int_equal(fts_mask(t->db, "subject:printer", false), 0); /* no word "subject" */
	assert_int_equal(fts_mask(t->db, "«printer»", false), B(1));
	assert_int_equal(fts_mask(t->db, "\"printer\" \"broken\"", false), B(1));
	assert_int_equal(fts_mask(t->db, "printer*", false), B(1));
}

static void test_fts_changes(void **state)
{
	struct tdb *t = *state;
	fts_fixture(t->db);
	/* append public and internal text */
	assert_int_equal(db_fts_append(t->db, 4, "reset link expired", true), 0);
	assert_int_equal(db_fts_append(t->db, 4, "ёмкость secret", false), 0);
	assert_int_equal(fts_mask(t->db, "expired", true), B(4));
	assert_int_equal(fts_mask(t->db, "емкость", false), B(4));
	assert_int_equal(fts_mask(t->db, "емкость", true), 0);
	assert_int_equal(fts_mask(t->db, "zebra", false), B(4)); /* earlier text kept */
	/* subject replaced */
	assert_int_equal(db_fts_subject(t->db, 1, "Scanner offline"), 0);
	assert_int_equal(fts_mask(t->db, "scanner", true), B(1));
	assert_int_equal(fts_mask(t->db, "broken", false), 0);
	assert_int_equal(fts_mask(t->db, "jams", false), B(1)); /* comments kept */
	/* set replaces everything */
	assert_int_equal(db_fts_set(t->db, 1, "New", "fresh", ""), 0);
	assert_int_equal(fts_mask(t->db, "jams", false), 0);
	assert_int_equal(fts_mask(t->db, "fresh", false), B(1));
	/* delete */
	assert_int_equal(db_fts_delete(t->db, 1), 0);
	assert_int_equal(fts_mask(t->db, "fresh", false), 0);
	assert_int_equal(db_fts_delete(t->db, 99), 0); /* nothing to delete is fine */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_open_migrate, t_setup_db, t_teardown_db),
	    cmocka_unit_test(test_open_errors),
	    cmocka_unit_test_setup_teardown(test_readonly, t_setup_db, t_teardown_db),
	    cmocka_unit_test_setup_teardown(test_binds, t_setup_db, t_teardown_db),
	    cmocka_unit_test_setup_teardown(test_args, t_setup_db, t_teardown_db),
	    cmocka_unit_test_setup_teardown(test_stmt_cache, t_setup_db, t_teardown_db),
	    cmocka_unit_test_setup_teardown(test_conflict, t_setup_db, t_teardown_db),
	    cmocka_unit_test_setup_teardown(test_transactions, t_setup_db, t_teardown_db),
	    cmocka_unit_test_setup_teardown(test_busy, t_setup_db, t_teardown_db),
	    cmocka_unit_test_setup_teardown(test_backup, t_setup_db, t_teardown_db),
	    cmocka_unit_test_setup_teardown(test_fts_words, t_setup_db, t_teardown_db),
	    cmocka_unit_test_setup_teardown(test_fts_public_only, t_setup_db, t_teardown_db),
	    cmocka_unit_test_setup_teardown(test_fts_syntax, t_setup_db, t_teardown_db),
	    cmocka_unit_test_setup_teardown(test_fts_changes, t_setup_db, t_teardown_db),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
